"""Run the history forecast as an ordinary sweep: posterior draws x seeds of scenario history_2021_2025.

``python -m sim.forecast --draws N --seeds M [--out DIR] [--scale S]`` (no sweep folder given) runs
``python -m sim -m scenario=history_2021_2025 posterior_draw=0..N-1 seed=0..M-1 hydra.sweep.dir=DIR`` (every draw
with the same seeds, so the draws differ only in their assumptions; in parallel on the local launcher; a second call
with the same DIR resumes and redoes no finished run, sim/sweeps/sweep.py), then scores the sweep as
``python -m sim.forecast DIR`` does. The draws are the scenario's own ``posterior_file`` (the 2021-2023
calibration, data/calibration/history/posterior_draws.csv); ``--draws`` larger than it is refused before anything
runs. The intervals then cover chance (seeds, and the random walk of demand after 2023, drawn for every seed and
draw, sim/demand.py) and assumptions (draws).

``python -m sim.forecast --hindcast [--draws N --seeds M --scale S --out DIR --posterior FILE]`` is the 2023
hindcast: the same sweep with the posterior of the 2021-2022 calibration (``posterior_file=`` the hindcast's
draws, data/calibration/hindcast_2023 by default; its provenance must say it was fitted to a window ending before
2023), stopped on 2023-12-31 (``days=1095``) and WITHOUT the fitted 2023 demand level
(``~migration.yearly_entrants.2023``), so 2023's level walks at random from 2022's (sim/demand.py) with a spread
from the 2021 and 2022 levels alone (``migration.entrants_walk_sd``; the default's spread includes the 2022->2023
step). The 2023 timeline events (dated policy) stay: they are inputs. Default out: results/forecast/hindcast_2023.
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


HINDCAST_OUT = ROOT / "results" / "forecast" / "hindcast_2023"


def hindcast_posterior() -> Path:
    """Default posterior of the hindcast: the draws of ``python -m sim.calibrate --window 2021-2022``."""
    from sim.evidence.window import HINDCAST_WINDOW, default_out

    return default_out(HINDCAST_WINDOW) / "posterior_draws.csv"


def hindcast_walk_sd() -> float:
    """Spread of the demand walk from the scenario's levels of the hindcast window only (2 decimals)."""
    from sim.evidence.demand_fit import walk_sd
    from sim.evidence.window import HINDCAST_WINDOW, scenario_levels

    levels = scenario_levels()
    return round(walk_sd([levels[y] for y in range(HINDCAST_WINDOW[0], HINDCAST_WINDOW[1] + 1)]), 2)


def _shown(path: Path) -> str:
    """A path relative to the repository when inside it (as the scenario's own posterior_file is written)."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(Path(path).resolve())


def hindcast_overrides(posterior: Path) -> list[str]:
    """The history scenario as the 2023 hindcast runs it: stopped on 31 December 2023, the hindcast posterior, no
    fitted 2023 demand level (it walks from 2022's), the walk's spread from 2021-2022 only."""
    from sim.evidence.window import HINDCAST_WINDOW, HINDCAST_YEAR, levels_after, window_days

    return [
        f"days={window_days((HINDCAST_WINDOW[0], HINDCAST_YEAR))}",
        f"posterior_file={_shown(posterior)}",
        *levels_after(HINDCAST_WINDOW[1]),
        f"migration.entrants_walk_sd={hindcast_walk_sd()}",
    ]


def check_hindcast_posterior(posterior: Path) -> dict:
    """The hindcast posterior's provenance (ConfigError, one line, if missing or fitted past 2022)."""
    import json

    from sim.evidence.window import HINDCAST_YEAR

    posterior = Path(posterior)
    if not posterior.is_file():
        raise ConfigError(
            f"--posterior {_shown(posterior)}: no such file; run python -m sim.calibrate --window 2021-2022 first"
        )
    prov_path = posterior.parent / "provenance.json"
    try:
        prov = json.loads(prov_path.read_text())
        window = [int(y) for y in prov["window"]]
    except (OSError, ValueError, KeyError, TypeError):
        raise ConfigError(
            f"--posterior {_shown(posterior)}: no readable provenance.json with its window beside it; a hindcast "
            "posterior must say which years it was fitted to"
        ) from None
    if max(window) >= HINDCAST_YEAR:
        raise ConfigError(
            f"--posterior {_shown(posterior)}: fitted to {window[0]}-{window[-1]}, allowed a window ending before "
            f"{HINDCAST_YEAR} (the hindcast forecasts {HINDCAST_YEAR} out of sample)"
        )
    return prov


def sweep_command(
    draws: int,
    seeds: int,
    out: Path,
    scale: float | None = None,
    extra: tuple[str, ...] | list[str] = (),
    jobs: int | None = None,
) -> list[str]:
    """The Hydra multirun command of the forecast (draws x seeds), with ``extra`` overrides (the hindcast's) and at
    most ``jobs`` processes on the local launcher (None: every core)."""
    cmd = [
        sys.executable,
        "-m",
        "sim",
        "-m",
        f"scenario={SCENARIO}",
        "posterior_draw=" + ",".join(str(k) for k in range(draws)),
        "seed=" + ",".join(str(s) for s in range(seeds)),
        *extra,
        f"hydra.sweep.dir={out}",
    ]
    if scale is not None:
        cmd.append(f"scale={scale}")
    if jobs is not None:
        cmd.append(f"hydra.launcher.n_jobs={jobs}")
    return cmd


def history_posterior() -> Path:
    """The posterior draws file the history scenario declares (its ``posterior_file``)."""
    from omegaconf import OmegaConf

    from sim.cli import CONFIG_DIR, posterior_path

    return posterior_path(OmegaConf.load(CONFIG_DIR / "scenario" / f"{SCENARIO}.yaml"))


def check_request(
    draws: int, seeds: int, scale: float | None, posterior: Path | None = None, jobs: int | None = None
) -> None:
    """One line (ConfigError) naming the option if the request cannot be run (``posterior``: the draws file, by
    default the history scenario's)."""
    available = check_posterior_draws(history_posterior() if posterior is None else posterior)
    if not 1 <= draws <= available:
        raise ConfigError(f"--draws {draws}: the posterior has {available} draws (allowed 1 to {available})")
    if seeds < 1:
        raise ConfigError(f"--seeds {seeds}: at least 1 seed is required")
    if draws * seeds < 2:
        raise ConfigError(f"--draws {draws} --seeds {seeds}: the scores need at least 2 replicates (draws x seeds)")
    if scale is not None and not 0 < scale <= 1000:
        raise ConfigError(f"--scale {scale}: out of range, allowed (0, 1000]")
    if jobs is not None and jobs < 1:
        raise ConfigError(f"--jobs {jobs}: at least 1 process is required")


def run_sweep(
    draws: int,
    seeds: int,
    out: Path,
    scale: float | None = None,
    extra: tuple[str, ...] | list[str] = (),
    jobs: int | None = None,
) -> int:
    """Run (or resume) the sweep; the sweep's own exit code (2: bad input, nothing run)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.run(sweep_command(draws, seeds, out, scale, extra, jobs), cwd=ROOT).returncode
