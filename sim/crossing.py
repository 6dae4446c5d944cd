"""Launch, beach, sea and landing: what happens to each boat that a network sends.

On the beach French patrols may stop the launch (people go back to the camps with their place still paid for;
the boat may be destroyed). At sea a boat may fail and be brought back to France, or have a fatal incident
whose chance rises with crowding, waves, distance and a poor hull and falls the sooner rescue can arrive
(sim/border_force.py: French assets in French waters, the vessels on station in UK waters). Everyone else is
met at sea by Border Force (while its vessels have capacity) or lands on a beach, and is counted as arrived.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from sim.config import CrossingConfig
from sim.migrants import Population, State

if TYPE_CHECKING:
    from sim.border_force import BorderForce


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
    boats_intercepted: int = 0
    people_arrived: int = 0
    deaths: int = 0
    expected_deaths: float = 0.0
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
) -> np.ndarray:
    """Chance that a boat has a fatal incident at sea; ``rescue_factor`` (per boat) is the chance that a distress
    turns fatal given who can answer it (sim/border_force.py)."""
    hazard = (
        -np.log1p(-min(cfg.incident_base_prob, 0.999999))
        * (np.maximum(load, 1) / cfg.reference_load) ** cfg.crowding_exponent
        * np.exp(cfg.wave_risk_per_m * (wave_m - 0.5))
        * (distance_km / 40.0) ** cfg.distance_exponent
        * (1.0 + (cfg.poor_boat_risk - 1.0) * (1.0 - quality))
        * np.where(taxi, cfg.taxi_boarding_risk, 1.0)
        * rescue_factor
    )
    return -np.expm1(-hazard)


def expected_deaths_in_incident(cfg: CrossingConfig, load: np.ndarray) -> np.ndarray:
    """Mean of ``deaths_in_incident`` for a boat with this load (the risk, without the lottery of outcomes)."""
    load = np.asarray(load, dtype=float)
    return cfg.mass_casualty_prob * np.maximum(1.0, cfg.mass_casualty_fraction * load) + (
        1 - cfg.mass_casualty_prob
    ) * np.minimum(load, cfg.minor_incident_deaths)


def deaths_in_incident(cfg: CrossingConfig, load: int, rng: np.random.Generator) -> int:
    """A capsize kills a share of those aboard; a crush or fall kills one or a few."""
    if rng.random() < cfg.mass_casualty_prob:
        return int(min(load, max(1, rng.binomial(load, cfg.mass_casualty_fraction))))
    return int(min(load, 1 + rng.poisson(cfg.minor_incident_deaths - 1.0)))


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
) -> tuple[np.ndarray, int]:
    """Resolve one network's launches for today; return per boat whether it was prevented, and boats returned."""
    n = plan_loads.size
    starts = np.concatenate(([0], np.cumsum(plan_loads)))
    p_prevent = np.where(plan_taxi, prevention_taxi[plan_areas], prevention_beach[plan_areas])
    prevented = rng.random(n) < p_prevent
    rescue_factor, uk_waters, met_at_sea = border_force.at_sea(plan_areas)
    p_inc = incident_probability(cfg, plan_loads, wave_m, distance_km[plan_areas], quality, plan_taxi, rescue_factor)
    u_fail = rng.random(n)
    u_inc = rng.random(n)
    returned_boats = 0
    tally.launch_attempts += n
    tally.launches_by_area += np.bincount(plan_areas, minlength=tally.launches_by_area.size)
    sent_back: list[np.ndarray] = []
    for b in range(n):
        aboard = queue[starts[b] : starts[b + 1]]
        if prevented[b]:
            tally.launches_prevented += 1
            tally.people_prevented += aboard.size
            sent_back.append(aboard)
            if rng.random() >= destroy_prob:
                returned_boats += 1
            else:
                tally.boats_destroyed += 1
            continue
        tally.boats_launched += 1
        tally.taxi_launches += int(plan_taxi[b])
        if u_fail[b] < cfg.failure_prob:
            # Engine failure or deflation: rescued by the French and brought back; boat lost.
            tally.boats_failed += 1
            sent_back.append(aboard)
            continue
        expected = float(p_inc[b] * expected_deaths_in_incident(cfg, aboard.size))
        tally.expected_deaths += expected
        if u_inc[b] < p_inc[b]:
            dead = deaths_in_incident(cfg, aboard.size, rng)
            victims = rng.choice(aboard, size=dead, replace=False)
            pop.state[victims] = State.DIED
            tally.deaths += dead
            tally.fatal_incidents += 1
            aboard = aboard[pop.state[aboard] != State.DIED]
            if uk_waters[b]:
                tally.fatal_incidents_uk_waters += 1
                tally.deaths_uk_waters += dead
        if uk_waters[b]:
            tally.expected_deaths_uk_waters += expected
        pop.state[aboard] = State.ARRIVED_UK
        tally.arrived_people.append(aboard)
        tally.boats_arrived += 1
        tally.boats_intercepted += int(met_at_sea[b])
        tally.people_arrived += aboard.size
        tally.pilots_arrested += int(rng.random() < pilot_arrest_prob)
    if sent_back:
        back = np.concatenate(sent_back)
        tally.people_gave_up += pop.give_up_after_failure(back, rng)
    return prevented, returned_boats
