"""Scorecard of the model against observed data (pattern-oriented validation).

``python -m sim.validate [RUN_OR_SWEEP_DIR]`` prints, for one run folder, every scenario of a sweep folder, or
(with no argument) the default scenario run for ``--seeds`` seeds in parallel:

1. Annual targets of the run's year (``world.start_date`` in its ``config.yaml``): people and boats arrived,
   people per boat, crossing days, prevention share and deaths at sea (IOM, incidents at sea), each as the
   relative difference (model - observed) / observed of the mean over the runs, with the 90% interval of the runs
   (5th-95th percentile over seeds, and over posterior draws where a sweep has them). A sweep folder is read and
   grouped into scenarios by ``sim.results.folders``, as every tool reads it; runs not counted are listed on stderr.
2. The monthly arrival series as Flee's averaged relative difference, ARD = mean over months of
   |model - observed| / observed. Years with an observed daily series (2018-2023) are compared month by month
   in people; later years (the daily series ends in 2023) in monthly SHARES of the year's arrivals against the
   average shares of 2021-2023 (``sim.evidence.observed.PATTERN_YEARS``). The yardstick is how far the observed years
   themselves are from that pattern (each year against the average of the others).
3. Pattern checks on the daily series: crossing days, runs of consecutive crossing days (count, mean and
   longest run) and the distribution of people per crossing day (quantiles, raw where the year has observed
   days, and divided by the mean for every year; Kolmogorov-Smirnov distance against the observed years, with
   the observed years' own year-to-year distance as the yardstick).

``--write-doc`` runs the default scenario (2024, a test year: nothing is fitted to it) and the history run up to the
end of the calibration window, scored year by year (2021-2023, the years it is fitted to: in sample), and writes
``docs/validation.md``; every number in it comes from this module. (The 2022 and 2023 back-casts, single years with
demand and boat supply set from observed ratios, are retired: those years are slices of the history run.)
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import datetime as dt
import json
import logging
import math
import multiprocessing as mp
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.config import ConfigError
from sim.evidence import observed as obs
from sim.results import fmt, folders
from sim.results import stats as rstats
from sim.results.outcomes import per_full_scale

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "validation.md"

# Relative difference allowed for each annual target (the simulation core's requirement: 25%, deaths 50%).
TOLERANCE = {
    "people_arrived": 0.25,
    "boats_arrived": 0.25,
    "people_per_boat": 0.25,
    "crossing_days": 0.25,
    "prevention_share": 0.25,
    "deaths_at_sea": 0.5,
}
PATTERN_TOLERANCE = 0.25  # relative difference allowed on run lengths and quantiles of people per crossing day
DAILY_COLUMNS = ("date", "people_arrived", "boats_arrived")

# Scenarios scored by --write-doc: (title, Hydra overrides); then the history run's slices (HISTORY_SLICES).
DOC_SCENARIOS = (("Default scenario, 2024 (test year, out of sample)", []),)
# The history run to the end of the calibration window (2021-01-01 + 1,095 days), scored one calendar year at a time.
HISTORY_RUN = ("scenario=history_2021_2025", "days=1095")
HISTORY_SLICES = (2021, 2022, 2023)


class ValidationError(ValueError):
    """A folder that cannot be scored (not a run or sweep folder, unreadable files); one line."""


# ------------------------------------------------------------------------------------------------- runs
@dataclass
class RunRecord:
    """What the scorecard needs from one run: summary outcomes and the daily arrivals."""

    label: str
    seed: int
    start_date: str
    days: int
    scale: float
    summary: dict[str, Any]
    daily: pd.DataFrame  # date, people_arrived, boats_arrived
    draw: int | None = None  # posterior draw (None: the posterior medians)

    @property
    def year(self) -> int:
        return dt.date.fromisoformat(self.start_date).year


def record_from_results(results: Any, cfg: Any, label: str) -> RunRecord:
    return RunRecord(
        label=label,
        seed=int(cfg.seed),
        start_date=str(cfg.world.start_date),
        days=int(cfg.days),
        scale=float(cfg.scale),
        summary={k: v for k, v in results.summary.items() if not isinstance(v, dict)},
        daily=results.daily.loc[:, list(DAILY_COLUMNS)].copy(),
    )


def run_one(overrides: Sequence[str], label: str = "") -> RunRecord:
    """Compose the config as the CLI does, run it and keep what the scorecard needs (a process-pool worker)."""
    from sim.cli import load_config
    from sim.model import run

    logging.getLogger("MESA").setLevel(logging.WARNING)
    cfg = load_config(list(overrides))
    return record_from_results(run(cfg), cfg, label)


def year_records(results: Any, cfg: Any, years: Sequence[int], label: str = "") -> list[RunRecord]:
    """One record per calendar year of a run that covers several: that year's outcomes and days. A year the run
    does not reach (a shortened run) is left out."""
    out = []
    dates = pd.to_datetime(results.daily["date"])
    for y in years:
        part = results.daily.loc[dates.dt.year == y, list(DAILY_COLUMNS)].copy()
        if part.empty:
            continue
        by_year = results.summary.get("by_year") or {str(y): results.summary}  # one calendar year: the summary
        out.append(
            RunRecord(
                label=label.format(year=y),
                seed=int(cfg.seed),
                start_date=f"{y}-01-01",
                days=len(part),
                scale=float(cfg.scale),
                summary={k: v for k, v in by_year[str(y)].items() if not isinstance(v, dict)},
                daily=part.reset_index(drop=True),
            )
        )
    return out


def run_years(overrides: Sequence[str], years: Sequence[int], label: str = "") -> list[RunRecord]:
    """A multi-year run cut into its calendar years (a process-pool worker)."""
    from sim.cli import load_config
    from sim.model import run

    logging.getLogger("MESA").setLevel(logging.WARNING)
    cfg = load_config(list(overrides))
    return year_records(run(cfg), cfg, years, label)


def simulate_years(
    overrides: Sequence[str], years: Sequence[int], seeds: Iterable[int], jobs: int | None = None, label: str = ""
) -> dict[int, list[RunRecord]]:
    """Year -> its records over the seeds, from one multi-year run per seed."""
    tasks = [[*overrides, f"seed={s}"] for s in seeds]
    jobs = min(jobs or default_jobs(), max(len(tasks), 1))
    if jobs <= 1:
        runs = [run_years(t, years, label) for t in tasks]
    else:
        with process_pool(jobs) as pool:
            runs = list(pool.map(run_years, tasks, [list(years)] * len(tasks), [label] * len(tasks)))
    reached = [y for y in years if all(any(rec.year == y for rec in r) for r in runs)]
    return {y: [next(rec for rec in r if rec.year == y) for r in runs] for y in reached}


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def process_pool(jobs: int) -> cf.ProcessPoolExecutor:
    """A pool of worker processes started from a clean server process (forking a multi-threaded parent can
    deadlock; spawning re-imports everything per worker)."""
    return cf.ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("forkserver"))


def run_many(tasks: Sequence[Sequence[str]], jobs: int | None = None, labels: Sequence[str] | None = None) -> list:
    """Run each override list (in parallel on ``jobs`` processes; 1 = in this process); results in task order."""
    labels = list(labels) if labels is not None else [""] * len(tasks)
    jobs = min(jobs or default_jobs(), max(len(tasks), 1))
    if jobs <= 1:
        return [run_one(t, lab) for t, lab in zip(tasks, labels, strict=True)]
    with process_pool(jobs) as pool:
        return list(pool.map(run_one, tasks, labels))


def simulate(overrides: Sequence[str], seeds: Iterable[int], jobs: int | None = None, label: str = "") -> list:
    """The same scenario for several seeds."""
    seeds = list(seeds)
    return run_many([[*overrides, f"seed={s}"] for s in seeds], jobs, [label] * len(seeds))


def load_run_dir(path: str | Path, label: str | None = None, draw: int | None = None) -> RunRecord:
    """A run folder written by ``python -m sim``, read by ``sim.results.folders`` (damaged folders refused)."""
    path = Path(path)
    status, reason = folders.check_folder(path)
    if status != folders.FINISHED:
        raise ValidationError(f"{path}: not a finished run folder ({reason})")
    try:
        cfg = folders.read_config(path / "config.yaml")
        daily = folders.read_daily(path, DAILY_COLUMNS)
        record = RunRecord(
            label=label if label is not None else str(cfg.get("scenario", path.name)),
            seed=int(cfg.get("seed", 0)),
            start_date=str(cfg.get("world.start_date", "2024-01-01")),
            days=int(cfg.get("days", len(daily))),
            scale=float(cfg.get("scale", 1.0)),
            summary=folders.read_json(path / "summary.json") or {},
            daily=daily,
            draw=draw,
        )
        dt.date.fromisoformat(record.start_date)
    except folders.SweepError as exc:
        raise ValidationError(str(exc)) from None
    except (TypeError, ValueError) as exc:  # a bad date or number in config.yaml: one line naming the folder
        raise ValidationError(f"{path}: cannot read run folder ({type(exc).__name__}: {exc})") from None
    return record


def load_sweep_dir(path: str | Path) -> tuple[dict[str, list[RunRecord]], list[str]]:
    """A sweep folder's runs grouped as every tool groups them (over seeds and posterior draws), and one line per
    run that is not counted (failed, missing or damaged)."""
    try:
        sweep = folders.read_sweep(path)
    except folders.SweepError as exc:
        raise ValidationError(str(exc)) from None
    groups = {g.key: [load_run_dir(r.folder, g.key, r.draw) for r in g.runs] for g in sweep.finished_groups}
    if not groups:
        raise ValidationError(f"{path}: no finished runs to score")
    skipped = [f"{r.group}, seed {r.seed}: {r.status} ({r.error})" for r in sweep.problems]
    return groups, skipped


# -------------------------------------------------------------------------------------------- observed
@dataclass
class Observed:
    """The observed data, loaded once, and the yardsticks derived from it."""

    annual: pd.DataFrame
    daily: pd.DataFrame
    pattern_years: tuple[int, ...] = obs.PATTERN_YEARS

    @classmethod
    def load(cls) -> Observed:
        return cls(annual=obs.load_annual(), daily=obs.load_daily())

    def has_daily(self, year: int) -> bool:
        return bool((self.daily["date"].dt.year == year).any())

    def monthly(self, year: int) -> pd.Series:
        sel = self.daily[self.daily["date"].dt.year == year]
        return obs.monthly_totals(sel["date"], sel["people"]).droplevel("year").reindex(range(1, 13), fill_value=0)

    def crossing_days_by_month(self, year: int) -> tuple[pd.Series, str]:
        """Days with arrivals in each month: the year's if observed, else the mean over the pattern years."""
        years = [year] if self.has_daily(year) else list(self.pattern_years)
        sel = self.daily[self.daily["date"].dt.year.isin(years) & (self.daily["people"] > 0)]
        counts = sel.groupby(sel["date"].dt.month).size().reindex(range(1, 13), fill_value=0) / len(years)
        return counts.astype(float), (str(year) if len(years) == 1 else f"{min(years)}-{max(years)} average")

    @cached_property
    def shares(self) -> pd.Series:
        return obs.monthly_shares(self.daily, self.pattern_years)

    @cached_property
    def year_to_year_ard(self) -> float:
        """Mean over the pattern years of the ARD of a year's monthly shares against the average of the others."""
        values = []
        for y in self.pattern_years:
            others = [o for o in self.pattern_years if o != y]
            own = self.monthly(y)
            values.append(ard(own / own.sum(), obs.monthly_shares(self.daily, others)))
        return float(np.mean(values))

    @cached_property
    def normalised_sizes(self) -> np.ndarray:
        return obs.observed_normalised_sizes(self.pattern_years, self.daily)

    @cached_property
    def year_to_year_ks(self) -> float:
        """Largest KS distance between the normalised people-per-crossing-day distributions of two pattern years."""
        parts = [obs.observed_normalised_sizes([y], self.daily) for y in self.pattern_years]
        return float(
            max(
                stats.ks_2samp(parts[i], parts[j]).statistic
                for i in range(len(parts))
                for j in range(i + 1, len(parts))
            )
        )

    def pattern(self, year: int) -> tuple[dict[str, float], str]:
        """Daily pattern statistics of the year if observed, else the mean over the pattern years."""
        if self.has_daily(year):
            return obs.observed_daily_pattern(year, self.daily), f"{year}"
        stats_ = [obs.observed_daily_pattern(y, self.daily) for y in self.pattern_years]
        mean = {k: float(np.mean([s[k] for s in stats_])) for k in stats_[0]}
        return mean, f"mean of {min(self.pattern_years)}-{max(self.pattern_years)}"


def ard(model: pd.Series | np.ndarray, observed: pd.Series | np.ndarray) -> float:
    """Averaged relative difference (Flee): mean over points with observed > 0 of |model - observed| / observed."""
    m, o = np.asarray(model, dtype=float), np.asarray(observed, dtype=float)
    keep = o > 0
    return float(np.mean(np.abs(m[keep] - o[keep]) / o[keep])) if keep.any() else math.nan


def rel_diff(model: float, observed: float) -> float:
    return (model - observed) / observed if observed and not math.isnan(observed) else math.nan


# ------------------------------------------------------------------------------------------------- score
def _quantile(x: np.ndarray, q: float) -> float:
    return float(np.quantile(x, q)) if x.size else math.nan


def _spread(values: Sequence[float], draws: Sequence[int | None] | None = None) -> dict[str, float]:
    """Mean, the 90% interval of the runs (5th-95th percentile: over seeds and posterior draws where the runs
    have draws) and the standard deviation."""
    r = rstats.reduce(values, draws)
    sd = float(np.std(r.values, ddof=1)) if r.n > 1 else (0.0 if r.n else math.nan)
    if r.n == 0:
        return {"mean": math.nan, "p5": math.nan, "p95": math.nan, "sd": math.nan}
    lo, hi = np.percentile(r.values, [rstats.Q_LO, rstats.Q_HI])
    return {"mean": r.mean, "p5": float(lo), "p95": float(hi), "sd": sd}


def _row(
    name: str, observed: float, values: Sequence[float], tolerance: float, draws: Sequence | None = None, **extra: Any
) -> dict[str, Any]:
    s = _spread(values, draws)
    rd = rel_diff(s["mean"], observed)
    return {
        "check": name,
        "observed": observed,
        **s,
        "rel_diff": rd,
        "tolerance": tolerance,
        "fits": bool(abs(rd) <= tolerance) if not math.isnan(rd) else None,
        "observed_in_seed_range": bool(s["p5"] <= observed <= s["p95"])
        if not (math.isnan(observed) or math.isnan(s["mean"]))
        else None,
        **extra,
    }


def _month_series(record: RunRecord, column: str = "people_arrived") -> pd.Series:
    m = obs.monthly_totals(record.daily["date"], record.daily[column])
    year = record.year
    m = m[m.index.get_level_values("year") == year].droplevel("year") if year in m.index.get_level_values(0) else m
    return per_full_scale(column, m.reindex(range(1, 13), fill_value=0.0), record.scale)


def score(records: Sequence[RunRecord], observed: Observed | None = None, label: str | None = None) -> dict:
    """Scorecard of a set of replicate runs (same scenario, different seeds) against the observed data."""
    if not records:
        raise ValidationError("nothing to score: no runs")
    observed = observed or Observed.load()
    years = {r.year for r in records}
    if len(years) != 1:
        raise ValidationError(f"runs of different years cannot be scored together: {sorted(years)}")
    year = years.pop()
    draws = [r.draw for r in records]
    scale = records[0].scale
    days = records[0].days
    notes: list[str] = []
    if any(r.scale != scale for r in records) or any(r.days != days for r in records):
        notes.append("the runs differ in scale or length; counts are divided by each run's scale")
    if scale != 1.0:
        notes.append(
            f"scale={scale:g}: people, boats and deaths are divided by the scale; crossing days, runs and people "
            "per crossing day are not scale-free (fewer networks launch on fewer days), so compare them at scale=1"
        )
    if days < 365:
        notes.append(f"only {days} days simulated: annual targets are compared with whole-year observations")
    targets = obs.annual_targets(year, observed.annual)

    annual = []
    for name, target in targets.items():
        values = [per_full_scale(name, float(r.summary[name]), r.scale) for r in records]
        annual.append(_row(name, target, values, TOLERANCE[name], draws))

    # ------------------------------------------------------------------ monthly series
    months = pd.DataFrame({i: _month_series(r) for i, r in enumerate(records)})  # runs, not seeds: draws repeat seeds
    covered = [m for m in range(1, 13) if any(r.daily["date"].dt.month.eq(m).any() for r in records)]
    if observed.has_daily(year):
        ref = observed.monthly(year).astype(float)
        basis = f"people per month, observed {year}"
        per_seed = months
    else:
        ref = observed.shares.copy()
        basis = (
            f"monthly shares of the year's arrivals; the observed daily series ends in 2023, so {year} is compared "
            f"with the average shares of {min(observed.pattern_years)}-{max(observed.pattern_years)}"
        )
        per_seed = months / months.sum(axis=0).replace(0, np.nan)
    ref = ref.loc[covered]
    per_seed = per_seed.loc[covered]
    if len(covered) < 12:
        if not observed.has_daily(year):  # shares of the simulated months only
            ref = ref / ref.sum()
        notes.append(f"monthly comparison limited to the {len(covered)} simulated months")
    mean = per_seed.mean(axis=1)
    seed_ard = [ard(per_seed[c].fillna(0.0), ref) for c in per_seed.columns]
    monthly = {
        "basis": basis,
        "months": [
            {
                "month": int(m),
                "observed": float(ref.loc[m]),
                "mean": float(mean.loc[m]),
                "p5": float(per_seed.loc[m].quantile(0.05)),
                "p95": float(per_seed.loc[m].quantile(0.95)),
                "rel_diff": rel_diff(float(mean.loc[m]), float(ref.loc[m])),
            }
            for m in covered
        ],
        "ard_of_mean": ard(mean, ref),
        "ard_per_seed": _spread(seed_ard, draws),
        "yardstick": observed.year_to_year_ard,
    }
    monthly["fits"] = bool(monthly["ard_per_seed"]["mean"] <= monthly["yardstick"])
    # Days with arrivals month by month: where in the year the model's crossing days fall (weather and launch rule).
    obs_days, days_basis = observed.crossing_days_by_month(year)
    model_days = pd.DataFrame(
        {
            i: r.daily.loc[r.daily["people_arrived"] > 0, "date"].dt.month.value_counts().reindex(covered, fill_value=0)
            for i, r in enumerate(records)
        }
    ).mean(axis=1)
    monthly["crossing_days"] = {
        "basis": days_basis,
        "observed": [float(obs_days.loc[m]) for m in covered],
        "mean": [float(model_days.loc[m]) for m in covered],
    }

    # ------------------------------------------------------------------ daily pattern
    obs_pattern, obs_basis = observed.pattern(year)
    model_patterns = [
        obs.daily_pattern(per_full_scale("people_arrived", r.daily["people_arrived"].to_numpy(), r.scale))
        for r in records
    ]
    pattern = [
        _row(
            "crossing days (days with arrivals)",
            targets["crossing_days"],
            [p["crossing_days"] for p in model_patterns],
            TOLERANCE["crossing_days"],
            draws=draws,
            basis=f"{year} (annual reference)",
        )
    ]
    if len(covered) == 12:  # docs/design.md: most arrive June-October; few in the winter storms
        years_ = observed.pattern_years
        season_basis = str(year) if observed.has_daily(year) else f"{min(years_)}-{max(years_)} average"
        ref_share = ref / ref.sum()
        seed_share = per_seed / per_seed.sum(axis=0)
        for name, months_ in (("June-October", [6, 7, 8, 9, 10]), ("December-February", [12, 1, 2])):
            pattern.append(
                _row(
                    f"share of arrivals in {name}",
                    float(ref_share.loc[months_].sum()),
                    seed_share.loc[months_].sum(axis=0).tolist(),
                    PATTERN_TOLERANCE,
                    draws=draws,
                    basis=season_basis,
                )
            )
    for key, name in (
        ("runs", "runs of consecutive crossing days"),
        ("mean_run_days", "mean run length, days"),
        ("longest_run_days", "longest run, days"),
    ):
        pattern.append(
            _row(name, obs_pattern[key], [p[key] for p in model_patterns], PATTERN_TOLERANCE, draws, basis=obs_basis)
        )
    if observed.has_daily(year):
        for q in obs.QUANTILES:
            key = f"people_per_crossing_day_p{round(q * 100)}"
            pattern.append(
                _row(
                    f"people per crossing day, {round(q * 100)}th percentile",
                    obs_pattern[key],
                    [p[key] for p in model_patterns],
                    PATTERN_TOLERANCE,
                    draws=draws,
                    basis=obs_basis,
                )
            )
    obs_norm = observed.normalised_sizes
    pooled = np.concatenate([obs.normalised_crossing_day_sizes(r.daily["people_arrived"]) for r in records])
    for q in obs.QUANTILES:
        pattern.append(
            _row(
                f"people per crossing day / mean, {round(q * 100)}th percentile",
                float(np.quantile(obs_norm, q)),
                [_quantile(obs.normalised_crossing_day_sizes(r.daily["people_arrived"]), q) for r in records],
                PATTERN_TOLERANCE,
                draws=draws,
                basis=f"{min(observed.pattern_years)}-{max(observed.pattern_years)} pooled",
            )
        )
    ks = float(stats.ks_2samp(pooled, obs_norm).statistic) if pooled.size else math.nan
    distribution = {
        "ks_distance": ks,
        "yardstick": observed.year_to_year_ks,
        "fits": bool(ks <= observed.year_to_year_ks) if not math.isnan(ks) else None,
    }
    return {
        "label": label if label is not None else records[0].label,
        "year": year,
        "n_runs": len(records),
        "seeds": [r.seed for r in records],
        "scale": scale,
        "days": days,
        "notes": notes,
        "annual": annual,
        "monthly": monthly,
        "pattern": pattern,
        "distribution": distribution,
    }


def misfits(card: dict) -> list[str]:
    """Plain sentences naming every check that does not fit."""
    out = []
    for row in card["annual"]:
        if row["fits"] is False:
            out.append(
                f"{row['check']}: model {_num(row['mean'])} vs observed {_num(row['observed'])} "
                f"({row['rel_diff']:+.0%}, tolerance {row['tolerance']:.0%})"
            )
    m = card["monthly"]
    if not m["fits"]:
        worst = sorted(m["months"], key=lambda r: -abs(r["rel_diff"]) if not math.isnan(r["rel_diff"]) else 0)[:3]
        detail = ", ".join(
            f"{dt.date(2000, r['month'], 1):%b} {_num(r['mean'])} vs {_num(r['observed'])}" for r in worst
        )
        out.append(
            f"seasonal pattern: ARD {m['ard_per_seed']['mean']:.2f} per simulated year vs {m['yardstick']:.2f} between "
            f"observed years (worst months: {detail})"
        )
    for row in card["pattern"]:
        if row["fits"] is False:
            out.append(
                f"{row['check']}: model {_num(row['mean'])} vs observed {_num(row['observed'])} "
                f"({row['rel_diff']:+.0%}, tolerance {row['tolerance']:.0%}; observed: {row['basis']})"
            )
    d = card["distribution"]
    if d["fits"] is False:
        out.append(
            f"distribution of people per crossing day: KS distance {d['ks_distance']:.2f} vs {d['yardstick']:.2f} "
            "between observed years"
        )
    return out


# ---------------------------------------------------------------------------------------------- formatting
def _num(x: float) -> str:
    return fmt.plain(x)


def _pct(x: float) -> str:
    return "n/a" if x is None or math.isnan(x) else f"{x:+.0%}"


def _verdict(fits: bool | None) -> str:
    return {True: "fits", False: "**does not fit**", None: "n/a"}[fits]


def format_card(card: dict, heading: str = "###") -> str:
    lines = [
        f"{heading} {card['label']} ({card['year']}; {card['n_runs']} run(s), seeds "
        f"{_seed_text(card['seeds'])}, scale {card['scale']:g}, {card['days']} days)",
        "",
    ]
    lines += [f"- note: {n}" for n in card["notes"]]
    if card["notes"]:
        lines.append("")
    lines += [
        "Annual targets (relative difference of the mean over runs; range = 5th-95th percentile of the runs, over "
        "seeds and, where the runs have them, posterior draws):",
        "",
        "| target | observed | model mean | seed range | rel. diff. | tolerance | verdict |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in card["annual"]:
        lines.append(
            f"| {r['check']} | {_num(r['observed'])} | {_num(r['mean'])} | {_num(r['p5'])}-{_num(r['p95'])} | "
            f"{_pct(r['rel_diff'])} | {r['tolerance']:.0%} | {_verdict(r['fits'])} |"
        )
    m = card["monthly"]
    lines += [
        "",
        f"Monthly arrivals ({m['basis']}):",
        "",
        "| month | " + " | ".join(f"{dt.date(2000, r['month'], 1):%b}" for r in m["months"]) + " |",
        "|---|" + "---:|" * len(m["months"]),
        "| observed | " + " | ".join(_num(r["observed"]) for r in m["months"]) + " |",
        "| model mean | " + " | ".join(_num(r["mean"]) for r in m["months"]) + " |",
        "| rel. diff. | " + " | ".join(_pct(r["rel_diff"]) for r in m["months"]) + " |",
    ]
    if "crossing_days" in m:  # cards saved before the row existed lack it
        c = m["crossing_days"]
        lines += [
            f"| crossing days, observed ({c['basis']}) | " + " | ".join(f"{v:.1f}" for v in c["observed"]) + " |",
            "| crossing days, model mean | " + " | ".join(f"{v:.1f}" for v in c["mean"]) + " |",
        ]
    lines += [
        "",
        f"Averaged relative difference (ARD): {m['ard_per_seed']['mean']:.2f} per simulated year (seeds "
        f"{m['ard_per_seed']['p5']:.2f}-{m['ard_per_seed']['p95']:.2f}), {m['ard_of_mean']:.2f} for the mean over "
        f"seeds; observed years differ from the average of the others by {m['yardstick']:.2f}: "
        f"{_verdict(m['fits'])}.",
        "",
        "Daily pattern:",
        "",
        "| check | observed | model mean | seed range | rel. diff. | verdict | observed from |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for r in card["pattern"]:
        lines.append(
            f"| {r['check']} | {_num(r['observed'])} | {_num(r['mean'])} | {_num(r['p5'])}-{_num(r['p95'])} | "
            f"{_pct(r['rel_diff'])} | {_verdict(r['fits'])} | {r['basis']} |"
        )
    d = card["distribution"]
    lines += [
        "",
        f"People per crossing day divided by the mean, all seeds pooled: Kolmogorov-Smirnov distance "
        f"{d['ks_distance']:.2f} to the observed {min(obs.PATTERN_YEARS)}-{max(obs.PATTERN_YEARS)} days; observed "
        f"years differ from each other by up to {d['yardstick']:.2f}: {_verdict(d['fits'])}.",
        "",
    ]
    bad = misfits(card)
    lines.append("Does not fit:" + (" nothing, within the tolerances above." if not bad else ""))
    lines += [f"- {b}" for b in bad]
    lines.append("")
    return "\n".join(lines)


def _seed_text(seeds: Sequence[int]) -> str:
    s = sorted(seeds)
    if len(s) > 2 and s == list(range(s[0], s[-1] + 1)):
        return f"{s[0]}-{s[-1]}"
    return ", ".join(map(str, s))


def overview(cards: Sequence[dict]) -> str:
    """One line per scorecard: relative differences of the annual targets, seasonal ARD and mean run length."""
    names = list(TOLERANCE)
    lines = [
        "| scenario | year | runs | " + " | ".join(names) + " | monthly ARD | mean run (days) |",
        "|---|---:|---:|" + "---:|" * (len(names) + 2),
    ]
    for c in cards:
        rd = {r["check"]: r for r in c["annual"]}
        run = next(r for r in c["pattern"] if r["check"].startswith("mean run"))
        cells = [f"{_pct(rd[n]['rel_diff'])}" + ("" if rd[n]["fits"] is not False else " ✗") for n in names]
        lines.append(
            f"| {c['label']} | {c['year']} | {c['n_runs']} | "
            + " | ".join(cells)
            + f" | {c['monthly']['ard_per_seed']['mean']:.2f} | {_num(run['mean'])} vs {_num(run['observed'])} |"
        )
    return "\n".join(lines)


# -------------------------------------------------------------------------------------------- document
DOC_INTRO = """# Validation against observed data

Generated by `python -m sim.validate --write-doc` ({date}, git {rev}); do not edit by hand, re-run the command.
Every scenario below is run for {seeds} seeds at full scale; observed data are in `data/` (sources in
`data/SOURCES.md`), loaded by `sim/evidence/observed.py`. Method: see the docstring of `sim/evidence/validate.py`.

**Which years are fitted and which are tested.** Every calibrated parameter is fitted to 2021-2023 only
(`python -m sim.calibrate`, `data/calibration/history`). The default scenario (`python -m sim`: 2024 alone) runs at
the medians of that posterior, with the timeline's observed policy as it stood on 2024-01-01 and its 2024 changes,
and demand walking at random from the fitted 2023 level, so its 2024 scorecard below is a test year scored out of
sample, not a check of a fit. The history run's 2021, 2022 and 2023 are the calibration years, scored here in
sample. The forecast sections at the end of this page score the history run's 2024 and 2025 over posterior draws
and seeds (chance and assumptions); the scorecards here are at the posterior medians over seeds (chance only). The
weekly out-of-sample test is the 2023 hindcast there: its parameters are fitted to 2021-2022 alone (`python -m
sim.calibrate --window 2021-2022` -> `data/calibration/hindcast_2023`), and `python -m sim.forecast --hindcast`
forecasts 2023 from them week by week (2023 demand walking from 2022's level, the 2023 timeline kept as observed
policy) and year by year.

- Annual targets must be within {tol:.0%} of the observed value (deaths at sea within {tol_d:.0%}): the mean over
  seeds is compared. Deaths at sea are IOM's count of dead and missing in incidents located at sea.
- Monthly series: Flee's averaged relative difference (ARD). The Home Office daily series ends in 2023, so 2024 is
  compared through monthly shares with the average of {py0}-{py1}; the history years month by month in people.
  The yardstick is how far each observed year is from the average of the others.
- Daily pattern: runs of consecutive crossing days and the distribution of people per crossing day, within
  {ptol:.0%} (run lengths and quantiles) and, for the whole distribution, a Kolmogorov-Smirnov distance no larger
  than the largest distance between two observed years.

The history run starts on 2021-01-01 (after the burn-in) and is scored one calendar year at a time: each year's
annual targets, its monthly series in people and its daily pattern. The 2022 and 2023 back-casts that stood here
before (single years with demand and boat supply set from observed ratios, so partly inputs) are retired: those years
are slices of the history run. The model's weather is drawn at random from the Channel's climatology, not the sea
state of the year, so single months (a stormy February, a calm November) are not expected to match; the seasonal
shape and the annual totals are.

## Summary

Relative difference (model - observed) / observed of each annual target (✗: outside tolerance), seasonal ARD and
mean length of runs of crossing days (model vs observed):

{overview}

## Where the model does not fit

{misfits}

## Scorecards

{cards}
"""


# Likely causes, printed under "Where the model does not fit" only when a check of that kind fails.
CAUSES = (
    (
        "deaths_at_sea",
        "Deaths at sea: two kinds (sim/crossing.py). Capsizes follow boats launched, waves, distance, hull, cold "
        "water and rescue, with frequency and severity fitted on the pooled IOM incidents of 2019-2023, so single "
        "years scatter around the pooled rate (2022 had few deaths, 2021 many). Crushes and asphyxia rise steeply "
        "above a boat's design capacity; they cannot be fitted before 2024 (none at sea in 2019-2023), so their "
        "hazard is held to about one expected death in 2022 and 2023 together (chosen on the retired back-casts), "
        "and 2024's rise in deaths appears only as far as the model's 2024 loads exceed 2021-2023 loads.",
    ),
    (
        "December-February",
        "Winter crossings: people at the coast pay living costs and leave for lorries, asylum in France or elsewhere "
        "more readily in the cold and the longer they wait, and networks weigh the cold-water risk of losing a boat "
        "(smuggling.season_loss_weight, chosen on the 2021-2023 seasonal pattern) and can launch only a few boats a "
        "night, so a winter backlog is smaller and clears over several calm nights. A single simulated year's "
        "winter share still varies a lot with its weather (over seeds its standard deviation is about 0.045, so "
        "the mean of 10 seeds has a standard error of about 0.014; tests/test_season.py uses 40). The crossing "
        "days month by month (scorecards) show where the shape comes from: the model has about half the "
        "observed winter crossing days and a third more in July-August, with the climatology's calm nights and "
        "one launch rule for every season. Tried on 2021-2023 and not adopted: networks weighing the calm nights "
        "ahead (pushing as the season closes, waiting as it opens) moved November up but December up too and "
        "March-April far down (monthly L1 0.20 -> 0.23-0.31).",
    ),
    (
        "seasonal pattern",
        "Monthly series of a history year: the simulated weather is random, not that year's, so stormy or calm "
        "months of the real year are not reproduced; see also the winter crossings above.",
    ),
    (
        "run",
        "Runs of crossing days: with plentiful boats (makers' output follows orders up to 120 a week) networks "
        "launch on almost every calm day, so runs of crossing days are as long as the calm spells; observed runs "
        "are shorter. On 2021-2023 a binding boat supply breaks them: capping makers at 22 boats and engines a week "
        "gives longest runs of 12.5-15 days (observed 11-13) and mean runs of 3.0-3.15 (observed 2.6-2.95), but "
        "then people per boat follow demand (2022: 53 against 41 observed) rather than rising into 2023, which "
        "would need a supply squeeze in 2023 that the timeline does not hold. Waiting for a calmer night on the "
        "day-ahead forecast shortened runs only a little (longest 21.7 -> 16.8 days). Not adopted: both would be "
        "new mechanisms to calibrate.",
    ),
)


def write_doc(cards: Sequence[dict], seeds: int, path: Path = DOC) -> str:
    from sim.outputs import atomic_write_text, git_revision

    bad = []
    all_items: list[str] = []
    for c in cards:
        items = misfits(c)
        all_items += items
        if items:
            bad.append(f"**{c['label']}**\n")
            bad += [f"- {i}" for i in items]
            bad.append("")
    causes = [text for key, text in CAUSES if any(key in item.split(":")[0] for item in all_items)]
    if causes:
        bad += ["**Likely causes**", ""] + [f"- {c}" for c in causes]
    text = DOC_INTRO.format(
        date=dt.date.today().isoformat(),
        rev=git_revision()[:12],
        seeds=seeds,
        tol=TOLERANCE["people_arrived"],
        tol_d=TOLERANCE["deaths_at_sea"],
        ptol=PATTERN_TOLERANCE,
        py0=min(obs.PATTERN_YEARS),
        py1=max(obs.PATTERN_YEARS),
        overview=overview(cards),
        misfits="\n".join(bad).strip() or "Every check is within its tolerance.",
        cards="\n".join(format_card(c) for c in cards),
    )
    from sim.evidence.forecast import kept_block

    block = kept_block(path)  # the history forecast's sections (python -m sim.forecast --write-doc)
    text = text.rstrip("\n") + "\n\n" + block if block else text
    atomic_write_text(path, text)
    return text


# ------------------------------------------------------------------------------------------------- CLI
def _jsonable(o: Any) -> Any:
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    raise TypeError(type(o))


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m sim.validate", description=__doc__.split("\n\n")[0])
    p.add_argument("path", nargs="?", help="run folder or sweep folder (default: run the default scenario)")
    p.add_argument("--seeds", type=int, default=10, help="seeds to run when no folder is given (default 10)")
    p.add_argument("--first-seed", type=int, default=0)
    p.add_argument("--jobs", type=int, default=None, help="parallel processes (default: all available cores)")
    p.add_argument(
        "-o", "--override", action="append", default=[], help="Hydra override for the runs, e.g. scenario=all_levers"
    )
    p.add_argument("--write-doc", action="store_true", help=f"run the default year and the history slices, write {DOC}")
    p.add_argument("--doc-path", type=Path, default=DOC)
    p.add_argument("--json", type=Path, help="also write the scorecard(s) as JSON")
    args = p.parse_args(argv)
    try:
        observed = Observed.load()
        seeds = range(args.first_seed, args.first_seed + args.seeds)
        if args.write_doc:
            cards = []
            for title, overrides in DOC_SCENARIOS:
                records = simulate([*overrides, *args.override], seeds, args.jobs)
                cards.append(score(records, observed, title))
            label = "History run, {year} (calibration year, in sample)"
            sliced = simulate_years([*HISTORY_RUN, *args.override], HISTORY_SLICES, seeds, args.jobs, label)
            cards += [score(records, observed, records[0].label) for records in sliced.values()]
            write_doc(cards, args.seeds, args.doc_path)
            print(overview(cards))
            print(f"\nwrote {args.doc_path}")
        elif args.path is None:
            label = " ".join(args.override) or "default scenario"
            cards = [score(simulate(args.override, seeds, args.jobs), observed, label)]
        else:
            path = Path(args.path)
            is_sweep = any((path / n).is_file() for n in (*folders.TABLE_FILES, "multirun.yaml"))
            if (path / "summary.json").is_file() and not is_sweep:
                cards = [score([load_run_dir(path)], observed)]
            elif not is_sweep:
                raise ValidationError(
                    f"{path}: neither a run folder (summary.json) nor a sweep folder ({', '.join(folders.TABLE_FILES)})"
                )
            else:
                groups, skipped = load_sweep_dir(path)
                for line in skipped:
                    print(f"not counted: {line}", file=sys.stderr)
                cards = [score(recs, observed, label) for label, recs in groups.items()]
        if not args.write_doc:
            if len(cards) > 1:
                print(overview(cards) + "\n")
            for c in cards:
                print(format_card(c, heading="##"))
        if args.json:
            from sim.outputs import atomic_write_text

            atomic_write_text(args.json, json.dumps(cards, indent=2, default=_jsonable) + "\n")
    except (ValidationError, obs.ObservedDataError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
