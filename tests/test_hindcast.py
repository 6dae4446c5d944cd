"""The 2023 hindcast (issue 15 part 4): a calibration on 2021-2022 alone whose runs never hold a 2023 demand level
and whose targets hold no 2023 observation, its own output folder, the hindcast forecast's runs (stopped on
2023-12-31, 2023 demand walking from 2022, the 2023 timeline kept), bad input refused on one line, and the
validation doc filled from the hindcast's scores."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import cli
from sim.demand import yearly_levels
from sim.evidence import forecast as F
from sim.evidence import forecast_run as R
from sim.evidence import observed as obs
from sim.evidence import window as W
from tests.test_forecast import make_sweep

ROOT = Path(__file__).resolve().parent.parent
HINDCAST = (2021, 2022)


# ------------------------------------------------------------------------------------------ calibration
def test_no_2023_observation_enters_the_hindcast_targets():
    annual, daily = obs.load_annual(), obs.load_daily()
    real = W.WindowTargets.load(HINDCAST, annual, daily)
    poisoned_annual = annual.copy()
    poisoned_annual.loc[2023] = poisoned_annual.loc[2023] * 7
    poisoned_daily = daily.copy()
    in_2023 = poisoned_daily["date"].dt.year == 2023
    poisoned_daily.loc[in_2023, ["people", "boats"]] *= 7  # a 2023 day that entered a share or pattern would show
    again = W.WindowTargets.load(HINDCAST, poisoned_annual, poisoned_daily)
    assert json.dumps(real.record(), sort_keys=True) == json.dumps(again.record(), sort_keys=True)
    assert set(real.annual) == set(real.shares) == set(real.patterns) == {2021, 2022}
    assert real.large_boat_share == {2021: 0.05}  # 2022-23 reaches into 2023
    assert 29437 not in [v for year in real.annual.values() for v in year.values()]  # 2023's arrivals


def test_hindcast_calibration_runs_stop_in_2022_and_hold_no_2023_level():
    overrides = W.window_overrides(HINDCAST)
    assert overrides == [
        "scenario=history_2021_2025",
        "days=730",
        "posterior_file=null",
        "~migration.yearly_entrants.2023",
    ]
    cfg = cli.load_config([*overrides, "seed=1"])
    assert cfg.days == 730 and set(cfg.migration.yearly_entrants) == {"2021", "2022"}
    assert not any(o.startswith("~") for o in W.window_overrides((2021, 2023)))  # the full window keeps its levels


def test_the_hindcast_calibration_writes_its_own_folder_and_doc_block():
    assert W.default_out(HINDCAST) == ROOT / "data" / "calibration" / "hindcast_2023"
    assert W.default_out((2021, 2023)) == ROOT / "data" / "calibration" / "history"
    assert W.doc_markers(HINDCAST) != W.doc_markers((2021, 2023))
    assert any("2023" in f for f in W.design_facts(HINDCAST)) and len(W.design_facts((2021, 2023))) < len(
        W.design_facts(HINDCAST)
    )


# ------------------------------------------------------------------------------------------ forecast runs
def test_hindcast_forecast_runs_to_2023_with_demand_walking_from_2022(tmp_path):
    posterior = tmp_path / "posterior_draws.csv"
    posterior.write_text((ROOT / "data" / "calibration" / "hindcast_2023" / "posterior_draws.csv").read_text())
    overrides = R.hindcast_overrides(posterior)
    cfg = cli.load_config(["scenario=history_2021_2025", *overrides])
    assert cfg.days == 1095 and cfg.posterior_file == str(posterior.resolve())
    assert set(cfg.migration.yearly_entrants) == {"2021", "2022"}
    levels = W.scenario_levels()
    sd = round(abs(math.log(levels[2022] / levels[2021])), 2)  # the walk's spread from 2021-2022 alone
    assert cfg.migration.entrants_walk_sd == pytest.approx(sd) and sd != 0.5
    walked = yearly_levels(cfg.migration, [2021, 2022, 2023], np.random.default_rng(5))
    z = np.random.default_rng(5).standard_normal(1)[0]
    assert walked[2023] == pytest.approx(levels[2022] * cfg.migration.yearly_entrants_scale * math.exp(sd * z))
    assert walked[2023] != pytest.approx(levels[2023])
    # The 2023 timeline events stay: the hindcast changes no timeline row.
    base = cli.load_config(["scenario=history_2021_2025"])
    assert cfg.timeline == base.timeline
    assert not any(o.startswith("timeline") for o in overrides)


def _posterior(folder: Path, rows: int = 2, window: list[int] | tuple[int, int] | None = HINDCAST) -> Path:
    """A posterior draws file (rows of the history posterior) with a provenance.json naming its window."""
    folder.mkdir(parents=True, exist_ok=True)
    draws = pd.read_csv(ROOT / "data" / "calibration" / "history" / "posterior_draws.csv").head(rows)
    draws.to_csv(folder / "posterior_draws.csv", index=False)
    if window is not None:
        (folder / "provenance.json").write_text(json.dumps({"window": list(window)}))
    return folder / "posterior_draws.csv"


def _bad(argv: list[str], capsys) -> str:
    assert F.main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    return err


def test_hindcast_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    post = _posterior(tmp_path / "post")
    assert "--draws 3: the posterior has 2 draws" in _bad(
        ["--hindcast", "--posterior", str(post), "--draws", "3", "--out", str(out)], capsys
    )
    missing = tmp_path / "none" / "posterior_draws.csv"
    assert "no such file" in _bad(["--hindcast", "--posterior", str(missing), "--out", str(out)], capsys)
    full = _posterior(tmp_path / "a", window=[2021, 2023])
    assert "fitted to 2021-2023" in _bad(["--hindcast", "--posterior", str(full), "--out", str(out)], capsys)
    bare = _posterior(tmp_path / "b", window=None)
    assert "no readable provenance.json" in _bad(["--hindcast", "--posterior", str(bare), "--out", str(out)], capsys)
    assert "give no sweep folder" in _bad(["--hindcast", str(tmp_path), "--posterior", str(post)], capsys)
    assert not out.exists()


# ------------------------------------------------------------------------------------------ the doc
@pytest.fixture
def doc(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "docs" / "validation.md"
    path.parent.mkdir()
    path.write_text("# Validation\n")
    monkeypatch.setattr(F, "VALIDATION_DOC", path)
    return path


def test_write_doc_fills_the_hindcast_from_its_folder(tmp_path, doc, capsys):
    sweep = make_sweep(tmp_path / "sweep", n=4, end="2023-12-31")
    hind = tmp_path / "hind"
    assert F.main([str(sweep), "--out", str(hind), "--window", "2023"]) == 0
    scores = json.loads((hind / F.SCORES_FILE).read_text())
    scores["hindcast"] = {"fitted_window": [2021, 2022], "calibration_id": "x@1", "entrants_walk_sd": 0.53}
    (hind / F.SCORES_FILE).write_text(json.dumps(scores))
    # A missing hindcast folder is refused before the doc is touched.
    assert "--hindcast-dir" in _bad(
        [str(sweep), "--out", str(tmp_path / "f"), "--write-doc", "--hindcast-dir", str(tmp_path / "no")], capsys
    )
    assert doc.read_text() == "# Validation\n"
    assert F.main([str(sweep), "--out", str(tmp_path / "full"), "--write-doc", "--hindcast-dir", str(hind)]) == 0
    text = doc.read_text()
    section = text.split("## Hindcast 2023", 1)[1].split("## Test years", 1)[0]
    assert "Not scored yet" not in section and "**Out of sample**" in section and "2021-2022" in section
    assert "| 2023 | 52 | model (4 replicates) |" in section and "| 2023 | people_arrived |" in section
    assert "walks at random from 2022" in section and "posterior draws" in section
    goals = [line for line in text.splitlines() if line.startswith("| hindcast 2023")]
    assert len(goals) == 3 and not any("not scored" in g for g in goals)
    assert (doc.parent / "figures" / "hindcast_2023_forecast_weekly.png").is_file()


def test_the_hindcast_doc_block_is_its_own_and_survives_the_history_doc(tmp_path):
    doc = tmp_path / "calibration.md"
    history = ROOT / "data" / "calibration" / "history"
    W.write_doc(history, doc)
    prov = json.loads((history / "provenance.json").read_text()) | {"window": [2021, 2022]}
    hind = tmp_path / "hindcast_2023"
    hind.mkdir()
    (hind / "provenance.json").write_text(json.dumps(prov))
    W.write_doc(hind, doc)
    text = doc.read_text()
    assert text.count("## History calibration 2021-2023") == 1 and text.count("## History calibration 2021-2022") == 1
    assert "--hindcast" in text.split(W.HINDCAST_DOC_BEGIN, 1)[1]
    W.write_doc(history, doc)  # rewriting one window's block keeps the other's
    kept = doc.read_text()
    assert W.HINDCAST_DOC_BEGIN in kept and W.DOC_BEGIN in kept


@pytest.mark.slow
def test_a_tiny_hindcast_end_to_end(tmp_path, capsys):
    """Two draws x one seed at scale 0.05 through the sweep: runs to 2023-12-31, scored on 2023, resumable."""
    post = _posterior(tmp_path / "post")
    out = tmp_path / "hindcast"
    argv = ["--hindcast", "--posterior", str(post), "--draws", "2", "--seeds", "1", "--scale", "0.05", "--jobs", "1"]
    assert F.main([*argv, "--out", str(out), "--no-charts"]) == 0
    scores = json.loads((out / F.SCORES_FILE).read_text())
    assert scores["period"] == ["2021-01-01", "2023-12-31"] and list(scores["weekly"]) == ["2023"]
    assert scores["hindcast"]["fitted_window"] == [2021, 2022] and scores["replicates"] == 2
    cfg = (out / "0" / "config.yaml").read_text()
    assert "'2023':" not in cfg.split("yearly_entrants:", 1)[1].split("yearly_entrants_scale", 1)[0]
    before = (out / "0" / "daily.parquet").stat().st_mtime_ns
    assert F.main([*argv, "--out", str(out), "--no-charts"]) == 0  # resumed: no run redone
    assert (out / "0" / "daily.parquet").stat().st_mtime_ns == before
