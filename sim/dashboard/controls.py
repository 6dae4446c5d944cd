"""The dashboard's controls and how they become Hydra overrides.

Nothing here declares a model value. Every control starts at the value the CLI would use: the seed at
``load_config([]).seed``, a lever's checkbox off (``configs/config.yaml`` has ``policy: null``), and a lever's
settings at its ``configs/policy/NAME.yaml`` values, read by composing the configs with that lever switched on.
What this module adds is presentation only: which settings get a control, their label and the values offered.

Numeric settings are drop-down lists rather than sliders because a list shows its value at all times (Mesa's
sliders show it only while dragged), which matters on a projector; each list always contains the configured
value, and the tests check that every value offered lies within the range declared in sim/config.py.

A lever that is ticked goes into ``policy=[...]``; a setting of a ticked lever becomes
``policy.NAME.FIELD=VALUE`` only when moved away from the lever's own value, so the command line printed on the
page is the shortest one that gives the same run. Settings of levers that are not ticked are ignored.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.cli import load_config
from sim.config import PolicyConfig, SimConfig
from sim.policies import LEVERS

SEEDS = tuple(range(20))  # seeds offered on the page (any seed works from the command line)


@dataclass(frozen=True)
class Knob:
    """A list of values for one numeric field of a lever (configs/policy/LEVER.yaml, sim/config.py)."""

    field: str
    label: str
    choices: tuple[float, ...]  # offered besides the configured value, which is always offered too

    @property
    def is_bool(self) -> bool:
        return False


@dataclass(frozen=True)
class Switch:
    """A checkbox for a boolean field of a lever."""

    field: str
    label: str

    @property
    def is_bool(self) -> bool:
        return True


@dataclass(frozen=True)
class LeverControl:
    lever: str  # a name in sim.policies.LEVERS and configs/policy/
    label: str
    knobs: tuple[Knob | Switch, ...] = ()


# Order, labels and values offered to a class (the configured value is added to each list).
CONTROLS: tuple[LeverControl, ...] = (
    LeverControl(
        "seizures",
        "Seize boats and engines upstream",
        (
            Knob("rate_bulgaria", "… seizure chance per lorry, Bulgaria", (0.0, 0.1, 0.4, 0.6, 0.8, 0.9)),
            Knob("rate_germany", "… seizure chance per lorry, Germany", (0.0, 0.25, 0.4, 0.6, 0.8)),
            Knob("rate_france_inland", "… seizure chance, inland France", (0.0, 0.25, 0.4, 0.6, 0.8)),
        ),
    ),
    LeverControl("international_posts", "NCA officers posted abroad"),
    LeverControl(
        "beach_patrols",
        "French beach patrols",
        (Knob("officers_per_night", "… officers on the beaches per night", (0, 400, 800, 1600, 2400, 3200, 4000)),),
    ),
    LeverControl(
        "deterrence",
        "Removal to a third country (deterrence)",
        (
            Knob("capacity_per_year", "… removal places per year", (0, 1000, 2500, 10_000, 20_000, 40_000)),
            Knob("response_strength", "… how strongly people respond to it", (0.0, 0.25, 0.5, 2.0, 3.0, 5.0)),
            Switch("operating", "… removals actually happen (untick: announced only)"),
        ),
    ),
    LeverControl(
        "search_and_rescue",
        "Rescue vessels in the Channel",
        (
            Knob("vessels", "… vessels on station", (0, 4, 8, 16, 24, 40)),
            Knob("quality_drop_per_vessel", "… smugglers' poorer hulls per extra vessel", (0.0, 0.005, 0.01, 0.02)),
        ),
    ),
    LeverControl(
        "gang_disruption",
        "Investigations into smuggling gangs",
        (Knob("investigations", "… live investigations", (0, 80, 240, 320, 400)),),
    ),
    LeverControl("returns", "Returns agreements (Albania-style, one-in-one-out)"),
    LeverControl("asylum_processing", "Faster asylum decisions"),
)

SEED_KEY = "seed"


def toggle_key(lever: str) -> str:
    return lever


def knob_key(lever: str, field: str) -> str:
    """Keyword name of a lever setting's control: the Hydra key below ``policy.`` (a valid **kwargs key, not a name)."""
    return f"{lever}.{field}"


@functools.cache
def cli_defaults() -> SimConfig:
    """The configuration the CLI runs with no arguments (`python -m sim`)."""
    return load_config([])


@functools.cache
def lever_defaults() -> PolicyConfig:
    """Every lever switched on with its configs/policy/NAME.yaml values (composed as the CLI composes them)."""
    return load_config([f"policy=[{','.join(LEVERS)}]"]).policy


def lever_value(lever: str, field: str) -> Any:
    return getattr(getattr(lever_defaults(), lever), field)


def declared_range(lever: str, field: str) -> tuple[float | None, float | None]:
    """The (low, high) range declared for a lever field in sim/config.py."""
    cls = type(getattr(lever_defaults(), lever))
    for f in dataclasses.fields(cls):
        if f.name == field:
            return f.metadata.get("range", (None, None))
    raise KeyError(f"policy.{lever}.{field}: no such field")


def default_settings() -> dict[str, Any]:
    """Every control at the value the CLI would use."""
    base = cli_defaults()
    out: dict[str, Any] = {SEED_KEY: base.seed}
    for c in CONTROLS:
        out[toggle_key(c.lever)] = bool(getattr(base.policy, c.lever).enabled)
        for k in c.knobs:
            out[knob_key(c.lever, k.field)] = lever_value(c.lever, k.field)
    return out


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        value = round(value, 6)
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a) == bool(b)
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))


def levers_ticked(settings: Mapping[str, Any]) -> list[str]:
    """Levers switched on, in the order of sim.policies.LEVERS (the order the model applies them)."""
    on = {c.lever for c in CONTROLS if settings.get(toggle_key(c.lever), False)}
    return [name for name in LEVERS if name in on]


def lever_overrides(settings: Mapping[str, Any]) -> list[str]:
    """The Hydra overrides for the levers (not the seed): ``policy=[...]`` then settings moved away from the yaml."""
    on = levers_ticked(settings)
    if not on:
        return []
    out = [f"policy=[{','.join(on)}]"]
    for c in CONTROLS:
        if c.lever not in on:
            continue
        for k in c.knobs:
            key = knob_key(c.lever, k.field)
            if key in settings and not _same(settings[key], lever_value(c.lever, k.field)):
                value = bool(settings[key]) if k.is_bool else float(settings[key])
                out.append(f"policy.{c.lever}.{k.field}={_fmt(value)}")
    return out


def seed_override(seed: int) -> str:
    return f"seed={int(seed)}"


def unknown_settings(settings: Mapping[str, Any]) -> list[str]:
    known = set(default_settings())
    return sorted(k for k in settings if k not in known)


def knob_choices(lever: str, knob: Knob) -> list[float | int]:
    """The values offered for a knob: its list and the configured value, sorted, as ints where whole."""
    values = sorted({float(v) for v in knob.choices} | {float(lever_value(lever, knob.field))})
    return [int(v) if v.is_integer() else v for v in values]


def model_params() -> dict[str, dict[str, Any]]:
    """SolaraViz ``model_params``: one input per control, starting at the CLI's values."""
    defaults = default_settings()
    seed = int(defaults[SEED_KEY])
    params: dict[str, dict[str, Any]] = {
        SEED_KEY: {
            "type": "Select",
            "value": seed,
            "values": sorted({*SEEDS, seed}),
            "label": "Random seed (another replicate of the year)",
        }
    }
    for c in CONTROLS:
        params[toggle_key(c.lever)] = {"type": "Checkbox", "value": defaults[toggle_key(c.lever)], "label": c.label}
        for k in c.knobs:
            key = knob_key(c.lever, k.field)
            if isinstance(k, Switch):
                params[key] = {"type": "Checkbox", "value": bool(defaults[key]), "label": k.label}
                continue
            value = float(defaults[key])
            params[key] = {
                "type": "Select",
                "value": int(value) if value.is_integer() else value,
                "values": knob_choices(c.lever, k),
                "label": f"{k.label} (configs: {_fmt(int(value) if value.is_integer() else value)})",
            }
    return params
