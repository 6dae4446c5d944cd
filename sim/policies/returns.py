"""Returns agreements, one entry per agreement: Albania (December 2022), Vietnam (2024), "one in, one out" with
France (August 2025).

Each agreement names a nationality (or ``all``), its own dates, and either a share of that nationality's arrivals
returned (``return_prob``) or an intended weekly count (``weekly_returns``, e.g. about 50 a week for one in, one
out, set from its intended size, not from what it achieved). All agreements share a yearly capacity. Each
nationality sees its own recent return rate (returns among the arrivals of that nationality), and people at the
coast respond to it like to deterrence, with ``response_strength``: returns that really happen are what moved
Albanian arrivals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.policies.base import LeverWindow, ObservedRate, PolicyLever, combine

if TYPE_CHECKING:
    from sim.model import ChannelModel


class Returns(PolicyLever):
    def setup(self, model: ChannelModel) -> None:
        names = model.geo.nationality_names
        self.agreements = []
        for agreement in self.cfg.agreements.values():
            window = LeverWindow.of(model, agreement.start_date, agreement.end_date)
            covered = np.array([agreement.nationality in ("all", n) for n in names])
            self.agreements.append((agreement, window, covered))
        self.observed = ObservedRate(self.cfg.memory_days, len(names))
        self.allowance = 0.0
        self.count_allowance = np.zeros(len(self.agreements))  # weekly-count agreements: returns accrued, unused
        self._returned_today = 0
        self._p_key: tuple | None = None  # the live share agreements and their rates p_return was built from
        self._no_arrivals = np.zeros(len(names), dtype=np.intp)  # bincount of nobody, by nationality

    def apply(self, model: ChannelModel) -> None:
        self.allowance = min(self.allowance + self.cfg.capacity_per_year * model.cfg.scale / 365.0, 1e12)
        self.live = []
        shares = []  # (index, rate) of the live agreements that return a share of arrivals
        day = model.day
        for i, (agreement, window, _) in enumerate(self.agreements):
            if day not in window:
                continue
            self.live.append(i)
            if agreement.weekly_returns > 0:
                self.count_allowance[i] += agreement.weekly_returns * model.cfg.scale / 7.0
            else:
                shares.append((i, agreement.return_prob))
        key = tuple(shares)
        if key != self._p_key:  # the chance of return by nationality changes only with these (a timeline may)
            self._p_key = key
            self.p_return = np.zeros(len(model.geo.nationality_names))
            for i, rate in shares:
                covered = self.agreements[i][2]
                self.p_return = np.where(covered, combine(self.p_return, rate), self.p_return)
        seen = self.observed.rate
        r = self.cfg.response_strength
        model.deterrence_leave_hazard += r * seen / 30.0
        model.purchase_factor *= np.exp(-r * seen)

    def on_arrivals(self, model: ChannelModel, people: np.ndarray) -> None:
        if people.size == 0:  # nobody to return: only the rate people see decays (as the general case would do)
            self.observed.update(self._no_arrivals, self._no_arrivals)
            model.removals_by_lever[self.name] = model.removals_by_lever.get(self.name, 0)
            self._returned_today = 0
            return
        nat = model.population.nationality[people].astype(np.intp)
        chosen = model.streams["policy"].random(people.size) < self.p_return[nat]
        for i in self.live:  # weekly-count agreements take the first covered arrivals not already chosen
            agreement, _, covered = self.agreements[i]
            if agreement.weekly_returns > 0:
                free = np.flatnonzero(covered[nat] & ~chosen)[: int(self.count_allowance[i])]
                chosen[free] = True
                self.count_allowance[i] -= free.size
        idx = np.flatnonzero(chosen)[: int(np.floor(self.allowance))]
        self.allowance -= idx.size
        k = len(model.geo.nationality_names)
        self.observed.update(np.bincount(nat[idx], minlength=k), np.bincount(nat, minlength=k))
        model.removed_directly_today += idx.size
        model.removals_by_lever[self.name] = model.removals_by_lever.get(self.name, 0) + idx.size
        self._returned_today = idx.size

    def daily_costs(self, model: ChannelModel) -> dict[str, float]:
        return {self.name: self._returned_today * self.cfg.cost_gbp_per_return}
