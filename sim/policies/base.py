"""The interface every policy lever implements, and the dates that switch it on and off.

Every lever config has ``start_date`` and ``end_date`` (ISO dates, inclusive; null = the whole run). The dates
are handled here, once for all levers: ``PolicyLever.daily`` calls ``start`` on the first day of the window,
``apply`` every day inside it and ``stop`` on the first day after it; outside the window a lever draws no random
numbers, changes nothing and costs nothing. Dates outside the run are clipped: a lever that started before the
run acts from its first day (burn-in included), one that ended before it never acts. A lever module therefore
only says what its instrument does when it starts, every day, and what ``stop`` gives back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sim.model import ChannelModel


@dataclass(frozen=True)
class LeverWindow:
    """Model days (0 = first burn-in day) on which something acts, both inclusive; empty if first > last."""

    first: int
    last: int

    @classmethod
    def of(cls, model: ChannelModel, start: str | None, end: str | None) -> LeverWindow:
        """The window of ISO dates ``start``..``end`` (None = open), clipped to the run."""
        first = 0 if start is None else max(0, model.day_index(str(start)))
        last = model.total_days - 1 if end is None else min(model.total_days - 1, model.day_index(str(end)))
        return cls(first, last)

    def __contains__(self, day: int) -> bool:
        return self.first <= day <= self.last

    @property
    def empty(self) -> bool:
        return self.first > self.last


def iso_after(date: str, days: int) -> str:
    """The ISO date ``days`` after ``date``."""
    return (dt.date.fromisoformat(str(date)) + dt.timedelta(days=days)).isoformat()


class PolicyLever:
    """A policy instrument: changes what agents face between its dates, and costs money while it acts."""

    def __init__(self, name: str, cfg: Any, model: ChannelModel) -> None:
        self.name = name
        self.cfg = cfg
        self.window = LeverWindow.of(model, *self.dates(model))
        self.active = False

    def dates(self, model: ChannelModel) -> tuple[str | None, str | None]:
        """The lever's first and last dates (a lever with more than one date widens this, e.g. deterrence)."""
        return self.cfg.start_date, self.cfg.end_date

    # -------------------------------------------------------------------------------- called by the model
    def daily(self, model: ChannelModel) -> None:
        """Switch on or off at the window's edges, then act if on."""
        inside = model.day in self.window and self.cfg.enabled  # a timeline may switch `enabled` (sim/timeline.py)
        if inside and not self.active:
            self.active = True
            self.start(model)
        elif not inside and self.active:
            self.active = False
            self.stop(model)
        if self.active:
            self.apply(model)

    def arrivals(self, model: ChannelModel, people: np.ndarray) -> None:
        if self.active:
            self.on_arrivals(model, people)

    def costs(self, model: ChannelModel) -> dict[str, float]:
        """Today's spending; zero outside the window (the item is there, so tables have the same columns)."""
        return self.daily_costs(model) if self.active else {self.name: 0.0}

    # ---------------------------------------------------------------------------- implemented by levers
    def setup(self, model: ChannelModel) -> None:
        """Once, when the model is built; must not change what agents face (that is ``start``)."""

    def start(self, model: ChannelModel) -> None:
        """On the first day of the window: put the instrument in place."""

    def stop(self, model: ChannelModel) -> None:
        """On the first day after the window: take the instrument away again."""

    def apply(self, model: ChannelModel) -> None:
        """Every day inside the window, before supply and coast decisions."""

    def on_arrivals(self, model: ChannelModel, people: np.ndarray) -> None:
        """Every day inside the window, with the indices of the people who arrived in the UK today."""

    def daily_costs(self, model: ChannelModel) -> dict[str, float]:
        """Today's spending on this lever, GBP, by cost item (normally one item named after the lever)."""
        return {self.name: 0.0}


def combine(p: float | np.ndarray, q: float | np.ndarray) -> float | np.ndarray:
    """Two independent chances of being stopped combined: 1 - (1 - p)(1 - q)."""
    return 1.0 - (1.0 - p) * (1.0 - q)


def uncombine(total: float | np.ndarray, q: float | np.ndarray) -> float | np.ndarray:
    """The chance left when an independent chance ``q`` (< 1) is taken out of ``total`` (inverse of combine)."""
    return 1.0 - (1.0 - total) / (1.0 - q)


class ObservedRate:
    """An exponentially weighted rate that people form from what they observe (e.g. removals per arrival)."""

    def __init__(self, memory_days: float, size: int = 1) -> None:
        self.weight = 1.0 / max(memory_days, 1.0)
        self.events = np.zeros(size)
        self.exposed = np.zeros(size)

    def update(self, events: np.ndarray | float, exposed: np.ndarray | float) -> None:
        self.events += self.weight * (events - self.events)
        self.exposed += self.weight * (exposed - self.exposed)

    @property
    def rate(self) -> np.ndarray:
        return np.where(self.exposed > 1e-9, self.events / np.maximum(self.exposed, 1e-9), 0.0)
