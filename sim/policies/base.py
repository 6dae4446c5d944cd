"""The interface every policy lever implements."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sim.model import ChannelModel


class PolicyLever:
    """A policy instrument: changes what agents face, and costs money."""

    def __init__(self, name: str, cfg: Any, model: ChannelModel) -> None:
        self.name = name
        self.cfg = cfg

    def setup(self, model: ChannelModel) -> None:
        """Once, when the model is built."""

    def apply(self, model: ChannelModel) -> None:
        """Every day, before supply and coast decisions."""

    def on_arrivals(self, model: ChannelModel, people: np.ndarray) -> None:
        """Every day, with the indices of the people who arrived in the UK today."""

    def daily_costs(self, model: ChannelModel) -> dict[str, float]:
        """Today's spending on this lever, GBP, by cost item (normally one item named after the lever)."""
        return {}


def combine(p: float | np.ndarray, q: float | np.ndarray) -> float | np.ndarray:
    """Two independent chances of being stopped combined: 1 - (1 - p)(1 - q)."""
    return 1.0 - (1.0 - p) * (1.0 - q)


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
