"""Boats and engines from makers to the French coast, with a seizure hook at every node.

Makers (boats in Turkey, engines in China) are Mesa agents with a weekly capacity that fill the networks'
orders; each lorry or container load is a ``Consignment`` that hops from node to node (Bulgaria's Kapitan
Andreevo crossing, storage in Germany, inland France) as scheduled Mesa events. At each node it may be seized:
the base rate comes from the config, and policies add to it through ``SupplyChain.extra_seizure``.
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


class Consignment:
    """A load of boats or engines for one network, on its way through the supply nodes."""

    __slots__ = ("__weakref__", "chain", "kind", "network", "node", "quality", "size")

    def __init__(self, chain: SupplyChain, kind: str, size: int, network: SmugglingNetwork, quality: float):
        self.chain, self.kind, self.size, self.network, self.quality = chain, kind, size, network, quality
        self.node = -1

    def reach_next_node(self) -> None:
        self.node += 1
        self.chain.at_node(self)


class SupplyChain:
    """Consignments in transit, seizure hooks per node, and the counts that must balance."""

    def __init__(self, model: ChannelModel, cfg: SupplyChainConfig, rng: np.random.Generator) -> None:
        self.model, self.cfg, self.rng = model, cfg, rng
        self.nodes: dict[str, list[tuple[str, SupplyNodeConfig]]] = {
            BOAT: list(cfg.boat_nodes.items()),
            ENGINE: list(cfg.engine_nodes.items()),
        }
        # Added seizure probability per node, set by policies (seizures, international posts).
        self.extra_seizure: dict[str, float] = {}
        self._seizure_by_source: dict[tuple[str, str], float] = {}
        self.in_transit: set[Consignment] = set()
        self.shipped = {BOAT: 0, ENGINE: 0}
        self.seized = {BOAT: 0, ENGINE: 0}
        self.delivered = {BOAT: 0, ENGINE: 0}
        self.seized_by_node: dict[str, int] = {}

    def ship(self, kind: str, size: int, network: SmugglingNetwork, quality: float) -> None:
        c = Consignment(self, kind, size, network, quality)
        self.in_transit.add(c)
        self.shipped[kind] += size
        first_days = self.nodes[kind][0][1].days
        self.model.schedule_event(c.reach_next_node, after=max(first_days, 1e-3))

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
        name, node_cfg = self.nodes[c.kind][c.node]
        if c.network.supply_rng.random() < self.seizure_prob(name, node_cfg):
            self.in_transit.discard(c)
            self.seized[c.kind] += c.size
            self.seized_by_node[name] = self.seized_by_node.get(name, 0) + c.size
            c.network.lose_order(c.kind, c.size)
            return
        if c.node + 1 < len(self.nodes[c.kind]):
            nxt = self.nodes[c.kind][c.node + 1][1].days
            self.model.schedule_event(c.reach_next_node, after=max(nxt, 1e-3))
            return
        self.in_transit.discard(c)
        self.delivered[c.kind] += c.size
        c.network.receive(c.kind, c.size, c.quality)

    def pipeline(self, kind: str) -> int:
        return sum(c.size for c in self.in_transit if c.kind == kind)


class Maker(mesa.Agent):
    """A supplier of boats (Turkey) or engines (China) with a weekly capacity; orders filled first come first served."""

    def __init__(self, model: ChannelModel, kind: str, per_week: float, consignment_size: int, quality: float):
        super().__init__(model)
        self.kind, self.per_week, self.consignment_size, self.quality = kind, per_week, consignment_size, quality
        self.ready = 0.0
        self.orders: dict[SmugglingNetwork, int] = {}

    def order(self, network: SmugglingNetwork, quantity: int) -> None:
        if quantity > 0:
            self.orders[network] = self.orders.get(network, 0) + quantity

    def step(self) -> None:
        self.ready = min(self.ready + self.per_week / 7.0, self.per_week * 4.0)
        chain = self.model.supply_chain
        while self.orders and self.ready >= 1.0:
            network = next(iter(self.orders))
            size = min(self.orders[network], self.consignment_size, int(self.ready))
            if size < min(self.orders[network], self.consignment_size):
                break  # wait until a full load is ready
            chain.ship(self.kind, size, network, self.quality)
            self.ready -= size
            left = self.orders.pop(network) - size
            if left > 0:
                self.orders[network] = left  # goes to the back of the queue
