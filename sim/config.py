"""Typed configuration: every parameter with its unit, default, declared and plausible ranges and source.

The dataclasses here are the single declaration of the model's parameters. Hydra's ConfigStore gets them as
schemas (so unknown keys and wrong types are refused), the YAML files under ``configs/`` only pick values, and
``validate`` checks every number against its declared range before any work starts.

Each leaf is declared with ``param(default, unit, low, high, source, plausible=(lo, hi))``. ``[low, high]`` is
the declared range: the validity limit (a probability in [0, 1], up to ten million entrants a year) that
``validate`` enforces. ``plausible`` is the span a careful modeller would consider credible for the 2024 Channel;
sensitivity analysis sweeps each parameter independently across it, so ranges of parameters that must stay
ordered (``ORDERED_PAIRS``) do not overlap. Every numeric parameter has one except ``seed``, ``days`` and
``scale``, which are run settings, not behaviour. ``source`` is a citation or the word "assumption" followed by
why the value was chosen; calibrated values say "calibrated" and against what.

Accessors by dotted key (``declared_field``, ``declared_range``, ``plausible_range``, ``declared_default``,
``plausible_parameters``) read these declarations; they never look at YAML values.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import functools
import math
import types
import typing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from omegaconf import MISSING  # noqa: F401  (re-exported for schemas that need it)

INF = float("inf")


class ConfigError(ValueError):
    """A configuration value that the model refuses, with a one-line message naming key, value and range."""


def param(
    default: Any,
    unit: str,
    low: float | None,
    high: float | None,
    source: str,
    *,
    plausible: tuple[float, float] | None = None,
) -> Any:
    """Declare a parameter: unit, validity range [low, high], plausible range and where the value comes from."""
    meta = {
        "unit": unit,
        "range": (low, high),
        "source": source,
        "plausible": None if plausible is None else (plausible[0], plausible[1]),
    }
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: _copy(default), metadata=meta)
    return field(default=default, metadata=meta)


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if dataclasses.is_dataclass(value):
        return dataclasses.replace(value)
    return value


PROB = (0.0, 1.0)


# --------------------------------------------------------------------------------------------------- world
@dataclass
class LegConfig:
    """One leg of a transit route, from one place to the next."""

    to: str = param("", "place", None, None, "route node name")
    days_mean: float = param(
        7.0, "days", 0.0, 365.0, "assumption: typical reported journey times", plausible=(1.0, 60.0)
    )
    days_cv: float = param(0.4, "coefficient of variation", 0.0, 3.0, "assumption", plausible=(0.2, 0.8))
    interception_prob: float = param(
        0.0, "probability per attempt", *PROB, "assumption: push-backs and arrests at this leg", plausible=(0.0, 0.3)
    )
    pushback_delay_days: float = param(
        10.0, "days", 0.0, 365.0, "assumption: time before a new attempt", plausible=(5.0, 30.0)
    )
    capacity_per_day: int = param(
        0, "people per day (0 = unlimited)", 0, 10_000_000, "assumption", plausible=(0, 1_000)
    )


@dataclass
class RouteConfig:
    """A transit route from a region of origin to the French coast."""

    origin: str = param("", "place", None, None, "route node name")
    share: float = param(
        0.25, "share of entrants", *PROB, "Home Office nationality mix mapped to routes", plausible=(0.05, 0.6)
    )
    legs: list[LegConfig] = field(default_factory=list)
    nationalities: dict[str, float] = field(default_factory=dict)


@dataclass
class LaunchAreaConfig:
    """A stretch of the French coast from which boats leave."""

    distance_km: float = param(
        40.0, "km to the UK landing", 1.0, 300.0, "sea distance to Dover/Dungeness", plausible=(30.0, 90.0)
    )
    coastline_km: float = param(
        20.0,
        "km of beach",
        0.1,
        200.0,
        "approximate length of used beaches; plausible range a guess",
        plausible=(10.0, 40.0),
    )
    camp_share: float = param(0.25, "share of people waiting here", *PROB, "reported camp sizes", plausible=(0.0, 0.6))
    taxi_access: float = param(
        0.5,
        "share of launches that can use rivers/canals",
        *PROB,
        "assumption from the coast's geography",
        plausible=(0.25, 1.0),
    )


@dataclass
class WorldConfig:
    start_date: str = param("2024-01-01", "ISO date", None, None, "scenario year")
    burn_in_days: int = param(
        120,
        "days",
        0,
        730,
        "assumption: long enough for transit and camps to reach their steady state",
        plausible=(90, 240),
    )
    routes: dict[str, RouteConfig] = field(default_factory=dict)
    launch_areas: dict[str, LaunchAreaConfig] = field(default_factory=dict)


# ----------------------------------------------------------------------------------------------- migration
@dataclass
class MigrationConfig:
    annual_entrants: float = param(
        55_300.0,
        "people entering the routes per year",
        0.0,
        10_000_000.0,
        "calibrated (ABC-SMC, data/calibration/2024): posterior median, 5-95% 43,000-80,200",
        plausible=(30_000.0, 90_000.0),
    )
    entry_seasonal_amplitude: float = param(
        0.596,
        "relative amplitude",
        0.0,
        1.0,
        "calibrated (ABC-SMC, data/calibration/2024): posterior median, 5-95% 0.12-0.99",
        plausible=(0.0, 1.0),
    )
    entry_peak_day: int = param(
        168,
        "day of year",
        1,
        366,
        "calibrated (ABC-SMC, data/calibration/2024): posterior median, 5-95% 129-233",
        plausible=(120, 260),
    )
    funds_median_gbp: float = param(
        3_600.0, "GBP", 0.0, 100_000.0, "assumption near reported prices", plausible=(1_800.0, 7_200.0)
    )
    funds_sigma: float = param(0.55, "log-sd", 0.0, 3.0, "assumption", plausible=(0.3, 1.1))
    daily_savings_gbp: float = param(
        20.0,
        "GBP per day",
        0.0,
        1_000.0,
        "assumption: remittances and informal work while waiting",
        plausible=(10.0, 40.0),
    )
    purchase_rate_per_day: float = param(
        0.35,
        "probability per day",
        *PROB,
        "assumption: how fast a person who can pay finds a network",
        plausible=(0.15, 0.6),
    )
    give_up_per_day: float = param(
        0.006,
        "probability per day at the coast",
        *PROB,
        "assumption: claim in France, move on",
        plausible=(0.003, 0.012),
    )
    give_up_per_failed_attempt: float = param(
        0.1, "probability per prevented attempt", *PROB, "assumption", plausible=(0.05, 0.2)
    )
    risk_tolerance_mean: float = param(
        0.6, "0-1 scale", 0.0, 1.0, "assumption: most people accept high risks to cross", plausible=(0.3, 0.9)
    )
    death_news_sensitivity: float = param(
        0.1,
        "log-reduction of purchases per (death per 1,000 crossing), for a fully risk-averse person",
        0.0,
        10.0,
        "assumption: how much recent deaths hold back purchases",
        plausible=(0.0, 0.3),
    )
    news_memory_days: float = param(
        21.0, "days", 1.0, 365.0, "assumption: how long news of deaths matters", plausible=(10.0, 42.0)
    )
    route_switch_prob: float = param(
        0.3,
        "probability that a person pushed back switches to another route from the same origin",
        *PROB,
        "assumption: displacement between routes when one is squeezed",
        plausible=(0.15, 0.6),
    )


# ----------------------------------------------------------------------------------------------- smuggling
@dataclass
class SmugglingConfig:
    networks: int = param(
        20, "networks", 0, 1_000, "assumption near NCA's 70-90 investigations, fewer active", plausible=(10, 30)
    )
    organisers_per_network: int = param(2, "people", 1, 100, "assumption", plausible=(1, 4))
    facilitators_per_network: int = param(
        16, "people", 1, 1_000, "assumption: coastal teams, drivers and guides", plausible=(8, 32)
    )
    suppliers_per_network: int = param(2, "people", 1, 100, "assumption", plausible=(1, 4))
    financiers_per_network: int = param(1, "people", 1, 100, "assumption", plausible=(1, 2))
    facilitators_per_launch: int = param(
        2, "people", 1, 50, "assumption: drivers and guides per boat", plausible=(1, 4)
    )
    comfortable_load: int = param(
        38,
        "people per boat",
        1,
        200,
        "assumption: load aimed for when boats are plentiful (2021: 28)",
        plausible=(25, 50),
    )
    max_load: int = param(
        85,
        "people per boat",
        1,
        300,
        "press reports of 65-80+ aboard; physical limit of a 10 m dinghy",
        plausible=(65, 110),
    )
    min_load: int = param(
        15, "people per boat", 1, 200, "assumption: not worth launching below this", plausible=(8, 25)
    )
    initial_price_gbp: float = param(
        2_500.0,
        "GBP per person",
        1.0,  # above 0: a network's share of buyers compares its price with this one
        50_000.0,
        "DESIGN.md: 1,500-6,000; plausible range a guess",
        plausible=(2_000.0, 4_000.0),
    )
    price_min_gbp: float = param(
        1_500.0, "GBP per person", 0.0, 50_000.0, "DESIGN.md; plausible range a guess", plausible=(1_000.0, 2_000.0)
    )
    price_max_gbp: float = param(
        6_000.0, "GBP per person", 1.0, 50_000.0, "DESIGN.md; plausible range a guess", plausible=(4_000.0, 9_000.0)
    )
    price_adjust_per_week: float = param(
        0.04,
        "relative change per week",
        0.0,
        1.0,
        "assumption: prices follow scarcity of places",
        plausible=(0.02, 0.08),
    )
    launch_wave_limit_m: float = param(
        0.837,
        "m significant wave height",
        0.0,
        5.0,
        "calibrated (ABC-SMC, data/calibration/2024): posterior median, 5-95% 0.65-1.06; The Times 2023: about 0.5 m",
        plausible=(0.5, 1.1),
    )
    launch_wave_limit_sd_m: float = param(
        0.12, "m", 0.0, 2.0, "assumption: networks differ in risk taking", plausible=(0.06, 0.24)
    )
    winter_wave_margin_m: float = param(
        0.0,
        "m lower wave limit in midwinter (scaled by weather winter weight)",
        0.0,
        2.0,
        "assumption, off by default: cold water and long nights make winter launches rarer than waves alone imply; "
        "an ABC-SMC trial with it free (2,608 runs) left it unconstrained (5-95% 0.03-0.51) and the Dec-Feb "
        "share at 0.17 (observed 0.10), so it is not calibrated",
        plausible=(0.0, 0.6),
    )
    initial_taxi_share: float = param(
        0.3, "share of launches", *PROB, "assumption: taxi boats rose to about 45% by 2025", plausible=(0.15, 0.45)
    )
    taxi_learning_rate: float = param(
        0.05,
        "per prevented launch",
        0.0,
        1.0,
        "assumption: networks copy what gets past patrols",
        plausible=(0.025, 0.1),
    )
    patrol_avoidance: float = param(
        1.0,
        "logit weight on the log chance of launching unprevented from an area",
        0.0,
        50.0,
        "assumption: launches move away from patrols (DESIGN.md: departures shift south-west)",
        plausible=(0.5, 2.0),
    )
    distance_aversion: float = param(
        0.02, "log-odds per km", 0.0, 1.0, "assumption: farther is worse", plausible=(0.01, 0.04)
    )
    stock_target_days: float = param(
        60.0, "days of launches kept in stock or on order", 0.0, 365.0, "assumption", plausible=(30.0, 120.0)
    )
    initial_boats: int = param(4, "boats per network", 0, 10_000, "assumption", plausible=(2, 8))
    flimsy_response: float = param(
        0.5,
        "fall in hull quality per unit share of orders lost to seizures",
        0.0,
        1.0,
        "assumption; Operation Sophia: boat destruction pushed smugglers to flimsier dinghies",
        plausible=(0.25, 1.0),
    )
    recruitment_delay_days: float = param(
        45.0, "days", 0.0, 3_650.0, "assumption: networks regenerate after arrests (NCA)", plausible=(22.5, 90.0)
    )


# -------------------------------------------------------------------------------------------- supply chain
@dataclass
class SupplyNodeConfig:
    days: float = param(5.0, "days spent reaching/leaving this node", 0.0, 365.0, "assumption", plausible=(1.0, 40.0))
    seizure_prob: float = param(0.0, "probability per consignment", *PROB, "assumption", plausible=(0.0, 0.1))


@dataclass
class SupplyChainConfig:
    boats_per_week: float = param(
        23.2,
        "boats per week from makers (Turkey)",
        0.0,
        100_000.0,
        "calibrated (ABC-SMC, data/calibration/2024): posterior median, 5-95% 18.3-32.9",
        plausible=(12.0, 48.0),
    )
    engines_per_week: float = param(
        25.1,
        "engines per week from makers (China)",
        0.0,
        100_000.0,
        "calibrated (ABC-SMC, data/calibration/2024): posterior median (in proportion to boats)",
        plausible=(25.1 * 12.0 / 23.2, 25.1 * 48.0 / 23.2),
    )
    consignment_size: int = param(
        5, "items per lorry/container", 1, 1_000, "assumption: 40 seized ~ lorries", plausible=(2, 10)
    )
    boat_cost_gbp: float = param(
        1_000.0,
        "GBP",
        0.0,
        1_000_000.0,
        "DESIGN.md: about GBP 1,000; plausible range a guess",
        plausible=(500.0, 2_000.0),
    )
    engine_cost_gbp: float = param(1_500.0, "GBP", 0.0, 1_000_000.0, "assumption", plausible=(750.0, 3_000.0))
    boat_quality: float = param(
        0.8, "0-1 (1 = sound hull)", 0.0, 1.0, "assumption: cheap inflatable hulls", plausible=(0.6, 0.95)
    )
    boat_nodes: dict[str, SupplyNodeConfig] = field(default_factory=dict)
    engine_nodes: dict[str, SupplyNodeConfig] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------------ weather
@dataclass
class WeatherConfig:
    wave_winter_m: float = param(
        1.35,
        "m median significant wave height, calmest-day opposite (winter)",
        0.01,  # log-normal waves: a median of 0 has no logarithm
        10.0,
        "Channel climatology; plausible range a guess",
        plausible=(1.1, 1.6),
    )
    wave_summer_m: float = param(
        0.62,
        "m median significant wave height on the calmest day",
        0.01,
        10.0,
        "Channel climatology",
        plausible=(0.5, 0.75),
    )
    wave_log_sd: float = param(
        0.45,
        "log-sd of daily wave height",
        0.0,
        5.0,
        "assumption, calibrated; plausible range a guess",
        plausible=(0.3, 0.65),
    )
    autocorrelation: float = param(
        0.7,
        "lag-1 correlation of daily anomalies",
        0.0,
        0.999,
        "assumption: calm spells last a few days",
        plausible=(0.5, 0.85),
    )
    calmest_day: int = param(200, "day of year", 1, 366, "assumption: calmest mid-July", plausible=(170, 230))
    # A calmest-day median above the winter one turns the seasons round; refused unless asked for explicitly.
    inverted_season: bool = False


# ----------------------------------------------------------------------------------------------- crossing
@dataclass
class CrossingConfig:
    incident_base_prob: float = param(
        0.0198,
        "probability per launch at reference load, calm sea",
        *PROB,
        "calibrated (ABC-SMC, data/calibration/2024): posterior median, 5-95% 0.0074-0.044 (IOM: 77 dead at sea)",
        plausible=(0.005, 0.08),
    )
    reference_load: float = param(
        50.0,
        "people",
        1.0,
        300.0,
        "reference crowding (2024: about 53 people per boat); plausible range a guess",
        plausible=(40.0, 60.0),
    )
    crowding_exponent: float = param(
        1.6,
        "elasticity of incident risk to load",
        0.0,
        10.0,
        "assumption: crush deaths rise with crowding",
        plausible=(0.8, 2.4),
    )
    wave_risk_per_m: float = param(1.5, "log risk per m of waves", 0.0, 20.0, "assumption", plausible=(0.75, 3.0))
    distance_exponent: float = param(
        1.0, "elasticity to crossing distance", 0.0, 5.0, "assumption", plausible=(0.5, 2.0)
    )
    poor_boat_risk: float = param(2.0, "risk multiplier for quality 0", 1.0, 50.0, "assumption", plausible=(1.0, 4.0))
    taxi_boarding_risk: float = param(
        1.4,
        "risk multiplier for taxi-boat launches",
        1.0,
        10.0,
        "assumption: boarding in deep water",
        plausible=(1.0, 2.0),
    )
    mass_casualty_prob: float = param(
        0.1, "share of incidents that are capsizes", *PROB, "IOM 2024: few large incidents", plausible=(0.05, 0.2)
    )
    mass_casualty_fraction: float = param(
        0.18,
        "share of those aboard who die",
        *PROB,
        "Le Portel 3 Sept 2024; plausible range: IOM capsizes 2022-2024 killed 5-20% of those aboard",
        plausible=(0.05, 0.3),
    )
    minor_incident_deaths: float = param(
        1.4,
        "mean deaths, crush or fall",
        1.0,
        50.0,
        "IOM 2024 incidents; plausible range: yearly means 2019-2025 were 1.0-1.4",
        plausible=(1.0, 2.0),
    )
    failure_prob: float = param(
        0.05, "probability a boat fails and returns to France", *PROB, "assumption", plausible=(0.025, 0.1)
    )


# ---------------------------------------------------------------------------------------------- enforcement
@dataclass
class EnforcementConfig:
    beach_officers: float = param(
        800.0, "officers per night", 0.0, 100_000.0, "DESIGN.md: about 800 nightly", plausible=(400.0, 1_200.0)
    )
    beach_area_weights: dict[str, float] = field(default_factory=dict)
    prevention_per_officer_km: float = param(
        0.119,
        "prevention hazard per officer per km of beach",
        0.0,
        100.0,
        "calibrated (ABC-SMC, data/calibration/2024): posterior median, 5-95% 0.061-0.30 (prevention share 0.45)",
        plausible=(0.04, 0.4),
    )
    taxi_prevention_factor: float = param(
        0.35,
        "relative prevention of taxi launches",
        *PROB,
        "assumption: police cannot act at sea",
        plausible=(0.15, 0.6),
    )
    boat_destroyed_when_prevented: float = param(
        0.6, "probability", *PROB, "assumption: boats slashed", plausible=(0.3, 1.0)
    )
    redeploy_rate: float = param(
        0.05,
        "share of officers moved per day towards where launches happen",
        *PROB,
        "assumption",
        plausible=(0.025, 0.1),
    )
    redeploy_weight: float = param(
        0.5,
        "weight of recent launches (vs the standing spread of beach_area_weights) in where officers go",
        *PROB,
        "assumption: deployments follow launches only in part",
        plausible=(0.25, 1.0),
    )
    rescue_vessels: float = param(
        8.0, "vessels on station", 0.0, 1_000.0, "assumption: Border Force + RNLI", plausible=(4.0, 12.0)
    )
    rescue_effect_per_vessel: float = param(
        0.08, "relative fall in fatal incidents per vessel", 0.0, 10.0, "assumption", plausible=(0.04, 0.16)
    )
    interception_per_vessel: float = param(
        0.3,
        "hazard per vessel that an arriving boat is met at sea and its people transferred ashore",
        0.0,
        100.0,
        "assumption: most boats in 2024 were intercepted rather than landing unseen",
        plausible=(0.15, 0.6),
    )
    pilot_arrest_prob: float = param(0.08, "probability per landed boat", *PROB, "assumption", plausible=(0.04, 0.16))
    investigations: float = param(
        80.0, "live NCA investigations", 0.0, 10_000.0, "DESIGN.md: 70-90", plausible=(70.0, 90.0)
    )
    arrest_rate_per_investigation: float = param(
        0.0004,
        "arrests per investigation per network member per day",
        0.0,
        1.0,
        "calibrated loosely (not in the ABC calibration): hundreds of arrests a year; plausible range a guess",
        plausible=(0.0002, 0.0008),
    )
    officer_cost_gbp_per_night: float = param(
        500.0, "GBP", 0.0, 1e6, "assumption: UK contribution to French deployments", plausible=(250.0, 1_000.0)
    )
    vessel_cost_gbp_per_day: float = param(25_000.0, "GBP", 0.0, 1e8, "assumption", plausible=(12_500.0, 50_000.0))
    investigation_cost_gbp_per_day: float = param(3_000.0, "GBP", 0.0, 1e8, "assumption", plausible=(1_500.0, 6_000.0))


# --------------------------------------------------------------------------------------------------- asylum
@dataclass
class AsylumConfig:
    initial_backlog: float = param(
        128_000.0,
        "people awaiting a decision",
        0.0,
        1e7,
        "DESIGN.md: 175,000 (Jun 2023) to 91,000 (Jun 2025)",
        plausible=(91_000.0, 175_000.0),
    )
    other_claims_per_day: float = param(
        150.0,
        "claims per day not from small boats",
        0.0,
        1e6,
        "assumption: Home Office asylum statistics",
        plausible=(100.0, 250.0),
    )
    decisions_per_day: float = param(
        380.0,
        "initial decisions per day",
        0.0,
        1e6,
        "assumption: the backlog fell by about 40,000 a year",
        plausible=(190.0, 760.0),
    )
    hotel_share: float = param(
        0.3,
        "share of backlog in hotels",
        *PROB,
        "DESIGN.md: up to 56,000 in hotels; plausible range: 36,000-56,000 of a 128,000-175,000 backlog",
        plausible=(0.2, 0.45),
    )
    hotel_cost_gbp_per_night: float = param(
        150.0,
        "GBP per person per night",
        0.0,
        10_000.0,
        "DESIGN.md: GBP 5.8m a day for ~36,000; plausible range a guess",
        plausible=(100.0, 200.0),
    )
    refusal_share: float = param(0.4, "share of decisions refused", *PROB, "assumption", plausible=(0.2, 0.7))
    cost_gbp_per_decision: float = param(
        2_500.0,
        "GBP per initial decision",
        0.0,
        1e7,
        "assumption: caseworker time and overheads",
        plausible=(1_250.0, 5_000.0),
    )
    removal_share_of_refused: float = param(
        0.05, "share of refused people removed", *PROB, "assumption: few enforced returns", plausible=(0.025, 0.1)
    )
    # ---- public cost of supporting people awaiting a decision outside hotels (public_cost_gbp)
    support_cost_gbp_per_night: float = param(
        20.0,
        "GBP per person per night outside hotels",
        0.0,
        10_000.0,
        "assumption: dispersal housing plus the weekly allowance for people awaiting a decision, a small fraction"
        " of a hotel night; plausible range half to double",
        plausible=(10.0, 40.0),
    )


# ------------------------------------------------------------------------------------------------- policies
# Each lever is off unless a scenario or `policy=[...]` selects it (configs/policy/NAME.yaml sets enabled: true).
# When off, the 2024 status quo of the enforcement and supply-chain groups applies. See docs/policies.md.
@dataclass
class SeizuresPolicy:
    enabled: bool = False
    rate_turkey: float = param(
        0.0, "added seizure probability per consignment", *PROB, "assumption", plausible=(0.0, 0.2)
    )
    rate_bulgaria: float = param(
        0.25,
        "added seizure probability per consignment",
        *PROB,
        "NCA-Bulgaria: 125 boats, 128 engines seized 2023-24; added rate and plausible range a guess",
        plausible=(0.1, 0.5),
    )
    rate_germany: float = param(
        0.1, "added seizure probability per consignment", *PROB, "assumption", plausible=(0.05, 0.2)
    )
    rate_france_inland: float = param(
        0.1, "added seizure probability per consignment", *PROB, "assumption", plausible=(0.05, 0.2)
    )
    cost_gbp_per_year_per_unit_rate: float = param(
        20_000_000.0,
        "GBP a year to sustain a seizure probability of 1 at one node",
        0.0,
        1e10,
        "assumption: partner-agency teams, intelligence and border checks",
        plausible=(10_000_000.0, 40_000_000.0),
    )
    cost_gbp_per_item_seized: float = param(
        300.0, "GBP per boat or engine", 0.0, 1e6, "assumption: storage, cases", plausible=(150.0, 600.0)
    )


@dataclass
class InternationalPostsPolicy:
    enabled: bool = False
    officers: dict[str, float] = field(default_factory=dict)  # country -> NCA officers posted (see yaml)
    europol_officers: float = param(
        15.0,
        "UK officers at Europol",
        0.0,
        10_000.0,
        "DESIGN.md: UK officers at Europol up 50% in 2024; plausible range a guess",
        plausible=(10.0, 30.0),
    )
    seizure_per_officer: float = param(
        0.06, "seizure hazard per officer at a supply node", 0.0, 10.0, "assumption", plausible=(0.03, 0.12)
    )
    interception_per_officer: float = param(
        0.04, "interception hazard per officer on a route leg", 0.0, 10.0, "assumption", plausible=(0.02, 0.08)
    )
    recruitment_cut_per_officer: float = param(
        0.03,
        "fall in recruitment per officer in a source region (hazard)",
        0.0,
        10.0,
        "assumption",
        plausible=(0.015, 0.06),
    )
    europol_arrest_boost_per_officer: float = param(
        0.02,
        "relative rise in arrests of organisers and financiers per Europol officer",
        0.0,
        10.0,
        "assumption",
        plausible=(0.01, 0.04),
    )
    cost_gbp_per_officer_year: float = param(
        150_000.0,
        "GBP per posted officer a year",
        0.0,
        1e8,
        "assumption: salary, allowances, office",
        plausible=(75_000.0, 300_000.0),
    )


@dataclass
class DeterrencePolicy:
    enabled: bool = False
    capacity_per_year: float = param(
        5_000.0,
        "removals to the third country a year",
        0.0,
        1e7,
        "assumption; UK-Rwanda achieved 4 voluntary",
        plausible=(2_500.0, 10_000.0),
    )
    start_date: str = param("2024-01-01", "ISO date", None, None, "scenario choice")
    announced: bool = True
    operating: bool = True
    announcement_credibility: float = param(
        0.3, "weight of the announced probability before removals are seen", *PROB, "assumption", plausible=(0.15, 0.6)
    )
    response_strength: float = param(
        1.0,
        "log-odds response to perceived removal probability (0 = no effect)",
        0.0,
        20.0,
        "assumption: academic consensus little effect (0-0.5); Home Office break-even needs about 3",
        plausible=(0.0, 3.0),
    )
    memory_days: float = param(
        60.0, "days over which removals are observed", 1.0, 3650.0, "assumption", plausible=(30.0, 120.0)
    )
    cost_gbp_per_removal: float = param(
        169_000.0,
        "GBP per person relocated",
        0.0,
        1e8,
        "Home Office economic impact assessment (2023); plausible range half to double",
        plausible=(85_000.0, 340_000.0),
    )
    fixed_cost_gbp_per_year: float = param(
        120_000_000.0,
        "GBP a year",
        0.0,
        1e11,
        "UK-Rwanda: about GBP 700m over 2022-2024 (NAO); plausible range a guess",
        plausible=(60_000_000.0, 240_000_000.0),
    )


@dataclass
class BeachPatrolsPolicy:
    enabled: bool = False
    officers_per_night: float = param(
        1_200.0, "officers per night", 0.0, 100_000.0, "scenario choice; 2024: ~800", plausible=(600.0, 2_400.0)
    )


@dataclass
class GangDisruptionPolicy:
    enabled: bool = False
    investigations: float = param(
        160.0, "live investigations", 0.0, 100_000.0, "scenario choice; 2024: 70-90", plausible=(80.0, 320.0)
    )
    upper_level_focus: float = param(
        2.0,
        "arrest multiplier for organisers and financiers",
        0.0,
        100.0,
        "assumption: intelligence-led work",
        plausible=(1.0, 4.0),
    )
    start_date: str = param("2024-01-01", "ISO date", None, None, "scenario choice")
    duration_days: int = param(366, "days the campaign lasts", 0, 36_500, "scenario choice", plausible=(180, 730))


@dataclass
class ReturnsPolicy:
    enabled: bool = False
    return_prob_by_nationality: dict[str, float] = field(default_factory=dict)
    one_in_one_out_share: float = param(
        0.026,
        "share of all arrivals returned to France",
        *PROB,
        "DESIGN.md: about 2.6% in its first year; plausible range a guess",
        plausible=(0.013, 0.052),
    )
    capacity_per_year: float = param(10_000.0, "returns a year", 0.0, 1e7, "assumption", plausible=(5_000.0, 20_000.0))
    response_strength: float = param(
        3.0,
        "log-odds response of a nationality to its observed return probability",
        0.0,
        20.0,
        "calibrated loosely on Albanians: 28% to 3% of arrivals after the 2022 deal; plausible range a guess",
        plausible=(1.5, 6.0),
    )
    memory_days: float = param(60.0, "days", 1.0, 3650.0, "assumption", plausible=(30.0, 120.0))
    cost_gbp_per_return: float = param(
        15_000.0, "GBP per person returned", 0.0, 1e8, "assumption", plausible=(7_500.0, 30_000.0)
    )


@dataclass
class SearchAndRescuePolicy:
    enabled: bool = False
    vessels: float = param(
        12.0, "vessels on station", 0.0, 1_000.0, "scenario choice; 2024 baseline 8", plausible=(8.0, 20.0)
    )
    wave_limit_rise_per_vessel_m: float = param(
        0.01,
        "m rise of smugglers' wave limit per vessel above the 2024 level",
        0.0,
        1.0,
        "Deiana, Maheshri and Mastrobuoni (2024): more rescue, worse boats in worse weather; size a guess",
        plausible=(0.005, 0.02),
    )
    quality_drop_per_vessel: float = param(
        0.01,
        "fall in hull quality per vessel above the 2024 level",
        0.0,
        1.0,
        "same source; size a guess",
        plausible=(0.005, 0.02),
    )


@dataclass
class AsylumProcessingPolicy:
    enabled: bool = False
    decisions_per_day: float = param(
        600.0, "initial decisions per day", 0.0, 1e6, "scenario choice; 2024: ~380", plausible=(300.0, 1_200.0)
    )


@dataclass
class PolicyConfig:
    seizures: SeizuresPolicy = field(default_factory=SeizuresPolicy)
    international_posts: InternationalPostsPolicy = field(default_factory=InternationalPostsPolicy)
    deterrence: DeterrencePolicy = field(default_factory=DeterrencePolicy)
    beach_patrols: BeachPatrolsPolicy = field(default_factory=BeachPatrolsPolicy)
    gang_disruption: GangDisruptionPolicy = field(default_factory=GangDisruptionPolicy)
    returns: ReturnsPolicy = field(default_factory=ReturnsPolicy)
    search_and_rescue: SearchAndRescuePolicy = field(default_factory=SearchAndRescuePolicy)
    asylum_processing: AsylumProcessingPolicy = field(default_factory=AsylumProcessingPolicy)


# ------------------------------------------------------------------------------------------------ limits
@dataclass
class LimitsConfig:
    """Resource guard (sim/resources.py): a run whose estimated peak memory or wall time is above these is refused
    before it starts. Run settings, not behaviour: they never change results and are left out of ``config_key``."""

    max_memory_gb: float = param(
        8.0, "GB of estimated peak memory per run", 0.01, 1e6, "run setting: about what a laptop can spare"
    )
    max_minutes: float = param(
        30.0, "minutes of estimated wall time per run", 0.01, 1e7, "run setting: a long coffee break"
    )


# ------------------------------------------------------------------------------------------------- top
@dataclass
class SimConfig:
    scenario: str = param("baseline_2024", "name", None, None, "set by configs/scenario/NAME.yaml")
    seed: int = param(0, "integer", 0, 2**63 - 1, "replicate identifier")
    days: int = param(366, "days simulated after burn-in", 1, 36_500, "2024 is a leap year")
    scale: float = param(1.0, "population multiplier", 1e-6, 1_000.0, "1 = full scale: every person an agent")
    world: WorldConfig = field(default_factory=WorldConfig)
    migration: MigrationConfig = field(default_factory=MigrationConfig)
    smuggling: SmugglingConfig = field(default_factory=SmugglingConfig)
    supply_chain: SupplyChainConfig = field(default_factory=SupplyChainConfig)
    weather: WeatherConfig = field(default_factory=WeatherConfig)
    crossing: CrossingConfig = field(default_factory=CrossingConfig)
    enforcement: EnforcementConfig = field(default_factory=EnforcementConfig)
    asylum: AsylumConfig = field(default_factory=AsylumConfig)
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    limits: LimitsConfig = field(default_factory=LimitsConfig)


# Parameters that must stay ordered (smaller, larger, why). The plausible range of the smaller one ends at or below
# the start of the larger one's, so parameters drawn independently across their plausible ranges keep the order.
ORDERED_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("smuggling.min_load", "smuggling.comfortable_load", "a boat is not launched below min_load"),
    ("smuggling.comfortable_load", "smuggling.max_load", "boats are loaded beyond comfort only when scarce"),
    ("smuggling.price_min_gbp", "smuggling.initial_price_gbp", "prices move within [price_min, price_max]"),
    ("smuggling.initial_price_gbp", "smuggling.price_max_gbp", "prices move within [price_min, price_max]"),
    (
        "weather.wave_summer_m",
        "weather.wave_winter_m",
        "the calmest-day median is below the winter one; set weather.inverted_season=true to turn the seasons round",
    ),
    (
        "smuggling.facilitators_per_launch",
        "smuggling.facilitators_per_network",
        "a network needs a launch team to launch at all",
    ),
)
# The pair that weather.inverted_season=true exempts.
INVERTED_SEASON_PAIR = ("weather.wave_summer_m", "weather.wave_winter_m")


def ordered_pair_problem(values: dict[str, float], inverted_season: bool = False) -> str | None:
    """The first ordered pair that ``values`` (dotted key -> number) breaks, as one line; None if all hold.

    Shared by ``validate`` and by the sweep preflight, which applies it to the values of every combination."""
    for small, large, why in ORDERED_PAIRS:
        if inverted_season and (small, large) == INVERTED_SEASON_PAIR:
            continue
        if small in values and large in values and values[small] > values[large]:
            return (
                f"{small}={_fmt(values[small])} with {large}={_fmt(values[large])}: "
                f"{small.split('.')[-1]} <= {large.split('.')[-1]} required ({why})"
            )
    return None


# ------------------------------------------------------------------------------------------ declarations
@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _dataclass_in(tp: Any) -> type | None:
    """The dataclass a type hint names (``X``, ``X | None``), or None."""
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return tp
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            if isinstance(arg, type) and dataclasses.is_dataclass(arg):
                return arg
    return None


def _is_number_type(tp: Any) -> bool:
    return tp in (int, float)


def _walk(key: str) -> tuple[type, dataclasses.Field] | None:
    """The dataclass and field a dotted key names; dict keys and list indices are skipped (``routes.NAME.legs.N``)."""
    node: type = SimConfig
    parts = key.split(".")
    i = 0
    while i < len(parts):
        f = {f.name: f for f in dataclasses.fields(node)}.get(parts[i])
        if f is None:
            return None
        if i == len(parts) - 1:
            return node, f
        tp = _hints(node)[f.name]
        if typing.get_origin(tp) in (dict, list):
            tp = typing.get_args(tp)[-1]
            i += 1  # skip the mapping key or list index
        nxt = _dataclass_in(tp)
        if nxt is None:
            return None
        node = nxt
        i += 1
    return None


def declared_field(key: str) -> dataclasses.Field:
    """The dataclass field that declares a dotted parameter key, e.g. ``policy.seizures.rate_bulgaria``."""
    found = _walk(key)
    if found is None or "unit" not in found[1].metadata:
        raise ConfigError(f"{key}: not a declared parameter")
    return found[1]


def declared_range(key: str) -> tuple[float | None, float | None]:
    """The declared (validity) range of a parameter: values outside are refused by ``validate``."""
    low, high = declared_field(key).metadata["range"]
    return low, high


def plausible_range(key: str) -> tuple[float, float]:
    """The plausible range of a parameter: what sensitivity analysis sweeps."""
    plausible = declared_field(key).metadata.get("plausible")
    if plausible is None:
        raise ConfigError(f"{key}: no plausible range declared")
    return plausible[0], plausible[1]


def declared_default(key: str) -> float:
    """The dataclass default of a numeric parameter (an int for integer parameters)."""
    value = declared_field(key).default
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{key}: not a numeric parameter (default {value!r})")
    return value


def _numeric_fields(cls: type, prefix: str) -> Iterator[tuple[str, dataclasses.Field]]:
    """Numeric scalar fields below a dataclass, in declaration order, through nested dataclasses (not dict/list)."""
    for f in dataclasses.fields(cls):
        tp = _hints(cls)[f.name]
        sub = _dataclass_in(tp)
        if sub is not None:
            yield from _numeric_fields(sub, f"{prefix}{f.name}.")
        elif "unit" in f.metadata and _is_number_type(tp):
            yield prefix + f.name, f


def plausible_parameters(prefixes: Sequence[str]) -> list[str]:
    """Numeric scalar parameters with a plausible range under the given groups, in declaration order."""
    if isinstance(prefixes, str):
        prefixes = (prefixes,)
    for prefix in prefixes:
        found = _walk(prefix)
        if found is None or _dataclass_in(_hints(found[0])[found[1].name]) is None:
            raise ConfigError(f"{prefix}: not a parameter group")
    return [
        key
        for key, f in _numeric_fields(SimConfig, "")
        if f.metadata.get("plausible") is not None and any(key.startswith(p + ".") for p in prefixes)
    ]


# ---------------------------------------------------------------------------------------------- validation
# Every date a run touches must lie in this span: datetime stops at 9999, and no observed data come before 1900.
FIRST_DATE, LAST_DATE = "1900-01-01", "9999-12-31"


def validate(cfg: SimConfig) -> SimConfig:
    """Check every declared range and the cross-field rules; raise ConfigError with one line."""
    _check_ranges(cfg, "")
    w = cfg.world
    if not w.routes:
        raise ConfigError("world.routes: at least one route is required")
    if not w.launch_areas:
        raise ConfigError("world.launch_areas: at least one launch area is required")
    for name, route in w.routes.items():
        if not route.legs:
            raise ConfigError(f"world.routes.{name}.legs: at least one leg is required")
        for nat, share in route.nationalities.items():
            _check_value(f"world.routes.{name}.nationalities.{nat}", share, (0.0, 1.0))
        if route.nationalities:
            _check_positive_sum(f"world.routes.{name}.nationalities", list(route.nationalities.values()))
    _check_positive_sum("world.routes.*.share", [r.share for r in w.routes.values()])
    _check_positive_sum("world.launch_areas.*.camp_share", [a.camp_share for a in w.launch_areas.values()])
    weights = cfg.enforcement.beach_area_weights
    for area, wgt in weights.items():
        if area not in w.launch_areas:
            raise ConfigError(
                f"enforcement.beach_area_weights.{area}: unknown launch area; allowed: {sorted(w.launch_areas)}"
            )
        _check_value(f"enforcement.beach_area_weights.{area}", wgt, (0.0, None))
    problem = ordered_pair_problem(
        {key: _value(cfg, key) for pair in ORDERED_PAIRS for key in pair[:2]}, cfg.weather.inverted_season
    )
    if problem:
        raise ConfigError(problem)
    for group in ("boat_nodes", "engine_nodes"):
        if not getattr(cfg.supply_chain, group):
            raise ConfigError(f"supply_chain.{group}: at least one node is required")
    _check_run_dates(cfg)
    _check_policies(cfg)
    from sim.resources import check_resources

    check_resources(cfg)
    return cfg


def _value(cfg: Any, key: str) -> Any:
    return functools.reduce(getattr, key.split("."), cfg)


def _check_date(key: str, value: str) -> _dt.date:
    try:
        date = _dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{key}={value!r}: expected an ISO date such as 2024-01-01") from None
    if not FIRST_DATE <= date.isoformat() <= LAST_DATE:
        raise ConfigError(f"{key}={value}: out of range, allowed {FIRST_DATE} to {LAST_DATE}")
    return date


def _check_run_dates(cfg: SimConfig) -> None:
    """The burn-in before the start date and the simulated days after it stay within FIRST_DATE..LAST_DATE."""
    start = _check_date("world.start_date", cfg.world.start_date)
    first = _dt.date.fromisoformat(FIRST_DATE) + _dt.timedelta(days=cfg.world.burn_in_days)
    last = _dt.date.fromisoformat(LAST_DATE) - _dt.timedelta(days=cfg.days - 1)
    if not first <= start <= last:
        raise ConfigError(
            f"world.start_date={cfg.world.start_date}: with world.burn_in_days={cfg.world.burn_in_days} before it "
            f"and days={cfg.days} from it the run leaves {FIRST_DATE} to {LAST_DATE}; allowed start dates "
            f"{first.isoformat()} to {last.isoformat()}"
        )
    for key in ("policy.deterrence.start_date", "policy.gang_disruption.start_date"):
        _check_date(key, _value(cfg, key))


def _check_policies(cfg: SimConfig) -> None:
    from sim.policies.international_posts import POST_COVERAGE

    posts = cfg.policy.international_posts
    for country, officers in posts.officers.items():
        if country not in POST_COVERAGE:
            raise ConfigError(
                f"policy.international_posts.officers.{country}: unknown post; allowed: {', '.join(POST_COVERAGE)}"
            )
        _check_value(f"policy.international_posts.officers.{country}", officers, (0.0, 10_000.0))
    nationalities = {n for r in cfg.world.routes.values() for n in r.nationalities}
    for nat, p in cfg.policy.returns.return_prob_by_nationality.items():
        if nat not in nationalities:
            raise ConfigError(
                f"policy.returns.return_prob_by_nationality.{nat}: unknown nationality; allowed: "
                f"{', '.join(sorted(nationalities))}"
            )
        _check_value(f"policy.returns.return_prob_by_nationality.{nat}", p, (0.0, 1.0))


def _check_positive_sum(key: str, values: list[float]) -> None:
    if sum(values) <= 0:
        raise ConfigError(f"{key}: the shares must not all be zero")


def _check_value(key: str, value: Any, bounds: tuple[float | None, float | None]) -> None:
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{key}={value!r}: expected a number in [{_fmt(low)}, {_fmt(high, 'inf')}]")
    if not math.isfinite(value):  # NaN or infinite: every parameter is a finite number
        raise ConfigError(f"{key}={value}: expected a finite number in [{_fmt(low)}, {_fmt(high, 'inf')}]")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ConfigError(f"{key}={value}: out of range, allowed [{_fmt(low)}, {_fmt(high, 'inf')}]")


def _fmt(x: float | None, missing: str = "-inf") -> str:
    if x is None:
        return missing
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return str(x)


def _check_ranges(node: Any, prefix: str) -> None:
    if dataclasses.is_dataclass(node):
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            key = f"{prefix}{f.name}"
            if "range" in f.metadata and f.metadata["range"] != (None, None):
                _check_value(key, value, f.metadata["range"])
            _check_ranges(value, key + ".")
    elif isinstance(node, dict):
        for k, v in node.items():
            _check_ranges(v, f"{prefix}{k}.")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _check_ranges(v, f"{prefix}{i}.")
