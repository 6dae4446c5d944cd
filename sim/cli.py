"""Hydra glue: the schema registration, composing a config from overrides, and checking a command line
before any work starts (so a bad value gives one line and nothing is written)."""

from __future__ import annotations

import contextlib
import itertools
import re
from pathlib import Path

import yaml
from hydra import compose, initialize_config_dir
from hydra.core.config_store import ConfigStore
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.config import ConfigError, SimConfig, validate

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"
SCHEMA_NAME = "channel_schema"
MAX_PREFLIGHT_COMBINATIONS = 256


def register_schema() -> None:
    ConfigStore.instance().store(name=SCHEMA_NAME, node=SimConfig)
    # hydra/sweeper=design: registered on import (Hydra imports it too, but only once its plugin scan has run).
    import hydra_plugins.channel_abm_sweeper.design_sweeper  # noqa: F401


def to_simconfig(cfg: DictConfig) -> SimConfig:
    """Turn a composed Hydra config into the typed, validated SimConfig."""
    plain = OmegaConf.to_container(cfg, resolve=True)
    assert isinstance(plain, dict)
    plain.pop("hydra", None)
    try:
        obj = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(SimConfig), plain))
    except OmegaConfBaseException as exc:
        raise ConfigError(one_line(exc)) from None
    assert isinstance(obj, SimConfig)
    return validate(obj)


def load_config(overrides: list[str] | None = None, config_name: str = "config") -> SimConfig:
    """Compose ``configs/`` with overrides, exactly as the CLI does, and validate it."""
    return to_simconfig(compose_raw(overrides or [], config_name))


def compose_raw(overrides: list[str], config_name: str = "config", with_hydra: bool = False) -> DictConfig:
    """Compose ``configs/`` with overrides (Hydra's own section too if ``with_hydra``); ConfigError on one line."""
    register_schema()
    try:
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
            return compose(config_name=config_name, overrides=list(overrides), return_hydra_config=with_hydra)
    except (HydraException, OmegaConfBaseException) as exc:
        raise ConfigError(one_line(exc)) from None
    except yaml.YAMLError as exc:
        raise ConfigError(yaml_error_line(exc)) from None


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


def one_line(exc: BaseException) -> str:
    """Boil a Hydra/OmegaConf error down to one line naming the key, the value and what is allowed."""
    msg = str(exc)
    if exc.__cause__ is not None:
        msg += "\n" + str(exc.__cause__)
    m = re.search(
        r"Could not find '([^']+)/([^']*)'.*?Available options in '[^']+':\s*(.*?)(?:\nConfig search path|$)", msg, re.S
    )
    if m:
        options = ", ".join(o.strip() for o in m.group(3).split("\n") if o.strip())
        what = "unknown option" if m.group(2) else "no option given"
        return f"{m.group(1)}={m.group(2)}: {what}; allowed: {options}"
    m = re.search(r"Could not load '([^'/]+)/([^']+)'", msg)
    if m:
        options = sorted(p.stem for p in (CONFIG_DIR / m.group(1)).glob("*.yaml"))
        return f"{m.group(1)}={m.group(2)}: unknown option; allowed: {', '.join(options)}"
    m = re.search(r"Key '([^']+)' (?:is )?not in (?:struct|'\w+')", msg)
    if m:
        full = re.search(r"full_key: (\S+)", msg)
        key = full.group(1) if full else m.group(1)
        return f"{key}: unknown config key (see `python -m sim --cfg job` for the keys that exist)"
    m = re.search(r"Could not override '([^']+)'", msg)
    if m and "not in struct" not in msg:
        return f"{m.group(1)}: unknown config key (see `python -m sim --cfg job` for the keys that exist)"
    m = re.search(r"Value '([^']*)' (?:of type '\w+' )?could not be converted to (\w+)", msg)
    if m:
        full = re.search(r"full_key: (\S+)", msg)
        key = full.group(1) if full else "value"
        return f"{key}={m.group(1)}: expected {m.group(2).lower()}"
    first = " ".join(line.strip() for line in msg.splitlines() if line.strip())
    return first[:300]


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
    overrides, multirun, config_name = split_argv(argv)
    try:
        return _preflight(overrides, multirun, config_name)
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


def _preflight(overrides: list[str], multirun: bool, config_name: str) -> int:
    parser = OverridesParser.create()
    try:
        parsed = parser.parse_overrides(overrides)
    except (HydraException, OmegaConfBaseException) as exc:
        raise ConfigError(one_line(exc)) from None
    if not multirun and any(ov.get_key_element().startswith("hydra") for ov in parsed):
        compose_raw(overrides, config_name, with_hydra=True)  # Hydra's own groups and keys (hydra/launcher=...)
    fixed: list[str] = []
    axes: list[list[str]] = []
    for ov in parsed:
        if ov.get_key_element().startswith("hydra"):
            continue
        if ov.is_sweep_override():
            if not multirun:
                raise ConfigError(f"{ov.input_line}: a sweep needs -m (multirun)")
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
    return total
