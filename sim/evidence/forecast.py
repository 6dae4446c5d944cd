"""The forecast of an ensemble of runs, week by week and year by year, and how often it is right.

``python -m sim.forecast SWEEP_DIR [--out DIR] [--window YEAR ...] [--outcomes ...]`` reads the replicates of one
scenario (a sweep folder: posterior draws x seeds; or run folders) whose daily tables carry a ``date`` column, and
writes into ``DIR`` (default: the sweep folder). Runs that differ in anything but the seed and the posterior draw
(their Hydra overrides) or cover different days are refused: they are not replicates of one forecast. Damaged or
unfinished runs (``sim.outputs.run_folder_damage``) are left out with a note.

- ``forecast_weekly.csv``: one row per Monday-starting week lying wholly inside the simulated period:
  ``week_start``, ``people_q05 .. people_q95``, ``boats_q05 .. boats_q95`` (quantiles across replicates of each
  replicate's weekly total, at Weibull plotting positions, see ``sim.evidence.scores``) and ``observed_people``
  (Home Office daily series, 2018-2023; empty where not known);
- ``forecast_annual.csv``: ``year``, ``outcome``, ``q05``, ``q50``, ``q95``, ``observed`` for every calendar year
  wholly inside the simulated period (``data/annual_reference.csv``; deaths = ``deaths_at_sea_iom``; empty where
  unknown). People per boat and prevention share are ratios computed per replicate, then their quantiles taken;
- ``forecast_scores.json``: the scores below; ``forecast_weekly.png`` and ``forecast_annual.png``: fan charts.

Counts (people, boats, deaths) are divided by each run's ``scale``; crossing days are not scale-free.

Scores (``score``): for each annual outcome with an observed value, the relative difference of the median and
whether the observed value lies in the 90% interval; for each weekly window (a calendar year by default, every year
of the forecast with observed weeks), the coverage of the 50% and 90% intervals, a randomised PIT histogram and the
CRPS of the ensemble against two baselines fitted only to observed weeks before the window (``sim.evidence.scores``
says how). The intervals cover chance (seeds) and, when the runs are posterior draws, the assumptions too.

Function boundaries for the history scenario: ``aggregate(run_dirs) -> ForecastFrames``, ``score(frames, observed,
window) -> dict``, ``write_outputs(frames, scores, out)`` and ``write_doc_sections(full, hindcast) -> {title: md}``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.evidence import observed as obs
from sim.evidence import scores as S
from sim.outputs import atomic_write_frame, atomic_write_text, run_folder_damage, temp_beside

WEEKLY_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
ANNUAL_QUANTILES = (0.05, 0.5, 0.95)
WEEKLY_FILE, ANNUAL_FILE, SCORES_FILE = "forecast_weekly.csv", "forecast_annual.csv", "forecast_scores.json"
WEEKLY_CHART, ANNUAL_CHART = "forecast_weekly.png", "forecast_annual.png"
MIN_WINDOW_WEEKS = 40  # a year is scored week by week by default only if this many of its weeks are observed
PIT_SEED = 20240101  # the PIT's tie-breaking random numbers (any fixed seed; recorded in the scores)


class ForecastError(ValueError):
    """A folder, run, outcome or window that cannot be forecast or scored; the message is one line."""


# ------------------------------------------------------------------------------------------------ outcomes
# A block of days of every replicate: daily column -> array (days, replicates), counts already divided by the scale.
Days = dict[str, np.ndarray]


def _summed(column: str) -> Callable[[Days], np.ndarray]:
    return lambda d: d[column].sum(axis=0)


def _ratio(num: str, den: str) -> Callable[[Days], np.ndarray]:
    def f(d: Days) -> np.ndarray:
        n, m = d[num].sum(axis=0), d[den].sum(axis=0)
        return np.divide(n, m, out=np.full(n.shape, np.nan), where=m > 0)

    return f


def _prevention_share(d: Days) -> np.ndarray:
    prevented, arrived = d["people_prevented"].sum(axis=0), d["people_arrived"].sum(axis=0)
    total = prevented + arrived
    return np.divide(prevented, total, out=np.full(total.shape, np.nan), where=total > 0)


# Annual outcome -> (daily columns it needs, its value for each replicate from one year's days).
OUTCOMES: dict[str, tuple[tuple[str, ...], Callable[[Days], np.ndarray]]] = {
    "people_arrived": (("people_arrived",), _summed("people_arrived")),
    "boats_arrived": (("boats_arrived",), _summed("boats_arrived")),
    "people_per_boat": (("people_arrived", "boats_arrived"), _ratio("people_arrived", "boats_arrived")),
    "crossing_days": (("boats_arrived",), lambda d: (d["boats_arrived"] > 0).sum(axis=0).astype(float)),
    "deaths_at_sea": (("deaths_at_sea",), _summed("deaths_at_sea")),
    "expected_deaths_at_sea": (("expected_deaths_at_sea",), _summed("expected_deaths_at_sea")),
    "prevention_share": (("people_prevented", "people_arrived"), _prevention_share),
    "boats_launched": (("boats_launched",), _summed("boats_launched")),
    "people_prevented": (("people_prevented",), _summed("people_prevented")),
    "launches_prevented": (("launches_prevented",), _summed("launches_prevented")),
    "boats_seized": (("boats_seized",), _summed("boats_seized")),
    "smugglers_arrested": (("smugglers_arrested",), _summed("smugglers_arrested")),
}
DEFAULT_OUTCOMES = (
    "people_arrived",
    "boats_arrived",
    "people_per_boat",
    "crossing_days",
    "deaths_at_sea",
    "prevention_share",
)
WEEKLY_COLUMNS = ("people_arrived", "boats_arrived")


def check_outcomes(outcomes: Sequence[str]) -> tuple[str, ...]:
    unknown = [o for o in outcomes if o not in OUTCOMES]
    if unknown:
        raise ForecastError(f"--outcomes: unknown outcome {unknown[0]!r}; known: {', '.join(OUTCOMES)}")
    return tuple(dict.fromkeys(outcomes))


# ------------------------------------------------------------------------------------------------ observed
@dataclass(frozen=True)
class ForecastObserved:
    """Observed weekly arrivals (full Monday-starting weeks of the daily series) and the annual reference."""

    weekly_people: pd.Series
    annual: pd.DataFrame

    @classmethod
    def load(cls, daily: pd.DataFrame | None = None, annual: pd.DataFrame | None = None) -> ForecastObserved:
        daily = obs.load_daily() if daily is None else daily
        annual = obs.load_annual() if annual is None else annual
        return cls(weekly_people=weekly_totals(daily["date"], daily["people"]), annual=annual)

    def annual_value(self, year: int, outcome: str) -> float:
        column = obs.TARGETS.get(outcome)
        if column is None or year not in self.annual.index:
            return math.nan
        return float(self.annual.loc[year, column])


def weekly_totals(dates: pd.Series, values: pd.Series | np.ndarray) -> pd.Series:
    """Sums over Monday-starting weeks, indexed by the Monday; only weeks whose seven days are all present."""
    dates = pd.to_datetime(pd.Series(dates).reset_index(drop=True)).dt.normalize()
    week = dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")
    frame = pd.DataFrame({"week": week, "v": np.asarray(values, dtype=float)})
    grouped = frame.groupby("week")["v"].agg(["sum", "size"])
    full = grouped[grouped["size"] == 7]["sum"]
    full.index = pd.DatetimeIndex(full.index, name="week_start")
    return full.rename(None)


# ------------------------------------------------------------------------------------------------ runs
@dataclass(frozen=True)
class Replicate:
    """One run of the ensemble: where it is, its seed and posterior draw, its scale and its daily table."""

    run_dir: Path
    seed: int | None
    draw: int | None
    scale: float
    daily: pd.DataFrame


RUN_MARKERS = ("metadata.json", "summary.json", "daily.parquet")
SWEEP_MARKERS = ("multirun.yaml", "sweep_runs.parquet", "sweep_runs.csv", ".sweep")


def _failed_in_table(path: Path) -> int:
    """How many runs the sweep table lists as not finished (they have no run folder to read)."""
    table = path / "sweep_runs.csv"
    if not table.is_file():
        return 0
    try:
        status = pd.read_csv(table, usecols=["status"])["status"].astype(str)
    except (ValueError, OSError, pd.errors.ParserError):
        return 0
    return int((status != "finished").sum())


def find_run_dirs(path: str | Path) -> tuple[list[Path], list[str]]:
    """The intact run folders of a sweep folder (or the run folder itself), and a note for each one left out.

    # results layer: switch to sim.results.folders
    """
    path = Path(path)
    if not path.is_dir():
        raise ForecastError(f"{path}: no such folder")
    if any((path / m).is_file() for m in RUN_MARKERS):
        damage = run_folder_damage(path)
        if damage:
            raise ForecastError(f"{path}: run folder cannot be used: {damage}")
        return [path], []
    if not any((path / m).exists() for m in SWEEP_MARKERS):
        raise ForecastError(
            f"{path}: neither a run folder ({', '.join(RUN_MARKERS)}) nor a sweep folder ({', '.join(SWEEP_MARKERS)})"
        )
    candidates = sorted(
        {
            p.parent
            for m in RUN_MARKERS
            for p in path.rglob(m)
            if not any(part.startswith(".") for part in p.parent.relative_to(path).parts)
        }
    )
    runs, notes = [], []
    for run_dir in candidates:
        damage = run_folder_damage(run_dir)
        if damage:
            notes.append(f"left out {run_dir.relative_to(path)}: {damage}")
        else:
            runs.append(run_dir)
    failed = _failed_in_table(path)
    if failed:
        notes.append(f"the sweep table lists {failed} run(s) as not finished; they are not in the forecast")
    if not runs:
        raise ForecastError(f"{path}: sweep folder without intact runs ({len(candidates)} damaged or unfinished)")
    return runs, notes


REPLICATE_KEYS = ("seed", "posterior_draw")  # what may differ between the replicates of one forecast


def _overrides(run_dir: Path) -> tuple[str, ...] | None:
    """A run's Hydra overrides other than the seed and posterior draw (None if the run does not record them)."""
    from omegaconf import OmegaConf

    path = Path(run_dir) / ".hydra" / "overrides.yaml"
    if not path.is_file():
        return None
    try:
        items = OmegaConf.to_container(OmegaConf.load(path))
    except Exception as exc:
        raise ForecastError(f"{path}: unreadable ({type(exc).__name__})") from None
    keys = tuple(f"{k}=" for k in REPLICATE_KEYS)
    return tuple(sorted(str(o) for o in items if not str(o).lstrip("+~").startswith(keys)))


def check_one_scenario(run_dirs: Sequence[Path]) -> None:
    """Refuse runs that differ in anything but the seed and posterior draw: they are not replicates of one
    forecast (a sweep over policies is forecast one policy at a time)."""
    seen: dict[tuple[str, ...], Path] = {}
    for d in run_dirs:
        o = _overrides(d)
        if o is not None:
            seen.setdefault(o, Path(d))
    if len(seen) > 1:
        (a, da), (b, db) = list(seen.items())[:2]
        diff = sorted(set(a) ^ set(b))
        raise ForecastError(
            f"{da} and {db} differ in {' '.join(diff)}: a forecast pools replicates (seeds, posterior draws) of one "
            "scenario; forecast each scenario's runs separately"
        )


def read_replicate(run_dir: Path, columns: Sequence[str]) -> Replicate:
    """One run folder's daily columns (with ``date``), seed, posterior draw and scale.

    # results layer: switch to sim.results.folders
    """
    import pyarrow.parquet as pq
    from omegaconf import OmegaConf

    daily_path = Path(run_dir) / "daily.parquet"
    try:
        have = set(pq.read_schema(daily_path).names)
    except Exception as exc:
        raise ForecastError(f"{daily_path}: cannot read the daily table ({type(exc).__name__})") from None
    if "date" not in have:
        raise ForecastError(f"{daily_path}: the daily table has no 'date' column (written by an older model?)")
    missing = [c for c in columns if c not in have]
    if missing:
        raise ForecastError(f"{daily_path}: the daily table has no column {missing[0]!r}")
    try:
        cfg = OmegaConf.load(Path(run_dir) / "config.yaml")
        daily = pd.read_parquet(daily_path, columns=["date", *columns])
    except Exception as exc:
        raise ForecastError(f"{run_dir}: cannot read the run ({type(exc).__name__})") from None
    daily["date"] = pd.to_datetime(daily["date"]).dt.normalize()
    seed, draw = OmegaConf.select(cfg, "seed", default=None), OmegaConf.select(cfg, "posterior_draw", default=None)
    scale = float(OmegaConf.select(cfg, "scale", default=1.0))
    if not scale > 0:
        raise ForecastError(f"{run_dir}/config.yaml: scale = {scale}, must be > 0")
    return Replicate(
        Path(run_dir),
        None if seed is None else int(seed),
        None if draw is None else int(draw),
        scale,
        daily.sort_values("date", ignore_index=True),
    )


# ------------------------------------------------------------------------------------------------ aggregate
@dataclass
class ForecastFrames:
    """The forecast tables and what they are made of (one column per replicate, for the scores)."""

    weekly: pd.DataFrame  # forecast_weekly.csv
    annual: pd.DataFrame  # forecast_annual.csv
    people_members: pd.DataFrame  # week_start x replicate: each replicate's weekly arrivals (full scale)
    boats_members: pd.DataFrame
    annual_members: pd.DataFrame  # (year, replicate) x outcome
    runs: pd.DataFrame  # replicate, run_dir, seed, draw, scale
    period: tuple[str, str]
    notes: list[str] = field(default_factory=list)


def _check_same_period(reps: Sequence[Replicate]) -> tuple[pd.Timestamp, pd.Timestamp]:
    first = reps[0].daily["date"]
    for r in reps[1:]:
        if len(r.daily) != len(first) or not r.daily["date"].equals(first):
            raise ForecastError(
                f"{r.run_dir}: covers {r.daily['date'].min().date()} to {r.daily['date'].max().date()}, "
                f"{reps[0].run_dir} {first.min().date()} to {first.max().date()}: a forecast pools replicates "
                "of one period"
            )
    gaps = first.diff().dropna() != pd.Timedelta(days=1)
    if gaps.any():
        raise ForecastError(f"{reps[0].run_dir}: the daily table's dates are not consecutive days")
    return first.min(), first.max()


def _stack(reps: Sequence[Replicate], columns: Sequence[str]) -> Days:
    """Each column as an array (days, replicates), divided by each replicate's scale."""
    scale = np.array([r.scale for r in reps])
    return {c: np.column_stack([r.daily[c].to_numpy(dtype=float) for r in reps]) / scale for c in columns}


def _weekly_members(dates: pd.Series, column: np.ndarray) -> pd.DataFrame:
    """Each replicate's totals over the full Monday-starting weeks of consecutive days (rows: week_start)."""
    mondays = np.flatnonzero(dates.dt.day_of_week.to_numpy() == 0)
    first = int(mondays[0]) if mondays.size else len(dates)
    n_weeks = (len(dates) - first) // 7
    block = column[first : first + 7 * n_weeks].reshape(n_weeks, 7, column.shape[1]).sum(axis=1)
    index = pd.DatetimeIndex(dates.iloc[first : first + 7 * n_weeks : 7].to_numpy(), name="week_start")
    return pd.DataFrame(block, index=index)


def _annual_members(dates: pd.Series, days: Days, outcomes: Sequence[str]) -> pd.DataFrame:
    """Each replicate's annual outcomes for every calendar year wholly inside the simulated period."""
    years = dates.dt.year.to_numpy()
    frames = []
    for year in np.unique(years):
        rows = years == year
        if rows.sum() != pd.Timestamp(year=int(year), month=12, day=31).day_of_year:
            continue
        values = {o: OUTCOMES[o][1]({c: a[rows] for c, a in days.items()}) for o in outcomes}
        n = len(next(iter(days.values()))[0])
        frames.append(pd.DataFrame({"year": int(year), "replicate": np.arange(n), **values}))
    if not frames:
        return pd.DataFrame(columns=["year", "replicate", *outcomes]).set_index(["year", "replicate"])
    return pd.concat(frames, ignore_index=True).set_index(["year", "replicate"])


def _quantile_frame(members: pd.DataFrame, prefix: str) -> pd.DataFrame:
    q = S.quantiles(members.to_numpy(), WEEKLY_QUANTILES)
    return pd.DataFrame(q, index=members.index, columns=[f"{prefix}_q{round(p * 100):02d}" for p in WEEKLY_QUANTILES])


def _annual_frame(members: pd.DataFrame, outcomes: Sequence[str], observed: ForecastObserved) -> pd.DataFrame:
    rows = []
    for year, part in members.groupby(level="year"):
        for o in outcomes:
            q = S.quantiles(part[o].to_numpy(), ANNUAL_QUANTILES)
            rows.append(
                {"year": int(year), "outcome": o, "q05": q[0], "q50": q[1], "q95": q[2]}
                | {"observed": observed.annual_value(int(year), o)}
            )
    return pd.DataFrame(rows, columns=["year", "outcome", "q05", "q50", "q95", "observed"])


def aggregate(
    run_dirs: Sequence[str | Path],
    observed: ForecastObserved | None = None,
    outcomes: Sequence[str] = DEFAULT_OUTCOMES,
) -> ForecastFrames:
    """The weekly and annual forecast of a set of replicate runs of one period (quantiles across replicates)."""
    outcomes = check_outcomes(outcomes)
    if not run_dirs:
        raise ForecastError("nothing to forecast: no runs")
    columns = sorted({*WEEKLY_COLUMNS, *(c for o in outcomes for c in OUTCOMES[o][0])})
    check_one_scenario([Path(d) for d in run_dirs])
    reps = [read_replicate(Path(d), columns) for d in run_dirs]
    start, end = _check_same_period(reps)
    observed = observed or ForecastObserved.load()
    dates = reps[0].daily["date"]
    days = _stack(reps, columns)
    people, boats = _weekly_members(dates, days["people_arrived"]), _weekly_members(dates, days["boats_arrived"])
    if people.empty:
        raise ForecastError(f"the runs cover {start.date()} to {end.date()}: no full Monday-starting week")
    weekly = pd.concat([_quantile_frame(people, "people"), _quantile_frame(boats, "boats")], axis=1)
    weekly["observed_people"] = observed.weekly_people.reindex(weekly.index).astype("Int64")
    weekly.index.name = "week_start"
    weekly = weekly.reset_index()
    weekly["week_start"] = pd.DatetimeIndex(weekly["week_start"]).strftime("%Y-%m-%d")
    annual_members = _annual_members(dates, days, outcomes)
    notes = []
    if annual_members.empty:
        notes.append(f"no calendar year lies wholly inside {start.date()} to {end.date()}: no annual forecast")
    scales = sorted({r.scale for r in reps})
    if scales != [1.0]:
        notes.append(
            f"scale {', '.join(f'{s:g}' for s in scales)}: people, boats and deaths are divided by the scale; "
            "crossing days are not scale-free, compare them at scale 1"
        )
    runs = pd.DataFrame(
        [
            {"replicate": i, "run_dir": str(r.run_dir), "seed": r.seed, "draw": r.draw, "scale": r.scale}
            for i, r in enumerate(reps)
        ]
    )
    return ForecastFrames(
        weekly=weekly,
        annual=_annual_frame(annual_members, outcomes, observed),
        people_members=people,
        boats_members=boats,
        annual_members=annual_members,
        runs=runs,
        period=(start.date().isoformat(), end.date().isoformat()),
        notes=notes,
    )


# ------------------------------------------------------------------------------------------------ windows
@dataclass(frozen=True)
class Window:
    """The weeks scored together: those whose Monday lies in [start, end]."""

    start: pd.Timestamp
    end: pd.Timestamp
    label: str


def parse_window(value: str | int | Window) -> Window:
    """A calendar year (``2023``) or ``START:END`` dates (``2023-01-02:2023-06-26``)."""
    if isinstance(value, Window):
        return value
    text = str(value).strip()
    try:
        if text.isdigit() and len(text) == 4:
            return Window(pd.Timestamp(f"{text}-01-01"), pd.Timestamp(f"{text}-12-31"), text)
        first, last = text.split(":")
        start, end = pd.Timestamp(dt.date.fromisoformat(first)), pd.Timestamp(dt.date.fromisoformat(last))
    except ValueError:
        raise ForecastError(
            f"--window {text!r}: expected a year (2023) or START:END dates (2023-01-02:2023-06-26)"
        ) from None
    if end < start:
        raise ForecastError(f"--window {text!r}: ends before it starts")
    return Window(start, end, f"{start.date()}..{end.date()}")


def default_windows(frames: ForecastFrames, observed: ForecastObserved) -> list[Window]:
    """Every calendar year of the forecast with at least MIN_WINDOW_WEEKS observed weeks."""
    weeks = frames.people_members.index
    known = weeks[observed.weekly_people.reindex(weeks).notna().to_numpy()]
    years = pd.Series(known.year).value_counts()
    return [parse_window(int(y)) for y in sorted(years[years >= MIN_WINDOW_WEEKS].index)]


# ------------------------------------------------------------------------------------------------ scores
def _block(y: np.ndarray, q: np.ndarray, crps: np.ndarray, pit: np.ndarray) -> dict[str, Any]:
    """Coverage, PIT histogram and mean CRPS of one forecast of a window; q holds the five weekly quantiles."""
    return {
        "coverage_50": S.coverage(y, q[:, 1], q[:, 3]),
        "coverage_90": S.coverage(y, q[:, 0], q[:, 4]),
        "pit_counts": S.pit_histogram(pit),
        "crps": float(np.mean(crps)),
    }


def _nb_block(observed: ForecastObserved, weeks: pd.DatetimeIndex, y: np.ndarray, rng: np.random.Generator) -> dict:
    try:
        nb = S.fit_nb_seasonal(observed.weekly_people, weeks)
    except ValueError as exc:
        return {"unavailable": str(exc)}
    return _block(y, nb.quantiles(WEEKLY_QUANTILES), nb.crps(y), nb.pit(y, rng)) | {
        "size": nb.size,
        "level": nb.level,
        "train_years": list(nb.train_years),
    }


def _previous_year_block(
    observed: ForecastObserved, weeks: pd.DatetimeIndex, y: np.ndarray, rng: np.random.Generator
) -> dict:
    sample = S.previous_year_sample(observed.weekly_people, weeks)
    if (np.sum(~np.isnan(sample), axis=1) < 2).any():
        return {"unavailable": f"fewer than 2 observed weeks a year before some week from {weeks.min().date()}"}
    q = S.quantiles(sample, WEEKLY_QUANTILES)
    return _block(y, q, S.crps_ensemble(y, sample), S.pit_ensemble(y, sample, rng)) | {
        "members": int(np.sum(~np.isnan(sample), axis=1).min())
    }


def weekly_score(frames: ForecastFrames, observed: ForecastObserved, window: Window, seed: int = PIT_SEED) -> dict:
    """Coverage, PIT and CRPS of the weekly arrivals forecast in one window, and of the two baselines."""
    index = frames.people_members.index
    in_window = index[(index >= window.start) & (index <= window.end)]
    if in_window.empty:
        raise ForecastError(
            f"--window {window.label}: the forecast has no full week in it (it covers {frames.period[0]} to "
            f"{frames.period[1]})"
        )
    y_all = observed.weekly_people.reindex(in_window)
    weeks = in_window[y_all.notna().to_numpy()]
    if weeks.empty:
        span = observed.weekly_people.index
        raise ForecastError(
            f"--window {window.label}: no observed weekly arrivals in it (the daily series covers weeks "
            f"{span.min().date()} to {span.max().date()})"
        )
    y = y_all.loc[weeks].to_numpy(dtype=float)
    members = frames.people_members.loc[weeks].to_numpy(dtype=float)
    if members.shape[1] < 2:
        raise ForecastError(f"--window {window.label}: one replicate; the weekly scores need at least 2 runs")
    rng = np.random.default_rng(seed)
    ensemble = _block(
        y, S.quantiles(members, WEEKLY_QUANTILES), S.crps_ensemble(y, members), S.pit_ensemble(y, members, rng)
    )
    baselines = {
        "nb_seasonal": _nb_block(observed, weeks, y, rng),
        "previous_year": _previous_year_block(observed, weeks, y, rng),
    }
    skill = {k: 1.0 - ensemble["crps"] / b["crps"] for k, b in baselines.items() if "crps" in b and b["crps"] > 0}
    return {
        "window": [weeks.min().date().isoformat(), weeks.max().date().isoformat()],
        "weeks": len(weeks),
        "weeks_without_observed": len(in_window) - len(weeks),
        "members": members.shape[1],
        "pit_seed": seed,
        "pit_bins": S.PIT_BINS,
        "ensemble": ensemble,
        **baselines,
        "crps_skill": skill,
        "beats_baselines": bool(len(skill) == len(baselines) and all(v > 0 for v in skill.values())),
    }


def annual_scores(frames: ForecastFrames) -> list[dict[str, Any]]:
    """Per year and outcome: the interval, the observed value, the median's relative difference, inside 90%."""
    rows = []
    for r in frames.annual.itertuples(index=False):
        known = not math.isnan(r.observed) and not math.isnan(r.q50)
        rows.append(
            {
                "year": int(r.year),
                "outcome": r.outcome,
                "q05": r.q05,
                "q50": r.q50,
                "q95": r.q95,
                "observed": r.observed,
                "rel_diff_median": (r.q50 - r.observed) / r.observed if known and r.observed else math.nan,
                "inside_90": bool(r.q05 <= r.observed <= r.q95) if known else None,
            }
        )
    return rows


def score(
    frames: ForecastFrames,
    observed: ForecastObserved | None = None,
    window: str | int | Window | Sequence[str | int | Window] | None = None,
    seed: int = PIT_SEED,
) -> dict[str, Any]:
    """Scores of a forecast: annual intervals against the reference, and the weekly scores of each window (by
    default every calendar year of the forecast with observed weeks)."""
    observed = observed or ForecastObserved.load()
    if window is None:
        windows = default_windows(frames, observed)
    elif isinstance(window, (str, int, Window)):
        windows = [parse_window(window)]
    else:
        windows = [parse_window(w) for w in window]
    draws = frames.runs["draw"].dropna()
    return {
        "period": list(frames.period),
        "replicates": len(frames.runs),
        "draws": int(draws.nunique()) if len(draws) else None,
        "seeds": sorted(int(s) for s in frames.runs["seed"].dropna().unique()),
        "annual": annual_scores(frames),
        "weekly": {w.label: weekly_score(frames, observed, w, seed) for w in windows},
        "notes": list(frames.notes),
    }


# ------------------------------------------------------------------------------------------------ goals
TEST_YEARS = (2024, 2025)
CALIBRATION_YEARS = (2021, 2022, 2023)
HINDCAST_YEAR = 2023
GOAL_OUTCOMES = ("people_arrived", "boats_arrived", "people_per_boat", "crossing_days")
GOAL_MEDIAN_WITHIN = 0.25
GOAL_COVERAGE = {"coverage_50": (0.40, 0.60), "coverage_90": (0.80, 0.95)}


def _annual_row(scores: dict, year: int, outcome: str) -> dict | None:
    return next((r for r in scores["annual"] if r["year"] == year and r["outcome"] == outcome), None)


def goals(full: dict, hindcast: dict | None = None, test_years: Sequence[int] = TEST_YEARS) -> list[dict[str, Any]]:
    """Issue 15's goals, each met (True), missed (False) or not scored (None): scores, not test assertions."""
    out: list[dict[str, Any]] = []
    for year in test_years:
        for o in GOAL_OUTCOMES:
            r = _annual_row(full, year, o)
            met = (
                None
                if r is None or r["inside_90"] is None
                else r["inside_90"] and (abs(r["rel_diff_median"]) <= GOAL_MEDIAN_WITHIN)
            )
            value = (
                "not scored"
                if r is None or r["inside_90"] is None
                else (f"median {_pct(r['rel_diff_median'])}, {'inside' if r['inside_90'] else 'outside'} 90%")
            )
            out.append({"goal": f"{year} {o}: inside the 90% interval, median within 25%", "value": value, "met": met})
        r = _annual_row(full, year, "deaths_at_sea")
        met = None if r is None else r["inside_90"]
        value = "not scored" if met is None else ("inside" if met else "outside") + " 90%"
        out.append({"goal": f"{year} deaths_at_sea: inside the 90% interval", "value": value, "met": met})
    years = [HINDCAST_YEAR, *test_years]
    rows = [_annual_row(full, y, "people_per_boat") or {} for y in years]
    medians, observed = [r.get("q50") for r in rows], [r.get("observed") for r in rows]
    # "As observed": every year's median above the year before's, and the rise over the years at least half the
    # observed rise (a flat model whose medians creep up by chance does not meet it).
    rising = None
    value = " -> ".join(_num(m) for m in medians)
    if not any(_missing(m) for m in medians + observed):
        model_rise, observed_rise = medians[-1] / medians[0] - 1.0, observed[-1] / observed[0] - 1.0
        rising = bool(np.all(np.diff(medians) > 0)) and model_rise >= 0.5 * observed_rise
        value += f" (rise {_pct(model_rise)}; observed {_pct(observed_rise)})"
    out.append(
        {
            "goal": f"people per boat rising {'->'.join(map(str, years))} as observed (49 -> 53 -> 62: every year, "
            "and by at least half the observed rise), not an input",
            "value": value,
            "met": rising,
        }
    )
    w = (hindcast or {}).get("weekly", {}).get(str(HINDCAST_YEAR))
    for key, (lo, hi) in GOAL_COVERAGE.items():
        c = None if w is None else w["ensemble"][key]
        out.append(
            {
                "goal": f"hindcast {HINDCAST_YEAR}: weekly {key.split('_')[1]}% intervals cover {lo:.0%}-{hi:.0%} "
                "of weeks",
                "value": "not scored" if c is None else _share(c),
                "met": None if c is None else bool(lo <= c <= hi),
            }
        )
    out.append(
        {
            "goal": f"hindcast {HINDCAST_YEAR}: weekly CRPS better than both baselines",
            "value": "not scored" if w is None else _crps_text(w),
            "met": None if w is None else w["beats_baselines"],
        }
    )
    return out


# ------------------------------------------------------------------------------------------------ markdown
def _missing(x: float | None) -> bool:
    """NaN in a fresh score, None in one read back from forecast_scores.json."""
    return x is None or (isinstance(x, float) and math.isnan(x))


def _num(x: float | None) -> str:
    if _missing(x):
        return "-"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.2f}" if abs(x) < 10 else f"{x:.1f}"


def _pct(x: float | None) -> str:
    """A relative difference, signed."""
    return "-" if _missing(x) else f"{x:+.0%}" if abs(x) < 10 else f"{x:+.1f}x"


def _share(x: float | None) -> str:
    return "-" if _missing(x) else f"{x:.0%}"


def _crps_text(w: dict) -> str:
    parts = [f"model {_num(w['ensemble']['crps'])}"]
    for k in ("nb_seasonal", "previous_year"):
        parts.append(f"{k} {_num(w[k]['crps'])}" if "crps" in w[k] else f"{k} unavailable")
    return ", ".join(parts)


def annual_table(scores: dict, years: Sequence[int] | None = None) -> str:
    """Markdown: per year and outcome the 90% interval, median, observed, median vs observed, inside 90%."""
    rows = [r for r in scores["annual"] if years is None or r["year"] in years]
    if not rows:
        return "No annual forecast for these years."
    lines = [
        "| year | outcome | q05 | median | q95 | observed | median vs observed | in 90% |",
        "|---:|---|---:|---:|---:|---:|---:|:---:|",
    ]
    for r in rows:
        inside = {True: "yes", False: "**no**", None: "-"}[r["inside_90"]]
        lines.append(
            f"| {r['year']} | {r['outcome']} | {_num(r['q05'])} | {_num(r['q50'])} | {_num(r['q95'])} | "
            f"{_num(r['observed'])} | {_pct(r['rel_diff_median'])} | {inside} |"
        )
    return "\n".join(lines)


def weekly_table(scores: dict, labels: Sequence[str] | None = None) -> str:
    """Markdown: per window and forecast (model, baselines) the weekly coverage, CRPS and PIT counts."""
    items = [(k, w) for k, w in scores["weekly"].items() if labels is None or k in labels]
    if not items:
        return "No weekly window scored (no observed weekly arrivals in the forecast period)."
    lines = [
        "| window | weeks | forecast | 50% covers | 90% covers | CRPS (people/week) | PIT counts (10 bins) |",
        "|---|---:|---|---:|---:|---:|---|",
    ]
    for label, w in items:
        for name in ("ensemble", "nb_seasonal", "previous_year"):
            b = w[name]
            title = {"ensemble": f"model ({w['members']} replicates)"}.get(name, name)
            if "unavailable" in b:
                lines.append(f"| {label} | {w['weeks']} | {title} | - | - | - | unavailable: {b['unavailable']} |")
                continue
            lines.append(
                f"| {label} | {w['weeks']} | {title} | {_share(b['coverage_50'])} | {_share(b['coverage_90'])} | "
                f"{_num(b['crps'])} | {' '.join(map(str, b['pit_counts']))} |"
            )
    return "\n".join(lines)


def goals_table(items: Sequence[dict]) -> str:
    lines = ["| goal | value | met |", "|---|---|:---:|"]
    lines += [
        f"| {g['goal']} | {g['value']} | {({True: 'yes', False: '**no**', None: '-'})[g['met']]} |" for g in items
    ]
    return "\n".join(lines)


def describe(scores: dict) -> str:
    """One line: the forecast's period and what its replicates are."""
    seeds = scores["seeds"]
    seed_text = (
        f"seeds {seeds[0]}-{seeds[-1]}"
        if seeds and seeds == list(range(seeds[0], seeds[-1] + 1))
        else ("seeds " + ", ".join(map(str, seeds)) if seeds else "seeds not recorded")
    )
    draws = f"{scores['draws']} posterior draws, " if scores["draws"] else ""
    return (
        f"Forecast {scores['period'][0]} to {scores['period'][1]}: {scores['replicates']} replicates "
        f"({draws}{seed_text})."
    )


def format_scores(scores: dict) -> str:
    """The scores of one forecast as markdown (what the CLI prints)."""
    head = describe(scores)
    notes = "".join(f"\n- {n}" for n in scores["notes"])
    return f"{head}{notes}\n\n## Annual\n\n{annual_table(scores)}\n\n## Weekly arrivals\n\n{weekly_table(scores)}\n"


DOC_METHOD = (
    "Intervals are quantiles across replicates (posterior draws x seeds: they cover chance and the assumptions the "
    "posterior spans), at Weibull plotting positions (Hyndman and Fan type 6), so that a finite ensemble's 90% "
    "interval covers a new exchangeable value with probability 90% (the default linear interpolation would give "
    "86% with 40 replicates). A weekly interval covers a week when the observed count lies in it; a calibrated "
    "forecast's 50% and 90% intervals cover about 50% and 90% of weeks and its randomised PIT counts are flat. CRPS "
    "is in people per week (lower is better), the fair estimator for ensembles (`scoringrules`); baselines, fitted "
    "only to weeks before the window: `nb_seasonal`, a negative binomial with the training years' seasonal profile "
    "scaled to the previous year's level and a dispersion fitted by maximum likelihood; `previous_year`, a sample "
    "of the same week a year earlier and the two weeks either side, whose 90% interval is its range "
    "(`sim/evidence/scores.py`)."
)


def write_doc_sections(
    full: dict,
    hindcast: dict | None = None,
    *,
    calibration_years: Sequence[int] = CALIBRATION_YEARS,
    test_years: Sequence[int] = TEST_YEARS,
    charts: dict[str, str] | None = None,
    hindcast_charts: dict[str, str] | None = None,
) -> dict[str, str]:
    """Markdown for docs/validation.md: sections "calibration years", "hindcast 2023" and "test years".

    ``full`` is the score of the forecast fitted to the calibration years, ``hindcast`` that of the forecast
    fitted to the years before 2023 (None until it has been run). ``charts`` (``hindcast_charts``) maps a caption
    to a PNG path of the full forecast (of the hindcast).
    """
    span = f"{min(calibration_years)}-{max(calibration_years)}"
    cal_labels = [str(y) for y in calibration_years]
    cal = (
        f"## Calibration years ({span})\n\n{describe(full)} In-sample: the draws come from the calibration on "
        "these years (data/calibration/history, docs/calibration.md), so these scores say how well the model "
        "reproduces them, not how well it forecasts.\n\n"
        f"{annual_table(full, calibration_years)}\n\n{weekly_table(full, cal_labels)}\n"
    )
    if hindcast is None:
        hind_body = (
            f"Not scored yet: the hindcast needs a posterior fitted to the years before {HINDCAST_YEAR} alone "
            "(`python -m sim.calibrate --window 2021-2022`) and its forecast (`python -m sim.forecast --hindcast`)."
        )
    else:
        hind_body = hindcast_text(hindcast)
    hind = f"## Hindcast {HINDCAST_YEAR}\n\n{hind_body}\n\n{DOC_METHOD}\n"
    if hindcast_charts:
        hind += "\n" + "\n".join(f"- hindcast {caption}: `{path}`" for caption, path in hindcast_charts.items()) + "\n"
    test = (
        f"## Test years ({'-'.join(map(str, (min(test_years), max(test_years))))})\n\nScored, never fitted by the "
        "history run: every calibrated parameter was fitted to 2021-2023 only, so both years are out of sample. "
        "There are no observed weekly data for them here, so they are scored "
        f"year by year.\n\n{annual_table(full, test_years)}\n\n### Goals\n\nScores, met or not:\n\n"
        f"{goals_table(goals(full, hindcast, test_years))}\n"
    )
    if charts:
        test += "\n" + "\n".join(f"- {caption}: `{path}`" for caption, path in charts.items()) + "\n"
    return {"calibration years": cal, f"hindcast {HINDCAST_YEAR}": hind, "test years": test}


def hindcast_text(hindcast: dict) -> str:
    """The body of "Hindcast 2023" from the hindcast forecast's scores."""
    info = hindcast.get("hindcast") or {}
    fitted = info.get("fitted_window")
    fitted_text = f"{fitted[0]}-{fitted[-1]}" if fitted else f"the years before {HINDCAST_YEAR}"
    source = (
        f" (`python -m sim.calibrate --window {fitted_text}`, draws from `{info['calibration_id']}`)"
        if info.get("calibration_id")
        else ""
    )
    walk = info.get("entrants_walk_sd")
    walk_text = f" (`migration.entrants_walk_sd` = {walk:g}, the spread of the 2021 and 2022 levels)" if walk else ""
    return (
        f"{describe(hindcast)}\n\n**Out of sample**: every calibrated parameter was fitted to {fitted_text} "
        f"alone{source}; the runs are the history scenario stopped on 31 December {HINDCAST_YEAR} "
        f"(`python -m sim.forecast --hindcast`), and {HINDCAST_YEAR} is forecast week by week. Demand in "
        f"{HINDCAST_YEAR} is NOT the fitted {HINDCAST_YEAR} level: the runs hold the 2021 and 2022 levels only, "
        f"so the {HINDCAST_YEAR} level walks at random from 2022's{walk_text}. The {HINDCAST_YEAR} timeline events "
        "(dated policy) stay: they are observed inputs, not outcomes. The intervals cover chance (seeds, and the "
        f"demand walk, drawn anew for every seed and draw) and the assumptions the hindcast posterior spans "
        "(posterior draws); not the assumed parameters left at their defaults. What of "
        f"{HINDCAST_YEAR} still informed the design is listed in docs/calibration.md (hindcast calibration)."
        f"\n\n{weekly_table(hindcast, [str(HINDCAST_YEAR)])}\n\n{annual_table(hindcast, [HINDCAST_YEAR])}"
    )


DOC_BEGIN = "<!-- history forecast: generated by `python -m sim.forecast --write-doc`; do not edit by hand -->"
DOC_END = "<!-- end of history forecast -->"
DOC_CAVEAT = (
    "## History forecast: what the scores below are\n\n"
    "{what} Demand follows latent yearly levels fitted to the arrivals of 2021-2023 only "
    "(`python -m sim.evidence.demand_fit`, docs/calibration.md) and walks at random from 2024 (sim/demand.py); "
    "observed policy comes from the timeline (data/timeline_2021_2025.csv). **Every calibrated parameter is fitted "
    "to 2021-2023 only**: posterior_draw=K of the history scenario takes row K of "
    "data/calibration/history/posterior_draws.csv (`python -m sim.calibrate --window 2021-2023`: ABC-SMC on each "
    "window year's annual targets, monthly shares, daily patterns and large-boat share; docs/calibration.md), and "
    "one scale on the demand levels is part of it. Nothing from 2024 or 2025 was fitted, so both are out of sample "
    "(the design facts that came from them are listed in docs/calibration.md). The retired back-casts (scenarios "
    "backcast_2022, backcast_2023: demand and boat supply set from observed ratios, so partly inputs) are "
    "replaced by the 2022 and 2023 slices of this run (`by_year` in its summary). Crossing days are not "
    "scale-free: the calibration and this forecast run at the same scale, so the posterior is that of the model "
    "at that scale.\n"
)


def write_validation_doc(sections: dict[str, str], what: str, path: Path) -> str:
    """Put the forecast sections into docs/validation.md between DOC_BEGIN and DOC_END (replacing an earlier
    block, or at the end); ``sim.validate --write-doc`` keeps the block when it rewrites the rest."""
    return write_block(path, DOC_BEGIN, DOC_END, "\n".join([DOC_CAVEAT.format(what=what), *sections.values()]))


def write_block(path: Path, begin: str, end: str, body: str) -> str:
    """Put ``body`` between the lines ``begin`` and ``end`` of a generated doc (replacing an earlier block, or at
    the end of the file), atomically; the rest of the file is left as it is."""
    block = f"{begin}\n{body.strip()}\n{end}\n"
    text = path.read_text() if path.exists() else ""
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    atomic_write_text(path, text)
    return block


def kept_block(path: Path, begin: str = DOC_BEGIN, end: str = DOC_END) -> str:
    """The block of an existing generated doc ("" if none), for the tool that rewrites the rest to keep."""
    text = path.read_text() if path.exists() else ""
    if begin not in text or end not in text:
        return ""
    return begin + text.split(begin, 1)[1].split(end, 1)[0] + end + "\n"


# ------------------------------------------------------------------------------------------------ charts
def _save_figure(fig: Any, path: Path) -> None:
    """Save a figure atomically (temporary file beside the target, then rename)."""
    import matplotlib.pyplot as plt

    fd, tmp = temp_beside(path)
    os.close(fd)
    try:
        fig.savefig(tmp, format="png", dpi=110)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        plt.close(fig)


def plot_weekly(frames: ForecastFrames, path: Path) -> None:
    """Fan chart of weekly arrivals (50% and 90% intervals, median) against the observed weeks."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    w = frames.weekly
    x = pd.to_datetime(w["week_start"])
    fig, ax = plt.subplots(figsize=(12, 4.5))
    ax.fill_between(x, w["people_q05"], w["people_q95"], color="tab:blue", alpha=0.2, lw=0, label="90% interval")
    ax.fill_between(x, w["people_q25"], w["people_q75"], color="tab:blue", alpha=0.4, lw=0, label="50% interval")
    ax.plot(x, w["people_q50"], color="tab:blue", lw=1.2, label="median")
    known = w["observed_people"].notna()
    if known.any():
        ax.plot(x[known], w.loc[known, "observed_people"].astype(float), "k.", ms=3.5, label="observed")
    ax.set(title=f"People arriving per week: forecast of {len(frames.runs)} replicates", ylabel="people per week")
    ax.legend(loc="upper left", frameon=False, ncols=4)
    fig.autofmt_xdate()
    fig.tight_layout()
    _save_figure(fig, path)


def plot_annual(frames: ForecastFrames, path: Path) -> None:
    """One panel per annual outcome: 90% interval and median by year, the observed value as a cross."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    a = frames.annual
    outcomes = list(dict.fromkeys(a["outcome"]))
    cols = min(3, len(outcomes))
    rows = math.ceil(len(outcomes) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.2 * rows), squeeze=False)
    for ax, o in zip(axes.flat, outcomes, strict=False):
        part = a[a["outcome"] == o]
        ax.vlines(part["year"], part["q05"], part["q95"], color="tab:blue", lw=6, alpha=0.35, label="90% interval")
        ax.plot(part["year"], part["q50"], "o", color="tab:blue", label="median")
        ax.plot(part["year"], part["observed"], "x", color="k", ms=8, mew=2, label="observed")
        ax.set(title=o)
        ax.set_xticks(part["year"])
    for ax in list(axes.flat)[len(outcomes) :]:
        ax.set_visible(False)
    axes.flat[0].legend(frameon=False, fontsize=8)
    fig.tight_layout()
    _save_figure(fig, path)


# ------------------------------------------------------------------------------------------------ writing
def _jsonable(o: Any) -> Any:
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    raise TypeError(f"not JSON serialisable: {type(o)}")


def _nan_to_none(o: Any) -> Any:
    if isinstance(o, dict):
        return {k: _nan_to_none(v) for k, v in o.items()}
    if isinstance(o, list):
        return [_nan_to_none(v) for v in o]
    if isinstance(o, float) and math.isnan(o):
        return None
    return o


def write_outputs(frames: ForecastFrames, scores: dict, out: str | Path, charts: bool = True) -> list[Path]:
    """Write the two forecast tables, the scores (JSON, NaN as null) and the fan charts into ``out``, atomically."""
    out = Path(out)
    written = [out / WEEKLY_FILE, out / ANNUAL_FILE, out / SCORES_FILE]
    atomic_write_frame(written[0], frames.weekly)
    atomic_write_frame(written[1], frames.annual)
    atomic_write_text(written[2], json.dumps(_nan_to_none(scores), indent=2, default=_jsonable) + "\n")
    if charts:
        plot_weekly(frames, out / WEEKLY_CHART)
        written.append(out / WEEKLY_CHART)
        if not frames.annual.empty:
            plot_annual(frames, out / ANNUAL_CHART)
            written.append(out / ANNUAL_CHART)
    return written


# ------------------------------------------------------------------------------------------------ CLI
def forecast_folder(
    path: str | Path | Sequence[str | Path],
    windows: Sequence[str | int] | None = None,
    outcomes: Sequence[str] = DEFAULT_OUTCOMES,
    seed: int = PIT_SEED,
) -> tuple[ForecastFrames, dict]:
    """Aggregate and score an existing sweep folder or run folders (everything checked before anything is written)."""
    outcomes = check_outcomes(outcomes)
    parsed = [parse_window(w) for w in windows] if windows else None
    runs, skipped = [], []
    for one in [path] if isinstance(path, (str, Path)) else path:
        found, notes = find_run_dirs(one)
        runs += found
        skipped += notes
    observed = ForecastObserved.load()
    frames = aggregate(runs, observed, outcomes)
    frames.notes[:0] = skipped
    return frames, score(frames, observed, parsed, seed)


VALIDATION_DOC = Path(__file__).resolve().parents[2] / "docs" / "validation.md"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m sim.forecast", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "path",
        nargs="*",
        help="sweep folder (the replicates of one scenario) or run folders; none: run the history forecast first "
        "(--draws x --seeds of scenario history_2021_2025, sim/evidence/forecast_run.py)",
    )
    p.add_argument("--out", type=Path, help="folder for the forecast files (default: the first folder given)")
    p.add_argument("--draws", type=int, help="history forecast: posterior draws 0..N-1 (default 20)")
    p.add_argument("--seeds", type=int, help="history forecast: seeds 0..M-1, the same for every draw (default 2)")
    p.add_argument("--scale", type=float, help="history forecast: population scale of the runs (default 1)")
    p.add_argument("--jobs", type=int, help="history forecast: processes of the sweep (default: every core)")
    p.add_argument(
        "--hindcast",
        action="store_true",
        help="run the 2023 hindcast instead: the 2021-2022 posterior, stopped on 2023-12-31, no fitted 2023 demand "
        "level (default --out results/forecast/hindcast_2023, --window 2023)",
    )
    p.add_argument(
        "--posterior",
        type=Path,
        help="hindcast: posterior draws file (default data/calibration/hindcast_2023/posterior_draws.csv)",
    )
    p.add_argument(
        "--hindcast-dir",
        type=Path,
        help='--write-doc: the hindcast forecast\'s folder whose scores fill "Hindcast 2023" (default '
        "results/forecast/hindcast_2023 when it has scores)",
    )
    p.add_argument(
        "--full-dir",
        type=Path,
        help="--hindcast --write-doc: the full forecast's folder for the other sections (default "
        "results/forecast/history_2021_2025)",
    )
    p.add_argument(
        "--window",
        action="append",
        help="weeks to score: a year (2023) or START:END dates; repeatable (default: every observed year)",
    )
    p.add_argument("--outcomes", nargs="+", default=list(DEFAULT_OUTCOMES), help="annual outcomes")
    p.add_argument("--pit-seed", type=int, default=PIT_SEED, help="seed of the randomised PIT's tie-breaking")
    p.add_argument("--no-charts", action="store_true", help="skip the PNG fan charts")
    p.add_argument(
        "--write-doc",
        action="store_true",
        help="put the sections calibration years, hindcast 2023 and test years into docs/validation.md",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        doc_inputs = _doc_inputs(args) if args.write_doc else None
        if args.hindcast:
            hindcast_info = _hindcast_request(args)
    except ForecastError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not args.path:
        code = _run_hindcast(args, hindcast_info) if args.hindcast else _run_history(args)
        if code:
            return code
        args.path = [str(args.out)]
    elif any(getattr(args, k) is not None for k in ("draws", "seeds", "scale", "jobs", "posterior")):
        print(
            "error: --draws, --seeds, --scale, --jobs and --posterior run a new forecast: give no sweep folder with "
            "them",
            file=sys.stderr,
        )
        return 2
    out = args.out if args.out is not None else Path(args.path[0])
    try:
        if out.exists() and not out.is_dir():
            raise ForecastError(f"--out {out}: exists and is not a folder")
        frames, scores = forecast_folder(args.path, args.window, args.outcomes, args.pit_seed)
        if args.hindcast:
            scores["hindcast"] = hindcast_info
        written = write_outputs(frames, scores, out, charts=not args.no_charts)
    except (ForecastError, obs.ObservedDataError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(format_scores(scores))
    if doc_inputs is not None:
        try:
            written.append(_write_doc(args, doc_inputs, frames, scores, out))
        except (ForecastError, obs.ObservedDataError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    print("wrote " + ", ".join(str(w) for w in written))
    return 0


def read_scores(folder: Path, option: str) -> dict:
    """A forecast folder's forecast_scores.json (ForecastError naming the option if absent or unreadable)."""
    path = Path(folder) / SCORES_FILE
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ForecastError(f"{option} {folder}: no readable {SCORES_FILE} ({type(exc).__name__})") from None


def _doc_inputs(args: argparse.Namespace) -> dict[str, Any]:
    """What --write-doc will need besides this forecast, checked before anything runs: the hindcast's scores (when
    writing from the full forecast) or the full forecast's folder (when writing from the hindcast)."""
    from sim.evidence import forecast_run

    if args.hindcast:
        if args.hindcast_dir is not None:
            raise ForecastError("--hindcast-dir: not with --hindcast (this forecast is the hindcast)")
        full = args.full_dir if args.full_dir is not None else forecast_run.DEFAULT_OUT
        read_scores(full, "--full-dir")
        return {"full_dir": full}
    if args.full_dir is not None:
        raise ForecastError("--full-dir: only with --hindcast --write-doc (otherwise this forecast is the full one)")
    if args.hindcast_dir is not None:
        return {"hindcast": read_scores(args.hindcast_dir, "--hindcast-dir"), "hindcast_dir": args.hindcast_dir}
    default = forecast_run.HINDCAST_OUT
    if (default / SCORES_FILE).is_file():
        return {"hindcast": read_scores(default, "--write-doc: the hindcast folder"), "hindcast_dir": default}
    return {"hindcast": None, "hindcast_dir": None}


def _write_doc(
    args: argparse.Namespace, inputs: dict[str, Any], frames: ForecastFrames, scores: dict, out: Path
) -> Path:
    """docs/validation.md's forecast block: the full forecast's sections and the hindcast's."""
    doc = VALIDATION_DOC
    figures = doc.parent / "figures"
    if args.hindcast:
        hindcast, hindcast_dir = scores, out
        full_dir = Path(inputs["full_dir"])
        frames, full = forecast_folder([full_dir], None, args.outcomes, args.pit_seed)
    else:
        full, full_dir = scores, out
        hindcast, hindcast_dir = inputs["hindcast"], inputs["hindcast_dir"]
    charts = _copy_charts(full_dir, figures) if not args.no_charts else {}
    hindcast_charts = (
        _copy_charts(Path(hindcast_dir), figures, prefix="hindcast_2023")
        if hindcast is not None and not args.no_charts
        else {}
    )
    runs = frames.runs
    what = (
        f"Forecast of {len(runs)} run(s) (posterior draws {sorted(set(runs['draw'].dropna().astype(int)))}, "
        f"seeds {sorted(set(runs['seed'].astype(int)))}, scale {sorted(set(runs['scale']))}) in `{full_dir}`; "
        f"draws from {_calibration_shown()}."
    )
    sections = write_doc_sections(full, hindcast, charts=charts, hindcast_charts=hindcast_charts)
    write_validation_doc(sections, what, doc)
    return doc


def _hindcast_request(args: argparse.Namespace) -> dict[str, Any]:
    """The hindcast's posterior (checked) and overrides, before anything runs; what its scores record."""
    from sim.cli import calibration_id
    from sim.config import ConfigError
    from sim.evidence import forecast_run as R

    if args.path:
        raise ForecastError("--hindcast runs the hindcast forecast: give no sweep folder with it")
    posterior = Path(args.posterior) if args.posterior is not None else R.hindcast_posterior()
    try:
        prov = R.check_hindcast_posterior(posterior)
        overrides = R.hindcast_overrides(posterior)
    except ConfigError as exc:
        raise ForecastError(str(exc)) from None
    if args.window is None:
        args.window = [str(HINDCAST_YEAR)]
    return {
        "posterior_file": R._shown(posterior),
        "calibration_id": calibration_id(posterior),
        "fitted_window": [int(y) for y in prov["window"]],
        "overrides": overrides,
        "entrants_walk_sd": R.hindcast_walk_sd(),
    }


def _calibration_shown() -> str:
    """The history scenario's posterior file and its id (folder@digest), as run folders record it."""
    from sim.cli import calibration_id
    from sim.evidence.forecast_run import history_posterior

    path = history_posterior()
    return f"`{calibration_id(path)}`" if path.is_file() else f"`{path}` (missing)"


def _run_hindcast(args: argparse.Namespace, info: dict[str, Any]) -> int:
    """Run or resume the hindcast sweep into ``args.out`` (default results/forecast/hindcast_2023)."""
    from sim.config import ConfigError
    from sim.evidence import forecast_run as R

    draws = 20 if args.draws is None else args.draws
    seeds = 2 if args.seeds is None else args.seeds
    if args.out is None:
        args.out = R.HINDCAST_OUT
    try:
        R.check_request(draws, seeds, args.scale, R.ROOT / info["posterior_file"], args.jobs)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return R.run_sweep(draws, seeds, Path(args.out), args.scale, info["overrides"], args.jobs)


def _run_history(args: argparse.Namespace) -> int:
    """Run or resume the history sweep into ``args.out`` (sim/evidence/forecast_run.py); 0 when it finished."""
    from sim.config import ConfigError
    from sim.evidence import forecast_run

    draws = 20 if args.draws is None else args.draws
    seeds = 2 if args.seeds is None else args.seeds
    if args.out is None:
        args.out = forecast_run.DEFAULT_OUT
    try:
        forecast_run.check_request(draws, seeds, args.scale, jobs=args.jobs)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return forecast_run.run_sweep(draws, seeds, Path(args.out), args.scale, jobs=args.jobs)


def _copy_charts(out: Path, figures: Path, prefix: str = "history") -> dict[str, str]:
    """The fan charts copied beside the docs (results/ is not part of the repository); caption -> path."""
    figures.mkdir(parents=True, exist_ok=True)
    charts = {}
    for caption, name in (("weekly fan chart", WEEKLY_CHART), ("annual fan chart", ANNUAL_CHART)):
        if (out / name).is_file():
            target = figures / f"{prefix}_{name}"
            fd, tmp = temp_beside(target)
            os.close(fd)
            Path(tmp).write_bytes((out / name).read_bytes())
            os.replace(tmp, target)
            charts[caption] = f"docs/figures/{target.name}"
    return charts
