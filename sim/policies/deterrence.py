"""Deterrence by removal to a third country (the UK-Rwanda model).

People at the coast form a perceived removal probability from what they see: before removals start, an
announcement counts for ``announcement_credibility`` times the announced odds (capacity over expected arrivals);
once the scheme operates, the share of recent arrivals actually removed. With ``response_strength`` r and
perceived probability p, a person waiting at the coast abandons the attempt with a daily hazard r * p / 30
(recorded as deterred) and looks for a place less often (purchase rate times exp(-r * p)). r = 0 is "no effect",
the reading of the academic consensus; the Home Office's break-even case needed 37% of arrivals deterred.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.policies.base import ObservedRate, PolicyLever

if TYPE_CHECKING:
    from sim.model import ChannelModel

EXPECTED_ARRIVALS_PER_YEAR = 37_000.0  # 2024 level (Home Office), the denominator of the announced odds


class Deterrence(PolicyLever):
    def setup(self, model: ChannelModel) -> None:
        self.start_day = model.day_index(self.cfg.start_date)
        self.observed = ObservedRate(self.cfg.memory_days)
        self.perceived = 0.0
        self.allowance = 0.0  # removal places accrued and not yet used
        self.removed_total = 0
        self.started = False
        self._removed_today = 0

    def apply(self, model: ChannelModel) -> None:
        cfg = self.cfg
        self.started = model.day >= self.start_day
        announced_odds = min(1.0, cfg.capacity_per_year / EXPECTED_ARRIVALS_PER_YEAR) if cfg.announced else 0.0
        seen = float(self.observed.rate[0]) if cfg.operating and self.started else 0.0
        target = max(seen, cfg.announcement_credibility * announced_odds) if self.started or cfg.announced else 0.0
        self.perceived += self.observed.weight * (target - self.perceived)
        model.perceived_removal_prob = self.perceived
        r = cfg.response_strength
        model.deterrence_leave_hazard += r * self.perceived / 30.0
        model.purchase_factor *= np.exp(-r * self.perceived)
        if cfg.operating and self.started:
            self.allowance = min(self.allowance + cfg.capacity_per_year * model.cfg.scale / 365.0, 1e12)

    def on_arrivals(self, model: ChannelModel, people: np.ndarray) -> None:
        removed = 0
        if self.cfg.operating and self.started and people.size:
            removed = int(min(people.size, np.floor(self.allowance)))
            self.allowance -= removed
        self.removed_total += removed
        model.removed_directly_today += removed
        model.removals_by_lever[self.name] = model.removals_by_lever.get(self.name, 0) + removed
        if self.started:
            self.observed.update(removed, people.size)
        self._removed_today = removed

    def daily_costs(self, model: ChannelModel) -> dict[str, float]:
        cfg = self.cfg
        fixed = cfg.fixed_cost_gbp_per_year * model.cfg.scale / 365.0 if (cfg.announced or cfg.operating) else 0.0
        return {self.name: fixed + self._removed_today * cfg.cost_gbp_per_removal}
