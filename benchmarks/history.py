"""Speed of the five-year history run (scenario history_2021_2025, 2021-2025 with its timeline, full scale).

Each repeat runs in a fresh process (seeds 0, 1, ...); we report the simulation's CPU seconds (process time while
stepping the model: the number the issue's 3 s goal is about, and the one that other work on a shared machine
inflates least), its wall time, the model build, the whole run with its tables, peak memory and migrant-days per
CPU second, beside the default year measured the same way, so the ratio says how the history scales with its
length. Results go to benchmarks/output/history.json and are printed. Nothing is asserted.
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The child process of `make bench` (benchmarks/run_benchmark.py), with the simulation's CPU time beside its wall time.
CHILD = """
import json, resource, sys, time
from sim.cli import load_config
from sim.model import ChannelModel
cfg = load_config(sys.argv[1:])
t0 = time.perf_counter()
m = ChannelModel(cfg)
build = time.perf_counter() - t0
step_for, cpu = m.run_for, []
def run_for(days):  # the step loop that res.wall_seconds times (ChannelModel.run), timed in CPU seconds as well
    c0 = time.process_time()
    step_for(days)
    cpu.append(time.process_time() - c0)
m.run_for = run_for
res = m.run()
total = time.perf_counter() - t0
print(json.dumps({"build_s": build, "step_s": res.wall_seconds, "step_cpu_s": sum(cpu), "total_s": total,
                  "migrant_days": res.migrant_days, "people": int(m.population.n),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(repeats: int, *overrides: str) -> dict:
    import subprocess

    runs = []
    for seed in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", CHILD, f"seed={seed}", *overrides],
            capture_output=True,
            text=True,
            check=True,
            cwd=HERE.parent,
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    cpu = statistics.median(r["step_cpu_s"] for r in runs)
    md = statistics.median(r["migrant_days"] for r in runs)
    return {
        "overrides": list(overrides),
        "repeats": repeats,
        "people_simulated": int(statistics.median(r["people"] for r in runs)),
        "migrant_days": int(md),
        "simulation_cpu_s_median": round(cpu, 3),
        "simulation_cpu_s_max": round(max(r["step_cpu_s"] for r in runs), 3),
        "simulation_s_median": round(statistics.median(r["step_s"] for r in runs), 3),  # wall
        "simulation_s_max": round(max(r["step_s"] for r in runs), 3),
        "build_s_median": round(statistics.median(r["build_s"] for r in runs), 3),
        "total_s_median": round(statistics.median(r["total_s"] for r in runs), 3),
        "migrant_days_per_cpu_s": round(md / cpu),
        "peak_rss_mb_max": round(max(r["peak_rss_mb"] for r in runs), 1),
    }


def main(repeats: int = 3) -> None:
    import os

    history = measure(repeats, "scenario=history_2021_2025")
    year = measure(repeats)
    report = {
        "machine": {
            "python": platform.python_version(),
            "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
            "load_average_1min": round(os.getloadavg()[0], 2),  # other work on the machine inflates the times
        },
        "history_2021_2025": history,
        "default_year": year,
        "history_over_year": round(history["simulation_cpu_s_median"] / year["simulation_cpu_s_median"], 2),  # CPU
    }
    (HERE / "output").mkdir(exist_ok=True)
    (HERE / "output" / "history.json").write_text(json.dumps(report, indent=2) + "\n")
    for name in ("history_2021_2025", "default_year"):
        r = report[name]
        print(
            f"{name:18s} simulation CPU {r['simulation_cpu_s_median']:.2f} s (max {r['simulation_cpu_s_max']:.2f}; "
            f"wall {r['simulation_s_median']:.2f} s), build {r['build_s_median']:.2f} s, {r['people_simulated']:,} "
            f"people, {r['migrant_days_per_cpu_s'] / 1e6:.1f}M migrant-days/CPU s, peak {r['peak_rss_mb_max']:.0f} MB"
        )
    load = report["machine"]["load_average_1min"]
    print(f"history / year (CPU): {report['history_over_year']:.2f} (load average {load})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
