"""Launch, beach, sea and landing: what happens to each boat that a network sends.

On the beach French patrols may stop the launch (people go back to the camps with their place still paid for;
the boat may be destroyed). At sea a boat may fail and be brought back to France. Two kinds of death: a crush or
asphyxia inside an overcrowded boat, whose chance rises steeply with the load above the boat's design capacity
and at taxi-boat boarding in the water; and a capsize or sinking, whose chance rises with waves, distance, a poor
hull, cold water and crowding and falls the sooner rescue can arrive (sim/border_force.py: French assets in French
waters, the vessels on station in UK waters). Everyone else is met at sea by Border Force (while its vessels have
capacity) or lands on a beach, and is counted as arrived.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from sim.config import CrossingConfig
from sim.migrants import Population, State

_DIED, _ARRIVED_UK = int(State.DIED), int(State.ARRIVED_UK)  # plain ints: numpy assigns them faster than an IntEnum

if TYPE_CHECKING:
    from sim.border_force import BorderForce


LARGE_BOAT = 50  # people aboard above which a boat counts as large (Home Office bands 51-60, ..., over 80)


@dataclass
class CrossingTally:
    """What happened to today's launches."""

    launch_attempts: int = 0
    launches_prevented: int = 0
    people_prevented: int = 0
    boats_launched: int = 0
    taxi_launches: int = 0
    boats_failed: int = 0
    boats_arrived: int = 0
    boats_arrived_over_50: int = 0  # more than LARGE_BOAT aboard on arrival (the Home Office size bands)
    boats_intercepted: int = 0
    people_arrived: int = 0
    deaths: int = 0
    deaths_crush: int = 0
    deaths_capsize: int = 0
    expected_deaths: float = 0.0
    expected_deaths_crush: float = 0.0
    expected_capsizes: float = 0.0
    fatal_incidents: int = 0
    boats_destroyed: int = 0
    pilots_arrested: int = 0
    people_gave_up: int = 0
    launches_by_area: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    arrived_people: list[np.ndarray] = field(default_factory=list)
    # Rescue in UK waters (sim/border_force.py): fatal incidents and deaths there, and their expected number.
    fatal_incidents_uk_waters: int = 0
    deaths_uk_waters: int = 0
    expected_deaths_uk_waters: float = 0.0


def incident_probability(
    cfg: CrossingConfig,
    load: np.ndarray,
    wave_m: float,
    distance_km: np.ndarray,
    quality: float,
    taxi: np.ndarray,
    rescue_factor: float | np.ndarray,
    winter: float = 0.0,
) -> np.ndarray:
    """Chance that a boat capsizes or sinks with loss of life (``winter``: weather.winter_weight, 0-1);
    ``rescue_factor`` (per boat) is the chance that a distress turns fatal given who can answer it
    (sim/border_force.py)."""
    del taxi  # boarding in the water is a crush risk (crush_probability), not a capsize risk
    hazard = (
        -np.log1p(-min(cfg.incident_base_prob, 0.999999))
        * (np.maximum(load, 1) / cfg.reference_load) ** cfg.crowding_exponent
        * np.exp(cfg.wave_risk_per_m * (wave_m - 0.5))
        * (distance_km / 40.0) ** cfg.distance_exponent
        * (1.0 + (cfg.poor_boat_risk - 1.0) * (1.0 - quality))
        * (1.0 + cfg.cold_water_risk * winter)
        * rescue_factor
    )
    return -np.expm1(-hazard)


def crush_probability(cfg: CrossingConfig, load: np.ndarray, taxi: np.ndarray) -> np.ndarray:
    """Chance that someone is crushed or asphyxiated aboard: zero up to the design capacity, then rising as a power
    of the overload (``crush_hazard_at_double`` when the boat carries twice its capacity); taxi boats more."""
    over = np.maximum(np.asarray(load, dtype=float) / cfg.design_capacity - 1.0, 0.0)
    hazard = cfg.crush_hazard_at_double * over**cfg.crush_exponent * np.where(taxi, cfg.taxi_boarding_risk, 1.0)
    return -np.expm1(-hazard)


def expected_deaths_in_incident(cfg: CrossingConfig, load: np.ndarray) -> np.ndarray:
    """Mean of ``deaths_in_incident`` for a boat with this load (the risk, without the lottery of outcomes)."""
    load = np.asarray(load, dtype=float)
    return cfg.mass_casualty_prob * np.maximum(1.0, cfg.mass_casualty_fraction * load) + (
        1 - cfg.mass_casualty_prob
    ) * np.minimum(load, cfg.minor_incident_deaths)


class SeaRisk:
    """The terms of the crush and capsize chances that stay the same within a run (by people aboard, by launch
    area) or within a night (waves, cold water), computed once instead of for every network's launches.

    Entry for entry these are the numbers ``incident_probability``, ``crush_probability`` and
    ``expected_deaths_in_incident`` give: the same operations on the same values in the same order, looked up by
    load and area. Loads beyond the tables (above ``max_load``) fall back to the functions."""

    def __init__(self, cfg: CrossingConfig, distance_km: np.ndarray, max_load: int) -> None:
        self.cfg, self.distance_km = cfg, distance_km
        loads = np.arange(max(int(max_load), 1) + 1, dtype=np.int64)
        base = -np.log1p(-min(cfg.incident_base_prob, 0.999999))
        self.crowding = base * (np.maximum(loads, 1) / cfg.reference_load) ** cfg.crowding_exponent  # by load
        self.distance = (distance_km / 40.0) ** cfg.distance_exponent  # by area
        over = np.maximum(loads.astype(float) / cfg.design_capacity - 1.0, 0.0)
        crush = cfg.crush_hazard_at_double * over**cfg.crush_exponent
        self.crush_beach = -np.expm1(-(crush * 1.0))  # by load
        self.crush_taxi = -np.expm1(-(crush * cfg.taxi_boarding_risk))
        self.deaths = expected_deaths_in_incident(cfg, loads)  # by load
        self.night(0.5, 0.0)

    def night(self, wave_m: float, winter: float) -> None:
        """Tonight's waves and cold water (``winter``: the cold-water weight, 0-1)."""
        self.wave_m, self.winter = wave_m, winter
        self.crowding_waves = self.crowding * np.exp(self.cfg.wave_risk_per_m * (wave_m - 0.5))  # by load
        self.cold = 1.0 + self.cfg.cold_water_risk * winter
        self._lists: tuple[list[float], ...] | None = None  # the tables as lists, when first needed tonight

    def launches(
        self, loads: list[int], areas: list[int], quality: float, taxi: list[bool], rescue_factor: list[float]
    ) -> tuple[list[float], list[float], list[float]]:
        """Tonight's capsize chance, crush chance and expected capsize deaths of each boat of one network, as
        Python lists (a network sends a few boats: scalar arithmetic beats a dozen small array operations).
        The hazard is multiplied in the order ``incident_probability`` uses, and its ``-expm1(-h)`` is numpy's, one
        call for the night's boats: the C library's ``math.expm1`` differs from numpy's in the last bit on machines
        whose numpy uses AVX-512 loops, and the fast path must give the function's numbers everywhere."""
        if self._lists is None:
            self._lists = (
                self.crowding_waves.tolist(),
                self.distance.tolist(),
                self.crush_taxi.tolist(),
                self.crush_beach.tolist(),
                self.deaths.tolist(),
            )
        crowding_waves, distance, crush_taxi, crush_beach, deaths = self._lists
        hull = 1.0 + (self.cfg.poor_boat_risk - 1.0) * (1.0 - quality)
        cold = self.cold
        hazard, p_crush = [], []
        try:
            for load, area, is_taxi, rescue in zip(loads, areas, taxi, rescue_factor, strict=True):
                hazard.append(-(crowding_waves[load] * distance[area] * hull * cold * rescue))
                p_crush.append(crush_taxi[load] if is_taxi else crush_beach[load])
            p_inc = (-np.expm1(hazard)).tolist()
            e_capsize = [p * deaths[load] for p, load in zip(p_inc, loads, strict=True)]
        except IndexError:  # a load above the tables
            return self._by_function(loads, areas, quality, taxi, rescue_factor)
        return p_inc, p_crush, e_capsize

    def _by_function(
        self, loads: list[int], areas: list[int], quality: float, taxi: list[bool], rescue_factor: list[float]
    ) -> tuple[list[float], list[float], list[float]]:
        cfg, load, is_taxi = self.cfg, np.array(loads, dtype=np.int64), np.array(taxi, dtype=bool)
        p_inc = incident_probability(
            cfg, load, self.wave_m, self.distance_km[areas], quality, is_taxi, np.array(rescue_factor), self.winter
        )
        e_capsize = p_inc * expected_deaths_in_incident(cfg, load)
        return p_inc.tolist(), crush_probability(cfg, load, is_taxi).tolist(), e_capsize.tolist()


def deaths_in_incident(cfg: CrossingConfig, load: int, rng: np.random.Generator) -> int:
    """A capsize with people in the water kills a share of those aboard; otherwise one or a few are lost."""
    if rng.random() < cfg.mass_casualty_prob:
        return int(min(load, max(1, rng.binomial(load, cfg.mass_casualty_fraction))))
    return int(min(load, 1 + rng.poisson(cfg.minor_incident_deaths - 1.0)))


def deaths_in_crush(cfg: CrossingConfig, load: int, rng: np.random.Generator) -> int:
    return int(min(load, 1 + rng.poisson(cfg.crush_deaths_mean - 1.0)))


def _deaths_at_sea(
    cfg: CrossingConfig,
    aboard: np.ndarray,
    p_crush: float,
    p_capsize: float,
    e_capsize: float,
    u: tuple[float, float],
    pop: Population,
    rng: np.random.Generator,
    tally: CrossingTally,
    uk_waters: bool = False,
) -> np.ndarray:
    """Crush aboard first, then a capsize among the survivors; returns who is still alive. ``uk_waters``: a
    distress of this boat would be in UK waters, where Border Force answers it; capsizes there are counted apart
    as well (crushes happen aboard, mostly at boarding, whoever is on station: not counted as UK waters').
    ``e_capsize``: the boat's expected capsize deaths, ``p_capsize`` times ``expected_deaths_in_incident`` of its
    load (computed for all of a night's boats at once)."""
    load = aboard.size
    e_crush = p_crush * min(load, cfg.crush_deaths_mean)
    tally.expected_deaths_crush += e_crush  # Python floats (resolve_launch's lists)
    tally.expected_capsizes += p_capsize
    tally.expected_deaths += e_crush + e_capsize
    if uk_waters:
        tally.expected_deaths_uk_waters += e_capsize
    if u[0] >= p_crush and u[1] >= p_capsize:
        return aboard  # neither a crush nor a capsize (most boats): what the loop below would conclude
    kinds = (("crush", p_crush, deaths_in_crush, u[0]), ("capsize", p_capsize, deaths_in_incident, u[1]))
    for kind, p, draw, draw_u in kinds:
        if draw_u >= p or aboard.size == 0:
            continue
        dead = draw(cfg, aboard.size, rng)
        victims = rng.choice(aboard, size=dead, replace=False)
        pop.state[victims] = _DIED
        tally.deaths += dead
        setattr(tally, f"deaths_{kind}", getattr(tally, f"deaths_{kind}") + dead)
        tally.fatal_incidents += 1
        if uk_waters and kind == "capsize":
            tally.fatal_incidents_uk_waters += 1
            tally.deaths_uk_waters += dead
        aboard = aboard[pop.state[aboard] != _DIED]
    return aboard


def resolve_launch(
    plan_loads: np.ndarray,
    plan_areas: np.ndarray,
    plan_taxi: np.ndarray,
    quality: float,
    queue: np.ndarray,
    *,
    cfg: CrossingConfig,
    pop: Population,
    prevention_beach: np.ndarray,
    prevention_taxi: np.ndarray,
    destroy_prob: float,
    wave_m: float,
    distance_km: np.ndarray,
    border_force: BorderForce,
    pilot_arrest_prob: float,
    rng: np.random.Generator,
    tally: CrossingTally,
    winter: float = 0.0,
    sea_risk: SeaRisk | None = None,
) -> tuple[np.ndarray, int]:
    """Resolve one network's launches for today; return per boat whether it was prevented, and boats returned.
    ``sea_risk``: the run's SeaRisk, set for tonight's ``wave_m`` and ``winter`` (the same chances, faster)."""
    n = plan_loads.size
    # The boats' numbers as Python lists (the same float64 values): a network sends a few boats a night, and
    # scalar arithmetic on a few numbers beats small array operations.
    loads_l, areas_l, taxi_l = plan_loads.tolist(), plan_areas.tolist(), plan_taxi.tolist()
    starts_l = [0, *itertools.accumulate(loads_l)]
    u = rng.random(4 * n).tolist()  # the same numbers as four draws of n: prevention, failure, capsize, crush
    beach_l, taxi_p_l = prevention_beach.tolist(), prevention_taxi.tolist()
    prevented_l = [
        draw < (taxi_p_l[a] if is_taxi else beach_l[a]) for draw, a, is_taxi in zip(u, areas_l, taxi_l, strict=False)
    ]  # u's first n numbers: zip stops at the n boats
    rescue_l, uk_l, met_l = border_force.at_sea(plan_areas, lists=True)
    if sea_risk is not None:
        p_inc_l, p_crush_l, e_capsize_l = sea_risk.launches(loads_l, areas_l, quality, taxi_l, rescue_l)
    else:
        rescue_factor = np.array(rescue_l)
        p_inc = incident_probability(
            cfg, plan_loads, wave_m, distance_km[plan_areas], quality, plan_taxi, rescue_factor, winter
        )
        p_crush_l = crush_probability(cfg, plan_loads, plan_taxi).tolist()
        e_capsize_l = (p_inc * expected_deaths_in_incident(cfg, plan_loads)).tolist()  # the planned loads
        p_inc_l = p_inc.tolist()
    u_fail_l, u_inc_l, u_crush_l = u[n : 2 * n], u[2 * n : 3 * n], u[3 * n :]
    returned_boats = 0
    tally.launch_attempts += n
    by_area = tally.launches_by_area
    for a in areas_l:  # np.bincount(plan_areas) added in, boat by boat (a few boats: cheaper than the arrays)
        by_area[a] += 1
    sent_back: list[np.ndarray] = []
    # Whole-number counts kept in locals and added to the tally once (the expected deaths, floats, are added to it
    # boat by boat in _deaths_at_sea: their sum keeps its order).
    prevented_n = people_prevented = destroyed = launched = taxis = failed = 0
    arrived = over_50 = intercepted = people_arrived = pilots = 0
    failure_prob, arrived_people, state = cfg.failure_prob, tally.arrived_people, pop.state
    for b in range(n):
        aboard = queue[starts_l[b] : starts_l[b + 1]]
        if prevented_l[b]:
            prevented_n += 1
            people_prevented += aboard.size
            sent_back.append(aboard)
            if rng.random() >= destroy_prob:
                returned_boats += 1
            else:
                destroyed += 1
            continue
        launched += 1
        taxis += int(taxi_l[b])
        if u_fail_l[b] < failure_prob:
            # Engine failure or deflation: rescued by the French and brought back; boat lost.
            failed += 1
            sent_back.append(aboard)
            continue
        aboard = _deaths_at_sea(
            cfg,
            aboard,
            p_crush_l[b],
            p_inc_l[b],
            e_capsize_l[b],
            (u_crush_l[b], u_inc_l[b]),
            pop,
            rng,
            tally,
            uk_l[b],
        )
        state[aboard] = _ARRIVED_UK
        arrived_people.append(aboard)
        arrived += 1
        over_50 += int(aboard.size > LARGE_BOAT)
        intercepted += int(met_l[b])
        people_arrived += aboard.size
        pilots += int(rng.random() < pilot_arrest_prob)
    tally.launches_prevented += prevented_n
    tally.people_prevented += people_prevented
    tally.boats_destroyed += destroyed
    tally.boats_launched += launched
    tally.taxi_launches += taxis
    tally.boats_failed += failed
    tally.boats_arrived += arrived
    tally.boats_arrived_over_50 += over_50
    tally.boats_intercepted += intercepted
    tally.people_arrived += people_arrived
    tally.pilots_arrested += pilots
    if sent_back:
        back = np.concatenate(sent_back)
        tally.people_gave_up += pop.give_up_after_failure(back, rng)
    return np.array(prevented_l, dtype=bool), returned_boats
