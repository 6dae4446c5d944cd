"""The boat and engine market: makers, prices, corridors to the French coast, with a seizure hook at every node.

Makers (boats in Turkey, engines in China) are Mesa agents that fill the networks' orders first come, first
served. With the market on (``supply_chain.market``), a maker's weekly output follows the orders it receives with
a lead time (``capacity_lead_days``) within declared limits, and its unit price rises with its order book
(scarcity): seizures answer back, because every consignment lost is ordered, paid for and made again. Networks pay
at order time from cash and credit (financiers), so rising prices and repeated losses can bind.

Each lorry or container load is a ``Consignment`` that hops from node to node of its corridor as scheduled Mesa
events and may be seized at each node: the base rate comes from the config, and policies add to it through
``SupplyChain.add_seizure``. The main corridor is ``boat_nodes`` / ``engine_nodes`` (through Bulgaria's Kapitan
Andreevo crossing and storage in Germany); ``boat_corridors`` / ``engine_corridors`` are alternatives (through
Romania and Austria, or buying inside the EU) at extra cost and delay. Each network remembers what each corridor
lost it and sends each consignment by a logit on the expected cost per item delivered, so a squeezed node pushes
part of the flow elsewhere. With the market off: fixed output, base prices, the main corridor only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.config import SupplyChainConfig, SupplyNodeConfig

if TYPE_CHECKING:
    from sim.model import ChannelModel
    from sim.smugglers import SmugglingNetwork

BOAT, ENGINE = "boat", "engine"
MAIN = "main"


class Consignment:
    """A load of boats or engines for one network, on its way through the nodes of a corridor."""

    __slots__ = ("__weakref__", "chain", "corridor", "kind", "network", "node", "nodes", "quality", "size")

    def __init__(
        self, chain: SupplyChain, kind: str, size: int, network: SmugglingNetwork, quality: float, corridor: str
    ):
        self.chain, self.kind, self.size, self.network, self.quality = chain, kind, size, network, quality
        self.corridor = corridor
        self.nodes = chain.corridors[kind][corridor][0]  # (name, node config) in order
        self.node = -1

    def reach_next_node(self) -> None:
        self.node += 1
        self.chain.at_node(self)


class SupplyChain:
    """Consignments in transit, corridors and their seizure hooks, and the counts that must balance."""

    def __init__(self, model: ChannelModel, cfg: SupplyChainConfig, rng: np.random.Generator) -> None:
        self.model, self.cfg, self.rng = model, cfg, rng
        # corridor name -> (nodes in order, extra cost per item), per kind; "main" first.
        self.corridors: dict[str, dict[str, tuple[list[tuple[str, SupplyNodeConfig]], float]]] = {
            BOAT: {MAIN: (list(cfg.boat_nodes.items()), 0.0)},
            ENGINE: {MAIN: (list(cfg.engine_nodes.items()), 0.0)},
        }
        if cfg.market:
            for kind, group in ((BOAT, cfg.boat_corridors), (ENGINE, cfg.engine_corridors)):
                for name, corridor in group.items():
                    self.corridors[kind][name] = (list(corridor.nodes.items()), corridor.extra_cost_gbp)
        self.nodes = {kind: routes[MAIN][0] for kind, routes in self.corridors.items()}
        self._names = {kind: list(routes) for kind, routes in self.corridors.items()}  # corridor_names, read often
        # Added seizure probability per node, set by policies (seizures, international posts).
        self.extra_seizure: dict[str, float] = {}
        self._seizure_by_source: dict[tuple[str, str], float] = {}
        self.in_transit: set[Consignment] = set()
        self._travelling = {BOAT: 0, ENGINE: 0}  # items in transit by kind (pipeline), kept as they come and go
        self.shipped = {BOAT: 0, ENGINE: 0}
        self.seized = {BOAT: 0, ENGINE: 0}
        self.delivered = {BOAT: 0, ENGINE: 0}
        self.seized_by_node: dict[str, int] = {}
        self.shipped_by_corridor: dict[str, int] = {}

    # ------------------------------------------------------------------------------------------ shipping
    def ship(self, kind: str, size: int, network: SmugglingNetwork, quality: float) -> None:
        corridor = network.choose_corridor(kind, self._names[kind], size) if self.cfg.market else MAIN
        c = Consignment(self, kind, size, network, quality, corridor)
        self.in_transit.add(c)
        self._travelling[kind] += size
        self.shipped[kind] += size
        key = f"{kind}_{corridor}"
        self.shipped_by_corridor[key] = self.shipped_by_corridor.get(key, 0) + size
        first_days = c.nodes[0][1].days
        self.model.schedule_after(c.reach_next_node, first_days if first_days > 1e-3 else 1e-3)  # max(., 1e-3)

    def corridor_names(self, kind: str) -> list[str]:
        return list(self.corridors[kind])

    def extra_cost(self, kind: str, corridor: str) -> float:
        return self.corridors[kind][corridor][1]

    def base_loss(self, kind: str, corridor: str) -> float:
        """Chance of losing a consignment on a corridor at the usual seizure rates, without policies: what networks
        start out expecting. What a policy adds they learn from their own losses (SmugglingNetwork.corridor_loss)."""
        keep = 1.0
        for _, node_cfg in self.corridors[kind][corridor][0]:
            keep *= 1.0 - node_cfg.seizure_prob
        return 1.0 - keep

    # ------------------------------------------------------------------------------------------ seizures
    def add_seizure(self, node: str, p: float, source: str = "policy") -> None:
        """A policy's added chance of seizure at a node, combined with any other policy's."""
        key = (source, node)
        self._seizure_by_source[key] = 1.0 - (1.0 - self._seizure_by_source.get(key, 0.0)) * (1.0 - p)
        self._combine_seizures()

    def remove_seizures(self, source: str) -> None:
        """Take away everything a policy added (when its end date has passed)."""
        self._seizure_by_source = {k: v for k, v in self._seizure_by_source.items() if k[0] != source}
        self._combine_seizures()

    def _combine_seizures(self) -> None:
        self.extra_seizure = {}
        for (_, node), p in self._seizure_by_source.items():
            self.extra_seizure[node] = 1.0 - (1.0 - self.extra_seizure.get(node, 0.0)) * (1.0 - p)

    def seizure_prob(self, node: str, node_cfg: SupplyNodeConfig) -> float:
        return 1.0 - (1.0 - node_cfg.seizure_prob) * (1.0 - self.extra_seizure.get(node, 0.0))

    def at_node(self, c: Consignment) -> None:
        nodes = c.nodes
        name, node_cfg = nodes[c.node]
        extra = self.extra_seizure.get(name, 0.0)  # seizure_prob(name, node_cfg), inline (once per hop)
        if c.network.supply_rng.random() < 1.0 - (1.0 - node_cfg.seizure_prob) * (1.0 - extra):
            self.in_transit.discard(c)
            self._travelling[c.kind] -= c.size
            self.seized[c.kind] += c.size
            self.seized_by_node[name] = self.seized_by_node.get(name, 0) + c.size
            c.network.lose_order(c.kind, c.size, c.corridor)
            return
        if c.node + 1 < len(nodes):
            nxt = nodes[c.node + 1][1].days
            self.model.schedule_after(c.reach_next_node, nxt if nxt > 1e-3 else 1e-3)  # max(nxt, 1e-3)
            return
        self.in_transit.discard(c)
        self._travelling[c.kind] -= c.size
        self.delivered[c.kind] += c.size
        c.network.receive(c.kind, c.size, c.quality, c.corridor)

    def pipeline(self, kind: str) -> int:
        """Items of a kind in transit (the sizes of the consignments in ``in_transit``)."""
        return self._travelling[kind]


class Maker(mesa.Agent):
    """A supplier of boats (Turkey) or engines (China): weekly output, an order book and a unit price.

    With the market on, output moves towards the orders received (EWMA) with ``capacity_lead_days``, within
    [``*_per_week_min``, ``*_per_week_max``], and the unit price is the base cost times
    ``(order book in weeks of output / normal_order_weeks) ** price_elasticity`` when the book is longer than
    normal, capped at ``max_price_multiple``.
    """

    def __init__(self, model: ChannelModel, kind: str, per_week: float, consignment_size: int, quality: float):
        super().__init__(model)
        self.kind, self.consignment_size, self.quality = kind, consignment_size, quality
        sc = model.cfg.supply_chain
        self.market = sc.market
        # The price's terms, read once: no timeline row changes them (sim/timeline.py KEYS).
        self._normal_weeks, self._elasticity, self._max_multiple = (
            sc.normal_order_weeks,
            sc.price_elasticity,
            sc.max_price_multiple,
        )
        scale = model.cfg.scale
        plural = "boats" if kind == BOAT else "engines"
        self.capacity_bounds = (
            getattr(sc, f"{plural}_per_week_min") * scale,
            getattr(sc, f"{plural}_per_week_max") * scale,
        )
        self.base_cost = sc.boat_cost_gbp if kind == BOAT else sc.engine_cost_gbp
        self.ready = 0.0
        self.orders: dict[SmugglingNetwork, int] = {}
        self._book = 0  # sum of self.orders, kept as orders come and go (prices are read many times a day)
        self._per_week = per_week
        self.orders_per_week = per_week  # EWMA of orders received
        self._ordered_today = 0
        self._reprice()

    @property
    def order_book(self) -> int:
        return self._book

    @property
    def per_week(self) -> float:
        """Output per week (market: follows the orders, ``adjust_capacity``)."""
        return self._per_week

    @per_week.setter
    def per_week(self, value: float) -> None:
        self._per_week = value
        self._reprice()

    def _reprice(self) -> None:
        """Unit price (``price``): the base cost, more when the order book is long (scarcity). Kept as a plain
        attribute, set again whenever the order book or the output changes (it is read many times a day)."""
        if not self.market:
            self.price = self.base_cost
            return
        weeks = self._book / max(self._per_week, 1e-9)
        scarcity = max(weeks / self._normal_weeks, 1.0) ** self._elasticity
        self.price = self.base_cost * min(scarcity, self._max_multiple)

    def order(self, network: SmugglingNetwork, quantity: int) -> None:
        if quantity > 0:
            self.orders[network] = self.orders.get(network, 0) + quantity
            self._book += quantity
            self._ordered_today += quantity
            self._reprice()

    def adjust_capacity(self) -> None:
        """Output follows the orders received, with a lead time, within the declared limits."""
        cfg = self.model.cfg.supply_chain
        self.orders_per_week += (7.0 * self._ordered_today - self.orders_per_week) / 7.0
        self._ordered_today = 0
        # Aim to fill new orders and work off the book beyond its normal length over the lead time.
        per_week = self._per_week
        backlog = max(self._book - cfg.normal_order_weeks * per_week, 0.0)
        target = self.orders_per_week + 7.0 * backlog / cfg.capacity_lead_days
        rate = 1.0 - 0.5 ** (1.0 / cfg.capacity_lead_days)  # half the gap closed in capacity_lead_days
        low, high = self.capacity_bounds
        self.per_week = float(min(max(per_week + rate * (target - per_week), low), high))  # np.clip

    def step(self) -> None:
        if self.market:
            self.adjust_capacity()
        per_week = self._per_week
        self.ready = min(self.ready + per_week / 7.0, per_week * 4.0)
        orders = self.orders
        if not orders or self.ready < 1.0:
            return
        chain = self.model.supply_chain
        while orders and self.ready >= 1.0:
            network = next(iter(orders))
            size = min(orders[network], self.consignment_size, int(self.ready))
            if size < min(orders[network], self.consignment_size):
                break  # wait until a full load is ready
            chain.ship(self.kind, size, network, self.quality)
            self.ready -= size
            self._book -= size
            self._reprice()
            left = orders.pop(network) - size
            if left > 0:
                orders[network] = left  # goes to the back of the queue
