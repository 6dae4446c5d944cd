"""python -m sim.compare: statistics over seeds, paired differences from the baseline, files and errors."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.results import compare as C
from sim.sweeps import sweep as S

ROOT = Path(__file__).resolve().parent.parent
T975 = {2: 4.302652729911275, 3: 3.182446305284263}  # Student t quantiles, by degrees of freedom


def make_sweep(tmp_path: Path, rows: list[dict]) -> Path:
    """A sweep folder holding only a table, as python -m sim -m writes it."""
    sweep_dir = tmp_path / "sweep"
    sweep_dir.mkdir()
    records = []
    for i, r in enumerate(rows):
        records.append(
            {
                "job_num": i,
                "run_dir": str(i),
                "scenario": r["scenario"],
                "seed": r["seed"],
                "overrides": r.get("overrides", f"scenario={r['scenario']} seed={r['seed']} days=60"),
                "config_key": f"{i:016x}",
                "status": r.get("status", "finished"),
                "error": r.get("error", ""),
                "wall_seconds": 1.0,
                "people_arrived": r.get("people_arrived"),
                "deaths_at_sea": r.get("deaths_at_sea"),
                "coast_arrivals_by_route.balkan": r.get("people_arrived"),
            }
        )
    S.write_table(sweep_dir, pd.DataFrame(records))
    return sweep_dir


def scenario_rows() -> list[dict]:
    base = [10.0, 12.0, 14.0]  # seeds 1, 2, 3
    other = [15.0, 16.0, 20.0]  # paired differences 5, 4, 6
    rows = [
        {"scenario": "baseline_2024", "seed": s, "people_arrived": v, "deaths_at_sea": 1.0}
        for s, v in zip((1, 2, 3), base, strict=True)
    ]
    # listed in another seed order: pairing is by seed, not by position
    rows += [
        {"scenario": "border_security_2024", "seed": s, "people_arrived": v, "deaths_at_sea": 2.0}
        for s, v in zip((3, 1, 2), (other[2], other[0], other[1]), strict=True)
    ]
    rows.append({"scenario": "border_security_2024", "seed": 4, "status": "failed", "error": "RuntimeError: x"})
    return rows


def test_statistics_and_paired_difference(tmp_path):
    sweep_dir = make_sweep(tmp_path, scenario_rows())
    result, base = C.compare_table(S.read_table(sweep_dir))
    assert base == "baseline_2024"
    r = result.set_index(["group", "outcome"])
    b = r.loc[("baseline_2024", "people_arrived")]
    assert b["n"] == 3 and b["mean"] == pytest.approx(12.0) and b["median"] == pytest.approx(12.0)
    assert b["p2_5"] == pytest.approx(np.percentile([10, 12, 14], 2.5)) == pytest.approx(10.1)
    assert b["p97_5"] == pytest.approx(13.9)
    o = r.loc[("border_security_2024", "people_arrived")]
    assert o["n"] == 3 and o["failed"] == 1 and o["n_pairs"] == 3
    assert o["diff_mean"] == pytest.approx(5.0)
    half = T975[2] * 1.0 / math.sqrt(3)  # sd of (5, 4, 6) is 1
    assert o["diff_lo95"] == pytest.approx(5.0 - half) and o["diff_hi95"] == pytest.approx(5.0 + half)
    assert o["diff_pct"] == pytest.approx(100 * 5 / 12)
    assert r.loc[("baseline_2024", "people_arrived"), "diff_mean"] == 0.0
    # a constant difference has a zero-width interval; mappings flattened in the table are compared too
    d = r.loc[("border_security_2024", "deaths_at_sea")]
    assert d["diff_lo95"] == pytest.approx(1.0) and d["diff_hi95"] == pytest.approx(1.0)
    assert ("border_security_2024", "coast_arrivals_by_route.balkan") in r.index


def test_pairs_only_shared_seeds(tmp_path):
    rows = scenario_rows()[:-1]
    rows = [r for r in rows if not (r["scenario"] == "baseline_2024" and r["seed"] == 3)]
    result, _ = C.compare_table(S.read_table(make_sweep(tmp_path, rows)))
    o = result.set_index(["group", "outcome"]).loc[("border_security_2024", "people_arrived")]
    assert o["n"] == 3 and o["n_pairs"] == 2 and o["diff_mean"] == pytest.approx(4.5)  # seeds 1, 2: 5 and 4
    assert o["diff_hi95"] - o["diff_mean"] == pytest.approx(12.706204736174707 * np.std([5, 4], ddof=1) / math.sqrt(2))


def test_parameter_sweep_groups_and_baseline_choice(tmp_path):
    rows = []
    for rate, level in ((0.0, 100.0), (0.3, 80.0), (0.6, 50.0)):
        for seed in (0, 1):
            ov = f"policy.seizures.rate_bulgaria={rate} seed={seed} +experiment=seizure_intensity"
            rows.append({"scenario": "baseline_2024", "seed": seed, "overrides": ov, "people_arrived": level + seed})
    table = S.read_table(make_sweep(tmp_path, rows))
    assert list(dict.fromkeys(C.group_labels(table))) == [
        "policy.seizures.rate_bulgaria=0.0",
        "policy.seizures.rate_bulgaria=0.3",
        "policy.seizures.rate_bulgaria=0.6",
    ]
    result, base = C.compare_table(table)  # every group is baseline_2024: the first group is the baseline
    assert base == "policy.seizures.rate_bulgaria=0.0"
    result, base = C.compare_table(table, "0.6")
    assert base == "policy.seizures.rate_bulgaria=0.6"
    r = result.set_index(["group", "outcome"])
    assert r.loc[("policy.seizures.rate_bulgaria=0.0", "people_arrived"), "diff_mean"] == pytest.approx(50.0)
    with pytest.raises(C.CompareError, match="no such group"):
        C.compare_table(table, "0.9")
    with pytest.raises(C.CompareError, match="matches several groups"):
        C.compare_table(table, "baseline_2024")


def test_cli_writes_csv_and_markdown(tmp_path, capsys):
    sweep_dir = make_sweep(tmp_path, scenario_rows())
    assert C.main([str(sweep_dir), "--baseline", "border_security_2024"]) == 0
    out = capsys.readouterr().out
    assert "Baseline: **border_security_2024**" in out and "percentile" in out and "t-interval" in out
    csv = pd.read_csv(sweep_dir / "compare.csv")
    assert set(csv["baseline"]) == {"border_security_2024"}
    assert {"group", "outcome", "n", "mean", "median", "p2_5", "p97_5", "diff_mean", "diff_lo95", "diff_hi95"} <= set(
        csv.columns
    )
    md = (sweep_dir / "compare.md").read_text()
    assert "## people_arrived" in md and "| baseline_2024 | 3 | 0 | 12.0 |" in md
    assert "-5.00 [" in md  # baseline minus border security, paired


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
        target = make_sweep(tmp_path, [{"scenario": "b", "seed": 1, "status": "failed", "error": "E"}])
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


def test_compare_a_real_sweep_from_the_command_line(tmp_path):
    sweep_dir = tmp_path / "real"
    small = ["days=60", "scale=0.05", "world.burn_in_days=30"]
    args = ["scenario=baseline_2024,patrols_and_rescue", "seed=1,2", *small, f"hydra.sweep.dir={sweep_dir}"]
    p = subprocess.run(
        [sys.executable, "-m", "sim", "-m", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr[-3000:]
    (sweep_dir / "sweep_runs.parquet").unlink()  # the CSV alone is enough
    p = subprocess.run(
        [sys.executable, "-m", "sim.compare", str(sweep_dir)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert p.returncode == 0, p.stderr
    assert "Baseline: **baseline_2024**" in p.stdout and "## deaths_at_sea" in p.stdout
    result = pd.read_csv(sweep_dir / "compare.csv").set_index(["group", "outcome"])
    table = pd.read_csv(sweep_dir / "sweep_runs.csv")
    base = table[table["scenario"] == "baseline_2024"].set_index("seed")["people_arrived"]
    other = table[table["scenario"] == "patrols_and_rescue"].set_index("seed")["people_arrived"]
    assert result.loc[("patrols_and_rescue", "people_arrived"), "diff_mean"] == pytest.approx((other - base).mean())
    assert result.loc[("baseline_2024", "people_arrived"), "mean"] == pytest.approx(base.mean())
