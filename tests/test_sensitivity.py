"""Sensitivity analysis: parameter boxes inside the declared ranges, the analysis finds what drives a known
function, and a small real Morris study runs in parallel, writes its table and plot, and resumes."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim import sensitivity as S
from sim.calibrate import declared_range
from sim.config import ConfigError

SMALL = ["scale=0.05", "days=60", "world.burn_in_days=30"]


def test_parameter_boxes_lie_inside_the_declared_ranges():
    S.check_parameters(S.PARAMETERS)
    for p in S.PARAMETERS:
        low, high = declared_range(p.key)
        assert low <= p.low < p.high <= high, p.key
    with pytest.raises(ConfigError, match="outside the declared range"):
        S.check_parameters([S.Parameter("crossing.failure_prob", 0.0, 2.0)])


def test_unit_cube_maps_to_parameter_values():
    params = [
        S.Parameter("migration.annual_entrants", 10_000.0, 100_000.0, log=True),
        S.Parameter("smuggling.networks", 10, 30, integer=True),
        S.Parameter("crossing.mass_casualty_prob", 0.05, 0.2),
    ]
    v = S.to_values(np.array([[0.0, 0.0, 0.0], [0.5, 0.52, 0.5], [1.0, 1.0, 1.0]]), params)
    assert v[:, 0] == pytest.approx([10_000, np.sqrt(1e9), 100_000])
    assert v[:, 1].tolist() == [10, 20, 30]
    assert v[:, 2] == pytest.approx([0.05, 0.125, 0.2])
    assert S.to_overrides(v[1], params)[1] == "smuggling.networks=20"


def _toy_study(tmp_path, method, n):
    params = [
        S.Parameter("migration.annual_entrants", 30_000.0, 90_000.0),
        S.Parameter("crossing.incident_base_prob", 0.005, 0.08),
        S.Parameter("smuggling.max_load", 65, 110, integer=True),
    ]
    study = S.Study(tmp_path / method, method, params, n, seed=3)
    v = study.values
    # people depend on entrants only; deaths mostly on the incident probability; load on max_load.
    y = pd.DataFrame(
        {
            "people_arrived": 0.7 * v[:, 0],
            "deaths_at_sea": 1000 * v[:, 1] + 0.0001 * v[:, 0],
            "people_per_boat": 0.5 * v[:, 2],
        }
    )
    return study, S.analyse(study, y)


@pytest.mark.parametrize(("method", "n", "key"), [("morris", 8, "mu_star"), ("sobol", 64, "ST")])
def test_analysis_finds_the_parameter_that_drives_each_outcome(tmp_path, method, n, key):
    study, table = _toy_study(tmp_path, method, n)
    k = len(study.params)
    assert len(study.u) == (n * (k + 1) if method == "morris" else n * (k + 2))
    first = table[table["rank"] == 1].set_index("outcome")["parameter"]
    assert first["people_arrived"] == "migration.annual_entrants"
    assert first["deaths_at_sea"] == "crossing.incident_base_prob"
    assert first["people_per_boat"] == "smuggling.max_load"
    people = table[table["outcome"] == "people_arrived"].set_index("parameter")[key]
    assert people["crossing.incident_base_prob"] == pytest.approx(0.0, abs=1e-6 if method == "morris" else 0.05)
    md = S.to_markdown(table, study, pd.DataFrame({o: np.ones(len(study.u)) for o in S.OUTCOMES}))
    assert "| 1 | `migration.annual_entrants` |" in md


def test_sobol_needs_a_power_of_two(tmp_path):
    with pytest.raises(ConfigError, match="power of two"):
        S.generate_sample("sobol", S.PARAMETERS[:2], 10, 0)


def test_small_morris_study_runs_writes_and_resumes(tmp_path, capsys):
    out = tmp_path / "morris"
    keys = "migration.annual_entrants,crossing.incident_base_prob"
    args = ["--method", "morris", "--n", "2", "--out", str(out), "--params", keys, "--jobs", "2"]
    args += [a for o in SMALL for a in ("-o", o)]
    assert S.main(args) == 0
    assert "6 runs in the design, 0 already done, 6 to run" in capsys.readouterr().out
    table = pd.read_csv(out / "indices.csv")
    assert set(table["outcome"]) == set(S.OUTCOMES)
    assert set(table["parameter"]) == set(keys.split(","))
    assert (out / "indices.png").stat().st_size > 0
    assert "Morris screening" in (out / "indices.md").read_text()
    rows = sorted((out / "runs").glob("row_*.json"))
    assert len(rows) == 6
    first = json.loads(rows[0].read_text())
    assert "seed=0" in first["overrides"] and first["outcomes"]["people_arrived"] >= 0
    # Resume: a lost row is run again, the others are not.
    rows[3].unlink()
    assert S.main([*args, "--analyse-only"]) == 2
    assert "1 rows of the design have no result yet" in capsys.readouterr().err
    assert S.main(args) == 0
    assert "6 runs in the design, 5 already done, 1 to run" in capsys.readouterr().out
    pd.testing.assert_frame_equal(pd.read_csv(out / "indices.csv"), table)
    # Another design in the same folder is refused.
    assert S.main([*args[:3], "3", *args[4:]]) == 2


def test_top_parameters_are_chosen_over_all_outcomes(tmp_path):
    """Each outcome's effects count relative to its own largest: one outcome cannot crowd out the others."""
    rows = []
    for outcome, effects in {
        "people_arrived": {"migration.annual_entrants": 100.0, "enforcement.beach_officers": 60.0},
        "deaths_at_sea": {
            "crossing.incident_base_prob": 9.0,
            "crossing.mass_casualty_prob": 8.0,
            "smuggling.networks": 7.0,
        },
    }.items():
        for key, mu in effects.items():
            rows.append({"outcome": outcome, "parameter": key, "mu_star": mu, "mu_star_relative": mu})
    pd.DataFrame(rows).to_csv(tmp_path / "indices.csv", index=False)
    keys = [p.key for p in S.top_parameters(tmp_path, 3)]
    assert set(keys) == {"migration.annual_entrants", "crossing.incident_base_prob", "crossing.mass_casualty_prob"}
    assert len(S.top_parameters(tmp_path, 5)) == 5
