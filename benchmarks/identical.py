"""Proof that a speed change changed no output: SHA-256 of the tables of a few fixed runs.

Runs, one after another in this process (so caches that leak from one run to the next would show too), the default
year at full scale for seeds 0 and 1, the five-year history at half scale, three policy scenarios and a short run at
three times the population; for each it hashes the daily table (column names, dtypes and values), the summary (as
summary.json writes it), the investigations table and the accounting dictionaries. Timings, versions and git fields
are not outputs and are left out. ``--write FILE`` records the hashes, ``--check FILE`` compares with a record and
exits 1 on any difference (naming the run and the part). CPU seconds of each run's simulation are printed, not compared.

    python benchmarks/identical.py --write /tmp/before.json     # before a change
    python benchmarks/identical.py --check /tmp/before.json     # after it

benchmarks/output/identical.json holds the hashes of the model as last recorded (the date and git revision are in
it). The hashes are those of one machine: numpy's float64 loops (exp, expm1, log1p) use AVX-512 where the CPU has it
and then differ from other machines in the last bit, so record a reference on the machine you check on, before the
change (the first form above); the recorded file is for that machine's kind only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

RUNS: dict[str, list[str]] = {
    "year_seed0": ["seed=0"],
    "year_seed1": ["seed=1"],
    "history_half_seed0": ["scenario=history_2021_2025", "scale=0.5", "seed=0"],
    "border_security_seed0": ["scenario=border_security_2024", "seed=0"],
    "all_levers_seed2": ["scenario=all_levers", "seed=2"],
    "third_country_removal_seed3": ["scenario=third_country_removal", "seed=3"],
    "scale3_120_days_seed4": ["scale=3", "days=120", "seed=4"],  # more networks and people per network
}


def frame_sha256(frame) -> str:
    """Hash of a DataFrame's column names, dtypes and raw values, column by column."""
    h = hashlib.sha256()
    for name in frame.columns:
        values = frame[name].to_numpy()
        h.update(f"{name}:{values.dtype}:{len(values)}".encode())
        if values.dtype == object:
            h.update(repr(list(values)).encode())
        else:
            h.update(np.ascontiguousarray(values).tobytes())
    return h.hexdigest()


def run_hashes(overrides: list[str]) -> tuple[dict[str, str], float]:
    from sim.cli import load_config
    from sim.model import ChannelModel
    from sim.outputs import json_text

    cfg = load_config(overrides)
    t0 = time.process_time()
    model = ChannelModel(cfg)
    res = model.run()
    cpu = time.process_time() - t0
    extras = {
        "totals_with_burn_in": res.totals_with_burn_in,
        "final_states": res.final_states,
        "boat_balance": res.boat_balance,
        "migrant_days": res.migrant_days,
    }
    hashes = {
        "daily": frame_sha256(res.daily),
        "summary": hashlib.sha256(json_text(res.summary).encode()).hexdigest(),
        "investigations": frame_sha256(res.investigations) if res.investigations is not None else "none",
        "accounting": hashlib.sha256(json_text(extras).encode()).hexdigest(),
    }
    return hashes, cpu


def machine() -> dict[str, object]:
    """What the hashes depend on besides the code: numpy's version and the SIMD extensions its loops use."""
    import datetime as dt
    import subprocess

    from numpy._core._multiarray_umath import __cpu_features__ as features

    rev = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, check=False)
    return {
        "numpy": np.__version__,
        "avx512": bool(features.get("AVX512F", False)),
        "recorded": dt.date.today().isoformat(),
        "git_revision": rev.stdout.strip(),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path, help="record the hashes in this JSON file")
    group.add_argument("--check", type=Path, help="compare the hashes with this JSON file")
    ap.add_argument("--only", nargs="*", default=None, help="run only these named runs")
    args = ap.parse_args(argv)
    names = args.only or list(RUNS)
    out: dict[str, dict[str, str]] = {}
    for name in names:
        out[name], cpu = run_hashes(RUNS[name])
        print(f"{name:24s} cpu {cpu:6.2f} s  daily {out[name]['daily'][:12]}  summary {out[name]['summary'][:12]}")
    if args.write:
        args.write.write_text(json.dumps({"machine": machine(), "runs": RUNS, "hashes": out}, indent=2) + "\n")
        print(f"wrote {args.write}")
        return 0
    recorded = json.loads(args.check.read_text())
    reference, here, there = recorded["hashes"], machine(), recorded.get("machine", {})
    for key in ("numpy", "avx512"):
        if there.get(key) != here[key]:
            print(f"note: the reference was recorded with {key}={there.get(key)}, this machine has {here[key]}")
    bad = [(n, part) for n in names for part in out[n] if reference.get(n, {}).get(part) != out[n][part]]
    for n, part in bad:
        print(f"DIFFERENT: {n} {part}")
    print("identical" if not bad else f"{len(bad)} differences")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
