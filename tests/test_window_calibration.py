"""History calibration on a window of years (sim/evidence/window.py): targets from the window's years only, the
wall-clock budget pausing and resuming with the same draws, seeds per particle, the history scenario drawing from
its own posterior file, and bad windows refused on one line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import cli
from sim.config import ConfigError
from sim.evidence import calibrate as C
from sim.evidence import observed as obs
from sim.evidence import window as W

ROOT = Path(__file__).resolve().parent.parent
HISTORY = ROOT / "data" / "calibration" / "history"


# ------------------------------------------------------------------------------------------------- targets
def test_window_targets_come_from_the_window_years_only():
    annual, daily = obs.load_annual(), obs.load_daily()
    real = W.WindowTargets.load((2021, 2023), annual, daily)
    poisoned = annual.copy()
    poisoned.loc[[2024, 2025]] = poisoned.loc[[2024, 2025]] * 7  # a test-year figure that entered would show
    again = W.WindowTargets.load((2021, 2023), poisoned, daily)
    assert json.dumps(real.record(), sort_keys=True) == json.dumps(again.record(), sort_keys=True)
    assert set(real.annual) == {2021, 2022, 2023}
    assert real.annual[2023]["people_arrived"] == 29437 and real.annual[2022]["deaths_at_sea"] == 6
    assert 36816 not in [v for year in real.annual.values() for v in year.values()]  # 2024's arrivals
    # 2023-24 (55% of boats over 50 aboard) reaches into 2024: only the financial years ending in the window count.
    assert real.large_boat_share == {2021: 0.05, 2022: 0.27}
    assert W.WindowTargets.load((2021, 2022), annual, daily).large_boat_share == {2021: 0.05}
    # Each year's shares are that year's: 2023's own, not the 2021-2023 average.
    assert np.allclose(real.shares[2023], obs.monthly_shares(daily, [2023]).to_numpy())


def _on_target(t: W.WindowTargets) -> dict[str, float]:
    s = {}
    for y in t.years:
        s.update({f"{y}.{k}": v for k, v in {**t.annual[y], **t.patterns[y]}.items()})
        s.update({f"{y}.share_{m + 1:02d}": float(t.shares[y][m]) for m in range(12)})
    s.update({f"fy{y}.share_boats_over_50": v for y, v in t.large_boat_share.items()})
    return s


def test_window_distance_is_zero_on_target_and_counts_every_year():
    t = W.WindowTargets.load((2021, 2023))
    stats = _on_target(t)
    assert t.distance(stats) == pytest.approx(0.0)
    n = len(t.terms(stats))
    assert n == 3 * (6 + 1 + len(W.PATTERN_STATS)) + 2
    stats["2022.people_arrived"] *= 1.25  # 25% high in one year: one term at the tolerance
    assert t.distance(stats) == pytest.approx(np.sqrt(1 / n))
    stats = _on_target(t)
    stats["fy2022.share_boats_over_50"] += 0.10
    assert t.distance(stats) == pytest.approx(np.sqrt(1 / n))


def test_window_statistics_of_a_daily_table():
    dates = pd.date_range("2021-01-01", "2022-12-31")
    people = np.where(dates.day % 3 == 0, 40, 0)
    boats = (people > 0).astype(int)
    over = np.where((dates >= "2021-04-01") & (dates < "2021-07-01"), boats, 0)  # 3 of 12 months of 2021-22
    daily = pd.DataFrame({"date": dates, "people_arrived": people, "boats_arrived": boats})
    daily["boats_arrived_over_50"] = over
    by_year = {
        str(y): {name: 1.0 for name in obs.TARGETS} | {"people_arrived": float(people[dates.year == y].sum())}
        for y in (2021, 2022)
    }
    s = W.window_statistics(daily, by_year, 0.5, (2021, 2022))
    assert s["2021.people_arrived"] == pytest.approx(people[dates.year == 2021].sum() / 0.5)  # per full scale
    assert s["2021.people_per_crossing_day_p50"] == pytest.approx(80.0)
    runs = obs.run_lengths(people[dates.year == 2021] > 0)
    assert s["2021.runs"] == runs.size
    fy = (dates >= "2021-04-01") & (dates < "2022-04-01")
    assert s["fy2021.share_boats_over_50"] == pytest.approx(over[fy].sum() / boats[fy].sum())
    assert "fy2022.share_boats_over_50" not in s  # 2022-23 ends after the window


# -------------------------------------------------------------------------------------------- bad windows
@pytest.mark.parametrize("window", ["2021-2025", "2023-2021", "2022-2024", "2021", "2020-2023", "2022-2022"])
def test_a_bad_window_is_refused_on_one_line(window, capsys, tmp_path):
    assert C.main(["--window", window, "--work", str(tmp_path / "w"), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith(f"error: --window {window}:") and "2024" in err
    assert not (tmp_path / "w").exists() and not (tmp_path / "o").exists()


def test_window_runs_stop_at_the_end_of_the_window():
    assert W.window_days((2021, 2023)) == 1095 and W.window_days((2021, 2022)) == 730
    assert W.window_overrides((2021, 2023)) == ["scenario=history_2021_2025", "days=1095", "posterior_file=null"]
    # A window ending before 2023 also deletes the later levels (tests/test_hindcast.py).
    assert W.window_overrides((2021, 2022))[:3] == ["scenario=history_2021_2025", "days=730", "posterior_file=null"]


# ------------------------------------------------------------------------------------ budget and resuming
def _toy_simulator(task):
    """Window statistics as simple functions of two parameters, with seeded noise: cheap and deterministic."""
    overrides, seed = task
    v = {k: float(x) for k, x in (o.split("=", 1) for o in overrides)}
    rng = np.random.default_rng(seed)
    t = _TARGETS
    s = _on_target(t)
    for y in t.years:
        s[f"{y}.people_arrived"] *= v["migration.yearly_entrants_scale"] * np.exp(0.05 * rng.standard_normal())
        s[f"{y}.deaths_at_sea"] *= v["crossing.incident_base_prob"] / 0.02
    return s


_TARGETS = W.WindowTargets.load((2021, 2023))
_TOY = tuple(
    p for p in W.HISTORY_PARAMETERS if p.key in ("migration.yearly_entrants_scale", "crossing.incident_base_prob")
)


def _toy(tmp_path, name, **kw):
    s = C.Settings(population=12, gen0_factor=2, max_generations=3, max_simulations=60, batch=5, seed=3)
    s.replicates, s.window = 2, "2021-2023"
    for k, v in kw.items():
        setattr(s, k, v)
    return C.Calibration(
        s, tmp_path / name, jobs=1, params=_TOY, targets=_TARGETS, simulator=_toy_simulator, log=lambda m: None
    )


def test_the_wall_budget_pauses_at_a_batch_and_resumes_with_the_same_draws(tmp_path):
    straight = _toy(tmp_path, "straight")
    straight.run()
    assert straight.state["done"] and straight.state["generation"] >= 2
    calls = 0
    while True:  # a budget of 0 minutes: every call runs one batch, checkpoints and pauses
        cal = _toy(tmp_path, "paused")
        state = cal.run(max_seconds=0.0)
        calls += 1
        if state["done"]:
            break
        assert state["paused"] and not state["done"]
        assert json.loads((tmp_path / "paused" / "state.json").read_text())["n_sims"] == state["n_sims"]
    assert calls > 3
    a = pd.read_csv(tmp_path / "straight" / "simulations.csv")
    b = pd.read_csv(tmp_path / "paused" / "simulations.csv")
    pd.testing.assert_frame_equal(a, b)
    assert straight.state["epsilons"] == cal.state["epsilons"]
    # Two seeds per particle, S * 1,000,000 + i * 2 + r: the recorded seed is the first.
    assert list(a["seed"].head(3)) == [3_000_000, 3_000_002, 3_000_004]


def test_the_distance_is_of_the_seed_mean(tmp_path):
    cal = _toy(tmp_path, "mean", replicates=3)
    z = np.log(np.array([[1.1, 0.02]]))
    ((stats, d, _, seed),) = cal._evaluate(z, None)
    overrides = [*cal.base, *C.to_overrides([1.1, 0.02], _TOY)]
    runs = [_toy_simulator((overrides, seed + r)) for r in range(3)]
    mean = np.mean([r["2021.people_arrived"] for r in runs])
    assert stats["2021.people_arrived"] == pytest.approx(mean)
    assert d == pytest.approx(_TARGETS.distance(stats))


# ------------------------------------------------------------------------------------- posterior draws
def test_the_history_scenario_draws_from_the_history_posterior():
    draws = pd.read_csv(HISTORY / C.DRAWS_FILE)
    assert list(draws.columns) == ["draw", *C.draw_keys(W.HISTORY_PARAMETERS)]
    k = min(3, len(draws) - 1)
    cfg = cli.load_config(["scenario=history_2021_2025", f"posterior_draw={k}"])
    assert cfg.migration.yearly_entrants_scale == pytest.approx(draws.loc[k, "migration.yearly_entrants_scale"])
    assert cfg.crossing.incident_base_prob == pytest.approx(draws.loc[k, "crossing.incident_base_prob"])
    meta = cli.draw_metadata({"posterior_draw": k, "posterior_file": cfg.posterior_file})
    assert meta["posterior_file"] == "data/calibration/history/posterior_draws.csv"
    assert meta["calibration_id"] == cli.calibration_id(HISTORY / C.DRAWS_FILE)
    assert meta["calibration_id"].startswith("data/calibration/history@")
    # The 2024 default draws from the same calibration (2024 is a test year: nothing is fitted to it).
    base = cli.load_config(["posterior_draw=0"])
    assert base.posterior_file == "data/calibration/history/posterior_draws.csv"
    assert not (ROOT / "data" / "calibration" / "2024").exists()
    with pytest.raises(ConfigError, match=r"out of range, allowed \[0, \d+\] \(the draws of data/calibration/history"):
        cli.load_config(["scenario=history_2021_2025", f"posterior_draw={len(draws)}"])


def test_the_history_provenance_records_the_window_and_no_test_year_target():
    prov = json.loads((HISTORY / "provenance.json").read_text())
    assert prov["window"] == [2021, 2023] and prov["seeds_per_particle"] >= 2
    assert set(prov["targets"]["annual"]) == {"2021", "2022", "2023"}
    assert prov["model_runs"] == prov["particles_simulated"] * prov["seeds_per_particle"]
    assert len(prov["posterior"]) <= 10 and "migration.annual_entrants" not in prov["posterior"]
    assert prov["inputs_from_test_years"] and prov["test_year_facts_in_design"]


def test_the_shipped_history_calibration_used_the_priors_declared_now():
    """Priors are the plausible ranges of sim/config.py; changing one (or the free parameters) means the shipped
    posterior, whose medians every default run uses, is stale: re-run python -m sim.calibrate."""
    saved = json.loads((HISTORY / "provenance.json").read_text())
    used = {p["key"]: (p["low"], p["high"], p["log"]) for p in saved["settings"]["parameters"]}
    assert used == {p.key: (p.low, p.high, p.log) for p in W.HISTORY_PARAMETERS}
