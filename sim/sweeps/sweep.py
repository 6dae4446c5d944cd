"""Sweeps: the task of one run inside a sweep, the sweep table, resuming, and the progress display.

``python -m sim -m scenario=baseline_2024,border_security_2024 seed='range(20)'`` runs every combination through
Hydra's launcher (joblib on all local cores by default; ``hydra/launcher=slurm`` or ``ray`` on a cluster). Each
run writes its own folder ``SWEEP_DIR/<job_num>/`` (docs/outputs.md). This module adds:

- ``run_sweep_job``: the task of one run in a sweep. A run already finished in its folder with the same resolved
  configuration is not run again; a run that raises is recorded as failed (``metadata.json`` with ``status:
  failed`` and the error) and the sweep goes on.
- ``SweepCallback``: a Hydra callback in the launching process. Launchers run jobs in other processes (joblib's
  workers, Ray workers, Slurm jobs), so job callbacks do not reach it; instead every job drops a small marker file
  in ``SWEEP_DIR/.sweep/done/`` and a thread in the launching process picks them up, updates the sweep table and
  prints a progress line to stderr. This needs the sweep folder on a file system the workers share (always the
  case on one machine, and the usual set-up on a Slurm cluster).
- the sweep table ``sweep_runs.parquet`` and ``sweep_runs.csv``: one row per run (columns ``TABLE_COLUMNS``, then
  every scalar of summary.json, then the mappings flattened with dots at any depth), rewritten atomically as runs
  finish. The run folders are the truth: ``python -m sim.sweep SWEEP_DIR`` rebuilds the table from them.
- resuming: running the same sweep again (same ``hydra.sweep.dir``) reuses every finished run whose resolved
  configuration (``config_key``, seed included) is unchanged and redoes failed or missing ones. When the job list
  changed (say more seeds were added, which renumbers the jobs), finished runs are moved to the folder of their
  new job number before any job starts; finished runs of settings no longer in the sweep are moved to
  ``.sweep/superseded/`` rather than overwritten.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import functools
import itertools
import logging
import os
import shutil
import sys
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.hydra_config import HydraConfig
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf, open_dict, read_write

from sim.config import ConfigError
from sim.results import folders
from sim.results.folders import (  # the sweep table's contract lives with its reader
    BOOKKEEPING,
    FAILED,
    FINISHED,
    SKIPPED,
    TABLE_NAME,
    config_key,
    run_row,
    scan_runs,
    table_frame,
)
from sim.results.folders import (
    TABLE_COLUMNS as TABLE_COLUMNS,
)

log = logging.getLogger(__name__)

SWEEP_FAILED_EXIT = 1  # exit code of a sweep that ran to the end with failed runs (2: refused before any run)
DEFAULT_SUBDIR = "${hydra.job.num}"
RUN_FILES = ("metadata.json", "summary.json", "daily.parquet", "daily.csv", "config.yaml")


# -------------------------------------------------------------------------------------------- config key
def task_config(cfg: DictConfig) -> dict[str, Any]:
    """The resolved configuration of a run, without Hydra's own section (what config.yaml holds)."""
    plain = OmegaConf.to_container(cfg, resolve=True)
    assert isinstance(plain, dict)
    return {k: v for k, v in plain.items() if k != "hydra"}


def config_yaml(cfg: DictConfig) -> str:
    """The text of a run's config.yaml: :func:`task_config` as YAML, the text ``OmegaConf.to_yaml(task_config(cfg))``
    gives, written off the config itself when Hydra's part is not in it (not rebuilt from its plain values first:
    half the time), by libyaml's emitter where PyYAML has it (``_yaml_dumper``)."""
    if "hydra" in cfg:
        plain: Any = task_config(cfg)
    else:
        plain = OmegaConf.to_container(cfg, resolve=True, enum_to_str=True)
    dumper = _yaml_dumper()
    if dumper is None:
        return OmegaConf.to_yaml(plain)
    return yaml.dump(plain, default_flow_style=False, allow_unicode=True, sort_keys=False, Dumper=dumper)


@functools.cache
def _yaml_dumper() -> type | None:
    """OmegaConf's YAML dumper (``OmegaConf.to_yaml``: its quoting of strings that read as booleans or numbers) on
    libyaml's C emitter instead of PyYAML's Python one: the same text (tests/test_startup.py compares them) in a
    third of the time, a few hundredths of a second a run. None where PyYAML was built without libyaml or
    OmegaConf's dumper is not where it was (it is not public), and config.yaml is then written by
    ``OmegaConf.to_yaml`` itself."""
    try:
        from omegaconf._utils import OmegaConfDumper
    except ImportError:
        return None
    if not getattr(yaml, "__with_libyaml__", False) or not hasattr(OmegaConfDumper, "str_representer"):
        return None

    class CDumper(yaml.CDumper):
        """yaml.CDumper with OmegaConf's representer of strings."""

    CDumper.add_representer(str, OmegaConfDumper.str_representer)
    return CDumper


def one_line_error(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())[:500]


# ------------------------------------------------------------------------------------------ one sweep job
def _write_json(path: Path, data: dict[str, Any]) -> None:
    from sim.outputs import atomic_write_text, json_text

    atomic_write_text(path, json_text(data))


def finished_run(run_dir: Path, key: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(metadata, summary) of an intact finished run in ``run_dir`` with configuration ``key``, else None.

    Intact as ``sim.outputs.run_folder_damage`` defines it (every run file present, checksums as recorded)."""
    from sim.outputs import run_folder_damage

    meta = folders.read_json(run_dir / "metadata.json")
    if not meta or meta.get("status") != FINISHED or meta.get("config_key") != key:
        return None
    if run_folder_damage(run_dir) is not None:
        return None
    summary = folders.read_json(run_dir / "summary.json")
    if summary is None:
        return None
    return meta, summary


def _why_not_reused(run_dir: Path, key: str) -> str:
    from sim.outputs import run_folder_damage

    meta = folders.read_json(run_dir / "metadata.json") or {}
    if meta.get("config_key") != key:
        return "its configuration differs from this sweep's"
    return run_folder_damage(run_dir) or "summary.json unreadable"


def _clear_run_files(run_dir: Path, sweep_dir: Path, job_num: int) -> str | None:
    """Make room for a new attempt. What a failed attempt left is removed; the files of a run that once finished
    (now damaged, or made with another configuration) are moved to ``.sweep/superseded/``, never deleted. Metadata
    goes first, so a half-cleared folder never looks finished. Returns where a run was moved, if one was."""
    meta = folders.read_json(run_dir / "metadata.json")
    if meta is not None and meta.get("status") == FINISHED:
        kept = sweep_dir / BOOKKEEPING / "superseded" / _stamp() / str(job_num)
        kept.mkdir(parents=True, exist_ok=True)
        for name in RUN_FILES:  # not .hydra/ nor the log: Hydra wrote those for this attempt, before it started
            if (run_dir / name).exists():
                os.replace(run_dir / name, kept / name)
        return str(kept)
    for name in RUN_FILES:
        (run_dir / name).unlink(missing_ok=True)
    return None


def run_sweep_job(cfg: DictConfig) -> dict[str, Any] | None:
    """The task of one run in a multirun: reuse, run, or record the failure; never raise an ordinary exception."""
    from sim.cli import draw_metadata, to_simconfig
    from sim.model import run
    from sim.outputs import git_revision, package_versions, write_run_folder
    from sim.sweeps.scheduler import scheduler_info

    hc = HydraConfig.get()
    out_dir = Path(hc.runtime.output_dir)
    sweep_dir = Path(hc.sweep.dir).resolve()
    job_num = int(hc.job.num)
    overrides = " ".join(str(o) for o in hc.overrides.task)
    plain = task_config(cfg)
    key = config_key(plain)
    extra = {
        "job_num": job_num,
        "overrides": overrides,
        "config_key": key,
        "scenario": str(plain.get("scenario", "")),
        **draw_metadata(plain),
        "scheduler": scheduler_info(),  # where it ran: Slurm job and array ids, Ray node id, or local
    }
    status = FAILED
    summary: dict[str, Any] | None = None
    t0 = time.perf_counter()
    try:
        found = finished_run(out_dir, key)
        if found is not None:
            status = SKIPPED
            meta, summary = found
            if meta.get("job_num") != job_num or meta.get("overrides") != overrides:
                meta.update({"job_num": job_num, "overrides": overrides})
                _write_json(out_dir / "metadata.json", meta)
            log.info("job %d: finished run with the same configuration found in %s; not run again", job_num, out_dir)
            return summary
        why = _why_not_reused(out_dir, key)
        kept = _clear_run_files(out_dir, sweep_dir, job_num)
        if kept is not None:
            log.warning(
                "job %d: the finished run in %s is redone (%s); the old one is in %s", job_num, out_dir, why, kept
            )
        sim_cfg = to_simconfig(cfg)
        results = run(sim_cfg)
        resolved = config_yaml(cfg)
        write_run_folder(out_dir, results, resolved, sim_cfg.seed, extra={**extra, "error": ""})
        status = FINISHED
        summary = results.summary
        return summary
    except Exception as exc:
        status = FAILED
        log.exception("job %d (%s) failed", job_num, overrides)
        meta = {
            "seed": plain.get("seed"),
            "wall_seconds": round(time.perf_counter() - t0, 4),
            "status": FAILED,
            "error": one_line_error(exc),
            "traceback": traceback.format_exc(),
            **extra,
            "versions": package_versions(),
            "git_revision": git_revision(),
        }
        try:
            _write_json(out_dir / "metadata.json", meta)
        except OSError:
            log.exception("job %d: could not record the failure in %s", job_num, out_dir)
        return None
    finally:
        try:
            rel = os.path.relpath(out_dir.resolve(), sweep_dir)
            _write_json(
                sweep_dir / BOOKKEEPING / "done" / f"{job_num}.json",
                {"job_num": job_num, "run_dir": rel, "status": status},
            )
        except OSError:
            log.exception("job %d: could not write its progress marker", job_num)


# ------------------------------------------------------------------------------- faults in Hydra's job set-up
def _run_job_guarded(original: Any, *args: Any, **kwargs: Any) -> Any:
    """Hydra's ``run_job``, except that a failure before the task function runs (the job folder cannot be made or
    written, its log file or ``.hydra/`` cannot be opened) is recorded as a failed run and returned as a failed
    job, instead of propagating to the launcher and stopping every other job of the sweep. Like ``run_sweep_job``
    the job returns as completed with no value: Hydra's sweeper re-raises a failed job's exception after the batch,
    which would end the sweep with a traceback; the failure is recorded in the sweep table instead."""
    from hydra.core.utils import JobReturn, JobStatus
    from hydra.types import RunMode

    config = kwargs.get("config", args[1] if len(args) > 1 else None)
    try:
        return original(*args, **kwargs)
    except Exception as exc:
        if config is None or OmegaConf.select(config, "hydra.mode") != RunMode.MULTIRUN:
            raise
        _record_setup_failure(config, exc)
        ret = JobReturn()
        ret.status = JobStatus.COMPLETED
        ret.return_value = None
        ret.overrides = [str(o) for o in config.hydra.overrides.task]
        return ret


def _record_setup_failure(config: DictConfig, exc: BaseException) -> None:
    """The progress marker of a job whose set-up failed carries its table row (its folder may be unwritable)."""
    job_num = int(config.hydra.job.num)
    sweep_dir = Path(str(config.hydra.sweep.dir)).resolve()
    out_dir = Path(str(OmegaConf.select(config, "hydra.runtime.output_dir") or sweep_dir / str(job_num)))
    error = "job set-up failed: " + one_line_error(exc)
    log.error("job %d: %s", job_num, error)
    marker = {
        "job_num": job_num,
        "run_dir": os.path.relpath(out_dir.resolve(), sweep_dir),
        "status": FAILED,
        "error": error,
        "overrides": " ".join(str(o) for o in config.hydra.overrides.task),
        "seed": OmegaConf.select(config, "seed"),
        "posterior_draw": OmegaConf.select(config, "posterior_draw"),
        "scenario": str(OmegaConf.select(config, "scenario") or ""),
        "setup_failed": True,
    }
    try:
        _write_json(sweep_dir / BOOKKEEPING / "done" / f"{job_num}.json", marker)
    except OSError:
        log.exception("job %d: could not write its progress marker", job_num)


def _setup_failure_row(marker: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    fixed = {
        "job_num": int(marker.get("job_num", -1)),
        "run_dir": str(marker.get("run_dir", "")),
        "scenario": str(marker.get("scenario", "")),
        "seed": marker.get("seed"),
        "posterior_draw": marker.get("posterior_draw"),
        "overrides": str(marker.get("overrides", "")),
        "config_key": "",
        "status": FAILED,
        "error": str(marker.get("error", "")),
        "wall_seconds": None,
    }
    return fixed, {}, {}


_LAUNCHER_MODULES = (
    "hydra.core.utils",
    "hydra._internal.core_plugins.basic_launcher",
    "hydra_plugins.hydra_joblib_launcher._core",
    "hydra_plugins.hydra_submitit_launcher.submitit_launcher",
    "hydra_plugins.hydra_ray_launcher._launcher_util",
)


def guard_job_setup() -> None:
    """Install ``_run_job_guarded`` where the launchers look ``run_job`` up (Hydra offers no hook before a job's
    set-up). Runs when this module is imported, which in a launcher's worker happens while the task function is
    unpickled, before the job starts. Single runs (``Hydra.run``) keep Hydra's own ``run_job``."""
    import functools

    import hydra.core.utils as hydra_utils

    original = getattr(hydra_utils.run_job, "__wrapped__", hydra_utils.run_job)
    guarded = functools.wraps(original)(functools.partial(_run_job_guarded, original))
    # Launcher modules imported later take the guarded one from hydra.core.utils; those already imported are
    # patched in place. None is imported here (Ray's would take seconds).
    for name in _LAUNCHER_MODULES:
        module = sys.modules.get(name)
        if module is not None and getattr(module, "run_job", None) is original:
            module.run_job = guarded


# ------------------------------------------------------------------------------------------------ table
def write_table(sweep_dir: Path, frame: pd.DataFrame) -> None:
    from sim.outputs import atomic_write_frame

    atomic_write_frame(Path(sweep_dir) / f"{TABLE_NAME}.parquet", frame)
    atomic_write_frame(Path(sweep_dir) / f"{TABLE_NAME}.csv", frame)


def rebuild_table(sweep_dir: Path, jobs: Sequence[str] | None = None) -> pd.DataFrame:
    """Rebuild the sweep table from the run folders (restricted to the current job list when it is known)."""
    rows = []
    for run_dir in scan_runs(sweep_dir):
        row = run_row(sweep_dir, run_dir)
        if row is None or not _belongs(row[0], jobs):
            continue
        rows.append(row)
    frame = table_frame(rows)
    write_table(sweep_dir, frame)
    return frame


def _belongs(fixed: dict[str, Any], jobs: Sequence[str] | None) -> bool:
    if jobs is None:
        return True
    n = fixed["job_num"]
    return 0 <= n < len(jobs) and fixed["overrides"] == jobs[n]


def read_table(sweep_dir: str | Path) -> pd.DataFrame:
    """The sweep table of a sweep folder, read as every tool reads it (``sim.results.folders.read_table``)."""
    return folders.read_table(sweep_dir)


# ------------------------------------------------------------------------------------------- job list
def _merge_sweep_overrides(lines: Sequence[str]) -> list[str]:
    """Later overrides of the same key replace earlier ones, keeping the first position (as BasicSweeper does)."""
    parsed = OverridesParser.create().parse_overrides(list(lines))
    merged: OrderedDict[str, str] = OrderedDict()
    for ov in parsed:
        merged[ov.get_key_element()] = ov.input_line
    return list(merged.values())


def listing_sweeper(sweeper: Any) -> Any | None:
    """The class of a sweeper that lists its own jobs, found from ``hydra.sweeper._target_``, or None.

    Such a sweeper (the design sweeper of sensitivity analysis, hydra_plugins/channel_abm_sweeper) has two static
    methods: ``job_list(sweeper_cfg, arguments)``, every job's overrides in job-number order, and
    ``preflight(sweeper_cfg, set_keys, base, config_name)``, which checks what it adds and returns its number of
    rows. This module knows only that protocol, not the sweepers (nor the analyses behind them)."""
    target = str(sweeper.get("_target_", "")) if sweeper is not None else ""
    if not target or target.endswith("BasicSweeper"):
        return None
    try:
        from hydra.utils import get_class

        cls = get_class(target)
    except Exception:
        return None
    return cls if hasattr(cls, "job_list") and hasattr(cls, "preflight") else None


def expand_jobs(config: DictConfig) -> list[str] | None:
    """The override string of every job, in job-number order, exactly as Hydra's BasicSweeper numbers them.

    None when another sweeper is configured or the sweep cannot be expanded here (a glob over a group).
    """
    try:
        sweeper = config.hydra.sweeper
        listing = listing_sweeper(sweeper)
        if listing is not None:
            return [" ".join(job) for job in listing.job_list(sweeper, [str(o) for o in config.hydra.overrides.task])]
        if not str(sweeper.get("_target_", "")).endswith("BasicSweeper"):
            return None
        node = sweeper.get("params")
        params = OmegaConf.to_container(node, resolve=False) if isinstance(node, DictConfig) else {}
        assert isinstance(params, dict)
        lines = [f"{k}={v}" for k, v in params.items()]
        lines += [str(o) for o in config.hydra.overrides.task]
        parsed = OverridesParser.create().parse_overrides(lines)
        batches = BasicSweeper.split_arguments(parsed, None)
    except Exception:
        return None
    return [" ".join(job) for job in batches[0]]


_LAUNCHER_PLUGINS = {
    "slurm": "hydra_plugins.hydra_submitit_launcher",
    "submitit_slurm": "hydra_plugins.hydra_submitit_launcher",
    "submitit_local": "hydra_plugins.hydra_submitit_launcher",
    "ray": "hydra_plugins.hydra_ray_launcher",
    "ray_cluster": "hydra_plugins.hydra_ray_launcher",
}


def _check_launcher_installed(name: str) -> None:
    import importlib.util

    module = _LAUNCHER_PLUGINS.get(name)
    if module is not None and importlib.util.find_spec(module) is None:
        raise ConfigError(
            f"hydra/launcher={name}: the launcher is not installed; install the cluster extra: "
            'pip install -e ".[cluster]"'
        )


def check_launcher_settings(launcher: DictConfig) -> None:
    """Settings of the launcher that would fail only once the sweep has started (one line, ConfigError)."""
    if str(launcher.get("_target_", "")).endswith("JoblibLauncher"):
        n_jobs = launcher.get("n_jobs")
        if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or not (n_jobs >= 1 or n_jobs == -1):
            raise ConfigError(
                f"hydra.launcher.n_jobs={n_jobs}: expected a number of processes (1 or more), or -1 for all cores"
            )


# Keys the cross-value rules read: the ordered pairs, and what the resource guard's estimate depends on.
_RESOURCE_KEYS = ("migration.annual_entrants", "scale", "days", "world.burn_in_days")


def _swept_numbers(axes: Sequence[Sequence[str]]) -> dict[str, list[float]]:
    """The numeric values of each swept key (``key=value`` lines of an axis), by key."""
    out: dict[str, list[float]] = {}
    for axis in axes:
        key = axis[0].split("=", 1)[0].lstrip("+~") if axis else ""
        try:
            out[key] = [float(line.split("=", 1)[1]) for line in axis]
        except (IndexError, ValueError):
            continue  # a choice of config group or a string: composed and checked value by value already
    return out


def check_combinations(base: Any, axes: Sequence[Sequence[str]]) -> None:
    """Apply the rules between parameters to every combination of a sweep's values, without composing them.

    Beyond ``max_combinations`` each value is composed with the base on its own, which cannot see a rule broken
    only by two values together (min_load=36 with comfortable_load=22). Swept keys vary independently, so a pair
    rule ``a <= b`` holds in every combination exactly when the largest ``a`` is at most the smallest ``b``, and
    the resource guard holds when it holds for the largest value of every key it reads. Values set by a swept
    config group (scenario=...) are not seen here; each was composed and checked with the base values."""
    from sim.config import ORDERED_PAIRS, ordered_pair_problem
    from sim.resources import estimate, resource_problem

    swept = _swept_numbers(axes)

    def values(key: str) -> list[float]:
        return swept.get(key) or [float(functools.reduce(getattr, key.split("."), base))]

    for small, large, _ in ORDERED_PAIRS:
        worst = {small: max(values(small)), large: min(values(large))}
        problem = ordered_pair_problem(worst, bool(base.weather.inverted_season))
        if problem:
            raise ConfigError(f"{problem}; in a combination of this sweep's values")
    largest = {key: max(values(key)) for key in _RESOURCE_KEYS}
    est = estimate(
        largest["migration.annual_entrants"], largest["scale"], largest["days"], largest["world.burn_in_days"]
    )
    problem = resource_problem(est, base.limits.max_memory_gb, base.limits.max_minutes)
    if problem:
        raise ConfigError(f"{problem}; the largest combination of this sweep's values")


def preflight_sweep(argv: list[str], max_combinations: int = 256) -> int:
    """Validate every run of a sweep before anything runs; return how many runs there are (0 if not ``-m``).

    The swept values are those of the command line and of the config (``hydra.sweeper.params``, as in the
    experiments), merged as Hydra's sweeper merges them. Every combination of the swept values other than the seed
    is composed and checked (each value on its own beyond ``max_combinations``); seeds only label replicates, so a
    sweep over integer seeds is checked at its smallest and largest seed (every integer between is then valid), and
    so is a sweep over posterior draws, once every row of the draws file is checked against the declared ranges.
    Raises ConfigError (one line naming the key and value) on the first bad one.
    """
    import yaml
    from hydra import compose, initialize_config_dir
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    from sim.cli import CONFIG_DIR, load_config, one_line, register_schema, split_argv, yaml_error_line

    overrides, multirun, config_name = split_argv(argv)
    if not multirun:
        return 0
    register_schema()
    try:
        parsed = OverridesParser.create().parse_overrides(overrides)
        for ov in parsed:
            if ov.get_key_element() == "hydra/launcher":
                _check_launcher_installed(str(ov.value()))
        fixed_all = [o.input_line for o in parsed if not o.is_sweep_override()]
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
            cfg = compose(config_name=config_name, overrides=fixed_all, return_hydra_config=True)
        check_launcher_settings(cfg.hydra.launcher)
        node = cfg.hydra.sweeper.get("params")
        params = OmegaConf.to_container(node, resolve=False) if isinstance(node, DictConfig) else {}
        assert isinstance(params, dict)
        lines = _merge_sweep_overrides([f"{k}={v}" for k, v in params.items()] + list(overrides))
        merged = OverridesParser.create().parse_overrides(lines)
    except (HydraException, OmegaConfBaseException) as exc:
        raise ConfigError(one_line(exc)) from None
    except yaml.YAMLError as exc:
        raise ConfigError(yaml_error_line(exc)) from None
    fixed: list[str] = []
    axes: list[list[str]] = []
    seeds: list[str] = []
    total = 1
    for ov in merged:
        key = ov.get_key_element()
        if key.startswith("hydra"):
            continue
        if not ov.is_sweep_override():
            fixed.append(ov.input_line)
            continue
        values = [str(v) for v in ov.sweep_string_iterator()]
        total *= len(values)
        if key == "seed" and values and all(v.lstrip("-").isdigit() for v in values):
            ints = sorted({int(v) for v in values})
            seeds = [f"seed={ints[0]}"] + ([f"seed={ints[-1]}"] if len(ints) > 1 else [])
        elif key == "posterior_draw" and values and all(v.lstrip("-").isdigit() for v in values):
            # every row of the draws file is checked once; then the smallest and largest K suffice
            from sim.cli import check_posterior_draws

            check_posterior_draws()
            ints = sorted({int(v) for v in values})
            axes.append([f"{key}={ints[0]}"] + ([f"{key}={ints[-1]}"] if len(ints) > 1 else []))
        else:
            axes.append([f"{key}={v}" for v in values])
    n_combos = 1
    for ax in axes:
        n_combos *= len(ax)
    if n_combos <= max_combinations:
        combos = [list(c) for c in itertools.product(*axes)] if axes else [[]]
    else:
        combos = [[v] for ax in axes for v in ax]
    for i, combo in enumerate(combos):
        for seed in seeds if i == 0 else seeds[:1]:
            load_config([*fixed, *combo, seed], config_name)
        if not seeds:
            load_config([*fixed, *combo], config_name)
    if n_combos > max_combinations:  # each value was checked on its own: now the rules across values
        check_combinations(load_config([*fixed, *seeds[:1]], config_name), axes)
    listing = listing_sweeper(cfg.hydra.sweeper)
    if listing is not None:  # e.g. a sensitivity design: its rows multiply the runs
        set_keys = [ov.get_key_element() for ov in merged if not ov.get_key_element().startswith("hydra")]
        total *= listing.preflight(cfg.hydra.sweeper, set_keys, [*fixed, *combos[0], *seeds[:1]], config_name)
    return total


_SKIP_RECHECK = False


def skip_hydra_recheck() -> None:
    """After ``preflight_sweep`` has checked every run: stop Hydra's basic sweeper from composing every job's config
    a second time, serially, in the launching process before launching (about 0.15 s a run, so minutes before the
    first of thousands of runs starts). Each job still composes its own config where it runs. This process only;
    applied by ``SweepCallback.on_multirun_start`` (Hydra re-executes its plugin modules when it scans them)."""
    global _SKIP_RECHECK
    _SKIP_RECHECK = True


def _apply_skip_recheck() -> None:
    from hydra._internal.core_plugins import basic_sweeper

    def validate_batch_is_legal(self: Any, batch: Sequence[Sequence[str]]) -> None:
        return None

    basic_sweeper.BasicSweeper.validate_batch_is_legal = validate_batch_is_legal  # type: ignore[method-assign]


# ---------------------------------------------------------------------------------------------- resume
def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S-%f")


def arrange_for_resume(sweep_dir: Path, jobs: Sequence[str]) -> tuple[int, int]:
    """Put each finished run in the folder of the job that has its overrides, before any job starts.

    Job folders are named by job number, so a sweep that gained values is numbered anew. A finished run whose
    overrides belong to another job is moved there; one whose overrides are in no job is moved to
    ``.sweep/superseded/`` (kept, not overwritten). Returns (runs moved to another job, runs superseded).
    """
    sweep_dir = Path(sweep_dir)
    want: dict[str, list[int]] = {}  # overrides -> job numbers (a sampling design may repeat a row)
    for i, ov in enumerate(jobs):
        want.setdefault(ov, []).append(i)
    holders: dict[int, tuple[str, str]] = {}  # folder number -> (overrides, status)
    for d in sweep_dir.iterdir() if sweep_dir.is_dir() else ():
        if d.is_dir() and d.name.isdigit():
            meta = folders.read_json(d / "metadata.json")
            if meta is not None and "overrides" in meta:
                holders[int(d.name)] = (str(meta["overrides"]), str(meta.get("status", "")))
    moves: dict[int, int] = {}  # from folder -> to folder
    taken: set[int] = set()
    for n, (ov, status) in holders.items():
        if status == FINISHED and n in want.get(ov, ()):
            taken.add(n)
    for n, (ov, status) in sorted(holders.items()):
        if status != FINISHED or n in want.get(ov, ()):
            continue
        free = [j for j in want.get(ov, ()) if j not in taken]
        if free:
            moves[n] = free[0]
            taken.add(free[0])
    evict = [
        n
        for n, (ov, status) in holders.items()
        if n not in moves and status == FINISHED and n not in want.get(ov, ()) and n < len(jobs)
    ]
    if not moves and not evict:
        return 0, 0
    book = sweep_dir / BOOKKEEPING
    stage = book / "stage" / _stamp()
    superseded = book / "superseded" / _stamp()
    stage.mkdir(parents=True, exist_ok=True)
    for n in moves:
        os.replace(sweep_dir / str(n), stage / str(n))
    for n in evict:
        superseded.mkdir(parents=True, exist_ok=True)
        os.replace(sweep_dir / str(n), superseded / str(n))
    for src, dst in moves.items():
        target = sweep_dir / str(dst)
        if target.exists():  # a failed or partial attempt in the folder the finished run belongs in
            superseded.mkdir(parents=True, exist_ok=True)
            os.replace(target, superseded / str(dst))
        os.replace(stage / str(src), target)
    shutil.rmtree(stage, ignore_errors=True)
    with contextlib.suppress(OSError):
        stage.parent.rmdir()  # only if empty
    return len(moves), len(evict)


# -------------------------------------------------------------------------------------- progress, table
def _hms(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class _Monitor:
    """Lives in the launching process: picks up the markers jobs drop, keeps the table and prints progress."""

    def __init__(self, sweep_dir: Path, jobs: list[str] | None, progress_every: float, poll_seconds: float) -> None:
        self.sweep_dir = sweep_dir
        self.jobs = jobs
        self.total = len(jobs) if jobs is not None else None
        self.progress_every = progress_every
        self.poll_seconds = poll_seconds
        self.done_dir = sweep_dir / BOOKKEEPING / "done"
        self.rows: dict[int, tuple[dict, dict, dict]] = {}  # by job number
        self.seen: set[str] = set()
        self.counts = {FINISHED: 0, FAILED: 0, SKIPPED: 0}
        self.start = time.monotonic()
        self.last_print = 0.0
        self.lock = threading.Lock()
        self.stop_event = threading.Event()
        self.tty = sys.stderr.isatty()
        self.thread = threading.Thread(target=self._loop, name="sweep-monitor", daemon=True)
        self.finished = False
        self.dirty = False
        self.next_write = 0.0

    def begin(self) -> None:
        if self.done_dir.exists():
            shutil.rmtree(self.done_dir)
        self.done_dir.mkdir(parents=True, exist_ok=True)
        for run_dir in scan_runs(self.sweep_dir):
            row = run_row(self.sweep_dir, run_dir)
            if row is not None and _belongs(row[0], self.jobs):
                self.rows[row[0]["job_num"]] = row
        self._write()
        self.thread.start()

    def _loop(self) -> None:
        while not self.stop_event.wait(self.poll_seconds):
            try:
                self.poll()
            except Exception:  # the display must never stop a sweep
                log.exception("sweep monitor")

    def poll(self, final: bool = False) -> None:
        with self.lock:
            new = 0
            try:
                names = sorted(p.name for p in os.scandir(self.done_dir) if p.name.endswith(".json"))
            except OSError:
                names = []
            for name in names:
                if name in self.seen:
                    continue
                marker = folders.read_json(self.done_dir / name)
                if marker is None:
                    continue
                self.seen.add(name)
                new += 1
                status = str(marker.get("status", FAILED))
                self.counts[status if status in self.counts else FAILED] += 1
                job_num = int(marker.get("job_num", -1))
                self.rows.pop(job_num, None)
                if marker.get("setup_failed"):
                    self.rows[job_num] = _setup_failure_row(marker)
                    self.dirty = True
                    continue
                row = run_row(self.sweep_dir, self.sweep_dir / str(marker.get("run_dir", "")))
                if row is not None:
                    self.rows[job_num] = row
                self.dirty = True
            if self.dirty and (final or time.monotonic() >= self.next_write):
                self._write()
            if new or final or self.tty:  # on a terminal the line is rewritten in place, elapsed time ticking
                self._progress(final)

    def _write(self) -> None:
        """Rewrite the table; with thousands of rows, not more often than every 20 times what a write takes."""
        t0 = time.monotonic()
        try:
            write_table(self.sweep_dir, table_frame(list(self.rows.values())))
        except OSError:
            log.exception("could not write the sweep table")
        took = time.monotonic() - t0
        self.dirty = False
        self.next_write = time.monotonic() + max(0.0, 20 * took - self.poll_seconds)

    def line(self) -> str:
        done = self.counts[FINISHED] + self.counts[SKIPPED]
        failed = self.counts[FAILED]
        processed = done + failed
        elapsed = time.monotonic() - self.start
        reused = f" ({self.counts[SKIPPED]} reused)" if self.counts[SKIPPED] else ""
        if self.total is None:
            return f"sweep: {done} done{reused}, {failed} failed, elapsed {_hms(elapsed)}"
        remaining = max(self.total - processed, 0)
        eta = _hms(elapsed / processed * remaining) if processed else "?"
        return (
            f"sweep: {processed}/{self.total} runs, {done} done{reused}, {failed} failed, {remaining} remaining, "
            f"elapsed {_hms(elapsed)}, ETA {eta}"
        )

    def _progress(self, final: bool) -> None:
        now = time.monotonic()
        if not final and not self.tty and now - self.last_print < self.progress_every:
            return
        self.last_print = now
        text = self.line()
        if self.tty:
            sys.stderr.write("\r\033[K" + text + ("\n" if final else ""))
        else:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()

    def finish(self) -> None:
        if self.finished:
            return
        self.finished = True
        self.stop_event.set()
        if self.thread.is_alive() and threading.current_thread() is not self.thread:
            self.thread.join(timeout=10)
        self.poll(final=True)
        if self.counts[FAILED]:
            sys.stderr.write(
                f"sweep: {self.counts[FAILED]} run(s) failed; see the error column of the table "
                f"(exit code {SWEEP_FAILED_EXIT})\n"
            )
        sys.stderr.write(f"sweep table: {self.sweep_dir / (TABLE_NAME + '.parquet')} (and .csv)\n")
        sys.stderr.flush()


def _pin_sweep_dir(config: DictConfig, sweep_dir: Path) -> None:
    """Make every job see the sweep folder as an absolute path (the one this process resolved).

    Jobs compose their config anew from the launching process's Hydra overrides; a relative ``hydra.sweep.dir``
    would be resolved against the worker's working directory, which on a cluster need not be this one.
    """
    if os.path.isabs(str(config.hydra.sweep.dir)):
        return
    quoted = "'" + str(sweep_dir).replace("\\", "\\\\").replace("'", "\\'") + "'"
    with read_write(config.hydra), open_dict(config.hydra):
        kept = [o for o in config.hydra.overrides.hydra if not str(o).startswith("hydra.sweep.dir=")]
        config.hydra.overrides.hydra = [*kept, f"hydra.sweep.dir={quoted}"]


_MONITORS: dict[int, _Monitor] = {}  # kept out of the callback object, which Hydra pickles to the workers
_HELD: list[Any] = []  # the sweep folder lock of this (launching) process, if it holds one


def hold_sweep_folder(sweep_dir: Path) -> None:
    """Take the sweep folder's lock (sim/sweeps/lock.py) for the rest of this process, or stop with exit code 2
    and one line naming the holder. Released at the end of the sweep, or at exit whatever the way out (a failure,
    Ctrl-C); a killed process's lock is released by the operating system and taken over by the next sweep."""
    from sim.sweeps.lock import SweepLock, SweepLockError

    lock = SweepLock(sweep_dir)
    try:
        note = lock.acquire()
    except SweepLockError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        sys.exit(2)
    if note:
        print(f"sweep: {note}", file=sys.stderr, flush=True)
    _HELD.append(lock)
    atexit.register(release_sweep_folder)


def release_sweep_folder() -> None:
    while _HELD:
        _HELD.pop().release()


class SweepCallback(Callback):
    """Hydra callback (``hydra.callbacks.sweep``): resume arrangement, sweep table and progress display."""

    def __init__(self, progress_every: float = 10.0, poll_seconds: float = 0.5) -> None:
        self.progress_every = float(progress_every)
        self.poll_seconds = float(poll_seconds)

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        sweep_dir = Path(str(config.hydra.sweep.dir)).resolve()
        sweep_dir.mkdir(parents=True, exist_ok=True)
        hold_sweep_folder(sweep_dir)  # before anything in the folder changes; exits 2 if another sweep holds it
        _pin_sweep_dir(config, sweep_dir)
        jobs = expand_jobs(config)
        if _SKIP_RECHECK and jobs is not None:
            _apply_skip_recheck()
        subdir = OmegaConf.to_container(config.hydra.sweep, resolve=False).get("subdir")  # type: ignore[union-attr]
        if jobs is not None and subdir == DEFAULT_SUBDIR:
            moved, superseded = arrange_for_resume(sweep_dir, jobs)
            if moved or superseded:
                print(
                    f"sweep: {moved} finished run(s) moved to their new job folders, "
                    f"{superseded} of settings no longer swept moved to {BOOKKEEPING}/superseded/",
                    file=sys.stderr,
                )
        monitor = _Monitor(sweep_dir, jobs, self.progress_every, self.poll_seconds)
        monitor.begin()
        _MONITORS[id(self)] = monitor
        atexit.register(monitor.finish)
        total = "?" if jobs is None else len(jobs)
        print(f"sweep: {total} runs into {sweep_dir}", file=sys.stderr, flush=True)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        monitor = _MONITORS.pop(id(self), None)
        failed = 0
        if monitor is not None:
            monitor.finish()
            failed = monitor.counts[FAILED]
        release_sweep_folder()
        if failed:
            # Hydra's callback runner only catches Exception: SystemExit ends the process with this code.
            sys.exit(SWEEP_FAILED_EXIT)


# --------------------------------------------------------------------------------------------------- CLI
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m sim.sweeps", description="Rebuild a sweep table from its run folders.")
    p.add_argument("sweep_dir", help="a sweep folder (hydra.sweep.dir)")
    args = p.parse_args(argv)
    sweep_dir = Path(args.sweep_dir)
    if not sweep_dir.is_dir() or not (sweep_dir / "multirun.yaml").is_file():
        print(f"error: {sweep_dir}: not a sweep folder (no multirun.yaml)", file=sys.stderr)
        return 2
    jobs = None
    try:
        jobs = expand_jobs(OmegaConf.load(sweep_dir / "multirun.yaml"))  # type: ignore[arg-type]
    except Exception:
        jobs = None
    frame = rebuild_table(sweep_dir, jobs)
    counts = frame["status"].value_counts().to_dict()
    print(
        f"{sweep_dir / (TABLE_NAME + '.parquet')}: {len(frame)} runs "
        f"({counts.get(FINISHED, 0)} finished, {counts.get(FAILED, 0)} failed"
        + (f", {len(jobs) - len(frame)} missing" if jobs is not None else "")
        + ")"
    )
    return 0


guard_job_setup()

if __name__ == "__main__":
    sys.exit(main())
