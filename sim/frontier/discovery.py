"""Scenario discovery: for a chosen mix, which assumptions make it succeed. ``python -m sim.discover``.

The parameters asked for (by default the contested assumptions of the bottom line) are sampled across their
plausible ranges (Latin hypercube, ``scipy.stats.qmc``); each parameter set runs the mix and the baseline on the
same seeds, as one ordinary sweep (the candidate sweeper: any launcher, resumable). A parameter set is a success when
the mix cuts the outcome by more than ``--cut`` against the baseline (means over the paired seeds). PRIM (the patient
rule induction method of Friedman and Fisher, as implemented in EMA Workbench, ``ema_workbench.analysis.prim``) then
finds the box of parameter values in which successes are densest: the densest box on the peeling trajectory that
still holds at least half of all successes. Said as "this mix cuts expected deaths at sea by more than 20% when ...".
"""

from __future__ import annotations

import argparse
import math
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from sim.config import ConfigError
from sim.frontier import search as fs
from sim.outputs import atomic_write_frame, atomic_write_text, json_text
from sim.report.labels import scenario_label, setting_label
from sim.results.folders import SweepError, read_json, read_sweep
from sim.results.outcomes import OUTCOMES

MIN_COVERAGE = 0.5  # the chosen box holds at least this share of all successes


def parser() -> argparse.ArgumentParser:
    from sim.report.assumptions import KEYS

    p = argparse.ArgumentParser(prog="python -m sim.discover", description=__doc__.splitlines()[0])
    p.add_argument("--mix", required=True, help="scenario name (configs/scenario/NAME.yaml)")
    p.add_argument("--baseline", default="baseline_2024", help="scenario to beat (default baseline_2024)")
    p.add_argument("--outcome", default="expected_deaths_at_sea", help="outcome to cut (default expected deaths)")
    p.add_argument("--cut", type=float, default=0.2, help="success: a cut larger than this share (default 0.2)")
    p.add_argument("--parameters", default=",".join(KEYS), help="parameter keys sampled over their plausible ranges")
    p.add_argument("--samples", type=int, default=64, help="parameter sets (default 64)")
    p.add_argument("--seeds", type=int, default=2, help="paired seeds per parameter set (default 2)")
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--days", type=int, default=366)
    p.add_argument("--sample-seed", type=int, default=0, help="seed of the Latin hypercube (default 0)")
    p.add_argument("--out", default="results/discovery", help="folder (default results/discovery)")
    p.add_argument("overrides", nargs="*", help="Hydra overrides for every run")
    return p


def check(args: argparse.Namespace) -> list[str]:
    """The parameter keys; FrontierError or ConfigError (one line) for bad input, before anything is written."""
    from sim.cli import load_config
    from sim.config import plausible_range

    o = OUTCOMES.get(args.outcome)
    if o is None or o.better != "lower":
        raise fs.FrontierError(
            f"--outcome {args.outcome}: not an outcome to cut (lower is better); see docs/outputs.md"
        )
    if not 0 < args.cut < 1:
        raise fs.FrontierError(f"--cut {args.cut}: a share between 0 and 1 (0.2 = a cut of more than 20%)")
    if args.samples < 8 or args.seeds < 1:
        raise fs.FrontierError(f"--samples {args.samples} / --seeds {args.seeds}: at least 8 samples and 1 seed")
    keys = [k.strip() for k in args.parameters.split(",") if k.strip()]
    for k in keys:
        plausible_range(k)  # ConfigError: not a declared parameter, or no plausible range
    out = Path(args.out)
    if out.exists() and any(out.iterdir()) and read_json(out / "discovery.json") is None:
        raise fs.FrontierError(f"--out {out}: not a discovery folder (no discovery.json) and not empty")
    base = [f"scale={args.scale}", f"days={args.days}", *args.overrides]
    for scenario in (args.mix, args.baseline):
        for corner in (0, 1):
            ends = [f"{k}={plausible_range(k)[corner]}" for k in keys]
            load_config([*ends, f"scenario={scenario}", *[b for b in base if not b.startswith("hydra")]])
    return keys


def sample(keys: Sequence[str], n: int, seed: int) -> pd.DataFrame:
    from scipy.stats import qmc

    from sim.config import declared_field, plausible_range

    lo = np.array([plausible_range(k)[0] for k in keys], dtype=float)
    hi = np.array([plausible_range(k)[1] for k in keys], dtype=float)
    unit = qmc.LatinHypercube(d=len(keys), seed=seed).random(n)
    values = qmc.scale(unit, lo, hi)
    frame = pd.DataFrame(values, columns=list(keys))
    for k in keys:  # integer parameters stay integers
        if declared_field(k).type in (int, "int"):
            frame[k] = frame[k].round().astype(int)
    return frame.round(6)


def cuts(folder: Path, params: pd.DataFrame, mix: str, baseline: str, outcome: str) -> np.ndarray:
    """Per parameter set: 1 - mean(mix) / mean(baseline) over the paired seeds."""
    sweep = read_sweep(folder)
    keys = list(params.columns)
    by: dict[tuple, dict[str, list[float]]] = {}
    for r in sweep.runs:
        if not r.ok:
            continue
        tag = tuple(float(t.split("=", 1)[1]) for t in r.overrides if t.split("=", 1)[0] in keys)
        by.setdefault(tag, {}).setdefault(r.scenario, []).append(r.value(outcome))
    out = []
    for _, row in params.iterrows():
        got = by.get(tuple(float(row[k]) for k in keys), {})
        m, b = np.mean(got.get(mix, [np.nan])), np.mean(got.get(baseline, [np.nan]))
        out.append(1 - m / b if b > 0 else np.nan)
    return np.array(out, dtype=float)


def find_box(x: pd.DataFrame, success: np.ndarray) -> dict:
    """PRIM's box: the densest on the peeling trajectory holding at least MIN_COVERAGE of the successes."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

        box = prim.Prim(x.reset_index(drop=True), success.astype(bool), mass_min=0.05).find_box()
    traj = box.peeling_trajectory
    ok = traj.index[traj["coverage"] >= MIN_COVERAGE]
    i = int(traj.loc[ok, "density"].idxmax()) if len(ok) else 0
    lims, full = box.box_lims[i], box.box_lims[0]
    limits = {}
    for k in x.columns:
        lo, hi = float(lims.loc[0, k]), float(lims.loc[1, k])
        if lo > float(full.loc[0, k]) or hi < float(full.loc[1, k]):
            limits[k] = (lo if lo > float(full.loc[0, k]) else None, hi if hi < float(full.loc[1, k]) else None)
    row = traj.loc[i]
    return {
        "limits": limits,
        "coverage": float(row["coverage"]),
        "density": float(row["density"]),
        "mass": float(row["mass"]),
    }


def _limit_words(key: str, lo: float | None, hi: float | None) -> str:
    """ "wave limit rise per vessel is above 0.0103 (m rise of smugglers' wave limit per vessel ...)"."""
    from sim.config import declared_field

    name = setting_label(key).split(": ", 1)[-1].lower()
    unit = declared_field(key).metadata["unit"]
    if lo is not None and hi is not None:
        return f"{name} is between {lo:.3g} and {hi:.3g} ({unit})"
    return f"{name} is {'above' if lo is not None else 'below'} {lo if lo is not None else hi:.3g} ({unit})"


def sentence(mix: str, outcome: str, cut: float, success: np.ndarray, box: dict) -> str:
    what = f"{scenario_label(mix)} cuts {OUTCOMES[outcome].label.lower()} by more than {cut:.0%}"
    share = f"in {success.mean():.0%} of the {len(success)} sampled parameter sets"
    if not box["limits"]:
        return f"{what} {share}; no box of parameter values tells success from failure."
    conditions = " and ".join(_limit_words(k, *v) for k, v in box["limits"].items())
    return (
        f"{what} {share}, and in {box['density']:.0%} of them when {conditions} (this box holds "
        f"{box['coverage']:.0%} of the successes and {box['mass']:.0%} of the parameter sets)."
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        keys = check(args)
    except (fs.FrontierError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    params = sample(keys, args.samples, args.sample_seed)
    rows = [
        {k: repr(float(v)) if not float(v).is_integer() else str(int(v)) for k, v in r.items()}
        for r in params.to_dict("records")
    ]
    rest = [f"seed={','.join(str(i) for i in range(args.seeds))}", f"scenario={args.mix},{args.baseline}"]
    rest += [f"scale={args.scale}", f"days={args.days}", *args.overrides]
    try:
        fs.sweep_rows(out / "runs", rows, rest, fs.run_sim)
        cut = cuts(out / "runs", params, args.mix, args.baseline, args.outcome)
    except (fs.FrontierError, SweepError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    keep = np.isfinite(cut)
    success = cut[keep] > args.cut
    table = params.assign(cut=cut, success=cut > args.cut)
    atomic_write_frame(out / "discovery.csv", table)
    box = (
        find_box(params[keep], success)
        if 0 < success.sum() < len(success)
        else {"limits": {}, "coverage": math.nan, "density": math.nan, "mass": math.nan}
    )
    text = sentence(args.mix, args.outcome, args.cut, success, box)
    atomic_write_text(out / "discovery.json", json_text({"settings": vars(args), "box": box, "sentence": text}))
    print(text)
    return 0
