"""The default run's out-of-sample score on 2024, a test year (``python -m sim.evidence.scorecard``, ``make
score-2024``).

The default run (``python -m sim``: 2024 alone, the medians of the 2021-2023 posterior, the timeline's 2024 state,
demand walking at random from the 2023 level) is fitted to nothing from 2024, so its distance to the 2024 targets
(data/annual_reference.csv) is a score of a forecast, reported, never a pass mark. For each annual target: the mean
over seeds, the seeds' 5-95% range (chance only: one parameter set, the medians; the spread over the posterior's
assumptions is the history forecast's, ``python -m sim.forecast``), the observed value, the relative difference and
whether it lies within the tolerance the calibration uses (25%, deaths at sea 50%); then the distance, the root mean
square of the differences over their tolerances (1 = at the tolerance on average), as the window calibration scores
its years. Written to ``benchmarks/output/scorecard_2024.json`` (atomic) and printed.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim.config import ConfigError
from sim.evidence import observed as obs
from sim.evidence import validate as V
from sim.results.outcomes import per_full_scale

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "benchmarks" / "output" / "scorecard_2024.json"
YEAR = 2024


def scorecard(records: Sequence[V.RunRecord], observed: dict[str, float] | None = None) -> dict[str, Any]:
    """The rows (one per annual target) and the distance of runs of the default year against its observations."""
    observed = obs.annual_targets(YEAR) if observed is None else observed
    rows: dict[str, dict[str, Any]] = {}
    terms = []
    for target, tolerance in V.TOLERANCE.items():
        values = np.array([per_full_scale(target, float(r.summary[target]), r.scale) for r in records], dtype=float)
        mean, o = float(values.mean()), float(observed[target])
        rd = (mean - o) / o
        terms.append(rd / tolerance)
        rows[target] = {
            "model_mean": round(mean, 3),
            "model_5_95": [round(float(np.percentile(values, q)), 3) for q in (5, 95)],
            "observed_2024": o,
            "relative_difference": round(rd, 3),
            "tolerance": tolerance,
            "within_tolerance": bool(abs(rd) <= tolerance),
        }
    return {
        "year": YEAR,
        "in_sample": False,
        "runs": len(records),
        "seeds": sorted({r.seed for r in records}),
        "scale": sorted({r.scale for r in records}),
        "distance": round(float(np.sqrt(np.mean(np.square(terms)))), 3),
        "targets": rows,
    }


def format_card(card: dict[str, Any]) -> str:
    lines = [
        f"2024, a test year scored out of sample ({card['runs']} runs, scale {', '.join(map(str, card['scale']))}; "
        "5-95%: chance over seeds only)",
        f"{'target':18s} {'model':>10s} {'5-95%':>19s} {'observed':>10s} {'diff':>7s}  within",
    ]
    for name, r in card["targets"].items():
        lo, hi = r["model_5_95"]
        lines.append(
            f"{name:18s} {V._num(r['model_mean']):>10s} {V._num(lo) + '-' + V._num(hi):>19s} "
            f"{V._num(r['observed_2024']):>10s} {r['relative_difference']:>+7.0%}  "
            f"{'yes' if r['within_tolerance'] else 'no'} ({r['tolerance']:.0%})"
        )
    lines.append(f"distance (RMS of difference / tolerance): {card['distance']:.2f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m sim.evidence.scorecard", description=__doc__.split("\n\n")[0])
    p.add_argument("--seeds", type=int, default=10, help="seeds 0..N-1 of the default run (default 10)")
    p.add_argument("--scale", type=float, default=1.0, help="population scale (default 1: full scale)")
    p.add_argument("--jobs", type=int, default=None, help="parallel processes (default: all available cores)")
    p.add_argument("--out", type=Path, default=OUT, help=f"JSON file (default {OUT.relative_to(ROOT)})")
    p.add_argument("-o", "--override", action="append", default=[], help="extra Hydra override for the runs")
    a = p.parse_args(argv)
    try:
        if a.seeds < 1:
            raise ConfigError(f"--seeds {a.seeds}: must be >= 1")
        if not 0 < a.scale <= 1:
            raise ConfigError(f"--scale {a.scale:g}: out of range, allowed (0, 1]")
        from sim.cli import load_config

        overrides = [f"scale={a.scale:g}", *a.override]
        cfg = load_config(overrides)  # checked before any run
        if cfg.world.start_date[:4] != str(YEAR) or cfg.days != 366:
            raise ConfigError(
                f"world.start_date={cfg.world.start_date}, days={cfg.days}: the scorecard scores 2024 alone "
                "(2024-01-01, 366 days); drop the override that moves it"
            )
        records = V.simulate(overrides, range(a.seeds), a.jobs)
        card = scorecard(records)
        if not all(math.isfinite(r["model_mean"]) for r in card["targets"].values()):
            raise ConfigError("a target of the runs is not a number")
        from sim.outputs import atomic_write_text

        atomic_write_text(a.out, json.dumps(card, indent=2) + "\n")
        print(format_card(card))
        print(f"wrote {a.out}")
    except (ConfigError, obs.ObservedDataError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
