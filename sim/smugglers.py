"""Smuggling networks: organisers, coastal facilitators, suppliers and financiers.

A network sells places, keeps a stock of boats and engines that it orders from makers, and on a calm enough day
launches as many boats as it has crews and boat-engine pairs for. When boats are scarce it loads each boat
more heavily; when beaches are patrolled it turns to taxi boats and to launch areas further away.
"""

from __future__ import annotations

import math
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
        self.oldest_wait = 0  # days the first customer in the queue has held a place (set by the model daily)
        self.pending: set[_Recruitment] = set()
        self.places_sold = 0
        self.loss_share = 0.0
        # The market (sim/supply_chain.py): remembered loss per corridor, and recent sales.
        self.corridor_loss: dict[str, dict[str, float]] = {}
        self.sales_rate = 0.0
        self._sold_today = 0

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
    def receive(self, kind: str, size: int, quality: float, corridor: str = "main") -> None:
        self.on_order[kind] -= size
        self.loss_share *= 0.9  # recent share of consignments lost to seizures (EWMA over consignments)
        self._corridor_outcome(kind, corridor, lost=False)
        if kind == BOAT:
            # Networks that lose consignments to seizures make do with flimsier boats; rescue nearby, likewise.
            quality = quality * (1.0 - self.cfg.flimsy_response * self.loss_share) + self.model.boat_quality_shift
            quality = min(max(quality, 0.0), 1.0)
            self.boats += size
            self.quality_sum += size * quality
        else:
            self.engines += size

    def lose_order(self, kind: str, size: int, corridor: str = "main") -> None:
        self.on_order[kind] -= size
        self.loss_share += 0.1 * (1.0 - self.loss_share)
        self._corridor_outcome(kind, corridor, lost=True)

    def place_orders(self) -> None:
        """Keep enough boats and engines in stock or on order for the queue and the launches expected ahead,
        paid at the makers' prices from cash and credit."""
        if self.suppliers <= 0 or self.financiers <= 0:
            return
        model = self.model
        wanted = self.stock_wanted()
        credit = (
            self.financiers * model.cfg.supply_chain.credit_per_financier_gbp if model.cfg.supply_chain.market else 0.0
        )
        for kind, stock, maker in ((BOAT, self.boats, model.boat_maker), (ENGINE, self.engines, model.engine_maker)):
            gap = wanted - stock - self.on_order[kind]
            cost = maker.price
            affordable = int(max(self.cash + credit, 0.0) // cost) if cost > 0 else gap
            qty = max(0, min(gap, affordable))
            if qty > 0:
                maker.order(self, qty)
                self.on_order[kind] += qty
                self.cash -= qty * cost

    # ---------------------------------------------------------------------------------------- market
    def stock_wanted(self) -> int:
        """Boats (and engines) to hold in stock or on order: the queue, plus ``stock_target_days`` of launches at
        the expected rate. With the market on the expected rate looks ahead: it rises before the calm season
        (``season_anticipation``) and is capped by what the network can launch on the calm nights to come."""
        cfg, model = self.cfg, self.model
        rate = self.launch_rate
        if model.cfg.supply_chain.market:
            ratio, ahead = model.season_outlook[model.day]
            rate = max(rate, self.sales_rate / cfg.comfortable_load)
            rate = min(rate * ratio**model.cfg.supply_chain.season_anticipation, cfg.launches_per_night * ahead)
        return math.ceil(self.queue_size / cfg.comfortable_load + cfg.stock_target_days * rate) + 1

    def choose_corridor(self, kind: str, corridors: list[str], size: int) -> str:
        """Send a consignment by a logit on the log expected cost per item delivered on each corridor."""
        model = self.model
        chain, maker = model.supply_chain, model.boat_maker if kind == BOAT else model.engine_maker
        losses = self.corridor_loss.setdefault(kind, {})
        price = maker.price
        cost = [
            (price + chain.extra_cost(kind, c)) / max(1.0 - losses.setdefault(c, chain.base_loss(kind, c)), 1e-3)
            for c in corridors
        ]
        cheapest, beta = min(cost), model.cfg.supply_chain.reroute_sensitivity
        weight = [(cheapest / c) ** beta for c in cost]  # exp(-beta * (log c - log cheapest))
        u, k = self.supply_rng.random() * sum(weight), 0
        while k < len(weight) - 1 and u >= weight[k]:
            u -= weight[k]
            k += 1
        self.cash -= chain.extra_cost(kind, corridors[k]) * size
        return corridors[k]

    def _corridor_outcome(self, kind: str, corridor: str, lost: bool) -> None:
        losses = self.corridor_loss.setdefault(kind, {})
        if corridor in losses:
            w = 1.0 / self.model.cfg.supply_chain.loss_memory_consignments
            losses[corridor] += w * (float(lost) - losses[corridor])

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
        self._track_sales()
        self.place_orders()
        if self.model.day % 7 == 6:
            self.adjust_price()

    # ------------------------------------------------------------------------------------------ launches
    def plan_launches(
        self, queue_size: int, wave: float, area_prevention: np.ndarray, rng: np.random.Generator
    ) -> LaunchPlan | None:
        """Decide today's launches: whether the night is worth the risk, how many boats, how full, from where,
        beach or taxi."""
        cfg = self.cfg
        self.queue_size = queue_size
        n = self.boats_tonight(queue_size)
        if n <= 0 or not self.night_is_acceptable(wave):
            self.launch_rate *= 1 - 1 / 30
            return None
        carried = min(queue_size, n * self.target_load(queue_size, n))
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

    # ------------------------------------------------------------------------------- launch decision
    def night_is_acceptable(self, wave: float) -> bool:
        """Launch only if the expected loss of a boat tonight is within what this network accepts.

        The loss grows with the waves as the capsize hazard does (``crossing.wave_risk_per_m``) and, in cold water,
        by ``1 + cold_water_risk * cold`` (``cold``: ChannelModel.cold_water, 1 when the sea is coldest; weighed
        by ``season_loss_weight``); the network accepts the loss of a warm-water night with waves at its
        ``wave_limit``. So a late-winter night needs calmer seas than a summer or autumn one.
        """
        model = self.model
        crossing = model.cfg.crossing
        season = math.log1p(self.cfg.season_loss_weight * crossing.cold_water_risk * model.cold_water_today)
        return crossing.wave_risk_per_m * (wave - self.wave_limit) + season <= 0.0

    def boats_tonight(self, queue_size: int) -> int:
        """Boats the network can and wants to send: its stock, its crews and what it can do in one night."""
        cfg = self.cfg
        if queue_size < cfg.min_load:
            return 0
        capacity = min(self.boats, self.engines, self.crews, cfg.launches_per_night)
        full = queue_size // self.target_load(queue_size, capacity)
        if full == 0 and self.oldest_wait >= cfg.fill_wait_days:
            full = 1  # the first customers have waited long enough: go with a part-filled boat
        return int(min(capacity, full))

    def target_load(self, queue_size: int, tonight: int) -> int:
        """People per boat: comfortable when boats and launch slots are plentiful; heavier as the queue per boat in
        stock grows, or as the queue outgrows what ``tonight`` boats a night could clear in
        ``queue_clear_nights`` nights."""
        cfg = self.cfg
        per_boat = queue_size / max(min(self.boats, self.engines), 1)
        per_slot = queue_size / max(tonight * cfg.queue_clear_nights, 1)
        return min(max(math.ceil(max(per_boat, per_slot)), cfg.comfortable_load), cfg.max_load)

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
        self._sold_today += places
        self.cash += revenue

    def _track_sales(self) -> None:
        """EWMA of places sold per day (30 days): the demand a network expects to serve."""
        self.sales_rate += (self._sold_today - self.sales_rate) / 30.0
        self._sold_today = 0
