"""Observed data the model is calibrated and validated against, loaded and checked.

Three files in ``data/`` (sources in ``data/SOURCES.md``):

- ``annual_reference.csv``: one row a year, 2018-2025 (Home Office arrivals, boats, people per boat, crossing
  days; IOM deaths at sea; French prevention estimates).
- ``small_boats_daily_2018_2023.csv``: people and boats detected arriving per day, 2018-2023 (Home Office SB_01).
- ``iom_channel_incidents_2018_2026.csv``: one row per IOM-recorded incident on the route.

Every loader checks what it reads, row by row; a missing file, a missing column, a truncated line, a date that
does not parse, a day duplicated, missing or out of order, a negative or fractional count, or a row whose columns
disagree (people_per_boat against people / boats, boats above people, a share against its counts) raises
:class:`ObservedDataError` with one line naming the file, the row (its line in the file) and the rule.

The helpers below turn the series into the patterns the model is scored on: annual targets, monthly shares of
arrivals, runs of consecutive crossing days and the distribution of people per crossing day.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
ANNUAL_FILE = "annual_reference.csv"
DAILY_FILE = "small_boats_daily_2018_2023.csv"
INCIDENTS_FILE = "iom_channel_incidents_2018_2026.csv"

# Annual targets: model outcome name -> column of annual_reference.csv.
TARGETS = {
    "people_arrived": "people_arrived",
    "boats_arrived": "boats_arrived",
    "people_per_boat": "people_per_boat",
    "crossing_days": "crossing_days",
    "prevention_share": "prevention_share",
    "deaths_at_sea": "deaths_at_sea_iom",
}
# Years whose daily series make the reference seasonal pattern: the three years with more than 25,000 arrivals
# (2018-2020 were a small, different regime: 2018 had 83% of its 299 arrivals in November-December).
PATTERN_YEARS = (2021, 2022, 2023)
QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)

_ANNUAL_REQUIRED = ("year", "people_arrived", "boats_arrived")
_ANNUAL_COLUMNS = (*_ANNUAL_REQUIRED, "people_per_boat", "crossing_days", "deaths_at_sea_iom", "prevention_share")
_DAILY_COLUMNS = ("date", "people", "boats")
_INCIDENT_COLUMNS = ("date", "dead", "missing", "sea_related_flag")


class ObservedDataError(ValueError):
    """An observed-data file that is missing or malformed; the message is one line naming the file."""


# ------------------------------------------------------------------------------------------------ loading
def _path(path: str | Path | None, default_name: str) -> Path:
    return Path(path) if path is not None else DATA_DIR / default_name


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise ObservedDataError(f"{path}: file not found (observed data; see data/SOURCES.md)")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ObservedDataError(f"{path}: not a readable CSV file ({str(exc).splitlines()[0]})") from None
    if frame.empty:
        raise ObservedDataError(f"{path}: no data rows")
    _check_fields(path, len(frame.columns))
    return frame


def _check_fields(path: Path, n_columns: int) -> None:
    """Every line has as many fields as the header (pandas fills a short line's cells with blanks)."""
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        for record in reader:
            if record and len(record) != n_columns:
                raise ObservedDataError(
                    f"{path}: row {reader.line_num}: {len(record)} of {n_columns} fields (a truncated line?): "
                    f"{','.join(record)!r}"
                )


def _refuse_rows(path: Path, bad: np.ndarray | pd.Series, rule: str) -> None:
    """Raise naming the first row (file line) where ``bad`` is True and the rule it breaks."""
    bad = np.asarray(bad, dtype=bool)
    if bad.any():
        raise ObservedDataError(f"{path}: row {int(np.flatnonzero(bad)[0]) + 2}: {rule}")


def _require_columns(frame: pd.DataFrame, path: Path, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ObservedDataError(f"{path}: missing column {', '.join(repr(c) for c in missing)}")


def _numbers(frame: pd.DataFrame, path: Path, column: str, *, required: bool, upper: float | None = None) -> pd.Series:
    """A column as floats: blank or NA is missing (refused if required); text or negative values are refused."""
    raw = frame[column].str.strip()
    blank = raw.isin(["", "NA", "NaN", "nan"])
    values = pd.to_numeric(raw.where(~blank), errors="coerce")
    bad = values.isna() & ~blank
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ObservedDataError(
            f"{path}: column {column!r}, row {row + 2}: {frame[column].iloc[row]!r} is not a number"
        )
    if required and blank.any():
        row = int(np.flatnonzero(blank.to_numpy())[0])
        raise ObservedDataError(f"{path}: column {column!r}, row {row + 2}: value missing")
    negative = values < 0
    if negative.any():
        row = int(np.flatnonzero(negative.to_numpy())[0])
        raise ObservedDataError(f"{path}: column {column!r}, row {row + 2}: negative count {values.iloc[row]:g}")
    if upper is not None and (values > upper).any():
        row = int(np.flatnonzero((values > upper).to_numpy())[0])
        raise ObservedDataError(
            f"{path}: column {column!r}, row {row + 2}: {values.iloc[row]:g} is above its maximum {upper:g}"
        )
    return values


def _dates(frame: pd.DataFrame, path: Path) -> pd.Series:
    dates = pd.to_datetime(frame["date"].str.strip(), format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        row = int(np.flatnonzero(dates.isna().to_numpy())[0])
        raise ObservedDataError(
            f"{path}: column 'date', row {row + 2}: bad date {frame['date'].iloc[row]!r} (expected YYYY-MM-DD)"
        )
    return dates


def load_annual(path: str | Path | None = None) -> pd.DataFrame:
    """``annual_reference.csv`` as a frame indexed by year (floats; blank cells are NaN)."""
    path = _path(path, ANNUAL_FILE)
    raw = _read_csv(path)
    _require_columns(raw, path, _ANNUAL_COLUMNS)
    out = pd.DataFrame(index=pd.RangeIndex(len(raw)))
    for col in raw.columns:
        if col == "year":
            continue
        out[col] = _numbers(
            raw, path, col, required=col in _ANNUAL_REQUIRED, upper=1.0 if col.endswith("share") else None
        ).to_numpy()
    years = _numbers(raw, path, "year", required=True)
    if (years % 1 != 0).any() or years.duplicated().any():
        raise ObservedDataError(f"{path}: column 'year' must hold distinct whole years")
    _refuse_rows(path, years.diff().fillna(1).to_numpy() <= 0, "years out of order (one row a year, ascending)")
    out.index = pd.Index(years.astype(int).to_numpy(), name="year")
    _check_annual_rows(out, path)
    return out


def _check_annual_rows(annual: pd.DataFrame, path: Path) -> None:
    """Plausibility of each year's row: whole counts, and the columns agree with each other where they overlap."""
    for col in (
        "people_arrived",
        "boats_arrived",
        "crossing_days",
        "deaths_at_sea_iom",
        "deaths_dead_missing_iom_route",
    ):
        if col in annual:
            _refuse_rows(path, annual[col].notna() & (annual[col] % 1 != 0), f"{col} must be a whole count")
    people, boats = annual["people_arrived"], annual["boats_arrived"]
    _refuse_rows(path, boats > people, "boats_arrived above people_arrived (every boat carries someone)")
    _refuse_rows(
        path, (boats > 0) != (people > 0), "people_arrived and boats_arrived must be both zero or both positive"
    )
    ratio = people / boats.where(boats > 0)
    _refuse_rows(
        path,
        annual["people_per_boat"].notna() & ~(abs(annual["people_per_boat"] - ratio.fillna(0.0)) <= 0.051),
        "people_per_boat differs from people_arrived / boats_arrived (rounded to 0.1)",
    )
    days = annual["crossing_days"]
    _refuse_rows(path, days > 366, "crossing_days above 366")
    _refuse_rows(path, days > boats, "crossing_days above boats_arrived (a crossing day has a boat)")
    _refuse_rows(path, days.notna() & ((days > 0) != (boats > 0)), "crossing_days zero but boats arrived, or not")
    if "deaths_dead_missing_iom_route" in annual:
        _refuse_rows(
            path,
            annual["deaths_at_sea_iom"] > annual["deaths_dead_missing_iom_route"],
            "deaths_at_sea_iom above deaths_dead_missing_iom_route (deaths at sea are part of the route's deaths)",
        )
    if "people_prevented_france" in annual:
        prevented = annual["people_prevented_france"]
        share = prevented / (prevented + people)
        _refuse_rows(
            path,
            annual["prevention_share"].notna() & share.notna() & ~(abs(annual["prevention_share"] - share) <= 0.006),
            "prevention_share differs from people_prevented_france / (people_prevented_france + people_arrived)",
        )


def load_daily(path: str | Path | None = None) -> pd.DataFrame:
    """``small_boats_daily_2018_2023.csv``: columns date (datetime), people and boats (int), one row a day."""
    path = _path(path, DAILY_FILE)
    raw = _read_csv(path)
    _require_columns(raw, path, _DAILY_COLUMNS)
    dates = _dates(raw, path)
    if dates.duplicated().any():
        row = int(np.flatnonzero(dates.duplicated().to_numpy())[0])
        raise ObservedDataError(f"{path}: column 'date', row {row + 2}: day {raw['date'].iloc[row]} appears twice")
    step = dates.diff().dt.days.to_numpy()
    _refuse_rows(path, step < 0, "date before the previous row's (one row a day, in date order)")
    _refuse_rows(path, step > 1, "days missing before this date (one row a day, in date order)")
    out = pd.DataFrame({"date": dates})
    for col in ("people", "boats"):
        values = _numbers(raw, path, col, required=True)
        if (values % 1 != 0).any():
            raise ObservedDataError(f"{path}: column {col!r} must hold whole counts")
        out[col] = values.astype(np.int64).to_numpy()
    bad = (out["boats"] > 0) & (out["people"] == 0) | (out["boats"] == 0) & (out["people"] > 0)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ObservedDataError(f"{path}: row {row + 2}: people and boats must be both zero or both positive")
    _refuse_rows(path, out["boats"] > out["people"], "boats above people (every boat carries someone)")
    return out


def load_incidents(path: str | Path | None = None) -> pd.DataFrame:
    """``iom_channel_incidents_2018_2026.csv``: one row per incident; dead and missing as floats (NA = 0)."""
    path = _path(path, INCIDENTS_FILE)
    raw = _read_csv(path)
    _require_columns(raw, path, _INCIDENT_COLUMNS)
    out = raw.copy()
    out["date"] = _dates(raw, path)
    _refuse_rows(path, out["date"].diff().dt.days.to_numpy() < 0, "date before the previous row's (date order)")
    _refuse_rows(path, raw.duplicated().to_numpy(), "repeats an earlier row exactly (an incident counted twice)")
    for col in ("dead", "missing"):
        out[col] = _numbers(raw, path, col, required=False).fillna(0.0).to_numpy()
    flag = _numbers(raw, path, "sea_related_flag", required=True)
    if not flag.isin([0, 1]).all():
        row = int(np.flatnonzero((~flag.isin([0, 1])).to_numpy())[0])
        raise ObservedDataError(f"{path}: column 'sea_related_flag', row {row + 2}: must be 0 or 1")
    out["sea_related_flag"] = flag.astype(int).to_numpy()
    for col in ("dead", "missing"):
        _refuse_rows(path, out[col] % 1 != 0, f"{col} must be a whole count")
    return out


def file_digests(data_dir: str | Path | None = None) -> dict[str, str]:
    """SHA-256 of each observed-data file (for provenance records)."""
    root = Path(data_dir) if data_dir is not None else DATA_DIR
    return {
        name: hashlib.sha256((root / name).read_bytes()).hexdigest()
        for name in (ANNUAL_FILE, DAILY_FILE, INCIDENTS_FILE, "SOURCES.md")
        if (root / name).is_file()
    }


# ------------------------------------------------------------------------------------------------ patterns
def annual_targets(year: int, annual: pd.DataFrame | None = None) -> dict[str, float]:
    """The observed annual targets of a year, keyed by model outcome name (NaN where not observed)."""
    annual = load_annual() if annual is None else annual
    if year not in annual.index:
        raise ObservedDataError(f"{ANNUAL_FILE}: no row for year {year} (years: {', '.join(map(str, annual.index))})")
    row = annual.loc[year]
    return {name: float(row[col]) for name, col in TARGETS.items()}


def sea_deaths_by_year(incidents: pd.DataFrame | None = None) -> pd.Series:
    """Dead and missing in incidents located at sea, by year (the definition of ``deaths_at_sea_iom``)."""
    incidents = load_incidents() if incidents is None else incidents
    sea = incidents[incidents["sea_related_flag"] == 1]
    return (sea["dead"] + sea["missing"]).groupby(sea["date"].dt.year).sum().rename("deaths_at_sea")


def monthly_totals(dates: pd.Series, values: pd.Series | np.ndarray) -> pd.Series:
    """Sum of a daily series by calendar month, indexed by (year, month)."""
    frame = pd.DataFrame({"date": pd.to_datetime(dates).to_numpy(), "v": np.asarray(values, dtype=float)})
    return frame.groupby([frame["date"].dt.year.rename("year"), frame["date"].dt.month.rename("month")])["v"].sum()


def monthly_shares(daily: pd.DataFrame | None = None, years: Iterable[int] = PATTERN_YEARS) -> pd.Series:
    """Average over ``years`` of each year's share of arrivals in each month (index 1-12, sums to 1).

    Each year counts equally, so the pattern is the typical seasonal shape, not the shape of the biggest year.
    """
    daily = load_daily() if daily is None else daily
    totals = monthly_totals(daily["date"], daily["people"]).unstack("month").reindex(columns=range(1, 13))
    years = list(years)
    missing = [y for y in years if y not in totals.index]
    if missing:
        raise ObservedDataError(f"{DAILY_FILE}: no days in year(s) {', '.join(map(str, missing))}")
    shares = totals.loc[years].fillna(0.0)
    shares = shares.div(shares.sum(axis=1), axis=0)
    out = shares.mean(axis=0)
    out.index.name = "month"
    return out.rename("share")


def run_lengths(active: np.ndarray | pd.Series) -> np.ndarray:
    """Lengths of the runs of consecutive True values (e.g. consecutive crossing days)."""
    a = np.asarray(active, dtype=bool).astype(np.int8)
    if a.size == 0:
        return np.zeros(0, dtype=np.int64)
    edges = np.diff(np.concatenate(([0], a, [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return (ends - starts).astype(np.int64)


def daily_pattern(people: np.ndarray | pd.Series) -> dict[str, float]:
    """Pattern statistics of one year's daily arrivals: crossing days, runs, people per crossing day."""
    people = np.asarray(people, dtype=float)
    crossing = people > 0
    runs = run_lengths(crossing)
    on_days = people[crossing]
    out = {
        "crossing_days": float(crossing.sum()),
        "runs": float(runs.size),
        "mean_run_days": float(runs.mean()) if runs.size else 0.0,
        "longest_run_days": float(runs.max()) if runs.size else 0.0,
        "mean_people_per_crossing_day": float(on_days.mean()) if on_days.size else 0.0,
    }
    for q in QUANTILES:
        out[f"people_per_crossing_day_p{round(q * 100)}"] = float(np.quantile(on_days, q)) if on_days.size else 0.0
    return out


def observed_daily_pattern(year: int, daily: pd.DataFrame | None = None) -> dict[str, float]:
    """:func:`daily_pattern` of one observed year (2018-2023)."""
    daily = load_daily() if daily is None else daily
    sel = daily[daily["date"].dt.year == year]
    if sel.empty:
        raise ObservedDataError(f"{DAILY_FILE}: no days in year {year}")
    return daily_pattern(sel["people"].to_numpy())


def normalised_crossing_day_sizes(people: np.ndarray | pd.Series) -> np.ndarray:
    """People per crossing day divided by their mean: the shape of the distribution, free of the annual level."""
    people = np.asarray(people, dtype=float)
    on_days = people[people > 0]
    return on_days / on_days.mean() if on_days.size else on_days


def observed_normalised_sizes(years: Iterable[int] = PATTERN_YEARS, daily: pd.DataFrame | None = None) -> np.ndarray:
    """Pooled :func:`normalised_crossing_day_sizes` of the observed years (each year normalised by its own mean)."""
    daily = load_daily() if daily is None else daily
    parts = [normalised_crossing_day_sizes(daily.loc[daily["date"].dt.year == y, "people"]) for y in years]
    return np.concatenate(parts) if parts else np.zeros(0)
