"""Two kinds of death: crush and asphyxia in overcrowded boats, capsizes at sea; capsizes fitted on the pooled
IOM incidents of 2019-2023."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import CrossingConfig
from sim.crossing import crush_probability, incident_probability
from sim.evidence import incidents


def test_capsize_severity_defaults_are_the_pooled_2019_2023_fit():
    fit = incidents.fit()
    cfg = CrossingConfig()
    assert (fit.first_year, fit.last_year) == (2019, 2023)
    assert cfg.mass_casualty_prob == pytest.approx(fit.mass_casualty_prob, abs=5e-4)
    assert cfg.mass_casualty_fraction == pytest.approx(fit.mass_casualty_fraction, abs=5e-4)
    assert cfg.minor_incident_deaths == pytest.approx(fit.minor_incident_deaths, abs=5e-3)
    assert fit.crush_deaths == 0  # no crush or asphyxia death at sea before 2024: the crush hazard is an assumption
    with pytest.raises(ValueError, match="test years"):
        incidents.fit(2019, 2024)


def test_crush_is_zero_up_to_design_capacity_and_rises_steeply_above_it():
    cfg = CrossingConfig()
    loads = np.array([20, 40, cfg.design_capacity, 65, 80, 100])
    beach = crush_probability(cfg, loads, np.zeros(loads.size, dtype=bool))
    taxi = crush_probability(cfg, loads, np.ones(loads.size, dtype=bool))
    assert (beach[:3] == 0).all() and (np.diff(beach[2:]) > 0).all()
    assert (taxi[3:] > beach[3:]).all()
    # Steep: the step from 80 to 100 aboard adds more risk than the step from 65 to 80.
    assert beach[5] - beach[4] > beach[4] - beach[3]


def test_capsizes_rise_with_waves_and_cold_water_and_fall_with_rescue():
    cfg = CrossingConfig()
    one = np.array([50])
    km = np.array([40.0])
    no = np.array([False])
    calm = incident_probability(cfg, one, 0.5, km, 0.8, no, 1.0, winter=0.0)
    rough = incident_probability(cfg, one, 1.0, km, 0.8, no, 1.0, winter=0.0)
    cold = incident_probability(cfg, one, 0.5, km, 0.8, no, 1.0, winter=1.0)
    rescued = incident_probability(cfg, one, 0.5, km, 0.8, no, 0.5, winter=0.0)
    assert rough > calm and cold > calm and rescued < calm
