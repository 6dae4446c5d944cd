"""Smuggling networks: organisers, coastal facilitators, suppliers and financiers.

A network sells places, keeps a stock of boats and engines that it orders from makers, and on a calm enough day
launches as many boats as it has crews and boat-engine pairs for. When boats are scarce it loads each boat
more heavily; when beaches are patrolled it turns to taxi boats and to launch areas further away.

Roles matter (see "arrests and responses" below): without facilitators a network launches nothing, without an
organiser it sells nothing, without an active supplier or financier it orders nothing. Suppliers and financiers
are ``Broker`` objects shared by several networks, so one arrest can stop the orders of all their clients.
Arrested members are replaced after a delay; a coordinated action against a network raises its prices, may
move its home area, and, when all its organisers are taken, may split it in two; customers of a network that
can neither sell nor launch are taken over by rivals.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.config import SmugglingConfig
from sim.migrants import State
from sim.supply_chain import BOAT, ENGINE

if TYPE_CHECKING:
    from sim.model import ChannelModel

ROLES = ("organisers", "facilitators", "suppliers", "financiers")
SHARED_ROLES = ("suppliers", "financiers")  # held by Brokers who may serve several networks
OWN_ROLES = ("organisers", "facilitators")


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


class Broker:
    """A supplier of boats and engines or a financier (hawala banker) who may serve several networks."""

    __slots__ = ("__weakref__", "active", "clients", "index", "role")

    def __init__(self, role: str, index: int) -> None:
        self.role, self.index = role, index
        self.clients: list[SmugglingNetwork] = []
        self.active = True

    def set_active(self, active: bool) -> None:
        if active != self.active:
            self.active = active
            for network in self.clients:
                network.active_brokers[self.role] += 1 if active else -1

    def return_to_work(self) -> None:
        """A successor takes over the business and its clients (a scheduled Mesa event)."""
        self.set_active(True)


def link_brokers(networks: list[SmugglingNetwork], cfg: SmugglingConfig, rng: np.random.Generator) -> list[Broker]:
    """Share suppliers and financiers among the networks: each network gets its configured number of distinct
    brokers, each broker about ``clients_per_*`` networks (at least two brokers of each role), assigned at random."""
    brokers: list[Broker] = []
    for role, per_network, clients in (
        ("suppliers", cfg.suppliers_per_network, cfg.response.clients_per_supplier),
        ("financiers", cfg.financiers_per_network, cfg.response.clients_per_financier),
    ):
        if not networks:
            break
        # At least two of each where there are two networks: at small scales one broker would be the whole market.
        size = max(min(2, len(networks)), round(len(networks) * per_network / clients))
        pool = [Broker(role, i) for i in range(size)]
        take = min(per_network, len(pool))
        for slot, k in enumerate(rng.permutation(len(networks))):
            for j in range(take):
                networks[k].join_broker(pool[(slot * take + j) % len(pool)])
        brokers += pool
    for n in networks:
        n.full_strength.update({r: n.members(r) for r in SHARED_ROLES})
    return brokers


class SmugglingNetwork(mesa.Agent):
    """One smuggling network operating from a home launch area."""

    def __init__(self, model: ChannelModel, cfg: SmugglingConfig, index: int, home_area: int, wave_limit: float):
        super().__init__(model)
        self.cfg = cfg
        self.index = index
        self.home_area = home_area
        # Its launches, its boats' fate at sea and its consignments' seizures come from streams of its own, so a
        # change to one network's decisions leaves the others' draws alone (common random numbers); a network
        # born of a split gets its own by its new index.
        self.launch_rng = model.substream("launches", index)
        self.sea_rng = model.substream("sea", index)
        self.supply_rng = model.substream("supply", index)
        self.organisers = cfg.organisers_per_network
        self.facilitators = cfg.facilitators_per_network
        self.brokers: dict[str, list[Broker]] = {r: [] for r in SHARED_ROLES}  # see link_brokers
        self.active_brokers = dict.fromkeys(SHARED_ROLES, 0)
        self.full_strength = {r: getattr(self, r) for r in OWN_ROLES} | dict.fromkeys(SHARED_ROLES, 1)
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
        # Enforcement and the network's answers to it (arrests and responses, below).
        self.base_wave_limit = wave_limit
        self.comfortable_load = cfg.comfortable_load  # follows the cost of a launch and known rescue cover
        sc = model.cfg.supply_chain
        self.reference_launch_cost = self._launch_cost(sc.boat_cost_gbp + sc.engine_cost_gbp)  # at the start
        self.items_seized = 0  # boats and engines of this network seized in the supply chain (traced)
        self.idle_days = 0
        self.actions_against = 0
        self.parent: int | None = None  # index of the network it split from
        self._access: list[float] | None = None  # geo.area_taxi_access as a list (_taxi_access)

    # ------------------------------------------------------------------------------------------ capacity
    @property
    def crews(self) -> int:
        """Boats the network can put in the water in one night: no facilitators, no launches."""
        return self.facilitators // self.cfg.facilitators_per_launch

    @property
    def suppliers(self) -> int:
        """Active suppliers this network buys from (shared brokers)."""
        return self.active_brokers["suppliers"]

    @property
    def financiers(self) -> int:
        """Active financiers holding this network's money (shared brokers)."""
        return self.active_brokers["financiers"]

    @property
    def operating(self) -> bool:
        """Can sell (organisers), launch (crews) and has or can get boats (stock, orders, or a supplier and a
        financier to order from)."""
        if self.facilitators // self.cfg.facilitators_per_launch <= 0 or self.organisers <= 0:  # crews, inline
            return False
        if self.boats > 0 and self.engines > 0:
            return True
        on_order, brokers = self.on_order, self.active_brokers
        if on_order[BOAT] > 0 and on_order[ENGINE] > 0:
            return True
        return brokers["suppliers"] > 0 and brokers["financiers"] > 0

    def members(self, role: str) -> int:
        return getattr(self, role)

    @property
    def strength(self) -> float:
        """Share of full strength, weighted towards the coastal crews who do the launching."""
        full, brokers = self.full_strength, self.active_brokers  # the roles of ROLES, read directly (hot)
        organisers, facilitators = full["organisers"], full["facilitators"]
        suppliers, financiers = full["suppliers"], full["financiers"]
        return (  # x if x > 1 else 1: max(x, 1) for whole numbers, without the call
            0.2 * (self.organisers / (organisers if organisers > 1 else 1))
            + 0.5 * (self.facilitators / (facilitators if facilitators > 1 else 1))
            + 0.15 * (brokers["suppliers"] / (suppliers if suppliers > 1 else 1))
            + 0.15 * (brokers["financiers"] / (financiers if financiers > 1 else 1))
        )

    @property
    def sales_weight(self) -> float:
        """How likely a person looking for a crossing finds this network: reach of its coastal team, and price.
        No organiser, no sales; no crews, no sales either (nobody to promise a launch)."""
        if self.crews <= 0 or self.organisers <= 0:
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
        self.items_seized += size  # traced to the network: intelligence (sim/investigations.py)
        self.loss_share += 0.1 * (1.0 - self.loss_share)
        self._corridor_outcome(kind, corridor, lost=True)

    def place_orders(self) -> None:
        """Keep enough boats and engines in stock or on order for the queue and the launches expected ahead,
        paid at the makers' prices from cash and credit."""
        brokers = self.active_brokers
        financiers = brokers["financiers"]
        if brokers["suppliers"] <= 0 or financiers <= 0:
            return
        wanted = self.stock_wanted()
        # Ahead of seizures: what is on order is expected to arrive less the recent loss rate, and the order is
        # grossed up by it (loss_anticipation of it: 0 = replace only after a loss).
        anticipated = self.cfg.loss_anticipation * self.loss_share
        keep = 1.0 - (anticipated if anticipated < 0.9 else 0.9)  # min(anticipated, 0.9)
        on_order = self.on_order
        if wanted - self.boats - on_order[BOAT] * keep <= 0 and wanted - self.engines - on_order[ENGINE] * keep <= 0:
            return  # nothing to order of either kind (most days): the loop below would order nothing
        model = self.model
        sc = model.cfg.supply_chain
        credit = financiers * sc.credit_per_financier_gbp if sc.market else 0.0
        for kind, stock, maker in ((BOAT, self.boats, model.boat_maker), (ENGINE, self.engines, model.engine_maker)):
            need = wanted - stock - on_order[kind] * keep
            if need <= 0:
                continue  # nothing to order (gap 0)
            gap = math.ceil(need / keep)
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
            # the day's ratio ** season_anticipation and launches_per_night * calm share ahead (ChannelModel)
            lift, most = model.order_outlook[model.day]
            selling = self.sales_rate / self.comfortable_load
            rate = selling if selling > rate else rate  # max(rate, selling)
            rate *= lift
            rate = most if most < rate else rate  # min(rate, most)
        return math.ceil(self.queue_size / self.comfortable_load + cfg.stock_target_days * rate) + 1

    def choose_corridor(self, kind: str, corridors: list[str], size: int) -> str:
        """Send a consignment by a logit on the log expected cost per item delivered on each corridor."""
        model = self.model
        chain, maker = model.supply_chain, model.boat_maker if kind == BOAT else model.engine_maker
        losses = self.corridor_loss.setdefault(kind, {})
        price = maker.price
        routes = chain.corridors[kind]  # corridor -> (nodes, extra cost per item): chain.extra_cost, inline
        cost, extra = [], []
        for c in corridors:
            loss = losses.get(c)
            if loss is None:  # first consignment by this corridor: start from its usual seizure rates
                loss = losses[c] = chain.base_loss(kind, c)
            kept = 1.0 - loss
            extra.append(routes[c][1])
            cost.append((price + extra[-1]) / (kept if kept > 1e-3 else 1e-3))  # max(kept, 1e-3)
        cheapest, beta = min(cost), model.cfg.supply_chain.reroute_sensitivity
        weight = [(cheapest / c) ** beta for c in cost]  # exp(-beta * (log c - log cheapest))
        u, k = self.supply_rng.random() * sum(weight), 0
        while k < len(weight) - 1 and u >= weight[k]:
            u -= weight[k]
            k += 1
        self.cash -= extra[k] * size
        return corridors[k]

    def _corridor_outcome(self, kind: str, corridor: str, lost: bool) -> None:
        losses = self.corridor_loss.setdefault(kind, {})
        if corridor in losses:
            w = 1.0 / self.model.cfg.supply_chain.loss_memory_consignments
            losses[corridor] += w * (float(lost) - losses[corridor])

    # --------------------------------------------------------------------------------------------- loads
    def _launch_cost(self, kit_gbp: float) -> float:
        """A launch that gets away, in places sold: a boat and an engine (``kit_gbp``) over the chance a launch is
        not stopped (the network's own estimates for beach and taxi launches), over its price per place."""
        stopped = (1.0 - self.taxi_share) * self.prevented_beach + self.taxi_share * self.prevented_taxi
        return kit_gbp / max(1.0 - stopped, 0.05) / self.price

    def launch_cost_factor(self) -> float:
        """How much heavier than ``comfortable_load`` the network loads because launches cost more (in places) than
        at the start: a network with N customers weighs fewer boats against heavier, riskier loads, and the best
        load grows with the cost of a launch as (cost / reference) ** ``load_cost_elasticity``. Seizures (dearer
        boats), beach patrols (more launches stopped) and cheaper places all push loads up."""
        model = self.model
        cost = self._launch_cost(model.boat_maker.price + model.engine_maker.price)
        return (cost / self.reference_launch_cost) ** self.cfg.load_cost_elasticity

    # -------------------------------------------------------------------------------------------- prices
    def adjust_price(self) -> None:
        """Weekly: dearer when boats leave full, cheaper when places go unsold."""
        cfg = self.cfg
        if self.load_ewma > 0.5 * (self.comfortable_load + cfg.max_load):
            self.price *= 1 + cfg.price_adjust_per_week
        elif self.queue_size < self.comfortable_load and min(self.boats, self.engines) > 0:
            self.price *= 1 - cfg.price_adjust_per_week
        self.price = float(min(max(self.price, cfg.price_min_gbp), cfg.price_max_gbp))  # np.clip, for one number

    def step(self) -> None:
        self.sales_rate += (self._sold_today - self.sales_rate) / 30.0  # _track_sales, inline (every network, daily)
        self._sold_today = 0
        self.respond_to_enforcement()
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
        # The cheap tests first (no draws before them): too few waiting, a night too rough, no boats or crews.
        if queue_size < cfg.min_load or not self.night_is_acceptable(wave):
            self.launch_rate *= 1 - 1 / 30
            return None
        n = self.boats_tonight(queue_size)
        if n <= 0:
            self.launch_rate *= 1 - 1 / 30
            return None
        carried = min(queue_size, n * self.target_load(queue_size, n))
        each, extra = divmod(carried, n)
        loads = np.array([each + 1] * extra + [each] * (n - extra), dtype=np.int64)  # the first `extra` one more
        u = rng.random(2 * n).tolist()  # the same numbers as two draws of n: launch areas, then taxi boats
        cum = self.launch_area_odds(area_prevention)
        areas_l = [bisect.bisect_right(cum, x) for x in u[:n]]  # searchsorted(cum, x, side="right")
        access, share = self._taxi_access(), self.taxi_share
        taxi_l = [x < share * access[a] * 2.0 for x, a in zip(u[n:], areas_l, strict=True)]
        areas, taxi = np.array(areas_l, dtype=np.intp), np.array(taxi_l, dtype=bool)
        quality = self.quality_sum / max(self.boats, 1)
        self.boats -= n
        self.engines -= n
        self.quality_sum -= n * quality
        self.launch_rate = self.launch_rate * (1 - 1 / 30) + n / 30
        self.load_ewma = 0.8 * self.load_ewma + 0.2 * (carried / n)  # the loads' mean, exactly
        return LaunchPlan(loads=loads, areas=areas, taxi=taxi, quality=quality)

    def _taxi_access(self) -> list[float]:
        """The launch areas' taxi-boat access as a list (the geography's, read once)."""
        access = self._access
        if access is None:
            access = self._access = self.model.geo.area_taxi_access.tolist()
        return access

    def launch_area_odds(self, area_prevention: np.ndarray) -> list[float]:
        """Cumulative chances of launching from each area but the last: networks weigh the log chance of getting
        away from each area's beach against the distance at sea, and favour their home area. The same for every
        network of a home area on a night, so kept in ``ChannelModel.area_odds`` (emptied every night)."""
        cache = self.model.area_odds
        key = (self.home_area, area_prevention.tobytes())
        cum = cache.get(key)
        if cum is None:
            cfg = self.cfg
            utility = cfg.patrol_avoidance * np.log1p(-np.minimum(area_prevention, 1 - 1e-9))
            utility -= cfg.distance_aversion * self.model.geo.area_distance_km
            utility[self.home_area] += 1.0
            p = np.exp(utility - utility.max())
            p /= p.sum()
            cum = cache[key] = p.cumsum()[:-1].tolist()
        return cum

    # ------------------------------------------------------------------------------- launch decision
    def night_is_acceptable(self, wave: float) -> bool:
        """Launch only if the expected loss of a boat tonight is within what this network accepts.

        The loss grows with the waves as the capsize hazard does (``crossing.wave_risk_per_m``) and, in cold water,
        by ``1 + cold_water_risk * cold`` (``cold``: ChannelModel.cold_water, 1 when the sea is coldest; weighed
        by ``season_loss_weight``); the network accepts the loss of a warm-water night with waves at its
        ``wave_limit``. So a late-winter night needs calmer seas than a summer or autumn one.
        """
        model = self.model  # season: ChannelModel.launch_season_loss, log1p(weight * cold_water_risk * cold)
        return model.cfg.crossing.wave_risk_per_m * (wave - self.wave_limit) + model.launch_season_loss <= 0.0

    def boats_tonight(self, queue_size: int) -> int:
        """Boats the network can and wants to send: its stock, its crews and what it can do in one night."""
        cfg = self.cfg
        if queue_size < cfg.min_load:
            return 0
        capacity = min(self.boats, self.engines, self.crews, cfg.launches_per_night)
        if capacity <= 0:
            return 0
        full = queue_size // self.target_load(queue_size, capacity)
        if full == 0 and self.oldest_wait >= cfg.fill_wait_days:
            full = 1  # the first customers have waited long enough: go with a part-filled boat
        return int(min(capacity, full))

    def target_load(self, queue_size: int, tonight: int) -> int:
        """People per boat: comfortable when boats and launch slots are plentiful; heavier as the queue per boat in
        stock grows, or as the queue outgrows what ``tonight`` boats a night could clear in
        ``queue_clear_nights`` nights."""
        cfg = self.cfg
        boats, engines = self.boats, self.engines
        stock = engines if engines < boats else boats
        per_boat = queue_size / (stock if stock > 1 else 1)  # max(min(boats, engines), 1)
        slots = tonight * cfg.queue_clear_nights
        per_slot = queue_size / (slots if slots > 1 else 1)
        # comfortable_load: the network's own, raised by the rescue cover it knows of (respond_to_enforcement)
        load = math.ceil(per_slot if per_slot > per_boat else per_boat)
        comfortable = self.comfortable_load
        if load < comfortable:
            load = comfortable
        return load if load < cfg.max_load else cfg.max_load

    def learn_from_launches(self, taxi: np.ndarray, prevented: np.ndarray, boats_returned: int, quality: float) -> None:
        """Boats not destroyed on the beach come back; prevention outcomes steer the taxi-boat share."""
        self.boats += boats_returned
        self.engines += boats_returned
        self.quality_sum += boats_returned * quality
        lr = self.cfg.taxi_learning_rate
        for is_taxi, stop in zip(taxi.tolist(), prevented.tolist(), strict=True):  # lists: faster to loop over
            if is_taxi:
                self.prevented_taxi += lr * (float(stop) - self.prevented_taxi)
            else:
                self.prevented_beach += lr * (float(stop) - self.prevented_beach)
        target = float(min(max(self.prevented_beach - self.prevented_taxi, 0.0), 0.9))  # np.clip, for one number
        self.taxi_share += lr * (target - self.taxi_share)

    # --------------------------------------------------------------------------- arrests and responses
    def join_broker(self, broker: Broker) -> None:
        self.brokers[broker.role].append(broker)
        broker.clients.append(self)
        self.active_brokers[broker.role] += int(broker.active)

    def replacement_delay(self, role: str) -> float:
        """Days to replace a member: coastal crews fastest, trusted upper roles slower."""
        delay = self.cfg.recruitment_delay_days
        if role != "facilitators":
            delay *= self.cfg.response.upper_replacement_factor
        return max(delay, 1e-3)

    def arrest(self, role: str, count: int) -> int:
        """Remove arrested members of an own role (organisers, facilitators); each is replaced after a delay."""
        count = min(count, getattr(self, role))
        if count <= 0:
            return 0
        setattr(self, role, getattr(self, role) - count)
        for _ in range(count):
            self.recruit(role)
        return count

    def recruit(self, role: str) -> None:
        recruit = _Recruitment(self, role)
        self.pending.add(recruit)
        self.model.schedule_after(recruit.join, self.replacement_delay(role))

    def arrest_broker(self, broker: Broker) -> int:
        """Arrest a shared supplier or financier: every client stops ordering until a successor takes over."""
        if not broker.active:
            return 0
        broker.set_active(False)
        self.model.schedule_after(broker.return_to_work, self.replacement_delay(broker.role))
        return 1

    def after_action(self, rng: np.random.Generator) -> None:
        """Answers to a coordinated action against the network: a risk premium on prices, perhaps a move of home
        area (what investigators knew is partly lost), and, with all organisers gone, perhaps a split."""
        r = self.cfg.response
        self.actions_against += 1
        self.price = float(min(self.price * (1.0 + r.price_rise_after_action), self.cfg.price_max_gbp))
        model = self.model
        if rng.random() < r.move_prob:
            share = np.array(model.geo.area_camp_share, dtype=float)
            share[self.home_area] = 0.0
            if share.sum() <= 0:
                share = np.ones(share.size)
                share[self.home_area] = 0.0
            if share.sum() > 0:
                self.home_area = int(np.searchsorted(np.cumsum(share / share.sum())[:-1], rng.random(), side="right"))
                model.nca.intel.forget(self.index, r.intel_kept_on_move)
        if self.organisers == 0 and rng.random() < r.split_prob:
            split(self, rng)

    def respond_to_enforcement(self) -> None:
        """Daily: judge the sea state and loads against the rescue cover known of (moral hazard), and hand the
        customers to rivals when the network has not been operating (``operating``) for too long."""
        model = self.model
        cover = model.border_force.known_cover_shift(self.home_area)
        self.wave_limit = self.base_wave_limit + cover.wave_m
        cfg = self.cfg
        # launch_cost_factor and _launch_cost, inline (the same operations in the same order: every network, daily)
        taxi = self.taxi_share
        getaway = 1.0 - ((1.0 - taxi) * self.prevented_beach + taxi * self.prevented_taxi)
        kit = model.boat_maker.price + model.engine_maker.price
        cost = kit / (getaway if getaway > 0.05 else 0.05) / self.price  # max(getaway, 0.05)
        factor = cover.load_factor * (cost / self.reference_launch_cost) ** cfg.load_cost_elasticity
        load = round(cfg.comfortable_load * factor)
        if load < cfg.min_load:
            load = cfg.min_load
        self.comfortable_load = load if load < cfg.max_load else cfg.max_load  # clipped to [min_load, max_load]
        if self.operating:
            self.idle_days = 0
            return
        self.idle_days += 1
        if self.idle_days > cfg.response.absorption_days and self.queue_size > 0:
            absorb_customers(self)
            self.queue_size = 0

    def sell(self, places: int, revenue: float) -> None:
        self.places_sold += places
        self._sold_today += places
        self.cash += revenue

    def _track_sales(self) -> None:
        """EWMA of places sold per day (30 days): the demand a network expects to serve."""
        self.sales_rate += (self._sold_today - self.sales_rate) / 30.0
        self._sold_today = 0


def absorb_customers(network: SmugglingNetwork) -> int:
    """People holding a place with a network that has stopped operating move to rivals that still sell, in
    proportion to the rivals' reach and price (their place keeps its date); returns how many moved."""
    model = network.model
    pop = model.population
    holders = pop.in_state(State.HAS_PLACE)
    holders = holders.compress(pop.network[holders] == network.index)
    if holders.size == 0:  # nobody to move (tested before the rivals' weights: neither path draws)
        return 0
    weights = np.array([n.sales_weight for n in model.networks], dtype=float)
    weights[network.index] = 0.0
    if weights.sum() <= 0:
        return 0
    rng = model.nca.response_rng(network.index)
    cum = np.cumsum(weights / weights.sum())
    cum[-1] = 1.0
    pop.network[holders] = np.searchsorted(cum, rng.random(holders.size), side="right")
    return int(holders.size)


def split(parent: SmugglingNetwork, rng: np.random.Generator) -> SmugglingNetwork | None:
    """Half of a network's remaining crews go their own way under one of them, promoted to organiser, in another
    home area; the new network buys from the same suppliers and financiers and rebuilds to half strength. The
    parent recruits its lost crews back, so disruption can leave more networks than it found (fragmentation)."""
    cfg = parent.cfg
    leaving = parent.facilitators // 2
    if leaving < cfg.facilitators_per_launch + 1:
        return None
    model = parent.model
    share = np.array(model.geo.area_camp_share, dtype=float)
    share[parent.home_area] = 0.0
    if share.sum() <= 0:
        share = np.ones(share.size)
    home = int(np.searchsorted(np.cumsum(share / share.sum())[:-1], rng.random(), side="right"))
    child = SmugglingNetwork(model, cfg, len(model.networks), home, parent.base_wave_limit)
    child.parent = parent.index
    parent.arrest("facilitators", leaving)  # they leave (not arrested); the parent recruits replacements
    child.organisers, child.facilitators = 1, leaving - 1
    child.full_strength.update(
        organisers=max(1, cfg.organisers_per_network // 2), facilitators=max(1, cfg.facilitators_per_network // 2)
    )
    for role in OWN_ROLES:
        for _ in range(child.full_strength[role] - child.members(role)):
            child.recruit(role)
    for role in SHARED_ROLES:
        for broker in parent.brokers[role]:
            child.join_broker(broker)
        child.full_strength[role] = child.members(role)
    boats, engines, cash = parent.boats // 2, parent.engines // 2, parent.cash / 2
    quality = parent.quality_sum / max(parent.boats, 1)
    parent.boats, parent.engines, parent.cash = parent.boats - boats, parent.engines - engines, parent.cash - cash
    parent.quality_sum -= boats * quality
    child.boats, child.engines, child.cash, child.quality_sum = boats, engines, cash, boats * quality
    child.price = parent.price
    model.networks.append(child)
    model.nca.intel.grow(len(model.networks))
    return child
