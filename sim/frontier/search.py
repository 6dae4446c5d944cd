"""The search: Optuna's NSGA-II asked for a generation of mixes, each generation run as an ordinary sweep, told back.

Why Optuna and not pymoo: its ask/tell interface hands out one generation at a time, which is what lets a
generation be an ordinary Hydra sweep (any launcher, resumable) rather than calls inside the optimiser's loop; it
is current and maintained (the Hydra Optuna sweeper pins optuna<3, whose sqlite storage fails under SQLAlchemy 2,
so the sweeper is not used). The study is kept in memory: with a seeded sampler the same tells give the same asks,
so running the same command again replays every finished generation from its sweep folder (where every finished
run is reused) and carries on where it stopped, with no optimiser state on disk to go stale.

Every candidate is scored over the same seeds (and posterior draws when asked for): common random numbers, so
differences between mixes are not luck. Its objective value is the mean over its runs; ``_q05``/``_q95`` are the
5th and 95th percentiles of its runs (the one interval definition, sim/results/stats.py).
"""

from __future__ import annotations

import csv
import io
import math
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.frontier.levers import Lever, levers_named, mix_overrides
from sim.outputs import atomic_write_frame, atomic_write_text, json_text
from sim.results import stats
from sim.results.folders import SweepError, read_json, read_sweep
from sim.results.outcomes import OUTCOMES, per_full_scale

SHIPPED = ("baseline_2024", "border_security_2024", "third_country_removal", "patrols_and_rescue", "all_levers")
DEFAULT_OBJECTIVES = ("people_arrived", "expected_deaths_at_sea", "public_cost_gbp")
SETTINGS = "frontier.json"


class FrontierError(ValueError):
    """Bad input to the frontier (one line naming the option, the value and what is allowed)."""


@dataclass
class Settings:
    """What a frontier search was asked for; recorded in DIR/frontier.json and checked when it is run again."""

    objectives: list[str]
    levers: list[str]
    budget: int
    population: int
    seeds: int
    draws: int
    scale: float
    days: int
    sampler_seed: int
    overrides: list[str] = field(default_factory=list)  # passed to every sweep (launcher, fixed parameters)

    @property
    def generations(self) -> int:
        return math.ceil(self.budget / self.population)

    def replicates(self) -> list[str]:
        """The swept replicate values of every sweep: seeds, and posterior draws when asked for."""
        out = [f"seed={','.join(str(s) for s in range(self.seeds))}" if self.seeds > 1 else "seed=0"]
        if self.draws:
            out.append(f"posterior_draw={','.join(str(d) for d in range(self.draws))}")
        return out

    def common(self) -> list[str]:
        return [f"scale={self.scale}", f"days={self.days}", *self.overrides]


def check_objectives(names: Sequence[str]) -> list[str]:
    """Outcome names a policy maker would rank (the catalogue says which way is better); FrontierError otherwise."""
    for n in names:
        o = OUTCOMES.get(n)
        if o is None:
            raise FrontierError(f"--objectives {n}: not an outcome; outcomes: see docs/outputs.md")
        if o.better is None or o.kind == "mapping" or not o.in_summary:
            raise FrontierError(f"--objectives {n}: not an objective (no better direction); choose outcomes with one")
    if len(names) < 2 or len(set(names)) != len(names):
        raise FrontierError(f"--objectives {','.join(names)}: give two or more different outcomes")
    return list(names)


def check_settings(s: Settings) -> Settings:
    check_objectives(s.objectives)
    levers_named(s.levers)
    for name, value, low in (("--budget", s.budget, 1), ("--population", s.population, 2), ("--seeds", s.seeds, 1)):
        if value < low:
            raise FrontierError(f"{name} {value}: must be at least {low}")
    if s.draws < 0:
        raise FrontierError(f"--draws {s.draws}: must be 0 (posterior medians) or more")
    if s.draws and not _has_posterior_draws():
        raise FrontierError(f"--draws {s.draws}: this version of the model has no posterior_draw setting; use 0")
    if not (0 < s.scale <= 1000) or s.days < 1:
        raise FrontierError(f"--scale {s.scale} / --days {s.days}: scale in (0, 1000], days 1 or more")
    return s


def _has_posterior_draws() -> bool:
    import dataclasses

    from sim.config import SimConfig

    return any(f.name == "posterior_draw" for f in dataclasses.fields(SimConfig))


def check_out_dir(out: Path, s: Settings) -> None:
    """An empty or new folder, or the folder of the same frontier (resume); FrontierError otherwise."""
    if not out.exists():
        return
    if not out.is_dir():
        raise FrontierError(f"--out {out}: not a folder")
    recorded = read_json(out / SETTINGS)
    if recorded is None:
        if any(out.iterdir()):
            raise FrontierError(f"--out {out}: not a frontier folder (no {SETTINGS}) and not empty")
        return
    if recorded.get("settings") != asdict(s):
        raise FrontierError(f"--out {out}: holds a frontier of other settings ({SETTINGS}); choose another folder")


# ------------------------------------------------------------------------------------------ running sweeps
Runner = Callable[[list[str]], int]


def run_sim(argv: list[str]) -> int:
    """``python -m sim ARGS`` in a child process (the ordinary sweep command); its exit code."""
    return subprocess.call([sys.executable, "-m", "sim", *argv], env={**os.environ, "HYDRA_FULL_ERROR": "0"})


def sweep_candidates(folder: Path, rows: list[dict[str, str]], s: Settings, runner: Runner) -> None:
    """Write a generation's candidates file and run it as a sweep (resumes if run before)."""
    sweep_rows(folder, rows, [*s.replicates(), *s.common()], runner)


def sweep_rows(folder: Path, rows: list[dict[str, str]], rest: list[str], runner: Runner) -> None:
    """Rows of config values as a candidates file, run as a sweep with the overrides ``rest`` (swept or not)."""
    folder.mkdir(parents=True, exist_ok=True)
    keys = list(dict.fromkeys(k for row in rows for k in row))
    lines = [keys] + [[row[k] for k in keys] for row in rows]
    fd_path = folder / "candidates.csv"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(lines)
    atomic_write_text(fd_path, buf.getvalue())
    argv = ["-m", "hydra/sweeper=candidates", f"hydra.sweeper.file={fd_path.resolve()}", *rest]
    _run([*argv, f"hydra.sweep.dir={folder.resolve()}"], runner)


def sweep_shipped(folder: Path, s: Settings, runner: Runner) -> None:
    argv = ["-m", f"scenario={','.join(SHIPPED)}", *s.replicates(), *s.common(), f"hydra.sweep.dir={folder.resolve()}"]
    _run(argv, runner)


def _run(argv: list[str], runner: Runner) -> None:
    code = runner(argv)
    if code == 2:
        raise FrontierError(f"the sweep refused its settings (python -m sim {' '.join(argv)})")
    # exit code 1: the sweep ran with failed runs; scoring leaves them out and says so


# ------------------------------------------------------------------------------------------ scoring
def score_runs(values: np.ndarray) -> tuple[float, float, float]:
    """(mean, 5th, 95th percentile) over a candidate's runs."""
    if values.size == 0:
        return (math.nan,) * 3
    lo, hi = np.percentile(values, [stats.Q_LO, stats.Q_HI])
    return float(values.mean()), float(lo), float(hi)


def score_folder(folder: Path, rows: list[dict[str, str]], objectives: Sequence[str], scale: float) -> list[dict]:
    """Per candidate row: objective mean, q05, q95 (at full scale) and runs counted, from a finished sweep."""
    sweep = read_sweep(folder)
    want = [tuple(f"{k}={v}" for k, v in row.items()) for row in rows]
    keys = set(rows[0]) if rows else set()
    runs: dict[tuple, list] = {w: [] for w in want}
    for r in sweep.runs:
        if r.ok:
            tag = tuple(t for t in r.overrides if t.split("=", 1)[0] in keys)
            runs.setdefault(tag, []).append(r)
    out = []
    for w in want:
        rec: dict = {"runs": len(runs[w])}
        for name in objectives:
            v = np.array([per_full_scale(name, r.value(name), scale) for r in runs[w]], dtype=float)
            rec[name], rec[f"{name}_q05"], rec[f"{name}_q95"] = score_runs(v[np.isfinite(v)])
        out.append(rec)
    return out


def non_dominated(points: np.ndarray) -> np.ndarray:
    """Mask of the rows of ``points`` (all to be minimised) that no other row dominates."""
    n = len(points)
    keep = np.ones(n, dtype=bool)
    for i in range(n):
        others = np.delete(points, i, axis=0)
        worse = np.all(others <= points[i], axis=1) & np.any(others < points[i], axis=1)
        keep[i] = not worse.any()
    return keep


def signs(objectives: Sequence[str]) -> np.ndarray:
    """+1 for outcomes to minimise, -1 for those to maximise (so that every column is minimised)."""
    return np.array([-1.0 if OUTCOMES[n].better == "higher" else 1.0 for n in objectives])


# ------------------------------------------------------------------------------------------ the loop
def search(out: Path, s: Settings, runner: Runner = run_sim, log: Callable[[str], None] = print) -> pd.DataFrame:
    """Run (or resume) the search; returns every evaluated candidate (one row per trial)."""
    import optuna
    from optuna.distributions import FloatDistribution

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    levers = levers_named(s.levers)
    directions = ["minimize" if OUTCOMES[n].better == "lower" else "maximize" for n in s.objectives]
    sampler = optuna.samplers.NSGAIISampler(population_size=s.population, seed=s.sampler_seed)
    study = optuna.create_study(directions=directions, sampler=sampler)
    space = {lv.name: FloatDistribution(lv.low, lv.high, step=lv.step) for lv in levers}
    records: list[dict] = []
    for gen in range(s.generations):
        size = min(s.population, s.budget - gen * s.population)
        trials = [study.ask(space) for _ in range(size)]
        mixes = [{lv.name: lv.snap(t.params[lv.name]) for lv in levers} for t in trials]
        rows = _unique_rows(levers, mixes)
        folder = out / "generations" / f"{gen:03d}"
        t0 = time.perf_counter()
        sweep_candidates(folder, list(rows.values()), s, runner)
        scores = dict(zip(rows, score_folder(folder, list(rows.values()), s.objectives, s.scale), strict=True))
        for trial, mix in zip(trials, mixes, strict=True):
            rec = scores[_row_key(levers, mix)]
            values = [rec[n] for n in s.objectives]
            ok = rec["runs"] > 0 and all(math.isfinite(v) for v in values)
            study.tell(trial, values if ok else None, state=None if ok else optuna.trial.TrialState.FAIL)
            records.append({"trial": trial.number, "generation": gen, **mix, **rec})
        log(
            f"frontier: generation {gen + 1}/{s.generations}: {size} mixes ({len(rows)} distinct) scored in "
            f"{time.perf_counter() - t0:.0f} s"
        )
    return pd.DataFrame(records)


def _row_key(levers: Sequence[Lever], mix: dict[str, float]) -> tuple:
    return tuple(mix[lv.name] for lv in levers)


def _unique_rows(levers: Sequence[Lever], mixes: list[dict[str, float]]) -> dict[tuple, dict[str, str]]:
    """The distinct mixes of a generation (NSGA-II may propose one twice) as override rows, in order."""
    rows: dict[tuple, dict[str, str]] = {}
    for mix in mixes:
        rows.setdefault(_row_key(levers, mix), mix_overrides(levers, mix))
    return rows


# ------------------------------------------------------------------------------------------ the tables
def frontier_table(candidates: pd.DataFrame, s: Settings) -> pd.DataFrame:
    """The non-dominated distinct mixes (by objective means): lever columns, then ``<name>``, ``_q05``, ``_q95``."""
    cols = [*s.levers, "runs"] + [c for n in s.objectives for c in (n, f"{n}_q05", f"{n}_q95")]
    ok = candidates.dropna(subset=list(s.objectives))
    distinct = ok.drop_duplicates(subset=list(s.levers)).reset_index(drop=True)
    if distinct.empty:
        return pd.DataFrame(columns=cols)
    mask = non_dominated(distinct[list(s.objectives)].to_numpy() * signs(s.objectives))
    return distinct.loc[mask, cols].sort_values(s.objectives[0]).reset_index(drop=True)


def shipped_table(folder: Path, frontier: pd.DataFrame, s: Settings) -> pd.DataFrame:
    """The five shipped scenarios scored like candidates, each on the frontier or dominated by which mixes."""
    sweep = read_sweep(folder)
    points = frontier[list(s.objectives)].to_numpy() * signs(s.objectives)
    rows = []
    for name in SHIPPED:
        runs = [r for r in sweep.runs if r.ok and r.scenario == name]
        rec: dict = {"scenario": name, "runs": len(runs)}
        for n in s.objectives:
            v = np.array([per_full_scale(n, r.value(n), s.scale) for r in runs], dtype=float)
            rec[n], rec[f"{n}_q05"], rec[f"{n}_q95"] = score_runs(v[np.isfinite(v)])
        me = np.array([rec[n] for n in s.objectives]) * signs(s.objectives)
        by = [i for i, p in enumerate(points) if np.all(p <= me) and np.any(p < me)]
        rec["dominated_by"] = " ".join(str(i) for i in by)
        rec["status"] = "dominated" if by else "on the frontier"
        rows.append(rec)
    return pd.DataFrame(rows)


def write_tables(out: Path, candidates: pd.DataFrame, frontier: pd.DataFrame, shipped: pd.DataFrame) -> None:
    atomic_write_frame(out / "candidates.csv", candidates)
    atomic_write_frame(out / "frontier.csv", frontier)
    atomic_write_frame(out / "shipped.csv", shipped)


def lever_tops(names: Sequence[str]) -> dict[str, dict[str, str]]:
    """What each lever sets at the top of its range: recorded with a frontier, so that a reader (the report) can
    tell a frontier made with other lever definitions than the code's."""
    return {lv.name: lv.overrides(lv.high) for lv in levers_named(list(names))}


def write_settings(out: Path, s: Settings, extra: dict | None = None) -> None:
    meta = {"settings": asdict(s), "lever_tops": lever_tops(s.levers), **(extra or {})}
    atomic_write_text(out / SETTINGS, json_text(meta))


def read_frontier(folder: str | Path) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """(frontier.json, frontier.csv, shipped.csv) of a frontier folder; SweepError (one line) if it is not one."""
    folder = Path(folder)
    meta = read_json(folder / SETTINGS)
    if meta is None or not (folder / "frontier.csv").is_file():
        raise SweepError(f"{folder}: not a frontier folder (no {SETTINGS} and frontier.csv)")
    try:
        frontier = pd.read_csv(folder / "frontier.csv")
        shipped = pd.read_csv(folder / "shipped.csv") if (folder / "shipped.csv").is_file() else pd.DataFrame()
    except (OSError, ValueError) as exc:
        raise SweepError(f"{folder}: cannot read frontier.csv ({type(exc).__name__})") from None
    return meta, frontier, shipped
