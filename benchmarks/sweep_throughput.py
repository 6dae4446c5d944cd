"""Sweep throughput: full-scale year runs per minute with 1 and 2 worker processes, and the parallel efficiency.

Each setting runs the real command, ``python -m sim -m seed=range(N) hydra.launcher.n_jobs=W`` (the default joblib
launcher, default scenario, full scale, one simulated year), into a temporary sweep folder, and reports:

- end to end: N runs / wall time of the whole command (Python and Hydra start-up, the preflight check of every run,
  worker start-up and the runs);
- steady state: runs finished per minute once every worker has finished its first run, from the times the run
  folders' metadata.json were written ((N - W) runs between the W-th and the last completion);
- parallel efficiency = rate with 2 workers / (2 x rate with 1 worker), for both;
- the machine's own ceiling: the same model runs in one process, then split over two processes at once (no Hydra,
  no launcher); on a machine whose cores are shared or busy this is below 2, and no launcher can do better.

Writes benchmarks/output/sweep_throughput.json and prints it. Nothing is asserted: numbers depend on the machine and
on whatever else runs on it (the load average before and after each setting is recorded).

    python benchmarks/sweep_throughput.py [--runs 20] [--workers 1 2] [ARGS...]   # ARGS: extra Hydra overrides
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def measure(runs: int, workers: int, extra: list[str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="sweep_bench_") as tmp:
        sweep_dir = Path(tmp) / "sweep"
        cmd = [
            sys.executable,
            "-m",
            "sim",
            "-m",
            f"seed=range({runs})",
            f"hydra.launcher.n_jobs={workers}",
            f"hydra.sweep.dir={sweep_dir}",
            *extra,
        ]
        load_before = os.getloadavg()[0]
        t0 = time.time()
        p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        wall = time.time() - t0
        if p.returncode != 0:
            raise SystemExit(f"sweep failed ({p.returncode}):\n{p.stderr[-3000:]}")
        table = pd.read_parquet(sweep_dir / "sweep_runs.parquet")
        assert len(table) == runs and set(table["status"]) == {"finished"}, table[["status", "error"]]
        done = sorted((sweep_dir / d / "metadata.json").stat().st_mtime for d in table["run_dir"])
        steady_window = done[-1] - done[workers - 1]
        steady = (runs - workers) / steady_window * 60 if steady_window > 0 and runs > workers else float("nan")
        return {
            "workers": workers,
            "runs": runs,
            "wall_s": round(wall, 2),
            "first_run_done_after_s": round(done[0] - t0, 2),
            "runs_per_min_end_to_end": round(runs / wall * 60, 2),
            "runs_per_min_steady": round(steady, 2),
            "simulation_s_per_run_median": round(statistics.median(table["wall_seconds"]), 3),
            "job_s_per_run_steady": round(workers * 60 / steady, 3) if steady == steady else None,
            "people_arrived_median": float(statistics.median(table["people_arrived"])),
            "load_average_1min_before": round(load_before, 2),
            "load_average_1min_after": round(os.getloadavg()[0], 2),
        }


CEILING_CHILD = """
import sys, time
from sim.cli import load_config
from sim.model import run
cfgs = [load_config([f"seed={s}", *sys.argv[2:]]) for s in sys.argv[1].split(",")]
t0 = time.perf_counter()
for cfg in cfgs:
    run(cfg)
print(time.perf_counter() - t0)
"""


def machine_ceiling(extra: list[str], runs: int = 4) -> dict:
    """What the machine itself allows: the same runs in one process, then split over two processes at once
    (model time only, no Hydra, no launcher). Their ratio bounds any launcher's speed-up with 2 workers."""

    def child(seeds: list[int]) -> subprocess.Popen:
        args = [sys.executable, "-c", CEILING_CHILD, ",".join(map(str, seeds)), *extra]
        return subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, text=True)

    seeds = list(range(runs))
    one = float(child(seeds).communicate()[0])
    procs = [child(seeds[: runs // 2]), child(seeds[runs // 2 :])]
    two = max(float(p.communicate()[0]) for p in procs)
    return {
        "runs": runs,
        "one_process_s": round(one, 2),
        "two_processes_s": round(two, 2),
        "speedup_ceiling_2": round(one / two, 3),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20, help="runs per setting (default 20)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts (default 1 2)")
    ap.add_argument("overrides", nargs="*", help="extra Hydra overrides, e.g. scale=0.5")
    args = ap.parse_args()
    load_start = os.getloadavg()[0]
    ceiling = machine_ceiling(args.overrides)
    results = [measure(args.runs, w, args.overrides) for w in args.workers]
    by_w = {r["workers"]: r for r in results}
    out: dict = {
        "command": " ".join(
            ["python -m sim -m", f"seed=range({args.runs})", "hydra.launcher.n_jobs=W", *args.overrides]
        ),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_1min_at_start": round(load_start, 2),
        "machine_ceiling": ceiling,
        "settings": results,
    }
    if 1 in by_w:
        for w, r in by_w.items():
            if w == 1:
                continue
            for kind in ("end_to_end", "steady"):
                speedup = r[f"runs_per_min_{kind}"] / by_w[1][f"runs_per_min_{kind}"]
                out[f"speedup_{w}_workers_{kind}"] = round(speedup, 3)
                out[f"parallel_efficiency_{w}_workers_{kind}"] = round(speedup / w, 3)
    dest = HERE / "output" / "sweep_throughput.json"
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))
    print(f"written: {dest}")


if __name__ == "__main__":
    main()
