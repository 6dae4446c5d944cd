"""Command line: ``python -m sim [overrides]`` runs one scenario; ``python -m sim -m ...`` sweeps.

Every configuration the command line asks for is composed and validated before Hydra starts, so a bad key or
value gives one line on stderr, exit code 2, and nothing is written under results/. A plain run (overrides, no
flag) then runs its job from that composition (``sim.cli.run_composed``: one composition per run); sweeps and
Hydra's own flags go through ``@hydra.main``.
"""

from __future__ import annotations

import gc

# Imports make objects by the hundred thousand (Mesa's imports pandas and SciPy) and none that the cycle collector
# could free: its passes over them cost about 0.15 s here. It is off while they run, and what they made is frozen
# after (never scanned again: each full collection during a run would otherwise walk it all, about 0.06 s).
gc.disable()

import logging
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.cli import (
    CheckedCommandLine,
    apply_posterior_draw,
    check_command_line,
    draw_metadata,
    explicit_over_timeline,
    register_schema,
    run_composed,
    timeline_overrides,
    to_simconfig,
)
from sim.config import ConfigError
from sim.model import run
from sim.outputs import write_run_folder
from sim.policies import levers_on
from sim.sweeps.sweep import config_key, config_yaml, preflight_sweep, run_sweep_job, skip_hydra_recheck, task_config

gc.freeze()
gc.enable()


def run_task(cfg: DictConfig) -> dict:
    """The job of one run (or of one run of a sweep): Hydra has made its output folder and set HydraConfig."""
    logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO
    # posterior_draw=K: row K of posterior_file (null: its medians), as load_config applies them (config.yaml has them)
    task = [str(o) for o in HydraConfig.get().overrides.task]
    cfg = explicit_over_timeline(apply_posterior_draw(cfg, task), task)
    if HydraConfig.get().mode.name == "MULTIRUN":
        register_schema()  # a launcher's worker process imports this module without running main()
        return run_sweep_job(cfg)  # reuses finished runs, records a failure, lets the sweep go on (sim/sweeps/)
    sim_cfg = to_simconfig(cfg)
    results = run(sim_cfg)
    out_dir = Path(HydraConfig.get().runtime.output_dir)
    plain = task_config(cfg)
    extra = {"config_key": config_key(plain), **draw_metadata(plain)}
    write_run_folder(out_dir, results, config_yaml(cfg), sim_cfg.seed, extra=extra)
    if HydraConfig.get().mode.name == "RUN":
        draw = f", posterior draw {sim_cfg.posterior_draw}" if sim_cfg.posterior_draw is not None else ""
        if sim_cfg.posterior_file and sim_cfg.posterior_draw is None:
            draw = f", posterior medians of {sim_cfg.posterior_file}"
        levers = ", ".join(levers_on(sim_cfg)) or "none"
        print(f"scenario {sim_cfg.scenario}, seed {sim_cfg.seed}{draw}, levers on: {levers}")
        print(results.text_summary())
        print(
            f"wall time {results.wall_seconds:.2f} s, "
            f"{results.migrant_days / max(results.wall_seconds, 1e-9) / 1e6:.1f}M migrant-days/s"
        )
        print(f"results: {out_dir}")
    return results.summary


hydra_main = hydra.main(version_base="1.3", config_path="../configs", config_name="config")(run_task)


def main() -> None:
    sys.argv[1:] = timeline_overrides(sys.argv[1:])
    checked = CheckedCommandLine(runs=0)
    try:
        if preflight_sweep(sys.argv[1:]):  # -m: every run, swept values of the config included (sim/sweeps/sweep.py)
            skip_hydra_recheck()
        else:
            checked = check_command_line(sys.argv[1:])
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    if checked.composed is not None:  # a plain run: its job runs from the check's composition (sim/cli.py)
        run_composed(checked, run_task)
    else:
        register_schema()  # the schema in Hydra's ConfigStore (a plain run's composition registers it when it composes)
        hydra_main()  # sweeps and Hydra's flags (--cfg, --help, --info, -cn, ...): Hydra's own command line


if __name__ == "__main__":
    main()
    # Done, every file written and closed: the collections Python runs while it shuts down would sweep every object
    # of the process for cycles (about 0.3 s, more than the whole exit of `import mesa`) only to free memory the
    # operating system takes back anyway. Frozen objects are skipped; atexit handlers, logging and stdout still run.
    gc.freeze()
