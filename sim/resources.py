"""Resource guard: estimate a run's peak memory and wall time before it starts, and refuse one that is too big.

A run holds every person who will enter during it as a row of parallel arrays, so its memory grows with the
number of people; every simulated day touches every row, and every network (their number scales with the
population) plans its launches in Python, so its time grows with people x days and with scale x days:

    people  ~ migration.annual_entrants x scale x (days + world.burn_in_days) / 365
    memory  ~ MEMORY_BASE_GB + MEMORY_GB_PER_MILLION_PEOPLE x people / 1e6
    seconds ~ (SECONDS_PER_DAY + SECONDS_PER_SCALE_DAY x scale + SECONDS_PER_MILLION_PEOPLE_DAYS x people / 1e6)
              x (days + world.burn_in_days)

The coefficients were measured on the development machine (2 cores shared with other work, load average about
12) by ``benchmarks/resource_model.py``, which writes ``benchmarks/output/resource_model.json``: a non-negative
least-squares fit to eight runs of 0.07-2.3 million people and 150-7,400 days. The memory estimate was within 50%
of every measured peak; the time estimate is for a busy machine (a quiet one ran the default year 6 times faster,
benchmarks/output/benchmark.json), so the time limit is a guard against runs far beyond what was meant, not a
forecast. Limits: ``limits.max_memory_gb`` and ``limits.max_minutes`` (sim/config.py, defaults 8 GB and 30
minutes), raised on the command line, e.g. ``limits.max_minutes=120``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.config import ConfigError

if TYPE_CHECKING:
    from sim.config import SimConfig

# Measured by benchmarks/resource_model.py (benchmarks/output/resource_model.json), rounded up.
MEMORY_BASE_GB = 0.17  # Python, numpy, pandas, Mesa and Hydra loaded, the tables of a year
MEMORY_GB_PER_MILLION_PEOPLE = 0.094  # the people's arrays and the temporaries of drawing them
SECONDS_PER_DAY = 0.022  # the day's work that does not grow with the population
SECONDS_PER_SCALE_DAY = 0.0061  # networks' and makers' daily decisions (20 networks per unit of scale)
SECONDS_PER_MILLION_PEOPLE_DAYS = 0.013  # the vectorised daily update over every person


@dataclass(frozen=True)
class Estimate:
    """What a run is expected to need."""

    people: float
    total_days: int
    memory_gb: float
    minutes: float


def estimate(annual_entrants: float, scale: float, days: int, burn_in_days: int) -> Estimate:
    """Peak memory and wall time of a run from its population and length (the four numbers that matter)."""
    total_days = int(days) + int(burn_in_days)
    people = float(annual_entrants) * float(scale) * total_days / 365.0
    memory = MEMORY_BASE_GB + MEMORY_GB_PER_MILLION_PEOPLE * people / 1e6
    per_day = SECONDS_PER_DAY + SECONDS_PER_SCALE_DAY * float(scale) + SECONDS_PER_MILLION_PEOPLE_DAYS * people / 1e6
    seconds = per_day * total_days
    return Estimate(people=people, total_days=total_days, memory_gb=memory, minutes=seconds / 60.0)


def estimate_config(cfg: SimConfig) -> Estimate:
    return estimate(cfg.migration.annual_entrants, cfg.scale, cfg.days, cfg.world.burn_in_days)


def resource_problem(est: Estimate, max_memory_gb: float, max_minutes: float) -> str | None:
    """One line saying which limit the estimate breaks and how to raise it; None if within both."""
    what = f"{est.people:,.0f} people over {est.total_days:,} days"
    if est.memory_gb > max_memory_gb:
        return (
            f"run too large: {what} needs about {est.memory_gb:.1f} GB of memory, above limits.max_memory_gb="
            f"{max_memory_gb:g}; lower scale or days, or raise the limit "
            f"(limits.max_memory_gb={est.memory_gb * 1.2:.0f})"
        )
    if est.minutes > max_minutes:
        return (
            f"run too long: {what} takes about {est.minutes:,.0f} minutes, above limits.max_minutes={max_minutes:g}; "
            f"lower scale or days, or raise the limit (limits.max_minutes={est.minutes * 1.2:.0f})"
        )
    return None


def check_resources(cfg: SimConfig) -> None:
    """Refuse (ConfigError, one line) a run whose estimated memory or time is above ``cfg.limits``."""
    problem = resource_problem(estimate_config(cfg), cfg.limits.max_memory_gb, cfg.limits.max_minutes)
    if problem:
        raise ConfigError(problem)
