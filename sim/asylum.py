"""The UK side: arrivals join the asylum backlog, decided at a daily capacity, waiting in part in hotels.

The backlog is a stock of people (all asylum claimants, not only small-boat arrivals), so it is held as
numbers, not agents: what matters to the question is its size and its daily hotel cost.
"""

from __future__ import annotations

from sim.config import AsylumConfig


class AsylumSystem:
    """Backlog, decisions, removals and hotel costs, one day at a time."""

    def __init__(self, cfg: AsylumConfig, scale: float) -> None:
        self.cfg = cfg
        self.scale = scale
        self.backlog = cfg.initial_backlog * scale
        self.decisions_per_day = cfg.decisions_per_day * scale
        self.removals_today = 0.0
        self.hotel_cost_today = 0.0
        self.decision_cost_today = 0.0

    def step(self, small_boat_arrivals: int, removed_directly: float = 0.0) -> None:
        """``removed_directly``: arrivals removed without entering the backlog (third-country removal, returns)."""
        cfg = self.cfg
        self.backlog += small_boat_arrivals - removed_directly + cfg.other_claims_per_day * self.scale
        decided = min(self.decisions_per_day, max(self.backlog, 0.0))
        self.backlog -= decided
        self.decision_cost_today = decided * cfg.cost_gbp_per_decision
        self.removals_today = decided * cfg.refusal_share * cfg.removal_share_of_refused + removed_directly
        self.hotel_cost_today = max(self.backlog, 0.0) * cfg.hotel_share * cfg.hotel_cost_gbp_per_night

    @property
    def people_in_hotels(self) -> float:
        return max(self.backlog, 0.0) * self.cfg.hotel_share
