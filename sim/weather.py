"""Daily sea state in the Strait of Dover.

Significant wave height is log-normal around a seasonal mean (rough in winter, calm in summer) with AR(1)
anomalies, so calm days come in spells of a few days, as crossings do. The whole series is drawn once at the
start from the weather stream, so a policy change never alters the weather (common random numbers).
"""

from __future__ import annotations

import numpy as np

from sim.config import WeatherConfig


def wave_height_series(cfg: WeatherConfig, day_of_year: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Daily significant wave height (m) for the given days of year."""
    phase = 2 * np.pi * (day_of_year - cfg.calmest_day) / 365.25
    # cos(phase) = 1 on the calmest day, -1 half a year later.
    log_mean = 0.5 * (np.log(cfg.wave_summer_m) + np.log(cfg.wave_winter_m)) + 0.5 * (
        np.log(cfg.wave_summer_m) - np.log(cfg.wave_winter_m)
    ) * np.cos(phase)
    n = len(day_of_year)
    phi = cfg.autocorrelation
    shocks = rng.standard_normal(n) * cfg.wave_log_sd * np.sqrt(1 - phi**2)
    anomaly = np.empty(n)
    prev = rng.standard_normal() * cfg.wave_log_sd
    for i in range(n):
        prev = phi * prev + shocks[i]
        anomaly[i] = prev
    return np.exp(log_mean + anomaly)


def winter_weight(cfg: WeatherConfig, day_of_year: np.ndarray) -> np.ndarray:
    """0 on the calmest day of the year, 1 half a year later: how far into winter a day is."""
    return 0.5 * (1.0 - np.cos(2 * np.pi * (np.asarray(day_of_year) - cfg.calmest_day) / 365.25))


def water_cold_weight(cfg: WeatherConfig, day_of_year: np.ndarray) -> np.ndarray:
    """1 on the day the sea is coldest (``coldest_water_day``), 0 half a year later: the sea lags the air, so the
    water is coldest in late winter and still mild in October and November."""
    return 0.5 * (1.0 + np.cos(2 * np.pi * (np.asarray(day_of_year) - cfg.coldest_water_day) / 365.25))


def calm_share(cfg: WeatherConfig, day_of_year: np.ndarray, limit_m: float | np.ndarray) -> np.ndarray:
    """Climatological chance that the day's wave height is below ``limit_m``: what a network that has watched the
    sea for years expects, day of year by day of year (log-normal marginal of ``wave_height_series``)."""
    from scipy.special import ndtr

    phase = 2 * np.pi * (np.asarray(day_of_year) - cfg.calmest_day) / 365.25
    log_mean = 0.5 * (np.log(cfg.wave_summer_m) + np.log(cfg.wave_winter_m)) + 0.5 * (
        np.log(cfg.wave_summer_m) - np.log(cfg.wave_winter_m)
    ) * np.cos(phase)
    limit = np.maximum(np.asarray(limit_m, dtype=float), 1e-6)
    return ndtr((np.log(limit) - log_mean) / max(cfg.wave_log_sd, 1e-9))
