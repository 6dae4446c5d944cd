"""Fault injection: every way found to crash the model or corrupt its results gives one line naming key, value and
rule, exit code 2, and nothing written or lost (issue 12).

Most cases call the command line's entry point in this process (``sim.__main__.main``: preflight, then exit 2
before Hydra starts); subprocesses only where the case needs separate processes (two sweeps at once, a killed lock
holder). Slow cases are marked ``slow``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.config import ConfigError
from sim.evidence import observed as obs
from sim.sweeps import lock as L
from sim.sweeps import sweep as S

ROOT = Path(__file__).resolve().parent.parent
TINY = ["days=30", "scale=0.02", "world.burn_in_days=20"]


def refuse(capsys, tmp_path: Path, *args: str) -> str:
    """Run the command line in this process; it must exit 2 with one line on stderr and write nothing."""
    import sim.__main__ as cli_main

    out = tmp_path / "out"
    argv = ["sim", *args, f"hydra.run.dir={out}", f"hydra.sweep.dir={out}"]
    old = sys.argv
    sys.argv = argv
    try:
        with pytest.raises(SystemExit) as exc:
            cli_main.main()
    finally:
        sys.argv = old
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert exc.value.code == 2, err
    assert len(lines) == 1, err
    assert not out.exists()
    return lines[0]


# ----------------------------------------------------------------------------------------- bad values
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["smuggling.price_min_gbp=0", "smuggling.initial_price_gbp=0", "smuggling.price_max_gbp=0"],
            "smuggling.initial_price_gbp=0.0: out of range, allowed [1, 50000]",
        ),
        (["world.start_date=9999-12-01"], "world.start_date=9999-12-01: with world.burn_in_days=120 before it"),
        (["world.start_date=1900-02-01"], "allowed start dates 1900-05-01 to 9998-12-31"),
        (["policy.deterrence.start_date=0099-01-01"], "policy.deterrence.start_date=0099-01-01: out of range"),
        (["weather.wave_summer_m=0"], "weather.wave_summer_m=0.0: out of range, allowed [0.01, 10]"),
        (["weather.wave_winter_m=0"], "weather.wave_winter_m=0.0: out of range, allowed [0.01, 10]"),
        (["enforcement.beach_area_weights.calais=inf"], "enforcement.beach_area_weights.calais=inf: expected a finite"),
        (["world.routes.balkan.share=inf"], "world.routes.balkan.share=inf: expected a finite number in [0, 1]"),
        (["world.routes.balkan.legs.1.days_mean=nan"], "world.routes.balkan.legs.1.days_mean=nan: expected a finite"),
        (["world.launch_areas.calais.distance_km=inf"], "world.launch_areas.calais.distance_km=inf: expected a finite"),
        (["supply_chain.boat_nodes.bulgaria.seizure_prob=nan"], "supply_chain.boat_nodes.bulgaria.seizure_prob=nan"),
        (["supply_chain.engine_nodes.china.days=-1"], "supply_chain.engine_nodes.china.days=-1.0: out of range"),
        (["+world.routes.balkan.legs.0.speed=1"], "world.routes.balkan.legs.0.speed: unknown config key"),
        (
            ["smuggling.facilitators_per_launch=50", "smuggling.facilitators_per_network=1"],
            "smuggling.facilitators_per_launch=50 with smuggling.facilitators_per_network=1: facilitators_per_launch "
            "<= facilitators_per_network required",
        ),
        (["smuggling.min_load=40", "smuggling.comfortable_load=30"], "min_load <= comfortable_load required"),
        (["smuggling.comfortable_load=90"], "comfortable_load <= max_load required"),
        (["smuggling.initial_price_gbp=9000"], "initial_price_gbp <= price_max_gbp required"),
        (
            ["weather.wave_summer_m=3", "weather.wave_winter_m=0.1"],
            "weather.wave_summer_m=3 with weather.wave_winter_m=0.1: wave_summer_m <= wave_winter_m required (the "
            "calmest-day median is below the winter one; set weather.inverted_season=true",
        ),
        (["hydra/launcher=nope"], "hydra/launcher=nope: unknown option; allowed: basic, joblib, local"),
        (["scenario="], "scenario=: no option given; allowed: all_levers, baseline_2024"),
        (["scale=1000", "days=36500"], "run too large: 5,548,180,822 people over 36,620 days needs about"),
        (["scale=1000"], "run too long: 73,632,329 people over 486 days takes about"),
        (["scale=2", "limits.max_minutes=0.01"], "above limits.max_minutes=0.01; lower scale or days, or raise"),
        (["-m", "seed=1,2", "hydra.launcher.n_jobs=0"], "hydra.launcher.n_jobs=0: expected a number of processes"),
        (["-m", "seed=1,2", "hydra.launcher.n_jobs=-3"], "hydra.launcher.n_jobs=-3: expected"),
        pytest.param(  # 289 combinations: 34 composes (each value on its own), then the rules across values
            ["-m", "smuggling.min_load=range(20,37)", "smuggling.comfortable_load=range(22,39)"],
            ": min_load <= comfortable_load required",  # names whichever violating pair the preflight meets first
            marks=pytest.mark.slow,
        ),
    ],
)
def test_bad_value_is_one_line_exit_2_and_nothing_written(capsys, tmp_path, args, expected):
    line = refuse(capsys, tmp_path, *args)
    assert line.startswith("error: ")
    if expected is not None:
        assert expected in line


def test_raising_a_limit_does_not_change_the_config_key():
    base = {"seed": 1, "days": 30, "limits": {"max_minutes": 30.0}}
    assert S.config_key(base) == S.config_key({**base, "limits": {"max_minutes": 120.0}})
    assert S.config_key(base) != S.config_key({**base, "seed": 2})


def test_an_inverted_season_is_allowed_only_when_asked_for():
    from sim.cli import load_config, preflight

    with pytest.raises(ConfigError, match="wave_summer_m <= wave_winter_m"):
        preflight(["weather.wave_summer_m=3", "weather.wave_winter_m=0.1"])
    cfg = load_config(["weather.wave_summer_m=3", "weather.wave_winter_m=0.1", "weather.inverted_season=true"])
    assert cfg.weather.inverted_season and cfg.weather.wave_summer_m == 3


def test_the_rules_across_values_hold_in_every_combination():
    """Beyond 256 combinations each value is composed on its own; the rules between values are applied to the
    values: the largest of the smaller key against the smallest of the larger, the largest run of all."""
    from sim.cli import load_config

    base = load_config([])
    S.check_combinations(base, [[f"smuggling.min_load={v}" for v in range(10, 27)], ["smuggling.networks=5"]])
    S.check_combinations(base, [[f"smuggling.min_load={v}" for v in range(10, 27)], ["smuggling.comfortable_load=26"]])
    with pytest.raises(ConfigError, match=r"^smuggling\.min_load=26 with smuggling\.comfortable_load=25: .*sweep"):
        S.check_combinations(
            base,
            [[f"smuggling.min_load={v}" for v in range(10, 27)], [f"smuggling.comfortable_load={v}" for v in (30, 25)]],
        )
    with pytest.raises(ConfigError, match=r"^smuggling\.comfortable_load=90 with smuggling\.max_load=85"):
        S.check_combinations(base, [["smuggling.comfortable_load=30", "smuggling.comfortable_load=90"]])
    # scale=200 and days=3650 pass one at a time; together they are too large.
    alone = [["scale=0.5", "scale=200"], ["days=366"]]
    S.check_combinations(base, alone)
    with pytest.raises(ConfigError, match=r"run too large: .*; the largest combination of this sweep's values$"):
        S.check_combinations(base, [*alone, ["days=366", "days=3650"]])


def test_a_yaml_syntax_error_in_a_used_config_is_one_line(capsys, tmp_path, monkeypatch):
    import sim.cli

    configs = tmp_path / "configs"
    shutil.copytree(sim.cli.CONFIG_DIR, configs, symlinks=True)
    broken = configs / "smuggling" / "default_2024.yaml"
    broken.write_text(broken.read_text() + "max_load: [85\nnetworks: : 3\n")
    monkeypatch.setattr(sim.cli, "CONFIG_DIR", configs)
    line = refuse(capsys, tmp_path, "seed=1")
    assert "default_2024.yaml, line" in line and "YAML syntax error" in line
    with pytest.raises(ConfigError, match=r"default_2024\.yaml, line \d+, column \d+: YAML syntax error"):
        S.preflight_sweep(["-m", "seed=1,2"])


# --------------------------------------------------------------------------------- undefined outcomes
def test_no_networks_writes_null_not_nan(tmp_path):
    """smuggling.networks=0 (no smugglers: nothing crosses) has no mean price: summary.json holds null."""
    from sim.cli import load_config
    from sim.model import run
    from sim.outputs import run_folder_damage, write_run_folder

    res = run(load_config(["smuggling.networks=0", *TINY]))
    write_run_folder(tmp_path, res, "seed: 0\n", 0)
    text = (tmp_path / "summary.json").read_text()
    summary = json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in summary.json"))
    assert summary["mean_price_gbp"] is None and summary["people_arrived"] == 0
    assert run_folder_damage(tmp_path) is None


# --------------------------------------------------------------------------------------- observed data
def _damaged_copy(tmp_path: Path, name: str, edit) -> Path:
    path = tmp_path / name
    lines = (obs.DATA_DIR / name).read_text().splitlines()
    path.write_text("\n".join(edit(lines)) + "\n")
    return path


def _replace(lines: list[str], start: str, new: str) -> list[str]:
    return [new if line.startswith(start) else line for line in lines]


@pytest.mark.parametrize(
    ("name", "edit", "expected"),
    [
        (obs.ANNUAL_FILE, lambda ls: _replace(ls, "2024,", "2024,36816,69"), "row 8: 3 of 9 fields (a truncated"),
        (
            obs.ANNUAL_FILE,
            lambda ls: _replace(ls, "2024,", "2024,36816,695,35.0,151,77,85,30000,0.45"),
            "row 8: people_per_boat differs from people_arrived / boats_arrived",
        ),
        (
            obs.ANNUAL_FILE,
            lambda ls: _replace(ls, "2023,", "2023,29437,-602,48.9,140,17,24,26000,0.47"),
            "column 'boats_arrived', row 7: negative count -602",
        ),
        (
            obs.ANNUAL_FILE,
            lambda ls: _replace(ls, "2022,", "2022,45774,1110,41.2,162,6,16,33788,0.62"),
            "row 6: prevention_share differs from",
        ),
        (
            obs.ANNUAL_FILE,
            lambda ls: _replace(ls, "2021,", "2021,28526,1034,27.6,1540,39,45,24000,0.46"),
            "row 5: crossing_days above 366",
        ),
        (obs.ANNUAL_FILE, lambda ls: [ls[0], *reversed(ls[1:])], "row 3: years out of order"),
        (obs.DAILY_FILE, lambda ls: [*ls[:11], ls[12], ls[11], *ls[13:]], "row 13: date before the previous row's"),
        (obs.DAILY_FILE, lambda ls: [*ls[:11], ls[10], *ls[11:]], "row 12: day 2018-01-10 appears twice"),
        (obs.DAILY_FILE, lambda ls: [*ls[:11], *ls[12:]], "row 12: days missing before this date"),
        (obs.DAILY_FILE, lambda ls: _replace(ls, "2022-08-22,", "2022-08-22,5,9"), "boats above people"),
        (obs.INCIDENTS_FILE, lambda ls: [*ls[:6], ls[5], *ls[6:]], "row 7: repeats an earlier row exactly"),
        (obs.INCIDENTS_FILE, lambda ls: [ls[0], ls[3], *ls[1:3], *ls[4:]], "row 3: date before the previous row's"),
    ],
)
def test_damaged_observed_data_names_file_row_and_rule(tmp_path, name, edit, expected):
    path = _damaged_copy(tmp_path, name, edit)
    loader = {obs.ANNUAL_FILE: obs.load_annual, obs.DAILY_FILE: obs.load_daily, obs.INCIDENTS_FILE: obs.load_incidents}
    with pytest.raises(obs.ObservedDataError) as err:
        loader[name](path)
    assert str(err.value).startswith(f"{path}: ") and "\n" not in str(err.value)
    assert expected in str(err.value)


def test_the_shipped_observed_data_pass_every_row_check():
    assert len(obs.load_annual()) >= 8 and len(obs.load_daily()) == 2191 and len(obs.load_incidents()) > 100


def test_validate_exits_2_on_damaged_observed_data(tmp_path, monkeypatch, capsys):
    from sim.evidence import validate

    data = tmp_path / "data"
    shutil.copytree(obs.DATA_DIR, data)
    _damaged_copy(data, obs.ANNUAL_FILE, lambda ls: _replace(ls, "2024,", "2024,36816,69"))
    monkeypatch.setattr(obs, "DATA_DIR", data)
    assert validate.main([str(tmp_path / "no_such_run")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "annual_reference.csv: row 8: 3 of 9 fields" in err[0]


# ------------------------------------------------------------------------------------ damaged run folders
@pytest.fixture
def job_config(tmp_path):
    """A job's config as a launcher hands it to the task function; Hydra's global config reset afterwards."""
    from hydra.core.hydra_config import HydraConfig

    from tests.test_sweep import _sweep_job_config

    yield lambda num, overrides: _sweep_job_config(tmp_path / "sweep", num, overrides)
    HydraConfig.instance().cfg = None


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (lambda d: (d / "daily.parquet").write_bytes(b"garbage"), "daily.parquet damaged or edited"),
        (lambda d: (d / "summary.json").write_text('{"people_arrived": 1}'), "summary.json damaged or edited"),
        (lambda d: (d / "config.yaml").unlink(), "config.yaml missing"),
    ],
)
def test_a_damaged_run_is_redone_and_the_damaged_files_kept(tmp_path, job_config, damage, why, caplog):
    first = S.run_sweep_job(job_config(0, ["seed=3", *TINY]))
    run_dir = tmp_path / "sweep" / "0"
    original = json.loads((run_dir / "summary.json").read_text())
    assert S.run_sweep_job(job_config(0, ["seed=3", *TINY])) == first  # intact: reused
    assert json.loads((tmp_path / "sweep" / S.BOOKKEEPING / "done" / "0.json").read_text())["status"] == "skipped"
    damage(run_dir)
    again = S.run_sweep_job(job_config(0, ["seed=3", *TINY]))
    assert json.loads((tmp_path / "sweep" / S.BOOKKEEPING / "done" / "0.json").read_text())["status"] == "finished"
    assert again == first and json.loads((run_dir / "summary.json").read_text()) == original
    kept = list((tmp_path / "sweep" / S.BOOKKEEPING / "superseded").glob("*/0/metadata.json"))
    assert len(kept) == 1  # the damaged run, whole, not deleted
    assert why in caplog.text


# ------------------------------------------------------------------------------ faults in Hydra's job set-up
def test_a_job_whose_set_up_fails_is_recorded_not_raised(tmp_path, job_config):
    from hydra.core.hydra_config import HydraConfig
    from hydra.core.utils import JobStatus
    from omegaconf import OmegaConf, open_dict, read_write

    task = job_config(4, ["seed=9", *TINY])
    config = OmegaConf.merge(task, {"hydra": HydraConfig.get()})  # what a launcher hands to run_job

    def setup_fails(*args, **kwargs):
        raise PermissionError("[Errno 13] Permission denied: 'sweep/4/.hydra'")

    ret = S._run_job_guarded(setup_fails, None, config, "hydra.sweep.dir", "hydra.sweep.subdir", None)
    assert ret.status == JobStatus.COMPLETED and ret.return_value is None  # Hydra's sweeper would re-raise a failure
    marker = json.loads((tmp_path / "sweep" / S.BOOKKEEPING / "done" / "4.json").read_text())
    fixed, _, _ = S._setup_failure_row(marker)
    assert fixed["status"] == "failed" and fixed["job_num"] == 4 and fixed["seed"] == 9 and fixed["run_dir"] == "4"
    assert fixed["error"] == "job set-up failed: PermissionError: [Errno 13] Permission denied: 'sweep/4/.hydra'"
    with read_write(config.hydra), open_dict(config.hydra):
        config.hydra.mode = "RUN"
    with pytest.raises(PermissionError):  # a single run is Hydra's own business: the error propagates
        S._run_job_guarded(setup_fails, None, config, "hydra.run.dir", None, None)


def test_the_guard_is_where_the_launchers_look_run_job_up():
    import hydra.core.utils
    from hydra._internal.core_plugins import basic_launcher

    assert hydra.core.utils.run_job.func is S._run_job_guarded
    assert basic_launcher.run_job is hydra.core.utils.run_job
    from hydra_plugins.hydra_joblib_launcher import _core  # a core dependency: the default launcher

    assert _core.run_job is hydra.core.utils.run_job


# ------------------------------------------------------------------------------------------- the lock
def _holder_process(sweep_dir: Path) -> subprocess.Popen:
    code = (
        "import sys, time; from sim.sweeps.lock import SweepLock; "
        f"lock = SweepLock({str(sweep_dir)!r}); lock.acquire(); print('held', flush=True); time.sleep(120)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_held_folder_is_refused_naming_host_and_pid_and_a_killed_holder_is_taken_over(tmp_path):
    proc = _holder_process(tmp_path)
    try:
        with pytest.raises(L.SweepLockError) as err:
            L.SweepLock(tmp_path).acquire()
        assert f"host {socket.gethostname()}, PID {proc.pid}" in str(err.value) and "\n" not in str(err.value)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    lock = L.SweepLock(tmp_path)
    note = lock.acquire()
    assert note is not None and f"PID {proc.pid}" in note and "not running" in note
    assert L.read_holder(tmp_path).pid == os.getpid()
    lock.release()
    assert L.read_holder(tmp_path) is None
    second = L.SweepLock(tmp_path)
    assert second.acquire() is None  # released properly: nothing to take over
    second.release()


def _soft_lock_left_by(tmp_path: Path, host: str, pid: int) -> None:
    """A lock file that outlives its holder (what filelock falls back to where flock is missing)."""
    (tmp_path / ".sweep").mkdir(exist_ok=True)
    (tmp_path / ".sweep" / L.LOCK_NAME).write_text("")
    holder = {"host": host, "pid": pid, "process_start": "", "started": "2026-01-01T00:00:00", "command": "x"}
    (tmp_path / ".sweep" / L.HOLDER_NAME).write_text(json.dumps(holder))


def test_a_lock_file_left_behind_is_taken_over_only_on_its_own_host(tmp_path, monkeypatch):
    from filelock import SoftFileLock

    monkeypatch.setattr(L, "FileLock", SoftFileLock)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    _soft_lock_left_by(tmp_path, socket.gethostname(), int(dead.stdout))
    lock = L.SweepLock(tmp_path)
    assert "not running" in lock.acquire()
    lock.release()
    _soft_lock_left_by(tmp_path, "node17.cluster", 4242)
    with pytest.raises(L.SweepLockError) as err:
        L.SweepLock(tmp_path).acquire()
    assert "host node17.cluster, PID 4242" in str(err.value) and "cannot be checked from here" in str(err.value)
    _soft_lock_left_by(tmp_path, socket.gethostname(), os.getppid())  # alive: pytest's parent
    with pytest.raises(L.SweepLockError, match=rf"another sweep is running in this folder .*PID {os.getppid()}"):
        L.SweepLock(tmp_path).acquire()


def test_the_lock_is_released_on_ctrl_c(tmp_path):
    code = (
        "from sim.sweeps.sweep import hold_sweep_folder; "
        f"hold_sweep_folder(__import__('pathlib').Path({str(tmp_path)!r})); raise KeyboardInterrupt"
    )
    p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode != 0 and "KeyboardInterrupt" in p.stderr
    assert L.read_holder(tmp_path) is None  # released at exit
    lock = L.SweepLock(tmp_path)
    assert lock.acquire() is None
    lock.release()


def _sweep(sweep_dir: Path, *args: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "sim", "-m", *args, f"hydra.sweep.dir={sweep_dir}"]
    return subprocess.Popen(
        [*cmd, "hydra.callbacks.sweep.progress_every=0", "hydra.launcher.n_jobs=1"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _two_sweeps_at_once(sweep_dir: Path, first: list[str], second: list[str]) -> tuple[list, list]:
    procs = [_sweep(sweep_dir, *first), _sweep(sweep_dir, *second)]
    outs = [p.communicate(timeout=600) for p in procs]
    return procs, outs


def check_one_refused_and_the_other_complete(sweep_dir: Path, procs, outs, runs: dict[int, list[str]]) -> None:
    codes = [p.returncode for p in procs]
    assert sorted(codes) == [0, 2], [o[1][-2000:] for o in outs]
    loser = codes.index(2)
    winner = 1 - loser
    lines = [line for line in outs[loser][1].splitlines() if line.strip()]
    assert len(lines) == 1, outs[loser][1]
    assert f"another sweep is running in this folder (host {socket.gethostname()}, PID {procs[winner].pid}" in lines[0]
    table = pd.read_parquet(sweep_dir / "sweep_runs.parquet")
    assert list(table["status"]) == ["finished"] * len(runs[winner])
    assert list(table["seed"]) == [int(s.split("=")[1]) for s in runs[winner]]
    from sim.outputs import run_folder_damage

    for row in table.itertuples():
        assert run_folder_damage(sweep_dir / row.run_dir) is None
        assert json.loads((sweep_dir / row.run_dir / "metadata.json").read_text())["seed"] == row.seed
    assert not (sweep_dir / S.BOOKKEEPING / "superseded").exists()  # nothing of the winner moved or lost
    assert L.read_holder(sweep_dir) is None


SEEDS_A, SEEDS_B = ["seed=1", "seed=2", "seed=3", "seed=4"], ["seed=7", "seed=8", "seed=9", "seed=10"]
LONGER = ["days=100", "scale=0.1", "world.burn_in_days=30"]  # long enough that the two sweeps overlap


def test_two_different_sweeps_into_one_folder_one_is_refused_nothing_lost(tmp_path):
    a, b = ",".join(SEEDS_A).replace(",seed=", ","), ",".join(SEEDS_B).replace(",seed=", ",")
    procs, outs = _two_sweeps_at_once(tmp_path / "sweep", [a, *LONGER], [b, *LONGER])
    check_one_refused_and_the_other_complete(tmp_path / "sweep", procs, outs, {0: SEEDS_A, 1: SEEDS_B})


@pytest.mark.slow
def test_two_identical_sweeps_into_one_folder_one_is_refused_nothing_lost(tmp_path):
    a = ",".join(SEEDS_A).replace(",seed=", ",")
    procs, outs = _two_sweeps_at_once(tmp_path / "sweep", [a, *LONGER], [a, *LONGER])
    check_one_refused_and_the_other_complete(tmp_path / "sweep", procs, outs, {0: SEEDS_A, 1: SEEDS_A})
