"""Posterior draws: the shipped equal-weight resample of the calibration, ``posterior_draw=K`` applied when a config is
composed (command-line overrides win, out of range refused), ``posterior_draw=null`` as the medians of the file the
config names (read at run time, so they follow a recalibration), and the draw recorded in run folders and sweep
tables."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from omegaconf import OmegaConf, open_dict

from sim import cli
from sim.config import ConfigError, declared_default
from sim.evidence import calibrate as C
from sim.evidence import window as W

ROOT = Path(__file__).resolve().parent.parent
CAL = ROOT / "data" / "calibration" / "history"
KEYS = C.draw_keys(W.HISTORY_PARAMETERS)
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
    assert list(draws.columns) == ["draw", *KEYS]
    assert draws["draw"].tolist() == list(range(len(draws)))
    prov = json.loads((CAL / "provenance.json").read_text())["posterior_draws"]
    assert prov["rows"] == len(draws)
    assert prov["sha256"] == hashlib.sha256((CAL / C.DRAWS_FILE).read_bytes()).hexdigest()
    assert cli.calibration_id() == f"data/calibration/history@{prov['sha256'][:12]}"
    again = C.resample_posterior(pd.read_csv(CAL / "accepted.csv"), seed=prov["seed"], params=W.HISTORY_PARAMETERS)
    pd.testing.assert_frame_equal(again, draws, check_dtype=False, rtol=1e-9)
    accepted = pd.read_csv(CAL / "accepted.csv")[KEYS].to_numpy(dtype=float)
    for row in draws[KEYS].to_numpy(dtype=float):  # every draw is one accepted parameter set
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
    for key in KEYS:
        assert _get(cfg, key) == pytest.approx(row[key], rel=1e-12), key
    assert isinstance(cfg.migration.entry_peak_day, int)
    text = OmegaConf.to_yaml(cli.compose_raw(["posterior_draw=3"]))  # what config.yaml of the run holds
    assert f"yearly_entrants_scale: {row['migration.yearly_entrants_scale']}" in text


def test_the_default_run_uses_the_medians_of_its_posterior_file(draws, tmp_path):
    cfg = cli.load_config([])  # python -m sim: posterior_draw=null
    assert cfg.posterior_draw is None and cfg.posterior_file == "data/calibration/history/posterior_draws.csv"
    for key in KEYS:
        median = float(np.median(draws[key]))
        expected = round(median) if isinstance(declared_default(key), int) else median
        assert _get(cfg, key) == pytest.approx(expected, rel=1e-12), key
    # They follow the file, not a copy: another file with other values gives its own medians.
    other = tmp_path / "posterior_draws.csv"
    other.write_text(
        "draw,crossing.incident_base_prob,smuggling.launch_wave_limit_m\n0,0.01,0.5\n1,0.03,0.7\n2,0.05,0.9\n"
    )
    cfg = cli.load_config([f"posterior_file={other}"])
    assert cfg.crossing.incident_base_prob == pytest.approx(0.03)
    assert cfg.smuggling.launch_wave_limit_m == pytest.approx(0.7)
    assert cfg.supply_chain.boats_per_week == pytest.approx(declared_default("supply_chain.boats_per_week"))
    # The command line wins over a median; posterior_file=null gives the declared defaults.
    assert cli.load_config(["crossing.incident_base_prob=0.02"]).crossing.incident_base_prob == 0.02
    none = cli.load_config(["posterior_file=null"])
    for key in KEYS:
        assert _get(none, key) == pytest.approx(declared_default(key)), key
    # The history scenario shares the same medians.
    history = cli.load_config(["scenario=history_2021_2025"])
    assert history.migration.yearly_entrants_scale == pytest.approx(np.median(draws["migration.yearly_entrants_scale"]))
    meta = cli.draw_metadata({"posterior_draw": None, "posterior_file": "data/calibration/history/posterior_draws.csv"})
    assert meta["posterior_values"] == "medians" and meta["calibration_id"] == cli.calibration_id()


def test_a_command_line_override_wins_over_the_draw(draws):
    cfg = cli.load_config(["migration.yearly_entrants_scale=0.9", "posterior_draw=5"])
    assert cfg.migration.yearly_entrants_scale == 0.9
    assert cfg.smuggling.launch_wave_limit_m == pytest.approx(draws.iloc[5]["smuggling.launch_wave_limit_m"])


def test_out_of_range_or_clashing_draws_are_refused_with_one_line(draws, tmp_path, monkeypatch):
    n = len(draws)
    for k in (n, -1):
        with pytest.raises(ConfigError, match=rf"^posterior_draw={k}: out of range, allowed \[0, {n - 1}\]"):
            cli.load_config([f"posterior_draw={k}"])
    # A scenario file that sets a drawn key: refused with a draw, its own value kept at the medians.
    scenarios = tmp_path / "scenario"
    scenarios.mkdir()
    (scenarios / "baseline_2024.yaml").write_text("# @package _global_\ncrossing:\n  incident_base_prob: 0.02\n")
    raw = cli.compose_raw([])
    monkeypatch.setattr(cli, "CONFIG_DIR", tmp_path)
    with open_dict(raw):
        raw.posterior_draw = 0
    with pytest.raises(ConfigError, match=r"scenario baseline_2024 sets crossing\.incident_base_prob"):
        cli.apply_posterior_draw(raw, [])
    with open_dict(raw):
        raw.posterior_draw = None
        raw.crossing.incident_base_prob = 0.02  # as the scenario file sets it
    assert cli.apply_posterior_draw(raw, []).crossing.incident_base_prob == 0.02


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
        scale = draws.iloc[k]["migration.yearly_entrants_scale"]
        assert conf.migration.yearly_entrants_scale == pytest.approx(scale)
        assert conf.migration.entry_peak_day == 200  # the command line's value, not the draw's


def test_a_sweep_over_draws_is_checked_before_it_starts():
    from sim.sweeps.sweep import preflight_sweep

    assert preflight_sweep(["-m", "posterior_draw=0,1", "seed=0,1", *TINY]) == 4
    with pytest.raises(ConfigError, match=r"^posterior_draw=500: out of range, allowed \[0, "):
        preflight_sweep(["-m", "posterior_draw=0,500", *TINY])
