"""Policy frontier time: a small budget measured end to end, extrapolated to the 200-candidate goal.

Runs the real command, ``python -m sim.frontier --budget B --population P --seeds S`` (full scale, one simulated
year by default, the default joblib launcher on every core), into a temporary folder, and records:

- the wall time of the whole command and of each generation (from its log lines), the runs it made (candidates x
  seeds x draws, plus the five shipped scenarios), and the simulation seconds of the runs (their wall_seconds);
- the time per candidate in the steady state (the mean generation time / its candidates), and the extrapolation to
  ``--goal`` candidates: generations x that time + the shipped scenarios' sweep as measured. Linear: a generation's
  cost is its runs, and NSGA-II's own bookkeeping is milliseconds;
- the load average before and after: the machine is shared, so numbers measured under load are slower than on a
  quiet machine, and are written as measured.

Also the CPU seconds of every process of the command (``getrusage`` of the children), which the machine's load
inflates far less than wall time, and from them the time the goal would take on two idle cores (CPU seconds / 2).
Writes benchmarks/output/frontier.json (one record per command measured, kept across runs) and prints it. Nothing is
asserted.

    python benchmarks/frontier.py [--budget 24] [--population 12] [--seeds 2] [--goal 200] [ARGS...]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _sweep_seconds(folder: Path) -> tuple[int, float]:
    table = pd.read_csv(folder / "sweep_runs.csv")
    return len(table), float(table["wall_seconds"].sum())


def measure(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="frontier_bench_") as tmp:
        out = Path(tmp) / "f"
        cmd = [
            sys.executable,
            "-m",
            "sim.frontier",
            "--budget",
            str(args.budget),
            "--population",
            str(args.population),
            "--seeds",
            str(args.seeds),
            "--out",
            str(out),
            *args.extra,
        ]
        load_before = os.getloadavg()[0]
        cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)  # every process of the command
        if proc.returncode != 0:
            raise SystemExit(f"frontier failed ({proc.returncode}): {proc.stderr.strip().splitlines()[-1:]}")
        gens = [float(s) for s in re.findall(r"generation \d+/\d+: .*? scored in (\d+) s", proc.stderr + proc.stdout)]
        runs, sim_s = 0, 0.0
        for folder in sorted((out / "generations").iterdir()):
            n, s = _sweep_seconds(folder)
            runs, sim_s = runs + n, sim_s + s
        shipped_runs, shipped_s = _sweep_seconds(out / "shipped")
        meta = json.loads((out / "frontier.json").read_text())
        front = pd.read_csv(out / "frontier.csv")
        shipped = pd.read_csv(out / "shipped.csv")
    per_candidate = sum(gens) / args.budget
    shipped_wall = wall - sum(gens)  # the rest: start-up, the shipped scenarios' sweep, the tables and the picture
    goal_s = args.goal * per_candidate + shipped_wall
    # CPU time is what the machine's load does not inflate (much): on 2 cores of our own the command would take
    # about its CPU seconds / 2, the candidates' part scaled to the goal.
    cpu_candidates = cpu * sum(gens) / wall
    cpu_goal_s = cpu_candidates * args.goal / args.budget + (cpu - cpu_candidates)
    return {
        "command": " ".join(["python -m sim.frontier", *cmd[3 : -2 - len(args.extra)], *args.extra]),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_1min_before": round(load_before, 2),
        "load_average_1min_after": round(os.getloadavg()[0], 2),
        "budget": args.budget,
        "population": args.population,
        "runs_per_candidate": meta["runs_per_candidate"],
        "wall_s": round(wall, 1),
        "generation_s": gens,
        "candidate_runs": runs,
        "candidate_run_simulation_s_mean": round(sim_s / max(runs, 1), 2),
        "shipped_runs": shipped_runs,
        "shipped_run_simulation_s_mean": round(shipped_s / max(shipped_runs, 1), 2),
        "outside_generations_s": round(shipped_wall, 1),
        "s_per_candidate": round(per_candidate, 2),
        "cpu_s": round(cpu, 1),
        "cpu_s_per_candidate": round(cpu_candidates / args.budget, 2),
        "frontier_mixes": len(front),
        "shipped_status": dict(zip(shipped["scenario"], shipped["status"], strict=True)),
        "extrapolated": {
            "candidates": args.goal,
            "generations": math.ceil(args.goal / args.population),
            "wall_min": round(goal_s / 60, 1),
            "within_30_min": goal_s <= 1800,
            "wall_min_on_2_idle_cores": round(cpu_goal_s / 2 / 60, 1),
            "within_30_min_on_2_idle_cores": cpu_goal_s / 2 <= 1800,
            "how": "goal x measured seconds per candidate (generation time / its candidates) + the time outside "
            "the generations as measured; linear in runs, at the load average recorded",
        },
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--budget", type=int, default=24)
    p.add_argument("--population", type=int, default=12)
    p.add_argument("--seeds", type=int, default=2)
    p.add_argument("--goal", type=int, default=200)
    p.add_argument("extra", nargs="*", help="extra arguments of python -m sim.frontier (e.g. --days 183)")
    args = p.parse_args()
    record = measure(args)
    out = HERE / "output" / "frontier.json"
    out.parent.mkdir(exist_ok=True)
    old = json.loads(out.read_text()) if out.is_file() else {}
    kept = [m for m in old.get("measurements", [old] if old else []) if m.get("command") != record["command"]]
    text = json.dumps({"measurements": [*kept, record]}, indent=2) + "\n"  # one record per command measured
    out.write_text(text)
    print(text, end="")


if __name__ == "__main__":
    main()
