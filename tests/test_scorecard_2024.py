"""The 2024 scorecard is a report of an out-of-sample score (python -m sim.evidence.scorecard, make score-2024):
these tests check that it runs, has one row per annual target and refuses bad options; never that the model fits
2024, a test year nothing is fitted to."""

from __future__ import annotations

import json

from sim.evidence import scorecard as S
from sim.evidence import validate as V


def test_the_report_runs_and_has_a_row_per_target(tmp_path, capsys):
    out = tmp_path / "scorecard_2024.json"
    assert S.main(["--seeds", "2", "--scale", "0.05", "--jobs", "1", "--out", str(out)]) == 0
    card = json.loads(out.read_text())
    assert card["year"] == 2024 and card["in_sample"] is False and card["runs"] == 2 and card["seeds"] == [0, 1]
    assert set(card["targets"]) == set(V.TOLERANCE)
    for name, row in card["targets"].items():
        assert row["model_5_95"][0] <= row["model_mean"] <= row["model_5_95"][1], name
        assert row["observed_2024"] > 0 and row["within_tolerance"] == (
            abs(row["relative_difference"]) <= row["tolerance"]
        )
    assert card["distance"] >= 0
    text = capsys.readouterr().out
    assert "test year scored out of sample" in text and "distance" in text
    assert all(name in text for name in V.TOLERANCE)


def test_bad_options_are_refused_on_one_line_before_any_run(tmp_path, capsys):
    out = tmp_path / "card.json"
    for argv, needle in ((["--seeds", "0"], "--seeds 0: must be >= 1"), (["--scale", "2"], "--scale 2: out of range")):
        assert S.main([*argv, "--out", str(out)]) == 2
        err = capsys.readouterr().err.strip()
        assert "\n" not in err and needle in err
    assert (
        S.main(
            ["--seeds", "1", "--scale", "0.02", "--jobs", "1", "-o", "world.start_date=2023-01-01", "--out", str(out)]
        )
        == 2
    )
    assert "scores 2024 alone" in capsys.readouterr().err
    assert not out.exists()
