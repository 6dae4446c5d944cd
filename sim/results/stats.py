"""Replicate statistics: one reduction of a scenario's runs, one interval definition, paired differences.

The habits are Covasim's ``MultiSim.reduce`` (one object that turns replicates into a central value and bounds)
with the two sources of spread this model has kept apart:

- **chance** (seeds): the same parameters, different weather, people and luck. With posterior draws in the sweep
  it is the spread *within* a draw: each run's deviation from the mean of its draw, pooled over draws, added to
  the overall mean (with no draws this is exactly the 5th-95th percentile of the runs).
- **chance and assumptions** (posterior draws x seeds): every run, each from its own parameter set drawn from the
  calibration's posterior and its own seed. Only where the runs come from two or more draws.

A **90% interval** is the 5th to the 95th percentile of runs (linear interpolation, ``numpy.percentile``): where
one simulated year falls, not how precisely the mean is known. The interval of a mean (Student t over the runs,
``scipy.stats.t``, also 90%) is always labelled "interval of the mean". Differences from a baseline are paired:
the same posterior draw and the same seed in both scenarios (common random numbers), d = other - baseline, and
reduced like any outcome; a change is *clear* when the widest interval of d excludes zero.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

LEVEL = 0.90
Q_LO, Q_HI = 5.0, 95.0  # percentiles of runs bounding a 90% interval
CHANCE = "chance"
CHANCE_AND_ASSUMPTIONS = "chance and assumptions"
OF_THE_MEAN = "interval of the mean"
COVERS = {
    CHANCE: "seeds only: weather, people and luck, with the model's parameters fixed",
    CHANCE_AND_ASSUMPTIONS: "posterior draws x seeds: also the uncertainty of the calibrated parameters",
    OF_THE_MEAN: "how precisely the runs pin down the mean (Student t over the runs)",
}
NAN = float("nan")

RunKey = tuple[int | None, int]  # (posterior draw, None for the posterior medians; seed)


@dataclass(frozen=True)
class Interval:
    """Bounds and what they cover (one of COVERS)."""

    lo: float
    hi: float
    covers: str

    @property
    def finite(self) -> bool:
        return math.isfinite(self.lo) and math.isfinite(self.hi)

    def excludes_zero(self) -> bool:
        return self.finite and (self.lo > 0 or self.hi < 0)


def _none(covers: str) -> Interval:
    return Interval(NAN, NAN, covers)


def _draw_codes(draws: Sequence[int | None] | None, n: int) -> np.ndarray:
    if draws is None:
        return np.full(n, -1)
    return np.array([-1 if d is None or (isinstance(d, float) and math.isnan(d)) else int(d) for d in draws])


def percentile_interval(values: np.ndarray, covers: str) -> Interval:
    if values.size == 0:
        return _none(covers)
    lo, hi = np.percentile(values, [Q_LO, Q_HI])
    return Interval(float(lo), float(hi), covers)


def chance_interval(values: np.ndarray, draws: np.ndarray) -> Interval:
    """Mean + the 5th-95th percentile of deviations from the mean of each run's draw (draws with 2+ runs)."""
    deviations = []
    for code in np.unique(draws):
        v = values[draws == code]
        if v.size >= 2:
            deviations.append(v - v.mean())
    if not deviations:
        return _none(CHANCE)
    d = np.concatenate(deviations)
    lo, hi = np.percentile(d, [Q_LO, Q_HI])
    m = float(values.mean())
    return Interval(m + float(lo), m + float(hi), CHANCE)


def mean_interval(values: np.ndarray, level: float = LEVEL) -> Interval:
    """Student t interval of the mean over the runs; NaN with fewer than two runs."""
    n = values.size
    if n < 2:
        return _none(OF_THE_MEAN)
    m, sd = float(values.mean()), float(values.std(ddof=1))
    if sd == 0:
        return Interval(m, m, OF_THE_MEAN)
    from scipy import stats  # here, not at the top: scipy.stats costs a run's start-up ~0.5 s it never needs

    lo, hi = stats.t.interval(level, n - 1, loc=m, scale=sd / math.sqrt(n))
    return Interval(float(lo), float(hi), OF_THE_MEAN)


@dataclass(frozen=True)
class Reduced:
    """One outcome of one scenario reduced over its runs: central values and the intervals that apply."""

    values: np.ndarray
    draws: np.ndarray  # draw code per run (-1: posterior medians)
    mean: float
    median: float
    chance: Interval
    assumptions: Interval | None  # chance and assumptions; None without two or more draws
    of_mean: Interval

    @property
    def n(self) -> int:
        return int(self.values.size)

    @property
    def n_draws(self) -> int:
        return len(np.unique(self.draws))

    @property
    def widest(self) -> Interval:
        """The interval that covers the most: chance and assumptions where there are draws, else chance."""
        return self.assumptions if self.assumptions is not None else self.chance

    @property
    def intervals(self) -> list[Interval]:
        return [self.chance] + ([self.assumptions] if self.assumptions is not None else [])


def reduce(values: Sequence[float] | np.ndarray, draws: Sequence[int | None] | None = None) -> Reduced:
    """Reduce the runs of one scenario (non-finite values dropped with their draw)."""
    v = np.asarray(values, dtype=float)
    codes = _draw_codes(draws, v.size)
    keep = np.isfinite(v)
    v, codes = v[keep], codes[keep]
    if v.size == 0:
        return Reduced(v, codes, NAN, NAN, _none(CHANCE), None, _none(OF_THE_MEAN))
    several = len(np.unique(codes)) >= 2
    return Reduced(
        values=v,
        draws=codes,
        mean=float(v.mean()),
        median=float(np.median(v)),
        chance=chance_interval(v, codes),
        assumptions=percentile_interval(v, CHANCE_AND_ASSUMPTIONS) if several else None,
        of_mean=mean_interval(v),
    )


@dataclass(frozen=True)
class Difference:
    """A scenario against the baseline on one outcome: the reduced paired differences."""

    d: Reduced
    base_mean: float  # baseline mean over the paired runs

    @property
    def n_pairs(self) -> int:
        return self.d.n

    @property
    def diff(self) -> float:
        return self.d.mean

    @property
    def rel(self) -> float:
        return self.diff / self.base_mean if self.base_mean and math.isfinite(self.base_mean) else NAN

    @property
    def has_interval(self) -> bool:
        return self.d.widest.finite

    @property
    def clear(self) -> bool:
        """The widest interval of the paired differences excludes zero (one pair: any nonzero difference)."""
        if not math.isfinite(self.diff):
            return False
        if not self.has_interval:
            return self.diff != 0
        return self.d.widest.excludes_zero()


def paired(base: Mapping[RunKey, float], other: Mapping[RunKey, float]) -> Difference:
    """Differences other - base over the (draw, seed) pairs both have with finite values."""
    common = sorted(
        (k for k in set(base) & set(other) if math.isfinite(base[k]) and math.isfinite(other[k])),
        key=lambda k: (-1 if k[0] is None else k[0], k[1]),
    )
    d = [other[k] - base[k] for k in common]
    b = float(np.mean([base[k] for k in common])) if common else NAN
    return Difference(reduce(d, [k[0] for k in common]), b)
