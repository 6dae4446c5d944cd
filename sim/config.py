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
        "median of a retired fit to 2024 (unused: runs scale the fitted yearly levels instead, "
        "migration.yearly_entrants_scale, calibrated on 2021-2023)",
        plausible=(30_000.0, 90_000.0),
    )
    entry_seasonal_amplitude: float = param(
        0.596,
        "relative amplitude",
        0.0,
        1.0,
        "declared default = median of a retired fit to 2024; runs take the 2021-2023 posterior's median "
        "(data/calibration/history); the retired fit's 5-95% 0.12-0.99",
        plausible=(0.0, 1.0),
    )
    entry_peak_day: int = param(
        168,
        "day of year",
        1,
        366,
        "declared default = median of a retired fit to 2024; runs take the 2021-2023 posterior's median "
        "(data/calibration/history); the retired fit's 5-95% 129-233",
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
    # Waiting on the coast (sim/migrants.py): costs, and leaving for the outside options.
    living_cost_gbp_per_day: float = param(
        15.0,
        "GBP spent per day waiting (food, phone, transport)",
        0.0,
        1_000.0,
        "assumption: aid groups report camp residents living on a few pounds to GBP 20 a day",
        plausible=(5.0, 30.0),
    )
    winter_living_cost_gbp_per_day: float = param(
        10.0,
        "extra GBP per day in midwinter (shelter, warmth; scaled by weather winter weight)",
        0.0,
        1_000.0,
        "assumption",
        plausible=(0.0, 20.0),
    )
    cold_leave_factor: float = param(
        1.5,
        "relative rise of the daily chance of leaving the coast in midwinter (scaled by weather winter weight)",
        0.0,
        20.0,
        "assumption: evictions and cold empty the camps in winter (aid groups); 1.5 = 2.5 times the summer rate",
        plausible=(0.5, 3.0),
    )
    wait_leave_per_month: float = param(
        0.2,
        "relative rise of the daily chance of leaving per month already waited",
        0.0,
        10.0,
        "assumption: the longer the wait, the more people turn to the outside options",
        plausible=(0.05, 0.5),
    )
    short_of_price_leave_factor: float = param(
        1.0,
        "relative rise of the daily chance of leaving for someone with no money towards the going price (scaled by "
        "the share of the price their funds do not cover)",
        0.0,
        20.0,
        "assumption: people whose savings run out before they can pay turn to lorries, asylum in France or move on "
        "(aid groups); no count of them exists for 2021-2023",
        plausible=(0.0, 3.0),
    )
    lorry_share_of_leavers: float = param(
        0.25,
        "share of people leaving the coast who try lorries instead",
        *PROB,
        "assumption: clandestine lorry entries continued alongside small boats",
        plausible=(0.1, 0.4),
    )
    asylum_france_share_of_leavers: float = param(
        0.35,
        "share of people leaving the coast who claim asylum in France (the rest move on)",
        *PROB,
        "assumption",
        plausible=(0.2, 0.5),
    )
    # Demand over several years (sim/demand.py; scenario history_2021_2025). Empty: annual_entrants every year.
    yearly_entrants: dict[str, float] = field(default_factory=dict)  # year -> latent level, people a year (fitted)
    yearly_entrants_scale: float = param(
        1.0,
        "multiplier on every yearly_entrants level (and so on the walk that starts from the last)",
        0.0,
        10.0,
        "calibrated in history runs (python -m sim.calibrate --window 2021-2023, data/calibration/history): one "
        "scale on the demand_fit levels, which keeps their year-to-year shape; 1 elsewhere. Plausible range: "
        "assumption (the levels were fitted with the other parameters at older values)",
        plausible=(0.6, 1.6),
    )
    entrants_walk_sd: float = param(
        0.5,
        "log-sd of the yearly step of the latent demand level after the last fitted year (random walk)",
        0.0,
        3.0,
        "fitted: root mean square of the year-on-year log changes of the fitted 2021-2023 levels (+0.53, -0.46; "
        "docs/calibration.md), a spread from three years; nothing from 2024-2025",
        plausible=(0.25, 0.75),
    )
    # Nationality -> weight on the chance an entrant is of that nationality (1 = the route mix); dated changes come
    # from the timeline (sim/timeline.py), e.g. Albanians before and after the December 2022 returns deal.
    nationality_weight: dict[str, float] = field(default_factory=dict)


@dataclass
class NetworkResponseConfig:
    """How a network answers arrests and seizures: replacement, shared suppliers and financiers, splitting, moving,
    price rises, and rivals absorbing its customers (sim/smugglers.py)."""

    upper_replacement_factor: float = param(
        2.0,
        "times smuggling.recruitment_delay_days to replace an organiser, supplier or financier",
        1.0,
        100.0,
        "assumption: trusted upper roles take longer to fill than coastal crews (NCA: networks regenerate)",
        plausible=(1.0, 4.0),
    )
    clients_per_supplier: float = param(
        3.0,
        "networks one boat and engine supplier serves",
        1.0,
        100.0,
        "assumption: a few brokers (Germany, Turkey) supply many Channel networks (NCA-Bulgaria cases)",
        plausible=(1.0, 6.0),
    )
    clients_per_financier: float = param(
        4.0,
        "networks one financier (hawala banker) serves",
        1.0,
        100.0,
        "assumption: hawala bankers hold the money of several networks",
        plausible=(1.0, 8.0),
    )
    split_prob: float = param(
        0.3,
        "probability that a network whose organisers are all arrested splits: crews under a promoted organiser form "
        "a new network",
        *PROB,
        "assumption; interdiction fragments and spreads networks (Magliocca et al., PNAS 2019)",
        plausible=(0.0, 0.6),
    )
    move_prob: float = param(
        0.5,
        "probability that a network moves its home launch area after a coordinated action against it",
        *PROB,
        "assumption; displacement of networks after interdiction (Magliocca et al., PNAS 2019)",
        plausible=(0.2, 0.8),
    )
    intel_kept_on_move: float = param(
        0.5,
        "share of the intelligence picture of a network that survives its move",
        *PROB,
        "assumption: new phones, new safe houses, new beaches",
        plausible=(0.25, 0.9),
    )
    price_rise_after_action: float = param(
        0.05,
        "relative price rise after a coordinated action (risk premium)",
        0.0,
        2.0,
        "assumption: enforcement raises smugglers' costs and prices (Reuter's risks-and-prices model)",
        plausible=(0.0, 0.15),
    )
    absorption_days: float = param(
        14.0,
        "days a network can neither sell nor launch before rivals take over its customers",
        0.0,
        365.0,
        "assumption: people holding a place move to another network when theirs stops operating",
        plausible=(7.0, 30.0),
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
        "assumption: load aimed for when boats are plentiful and a launch costs what it did at the start (a boat and "
        "an engine at base cost, half of beach launches stopped, the initial price); each network's own follows the "
        "cost of a launch (load_cost_elasticity) and the rescue cover it knows of",
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
        "docs/design.md: 1,500-6,000; plausible range a guess",
        plausible=(2_000.0, 4_000.0),
    )
    price_min_gbp: float = param(
        1_500.0,
        "GBP per person",
        0.0,
        50_000.0,
        "docs/design.md; plausible range a guess",
        plausible=(1_000.0, 2_000.0),
    )
    price_max_gbp: float = param(
        6_000.0,
        "GBP per person",
        1.0,
        50_000.0,
        "docs/design.md; plausible range a guess",
        plausible=(4_000.0, 9_000.0),
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
        "declared default = median of a retired fit to 2024; runs take the 2021-2023 posterior's median "
        "(data/calibration/history); the retired fit's 5-95% 0.65-1.06; The Times 2023: about 0.5 m",
        plausible=(0.5, 1.1),
    )
    launch_wave_limit_sd_m: float = param(
        0.12, "m", 0.0, 2.0, "assumption: networks differ in risk taking", plausible=(0.06, 0.24)
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
        "assumption: launches move away from patrols (docs/design.md: departures shift south-west)",
        plausible=(0.5, 2.0),
    )
    distance_aversion: float = param(
        0.02, "log-odds per km", 0.0, 1.0, "assumption: farther is worse", plausible=(0.01, 0.04)
    )
    stock_target_days: float = param(
        60.0, "days of launches kept in stock or on order", 0.0, 365.0, "assumption", plausible=(30.0, 120.0)
    )
    initial_boats: int = param(4, "boats per network", 0, 10_000, "assumption", plausible=(2, 8))
    loss_anticipation: float = param(
        0.5,
        "share of its recent rate of consignments lost to seizures that a network orders on top of its need",
        0.0,
        1.0,
        "assumption: inventory practice under known losses (order need / (1 - expected loss)); 0 = replace only "
        "after a loss, 1 = expect the full recent loss rate; a contested assumption (docs/policies.md)",
        plausible=(0.0, 1.0),
    )
    load_cost_elasticity: float = param(
        0.4,
        "elasticity of the load a network aims for to the cost of a successful launch in places sold "
        "(boat and engine at the makers' prices over the chance a launch gets away, over its price per place)",
        0.0,
        2.0,
        "assumption from the network's choice of boats for N customers: with a risk to revenue rising as load^k, "
        "the best load grows as (cost/price)^(1/(k+1)); k = 1.5 gives 0.4; calibrated on 2021-2023 (people per boat "
        "27.6, 41.2, 48.9)",
        plausible=(0.0, 0.8),
    )
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
    # Launch decisions (sim/smugglers.py): a season-dependent expected loss, and what one network can do in a night.
    season_loss_weight: float = param(
        0.3,
        "weight networks give to the cold-water rise in the risk of losing a boat (crossing.cold_water_risk)",
        0.0,
        5.0,
        "chosen on the 2021-2023 seasonal pattern: with 0.3 the default year's Dec-Feb and Jun-Oct shares of "
        "arrivals are the 2021-2023 average (0.096, 0.625; 0.6 gives 0.063, 0.70; 1 gives 0.027, 0.79; 6 seeds at "
        "half scale); networks weigh the cold well below its effect on deaths",
        plausible=(0.1, 1.0),
    )
    launches_per_night: int = param(
        2,
        "boats one network can put in the water in one night (crews, vehicles, beaches within reach)",
        1,
        100,
        "assumption sized on 2021-2023 (data/small_boats_daily_2018_2023.csv): at most 36 boats arrived in a day "
        "(2021), 27 (2022) and 15 (2023), with about 20 networks",
        plausible=(1, 4),
    )
    queue_clear_nights: float = param(
        3.0,
        "calm nights over which a network plans to clear its queue (loads rise when its launch slots cannot)",
        1.0,
        60.0,
        "assumption: customers who wait too long go to a rival or give up",
        plausible=(1.5, 6.0),
    )
    fill_wait_days: float = param(
        5.0,
        "days a network waits to fill a boat before sending it part-full (at least min_load aboard)",
        0.0,
        60.0,
        "assumption: networks launch full boats and make the first customers wait a few days",
        plausible=(2.0, 10.0),
    )
    # -- network responses to enforcement (issue 14; sim/smugglers.py, "arrests and responses") --
    response: NetworkResponseConfig = field(default_factory=lambda: NetworkResponseConfig())


# -------------------------------------------------------------------------------------------- supply chain
@dataclass
class SupplyNodeConfig:
    days: float = param(5.0, "days spent reaching/leaving this node", 0.0, 365.0, "assumption", plausible=(1.0, 40.0))
    seizure_prob: float = param(0.0, "probability per consignment", *PROB, "assumption", plausible=(0.0, 0.1))


@dataclass
class CorridorConfig:
    """An alternative way from makers to the coast (e.g. through Romania and Austria, or buying inside the EU)."""

    extra_cost_gbp: float = param(
        300.0,
        "GBP per item on top of the maker's price (longer haul, middlemen)",
        0.0,
        1e6,
        "assumption (configs/supply_chain/)",
        plausible=(0.0, 2_000.0),
    )
    nodes: dict[str, SupplyNodeConfig] = field(default_factory=dict)


@dataclass
class SupplyChainConfig:
    boats_per_week: float = param(
        23.2,
        "boats per week from makers (Turkey)",
        0.0,
        100_000.0,
        "declared default = median of a retired fit to 2024; runs take the 2021-2023 posterior's median "
        "(data/calibration/history); the retired fit's 5-95% 18.3-32.9",
        plausible=(12.0, 48.0),
    )
    engines_per_week: float = param(
        25.1,
        "engines per week from makers (China)",
        0.0,
        100_000.0,
        "declared default = median of a retired fit to 2024; runs take the 2021-2023 posterior's median "
        "(data/calibration/history); in proportion to boats",
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
        "docs/design.md: about GBP 1,000; plausible range a guess",
        plausible=(500.0, 2_000.0),
    )
    engine_cost_gbp: float = param(1_500.0, "GBP", 0.0, 1_000_000.0, "assumption", plausible=(750.0, 3_000.0))
    boat_quality: float = param(
        0.8, "0-1 (1 = sound hull)", 0.0, 1.0, "assumption: cheap inflatable hulls", plausible=(0.6, 0.95)
    )
    boat_nodes: dict[str, SupplyNodeConfig] = field(default_factory=dict)
    engine_nodes: dict[str, SupplyNodeConfig] = field(default_factory=dict)
    # The boat and engine market (sim/supply_chain.py). market=false: fixed output, fixed prices, one corridor.
    market: bool = True
    boat_corridors: dict[str, CorridorConfig] = field(default_factory=dict)  # alternatives to boat_nodes
    engine_corridors: dict[str, CorridorConfig] = field(default_factory=dict)  # alternatives to engine_nodes
    boats_per_week_min: float = param(
        5.0,
        "least boats per week makers keep producing for the Channel (full scale)",
        0.0,
        100_000.0,
        "assumption: some output continues without orders; plausible range a guess",
        plausible=(0.0, 10.0),
    )
    boats_per_week_max: float = param(
        120.0,
        "most boats per week makers can produce for the Channel (full scale)",
        0.0,
        100_000.0,
        "assumption: Turkish and Chinese inflatable makers serve far larger markets; 2022 needed about 25-30 a week",
        plausible=(60.0, 240.0),
    )
    engines_per_week_min: float = param(
        5.0, "least engines per week (full scale)", 0.0, 100_000.0, "assumption, as boats", plausible=(0.0, 10.0)
    )
    engines_per_week_max: float = param(
        120.0, "most engines per week (full scale)", 0.0, 100_000.0, "assumption, as boats", plausible=(60.0, 240.0)
    )
    capacity_lead_days: float = param(
        60.0,
        "days for makers' output to close half the gap to the orders they receive",
        1.0,
        3_650.0,
        "assumption: hiring, materials and shipping slots take weeks to months",
        plausible=(30.0, 120.0),
    )
    price_elasticity: float = param(
        0.5,
        "elasticity of a maker's unit price to its order book in weeks of output, above the normal book",
        0.0,
        10.0,
        "assumption: sourcing became 'more difficult and costlier' as seizures grew (docs/design.md)",
        plausible=(0.25, 1.0),
    )
    normal_order_weeks: float = param(
        2.0,
        "order book, in weeks of output, at which makers charge their base price",
        0.1,
        52.0,
        "assumption",
        plausible=(1.0, 4.0),
    )
    max_price_multiple: float = param(
        4.0, "cap on a unit price over its base cost", 1.0, 100.0, "assumption", plausible=(2.0, 8.0)
    )
    reroute_sensitivity: float = param(
        8.0,
        "logit weight on the log expected cost per item delivered when a network picks a corridor",
        0.0,
        100.0,
        "assumption: smugglers move to the cheapest corridor that gets through, but not all at once",
        plausible=(4.0, 16.0),
    )
    loss_memory_consignments: float = param(
        10.0,
        "consignments over which a network remembers a corridor's losses",
        1.0,
        1_000.0,
        "assumption",
        plausible=(5.0, 20.0),
    )
    credit_per_financier_gbp: float = param(
        50_000.0,
        "GBP a network can run into debt per financier to pay makers",
        0.0,
        1e9,
        "assumption: hawala and organisers' capital; plausible range a guess",
        plausible=(25_000.0, 100_000.0),
    )
    season_anticipation: float = param(
        1.0,
        "weight of the coming calm season in a network's stock target (0: order for recent launches only)",
        0.0,
        5.0,
        "assumption: networks build stock ahead of the summer (boats found stockpiled inland in spring)",
        plausible=(0.5, 2.0),
    )


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
    coldest_water_day: int = param(
        60,
        "day of year the Channel is coldest",
        1,
        366,
        "Channel sea-surface temperature climatology: minimum about 7-8 C in late February to early March, maximum "
        "about 17-18 C in late August",
        plausible=(40, 80),
    )


# ----------------------------------------------------------------------------------------------- crossing
@dataclass
class CrossingConfig:
    incident_base_prob: float = param(
        0.0070,
        "probability per launch of a fatal capsize at reference load, calm sea, 40 km, sound hull, warm water",
        *PROB,
        "fitted on the pooled IOM list (sim/evidence/incidents.py): 29 fatal incidents at sea in 2019-2023 over "
        "3,551 boats arrived (0.0082 a boat), matched by the expected capsizes per boat launched in the 2022 and "
        "2023 back-casts (0.0081; 4 seeds at half scale); was 0.0198, calibrated on 2024 deaths",
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
        "elasticity of the capsize risk to load",
        0.0,
        10.0,
        "assumption: overloaded inflatables buckle and sink more often (crushes: crossing.crush_*)",
        plausible=(0.8, 2.4),
    )
    wave_risk_per_m: float = param(1.5, "log risk per m of waves", 0.0, 20.0, "assumption", plausible=(0.75, 3.0))
    distance_exponent: float = param(
        1.0, "elasticity to crossing distance", 0.0, 5.0, "assumption", plausible=(0.5, 2.0)
    )
    poor_boat_risk: float = param(2.0, "risk multiplier for quality 0", 1.0, 50.0, "assumption", plausible=(1.0, 4.0))
    taxi_boarding_risk: float = param(
        1.4,
        "crush-risk multiplier for taxi-boat launches",
        1.0,
        10.0,
        "assumption: people wading out and climbing aboard in deep water crowd and crush each other",
        plausible=(1.0, 2.0),
    )
    mass_casualty_prob: float = param(
        0.138,
        "share of fatal capsizes with many in the water",
        *PROB,
        "fitted (sim/evidence/incidents.py): IOM incidents at sea 2019-2023 with 4+ dead and missing, 4 of 29",
        plausible=(0.05, 0.2),
    )
    mass_casualty_fraction: float = param(
        0.283,
        "share of those aboard who die",
        *PROB,
        "fitted (sim/evidence/incidents.py): dead and missing over people aboard in the IOM mass incidents of "
        "2019-2023 (45 of 159); plausible range: single incidents 0.09-0.93",
        plausible=(0.05, 0.3),
    )
    minor_incident_deaths: float = param(
        1.32,
        "mean deaths in a smaller fatal incident (people lost overboard, found drowned)",
        1.0,
        50.0,
        "fitted (sim/evidence/incidents.py): IOM incidents at sea 2019-2023 with 1-3 dead, 33 in 25",
        plausible=(1.0, 2.0),
    )
    failure_prob: float = param(
        0.05, "probability a boat fails and returns to France", *PROB, "assumption", plausible=(0.025, 0.1)
    )
    # Two kinds of death (sim/crossing.py): capsizes in cold water, and crush or asphyxia in overcrowded boats.
    cold_water_risk: float = param(
        1.0,
        "relative rise of the fatal-capsize hazard when the sea is coldest (scaled by the water-cold weight, "
        "weather.coldest_water_day)",
        0.0,
        10.0,
        "assumption: Channel water about 7-8 C in late February against 17-18 C in August; survival in the water "
        "falls from many hours to one to three, and winter nights are twice as long",
        plausible=(0.5, 2.0),
    )
    design_capacity: float = param(
        60.0,
        "people a boat is built to carry",
        1.0,
        300.0,
        "assumption: 10-12 m inflatables of 2023-2025; constrained by the absence of crush deaths at sea in the IOM "
        "list before 2024, when loads averaged 28-49 (data/annual_reference.csv)",
        plausible=(50.0, 75.0),
    )
    crush_hazard_at_double: float = param(
        0.1,
        "crush/asphyxia hazard per launch at twice the design capacity",
        0.0,
        10.0,
        "assumption, constrained by an absence: no crush death at sea in the IOM list 2019-2023, so the hazard is "
        "the largest that keeps the expected crush deaths of the 2022 and 2023 back-casts together at about 1 "
        "(0.5 gave about 5); plausible range a guess",
        plausible=(0.02, 0.5),
    )
    crush_exponent: float = param(
        3.0,
        "power of the overload (load / design capacity - 1) in the crush hazard",
        0.5,
        6.0,
        "assumption: crushes happen only in the most crowded boats",
        plausible=(2.0, 4.0),
    )
    crush_deaths_mean: float = param(
        2.0,
        "mean deaths in a fatal crush",
        1.0,
        50.0,
        "assumption: press reports of crushes in 2024 (1-5 dead); not fitted",
        plausible=(1.0, 4.0),
    )


@dataclass
class InvestigationConfig:
    """NCA investigations with French and European partners: each picks a network from the intelligence picture,
    builds evidence, and ends in a coordinated action (sim/investigations.py)."""

    intel_memory_days: float = param(
        90.0, "days", 1.0, 3_650.0, "assumption: how long what a network exposed stays useful", plausible=(45.0, 180.0)
    )
    intel_per_launch: float = param(
        1.0,
        "intelligence units per launch attempt seen (beach or sea)",
        0.0,
        1e6,
        "assumption: the unit of the intelligence picture",
        plausible=(0.5, 2.0),
    )
    intel_per_item_seized: float = param(
        2.0,
        "intelligence units per boat or engine seized and traced to the network",
        0.0,
        1e6,
        "assumption: seized stock is traced to buyers (NCA-Bulgaria)",
        plausible=(0.5, 4.0),
    )
    intel_per_arrival: float = param(
        0.04,
        "intelligence units per person arrived and debriefed",
        0.0,
        1e6,
        "assumption: debriefs of arrivals name networks and phone numbers",
        plausible=(0.01, 0.1),
    )
    intel_per_pilot_arrested: float = param(
        10.0,
        "intelligence units per pilot arrested (phones, contacts)",
        0.0,
        1e6,
        "assumption",
        plausible=(2.5, 20.0),
    )
    intel_per_member: float = param(
        0.01,
        "intelligence units per network member per day (a bigger network is more visible)",
        0.0,
        1e6,
        "assumption",
        plausible=(0.0, 0.03),
    )
    reference_intel: float = param(
        0.75,
        "intelligence units per day at which evidence builds at evidence_per_day",
        1e-6,
        1e6,
        "assumption: about what a full-strength 2024 network exposes",
        plausible=(0.4, 1.5),
    )
    intel_elasticity: float = param(
        0.5,
        "elasticity of the evidence rate to the target's intelligence picture",
        0.0,
        3.0,
        "assumption: more exposure, faster cases, with diminishing returns",
        plausible=(0.25, 1.0),
    )
    evidence_per_day: float = param(
        0.0133,
        "evidence units per day per investigation at the reference picture",
        0.0,
        10.0,
        "assumption: a case against coastal crews in about 75 days (1 unit)",
        plausible=(0.0067, 0.027),
    )
    evidence_organisers: float = param(
        2.5,
        "evidence units to reach organisers and suppliers (facilitators: 1)",
        1.0,
        100.0,
        "assumption: about six months of work",
        plausible=(1.5, 4.0),
    )
    evidence_financiers: float = param(
        4.0,
        "evidence units to reach financiers",
        1.0,
        100.0,
        "assumption: about ten months of work; money flows cross borders",
        plausible=(3.0, 8.0),
    )
    upper_level_share: float = param(
        0.3,
        "share of investigations aimed above the coastal crews (2024 practice)",
        *PROB,
        "assumption: most cases end at facilitators and pilots",
        plausible=(0.15, 0.5),
    )
    financier_share: float = param(
        0.4,
        "share of the investigations aimed above the crews that aim at financiers",
        *PROB,
        "assumption",
        plausible=(0.2, 0.6),
    )
    compromise_per_day: float = param(
        0.002,
        "daily chance that the target learns of an investigation (it strikes early or lapses)",
        *PROB,
        "assumption: about one case in six compromised within three months",
        plausible=(0.0005, 0.005),
    )
    max_duration_days: float = param(
        540.0, "days", 1.0, 3_650.0, "assumption: cases are closed after 18 months", plausible=(365.0, 730.0)
    )
    facilitator_arrest_share: float = param(
        0.3,
        "share of the target's facilitators arrested in a coordinated action",
        *PROB,
        "assumption: a few arrests per operation",
        plausible=(0.15, 0.6),
    )
    upper_arrest_share: float = param(
        0.4,
        "chance that each organiser, supplier or financier reached is arrested",
        *PROB,
        "assumption: many live abroad (Germany, Belgium, Iraq, Turkey), beyond reach or extradition",
        plausible=(0.2, 0.7),
    )
    stock_seized_share: float = param(
        0.2,
        "share of the target's boats and engines seized in an action",
        *PROB,
        "assumption: raids find part of the stock kept in safe houses and cars",
        plausible=(0.1, 0.4),
    )
    cash_seized_share: float = param(
        0.15,
        "share of the target's cash seized in an action that reached organisers or financiers",
        *PROB,
        "assumption: little criminal money is recovered (cash moves through hawala)",
        plausible=(0.05, 0.4),
    )
    channel_share_of_uk_disruptions: float = param(
        0.15,
        "share of UK organised-immigration-crime disruptions that are against Channel boat networks",
        *PROB,
        "assumption, for comparison only (the observed 1,555 disruptions in 2023 cover every OIC network); "
        "gives the summary's disruptions_uk_equivalent",
        plausible=(0.08, 0.3),
    )


@dataclass
class BorderForceConfig:
    """Vessels at sea: stations, availability, capacity, response times (sim/border_force.py)."""

    availability: float = param(
        0.85,
        "probability that a vessel is on station on a night (maintenance, crew rest)",
        *PROB,
        "assumption",
        plausible=(0.7, 0.95),
    )
    boats_per_vessel_night: float = param(
        3.0,
        "boats a vessel can take aboard or escort in one night (at scale 1)",
        0.0,
        100.0,
        "assumption: a cutter takes a boatload to Dover in two to three hours",
        plausible=(1.5, 6.0),
    )
    detection_prob: float = param(
        0.95,
        "probability that a boat in UK waters is seen and met while vessels have capacity",
        *PROB,
        "assumption: aircraft and drones watch the Strait; most boats were met at sea in 2022-2023",
        plausible=(0.85, 1.0),
    )
    patrol_radius_km: float = param(
        20.0,
        "km from the one vessel of a corridor to a boat in distress in its UK waters (divided by vessels there)",
        0.1,
        200.0,
        "assumption: UK half of a 35-50 km crossing",
        plausible=(10.0, 30.0),
    )
    corridor_spacing_km: float = param(
        15.0, "km between neighbouring launch corridors", 0.0, 200.0, "assumption: chart", plausible=(10.0, 25.0)
    )
    speed_kmh: float = param(37.0, "km per hour", 1.0, 200.0, "assumption: about 20 knots", plausible=(25.0, 50.0))
    dispatch_hours: float = param(
        0.25, "hours from a distress call to a vessel under way", 0.0, 24.0, "assumption", plausible=(0.1, 0.5)
    )
    task_hours: float = param(
        3.0,
        "hours a vessel is busy with one boat (transfer and run to Dover)",
        0.0,
        48.0,
        "assumption",
        plausible=(2.0, 4.0),
    )
    survival_hours: float = param(
        1.0,
        "time scale over which people in the water die (cold water, exhaustion)",
        0.01,
        48.0,
        "assumption: cold-water immersion; Channel incidents of Nov 2021 and Dec 2022",
        plausible=(0.5, 2.0),
    )
    deaths_before_help_share: float = param(
        0.3,
        "chance that a distress incident is fatal even with help on scene at once (crush, falls at boarding)",
        *PROB,
        "assumption",
        plausible=(0.15, 0.5),
    )
    french_zone_share: float = param(
        0.6,
        "share of distress incidents in French waters, answered by French assets",
        *PROB,
        "assumption: IOM records most Channel deaths in French waters or at the shore",
        plausible=(0.4, 0.8),
    )
    french_response_hours: float = param(
        0.75,
        "hours for French rescue to reach an incident in French waters",
        0.0,
        48.0,
        "assumption: CROSS Gris-Nez coordinates; French vessels shadow boats",
        plausible=(0.4, 1.5),
    )
    moral_hazard: bool = True
    moral_hazard_strength: float = param(
        0.5,
        "weight smugglers give to the rescue cover they know of when judging a launch's risk (0 = none, 1 = offset)",
        *PROB,
        "Deiana, Maheshri and Mastrobuoni (AEJ: Policy 2024): more rescue, worse boats in worse weather; size a guess",
        plausible=(0.0, 1.0),
    )
    moral_hazard_reference_vessels: float = param(
        8.0,
        "fleet under which smuggling.launch_wave_limit_m and comfortable_load hold (the 2024 fleet)",
        0.0,
        1_000.0,
        "the calibration year's fleet (enforcement.rescue_vessels default)",
        plausible=(6.0, 10.0),
    )


# ---------------------------------------------------------------------------------------------- enforcement
@dataclass
class EnforcementConfig:
    beach_officers: float = param(
        800.0, "officers per night", 0.0, 100_000.0, "docs/design.md: about 800 nightly", plausible=(400.0, 1_200.0)
    )
    beach_area_weights: dict[str, float] = field(default_factory=dict)
    prevention_per_officer_km: float = param(
        0.119,
        "prevention hazard per officer per km of beach",
        0.0,
        100.0,
        "declared default = median of a retired fit to 2024; runs take the 2021-2023 posterior's median "
        "(data/calibration/history); the retired fit's 5-95% 0.061-0.30 (prevention share 0.45)",
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
        8.0,
        "vessels in the Channel fleet (Border Force cutters and coastal vessels, RNLI lifeboats), rounded",
        0.0,
        1_000.0,
        "assumption: Border Force + RNLI",
        plausible=(4.0, 12.0),
    )
    pilot_arrest_prob: float = param(
        0.08,
        "probability that the pilot of a boat reaching the UK is arrested",
        *PROB,
        "assumption",
        plausible=(0.04, 0.16),
    )
    investigations: float = param(
        80.0,
        "live NCA investigations into Channel networks (capacity)",
        0.0,
        10_000.0,
        "NCA: about 60 live investigations (Sep 2022), more in 2023 (docs/design.md: 70-90)",
        plausible=(60.0, 90.0),
    )
    officer_cost_gbp_per_night: float = param(
        500.0, "GBP", 0.0, 1e6, "assumption: UK contribution to French deployments", plausible=(250.0, 1_000.0)
    )
    vessel_cost_gbp_per_day: float = param(25_000.0, "GBP", 0.0, 1e8, "assumption", plausible=(12_500.0, 50_000.0))
    investigation_cost_gbp_per_day: float = param(3_000.0, "GBP", 0.0, 1e8, "assumption", plausible=(1_500.0, 6_000.0))
    # -- investigations and Border Force at sea as agents (issue 14; sim/investigations.py, sim/border_force.py) --
    nca: InvestigationConfig = field(default_factory=lambda: InvestigationConfig())
    border_force: BorderForceConfig = field(default_factory=lambda: BorderForceConfig())


# --------------------------------------------------------------------------------------------------- asylum
@dataclass
class AsylumConfig:
    initial_backlog: float = param(
        128_000.0,
        "people awaiting a decision",
        0.0,
        1e7,
        "docs/design.md: 175,000 (Jun 2023) to 91,000 (Jun 2025)",
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
        "docs/design.md: up to 56,000 in hotels; plausible range: 36,000-56,000 of a 128,000-175,000 backlog",
        plausible=(0.2, 0.45),
    )
    hotel_cost_gbp_per_night: float = param(
        150.0,
        "GBP per person per night",
        0.0,
        10_000.0,
        "docs/design.md: GBP 5.8m a day for ~36,000; plausible range a guess",
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
def lever_date(what: str) -> Any:
    """A lever's date field: an ISO date, or null for the whole run (see ``sim.policies.base.LeverWindow``)."""
    return param(None, "ISO date or null", None, None, f"scenario choice: {what}")


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
    # Dates (sim/policies/base.py): the lever acts from start_date to end_date inclusive; null = the whole run.
    start_date: str | None = lever_date("first day the lever acts (null: from the first day, burn-in included)")
    end_date: str | None = lever_date("last day the lever acts, inclusive (null: to the end of the run)")


@dataclass
class InternationalPostsPolicy:
    enabled: bool = False
    officers: dict[str, float] = field(default_factory=dict)  # country -> NCA officers posted (see yaml)
    europol_officers: float = param(
        15.0,
        "UK officers at Europol",
        0.0,
        10_000.0,
        "docs/design.md: UK officers at Europol up 50% in 2024; plausible range a guess",
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
    europol_evidence_boost_per_officer: float = param(
        0.02,
        "relative rise per Europol officer in the rate investigations build evidence on organisers and financiers",
        0.0,
        10.0,
        "assumption: cross-border money and supply chains are traced through Europol",
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
    # Dates (sim/policies/base.py): the lever acts from start_date to end_date inclusive; null = the whole run.
    start_date: str | None = lever_date("first day the lever acts (null: from the first day, burn-in included)")
    end_date: str | None = lever_date("last day the lever acts, inclusive (null: to the end of the run)")


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
    # Dates (sim/policies/base.py): announcement effects from announce_date, removals from start_date, nothing after
    # end_date; null announce_date = announced on start_date, null start_date = from the first day of the run.
    announce_date: str | None = lever_date(
        "day the scheme is announced (perceived removal risk starts); null: on start_date (UK-Rwanda: 2022-04-14)"
    )
    start_date: str | None = lever_date("first day of removals (null: from the first day of the run)")
    end_date: str | None = lever_date("last day of the scheme, inclusive (UK-Rwanda scrapped 2024-07-06)")


@dataclass
class BeachPatrolsPolicy:
    enabled: bool = False
    officers_per_night: float = param(
        1_200.0, "officers per night", 0.0, 100_000.0, "scenario choice; 2024: ~800", plausible=(600.0, 2_400.0)
    )
    # Dates (sim/policies/base.py): the lever acts from start_date to end_date inclusive; null = the whole run.
    start_date: str | None = lever_date("first day the lever acts (null: from the first day, burn-in included)")
    end_date: str | None = lever_date("last day the lever acts, inclusive (null: to the end of the run)")


@dataclass
class GangDisruptionPolicy:
    enabled: bool = False
    investigations: float = param(
        160.0, "live investigations", 0.0, 100_000.0, "scenario choice; 2024: 70-90", plausible=(80.0, 320.0)
    )
    upper_level_focus: float = param(
        2.0,
        "odds multiplier on aiming an investigation at organisers and financiers (1 = 2024 practice)",
        0.0,
        100.0,
        "assumption: intelligence-led work 'from facilitators to financiers'",
        plausible=(1.0, 4.0),
    )
    duration_days: int | None = param(
        None, "days the campaign lasts (null: until end_date)", 0, 36_500, "scenario choice; not with end_date"
    )
    # Dates (sim/policies/base.py): the lever acts from start_date to end_date inclusive; null = the whole run.
    start_date: str | None = lever_date("first day the lever acts (null: from the first day, burn-in included)")
    end_date: str | None = lever_date("last day the lever acts, inclusive (null: to the end of the run)")


@dataclass
class ReturnsAgreement:
    """One returns agreement: whose arrivals, from when to when, and how many (a share, or a weekly count)."""

    nationality: str = param("all", "nationality name, or all", None, None, "the agreement's terms")
    start_date: str | None = lever_date("first day of returns under this agreement (null: from the first day)")
    end_date: str | None = lever_date("last day of returns under this agreement, inclusive (null: to the end)")
    return_prob: float = param(
        0.0,
        "share of the nationality's arrivals returned (used when weekly_returns is 0)",
        *PROB,
        "assumption per agreement (configs/policy/returns.yaml)",
        plausible=(0.0, 1.0),
    )
    weekly_returns: float = param(
        0.0,
        "returns a week at full scale (0: use return_prob)",
        0.0,
        1e6,
        "the agreement's intended size, e.g. one in, one out: about 50 a week (configs/policy/returns.yaml)",
        plausible=(0.0, 200.0),
    )


@dataclass
class ReturnsPolicy:
    enabled: bool = False
    # One entry per agreement (configs/policy/returns.yaml): Albania from December 2022, Vietnam 2024, one in, one
    # out with France from August 2025.
    agreements: dict[str, ReturnsAgreement] = field(default_factory=dict)
    capacity_per_year: float = param(
        10_000.0, "returns a year, all agreements together", 0.0, 1e7, "assumption", plausible=(5_000.0, 20_000.0)
    )
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
    # Dates (sim/policies/base.py): the lever acts from start_date to end_date inclusive; null = the whole run.
    start_date: str | None = lever_date("first day the lever acts (null: from the first day, burn-in included)")
    end_date: str | None = lever_date("last day the lever acts, inclusive (null: to the end of the run)")


@dataclass
class SearchAndRescuePolicy:
    enabled: bool = False
    vessels: float = param(
        12.0, "vessels on station", 0.0, 1_000.0, "scenario choice; 2024 baseline 8", plausible=(8.0, 20.0)
    )
    quality_drop_per_vessel: float = param(
        0.01,
        "fall in hull quality per vessel above the 2024 level (only with enforcement.border_force.moral_hazard)",
        0.0,
        1.0,
        "Deiana, Maheshri and Mastrobuoni (2024): more rescue, worse boats; size a guess",
        plausible=(0.005, 0.02),
    )
    # Dates (sim/policies/base.py): the lever acts from start_date to end_date inclusive; null = the whole run.
    start_date: str | None = lever_date("first day the lever acts (null: from the first day, burn-in included)")
    end_date: str | None = lever_date("last day the lever acts, inclusive (null: to the end of the run)")


@dataclass
class AsylumProcessingPolicy:
    enabled: bool = False
    decisions_per_day: float = param(
        600.0, "initial decisions per day", 0.0, 1e6, "scenario choice; 2024: ~380", plausible=(300.0, 1_200.0)
    )
    # Dates (sim/policies/base.py): the lever acts from start_date to end_date inclusive; null = the whole run.
    start_date: str | None = lever_date("first day the lever acts (null: from the first day, burn-in included)")
    end_date: str | None = lever_date("last day the lever acts, inclusive (null: to the end of the run)")


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


# --------------------------------------------------------------------------------------------- timeline
@dataclass
class TimelineConfig:
    """Dated changes of config values that drive a history run (sim/timeline.py). Run inputs, not behaviour."""

    file: str | None = None  # the table (id, date, key, value, source), relative to the repository; null: none
    drop: list[str] = field(default_factory=list)  # ids of events left out (a what-if of history)
    set: dict[str, Any] = field(default_factory=dict)  # id -> new value for every row of that event
    dates: dict[str, str] = field(default_factory=dict)  # id -> new ISO date of that event


# ------------------------------------------------------------------------------------------------- top
@dataclass
class SimConfig:
    scenario: str = param("baseline_2024", "name", None, None, "set by configs/scenario/NAME.yaml")
    seed: int = param(0, "integer", 0, 2**63 - 1, "replicate identifier")
    days: int = param(366, "days simulated after burn-in", 1, 36_500, "2024 is a leap year")
    scale: float = param(1.0, "population multiplier", 1e-6, 1_000.0, "1 = full scale: every person an agent")
    posterior_draw: int | None = param(
        None,
        "row of the posterior_file (null: the medians of its columns, read at run time)",
        None,
        None,
        "run setting: the row's calibrated values replace the defaults (sim/cli.py, docs/calibration.md)",
    )
    posterior_file: str | None = param(
        "data/calibration/history/posterior_draws.csv",
        "path (relative to the repository) of the posterior draws posterior_draw reads (null: none, the defaults)",
        None,
        None,
        "run setting: the 2021-2023 calibration (python -m sim.calibrate); a scenario may declare another",
    )
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
    timeline: TimelineConfig = field(default_factory=TimelineConfig)


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
        _check_value(f"enforcement.beach_area_weights.{area}", wgt, (0.0, INF))
    problem = ordered_pair_problem(
        {key: _value(cfg, key) for pair in ORDERED_PAIRS for key in pair[:2]}, cfg.weather.inverted_season
    )
    if problem:
        raise ConfigError(problem)
    m = cfg.migration
    if m.lorry_share_of_leavers + m.asylum_france_share_of_leavers > 1.0:
        raise ConfigError(
            f"migration.lorry_share_of_leavers={m.lorry_share_of_leavers} + asylum_france_share_of_leavers="
            f"{m.asylum_france_share_of_leavers}: the shares of leavers must not add up to more than 1"
        )
    for group in ("boat_nodes", "engine_nodes"):
        if not getattr(cfg.supply_chain, group):
            raise ConfigError(f"supply_chain.{group}: at least one node is required")
    _check_market(cfg.supply_chain)
    _check_run_dates(cfg)
    _check_lever_dates(cfg)
    _check_policies(cfg)
    from sim.resources import check_resources
    from sim.timeline import check_timeline

    check_timeline(cfg)
    check_resources(cfg)
    return cfg


def _value(cfg: Any, key: str) -> Any:
    return functools.reduce(getattr, key.split("."), cfg)


def _check_date(key: str, value: Any) -> _dt.date | None:
    """The date a key holds (None stays None); one line naming the key if it is not an ISO date in
    FIRST_DATE..LAST_DATE."""
    if value is None:
        return None
    try:
        date = _dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise ConfigError(f"{key}={value!r}: expected an ISO date such as 2024-01-01, or null") from None
    if not FIRST_DATE <= date.isoformat() <= LAST_DATE:
        raise ConfigError(f"{key}={value}: out of range, allowed {FIRST_DATE} to {LAST_DATE}")
    return date


def _check_run_dates(cfg: SimConfig) -> None:
    """The burn-in before the start date and the simulated days after it stay within FIRST_DATE..LAST_DATE."""
    start = _check_date("world.start_date", cfg.world.start_date)
    if start is None:
        raise ConfigError("world.start_date: a date is required, such as 2024-01-01")
    first = _dt.date.fromisoformat(FIRST_DATE) + _dt.timedelta(days=cfg.world.burn_in_days)
    last = _dt.date.fromisoformat(LAST_DATE) - _dt.timedelta(days=cfg.days - 1)
    if not first <= start <= last:
        raise ConfigError(
            f"world.start_date={cfg.world.start_date}: with world.burn_in_days={cfg.world.burn_in_days} before it "
            f"and days={cfg.days} from it the run leaves {FIRST_DATE} to {LAST_DATE}; allowed start dates "
            f"{first.isoformat()} to {last.isoformat()}"
        )


def _check_window(prefix: str, node: Any) -> None:
    start = _check_date(f"{prefix}.start_date", node.start_date)
    end = _check_date(f"{prefix}.end_date", node.end_date)
    if start is not None and end is not None and start > end:
        raise ConfigError(
            f"{prefix}.start_date={node.start_date}: after {prefix}.end_date={node.end_date}; the start must not "
            "come after the end"
        )


def _check_lever_dates(cfg: SimConfig) -> None:
    """Every lever's dates parse and are in order; gang_disruption takes duration_days or end_date, not both."""
    for f in dataclasses.fields(cfg.policy):
        _check_window(f"policy.{f.name}", getattr(cfg.policy, f.name))
    det = cfg.policy.deterrence
    announce = _check_date("policy.deterrence.announce_date", det.announce_date)
    start, end = _check_date("", det.start_date), _check_date("", det.end_date)
    if announce is not None and ((start is not None and announce > start) or (end is not None and announce > end)):
        raise ConfigError(
            f"policy.deterrence.announce_date={det.announce_date}: after the start_date ({det.start_date}) or "
            f"end_date ({det.end_date}); a scheme is announced before it operates"
        )
    gang = cfg.policy.gang_disruption
    if gang.duration_days is not None and gang.end_date is not None:
        raise ConfigError(
            f"policy.gang_disruption.duration_days={gang.duration_days}: set either duration_days or end_date "
            f"(end_date={gang.end_date}), not both"
        )
    for name, agreement in cfg.policy.returns.agreements.items():
        _check_window(f"policy.returns.agreements.{name}", agreement)


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
    for name, agreement in cfg.policy.returns.agreements.items():
        key = f"policy.returns.agreements.{name}"
        if agreement.nationality != "all" and agreement.nationality not in nationalities:
            raise ConfigError(
                f"{key}.nationality={agreement.nationality}: unknown nationality; allowed: all, "
                f"{', '.join(sorted(nationalities))}"
            )
        if agreement.return_prob > 0 and agreement.weekly_returns > 0:
            raise ConfigError(
                f"{key}: return_prob={agreement.return_prob} and weekly_returns={agreement.weekly_returns}; set one "
                "of them (a share of arrivals or a weekly count), not both"
            )


def _check_market(sc: SupplyChainConfig) -> None:
    for kind in ("boats", "engines"):
        low, high = getattr(sc, f"{kind}_per_week_min"), getattr(sc, f"{kind}_per_week_max")
        if low > high:
            raise ConfigError(
                f"supply_chain.{kind}_per_week_min={low}: above {kind}_per_week_max={high}; the capacity minimum "
                "must not exceed the maximum"
            )
    for group in ("boat_corridors", "engine_corridors"):
        for name, corridor in getattr(sc, group).items():
            if not corridor.nodes:
                raise ConfigError(f"supply_chain.{group}.{name}.nodes: at least one node is required")


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
            if value is None and f.default is None:
                continue  # an optional setting left unset (a lever date, gang_disruption.duration_days)
            if "range" in f.metadata and f.metadata["range"] != (None, None):
                _check_value(key, value, f.metadata["range"])
            _check_ranges(value, key + ".")
    elif isinstance(node, dict):
        for k, v in node.items():
            _check_ranges(v, f"{prefix}{k}.")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _check_ranges(v, f"{prefix}{i}.")
