"""Typed configuration: every parameter with its unit, default, plausible range and source.

The dataclasses here are the single declaration of the model's parameters. Hydra's ConfigStore gets them as
schemas (so unknown keys and wrong types are refused), the YAML files under ``configs/`` only pick values, and
``validate`` checks every number against its declared range before any work starts.

Each leaf is declared with ``param(default, unit, low, high, source)``. ``source`` is a citation or the word
"assumption" followed by why the value was chosen; calibrated values say "calibrated" and against what.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from omegaconf import MISSING  # noqa: F401  (re-exported for schemas that need it)

INF = float("inf")


class ConfigError(ValueError):
    """A configuration value that the model refuses, with a one-line message naming key, value and range."""


def param(default: Any, unit: str, low: float | None, high: float | None, source: str) -> Any:
    """Declare a parameter: unit, plausible/allowed range [low, high] and where the value comes from."""
    meta = {"unit": unit, "range": (low, high), "source": source}
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
    days_mean: float = param(7.0, "days", 0.0, 365.0, "assumption: typical reported journey times")
    days_cv: float = param(0.4, "coefficient of variation", 0.0, 3.0, "assumption")
    interception_prob: float = param(
        0.0, "probability per attempt", *PROB, "assumption: push-backs and arrests at this leg"
    )
    pushback_delay_days: float = param(10.0, "days", 0.0, 365.0, "assumption: time before a new attempt")
    capacity_per_day: int = param(0, "people per day (0 = unlimited)", 0, 10_000_000, "assumption")


@dataclass
class RouteConfig:
    """A transit route from a region of origin to the French coast."""

    origin: str = param("", "place", None, None, "route node name")
    share: float = param(0.25, "share of entrants", *PROB, "Home Office nationality mix mapped to routes")
    legs: list[LegConfig] = field(default_factory=list)
    nationalities: dict[str, float] = field(default_factory=dict)


@dataclass
class LaunchAreaConfig:
    """A stretch of the French coast from which boats leave."""

    distance_km: float = param(40.0, "km to the UK landing", 1.0, 300.0, "sea distance to Dover/Dungeness")
    coastline_km: float = param(20.0, "km of beach", 0.1, 200.0, "approximate length of used beaches")
    camp_share: float = param(0.25, "share of people waiting here", *PROB, "reported camp sizes")
    taxi_access: float = param(
        0.5, "share of launches that can use rivers/canals", *PROB, "assumption from the coast's geography"
    )


@dataclass
class WorldConfig:
    start_date: str = param("2024-01-01", "ISO date", None, None, "scenario year")
    burn_in_days: int = param(
        120, "days", 0, 730, "assumption: long enough for transit and camps to reach their steady state"
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
    )
    entry_seasonal_amplitude: float = param(
        0.596,
        "relative amplitude",
        0.0,
        1.0,
        "calibrated (ABC-SMC, data/calibration/2024): posterior median, 5-95% 0.12-0.99",
    )
    entry_peak_day: int = param(
        168, "day of year", 1, 366, "calibrated (ABC-SMC, data/calibration/2024): posterior median, 5-95% 129-233"
    )
    funds_median_gbp: float = param(3_600.0, "GBP", 0.0, 100_000.0, "assumption near reported prices")
    funds_sigma: float = param(0.55, "log-sd", 0.0, 3.0, "assumption")
    daily_savings_gbp: float = param(
        20.0, "GBP per day", 0.0, 1_000.0, "assumption: remittances and informal work while waiting"
    )
    purchase_rate_per_day: float = param(
        0.35, "probability per day", *PROB, "assumption: how fast a person who can pay finds a network"
    )
    give_up_per_day: float = param(
        0.006, "probability per day at the coast", *PROB, "assumption: claim in France, move on"
    )
    give_up_per_failed_attempt: float = param(0.1, "probability per prevented attempt", *PROB, "assumption")
    risk_tolerance_mean: float = param(0.6, "0-1 scale", 0.0, 1.0, "assumption: most people accept high risks to cross")
    death_news_sensitivity: float = param(
        0.1,
        "log-reduction of purchases per (death per 1,000 crossing), for a fully risk-averse person",
        0.0,
        10.0,
        "assumption: how much recent deaths hold back purchases",
    )
    news_memory_days: float = param(21.0, "days", 1.0, 365.0, "assumption: how long news of deaths matters")
    route_switch_prob: float = param(
        0.3,
        "probability that a person pushed back switches to another route from the same origin",
        *PROB,
        "assumption: displacement between routes when one is squeezed",
    )


# ----------------------------------------------------------------------------------------------- smuggling
@dataclass
class SmugglingConfig:
    networks: int = param(20, "networks", 0, 1_000, "assumption near NCA's 70-90 investigations, fewer active")
    organisers_per_network: int = param(2, "people", 1, 100, "assumption")
    facilitators_per_network: int = param(16, "people", 1, 1_000, "assumption: coastal teams, drivers and guides")
    suppliers_per_network: int = param(2, "people", 1, 100, "assumption")
    financiers_per_network: int = param(1, "people", 1, 100, "assumption")
    facilitators_per_launch: int = param(2, "people", 1, 50, "assumption: drivers and guides per boat")
    comfortable_load: int = param(
        38, "people per boat", 1, 200, "assumption: load aimed for when boats are plentiful (2021: 28)"
    )
    max_load: int = param(
        85, "people per boat", 1, 300, "press reports of 65-80+ aboard; physical limit of a 10 m dinghy"
    )
    min_load: int = param(15, "people per boat", 1, 200, "assumption: not worth launching below this")
    initial_price_gbp: float = param(2_500.0, "GBP per person", 0.0, 50_000.0, "DESIGN.md: 1,500-6,000")
    price_min_gbp: float = param(1_500.0, "GBP per person", 0.0, 50_000.0, "DESIGN.md")
    price_max_gbp: float = param(6_000.0, "GBP per person", 0.0, 50_000.0, "DESIGN.md")
    price_adjust_per_week: float = param(
        0.04, "relative change per week", 0.0, 1.0, "assumption: prices follow scarcity of places"
    )
    launch_wave_limit_m: float = param(
        0.837,
        "m significant wave height",
        0.0,
        5.0,
        "calibrated (ABC-SMC, data/calibration/2024): posterior median, 5-95% 0.65-1.06; The Times 2023: about 0.5 m",
    )
    launch_wave_limit_sd_m: float = param(0.12, "m", 0.0, 2.0, "assumption: networks differ in risk taking")
    initial_taxi_share: float = param(
        0.3, "share of launches", *PROB, "assumption: taxi boats rose to about 45% by 2025"
    )
    taxi_learning_rate: float = param(
        0.05, "per prevented launch", 0.0, 1.0, "assumption: networks copy what gets past patrols"
    )
    patrol_avoidance: float = param(
        1.0,
        "logit weight on the log chance of launching unprevented from an area",
        0.0,
        50.0,
        "assumption: launches move away from patrols (DESIGN.md: departures shift south-west)",
    )
    distance_aversion: float = param(0.02, "log-odds per km", 0.0, 1.0, "assumption: farther is worse")
    stock_target_days: float = param(60.0, "days of launches kept in stock or on order", 0.0, 365.0, "assumption")
    initial_boats: int = param(4, "boats per network", 0, 10_000, "assumption")
    flimsy_response: float = param(
        0.5,
        "fall in hull quality per unit share of orders lost to seizures",
        0.0,
        1.0,
        "assumption; Operation Sophia: boat destruction pushed smugglers to flimsier dinghies",
    )
    recruitment_delay_days: float = param(
        45.0, "days", 0.0, 3_650.0, "assumption: networks regenerate after arrests (NCA)"
    )


# -------------------------------------------------------------------------------------------- supply chain
@dataclass
class SupplyNodeConfig:
    days: float = param(5.0, "days spent reaching/leaving this node", 0.0, 365.0, "assumption")
    seizure_prob: float = param(0.0, "probability per consignment", *PROB, "assumption")


@dataclass
class SupplyChainConfig:
    boats_per_week: float = param(
        23.2,
        "boats per week from makers (Turkey)",
        0.0,
        100_000.0,
        "calibrated (ABC-SMC, data/calibration/2024): posterior median, 5-95% 18.3-32.9",
    )
    engines_per_week: float = param(
        25.1,
        "engines per week from makers (China)",
        0.0,
        100_000.0,
        "calibrated (ABC-SMC, data/calibration/2024): posterior median (in proportion to boats)",
    )
    consignment_size: int = param(5, "items per lorry/container", 1, 1_000, "assumption: 40 seized ~ lorries")
    boat_cost_gbp: float = param(1_000.0, "GBP", 0.0, 1_000_000.0, "DESIGN.md: about GBP 1,000")
    engine_cost_gbp: float = param(1_500.0, "GBP", 0.0, 1_000_000.0, "assumption")
    boat_quality: float = param(0.8, "0-1 (1 = sound hull)", 0.0, 1.0, "assumption: cheap inflatable hulls")
    boat_nodes: dict[str, SupplyNodeConfig] = field(default_factory=dict)
    engine_nodes: dict[str, SupplyNodeConfig] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------------ weather
@dataclass
class WeatherConfig:
    wave_winter_m: float = param(
        1.35, "m median significant wave height, calmest-day opposite (winter)", 0.0, 10.0, "Channel climatology"
    )
    wave_summer_m: float = param(
        0.62, "m median significant wave height on the calmest day", 0.0, 10.0, "Channel climatology"
    )
    wave_log_sd: float = param(0.45, "log-sd of daily wave height", 0.0, 5.0, "assumption, calibrated")
    autocorrelation: float = param(
        0.7, "lag-1 correlation of daily anomalies", 0.0, 0.999, "assumption: calm spells last a few days"
    )
    calmest_day: int = param(200, "day of year", 1, 366, "assumption: calmest mid-July")


# ----------------------------------------------------------------------------------------------- crossing
@dataclass
class CrossingConfig:
    incident_base_prob: float = param(
        0.0198,
        "probability per launch at reference load, calm sea",
        *PROB,
        "calibrated (ABC-SMC, data/calibration/2024): posterior median, 5-95% 0.0074-0.044 (IOM: 77 dead at sea)",
    )
    reference_load: float = param(50.0, "people", 1.0, 300.0, "reference crowding")
    crowding_exponent: float = param(
        1.6, "elasticity of incident risk to load", 0.0, 10.0, "assumption: crush deaths rise with crowding"
    )
    wave_risk_per_m: float = param(1.5, "log risk per m of waves", 0.0, 20.0, "assumption")
    distance_exponent: float = param(1.0, "elasticity to crossing distance", 0.0, 5.0, "assumption")
    poor_boat_risk: float = param(2.0, "risk multiplier for quality 0", 1.0, 50.0, "assumption")
    taxi_boarding_risk: float = param(
        1.4, "risk multiplier for taxi-boat launches", 1.0, 10.0, "assumption: boarding in deep water"
    )
    mass_casualty_prob: float = param(
        0.1, "share of incidents that are capsizes", *PROB, "IOM 2024: few large incidents"
    )
    mass_casualty_fraction: float = param(0.18, "share of those aboard who die", *PROB, "Le Portel 3 Sept 2024")
    minor_incident_deaths: float = param(1.4, "mean deaths, crush or fall", 1.0, 50.0, "IOM 2024 incidents")
    failure_prob: float = param(0.05, "probability a boat fails and returns to France", *PROB, "assumption")
    speed_kmh: float = param(6.0, "km per hour", 0.1, 100.0, "assumption: overloaded dinghy")


# ---------------------------------------------------------------------------------------------- enforcement
@dataclass
class EnforcementConfig:
    beach_officers: float = param(800.0, "officers per night", 0.0, 100_000.0, "DESIGN.md: about 800 nightly")
    beach_area_weights: dict[str, float] = field(default_factory=dict)
    prevention_per_officer_km: float = param(
        0.119,
        "prevention hazard per officer per km of beach",
        0.0,
        100.0,
        "calibrated (ABC-SMC, data/calibration/2024): posterior median, 5-95% 0.061-0.30 (prevention share 0.45)",
    )
    taxi_prevention_factor: float = param(
        0.35, "relative prevention of taxi launches", *PROB, "assumption: police cannot act at sea"
    )
    boat_destroyed_when_prevented: float = param(0.6, "probability", *PROB, "assumption: boats slashed")
    redeploy_rate: float = param(
        0.05, "share of officers moved per day towards where launches happen", *PROB, "assumption"
    )
    redeploy_weight: float = param(
        0.5,
        "weight of recent launches (vs the standing spread of beach_area_weights) in where officers go",
        *PROB,
        "assumption: deployments follow launches only in part",
    )
    rescue_vessels: float = param(8.0, "vessels on station", 0.0, 1_000.0, "assumption: Border Force + RNLI")
    rescue_effect_per_vessel: float = param(
        0.08, "relative fall in fatal incidents per vessel", 0.0, 10.0, "assumption"
    )
    interception_per_vessel: float = param(
        0.3,
        "hazard per vessel that an arriving boat is met at sea and its people transferred ashore",
        0.0,
        100.0,
        "assumption: most boats in 2024 were intercepted rather than landing unseen",
    )
    pilot_arrest_prob: float = param(0.08, "probability per landed boat", *PROB, "assumption")
    investigations: float = param(80.0, "live NCA investigations", 0.0, 10_000.0, "DESIGN.md: 70-90")
    arrest_rate_per_investigation: float = param(
        0.0004, "arrests per investigation per network member per day", 0.0, 1.0, "calibrated: hundreds a year"
    )
    officer_cost_gbp_per_night: float = param(
        500.0, "GBP", 0.0, 1e6, "assumption: UK contribution to French deployments"
    )
    vessel_cost_gbp_per_day: float = param(25_000.0, "GBP", 0.0, 1e8, "assumption")
    investigation_cost_gbp_per_day: float = param(3_000.0, "GBP", 0.0, 1e8, "assumption")


# --------------------------------------------------------------------------------------------------- asylum
@dataclass
class AsylumConfig:
    initial_backlog: float = param(
        128_000.0, "people awaiting a decision", 0.0, 1e7, "DESIGN.md: 175,000 (Jun 2023) to 91,000 (Jun 2025)"
    )
    other_claims_per_day: float = param(
        150.0, "claims per day not from small boats", 0.0, 1e6, "assumption: Home Office asylum statistics"
    )
    decisions_per_day: float = param(
        380.0, "initial decisions per day", 0.0, 1e6, "assumption: the backlog fell by about 40,000 a year"
    )
    hotel_share: float = param(0.3, "share of backlog in hotels", *PROB, "DESIGN.md: up to 56,000 in hotels")
    hotel_cost_gbp_per_night: float = param(
        150.0, "GBP per person per night", 0.0, 10_000.0, "DESIGN.md: GBP 5.8m a day for ~36,000"
    )
    refusal_share: float = param(0.4, "share of decisions refused", *PROB, "assumption")
    cost_gbp_per_decision: float = param(
        2_500.0, "GBP per initial decision", 0.0, 1e7, "assumption: caseworker time and overheads"
    )
    removal_share_of_refused: float = param(
        0.05, "share of refused people removed", *PROB, "assumption: few enforced returns"
    )


# ------------------------------------------------------------------------------------------------- policies
# Each lever is off unless a scenario or `policy=[...]` selects it (configs/policy/NAME.yaml sets enabled: true).
# When off, the 2024 status quo of the enforcement and supply-chain groups applies. See docs/policies.md.
@dataclass
class SeizuresPolicy:
    enabled: bool = False
    rate_turkey: float = param(0.0, "added seizure probability per consignment", *PROB, "assumption")
    rate_bulgaria: float = param(
        0.25, "added seizure probability per consignment", *PROB, "NCA-Bulgaria: 125 boats, 128 engines seized 2023-24"
    )
    rate_germany: float = param(0.1, "added seizure probability per consignment", *PROB, "assumption")
    rate_france_inland: float = param(0.1, "added seizure probability per consignment", *PROB, "assumption")
    cost_gbp_per_year_per_unit_rate: float = param(
        20_000_000.0,
        "GBP a year to sustain a seizure probability of 1 at one node",
        0.0,
        1e10,
        "assumption: partner-agency teams, intelligence and border checks",
    )
    cost_gbp_per_item_seized: float = param(300.0, "GBP per boat or engine", 0.0, 1e6, "assumption: storage, cases")


@dataclass
class InternationalPostsPolicy:
    enabled: bool = False
    officers: dict[str, float] = field(default_factory=dict)  # country -> NCA officers posted (see yaml)
    europol_officers: float = param(
        15.0, "UK officers at Europol", 0.0, 10_000.0, "DESIGN.md: UK officers at Europol up 50% in 2024"
    )
    seizure_per_officer: float = param(0.06, "seizure hazard per officer at a supply node", 0.0, 10.0, "assumption")
    interception_per_officer: float = param(
        0.04, "interception hazard per officer on a route leg", 0.0, 10.0, "assumption"
    )
    recruitment_cut_per_officer: float = param(
        0.03, "fall in recruitment per officer in a source region (hazard)", 0.0, 10.0, "assumption"
    )
    europol_arrest_boost_per_officer: float = param(
        0.02, "relative rise in arrests of organisers and financiers per Europol officer", 0.0, 10.0, "assumption"
    )
    cost_gbp_per_officer_year: float = param(
        150_000.0, "GBP per posted officer a year", 0.0, 1e8, "assumption: salary, allowances, office"
    )


@dataclass
class DeterrencePolicy:
    enabled: bool = False
    capacity_per_year: float = param(
        5_000.0, "removals to the third country a year", 0.0, 1e7, "assumption; UK-Rwanda achieved 4 voluntary"
    )
    start_date: str = param("2024-01-01", "ISO date", None, None, "scenario choice")
    announced: bool = True
    operating: bool = True
    announcement_credibility: float = param(
        0.3, "weight of the announced probability before removals are seen", *PROB, "assumption"
    )
    response_strength: float = param(
        1.0,
        "log-odds response to perceived removal probability (0 = no effect)",
        0.0,
        20.0,
        "assumption: academic consensus little effect (0-0.5); Home Office break-even needs about 3",
    )
    memory_days: float = param(60.0, "days over which removals are observed", 1.0, 3650.0, "assumption")
    cost_gbp_per_removal: float = param(
        169_000.0, "GBP per person relocated", 0.0, 1e8, "Home Office economic impact assessment (2023)"
    )
    fixed_cost_gbp_per_year: float = param(
        120_000_000.0, "GBP a year", 0.0, 1e11, "UK-Rwanda: about GBP 700m over 2022-2024 (NAO)"
    )


@dataclass
class BeachPatrolsPolicy:
    enabled: bool = False
    officers_per_night: float = param(1_200.0, "officers per night", 0.0, 100_000.0, "scenario choice; 2024: ~800")


@dataclass
class GangDisruptionPolicy:
    enabled: bool = False
    investigations: float = param(160.0, "live investigations", 0.0, 100_000.0, "scenario choice; 2024: 70-90")
    upper_level_focus: float = param(
        2.0, "arrest multiplier for organisers and financiers", 0.0, 100.0, "assumption: intelligence-led work"
    )
    start_date: str = param("2024-01-01", "ISO date", None, None, "scenario choice")
    duration_days: int = param(366, "days the campaign lasts", 0, 36_500, "scenario choice")


@dataclass
class ReturnsPolicy:
    enabled: bool = False
    return_prob_by_nationality: dict[str, float] = field(default_factory=dict)
    one_in_one_out_share: float = param(
        0.026, "share of all arrivals returned to France", *PROB, "DESIGN.md: about 2.6% in its first year"
    )
    capacity_per_year: float = param(10_000.0, "returns a year", 0.0, 1e7, "assumption")
    response_strength: float = param(
        3.0,
        "log-odds response of a nationality to its observed return probability",
        0.0,
        20.0,
        "calibrated loosely on Albanians: 28% to 3% of arrivals after the 2022 deal",
    )
    memory_days: float = param(60.0, "days", 1.0, 3650.0, "assumption")
    cost_gbp_per_return: float = param(15_000.0, "GBP per person returned", 0.0, 1e8, "assumption")


@dataclass
class SearchAndRescuePolicy:
    enabled: bool = False
    vessels: float = param(12.0, "vessels on station", 0.0, 1_000.0, "scenario choice; 2024 baseline 8")
    wave_limit_rise_per_vessel_m: float = param(
        0.01,
        "m rise of smugglers' wave limit per vessel above the 2024 level",
        0.0,
        1.0,
        "Deiana, Maheshri and Mastrobuoni (2024): more rescue, worse boats in worse weather",
    )
    quality_drop_per_vessel: float = param(
        0.01, "fall in hull quality per vessel above the 2024 level", 0.0, 1.0, "same source; size a guess"
    )


@dataclass
class AsylumProcessingPolicy:
    enabled: bool = False
    decisions_per_day: float = param(600.0, "initial decisions per day", 0.0, 1e6, "scenario choice; 2024: ~380")


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


# ---------------------------------------------------------------------------------------------- validation
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
    _check_positive_sum("world.routes.*.share", [r.share for r in w.routes.values()])
    _check_positive_sum("world.launch_areas.*.camp_share", [a.camp_share for a in w.launch_areas.values()])
    weights = cfg.enforcement.beach_area_weights
    for area, wgt in weights.items():
        if area not in w.launch_areas:
            raise ConfigError(
                f"enforcement.beach_area_weights.{area}: unknown launch area; allowed: {sorted(w.launch_areas)}"
            )
        _check_value(f"enforcement.beach_area_weights.{area}", wgt, (0.0, INF))
    s = cfg.smuggling
    if not s.min_load <= s.comfortable_load <= s.max_load:
        raise ConfigError(
            f"smuggling.min_load <= comfortable_load <= max_load required; got {s.min_load}, "
            f"{s.comfortable_load}, {s.max_load}"
        )
    if not s.price_min_gbp <= s.initial_price_gbp <= s.price_max_gbp:
        raise ConfigError(
            f"smuggling.initial_price_gbp={s.initial_price_gbp} must lie in "
            f"[price_min_gbp={s.price_min_gbp}, price_max_gbp={s.price_max_gbp}]"
        )
    for group in ("boat_nodes", "engine_nodes"):
        if not getattr(cfg.supply_chain, group):
            raise ConfigError(f"supply_chain.{group}: at least one node is required")
    for key, value in (
        ("world.start_date", w.start_date),
        ("policy.deterrence.start_date", cfg.policy.deterrence.start_date),
        ("policy.gang_disruption.start_date", cfg.policy.gang_disruption.start_date),
    ):
        _check_date(key, value)
    _check_policies(cfg)
    return cfg


def _check_date(key: str, value: str) -> None:
    import datetime as _dt

    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{key}={value!r}: expected an ISO date such as 2024-01-01") from None


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
        raise ConfigError(f"{key}={value!r}: expected a number in [{low}, {high}]")
    if value != value:  # NaN
        raise ConfigError(f"{key}=nan: expected a number in [{low}, {high}]")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ConfigError(f"{key}={value}: out of range, allowed [{_fmt(low)}, {_fmt(high)}]")


def _fmt(x: float | None) -> str:
    if x is None:
        return "-inf"
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
