"""Smuggling networks: organisers, coastal facilitators, suppliers and financiers.

A network sells places, keeps a stock of boats and engines that it orders from makers, and on a calm enough day
launches as many boats as it has crews and boat-engine pairs for. When boats are scarce it loads each boat
more heavily; when beaches are patrolled it turns to taxi boats and to launch areas further away.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.config import SmugglingConfig
from sim.supply_chain import BOAT, ENGINE

if TYPE_CHECKING:
    from sim.model import ChannelModel

ROLES = ("organisers", "facilitators", "suppliers", "financiers")


@dataclass
class LaunchPlan:
    """Boats a network sends today: passengers, launch area and taxi-boat flag per boat."""

    loads: np.ndarray
    areas: np.ndarray
    taxi: np.ndarray
    quality: float


class _Recruitment:
    """A replacement member joining after the recruitment delay (a scheduled Mesa event)."""

    __slots__ = ("__weakref__", "network", "role")

    def __init__(self, network: SmugglingNetwork, role: str) -> None:
        self.network, self.role = network, role

    def join(self) -> None:
        setattr(self.network, self.role, getattr(self.network, self.role) + 1)
        self.network.pending.discard(self)


class SmugglingNetwork(mesa.Agent):
    """One smuggling network operating from a home launch area."""

    def __init__(self, model: ChannelModel, cfg: SmugglingConfig, index: int, home_area: int, wave_limit: float):
        super().__init__(model)
        self.cfg = cfg
        self.index = index
        self.home_area = home_area
        self.organisers = cfg.organisers_per_network
        self.facilitators = cfg.facilitators_per_network
        self.suppliers = cfg.suppliers_per_network
        self.financiers = cfg.financiers_per_network
        self.full_strength = {r: getattr(self, r) for r in ROLES}
        self.boats = cfg.initial_boats
        self.engines = self.boats
        self.quality_sum = self.boats * model.cfg.supply_chain.boat_quality
        self.on_order = {BOAT: 0, ENGINE: 0}
        self.price = cfg.initial_price_gbp
        self.taxi_share = cfg.initial_taxi_share
        self.wave_limit = wave_limit
        self.cash = 50_000.0
        self.launch_rate = 0.0  # EWMA of launches per day
        self.load_ewma = float(cfg.comfortable_load)
        self.prevented_beach = 0.5  # EWMA of the prevention rate seen on beach launches
        self.prevented_taxi = 0.2
        self.queue_size = 0
        self.pending: set[_Recruitment] = set()
        self.places_sold = 0
        self.loss_share = 0.0

    # ------------------------------------------------------------------------------------------ capacity
    @property
    def crews(self) -> int:
        """Boats the network can put in the water in one night."""
        if self.organisers <= 0:
            return 0
        return self.facilitators // self.cfg.facilitators_per_launch

    @property
    def strength(self) -> float:
        """Share of full strength, weighted towards the coastal crews who do the launching."""
        parts = [getattr(self, r) / max(self.full_strength[r], 1) for r in ROLES]
        return 0.2 * parts[0] + 0.5 * parts[1] + 0.15 * parts[2] + 0.15 * parts[3]

    @property
    def sales_weight(self) -> float:
        """How likely a person looking for a crossing finds this network: reach of its coastal team, and price."""
        if self.crews <= 0:
            return 0.0
        return self.facilitators * (self.cfg.initial_price_gbp / self.price) ** 2

    # -------------------------------------------------------------------------------------------- supply
    def receive(self, kind: str, size: int, quality: float) -> None:
        self.on_order[kind] -= size
        self.loss_share *= 0.9  # recent share of consignments lost to seizures (EWMA over consignments)
        if kind == BOAT:
            # Networks that lose consignments to seizures make do with flimsier boats; rescue nearby, likewise.
            quality = quality * (1.0 - self.cfg.flimsy_response * self.loss_share) + self.model.boat_quality_shift
            quality = min(max(quality, 0.0), 1.0)
            self.boats += size
            self.quality_sum += size * quality
        else:
            self.engines += size

    def lose_order(self, kind: str, size: int) -> None:
        self.on_order[kind] -= size
        self.loss_share += 0.1 * (1.0 - self.loss_share)

    def place_orders(self) -> None:
        """Keep enough boats and engines in stock or on order for the queue and the recent launch rate."""
        if self.suppliers <= 0 or self.financiers <= 0:
            return
        cfg, model = self.cfg, self.model
        wanted = int(np.ceil(self.queue_size / cfg.comfortable_load + cfg.stock_target_days * self.launch_rate)) + 1
        chain_cfg = model.cfg.supply_chain
        for kind, stock, maker, cost in (
            (BOAT, self.boats, model.boat_maker, chain_cfg.boat_cost_gbp),
            (ENGINE, self.engines, model.engine_maker, chain_cfg.engine_cost_gbp),
        ):
            gap = wanted - stock - self.on_order[kind]
            affordable = int(self.cash // cost) if cost > 0 else gap
            qty = max(0, min(gap, affordable))
            if qty > 0:
                maker.order(self, qty)
                self.on_order[kind] += qty
                self.cash -= qty * cost

    # -------------------------------------------------------------------------------------------- prices
    def adjust_price(self) -> None:
        """Weekly: dearer when boats leave full, cheaper when places go unsold."""
        cfg = self.cfg
        if self.load_ewma > 0.5 * (cfg.comfortable_load + cfg.max_load):
            self.price *= 1 + cfg.price_adjust_per_week
        elif self.queue_size < cfg.comfortable_load and min(self.boats, self.engines) > 0:
            self.price *= 1 - cfg.price_adjust_per_week
        self.price = float(np.clip(self.price, cfg.price_min_gbp, cfg.price_max_gbp))

    def step(self) -> None:
        self.place_orders()
        if self.model.day % 7 == 6:
            self.adjust_price()

    # ------------------------------------------------------------------------------------------ launches
    def plan_launches(
        self, queue_size: int, wave: float, area_prevention: np.ndarray, rng: np.random.Generator
    ) -> LaunchPlan | None:
        """Decide today's launches: how many boats, how full, from where, beach or taxi. ``wave`` is the sea state
        as judged for launching (wave height plus the winter margin, ChannelModel.launch_wave)."""
        cfg = self.cfg
        self.queue_size = queue_size
        n_max = min(self.boats, self.engines, self.crews)
        if wave > self.wave_limit or queue_size < cfg.min_load or n_max <= 0:
            self.launch_rate *= 1 - 1 / 30
            return None
        n = min(n_max, queue_size // cfg.min_load, int(np.ceil(queue_size / cfg.comfortable_load)))
        carried = min(queue_size, n * cfg.max_load)
        loads = np.full(n, carried // n, dtype=np.int64)
        loads[: carried % n] += 1
        geo = self.model.geo
        # Networks weigh the log chance of getting away from each area's beach against the distance at sea.
        utility = cfg.patrol_avoidance * np.log1p(-np.minimum(area_prevention, 1 - 1e-9))
        utility -= cfg.distance_aversion * geo.area_distance_km
        utility[self.home_area] += 1.0
        p = np.exp(utility - utility.max())
        p /= p.sum()
        areas = np.searchsorted(np.cumsum(p)[:-1], rng.random(n), side="right")
        taxi = rng.random(n) < self.taxi_share * geo.area_taxi_access[areas] * 2.0
        quality = self.quality_sum / max(self.boats, 1)
        self.boats -= n
        self.engines -= n
        self.quality_sum -= n * quality
        self.launch_rate = self.launch_rate * (1 - 1 / 30) + n / 30
        self.load_ewma = 0.8 * self.load_ewma + 0.2 * float(loads.mean())
        return LaunchPlan(loads=loads, areas=areas, taxi=taxi, quality=quality)

    def learn_from_launches(self, taxi: np.ndarray, prevented: np.ndarray, boats_returned: int, quality: float) -> None:
        """Boats not destroyed on the beach come back; prevention outcomes steer the taxi-boat share."""
        self.boats += boats_returned
        self.engines += boats_returned
        self.quality_sum += boats_returned * quality
        lr = self.cfg.taxi_learning_rate
        for is_taxi, stop in zip(taxi, prevented, strict=True):
            if is_taxi:
                self.prevented_taxi += lr * (float(stop) - self.prevented_taxi)
            else:
                self.prevented_beach += lr * (float(stop) - self.prevented_beach)
        target = float(np.clip(self.prevented_beach - self.prevented_taxi, 0.0, 0.9))
        self.taxi_share += lr * (target - self.taxi_share)

    # ------------------------------------------------------------------------------------------- arrests
    def arrest(self, role: str, count: int) -> int:
        """Remove arrested members; each is replaced after the recruitment delay."""
        count = min(count, getattr(self, role))
        if count <= 0:
            return 0
        setattr(self, role, getattr(self, role) - count)
        for _ in range(count):
            recruit = _Recruitment(self, role)
            self.pending.add(recruit)
            self.model.schedule_event(recruit.join, after=max(self.cfg.recruitment_delay_days, 1e-3))
        return count

    def sell(self, places: int, revenue: float) -> None:
        self.places_sold += places
        self.cash += revenue
