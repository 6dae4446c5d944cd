"""Demand over several years: a latent yearly level of people entering the routes.

In the years of ``migration.yearly_entrants`` (the calibration window, fitted to its arrivals) the level is the
fitted value (times ``migration.yearly_entrants_scale``, calibrated with the other parameters on the
window); before the first of them it is the first; after the last it walks at random, one log-normal step a
year with ``migration.entrants_walk_sd``, from the last fitted level. The walk is drawn from a stream of its own
(``population`` substream 1, keyed by the posterior draw too), so each (seed, draw) is one possible future of
demand: an ensemble of N draws x M seeds samples N*M paths, and a policy run shares its baseline's path. The walk's
spread is chance, not an assumption the posterior spans, though it is sampled across draws as well as seeds. No
level after the window is read from that year's outcomes. With no yearly levels the run uses
``migration.annual_entrants`` throughout, as single-year scenarios always have.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

from sim.config import MigrationConfig

SUB_DEMAND_WALK = 1  # substream of "population" (sim/model.py STREAMS) for the random walk


def yearly_levels(cfg: MigrationConfig, years: Sequence[int], rng: np.random.Generator) -> dict[int, float]:
    """Latent demand level (people a year) of each calendar year of the run."""
    fitted = {int(y): float(v) * cfg.yearly_entrants_scale for y, v in cfg.yearly_entrants.items()}
    if not fitted:
        return {y: float(cfg.annual_entrants) for y in years}
    first, last = min(fitted), max(fitted)
    levels: dict[int, float] = {}
    walk = fitted[last]
    steps = rng.standard_normal(max(0, max(years) - last)) if years else np.zeros(0)
    for y in range(min(years), max(years) + 1):
        if y in fitted:
            levels[y] = fitted[y]
        elif y < first:
            levels[y] = fitted[first]
        elif y < last:  # a gap inside the window: the level of the year before
            levels[y] = levels[y - 1]
        else:
            walk *= float(np.exp(cfg.entrants_walk_sd * steps[y - last - 1]))
            levels[y] = walk
    return {y: levels[y] for y in years}


def daily_levels(
    cfg: MigrationConfig, dates: Sequence[dt.date], rng: np.random.Generator
) -> tuple[dict[int, float], np.ndarray | None]:
    """(level of each year, each model day's level); ({}, None) when the run has a single level (annual_entrants)."""
    if not cfg.yearly_entrants:
        return {}, None
    levels = yearly_levels(cfg, sorted({d.year for d in dates}), rng)
    return levels, np.array([levels[d.year] for d in dates])
