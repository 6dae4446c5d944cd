"""Compare the scenarios of a sweep: ``python -m sim.compare SWEEP_DIR [--baseline NAME] [--outcomes A,B]``.

Runs are read and grouped by ``sim.results.folders`` (the grouping every tool shares: over seeds and posterior
draws) and reduced by ``sim.results.stats`` (one interval definition). For each group and outcome:

- mean and median over the runs; the 90% interval of the runs (5th-95th percentile) from chance alone (seeds, within
  a posterior draw) and, when the group has two or more posterior draws, from chance and assumptions (draws x
  seeds); and the 90% interval of the mean (Student t over the runs);
- the paired difference from the baseline group: runs paired by (posterior draw, seed), so that both scenarios saw
  the same parameter set and the same random streams (common random numbers), d = outcome(group) -
  outcome(baseline); reported are the mean of d, the same intervals of d, and the mean as a percentage of the
  baseline mean.

Writes ``compare.csv`` (every numeric outcome of the sweep table) and ``compare.md`` (the named outcomes of the
catalogue, or those given with ``--outcomes``) into the sweep folder, atomically, and prints the markdown. Failed,
missing and damaged runs count in the ``not_counted`` column and are listed under the table.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import pandas as pd

from sim.outputs import atomic_write_frame, atomic_write_text
from sim.results import fmt, stats
from sim.results.folders import RunGroup, SweepError, SweepRuns, choose_baseline, read_sweep
from sim.results.outcomes import NAMED, known, outcome

CSV_NAME, MD_NAME = "compare.csv", "compare.md"
NAN = float("nan")


class CompareError(ValueError):
    """A sweep that cannot be compared (no finished runs); one line."""


def _bounds(prefix: str, interval: stats.Interval | None) -> dict[str, float]:
    lo, hi = (interval.lo, interval.hi) if interval is not None else (NAN, NAN)
    return {f"{prefix}_lo": lo, f"{prefix}_hi": hi}


def _row(g: RunGroup, base: RunGroup, name: str) -> dict | None:
    r = g.reduce(name)
    if r.n == 0:
        return None
    d = g.against(base, name)
    return {
        "group": g.key,
        "scenario": g.scenario,
        "outcome": name,
        "n": r.n,
        "draws": r.n_draws,
        "not_counted": len(g.problems),
        "mean": r.mean,
        "median": r.median,
        **_bounds("chance", r.chance),
        **_bounds("chance_assumptions", r.assumptions),
        **_bounds("mean", r.of_mean),
        "baseline": base.key,
        "n_pairs": d.n_pairs,
        "diff_mean": d.diff,
        **_bounds("diff_chance", d.d.chance),
        **_bounds("diff_chance_assumptions", d.d.assumptions),
        **_bounds("diff_of_mean", d.d.of_mean),
        "diff_pct": 100.0 * d.rel,
    }


def compare_sweep(sweep: SweepRuns, baseline: str | None = None) -> tuple[pd.DataFrame, RunGroup]:
    """The comparison (one row per group and outcome) and the baseline group."""
    groups = sweep.finished_groups
    if not groups:
        raise CompareError(f"{sweep.path}: no finished runs in the sweep table")
    base = choose_baseline(sweep.groups, baseline)
    rows = [row for name in sweep.outcome_columns() for g in groups if (row := _row(g, base, name)) is not None]
    return pd.DataFrame(rows), base


def _interval(lo: float, hi: float) -> str:
    return "-" if not (math.isfinite(lo) and math.isfinite(hi)) else f"{fmt.plain(lo)} to {fmt.plain(hi)}"


def _table(part: pd.DataFrame, base: str, draws: bool) -> list[str]:
    head = "| group | n | mean | median | 90% of runs, chance |"
    head += " 90% of runs, chance and assumptions |" if draws else ""
    head += " difference from baseline: mean (90% of paired runs) | % |"
    lines = [head, "|---|---:|---:|---:|---|" + ("---|" if draws else "") + "---|---:|"]
    for r in part.itertuples():
        cells = [r.group, str(r.n), fmt.plain(r.mean, "-"), fmt.plain(r.median, "-")]
        cells.append(_interval(r.chance_lo, r.chance_hi))
        if draws:
            cells.append(_interval(r.chance_assumptions_lo, r.chance_assumptions_hi))
        if r.group == base:
            cells += ["(baseline)", "-"]
        else:
            lo, hi = (
                (r.diff_chance_assumptions_lo, r.diff_chance_assumptions_hi)
                if draws
                else (r.diff_chance_lo, r.diff_chance_hi)
            )
            cells.append(f"{fmt.plain(r.diff_mean, '-')} ({_interval(lo, hi)}; n={r.n_pairs})")
            cells.append(f"{r.diff_pct:+.1f}" if math.isfinite(r.diff_pct) else "-")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def to_markdown(result: pd.DataFrame, sweep: SweepRuns, base: str, outcomes: list[str]) -> str:
    draws = sweep.has_draws
    lines = [
        f"# Comparison of {sweep.path}",
        "",
        f"Baseline: **{base}**. n = runs counted. 90% of runs = 5th-95th percentile of the outcome over the runs "
        f"(where one simulated year falls): *chance* = {stats.COVERS[stats.CHANCE]}"
        + (f"; *chance and assumptions* = {stats.COVERS[stats.CHANCE_AND_ASSUMPTIONS]}" if draws else "")
        + ". Difference = mean of the paired differences from the baseline (same posterior draw and seed), with the "
        "5th-95th percentile of the paired differences"
        + (" (chance and assumptions)" if draws else "")
        + ", and as % of the baseline mean. compare.csv also has the 90% interval of the mean (Student t).",
        "",
    ]
    for name in outcomes:
        part = result[result["outcome"] == name]
        if part.empty:
            continue
        unit = f" ({outcome(name).unit})" if known(name) else ""
        lines += [f"## {name}: {outcome(name).label if known(name) else name}{unit}", ""]
        lines += [*_table(part, base, draws), ""]
    if sweep.problems:
        lines += ["## Runs not counted", "", "| group | seed | status | reason |", "|---|---:|---|---|"]
        lines += [f"| {r.group} | {r.seed} | {r.status} | {r.error} |" for r in sweep.problems]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m sim.compare",
        description="Mean, median and 90% intervals per scenario over seeds and posterior draws, and paired "
        "differences from a baseline.",
    )
    p.add_argument("sweep_dir", help="a sweep folder (hydra.sweep.dir of a `python -m sim -m ...` sweep)")
    p.add_argument("--baseline", help="baseline group: scenario name or label (default: baseline_2024, else first)")
    p.add_argument("--outcomes", help="comma-separated outcomes for the printed table (default: the named outcomes)")
    args = p.parse_args(argv)
    sweep_dir = Path(args.sweep_dir)
    try:
        sweep = read_sweep(sweep_dir)
        result, base = compare_sweep(sweep, args.baseline)
        available = list(dict.fromkeys(result["outcome"]))
        if args.outcomes:
            outcomes = [o.strip() for o in args.outcomes.split(",") if o.strip()]
            unknown = [o for o in outcomes if o not in available]
            if unknown:
                raise CompareError(f"--outcomes: unknown {', '.join(unknown)}; available: {', '.join(available)}")
        else:
            outcomes = [o for o in NAMED if o in available]
    except (SweepError, CompareError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    md = to_markdown(result, sweep, base.key, outcomes)
    atomic_write_frame(sweep_dir / CSV_NAME, result)
    atomic_write_text(sweep_dir / MD_NAME, md + "\n")
    print(md)
    print(f"written: {sweep_dir / CSV_NAME}, {sweep_dir / MD_NAME}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
