"""Calibration of the history run on a window of observed years (``python -m sim.calibrate --window 2021-2023``).

The ABC-SMC of sim/evidence/calibrate.py, with other targets and another simulation:

- Each simulation is the history scenario (``scenario=history_2021_2025``: observed policy from the timeline,
  demand from the fitted yearly levels) stopped at the end of the window (``days`` up to 31 December of its last
  year, as sim/evidence/demand_fit.py stops its runs), so no simulated day of a test year is computed. The
  scenario's demand levels of years after the window are deleted from the runs' config as well
  (``~migration.yearly_entrants.2023`` for the 2021-2022 hindcast window): a run never holds a later year's level.
- Targets, for EACH year of the window and from that year's observations only: the annual targets observed for it
  (data/annual_reference.csv), its monthly shares of arrivals, its daily pattern (runs of crossing days, their mean
  length, the median and 90th percentile of people per crossing day; data/small_boats_daily_2018_2023.csv) and the
  share of boats with more than 50 aboard in the financial years (April-March) that end inside the window
  (data/HISTORY.md). 2023-24's share (55%) reaches into 2024 and is not used.
- Distance: the root mean square of the terms of every year (the annual terms and the monthly L1 as in the 2024
  calibration; each pattern statistic as its relative difference over 25%; the large-boat share as its difference
  over 10 share points), computed on the MEAN of the particle's seeds' statistics (``replicates`` seeds per
  particle). The mean of the seeds is a less noisy estimate of the statistics the parameters imply, so acceptance
  depends less on one seed's luck; the mean of the seeds' distances would add each statistic's seed variance to
  the distance and so favour parameters that make the model less variable, which is not what the targets say.

Nothing from 2024 or 2025 is read: :func:`parse_window` refuses a window that reaches a test year, and the targets
are built from the window's years only (a test checks that a 2024 figure cannot enter).

``--window 2021-2022`` is the hindcast calibration: the same fit on 2021 and 2022 alone, written by default to
data/calibration/hindcast_2023/ (never over data/calibration/history/), whose posterior the 2023 hindcast forecast
draws from (``python -m sim.forecast --hindcast``, sim/evidence/forecast_run.py). Its provenance says what of 2023
still informed the design (:func:`design_facts`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import math
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.config import ConfigError
from sim.evidence import observed as obs
from sim.evidence import validate as V
from sim.evidence.boxes import ParameterBox, prior
from sim.evidence.calibrate import FREE_PARAMETERS
from sim.results.outcomes import per_full_scale

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = "history_2021_2025"
HISTORY_START = 2021  # the history run's first year (configs/scenario/history_2021_2025.yaml)
LAST_OBSERVED_DAILY = 2023  # the daily series ends in 2023
TEST_YEARS = (2024, 2025)  # scored, never fitted
HINDCAST_WINDOW = (2021, 2022)  # fitted alone for the weekly out-of-sample test of 2023
HINDCAST_YEAR = 2023

# Share of arrived boats with more than 50 aboard, financial year starting in April of the key year
# (data/HISTORY.md: Home Office size bands over Home Office boat counts). Used when the year ends inside the window.
LARGE_BOAT_SHARE_FY = {2021: 0.05, 2022: 0.27, 2023: 0.55}

PATTERN_STATS = ("runs", "mean_run_days", "people_per_crossing_day_p50", "people_per_crossing_day_p90")
PATTERN_TOLERANCE = 0.25  # relative, like the annual counts
LARGE_BOAT_TOLERANCE = 0.10  # share points


def parse_window(text: str) -> tuple[int, int]:
    """``"2021-2023"`` -> (2021, 2023); ConfigError naming the option and what is allowed otherwise."""
    m = re.fullmatch(r"\s*(\d{4})\s*-\s*(\d{4})\s*", str(text))
    allowed = (
        f"allowed FIRST-LAST with {HISTORY_START} <= FIRST < LAST <= {LAST_OBSERVED_DAILY} "
        f"({', '.join(map(str, TEST_YEARS))} are test years), e.g. 2021-2023"
    )
    if not m:
        raise ConfigError(f"--window {text}: not a window of years; {allowed}")
    first, last = int(m.group(1)), int(m.group(2))
    if not HISTORY_START <= first < last <= LAST_OBSERVED_DAILY:
        raise ConfigError(f"--window {text}: {allowed}")
    return first, last


def window_days(window: tuple[int, int]) -> int:
    """Days from the history run's start (1 January of its first year) to 31 December of the window's last year."""
    return (dt.date(window[1], 12, 31) - dt.date(HISTORY_START, 1, 1)).days + 1


def scenario_levels() -> dict[int, float]:
    """The history scenario's fitted yearly demand levels (``migration.yearly_entrants``, set by the observed
    history, configs/observed/), year -> people a year."""
    from sim.cli import load_config

    levels = load_config([f"scenario={SCENARIO}", "posterior_file=null"]).migration.yearly_entrants
    return {int(y): float(v) for y, v in levels.items()}


def levels_after(last: int) -> list[str]:
    """Overrides deleting the scenario's demand levels of the years after ``last`` (none for the full window)."""
    return [f"~migration.yearly_entrants.{y}" for y in sorted(scenario_levels()) if y > last]


def window_overrides(window: tuple[int, int]) -> list[str]:
    """The history scenario stopped at the end of the window, holding no demand level of a later year, with no
    posterior (``posterior_file=null``): the calibration's runs start from the declared defaults, not from the
    medians of an earlier calibration."""
    return [f"scenario={SCENARIO}", f"days={window_days(window)}", "posterior_file=null", *levels_after(window[1])]


def is_hindcast(window: tuple[int, int]) -> bool:
    """A window that ends before the last observed daily year leaves that year out to forecast it."""
    return window[1] < LAST_OBSERVED_DAILY


def later_large_boat_shares(window: tuple[int, int]) -> dict[int, float]:
    """The observed large-boat shares of financial years that reach past the window (not targets)."""
    return {y: v for y, v in LARGE_BOAT_SHARE_FY.items() if window[0] <= y and y + 1 > window[1]}


def large_boat_years(window: tuple[int, int]) -> list[int]:
    """Financial years (April y to March y+1) that end inside the window and have an observed large-boat share."""
    return [y for y in sorted(LARGE_BOAT_SHARE_FY) if window[0] <= y and y + 1 <= window[1]]


# Free parameters of the history calibration: the 2024 calibration's, with one scale on the fitted yearly demand
# levels instead of annual_entrants (which a history run does not use). One scale rather than three levels: the
# demand_fit levels already follow each year's arrivals; the scale lets the overall level move with the other
# parameters while keeping that shape, and three more dimensions would cost generations we do not have.
HISTORY_PARAMETERS: tuple[ParameterBox, ...] = (
    prior("migration.yearly_entrants_scale", True, why="demand: one scale on the fitted 2021-2023 levels"),
    *(p for p in FREE_PARAMETERS if p.key != "migration.annual_entrants"),
    prior(
        "smuggling.comfortable_load",
        False,
        integer=True,
        why="people per boat when boats are plentiful and launches cost what they did in 2021 (27.6 per boat then)",
    ),
    prior(
        "smuggling.load_cost_elasticity",
        False,
        why="how far loads follow the cost of a launch (seizures, patrols): people per boat rose 27.6 -> 48.9",
    ),
)


@dataclass
class WindowTargets:
    """What each year of the window is scored on, from that year's observations only."""

    window: tuple[int, int]
    annual: dict[int, dict[str, float]]
    shares: dict[int, np.ndarray]
    shares_yardstick: float
    patterns: dict[int, dict[str, float]]
    large_boat_share: dict[int, float] = field(default_factory=dict)  # financial year start -> share

    @property
    def years(self) -> list[int]:
        return list(range(self.window[0], self.window[1] + 1))

    @classmethod
    def load(
        cls, window: tuple[int, int], annual: pd.DataFrame | None = None, daily: pd.DataFrame | None = None
    ) -> WindowTargets:
        annual = obs.load_annual() if annual is None else annual
        daily = obs.load_daily() if daily is None else daily
        years = list(range(window[0], window[1] + 1))
        if any(y in TEST_YEARS for y in years):
            raise ConfigError(f"window {window}: reaches a test year {TEST_YEARS}")
        targets = {y: {k: v for k, v in obs.annual_targets(y, annual).items() if math.isfinite(v)} for y in years}
        shares = {y: obs.monthly_shares(daily, [y]).to_numpy() for y in years}
        l1 = [float(np.abs(shares[y] - np.mean([shares[o] for o in years if o != y], axis=0)).sum()) for y in years]
        patterns = {y: {k: obs.observed_daily_pattern(y, daily)[k] for k in PATTERN_STATS} for y in years}
        large = {y: LARGE_BOAT_SHARE_FY[y] for y in large_boat_years(window)}
        return cls(window, targets, shares, float(np.mean(l1)), patterns, large)

    def terms(self, stats: dict[str, float]) -> list[float]:
        """The scaled discrepancies of every year (1 = at the tolerance)."""
        out = []
        for y in self.years:
            for name, o in self.annual[y].items():
                out.append((stats[f"{y}.{name}"] - o) / (o * V.TOLERANCE[name]))
            model = np.array([stats[f"{y}.share_{m:02d}"] for m in range(1, 13)])
            out.append(np.abs(model - self.shares[y]).sum() / self.shares_yardstick)
            for name, o in self.patterns[y].items():
                out.append((stats[f"{y}.{name}"] - o) / (o * PATTERN_TOLERANCE))
        for y, o in self.large_boat_share.items():
            out.append((stats[f"fy{y}.share_boats_over_50"] - o) / LARGE_BOAT_TOLERANCE)
        return out

    def distance(self, stats: dict[str, float]) -> float:
        return float(np.sqrt(np.mean(np.square(self.terms(stats)))))

    def record(self) -> dict[str, Any]:
        """What provenance.json says about the targets."""
        return {
            "window": list(self.window),
            "annual": {str(y): v for y, v in self.annual.items()},
            "monthly_shares": {str(y): v.tolist() for y, v in self.shares.items()},
            "monthly_shares_l1_between_window_years": self.shares_yardstick,
            "daily_patterns": {str(y): v for y, v in self.patterns.items()},
            "share_boats_over_50_financial_year": {
                f"{y}-{(y + 1) % 100:02d}": v for y, v in self.large_boat_share.items()
            },
            "not_used": "share of boats over 50 aboard in financial years reaching past the window ("
            + ", ".join(f"{y}-{(y + 1) % 100:02d}" for y in later_large_boat_shares(self.window))
            + ")",
        }


def window_statistics(daily: pd.DataFrame, by_year: dict, scale: float, window: tuple[int, int]) -> dict[str, float]:
    """Statistics of one history run over the window: per year the annual targets, monthly shares and daily
    pattern (counts per unit of scale), and the large-boat share of each financial year inside the window."""
    s: dict[str, float] = {}
    dates = pd.to_datetime(daily["date"])
    for y in range(window[0], window[1] + 1):
        row = by_year[str(y)]
        for name in obs.TARGETS:
            s[f"{y}.{name}"] = per_full_scale(name, float(row[name]), scale)
        part = daily[dates.dt.year == y]
        months = part.groupby(pd.to_datetime(part["date"]).dt.month)["people_arrived"].sum()
        months = months.reindex(range(1, 13), fill_value=0).to_numpy(dtype=float)
        shares = months / months.sum() if months.sum() > 0 else np.full(12, 1 / 12)
        for m in range(12):
            s[f"{y}.share_{m + 1:02d}"] = float(shares[m])
        pattern = obs.daily_pattern(part["people_arrived"].to_numpy(dtype=float) / scale)
        for name in PATTERN_STATS:
            s[f"{y}.{name}"] = pattern[name]
    for y in large_boat_years(window):
        fy = daily[(dates >= pd.Timestamp(y, 4, 1)) & (dates < pd.Timestamp(y + 1, 4, 1))]
        boats = float(fy["boats_arrived"].sum())
        s[f"fy{y}.share_boats_over_50"] = float(fy["boats_arrived_over_50"].sum()) / boats if boats else 0.0
    return s


@dataclass(frozen=True)
class WindowSimulator:
    """(overrides, seed) -> window statistics of one history run; picklable for the process pool."""

    window: tuple[int, int]

    def __call__(self, task: tuple[list[str], int]) -> dict[str, float]:
        from sim.cli import load_config
        from sim.model import run

        overrides, seed = task
        logging.getLogger("MESA").setLevel(logging.WARNING)
        cfg = load_config([*window_overrides(self.window), *overrides, f"seed={seed}"])
        results = run(cfg)
        return window_statistics(results.daily, results.summary["by_year"], float(cfg.scale), self.window)


# What provenance.json records as taken from the test years, and the test-year facts that shaped the design.
TEST_YEAR_INPUTS = (
    "dated policy events of 2024-2025 and their sizes from data/timeline_2021_2025.csv (beach officers, Bulgarian "
    "seizures, returns agreements, Rwanda announcement and end); none is applied in a calibration run, which stops "
    "on 31 December of the window's last year",
)
DESIGN_FACTS = (
    "the mechanisms (boat market, dated levers, winter, deaths, investigations, taxi boats) were built in earlier "
    "issues partly in response to patterns seen in 2024 (a 2024 scorecard existed while they were written)",
    "the plausible ranges used as priors were declared before this calibration; some parameters' ranges were "
    "written next to a 2024 calibration (their sources say so); the older 2024 posterior is NOT used as a prior",
    "parameters not calibrated here keep their defaults; crossing.incident_base_prob's default was fitted to "
    "2019-2023 incidents (not 2024); migration.entrants_walk_sd is the spread of the fitted 2021-2023 levels",
    "the choice of free parameters is the 2024 calibration's (annual_entrants replaced by one demand scale), plus "
    "smuggling.comfortable_load and smuggling.load_cost_elasticity",
    "the load mechanism (loads follow the cost of a launch in places sold, smuggling.load_cost_elasticity) and the "
    "ordering ahead of seizures (smuggling.loss_anticipation) were added after an earlier history forecast had "
    "people per boat flat at about 40 against 53 (2024) and 62 (2025); the load parameters are fitted on the "
    "window's own rise (27.6, 41.2, 48.9 people per boat in 2021-2023), loss_anticipation is an assumption",
)


# ----------------------------------------------------------------------------------------- provenance, checks
DISTANCE_FORMULA = (
    "sqrt(mean(terms^2)) over every year of the window, computed on the mean of the particle's seeds' statistics; "
    "terms per year: (model - observed) / (observed * tolerance) for each annual target observed that year, "
    "L1(model monthly shares - that year's observed shares) / (mean L1 between the window's years), "
    "(model - observed) / (observed * 0.25) for each daily-pattern statistic (runs of crossing days, mean run "
    "length, median and 90th percentile of people per crossing day); and per financial year ending inside the "
    "window (share of boats with more than 50 aboard, model - observed) / 0.10"
)
REPLICATE_RULE = (
    "distance of the seed-mean statistics: the mean of R seeds estimates the statistics the parameters imply with "
    "less noise, so acceptance depends less on one seed's luck; the mean of the seeds' distances would add each "
    "statistic's seed variance to the distance and so favour parameters that make the model less variable"
)
SCALE_NOTE = (
    "runs at scale < 1 have fewer networks, so launches are lumpier: crossing days and runs of crossing days fall "
    "with the scale (docs/calibration.md, scale check) and people per crossing day rises; the posterior is that of "
    "the model at the calibration's scale, and the forecast runs at the same scale"
)


HINDCAST_FACTS = (
    "the mechanisms and the free parameters were chosen while the 2021-2023 calibration, the 2023 back-cast and "
    "2023's daily series were in view; the hindcast refits the parameters on 2021-2022 but does not un-learn that",
    "crossing.incident_base_prob keeps its default, fitted to 2019-2023 incidents: 2023 deaths are not wholly out "
    "of sample",
    "the demand levels of 2021 and 2022 come from sim/evidence/demand_fit.py, whose per-year updates use only each "
    "year's own arrivals but whose choice of iteration scored 2021-2023 together; the 2023 level is deleted",
    "migration.entrants_walk_sd defaults to the spread of the 2021-2023 levels, which includes the 2022->2023 step "
    "the hindcast forecasts; the hindcast forecast sets it from the 2021 and 2022 levels alone",
)


def design_facts(window: tuple[int, int]) -> list[str]:
    """Test-year (and, for a hindcast, held-out-year) facts that informed the design."""
    return [*DESIGN_FACTS, *(HINDCAST_FACTS if is_hindcast(window) else ())]


def inputs_from_later_years(window: tuple[int, int]) -> list[str]:
    out = list(TEST_YEAR_INPUTS)
    if is_hindcast(window):
        out.append(
            f"none from {window[1] + 1}: runs stop on 31 December {window[1]} and hold no later demand level; the "
            f"{window[1] + 1} timeline events enter the hindcast forecast only, as observed policy (inputs)"
        )
    return out


def provenance_fields(cal: Any) -> dict[str, Any]:
    """What a window calibration's provenance.json adds to (and replaces in) the 2024 one's."""
    window = parse_window(cal.s.window)
    reps = cal.s.replicates
    levels = scenario_levels()
    return {
        "method": "ABC-SMC (Toni et al. 2009; Beaumont et al. 2009), sim/evidence/calibrate.py, on the history run "
        "stopped at the end of the window (sim/evidence/window.py)",
        "window": list(window),
        "scenario": SCENARIO,
        "run_overrides": window_overrides(window),
        "targets": cal.targets.record(),
        "distance": {
            "formula": DISTANCE_FORMULA,
            "tolerances": dict(V.TOLERANCE)
            | {name: PATTERN_TOLERANCE for name in PATTERN_STATS}
            | {"share_boats_over_50 (absolute)": LARGE_BOAT_TOLERANCE},
            "replicates": REPLICATE_RULE,
        },
        "seeds_per_particle": reps,
        "particles_simulated": cal.state["n_sims"],
        "model_runs": cal.state["n_sims"] * reps,
        "priors": "uniform (log-uniform for rates and sizes) on the plausible ranges declared in sim/config.py; "
        "the older 2024 posterior is not used as a prior",
        "demand_levels": {str(y): v for y, v in levels.items() if window[0] <= y <= window[1]},
        "demand_levels_deleted": [y for y in sorted(levels) if y > window[1]],
        "hindcast_of": window[1] + 1 if is_hindcast(window) else None,
        "inputs_from_test_years": inputs_from_later_years(window),
        "test_year_facts_in_design": design_facts(window),
        "scale_note": SCALE_NOTE,
        "checks": getattr(cal, "window_checks", {}),
    }


def check(cal: Any, overrides: Sequence[str], seeds: int, jobs: int | None) -> dict[str, Any]:
    """Mean window statistics of a parameter set over ``seeds`` seeds (0..seeds-1), with the distance of the mean
    and each year's annual targets against the observed ones."""
    tasks = [([*cal.base, *overrides], sd) for sd in range(seeds)]
    jobs = min(jobs or V.default_jobs(), seeds)
    if jobs > 1:
        with V.process_pool(jobs) as pool:
            runs = list(pool.map(cal.simulator, tasks))
    else:
        runs = [cal.simulator(t) for t in tasks]
    mean = {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}
    t = cal.targets
    return {
        "seeds": seeds,
        "distance_of_mean": t.distance(mean),
        "years": {
            str(y): {
                name: {"model": mean[f"{y}.{name}"], "observed": o}
                for name, o in {**t.annual[y], **t.patterns[y]}.items()
            }
            | {
                "monthly_l1": float(
                    np.abs(np.array([mean[f"{y}.share_{m:02d}"] for m in range(1, 13)]) - t.shares[y]).sum()
                )
            }
            for y in t.years
        },
        "share_boats_over_50": {
            f"{y}-{(y + 1) % 100:02d}": {"model": mean[f"fy{y}.share_boats_over_50"], "observed": o}
            for y, o in t.large_boat_share.items()
        },
    }


# ------------------------------------------------------------------------------------------------------ doc
DOC_BEGIN = "<!-- history calibration: generated by `python -m sim.calibrate --window W --write-doc`; do not edit -->"
DOC_END = "<!-- end of history calibration -->"
HINDCAST_DOC_BEGIN = (
    "<!-- hindcast calibration: generated by `python -m sim.calibrate --window 2021-2022 --write-doc`; do not edit -->"
)
HINDCAST_DOC_END = "<!-- end of hindcast calibration -->"


def doc_markers(window: tuple[int, int]) -> tuple[str, str]:
    """The block of docs/calibration.md a window's section goes in: the hindcast has its own."""
    return (HINDCAST_DOC_BEGIN, HINDCAST_DOC_END) if is_hindcast(window) else (DOC_BEGIN, DOC_END)


def doc_section(prov: dict[str, Any], rel: str) -> str:
    """Markdown for docs/calibration.md from a window calibration's provenance.json."""
    w = prov["window"]
    st = prov["settings"]
    hindcast = is_hindcast(tuple(w))
    title = f"hindcast of {w[1] + 1}: what its forecast draws from" if hindcast else "what history runs draw from"
    lines = [
        f"## History calibration {w[0]}-{w[1]} ({title})",
        "",
        f"`python -m sim.calibrate --window {w[0]}-{w[1]}` ({prov['date']}, git {prov['git_revision'][:12]}, "
        f"command `{prov['command'].strip()}`) fits the history scenario stopped on 31 December {w[1]} to the "
        "targets of each year of the window, and to nothing else. Files: "
        f"`{rel}/accepted.csv`, `{rel}/posterior_draws.csv`, `{rel}/provenance.json`, `{rel}/posterior.png`.",
        "",
        f"- Targets, for each year {w[0]}-{w[1]}: the annual targets observed that year (people and boats arrived,"
        " people per boat, crossing days, prevention share, deaths at sea), its monthly shares of arrivals, its daily "
        "pattern (runs of crossing days, their mean length, median and 90th percentile of people per crossing day) "
        "and, for the financial years that end inside the window, the share of boats with more than 50 aboard ("
        + ", ".join(f"{k}: {v:.0%}" for k, v in prov["targets"]["share_boats_over_50_financial_year"].items())
        + f"; not used, as they reach past {w[1]}: "
        + ", ".join(f"{y}-{(y + 1) % 100:02d}" for y in later_large_boat_shares(tuple(w)))
        + ").",
        f"- Distance: {prov['distance']['formula']}.",
        f"- Seeds: {prov['seeds_per_particle']} per particle; {prov['distance']['replicates']}.",
        f"- Free parameters: {len(prov['posterior'])} (table below); priors: {prov['priors']}. Demand is one "
        "scale (`migration.yearly_entrants_scale`) on the demand_fit levels rather than a free level a year: the "
        "levels already follow each year's arrivals, and more dimensions would cost generations.",
        f"- Settings: population {st['population']}, generation 0 = {st['gen0_factor']:g} x population prior "
        f"draws, tolerance = {st['alpha']:g} quantile of the previous distances, scale {st['scale']:g}, "
        f"{prov['jobs']} processes, seed {st['seed']}.",
        f"- Ran {prov['particles_simulated']} particles = {prov['model_runs']} model runs in "
        f"{prov['wall_seconds'] / 60:.1f} min; stopped: {prov['stop_reason']}; accepted set: {prov['accepted']}.",
        f"- Scale: {prov['scale_note']}.",
        "",
        "| generation | tolerance | particles | acceptance | ESS | median distance |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for h in prov["generations"]:
        lines.append(
            f"| {h['generation']} | {h['epsilon']:.3f} | {h['simulations']} | {h['acceptance']:.2f} | "
            f"{h['ess']:.0f} | {h['median_distance']:.3f} |"
        )
    lines += [
        "",
        "| parameter | prior | 2024 default (not used) | posterior median | 5-95% |",
        "|---|---|---:|---:|---:|",
    ]
    for key, s in prov["posterior"].items():
        lines.append(
            f"| `{key}` | {s['prior_scale']} [{V._num(s['prior'][0])}, {V._num(s['prior'][1])}] | "
            f"{V._num(s['default_before'])} | {V._num(s['median'])} | {V._num(s['p5'])}-{V._num(s['p95'])} |"
        )
    notes = prov.get("notes") or []
    if notes:
        lines += ["", "Notes on this run:", "", *(f"- {n}" for n in notes)]
    lines += ["", f"![history posterior]({os.path.relpath(ROOT / rel / 'posterior.png', ROOT / 'docs')})", ""]
    lines += _checks_doc(prov.get("checks") or {})
    lines += [
        "Inputs taken from the test years: " + "; ".join(prov["inputs_from_test_years"]) + ".",
        "",
        "Test-year facts that informed the design (honestly): " + "; ".join(prov["test_year_facts_in_design"]) + ".",
        "",
        _use_doc(rel, hindcast, w),
        "",
    ]
    return "\n".join(lines)


def _use_doc(rel: str, hindcast: bool, w: Sequence[int]) -> str:
    if hindcast:
        return (
            f'The hindcast forecast (`python -m sim.forecast --hindcast`, docs/validation.md "Hindcast {w[1] + 1}") '
            f"runs scenario `{SCENARIO}` to 31 December {w[1] + 1} with `posterior_file={rel}/posterior_draws.csv`, "
            f"the demand levels of {w[0]}-{w[1]} only ({w[1] + 1} walks at random from {w[1]}) and the "
            f"{w[1] + 1} timeline events as observed policy. Its runs' metadata.json record the file and its digest."
        )
    return (
        f"Every run takes its calibrated values from `{rel}/posterior_draws.csv` (the `posterior_file` of "
        "configs/config.yaml): `posterior_draw=K` its row K, `posterior_draw=null` (the default, e.g. `python -m sim`, "
        "the 2024 test year) the median of each column, read when the run starts, so this calibration's draws are "
        "the default as soon as they are written. A run's metadata.json records the file and its digest."
    )


def _checks_doc(checks: dict[str, Any]) -> list[str]:
    if not checks:
        return []
    names = [*obs.TARGETS, *PATTERN_STATS, "monthly_l1"]
    lines = [
        "Checks (mean over seeds 0..N-1 of each parameter set; observed in the first row of each year):",
        "",
        "| year | parameter set | " + " | ".join(names) + " | distance |",
        "|---|---|" + "---:|" * (len(names) + 1),
    ]
    first = next(iter(checks.values()))
    for y in first["years"]:
        obs_row = first["years"][y]
        lines.append(
            f"| {y} | observed | "
            + " | ".join(V._num(obs_row[n]["observed"]) if n in obs_row and n != "monthly_l1" else "" for n in names)
            + " | |"
        )
        for label, c in checks.items():
            row = c["years"][y]
            cells = [V._num(row[n]["model"]) if n != "monthly_l1" else f"{row[n]:.2f}" for n in names if n in row]
            lines.append(
                f"| {y} | {label} ({c['seeds']} seeds) | " + " | ".join(cells) + f" | {c['distance_of_mean']:.2f} |"
            )
    lines.append("")
    misses = _misses(first)
    if misses:
        lines += [
            f"Still missed by the {next(iter(checks))} (outside the distance's tolerance): " + "; ".join(misses) + ".",
            "",
        ]
    for label, c in checks.items():
        shares = ", ".join(
            f"{k} {v['model']:.0%} (observed {v['observed']:.0%})" for k, v in c["share_boats_over_50"].items()
        )
        lines.append(f"Share of boats with more than 50 aboard, {label}: {shares}.")
    lines.append("")
    return lines


def _misses(check_result: dict[str, Any]) -> list[str]:
    """The statistics of a check whose mean lies outside the distance's tolerance, year by year."""
    out = []
    for y, row in check_result["years"].items():
        for name, v in row.items():
            if name == "monthly_l1":
                continue
            tol = V.TOLERANCE.get(name, PATTERN_TOLERANCE)
            rel = v["model"] / v["observed"] - 1 if v["observed"] else float("nan")
            if abs(rel) > tol:
                out.append(f"{y} {name} {V._num(v['model'])} vs {V._num(v['observed'])} ({rel:+.0%})")
    for fy, v in check_result["share_boats_over_50"].items():
        if abs(v["model"] - v["observed"]) > LARGE_BOAT_TOLERANCE:
            out.append(f"{fy} share of boats over 50 aboard {v['model']:.0%} vs {v['observed']:.0%}")
    return out


def write_doc(out_dir: Path, path: Path | None = None) -> str:
    from sim.evidence.calibrate import DOC
    from sim.evidence.forecast import write_block

    out_dir = Path(out_dir)
    prov = json.loads((out_dir / "provenance.json").read_text())
    try:
        rel = str(out_dir.resolve().relative_to(ROOT))
    except ValueError:
        rel = str(out_dir)
    begin, end = doc_markers(tuple(prov["window"]))
    return write_block(path or DOC, begin, end, doc_section(prov, rel))


# ------------------------------------------------------------------------------------------------------ CLI
def settings(a: argparse.Namespace, window: tuple[int, int]) -> Any:
    """Settings of a window calibration: sized for about an hour on 2 shared cores (docs/calibration.md)."""
    from sim.evidence.calibrate import Settings

    s = Settings(population=40, gen0_factor=2.0, alpha=0.6, max_generations=6, max_simulations=1200, batch=8)
    for name in ("population", "max_simulations", "max_generations", "alpha"):
        if getattr(a, name) is not None:
            setattr(s, name, getattr(a, name))
    s.seed, s.scale, s.overrides = a.seed, a.scale, tuple(a.override)
    s.replicates = 2 if a.replicates is None else a.replicates
    s.window = f"{window[0]}-{window[1]}"
    if s.replicates < 1:
        raise ConfigError(f"--replicates {s.replicates}: must be >= 1")
    return s


def default_out(window: tuple[int, int]) -> Path:
    """data/calibration/history (2021-2023), hindcast_2023 (2021-2022: never over the history posterior)."""
    if window == (HISTORY_START, LAST_OBSERVED_DAILY):
        name = "history"
    elif is_hindcast(window):
        name = f"hindcast_{window[1] + 1}"
    else:
        name = f"history_{window[0]}_{window[1]}"
    return ROOT / "data" / "calibration" / name


def main(a: argparse.Namespace) -> int:
    """``python -m sim.calibrate --window FIRST-LAST ...`` (argparse namespace of sim/evidence/calibrate.py)."""
    from sim.evidence import calibrate as C

    try:
        window = parse_window(a.window)
        if a.max_minutes is not None and a.max_minutes < 0:
            raise ConfigError(f"--max-minutes {a.max_minutes}: must be >= 0")
        if not 0 < a.scale <= 1:
            raise ConfigError(f"--scale {a.scale}: out of range, allowed (0, 1]")
        out = Path(a.out or default_out(window))
        if a.write_doc:
            write_doc(out)
            print(f"wrote {C.DOC}")
            return 0
        if a.write_draws:
            info = C.redo_posterior_draws(out, a.draws, a.seed, a.draws_method, HISTORY_PARAMETERS)
            print(f"wrote {out / C.DRAWS_FILE}: {info['rows']} draws of {info['accepted_sets']} accepted sets")
            return 0
        s = settings(a, window)
        work = Path(a.work or C.DEFAULT_WORK / f"history-{s.window}")
        if a.restart:
            for f in ("state.json", "simulations.csv"):
                (work / f).unlink(missing_ok=True)
        cal = C.Calibration(
            s,
            work,
            a.jobs,
            params=HISTORY_PARAMETERS,
            targets=WindowTargets.load(window),
            simulator=WindowSimulator(window),
            log=lambda m: print(m, flush=True),
        )
        state = cal.run(None if a.max_minutes is None else a.max_minutes * 60)
        if state["population"] is None:
            if state.get("paused"):
                print(f"paused before generation 0 was complete; run the same command again to resume ({work})")
                return 0
            raise ConfigError("no complete generation within the simulation budget; raise --max-simulations")
        post = cal.posterior()
        summary = C.posterior_summary(post, cal.params)
        cal.window_checks = {}
        if a.check_seeds > 0:
            print(f"checking the posterior median and the defaults with {a.check_seeds} seeds", flush=True)
            cal.window_checks["posterior median"] = check(
                cal, C.median_overrides(summary, cal.params), a.check_seeds, a.jobs
            )
            cal.window_checks["defaults (2024 posterior medians)"] = check(cal, [], a.check_seeds, a.jobs)
        C.write_outputs(cal, out, {})
        print(
            f"\n{len(post)} accepted parameter sets after {state['n_sims']} particles x {s.replicates} seeds -> {out}"
        )
        for key, q in summary.items():
            print(f"  {key:45s} median {q['median']:>10.4g}   5-95% {q['p5']:.4g} - {q['p95']:.4g}")
        if state.get("paused"):
            print(
                "paused at the wall-clock budget: the outputs are the last complete generation; "
                "run the same command again to resume"
            )
    except (ConfigError, obs.ObservedDataError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
