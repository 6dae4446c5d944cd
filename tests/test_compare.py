"""python -m sim.compare: statistics over seeds, paired differences from the baseline, files and errors."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

from sim.results import compare as C
from sim.results.folders import read_sweep
from tests.sweep_fixture import fabricate_sweep

ROOT = Path(__file__).resolve().parent.parent


def scenario_runs() -> list[dict]:
    base = [10.0, 12.0, 14.0]  # seeds 1, 2, 3
    other = {3: 20.0, 1: 15.0, 2: 16.0}  # listed in another seed order; paired differences 5, 4, 6
    runs = [
        {"scenario": "baseline_2024", "seed": s, "values": {"people_arrived": v, "deaths_at_sea": 1.0}}
        for s, v in zip((1, 2, 3), base, strict=True)
    ]
    runs += [
        {"scenario": "border_security_2024", "seed": s, "values": {"people_arrived": v, "deaths_at_sea": 2.0}}
        for s, v in other.items()
    ]
    runs.append({"scenario": "border_security_2024", "seed": 4, "status": "failed", "error": "RuntimeError: x"})
    return runs


def test_statistics_and_paired_difference(tmp_path):
    sweep = read_sweep(fabricate_sweep(tmp_path / "s", scenario_runs()))
    result, base = C.compare_sweep(sweep)
    assert base.key == "baseline_2024"
    r = result.set_index(["group", "outcome"])
    b = r.loc[("baseline_2024", "people_arrived")]
    assert b["n"] == 3 and b["mean"] == pytest.approx(12.0) and b["median"] == pytest.approx(12.0)
    # 90% of runs: the 5th and 95th percentiles; no posterior draws, so no second interval
    assert b["chance_lo"] == pytest.approx(np.percentile([10, 12, 14], 5)) == pytest.approx(10.2)
    assert b["chance_hi"] == pytest.approx(13.8) and np.isnan(b["chance_assumptions_lo"])
    half = st.t.ppf(0.95, 2) * 2.0 / np.sqrt(3)  # interval of the mean: Student t, 90%
    assert b["mean_lo"] == pytest.approx(12 - half) and b["mean_hi"] == pytest.approx(12 + half)
    o = r.loc[("border_security_2024", "people_arrived")]
    assert o["n"] == 3 and o["not_counted"] == 1 and o["n_pairs"] == 3
    assert o["diff_mean"] == pytest.approx(5.0)
    assert o["diff_chance_lo"] == pytest.approx(np.percentile([5, 4, 6], 5))
    assert o["diff_chance_hi"] == pytest.approx(np.percentile([5, 4, 6], 95))
    assert o["diff_pct"] == pytest.approx(100 * 5 / 12)
    assert r.loc[("baseline_2024", "people_arrived"), "diff_mean"] == 0.0
    d = r.loc[("border_security_2024", "deaths_at_sea")]  # a constant difference: a zero-width interval
    assert d["diff_chance_lo"] == pytest.approx(1.0) and d["diff_chance_hi"] == pytest.approx(1.0)
    # mappings flattened in the table at any depth are compared too
    assert ("border_security_2024", "coast_arrivals_by_route.balkan") in r.index
    assert ("border_security_2024", "by_year.2024.people_arrived") in r.index


def test_pairs_only_shared_seeds(tmp_path):
    runs = [r for r in scenario_runs()[:-1] if not (r["scenario"] == "baseline_2024" and r["seed"] == 3)]
    result, _ = C.compare_sweep(read_sweep(fabricate_sweep(tmp_path / "s", runs)))
    o = result.set_index(["group", "outcome"]).loc[("border_security_2024", "people_arrived")]
    assert o["n"] == 3 and o["n_pairs"] == 2 and o["diff_mean"] == pytest.approx(4.5)  # seeds 1, 2: 5 and 4


def test_parameter_sweep_groups_and_baseline_choice(tmp_path):
    runs = []
    for rate, level in ((0.0, 100.0), (0.3, 80.0), (0.6, 50.0)):
        for seed in (0, 1):
            runs.append(
                {
                    "scenario": "baseline_2024",
                    "seed": seed,
                    "overrides": [f"policy.seizures.rate_bulgaria={rate}", "+experiment=seizure_intensity"],
                    "values": {"people_arrived": level + seed},
                }
            )
    sweep = read_sweep(fabricate_sweep(tmp_path / "s", runs))
    assert [g.key for g in sweep.groups] == [
        "policy.seizures.rate_bulgaria=0.0",
        "policy.seizures.rate_bulgaria=0.3",
        "policy.seizures.rate_bulgaria=0.6",
    ]
    _, base = C.compare_sweep(sweep)  # every group is baseline_2024: the first group is the baseline
    assert base.key == "policy.seizures.rate_bulgaria=0.0"
    result, base = C.compare_sweep(sweep, "0.6")
    assert base.key == "policy.seizures.rate_bulgaria=0.6"
    r = result.set_index(["group", "outcome"])
    assert r.loc[("policy.seizures.rate_bulgaria=0.0", "people_arrived"), "diff_mean"] == pytest.approx(50.0)
    with pytest.raises(ValueError, match="no such scenario or group"):
        C.compare_sweep(sweep, "0.9")
    with pytest.raises(ValueError, match="matches several groups"):
        C.compare_sweep(sweep, "baseline_2024")


def test_cli_writes_csv_and_markdown(tmp_path, capsys):
    sweep_dir = fabricate_sweep(tmp_path / "s", scenario_runs())
    assert C.main([str(sweep_dir), "--baseline", "border_security_2024"]) == 0
    out = capsys.readouterr().out
    assert "Baseline: **border_security_2024**" in out and "5th-95th percentile" in out and "chance" in out
    csv = pd.read_csv(sweep_dir / "compare.csv")
    assert set(csv["baseline"]) == {"border_security_2024"}
    assert {"group", "outcome", "n", "mean", "median", "chance_lo", "chance_hi", "diff_mean", "mean_lo"} <= set(
        csv.columns
    )
    md = (sweep_dir / "compare.md").read_text()
    assert "## people_arrived: People arrived in the UK (people)" in md and "| baseline_2024 | 3 | 12.0 |" in md
    assert "| -5.00 (" in md  # baseline minus border security, paired
    assert "## Runs not counted" in md and "| border_security_2024 | 4 | failed | RuntimeError: x |" in md


@pytest.mark.parametrize("case", ["missing", "not_a_sweep", "corrupt", "no_columns", "no_finished"])
def test_clear_one_line_errors(tmp_path, capsys, case):
    target = tmp_path / "x"
    if case != "missing":
        target.mkdir()
    if case == "corrupt":
        (target / "sweep_runs.parquet").write_bytes(b"not parquet at all")
    elif case == "no_columns":
        pd.DataFrame({"a": [1]}).to_csv(target / "sweep_runs.csv", index=False)
    elif case == "no_finished":
        target = fabricate_sweep(tmp_path / "s", [{"scenario": "b", "seed": 1, "status": "failed", "error": "E"}])
    assert C.main([str(target)]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and err[0].startswith("error: ")
    expected = {
        "missing": "no such folder",
        "not_a_sweep": "not a sweep folder",
        "corrupt": "cannot read the sweep table",
        "no_columns": "missing columns: job_num",
        "no_finished": "no finished runs",
    }[case]
    assert expected in err[0]


def test_a_damaged_parquet_falls_back_to_the_csv_and_a_damaged_run_is_not_counted(tmp_path):
    sweep_dir = fabricate_sweep(tmp_path / "s", scenario_runs())
    (sweep_dir / "sweep_runs.parquet").write_bytes(b"damaged")
    summary = sweep_dir / "0" / "summary.json"
    summary.write_text(summary.read_text().replace("10.0", "99.0"))  # edited after the run: checksum differs
    result, _ = C.compare_sweep(read_sweep(sweep_dir))
    b = result.set_index(["group", "outcome"]).loc[("baseline_2024", "people_arrived")]
    assert b["n"] == 2 and b["not_counted"] == 1 and b["mean"] == pytest.approx(13.0)


def test_compare_a_real_sweep_from_the_command_line(tmp_path):
    sweep_dir = tmp_path / "real"
    small = ["days=60", "scale=0.05", "world.burn_in_days=30"]
    args = ["scenario=baseline_2024,patrols_and_rescue", "seed=1,2", *small, f"hydra.sweep.dir={sweep_dir}"]
    p = subprocess.run(
        [sys.executable, "-m", "sim", "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert p.returncode == 0, p.stderr[-3000:]
    (sweep_dir / "sweep_runs.parquet").unlink()  # the CSV alone is enough
    p = subprocess.run(
        [sys.executable, "-m", "sim.compare", str(sweep_dir)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert p.returncode == 0, p.stderr
    assert "Baseline: **baseline_2024**" in p.stdout and "## deaths_at_sea" in p.stdout
    result = pd.read_csv(sweep_dir / "compare.csv").set_index(["group", "outcome"])
    table = pd.read_csv(sweep_dir / "sweep_runs.csv")
    base = table[table["scenario"] == "baseline_2024"].set_index("seed")["people_arrived"]
    other = table[table["scenario"] == "patrols_and_rescue"].set_index("seed")["people_arrived"]
    assert result.loc[("patrols_and_rescue", "people_arrived"), "diff_mean"] == pytest.approx((other - base).mean())
    shutil.rmtree(sweep_dir)
