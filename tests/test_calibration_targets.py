"""The default 2024 scenario against the 2024 targets, as a report (slow): 2024 is a test year, so its distance
to the observed values is a score of the forecast, not a pass mark (nothing may be fitted to it).

Runs 10 seeds at full scale and writes the scorecard to benchmarks/output/scorecard_2024.json: for each target
the mean over seeds, the seeds' 5-95% range (chance only), the observed value and the relative difference, and
whether it is within the simulation core's original tolerance (25%, deaths 50%). The test fails only if the
scorecard cannot be made (a target missing or not a number).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from sim.evidence import observed as obs
from sim.evidence import validate as V
from sim.outputs import atomic_write_text

pytestmark = pytest.mark.slow
SEEDS = range(10)
OUT = Path(__file__).resolve().parent.parent / "benchmarks" / "output" / "scorecard_2024.json"


def scorecard(runs) -> dict:
    observed = obs.annual_targets(2024)
    card = {}
    for target, tolerance in V.TOLERANCE.items():
        values = np.array([r.summary[target] for r in runs], dtype=float)
        mean = float(values.mean())
        rd = (mean - observed[target]) / observed[target]
        card[target] = {
            "model_mean": round(mean, 3),
            "model_5_95": [round(float(np.percentile(values, q)), 3) for q in (5, 95)],
            "observed_2024": observed[target],
            "relative_difference": round(rd, 3),
            "within_original_tolerance": bool(abs(rd) <= tolerance),
        }
    return card


def test_the_2024_scorecard_is_written():
    runs = V.simulate([], SEEDS)
    assert {(r.year, r.scale, r.days) for r in runs} == {(2024, 1.0, 366)}
    card = scorecard(runs)
    atomic_write_text(OUT, json.dumps({"seeds": len(SEEDS), "targets": card}, indent=2) + "\n")
    print(json.dumps(card, indent=2))
    assert set(card) == set(V.TOLERANCE)
    assert all(math.isfinite(row["model_mean"]) for row in card.values())
