"""The per-run tables of the crush and capsize terms (sim/crossing.py SeaRisk) give exactly the numbers of the
functions that define them, boat by boat, including loads beyond the tables."""

from __future__ import annotations

import numpy as np

from sim.crossing import SeaRisk, crush_probability, expected_deaths_in_incident, incident_probability
from tests.conftest import cfg_with


def test_sea_risk_gives_the_functions_numbers_exactly():
    cfg = cfg_with("days=1").crossing
    rng = np.random.default_rng(3)
    distance = np.array([28.0, 40.0, 55.0, 80.0])
    risk = SeaRisk(cfg, distance, max_load=90)
    for wave, winter in ((0.2, 0.0), (1.3, 0.7), (0.8, 1.0)):
        risk.night(wave, winter)
        n = 50
        loads = rng.integers(1, 130, n)  # some above the tables: the functions' own numbers then
        areas = rng.integers(0, distance.size, n)
        taxi = rng.random(n) < 0.4
        rescue = rng.uniform(0.1, 1.0, n)
        quality = float(rng.uniform(0.3, 1.0))
        p_inc = incident_probability(cfg, loads, wave, distance[areas], quality, taxi, rescue, winter)
        p_crush = crush_probability(cfg, loads, taxi)
        e_capsize = p_inc * expected_deaths_in_incident(cfg, loads)
        for k in range(n):
            one = risk.launches([int(loads[k])], [int(areas[k])], quality, [bool(taxi[k])], [float(rescue[k])])
            assert one == ([p_inc[k]], [p_crush[k]], [e_capsize[k]])
        small = loads <= 90
        got = risk.launches(
            loads[small].tolist(), areas[small].tolist(), quality, taxi[small].tolist(), rescue[small].tolist()
        )
        assert got == (p_inc[small].tolist(), p_crush[small].tolist(), e_capsize[small].tolist())
