"""The results layer (sim/results/): one outcome catalogue, one reader and grouping of sweeps, one interval
definition, read the same way by every front end; intervals that include the assumptions where there are draws."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from sim.evidence import sensitivity
from sim.evidence import validate as V
from sim.outputs import SUMMARY_OUTCOMES
from sim.report import report
from sim.report.document import Table
from sim.results import compare, folders, outcomes, stats
from sim.results.folders import read_sweep
from tests.conftest import run_with
from tests.sweep_fixture import fabricate_sweep


def sample_runs() -> list[dict]:
    """Two scenarios and a parameter variant of the first, three seeds each; one run fails."""
    runs = []
    for scenario, extra, level in (
        ("baseline_2024", [], 36000.0),
        ("baseline_2024", ["enforcement.beach_officers=1500"], 34000.0),
        ("border_security_2024", [], 33000.0),
    ):
        for seed in range(3):
            values = {"people_arrived": level + 100 * seed, "deaths_at_sea": 70.0 + seed}
            runs.append({"scenario": scenario, "seed": seed, "overrides": extra, "values": values})
    runs[-1] = {**runs[-1], "status": "failed", "error": "Traceback ...\nMemoryError: out of memory"}
    return runs


@pytest.fixture
def sample(tmp_path):
    sweep_dir = fabricate_sweep(tmp_path / "sample", sample_runs())
    summary = sweep_dir / "4" / "summary.json"  # a run edited after it was written: damaged
    summary.write_text(summary.read_text().replace("34100.0", "1.0"))
    return sweep_dir


KEYS = ["baseline_2024", "baseline_2024 enforcement.beach_officers=1500", "border_security_2024"]


def test_every_front_end_reads_the_same_groups_and_runs(sample):
    sweep = read_sweep(sample)
    assert [g.key for g in sweep.groups] == KEYS
    counted = {g.key: sorted(r.seed for r in g.runs) for g in sweep.groups}
    assert counted == {KEYS[0]: [0, 1, 2], KEYS[1]: [0, 2], KEYS[2]: [0, 1]}
    assert {(r.group, r.seed, r.status) for r in sweep.problems} == {(KEYS[1], 1, "damaged"), (KEYS[2], 2, "failed")}
    # sim.compare
    result, base = compare.compare_sweep(sweep)
    assert base.key == "baseline_2024" and list(dict.fromkeys(result["group"])) == KEYS
    n = result[result["outcome"] == "people_arrived"].set_index("group")["n"].to_dict()
    assert n == {k: len(v) for k, v in counted.items()}
    # sim.report: the same groups (named for readers), the same runs, the same runs not counted
    rep = report.load_sweep(sample)
    assert {g.key: sorted(r.seed for r in g.runs) for g in rep.groups} == counted
    assert {(r.group, r.seed) for r in rep.failed} == {(KEYS[1], 1), (KEYS[2], 2)}
    assert [rep.name(g) for g in rep.groups] == [
        "Baseline 2024",
        "Baseline 2024 (enforcement: beach officers 1,500)",
        "Border security 2024",
    ]
    # sim.validate
    groups, skipped = V.load_sweep_dir(sample)
    assert {k: sorted(r.seed for r in v) for k, v in groups.items()} == counted
    assert len(skipped) == 2 and any("damaged" in s and "checksum" in s for s in skipped)


def test_every_front_end_reads_the_same_outcome_labels(sample):
    cat = outcomes.OUTCOMES
    assert SUMMARY_OUTCOMES == outcomes.NAMED
    # the report's headline rows, compare's headings, the sensitivity tables and the dashboard charts
    doc = report.build_document(report.load_sweep(sample))
    summary = next(s for s in doc.sections if s.id == "summary")  # after the bottom line
    headline = next(b for b in summary.blocks if isinstance(b, Table) and b.id == "headline")
    assert [row[0] for row in headline.rows] == [cat[k].label for k in report.HEADLINE]
    result, base = compare.compare_sweep(read_sweep(sample))
    md = compare.to_markdown(result, read_sweep(sample), base.key, ["people_arrived"])
    assert f"## people_arrived: {cat['people_arrived'].label} (people)" in md
    assert sensitivity.OUTCOME_LABELS == {k: cat[k].label for k in sensitivity.OUTCOMES}
    from sim.dashboard.app import ROWS
    from sim.dashboard.figures import TRADE_OFF

    assert TRADE_OFF[0][1] == cat["people_arrived"].label and TRADE_OFF[1][1] == cat["deaths_at_sea"].label
    assert all(key in cat for key, _ in ROWS)  # the scoreboard's rows are labelled from the catalogue
    text = run_with("seed=1").text_summary()
    assert cat["people_arrived"].label in text and cat["policy_cost_gbp"].label in text


def test_every_summary_key_is_in_the_catalogue_and_the_docs_table_is_fresh():
    summary = run_with("seed=1").summary
    assert list(summary)[: len(outcomes.NAMED)] == list(outcomes.NAMED)
    assert set(summary) <= {k for k, o in outcomes.OUTCOMES.items() if o.in_summary}
    current = outcomes.DOC.read_text()
    assert outcomes.render(current) == current, "docs/outputs.md is stale: run `python -m sim.results --write`"
    assert outcomes.per_full_scale("people_arrived", 50.0, 0.1) == pytest.approx(500.0)
    assert outcomes.per_full_scale("people_per_boat", 50.0, 0.1) == 50.0
    assert outcomes.per_full_scale("coast_arrivals_by_route.balkan", 5.0, 0.5) == 10.0


def draw_runs() -> list[dict]:
    """5 posterior draws x 4 seeds: the draw moves arrivals far more than the seed does; the policy takes 10% off
    every (draw, seed) run, so its paired differences hardly vary."""
    noise = np.random.default_rng(7).normal(0.0, 300.0, size=(5, 4))
    runs = []
    for scenario, factor in (("baseline_2024", 1.0), ("border_security_2024", 0.9)):
        for draw in range(5):
            for seed in range(4):
                people = factor * (30000.0 + 2500.0 * draw + noise[draw, seed])
                runs.append({"scenario": scenario, "seed": seed, "draw": draw, "values": {"people_arrived": people}})
    return runs


def test_a_sweep_over_draws_gives_a_wider_interval_with_the_assumptions(tmp_path):
    sweep_dir = fabricate_sweep(tmp_path / "draws", draw_runs())
    sweep = read_sweep(sweep_dir)
    assert [g.key for g in sweep.groups] == ["baseline_2024", "border_security_2024"]  # draws are replicates
    base, policy = sweep.groups
    assert base.draws == [0, 1, 2, 3, 4] and len(base.runs) == 20
    r = base.reduce("people_arrived")
    width = {iv.covers: iv.hi - iv.lo for iv in r.intervals}
    assert width[stats.CHANCE_AND_ASSUMPTIONS] > 5 * width[stats.CHANCE] > 0
    values = base.values("people_arrived")
    assert (r.assumptions.lo, r.assumptions.hi) == pytest.approx(tuple(np.percentile(values, [5, 95])))
    # paired within the same draw and seed: the difference is 10% of each baseline run
    d = policy.against(base, "people_arrived")
    assert d.n_pairs == 20 and d.diff == pytest.approx(-0.1 * values.mean()) and d.clear
    # compare: both intervals, the wider one with the assumptions
    result, _ = compare.compare_sweep(sweep)
    row = result.set_index(["group", "outcome"]).loc[("baseline_2024", "people_arrived")]
    assert row["draws"] == 5 and row["chance_assumptions_hi"] - row["chance_assumptions_lo"] > (
        row["chance_hi"] - row["chance_lo"]
    )
    # the report: the first page says the runs cover draws, the headline shows both intervals
    doc = report.build_document(report.load_sweep(sweep_dir))
    summary = next(s for s in doc.sections if s.id == "summary")  # after the bottom line
    box = next(b for b in summary.blocks if getattr(b, "id", "") == "uncertainty")
    assert any("5 parameter sets drawn from the calibration's posterior" in item for item in box.items)
    summary = next(s for s in doc.sections if s.id == "summary")  # after the bottom line
    headline = next(b for b in summary.blocks if isinstance(b, Table) and b.id == "headline")
    cell = headline.rows[0][1].split("\n")
    assert cell[1].startswith("(") and cell[2].startswith("[")
    # validate: the range of the runs spans draws x seeds
    groups, _ = V.load_sweep_dir(sweep_dir)
    card = V.score(groups["baseline_2024"], label="draws")
    people = next(a for a in card["annual"] if a["check"] == "people_arrived")
    assert people["p95"] - people["p5"] == pytest.approx(r.assumptions.hi - r.assumptions.lo)


def test_a_damaged_parquet_is_read_from_the_csv_by_every_front_end(sample, tmp_path):
    (sample / "sweep_runs.parquet").write_bytes(b"PAR1 damaged")
    assert [g.key for g in read_sweep(sample).groups] == KEYS
    assert [g.key for g in report.load_sweep(sample).groups] == KEYS
    assert list(V.load_sweep_dir(sample)[0]) == KEYS
    (sample / "sweep_runs.csv").write_text("job_num,run_dir\n1,")  # both copies unusable: one line, everywhere
    with pytest.raises(folders.SweepError, match="not a sweep table"):
        read_sweep(sample)
    with pytest.raises(report.ReportError, match="not a sweep table"):
        report.load_sweep(sample)
    with pytest.raises(V.ValidationError, match="not a sweep table"):
        V.load_sweep_dir(sample)


def test_the_table_is_rebuilt_in_memory_from_run_folders_and_nested_mappings_flatten(sample):
    original = read_sweep(sample)
    table = original.table
    assert "by_year.2024.people_arrived" in table.columns and "coast_arrivals_by_route.balkan" in table.columns
    assert folders.flatten_summary({"a": {"b": {"c": 1}}, "x": 2, "l": [1]}) == ({"x": 2}, {"a.b.c": 1})
    for name in ("sweep_runs.parquet", "sweep_runs.csv"):
        (sample / name).unlink()
    rebuilt = read_sweep(sample)
    assert [g.key for g in rebuilt.groups] == KEYS and not (sample / "sweep_runs.parquet").exists()
    assert [(r.job_num, r.status) for r in rebuilt.runs] == [(r.job_num, r.status) for r in original.runs]
    counted = [[r.value("people_arrived") for r in s.runs if r.ok] for s in (rebuilt, original)]
    assert counted[0] == counted[1]


def test_a_run_in_the_table_without_its_folder_is_missing(sample):
    shutil.rmtree(sample / "0")
    run = next(r for r in read_sweep(sample).runs if r.job_num == 0)
    assert run.status == "missing" and run.error == "run folder missing" and not run.ok
