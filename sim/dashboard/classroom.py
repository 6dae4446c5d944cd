"""The run a class steps through, its daily record, and the burnt-in models that make RESET quick.

``Classroom`` holds one ``sim.model.ChannelModel`` (the Mesa model) at the class's settings and steps it one day at
a time. Its configuration is the one ``python -m sim`` composes from the command line printed on the page
(``sim.dashboard.controls.settings_config``). The burn-in (``world.burn_in_days``) is run before day 1, so that day
1 on the page is the first counted day of the year, with journeys, camps and stocks in their running state.

The burn-in takes about a second at full scale, too long for RESET. ``Prepared`` keeps the model of a few settings
as it stands after the burn-in and hands out deep copies (about 40 ms); it burns in the settings a class is
choosing in a background thread while the teacher is still clicking, so RESET seldom waits. A copy continues
exactly as a fresh model would (the tests check it day by day against the CLI).

``Trace`` is the counted days of a run (views into a live run's recorder, or copies for finished years, which the
background worker sends between processes); ``totals`` turns its first ``n`` days into the page's outcomes.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.config import ConfigError, SimConfig
from sim.dashboard.controls import (
    SEED_KEY,
    default_settings,
    lever_overrides,
    levers_ticked,
    seed_override,
    settings_config,
    unknown_settings,
)
from sim.dashboard.map_coordinates import missing_nodes
from sim.migrants import State
from sim.model import ChannelModel

# Overrides applied to both the current run and the baseline (e.g. scale=0.5, weather=rough), set by
# `python -m sim.dashboard OVERRIDES...` through this environment variable (a JSON list of strings).
BASE_OVERRIDES_ENV = "CHANNEL_DASHBOARD_OVERRIDES"

# Daily columns of sim.outputs.DailyRecorder that the page uses (a column the model does not record is zeros).
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


def full_settings(settings: Mapping[str, Any], base: tuple[str, ...] = ()) -> dict[str, Any]:
    """The page's settings with every control present (the CLI's value with ``base`` where not given)."""
    unknown = unknown_settings(settings)
    if unknown:
        raise ConfigError(f"dashboard: unknown controls {unknown}")
    return {**default_settings(base), **settings}


def run_overrides(base: tuple[str, ...], settings: Mapping[str, Any]) -> list[str]:
    """The command line (after `python -m sim`) of a run at these settings."""
    s = full_settings(settings, base)
    return [*base, seed_override(int(s[SEED_KEY])), *lever_overrides(s, base)]


@dataclass(eq=False)  # compared and hashed by identity: the charts cache bands per set of finished years
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


def run_year(base: tuple[str, ...], settings: Mapping[str, Any]) -> Trace:
    """A whole year at these settings (what the background worker runs for the band and the spread)."""
    channel = ChannelModel(settings_config(base, full_settings(settings, base)))
    channel.run()
    return Trace.of(channel, copy=True)


# --------------------------------------------------------------------------------------------- prepared models
def settings_key(settings: Mapping[str, Any]) -> tuple:
    """A hashable key of the settings that matter to a run (the seed and the ticked levers' overrides)."""
    s = full_settings(settings)
    return (int(s[SEED_KEY]), *lever_overrides(s))


def burnt_in(base: tuple[str, ...], settings: Mapping[str, Any]) -> ChannelModel:
    """A new model at these settings, stepped through the burn-in."""
    channel = ChannelModel(settings_config(base, settings))
    missing = missing_nodes(list(channel.geo.graph.nodes))
    if missing:
        raise ConfigError(f"dashboard: no map position for {missing}; add them to sim/dashboard/map_coordinates.py")
    for _ in range(channel.burn_in):
        channel.step()
    return channel


class Prepared:
    """Models after their burn-in, a few settings at a time, burnt in ahead of need by one background thread."""

    def __init__(self, base: tuple[str, ...], keep: int = 6) -> None:
        self.base = base
        self.keep = keep
        self._lock = threading.Lock()
        self._models: OrderedDict[tuple, Future] = OrderedDict()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dashboard-burn-in")

    def prepare(self, settings: Mapping[str, Any]) -> Future:
        """Start burning in these settings (if not done or under way); the future's result is the model."""
        key = settings_key(settings)
        with self._lock:
            for other, waiting in list(self._models.items()):  # settings passed over while clicking: not needed
                if other != key and waiting.cancel():
                    del self._models[other]
            future = self._models.get(key)
            if future is None or (future.done() and future.exception() is not None):
                future = self._pool.submit(burnt_in, self.base, dict(settings))
                self._models[key] = future
            self._models.move_to_end(key)
            while len(self._models) > self.keep:
                self._models.popitem(last=False)
        return future

    def fresh(self, settings: Mapping[str, Any]) -> ChannelModel:
        """A model at these settings at the end of its burn-in, nobody else's (a deep copy)."""
        while True:
            try:
                model = self.prepare(settings).result()
                break
            except CancelledError:  # passed over by another tab's clicking before it started: ask again
                continue
        with self._lock:
            return copy.deepcopy(model)


# ------------------------------------------------------------------------------------------------- the run
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


class Classroom:
    """The Channel model at the class's settings, stepped one day at a time."""

    def __init__(self, base: tuple[str, ...], settings: Mapping[str, Any], channel: ChannelModel) -> None:
        self.base = tuple(base)
        self.settings = full_settings(settings, self.base)
        self.seed = int(self.settings[SEED_KEY])
        self.lever_overrides = lever_overrides(self.settings, self.base)
        self.levers = levers_ticked(self.settings)
        self.overrides = [*self.base, seed_override(self.seed), *self.lever_overrides]
        self.channel = channel
        if channel.day != channel.burn_in - 1:
            raise ValueError("Classroom needs a model at the end of its burn-in")
        self.cfg: SimConfig = channel.cfg
        self.days_done = 0
        self.step_seconds = 0.0
        chain = channel.supply_chain
        self._seized_at_start = dict(chain.seized_by_node)
        self._seized_before = dict(chain.seized_by_node)
        self.seized_today: dict[str, int] = {}
        self._n_legs = int(channel.geo.leg_days_mean.shape[1])
        start = self.today()
        # Fixed references for sizes on the map (so that a growing camp looks bigger from day to day).
        self.ref_transit = max(1.0, 1.5 * float(start.in_transit_by_leg.max()))
        self.ref_waiting = max(1.0, 2.0 * float(start.waiting_by_area.max()))

    @classmethod
    def new(cls, base: tuple[str, ...] = (), settings: Mapping[str, Any] | None = None) -> Classroom:
        """A run at these settings, burnt in here (the page uses ``Prepared`` instead)."""
        settings = full_settings(settings or {}, tuple(base))
        return cls(base, settings, burnt_in(base, settings))

    @property
    def days(self) -> int:
        return self.channel.cfg.days

    @property
    def running(self) -> bool:
        return self.days_done < self.days

    def step(self) -> None:
        """One day (nothing after the last day of the year)."""
        if not self.running:
            return
        t0 = time.perf_counter()
        self.channel.step()
        self.days_done += 1
        now = self.channel.supply_chain.seized_by_node
        before = self._seized_before
        self.seized_today = {k: v - before.get(k, 0) for k, v in now.items() if v > before.get(k, 0)}
        self._seized_before = dict(now)
        self.step_seconds = time.perf_counter() - t0

    @property
    def trace(self) -> Trace:
        """The counted days of the current run (views into its recorder; days not yet run are zero)."""
        return Trace.of(self.channel)

    def totals(self) -> dict[str, float]:
        return totals(self.trace, self.days_done)

    @functools.cached_property
    def iso_dates(self) -> list[str]:
        """The counted days as ISO dates (the charts' time axis)."""
        return [d.isoformat() for d in self.channel.dates[self.channel.burn_in :]]

    @property
    def date(self) -> dt.date | None:
        return self.channel.dates[self.channel.day] if self.days_done else None

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
