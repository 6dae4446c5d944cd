"""The candidate sweeper: runs the rows of a candidates file (one policy mix a row) as the jobs of a sweep.

The policy frontier (``python -m sim.frontier``, sim/frontier/) asks an optimiser for a generation of mixes; they are
not a grid, so Hydra's basic sweeper cannot express them. ``hydra/sweeper=candidates
hydra.sweeper.file=GEN/candidates.csv`` launches one job per row (its columns are config keys, its cells their
values) times any ordinary swept values (``seed=0,1`` and ``posterior_draw=...`` on the command line), on whatever
launcher is configured. The sweep folder, table, resuming and progress line are those of any sweep
(sim/sweeps/sweep.py).

No ``from __future__ import annotations`` here (Hydra loads plugin modules without registering them in sys.modules).
"""

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.config_store import ConfigStore
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.utils import JobReturn
from omegaconf import OmegaConf


@dataclass
class CandidateSweeperConf:
    _target_: str = "hydra_plugins.channel_abm_sweeper.candidate_sweeper.CandidateSweeper"
    file: str = ""  # CSV: a header of config keys, one candidate a row
    max_batch_size: int | None = None
    params: Any = None  # ordinary swept values, crossed with every row


ConfigStore.instance().store(
    group="hydra/sweeper", name="candidates", node=CandidateSweeperConf, provider="channel-abm"
)


def read_candidates(path: str | Path) -> list[list[str]]:
    """The override lines of every row of a candidates file; ValueError (one line) when it is missing or ragged."""
    path = Path(str(path))
    if not path.is_absolute() and not path.is_file():  # a shipped file named from the repository (experiments/)
        path = Path(__file__).resolve().parents[2] / path
    if not str(path) or not path.is_file():
        raise ValueError(f"hydra.sweeper.file={path}: no such candidates file")
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    if len(rows) < 2 or not all(rows[0]):
        raise ValueError(f"hydra.sweeper.file={path}: expected a header of config keys and one row per candidate")
    header = rows[0]
    out = []
    for i, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise ValueError(f"hydra.sweeper.file={path}, line {i}: {len(row)} cells for {len(header)} keys")
        out.append([f"{k}={v}" for k, v in zip(header, row, strict=True)])
    return out


def job_overrides(sweeper_cfg: Any, arguments: list[str]) -> list[list[str]]:
    """The overrides of every job: each candidate row, crossed with the swept values (row-major: a row's runs
    are consecutive jobs)."""
    plain = OmegaConf.to_container(sweeper_cfg, resolve=True) if OmegaConf.is_config(sweeper_cfg) else sweeper_cfg
    params = plain.get("params") or {}
    lines = [f"{k}={v}" for k, v in dict(params).items()] + list(arguments)
    parsed = OverridesParser.create().parse_overrides(lines)
    combos = BasicSweeper.split_arguments(parsed, None)[0] if parsed else [[]]
    return [[*row, *combo] for row in read_candidates(plain.get("file", "")) for combo in combos]


class CandidateSweeper(BasicSweeper):
    """A basic sweeper whose job list is the rows of a candidates file (crossed with any swept values)."""

    def __init__(self, file: str = "", max_batch_size: int | None = None, params: Any = None) -> None:
        super().__init__(max_batch_size=max_batch_size, params=dict(params or {}))
        self.spec = {"file": file, "params": dict(params or {})}

    @staticmethod
    def job_list(sweeper_cfg: Any, arguments: list[str]) -> list[list[str]]:
        """Every job's overrides in job-number order (what ``sim.sweeps.sweep.expand_jobs`` asks a sweeper)."""
        return job_overrides(sweeper_cfg, arguments)

    @staticmethod
    def preflight(sweeper_cfg: Any, set_keys: list[str], base: list[str], config_name: str) -> int:
        """Every row composed with the base into a valid configuration (raises sim.config.ConfigError; a key both
        in the file and set otherwise is refused). Returns the number of rows."""
        from sim.cli import load_config
        from sim.config import ConfigError

        plain = OmegaConf.to_container(sweeper_cfg, resolve=True) if OmegaConf.is_config(sweeper_cfg) else sweeper_cfg
        try:
            rows = read_candidates(plain.get("file") or "")
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        both = sorted({line.split("=", 1)[0] for line in rows[0]} & {k.lstrip("+~") for k in set_keys})
        if both:
            raise ConfigError(f"{both[0]}: set both in hydra.sweeper.file and otherwise; set it in one place")
        for row in rows:
            load_config([*base, *row], config_name)
        return len(rows)

    def sweep(self, arguments: list[str]) -> Any:
        assert self.config is not None and self.launcher is not None
        jobs = job_overrides(self.spec, arguments)
        sweep_dir = Path(self.config.hydra.sweep.dir)
        sweep_dir.mkdir(parents=True, exist_ok=True)
        OmegaConf.save(self.config, sweep_dir / "multirun.yaml")
        self.overrides = list(self.split_overrides_to_chunks(jobs, self.max_batch_size))
        returns: list[list[JobReturn]] = []
        first = 0
        while not self.is_done():
            batch = self.get_job_batch()  # every row was composed and checked by sim.sweeps.sweep.preflight_sweep
            results = self.launcher.launch(batch, initial_job_idx=first)
            for r in results:
                _ = r.return_value
            first += len(batch)
            returns.append(list(results))
        return returns
