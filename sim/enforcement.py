"""French beach patrols: officers spread over the launch areas who prevent launches on the beach.

A Mesa agent whose strength comes from the config (2024 by default) and that levers change. Patrols cannot act
at sea. The other enforcement agents have their own modules: Border Force vessels at sea in
``sim/border_force.py``, investigations in ``sim/investigations.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.config import EnforcementConfig

if TYPE_CHECKING:
    from sim.model import ChannelModel


class BeachPatrol(mesa.Agent):
    """French officers on the beaches, spread over the launch areas and redeployed towards recent launches."""

    def __init__(self, model: ChannelModel, cfg: EnforcementConfig) -> None:
        super().__init__(model)
        self.cfg = cfg
        geo = model.geo
        w = np.array([cfg.beach_area_weights.get(a, 1.0) for a in geo.area_names], dtype=float)
        if w.sum() <= 0:
            w = np.ones(geo.n_areas)
        self.total_officers = cfg.beach_officers
        self.standing_share = w / w.sum()
        self.officers = cfg.beach_officers * self.standing_share
        self.recent_launches = np.ones(geo.n_areas)

    def set_total(self, officers: float) -> None:
        """Change the number of officers per night, keeping their spread over the areas."""
        self.officers = (
            self.officers * (officers / self.total_officers)
            if self.total_officers > 0
            else (np.full(self.officers.size, officers / self.officers.size))
        )
        self.total_officers = officers

    def prevention_prob(self, taxi: bool | np.ndarray = False) -> np.ndarray:
        """Chance, per launch area, that a launch is stopped on the beach (lower for taxi boats)."""
        density = self.officers / self.model.geo.area_coastline_km
        p = 1.0 - np.exp(-self.cfg.prevention_per_officer_km * density)
        return p * np.where(taxi, self.cfg.taxi_prevention_factor, 1.0)

    def prevention_probs(self) -> tuple[np.ndarray, np.ndarray]:
        """``prevention_prob`` for beach launches and for taxi boats, the same numbers from one computation."""
        density = self.officers / self.model.geo.area_coastline_km
        p = 1.0 - np.exp(-self.cfg.prevention_per_officer_km * density)
        return p * 1.0, p * self.cfg.taxi_prevention_factor

    def observe(self, areas: np.ndarray) -> None:
        self.observe_counts(np.bincount(areas, minlength=self.model.geo.n_areas))

    def observe_counts(self, launches_by_area: np.ndarray) -> None:
        """``observe`` given tonight's launches counted by area."""
        self.recent_launches *= 0.9
        self.recent_launches += launches_by_area

    def step(self) -> None:
        """Move a share of officers towards where boats have recently left from."""
        rate, w = self.cfg.redeploy_rate, self.cfg.redeploy_weight
        if rate <= 0:
            return
        recent = self.recent_launches  # np.add.reduce: .sum() without its Python layer (the same reduction)
        share = (1 - w) * self.standing_share + w * recent / np.add.reduce(recent)
        target = self.total_officers * share
        self.officers = (1 - rate) * self.officers + rate * target

    @property
    def daily_cost_gbp(self) -> float:
        return self.total_officers * self.cfg.officer_cost_gbp_per_night * self.model.cfg.scale
