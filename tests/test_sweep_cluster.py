"""Cluster launchers on this machine (pip install -e ".[cluster]"): submitit's local executor (the Slurm launcher's
code path without Slurm) and Ray, both with a Ray instance of the launcher's own and with a Ray cluster this test
starts and stops. Each run must equal the same run made in this process: seeds are replicates wherever they run.

The launchers are part of what `make test` installs; a missing one fails here (as the dashboard's packages do),
it is not skipped: a silent skip would let a broken cluster set-up pass."""

from __future__ import annotations

import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import load_config
from sim.model import run
from sim.outputs import _json_default
from sim.sweeps.scheduler import scheduler_info, slurm_info

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["days=60", "scale=0.05", "world.burn_in_days=30"]
# Ray on loopback only (by default it binds the machine's network address), no token file written to ~/.ray.
RAY_ENV = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0"}


def require(module: str) -> None:
    """The cluster extra is part of the test set-up (make test installs it): a missing launcher fails, never skips."""
    try:
        importlib.import_module(module)
    except ImportError as exc:
        pytest.fail(f"{module} is not installed ({exc}); install the cluster extra: pip install -e '.[cluster]'")


def schedulers(sweep_dir: Path) -> set[str]:
    return {json.loads(p.read_text())["scheduler"]["name"] for p in sweep_dir.glob("[0-9]*/metadata.json")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sweep(sweep_dir: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "sim", "-m", *args, *SMALL, f"hydra.sweep.dir={sweep_dir}"]
    return subprocess.run(
        [*cmd, "hydra.callbacks.sweep.progress_every=0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def check_runs_equal_in_process_runs(sweep_dir: Path, seeds: list[int]) -> None:
    table = pd.read_parquet(sweep_dir / "sweep_runs.parquet")
    assert list(table["status"]) == ["finished"] * len(seeds), table[["status", "error"]]
    assert list(table["seed"]) == seeds
    for row in table.itertuples():
        local = run(load_config([f"seed={row.seed}", *SMALL])).summary
        local = json.loads(json.dumps(local, default=_json_default))
        assert json.loads((sweep_dir / row.run_dir / "summary.json").read_text()) == local


def test_submitit_local_executor(tmp_path):
    require("hydra_plugins.hydra_submitit_launcher")
    sweep_dir = tmp_path / "submitit"
    p = sweep(sweep_dir, "hydra/launcher=submitit_local", "seed=1,2")
    assert p.returncode == 0, p.stderr[-3000:]
    assert "2/2 runs, 2 done, 0 failed, 0 remaining" in p.stderr
    assert (sweep_dir / ".submitit").is_dir()  # really went through submitit
    assert schedulers(sweep_dir) == {"submitit_local"}
    check_runs_equal_in_process_runs(sweep_dir, [1, 2])


def test_slurm_launcher_config_composes():
    require("hydra_plugins.hydra_submitit_launcher")
    from hydra import compose, initialize_config_dir

    from sim.cli import CONFIG_DIR, register_schema

    register_schema()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        cfg = compose(
            "config", overrides=["hydra/launcher=slurm", "hydra.launcher.partition=short"], return_hydra_config=True
        )
    launcher = cfg.hydra.launcher
    assert launcher._target_.endswith("SlurmLauncher")
    assert launcher.partition == "short" and launcher.cpus_per_task == 1 and launcher.timeout_min > 0


@pytest.mark.slow  # moved out of make test for time (make test-slow runs it)
def test_ray_launcher_with_its_own_local_instance(tmp_path):
    require("hydra_plugins.hydra_ray_launcher")
    sweep_dir = tmp_path / "ray_local"
    p = sweep(
        sweep_dir,
        "hydra/launcher=ray",
        "hydra.launcher.ray.init.address=local",  # a new instance even if a `ray start` cluster runs here
        "+hydra.launcher.ray.init.num_cpus=2",
        "+hydra.launcher.ray.init.include_dashboard=false",
        f"+hydra.launcher.ray.init.dashboard_port={free_port()}",
        "seed=1,2",
        env=RAY_ENV,
    )
    assert p.returncode == 0, p.stderr[-3000:]
    assert "Started a local Ray instance" in p.stdout + p.stderr
    assert schedulers(sweep_dir) == {"ray"}
    check_runs_equal_in_process_runs(sweep_dir, [1, 2])


@pytest.fixture
def ray_cluster(tmp_path):
    """A one-node Ray cluster on loopback, started here and stopped after the test (only the processes it started)."""
    require("hydra_plugins.hydra_ray_launcher")
    port = free_port()
    ray = Path(sys.executable).parent / "ray"
    cmd = [
        str(ray),
        "start",
        "--head",
        f"--port={port}",
        f"--ray-client-server-port={free_port()}",
        f"--dashboard-port={free_port()}",
        "--include-dashboard=false",
        "--num-cpus=2",
        "--disable-usage-stats",
        "--block",
    ]
    log = tmp_path / "ray_start.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True, env={**os.environ, **RAY_ENV}
        )
    address = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while "Ray runtime started" not in log.read_text():
            assert proc.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "Ray did not start"
            time.sleep(0.2)
        yield address
    finally:
        proc.send_signal(signal.SIGTERM)  # `ray start --block` stops what it started
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # anything of that session still there
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)
        current = Path("/tmp/ray/ray_current_cluster")  # else a later `ray.init()` would try to join the dead one
        if current.is_file() and current.read_text().strip() == address:
            current.unlink()


@pytest.mark.slow  # moved out of make test for time (make test-slow runs it)
def test_ray_launcher_on_a_running_cluster(ray_cluster, tmp_path):
    sweep_dir = tmp_path / "ray_cluster"
    p = sweep(
        sweep_dir,
        "hydra/launcher=ray_cluster",
        f"hydra.launcher.ray.init.address={ray_cluster}",
        "seed=1,2,3",
        env=RAY_ENV,
    )
    assert p.returncode == 0, p.stderr[-3000:]
    assert "Connected to Ray cluster" in p.stdout + p.stderr
    assert "3/3 runs, 3 done, 0 failed, 0 remaining" in p.stderr
    assert schedulers(sweep_dir) == {"ray"}
    check_runs_equal_in_process_runs(sweep_dir, [1, 2, 3])


def test_scheduler_info_names_the_slurm_job_or_says_local():
    env = {"SLURM_JOB_ID": "42", "SLURM_ARRAY_JOB_ID": "40", "SLURM_ARRAY_TASK_ID": "2", "SLURMD_NODENAME": "n07"}
    assert slurm_info(env) == {
        "name": "slurm",
        "job_id": "42",
        "array_job_id": "40",
        "array_task_id": "2",
        "node": "n07",
    }
    assert slurm_info({"SLURM_JOB_ID": ""}) is None
    here = scheduler_info({})  # this test process: no Slurm, no Ray worker
    assert here["name"] == "local" and here["pid"] == os.getpid() and here["host"] == socket.gethostname()
    assert scheduler_info({"SUBMITIT_LOCAL_JOB_ID": "7"})["job_id"] == "7"
