"""Posterior draws: the shipped equal-weight resample of the calibration, ``posterior_draw=K`` applied when a config is
composed (command-line overrides win, out of range refused), and the draw recorded in run folders and sweep tables."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from omegaconf import OmegaConf

from sim import cli
from sim.config import ConfigError, declared_default
from sim.evidence import calibrate as C

ROOT = Path(__file__).resolve().parent.parent
CAL = ROOT / "data" / "calibration" / "2024"
TINY = ["days=10", "scale=0.02", "world.burn_in_days=10"]


@pytest.fixture(scope="module")
def draws() -> pd.DataFrame:
    return pd.read_csv(CAL / C.DRAWS_FILE)


def _get(cfg, key: str):
    node = cfg
    for part in key.split("."):
        node = getattr(node, part)
    return node


# ------------------------------------------------------------------------------------------ the shipped file
def test_shipped_draws_are_the_seeded_resample_of_the_accepted_set(draws):
    assert list(draws.columns) == ["draw", *C.draw_keys()]
    assert draws["draw"].tolist() == list(range(len(draws)))
    prov = json.loads((CAL / "provenance.json").read_text())["posterior_draws"]
    assert prov["rows"] == len(draws)
    assert prov["sha256"] == hashlib.sha256((CAL / C.DRAWS_FILE).read_bytes()).hexdigest()
    assert cli.calibration_id() == f"data/calibration/2024@{prov['sha256'][:12]}"
    again = C.resample_posterior(pd.read_csv(CAL / "accepted.csv"), seed=prov["seed"])
    pd.testing.assert_frame_equal(again, draws, check_dtype=False, rtol=1e-9)
    accepted = pd.read_csv(CAL / "accepted.csv")[C.draw_keys()].to_numpy(dtype=float)
    for row in draws[C.draw_keys()].to_numpy(dtype=float):  # every draw is one accepted parameter set
        assert np.isclose(accepted, row, rtol=1e-5).all(axis=1).any()


def test_systematic_resampling_keeps_each_set_in_proportion_to_its_weight():
    rng = np.random.default_rng(1)
    idx = C.resample_indices(np.array([0.5, 0.25, 0.25, 0.0]), 8, rng)
    assert np.bincount(idx, minlength=4).tolist() == [4, 2, 2, 0]
    assert idx.tolist() != sorted(idx.tolist())  # shuffled: the first K rows are a fair sample on their own
    many = C.resample_indices(np.array([0.7, 0.3]), 20_000, rng, method="multinomial")
    assert abs(np.mean(many == 0) - 0.7) < 0.02
    with pytest.raises(ConfigError, match="not all zero"):
        C.resample_indices(np.zeros(3), 5, rng)
    with pytest.raises(ConfigError, match="method=stratified: unknown"):
        C.resample_indices(np.ones(3), 5, rng, method="stratified")


# ------------------------------------------------------------------------------------------ applying a draw
def test_a_draw_sets_its_values_and_the_resolved_config_shows_them(draws):
    row = draws.iloc[3]
    cfg = cli.load_config(["posterior_draw=3"])
    assert cfg.posterior_draw == 3
    for key in C.draw_keys():
        assert _get(cfg, key) == pytest.approx(row[key], rel=1e-12), key
    assert isinstance(cfg.migration.entry_peak_day, int)
    text = OmegaConf.to_yaml(cli.compose_raw(["posterior_draw=3"]))  # what config.yaml of the run holds
    assert f"annual_entrants: {row['migration.annual_entrants']}" in text
    default = cli.load_config([])  # no draw: the defaults (the posterior medians)
    assert default.posterior_draw is None
    assert default.crossing.incident_base_prob != pytest.approx(row["crossing.incident_base_prob"])
    assert default.supply_chain.boats_per_week == pytest.approx(declared_default("supply_chain.boats_per_week"))


def test_a_command_line_override_wins_over_the_draw(draws):
    cfg = cli.load_config(["migration.annual_entrants=41000", "posterior_draw=5"])
    assert cfg.migration.annual_entrants == 41000
    assert cfg.smuggling.launch_wave_limit_m == pytest.approx(draws.iloc[5]["smuggling.launch_wave_limit_m"])


def test_out_of_range_or_clashing_draws_are_refused_with_one_line(draws):
    n = len(draws)
    for k in (n, -1):
        with pytest.raises(ConfigError, match=rf"^posterior_draw={k}: out of range, allowed \[0, {n - 1}\]"):
            cli.load_config([f"posterior_draw={k}"])
    with pytest.raises(ConfigError, match=r"scenario backcast_2022 sets migration\.annual_entrants"):
        cli.load_config(["scenario=backcast_2022", "posterior_draw=0"])


def test_a_damaged_draws_file_is_named(tmp_path):
    bad = tmp_path / "posterior_draws.csv"
    bad.write_text("draw,migration.annual_entrants\n0,50000\n2,51000\n")
    with pytest.raises(ConfigError, match=r"posterior_draws\.csv: damaged at draw 1"):
        cli.read_posterior_draws(bad)
    bad.write_text("draw,migration.annual_entrants\n0,lots\n")
    with pytest.raises(ConfigError, match=r"draw 0, migration.annual_entrants='lots' is not a number"):
        cli.read_posterior_draws(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        cli.read_posterior_draws(tmp_path / "missing.csv")
    bad.write_text("draw,crossing.incident_base_prob\n0,0.02\n1,1.5\n")
    with pytest.raises(ConfigError, match=r"draw 1, crossing\.incident_base_prob=1\.5: out of range"):
        cli.check_posterior_draws(bad)
    assert cli.check_posterior_draws() == len(pd.read_csv(CAL / C.DRAWS_FILE))  # the shipped file is sound


# ------------------------------------------------------------------------------------------ runs and sweeps
def test_a_sweep_over_draws_records_them_in_metadata_config_and_table(tmp_path, draws):
    sweep_dir = tmp_path / "sweep"
    p = subprocess.run(
        [sys.executable, "-m", "sim", "-m", "posterior_draw=0,1", "seed=0", "migration.entry_peak_day=200", *TINY,
         f"hydra.sweep.dir={sweep_dir}", "hydra.launcher.n_jobs=1", "hydra.callbacks.sweep.progress_every=0"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert p.returncode == 0, p.stderr[-3000:]
    table = pd.read_parquet(sweep_dir / "sweep_runs.parquet")
    assert table["posterior_draw"].tolist() == [0, 1]
    assert list(table.columns[:5]) == ["job_num", "run_dir", "scenario", "seed", "posterior_draw"]
    for k in (0, 1):
        run_dir = sweep_dir / table.loc[table["posterior_draw"] == k, "run_dir"].iloc[0]
        meta = json.loads((run_dir / "metadata.json").read_text())
        assert meta["posterior_draw"] == k and meta["calibration_id"] == cli.calibration_id()
        conf = OmegaConf.load(run_dir / "config.yaml")
        assert conf.posterior_draw == k
        assert conf.migration.annual_entrants == pytest.approx(draws.iloc[k]["migration.annual_entrants"])
        assert conf.migration.entry_peak_day == 200  # the command line's value, not the draw's


def test_a_sweep_over_draws_is_checked_before_it_starts():
    from sim.sweeps.sweep import preflight_sweep

    assert preflight_sweep(["-m", "posterior_draw=0,1", "seed=0,1", *TINY]) == 4
    with pytest.raises(ConfigError, match=r"^posterior_draw=500: out of range, allowed \[0, "):
        preflight_sweep(["-m", "posterior_draw=0,500", *TINY])
