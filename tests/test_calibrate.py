"""Calibration machinery: priors inside the declared ranges, ABC-SMC recovering known parameters of a toy simulator
scored on a toy target, resuming from a checkpoint with the same draws. The real calibration (the 2021-2023 window)
is tested in tests/test_window_calibration.py; nothing is fitted to 2024 any more."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest

from sim.config import ConfigError
from sim.evidence import calibrate as C

# ----------------------------------------------------------------------------------------------- priors


def test_priors_lie_inside_the_declared_ranges():
    C.check_priors()
    assert C.declared_range("crossing.incident_base_prob") == (0.0, 1.0)
    assert C.declared_range("migration.annual_entrants") == (0.0, 10_000_000.0)
    for p in C.FREE_PARAMETERS:
        low, high = C.declared_range(p.key)
        assert low <= p.low < p.high <= high, p.key


def test_a_prior_outside_its_declared_range_is_refused():
    bad = C.FreeParameter("crossing.incident_base_prob", 0.01, 1.5, False)
    with pytest.raises(ConfigError, match=r"incident_base_prob: prior \[0.01, 1.5\] is outside the declared range"):
        C.check_priors([bad])
    with pytest.raises(ConfigError, match=r"crossing\.nope: not a declared parameter"):
        C.check_priors([C.FreeParameter("crossing.nope", 0.0, 1.0, False)])
    with pytest.raises(ConfigError, match="log-uniform prior needs positive bounds"):
        C.check_priors([C.FreeParameter("migration.entry_seasonal_amplitude", 0.0, 1.0, True)])


def test_overrides_move_tied_parameters_in_proportion_and_round_integers():
    ov = C.to_overrides([50_000, 0.5, 180.6, 30.0, 0.8, 0.1, 0.02])
    d = dict(o.split("=") for o in ov)
    assert d["migration.entry_peak_day"] == "181"
    ratio = C.declared_default("supply_chain.engines_per_week") / C.declared_default("supply_chain.boats_per_week")
    assert float(d["supply_chain.engines_per_week"]) == pytest.approx(30.0 * ratio, rel=1e-5)
    from sim.cli import load_config

    cfg = load_config(ov)  # Hydra accepts them
    assert cfg.migration.entry_peak_day == 181


def test_weighted_quantile_and_smc_weights():
    assert C.weighted_quantile(np.array([1.0, 2.0, 3.0]), 0.5) == pytest.approx(2.0)
    assert C.weighted_quantile(np.array([1.0, 2.0, 3.0]), 0.5, np.array([0.0, 0.0, 1.0])) == pytest.approx(3.0)
    z_old = np.array([[0.0], [0.1], [0.2], [3.0]])
    w_old = np.full(4, 0.25)
    cov = np.array([[0.5]])
    w = C.smc_weights(np.array([[0.1], [3.0]]), z_old, w_old, cov)
    assert w.sum() == pytest.approx(1.0)
    assert w[1] > w[0]  # proposed less often where the old population was sparse: more weight


# -------------------------------------------------------------------------------------- ABC-SMC on a toy
TRUTH = {
    "migration.annual_entrants": 52_000.0,
    "supply_chain.boats_per_week": 24.0,
    "crossing.incident_base_prob": 0.02,
}
TOY_PARAMS = tuple(p for p in C.FREE_PARAMETERS if p.key in TRUTH)


# Relative error allowed on the posterior median: deaths are weakly identified (50% tolerance in the distance).
RECOVERY = {"migration.annual_entrants": 0.1, "supply_chain.boats_per_week": 0.1, "crossing.incident_base_prob": 0.3}
# What the toy's true parameters give (invented numbers: the toy is not the model and no year's data).
TOY_TRUTH_OUTCOMES = {"people_arrived": 30_000.0, "boats_arrived": 700.0, "deaths_at_sea": 40.0}
TOY_TOLERANCE = {"people_arrived": 0.25, "boats_arrived": 0.25, "deaths_at_sea": 0.5}


class ToyTargets:
    """Root mean square of (toy - truth) / (truth x tolerance), the window calibration's kind of distance."""

    def distance(self, stats: dict[str, float]) -> float:
        terms = [(stats[k] - o) / (o * TOY_TOLERANCE[k]) for k, o in TOY_TRUTH_OUTCOMES.items()]
        return float(np.sqrt(np.mean(np.square(terms))))


def toy_simulator(task):
    """Outcomes as simple functions of the parameters, with 3% noise: the truth is known."""
    overrides, seed = task
    v = {k: float(x) for k, x in (o.split("=", 1) for o in overrides) if k in TRUTH}
    rng = np.random.default_rng(seed)
    noise = lambda: np.exp(0.03 * rng.standard_normal())  # noqa: E731
    t = TOY_TRUTH_OUTCOMES
    people = t["people_arrived"] * v["migration.annual_entrants"] / TRUTH["migration.annual_entrants"] * noise()
    boats = t["boats_arrived"] * v["supply_chain.boats_per_week"] / TRUTH["supply_chain.boats_per_week"] * noise()
    deaths = t["deaths_at_sea"] * v["crossing.incident_base_prob"] / TRUTH["crossing.incident_base_prob"] * noise()
    return {"people_arrived": people, "boats_arrived": boats, "deaths_at_sea": deaths}


def _toy(tmp_path, name, **kw):
    settings = C.Settings(population=30, gen0_factor=3, max_generations=5, max_simulations=500, batch=10, seed=7)
    for k, v in kw.items():
        setattr(settings, k, v)
    return C.Calibration(
        settings,
        tmp_path / name,
        jobs=1,
        params=TOY_PARAMS,
        targets=ToyTargets(),
        simulator=toy_simulator,
        log=lambda m: None,
    )


def test_abc_smc_recovers_known_parameters(tmp_path):
    cal = _toy(tmp_path, "toy")
    state = cal.run()
    assert state["generation"] >= 3
    eps = state["epsilons"]
    assert all(b < a for a, b in itertools.pairwise(eps))  # tolerances fall
    post = cal.posterior()
    assert len(post) == 30 and post["weight"].sum() == pytest.approx(1.0)
    summary = C.posterior_summary(post, TOY_PARAMS)
    for key, truth in TRUTH.items():
        q = summary[key]
        p = next(p for p in TOY_PARAMS if p.key == key)
        assert q["median"] == pytest.approx(truth, rel=RECOVERY[key]), key
        assert q["p5"] < truth * 1.1 and q["p95"] > truth * 0.9, key
        assert q["p95"] / q["p5"] < (p.high / p.low) ** 0.6, key  # narrower than the prior
    # Engines follow boats in proportion in the accepted set.
    ratio = post["supply_chain.engines_per_week"] / post["supply_chain.boats_per_week"]
    assert np.allclose(ratio, ratio.iloc[0])


def test_resuming_from_the_checkpoint_gives_the_same_draws(tmp_path):
    straight = _toy(tmp_path, "straight", max_simulations=150)
    straight.run()
    first = _toy(tmp_path, "resumed", max_simulations=70)  # stops mid-generation, checkpoint on disk
    first.run()
    assert json.loads((tmp_path / "resumed" / "state.json").read_text())["stop_reason"] == "simulation budget reached"
    resumed = _toy(tmp_path, "resumed", max_simulations=150)
    assert resumed.state["n_sims"] == 70
    resumed.run()
    a = pd.read_csv(tmp_path / "straight" / "simulations.csv")
    b = pd.read_csv(tmp_path / "resumed" / "simulations.csv")
    pd.testing.assert_frame_equal(a, b)
    assert straight.state["epsilons"] == resumed.state["epsilons"]


def test_a_checkpoint_with_other_settings_is_not_resumed(tmp_path):
    _toy(tmp_path, "x", max_simulations=20).run()
    with pytest.raises(ConfigError, match="a checkpoint with other settings exists"):
        _toy(tmp_path, "x", population=31)
