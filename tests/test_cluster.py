"""Sweeps through real schedulers started on this machine for these tests: a private one-node Slurm cluster (MUNGE,
slurmctld, slurmd; scripts/cluster/slurm-up) and a Ray cluster of a head and a worker node (scripts/cluster/ray-up),
each stopped after its tests by the PIDs it started (scripts/cluster/*-down).

The same small sweep (2 scenarios x 3 seeds at scale 0.2, 60 days) and the smallest sensitivity design (design
sweeper, 6 rows) run through ``hydra/launcher=slurm`` and ``hydra/launcher=ray_cluster``. Every run must say in its
metadata.json which Slurm job (array job and task) or which Ray node ran it, the scheduler must know those jobs, and
each sweep table must equal the joblib launcher's run for run. Cancelling the Slurm jobs midway (scancel) and
running the same command again must reuse the runs that finished, untouched, and run only the rest.

``make test-cluster`` (as root; installs Slurm through scripts/cluster/install-slurm); not part of ``make test``.
With CHANNEL_ABM_CLUSTER_TIMINGS=path the wall times and job ids are written there as JSON.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

pytestmark = pytest.mark.cluster

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts" / "cluster"
SWEEP = ["scenario=baseline_2024,border_security_2024", "seed=1,2,3", "scale=0.2", "days=60"]
DESIGN = [  # the smallest Morris design (two parameters, two trajectories): 2 x (2 + 1) = 6 rows
    "+experiment=sensitivity",
    "hydra.sweeper.parameters=[migration.annual_entrants,smuggling.max_load]",
    "hydra.sweeper.n=2",
    "scale=0.2",
    "days=60",
]
N_SWEEP, N_DESIGN = 6, 6
# The settings a user sets on a real site (docs/sweeps.md); memory below the smallest test machine's.
SLURM = [
    "hydra/launcher=slurm",
    "hydra.launcher.partition=debug",
    "hydra.launcher.timeout_min=20",
    "hydra.launcher.mem_gb=1",
]
TIMEOUT = 1200  # seconds for one sweep command; a run takes 2-40 s here depending on the machine's load


# ----------------------------------------------------------------------------------------------------- helpers
def run_sweep(sweep_dir: Path, args: list[str], env: dict[str, str]) -> tuple[subprocess.CompletedProcess, float]:
    cmd = [sys.executable, "-m", "sim", "-m", *args, f"hydra.sweep.dir={sweep_dir}"]
    t0 = time.monotonic()
    p = subprocess.run(
        [*cmd, "hydra.callbacks.sweep.progress_every=0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=env,
    )
    return p, round(time.monotonic() - t0, 2)


def tail(p: subprocess.CompletedProcess) -> str:
    return (p.stdout + p.stderr)[-4000:]


def metadata(sweep_dir: Path) -> dict[int, dict[str, Any]]:
    """metadata.json of every run folder of a sweep, by job number."""
    out = {}
    for path in sweep_dir.glob("[0-9]*/metadata.json"):
        meta = json.loads(path.read_text())
        out[int(meta["job_num"])] = meta
    return out


def same_runs(sweep_dir: Path, reference: Path, n: int) -> None:
    """The sweep table equals the reference's row for row (all but wall times), and so does every summary.json."""
    got = pd.read_parquet(sweep_dir / "sweep_runs.parquet")
    want = pd.read_parquet(reference / "sweep_runs.parquet")
    assert list(got["status"]) == ["finished"] * n, got[["status", "error"]]
    assert len(want) == n
    pd.testing.assert_frame_equal(got.drop(columns="wall_seconds"), want.drop(columns="wall_seconds"))
    for run_dir in want["run_dir"]:
        mine = json.loads((sweep_dir / run_dir / "summary.json").read_text())
        assert mine == json.loads((reference / run_dir / "summary.json").read_text()), run_dir


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def short_tmp(prefix: str) -> Path:
    """A folder with a short path: Ray's and MUNGE's Unix sockets live under it (about 100 characters at most)."""
    path = Path(tempfile.mkdtemp(prefix=f"cabm-{prefix}-", dir="/tmp"))
    path.chmod(0o755)  # MUNGE refuses a socket below a folder that not everyone may search
    return path


def processes_mentioning(path: Path) -> list[str]:
    """Command lines of running processes that name ``path`` (the daemons started for a state folder do)."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(path) in cmdline:
            found.append(f"{proc.name}: {cmdline[:200]}")
    return found


def first_error_line(p: subprocess.CompletedProcess, name: str) -> str:
    lines = [line for line in p.stderr.splitlines() if line.strip()]
    return lines[-1] if lines else f"{name} exited with code {p.returncode} and said nothing"


# ---------------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def timings() -> Iterator[dict[str, Any]]:
    """Wall times, machine load and job ids, written to CHANNEL_ABM_CLUSTER_TIMINGS (if set) after the module."""
    record: dict[str, Any] = {
        "date": datetime.now().isoformat(timespec="seconds"),
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "sweep": " ".join(SWEEP),
        "design": " ".join(DESIGN),
        "load_average_start": load(),
    }
    t0 = time.monotonic()
    yield record
    record["load_average_end"] = load()
    record["module_seconds"] = round(time.monotonic() - t0, 1)
    path = os.environ.get("CHANNEL_ABM_CLUSTER_TIMINGS")
    if path:
        from sim.outputs import atomic_write_text

        target = Path(path) if Path(path).is_absolute() else ROOT / path
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(target, json.dumps(record, indent=2) + "\n")


@pytest.fixture(scope="module")
def reference(tmp_path_factory, timings) -> dict[str, Path]:
    """The sweep and the design through the joblib launcher (two workers): what the cluster runs must equal."""
    base = tmp_path_factory.mktemp("joblib")
    out = {}
    for name, args in (("sweep", SWEEP), ("design", DESIGN)):
        p, seconds = run_sweep(
            base / name, ["hydra/launcher=local", "hydra.launcher.n_jobs=2", *args], dict(os.environ)
        )
        assert p.returncode == 0, tail(p)
        timings.setdefault("joblib", {})[f"{name}_seconds"] = seconds
        out[name] = base / name
    timings["joblib"]["load_average"] = load()
    return out


@pytest.fixture(scope="class")
def slurm(timings) -> Iterator[SimpleNamespace]:
    """A private Slurm cluster (scripts/cluster/slurm-up), stopped and removed after the class's tests."""
    base = short_tmp("slurm")
    state = base / "state"
    t0 = time.monotonic()
    try:
        p = subprocess.run(
            [str(SCRIPTS / "slurm-up"), str(state)], cwd=ROOT, capture_output=True, text=True, timeout=600
        )
        if p.returncode != 0:
            pytest.fail(first_error_line(p, "slurm-up"), pytrace=False)
        timings.setdefault("slurm", {})["start_seconds"] = round(time.monotonic() - t0, 2)
        conf = (state / "slurm.conf").read_text()
        node = next(line.split()[0].split("=", 1)[1] for line in conf.splitlines() if line.startswith("NodeName="))
        env = {**os.environ, "SLURM_CONF": str(state / "slurm.conf")}
        yield SimpleNamespace(env=env, state=state, node=node)
    finally:
        down = subprocess.run([str(SCRIPTS / "slurm-down"), str(state)], capture_output=True, text=True, timeout=300)
        shutil.rmtree(base, ignore_errors=True)
        assert down.returncode == 0, down.stderr  # a daemon that had to be killed is a failure too


@pytest.fixture(scope="class")
def ray_cluster(timings) -> Iterator[SimpleNamespace]:
    """A Ray head and a worker node (scripts/cluster/ray-up), stopped and removed after the class's tests."""
    base = short_tmp("ray")
    state = base / "state"
    env = {**os.environ, "PYTHON": sys.executable}
    for var in ("RAY_ADDRESS", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"):
        env.pop(var, None)
    t0 = time.monotonic()
    try:
        p = subprocess.run(
            [str(SCRIPTS / "ray-up"), str(state)], cwd=ROOT, capture_output=True, text=True, timeout=600, env=env
        )
        if p.returncode != 0:
            pytest.fail(first_error_line(p, "ray-up"), pytrace=False)
        timings.setdefault("ray_cluster", {})["start_seconds"] = round(time.monotonic() - t0, 2)
        address = p.stdout.strip().rsplit("=", 1)[1]
        nodes = (state / "nodes").read_text().split()
        env.update(RAY_AUTH_MODE="disabled", RAY_USAGE_STATS_ENABLED="0")
        yield SimpleNamespace(env=env, address=address, nodes=nodes)
    finally:
        down = subprocess.run([str(SCRIPTS / "ray-down"), str(state)], capture_output=True, text=True, timeout=300)
        shutil.rmtree(base, ignore_errors=True)
        assert down.returncode == 0, down.stderr


# ------------------------------------------------------------------------------------------------------- Slurm
def scontrol_jobs(env: dict[str, str], array_job_id: str) -> dict[str, str]:
    """The controller's own record of an array's tasks: task id -> job state (kept MinJobAge s after the end)."""
    p = subprocess.run(
        ["scontrol", "-o", "show", "job", array_job_id], capture_output=True, text=True, env=env, timeout=60
    )
    assert p.returncode == 0, p.stderr
    states = {}
    for line in p.stdout.splitlines():
        fields = dict(f.split("=", 1) for f in line.split() if "=" in f)
        states[fields.get("ArrayTaskId", "")] = fields.get("JobState", "")
    return states


def check_ran_under_slurm(sweep_dir: Path, n: int, slurm: SimpleNamespace) -> dict[int, dict[str, str]]:
    """Every run records its own Slurm job, all tasks of one array, task i = job i; the controller knows them."""
    scheds = {job: meta["scheduler"] for job, meta in metadata(sweep_dir).items()}
    assert sorted(scheds) == list(range(n))
    for job, s in scheds.items():
        assert s["name"] == "slurm", s
        assert (s["node"], s["partition"], s["cluster"]) == (slurm.node, "debug", "channelabm")
        assert s["array_task_id"] == str(job)
    (array,) = {s["array_job_id"] for s in scheds.values()}
    assert len({s["job_id"] for s in scheds.values()}) == n
    assert scontrol_jobs(slurm.env, array) == {str(j): "COMPLETED" for j in range(n)}
    return scheds


class TestSlurm:
    def test_sweep_runs_every_job_as_a_slurm_job_and_equals_joblib(self, slurm, reference, tmp_path, timings):
        sweep_dir = tmp_path / "slurm"
        p, seconds = run_sweep(sweep_dir, [*SLURM, *SWEEP], slurm.env)
        assert p.returncode == 0, tail(p)
        assert f"{N_SWEEP}/{N_SWEEP} runs, {N_SWEEP} done, 0 failed" in p.stderr
        scheds = check_ran_under_slurm(sweep_dir, N_SWEEP, slurm)
        same_runs(sweep_dir, reference["sweep"], N_SWEEP)
        for s in scheds.values():  # submitit's script, pickles and logs of each array task
            assert (sweep_dir / ".submitit" / f"{s['array_job_id']}_{s['array_task_id']}").is_dir()
        timings["slurm"].update(sweep_seconds=seconds, sweep_load_average=load())
        timings["slurm"]["sweep_array"] = scheds[0]["array_job_id"]
        timings["slurm"]["sweep_jobs"] = {j: scheds[j]["job_id"] for j in sorted(scheds)}

    def test_design_sweeper_runs_its_rows_as_slurm_jobs(self, slurm, reference, tmp_path, timings):
        sweep_dir = tmp_path / "slurm_design"
        p, seconds = run_sweep(sweep_dir, [*SLURM, *DESIGN], slurm.env)
        assert p.returncode == 0, tail(p)
        scheds = check_ran_under_slurm(sweep_dir, N_DESIGN, slurm)
        same_runs(sweep_dir, reference["design"], N_DESIGN)
        assert (sweep_dir / "design.csv").is_file() and (sweep_dir / "sensitivity.csv").is_file()
        timings["slurm"]["design_seconds"] = seconds
        timings["slurm"]["design_array"] = scheds[0]["array_job_id"]
        timings["slurm"]["design_jobs"] = {j: scheds[j]["job_id"] for j in sorted(scheds)}

    def test_scancel_midway_then_the_same_command_reuses_finished_runs(self, slurm, reference, tmp_path, timings):
        sweep_dir = tmp_path / "slurm_resume"
        args = [*SLURM, "hydra.launcher.array_parallelism=1", *SWEEP]  # one run at a time: cancel with some left
        cmd = [sys.executable, "-m", "sim", "-m", *args, f"hydra.sweep.dir={sweep_dir}"]
        log = tmp_path / "first.log"
        with open(log, "w") as fh:
            first = subprocess.Popen(
                cmd, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, env=slurm.env, start_new_session=True
            )
        try:
            deadline = time.monotonic() + TIMEOUT
            while sum(m["status"] == "finished" for m in metadata(sweep_dir).values()) < 2:
                assert first.poll() is None, log.read_text()[-4000:]
                assert time.monotonic() < deadline, "no two runs finished in time"
                time.sleep(0.5)
            (array,) = {m["scheduler"]["array_job_id"] for m in metadata(sweep_dir).values()}
            cancel = subprocess.run(["scancel", array], capture_output=True, text=True, env=slurm.env, timeout=60)
            assert cancel.returncode == 0, cancel.stderr
            while subprocess.run(
                ["squeue", "-h", "-j", array], capture_output=True, text=True, env=slurm.env, timeout=60
            ).stdout.strip():
                assert time.monotonic() < deadline, "the cancelled jobs did not end"
                time.sleep(0.5)
            # Without accounting (sacct) submitit cannot learn that a job was cancelled and waits for its result
            # forever; with slurmdbd it raises. Either way the user stops the command (Ctrl-C) and runs it again.
            try:
                first.wait(timeout=20)
                timings["slurm"]["launcher_after_scancel"] = f"exited by itself with code {first.returncode}"
            except subprocess.TimeoutExpired:
                os.killpg(first.pid, signal.SIGINT)
                first.wait(timeout=60)
                timings["slurm"]["launcher_after_scancel"] = "still waiting after 20 s; stopped with SIGINT"
        finally:
            if first.poll() is None:
                os.killpg(first.pid, signal.SIGKILL)
                first.wait()
        before = {j: m for j, m in metadata(sweep_dir).items() if m["status"] == "finished"}
        assert 2 <= len(before) < N_SWEEP, f"{len(before)} runs finished before the cancel took effect"
        stamps = {j: (sweep_dir / str(j) / "metadata.json").stat().st_mtime_ns for j in before}
        # the table as the user sees it now: the cancelled runs are missing, not failed
        rebuilt = subprocess.run(
            [sys.executable, "-m", "sim.sweeps", str(sweep_dir)], cwd=ROOT, capture_output=True, text=True, timeout=300
        )
        k = len(before)
        assert f"{k} runs ({k} finished, 0 failed, {N_SWEEP - k} missing)" in rebuilt.stdout, rebuilt.stdout

        p, seconds = run_sweep(sweep_dir, args, slurm.env)
        assert p.returncode == 0, tail(p)
        assert f"{N_SWEEP}/{N_SWEEP} runs, {N_SWEEP} done ({len(before)} reused), 0 failed" in p.stderr
        after = metadata(sweep_dir)
        for j in before:  # untouched: same file, same Slurm job
            assert (sweep_dir / str(j) / "metadata.json").stat().st_mtime_ns == stamps[j]
            assert after[j]["scheduler"] == before[j]["scheduler"]
        redone = {j: after[j]["scheduler"] for j in after if j not in before}
        assert len(redone) == N_SWEEP - len(before)
        assert all(s["array_job_id"] != array for s in redone.values())  # run again, by a new submission
        same_runs(sweep_dir, reference["sweep"], N_SWEEP)
        timings["slurm"].update(
            resume_cancelled_array=array,
            resume_finished_before_cancel=len(before),
            resume_rerun_seconds=seconds,
        )


def test_slurm_up_stops_with_one_line_when_a_daemon_cannot_start():
    """The controller's port is taken: slurm-up says so in one line, exits 1 and leaves no daemon running."""
    base = short_tmp("slurmfail")
    state = base / "state"
    with socket.socket() as busy:
        busy.bind(("0.0.0.0", 0))
        busy.listen()
        env = {**os.environ, "SLURMCTLD_PORT": str(busy.getsockname()[1]), "SLURM_UP_WAIT": "30"}
        try:
            p = subprocess.run(
                [str(SCRIPTS / "slurm-up"), str(state)], capture_output=True, text=True, timeout=300, env=env
            )
            left = processes_mentioning(state)
        finally:
            subprocess.run([str(SCRIPTS / "slurm-down"), str(state)], capture_output=True, timeout=300)
            shutil.rmtree(base, ignore_errors=True)
    assert p.returncode == 1
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("slurm-up: slurmctld did not start"), p.stderr
    assert "Address already in use" in lines[0]
    assert left == [], left  # the MUNGE daemon it had started is gone again


# --------------------------------------------------------------------------------------------------------- Ray
def check_ran_on_ray_nodes(sweep_dir: Path, n: int, cluster: SimpleNamespace) -> dict[int, dict[str, str]]:
    scheds = {job: meta["scheduler"] for job, meta in metadata(sweep_dir).items()}
    assert sorted(scheds) == list(range(n))
    assert {s["name"] for s in scheds.values()} == {"ray"}
    assert {s["node_id"] for s in scheds.values()} <= set(cluster.nodes)
    assert len({s["job_id"] for s in scheds.values()}) == 1  # one driver: the sweep command
    return scheds


class TestRayCluster:
    def ray_args(self, cluster: SimpleNamespace) -> list[str]:
        return [
            "hydra/launcher=ray_cluster",
            f"hydra.launcher.ray.init.address={cluster.address}",
            "+hydra.launcher.ray.remote.scheduling_strategy=SPREAD",  # use both nodes even when one could keep up
        ]

    def test_sweep_runs_on_both_nodes_and_equals_joblib(self, ray_cluster, reference, tmp_path, timings):
        sweep_dir = tmp_path / "ray"
        p, seconds = run_sweep(sweep_dir, [*self.ray_args(ray_cluster), *SWEEP], ray_cluster.env)
        assert p.returncode == 0, tail(p)
        assert "Connected to Ray cluster" in p.stdout + p.stderr
        scheds = check_ran_on_ray_nodes(sweep_dir, N_SWEEP, ray_cluster)
        assert {s["node_id"] for s in scheds.values()} == set(ray_cluster.nodes)  # the head and the worker
        same_runs(sweep_dir, reference["sweep"], N_SWEEP)
        timings["ray_cluster"].update(sweep_seconds=seconds, sweep_load_average=load())
        timings["ray_cluster"]["nodes"] = ray_cluster.nodes
        timings["ray_cluster"]["sweep_runs_on"] = {j: scheds[j]["node_id"][:12] for j in sorted(scheds)}

    def test_design_sweeper_runs_its_rows_on_the_cluster(self, ray_cluster, reference, tmp_path, timings):
        sweep_dir = tmp_path / "ray_design"
        p, seconds = run_sweep(sweep_dir, [*self.ray_args(ray_cluster), *DESIGN], ray_cluster.env)
        assert p.returncode == 0, tail(p)
        check_ran_on_ray_nodes(sweep_dir, N_DESIGN, ray_cluster)
        same_runs(sweep_dir, reference["design"], N_DESIGN)
        assert (sweep_dir / "sensitivity.csv").is_file()
        timings["ray_cluster"]["design_seconds"] = seconds
