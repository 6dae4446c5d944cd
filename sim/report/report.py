"""Scenario report for policy advisers: ``python -m sim.report SWEEP_DIR [--baseline NAME] [--out DIR]``.

Reads a sweep folder (``sweep_runs.parquet`` or ``sweep_runs.csv``: one row per run with ``run_dir``,
``scenario``, ``seed``, ``overrides``, ``status``, ``error`` and every scalar outcome; each finished run's folder
holds ``summary.json``, ``daily.parquet``, ``config.yaml`` and ``metadata.json``) and writes two files with the same
content: ``report.html`` (one self-contained file, charts embedded as PNG) and ``report.pdf`` (A4 pages drawn with
matplotlib, so no system libraries are needed).

What is in it, and the statistics behind it:

- Scenarios are the distinct values of ``scenario`` (and of any other override that is not the seed and is not
  common to every run). Each scenario's figure is the mean over its simulated years (seeds), with a 95% interval
  for that mean (Student t across seeds).
- Change against the baseline: the mean difference over the seeds both scenarios share (the model uses common
  random numbers, so the same seed gives the same weather and the same people), with a paired 95% interval; a
  change whose interval includes zero is reported as "no clear change".
- Fan charts: the median and the 5th-95th percentile of the simulated years, week by week.
- Cost per crossing averted: the change in enforcement and policy cost divided by the fall in arrivals, only
  where arrivals clearly fell; otherwise "no crossings averted".
- The baseline against observed data: annual figures from ``data/annual_reference.csv`` for the simulated year,
  and the monthly shares of arrivals against the average of 2021-2023 (``sim.evidence.observed.PATTERN_YEARS``; the
  Home Office daily series ends in 2023) and against 2023 alone.

Failed runs are listed on the first page and left out of every figure. A folder that is not a sweep gives one
line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import datetime as dt
import html
import io
import json
import math
import os
import re
import sys
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.report import charts
from sim.report.charts import Point, Series, fmt_count, fmt_gbp

ROOT = Path(__file__).resolve().parents[2]
SCENARIO_DIR = ROOT / "configs" / "scenario"
TABLE_NAMES = ("sweep_runs.parquet", "sweep_runs.csv")
REQUIRED_COLUMNS = ("run_dir", "scenario", "seed", "status")
FINISHED = {"finished", "skipped", "ok", "done", "success", "completed", "skipped_existing", "exists"}
QUESTION = (
    "Which mix of policies reduces small-boat crossings of the English Channel and deaths at sea, at what cost, "
    "and with which side effects?"
)
MINUS = "\u2212"


class ReportError(ValueError):
    """A folder the report cannot be built from; the message is one line."""


# ------------------------------------------------------------------------------------------ reader labels
@dataclass(frozen=True)
class Outcome:
    """How an outcome is shown: its label, the noun used in sentences, its number format and its direction words."""

    label: str
    noun: str
    kind: str  # count | gbp | ratio | rate | share
    up: str = "more"
    down: str = "fewer"
    noun_first: bool = False  # "policy cost 12% higher" rather than "12% higher policy cost"


OUTCOMES: dict[str, Outcome] = {
    "people_arrived": Outcome("People arrived in the UK", "people arriving", "count"),
    "boats_arrived": Outcome("Boats arrived", "boats arriving", "count"),
    "people_per_boat": Outcome("People per boat", "people per boat", "ratio"),
    "deaths_at_sea": Outcome("Deaths at sea", "deaths at sea", "count"),
    "deaths_per_1000_arrivals": Outcome(
        "Deaths per 1,000 arrivals", "deaths per 1,000 arrivals", "rate", "higher", "lower", True
    ),
    "people_prevented": Outcome("People stopped on French beaches", "people stopped on French beaches", "count"),
    "policy_cost_gbp": Outcome(
        "Enforcement and policy cost", "enforcement and policy cost", "gbp", "higher", "lower", True
    ),
    "hotel_cost_gbp": Outcome("Asylum hotel cost", "asylum hotel cost", "gbp", "higher", "lower", True),
    "boats_launched": Outcome("Boats launched", "boats launched", "count"),
    "crossing_days": Outcome("Days with crossings", "days with crossings", "count"),
    "prevention_share": Outcome(
        "Share of people stopped on beaches", "share stopped on beaches", "share", "higher", "lower", True
    ),
    "taxi_boat_share": Outcome(
        "Share of boats that were taxi boats", "taxi-boat share", "share", "higher", "lower", True
    ),
    "mean_price_gbp": Outcome("Price of a place on a boat", "price of a place", "gbp", "higher", "lower", True),
    "boats_seized": Outcome("Boats seized on the supply chain", "boats seized", "count"),
    "smugglers_arrested": Outcome("Smugglers arrested", "smugglers arrested", "count"),
    "people_deterred": Outcome("People deterred from crossing", "people deterred", "count"),
    "people_removed": Outcome("People removed or returned from the UK", "people removed", "count"),
}
HEADLINE = (
    "people_arrived",
    "boats_arrived",
    "people_per_boat",
    "deaths_at_sea",
    "deaths_per_1000_arrivals",
    "people_prevented",
    "policy_cost_gbp",
    "hotel_cost_gbp",
)
FINDINGS = (
    "people_arrived",
    "boats_arrived",
    "people_per_boat",
    "deaths_at_sea",
    "deaths_per_1000_arrivals",
    "policy_cost_gbp",
)
ROUTE_LABELS = {
    "balkan": "Balkans",
    "eastern_med": "Eastern Mediterranean",
    "central_med": "Central Mediterranean",
    "overland_direct": "Overland, direct",
}
AREA_LABELS = {
    "dunkirk_gravelines": "Dunkirk, Gravelines",
    "calais": "Calais",
    "boulogne_wimereux_le_portel": "Boulogne, Le Portel",
    "somme_authie_estuaries": "Somme, Authie",
}
LEVER_LABELS = {
    "seizures": "seizures of boats and engines upstream",
    "international_posts": "officers posted abroad",
    "deterrence": "removal to a third country",
    "beach_patrols": "more French beach patrols",
    "gang_disruption": "intelligence-led disruption of gangs",
    "returns": "returns agreements",
    "search_and_rescue": "more rescue at sea",
    "asylum_processing": "faster asylum decisions",
}
SCENARIO_LABELS = {
    "baseline_2024": "Baseline 2024",
    "border_security_2024": "Border security 2024",
    "third_country_removal": "Third-country removal",
    "patrols_and_rescue": "Patrols and rescue",
    "all_levers": "All levers",
}
SECTION_LABELS = {
    "scale": "population scale",
    "days": "days simulated",
    "world": "geography",
    "migration": "migration",
    "smuggling": "smuggling networks",
    "supply_chain": "supply chain",
    "weather": "weather",
    "crossing": "crossing",
    "enforcement": "enforcement",
    "asylum": "UK asylum system",
}
WORDS = {"gbp": "£", "prob": "probability", "km": "km", "uk": "UK", "nca": "NCA", "m": "m", "eu": "EU"}


def humanise(key: str) -> str:
    """A readable phrase from a snake_case name: ``rate_bulgaria`` -> ``rate Bulgaria``-like text."""
    words = [WORDS.get(w, w) for w in str(key).replace("-", "_").split("_") if w]
    return " ".join(words)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def scenario_label(name: str) -> str:
    if name in SCENARIO_LABELS:
        return SCENARIO_LABELS[name]
    text = humanise(name)
    return text[:1].upper() + text[1:]


def route_label(name: str) -> str:
    return ROUTE_LABELS.get(name, _cap(humanise(name)))


def area_label(name: str) -> str:
    return AREA_LABELS.get(name, _cap(humanise(name)))


def setting_label(key: str) -> str:
    """A plain name for a config key: ``enforcement.beach_officers`` -> ``Enforcement: beach officers``."""
    parts = key.split(".")
    if parts[0] == "policy" and len(parts) >= 2:
        lever = LEVER_LABELS.get(parts[1], humanise(parts[1]))
        if len(parts) == 2 or parts[2] == "enabled":
            return f"Lever: {lever}"
        return f"{_cap(lever)}: {', '.join(humanise(p) for p in parts[2:])}"
    head = SECTION_LABELS.get(parts[0], humanise(parts[0]))
    if len(parts) == 1:
        return _cap(head)
    return f"{_cap(head)}: {', '.join(humanise(p) for p in parts[1:])}"


def param_unit(key: str) -> str:
    """The unit declared for a config key in ``sim/config.py`` (empty if not found)."""
    from sim import config as C

    node: Any = C.SimConfig
    parts = key.split(".")
    i = 0
    while i < len(parts):
        if not dataclasses.is_dataclass(node):
            return ""
        hints = typing.get_type_hints(node)
        fld = {f.name: f for f in dataclasses.fields(node)}.get(parts[i])
        if fld is None:
            return ""
        if i == len(parts) - 1:
            return str(fld.metadata.get("unit", ""))
        tp = hints[parts[i]]
        origin = typing.get_origin(tp)
        if origin is dict:
            tp = typing.get_args(tp)[1]
            i += 1  # skip the mapping key
        elif origin is list:
            tp = typing.get_args(tp)[0]
            i += 1  # skip the list index
        node = tp
        i += 1
    return ""


# ------------------------------------------------------------------------------------------------ loading
def split_overrides(text: Any) -> list[str]:
    """Hydra overrides from the table's ``overrides`` cell (a JSON list, or separated by spaces or commas)."""
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
        if ch in "[{(":
            depth += 1
        elif ch in "]})":
            depth -= 1
        if depth == 0 and (ch.isspace() or ch == ","):
            if cur:
                out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        out.append(cur)
    merged: list[str] = []  # a comma inside a value without brackets ("a=1,2") stays with its key
    for tok in out:
        if "=" not in tok and merged:
            merged[-1] += "," + tok
        else:
            merged.append(tok)
    return merged


def _ignored_override(tok: str) -> bool:
    key = tok.split("=", 1)[0].lstrip("+~")
    return key in ("seed", "scenario") or key.startswith("hydra") or key.startswith("experiment")


def _flatten(d: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(d, dict):
        if not d and prefix:
            out[prefix] = {}
        for k, v in d.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(d, list):
        if not d and prefix:
            out[prefix] = []
        for i, v in enumerate(d):
            out.update(_flatten(v, f"{prefix}.{i}"))
    else:
        out[prefix] = d
    return out


def _read_yaml(path: Path) -> dict[str, Any]:
    from omegaconf import OmegaConf

    try:
        obj = OmegaConf.to_container(OmegaConf.load(path), resolve=False)
    except Exception as exc:  # a broken file should be named, not crash the report
        raise ReportError(f"{path}: cannot read ({type(exc).__name__})") from None
    return obj if isinstance(obj, dict) else {}


@dataclass
class Run:
    seed: int
    folder: Path
    row: dict[str, Any]
    config: dict[str, Any] = field(default_factory=dict)  # flattened config.yaml
    metadata: dict[str, Any] = field(default_factory=dict)
    daily: pd.DataFrame | None = None

    def value(self, key: str) -> float:
        v = self.row.get(key, np.nan)
        try:
            return float(v)
        except (TypeError, ValueError):
            return float("nan")


@dataclass
class Group:
    """One scenario of the sweep: its runs that finished and those that did not."""

    key: str
    scenario: str
    extra: list[str]
    name: str = ""
    runs: list[Run] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    index: int = 0

    @property
    def colour(self) -> str:
        return charts.colour(self.index)

    @property
    def seeds(self) -> list[int]:
        return [r.seed for r in self.runs]

    def by_seed(self, key: str) -> dict[int, float]:
        return {r.seed: r.value(key) for r in self.runs}

    def values(self, key: str) -> np.ndarray:
        return np.array([r.value(key) for r in self.runs], dtype=float)

    @property
    def config(self) -> dict[str, Any]:
        return self.runs[0].config if self.runs else {}


@dataclass
class Sweep:
    path: Path
    table: pd.DataFrame
    groups: list[Group]
    baseline: Group
    failed: list[dict[str, Any]]
    common_overrides: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def finished_groups(self) -> list[Group]:
        return [g for g in self.groups if g.runs]

    @property
    def n_runs(self) -> int:
        return len(self.table)

    @property
    def cfg(self) -> dict[str, Any]:
        return self.baseline.config

    @property
    def scale(self) -> float:
        return float(self.cfg.get("scale", 1.0))

    @property
    def days(self) -> int:
        return int(self.cfg.get("days", 366))

    @property
    def start_date(self) -> dt.date:
        return dt.date.fromisoformat(str(self.cfg.get("world.start_date", "2024-01-01")))

    @property
    def period(self) -> str:
        """The simulated period in words: "2024" for a calendar year, else "N days from 1 Jan 2024"."""
        start, days = self.start_date, self.days
        end = start + dt.timedelta(days=days)
        if start.month == 1 and start.day == 1 and end == dt.date(start.year + 1, 1, 1):
            return str(start.year)
        return f"{days} days from {start.day} {start:%b %Y}"


def read_table(path: Path) -> pd.DataFrame:
    path = Path(path)
    if not path.exists():
        raise ReportError(f"{path}: no such folder")
    if not path.is_dir():
        raise ReportError(f"{path}: not a folder (give the sweep folder that holds sweep_runs.parquet)")
    found = [path / n for n in TABLE_NAMES if (path / n).is_file()]
    if not found:
        what = "a single run folder" if (path / "summary.json").is_file() else "not a sweep folder"
        raise ReportError(
            f"{path}: {what}; a sweep folder holds sweep_runs.parquet or sweep_runs.csv "
            "(made by `python -m sim -m ...`)"
        )
    errors = []
    for f in found:
        try:
            table = pd.read_parquet(f) if f.suffix == ".parquet" else pd.read_csv(f)
            break
        except Exception as exc:  # try the other copy of the table before giving up
            errors.append(f"{f.name}: {type(exc).__name__}")
    else:
        raise ReportError(f"{path}: cannot read the sweep table ({'; '.join(errors)})")
    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        raise ReportError(f"{found[0]}: not a sweep table, missing column(s) {', '.join(missing)}")
    if table.empty:
        raise ReportError(f"{found[0]}: the sweep table has no runs")
    if "job_num" in table.columns:
        table = table.sort_values("job_num", kind="stable")
    return table.reset_index(drop=True)


DAILY_COLUMNS = (
    "date",
    "people_arrived",
    "boats_arrived",
    "deaths_at_sea",
    "mean_price_gbp",
    "boats_in_stock",
)


def load_sweep(path: str | Path, baseline: str | None = None) -> Sweep:
    """Read a sweep folder: the table, then every finished run's folder. Raises ReportError (one line)."""
    path = Path(path)
    table = read_table(path)
    token_lists = [[t for t in split_overrides(o) if not _ignored_override(t)] for o in table.get("overrides", [None])]
    if "overrides" not in table.columns:
        token_lists = [[] for _ in range(len(table))]
    common = set(token_lists[0]).intersection(*map(set, token_lists[1:])) if token_lists else set()
    groups: dict[str, Group] = {}
    failed: list[dict[str, Any]] = []
    for (_, row), tokens in zip(table.iterrows(), token_lists, strict=True):
        extra = sorted(t for t in tokens if t not in common)
        scenario = "unnamed" if pd.isna(row["scenario"]) or not str(row["scenario"]).strip() else str(row["scenario"])
        key = scenario + ("" if not extra else " [" + " ".join(extra) + "]")
        group = groups.setdefault(key, Group(key=key, scenario=scenario, extra=extra, index=len(groups)))
        record = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.to_dict().items()}
        try:
            seed = int(row["seed"])
        except (TypeError, ValueError):
            seed = -1
        status = str(row["status"]).strip().lower()
        if status not in FINISHED:
            failed.append({"group": key, "seed": seed, "error": _one_line(record.get("error")) or f"status {status}"})
            group.failed.append(failed[-1])
            continue
        folder = Path(str(row["run_dir"]))
        folder = folder if folder.is_absolute() else path / folder
        problem = next(
            (f"{n} missing" for n in ("summary.json", "daily.parquet", "config.yaml") if not (folder / n).is_file()),
            None,
        )
        if problem:
            failed.append(
                {"group": key, "seed": seed, "error": f"marked finished but its results are incomplete ({problem})"}
            )
            group.failed.append(failed[-1])
            continue
        run = Run(seed=seed, folder=folder, row=record)
        run.config = _flatten(_read_yaml(folder / "config.yaml"))
        try:
            summary = json.loads((folder / "summary.json").read_text())
            run.metadata = (
                json.loads((folder / "metadata.json").read_text()) if (folder / "metadata.json").is_file() else {}
            )
            for k, v in _flatten(summary).items():  # the table is the contract; summary.json fills any gap
                if k not in run.row or run.row[k] is None:
                    run.row[k] = v
            run.daily = _read_daily(folder / "daily.parquet")
        except (OSError, ValueError) as exc:
            failed.append({"group": key, "seed": seed, "error": f"results unreadable ({type(exc).__name__})"})
            group.failed.append(failed[-1])
            continue
        group.runs.append(run)
    if not any(g.runs for g in groups.values()):
        raise ReportError(f"{path}: none of the {len(table)} runs in the sweep finished; nothing to report")
    _name_groups(list(groups.values()))
    base = _pick_baseline(list(groups.values()), baseline, path)
    ordered = [base] + [g for g in groups.values() if g is not base]
    for i, g in enumerate(ordered):
        g.index = i
    sweep = Sweep(path=path, table=table, groups=ordered, baseline=base, failed=failed, common_overrides=sorted(common))
    _check_consistency(sweep)
    return sweep


def _read_daily(path: Path) -> pd.DataFrame:
    import pyarrow.parquet as pq

    names = set(pq.read_schema(path).names)
    cols = [c for c in DAILY_COLUMNS if c in names]
    if "date" not in cols or "people_arrived" not in cols:
        raise ValueError(f"{path}: daily table without date or people_arrived")
    frame = pd.read_parquet(path, columns=cols)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def _one_line(text: Any) -> str:
    if text is None:
        return ""
    lines = [ln.strip() for ln in str(text).strip().splitlines() if ln.strip()]
    line = lines[-1] if lines else ""
    return line if len(line) <= 160 else line[:157] + "..."


def _name_groups(groups: list[Group]) -> None:
    seen: dict[str, int] = {}
    per_scenario: dict[str, int] = {}
    for g in groups:
        per_scenario[g.scenario] = per_scenario.get(g.scenario, 0) + 1
    for g in groups:
        name = scenario_label(g.scenario)
        if g.extra and per_scenario[g.scenario] > 1:  # the overrides tell apart runs of one scenario
            name += " (" + "; ".join(_override_words(t) for t in g.extra) + ")"
        seen[name] = seen.get(name, 0) + 1
        g.name = name if seen[name] == 1 else f"{name} #{seen[name]}"


def _override_words(tok: str) -> str:
    key, _, value = tok.lstrip("+~").partition("=")
    if key == "policy":
        levers = [LEVER_LABELS.get(v.strip(), humanise(v.strip())) for v in value.strip("[]").split(",") if v.strip()]
        return "levers: " + ", ".join(levers) if levers else "no levers"
    label = setting_label(key)
    label = label[:1].lower() + label[1:]
    return f"{label} {_fmt_setting(_number(value))}"


def _number(value: str) -> Any:
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return value


def _pick_baseline(groups: list[Group], name: str | None, path: Path) -> Group:
    candidates = [g for g in groups if g.runs]
    if name is not None:
        for match in (
            lambda g: g.key == name,
            lambda g: g.scenario == name and not g.extra,
            lambda g: g.name.lower() == name.lower(),
            lambda g: g.scenario == name,
        ):
            found = [g for g in groups if match(g)]
            if found:
                if not found[0].runs:
                    raise ReportError(
                        f"{path}: every run of the baseline {name!r} failed; choose another with --baseline"
                    )
                return found[0]
        names = ", ".join(sorted({g.scenario for g in groups}))
        raise ReportError(f"{path}: no scenario {name!r} in the sweep (scenarios: {names})")
    for match in (
        lambda g: g.scenario == "baseline_2024" and not g.extra,
        lambda g: "baseline" in g.scenario and not g.extra,
        lambda g: "baseline" in g.scenario,
    ):
        found = [g for g in candidates if match(g)]
        if found:
            return found[0]
    return candidates[0]


def _check_consistency(sweep: Sweep) -> None:
    notes = sweep.notes
    ignore = ("seed", "hydra")
    for g in sweep.finished_groups:
        keys: set[str] = set()
        first = {k: v for k, v in g.runs[0].config.items() if not k.startswith(ignore)}
        for r in g.runs[1:]:
            other = {k: v for k, v in r.config.items() if not k.startswith(ignore)}
            keys |= {k for k in set(first) | set(other) if first.get(k) != other.get(k)}
        if keys:
            notes.append(
                f"The runs of {g.name} differ in more than the seed "
                f"({', '.join(setting_label(k) for k in sorted(keys)[:4])}"
                f"{', ...' if len(keys) > 4 else ''}); they are pooled as one scenario."
            )
    for attr, what in (("scale", "population scale"), ("days", "length"), ("world.start_date", "start date")):
        values = {str(g.config.get(attr)) for g in sweep.finished_groups}
        if len(values) > 1:
            notes.append(f"Scenarios differ in {what} ({', '.join(sorted(values))}); compare them with care.")
    revisions = {str(r.metadata.get("git_revision", "unknown")) for g in sweep.finished_groups for r in g.runs}
    if len(revisions) > 1:
        notes.append(f"The runs come from {len(revisions)} different versions of the model code.")


# --------------------------------------------------------------------------------------------- statistics
def _t(n: int) -> float:
    from scipy import stats

    return float(stats.t.ppf(0.975, n - 1)) if n >= 2 else float("nan")


def mean_interval(values: Sequence[float], floor: float | None = None) -> Point:
    """Mean and 95% interval of the mean (Student t across seeds); NaN interval with fewer than two values."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return Point(float("nan"), float("nan"), float("nan"), v)
    m = float(v.mean())
    if v.size < 2:
        return Point(m, float("nan"), float("nan"), v)
    half = _t(v.size) * float(v.std(ddof=1)) / math.sqrt(v.size)
    lo, hi = m - half, m + half
    if floor is not None:
        lo = max(lo, floor)
    return Point(m, lo, hi, v)


@dataclass
class Change:
    """A scenario against the baseline on one outcome: mean difference, its 95% interval, the relative change."""

    diff: float
    lo: float
    hi: float
    base_mean: float
    paired: bool
    n: int

    @property
    def rel(self) -> float:
        return self.diff / self.base_mean if self.base_mean else float("nan")

    @property
    def has_interval(self) -> bool:
        return math.isfinite(self.lo) and math.isfinite(self.hi)

    @property
    def clear(self) -> bool:
        """The 95% interval excludes zero (with a single pair of runs, any nonzero difference counts)."""
        if not math.isfinite(self.diff):
            return False
        if not self.has_interval:
            return self.diff != 0
        return self.lo > 0 or self.hi < 0


def change(base: dict[int, float], other: dict[int, float]) -> Change:
    """Paired over the seeds both share (common random numbers), else Welch's unpaired interval."""
    common = sorted(s for s in set(base) & set(other) if math.isfinite(base[s]) and math.isfinite(other[s]))
    if len(common) >= 2:
        d = np.array([other[s] - base[s] for s in common])
        half = _t(d.size) * float(d.std(ddof=1)) / math.sqrt(d.size)
        bm = float(np.mean([base[s] for s in common]))
        return Change(float(d.mean()), float(d.mean() - half), float(d.mean() + half), bm, True, d.size)
    b = np.array([v for v in base.values() if math.isfinite(v)])
    o = np.array([v for v in other.values() if math.isfinite(v)])
    if b.size == 0 or o.size == 0:
        return Change(float("nan"), float("nan"), float("nan"), float("nan"), False, 0)
    diff = float(o.mean() - b.mean())
    if b.size >= 2 and o.size >= 2:
        from scipy import stats

        vb, vo = b.var(ddof=1) / b.size, o.var(ddof=1) / o.size
        se = math.sqrt(vb + vo)
        dof = (vb + vo) ** 2 / ((vb**2 / (b.size - 1)) + (vo**2 / (o.size - 1))) if se > 0 else 1.0
        half = float(stats.t.ppf(0.975, dof)) * se
        return Change(diff, diff - half, diff + half, float(b.mean()), False, min(b.size, o.size))
    return Change(diff, float("nan"), float("nan"), float(b.mean()), False, min(b.size, o.size))


# ------------------------------------------------------------------------------------------ number words
def fmt_value(key: str, x: float) -> str:
    if x is None or not math.isfinite(x):
        return "n/a"
    kind = OUTCOMES[key].kind if key in OUTCOMES else "count"
    if kind == "gbp":
        return fmt_gbp(x)
    if kind == "ratio":
        return f"{x:,.1f}"
    if kind == "rate":
        return f"{x:.1f}" if abs(x) >= 1 else f"{x:.2f}"
    if kind == "share":
        return f"{100 * x:.0f}%"
    return fmt_count(x)


def fmt_diff(key: str, x: float) -> str:
    """An absolute difference without its sign (the sentence says more or fewer)."""
    kind = OUTCOMES[key].kind if key in OUTCOMES else "count"
    if kind == "share":
        return f"{100 * abs(x):.0f} percentage points" if abs(x) >= 0.005 else f"{100 * abs(x):.1f} percentage points"
    return fmt_value(key, abs(x))


def fmt_pct(r: float, signed: bool = True) -> str:
    if not math.isfinite(r):
        return "n/a"
    a = abs(100 * r)
    text = f"{a:.1f}%" if a < 1 else f"{a:.0f}%"
    if not signed:
        return text
    return ("+" if r > 0 else MINUS if r < 0 else "") + text


def interval_text(key: str, p: Point) -> str:
    if not (math.isfinite(p.lo) and math.isfinite(p.hi)):
        return "(one run: no interval)"
    lo, hi = fmt_value(key, p.lo), fmt_value(key, p.hi)
    return "(same every year)" if lo == hi else f"({lo}\u2013{hi})"


def change_cell(key: str, c: Change) -> str:
    if not math.isfinite(c.diff):
        return "no comparison"
    if not c.clear:
        return "no clear change"
    if math.isfinite(c.rel):
        return fmt_pct(c.rel)
    return ("+" if c.diff > 0 else MINUS) + fmt_diff(key, c.diff)


def describe_change(key: str, c: Change) -> str:
    """A change in words: "6% fewer people arriving (about 2,300 fewer; 95% interval 1,400 to 3,200 fewer)"."""
    o = OUTCOMES[key]
    if not math.isfinite(c.diff):
        return f"{o.noun}: no comparison possible"
    if not c.clear:
        rel = f"{fmt_pct(c.rel)}, " if math.isfinite(c.rel) else ""
        return f"no clear change in {o.noun} ({rel}within the variation between simulated years)"
    word = o.up if c.diff > 0 else o.down
    amount = fmt_diff(key, c.diff)
    if o.kind == "gbp":
        detail = f"{amount} {'more' if c.diff > 0 else 'less'}"
    elif o.kind in ("rate", "share"):
        detail = f"{'up' if c.diff > 0 else 'down'} {amount}"
    else:
        detail = f"{amount} {word}"
    if c.has_interval:
        a, b = (fmt_diff(key, x) for x in sorted((abs(c.lo), abs(c.hi))))
        if a != b:
            detail += f"; 95% interval {a} to {b}"
    if math.isfinite(c.rel):
        pct = fmt_pct(c.rel, signed=False)
        head = f"{o.noun} {pct} {word}" if o.noun_first else f"{pct} {word} {o.noun}"
    else:
        head = f"{o.noun} {word}" if o.noun_first else f"{word} {o.noun}"
    return f"{head} ({detail})"


def _fmt_setting(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        if abs(v) >= 1000 or v == int(v):
            return f"{v:,.0f}"
        if abs(v) < 1e-3 and v != 0:
            return f"{v:.2g}"
        return f"{v:.4f}".rstrip("0").rstrip(".")
    if isinstance(v, (dict, list)) and not v:
        return "none"
    if isinstance(v, dict):
        return ", ".join(f"{humanise(k)} {_fmt_setting(x)}" for k, x in v.items())
    return str(v)


# ------------------------------------------------------------------------------------------ document model
@dataclass
class Para:
    text: str
    style: str = "body"  # title | subtitle | body | small | lead


@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Bullets:
    items: list[str]
    style: str = "body"


@dataclass
class Box:
    """A framed block: kind "warning" (red, failed runs and other cautions) or "note" (grey)."""

    title: str
    items: list[str]
    kind: str = "warning"
    id: str = ""


@dataclass
class Table:
    """Cells may hold several lines separated by newlines: the first is the value, the others smaller and grey."""

    header: list[str]
    rows: list[list[str]]
    id: str = ""
    caption: str = ""
    highlight_col: int | None = None
    align: str = ""  # one letter a column: l (text), r (number), t (technical name); default "lrr..."
    font: float = 8.0
    col_weights: list[float] | None = None

    def col_align(self, j: int) -> str:
        if j < len(self.align):
            return self.align[j]
        return "l" if j == 0 else "r"


@dataclass
class Chart:
    title: str
    draw: Callable[[Any, Sequence[float]], None]
    height: float  # inches, at a width of CHART_WIDTH
    caption: str = ""
    id: str = ""


@dataclass
class Section:
    title: str
    blocks: list[Any]
    id: str = ""


@dataclass
class Document:
    title: str
    subtitle: str
    sections: list[Section]
    footer: str = ""


CHART_WIDTH = 7.0  # inches: the text width of an A4 page with 0.63-inch margins


# --------------------------------------------------------------------------------------------- the content
def build_document(sweep: Sweep, today: dt.date | None = None) -> Document:
    today = today or dt.date.today()
    groups = sweep.finished_groups
    base = sweep.baseline
    sections = [
        _summary_section(sweep, groups, base),
        _tradeoff_section(sweep, groups),
        _year_section(sweep, groups),
        _side_effects_section(sweep, groups, base),
        _observed_section(sweep, base),
        _technical_section(sweep, groups, base, today),
    ]
    n_years = sorted({len(g.runs) for g in groups})
    yrs = f"{n_years[0]}\u2013{n_years[-1]}" if len(n_years) > 1 else str(n_years[0])
    return Document(
        title="Small-boat crossings of the English Channel: policy scenarios compared",
        subtitle=(
            f"{len(groups)} scenarios, simulated period {sweep.period}, {yrs} simulated years each. "
            f"Report produced {today:%d %B %Y} from the channel-abm model."
        ),
        sections=sections,
        footer=f"Channel crossings: policy scenarios compared · {sweep.path.name} · {today:%d %b %Y}",
    )


def _levers_of(g: Group) -> list[str]:
    return [name for name in LEVER_LABELS if g.config.get(f"policy.{name}.enabled") is True]


def _scenario_comment(name: str) -> str:
    """The description at the top of configs/scenario/NAME.yaml (comment lines), if the file exists."""
    path = SCENARIO_DIR / f"{name}.yaml"
    if not path.is_file():
        return ""
    lines = []
    for line in path.read_text().splitlines():
        s = line.strip()
        if not s.startswith("#"):
            break
        s = s.lstrip("#").strip()
        if s.startswith("@package"):
            continue
        lines.append(s)
    text = " ".join(lines)
    first = re.split(r"(?<=\.)\s", text, maxsplit=1)[0]
    return first


def _changed_settings(g: Group, base: Group) -> list[str]:
    """Settings (outside the levers) in which a scenario differs from the baseline, in words."""
    out = []
    for k in sorted(set(g.config) | set(base.config)):
        if k.startswith(("seed", "scenario", "hydra", "policy.")):
            continue
        a, b = base.config.get(k), g.config.get(k)
        if a != b:
            out.append(f"{setting_label(k).lower()} {_fmt_setting(b)} (baseline {_fmt_setting(a)})")
    return out


def _describe_scenario(g: Group, base: Group) -> str:
    """What a scenario is: its own description (configs/scenario/NAME.yaml), then, in a second line, its levers
    and the settings in which it differs from the baseline."""
    comment = re.sub(r"^[\w\s-]{1,40}:\s+", "", _scenario_comment(g.scenario))  # "Border security: posts..."
    levers = _levers_of(g)
    if len(levers) == len(LEVER_LABELS):
        detail = [f"levers: all {len(levers)}"]
    else:
        detail = ["levers: " + ", ".join(LEVER_LABELS[x] for x in levers) if levers else "no extra levers"]
    if g is not base:
        changed = _changed_settings(g, base)
        if changed:
            more = f"; and {len(changed) - 3} more settings" if len(changed) > 3 else ""
            detail.append("; ".join(changed[:3]) + more)
    second = _cap(". ".join(detail)) + "."
    return f"{_cap(comment)}\n{second}" if comment else second


def _seed_text(seeds: Sequence[int]) -> str:
    s = sorted(seeds)
    if not s:
        return "none"
    if s == list(range(s[0], s[-1] + 1)) and len(s) > 2:
        return f"{s[0]}\u2013{s[-1]}"
    return ", ".join(str(x) for x in s)


def _summary_section(sweep: Sweep, groups: list[Group], base: Group) -> Section:
    blocks: list[Any] = []
    warnings = []
    if sweep.failed:
        by_group: dict[str, list[dict]] = {}
        for f in sweep.failed:
            by_group.setdefault(f["group"], []).append(f)
        for key, fails in by_group.items():
            g = next(x for x in sweep.groups if x.key == key)
            left = f"{len(g.runs)} left" if g.runs else "no results at all: left out of this report"
            warnings.append(f"{g.name}: {len(fails)} failed (seeds {_seed_text([f['seed'] for f in fails])}; {left}).")
        warnings.append(
            "Failed runs are left out of every figure, so those scenarios rest on fewer simulated years. The errors "
            "are listed at the end of the report."
        )
        title = f"{len(sweep.failed)} of {sweep.n_runs} simulation runs failed"
    if sweep.scale != 1.0:
        warnings.append(
            f"These runs simulate {sweep.scale:.0%} of the real number of people (a setting for quick tests). Counts "
            "and costs are for that smaller population: do not quote them as national figures."
        )
        if not sweep.failed:
            title = "Not full scale"
    if warnings:
        blocks.append(Box(title, warnings, "warning", id="failed-runs" if sweep.failed else "scale"))
    cautions = []
    if sweep.days < 365:
        cautions.append(f"The runs cover {sweep.days} days, not a whole year.")
    n_min = min(len(g.runs) for g in groups)
    if n_min < 5:
        cautions.append(
            f"Some scenarios rest on only {n_min} simulated year{'s' if n_min != 1 else ''}: intervals are wide "
            "and small differences may be chance."
        )
    cautions.extend(sweep.notes)
    n_y = sorted({len(g.runs) for g in groups})
    years = f"{n_y[0]}" if len(n_y) == 1 else f"{n_y[0]} to {n_y[-1]}"
    blocks.append(Heading("The question", 2))
    blocks.append(
        Para(
            f"{QUESTION} This report compares {len(groups) - 1} policy scenario{'s' if len(groups) != 2 else ''} "
            f"with the baseline ({base.name}) in an agent-based simulation of {sweep.period}, in which migrants, "
            "smuggling networks and enforcement agencies react to each other. Each scenario was simulated for "
            f"{years} different years of weather and chance; figures are averages over those years."
        )
    )
    blocks.append(Heading(f"Headline results, {sweep.period}", 2))
    others = [g for g in groups if g is not base]
    chunks = [others[i : i + 4] for i in range(0, len(others), 4)] or [[]]
    for n, chunk in enumerate(chunks):
        cols = [base, *chunk]
        rows = []
        for key in HEADLINE:
            cells = [OUTCOMES[key].label]
            for g in cols:
                p = mean_interval(g.values(key), floor=0.0)
                lines = [fmt_value(key, p.mean), interval_text(key, p)]
                lines.append("baseline" if g is base else change_cell(key, change(base.by_seed(key), g.by_seed(key))))
                cells.append("\n".join(lines))
            rows.append(cells)
        blocks.append(
            Table(
                ["Outcome"] + [g.name for g in cols],
                rows,
                id="headline" if n == 0 else f"headline-{n + 1}",
                caption=(
                    "Each cell: the average over the simulated years; in brackets, the 95% interval of that average; "
                    'then the change against the baseline ("no clear change" when its 95% interval includes zero). '
                    f"Costs in pounds over {sweep.period}."
                )
                if n == len(chunks) - 1
                else "",
                highlight_col=1,
                col_weights=[1.75, *[1.0] * len(cols)] if len(cols) >= 4 else None,
            )
        )
    blocks.append(Heading("Scenarios compared", 2))
    blocks.append(
        Table(
            ["Scenario", "What it is", "Simulated years"],
            [[g.name, _describe_scenario(g, base), str(len(g.runs))] for g in groups],
            id="scenarios",
            align="llr",
            col_weights=[1.35, 4.75, 0.8],
        )
    )
    if cautions:
        blocks.append(Box("Read with care", cautions, "note", id="cautions"))
    blocks.append(Heading("What changes, in plain words", 2))
    items = []
    for g in others:
        phrases = [describe_change(k, change(base.by_seed(k), g.by_seed(k))) for k in FINDINGS]
        items.append(f"{g.name}, against the baseline: " + "; ".join(phrases) + ".")
    if not items:
        items.append("The sweep holds only the baseline scenario; there is nothing to compare it with.")
    blocks.append(Bullets(items))
    return Section("Summary", blocks, id="summary")


def _points(groups: Sequence[Group], key: str) -> list[Point]:
    return [mean_interval(g.values(key)) for g in groups]


def _tradeoff_section(sweep: Sweep, groups: list[Group]) -> Section:
    names = [g.name for g in groups]
    arrivals = _points(groups, "people_arrived")
    deaths = _points(groups, "deaths_at_sea")
    rates = _points(groups, "deaths_per_1000_arrivals")

    def draw(fig, rect):
        charts.tradeoff(fig, rect, names, arrivals, deaths, rates, sweep.period)

    text = (
        "Each large marker is a scenario's average over its simulated years, with bars for the 95% interval of "
        "that average in both directions; the small faint markers are the single simulated years. A policy that "
        "lowers crossings but raises deaths sits to the left of and above the baseline (black circle). The right "
        "panel shows the risk for each person crossing: fewer, more crowded boats can mean fewer arrivals but "
        "more deaths per arrival."
    )
    return Section(
        "Trade-off: crossings against deaths at sea",
        [
            Para(text),
            Chart(
                f"People arrived and deaths at sea, {sweep.period}, by scenario",
                draw,
                5.0 + 0.2 * ((len(names) - 1) // 3),
                id="chart-tradeoff",
            ),
        ],
        id="tradeoff",
    )


ROLL_WEEKS = 4  # weekly counts are smoothed over this many weeks (crossings come in bursts of calm weather)


def _rolling(values: np.ndarray, how: str = "mean") -> np.ndarray:
    """Centred moving sum or mean over ROLL_WEEKS weeks (shorter at the ends of the year)."""
    series = pd.Series(values, dtype=float).rolling(ROLL_WEEKS, center=True, min_periods=1)
    return (series.sum() if how == "sum" else series.mean()).to_numpy()


def _over_the_year(groups: list[Group], sweep: Sweep) -> dict[str, tuple[np.ndarray, list[Series]]]:
    """Per charted quantity: x dates and, per scenario, a matrix (seeds x time points)."""
    n_days = min(len(r.daily) for g in groups for r in g.runs if r.daily is not None)
    n_weeks = n_days // 7
    first = sweep.baseline.runs[0].daily["date"]
    week_mid = (pd.to_datetime(first.iloc[: n_weeks * 7 : 7]) + pd.Timedelta(hours=84)).to_numpy()
    day_dates = pd.to_datetime(first.iloc[:n_days]).to_numpy()
    names = ("arrivals", "cum_arrivals", "ppb", "deaths", "price", "stock")
    mats: dict[str, dict[str, list[np.ndarray]]] = {k: {} for k in names}

    def weekly(values: np.ndarray, how: str) -> np.ndarray:
        v = np.asarray(values[: n_weeks * 7], dtype=float).reshape(n_weeks, 7)
        return v.sum(axis=1) if how == "sum" else np.nanmean(v, axis=1)

    def col(d: pd.DataFrame, name: str) -> np.ndarray:
        return d[name].to_numpy(dtype=float) if name in d else np.full(len(d), np.nan)

    for g in groups:
        for r in g.runs:
            d = r.daily.iloc[:n_days]
            people, boats = weekly(col(d, "people_arrived"), "sum"), weekly(col(d, "boats_arrived"), "sum")
            people_r, boats_r = _rolling(people, "sum"), _rolling(boats, "sum")
            with np.errstate(all="ignore"):
                ppb = np.where(boats_r > 0, people_r / np.where(boats_r > 0, boats_r, 1.0), np.nan)
            values = {
                "arrivals": _rolling(people),
                "cum_arrivals": np.cumsum(col(d, "people_arrived")),
                "ppb": ppb,
                "deaths": np.cumsum(col(d, "deaths_at_sea")),
                "price": weekly(col(d, "mean_price_gbp"), "mean"),
                "stock": weekly(col(d, "boats_in_stock"), "mean"),
            }
            for k, v in values.items():
                mats[k].setdefault(g.key, []).append(v)
    out = {}
    for k in names:
        x = day_dates if k in ("cum_arrivals", "deaths") else week_mid
        out[k] = (x, [Series(g.name, g.colour, charts.marker(g.index), np.vstack(mats[k][g.key])) for g in groups])
    return out


def _year_section(sweep: Sweep, groups: list[Group]) -> Section:
    data = _over_the_year(groups, sweep)
    n_y = sorted({len(g.runs) for g in groups})
    seeds_text = f"{n_y[0]} years per scenario" if len(n_y) == 1 else f"{n_y[0]}\u2013{n_y[-1]} years per scenario"
    panels = [
        ("People arriving per week", f"people per week ({ROLL_WEEKS}-week average)", *data["arrivals"], "count"),
        ("People arrived since the start", "people (cumulative)", *data["cum_arrivals"], "count"),
        ("People per boat", f"people per boat ({ROLL_WEEKS}-week average)", *data["ppb"], "plain"),
        ("Deaths at sea since the start", "deaths (cumulative)", *data["deaths"], "count"),
        ("Price of a place on a boat", "£ per person (weekly average)", *data["price"], "gbp"),
        ("Boats held by smugglers in France", "boats in stock (weekly average)", *data["stock"], "count"),
    ]

    def draw(fig, rect):
        charts.fan_charts(fig, rect, panels, seeds_text)

    return Section(
        f"Over the year: {sweep.period}, week by week",
        [
            Para(
                "Lines are the median of the simulated years, shaded bands the range from the 5th to the 95th "
                "percentile (with few simulated years, close to their lowest and highest). Crossings come in bursts "
                f"of calm weather, so weekly arrivals and people per boat are averaged over {ROLL_WEEKS} weeks. "
                f"Based on {seeds_text}."
            ),
            Chart(f"Small-boat crossings over {sweep.period}, by scenario", draw, 8.9, id="chart-year"),
        ],
        id="year",
    )


def _mapping_matrix(
    groups: list[Group], prefix: str, share: bool
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    keys = sorted({k for g in groups for r in g.runs for k in r.row if k.startswith(prefix + ".")})
    names = [k[len(prefix) + 1 :] for k in keys]
    if not keys:
        z = np.zeros((len(groups), 0))
        return [], z, z, z
    mean = np.zeros((len(groups), len(keys)))
    lo, hi = np.zeros_like(mean), np.zeros_like(mean)
    for i, g in enumerate(groups):
        m = np.array([[r.value(k) for k in keys] for r in g.runs], dtype=float)
        if share:
            tot = m.sum(axis=1, keepdims=True)
            m = np.divide(m, tot, out=np.full_like(m, np.nan), where=tot > 0)
        for j in range(len(keys)):
            p = mean_interval(m[:, j], floor=0.0)
            mean[i, j], lo[i, j], hi[i, j] = p.mean, p.lo, p.hi
    return names, mean, lo, hi


def _side_effects_section(sweep: Sweep, groups: list[Group], base: Group) -> Section:
    names = [g.name for g in groups]
    routes = list(_mapping_matrix(groups, "coast_arrivals_by_route", share=False))
    routes[0] = [route_label(r) for r in routes[0]]
    areas = list(_mapping_matrix(groups, "launch_attempts_by_area", share=True))
    areas[0] = [area_label(a) for a in areas[0]]
    taxi = _points(groups, "taxi_boat_share")
    price = _points(groups, "mean_price_gbp")

    def draw(fig, rect):
        charts.side_effects(fig, rect, names, tuple(routes), tuple(areas), taxi, price, sweep.period)

    blocks: list[Any] = [
        Para(
            "Smugglers and migrants adapt: squeezing one route or beach can move people to another, and fewer "
            "boats can mean fuller boats, more taxi boats (launched from rivers and canals to pick people up in the "
            "water, out of reach of beach patrols) and higher prices. Bars are averages over the simulated years; "
            "whiskers the 95% interval of the average."
        ),
        Chart(f"Side effects, {sweep.period}, by scenario", draw, 5.4 + 0.2 * ((len(names) - 1) // 3), id="chart-side"),
        Heading("Cost per crossing averted", 2),
        Para(
            "The extra enforcement and policy cost of a scenario divided by the number of crossings it averts, both "
            "against the baseline over the same simulated years. Where arrivals did not clearly fall (the 95% "
            "interval of the fall includes zero, or arrivals rose), no cost per crossing is given. Hotel costs are "
            "shown apart: fewer arrivals mean fewer people to house."
        ),
    ]
    rows = []
    for g in groups:
        if g is base:
            continue
        dc = change(base.by_seed("policy_cost_gbp"), g.by_seed("policy_cost_gbp"))
        da = change(base.by_seed("people_arrived"), g.by_seed("people_arrived"))
        dh = change(base.by_seed("hotel_cost_gbp"), g.by_seed("hotel_cost_gbp"))
        averted = -da.diff
        if not math.isfinite(averted):
            averted_text, per = "n/a", "n/a"
        elif averted <= 0 or not da.clear:
            averted_text = (
                "none (arrivals rose)"
                if averted < 0 and da.clear
                else f"none clear ({fmt_count(averted)} on average)"
                if averted > 0
                else "none"
            )
            per = "no crossings averted"
        else:
            a, b = sorted((-da.hi, -da.lo))
            averted_text = (
                f"{fmt_count(averted)}\n({fmt_count(a)} to {fmt_count(b)})" if da.has_interval else fmt_count(averted)
            )
            ratio = dc.diff / averted
            per = f"saves {fmt_gbp(-ratio)} per crossing averted" if ratio < 0 else fmt_gbp(ratio)
        rows.append(
            [
                g.name,
                _signed_gbp(dc.diff) + ("" if dc.clear or not dc.has_interval else "\n(not clearly different)"),
                averted_text,
                per,
                _signed_gbp(dh.diff) + ("" if dh.clear or not dh.has_interval else "\n(no clear change)"),
            ]
        )
    if rows:
        blocks.append(
            Table(
                [
                    "Scenario",
                    "Extra policy cost",
                    "Crossings averted",
                    "Cost per crossing averted",
                    "Change in hotel cost",
                ],
                rows,
                id="cost-per-crossing",
                caption=f"Over {sweep.period}, averages over the simulated years (95% interval in brackets).",
            )
        )
    else:
        blocks.append(Para("Only the baseline was simulated: no cost per crossing averted can be computed."))
    return Section("Side effects and cost", blocks, id="side-effects")


def _signed_gbp(x: float) -> str:
    if not math.isfinite(x):
        return "n/a"
    return ("+" if x > 0 else "") + fmt_gbp(x)


def _observed_section(sweep: Sweep, base: Group) -> Section:
    from sim.evidence import observed as obs

    blocks: list[Any] = []
    year = sweep.start_date.year
    scale = sweep.scale
    try:
        annual = obs.load_annual()
        targets = obs.annual_targets(year, annual) if year in annual.index else None
    except obs.ObservedDataError as exc:  # damaged observed data: no report (exit 2), as validate and calibrate
        raise ReportError(str(exc)) from None
    full_year = sweep.period == str(year)
    rows = []
    if targets is not None:
        labels = {
            "people_arrived": "People arrived in the UK",
            "boats_arrived": "Boats arrived",
            "people_per_boat": "People per boat",
            "crossing_days": "Days with crossings",
            "prevention_share": "Share of people stopped on French beaches",
            "deaths_at_sea": "Deaths at sea (IOM, incidents at sea)",
        }
        for key, label in labels.items():
            div = scale if key in ("people_arrived", "boats_arrived", "deaths_at_sea") else 1.0
            v = base.values(key) / div
            p = mean_interval(v, floor=0.0)
            o = targets.get(key, float("nan"))
            rng = f"{fmt_value(key, np.nanmin(v))} to {fmt_value(key, np.nanmax(v))}" if v.size > 1 else "one run"
            diff = f"{fmt_pct((p.mean - o) / o)}" if math.isfinite(o) and o else "not observed"
            if key == "crossing_days" and scale != 1.0:
                diff = "not comparable at this scale"
            rows.append([label, fmt_value(key, p.mean), rng, _observed_text(key, o), diff])
        intro = (
            f"How well does the baseline reproduce what was observed in {year}? Observed figures: Home Office "
            "small-boat statistics, IOM Missing Migrants Project (deaths in incidents at sea) and French estimates of "
            "people stopped (sources in the model's data/SOURCES.md)."
        )
        if not full_year:
            intro += f" The runs cover {sweep.period}, so the annual figures are not directly comparable."
        if scale != 1.0:
            intro += (
                f" The runs simulate {scale:.0%} of the population: simulated people, boats and deaths are divided "
                f"by {scale:g} for this comparison only; days with crossings are not comparable at this scale."
            )
        blocks.append(Para(intro))
        blocks.append(
            Table(
                ["", f"Simulated {year} (average)", "Range of simulated years", f"Observed {year}", "Difference"],
                rows,
                id="observed-annual",
                caption="Difference: (simulated average minus observed) divided by observed.",
            )
        )
    else:
        blocks.append(Para(f"There are no observed annual figures for {year} in the model's data; nothing to compare."))

    # Monthly pattern: the daily series ends in 2023, so compare shares of the year against 2021-2023.
    months_ok = sweep.start_date.month == 1 and sweep.start_date.day == 1 and sweep.days >= 365
    blocks.append(Heading("Monthly pattern", 2))
    if not months_ok:
        blocks.append(Para("The runs do not cover a whole calendar year, so the monthly pattern is not compared."))
        return Section(f"The baseline against observed data, {year}", blocks, id="observed")
    try:
        daily_obs = obs.load_daily()
        avg = obs.monthly_shares(daily_obs, obs.PATTERN_YEARS).reindex(range(1, 13)).fillna(0).to_numpy()
        last_year = max(obs.PATTERN_YEARS)
        last = obs.monthly_shares(daily_obs, [last_year]).reindex(range(1, 13)).fillna(0).to_numpy()
    except obs.ObservedDataError as exc:
        raise ReportError(str(exc)) from None
    shares = []
    for r in base.runs:
        d = r.daily[r.daily["date"].dt.year == year]
        m = d.groupby(d["date"].dt.month)["people_arrived"].sum().reindex(range(1, 13), fill_value=0).to_numpy(float)
        shares.append(m / m.sum() if m.sum() > 0 else np.full(12, np.nan))
    sim_series = Series(base.name, base.colour, "o", np.vstack(shares))
    years_txt = f"{min(obs.PATTERN_YEARS)}-{max(obs.PATTERN_YEARS)}"

    def draw(fig, rect):
        charts.monthly_pattern(
            fig,
            rect,
            sim_series,
            avg,
            f"observed, average of {years_txt}",
            last,
            f"observed, {last_year}",
            f"simulated {year}, baseline\n(median, band 5%-95%)",
        )

    med = sim_series.band()[0]
    peak_sim = (
        [dt.date(2024, int(m), 1).strftime("%B") for m in np.argsort(med)[::-1][:3] + 1]
        if np.isfinite(med).all()
        else []
    )
    peak_obs = [dt.date(2024, int(m), 1).strftime("%B") for m in np.argsort(avg)[::-1][:3] + 1]
    summer_sim = float(np.nansum(med[5:10])) if np.isfinite(med).any() else float("nan")
    summer_obs = float(avg[5:10].sum())
    blocks.append(
        Para(
            f"The Home Office daily series ends in 2023, so the simulated {year} is compared by the share of the "
            f"year's arrivals in each month, against the average monthly shares of {years_txt} (each year weighted "
            f"equally; 2018-2020 had far fewer crossings and a different pattern) and against {last_year} alone. "
            f"June to October: {summer_sim:.0%} of simulated arrivals, {summer_obs:.0%} observed ({years_txt}). "
            + (f"Busiest months simulated: {', '.join(peak_sim)}; observed: {', '.join(peak_obs)}." if peak_sim else "")
        )
    )
    blocks.append(
        Chart(f"Monthly pattern of arrivals: simulated {year} against observed", draw, 3.2, id="chart-monthly")
    )
    return Section(f"The baseline against observed data, {year}", blocks, id="observed")


def _observed_text(key: str, o: float) -> str:
    """Observed figures as published: counts exact (36,816), the rest as the report formats them."""
    if not math.isfinite(o):
        return "not observed"
    return f"{o:,.0f}" if OUTCOMES[key].kind == "count" else fmt_value(key, o)


def _same(values: Sequence[Any]) -> bool:
    return len({json.dumps(v, sort_keys=True, default=str) for v in values}) <= 1


def _diff_rows(groups: list[Group]) -> list[list[str]]:
    """Settings that differ between scenarios: levers on or off, other settings, and lever settings that differ
    between the scenarios using that lever. Rows: label (unit), one value per scenario, technical name."""
    ignore = ("seed", "scenario", "hydra")
    keys = sorted({k for g in groups for k in g.config if not k.startswith(ignore)})
    lever_order = {name: i for i, name in enumerate(LEVER_LABELS)}
    levers, params, others = [], [], []
    for k in keys:
        vals = [g.config.get(k) for g in groups]
        parts = k.split(".")
        if parts[0] == "policy" and len(parts) >= 3:
            lever = parts[1]
            if parts[2] == "enabled":
                if not _same(vals):
                    levers.append(
                        (
                            lever_order.get(lever, 99),
                            [setting_label(k), *("on" if v is True else "off" for v in vals), k],
                        )
                    )
                continue
            used = [v for g, v in zip(groups, vals, strict=True) if g.config.get(f"policy.{lever}.enabled") is True]
            if len(used) >= 2 and not _same(used):
                cells = [
                    _fmt_setting(v) if g.config.get(f"policy.{lever}.enabled") is True else "\u2013"
                    for g, v in zip(groups, vals, strict=True)
                ]
                params.append((lever_order.get(lever, 99), [_with_unit(k), *cells, k]))
            continue
        if not _same(vals):
            others.append([_with_unit(k), *(_fmt_setting(v) for v in vals), k])
    return (
        [r for _, r in sorted(levers, key=lambda x: x[0])] + others + [r for _, r in sorted(params, key=lambda x: x[0])]
    )


def _with_unit(key: str) -> str:
    unit = param_unit(key)
    return setting_label(key) + (f" ({unit})" if unit and unit not in ("name", "place") else "")


def _lever_rows(groups: list[Group]) -> list[list[str]]:
    """One row per lever used by any scenario: where it is used and all its settings (the lever's assumptions)."""
    rows = []
    for lever, label in LEVER_LABELS.items():
        users = [g for g in groups if g.config.get(f"policy.{lever}.enabled") is True]
        if not users:
            continue
        prefix = f"policy.{lever}."
        keys = sorted(
            {k for g in users for k in g.config if k.startswith(prefix) and k != prefix + "enabled"},
            key=lambda k: k.split(".")[2],
        )
        items, done = [], set()
        for k in keys:
            top = k.split(".")[2]
            if top in done:
                continue
            sub = sorted(x for x in keys if x.split(".")[2] == top)
            done.add(top)
            values = [
                {x[len(prefix + top) + 1 :]: g.config.get(x) for x in sub} if sub != [k] else g.config.get(k)
                for g in users
            ]
            value = "differs by scenario (above)" if not _same(values) else _fmt_setting(values[0])
            if isinstance(values[0], dict) and _same(values):
                value = ", ".join(f"{humanise(n)} {_fmt_setting(v)}" for n, v in values[0].items()) or "none"
            unit = param_unit(k) if sub == [k] else ""
            plain_unit = unit and len(unit) <= 40 and "ISO" not in unit and not value.startswith("differs")
            unit = f" {unit}" if plain_unit else ""
            items.append(f"{humanise(top)}: {value}{unit}")
        rows.append([_cap(label), ", ".join(g.name for g in users), "; ".join(items) + ".", prefix.rstrip(".")])
    return rows


def _technical_section(sweep: Sweep, groups: list[Group], base: Group, today: dt.date) -> Section:
    import sim

    blocks: list[Any] = [
        Heading("How to read the figures", 2),
        Bullets(
            [
                "A simulated year is one run of the model with its own random seed: its own weather, people and "
                "chance events. Scenarios use the same seeds, so they are compared on the same weather and the same "
                "people (common random numbers).",
                "An average's 95% interval (Student t across simulated years) says how precisely the simulations pin "
                "down the average; it does not cover uncertainty in the model's assumptions below.",
                "A change against the baseline is the average of the differences on the same seeds, with its own "
                '95% interval; "no clear change" means that interval includes zero.',
                "Fan-chart bands show where single simulated years fall (5th to 95th percentile): the spread of "
                "outcomes from one year to the next under the same policy.",
            ]
        ),
        Heading("Settings that differ between scenarios", 2),
    ]
    rows = _diff_rows(groups)
    if rows:
        # The technical name goes in a last column, for analysts who want to reproduce a scenario.
        blocks.append(
            Table(
                ["Setting (unit)", *[g.name for g in groups], "Technical name"],
                rows,
                id="config-diff",
                caption=(
                    "From each scenario's resolved configuration; \u2013 where the lever is not used. The sources of "
                    "every value are in the model description (docs/ODD.md, docs/policies.md)."
                ),
                highlight_col=1,
                font=7.0,
                align="l" + "r" * len(groups) + "t",
                col_weights=[2.6, *[1.0] * len(groups), 1.9],
            )
        )
    else:
        blocks.append(Para("The scenarios do not differ in any setting (only in the seeds)."))
    lever_rows = _lever_rows(groups)
    if lever_rows:
        blocks.append(Heading("Assumptions: how each lever is set", 2))
        blocks.append(
            Para(
                "The strength, effect sizes and costs of each lever are assumptions of the model (many are informed "
                "guesses; see docs/policies.md for the evidence behind each). Results depend on them.",
                "small",
            )
        )
        blocks.append(
            Table(
                ["Lever", "Used in", "Settings", "Technical name"],
                lever_rows,
                id="lever-settings",
                font=7.0,
                align="lllt",
                col_weights=[1.5, 1.4, 4.2, 1.3],
            )
        )
    blocks.append(Heading("Model version and runs", 2))
    revisions = sorted({str(r.metadata.get("git_revision", "unknown")) for g in groups for r in g.runs})
    versions = next((r.metadata.get("versions", {}) for g in groups for r in g.runs if r.metadata), {})
    seeds_rows = [[g.name, str(len(g.runs)), _seed_text(g.seeds), str(len(g.failed))] for g in sweep.groups]
    wall = pd.to_numeric(sweep.table.get("wall_seconds", pd.Series(dtype=float)), errors="coerce").sum()
    facts = [
        f"Model: channel-abm {sim.__version__}, code revision {', '.join(revisions)}; "
        f"Mesa {versions.get('mesa', '?')}, "
        f"Python {versions.get('python', '?')}.",
        f"Sweep folder: {sweep.path.resolve()}; {sweep.n_runs} runs, {sweep.n_runs - len(sweep.failed)} finished"
        + (f", {wall / 60:.0f} minutes of computing" if wall > 60 else "")
        + ".",
        f"Simulated period: {sweep.period} (start {sweep.start_date.day} {sweep.start_date:%B %Y}, "
        f"{sweep.days} days, after "
        f"{int(sweep.cfg.get('world.burn_in_days', 0))} days of warm-up that are not counted); population scale "
        f"{sweep.scale:g} (1 = every person simulated).",
        f"Baseline: {base.name}. Report written {today:%d %B %Y}.",
    ]
    if sweep.common_overrides:
        facts.append(
            "Settings given to every run: " + "; ".join(_override_words(t) for t in sweep.common_overrides) + "."
        )
    blocks.append(Bullets(facts, "small"))
    blocks.append(Table(["Scenario", "Simulated years", "Seeds", "Failed runs"], seeds_rows, id="seeds", align="lrrr"))
    if sweep.failed:
        names = {g.key: g.name for g in sweep.groups}
        blocks.append(Heading("Failed runs", 2))
        blocks.append(
            Table(
                ["Scenario", "Seed", "Error"],
                [[names[f["group"]], str(f["seed"]), f["error"]] for f in sweep.failed],
                id="failed-table",
                align="lrl",
                font=7.0,
                col_weights=[1.5, 0.5, 5.0],
            )
        )
    return Section("Assumptions and technical details", blocks, id="technical")


# -------------------------------------------------------------------------------------------------- HTML
CSS = """
body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;color:#1d1d1d;max-width:58rem;margin:2rem auto;
padding:0 1.2rem;line-height:1.45;font-size:15px}
h1{font-size:1.75rem;color:#17365d;margin:0 0 .3rem}
h2{font-size:1.35rem;color:#17365d;border-bottom:2px solid #17365d;padding-bottom:.2rem;margin-top:2.4rem}
h3{font-size:1.08rem;color:#17365d;margin:1.4rem 0 .4rem}
p.subtitle{color:#555;margin-top:0}
p.small,ul.small{font-size:.85rem;color:#333}
.box{border:2px solid #b00020;background:#fff4f4;padding:.6rem 1rem;margin:1rem 0;border-radius:4px}
.box.note{border-color:#888;background:#f4f4f4}
.box strong{display:block;margin-bottom:.3rem;color:#b00020}
.box.note strong{color:#333}
.box ul{margin:.2rem 0;padding-left:1.2rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.86rem;width:100%}
th,td{border:1px solid #c8c8c8;padding:.3rem .45rem;vertical-align:top}
th{background:#e8edf3;text-align:left}
tbody th{background:#f7f9fb}
td.num{text-align:right;white-space:nowrap}
td.hl,th.hl{background:#f3f3f3}
tr:nth-child(even) td{background-color:#fafafa}
tr:nth-child(even) td.hl{background-color:#efefef}
td .sub{display:block;color:#666;font-size:.82em}
td.tech{font-family:"DejaVu Sans Mono",monospace;font-size:.72rem;color:#666;white-space:normal;word-break:break-all}
caption{caption-side:bottom;text-align:left;font-size:.8rem;color:#555;padding-top:.3rem}
figure{margin:1rem 0}
figure img{width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.85rem;color:#555}
.scroll{overflow-x:auto}
footer{margin-top:3rem;font-size:.8rem;color:#777;border-top:1px solid #ccc;padding-top:.5rem}
@media print{body{max-width:none;margin:0;font-size:11pt}section{break-before:page}
section:first-of-type{break-before:auto}
figure,table,.box{break-inside:avoid}}
"""


def _esc(s: str) -> str:
    return html.escape(str(s))


def _cell_html(text: str) -> str:
    lines = str(text).split("\n")
    inner = _esc(lines[0]) + "".join(f'<span class="sub">{_esc(x)}</span>' for x in lines[1:])
    return inner


def render_html(doc: Document, images: dict[int, bytes]) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(doc.title)}</title><style>{CSS}</style></head><body>",
        f'<header><h1>{_esc(doc.title)}</h1><p class="subtitle">{_esc(doc.subtitle)}</p></header>',
    ]
    for sec in doc.sections:
        out.append(f'<section id="{_esc(sec.id)}"><h2>{_esc(sec.title)}</h2>')
        for b in sec.blocks:
            out.append(_block_html(b, images))
        out.append("</section>")
    out.append(f"<footer>{_esc(doc.footer)}</footer></body></html>")
    return "\n".join(out)


def _block_html(b: Any, images: dict[int, bytes]) -> str:
    if isinstance(b, Heading):
        return f"<h3>{_esc(b.text)}</h3>"
    if isinstance(b, Para):
        cls = f' class="{b.style}"' if b.style != "body" else ""
        return f"<p{cls}>{_esc(b.text)}</p>"
    if isinstance(b, Bullets):
        cls = f' class="{b.style}"' if b.style != "body" else ""
        return f"<ul{cls}>" + "".join(f"<li>{_esc(i)}</li>" for i in b.items) + "</ul>"
    if isinstance(b, Box):
        ident = f' id="{_esc(b.id)}"' if b.id else ""
        items = "".join(f"<li>{_esc(i)}</li>" for i in b.items)
        return f'<div class="box {b.kind}"{ident} role="note"><strong>{_esc(b.title)}</strong><ul>{items}</ul></div>'
    if isinstance(b, Table):
        ident = f' id="{_esc(b.id)}"' if b.id else ""
        head = "".join(
            f'<th{" class=hl" if j == b.highlight_col else ""} scope="col">{_esc(h)}</th>'
            for j, h in enumerate(b.header)
        )
        rows = []
        for row in b.rows:
            cells = []
            for j, c in enumerate(row):
                cls = {"l": [], "r": ["num"], "t": ["tech"]}[b.col_align(j)] + (["hl"] if j == b.highlight_col else [])
                attr = f' class="{" ".join(cls)}"' if cls else ""
                tag, scope = ("th", ' scope="row"') if j == 0 else ("td", "")
                cells.append(f"<{tag}{attr}{scope}>{_cell_html(c)}</{tag}>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        cap = f"<caption>{_esc(b.caption)}</caption>" if b.caption else ""
        body = "".join(rows)
        return (
            f'<div class="scroll"><table{ident}>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
        )
    if isinstance(b, Chart):
        data = base64.b64encode(images[id(b)]).decode("ascii")
        ident = f' id="{_esc(b.id)}"' if b.id else ""
        cap = f"<figcaption>{_esc(b.caption)}</figcaption>" if b.caption else ""
        return f'<figure{ident}><img alt="{_esc(b.title)}" src="data:image/png;base64,{data}">{cap}</figure>'
    raise TypeError(f"unknown block {type(b).__name__}")


def chart_png(chart: Chart, dpi: int = 150) -> bytes:
    """The chart as a stand-alone PNG, the same size as on the A4 page, with its title on top."""
    import matplotlib
    from matplotlib.figure import Figure

    title_h = 0.4
    with matplotlib.rc_context(charts.RC):
        fig = Figure(figsize=(CHART_WIDTH, chart.height + title_h))
        fig.text(
            0.01,
            1 - 0.12 / (chart.height + title_h),
            chart.title,
            fontsize=11,
            weight="bold",
            va="top",
            color="#17365d",
        )
        chart.draw(fig, (0.0, 0.0, 1.0, chart.height / (chart.height + title_h)))
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()


# --------------------------------------------------------------------------------------------------- PDF
class _Measure:
    """Text widths in points with the fonts the PDF uses (matplotlib's own metrics)."""

    def __init__(self) -> None:
        from matplotlib.backends.backend_agg import RendererAgg

        self.r = RendererAgg(10, 10, 720)  # 10x: hinting does not distort widths at small sizes
        self.cache: dict[tuple[str, float, bool], float] = {}

    def width(self, s: str, size: float, bold: bool = False) -> float:
        key = (s, size, bold)
        if key not in self.cache:
            from matplotlib.font_manager import FontProperties

            prop = FontProperties(family="DejaVu Sans", size=size, weight="bold" if bold else "normal")
            self.cache[key] = self.r.get_text_width_height_descent(s, prop, ismath=False)[0] / 10.0
        return self.cache[key]

    def wrap(self, text: str, width: float, size: float, bold: bool = False) -> list[str]:
        lines: list[str] = []
        for para in str(text).split("\n"):
            words = [piece for w in para.split(" ") for piece in self._split_long(w, width, size, bold)]
            cur = ""
            for w in words:
                glue = "" if w.startswith("\x00") else " "
                w = w.removeprefix("\x00")
                trial = w if not cur else cur + glue + w
                if self.width(trial, size, bold) <= width or not cur:
                    cur = trial
                else:
                    lines.append(cur)
                    cur = w
            lines.append(cur)
        return lines

    def _split_long(self, word: str, width: float, size: float, bold: bool) -> list[str]:
        """A word wider than the column, cut after dots and underscores (continuations marked by a NUL)."""
        if self.width(word, size, bold) <= width:
            return [word]
        parts = re.findall(r"[^._]+[._]?|[._]", word)
        out: list[str] = []
        for part in parts:
            while self.width(part, size, bold) > width and len(part) > 1:  # no break point: cut by characters
                k = len(part)
                while k > 1 and self.width(part[:k], size, bold) > width:
                    k -= 1
                out.append(part[:k])
                part = part[k:]
            out.append(part)
        return [out[0], *("\x00" + x for x in out[1:])]


class PdfWriter:
    """Lays the document out on A4 pages (inches from the top-left corner; matplotlib draws each page)."""

    W, H = 8.27, 11.69
    ML, MR, MT, MB = 0.63, 0.63, 0.6, 0.75
    BLUE = "#17365d"

    def __init__(self, path: Path, doc: Document) -> None:
        from matplotlib.backends.backend_pdf import PdfPages

        self.doc = doc
        self.pdf = PdfPages(
            path,
            metadata={"Title": doc.title, "Subject": doc.subtitle, "Creator": "channel-abm sim.report"},
        )
        self.m = _Measure()
        self.fig: Any = None
        self.y = 0.0
        self.page = 0
        self.section_pages: dict[str, int] = {}
        self.empty = True

    @property
    def text_w(self) -> float:
        return self.W - self.ML - self.MR

    def new_page(self) -> None:
        from matplotlib.figure import Figure

        self.finish_page()
        self.fig = Figure(figsize=(self.W, self.H))
        self.page += 1
        self.y = self.MT
        self.empty = True

    def finish_page(self) -> None:
        if self.fig is None:
            return
        self.fig.text(
            self.ML / self.W,
            0.4 / self.H,
            self.doc.footer,
            fontsize=7,
            color="#777777",
            va="baseline",
            parse_math=False,
        )
        self.fig.text(
            1 - self.MR / self.W,
            0.4 / self.H,
            f"page {self.page}",
            fontsize=7,
            color="#777777",
            ha="right",
            va="baseline",
        )
        self.pdf.savefig(self.fig)
        self.fig = None

    def close(self) -> None:
        self.finish_page()
        self.pdf.close()

    def left(self) -> float:
        return self.H - self.MB - self.y

    def ensure(self, h: float) -> None:
        if self.fig is None or (h > self.left() and not self.empty):
            self.new_page()

    def line(self, text: str, size: float, x: float = 0.0, bold: bool = False, color: str = "#1d1d1d", **kw) -> None:
        base = self.y + 0.93 * size / 72
        self.fig.text(
            (self.ML + x) / self.W,
            1 - base / self.H,
            text,
            fontsize=size,
            weight="bold" if bold else "normal",
            color=color,
            va="baseline",
            parse_math=False,
            **kw,
        )

    def text(
        self,
        text: str,
        size: float = 9.5,
        bold: bool = False,
        color: str = "#1d1d1d",
        indent: float = 0.0,
        after: float = 0.08,
        prefix: str = "",
    ) -> None:
        width = (self.text_w - indent) * 72
        lines = self.m.wrap(text, width, size, bold)
        lh = 1.32 * size / 72
        for i, ln in enumerate(lines):
            self.ensure(lh)
            if i == 0 and prefix:
                self.line(prefix, size, indent - 0.15, bold, color)
            self.line(ln, size, indent, bold, color)
            self.y += lh
            self.empty = False
        self.y += after

    # ---- blocks
    def heading(self, text: str, level: int, next_h: float = 0.9) -> None:
        size = 15 if level == 1 else 11
        need = min(next_h, 0.85 * (self.H - self.MT - self.MB)) + 0.2 + 1.4 * size / 72
        self.ensure(need)
        self.y += 0.12 if (level == 2 and not self.empty) else 0.0
        self.text(text, size, True, self.BLUE, after=0.05 if level == 2 else 0.02)
        if level == 1:
            yy = 1 - (self.y + 0.02) / self.H
            self.fig.add_artist(_line_artist(self.ML / self.W, 1 - self.MR / self.W, yy, self.BLUE, 1.5))
            self.y += 0.14

    def box(self, b: Box) -> None:
        size = 8.5
        lh = 1.3 * size / 72
        pad = 0.1
        width = (self.text_w - 2 * pad - 0.15) * 72
        lines = [(ln, True, i == 0 and False) for i, ln in enumerate(self.m.wrap(b.title, width, 9.5, True))]
        body = []
        for item in b.items:
            wrapped = self.m.wrap(item, width, size)
            body.extend((ln, False, j == 0) for j, ln in enumerate(wrapped))
        h = 2 * pad + len(lines) * 1.3 * 9.5 / 72 + len(body) * lh + 0.05
        self.ensure(h)
        from matplotlib.patches import FancyBboxPatch

        edge, face, tcol = (
            ("#b00020", "#fff4f4", "#b00020") if b.kind == "warning" else ("#888888", "#f4f4f4", "#333333")
        )
        x0, y_top = self.ML / self.W, 1 - self.y / self.H
        self.fig.add_artist(
            FancyBboxPatch(
                (x0, y_top - h / self.H),
                self.text_w / self.W,
                h / self.H,
                boxstyle="square,pad=0",
                linewidth=1.6,
                edgecolor=edge,
                facecolor=face,
                transform=self.fig.transFigure,
            )
        )
        self.y += pad
        for ln, _, _ in lines:
            self.line(ln, 9.5, pad, True, tcol)
            self.y += 1.3 * 9.5 / 72
        self.y += 0.05
        for ln, _, first in body:
            if first:
                self.line("\u2022", size, pad + 0.02)
            self.line(ln, size, pad + 0.17)
            self.y += lh
        self.y += pad + 0.12
        self.empty = False

    def bullets(self, b: Bullets) -> None:
        size = 9.0 if b.style == "body" else 8.0
        for item in b.items:
            self.text(item, size, indent=0.2, prefix="\u2022", after=0.05)
        self.y += 0.05

    def table_layout(self, t: Table) -> dict[str, Any]:
        """Column widths, wrapped cells and heights of a table (inches)."""
        font = t.font
        sub = font - 0.8
        pad_x, pad_y = 0.05, 0.035
        ncol = len(t.header)
        total = self.text_w
        # Natural column widths (widest line, unwrapped) and minimum widths (widest word), fitted to the text width.
        natural, minimum = [], []
        for j in range(ncol):
            w = self.m.width(t.header[j], font, True)
            m = max(self.m.width(x, font, True) for x in t.header[j].split(" "))
            for r in t.rows:
                for k, ln in enumerate(str(r[j]).split("\n")):
                    size = font if k == 0 else sub
                    w = max(w, self.m.width(ln, size, j == 0))
                    if t.col_align(j) != "t":
                        m = max([m, *(self.m.width(x, size, j == 0) for x in ln.split(" "))])
            natural.append(w / 72 + 2 * pad_x)
            minimum.append(min(m / 72 + 2 * pad_x, 0.45 * total))
        if t.col_weights:
            widths = [total * w / sum(t.col_weights) for w in t.col_weights]
            # No column narrower than its longest word: take the difference from the columns with room to spare.
            short = sum(max(m - w, 0.0) for w, m in zip(widths, minimum, strict=True))
            room = [max(w - m, 0.0) for w, m in zip(widths, minimum, strict=True)]
            if short > 0 and sum(room) > short:
                widths = [
                    max(w, m) - (short * r / sum(room) if w > m else 0.0)
                    for w, m, r in zip(widths, minimum, room, strict=True)
                ]
        elif sum(natural) <= total:
            extra = total - sum(natural)
            widths = [w + extra / ncol for w in natural]
        else:
            # Give every column its minimum, then share the rest in proportion to what each still wants.
            spare = total - sum(minimum)
            want = [max(n - m, 0.0) for n, m in zip(natural, minimum, strict=True)]
            widths = [m + (spare * w / sum(want) if sum(want) > 0 else 0.0) for m, w in zip(minimum, want, strict=True)]
        if sum(widths) > total:  # minimums alone too wide: shrink all alike
            widths = [w * total / sum(widths) for w in widths]

        def wrapped(row: list[str], header: bool) -> tuple[list[list[tuple[str, float, bool, str]]], float]:
            cells, h = [], 0.0
            for j, c in enumerate(row):
                lines = []
                for k, part in enumerate(str(c).split("\n")):
                    size = font if (k == 0 or header) else sub
                    bold = header or (j == 0)
                    color = "#1d1d1d" if k == 0 else "#666666"
                    if not header and t.col_align(j) == "t":
                        size, color = sub, "#666666"
                    for ln in self.m.wrap(part, (widths[j] - 2 * pad_x) * 72, size, bold):
                        lines.append((ln, size, bold, color))
                cells.append(lines)
                h = max(h, sum(1.25 * s / 72 for _, s, _, _ in lines))
            return cells, h + 2 * pad_y

        head_cells, head_h = wrapped(t.header, True)
        body = [wrapped(r, False) for r in t.rows]
        cap_lines = self.m.wrap(t.caption, total * 72, 7.5) if t.caption else []
        cap_h = len(cap_lines) * 1.3 * 7.5 / 72
        whole = head_h + sum(h for _, h in body) + cap_h + 0.05
        page_h = self.H - self.MT - self.MB
        # Keep a table on one page when it fits on one; otherwise start it where at least a few rows fit.
        start = whole if whole <= page_h * 0.9 else head_h + sum(h for _, h in body[:3])
        return {
            "widths": widths,
            "head": (head_cells, head_h),
            "body": body,
            "caption": cap_lines,
            "start": start,
            "pad": (pad_x, pad_y),
        }

    def table(self, t: Table) -> None:
        lay = self.table_layout(t)
        widths, (head_cells, head_h), body = lay["widths"], lay["head"], lay["body"]
        pad_x, pad_y = lay["pad"]
        self.ensure(lay["start"])

        def draw_row(cells: list, h: float, header: bool, shade: bool) -> None:
            x = 0.0
            for j, lines in enumerate(cells):
                face = (
                    "#e8edf3" if header else ("#f3f3f3" if j == t.highlight_col else ("#fafafa" if shade else "white"))
                )
                self._rect(x, self.y, widths[j], h, face)
                yy = self.y + pad_y
                for ln, size, bold, color in lines:
                    if not header and t.col_align(j) == "r":
                        self._text_at(x + widths[j] - pad_x, yy, ln, size, bold, color, ha="right")
                    else:
                        self._text_at(x + pad_x, yy, ln, size, bold, color)
                    yy += 1.25 * size / 72
                x += widths[j]
            self.y += h

        draw_row(head_cells, head_h, True, False)
        self.empty = False
        for i, (cells, h) in enumerate(body):
            if h > self.left():
                self.new_page()
                draw_row(head_cells, head_h, True, False)
            draw_row(cells, h, False, i % 2 == 1)
        self.y += 0.04
        for ln in lay["caption"]:
            self.ensure(1.3 * 7.5 / 72)
            self.line(ln, 7.5, color="#555555")
            self.y += 1.3 * 7.5 / 72
        self.y += 0.12

    def block_height(self, b: Any) -> float:
        """How much room a block needs on the page it starts on (for keeping headings with what follows)."""
        if isinstance(b, Table):
            return self.table_layout(b)["start"]
        if isinstance(b, Chart):
            return b.height + 0.3
        if isinstance(b, Box):
            return 0.4 + 0.2 * len(b.items)
        if isinstance(b, Para):
            size = 8.0 if b.style == "small" else 9.0
            return len(self.m.wrap(b.text, self.text_w * 72, size)) * 1.32 * size / 72 + 0.1
        return 0.5

    def _rect(self, x: float, y: float, w: float, h: float, face: str) -> None:
        from matplotlib.patches import Rectangle

        self.fig.add_artist(
            Rectangle(
                ((self.ML + x) / self.W, 1 - (y + h) / self.H),
                w / self.W,
                h / self.H,
                facecolor=face,
                edgecolor="#c8c8c8",
                linewidth=0.5,
                transform=self.fig.transFigure,
            )
        )

    def _text_at(self, x: float, y: float, s: str, size: float, bold: bool, color: str, ha: str = "left") -> None:
        self.fig.text(
            (self.ML + x) / self.W,
            1 - (y + 0.93 * size / 72) / self.H,
            s,
            fontsize=size,
            weight="bold" if bold else "normal",
            color=color,
            va="baseline",
            ha=ha,
            parse_math=False,
        )

    def chart(self, c: Chart) -> None:
        title_h = 1.35 * 10 / 72 + 0.05
        cap = self.m.wrap(c.caption, self.text_w * 72, 8) if c.caption else []
        need = title_h + c.height + len(cap) * 1.3 * 8 / 72
        self.ensure(need)
        self.text(c.title, 10, True, self.BLUE, after=0.05)
        x0 = self.ML / self.W
        y0 = 1 - (self.y + c.height) / self.H
        width = CHART_WIDTH / self.W
        c.draw(self.fig, (x0 - (CHART_WIDTH - self.text_w) / 2 / self.W, y0, width, c.height / self.H))
        self.y += c.height + 0.05
        for ln in cap:
            self.line(ln, 8, color="#555555")
            self.y += 1.3 * 8 / 72
        self.y += 0.12
        self.empty = False

    def render(self) -> int:
        import matplotlib

        with matplotlib.rc_context(charts.RC):
            self.new_page()
            self.text(self.doc.title, 18, True, self.BLUE, after=0.06)
            self.text(self.doc.subtitle, 9, color="#555555", after=0.05)
            yy = 1 - (self.y + 0.02) / self.H
            self.fig.add_artist(_line_artist(self.ML / self.W, 1 - self.MR / self.W, yy, self.BLUE, 1.5))
            self.y += 0.16
            for i, sec in enumerate(self.doc.sections):
                if i > 0:
                    self.new_page()
                self.section_pages[sec.id] = self.page
                if i > 0:  # the document title heads the first page
                    self.heading(sec.title, 1)
                for k, b in enumerate(sec.blocks):
                    if isinstance(b, Heading):
                        need = 0.0
                        for nxt in sec.blocks[k + 1 :]:
                            if isinstance(nxt, Heading):
                                break
                            need += self.block_height(nxt)
                            if isinstance(nxt, (Table, Chart)):
                                break
                        self.heading(b.text, b.level, need or 0.5)
                    elif isinstance(b, Para):
                        size = {"small": 8.0}.get(b.style, 9.0)
                        self.text(b.text, size, after=0.1)
                    elif isinstance(b, Bullets):
                        self.bullets(b)
                    elif isinstance(b, Box):
                        self.box(b)
                    elif isinstance(b, Table):
                        self.table(b)
                    elif isinstance(b, Chart):
                        self.chart(b)
                    else:
                        raise TypeError(f"unknown block {type(b).__name__}")
            self.close()
        return self.page


def _line_artist(x0: float, x1: float, y: float, color: str, lw: float):
    from matplotlib.lines import Line2D

    return Line2D([x0, x1], [y, y], color=color, linewidth=lw)


# --------------------------------------------------------------------------------------------- top level
@dataclass
class ReportFiles:
    html: Path
    pdf: Path
    pages: int
    section_pages: dict[str, int]
    failed_runs: int


def write_report(sweep_dir: str | Path, baseline: str | None = None, out: str | Path | None = None) -> ReportFiles:
    """Build ``report.html`` and ``report.pdf`` from a sweep folder (into ``out``, default the sweep folder)."""
    sweep = load_sweep(sweep_dir, baseline)
    doc = build_document(sweep)
    out_dir = Path(out) if out is not None else Path(sweep_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    images = {id(b): chart_png(b) for s in doc.sections for b in s.blocks if isinstance(b, Chart)}
    html_path, pdf_path = out_dir / "report.html", out_dir / "report.pdf"
    from sim.outputs import atomic_write_text, temp_beside

    atomic_write_text(html_path, render_html(doc, images))
    fd, tmp = temp_beside(pdf_path)
    os.close(fd)
    try:
        writer = PdfWriter(Path(tmp), doc)
        pages = writer.render()
        os.replace(tmp, pdf_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return ReportFiles(html_path, pdf_path, pages, writer.section_pages, len(sweep.failed))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.report",
        description="Write report.html and report.pdf comparing the scenarios of a sweep folder.",
    )
    parser.add_argument("sweep_dir", metavar="SWEEP_DIR", help="sweep folder (holds sweep_runs.parquet or .csv)")
    parser.add_argument("--baseline", metavar="NAME", help="scenario to compare against (default: baseline_2024)")
    parser.add_argument("--out", metavar="DIR", help="folder for the report files (default: SWEEP_DIR)")
    args = parser.parse_args(argv)
    try:
        files = write_report(args.sweep_dir, args.baseline, args.out)
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    note = f" ({files.failed_runs} failed runs are listed in it)" if files.failed_runs else ""
    print(f"report: {files.html}\nreport: {files.pdf} ({files.pages} pages){note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
