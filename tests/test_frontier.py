"""Policy frontier (sim/frontier/), bottom line and contested assumptions (sim/report/): what they compute and refuse.

One tiny frontier is run end to end (one generation of two mixes, one seed, 30 days at 5% scale, Hydra's basic
launcher): every number in frontier.csv is checked against the generation's own sweep table.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hydra_plugins.channel_abm_sweeper.candidate_sweeper import job_overrides, read_candidates
from sim.frontier import cli, search
from sim.frontier.levers import LEVERS, levers_named, mix_overrides
from sim.report import assumptions, bottom_line
from sim.report.scenarios import load_sweep
from tests.sweep_fixture import fabricate_sweep

TINY = ["world.start_date=2024-06-01", "world.burn_in_days=30", "hydra/launcher=basic"]
TINY_ARGS = ["--budget", "2", "--population", "2", "--seeds", "1", "--scale", "0.05", "--days", "30"]


# ------------------------------------------------------------------------------------------ levers, sweeper
def test_a_lever_at_its_off_value_disables_its_policy_with_the_same_keys():
    lv = LEVERS["beach_officers"]
    off, on = lv.overrides(lv.off), lv.overrides(1_400.0)
    assert off["policy.beach_patrols.enabled"] == "false" and on["policy.beach_patrols.enabled"] == "true"
    assert set(off) == set(on) and on["policy.beach_patrols.officers_per_night"] == "1400"
    posts = LEVERS["posts_abroad"].overrides(36.0)
    assert sum(float(v) for k, v in posts.items() if ".officers." in k) == pytest.approx(36.0)
    assert LEVERS["seizure_rate"].snap(0.26) == 0.25 and LEVERS["seizure_rate"].snap(0.9) == 0.5


def test_every_key_a_lever_sets_stays_in_its_declared_plausible_range():
    """The frontier searches plausible mixes only: at every step of every lever, each config key it sets lies in the
    plausible range sim/config.py declares (widened down to 0, "off"). A seizure rate of 0.5 in Germany and inland
    France (plausible top 0.2) once let the search seize three in four consignments on every corridor."""
    import dataclasses
    import typing

    from sim import config

    policies = typing.get_type_hints(typing.get_type_hints(config.SimConfig)["policy"])
    checked = 0
    for lv in LEVERS.values():
        steps = np.arange(lv.low, lv.high + lv.step / 2, lv.step)
        for v in steps:
            for key, value in lv.settings(float(v)).items():
                fields = {f.name: f for f in dataclasses.fields(policies[lv.policy])}
                fld = fields.get(key)
                plausible = fld.metadata.get("plausible") if fld is not None else None
                if plausible is None:
                    continue
                assert 0.0 <= value <= plausible[1] + 1e-9, (lv.name, v, key, value, plausible)
                checked += 1
    assert checked >= 60
    seize = LEVERS["seizure_rate"].settings(0.5)
    assert seize == {"rate_bulgaria": 0.5, "rate_germany": 0.2, "rate_france_inland": 0.2}
    posts = LEVERS["posts_abroad"]
    assert posts.high == 36.0 and sum(posts.settings(posts.high).values()) == pytest.approx(36.0)


def test_candidate_sweeper_crosses_rows_with_seeds_row_by_row(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text('policy,policy.seizures.rate_bulgaria\n"[seizures]",0.1\n"[seizures]",0.4\n')
    jobs = job_overrides({"file": str(path), "params": {}}, ["seed=0,1"])
    assert [j[-2:] for j in jobs] == [
        ["policy.seizures.rate_bulgaria=0.1", "seed=0"],
        ["policy.seizures.rate_bulgaria=0.1", "seed=1"],
        ["policy.seizures.rate_bulgaria=0.4", "seed=0"],
        ["policy.seizures.rate_bulgaria=0.4", "seed=1"],
    ]
    (tmp_path / "bad.csv").write_text("a,b\n1\n")
    with pytest.raises(ValueError, match="line 2: 1 cells for 2 keys"):
        read_candidates(tmp_path / "bad.csv")


def test_non_dominated_keeps_exactly_the_points_no_other_beats_everywhere():
    pts = np.array([[1.0, 5.0], [2.0, 2.0], [3.0, 3.0], [5.0, 1.0], [2.0, 2.0]])
    assert search.non_dominated(pts).tolist() == [True, True, False, True, True]
    assert search.signs(["people_arrived", "public_cost_gbp"]).tolist() == [1.0, 1.0]


# ------------------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    "args, words",
    [
        (["--objectives", "people_arrived,smiles"], "--objectives smiles: not an outcome"),
        (["--objectives", "people_arrived,mean_price_gbp"], "not an objective"),
        (["--levers", "seizure_rate,free_boats"], "--levers free_boats: unknown lever"),
        (["--budget", "0"], "--budget 0: must be at least 1"),
        (["--scale", "0"], "--scale 0.0"),
        (["policy.seizures.rate_bulgaria=0.3"], "rate_bulgaria is set by a searched lever"),
        (["asylum.hotel_share=1.7"], "asylum.hotel_share=1.7: out of range"),
        (["--draws", "100000"], "posterior_draw"),
    ],
)
def test_bad_input_one_line_exit_2_nothing_written(tmp_path, capsys, args, words):
    out = tmp_path / "front"
    assert cli.main([*args, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and len(err.splitlines()) == 1
    assert not out.exists()


def test_a_folder_that_is_not_a_frontier_is_refused_and_left_alone(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    assert cli.main(["--out", str(tmp_path)]) == 2
    assert "not a frontier folder" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


# ------------------------------------------------------------------------------------------ end to end
@pytest.fixture(scope="module")
def tiny_frontier(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("frontier") / "f"
    assert cli.main([*TINY_ARGS, "--out", str(out), *TINY]) == 0
    return out


def test_frontier_csv_is_the_mean_and_percentiles_of_each_mix_runs(tiny_frontier):
    meta, front, shipped = search.read_frontier(tiny_frontier)
    cols = list(front.columns)
    assert cols[:6] == list(LEVERS) and cols[6] == "runs"
    assert cols[7:10] == ["people_arrived", "people_arrived_q05", "people_arrived_q95"]
    assert meta["status"] == "finished" and meta["runs_per_candidate"] == 1 and 1 <= len(front) <= 2
    table = pd.read_csv(tiny_frontier / "generations" / "000" / "sweep_runs.csv")
    levers = levers_named(list(LEVERS))
    for _, row in front.iterrows():
        tokens = [f"{k}={v}" for k, v in mix_overrides(levers, {n: row[n] for n in LEVERS}).items()]
        runs = table[table["overrides"].map(lambda o, t=tokens: all(x in o.split(" ") for x in t))]
        assert len(runs) == row["runs"] == 1
        for name in meta["settings"]["objectives"]:  # full scale: the 5% sample's value / 0.05
            assert row[name] == pytest.approx(runs[name].mean() / 0.05)
            assert row[f"{name}_q05"] <= row[name] <= row[f"{name}_q95"]
    assert sorted(shipped["scenario"]) == sorted(search.SHIPPED)
    assert set(shipped["status"]) <= {"dominated", "on the frontier"}
    assert (tiny_frontier / "frontier.png").stat().st_size > 10_000


def test_the_report_reads_the_frontier_and_opens_with_the_bottom_line(tiny_frontier):
    from sim.report.content import build_document
    from sim.report.frontier import load_frontier

    sweep = load_sweep(tiny_frontier / "shipped")
    doc = build_document(sweep, frontier=load_frontier(tiny_frontier))
    ids = [s.id for s in doc.sections]
    assert ids[:3] == ["bottom-line", "summary", "frontier"]
    frontier = doc.sections[2]
    texts = " ".join(b.items[0] for b in frontier.blocks if hasattr(b, "items") and b.items)
    assert "Baseline 2024" in texts
    # Made with the code's levers: no warning; a folder that does not record them (made before) gets one.
    from sim.report.frontier import stale_levers_box

    assert "frontier-stale" not in [getattr(b, "id", "") for b in frontier.blocks]
    old = load_frontier(tiny_frontier)
    old.meta.pop("lever_tops")
    assert "lever definitions" in stale_levers_box(old).title


def test_report_refuses_a_folder_that_is_not_a_frontier(tiny_frontier, tmp_path, capsys):
    from sim.report import report

    assert report.main([str(tiny_frontier / "shipped"), "--frontier", str(tmp_path), "--out", str(tmp_path)]) == 2
    assert "not a frontier folder" in capsys.readouterr().err and not list(tmp_path.iterdir())


# ------------------------------------------------------------------------------------------ bottom line
def _two_scenarios(path: Path) -> Path:
    """Baseline and "policy" over four seeds; the policy has fewer arrivals in seeds 0-2, more in seed 3."""
    runs = []
    for seed, (b, p) in enumerate([(1000, 800), (1000, 900), (1100, 1000), (900, 950)]):
        runs.append(
            {
                "scenario": "baseline_2024",
                "seed": seed,
                "values": {
                    "people_arrived": b,
                    "expected_deaths_at_sea": 10.0,
                    "public_cost_gbp": 1e8,
                    "people_removed": 0.0,
                },
            }
        )
        runs.append(
            {
                "scenario": "policy",
                "seed": seed,
                "values": {
                    "people_arrived": p,
                    "expected_deaths_at_sea": 8.0 - 0.5 * seed,
                    "public_cost_gbp": 1e8 + 2e6 * (seed + 1),
                    "people_removed": 50.0,
                },
            }
        )
    return fabricate_sweep(path, runs)


def test_bottom_line_best_how_sure_and_cost_per_death_averted(tmp_path):
    sweep = load_sweep(_two_scenarios(tmp_path / "s"))
    best = bottom_line.best_on(sweep, "people_arrived", "fewest arrivals")
    assert sweep.name(best.best) == "Policy" and best.beats_baseline == 0.75 and best.pairs == 4
    policy = next(g for g in sweep.finished_groups if g is not sweep.baseline)
    deaths = bottom_line.per_averted(sweep, policy, "expected_deaths_at_sea")
    # averted 2, 2.5, 3, 3.5 deaths for £2m, £4m, £6m, £8m: mean £5m / 2.75 deaths; per pair £1m to £2.29m
    assert deaths.ratio == pytest.approx(5e6 / 2.75) and deaths.note == ""
    assert deaths.lo == pytest.approx(np.percentile([1e6, 1.6e6, 2e6, 8e6 / 3.5], 5))
    crossings = bottom_line.per_averted(sweep, policy, "people_arrived")
    assert crossings.note == "not distinguishable from zero"  # seed 3 has more arrivals: the interval spans 0
    text = bottom_line.per_averted_text(crossings, "crossing")
    assert text == "crossings averted not distinguishable from zero"


def test_contested_assumptions_file_is_in_step_with_the_config():
    assert assumptions.ROWS_FILE.read_text() == assumptions.csv_text()
    for c in assumptions.CONTESTED:
        lo, hi = assumptions.ends(c)
        assert all(lo[k] < hi[k] for k in c.keys)


# ------------------------------------------------------------------------------------------ scenario discovery
def test_prim_box_finds_the_region_where_the_mix_succeeds():
    from sim.frontier import discovery

    keys = ["policy.deterrence.response_strength", "smuggling.flimsy_response"]
    x = discovery.sample(keys, 200, seed=1)
    success = (x[keys[0]] > 1.5).to_numpy()  # succeeds exactly when people respond strongly to removal
    box = discovery.find_box(x, success)
    lo, hi = box["limits"][keys[0]]
    assert hi is None and 1.3 < lo < 1.7 and keys[1] not in box["limits"]
    assert box["coverage"] >= discovery.MIN_COVERAGE and box["density"] > 0.9
    text = discovery.sentence("third_country_removal", "expected_deaths_at_sea", 0.2, success, box)
    assert text.startswith("Third-country removal cuts expected deaths at sea by more than 20% in ")
    assert "response strength is above 1." in text


@pytest.mark.parametrize(
    "args, words",
    [
        (["--mix", "all_levers", "--outcome", "people_removed"], "--outcome people_removed: not an outcome to cut"),
        (["--mix", "all_levers", "--cut", "1.5"], "--cut 1.5"),
        (["--mix", "all_levers", "--samples", "3"], "--samples 3"),
        (["--mix", "all_levers", "--parameters", "smuggling.nonsense"], "smuggling.nonsense"),
        (["--mix", "no_such_mix"], "no_such_mix"),
    ],
)
def test_discovery_bad_input_one_line_exit_2_nothing_written(tmp_path, capsys, args, words):
    from sim.frontier import discovery

    out = tmp_path / "d"
    assert discovery.main([*args, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and len(err.splitlines()) == 1 and not out.exists()


@pytest.mark.slow
def test_running_again_resumes_every_run_and_gives_the_same_frontier(tiny_frontier, tmp_path):
    """The study is replayed from the generation sweeps: same asks, every run reused, the same tables."""
    before = {n: (tiny_frontier / n).read_text() for n in ("frontier.csv", "candidates.csv", "shipped.csv")}
    written = {p: p.stat().st_mtime_ns for p in tiny_frontier.glob("*/*/summary.json")}  # shipped runs
    written |= {p: p.stat().st_mtime_ns for p in tiny_frontier.glob("generations/*/*/summary.json")}
    assert len(written) == 2 + len(search.SHIPPED)
    assert cli.main([*TINY_ARGS, "--out", str(tiny_frontier), *TINY]) == 0
    for name, text in before.items():
        assert (tiny_frontier / name).read_text() == text
    assert all(p.stat().st_mtime_ns == t for p, t in written.items())  # every run reused, none run again
    other = tmp_path / "other"  # a fresh folder with the same settings: the same frontier, run from scratch
    assert cli.main([*TINY_ARGS, "--out", str(other), *TINY]) == 0
    assert (other / "frontier.csv").read_text() == before["frontier.csv"]
    assert cli.main([*TINY_ARGS, "--sampler-seed", "1", "--out", str(tiny_frontier), *TINY]) == 2


def test_contested_assumption_item_says_what_changes_at_each_end(tmp_path):
    c = next(x for x in assumptions.CONTESTED if x.name == "seizure response")
    runs = []
    for end, cut in zip(assumptions.ends(c), (0.5, 0.1), strict=True):
        settings = {**assumptions.configured(), **end}
        tag = [f"{k}={v}" for k, v in end.items()]
        for seed in (0, 1):
            for scenario, deaths in (("baseline_2024", 40.0), ("all_levers", 40.0 * (1 - cut))):
                values = {"expected_deaths_at_sea": deaths * (1 + 0.1 * seed), "people_arrived": 1000.0}
                runs.append(
                    {"scenario": scenario, "seed": seed, "values": values, "settings": settings, "overrides": tag}
                )
    sweep = load_sweep(fabricate_sweep(tmp_path / "c", runs))
    item = assumptions.assumption_item(sweep, c, (("expected_deaths_at_sea", "fewest deaths"),))
    assert item.startswith("Seizure response (how smugglers answer seizures: ordering ahead of the losses they")
    assert "plausible range" in item
    assert "fewest deaths: All levers at both ends (\u221250% and \u221210%)" in item


def test_shipped_scenarios_name_the_mixes_that_beat_them_whatever_pandas_reads():
    """shipped.csv's dominated_by is "0 1 2" or a single row number, which pandas reads as a number."""
    from sim.report.frontier import _mix_numbers

    assert _mix_numbers("0 1 2") == ["0", "1", "2"]
    assert _mix_numbers(6) == ["6"] and _mix_numbers(np.float64(6.0)) == ["6"]
    assert _mix_numbers(float("nan")) == [] and _mix_numbers(None) == []
