"""The one reader of run folders and sweep folders: the sweep table, run status, and the grouping into scenarios.

A run folder holds ``summary.json``, ``daily.parquet``, ``config.yaml`` and ``metadata.json`` (written last, with
the others' checksums: ``sim.outputs.write_run_folder``). A sweep folder holds one run folder per job and the sweep
table ``sweep_runs.parquet`` (and the same as ``sweep_runs.csv``): one row per run, the columns
:data:`TABLE_COLUMNS`, then every scalar of summary.json, then nested mappings flattened with dots at any depth
(``coast_arrivals_by_route.balkan``, ``by_year.2024.people_arrived``). Every tool reads sweeps through
:func:`read_sweep`, so that they all agree on:

- **the table**: the parquet file; the CSV where the parquet is missing or unreadable; rebuilt in memory from the
  run folders when there is neither (a folder with ``multirun.yaml``). Nothing is written by reading.
- **the status of a run** (:data:`STATUSES`): ``finished`` (run now) and ``skipped`` (a finished run reused by a
  resumed sweep) count; ``failed`` (the run raised: the table's error column says why), ``missing`` (no run
  folder, or no metadata.json: it never finished) and ``damaged`` (a file missing or changed since it was written:
  ``sim.outputs.run_folder_damage``) do not, and are listed by every front end with the reason.
- **the grouping into scenarios** (:func:`group_key`): the runs that differ only in their seed and posterior draw
  form one group, keyed by their scenario and the overrides that are not common to every run of the sweep.
  Within a group each run is identified by (posterior draw, seed); the draw is the ``posterior_draw`` column (or
  the ``posterior_draw=K`` override), absent or empty for runs at the posterior medians.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.outputs import run_folder_damage
from sim.results import stats

TABLE_NAME = "sweep_runs"
TABLE_FILES = (f"{TABLE_NAME}.parquet", f"{TABLE_NAME}.csv")  # in the order they are tried
TABLE_COLUMNS = (
    "job_num",
    "run_dir",
    "scenario",
    "seed",
    "posterior_draw",
    "overrides",
    "config_key",
    "status",
    "error",
    "wall_seconds",
)
FINISHED, SKIPPED, FAILED, MISSING, DAMAGED = "finished", "skipped", "failed", "missing", "damaged"
STATUSES = (FINISHED, SKIPPED, FAILED, MISSING, DAMAGED)
OK = (FINISHED, SKIPPED)
BOOKKEEPING = ".sweep"  # markers, staging and superseded runs of a sweep; never a run folder
DRAW = "posterior_draw"
RUN_FILE_NAMES = ("summary.json", "daily.parquet", "config.yaml", "metadata.json")
# Overrides that do not tell scenarios apart: replicates (seed, posterior draw) and bookkeeping.
NOT_GROUPING = ("seed", DRAW, "hydra", "experiment", "scenario")


class SweepError(ValueError):
    """A folder that is not a sweep folder, or whose table is unreadable; one line."""


# ------------------------------------------------------------------------------------------ small readers
def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON object from a file, or None if it is missing, unreadable or not an object."""
    try:
        with open(path) as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


NOT_IN_KEY = ("limits",)  # run settings that never change results (a raised time limit reuses finished runs)


def config_key(plain: dict[str, Any]) -> str:
    """A stable hash of a resolved configuration (seed included): equal keys, identical runs."""
    kept = {k: v for k, v in plain.items() if k not in NOT_IN_KEY}
    text = json.dumps(kept, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def flatten(mapping: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mappings flattened with dots at any depth (lists are left out: they are not outcomes)."""
    out: dict[str, Any] = {}
    for k, v in mapping.items():
        name = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flatten(v, name + "."))
        elif not isinstance(v, (list, tuple)):
            out[name] = v
    return out


def flatten_summary(summary: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(scalars, mappings flattened as ``name.key[.key...]``) of a summary: the sweep table's columns."""
    scalars = {k: v for k, v in summary.items() if not isinstance(v, (dict, list, tuple))}
    nested = {k: v for k, v in summary.items() if isinstance(v, dict)}
    return scalars, flatten(nested)


def split_overrides(text: Any) -> list[str]:
    """Hydra overrides of the table's ``overrides`` cell (space separated; a JSON list is accepted too)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return []
    if isinstance(text, (list, tuple, np.ndarray)):
        return [str(t) for t in text]
    text = str(text).strip()
    if text.startswith("["):
        try:
            items = json.loads(text)
            if isinstance(items, list):
                return [str(t) for t in items]
        except json.JSONDecodeError:
            pass
    out, depth, cur = [], 0, ""
    for ch in text:
        depth += (ch in "[{(") - (ch in "]})")
        if depth == 0 and ch.isspace():
            if cur:
                out.append(cur)
            cur = ""
        else:
            cur += ch
    return [*out, cur] if cur else out


def _override_key(token: str) -> str:
    return token.split("=", 1)[0].lstrip("+~")


def _draw_of(value: Any, overrides: Sequence[str]) -> int | None:
    if value is not None and not (isinstance(value, float) and math.isnan(value)) and value is not pd.NA:
        try:
            return int(value)
        except (TypeError, ValueError):
            pass
    for tok in overrides:
        if _override_key(tok) == DRAW:
            try:
                return int(tok.split("=", 1)[1])
            except ValueError:
                return None
    return None


# ------------------------------------------------------------------------------ rows of the sweep table
def scan_runs(sweep_dir: Path) -> list[Path]:
    """Every run folder (a folder with metadata.json) under a sweep folder, outside the bookkeeping folder."""
    sweep_dir = Path(sweep_dir)
    out = []
    for meta in sweep_dir.rglob("metadata.json"):
        rel = meta.parent.relative_to(sweep_dir)
        if (rel.parts and rel.parts[0] == BOOKKEEPING) or meta.parent == sweep_dir:
            continue
        out.append(meta.parent)
    return out


def _legacy_fields(run_dir: Path) -> dict[str, Any]:
    """job number, overrides, scenario and key of a run folder written before sweeps recorded them."""
    from omegaconf import OmegaConf

    out: dict[str, Any] = {}
    if run_dir.name.isdigit():
        out["job_num"] = int(run_dir.name)
    try:
        ov = OmegaConf.load(run_dir / ".hydra" / "overrides.yaml")
        out["overrides"] = " ".join(str(o) for o in ov)
    except Exception:
        pass
    try:
        conf = OmegaConf.to_container(OmegaConf.load(run_dir / "config.yaml"))
        assert isinstance(conf, dict)
        out["scenario"] = conf.get("scenario", "")
        out["config_key"] = config_key(conf)
    except Exception:
        pass
    return out


def run_row(sweep_dir: Path, run_dir: Path) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]] | None:
    """(fixed columns, summary scalars, flattened mappings) of one run folder, or None if it has no metadata."""
    meta = read_json(run_dir / "metadata.json")
    if meta is None:
        return None
    if "job_num" not in meta:
        meta = {**_legacy_fields(run_dir), **meta}
    status = str(meta.get("status", FINISHED))
    summary = read_json(run_dir / "summary.json") if status == FINISHED else None
    if status == FINISHED and summary is None:
        status, meta["error"] = FAILED, "summary.json missing or unreadable"
    fixed = {
        "job_num": int(meta.get("job_num", -1)),
        "run_dir": os.path.relpath(run_dir.resolve(), sweep_dir.resolve()),
        "scenario": str(meta.get("scenario", "")),
        "seed": meta.get("seed"),
        "posterior_draw": meta.get("posterior_draw"),
        "overrides": str(meta.get("overrides", "")),
        "config_key": str(meta.get("config_key", "")),
        "status": status,
        "error": str(meta.get("error", "") or ""),
        "wall_seconds": meta.get("wall_seconds"),
    }
    scalars, mappings = flatten_summary(summary or {})
    return fixed, scalars, mappings


def table_frame(rows: Sequence[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]) -> pd.DataFrame:
    """The sweep table: contract columns, then summary scalars, then flattened mappings; sorted by job."""
    scalar_cols: dict[str, None] = {}
    mapping_cols: dict[str, None] = {}
    records = []
    for fixed, scalars, mappings in sorted(rows, key=lambda r: (r[0]["job_num"], r[0]["run_dir"])):
        scalar_cols.update(dict.fromkeys(k for k in scalars if k not in TABLE_COLUMNS))
        mapping_cols.update(dict.fromkeys(mappings))
        records.append({**scalars, **mappings, **fixed})
    columns = [*TABLE_COLUMNS, *scalar_cols, *mapping_cols]
    frame = pd.DataFrame.from_records(records, columns=columns)
    for col in ("scenario", "overrides", "config_key", "status", "error", "run_dir"):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), "").astype(str)
    frame["job_num"] = frame["job_num"].astype("int64")
    for col in ("seed", DRAW):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("Int64")
    frame["wall_seconds"] = pd.to_numeric(frame["wall_seconds"], errors="coerce").astype("float64")
    return frame


def _one_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:300]


def read_table(sweep_dir: str | Path) -> pd.DataFrame:
    """The sweep table of a sweep folder: parquet, else CSV, else rebuilt in memory from its run folders."""
    sweep_dir = Path(sweep_dir)
    if not sweep_dir.exists():
        raise SweepError(f"{sweep_dir}: no such folder")
    if not sweep_dir.is_dir():
        raise SweepError(f"{sweep_dir}: not a folder (give the sweep folder that holds {TABLE_FILES[0]})")
    found = [sweep_dir / n for n in TABLE_FILES if (sweep_dir / n).is_file()]
    errors = []
    for path in found:
        try:
            frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path, keep_default_na=False)
        except Exception as exc:  # the other copy of the table may be intact
            errors.append(f"{path.name}: {_one_line(exc)}")
            continue
        if DRAW not in frame.columns:  # written before posterior draws existed: every run at the medians
            frame[DRAW] = pd.array([pd.NA] * len(frame), dtype="Int64")
        missing = [c for c in TABLE_COLUMNS if c not in frame.columns]
        if missing:
            raise SweepError(f"{path}: not a sweep table (missing columns: {', '.join(missing)})")
        return _clean(frame)
    if errors:
        raise SweepError(f"{sweep_dir}: cannot read the sweep table ({'; '.join(errors)})")
    if (sweep_dir / "multirun.yaml").is_file():
        rows = [r for r in (run_row(sweep_dir, d) for d in scan_runs(sweep_dir)) if r is not None]
        if rows:
            return table_frame(rows)
    what = "a single run folder" if (sweep_dir / "summary.json").is_file() else "not a sweep folder"
    raise SweepError(
        f"{sweep_dir}: {what}; a sweep folder holds {TABLE_FILES[0]} or {TABLE_FILES[1]} (made by python -m sim -m)"
    )


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    """The same types whichever copy was read: text columns as text, numbers as numbers, rows by job number."""
    frame = frame.copy()
    for col in ("scenario", "overrides", "config_key", "status", "error", "run_dir"):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), "").astype(str)
    for col in frame.columns:
        if col not in TABLE_COLUMNS and frame[col].dtype == object:
            numeric = pd.to_numeric(frame[col].replace("", np.nan), errors="coerce")
            if numeric.notna().sum() == (frame[col].astype(str) != "").sum():
                frame[col] = numeric
    frame["job_num"] = pd.to_numeric(frame["job_num"], errors="coerce").fillna(-1).astype("int64")
    for col in ("seed", DRAW):
        frame[col] = pd.to_numeric(frame[col].replace("", np.nan), errors="coerce").astype("Int64")
    frame["wall_seconds"] = pd.to_numeric(frame["wall_seconds"], errors="coerce").astype("float64")
    return frame.sort_values("job_num", kind="stable").reset_index(drop=True)


def outcome_columns(table: pd.DataFrame) -> list[str]:
    """Numeric outcome columns of a sweep table (every column after the fixed ones, but the draw)."""
    return [
        c
        for c in table.columns
        if c not in TABLE_COLUMNS and c != DRAW and pd.to_numeric(table[c], errors="coerce").notna().any()
    ]


# ---------------------------------------------------------------------------------------------- runs
@dataclass
class Run:
    """One row of a sweep: its identity, status and outcomes, and (read when asked) its folder's files."""

    job_num: int
    folder: Path
    scenario: str
    seed: int
    draw: int | None
    overrides: list[str]
    status: str
    error: str
    row: dict[str, Any] = field(default_factory=dict)
    group: str = ""

    @property
    def ok(self) -> bool:
        return self.status in OK

    @property
    def key(self) -> stats.RunKey:
        return (self.draw, self.seed)

    def value(self, name: str) -> float:
        v = self.row.get(name, np.nan)
        try:
            return float(v)
        except (TypeError, ValueError):
            return float("nan")

    @cached_property
    def metadata(self) -> dict[str, Any]:
        return read_json(self.folder / "metadata.json") or {}

    @cached_property
    def summary(self) -> dict[str, Any]:
        return read_json(self.folder / "summary.json") or {}

    @cached_property
    def config(self) -> dict[str, Any]:
        """config.yaml flattened with dots (``policy.seizures.enabled``; list items as ``key.0``)."""
        return read_config(self.folder / "config.yaml")

    def daily(self, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """The daily table (the columns asked for that it has), dates as datetimes."""
        return read_daily(self.folder, columns)


def read_config(path: Path) -> dict[str, Any]:
    """config.yaml flattened with dots; SweepError (one line) if unreadable."""
    from omegaconf import OmegaConf

    try:
        obj = OmegaConf.to_container(OmegaConf.load(path), resolve=False)
    except Exception as exc:
        raise SweepError(f"{path}: cannot read ({type(exc).__name__})") from None

    def walk(x: Any, prefix: str) -> dict[str, Any]:
        if isinstance(x, dict):
            out = {} if x or not prefix else {prefix: {}}
            for k, v in x.items():
                out.update(walk(v, f"{prefix}.{k}" if prefix else str(k)))
            return out
        if isinstance(x, list):
            out = {} if x or not prefix else {prefix: []}
            for i, v in enumerate(x):
                out.update(walk(v, f"{prefix}.{i}"))
            return out
        return {prefix: x}

    return walk(obj if isinstance(obj, dict) else {}, "")


def read_daily(folder: Path, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """daily.parquet (or the daily.csv of older runs) of a run folder; SweepError (one line) if unreadable."""
    import pyarrow.parquet as pq

    folder = Path(folder)
    want = None if columns is None else list(dict.fromkeys(["date", *columns]))
    try:
        if (folder / "daily.parquet").is_file():
            names = set(pq.read_schema(folder / "daily.parquet").names)
            frame = pd.read_parquet(folder / "daily.parquet", columns=[c for c in want if c in names] if want else None)
        elif (folder / "daily.csv").is_file():
            frame = pd.read_csv(folder / "daily.csv", usecols=lambda c: want is None or c in want)
        else:
            raise SweepError(f"{folder}: no daily.parquet")
        frame["date"] = pd.to_datetime(frame["date"])
    except SweepError:
        raise
    except Exception as exc:
        raise SweepError(f"{folder}: cannot read the daily table ({_one_line(exc)})") from None
    return frame


def check_folder(folder: Path) -> tuple[str, str]:
    """(status, reason) of a run folder the table calls finished: finished, missing or damaged."""
    if not folder.is_dir():
        return MISSING, "run folder missing"
    damage = run_folder_damage(folder)
    if damage is None:
        return FINISHED, ""
    if damage.startswith("metadata.json missing"):
        return MISSING, damage
    return DAMAGED, damage


def _run_of(sweep_dir: Path, record: dict[str, Any], check: bool) -> Run:
    folder = Path(str(record["run_dir"]))
    folder = folder if folder.is_absolute() else sweep_dir / folder
    overrides = split_overrides(record.get("overrides"))
    status = str(record.get("status", "")).strip().lower() or FINISHED
    status = status if status in STATUSES else FAILED
    error = _last_line(record.get("error"))
    if status in OK and check:
        found, reason = check_folder(folder)
        if found != FINISHED:
            status, error = found, reason
    if status == FAILED and not error:
        error = "failed (no error recorded)"
    try:
        seed = int(record["seed"])
    except (TypeError, ValueError):
        seed = -1
    return Run(
        job_num=int(record.get("job_num", -1)),
        folder=folder,
        scenario=str(record.get("scenario") or "").strip() or "unnamed",
        seed=seed,
        draw=_draw_of(record.get(DRAW), overrides),
        overrides=overrides,
        status=status,
        error=error,
        row=record,
    )


def _last_line(text: Any) -> str:
    """The last line of an error (a traceback ends with the exception), cut to 160 characters."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    lines = [ln.strip() for ln in str(text).strip().splitlines() if ln.strip()]
    line = lines[-1] if lines else ""
    return line if len(line) <= 160 else line[:157] + "..."


# -------------------------------------------------------------------------------------------- grouping
def grouping_tokens(runs: Sequence[Run]) -> dict[int, tuple[str, ...]]:
    """Per run (by position), the overrides that tell its group apart: not replicates, not shared by all runs."""
    toks = [[t for t in r.overrides if not _override_key(t).startswith(NOT_GROUPING)] for r in runs]
    common = set.intersection(*(set(t) for t in toks)) if toks else set()
    return {i: tuple(t for t in tok if t not in common) for i, tok in enumerate(toks)}


def group_key(scenario: str, tokens: Sequence[str], scenarios_vary: bool) -> str:
    """The label of a group: its scenario (when the sweep has several, or nothing else tells groups apart), then
    its own overrides: ``border_security_2024``, ``policy.seizures.rate_bulgaria=0.3``."""
    parts = [scenario] if scenarios_vary or not tokens else []
    return " ".join([*parts, *tokens])


@dataclass
class RunGroup:
    """The runs of one scenario (over seeds and posterior draws): those that count and those that do not."""

    key: str
    scenario: str
    tokens: tuple[str, ...]
    runs: list[Run] = field(default_factory=list)  # finished or skipped, intact
    problems: list[Run] = field(default_factory=list)  # failed, missing or damaged
    index: int = 0

    @property
    def seeds(self) -> list[int]:
        return sorted({r.seed for r in self.runs})

    @property
    def draws(self) -> list[int | None]:
        return sorted({r.draw for r in self.runs}, key=lambda d: -1 if d is None else d)

    @property
    def has_draws(self) -> bool:
        return len(self.draws) >= 2

    def values(self, name: str) -> np.ndarray:
        return np.array([r.value(name) for r in self.runs], dtype=float)

    def by_key(self, name: str) -> dict[stats.RunKey, float]:
        return {r.key: r.value(name) for r in self.runs}

    def reduce(self, name: str) -> stats.Reduced:
        return stats.reduce(self.values(name), [r.draw for r in self.runs])

    def against(self, base: RunGroup, name: str) -> stats.Difference:
        """Paired differences from ``base`` within the same (posterior draw, seed)."""
        return stats.paired(base.by_key(name), self.by_key(name))

    @property
    def config(self) -> dict[str, Any]:
        return self.runs[0].config if self.runs else {}


@dataclass
class SweepRuns:
    """A sweep folder read: the table, every run with its status, and the runs grouped into scenarios."""

    path: Path
    table: pd.DataFrame
    runs: list[Run]
    groups: list[RunGroup]

    @property
    def problems(self) -> list[Run]:
        return [r for r in self.runs if not r.ok]

    @property
    def finished_groups(self) -> list[RunGroup]:
        return [g for g in self.groups if g.runs]

    @property
    def has_draws(self) -> bool:
        return any(g.has_draws for g in self.groups)

    def group(self, key: str) -> RunGroup:
        return next(g for g in self.groups if g.key == key)

    def outcome_columns(self) -> list[str]:
        return outcome_columns(self.table)


def group_runs(runs: Sequence[Run]) -> list[RunGroup]:
    """Runs into groups, in the order of their first job."""
    tokens = grouping_tokens(runs)
    vary = len({r.scenario for r in runs}) > 1
    groups: dict[str, RunGroup] = {}
    for i, r in enumerate(runs):
        key = group_key(r.scenario, tokens[i], vary)
        g = groups.setdefault(key, RunGroup(key, r.scenario, tokens[i], index=len(groups)))
        r.group = key
        (g.runs if r.ok else g.problems).append(r)
    return list(groups.values())


def read_sweep(path: str | Path, check: bool = True) -> SweepRuns:
    """Read a sweep folder: table, run status (checking every finished run's folder unless ``check`` is False),
    groups. Raises SweepError (one line) for a folder that is not a sweep or has no runs."""
    path = Path(path)
    table = read_table(path)
    if table.empty:
        raise SweepError(f"{path}: the sweep table has no runs")
    runs = [_run_of(path, rec, check) for rec in table.to_dict("records")]
    return SweepRuns(path, table, runs, group_runs(runs))


# -------------------------------------------------------------------------------------------- baseline
DEFAULT_BASELINE = "baseline_2024"


def choose_baseline(groups: Sequence[RunGroup], name: str | None = None, names: dict[str, str] | None = None):
    """The baseline group: the one named (its key, its scenario, one of its overrides or override values, or its
    display name in ``names``), by default baseline_2024's (else a scenario called baseline, else the first).
    Raises SweepError (one line) when the name matches no group or several, or when its runs all failed."""
    names = names or {}
    if name is None:
        for match in (
            lambda g: g.key == DEFAULT_BASELINE,
            lambda g: g.scenario == DEFAULT_BASELINE and not g.tokens,
            lambda g: g.scenario == DEFAULT_BASELINE,
            lambda g: "baseline" in g.scenario,
        ):
            hits = [g for g in groups if g.runs and match(g)]
            if len(hits) == 1:
                return hits[0]
        return next(g for g in groups if g.runs)
    for match in (
        lambda g: g.key == name,
        lambda g: g.scenario == name and not g.tokens,
        lambda g: names.get(g.key, "").lower() == name.lower(),
        lambda g: g.scenario == name,
        lambda g: name in g.tokens or any(t.split("=", 1)[-1] == name for t in g.tokens),
    ):
        hits = [g for g in groups if match(g)]
        if len(hits) > 1:
            raise SweepError(
                f"--baseline {name}: matches several groups ({', '.join(g.key for g in hits)}); give the full label"
            )
        if hits:
            if not hits[0].runs:
                raise SweepError(f"--baseline {name}: every run of this group failed; choose another baseline")
            return hits[0]
    raise SweepError(f"--baseline {name}: no such scenario or group; groups: {', '.join(g.key for g in groups)}")
