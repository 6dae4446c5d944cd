"""Speed and memory of the default year at 1x and 10x population, five years at 1x, and process start-up.

Each configuration runs in a fresh process (so peak memory is its own) a few times; we report migrant-days
simulated per second (people in transit or waiting at the coast, summed over days, burn-in included), wall time
and peak resident memory; ``five_years_over_one`` is the wall-time ratio of a five-year run to a one-year run (5
means cost linear in simulated time). ``process`` times the whole ``python -m sim`` command (default year, writing
its run folder) beside ``python -c "import mesa"``, wall and CPU (user + system) of the child process. Results go
to benchmarks/output/benchmark.json and are printed. Nothing is asserted.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHILD = """
import json, resource, sys, time
from sim.cli import load_config
from sim.model import ChannelModel
cfg = load_config(sys.argv[1:])
t0 = time.perf_counter()
m = ChannelModel(cfg)
build = time.perf_counter() - t0
res = m.run()
total = time.perf_counter() - t0
print(json.dumps({"build_s": build, "step_s": res.wall_seconds, "total_s": total,
                  "migrant_days": res.migrant_days, "people": int(m.population.n),
                  "people_arrived": res.summary["people_arrived"],
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure_days(days: int, repeats: int) -> dict:
    """A run of ``days`` scenario days at full scale (five years: 1826)."""
    row = measure(1.0, repeats, f"days={days}")
    row["days"] = days
    return row


def measure(scale: float, repeats: int, *extra: str) -> dict:
    runs = []
    for seed in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", CHILD, f"scale={scale}", f"seed={seed}", *extra],
            capture_output=True,
            text=True,
            check=True,
            cwd=HERE.parent,
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    total = statistics.median(r["total_s"] for r in runs)
    md = statistics.median(r["migrant_days"] for r in runs)
    return {
        "scale": scale,
        "repeats": repeats,
        "people_simulated": int(statistics.median(r["people"] for r in runs)),
        "migrant_days": int(md),
        "wall_s_median": round(total, 3),
        "build_s_median": round(statistics.median(r["build_s"] for r in runs), 3),
        "migrant_days_per_s": round(md / total),
        "peak_rss_mb_max": round(max(r["peak_rss_mb"] for r in runs), 1),
    }


def _process(args: list[str], repeats: int = 3) -> dict:
    """Median wall and CPU seconds of a child process (CPU: user + system, from its rusage)."""
    import tempfile
    import time

    walls, cpus = [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run(
                [sys.executable, *[a.replace("{tmp}", tmp) for a in args]],
                capture_output=True,
                check=True,
                cwd=HERE.parent,
            )
            walls.append(time.perf_counter() - t0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return {"wall_s_median": round(statistics.median(walls), 3), "cpu_s_median": round(statistics.median(cpus), 3)}


def main() -> None:
    load_before = os.getloadavg()
    rows = [measure(1.0, 5), measure(10.0, 2)]
    ratio = rows[1]["wall_s_median"] / rows[0]["wall_s_median"]
    five = measure_days(1826, 2)
    process = {
        "python -m sim": _process(["-m", "sim", "hydra.run.dir={tmp}/run"]),
        "python -c 'import mesa'": _process(["-c", "import mesa"]),
    }
    report = {
        "machine": {
            "python": platform.python_version(),
            "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
            # Wall times mean little on a shared machine: the 1-minute load average at the start and the end.
            "load_average_1min": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        },
        "runs": rows,
        "wall_time_ratio_10x_over_1x": round(ratio, 2),
        "five_years": five,
        "five_years_over_one": round(five["wall_s_median"] / rows[0]["wall_s_median"], 2),
        "process": process,
    }
    (HERE / "output").mkdir(exist_ok=True)
    (HERE / "output" / "benchmark.json").write_text(json.dumps(report, indent=2) + "\n")
    for r in rows:
        print(
            f"scale {r['scale']:>4}: {r['people_simulated']:>8,} people, {r['migrant_days']:>12,} migrant-days, "
            f"wall {r['wall_s_median']:.2f} s (build {r['build_s_median']:.2f} s), "
            f"{r['migrant_days_per_s'] / 1e6:.1f}M migrant-days/s, peak {r['peak_rss_mb_max']:.0f} MB"
        )
    print(f"10x population / 1x wall time: {ratio:.2f}")
    print(f"five years / one year wall time: {report['five_years_over_one']:.2f}")
    for name, t in process.items():
        print(f"{name:28s} wall {t['wall_s_median']:.2f} s, cpu {t['cpu_s_median']:.2f} s")
    _ = resource  # peak memory is read in the child processes


if __name__ == "__main__":
    main()
