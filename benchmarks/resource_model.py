"""Measure the coefficients of the resource guard (sim/resources.py): peak memory and wall time against people
and days.

Each configuration runs in a fresh process (so its peak resident memory is its own). Memory is fitted as
base + per-person; wall time as per-day + per-network-day + per-person-day (networks scale with the population, so
``scale`` stands for them), by least squares. The measurements, the fit and the guard's current estimate for each
run go to benchmarks/output/resource_model.json and are printed. Nothing is asserted.

    .venv/bin/python benchmarks/resource_model.py          # about 3 minutes on 2 cores
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import nnls  # non-negative least squares: no coefficient may be negative

HERE = Path(__file__).resolve().parent
CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
from sim.cli import load_config
from sim.model import run
cfg = load_config(sys.argv[1:])
t1 = time.perf_counter()
res = run(cfg)
t2 = time.perf_counter()
print(json.dumps({"load_s": t1 - t0, "run_s": t2 - t1,
                  "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2}))
"""
# (scale, days): populations from about 0.07 to 3 million people, runs from half a year to ten years.
DESIGN = [(1, 366), (5, 366), (20, 366), (1, 3650), (0.2, 7300), (50, 60), (100, 30), (10, 1000)]


def measure(scale: float, days: int) -> dict:
    overrides = [f"scale={scale}", f"days={days}", "limits.max_memory_gb=1e5", "limits.max_minutes=1e6"]
    out = subprocess.run([sys.executable, "-c", CHILD, *overrides], capture_output=True, text=True, check=True)
    row = json.loads(out.stdout.strip().splitlines()[-1])
    from sim.cli import load_config

    cfg = load_config(overrides)
    total_days = cfg.days + cfg.world.burn_in_days
    people = cfg.migration.annual_entrants * cfg.scale * total_days / 365.0
    return {"scale": scale, "days": days, "total_days": total_days, "people": people, **row}


def fit(rows: list[dict]) -> dict:
    people = np.array([r["people"] for r in rows]) / 1e6
    days = np.array([r["total_days"] for r in rows], dtype=float)
    scale = np.array([r["scale"] for r in rows], dtype=float)
    mem = np.array([r["peak_rss_gb"] for r in rows])
    secs = np.array([r["run_s"] for r in rows])
    m, *_ = np.linalg.lstsq(np.column_stack([np.ones_like(people), people]), mem, rcond=None)
    t, _ = nnls(np.column_stack([days, scale * days, people * days]), secs)
    return {
        "MEMORY_BASE_GB": float(m[0]),
        "MEMORY_GB_PER_MILLION_PEOPLE": float(m[1]),
        "SECONDS_PER_DAY": float(t[0]),
        "SECONDS_PER_SCALE_DAY": float(t[1]),
        "SECONDS_PER_MILLION_PEOPLE_DAYS": float(t[2]),
    }


def main() -> None:
    from sim import resources

    rows = []
    for scale, days in DESIGN:
        row = measure(scale, days)
        est = resources.estimate(55_300.0, scale, days, row["total_days"] - days)
        row["guard_memory_gb"], row["guard_minutes"] = est.memory_gb, est.minutes
        rows.append(row)
        print(
            f"scale {scale:>5g} days {days:>5}: {row['people'] / 1e6:6.2f}M people, {row['run_s']:7.1f} s "
            f"(guard {est.minutes * 60:7.1f} s), {row['peak_rss_gb']:.2f} GB (guard {est.memory_gb:.2f} GB)",
            flush=True,
        )
    out = {
        "machine": {"python": platform.python_version(), "processor": platform.machine(), "cpus": _cpus()},
        "runs": rows,
        "fit": fit(rows),
        "note": "peak RSS of a fresh process (imports included); wall time of run(cfg) only, on a shared machine",
    }
    (HERE / "output").mkdir(exist_ok=True)
    (HERE / "output" / "resource_model.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out["fit"], indent=2))


def _cpus() -> int:
    return os.cpu_count() or 1


if __name__ == "__main__":
    main()
