"""The history run (issue 15): the timeline of observed policy, demand by year, by-year outcomes and bad input."""

from __future__ import annotations

import copy
import subprocess
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import load_config, timeline_overrides
from sim.config import ConfigError
from sim.demand import yearly_levels
from sim.model import ChannelModel
from sim.timeline import KEYS, load, pattern_of

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ["scenario=history_2021_2025"]


def history(*overrides: str):
    return load_config(HISTORY + list(timeline_overrides(list(overrides))))


@cache
def _history_cfg():
    return load_config(HISTORY)


def history_cfg(**timeline):
    """The history config, composed once; a copy with the given timeline settings (file, drop, set, dates)."""
    cfg = copy.deepcopy(_history_cfg())
    for key, value in timeline.items():
        setattr(cfg.timeline, key, value)
    return cfg


def test_every_row_of_the_timeline_is_valid_and_sourced():
    changes = load(history_cfg())
    assert len(changes) >= 15
    assert all(pattern_of(c.key) in KEYS and c.source for c in changes)
    assert [c.date for c in changes] == sorted(c.date for c in changes)
    ids = {c.id for c in changes}
    assert {"bulgaria_seizures_2023", "albania_returns_deal", "rwanda_announced", "one_in_one_out"} <= ids


def test_drop_set_and_dates_change_the_rows():
    cfg = history(  # through the command line's composition, as python -m sim does
        "timeline.drop=[bulgaria_seizures_2023]",
        "timeline.set.patrols_uk_france_2022=1000",
        "timeline.dates.one_in_one_out=2025-01-06",
    )
    changes = {c.key + "@" + c.id: c for c in load(cfg)}
    assert not any(k.endswith("@bulgaria_seizures_2023") for k in changes)
    assert changes["enforcement.beach_officers@patrols_uk_france_2022"].value == 1000
    assert str(changes["policy.returns.agreements.one_in_one_out.weekly_returns@one_in_one_out"].date) == "2025-01-06"


def _table(tmp_path: Path, row: str) -> str:
    path = tmp_path / "t.csv"
    path.write_text("id,date,key,value,source\n" + row + "\n")
    return str(path)


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ("a,2023-02-30,enforcement.beach_officers,900,s", "date '2023-02-30'"),
        ("a,2023-01-01,enforcement.beach_officer,900,s", "unknown key 'enforcement.beach_officer'"),
        ("a,2023-01-01,crossing.wave_risk_per_m,1,s", "cannot be changed by a timeline"),
        ("a,2023-01-01,supply_chain.boat_nodes.bulgaria.seizure_prob,1.7,s", "out of range, allowed [0, 1]"),
        ("a,2023-01-01,supply_chain.boat_nodes.narnia.seizure_prob,0.1,s", "unknown key"),
        ("a,2023-01-01,migration.nationality_weight.atlantis,2,s", "unknown nationality 'atlantis'"),
        ("a,2023-01-01,enforcement.beach_officers,900,", "source is empty"),
        ("Bad Id,2023-01-01,enforcement.beach_officers,900,s", "id 'Bad Id'"),
    ],
)
def test_a_bad_row_is_refused_with_one_line_naming_it(tmp_path, row, words):
    with pytest.raises(ConfigError) as err:
        load(history_cfg(file=_table(tmp_path, row)))
    msg = str(err.value)
    assert "\n" not in msg and "line 2" in msg and words in msg


def test_an_unknown_id_and_no_timeline_are_refused():
    with pytest.raises(ConfigError, match="unknown timeline id 'bulgaria_seizure_2023'; did you mean"):
        load(history_cfg(drop=["bulgaria_seizure_2023"]))
    with pytest.raises(ConfigError, match="no timeline"):
        load(history_cfg(file=None, set={"x": 1}))
    assert load(history_cfg(file=None, drop=["x"])) == []  # nothing to drop: a scenario's drops hold with observed=none
    with pytest.raises(ConfigError, match="no such file"):
        load(history_cfg(file="data/no_such_timeline.csv"))


def test_bad_timeline_input_exits_2_and_writes_nothing(tmp_path):
    out = tmp_path / "run"
    proc = subprocess.run(
        [sys.executable, "-m", "sim", *HISTORY, "timeline.set.bulgaria_seizures_2023=1.7", f"hydra.run.dir={out}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "bulgaria_seizures_2023" in proc.stderr
    assert not out.exists()


def test_the_default_year_starts_from_the_timeline_state_of_2024():
    """python -m sim: rows up to 2024-01-01 set the start, 2024's act on their day, no 2025 row acts."""
    cfg = load_config([])
    model = ChannelModel(cfg)
    start = {c.id for c in model.timeline.initial}
    assert {"patrols_uk_france_2022", "bulgaria_seizures_2023", "investigations_2023", "rwanda_supreme_court"} <= start
    assert model.cfg.enforcement.investigations == 70 and model.beach_patrol.total_officers == 800
    assert model.cfg.supply_chain.boat_nodes["bulgaria"].seizure_prob == 0.06
    in_run = {c.id for day, rows in model.timeline.by_day.items() if day < model.total_days for c in rows}
    assert in_run == {"rwanda_safety_act", "rwanda_scrapped", "vietnam_returns"}
    assert model.demand_by_year and set(model.demand_by_year) >= {2024}


def test_ordinary_runs_share_their_config_and_have_no_by_year():
    cfg = load_config(["scale=0.01", "days=20", "observed=none"])
    model = ChannelModel(cfg)
    assert model.cfg is cfg and not model.timeline.changes and model.demand_by_year == {}
    assert "by_year" not in model.run().summary


def test_a_short_history_applies_its_rows_on_their_days():
    """2021-2022 at small scale: officers 570 then 800 from 2022-11-14, Rwanda announced on 2022-04-14."""
    cfg = history_cfg()
    cfg.scale, cfg.days, cfg.world.burn_in_days = 0.03, 730, 30
    model = ChannelModel(cfg)
    assert model.beach_patrol.total_officers == 570 and cfg.enforcement.beach_officers == 800  # caller's copy kept
    results = model.run()
    assert model.beach_patrol.total_officers == 800
    daily = results.daily
    assert daily["date"].iloc[0].isoformat()[:10] == "2021-01-01" and len(daily) == 730
    assert (daily["date"].diff().dropna().dt.days == 1).all()
    removal = daily.set_index("date")["perceived_removal_prob"]
    assert (removal[:"2022-04-13"] == 0).all() and removal["2022-05-01":"2022-06-14"].gt(0).all()
    assert set(results.summary["by_year"]) == {"2021", "2022"}
    year = results.summary["by_year"]["2022"]
    assert year["people_arrived"] == daily[daily["date"].dt.year == 2022]["people_arrived"].sum()
    scale = cfg.migration.yearly_entrants_scale  # the posterior's median
    assert year["demand_level"] == pytest.approx(cfg.migration.yearly_entrants["2022"] * scale)
    applied = [a["id"] for a in model.timeline.applied]
    assert "patrols_uk_france_2022" in applied and "bulgaria_seizures_2023" not in applied


def test_the_albanian_weight_changes_the_mix_of_entrants():
    cfg = history_cfg()
    cfg.scale, cfg.days, cfg.world.burn_in_days = 0.05, 730, 0
    model = ChannelModel(cfg)
    pop, albania = model.population, model.geo.nationality_names.index("albania")
    day_2022 = (np.datetime64("2022-06-01") - np.datetime64("2021-01-01")).astype(int)
    before = pop.nationality[pop.entry_day < 365] == albania
    surge = pop.nationality[(pop.entry_day >= day_2022) & (pop.entry_day < day_2022 + 150)] == albania
    assert 0.015 < before.mean() < 0.04  # the route mix: 2.7%
    assert 0.2 < surge.mean() < 0.4  # weight 14: about 28%


def test_demand_walks_from_the_last_fitted_level():
    cfg = history_cfg().migration
    years = [2020, 2021, 2022, 2023, 2024, 2025]
    a = yearly_levels(cfg, years, np.random.default_rng(1))
    b = yearly_levels(cfg, years, np.random.default_rng(1))
    fitted = {int(y): v * cfg.yearly_entrants_scale for y, v in cfg.yearly_entrants.items()}  # x the median scale
    assert a == b and a[2020] == a[2021] == fitted[2021] and a[2023] == fitted[2023]
    assert a[2024] != fitted[2023] and a[2025] != a[2024]
    draws = [yearly_levels(cfg, years, np.random.default_rng(s))[2024] for s in range(400)]
    assert abs(np.median(np.log(draws)) - np.log(fitted[2023])) < 0.05
    assert abs(np.std(np.log(draws)) / cfg.entrants_walk_sd - 1) < 0.12


def test_a_forecast_asking_for_more_draws_than_the_posterior_exits_2(tmp_path):
    out = tmp_path / "fc"
    proc = subprocess.run(
        [sys.executable, "-m", "sim.forecast", "--draws", "100000", "--seeds", "2", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "--draws 100000" in proc.stderr and proc.stderr.count("\n") == 1
    assert not out.exists()


def test_the_forecast_sweep_gives_every_draw_the_same_seeds(tmp_path):
    from sim.evidence.forecast_run import sweep_command

    cmd = sweep_command(3, 2, tmp_path, 0.5)
    assert "posterior_draw=0,1,2" in cmd and "seed=0,1" in cmd and "-m" in cmd
    assert "scenario=history_2021_2025" in cmd and f"hydra.sweep.dir={tmp_path}" in cmd and "scale=0.5" in cmd


def test_a_history_run_is_reproducible():
    cfg = history_cfg()
    cfg.scale, cfg.days, cfg.world.burn_in_days = 0.02, 150, 10
    a, b = ChannelModel(cfg).run(), ChannelModel(copy.deepcopy(cfg)).run()
    pd.testing.assert_frame_equal(a.daily, b.daily)
    assert a.summary == b.summary


def test_the_demand_walk_is_drawn_for_every_seed_and_posterior_draw():
    cfg = history_cfg()
    cfg.scale = 0.005

    def level_2025(seed, draw):
        c = copy.deepcopy(cfg)
        c.seed, c.posterior_draw = seed, draw
        return ChannelModel(c).demand_by_year[2025]

    assert level_2025(0, 0) == level_2025(0, 0)
    assert len({level_2025(0, 0), level_2025(1, 0), level_2025(0, 1), level_2025(0, None)}) == 4


@pytest.mark.slow
def test_the_forecast_runner_runs_scores_and_resumes(tmp_path):
    """2 draws x 1 seed of the history at scale 0.02: the forecast files, then a second call that redoes no run."""
    out = tmp_path / "fc"
    cmd = [sys.executable, "-m", "sim.forecast", "--draws", "2", "--seeds", "1", "--scale", "0.02", "--out", str(out)]
    first = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr[-2000:]
    for name in ("forecast_weekly.csv", "forecast_annual.csv", "forecast_scores.json"):
        assert (out / name).is_file()
    annual = pd.read_csv(out / "forecast_annual.csv")
    assert set(annual["year"]) == {2021, 2022, 2023, 2024, 2025}
    stamps = {p: p.stat().st_mtime_ns for p in out.glob("*/summary.json")}
    assert len(stamps) == 2
    again = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr[-2000:]
    assert {p: p.stat().st_mtime_ns for p in out.glob("*/summary.json")} == stamps
