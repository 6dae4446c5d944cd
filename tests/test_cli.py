"""The command line: output contract of a run folder, and bad input refused before anything is written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.outputs import SUMMARY_OUTCOMES

ROOT = Path(__file__).resolve().parent.parent


def sim_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_run_folder_follows_the_output_contract(tmp_path):
    out = tmp_path / "run"
    p = sim_cli("seed=5", "days=40", "scale=0.05", "world.burn_in_days=30", f"hydra.run.dir={out}")
    assert p.returncode == 0, p.stderr
    assert f"results: {out}" in p.stdout
    summary = json.loads((out / "summary.json").read_text())
    for name in SUMMARY_OUTCOMES:
        assert name in summary, name
    assert set(summary["coast_arrivals_by_route"]) == {"balkan", "eastern_med", "central_med", "overland_direct"}
    daily = pd.read_parquet(out / "daily.parquet")
    assert len(daily) == 40
    assert daily["people_arrived"].sum() == summary["people_arrived"]
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["seed"] == 5
    assert meta["versions"]["mesa"].startswith("3.")
    assert "git_revision" in meta and meta["wall_seconds"] > 0
    config = (out / "config.yaml").read_text()
    assert "seed: 5" in config and "days: 40" in config
    assert meta["posterior_draw"] is None and meta["posterior_values"] == "medians"  # the default
    assert meta["calibration_id"].startswith("data/calibration/history@")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["foo=1"], "foo: unknown config key"),
        (["crossing.failure_prob=1.7"], "crossing.failure_prob=1.7: out of range, allowed [0, 1]"),
        (["smuggling.networks=-3"], "smuggling.networks=-3: out of range"),
        (["days=0"], "days=0: out of range, allowed [1, 36500]"),
        (["world.burn_in_days=-5"], "world.burn_in_days=-5: out of range"),
        (["weather=stormy"], "weather=stormy: unknown option; allowed: channel, rough"),
        (["days=abc"], "days=abc: expected integer"),
        (["-m", "seed=1,2", "crossing.failure_prob=0.1,2"], "crossing.failure_prob=2.0: out of range"),
        (["posterior_draw=120"], "posterior_draw=120: out of range, allowed [0, "),
        (["scenario=basline_2024"], "patrols_and_rescue, third_country_removal; did you mean baseline_2024?"),
    ],
)
def test_bad_input_gives_one_line_and_writes_nothing(tmp_path, args, expected):
    out = tmp_path / "out"
    p = sim_cli(*args, f"hydra.run.dir={out}", f"hydra.sweep.dir={out}")
    assert p.returncode == 2
    lines = [line for line in p.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, p.stderr
    assert expected in lines[0]
    assert not out.exists()


# ------------------------------------------------------------------------------------------------ help
def test_help_opens_with_what_the_tool_does_before_the_config():
    p = sim_cli("--help")
    assert p.returncode == 0, p.stderr
    text = p.stdout
    assert text.startswith("channel-abm: an agent-based simulation of small-boat crossings")
    config_at = text.index("== Config")
    for needle in ("== Usage ==", "python -m sim -m ", "--multirun", "scenario=NAME", "posterior_draw=K",
                   "== Outcomes", "== Where results go ==", "results/runs/", "sweep_runs.parquet"):  # fmt: skip
        assert 0 <= text.index(needle) < config_at, needle
    outcomes = text[text.index("== Outcomes") : text.index("== Where results go ==")]
    for name in SUMMARY_OUTCOMES:
        assert name in outcomes, name
    assert "scenario: all_levers, baseline_2024" in text  # the groups and their options, from configs/
    assert "posterior_draw: null" in text[config_at:]  # then the defaults


# ------------------------------------------------------------------------------------------ did you mean
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["scenari=x"], "scenari: unknown config key; did you mean scenario?"),  # a top-level key
        (["smuggling.max_lod=5"], "smuggling.max_lod: unknown config key; did you mean smuggling.max_load?"),
        (
            ["world.routes.balkan.legs.0.dayz_mean=3"],
            "unknown config key; did you mean world.routes.balkan.legs.0.days_mean?",
        ),
        (["expirement=policy_mix"], "expirement: unknown config key; did you mean +experiment?"),
        (["scenario=basline_2024"], "third_country_removal; did you mean baseline_2024?"),
        (["policy=[seizure]"], "policy=seizure: unknown option; allowed: asylum_processing, "),
        (["policy=[seizure]"], ", seizures; did you mean seizures?"),
        (
            ["+experiment=policy_mx"],
            "experiment=policy_mx: unknown option; allowed: contested_assumptions, deterrence_response, ",
        ),
        (["+experiment=policy_mx"], "; did you mean policy_mix?"),
        (["--multirum", "seed=1,2"], "--multirum: unknown option; did you mean --multirun?"),
        (["weather=stormy"], "weather=stormy: unknown option; allowed: channel, rough"),  # nothing close: no guess
        (["foo=1"], "foo: unknown config key (see"),
    ],
)
def test_a_misspelt_key_option_or_flag_suggests_the_nearest_valid_name(args, expected):
    from sim.cli import preflight
    from sim.config import ConfigError

    with pytest.raises(ConfigError) as err:
        preflight(args)
    assert expected in str(err.value)
    assert "\n" not in str(err.value)
