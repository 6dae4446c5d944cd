"""Plausible ranges: every numeric parameter declares one (run settings excepted), inside its declared range and
around its default; the composed default scenario lies inside them; ordered parameters cannot swap when each is
drawn independently across its range; the accessors refuse unknown keys with one line."""

from __future__ import annotations

import dataclasses
import functools
import math
import typing

import pytest

from sim import config as C
from sim.config import (
    ORDERED_PAIRS,
    ConfigError,
    SimConfig,
    declared_default,
    declared_field,
    declared_range,
    plausible_parameters,
    plausible_range,
    validate,
)

# Run settings, not behaviour: the only numeric parameters without a plausible range.
NOT_BEHAVIOURAL = (
    "SimConfig.seed",
    "SimConfig.days",
    "SimConfig.scale",
    "LimitsConfig.max_memory_gb",
    "LimitsConfig.max_minutes",
)

SCALAR_GROUPS = ("migration", "smuggling", "supply_chain", "weather", "crossing", "enforcement", "asylum")

# Calibration priors (sim.evidence.calibrate.FREE_PARAMETERS) and the established sensitivity windows:
# fixed, not chosen here.
REQUIRED = {
    "migration.annual_entrants": (30_000, 90_000),
    "migration.entry_seasonal_amplitude": (0.0, 1.0),
    "migration.entry_peak_day": (120, 260),
    "supply_chain.boats_per_week": (12, 48),
    "smuggling.launch_wave_limit_m": (0.5, 1.1),
    "enforcement.prevention_per_officer_km": (0.04, 0.4),
    "crossing.incident_base_prob": (0.005, 0.08),
    "migration.purchase_rate_per_day": (0.15, 0.6),
    "migration.give_up_per_day": (0.003, 0.012),
    "migration.risk_tolerance_mean": (0.3, 0.9),
    "migration.death_news_sensitivity": (0.0, 0.3),
    "smuggling.networks": (10, 30),
    "smuggling.comfortable_load": (25, 50),
    "smuggling.max_load": (65, 110),
    "crossing.crowding_exponent": (0.8, 2.4),
    "crossing.mass_casualty_prob": (0.05, 0.2),
    "enforcement.beach_officers": (400, 1200),
    "enforcement.rescue_vessels": (4, 12),
    "enforcement.taxi_prevention_factor": (0.15, 0.6),
    "weather.wave_summer_m": (0.5, 0.75),
}


# ------------------------------------------------------------------------------------------------ helpers
def _dataclasses_below(cls: type) -> list[type]:
    """Every dataclass reachable from ``cls`` through its field types (nested groups, dict values, list items)."""
    found: list[type] = []

    def visit(tp: typing.Any) -> None:
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            if tp not in found:
                found.append(tp)
                for hint in typing.get_type_hints(tp).values():
                    visit(hint)
        for arg in typing.get_args(tp):
            visit(arg)

    visit(cls)
    return found


def _numeric_fields(cls: type) -> list[dataclasses.Field]:
    hints = typing.get_type_hints(cls)
    return [f for f in dataclasses.fields(cls) if "unit" in f.metadata and hints[f.name] in (int, float)]


def range_problems(classes: list[type], exclude: tuple[str, ...] = NOT_BEHAVIOURAL) -> list[str]:
    """Every way a plausible-range declaration can be wrong, one line each (empty if all are sound)."""
    problems = []
    for cls in classes:
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            name = f"{cls.__name__}.{f.name}"
            plausible = f.metadata.get("plausible")
            if hints[f.name] not in (int, float) or "unit" not in f.metadata:
                if plausible is not None:
                    problems.append(f"{name}: not a numeric parameter but has a plausible range")
                continue
            if name in exclude:
                if plausible is not None:
                    problems.append(f"{name}: excluded (run setting) but has a plausible range")
                continue
            if plausible is None:
                problems.append(f"{name}: no plausible range")
                continue
            lo, hi = plausible
            low, high = f.metadata["range"]
            if not all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in plausible):
                problems.append(f"{name}: plausible bounds {plausible} are not finite numbers")
                continue
            if not lo < hi:
                problems.append(f"{name}: plausible range {plausible} is empty")
            if (low is not None and lo < low) or (high is not None and hi > high):
                problems.append(f"{name}: plausible range {plausible} leaves the declared range [{low}, {high}]")
            if not lo <= f.default <= hi:
                problems.append(f"{name}: default {f.default} outside the plausible range {plausible}")
            if hints[f.name] is int and not (float(lo).is_integer() and float(hi).is_integer()):
                problems.append(f"{name}: integer parameter with fractional plausible bounds {plausible}")
    return problems


def _value(cfg: SimConfig, key: str) -> float:
    return functools.reduce(getattr, key.split("."), cfg)


@pytest.fixture(scope="module")
def composed() -> SimConfig:
    from sim.cli import load_config

    return load_config([])


# ------------------------------------------------------------------------------------------------ declarations
def test_every_numeric_parameter_has_a_sound_plausible_range():
    classes = _dataclasses_below(SimConfig)
    names = {c.__name__ for c in classes}
    assert {"LegConfig", "LaunchAreaConfig", "SupplyNodeConfig", "SeizuresPolicy", "AsylumProcessingPolicy"} <= names
    assert sum(len(_numeric_fields(c)) for c in classes) > 100
    assert range_problems(classes) == []


def test_exclusions_are_the_run_settings_only():
    for name in NOT_BEHAVIOURAL:
        cls, field_name = name.split(".")
        f = {f.name: f for f in dataclasses.fields(getattr(C, cls))}[field_name]
        assert "unit" in f.metadata and f.metadata["plausible"] is None, name
    with pytest.raises(ConfigError, match=r"^seed: no plausible range declared$"):
        plausible_range("seed")


def test_the_checker_catches_every_kind_of_bad_declaration():
    """The checks above can fail: a deliberately wrong declaration is reported once per fault."""

    @dataclasses.dataclass
    class Bad:
        missing: float = C.param(1.0, "x", 0.0, 10.0, "assumption")
        empty: float = C.param(2.0, "x", 0.0, 10.0, "assumption", plausible=(2.0, 2.0))
        outside: float = C.param(0.5, "probability", 0.0, 1.0, "assumption", plausible=(0.2, 1.5))
        off_default: float = C.param(5.0, "x", 0.0, 10.0, "assumption", plausible=(1.0, 2.0))
        fractional: int = C.param(3, "people", 1, 10, "assumption", plausible=(1.5, 6))
        label: str = C.param("a", "name", None, None, "assumption", plausible=(0.0, 1.0))
        fine: float = C.param(1.0, "x", 0.0, 10.0, "assumption", plausible=(0.5, 2.0))

    problems = range_problems([Bad], exclude=())
    for name in ("missing", "empty", "outside", "off_default", "fractional", "label"):
        assert sum(f"Bad.{name}:" in p for p in problems) == 1, (name, problems)
    assert not any("Bad.fine:" in p for p in problems)


def test_calibration_priors_and_sensitivity_windows_are_the_plausible_ranges():
    for key, expected in REQUIRED.items():
        assert plausible_range(key) == pytest.approx(expected), key
    # Engines move with boats (sim.calibrate ties them): the same factors around the engine default.
    boats, engines = declared_default("supply_chain.boats_per_week"), declared_default("supply_chain.engines_per_week")
    assert plausible_range("supply_chain.engines_per_week") == pytest.approx(
        (engines * 12 / boats, engines * 48 / boats)
    )


def test_composed_default_config_lies_inside_the_plausible_ranges(composed):
    keys = plausible_parameters(SCALAR_GROUPS)
    assert {k.split(".")[0] for k in keys} == set(SCALAR_GROUPS)
    outside = {}
    for key in keys:
        lo, hi = plausible_range(key)
        v = _value(composed, key)
        if not lo <= v <= hi:
            outside[key] = (v, (lo, hi))
    assert not outside


def test_every_place_of_the_2024_world_lies_inside_the_per_place_ranges(composed):
    places = [
        *(
            (f"world.routes.{r}.legs.{i}", leg)
            for r, route in composed.world.routes.items()
            for i, leg in enumerate(route.legs)
        ),
        *((f"world.routes.{r}", route) for r, route in composed.world.routes.items()),
        *((f"world.launch_areas.{a}", area) for a, area in composed.world.launch_areas.items()),
        *((f"supply_chain.boat_nodes.{n}", node) for n, node in composed.supply_chain.boat_nodes.items()),
        *((f"supply_chain.engine_nodes.{n}", node) for n, node in composed.supply_chain.engine_nodes.items()),
    ]
    assert len(places) > 20
    outside = {}
    for prefix, obj in places:
        for f in _numeric_fields(type(obj)):
            key = f"{prefix}.{f.name}"
            lo, hi = plausible_range(key)
            if not lo <= getattr(obj, f.name) <= hi:
                outside[key] = (getattr(obj, f.name), (lo, hi))
    assert not outside


# ------------------------------------------------------------------------------------------------ ordering
@pytest.mark.parametrize(("smaller", "larger", "why"), ORDERED_PAIRS)
def test_ordered_pairs_cannot_swap_when_drawn_independently(smaller, larger, why):
    assert plausible_range(smaller)[1] <= plausible_range(larger)[0], why


def test_ordered_pairs_include_every_order_the_validator_checks(composed):
    """Swapping each pair the validator checks is refused: the listed pairs are the validator's pairs."""
    keys = {k for pair in ORDERED_PAIRS for k in pair[:2]}
    assert {
        "smuggling.min_load",
        "smuggling.comfortable_load",
        "smuggling.max_load",
        "smuggling.price_min_gbp",
        "smuggling.initial_price_gbp",
        "smuggling.price_max_gbp",
    } <= keys
    assert {"weather.wave_summer_m", "smuggling.facilitators_per_launch"} <= keys
    for smaller, larger, why in ORDERED_PAIRS:
        group, a = smaller.split(".")
        _, b = larger.split(".")
        extremes = dataclasses.replace(
            getattr(composed, group), **{a: plausible_range(smaller)[1], b: plausible_range(larger)[0]}
        )
        validate(dataclasses.replace(composed, **{group: extremes}))  # the worst corner of the ranges is accepted
        swapped = dataclasses.replace(
            getattr(composed, group), **{a: plausible_range(larger)[1], b: plausible_range(smaller)[0]}
        )
        with pytest.raises(ConfigError) as err:
            validate(dataclasses.replace(composed, **{group: swapped}))
        assert str(err.value).startswith(f"{smaller}=") and why in str(err.value)


# ------------------------------------------------------------------------------------------------ accessors
@pytest.mark.parametrize(
    "key",
    [
        "migration.nope",
        "nope",
        "migration",
        "",
        "policy.seizures",
        "policy.seizures.enabled",
        "world.routes",
        "world.routes.balkan.nationalities.syria",
        "migration.annual_entrants.x",
    ],
)
def test_accessors_refuse_an_unknown_key_with_one_line(key):
    for accessor in (declared_field, declared_range, plausible_range, declared_default):
        with pytest.raises(ConfigError) as err:
            accessor(key)
        assert str(err.value) == f"{key}: not a declared parameter"


def test_accessors_refuse_what_a_parameter_does_not_have():
    with pytest.raises(ConfigError, match=r"^world\.start_date: no plausible range declared$"):
        plausible_range("world.start_date")
    with pytest.raises(ConfigError) as err:
        declared_default("world.start_date")
    assert str(err.value).startswith("world.start_date: not a numeric parameter") and "\n" not in str(err.value)
    for prefixes in (("nope",), ("migration.annual_entrants",), ("world.routes",)):
        with pytest.raises(ConfigError, match=rf"^{prefixes[0]}: not a parameter group$"):
            plausible_parameters(prefixes)


def test_accessors_read_the_declarations():
    assert declared_range("migration.annual_entrants") == (0.0, 10_000_000.0)
    assert (
        declared_field("policy.seizures.rate_bulgaria").metadata["unit"] == "added seizure probability per consignment"
    )
    assert declared_default("smuggling.networks") == 20 and isinstance(declared_default("smuggling.networks"), int)
    assert declared_default("policy.deterrence.response_strength") == 1.0
    assert plausible_range("world.launch_areas.calais.distance_km") == plausible_range(
        "world.launch_areas.anywhere.distance_km"
    )
    assert declared_range("world.routes.balkan.legs.0.days_mean") == (0.0, 365.0)
    numeric_migration = [f"migration.{f.name}" for f in _numeric_fields(C.MigrationConfig)]
    assert plausible_parameters(("migration",)) == numeric_migration  # declaration order
    assert plausible_parameters(("world",)) == ["world.burn_in_days"]  # not the per-place entries
    levers = plausible_parameters(("policy",))
    assert "policy.deterrence.response_strength" in levers and "policy.asylum_processing.decisions_per_day" in levers
    both = plausible_parameters(("crossing", "migration"))
    assert both == numeric_migration + plausible_parameters(("crossing",))  # declaration order, not argument order
