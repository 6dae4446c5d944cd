"""Border Force at sea: vessels on station in the launch corridors of the Channel.

Each vessel is a Mesa agent with a station (the launch corridor whose UK waters it patrols) and, each night, an
availability draw (maintenance, crew rest). The fleet (``BorderForce``) redeploys its vessels every day towards
the corridors that boats have recently used, and at night:

- meets boats that reach UK waters (interception) while its vessels have capacity: on a busy night, when more
  boats come than the vessels on station can take, the rest land on beaches;
- answers distress incidents in UK waters: the response time (dispatch, distance from the nearest vessel on
  station, waiting while every vessel is busy) sets the chance that an incident turns fatal. Incidents in French
  waters are answered by French assets at a fixed response time; with no vessel on station, nobody comes to an
  incident in UK waters and rescue lowers no deaths there.

Smugglers can see where vessels are (AIS, spotters, calls to the coastguard): ``known_cover_shift`` is how the
rescue cover they know of moves a network's launch decisions (the moral hazard of rescue), relative to the cover
under which its wave limit and loads were set (``moral_hazard_reference_vessels``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.config import BorderForceConfig, EnforcementConfig

if TYPE_CHECKING:
    from sim.model import ChannelModel


@dataclass(frozen=True)
class Cover:
    """How the rescue cover a network knows of moves its launch decisions: a rise of its wave limit (m) and a
    factor on the load it aims for."""

    wave_m: float = 0.0
    load_factor: float = 1.0


NO_SHIFT = Cover()


def fatal_share(cfg: BorderForceConfig, response_h: np.ndarray | float) -> np.ndarray:
    """Chance that a distress incident turns fatal when help arrives after ``response_h`` hours (inf: never)."""
    f0 = cfg.deaths_before_help_share
    return f0 + (1.0 - f0) * -np.expm1(-np.asarray(response_h, dtype=float) / cfg.survival_hours)


def response_hours(cfg: BorderForceConfig, on_station: np.ndarray) -> np.ndarray:
    """Hours from a distress call to a vessel on scene, per corridor, given the vessels on station per corridor:
    the corridor's own vessels share its waters; otherwise the nearest corridor's come over (inf if none)."""
    idx = np.arange(on_station.size)
    held = np.flatnonzero(on_station > 0)
    if held.size == 0:
        return np.full(on_station.size, np.inf)
    km = cfg.corridor_spacing_km * np.abs(idx[:, None] - held[None, :]) + cfg.patrol_radius_km / on_station[held]
    return cfg.dispatch_hours + km.min(axis=1) / cfg.speed_kmh


def deploy(n_vessels: int, demand: np.ndarray) -> np.ndarray:
    """Station of each vessel: one at a time to the corridor with most demand per vessel already there."""
    return np.array(_stations(n_vessels, [float(x) for x in demand]), dtype=np.intp)


def _stations(n_vessels: int, want: list[float]) -> list[int]:
    """``deploy`` on a list of demands, as a list (the fleet's daily redeployment)."""
    counts = [0] * len(want)
    per_vessel = [w / 1 for w in want]  # want[k] / (1 + counts[k]), kept as the counts change
    stations = []
    for _ in range(n_vessels):
        a = per_vessel.index(max(per_vessel))  # the first corridor with the most demand per vessel
        stations.append(a)
        counts[a] += 1
        per_vessel[a] = want[a] / (1 + counts[a])
    return stations


class Vessel(mesa.Agent):
    """One Border Force cutter or coastal patrol vessel (RNLI lifeboats counted alike)."""

    def __init__(self, model: ChannelModel, number: int) -> None:
        super().__init__(model)
        self.number = number
        self.station = 0  # launch corridor (area index) whose UK waters it patrols
        self.on_station = True

    def step(self) -> None:
        """Whether it is out tonight (maintenance, crew rest)."""
        fleet = self.model.border_force
        self.on_station = bool(fleet.draws.random() < fleet.cfg.availability)


class BorderForce(mesa.Agent):
    """The UK fleet in the Channel: stations its vessels, meets boats, answers incidents."""

    def __init__(self, model: ChannelModel, cfg: EnforcementConfig, rng: np.random.Generator) -> None:
        super().__init__(model)
        self.cfg = cfg.border_force
        self.cost_per_day = cfg.vessel_cost_gbp_per_day
        self.draws = rng
        n_areas = model.geo.n_areas
        self.recent_launches = np.ones(n_areas)
        self.fleet: list[Vessel] = []
        ref = deploy(round(self.cfg.moral_hazard_reference_vessels * self.cfg.availability), np.ones(n_areas))
        self.reference_risk = self._known_risk(np.bincount(ref, minlength=n_areas))
        self._stations_key: tuple[float, ...] | None = None  # vessels on station by corridor for _response_h
        # By vessels on station (a tuple of counts): response times, known risk and cover, which follow from them
        # alone (and the config); the fleet's few vessels make the same few patterns night after night.
        self._by_stations: dict[tuple[float, ...], list] = {}
        self.vessels = cfg.rescue_vessels
        self.start_night(0)

    # ------------------------------------------------------------------------------------------ the fleet
    @property
    def vessels(self) -> float:
        return float(len(self.fleet))

    @vessels.setter
    def vessels(self, n: float) -> None:
        """Set the fleet size (rounded to whole vessels); new vessels are on station from tonight."""
        n = max(0, round(n))
        while len(self.fleet) > n:
            self.fleet.pop().remove()
        while len(self.fleet) < n:
            self.fleet.append(Vessel(self.model, len(self.fleet)))
        self._redeploy()

    def on_station_by_area(self) -> np.ndarray:
        return np.array(self._on_station_counts())

    def _on_station_counts(self) -> list[float]:
        counts = [0.0] * self.recent_launches.size
        for v in self.fleet:
            if v.on_station:
                counts[v.station] += 1
        return counts

    def _redeploy(self) -> None:
        recent = self.recent_launches  # np.add.reduce: .sum() without its Python layer (the same reduction)
        demand = 0.5 / recent.size + 0.5 * recent / np.add.reduce(recent)
        fleet = self.fleet
        for v, station in zip(fleet, _stations(len(fleet), demand.tolist()), strict=True):
            v.station = station
        counts = self._on_station_counts()
        key = tuple(counts)  # the vessels on station per corridor: most nights one of a few patterns
        if key != self._stations_key:  # response times, known risk and cover follow the vessels on station alone
            on_station = np.array(counts)
            self._on_station = on_station
            self._on_total = float(np.add.reduce(on_station))  # .sum(), without its Python layer
            if self._stations_key is not None:
                self._by_stations[self._stations_key][2] = self._known  # computed since, perhaps
            self._stations_key = key
            state = self._by_stations.get(key)
            if state is None:
                if len(self._by_stations) >= 4096:
                    self._by_stations.clear()
                state = self._by_stations[key] = [response_hours(self.cfg, on_station), {}, None]
            self._response_h, self._cover, self._known = state

    def observe(self, launches_by_area: np.ndarray) -> None:
        self.recent_launches *= 0.9
        self.recent_launches += launches_by_area

    def step(self) -> None:
        """After tonight: vessels for tomorrow night, stationed towards where boats have recently come from.
        Each vessel's availability (Vessel.step) from one draw of as many numbers as vessels: the same numbers in
        the same order as one draw per vessel."""
        fleet = self.fleet
        if fleet:
            available = (self.draws.random(len(fleet)) < self.cfg.availability).tolist()
            for v, on in zip(fleet, available, strict=True):
                v.on_station = on
        self._redeploy()

    # ---------------------------------------------------------------------------------------- at night
    def start_night(self, boats_expected: int) -> None:
        """Tonight's response times and chance of meeting a boat, given how many boats the networks plan to
        send: beyond the vessels' capacity, boats wait for a free vessel or land unmet."""
        cfg = self.cfg
        on = self._on_total  # vessels on station tonight (_redeploy)
        capacity = on * cfg.boats_per_vessel_night * self.model.cfg.scale
        load = boats_expected / capacity if capacity > 0 else np.inf
        wait_h = cfg.task_hours * max(0.0, 1.0 - 1.0 / load) if load > 0 else 0.0
        self.night_response_h = self._response_h + wait_h
        self._night_fatal: tuple[np.ndarray, np.ndarray, list[float], float] | None = None  # at_sea, once a night
        self.meet_prob = cfg.detection_prob * (min(1.0, 1.0 / load) if load > 0 else 1.0)

    def at_sea(self, areas: np.ndarray, lists: bool = False) -> tuple:
        """For one network's boats tonight: the factor on each boat's fatal-incident hazard (the chance a distress
        turns fatal given who answers it), whether a distress would be in UK waters, and whether the boat is met
        if it reaches UK waters. Two draws per boat, whatever happens to it."""
        cfg = self.cfg
        n = areas.size
        u = self.draws.random(2 * n)  # the same numbers as two draws of n: the zone, then the meeting
        if self._night_fatal is None:  # the chance a distress turns fatal tonight: by corridor in UK waters, French
            uk_fatal, french = fatal_share(cfg, self.night_response_h), fatal_share(cfg, cfg.french_response_hours)
            self._night_fatal = (uk_fatal, french, uk_fatal.tolist(), float(french))
        uk_fatal, french, uk_fatal_l, french_f = self._night_fatal
        if lists:  # Python lists of the same values, for a network's few boats (resolve_launch)
            share, meet, u_l = cfg.french_zone_share, self.meet_prob, u.tolist()
            uk_l = [z >= share for z in u_l[:n]]
            factor_l = [uk_fatal_l[a] if k else french_f for a, k in zip(areas.tolist(), uk_l, strict=True)]
            return factor_l, uk_l, [m < meet for m in u_l[n:]]
        uk = u[:n] >= cfg.french_zone_share
        return np.where(uk, uk_fatal[areas], french), uk, u[n:] < self.meet_prob

    # ------------------------------------------------------------------------------------- moral hazard
    def _known_risk(self, on_station: np.ndarray) -> np.ndarray:
        """Chance, per corridor, that a distress turns fatal with the vessels on station (no waiting)."""
        cfg = self.cfg
        uk = fatal_share(cfg, response_hours(cfg, on_station))
        return cfg.french_zone_share * fatal_share(cfg, cfg.french_response_hours) + (1 - cfg.french_zone_share) * uk

    def known_risk(self) -> np.ndarray:
        """Tonight's ``_known_risk`` (computed once a day)."""
        if self._known is None:
            cfg = self.cfg
            french = cfg.french_zone_share * fatal_share(cfg, cfg.french_response_hours)
            self._known = french + (1 - cfg.french_zone_share) * fatal_share(cfg, self._response_h)
        return self._known

    def known_cover_shift(self, area: int) -> Cover:
        """How a network launching from ``area`` adjusts to the cover it sees, keeping the risk it accepts: with
        strength s, the wave limit rises by s ln(r0 / r) / wave_risk_per_m and the aimed-for load is multiplied by
        (r0 / r)^(s / crowding_exponent), r the known chance a distress turns fatal, r0 the reference."""
        cover = self._cover.get(area)  # emptied when the vessels on station change (_redeploy)
        if cover is not None:
            return cover
        cfg = self.cfg
        if not cfg.moral_hazard or cfg.moral_hazard_strength <= 0:
            cover = NO_SHIFT
        else:
            crossing = self.model.cfg.crossing
            ratio = float(self.reference_risk[area] / self.known_risk()[area])
            s = cfg.moral_hazard_strength
            cover = Cover(
                wave_m=s * math.log(ratio) / max(crossing.wave_risk_per_m, 1e-9),  # as np.log (C library's)
                load_factor=ratio ** (s / max(crossing.crowding_exponent, 1e-9)),
            )
        self._cover[area] = cover
        return cover

    # ------------------------------------------------------------------------------------------- record
    @property
    def daily_cost_gbp(self) -> float:
        return self.vessels * self.cost_per_day * self.model.cfg.scale

    def daily_values(self) -> dict[str, float]:
        return {"vessels_on_station": self._on_total}
