"""The design sweeper: runs the rows of a sensitivity design (SALib Morris or Sobol') as the jobs of a sweep.

Hydra's basic sweeper runs full grids; a sampling design is a list of rows instead. ``hydra/sweeper=design``
(``experiments/sensitivity.yaml``) launches one job per design row, times any ordinary swept values (``params``
and ``key=a,b`` on the command line, e.g. several seeds), on whatever launcher is configured (joblib locally,
Slurm or Ray on a cluster). The design itself is :class:`sim.evidence.sensitivity.Design`; the sweep folder, table,
resuming and progress line are the same as for any sweep (``sim/sweeps/sweep.py``, which asks this sweeper
for its job list and its preflight through ``job_list`` and ``preflight``). The analysis runs when the sweep ends,
from the Hydra callback the sensitivity experiments declare (``sim.evidence.sensitivity.SensitivityCallback``).

Hydra requires sweepers to live in the ``hydra_plugins`` namespace package, hence this small module outside
``sim/``. No ``from __future__ import annotations`` here: Hydra loads plugin modules without registering them
in sys.modules, and dataclasses then cannot resolve string annotations.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.config_store import ConfigStore
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.utils import JobReturn
from omegaconf import OmegaConf


@dataclass
class DesignSweeperConf:
    _target_: str = "hydra_plugins.channel_abm_sweeper.design_sweeper.DesignSweeper"
    method: str = "morris"  # morris (screening) or sobol (variance-based indices)
    n: int = 10  # Morris trajectories, or Sobol' base sample size (a power of two)
    sample_seed: int = 0  # seed of the SALib sample (the model's seed is the ordinary `seed` key)
    parameters: list[str] = field(default_factory=list)  # keys or groups; empty: DEFAULT_GROUPS
    top: int | None = None  # with screening: the `top` most influential parameters of a Morris sweep
    screening: str | None = None  # folder of a finished Morris sweep (its sensitivity.csv)
    num_levels: int = 4  # Morris grid levels
    max_batch_size: int | None = None
    params: dict[str, str] | None = None  # ordinary swept values, crossed with every design row


ConfigStore.instance().store(group="hydra/sweeper", name="design", node=DesignSweeperConf, provider="channel-abm")


def design_of(sweeper_cfg: Any) -> Any:
    """The Design a sweeper configuration (``hydra.sweeper``) asks for; raises sim.config.ConfigError."""
    from sim.evidence.sensitivity import Design, DesignSpec

    plain = OmegaConf.to_container(sweeper_cfg, resolve=True) if OmegaConf.is_config(sweeper_cfg) else sweeper_cfg
    return Design.build(DesignSpec.from_mapping(plain))


def job_overrides(sweeper_cfg: Any, arguments: list[str]) -> tuple[Any, list[list[str]], int]:
    """(design, overrides of every job, runs per design row) for the sweeper config and command-line overrides."""
    params = sweeper_cfg.get("params") or {}
    lines = [f"{k}={v}" for k, v in dict(params).items()] + list(arguments)
    parsed = OverridesParser.create().parse_overrides(lines)
    combos = BasicSweeper.split_arguments(parsed, None)[0]
    design = design_of(sweeper_cfg)
    return design, design.jobs(combos), len(combos)


class DesignSweeper(BasicSweeper):
    """A basic sweeper whose job list is the rows of a sampling design (crossed with any swept values)."""

    def __init__(
        self,
        method: str = "morris",
        n: int = 10,
        sample_seed: int = 0,
        parameters: list[str] | None = None,
        top: int | None = None,
        screening: str | None = None,
        num_levels: int = 4,
        max_batch_size: int | None = None,
        params: dict[str, str] | None = None,
    ) -> None:
        super().__init__(max_batch_size=max_batch_size, params=params)
        self.spec = {
            "method": method,
            "n": n,
            "sample_seed": sample_seed,
            "parameters": list(parameters or []),
            "top": top,
            "screening": screening,
            "num_levels": num_levels,
            "params": dict(params or {}),
        }

    @staticmethod
    def job_list(sweeper_cfg: Any, arguments: list[str]) -> list[list[str]]:
        """Every job's overrides in job-number order (what ``sim.sweeps.sweep.expand_jobs`` asks a sweeper)."""
        return job_overrides(sweeper_cfg, arguments)[1]

    @staticmethod
    def preflight(sweeper_cfg: Any, set_keys: list[str], base: list[str], config_name: str) -> int:
        """Check a design before anything runs: its specification, no key both designed and set otherwise, and
        every parameter at the low and at the high end of its box composing into a valid configuration (raises
        sim.config.ConfigError). Returns the number of design rows."""
        from sim.cli import load_config

        design = design_of(sweeper_cfg)
        design.check_not_set(set_keys)
        for corner in design.corner_overrides():
            load_config([*base, *corner], config_name)
        return len(design)

    def sweep(self, arguments: list[str]) -> Any:
        assert self.config is not None and self.launcher is not None
        design, jobs, per_row = job_overrides(self.spec, arguments)
        sweep_dir = Path(self.config.hydra.sweep.dir)
        sweep_dir.mkdir(parents=True, exist_ok=True)
        OmegaConf.save(self.config, sweep_dir / "multirun.yaml")
        design.write(sweep_dir, per_row)
        self.overrides = list(self.split_overrides_to_chunks(jobs, self.max_batch_size))
        returns: list[list[JobReturn]] = []
        first = 0
        while not self.is_done():
            batch = self.get_job_batch()  # every run was composed and checked by sim.sweeps.sweep.preflight_sweep
            results = self.launcher.launch(batch, initial_job_idx=first)
            for r in results:
                _ = r.return_value
            first += len(batch)
            returns.append(list(results))
        return returns
