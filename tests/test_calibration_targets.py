"""The calibrated default scenario against the 2024 targets: mean of 10 seeds at full scale (slow).

The simulation core's requirement: people and boats arrived, people per boat, crossing days and prevention share
within 25% of the observed 2024 values, deaths at sea within 50%.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.evidence import observed as obs
from sim.evidence import validate as V

pytestmark = pytest.mark.slow
SEEDS = range(10)


@pytest.fixture(scope="module")
def default_runs():
    return V.simulate([], SEEDS)


@pytest.mark.parametrize("target", list(V.TOLERANCE))
def test_default_scenario_meets_the_2024_target(default_runs, target):
    observed = obs.annual_targets(2024)[target]
    mean = float(np.mean([r.summary[target] for r in default_runs]))
    assert abs(mean - observed) / observed <= V.TOLERANCE[target], f"{target}: model {mean:.3g} vs {observed:.3g}"


def test_default_scenario_is_2024_at_full_scale(default_runs):
    assert {r.year for r in default_runs} == {2024}
    assert {r.scale for r in default_runs} == {1.0}
    assert {r.days for r in default_runs} == {366}
