"""``python -m sim.frontier [--budget N] [--objectives a,b,c] [--levers ...] [--out DIR] [OVERRIDES...]``.

Every setting is checked, and the lever ranges composed into valid configurations at both ends, before anything
is written: bad input gives one line on stderr and exit code 2. Running the same command again resumes.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from sim.config import ConfigError
from sim.frontier import search as fs
from sim.frontier.levers import DEFAULT_LEVERS, LeverError, levers_named, mix_overrides
from sim.results.folders import SweepError


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m sim.frontier",
        description="Search the mixes of policy levers for the frontier of the objectives (Optuna NSGA-II); each "
        "generation runs as an ordinary sweep.",
    )
    p.add_argument("--budget", type=int, default=200, help="mixes to evaluate in all (default 200)")
    p.add_argument("--population", type=int, default=20, help="mixes a generation (default 20)")
    p.add_argument("--objectives", default=",".join(fs.DEFAULT_OBJECTIVES), help="outcome names, comma-separated")
    p.add_argument("--levers", default=",".join(DEFAULT_LEVERS), help="levers searched, comma-separated")
    p.add_argument("--seeds", type=int, default=2, help="seeds per mix (paired across mixes; default 2)")
    p.add_argument("--draws", type=int, default=0, help="posterior draws per mix (default 0: posterior medians)")
    p.add_argument("--scale", type=float, default=1.0, help="population scale (default 1: full scale)")
    p.add_argument("--days", type=int, default=366, help="days simulated after the burn-in (default 366)")
    p.add_argument("--sampler-seed", type=int, default=0, help="seed of the NSGA-II sampler (default 0)")
    p.add_argument("--out", default="results/frontier", help="frontier folder (default results/frontier)")
    p.add_argument("overrides", nargs="*", help="Hydra overrides for every run (hydra/launcher=slurm, key=value)")
    return p


def settings_of(args: argparse.Namespace) -> fs.Settings:
    split = lambda text: [t.strip() for t in str(text).split(",") if t.strip()]  # noqa: E731
    s = fs.Settings(
        objectives=split(args.objectives),
        levers=split(args.levers),
        budget=args.budget,
        population=min(args.population, max(args.budget, 1)) if args.population >= 2 else args.population,
        seeds=args.seeds,
        draws=args.draws,
        scale=args.scale,
        days=args.days,
        sampler_seed=args.sampler_seed,
        overrides=list(args.overrides),
    )
    return fs.check_settings(s)


def check_composes(s: fs.Settings) -> None:
    """Every lever at the bottom and at the top of its range, with the overrides, is a valid configuration."""
    from sim.cli import load_config

    levers = levers_named(s.levers)
    searched = {k for lv in levers for k in mix_overrides([lv], {lv.name: lv.high})}
    for o in s.overrides:
        key = o.split("=", 1)[0].lstrip("+~")
        if key in searched:
            raise fs.FrontierError(f"{o}: {key} is set by a searched lever; leave it out or drop the lever")
    draw = [f"posterior_draw={s.draws - 1}"] if s.draws else []  # the highest draw asked for exists
    base = [o for o in [*s.common(), "seed=0", *draw] if not o.startswith("hydra")]
    for end in ("low", "high"):  # in the order of a sweep's job: the mix, then the common overrides
        mix = {lv.name: getattr(lv, end) for lv in levers}
        load_config([*(f"{k}={v}" for k, v in mix_overrides(levers, mix).items()), *base])


def run(out: Path, s: fs.Settings) -> tuple[int, int]:
    """The search, the shipped scenarios and the tables; (frontier mixes, candidates tried)."""
    from sim.frontier.plot import write_png

    t0 = time.perf_counter()
    fs.write_settings(out, s, {"status": "running"})
    candidates = fs.search(out, s)
    fs.sweep_shipped(out / "shipped", s, fs.run_sim)
    frontier = fs.frontier_table(candidates, s)
    shipped = fs.shipped_table(out / "shipped", frontier, s)
    fs.write_tables(out, candidates, frontier, shipped)
    write_png(out / "frontier.png", s.objectives, candidates, frontier, shipped)
    runs = s.seeds * max(s.draws, 1)
    fs.write_settings(
        out,
        s,
        {
            "status": "finished",
            "wall_seconds": round(time.perf_counter() - t0, 1),
            "runs_per_candidate": runs,
            "candidates": len(candidates),
            "distinct_candidates": int(candidates.drop_duplicates(subset=s.levers).shape[0]),
            "values": "objective means over each mix's runs, at full scale; _q05/_q95: 5th and 95th percentiles",
        },
    )
    return len(frontier), len(candidates)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    out = Path(args.out)
    try:
        s = settings_of(args)
        fs.check_out_dir(out, s)
        check_composes(s)
    except (fs.FrontierError, LeverError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        n_frontier, n_tried = run(out, s)
    except (fs.FrontierError, SweepError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"frontier: {n_frontier} mixes on the frontier of {n_tried} tried: {out / 'frontier.csv'}, "
        f"{out / 'frontier.png'}"
    )
    return 0
