"""Route network: regions of origin, transit hubs, launch areas on the French coast and the UK landing.

Routes are config data; this module turns them into a networkx graph (for maps and the dashboard) and into
dense per-route leg tables that the vectorised journey update indexes by (route, leg).
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from sim.config import WorldConfig

UK = "uk_landing"


@dataclass(frozen=True)
class Geography:
    route_names: tuple[str, ...]
    route_share: np.ndarray  # (R,) normalised share of entrants
    n_legs: np.ndarray  # (R,) legs per route
    leg_days_mean: np.ndarray  # (R, L)
    leg_days_cv: np.ndarray  # (R, L)
    leg_interception: np.ndarray  # (R, L)
    leg_pushback_days: np.ndarray  # (R, L)
    leg_capacity: np.ndarray  # (R, L) people per day, 0 = unlimited
    leg_nodes: tuple[tuple[str, ...], ...]  # per route: node reached at the end of each leg
    nationality_names: tuple[str, ...]
    route_nationality: np.ndarray  # (R, N) probabilities
    area_names: tuple[str, ...]
    area_distance_km: np.ndarray
    area_coastline_km: np.ndarray
    area_camp_share: np.ndarray
    area_taxi_access: np.ndarray
    alternative_route: np.ndarray  # (R,) another route from the same origin (largest share), -1 if none
    graph: nx.DiGraph

    @property
    def n_routes(self) -> int:
        return len(self.route_names)

    @property
    def n_areas(self) -> int:
        return len(self.area_names)


def build_geography(world: WorldConfig) -> Geography:
    """Build the route graph and the leg tables from the world config."""
    names = tuple(world.routes)
    max_legs = max(len(r.legs) for r in world.routes.values())
    shape = (len(names), max_legs)
    days = np.zeros(shape)
    cv = np.zeros(shape)
    icpt = np.zeros(shape)
    push = np.zeros(shape)
    cap = np.zeros(shape, dtype=np.int64)
    nats: list[str] = []
    for route in world.routes.values():
        for nat in route.nationalities:
            if nat not in nats:
                nats.append(nat)
    if not nats:
        nats = ["unknown"]
    route_nat = np.zeros((len(names), len(nats)))
    graph = nx.DiGraph()
    leg_nodes = []
    for r, (name, route) in enumerate(world.routes.items()):
        prev = route.origin or f"{name}_origin"
        graph.add_node(prev, kind="origin")
        nodes = []
        for j, leg in enumerate(route.legs):
            days[r, j], cv[r, j] = leg.days_mean, leg.days_cv
            icpt[r, j], push[r, j], cap[r, j] = leg.interception_prob, leg.pushback_delay_days, leg.capacity_per_day
            graph.add_node(leg.to, kind="coast" if j == len(route.legs) - 1 else "hub")
            graph.add_edge(prev, leg.to, days=leg.days_mean)
            graph.edges[prev, leg.to].setdefault("routes", set()).add(name)
            nodes.append(leg.to)
            prev = leg.to
        leg_nodes.append(tuple(nodes))
        if route.nationalities:
            for nat, share in route.nationalities.items():
                route_nat[r, nats.index(nat)] = share
        else:
            route_nat[r, nats.index("unknown") if "unknown" in nats else 0] = 1.0
        route_nat[r] /= route_nat[r].sum()
    areas = tuple(world.launch_areas)
    graph.add_node(UK, kind="uk")
    for area, a in world.launch_areas.items():
        graph.add_node(area, kind="launch_area")
        graph.add_edge(area, UK, km=a.distance_km)
    share = np.array([r.share for r in world.routes.values()], dtype=float)
    origins = [r.origin or f"{n}_origin" for n, r in world.routes.items()]
    alternative = np.full(len(names), -1, dtype=np.intp)
    for i, o in enumerate(origins):
        others = [j for j, o2 in enumerate(origins) if o2 == o and j != i]
        if others:
            alternative[i] = max(others, key=lambda j: share[j])
    camp = np.array([a.camp_share for a in world.launch_areas.values()], dtype=float)
    return Geography(
        route_names=names,
        route_share=share / share.sum(),
        n_legs=np.array([len(r.legs) for r in world.routes.values()]),
        leg_days_mean=days,
        leg_days_cv=cv,
        leg_interception=icpt,
        leg_pushback_days=push,
        leg_capacity=cap,
        leg_nodes=tuple(leg_nodes),
        nationality_names=tuple(nats),
        route_nationality=route_nat,
        area_names=areas,
        area_distance_km=np.array([a.distance_km for a in world.launch_areas.values()], dtype=float),
        area_coastline_km=np.array([a.coastline_km for a in world.launch_areas.values()], dtype=float),
        area_camp_share=camp / camp.sum(),
        area_taxi_access=np.array([a.taxi_access for a in world.launch_areas.values()], dtype=float),
        alternative_route=alternative,
        graph=graph,
    )


def draw_leg_days(rng: np.random.Generator, mean: np.ndarray, cv: np.ndarray) -> np.ndarray:
    """Journey time of a leg: gamma distributed with the leg's mean and coefficient of variation."""
    mean = np.asarray(mean, dtype=float)
    cv = np.maximum(np.asarray(cv, dtype=float), 1e-6)
    shape = 1.0 / cv**2
    out = rng.gamma(shape, mean / shape)
    return np.where(mean > 0, out, 0.0)
