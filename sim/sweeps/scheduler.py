"""Where a run of a sweep ran: the scheduler's own identifiers, recorded in the run's ``metadata.json``.

A sweep's runs may run in joblib workers on this machine, in Slurm jobs (``hydra/launcher=slurm``) or in Ray tasks
(``hydra/launcher=ray``, ``ray_cluster``). ``scheduler_info`` says which, with the identifiers a user (or a test)
needs to find the run in the scheduler's records: the Slurm job id (and array job and task id) with the node, or the
Ray node and job id. A run reused on resuming keeps the record of the job that made it.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Mapping
from typing import Any

# Slurm's variables in a job's environment (sbatch and srun set them), under shorter names.
SLURM_VARIABLES = {
    "job_id": "SLURM_JOB_ID",
    "array_job_id": "SLURM_ARRAY_JOB_ID",
    "array_task_id": "SLURM_ARRAY_TASK_ID",
    "step_id": "SLURM_STEP_ID",
    "node": "SLURMD_NODENAME",
    "partition": "SLURM_JOB_PARTITION",
    "cluster": "SLURM_CLUSTER_NAME",
}


def slurm_info(env: Mapping[str, str]) -> dict[str, str] | None:
    """The Slurm identifiers of the job this process runs in, or None outside a Slurm job."""
    if not env.get("SLURM_JOB_ID"):
        return None
    return {"name": "slurm", **{key: env[var] for key, var in SLURM_VARIABLES.items() if env.get(var)}}


def submitit_local_info(env: Mapping[str, str]) -> dict[str, str] | None:
    """The job of submitit's local executor (``hydra/launcher=submitit_local``), or None."""
    if not env.get("SUBMITIT_LOCAL_JOB_ID"):
        return None
    return {"name": "submitit_local", "job_id": env["SUBMITIT_LOCAL_JOB_ID"]}


def ray_info() -> dict[str, str] | None:
    """The Ray node, job and task of this process, or None when it is not a Ray worker or driver.

    Ray is looked up only if already imported (a Ray worker has imported it): a run elsewhere never imports it.
    """
    ray = sys.modules.get("ray")
    if ray is None or not ray.is_initialized():
        return None
    ctx = ray.get_runtime_context()
    info = {"name": "ray", "node_id": ctx.get_node_id(), "job_id": ctx.get_job_id()}
    task = ctx.get_task_id()
    if task:
        info["task_id"] = task
    return info


def scheduler_info(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Who ran this run: ``{"name": "slurm" | "ray" | "submitit_local" | "local", ...identifiers, "host", "pid"}``.

    "local" is any other launcher on this machine (joblib's workers, or a single process).
    """
    env = os.environ if env is None else env
    info: dict[str, Any] = slurm_info(env) or ray_info() or submitit_local_info(env) or {"name": "local"}
    info["host"] = socket.gethostname()
    info["pid"] = os.getpid()
    return info
