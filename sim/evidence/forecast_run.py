"""Run the history forecast as an ordinary sweep: posterior draws x seeds of scenario history_2021_2025.

``python -m sim.forecast --draws N --seeds M [--out DIR] [--scale S]`` (no sweep folder given) runs
``python -m sim -m scenario=history_2021_2025 posterior_draw=0..N-1 seed=0..M-1 hydra.sweep.dir=DIR`` (every draw
with the same seeds, so the draws differ only in their assumptions; in parallel on the local launcher; a second call
with the same DIR resumes and redoes no finished run, sim/sweeps/sweep.py), then scores the sweep as
``python -m sim.forecast DIR`` does. The draws are the scenario's own ``posterior_file`` (the 2021-2023
calibration, data/calibration/history/posterior_draws.csv); ``--draws`` larger than it is refused before anything
runs. The intervals then cover chance (seeds, and the random walk of demand after 2023, drawn for every seed and
draw, sim/demand.py) and assumptions (draws).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sim.cli import check_posterior_draws
from sim.config import ConfigError

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = "history_2021_2025"
DEFAULT_OUT = ROOT / "results" / "forecast" / SCENARIO


def sweep_command(draws: int, seeds: int, out: Path, scale: float | None = None) -> list[str]:
    """The Hydra multirun command of the forecast (draws x seeds)."""
    cmd = [
        sys.executable,
        "-m",
        "sim",
        "-m",
        f"scenario={SCENARIO}",
        "posterior_draw=" + ",".join(str(k) for k in range(draws)),
        "seed=" + ",".join(str(s) for s in range(seeds)),
        f"hydra.sweep.dir={out}",
    ]
    if scale is not None:
        cmd.append(f"scale={scale}")
    return cmd


def history_posterior() -> Path:
    """The posterior draws file the history scenario declares (its ``posterior_file``)."""
    from omegaconf import OmegaConf

    from sim.cli import CONFIG_DIR, posterior_path

    return posterior_path(OmegaConf.load(CONFIG_DIR / "scenario" / f"{SCENARIO}.yaml"))


def check_request(draws: int, seeds: int, scale: float | None) -> None:
    """One line (ConfigError) naming the option if the request cannot be run."""
    available = check_posterior_draws(history_posterior())
    if not 1 <= draws <= available:
        raise ConfigError(f"--draws {draws}: the posterior has {available} draws (allowed 1 to {available})")
    if seeds < 1:
        raise ConfigError(f"--seeds {seeds}: at least 1 seed is required")
    if scale is not None and not 0 < scale <= 1000:
        raise ConfigError(f"--scale {scale}: out of range, allowed (0, 1000]")


def run_sweep(draws: int, seeds: int, out: Path, scale: float | None = None) -> int:
    """Run (or resume) the sweep; the sweep's own exit code (2: bad input, nothing run)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.run(sweep_command(draws, seeds, out, scale), cwd=ROOT).returncode
