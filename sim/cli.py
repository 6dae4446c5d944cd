"""Hydra glue: the schema registration, composing a config from overrides, and checking a command line
before any work starts (so a bad value gives one line and nothing is written).

Also here, because every front end composes through :func:`compose_raw`: applying ``posterior_draw=K`` (row K of
the calibration's posterior draws, or their medians when K is null, replaces the defaults; command-line overrides
win), the outcome list of
``python -m sim --help`` (``configs/hydra/help/channel.yaml``) and the nearest valid name for a misspelt key,
group option or flag ("did you mean scenario?")."""

from __future__ import annotations

import contextlib
import copy
import csv
import dataclasses
import difflib
import functools
import hashlib
import itertools
import math
import re
import statistics
import textwrap
import types
import typing
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml
from hydra import compose, initialize_config_dir
from hydra.core.config_store import ConfigStore
from hydra.core.global_hydra import GlobalHydra
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf, open_dict, read_write
from omegaconf.errors import OmegaConfBaseException

from sim import composition_cache
from sim.config import ConfigError, SimConfig, declared_default, declared_range, validate

ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = ROOT / "configs"
SCHEMA_NAME = "channel_schema"
MAX_PREFLIGHT_COMBINATIONS = 256


def register_schema() -> None:
    """Put the schema in Hydra's ConfigStore (once: storing converts SimConfig to a structured config again,
    a tenth of a second each time) and register the ``--help`` resolver."""
    store = ConfigStore.instance()
    if f"{SCHEMA_NAME}.yaml" not in store.repo:
        store.store(name=SCHEMA_NAME, node=SimConfig)
    if not OmegaConf.has_resolver("channel_outcomes"):
        OmegaConf.register_new_resolver("channel_outcomes", outcomes_help)  # for --help
    # hydra/sweeper=design: registered on import (Hydra imports it too, but only once its plugin scan has run).
    import hydra_plugins.channel_abm_sweeper.design_sweeper  # noqa: F401


def to_simconfig(cfg: DictConfig) -> SimConfig:
    """Turn a composed Hydra config into the typed, validated SimConfig.

    A composition of ``configs/`` is already typed by the schema (``channel_schema`` heads its defaults), so its
    objects are read off it directly (milliseconds); anything else, or anything that does not read off cleanly, is
    merged into the schema from its plain values (a tenth of a second), which also words the errors."""
    if isinstance(cfg, DictConfig) and OmegaConf.get_type(cfg) is SimConfig and "hydra" not in cfg:
        try:
            obj = OmegaConf.to_object(cfg)
        except OmegaConfBaseException:
            obj = None
        if isinstance(obj, SimConfig) and not _has_unknown_keys(obj):
            return validate(obj)
    plain = OmegaConf.to_container(cfg, resolve=True)
    assert isinstance(plain, dict)
    plain.pop("hydra", None)
    return copy.deepcopy(_typed_config(_frozen(plain)))  # a copy: callers may change their SimConfig


def _has_unknown_keys(value: Any) -> bool:
    """Whether a key the schema does not declare came through (``+world.routes.balkan.legs.0.speed=1``):
    ``OmegaConf.to_object`` sets such a key as an attribute, where merging into the schema refuses it."""
    if dataclasses.is_dataclass(value):
        names = [f.name for f in dataclasses.fields(value)]
        return len(vars(value)) != len(names) or any(_has_unknown_keys(getattr(value, n)) for n in names)
    if isinstance(value, dict):
        return any(_has_unknown_keys(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_has_unknown_keys(v) for v in value)
    return False


@functools.lru_cache(maxsize=4)
def _typed_config(frozen: tuple) -> SimConfig:
    """The typed, validated SimConfig of a plain config (as :func:`_frozen`), merged into the structured schema.
    Memoised: merging is dear (about 0.1 s), and its result depends on the plain values alone."""
    try:
        obj = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(SimConfig), _thawed(frozen)))
    except OmegaConfBaseException as exc:
        raise ConfigError(one_line(exc)) from None
    assert isinstance(obj, SimConfig)
    return validate(obj)


def _frozen(value: Any) -> Any:
    """A plain config (dicts, lists, scalars) as nested tuples, hashable and telling dicts from lists and types."""
    if isinstance(value, dict):
        return ("dict", tuple((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("list", tuple(_frozen(v) for v in value))
    return ("value", type(value).__name__, value)


def _thawed(frozen: tuple) -> Any:
    if frozen[0] == "dict":
        return {k: _thawed(v) for k, v in frozen[1]}
    if frozen[0] == "list":
        return [_thawed(v) for v in frozen[1]]
    return frozen[2]


def load_config(overrides: list[str] | None = None, config_name: str = "config") -> SimConfig:
    """Compose ``configs/`` with overrides, exactly as the CLI does, and validate it."""
    return to_simconfig(compose_raw(overrides or [], config_name))


def compose_raw(overrides: list[str], config_name: str = "config", with_hydra: bool = False) -> DictConfig:
    """Compose ``configs/`` with overrides (Hydra's own section too if ``with_hydra``) and apply ``posterior_draw``
    (as ``python -m sim`` does); ConfigError on one line."""
    cfg, _ = _compose(overrides, config_name, with_hydra)
    return explicit_over_timeline(apply_posterior_draw(cfg, overrides), overrides)


# hydra.job.name of a run: what @hydra.main names it from sim/__main__.py (its log file is __main__.log).
JOB_NAME = "__main__"


def _compose(overrides: Sequence[str], config_name: str, with_hydra: bool) -> tuple[DictConfig, Any]:
    """Hydra's composition of ``configs/`` (nothing of ours applied) and the config loader that made it (a run's
    job is given it, as Hydra gives it to its own); ConfigError on one line."""
    register_schema()
    try:
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3", job_name=JOB_NAME):
            cfg = compose(config_name=config_name, overrides=list(overrides), return_hydra_config=with_hydra)
            loader = GlobalHydra.instance().config_loader()
    except (HydraException, OmegaConfBaseException) as exc:
        raise ConfigError(one_line(exc)) from None
    except yaml.YAMLError as exc:
        raise ConfigError(yaml_error_line(exc)) from None
    return cfg, loader


def timeline_keys_set(overrides: Sequence[str]) -> list[str]:
    """The keys of ``overrides`` that a timeline may also set (sim/timeline.py ``KEYS``), sorted."""
    from sim.timeline import KEYS, pattern_of

    return sorted(
        k
        for k in _override_keys(overrides)
        if k.split(".")[0] in ("enforcement", "supply_chain", "policy", "migration") and pattern_of(k) in KEYS
    )


def explicit_over_timeline(cfg: DictConfig, overrides: Sequence[str]) -> DictConfig:
    """A key the command line sets that the timeline also sets keeps the command line's value for the whole run: its
    rows are left out (added to ``timeline.drop`` as keys, sim/timeline.py), e.g. ``enforcement.beach_officers=1200``
    in the default 2024 run. Use ``timeline.set.ID=VALUE`` to change an observed event on its date instead."""
    timeline = cfg.get("timeline")
    if not timeline or not timeline.get("file"):
        return cfg
    keys = timeline_keys_set(overrides)
    if keys:
        with read_write(cfg), open_dict(cfg):
            cfg.timeline.drop = [*cfg.timeline.drop, *(k for k in keys if k not in cfg.timeline.drop)]
    return cfg


def yaml_error_line(exc: yaml.YAMLError) -> str:
    """A YAML syntax error in a config file as one line: file, line and column, what is wrong."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is None:
        return f"YAML syntax error in a config file: {problem}"
    name = Path(str(mark.name))
    with contextlib.suppress(ValueError):
        name = name.relative_to(CONFIG_DIR.parent)
    return f"{name}, line {mark.line + 1}, column {mark.column + 1}: YAML syntax error ({problem})"


# --------------------------------------------------------------------------------------------------- help
def outcomes_help(width: int = 110) -> str:
    """The outcome names of summary.json, wrapped, for ``python -m sim --help`` (configs/hydra/help/channel.yaml)."""
    from sim.outputs import SUMMARY_OUTCOMES

    return textwrap.fill(", ".join(SUMMARY_OUTCOMES), width=width, initial_indent="  ", subsequent_indent="  ")


# ------------------------------------------------------------------------------------------ posterior draws
POSTERIOR_DRAWS = ROOT / "data" / "calibration" / "history" / "posterior_draws.csv"  # the default posterior_file


def _shown(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def read_posterior_draws(path: Path = POSTERIOR_DRAWS) -> tuple[list[str], list[list[str]]]:
    """(config keys, rows of values as text) of a posterior_draws.csv, checked: header ``draw`` then keys, one
    row per draw numbered 0, 1, ..., a number in every cell. Raises ConfigError naming the file."""
    shown = _shown(path)
    try:
        with open(path, newline="") as fh:
            table = [row for row in csv.reader(fh) if row]
    except OSError as exc:
        raise ConfigError(
            f"posterior_draw: cannot read {shown} ({exc.strerror or type(exc).__name__}); "
            "python -m sim.calibrate --write-draws writes it from the accepted set"
        ) from None
    if not table or table[0][:1] != ["draw"] or len(table[0]) < 2:
        raise ConfigError(f"{shown}: not a posterior draws file (first column must be 'draw', then config keys)")
    keys, rows = table[0][1:], table[1:]
    for i, row in enumerate(rows):
        if len(row) != len(keys) + 1 or row[0].strip() != str(i):
            raise ConfigError(f"{shown}: damaged at draw {i} (expected {len(keys) + 1} cells starting with {i})")
        for key, cell in zip(keys, row[1:], strict=True):
            try:
                value = float(cell)
            except ValueError:
                raise ConfigError(f"{shown}: draw {i}, {key}={cell!r} is not a number") from None
            if not math.isfinite(value):
                raise ConfigError(f"{shown}: draw {i}, {key}={cell}: not a finite number")
    return keys, [row[1:] for row in rows]


def calibration_id(path: Path = POSTERIOR_DRAWS) -> str:
    """Which calibration a draw comes from: the calibration folder and the first 12 hex digits of the SHA-256 of
    its posterior_draws.csv (another resample or another calibration gives another id)."""
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    return f"{_shown(Path(path).parent)}@{digest}"


def posterior_draw_values(k: int, path: Path = POSTERIOR_DRAWS) -> dict[str, int | float]:
    """The config values of row ``k`` of the posterior draws (integers for integer parameters)."""
    keys, rows = read_posterior_draws(path)
    if not rows:
        raise ConfigError(f"posterior_draw={k}: {_shown(path)} has no draws")
    if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k < len(rows):
        raise ConfigError(
            f"posterior_draw={k}: out of range, allowed [0, {len(rows) - 1}] (the draws of {_shown(path)})"
        )
    out: dict[str, int | float] = {}
    for key, cell in zip(keys, rows[k], strict=True):
        try:
            integer = isinstance(declared_default(key), int)
        except ConfigError:
            raise ConfigError(f"{_shown(path)}: column {key} is not a declared parameter") from None
        out[key] = round(float(cell)) if integer else float(cell)
    return out


def check_posterior_draws(path: Path = POSTERIOR_DRAWS) -> int:
    """Check every row of the draws file (readable, keys declared, values inside their declared ranges); return the
    number of rows. A sweep over draws then needs to compose only its smallest and largest K."""
    keys, rows = read_posterior_draws(path)
    for key in keys:
        try:
            low, high = declared_range(key)
        except ConfigError:
            raise ConfigError(f"{_shown(path)}: column {key} is not a declared parameter") from None
        for i, row in enumerate(rows):
            value = float(row[keys.index(key)])
            if (low is not None and value < low) or (high is not None and value > high):
                raise ConfigError(f"{_shown(path)}: draw {i}, {key}={value}: out of range, allowed [{low}, {high}]")
    return len(rows)


def _override_keys(overrides: Sequence[str]) -> set[str]:
    """The config keys a command line sets (without ``+``/``~`` prefixes); group choices and hydra keys too."""
    keys = set()
    for line in overrides:
        key = str(line).split("=", 1)[0].lstrip("+~").strip()
        if key:
            keys.add(key)
    return keys


def _keys_set_by(path: Path) -> set[str]:
    """Dotted keys a global-package YAML file (a scenario, an experiment) sets, outside ``hydra`` and ``defaults``."""
    try:
        node = OmegaConf.to_container(OmegaConf.load(path))
    except Exception:
        return set()
    out: set[str] = set()

    def walk(value: Any, prefix: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{prefix}{k}.")
        else:
            out.add(prefix.rstrip("."))

    if isinstance(node, dict):
        walk({k: v for k, v in node.items() if k not in ("hydra", "defaults")}, "")
    return out


def apply_posterior_draw(cfg: DictConfig, overrides: Sequence[str]) -> DictConfig:
    """Put the calibrated values of ``posterior_file`` into a composed config (in place).

    ``posterior_draw=K``: row K of the draws. A key the command line sets keeps its value (explicit overrides win); a
    scenario or experiment file that sets a drawn key is refused, since neither value alone would be right.
    ``posterior_draw=null``: the medians of the file's columns (:func:`posterior_medians`), read now, so the default
    run follows a recalibration with no edit; here a key the command line, the scenario or an experiment sets keeps
    its value (the medians stand in for the declared defaults, which those files override as usual).
    ``posterior_file=null``: neither; the declared defaults (what a calibration's own runs use)."""
    if not cfg.get("posterior_file"):
        return cfg
    k = cfg.get("posterior_draw")
    explicit = _override_keys(overrides)
    files = [CONFIG_DIR / "scenario" / f"{cfg.get('scenario')}.yaml"]
    files += [CONFIG_DIR / "experiment" / f"{o.split('=', 1)[1]}.yaml" for o in overrides if _is_experiment(o)]
    if k is None:
        values = posterior_medians(posterior_path(cfg))
        explicit |= set().union(*(_keys_set_by(path) for path in files))
    else:
        values = posterior_draw_values(k, posterior_path(cfg))
        for path in files:
            clash = sorted((_keys_set_by(path) & set(values)) - explicit)
            if clash:
                raise ConfigError(
                    f"posterior_draw={k}: {path.parent.name} {path.stem} sets {clash[0]}, which the draw sets too; "
                    "a draw cannot be combined with it (set the key on the command line to choose its value)"
                )
    with read_write(cfg), open_dict(cfg):
        for key, value in values.items():
            if key not in explicit:
                OmegaConf.update(cfg, key, value, merge=False)
    return cfg


@functools.lru_cache(maxsize=8)
def _medians(path: Path, stamp: tuple[int, int]) -> tuple[tuple[str, int | float], ...]:
    keys, rows = read_posterior_draws(path)
    if not rows:
        raise ConfigError(f"posterior_draw=null: {_shown(path)} has no draws to take medians of")
    out = []
    for j, key in enumerate(keys):
        try:
            integer = isinstance(declared_default(key), int)
        except ConfigError:
            raise ConfigError(f"{_shown(path)}: column {key} is not a declared parameter") from None
        median = statistics.median(float(row[j]) for row in rows)
        out.append((key, round(median) if integer else median))
    return tuple(out)


def posterior_medians(path: Path) -> dict[str, int | float]:
    """The median of every column of a posterior draws file (integers rounded for integer parameters): the values
    of ``posterior_draw=null``. Each parameter's own marginal median, as docs/calibration.md reports them; cached
    per file version (path, size, modification time)."""
    try:
        st = Path(path).stat()
    except OSError:
        read_posterior_draws(path)  # raises the one-line error naming the file
        raise
    return dict(_medians(Path(path), (st.st_size, st.st_mtime_ns)))


def _is_experiment(override: str) -> bool:
    return str(override).lstrip("+").split("=", 1)[0] == "experiment" and "=" in str(override)


def posterior_path(cfg: Any) -> Path:
    """The posterior draws file a config reads (``posterior_file``, relative to the repository; a scenario may
    declare its own, e.g. the history run's 2021-2023 calibration)."""
    name = cfg.get("posterior_file") if hasattr(cfg, "get") else getattr(cfg, "posterior_file", None)
    if not name:
        return POSTERIOR_DRAWS
    path = Path(str(name))
    return path if path.is_absolute() else ROOT / path


def draw_metadata(plain: dict[str, Any]) -> dict[str, Any]:
    """What a run's metadata.json records about its calibrated values: K (None for the medians), the file and the
    calibration's id (folder and digest of the draws file; all None if the run uses no posterior)."""
    k = plain.get("posterior_draw")
    if not plain.get("posterior_file"):
        return {"posterior_draw": k, "calibration_id": None}
    path = posterior_path(plain)
    return {
        "posterior_draw": k,
        "posterior_values": "medians" if k is None else f"draw {k}",
        "calibration_id": calibration_id(path),
        "posterior_file": _shown(path),
    }


def one_line(exc: BaseException) -> str:
    """Boil a Hydra/OmegaConf error down to one line naming the key, the value and what is allowed (and, for a
    misspelt key or option, the nearest valid name)."""
    msg = str(exc)
    if exc.__cause__ is not None:
        msg += "\n" + str(exc.__cause__)
    m = re.search(
        r"Could not find '([^']+)/([^']*)'.*?Available options in '[^']+':\s*(.*?)(?:\nConfig search path|$)", msg, re.S
    )
    if m:
        options = [o.strip() for o in m.group(3).split("\n") if o.strip()]
        if not m.group(2):
            return f"{m.group(1)}=: no option given; allowed: {', '.join(options)}"
        return unknown_option(m.group(1), m.group(2), options)
    m = re.search(r"Could not load '([^'/]+)/([^']+)'", msg)
    if m:
        options = sorted(p.stem for p in (CONFIG_DIR / m.group(1)).glob("*.yaml"))
        return unknown_option(m.group(1), m.group(2), options)
    m = re.search(r"Key '([^']+)' (?:is )?not in (?:struct|'(\w+)')", msg)
    if m:
        full = re.search(r"full_key: (\S+)", msg)
        key = full.group(1) if full else m.group(1)
        return unknown_key(key, m.group(1), m.group(2))
    m = re.search(r"Could not override '([^']+)'", msg)
    if m and "not in struct" not in msg:
        return unknown_key(m.group(1), m.group(1).rsplit(".", 1)[-1], None)
    m = re.search(r"Value '([^']*)' (?:of type '\w+' )?could not be converted to (\w+)", msg)
    if m:
        full = re.search(r"full_key: (\S+)", msg)
        key = full.group(1) if full else "value"
        return f"{key}={m.group(1)}: expected {m.group(2).lower()}"
    first = " ".join(line.strip() for line in msg.splitlines() if line.strip())
    return first[:300]


# ------------------------------------------------------------------------------------------- suggestions
def did_you_mean(word: str, candidates: Sequence[str]) -> str:
    """``"; did you mean X?"`` for the nearest candidate (difflib's ratio of at least 0.6), or ``""``. A candidate
    may carry a ``+`` (a group added with ``+group=option``): it is compared without it and shown with it."""
    bare = {c.lstrip("+"): c for c in candidates}
    close = difflib.get_close_matches(word.lstrip("+"), list(bare), n=1)
    return f"; did you mean {bare[close[0]]}?" if close else ""


def unknown_option(group: str, option: str, options: Sequence[str]) -> str:
    return f"{group}={option}: unknown option; allowed: {', '.join(options)}{did_you_mean(option, options)}"


def unknown_key(key: str, leaf: str, owner: str | None) -> str:
    """One line for a key that does not exist, suggesting the nearest key beside it (``scenari`` -> ``scenario``,
    ``smuggling.max_lod`` -> ``max_load``). ``owner`` is the schema class the key was looked up in, if known."""
    candidates = _keys_beside(key, owner)
    hint = did_you_mean(leaf, candidates)
    if hint and "." in key:
        hint = hint.replace("mean ", "mean " + key.rsplit(".", 1)[0].replace("[", ".").replace("]", "") + ".", 1)
    return f"{key}: unknown config key{hint} (see `python -m sim --cfg job` for the keys that exist)"


def _keys_beside(key: str, owner: str | None) -> list[str]:
    """The field names of the schema class that holds ``key`` (by its name, or by walking the dotted key from
    SimConfig); at the top level, also the config groups (``experiment`` and the others)."""
    import sim.config as C

    cls: Any = getattr(C, owner, None) if owner else None
    if cls is None:
        cls = SimConfig
        for part in re.split(r"[.\[\]]+", key)[:-1]:
            if not part or not dataclasses.is_dataclass(cls):
                continue
            hints = typing.get_type_hints(cls)
            if part not in hints:
                continue  # a dict key or list index (routes.NAME, legs.0): stay on the value type
            tp = hints[part]
            while typing.get_origin(tp) in (dict, list) or isinstance(tp, types.UnionType):
                tp = [a for a in typing.get_args(tp) if a is not type(None)][-1]
            cls = tp
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        return []
    names = [f.name for f in dataclasses.fields(cls)]
    if cls is SimConfig:  # groups that are not keys (experiment) are added with +group=option
        groups = sorted(p.name for p in CONFIG_DIR.iterdir() if p.is_dir() and p.name != "hydra")
        names += [g if g in names else f"+{g}" for g in groups]
    return names


_KNOWN_FLAGS = (
    "--help",
    "-h",
    "--hydra-help",
    "--version",
    "--cfg",
    "-c",
    "--resolve",
    "--package",
    "-p",
    "--run",
    "-r",
    "--multirun",
    "-m",
    "--shell-completion",
    "-sc",
    "--config-path",
    "-cp",
    "--config-name",
    "-cn",
    "--config-dir",
    "-cd",
    "--experimental-rerun",
    "--info",
    "-i",
)


def timeline_overrides(argv: Sequence[str]) -> list[str]:
    """``timeline.set.ID=V`` and ``timeline.dates.ID=D`` name timeline events, not keys the schema knows: they are
    passed to Hydra as ``++timeline.set.ID=V`` (add or replace), so that they need no ``+`` (sim/timeline.py)."""
    return [f"++{a}" if a.startswith(("timeline.set.", "timeline.dates.")) else a for a in argv]


def check_flags(argv: Sequence[str]) -> None:
    """Refuse an option Hydra does not know (``--multirum``) with one line and the nearest valid one, instead of
    Hydra's usage message."""
    for arg in argv:
        if not arg.startswith("-") or arg in _KNOWN_FLAGS:
            continue
        flag = arg.split("=", 1)[0]
        if flag in _KNOWN_FLAGS or re.fullmatch(r"-\d.*", arg):
            continue
        long_flags = [f for f in _KNOWN_FLAGS if f.startswith("--")]
        raise ConfigError(f"{flag}: unknown option{did_you_mean(flag, long_flags)} (see python -m sim --help)")


_HYDRA_FLAGS_WITH_VALUE = frozenset(
    {
        "--config-name",
        "-cn",
        "--config-path",
        "-cp",
        "--config-dir",
        "-cd",
        "--cfg",
        "-c",
        "--package",
        "-p",
        "--info",
        "-i",
        "--experimental-rerun",
    }
)


def split_argv(argv: list[str]) -> tuple[list[str], bool, str]:
    """Return (overrides, is_multirun, config_name) from a Hydra command line."""
    check_flags(argv)
    overrides: list[str] = []
    multirun = False
    config_name = "config"
    skip = False
    for i, arg in enumerate(argv):
        if skip:
            skip = False
            continue
        if arg in ("-m", "--multirun"):
            multirun = True
        elif arg in _HYDRA_FLAGS_WITH_VALUE:
            if arg in ("--config-name", "-cn") and i + 1 < len(argv):
                config_name = argv[i + 1]
            # --info takes an optional word (plugins, config, ...); the others always take a value.
            skip = arg not in ("--info", "-i") or (i + 1 < len(argv) and "=" not in argv[i + 1])
        elif arg.startswith("--config-name="):
            config_name = arg.split("=", 1)[1]
        elif arg.startswith("-"):
            continue
        else:
            overrides.append(arg)
    return overrides, multirun, config_name


def preflight(argv: list[str]) -> int:
    """Compose and validate every configuration a command line would run; return how many there are.

    Raises ConfigError (one line) on the first bad one. Sweeps are expanded; beyond
    MAX_PREFLIGHT_COMBINATIONS combinations each swept value is checked on its own against the base.
    """
    return check_command_line(argv).runs


@dataclasses.dataclass(frozen=True)
class CheckedCommandLine:
    """What :func:`check_command_line` found: how many runs, and for a plain single run (overrides only, no flag)
    Hydra's whole composition of it, untouched, and its config loader: :func:`run_composed` runs the job from them,
    so the run composes its config once."""

    runs: int
    composed: DictConfig | None = None
    config_loader: Any = None


def check_command_line(argv: list[str]) -> CheckedCommandLine:
    """:func:`preflight`, also returning a plain single run's composition (for :func:`run_composed`)."""
    overrides, multirun, config_name = split_argv(argv)
    plain = not any(str(a).startswith("-") for a in argv)  # a flag (--cfg, --help, -cn, ...): Hydra's own CLI
    try:
        return _preflight(overrides, multirun, config_name, plain)
    except ConfigError as exc:
        raise ConfigError(_full_key(str(exc), overrides)) from None


def _full_key(message: str, overrides: list[str]) -> str:
    """OmegaConf names an unknown key inside a list entry without its path (``foo``, not ``world.routes.balkan.
    legs.0.foo``): put the path back from the override that set it."""
    m = re.match(r"([\w-]+): unknown config key", message)
    if m:
        for ov in overrides:
            key = ov.split("=", 1)[0].lstrip("+~")
            if key.endswith("." + m.group(1)):
                return key + message[len(m.group(1)) :]
    return message


def _preflight(overrides: list[str], multirun: bool, config_name: str, plain: bool = False) -> CheckedCommandLine:
    parser = OverridesParser.create()
    try:
        parsed = parser.parse_overrides(overrides)
    except (HydraException, OmegaConfBaseException) as exc:
        raise ConfigError(one_line(exc)) from None
    if not multirun:
        for ov in parsed:
            if ov.is_sweep_override() and not ov.get_key_element().startswith("hydra"):
                raise ConfigError(f"{ov.input_line}: a sweep needs -m (multirun)")
        # One run: one composition with Hydra's part (its groups and keys, hydra/launcher=... included); the model's
        # part is checked, and Hydra's mode read from it, so that Hydra need not compose again to find it.
        cache_name = composition_cache.key(overrides, config_name) if plain and composition_cache.enabled() else None
        cached = composition_cache.load(cache_name) if cache_name else None
        if cached is not None:  # this command line composed before in this checkout (sim/composition_cache.py)
            composed, loader = cached, None
        else:
            composed, loader = _compose(overrides, config_name, with_hydra=True)
        # The job's config, as Hydra's run_job will make it: without Hydra's part. From the cache, a second load of
        # the entry is the copy (a quarter of what a deep copy of the composition costs).
        task = composition_cache.load(cache_name) if cached is not None and cache_name else None
        if task is None:
            task = copy.deepcopy(composed)
        with read_write(task), open_dict(task):
            del task["hydra"]
        to_simconfig(explicit_over_timeline(apply_posterior_draw(task, overrides), overrides))
        if plain and composed.hydra.mode in (None, RunMode.RUN) and not composed.hydra.verbose:
            if cache_name and cached is None:
                composition_cache.store(cache_name, composed)
            return CheckedCommandLine(runs=1, composed=composed, config_loader=loader)
        return CheckedCommandLine(runs=1)
    fixed: list[str] = []
    axes: list[list[str]] = []
    for ov in parsed:
        if ov.get_key_element().startswith("hydra"):
            continue
        if ov.is_sweep_override():
            key = ov.get_key_element()
            axes.append([f"{key}={v}" for v in ov.sweep_string_iterator()])
        else:
            fixed.append(ov.input_line)
    combos: list[list[str]]
    total = 1
    for ax in axes:
        total *= len(ax)
    if total <= MAX_PREFLIGHT_COMBINATIONS:
        combos = [list(c) for c in itertools.product(*axes)] if axes else [[]]
    else:
        combos = [[v] for ax in axes for v in ax]
    for combo in combos:
        load_config(fixed + combo, config_name)
    return CheckedCommandLine(runs=total)


def run_composed(checked: CheckedCommandLine, task_function: Callable[[DictConfig], Any]) -> Any:
    """Run a plain single run from the preflight's composition, as ``@hydra.main`` runs it, without composing again
    (``@hydra.main`` composes twice more: once only to read ``hydra.mode``, once to run). Through Hydra's public
    pieces only: the job itself is Hydra's ``run_job`` (what launcher plugins call: output folder, ``.hydra/``
    files, job logging, ``hydra.job.chdir`` and ``env_set``), with the logging and callbacks Hydra's run mode sets
    up around it. Returns the task's value; a task that raised raises again, after Hydra's line naming the job."""
    from hydra.core.utils import JobRuntime, configure_log, run_job, setup_globals
    from hydra.types import HydraContext

    cfg = checked.composed
    assert cfg is not None, "run_composed needs a plain single run's composition (check_command_line)"
    # What Hydra's initialisation sets up and a launcher sets up again before run_job: its resolvers (${now:...}) and
    # the job's name. A composition from the cache (sim/composition_cache.py) had no initialisation; its config
    # loader is None, which run_job does not use.
    setup_globals()
    JobRuntime.instance().set("name", cfg.hydra.job.name)
    if cfg.hydra.mode is None:  # what @hydra.main does when the config sets no mode: the run records it
        with read_write(cfg), open_dict(cfg):
            cfg.hydra.mode = RunMode.RUN
            cfg.hydra.overrides.hydra.append("hydra.mode=RUN")
    configure_log(cfg.hydra.hydra_logging, cfg.hydra.verbose)
    callbacks = _RunCallbacks(cfg)
    callbacks.on_run_start(config=cfg, config_name=cfg.hydra.job.config_name)
    ret = run_job(
        hydra_context=HydraContext(config_loader=checked.config_loader, callbacks=callbacks),  # type: ignore[arg-type]
        task_function=task_function,
        config=cfg,
        job_dir_key="hydra.run.dir",
        job_subdir_key=None,
    )
    callbacks.on_run_end(config=cfg, config_name=cfg.hydra.job.config_name, job_return=ret)
    return ret.return_value


class _RunCallbacks:
    """The callbacks of ``hydra.callbacks``, instantiated and told of the run and its job in the order Hydra tells
    them (ends in reverse); a callback that raises is reported as a warning, as Hydra reports it."""

    def __init__(self, cfg: DictConfig) -> None:
        self.callbacks: list[Any] = []
        configured = OmegaConf.select(cfg, "hydra.callbacks") or {}
        if configured:  # hydra.utils costs a few hundredths of a second to import: only when there are callbacks
            from hydra.utils import instantiate

            self.callbacks = [instantiate(params) for params in configured.values()]

    def _notify(self, name: str, reverse: bool = False, **kwargs: Any) -> None:
        import warnings

        for callback in reversed(self.callbacks) if reverse else self.callbacks:
            try:
                getattr(callback, name)(**kwargs)
            except Exception as exc:
                message = f"Callback {type(callback).__name__}.{name} raised {type(exc).__name__}: {exc}"
                warnings.warn(message, stacklevel=2)

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        self._notify("on_run_start", config=config, **kwargs)

    def on_run_end(self, config: DictConfig, **kwargs: Any) -> None:
        self._notify("on_run_end", reverse=True, config=config, **kwargs)

    def on_job_start(self, config: DictConfig, **kwargs: Any) -> None:
        self._notify("on_job_start", config=config, **kwargs)

    def on_job_end(self, config: DictConfig, **kwargs: Any) -> None:
        self._notify("on_job_end", reverse=True, config=config, **kwargs)
