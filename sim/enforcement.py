"""Enforcement units: French beach patrols, UK Border Force and rescue at sea, NCA investigations.

Each is a Mesa agent with a strength taken from the config (2024 by default) that policies can change. Beach
patrols prevent launches on the beach but cannot act at sea; Border Force intercepts boats and its rescue
capacity lowers the chance that an incident is fatal; investigations arrest network members at every level.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.config import EnforcementConfig

if TYPE_CHECKING:
    from sim.model import ChannelModel

# Relative exposure of each role to arrest (assumption: coastal crews are the most visible).
ROLE_EXPOSURE = MappingProxyType({"organisers": 0.5, "facilitators": 1.0, "suppliers": 0.6, "financiers": 0.3})


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

    def observe(self, areas: np.ndarray) -> None:
        self.recent_launches *= 0.9
        self.recent_launches += np.bincount(areas, minlength=self.model.geo.n_areas)

    def step(self) -> None:
        """Move a share of officers towards where boats have recently left from."""
        rate, w = self.cfg.redeploy_rate, self.cfg.redeploy_weight
        if rate <= 0:
            return
        share = (1 - w) * self.standing_share + w * self.recent_launches / self.recent_launches.sum()
        target = self.total_officers * share
        self.officers = (1 - rate) * self.officers + rate * target

    @property
    def daily_cost_gbp(self) -> float:
        return self.total_officers * self.cfg.officer_cost_gbp_per_night * self.model.cfg.scale


class BorderForce(mesa.Agent):
    """UK vessels in the Channel: intercept boats, bring people ashore, rescue when things go wrong."""

    def __init__(self, model: ChannelModel, cfg: EnforcementConfig) -> None:
        super().__init__(model)
        self.cfg = cfg
        self.vessels = cfg.rescue_vessels

    @property
    def rescue_factor(self) -> float:
        """Multiplier on the fatal-incident probability: more vessels on station, fewer incidents turn fatal."""
        return 1.0 / (1.0 + self.cfg.rescue_effect_per_vessel * self.vessels)

    @property
    def interception_prob(self) -> float:
        """Chance that a boat reaching UK waters is met at sea (the rest land on beaches)."""
        return float(1.0 - np.exp(-self.cfg.interception_per_vessel * self.vessels))

    @property
    def daily_cost_gbp(self) -> float:
        return self.vessels * self.cfg.vessel_cost_gbp_per_day * self.model.cfg.scale

    def step(self) -> None:
        """Border Force's work happens as boats arrive (see crossing.py); nothing to plan day to day."""


class NationalCrimeAgency(mesa.Agent):
    """Investigations that arrest network members at every level, from coastal crews to financiers."""

    def __init__(self, model: ChannelModel, cfg: EnforcementConfig, rng: np.random.Generator) -> None:
        super().__init__(model)
        self.cfg = cfg
        self.arrest_rng = rng
        self.investigations = cfg.investigations
        self.role_multiplier = dict.fromkeys(ROLE_EXPOSURE, 1.0)  # raised by Europol and intelligence-led work
        self.arrests_today = 0

    def step(self) -> None:
        networks = self.model.networks
        self.arrests_today = 0
        if not networks or self.investigations <= 0:
            return
        # Investigations are spread over the networks (which scale with the population).
        intensity = self.cfg.arrest_rate_per_investigation * self.investigations * self.model.cfg.scale / len(networks)
        for network in networks:
            for role, exposure in ROLE_EXPOSURE.items():
                members = getattr(network, role)
                if members > 0:
                    p = min(1.0, intensity * exposure * self.role_multiplier[role])
                    caught = self.arrest_rng.binomial(members, p)
                    if caught:
                        self.arrests_today += network.arrest(role, int(caught))

    @property
    def daily_cost_gbp(self) -> float:
        return self.investigations * self.cfg.investigation_cost_gbp_per_day * self.model.cfg.scale
