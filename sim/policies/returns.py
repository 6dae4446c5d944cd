"""Returns agreements: by nationality (as with Albania, 2022) and "one in, one out" with France (from 2025).

Arrivals are returned with their nationality's probability (plus the one-in-one-out share of everyone), within a
yearly capacity. Each nationality sees its own recent return rate, and people at the coast respond to it like
to deterrence, with ``response_strength``: returns that really happen are what moved Albanian arrivals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.policies.base import ObservedRate, PolicyLever, combine

if TYPE_CHECKING:
    from sim.model import ChannelModel


class Returns(PolicyLever):
    def setup(self, model: ChannelModel) -> None:
        names = model.geo.nationality_names
        self.p_return = np.full(len(names), self.cfg.one_in_one_out_share)
        for nat, p in self.cfg.return_prob_by_nationality.items():
            if nat in names:
                k = names.index(nat)
                self.p_return[k] = combine(self.p_return[k], p)
        self.observed = ObservedRate(self.cfg.memory_days, len(names))
        self.allowance = 0.0
        self._returned_today = 0

    def apply(self, model: ChannelModel) -> None:
        self.allowance = min(self.allowance + self.cfg.capacity_per_year * model.cfg.scale / 365.0, 1e12)
        seen = self.observed.rate
        r = self.cfg.response_strength
        model.deterrence_leave_hazard += r * seen / 30.0
        model.purchase_factor *= np.exp(-r * seen)

    def on_arrivals(self, model: ChannelModel, people: np.ndarray) -> None:
        pop = model.population
        nat = pop.nationality[people].astype(np.intp)
        chosen = model.streams["policy"].random(people.size) < self.p_return[nat]
        idx = np.flatnonzero(chosen)
        take = int(min(idx.size, np.floor(self.allowance)))
        idx = idx[:take]
        self.allowance -= take
        k = len(model.geo.nationality_names)
        self.observed.update(np.bincount(nat[idx], minlength=k), np.bincount(nat, minlength=k))
        model.removed_directly_today += take
        model.removals_by_lever[self.name] = model.removals_by_lever.get(self.name, 0) + take
        self._returned_today = take

    def daily_costs(self, model: ChannelModel) -> dict[str, float]:
        return {self.name: self._returned_today * self.cfg.cost_gbp_per_return}
