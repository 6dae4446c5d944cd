"""Scores of probabilistic forecasts of counts, and the baselines a forecast must beat.

A forecast here is either an *ensemble* (the replicates of the model: posterior draws x seeds, one value per
replicate and week) or a *distribution* (a baseline with a closed-form CDF). For each we compute:

- interval coverage: the share of weeks whose observed count lies in the central 50% or 90% interval. An
  ensemble's quantiles are taken at Weibull plotting positions (Hyndman and Fan 1996, type 6: the p quantile at
  rank p (m + 1)), so that the interval between two of them covers a new value exchangeable with the m members with
  the nominal probability; numpy's default (type 7) makes the 90% interval of 40 members cover about 86%. Below
  rank 1 or above rank m the quantile is the smallest or largest member, so a 5-member sample's 90% interval is
  its range (nominal coverage 4/6);
- the randomised PIT (probability integral transform; Brockwell 2007, Czado, Gneiting and Held 2009, Biometrics
  65:1254): for an ensemble of m members the observed value's rank among them, ties broken at random, spread
  uniformly over its slot, u = (rank + V) / (m + 1); for a count distribution u = F(y - 1) + V (F(y) - F(y - 1)),
  V ~ U(0, 1). A calibrated forecast gives u uniform on [0, 1]; the histogram of u over weeks shows how it is not
  (a U shape: too narrow; a hump: too wide; a slope: biased). The random numbers come from a generator seeded by
  the caller, so the histogram is reproducible;
- the CRPS (continuous ranked probability score, in people; lower is better), computed with ``scoringrules``
  (maintained, numpy/scipy only): for an ensemble the "fair" estimator, unbiased for the CRPS of the
  distribution the members are drawn from, so that ensembles of different sizes (40 replicates, a 5-week
  baseline sample) are compared fairly; for the negative binomial its closed form.

Two baselines, both fitted only to observed weeks before the window they forecast:

- ``nb_seasonal``: weekly counts ~ negative binomial with mean = a seasonal profile (the training years' average
  share of their arrivals in each week of the year, smoothed over 5 weeks) times the previous year's level, and
  one dispersion parameter fitted by maximum likelihood (scipy) on the training weeks with each training year's
  own level (so it measures the spread around the season, not the change of level from year to year);
- ``previous_year``: a *sample*, not a distribution: the observed counts of the same week one year earlier (52
  weeks back) and the two weeks either side, five values (fewer where they would fall inside the window).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scoringrules as sr
from scipy import optimize, stats

PIT_BINS = 10
WEEKS_PER_YEAR = 52
SMOOTHING_WEEKS = 5  # width of the circular moving average of the seasonal profile
PREVIOUS_YEAR_OFFSETS = (-2, -1, 0, 1, 2)  # weeks around the same week one year earlier
MIN_MEAN = 0.5  # people per week: floor on a baseline mean, so that a week never seen in training is not impossible


# ------------------------------------------------------------------------------------------------ ensembles
def quantiles(members: np.ndarray, qs: tuple[float, ...]) -> np.ndarray:
    """Quantiles over the last axis (replicates), linear interpolation between order statistics; NaN ignored."""
    return np.nanquantile(np.asarray(members, dtype=float), qs, axis=-1, method="weibull").T


def coverage(observed: np.ndarray, low: np.ndarray, high: np.ndarray) -> float:
    """Share of observations inside [low, high] (both ends included)."""
    observed = np.asarray(observed, dtype=float)
    if observed.size == 0:
        return float("nan")
    return float(np.mean((observed >= low) & (observed <= high)))


def crps_ensemble(observed: np.ndarray, members: np.ndarray) -> np.ndarray:
    """CRPS of each ensemble forecast (rows; members on the last axis, NaN members left out), fair estimator."""
    members = np.asarray(members, dtype=float)
    if (np.sum(~np.isnan(members), axis=-1) < 2).any():
        raise ValueError("the fair CRPS needs at least 2 members per forecast")
    return np.asarray(sr.crps_ensemble(np.asarray(observed, dtype=float), members, estimator="fair", nan_policy="omit"))


def pit_ensemble(observed: np.ndarray, members: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Randomised PIT of each observation against its ensemble (rank among the members, ties at random; NaN
    members left out)."""
    observed = np.asarray(observed, dtype=float)[:, None]
    members = np.asarray(members, dtype=float)
    below = (members < observed).sum(axis=1)
    ties = (members == observed).sum(axis=1)
    size = (~np.isnan(members)).sum(axis=1)
    rank = below + np.floor(rng.random(len(below)) * (ties + 1)).astype(int)
    return (rank + rng.random(len(rank))) / (size + 1)


def pit_histogram(u: np.ndarray, bins: int = PIT_BINS) -> list[int]:
    """Counts of PIT values in ``bins`` equal bins of [0, 1] (the last bin includes 1)."""
    counts, _ = np.histogram(np.clip(u, 0.0, 1.0), bins=bins, range=(0.0, 1.0))
    return [int(c) for c in counts]


# ----------------------------------------------------------------------------------- negative-binomial baseline
def week_of_year(week_start: pd.DatetimeIndex) -> np.ndarray:
    """0-51: which seventh of the calendar year a Monday falls in (a 53rd Monday counts as week 51)."""
    return np.minimum((np.asarray(week_start.day_of_year) - 1) // 7, WEEKS_PER_YEAR - 1)


def _year_totals(weekly: pd.Series, years: list[int]) -> dict[int, np.ndarray]:
    """Each training year's weekly counts by week of the year (summed where a 53rd Monday shares week 51)."""
    out = {}
    for y in years:
        sel = weekly[weekly.index.year == y]
        out[y] = np.bincount(week_of_year(sel.index), weights=sel.to_numpy(dtype=float), minlength=WEEKS_PER_YEAR)
    return out


def seasonal_profile(weekly: pd.Series, years: list[int]) -> np.ndarray:
    """Average over ``years`` of each year's share of its arrivals in each week, smoothed circularly; sums to 1."""
    by_year = _year_totals(weekly, years)
    shares = np.mean([v / v.sum() for v in by_year.values() if v.sum() > 0], axis=0)
    half = SMOOTHING_WEEKS // 2
    padded = np.concatenate([shares[-half:], shares, shares[:half]])
    smooth = np.convolve(padded, np.ones(SMOOTHING_WEEKS) / SMOOTHING_WEEKS, mode="valid")
    return smooth / smooth.sum()


def fit_dispersion(counts: np.ndarray, means: np.ndarray) -> float:
    """Maximum-likelihood size r of a negative binomial (variance mu + mu^2 / r) for counts with known means."""

    def nll(log_r: float) -> float:
        r = np.exp(log_r)
        return -float(stats.nbinom.logpmf(counts, r, r / (r + means)).sum())

    res = optimize.minimize_scalar(nll, bounds=(np.log(1e-3), np.log(1e4)), method="bounded")
    return float(np.exp(res.x))


@dataclass(frozen=True)
class NBForecast:
    """A negative-binomial forecast per week: means and one size parameter, and what it was fitted to."""

    week_start: pd.DatetimeIndex
    mean: np.ndarray
    size: float
    level: float  # people per 52 weeks: the previous year's observed total
    train_years: tuple[int, ...]

    @property
    def prob(self) -> np.ndarray:
        return self.size / (self.size + self.mean)

    def quantiles(self, qs: tuple[float, ...]) -> np.ndarray:
        return np.stack([stats.nbinom.ppf(q, self.size, self.prob) for q in qs], axis=1)

    def crps(self, observed: np.ndarray) -> np.ndarray:
        return np.asarray(sr.crps_negbinom(np.asarray(observed, dtype=float), self.size, self.prob))

    def pit(self, observed: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        y = np.asarray(observed, dtype=float)
        lo = stats.nbinom.cdf(y - 1, self.size, self.prob)
        hi = stats.nbinom.cdf(y, self.size, self.prob)
        return lo + rng.random(len(y)) * (hi - lo)


def fit_nb_seasonal(
    observed_weekly: pd.Series, weeks: pd.DatetimeIndex, train_years: tuple[int, ...] | None = None
) -> NBForecast:
    """The negative-binomial seasonal baseline for ``weeks``, fitted only to observed weeks before the first one.

    ``train_years`` defaults to the two calendar years before the window's first week; every one must lie before
    it. The level is the last training year's total (per 52 weeks).
    """
    start = weeks.min()
    train_years = tuple(train_years) if train_years else (start.year - 2, start.year - 1)
    past = observed_weekly[observed_weekly.index < start]  # nothing from the window itself can enter the fit
    missing = [y for y in train_years if (past.index.year == y).sum() < WEEKS_PER_YEAR - 2]
    if missing:
        raise ValueError(
            f"negative-binomial baseline: training year(s) {', '.join(map(str, missing))} have no full observed "
            f"year of weeks before {start.date()}"
        )
    profile = seasonal_profile(past, list(train_years))
    by_year = _year_totals(past, list(train_years))
    counts = np.concatenate([v for v in by_year.values()])
    means = np.concatenate([np.maximum(v.sum() * profile, MIN_MEAN) for v in by_year.values()])
    size = fit_dispersion(counts, means)
    level = float(by_year[train_years[-1]].sum())
    mean = np.maximum(level * profile[week_of_year(weeks)], MIN_MEAN)
    return NBForecast(week_start=weeks, mean=mean, size=size, level=level, train_years=train_years)


# ------------------------------------------------------------------------------------- previous-year baseline
def previous_year_sample(observed_weekly: pd.Series, weeks: pd.DatetimeIndex) -> np.ndarray:
    """For each week, the observed counts 52 weeks earlier and the two weeks either side (NaN where unknown or
    inside the window): a rows-by-5 sample."""
    start = weeks.min()
    past = observed_weekly[observed_weekly.index < start]
    out = np.full((len(weeks), len(PREVIOUS_YEAR_OFFSETS)), np.nan)
    for j, k in enumerate(PREVIOUS_YEAR_OFFSETS):
        lagged = weeks - pd.Timedelta(weeks=WEEKS_PER_YEAR - k)
        out[:, j] = past.reindex(lagged).to_numpy(dtype=float)
    return out
