"""The validation scorecard: exact on observed data scored against itself, honest on misfits, and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import load_config
from sim.evidence import observed as obs
from sim.evidence import validate as V
from sim.model import run
from sim.outputs import write_run_folder

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["scale=0.05", "days=60", "world.burn_in_days=30"]


@pytest.fixture(scope="module")
def observed():
    return V.Observed.load()


def _observed_year_record(year: int, seed: int = 0, factor: float = 1.0, shift_to: int | None = None) -> V.RunRecord:
    """A 'run' whose daily series is the observed one (optionally scaled, or moved to another year)."""
    daily = obs.load_daily()
    d = daily[daily["date"].dt.year == year].rename(columns={"people": "people_arrived", "boats": "boats_arrived"})
    d = d.reset_index(drop=True)
    d["people_arrived"] = np.round(d["people_arrived"] * factor).astype(int)
    if shift_to is not None:
        d["date"] = pd.date_range(f"{shift_to}-01-01", periods=len(d), freq="D")
    annual = obs.load_annual().loc[year]
    people, boats = float(d["people_arrived"].sum()), float(d["boats_arrived"].sum())
    summary = {
        "people_arrived": people,
        "boats_arrived": boats,
        "people_per_boat": people / boats,
        "crossing_days": int((d["boats_arrived"] > 0).sum()),
        "prevention_share": float(annual["prevention_share"]),
        "deaths_at_sea": float(annual["deaths_at_sea_iom"]),
    }
    return V.RunRecord("observed", seed, f"{shift_to or year}-01-01", len(d), 1.0, summary, d)


def test_observed_2022_scored_against_itself_fits_exactly(observed):
    card = V.score([_observed_year_record(2022)], observed)
    rows = {r["check"]: r for r in card["annual"]}
    # Daily series and annual totals differ by 19 people in 2022 (SOURCES.md).
    assert abs(rows["people_arrived"]["rel_diff"]) < 0.001
    for name in ("boats_arrived", "crossing_days", "prevention_share", "deaths_at_sea"):
        assert rows[name]["rel_diff"] == pytest.approx(0.0), name
    assert card["monthly"]["ard_of_mean"] == pytest.approx(0.0)
    assert card["monthly"]["basis"].startswith("people per month, observed 2022")
    for r in card["pattern"]:
        if "/ mean" not in r["check"]:
            assert r["rel_diff"] == pytest.approx(0.0, abs=1e-9), r["check"]
    assert V.misfits(card) == []


def test_a_doubled_year_does_not_fit_and_says_so(observed):
    card = V.score([_observed_year_record(2022, factor=2.0)], observed)
    rows = {r["check"]: r for r in card["annual"]}
    assert rows["people_arrived"]["rel_diff"] == pytest.approx(1.0, abs=0.01)
    assert rows["people_arrived"]["fits"] is False
    assert card["monthly"]["ard_of_mean"] == pytest.approx(1.0, abs=0.02)
    text = "\n".join(V.misfits(card))
    assert "people_arrived" in text and "people_per_boat" in text
    assert "seasonal pattern" in text
    assert "**does not fit**" in V.format_card(card)


def test_a_2024_run_is_compared_in_monthly_shares(observed):
    # 2023's daily series moved to 2024: shares are compared with the 2021-2023 average.
    record = _observed_year_record(2023, shift_to=2024)
    card = V.score([record], observed)
    m = card["monthly"]
    assert "ends in 2023" in m["basis"] and "shares" in m["basis"]
    assert sum(r["observed"] for r in m["months"]) == pytest.approx(1.0)
    assert [r["observed"] for r in m["months"]] == pytest.approx(obs.monthly_shares().tolist())
    own = obs.monthly_totals(record.daily["date"], record.daily["people_arrived"]).to_numpy()
    assert sum(r["mean"] for r in m["months"]) == pytest.approx(1.0)
    assert [r["mean"] for r in m["months"]] == pytest.approx((own / own.sum()).tolist())
    assert m["ard_of_mean"] == pytest.approx(V.ard(own / own.sum(), obs.monthly_shares().to_numpy()))
    # The observed years themselves: 2023 is well within the year-to-year spread.
    assert m["fits"]
    target = {r["check"]: r for r in card["annual"]}["people_arrived"]
    assert target["observed"] == 36816


def test_crossing_days_by_month_are_the_observed_ones(observed):
    # 2022 scored against itself: the model row equals the observed row; moved to 2024, the observed row is the
    # 2021-2023 average.
    daily = obs.load_daily()
    d22 = daily[(daily["date"].dt.year == 2022) & (daily["people"] > 0)]
    own = d22.groupby(d22["date"].dt.month).size().reindex(range(1, 13), fill_value=0).astype(float).tolist()
    c = V.score([_observed_year_record(2022)], observed)["monthly"]["crossing_days"]
    assert c["observed"] == own and c["mean"] == own and c["basis"] == "2022"
    assert sum(own) == 162  # data/annual_reference.csv: 162 crossing days in 2022
    c24 = V.score([_observed_year_record(2022, shift_to=2024)], observed)["monthly"]["crossing_days"]
    assert c24["basis"] == "2021-2023 average"
    assert sum(c24["observed"]) == pytest.approx((154 + 162 + 140) / 3, abs=1.0)
    assert "crossing days, model mean" in V.format_card(V.score([_observed_year_record(2022)], observed))


def test_ard_and_rel_diff():
    assert V.ard([1, 2, 3], [1, 2, 3]) == 0
    assert V.ard([2, 2], [1, 4]) == pytest.approx((1.0 + 0.5) / 2)
    assert V.ard([5, 2], [0, 4]) == pytest.approx(0.5)  # months with nothing observed are skipped
    assert V.rel_diff(110, 100) == pytest.approx(0.1)


def test_runs_of_different_years_are_refused(observed):
    with pytest.raises(V.ValidationError, match="different years"):
        V.score([_observed_year_record(2022), _observed_year_record(2023)], observed)


# --------------------------------------------------------------------------------------------- folders
@pytest.fixture(scope="module")
def run_dirs(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    out = []
    for seed in (1, 2):
        cfg = load_config([*SMALL, f"seed={seed}"])
        results = run(cfg)
        d = root / f"run{seed}"
        yaml = f"scenario: baseline_2024\nseed: {seed}\ndays: 60\nscale: 0.05\nworld:\n  start_date: '2024-01-01'\n"
        write_run_folder(d, results, yaml, seed)
        out.append((d, results))
    return root, out


def test_run_folder_is_scored(run_dirs, observed):
    _, runs = run_dirs
    d, results = runs[0]
    record = V.load_run_dir(d)
    assert record.year == 2024 and record.scale == 0.05 and record.days == 60
    card = V.score([record], observed)
    people = {r["check"]: r for r in card["annual"]}["people_arrived"]
    assert people["mean"] == pytest.approx(results.summary["people_arrived"] / 0.05)
    assert any("scale=0.05" in n for n in card["notes"])
    assert any("only 60 days" in n for n in card["notes"])
    assert any("2 simulated months" in n for n in card["notes"])


def test_sweep_folder_is_scored_per_scenario(run_dirs, tmp_path):
    root, runs = run_dirs
    rows = [{"run_dir": str(d), "seed": s, "status": "finished", "error": ""} for s, (d, _) in enumerate(runs, 1)]
    rows.append({"run_dir": str(root / "missing"), "seed": 3, "status": "failed", "error": "RuntimeError: x"})
    for i, r in enumerate(rows):
        r.update(job_num=i, scenario="baseline_2024", overrides=f"seed={r['seed']}", config_key="", wall_seconds=1.0)
    pd.DataFrame(rows).to_csv(root / "sweep_runs.csv", index=False)
    groups, skipped = V.load_sweep_dir(root)
    assert list(groups) == ["baseline_2024"] and skipped == ["baseline_2024, seed 3: failed (RuntimeError: x)"]
    assert sorted(r.seed for r in groups["baseline_2024"]) == [1, 2]
    out = tmp_path / "card.json"
    assert V.main([str(root), "--json", str(out)]) == 0
    cards = json.loads(out.read_text())
    assert len(cards) == 1 and cards[0]["n_runs"] == 2


def test_cli_on_a_run_folder_and_errors(run_dirs, tmp_path):
    _, runs = run_dirs
    p = subprocess.run(
        [sys.executable, "-m", "sim.validate", str(runs[0][0])], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert p.returncode == 0, p.stderr
    assert "Annual targets" in p.stdout and "Averaged relative difference (ARD)" in p.stdout
    assert "people per crossing day / mean" in p.stdout
    p = subprocess.run(
        [sys.executable, "-m", "sim.validate", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert p.returncode == 2
    assert p.stderr.strip().count("\n") == 0 and "neither a run folder" in p.stderr


def test_without_a_folder_it_runs_seeds_in_parallel_and_writes_the_doc(tmp_path, capsys):
    doc = tmp_path / "validation.md"
    overrides = [a for o in SMALL for a in ("-o", o)]
    assert V.main(["--seeds", "2", "--jobs", "2", *overrides]) == 0
    out = capsys.readouterr().out
    assert "2 run(s), seeds 0, 1" in out
    assert V.main(["--write-doc", "--doc-path", str(doc), "--seeds", "2", "--jobs", "1", *overrides]) == 0
    text = doc.read_text()
    assert text.startswith("# Validation against observed data")
    assert "## Where the model does not fit" in text
    for title, _ in V.DOC_SCENARIOS:
        assert title in text
    # 60 days at 5% scale cannot fit a year: the document says so.
    assert "does not fit" in text
