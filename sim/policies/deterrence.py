"""Deterrence by removal to a third country (the UK-Rwanda model).

People at the coast learn a perceived removal probability from what they hear and see. From ``announce_date`` an
announcement counts for ``announcement_credibility`` times the announced odds: the announced capacity over the
arrivals they see crossing (an EWMA over ``memory_days`` of daily arrivals, so the same capacity frightens more
when few cross). From ``start_date``, if the scheme operates, the share of recent arrivals they see actually
removed; the perception follows the larger of the two. After ``end_date`` the scheme is gone and so is the fear.
With ``response_strength`` r and perceived probability p, a person waiting at the coast abandons the attempt with
a daily hazard r * p / 30 (recorded as deterred) and looks for a place less often (purchase rate times
exp(-r * p)). r = 0 is "no effect", the reading of the academic consensus; the Home Office's break-even case
needed 37% of arrivals deterred.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.policies.base import LeverWindow, ObservedRate, PolicyLever

if TYPE_CHECKING:
    from sim.model import ChannelModel


class Deterrence(PolicyLever):
    def dates(self, model: ChannelModel) -> tuple[str | None, str | None]:
        """The lever acts from the announcement (or the start, if announced on it) to the end date."""
        start, announce = self.cfg.start_date, self.cfg.announce_date
        first = None if start is None else (start if announce is None else min(str(announce), str(start)))
        return first, self.cfg.end_date

    def setup(self, model: ChannelModel) -> None:
        cfg = self.cfg
        self.removal_start = LeverWindow.of(model, cfg.start_date, cfg.end_date).first
        self.announce_start = LeverWindow.of(model, cfg.announce_date or cfg.start_date, cfg.end_date).first
        self.observed = ObservedRate(cfg.memory_days)  # removals among the arrivals people see
        self.perceived = 0.0
        self.allowance = 0.0  # removal places accrued and not yet used
        self.removed_total = 0
        self._removed_today = 0
        self._day = -1

    @property
    def removing(self) -> bool:
        return self.cfg.operating and self.active and self._day >= self.removal_start

    def start(self, model: ChannelModel) -> None:
        # What people know of crossings when the scheme appears: recent arrivals as the news has them.
        self.observed.exposed[:] = model.crossers_per_day
        self._day = model.day

    def stop(self, model: ChannelModel) -> None:
        self.perceived = 0.0
        model.perceived_removal_prob = 0.0

    def apply(self, model: ChannelModel) -> None:
        cfg = self.cfg
        self._day = model.day
        target = 0.0
        if cfg.announced and model.day >= self.announce_start:
            places_per_day = cfg.capacity_per_year * model.cfg.scale / 365.0
            announced_odds = min(1.0, places_per_day / max(float(self.observed.exposed[0]), 1.0))
            target = cfg.announcement_credibility * announced_odds
        if self.removing:
            target = max(target, float(self.observed.rate[0]))
            self.allowance = min(self.allowance + cfg.capacity_per_year * model.cfg.scale / 365.0, 1e12)
        self.perceived += self.observed.weight * (target - self.perceived)
        model.perceived_removal_prob = self.perceived
        r = cfg.response_strength
        model.deterrence_leave_hazard += r * self.perceived / 30.0
        model.purchase_factor *= np.exp(-r * self.perceived)

    def on_arrivals(self, model: ChannelModel, people: np.ndarray) -> None:
        removed = 0
        if self.removing and people.size:
            removed = int(min(people.size, np.floor(self.allowance)))
            self.allowance -= removed
        self.removed_total += removed
        model.removed_directly_today += removed
        model.removals_by_lever[self.name] = model.removals_by_lever.get(self.name, 0) + removed
        self.observed.update(removed, people.size)
        self._removed_today = removed

    def daily_costs(self, model: ChannelModel) -> dict[str, float]:
        cfg = self.cfg
        fixed = cfg.fixed_cost_gbp_per_year * model.cfg.scale / 365.0 if (cfg.announced or cfg.operating) else 0.0
        return {self.name: fixed + self._removed_today * cfg.cost_gbp_per_removal}
