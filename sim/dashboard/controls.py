"""The dashboard's levers, grouped by where they act, and how the page's settings become a configuration.

Nothing here declares a model value. Every control starts at the value the CLI would use: the seed at
``load_config([]).seed``, a lever's checkbox off (``configs/config.yaml`` has ``policy: null``), and a lever's
settings at its ``configs/policy/NAME.yaml`` values, read by composing the configs with that lever switched on.
What this module adds is presentation: where a lever acts (upstream, beaches, at sea, UK), its label, the values
offered, and the assumption it rests on in plain words, with a switch where the model has a parameter for it.

A lever of ``sim.policies.LEVERS`` that has no entry in ``CONTROLS`` still appears (under "Other levers", with its
yaml values), and a lever whose config has a ``start_date`` gets a "from" list, so new levers and dated levers
reach the page without an edit here.

A ticked lever goes into ``policy=[...]``; a setting of a ticked lever becomes ``policy.NAME.FIELD=VALUE`` only
when moved away from the lever's own value, so the command line printed on the page is the shortest one that gives
the same run. Settings of levers that are not ticked are ignored (and not shown on the page).

``settings_config`` builds the configuration of a page's settings without composing the YAML again (Hydra's
compose takes about a second, too slow for RESET): it starts from two compositions made once, the CLI's defaults
and every lever switched on, and sets the seed and the moved settings on the typed config. The tests check that
it equals ``load_config(overrides)`` for the same settings.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import functools
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from omegaconf import OmegaConf

from sim.cli import compose_raw, load_config, timeline_keys_set
from sim.config import ConfigError, PolicyConfig, SimConfig, validate
from sim.policies import LEVERS

SEEDS = tuple(range(20))  # seeds offered on the page (any seed works from the command line)
SEED_KEY = "seed"

GROUPS = (
    ("upstream", "Upstream: routes and supply chains"),
    ("beaches", "On the French beaches"),
    ("sea", "At sea"),
    ("uk", "In the UK"),
    ("other", "Other levers"),
)


@dataclass(frozen=True)
class Knob:
    """A list of values for one numeric field of a lever (configs/policy/LEVER.yaml, sim/config.py)."""

    field: str
    label: str
    choices: tuple[float, ...]  # offered besides the configured value, which is always offered too
    unit: str = ""  # shown after each value: "officers", "%" (a share shown as a percentage), ...
    notes: tuple[tuple[float, str], ...] = ()  # words shown beside particular values

    def text(self, value: float) -> str:
        """A value as the list shows it: '25%', '2,400 officers', '3 (Home Office break-even)'."""
        note = dict(self.notes).get(float(value))
        if self.unit == "%":
            out = f"{100 * value:g}%"
        else:
            out = f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"
            out += f" {self.unit}" if self.unit else ""
        return f"{out} ({note})" if note else out


@dataclass(frozen=True)
class Switch:
    """A checkbox for a boolean field of a lever."""

    field: str
    label: str


@dataclass(frozen=True)
class AssumptionSwitch:
    """A checkbox that keeps a contested response of the model (ticked) or turns it off (the fields set to 0)."""

    key: str
    label: str
    fields: tuple[str, ...]
    off: tuple[str, ...] = ()  # overrides outside the lever that also turn the response off


@dataclass(frozen=True)
class StartDate:
    """When a dated lever starts: the start of the year or the first of a later quarter."""

    field: str = "start_date"
    label: str = "starts"


Setting = Knob | Switch | AssumptionSwitch | StartDate


@dataclass(frozen=True)
class LeverControl:
    lever: str  # a name in sim.policies.LEVERS and configs/policy/
    label: str
    group: str  # a key of GROUPS
    knobs: tuple[Setting, ...] = ()
    assumption: str = ""  # the contested assumption the lever's effect rests on, in plain words


RESPONSE_NOTES = ((0.0, "no response"), (0.25, "research: little effect"), (3.0, "Home Office break-even case"))

# Order, labels, values offered and assumptions (the configured value is added to each list).
CONTROLS: tuple[LeverControl, ...] = (
    LeverControl(
        "seizures",
        "Seize boats and engines upstream",
        "upstream",
        (
            Knob("rate_bulgaria", "chance a consignment is seized in Bulgaria", (0.0, 0.1, 0.4, 0.6, 0.8), "%"),
            Knob("rate_germany", "… in Germany", (0.0, 0.25, 0.4, 0.6), "%"),
            Knob("rate_france_inland", "… in inland France", (0.0, 0.25, 0.4, 0.6), "%"),
        ),
        "Assumed: makers answer seizures by making more (within their capacity, after weeks to months) and charging "
        "more, and part of the flow moves to other corridors at extra cost and delay; networks reorder only after a "
        "loss, never ahead of the losses they expect, so seizures may look stronger here than they are. Short of "
        "boats, gangs fill the ones they have and buy flimsier ones. How fast makers and corridors respond and how "
        "much flimsier the boats get are guesses, and so are seizure rates beyond 2024's.",
    ),
    LeverControl(
        "international_posts",
        "UK officers posted abroad (NCA, Europol)",
        "upstream",
        (),
        "Assumed: each officer abroad adds a small fixed chance of seizures, of interceptions on the route and of "
        "people not setting off; no evaluation has measured these, the sizes are guesses.",
    ),
    LeverControl(
        "gang_disruption",
        "Investigations into smuggling gangs",
        "upstream",
        (Knob("investigations", "live investigations", (80, 240, 320, 400), "", ((80.0, "about 2024"),)),),
        "Assumed: gangs replace arrested crews, organisers and financiers in about 45 days; how fast they "
        "regenerate is a guess.",
    ),
    LeverControl(
        "beach_patrols",
        "French beach patrols",
        "beaches",
        (
            Knob(
                "officers_per_night",
                "officers on the beaches per night",
                (400, 800, 1600, 2400, 3200, 4000),
                "",
                ((800.0, "about 2024"),),
            ),
        ),
        "Assumed: gangs copy what gets past the patrols, switching to taxi boats that pick people up from the "
        "water and to farther, less watched beaches; how fast they learn is a guess.",
    ),
    LeverControl(
        "search_and_rescue",
        "Rescue vessels in the Channel",
        "sea",
        (
            Knob("vessels", "vessels on station", (4, 8, 16, 24, 40), "", ((8.0, "2024"),)),
            AssumptionSwitch(
                "moral_hazard",
                "smugglers take more risk when rescue is near",
                ("quality_drop_per_vessel",),
                ("enforcement.border_force.moral_hazard=false",),
            ),
        ),
        "Contested: the moral hazard of rescue. With more rescue nearby, smugglers may launch in rougher seas and "
        "in worse boats, as studies of the Mediterranean suggest; its size here is a guess, and with it the rescue "
        "lever alone can raise deaths. Untick the box to see the rescue effect without it.",
    ),
    LeverControl(
        "deterrence",
        "Removal to a third country (deterrence)",
        "uk",
        (
            Knob("capacity_per_year", "removal places a year", (1000, 2500, 10_000, 20_000, 40_000)),
            Knob(
                "response_strength",
                "how strongly people respond to the risk of removal",
                (0.0, 0.25, 0.5, 2.0, 3.0, 5.0),
                notes=RESPONSE_NOTES,
            ),
            Switch("operating", "removals actually happen (untick: announced only)"),
        ),
        "Contested: whether people give up crossing for fear of removal at all. Research finds little effect "
        "(a response of 0 to 0.5); the Home Office's break-even case needs about 3. Pick the response above.",
    ),
    LeverControl(
        "returns",
        "Returns agreements (Albania-style, one in, one out)",
        "uk",
        (),
        "Assumed: each nationality responds to its own return rate as Albanians did after the 2022 deal "
        "(a loose calibration on one case).",
    ),
    LeverControl(
        "asylum_processing",
        "Faster asylum decisions",
        "uk",
        (Knob("decisions_per_day", "initial decisions a day", (380, 900, 1200), "", ((380.0, "about 2024"),)),),
        "Assumed: decision speed changes the backlog and hotel costs, not crossings; the model has no pull effect "
        "of faster decisions.",
    ),
)


# -------------------------------------------------------------------------------------------- keys and defaults
def toggle_key(lever: str) -> str:
    return lever


def knob_key(lever: str, knob: Setting) -> str:
    """Keyword of a lever setting on the page: ``LEVER.FIELD`` (``LEVER.KEY`` for an assumption switch)."""
    return f"{lever}.{knob.key if isinstance(knob, AssumptionSwitch) else knob.field}"


def cli_defaults() -> SimConfig:
    """The configuration the CLI runs with no arguments (`python -m sim`)."""
    return _composed(())[0]


def lever_defaults() -> PolicyConfig:
    """Every lever switched on with its configs/policy/NAME.yaml values (composed as the CLI composes them)."""
    return _composed(())[1]


def lever_value(lever: str, field: str) -> Any:
    return getattr(getattr(lever_defaults(), lever), field)


def declared_range(lever: str, field: str) -> tuple[float | None, float | None]:
    """The (low, high) range declared for a lever field in sim/config.py."""
    cls = type(getattr(lever_defaults(), lever))
    for f in dataclasses.fields(cls):
        if f.name == field:
            return f.metadata.get("range", (None, None))
    raise KeyError(f"policy.{lever}.{field}: no such field")


def _has_field(lever: str, field: str) -> bool:
    return any(f.name == field for f in dataclasses.fields(type(getattr(lever_defaults(), lever))))


@functools.cache
def controls() -> tuple[LeverControl, ...]:
    """CONTROLS for the levers the model has, plus the levers it has that CONTROLS does not name; a start date
    for every lever whose config has one."""
    named = {c.lever: c for c in CONTROLS}
    out = []
    for lever in LEVERS:
        c = named.get(lever) or LeverControl(lever, lever.replace("_", " ").capitalize(), "other")
        knobs = tuple(k for k in c.knobs if not isinstance(k, (Knob, Switch)) or _has_field(lever, k.field))
        if _has_field(lever, "start_date") and isinstance(lever_value(lever, "start_date"), str):
            knobs = (*knobs, StartDate())
        out.append(dataclasses.replace(c, knobs=knobs))
    return tuple(out)


def control(lever: str) -> LeverControl:
    return next(c for c in controls() if c.lever == lever)


def start_date_choices() -> list[str]:
    """The first day of the year and of each later quarter (ISO dates), for levers with a start date."""
    first = dt.date.fromisoformat(cli_defaults().world.start_date)
    return [
        dt.date(first.year + (first.month + m - 1) // 12, (first.month + m - 1) % 12 + 1, 1).isoformat()
        for m in (0, 3, 6, 9)
    ]


def default_value(lever: str, knob: Setting) -> Any:
    if isinstance(knob, AssumptionSwitch):
        return any(float(lever_value(lever, f)) != 0.0 for f in knob.fields)
    return lever_value(lever, knob.field)


def default_settings(base: Sequence[str] = ()) -> dict[str, Any]:
    """Every control at the value the CLI would use with ``base`` (a new dict each time)."""
    return dict(_default_settings(tuple(base)))


@functools.cache
def _default_settings(base: tuple[str, ...]) -> dict[str, Any]:
    cfg = _composed(base)[0]
    out: dict[str, Any] = {SEED_KEY: cfg.seed}
    for c in controls():
        out[toggle_key(c.lever)] = bool(getattr(cfg.policy, c.lever).enabled)
        for k in c.knobs:
            out[knob_key(c.lever, k)] = default_value(c.lever, k)
    return out


def unknown_settings(settings: Mapping[str, Any]) -> list[str]:
    known = set(default_settings())
    return sorted(k for k in settings if k not in known)


def knob_choices(lever: str, knob: Knob) -> list[float | int]:
    """The values offered for a knob: its list and the configured value, sorted, as ints where whole."""
    values = sorted({float(v) for v in knob.choices} | {float(lever_value(lever, knob.field))})
    return [int(v) if v.is_integer() else v for v in values]


# --------------------------------------------------------------------------------------------- to a config
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
    if isinstance(a, str) or isinstance(b, str):
        return str(a) == str(b)
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))


def levers_ticked(settings: Mapping[str, Any]) -> list[str]:
    """Levers switched on, in the order of sim.policies.LEVERS (the order the model applies them)."""
    on = {c.lever for c in controls() if settings.get(toggle_key(c.lever), False)}
    return [name for name in LEVERS if name in on]


def moved_fields(settings: Mapping[str, Any], lever: str) -> dict[str, Any]:
    """The fields of a ticked lever that the settings move away from its yaml values, with their typed values."""
    out: dict[str, Any] = {}
    for k in control(lever).knobs:
        key = knob_key(lever, k)
        if key not in settings:
            continue
        if isinstance(k, AssumptionSwitch):
            if not settings[key]:
                out.update({f: type(lever_value(lever, f))(0) for f in k.fields if float(lever_value(lever, f))})
            continue
        default = lever_value(lever, k.field)
        if not _same(settings[key], default):
            kind = type(default)
            out[k.field] = settings[key] if kind is str else kind(settings[key])
    return out


def observed_levers(base: Sequence[str] = ()) -> set[str]:
    """Levers the configuration with ``base`` already switches on (observed policy, e.g. the returns agreements
    the timeline drives): ticked, they need no ``policy=[...]`` entry; unticked, they are switched off."""
    cfg = _composed(tuple(base))[0]
    return {c.lever for c in controls() if getattr(cfg.policy, c.lever).enabled}


def lever_overrides(settings: Mapping[str, Any], base: Sequence[str] = ()) -> list[str]:
    """The Hydra overrides for the levers (not the seed): ``policy=[...]`` for levers ticked beyond the observed
    ones, settings moved away from the yaml, and observed levers unticked switched off."""
    on = levers_ticked(settings)
    observed = observed_levers(base)
    added = [lever for lever in on if lever not in observed]
    out = [f"policy=[{','.join(added)}]"] if added else []
    for lever in on:
        out += [f"policy.{lever}.{f}={_fmt(v)}" for f, v in moved_fields(settings, lever).items()]
    out += [f"policy.{lever}.enabled=false" for lever in sorted(observed - set(on))]
    return out + assumption_overrides(settings)


def seed_override(seed: int) -> str:
    return f"seed={int(seed)}"


_COMPOSING = threading.Lock()  # Hydra's compose keeps global state: one composition at a time


@functools.lru_cache(maxsize=4)
def _composed_once(base: tuple[str, ...]) -> tuple[SimConfig, PolicyConfig]:
    # Every lever's yaml at once is not a configuration anyone runs (a world may lack a lever's nationalities):
    # typed but not validated; settings_config validates what is run, as the CLI does.
    raw = OmegaConf.to_container(compose_raw([*base, f"policy=[{','.join(LEVERS)}]"]), resolve=True)
    assert isinstance(raw, dict)
    raw.pop("hydra", None)
    levers = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(SimConfig), raw)).policy
    return load_config(list(base)), levers


def _composed(base: tuple[str, ...]) -> tuple[SimConfig, PolicyConfig]:
    """The CLI's configuration with ``base`` and the levers' yaml values with ``base`` (composed once each)."""
    with _COMPOSING:
        return _composed_once(base)


def settings_config(base: tuple[str, ...], settings: Mapping[str, Any]) -> SimConfig:
    """The validated configuration of ``load_config([*base, seed_override(seed), *lever_overrides(settings)])``,
    built from two cached compositions instead of composing the YAML again."""
    unknown = unknown_settings(settings)
    if unknown:
        raise ConfigError(f"dashboard: unknown controls {unknown}")
    settings = {**default_settings(base), **settings}
    cfg, levers = _composed(tuple(base))
    observed = observed_levers(base)
    on = levers_ticked(settings)
    changes = {
        lever: dataclasses.replace(
            getattr(cfg.policy if lever in observed else levers, lever), **moved_fields(settings, lever)
        )
        for lever in on
    }
    changes |= {lever: dataclasses.replace(getattr(cfg.policy, lever), enabled=False) for lever in observed - set(on)}
    policy = dataclasses.replace(cfg.policy, **changes)
    out = dataclasses.replace(cfg, seed=int(settings[SEED_KEY]), policy=policy)
    for override in assumption_overrides(settings):
        key, value = override.split("=", 1)
        out = _replaced(out, key.split("."), yaml.safe_load(value))
    # As the CLI does (sim.cli.explicit_over_timeline): a key set here that the timeline also sets keeps this value.
    dropped = timeline_keys_set(lever_overrides(settings, base)) if out.timeline.file else []
    if dropped:
        drop = [*out.timeline.drop, *(k for k in dropped if k not in out.timeline.drop)]
        out = dataclasses.replace(out, timeline=dataclasses.replace(out.timeline, drop=drop))
    return validate(copy.deepcopy(out))  # a copy: no run shares mutable parts with the cached compositions


def assumption_overrides(settings: Mapping[str, Any]) -> list[str]:
    """Overrides outside the levers added by unticked assumption switches (``AssumptionSwitch.off``)."""
    out: list[str] = []
    for lever in levers_ticked(settings):
        for k in control(lever).knobs:
            if isinstance(k, AssumptionSwitch) and not settings.get(knob_key(lever, k), True):
                out += list(k.off)
    return out


def _replaced(node: Any, path: list[str], value: Any) -> Any:
    """A copy of a config dataclass with the field at ``path`` set to ``value``."""
    head, *rest = path
    return dataclasses.replace(node, **{head: _replaced(getattr(node, head), rest, value) if rest else value})
