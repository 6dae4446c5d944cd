"""Compare the scenarios of a sweep across seeds: ``python -m sim.compare SWEEP_DIR [--baseline NAME]``.

For each group of runs (a scenario, or whatever else the sweep varied besides the seed) and each outcome:

- mean and median over the seeds (replicates), and the 95% interval *of the replicates*: the 2.5th and 97.5th
  percentiles of the outcome over seeds (linear interpolation between order statistics). This describes the spread
  of one simulated year, not the uncertainty of the mean;
- the paired difference from the baseline group: runs are paired by seed (the same seed drives the same random
  streams in both scenarios: common random numbers), d = outcome(group, seed) - outcome(baseline, seed); reported are
  the mean of d, its 95% confidence interval (Student t-interval over the paired differences: mean(d) +/-
  t(0.975, n-1) * sd(d) / sqrt(n)), and the mean difference as a percentage of the baseline mean.

Writes ``compare.csv`` (every numeric outcome of the sweep table) and ``compare.md`` (the named outcomes of
docs/outputs.md, or those given with ``--outcomes``) into the sweep folder, atomically, and prints the
markdown. Only finished runs count; failed runs are counted in the ``failed`` column.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sim.outputs import SUMMARY_OUTCOMES, atomic_write_frame, atomic_write_text
from sim.sweeps.sweep import FINISHED, TABLE_COLUMNS, SweepError, read_table

DEFAULT_BASELINE = "baseline_2024"
CSV_NAME, MD_NAME = "compare.csv", "compare.md"


class CompareError(ValueError):
    """A sweep that cannot be compared (no finished runs, unknown baseline); one line."""


def _tokens(overrides: str) -> list[str]:
    return [t for t in str(overrides).split() if t]


def group_labels(table: pd.DataFrame) -> pd.Series:
    """A label per run: its overrides without the seed and without what every run of the sweep shares.

    A sweep over scenarios gives the scenario names; a sweep over a parameter gives ``key=value``.
    """
    toks = [[t for t in _tokens(o) if not t.lstrip("+").startswith("seed=")] for o in table["overrides"]]
    common = set.intersection(*(set(t) for t in toks)) if toks else set()
    labels = []
    for tok, scenario in zip(toks, table["scenario"], strict=True):
        rest = [t for t in tok if t not in common]
        if not rest:
            labels.append(str(scenario) or "all runs")
        elif len(rest) == 1 and rest[0].lstrip("+").startswith("scenario="):
            labels.append(rest[0].split("=", 1)[1])
        else:
            labels.append(" ".join(rest))
    return pd.Series(labels, index=table.index, dtype=object)


def outcome_columns(table: pd.DataFrame) -> list[str]:
    """Numeric outcome columns of a sweep table (every column after the fixed ones)."""
    cols = []
    for c in table.columns:
        if c in TABLE_COLUMNS:
            continue
        values = pd.to_numeric(table[c], errors="coerce")
        if values.notna().any():
            cols.append(c)
    return cols


def choose_baseline(groups: list[str], scenarios: dict[str, set[str]], name: str | None) -> str:
    """The group named ``name`` (a label, a scenario, or one value of the label); by default baseline_2024's or the
    first group."""
    if name is None:
        hits = [g for g in groups if g == DEFAULT_BASELINE]
        if not hits:
            hits = [g for g in groups if scenarios[g] == {DEFAULT_BASELINE}]
        return hits[0] if len(hits) == 1 else groups[0]
    exact = [g for g in groups if g == name]
    if exact:
        return exact[0]
    hits = [
        g
        for g in groups
        if name in _tokens(g) or any(t.split("=", 1)[-1] == name for t in _tokens(g)) or scenarios[g] == {name}
    ]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise CompareError(f"--baseline {name}: no such group; groups: {', '.join(groups)}")
    raise CompareError(f"--baseline {name}: matches several groups ({', '.join(hits)}); give the full label")


def _t_interval(d: np.ndarray) -> tuple[float, float]:
    n = len(d)
    if n < 2:
        return math.nan, math.nan
    half = stats.t.ppf(0.975, n - 1) * float(np.std(d, ddof=1)) / math.sqrt(n)
    m = float(np.mean(d))
    return m - half, m + half


def compare_table(table: pd.DataFrame, baseline: str | None = None) -> tuple[pd.DataFrame, str]:
    """The comparison (one row per group and outcome) and the baseline group's label."""
    table = table.copy()
    table["group"] = group_labels(table)
    ok = table[table["status"].astype(str) == FINISHED]
    if ok.empty:
        raise CompareError("no finished runs in the sweep table")
    groups = list(dict.fromkeys(ok.sort_values("job_num")["group"]))
    scenarios = {g: set(ok.loc[ok["group"] == g, "scenario"].astype(str)) for g in groups}
    base = choose_baseline(groups, scenarios, baseline)
    failed = table[table["status"].astype(str) != FINISHED].groupby("group").size()
    outcomes = outcome_columns(ok)
    by_group = {g: ok[ok["group"] == g].drop_duplicates("seed").set_index("seed") for g in groups}
    rows = []
    for outcome in outcomes:
        b = pd.to_numeric(by_group[base][outcome], errors="coerce").dropna()
        for g in groups:
            x = pd.to_numeric(by_group[g][outcome], errors="coerce").dropna()
            if x.empty:
                continue
            v = x.to_numpy(dtype=float)
            common = x.index.intersection(b.index)
            d = (x.loc[common] - b.loc[common]).to_numpy(dtype=float)
            lo, hi = _t_interval(d)
            b_mean = float(b.loc[common].mean()) if len(common) else math.nan
            diff_mean = float(d.mean()) if len(d) else math.nan
            rows.append(
                {
                    "group": g,
                    "scenario": ",".join(sorted(scenarios[g])),
                    "outcome": outcome,
                    "n": len(v),
                    "failed": int(failed.get(g, 0)),
                    "mean": float(v.mean()),
                    "median": float(np.median(v)),
                    "p2_5": float(np.percentile(v, 2.5)),
                    "p97_5": float(np.percentile(v, 97.5)),
                    "baseline": base,
                    "n_pairs": len(d),
                    "diff_mean": diff_mean,
                    "diff_lo95": lo,
                    "diff_hi95": hi,
                    "diff_pct": 100.0 * diff_mean / b_mean if b_mean else math.nan,
                }
            )
    return pd.DataFrame(rows), base


def _fmt(x: float) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    a = abs(x)
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 10:
        return f"{x:.1f}"
    if a >= 1 or a == 0:
        return f"{x:.2f}"
    return f"{x:.3g}"


def to_markdown(result: pd.DataFrame, base: str, outcomes: list[str], sweep_dir: Path) -> str:
    lines = [
        f"# Comparison of {sweep_dir}",
        "",
        f"Baseline: **{base}**. n = finished runs (seeds); 95% interval = 2.5th-97.5th percentile of the outcome "
        "over seeds (spread of replicates, not a confidence interval of the mean). Difference = mean of the paired "
        "differences from the baseline over shared seeds (common random numbers), with its 95% t-interval "
        "(Student t over the paired differences) and as % of the baseline mean.",
        "",
    ]
    for outcome in outcomes:
        part = result[result["outcome"] == outcome]
        if part.empty:
            continue
        lines += [
            f"## {outcome}",
            "",
            "| group | n | failed | mean | median | 95% interval of seeds | difference from baseline [95% CI] | % |",
            "|---|---:|---:|---:|---:|---|---|---:|",
        ]
        for r in part.itertuples():
            interval = f"{_fmt(r.p2_5)} - {_fmt(r.p97_5)}"
            if r.group == base:
                diff, pct = "(baseline)", "-"
            else:
                diff = f"{_fmt(r.diff_mean)} [{_fmt(r.diff_lo95)}, {_fmt(r.diff_hi95)}] (n={r.n_pairs})"
                pct = f"{r.diff_pct:+.1f}" if math.isfinite(r.diff_pct) else "-"
            lines.append(
                f"| {r.group} | {r.n} | {r.failed} | {_fmt(r.mean)} | {_fmt(r.median)} | {interval} | {diff} | {pct} |"
            )
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m sim.compare",
        description="Mean, median and 95% interval over seeds per scenario, and paired differences from a baseline.",
    )
    p.add_argument("sweep_dir", help="a sweep folder (hydra.sweep.dir of a `python -m sim -m ...` sweep)")
    p.add_argument("--baseline", help="baseline group: scenario name or label (default: baseline_2024, else first)")
    p.add_argument("--outcomes", help="comma-separated outcomes for the printed table (default: the named outcomes)")
    args = p.parse_args(argv)
    sweep_dir = Path(args.sweep_dir)
    try:
        table = read_table(sweep_dir)
        result, base = compare_table(table, args.baseline)
    except (SweepError, CompareError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    available = list(dict.fromkeys(result["outcome"]))
    if args.outcomes:
        outcomes = [o.strip() for o in args.outcomes.split(",") if o.strip()]
        unknown = [o for o in outcomes if o not in available]
        if unknown:
            print(
                f"error: --outcomes: unknown {', '.join(unknown)}; available: {', '.join(available)}", file=sys.stderr
            )
            return 2
    else:
        outcomes = [o for o in SUMMARY_OUTCOMES if o in available]
    md = to_markdown(result, base, outcomes, sweep_dir)
    atomic_write_frame(sweep_dir / CSV_NAME, result)
    atomic_write_text(sweep_dir / MD_NAME, md + "\n")
    print(md)
    print(f"written: {sweep_dir / CSV_NAME}, {sweep_dir / MD_NAME}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
