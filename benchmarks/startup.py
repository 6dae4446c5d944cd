"""Start-up cost of ``python -m sim``: what the whole process costs beyond ``import mesa`` and the simulation itself.

For each setting, runs ``python -c "import mesa"`` and ``python -m sim`` (the default 2024 scenario, full scale, as
typed, in a temporary working folder) alternately, ``--repeat`` times each (3), and records the medians of wall and
CPU seconds (user + system of the child, from its resource usage); the simulation's own seconds (wall:
``wall_seconds`` of the run's metadata.json; CPU: ``sim.model.run`` of the same config timed in a process of its
own); the difference process - import mesa (what the brief of the start-up work measured); and the fixed overhead,
that difference less the simulation: Hydra composition, validation, imports beyond Mesa's, writing the run folder.

Three settings, because two caches decide how dear start-up is: Python's bytecode cache (importing this project's
modules) and the composition cache of plain runs (sim/composition_cache.py: a command line run before loads Hydra's
composition instead of composing, about 0.2 s less), kept in a temporary folder here:

- ``as_found``: the environment as it is (``PYTHONDONTWRITEBYTECODE`` as set; if it is set and the source tree has
  no ``__pycache__``, every module of the project is compiled on every run; ``make run`` compiles them), after one
  warm-up run that stores the composition: the same command line run again, the usual case;
- ``first_run``: as found, with the composition cache off: a command line's first run;
- ``bytecode_cached``: ``PYTHONDONTWRITEBYTECODE`` unset and ``PYTHONPYCACHEPREFIX`` a temporary folder (so the
  source tree is not written to), after one warm-up run that fills it, as for a user whose Python caches bytecode.

Writes benchmarks/output/startup.json (``--out``) and prints it. Nothing is asserted: numbers depend on the machine
and on whatever else runs on it (the load average is recorded). ``--root`` measures another checkout, ``--compare DIR``
measures more side by side, in the same rounds (e.g. a checkout of the commit before a change).

    python benchmarks/startup.py [--repeat 3] [--root DIR] [--compare DIR ...] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ENV_CACHE = "CHANNEL_ABM_COMPOSITION_CACHE"  # sim/composition_cache.py: where compositions are kept, or 0 for none


# CPU seconds of the simulation alone (sim.model.run of the default config: building the model, stepping it,
# gathering its tables), in a process of its own: the run's metadata.json has only its wall seconds.
SIMULATION_CPU = (
    "import time; from sim.cli import load_config; from sim.model import run; cfg = load_config([]); "
    "t = time.process_time(); run(cfg); print(time.process_time() - t)"
)


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the child, its stdout) of one command; exits naming it if it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, p.stdout


def measure(roots: list[Path], env: dict[str, str], repeat: int, tmp: Path, warm_up: bool) -> list[dict]:
    """Medians of ``repeat`` rounds, each running, for every checkout in turn (so that a change of the machine's
    load falls on all of them alike), ``import mesa``, ``python -m sim`` and the simulation alone."""
    mesa_cmd = [sys.executable, "-c", "import mesa"]
    keys = ("mesa_wall", "mesa_cpu", "sim_wall", "sim_cpu", "simulation_wall", "simulation_cpu")
    rows: list[dict[str, list[float]]] = [{k: [] for k in keys} for _ in roots]
    for i in range(repeat + (1 if warm_up else 0)):
        for root, row in zip(roots, rows, strict=True):
            root_env = {**env, "PYTHONPATH": str(root)}
            work = tmp / "work"  # the user's folder: `python -m sim` as typed, results/runs/DATE/TIME under it
            work.mkdir(exist_ok=True)
            mesa_wall, mesa_cpu, _ = timed(mesa_cmd, root, root_env)
            sim_wall, sim_cpu, printed = timed([sys.executable, "-m", "sim"], work, root_env)
            _, _, simulation_cpu = timed([sys.executable, "-c", SIMULATION_CPU], root, root_env)
            if warm_up and i == 0:
                continue
            out_dir = Path(printed.rsplit("results: ", 1)[1].strip())
            meta = json.loads((out_dir / "metadata.json").read_text())
            values = (mesa_wall, mesa_cpu, sim_wall, sim_cpu, meta["wall_seconds"], float(simulation_cpu))
            for key, value in zip(keys, values, strict=True):
                row[key].append(value)
    return [summarise(row) for row in rows]


def summarise(row: dict[str, list[float]]) -> dict:
    med = {k: round(statistics.median(v), 3) for k, v in row.items()}
    return {
        "process_wall_s": med["sim_wall"],
        "process_cpu_s": med["sim_cpu"],
        "import_mesa_wall_s": med["mesa_wall"],
        "import_mesa_cpu_s": med["mesa_cpu"],
        "difference_wall_s": round(med["sim_wall"] - med["mesa_wall"], 3),
        "difference_cpu_s": round(med["sim_cpu"] - med["mesa_cpu"], 3),
        "simulation_wall_s": med["simulation_wall"],
        "simulation_cpu_s": med["simulation_cpu"],
        "overhead_wall_s": round(med["sim_wall"] - med["mesa_wall"] - med["simulation_wall"], 3),
        "overhead_cpu_s": round(med["sim_cpu"] - med["mesa_cpu"] - med["simulation_cpu"], 3),
        "samples": {k: [round(x, 3) for x in v] for k, v in row.items()},
    }


def describe(root: Path) -> dict:
    revision = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True)
    return {
        "root": str(root),
        "git_revision": revision.stdout.strip() or None,
        "project_pycache_as_found": (root / "sim" / "__pycache__").is_dir(),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--root", type=Path, default=ROOT, help="the checkout to measure (default: this one)")
    ap.add_argument("--compare", type=Path, nargs="*", default=[], help="other checkouts, measured in the same rounds")
    ap.add_argument("--out", type=Path, default=HERE / "output" / "startup.json")
    args = ap.parse_args(argv)
    roots = [args.root.resolve(), *(p.resolve() for p in args.compare)]
    found = dict(os.environ)
    out: dict = {
        "python": platform.python_version(),
        "PYTHONDONTWRITEBYTECODE_as_found": found.get("PYTHONDONTWRITEBYTECODE"),
        "repeat": args.repeat,
        "load_before": round(os.getloadavg()[0], 2),
    }
    results = [describe(root) for root in roots]
    with tempfile.TemporaryDirectory(prefix="startup_bench_") as tmp_name:
        tmp = Path(tmp_name)
        cache = {ENV_CACHE: str(tmp / "compositions")}
        cached = {k: v for k, v in found.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        settings = {
            "as_found": ({**found, **cache}, True),  # the warm-up run stores the composition the others load
            "first_run": ({**found, ENV_CACHE: "0"}, False),  # every run composes (a command line's first run)
            "bytecode_cached": ({**cached, **cache}, True),
        }
        for name, (env, warm_up) in settings.items():
            (tmp / name).mkdir()
            for result, measured in zip(results, measure(roots, env, args.repeat, tmp / name, warm_up), strict=True):
                result[name] = measured
    out["load_after"] = round(os.getloadavg()[0], 2)
    out.update(results[0])
    if len(results) > 1:
        out["compared"] = results[1:]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
