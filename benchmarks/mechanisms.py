"""Closing figures of the mechanisms issue: seasonal shares and the busiest day of the default year over seeds,
deaths by kind in the 2022, 2023 and 2024 runs, the capsize frequency against the pooled IOM rate, and the
elasticity of arrivals and boats launched to boats seized with the market on and off.

``python benchmarks/mechanisms.py [--seeds N] [--jobs J]`` writes benchmarks/output/mechanisms.json and prints
it. ``--baselines`` instead runs what the lever effects in docs/policies.md are measured against (the default year
with a fixed supply, and the border_security_2024 scenario with the market on and off) and writes
benchmarks/output/mechanisms_baselines.json. Chance only: the intervals are over seeds at the default parameters
(no posterior draws). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import logging
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEIZURES = ("policy=[seizures]",)
MORE = (
    "policy.seizures.rate_bulgaria=0.375",
    "policy.seizures.rate_germany=0.15",
    "policy.seizures.rate_france_inland=0.15",
)


def _one(job: tuple[tuple[str, ...], int]) -> dict:
    from sim.cli import load_config
    from sim.model import run

    logging.getLogger("MESA").setLevel(logging.WARNING)
    overrides, seed = job
    cfg = load_config([*overrides, f"seed={seed}"])
    res = run(cfg)
    d, s = res.daily, res.summary
    month = d["date"].dt.month
    total = max(float(d["people_arrived"].sum()), 1.0)
    return {
        "people_arrived": s["people_arrived"],
        "boats_arrived": s["boats_arrived"],
        "boats_launched": s["boats_launched"],
        "people_per_boat": s["people_per_boat"],
        "boats_seized": s["boats_seized"] + s["engines_seized"],
        "deaths_at_sea": s["deaths_at_sea"],
        "deaths_crush": s["deaths_by_kind"]["crush"],
        "deaths_capsize": s["deaths_by_kind"]["capsize"],
        "expected_deaths_crush": s["expected_deaths_crush"],
        "expected_deaths_at_sea": s["expected_deaths_at_sea"],
        "capsizes_per_boat": s["expected_capsizes"] / max(s["boats_launched"] - s["boats_failed"], 1),
        "dec_feb_share": float(d["people_arrived"][month.isin([12, 1, 2])].sum()) / total,
        "jun_oct_share": float(d["people_arrived"][month.isin(range(6, 11))].sum()) / total,
        "busiest_day": int(d["people_arrived"].max()),
    }


def _stats(runs: list[dict]) -> dict:
    out = {}
    for key in runs[0]:
        values = np.array([r[key] for r in runs], dtype=float)
        out[key] = {
            "mean": round(float(values.mean()), 4),
            "p5": round(float(np.percentile(values, 5)), 4),
            "p95": round(float(np.percentile(values, 95)), 4),
        }
    return out


def _elasticity(low: list[dict], high: list[dict]) -> dict:
    """% change in arrivals and in boats launched per 1% more boats (and engines) seized, seed-paired means."""

    def pct(key: str) -> float:
        a = np.mean([r[key] for r in low])
        b = np.mean([r[key] for r in high])
        return 100.0 * (b - a) / a

    seized = pct("boats_seized")
    return {
        "pct_more_seized": round(seized, 1),
        "arrivals_per_1pct_seized": round(pct("people_arrived") / seized, 3),
        "boats_launched_per_1pct_seized": round(pct("boats_launched") / seized, 3),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--baselines", action="store_true", help="the lever effects' baselines instead")
    ap.add_argument("-o", "--override", action="append", default=[], help="extra override for every run")
    ap.add_argument("--out", default="mechanisms.json", help="file in benchmarks/output (default mechanisms.json)")
    args = ap.parse_args()
    seeds = range(args.seeds)
    if args.baselines:
        baselines(seeds, args.jobs)
        return
    configs = {
        "default_2024": (),
    }
    for market in ("true", "false"):
        configs[f"seizures_market_{market}"] = (*SEIZURES, f"supply_chain.market={market}")
        configs[f"more_seizures_market_{market}"] = (*SEIZURES, *MORE, f"supply_chain.market={market}")
    jobs = [((*ov, *args.override), s) for ov in configs.values() for s in seeds]
    with ProcessPoolExecutor(args.jobs) as pool:
        results = list(pool.map(_one, jobs))
    by = {name: results[i * len(seeds) : (i + 1) * len(seeds)] for i, name in enumerate(configs)}
    default = by["default_2024"]
    report = {
        "seeds": args.seeds,
        "overrides": args.override,
        "interval": "5-95% over seeds (chance only; default parameters: the posterior medians)",
        "runs": {name: _stats(runs) for name, runs in by.items()},
        "busiest_day_default_2024": sorted(r["busiest_day"] for r in default),
        "runs_with_a_day_above_1305": int(sum(r["busiest_day"] > 1305 for r in default)),
        "elasticity": {
            "market_on": _elasticity(by["seizures_market_true"], by["more_seizures_market_true"]),
            "market_off": _elasticity(by["seizures_market_false"], by["more_seizures_market_false"]),
        },
    }
    (HERE / "output").mkdir(exist_ok=True)
    (HERE / "output" / args.out).write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


def baselines(seeds: range, jobs: int) -> None:
    """The default year with a fixed supply, and the border-security scenario with the market on and off."""
    configs = {
        "default_2024_market_false": ("supply_chain.market=false",),
        "border_security_2024_market_true": ("scenario=border_security_2024",),
        "border_security_2024_market_false": ("scenario=border_security_2024", "supply_chain.market=false"),
    }
    with ProcessPoolExecutor(jobs) as pool:
        results = list(pool.map(_one, [(ov, s) for ov in configs.values() for s in seeds]))
    by = {name: results[i * len(seeds) : (i + 1) * len(seeds)] for i, name in enumerate(configs)}
    report = {
        "seeds": len(seeds),
        "interval": "5-95% over seeds (chance only; default parameters)",
        "runs": {name: _stats(runs) for name, runs in by.items()},
    }
    (HERE / "output").mkdir(exist_ok=True)
    (HERE / "output" / "mechanisms_baselines.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
