"""Sweeps (python -m sim -m ...): one folder per run, the sweep table, resuming, failures, preflight, replicates."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from omegaconf import OmegaConf

from sim.outputs import SUMMARY_OUTCOMES
from sim.sweeps import sweep as S

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["days=60", "scale=0.05", "world.burn_in_days=30"]
SWEEP = ["scenario=baseline_2024,border_security_2024", "seed=1,2", *SMALL]


def sim_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def sweep_cli(sweep_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return sim_cli("-m", *args, f"hydra.sweep.dir={sweep_dir}", "hydra.callbacks.sweep.progress_every=0")


def read_json(path: Path) -> dict:
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def swept(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """Two scenarios x two seeds on the default launcher (joblib, all cores)."""
    sweep_dir = tmp_path_factory.mktemp("sweep") / "sweep"
    p = sweep_cli(sweep_dir, *SWEEP)
    assert p.returncode == 0, p.stderr[-3000:]
    return sweep_dir, p


def test_each_run_has_its_own_folder_and_one_row_in_the_table(swept):
    sweep_dir, p = swept
    assert "JoblibLauncher" in (sweep_dir / "multirun.yaml").read_text() or "joblib" in p.stdout + p.stderr
    pq = pd.read_parquet(sweep_dir / "sweep_runs.parquet")
    csv = pd.read_csv(sweep_dir / "sweep_runs.csv", keep_default_na=False)
    assert list(pq.columns[: len(S.TABLE_COLUMNS)]) == list(S.TABLE_COLUMNS)
    assert list(csv.columns) == list(pq.columns)
    assert len(pq) == 4 and list(pq["job_num"]) == [0, 1, 2, 3]
    assert set(pq["status"]) == {"finished"} and set(pq["error"]) == {""}
    assert list(pq["scenario"]) == ["baseline_2024", "baseline_2024", "border_security_2024", "border_security_2024"]
    assert list(pq["seed"]) == [1, 2, 1, 2]
    assert pq.loc[3, "overrides"] == "scenario=border_security_2024 seed=2 " + " ".join(SMALL)
    assert pq["config_key"].nunique() == 4
    for row in pq.itertuples():
        run_dir = sweep_dir / row.run_dir
        assert not Path(row.run_dir).is_absolute() and run_dir.is_dir()
        for name in ("summary.json", "daily.parquet", "config.yaml", "metadata.json"):
            assert (run_dir / name).is_file(), (run_dir, name)
        summary = read_json(run_dir / "summary.json")
        meta = read_json(run_dir / "metadata.json")
        assert meta["status"] == "finished" and meta["job_num"] == row.job_num
        # the key is the hash of the resolved config the run wrote (hydra section excluded)
        assert row.config_key == S.config_key(OmegaConf.to_container(OmegaConf.load(run_dir / "config.yaml")))
        assert row.wall_seconds == pytest.approx(meta["wall_seconds"])
        for name in SUMMARY_OUTCOMES:
            assert getattr(row, name) == pytest.approx(summary[name]), name
        for mapping in ("coast_arrivals_by_route", "launch_attempts_by_area", "policy_cost_by_item_gbp"):
            assert summary[mapping], mapping
            for k, v in summary[mapping].items():
                assert pq.loc[row.Index, f"{mapping}.{k}"] == pytest.approx(v), (mapping, k)
    pd.testing.assert_frame_equal(csv[["job_num", "people_arrived"]], pq[["job_num", "people_arrived"]].astype("int64"))


def test_progress_line_counts_runs(swept):
    _, p = swept
    lines = [line for line in p.stderr.splitlines() if line.startswith("sweep: ")]
    assert lines[0] == f"sweep: 4 runs into {swept[0]}"
    final = [line for line in lines if "4/4 runs" in line][-1]
    assert re.search(r"4 done, 0 failed, 0 remaining, elapsed \d+:\d\d:\d\d, ETA 0:00:00$", final), final
    partial = [line for line in lines if "/4 runs" in line and "4/4" not in line]
    assert all("remaining" in line and "ETA" in line for line in partial)


def test_a_run_in_a_sweep_equals_the_single_run(swept, tmp_path):
    sweep_dir, _ = swept
    out = tmp_path / "single"
    p = sim_cli("scenario=border_security_2024", "seed=2", *SMALL, f"hydra.run.dir={out}")
    assert p.returncode == 0, p.stderr
    in_sweep = sweep_dir / "3"
    assert read_json(in_sweep / "summary.json") == read_json(out / "summary.json")
    pd.testing.assert_frame_equal(pd.read_parquet(in_sweep / "daily.parquet"), pd.read_parquet(out / "daily.parquet"))
    assert (in_sweep / "config.yaml").read_text() == (out / "config.yaml").read_text()
    assert read_json(in_sweep / "metadata.json")["config_key"] == read_json(out / "metadata.json")["config_key"]


def _copy_sweep(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def _mtimes(sweep_dir: Path) -> dict[str, float]:
    return {d.name: (d / "summary.json").stat().st_mtime_ns for d in sweep_dir.iterdir() if d.name.isdigit()}


def test_rerun_skips_finished_runs_and_redoes_failed_missing_and_changed(swept, tmp_path):
    sweep_dir = _copy_sweep(swept[0], tmp_path / "again")
    before = _mtimes(sweep_dir)
    reference = {n: read_json(sweep_dir / n / "summary.json") for n in before}
    shutil.rmtree(sweep_dir / "1")  # a run that never happened
    meta = read_json(sweep_dir / "2" / "metadata.json")
    meta.update(status="failed", error="RuntimeError: boom")  # a run that failed
    (sweep_dir / "2" / "metadata.json").write_text(json.dumps(meta))
    meta = read_json(sweep_dir / "0" / "metadata.json")
    meta["config_key"] = "0000000000000000"  # same overrides, but the resolved config has changed since
    (sweep_dir / "0" / "metadata.json").write_text(json.dumps(meta))
    time.sleep(0.01)
    p = sweep_cli(sweep_dir, *SWEEP)
    assert p.returncode == 0, p.stderr[-3000:]
    assert "4/4 runs, 4 done (1 reused), 0 failed" in p.stderr
    after = _mtimes(sweep_dir)
    assert after["3"] == before["3"]  # not run again
    assert after["0"] != before["0"] and after["2"] != before["2"]  # run again
    assert read_json(sweep_dir / "0" / "metadata.json")["config_key"] == swept_key(swept[0], 0)
    for n, summary in reference.items():  # and the runs made again are the same replicates
        assert read_json(sweep_dir / n / "summary.json") == summary
    table = pd.read_parquet(sweep_dir / "sweep_runs.parquet")
    assert list(table["status"]) == ["finished"] * 4


def swept_key(sweep_dir: Path, job: int) -> str:
    return pd.read_parquet(sweep_dir / "sweep_runs.parquet").loc[job, "config_key"]


@pytest.mark.slow  # moved out of make test (time budget); make test-slow runs it
def test_extended_sweep_reuses_finished_runs_under_their_new_job_numbers(swept, tmp_path):
    sweep_dir = _copy_sweep(swept[0], tmp_path / "extended")
    old = pd.read_parquet(sweep_dir / "sweep_runs.parquet").set_index("overrides")
    p = sweep_cli(sweep_dir, "scenario=baseline_2024,border_security_2024", "seed=1,2,3", *SMALL)
    assert p.returncode == 0, p.stderr[-3000:]
    assert "6/6 runs, 6 done (4 reused), 0 failed" in p.stderr
    table = pd.read_parquet(sweep_dir / "sweep_runs.parquet")
    assert list(table["seed"]) == [1, 2, 3, 1, 2, 3]
    for row in table.itertuples():
        meta = read_json(sweep_dir / row.run_dir / "metadata.json")
        assert meta["job_num"] == row.job_num and meta["overrides"] == row.overrides
        assert row.run_dir == str(row.job_num)
        if row.overrides in old.index:  # moved, not recomputed: same key and numbers
            assert row.config_key == old.loc[row.overrides, "config_key"]
            assert row.people_arrived == old.loc[row.overrides, "people_arrived"]


@pytest.mark.slow  # moved out of make test (time budget); make test-slow runs it
def test_runs_of_settings_no_longer_swept_are_kept_aside(swept, tmp_path):
    sweep_dir = _copy_sweep(swept[0], tmp_path / "narrowed")
    p = sweep_cli(sweep_dir, "scenario=border_security_2024", "seed=1,2", *SMALL)
    assert p.returncode == 0, p.stderr[-3000:]
    assert "2/2 runs, 2 done (2 reused)" in p.stderr
    kept = list((sweep_dir / S.BOOKKEEPING / "superseded").glob("*/*/summary.json"))
    assert len(kept) == 2  # the baseline runs were at positions 0 and 1, now taken by the others
    table = pd.read_parquet(sweep_dir / "sweep_runs.parquet")
    assert list(table["scenario"]) == ["border_security_2024"] * 2


@pytest.mark.slow  # moved out of make test for time (make test-slow runs it)
def test_killed_sweep_loses_no_finished_run(tmp_path):
    sweep_dir = tmp_path / "killed"
    args = ["seed=range(12)", "days=120", "scale=0.1", "world.burn_in_days=30", "hydra.launcher.n_jobs=2"]
    cmd = [sys.executable, "-m", "sim", "-m", *args, f"hydra.sweep.dir={sweep_dir}"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        finished: dict[str, dict] = {}
        while time.monotonic() < deadline and len(finished) < 2:
            for meta_path in sweep_dir.glob("*/metadata.json"):
                meta = json.loads(meta_path.read_text())
                if meta.get("status") == "finished":
                    finished[meta_path.parent.name] = read_json(meta_path.parent / "summary.json")
            time.sleep(0.05)
        assert finished, "no run finished in time"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the sweep and its worker processes (same session)
        proc.wait(timeout=30)
    done_at_kill = {
        d.name for d in sweep_dir.iterdir() if (d / "metadata.json").is_file() and d.name.isdigit()
    }  # every finished run is complete: summary readable, metadata says finished
    assert len(done_at_kill) < 12, "the sweep ended before it was killed; nothing was tested"
    for name in done_at_kill:
        meta = read_json(sweep_dir / name / "metadata.json")
        assert meta["status"] == "finished"
        read_json(sweep_dir / name / "summary.json")
        pd.read_parquet(sweep_dir / name / "daily.parquet")
    p = subprocess.run(
        [*cmd, "hydra.callbacks.sweep.progress_every=0"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert p.returncode == 0, p.stderr[-3000:]
    assert f"12 done ({len(done_at_kill)} reused)" in p.stderr
    for name, summary in finished.items():
        assert read_json(sweep_dir / name / "summary.json") == summary
    assert len(pd.read_parquet(sweep_dir / "sweep_runs.parquet")) == 12


@pytest.mark.slow  # moved out of make test for time (make test-slow runs it)
def test_a_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path):
    sweep_dir = tmp_path / "failing"
    (sweep_dir / "1" / "summary.json").mkdir(parents=True)  # run 1 cannot write its summary
    (sweep_dir / "1" / "summary.json" / "x").write_text("")
    (sweep_dir / "2").write_text("")  # job 2's folder cannot be made: Hydra's job set-up fails before the run
    p = sweep_cli(sweep_dir, "seed=1,2,3", *SMALL)
    assert p.returncode == S.SWEEP_FAILED_EXIT == 1, p.stderr[-3000:]
    assert "3/3 runs, 1 done, 2 failed, 0 remaining" in p.stderr
    assert "sweep: 2 run(s) failed; see the error column of the table (exit code 1)" in p.stderr
    assert "Traceback" not in p.stderr
    table = pd.read_csv(sweep_dir / "sweep_runs.csv", keep_default_na=False)
    assert list(table["status"]) == ["finished", "failed", "failed"]
    assert table.loc[1, "error"].startswith("IsADirectoryError") and "\n" not in table.loc[1, "error"]
    assert table.loc[2, "error"].startswith("job set-up failed: FileExistsError") and table.loc[2, "seed"] == 3
    assert table.loc[0, "error"] == "" and table.loc[1, "seed"] == 2
    meta = read_json(sweep_dir / "1" / "metadata.json")
    assert meta["status"] == "failed" and "Traceback" in meta["traceback"]
    # fixed, the same command redoes only the failed runs
    shutil.rmtree(sweep_dir / "1" / "summary.json")
    (sweep_dir / "2").unlink()
    p = sweep_cli(sweep_dir, "seed=1,2,3", *SMALL)
    assert p.returncode == 0, p.stderr[-3000:]
    assert "3 done (1 reused), 0 failed" in p.stderr
    assert list(pd.read_parquet(sweep_dir / "sweep_runs.parquet")["status"]) == ["finished"] * 3


@pytest.fixture(autouse=True)
def _no_hydra_config_left_behind():
    yield
    from hydra.core.hydra_config import HydraConfig

    HydraConfig.instance().cfg = None


def _sweep_job_config(sweep_dir: Path, job_num: int, overrides: list[str]):
    """A job's config as a launcher hands it to the task function (Hydra's run_job, minus the process)."""
    from hydra import compose, initialize_config_dir
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode
    from omegaconf import open_dict

    from sim.cli import CONFIG_DIR, register_schema

    register_schema()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        cfg = compose("config", overrides=[*overrides, f"hydra.sweep.dir={sweep_dir}"], return_hydra_config=True)
    with open_dict(cfg):
        cfg.hydra.mode = RunMode.MULTIRUN
        cfg.hydra.job.num = job_num
        cfg.hydra.runtime.output_dir = str(sweep_dir / str(job_num))
    HydraConfig.instance().set_config(cfg)  # reset by the autouse fixture below
    task = OmegaConf.create({k: v for k, v in OmegaConf.to_container(cfg).items() if k != "hydra"})
    return task


def test_a_model_exception_is_recorded_not_raised(tmp_path, monkeypatch):
    """The task function of a sweep job catches what the model raises: failed metadata, marker, failed row."""
    import sim.model

    def broken_run(cfg):
        raise RuntimeError("boom\nsecond line")

    sweep_dir = tmp_path / "inproc"
    ok = S.run_sweep_job(_sweep_job_config(sweep_dir, 0, ["seed=1", *SMALL]))
    assert ok is not None and ok["people_arrived"] >= 0
    monkeypatch.setattr(sim.model, "run", broken_run)
    assert S.run_sweep_job(_sweep_job_config(sweep_dir, 1, ["seed=2", *SMALL])) is None
    meta = read_json(sweep_dir / "1" / "metadata.json")
    assert meta["status"] == "failed" and meta["error"] == "RuntimeError: boom second line"
    assert meta["seed"] == 2 and meta["job_num"] == 1 and "broken_run" in meta["traceback"]
    assert read_json(sweep_dir / S.BOOKKEEPING / "done" / "1.json")["status"] == "failed"
    table = S.rebuild_table(sweep_dir)
    assert list(table["status"]) == ["finished", "failed"]
    assert table.loc[1, "error"] == "RuntimeError: boom second line" and pd.isna(table.loc[1, "people_arrived"])
    # a finished run is reused even when the model would now fail
    again = S.run_sweep_job(_sweep_job_config(sweep_dir, 0, ["seed=1", *SMALL]))
    assert again == ok
    assert read_json(sweep_dir / S.BOOKKEEPING / "done" / "0.json")["status"] == "skipped"


def test_single_run_that_fails_exits_non_zero(tmp_path):
    out = tmp_path / "run"
    (out / "summary.json").mkdir(parents=True)
    (out / "summary.json" / "x").write_text("")
    p = sim_cli(*SMALL, f"hydra.run.dir={out}")
    assert p.returncode != 0
    assert "IsADirectoryError" in p.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["scenario=baseline_2024,no_such_scenario", "seed=1,2"], "scenario=no_such_scenario: unknown option"),
        pytest.param(
            ["seed=1,2", "crossing.failure_prob=0.1,1.7"],
            "crossing.failure_prob=1.7: out of range",
            marks=pytest.mark.slow,  # the same check as rate_bulgaria below; make test-slow runs it
        ),
        (["+experiment=seizure_intensity", "policy.seizures.rate_bulgaria=0.2,1.5"], "rate_bulgaria=1.5: out of range"),
        (
            ["+experiment=no_such_study"],
            "experiment=no_such_study: unknown option; allowed: contested_assumptions, deterrence_response",
        ),
        pytest.param(["seed=range(3)", "days=0"], "days=0: out of range", marks=pytest.mark.slow),
    ],
)
def test_invalid_value_stops_the_sweep_before_any_run(tmp_path, args, expected):
    sweep_dir = tmp_path / "bad"
    p = sim_cli("-m", *args, *SMALL[1:], f"hydra.sweep.dir={sweep_dir}")
    assert p.returncode == 2, p.stderr[-2000:]
    lines = [line for line in p.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and expected in lines[0], p.stderr
    assert not sweep_dir.exists()


def test_preflight_expands_sweeps_of_the_config_like_hydra():
    assert S.preflight_sweep(["-m", "+experiment=seizure_intensity"]) == 7 * 20
    assert S.preflight_sweep(["-m", "+experiment=deterrence_response", "seed=range(3)"]) == 7 * 3
    assert S.preflight_sweep(["-m", "+experiment=policy_mix"]) == 5 * 20
    assert S.preflight_sweep(["seed=1"]) == 0  # not a multirun
    cfg = OmegaConf.create(
        {
            "hydra": {
                "sweeper": {
                    "_target_": "hydra._internal.core_plugins.basic_sweeper.BasicSweeper",
                    "params": {"scenario": "a,b", "seed": "range(2)"},
                },
                "overrides": {"task": ["seed=5,6,7", "days=3"]},
            }
        }
    )
    # the command line replaces a swept key of the config in place, as Hydra's BasicSweeper does
    assert S.expand_jobs(cfg) == [f"scenario={s} seed={n} days=3" for s in ("a", "b") for n in (5, 6, 7)]


def test_experiments_state_their_question_and_resume_in_a_fixed_folder():
    link = ROOT / "configs" / "experiment"
    assert link.is_symlink() and os.readlink(link) == "../experiments"  # relative: works in any clone
    names = sorted(p.stem for p in (ROOT / "experiments").glob("*.yaml"))
    assert {"seizure_intensity", "deterrence_response", "policy_mix"} <= set(names)
    for name in names:
        text = (ROOT / "experiments" / f"{name}.yaml").read_text()
        header = []
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            header.append(line)
        assert header[0] == "# @package _global_", name  # Hydra reads the package only from the first lines
        question = []
        for line in header[1:]:
            if line.strip() == "#":
                break
            question.append(line.lstrip("# ").strip())
        assert question[0].startswith("Question: ") and " ".join(question).endswith("?"), name
        assert f"python -m sim -m +experiment={name}" in text, name
        conf = yaml.safe_load(text)
        assert conf["hydra"]["sweep"]["dir"] == f"results/experiments/{name}"
        assert "seed" in conf["hydra"]["sweeper"]["params"]


def test_seizure_experiment_runs_and_names_its_groups(tmp_path):
    sweep_dir = tmp_path / "seizures"
    p = sweep_cli(sweep_dir, "+experiment=seizure_intensity", "policy.seizures.rate_bulgaria=0.0,0.6", "seed=4", *SMALL)
    assert p.returncode == 0, p.stderr[-3000:]
    table = pd.read_parquet(sweep_dir / "sweep_runs.parquet")
    assert list(table["status"]) == ["finished", "finished"]
    assert table.loc[1, "overrides"].startswith(
        "policy.seizures.rate_bulgaria=0.6 seed=4 +experiment=seizure_intensity"
    )
    cfg = OmegaConf.load(sweep_dir / "1" / "config.yaml")
    assert cfg.policy.seizures.enabled and cfg.policy.seizures.rate_bulgaria == 0.6
    assert cfg.policy.seizures.rate_germany == 0.0


def test_rebuild_table_from_run_folders(swept, tmp_path):
    sweep_dir = _copy_sweep(swept[0], tmp_path / "rebuilt")
    original = pd.read_parquet(sweep_dir / "sweep_runs.parquet")
    (sweep_dir / "sweep_runs.parquet").unlink()
    (sweep_dir / "sweep_runs.csv").unlink()
    assert S.main([str(sweep_dir)]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(sweep_dir / "sweep_runs.parquet"), original)
    assert S.main([str(tmp_path)]) == 2


def test_a_cluster_launcher_that_is_not_installed_is_named(monkeypatch):
    from sim.config import ConfigError

    monkeypatch.setitem(S._LAUNCHER_PLUGINS, "ray", "hydra_plugins.no_such_launcher")
    with pytest.raises(ConfigError, match=r"hydra/launcher=ray: the launcher is not installed.*\.\[cluster\]"):
        S.preflight_sweep(["-m", "hydra/launcher=ray", "seed=1,2"])
