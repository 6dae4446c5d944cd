"""The model the dashboard steps: one ``ChannelModel`` with the class's settings, and the baseline beside it.

``ClassroomModel`` is the Mesa model that SolaraViz creates, steps and resets. Its keyword arguments are the
dashboard's controls (``sim/dashboard/controls.py``); it turns them into Hydra overrides, composes the config
with ``sim.cli.load_config`` exactly as ``python -m sim`` does, builds ``sim.model.ChannelModel`` and runs the
burn-in (``world.burn_in_days``) silently, so that day 1 on the page is the first counted day of the year
(1 January 2024 by default), with journeys, camps and stocks already in their running state. One step is one day.

The baseline is the same seed with no lever changes (the CLI's defaults plus the dashboard's base overrides); its
whole year is run once per seed and cached, and the page shows it up to the same day as the current run.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import time
from dataclasses import dataclass
from typing import Any

import mesa
import numpy as np

from sim.cli import load_config
from sim.config import ConfigError, SimConfig
from sim.dashboard.controls import (
    SEED_KEY,
    default_settings,
    lever_overrides,
    levers_ticked,
    seed_override,
    unknown_settings,
)
from sim.dashboard.map_coordinates import missing_nodes
from sim.migrants import State
from sim.model import ChannelModel

# Overrides applied to both the current run and the baseline (e.g. scale=0.5, weather=rough), set by
# `python -m sim.dashboard OVERRIDES...` through this environment variable (a JSON list of strings).
BASE_OVERRIDES_ENV = "CHANNEL_DASHBOARD_OVERRIDES"

# Daily columns of sim.outputs.DailyRecorder that the page uses.
SERIES = (
    "people_arrived",
    "boats_arrived",
    "boats_launched",
    "launch_attempts",
    "launches_prevented",
    "taxi_launches",
    "deaths_at_sea",
    "expected_deaths_at_sea",
    "mean_price_gbp",
    "revenue_gbp",
    "places_sold",
    "boats_seized",
    "engines_seized",
    "people_deterred",
    "people_removed",
    "policy_cost_gbp",
    "boats_intercepted_at_sea",
    "perceived_removal_prob",
    "wave_height_m",
)


def base_overrides() -> tuple[str, ...]:
    raw = os.environ.get(BASE_OVERRIDES_ENV, "").strip()
    if not raw:
        return ()
    value = json.loads(raw)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{BASE_OVERRIDES_ENV}: expected a JSON list of override strings, got {raw!r}")
    return tuple(value)


@dataclass
class Trace:
    """The counted days of one run: daily series, launches by area and people waiting on the coast."""

    dates: list[dt.date]
    area_names: tuple[str, ...]
    area_distance_km: np.ndarray
    cols: dict[str, np.ndarray]  # counted days only
    launches_by_area: np.ndarray  # (days, areas)
    waiting: np.ndarray  # (days,) people at the coast: waiting or holding a place

    @classmethod
    def of(cls, channel: ChannelModel, copy: bool = False) -> Trace:
        rec, b = channel.recorder, channel.burn_in
        take = (lambda a: a[b:].copy()) if copy else (lambda a: a[b:])
        n = channel.total_days - b
        cols = {k: take(rec.cols[k]) if k in rec.cols else np.zeros(n) for k in SERIES}
        waiting = rec.states[:, State.AT_COAST] + rec.states[:, State.HAS_PLACE]
        return cls(
            channel.dates[b:],
            rec.area_names,
            channel.geo.area_distance_km,
            cols,
            take(rec.launches_by_area),
            take(waiting),
        )

    @property
    def days(self) -> int:
        return len(self.dates)


def totals(trace: Trace, n: int) -> dict[str, float]:
    """Outcomes over the first ``n`` counted days, computed as ``sim.outputs.summarise`` computes the year's."""
    c = {k: float(v[:n].sum()) for k, v in trace.cols.items()}
    arrived, boats = c["people_arrived"], c["boats_arrived"]
    prices = trace.cols["mean_price_gbp"][:n]
    return {
        "people_arrived": arrived,
        "boats_launched": c["boats_launched"],
        "boats_arrived": boats,
        "people_per_boat": arrived / boats if boats else 0.0,
        "deaths_at_sea": c["deaths_at_sea"],
        "deaths_per_1000_arrivals": 1000.0 * c["deaths_at_sea"] / arrived if arrived else 0.0,
        # the same risk without the lottery of which boats sink (sim.outputs.summarise)
        "expected_deaths_per_1000_arrivals": 1000.0 * c["expected_deaths_at_sea"] / arrived if arrived else 0.0,
        "mean_price_gbp": (
            c["revenue_gbp"] / c["places_sold"] if c["places_sold"] else (float(prices.mean()) if n else 0.0)
        ),
        "boats_seized": c["boats_seized"],
        "engines_seized": c["engines_seized"],
        "launches_prevented": c["launches_prevented"],
        "taxi_boat_share": c["taxi_launches"] / c["boats_launched"] if c["boats_launched"] else 0.0,
        "people_deterred": c["people_deterred"],
        "people_removed": c["people_removed"],
        "policy_cost_gbp": c["policy_cost_gbp"],
        "waiting_on_coast": float(trace.waiting[n - 1]) if n else 0.0,
        "perceived_removal_prob": float(trace.cols["perceived_removal_prob"][n - 1]) if n else 0.0,
    }


@functools.lru_cache(maxsize=8)
def baseline_trace(base: tuple[str, ...], seed: int) -> Trace:
    """The whole year with the CLI's defaults (plus ``base``) and this seed, run once and kept."""
    channel = ChannelModel(load_config([*base, seed_override(seed)]))
    channel.run()
    return Trace.of(channel, copy=True)


@dataclass
class Today:
    """What happened on the last simulated day, for the map."""

    day: int  # counted days done (1 = the first day of the year); 0 before the first step
    date: dt.date | None
    wave_m: float
    launch_attempts_by_area: np.ndarray
    waiting_by_area: np.ndarray  # people in the camps of each launch area (waiting or holding a place)
    officers_by_area: np.ndarray
    in_transit_by_leg: np.ndarray  # (routes, max legs): people travelling each leg
    seized_by_node: dict[str, int]  # boats and engines seized today at each supply node
    seized_by_node_year: dict[str, int]
    flows: dict[str, float]  # today's counts: boats_launched, launches_prevented, people_arrived, deaths, ...


class ClassroomModel(mesa.Model):
    """The Channel model at the class's settings, stepped one day at a time, with its baseline."""

    def __init__(self, scenario: object = None, **controls: Any) -> None:
        # Mesa's Reset passes a mesa Scenario built from its own defaults; the settings here are the controls.
        del scenario
        unknown = unknown_settings(controls)
        if unknown:
            raise ConfigError(f"dashboard: unknown controls {unknown}")
        self.settings = {**default_settings(), **controls}
        seed = int(self.settings[SEED_KEY])
        super().__init__(rng=seed)
        self.seed = seed
        self.base = base_overrides()
        self.lever_overrides = lever_overrides(self.settings)
        self.levers = levers_ticked(self.settings)
        self.overrides = [*self.base, seed_override(seed), *self.lever_overrides]
        cfg: SimConfig = load_config(self.overrides)
        t0 = time.perf_counter()
        self.channel = ChannelModel(cfg)
        missing = missing_nodes(list(self.channel.geo.graph.nodes))
        if missing:
            raise ConfigError(f"dashboard: no map position for {missing}; add them to sim/dashboard/map_coordinates.py")
        self.channel.run_for(self.channel.burn_in)
        self.setup_seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        self.baseline = baseline_trace(self.base, seed)
        self.baseline_seconds = time.perf_counter() - t0
        self.days_done = 0
        self.step_seconds = 0.0
        chain = self.channel.supply_chain
        self._seized_at_start = dict(chain.seized_by_node)
        self._seized_before = dict(chain.seized_by_node)
        self.seized_today: dict[str, int] = {}
        geo = self.channel.geo
        self._n_legs = int(geo.leg_days_mean.shape[1])
        start = self.today()
        # Fixed references for sizes on the map (so that a growing camp looks bigger from day to day).
        self.ref_transit = max(1.0, 1.5 * float(start.in_transit_by_leg.max()))
        self.ref_waiting = max(1.0, 2.0 * float(start.waiting_by_area.max()))

    # ------------------------------------------------------------------------------------------ stepping
    @property
    def days(self) -> int:
        return self.channel.cfg.days

    def step(self) -> None:
        if self.days_done >= self.days:
            self.running = False
            return
        t0 = time.perf_counter()
        self.channel.step()
        self.days_done += 1
        chain = self.channel.supply_chain
        now = chain.seized_by_node
        self.seized_today = {
            k: v - self._seized_before.get(k, 0) for k, v in now.items() if v > self._seized_before.get(k, 0)
        }
        self._seized_before = dict(now)
        self.running = self.days_done < self.days
        self.step_seconds = time.perf_counter() - t0

    # ------------------------------------------------------------------------------------------ reading
    @property
    def trace(self) -> Trace:
        """The counted days of the current run (views into its recorder; days not yet run are zero)."""
        return Trace.of(self.channel)

    def totals(self) -> dict[str, float]:
        return totals(self.trace, self.days_done)

    def baseline_totals(self) -> dict[str, float]:
        return totals(self.baseline, self.days_done)

    @property
    def date(self) -> dt.date | None:
        return self.trace.dates[self.days_done - 1] if self.days_done else None

    def command_line(self) -> str:
        """The CLI command that runs the same year as the current settings."""
        return " ".join(["python -m sim", *self.overrides])

    def today(self) -> Today:
        ch = self.channel
        geo, pop = ch.geo, ch.population
        state = pop.state
        at_coast = (state == State.AT_COAST) | (state == State.HAS_PLACE)
        waiting = np.bincount(pop.camp[at_coast].astype(np.intp), minlength=geo.n_areas)[: geo.n_areas]
        moving = state == State.IN_TRANSIT
        idx = pop.route[moving].astype(np.intp) * self._n_legs + pop.leg[moving].astype(np.intp)
        transit = np.bincount(idx, minlength=geo.n_routes * self._n_legs).reshape(geo.n_routes, self._n_legs)
        d = ch.day
        rec = ch.recorder
        counted = self.days_done > 0
        flows = {k: float(rec.cols[k][d]) if counted and k in rec.cols else 0.0 for k in SERIES}
        year = {k: v - self._seized_at_start.get(k, 0) for k, v in ch.supply_chain.seized_by_node.items()}
        return Today(
            day=self.days_done,
            date=self.date or (ch.dates[d] if d >= 0 else None),
            wave_m=float(ch.wave[d]) if d >= 0 else 0.0,
            launch_attempts_by_area=rec.launches_by_area[d].copy() if counted else np.zeros(geo.n_areas, int),
            waiting_by_area=waiting,
            officers_by_area=np.asarray(ch.beach_patrol.officers, dtype=float).copy(),
            in_transit_by_leg=transit,
            seized_by_node=dict(self.seized_today) if counted else {},
            seized_by_node_year={k: v for k, v in year.items() if v > 0},
            flows=flows,
        )
