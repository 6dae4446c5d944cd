"""Speed of the five-year history run (scenario history_2021_2025, 2021-2025 with its timeline, full scale).

Each repeat runs in a fresh process (seeds 0, 1, ...); we report the simulation time (stepping the model, the number
the issue's 3 s goal is about), the model build, the whole run with its tables, peak memory and migrant-days per
second, beside the default year measured the same way, so the ratio says how the history scales with its length.
Results go to benchmarks/output/history.json and are printed. Nothing is asserted.
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run_benchmark import CHILD  # noqa: E402  (the same child process as `make bench`)


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
    step = statistics.median(r["step_s"] for r in runs)
    md = statistics.median(r["migrant_days"] for r in runs)
    return {
        "overrides": list(overrides),
        "repeats": repeats,
        "people_simulated": int(statistics.median(r["people"] for r in runs)),
        "migrant_days": int(md),
        "simulation_s_median": round(step, 3),
        "simulation_s_max": round(max(r["step_s"] for r in runs), 3),
        "build_s_median": round(statistics.median(r["build_s"] for r in runs), 3),
        "total_s_median": round(statistics.median(r["total_s"] for r in runs), 3),
        "migrant_days_per_s": round(md / step),
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
        "history_over_year": round(history["simulation_s_median"] / year["simulation_s_median"], 2),
    }
    (HERE / "output").mkdir(exist_ok=True)
    (HERE / "output" / "history.json").write_text(json.dumps(report, indent=2) + "\n")
    for name in ("history_2021_2025", "default_year"):
        r = report[name]
        print(
            f"{name:18s} simulation {r['simulation_s_median']:.2f} s (max {r['simulation_s_max']:.2f}), build "
            f"{r['build_s_median']:.2f} s, {r['people_simulated']:,} people, {r['migrant_days_per_s'] / 1e6:.1f}M "
            f"migrant-days/s, peak {r['peak_rss_mb_max']:.0f} MB"
        )
    print(f"history / year: {report['history_over_year']:.2f} (load average {report['machine']['load_average_1min']})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
