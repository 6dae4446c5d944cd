"""Likelihood-free calibration: ABC-SMC, written out here with numpy; what the history calibration runs on.

``python -m sim.calibrate [--window 2021-2023]`` fits the free parameters of the history run on the years of the
window only (sim/evidence/window.py: its targets, its simulator, outputs in ``data/calibration/history``). Nothing is
fitted to 2024 or 2025: they are test years, and a window that reaches them is refused. The window defaults to
2021-2023, the whole calibration window. (An earlier calibration fitted the default single year to 2024's own
targets; it is retired, and with it its 2024 targets, distance and outputs.)

Method (ABC-SMC: Toni et al. 2009, J R Soc Interface 6:187; Beaumont et al. 2009, Biometrika 96:983):

- Priors are uniform on each parameter's plausible range declared in ``sim/config.py`` (``plausible=``), on a
  log scale for rates and sizes; the bounds must lie inside the declared validity range (checked).
- Each particle is simulated with ``replicates`` seeds; the distance (the targets' ``distance``) is taken of the
  mean of their statistics.
- Generation 0 is rejection ABC: ``gen0_factor * population`` draws from the prior, the best ``population``
  kept. Each later generation lowers the tolerance to the ``alpha`` quantile of the previous distances and
  proposes from the previous weighted population moved by a Gaussian kernel (twice the weighted covariance,
  on the transformed scale), keeping proposals within tolerance until ``population`` are accepted; weights are
  prior / sum_j w_j K(theta | theta_j). It stops at ``max_generations``, at the simulation budget (an unfinished
  generation is discarded), or when acceptance falls below ``min_acceptance``.
- Simulations run in batches on a process pool; after each batch the state (populations, tolerances, random
  generator state) is written atomically to ``state.json`` and every simulation to ``simulations.csv``, so an
  interrupted calibration resumes where it stopped with the same draws.

pyabc (0.13) was not used: on Python 3.12 it pulls in dask/distributed, redis, scikit-learn, Jupyter kernels and
SQLAlchemy, far more than this needs.

Outputs: ``accepted.csv`` (the final population: parameters, weight, distance, outcomes, seed),
``posterior_draws.csv`` (an equal-weight resample of it, :func:`resample_posterior`: the rows ``posterior_draw=K``
of a run uses, and whose medians every run with ``posterior_draw=null`` uses), ``provenance.json`` (data files and
digests, targets, distance, tolerance schedule, settings, seeds, git revision, versions, date, posterior summary,
the draws, check runs) and ``posterior.png``. ``--write-draws`` only (re)writes the draws of an existing
calibration folder; ``--write-doc`` its section of ``docs/calibration.md``. ``--max-minutes M`` pauses cleanly
after the first batch that ends past M minutes of this call (the checkpoint is complete; the same command resumes
with the same draws) and writes the outputs of the last complete generation.
``--window 2021-2022`` is the hindcast calibration, into ``data/calibration/hindcast_2023`` (its runs hold no
2023 demand level; the 2023 hindcast forecast draws from it).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from sim.config import ConfigError, declared_default, declared_range
from sim.evidence import observed as obs
from sim.evidence import validate as V
from sim.evidence.boxes import ParameterBox, prior
from sim.outputs import atomic_write_frame, atomic_write_text, file_sha256, git_revision, package_versions

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_WORK = ROOT / "results" / "calibration"
DOC = ROOT / "docs" / "calibration.md"
STATE_VERSION = 1


# Calibrated parameters and sensitivity designs share one box type (sim/evidence/boxes.py).
FreeParameter = ParameterBox


# The calibrated parameters of a single year's model (demand as annual_entrants); the history calibration
# (sim/evidence/window.py, HISTORY_PARAMETERS) takes these with one scale on the fitted yearly demand levels instead.
FREE_PARAMETERS: tuple[ParameterBox, ...] = (
    prior("migration.annual_entrants", True, why="demand: sets arrivals given losses on the way"),
    prior(
        "migration.entry_seasonal_amplitude",
        False,
        why="the seasonal swing of entries: shapes the June-October peak (whole declared range)",
    ),
    prior(
        "migration.entry_peak_day",
        False,
        integer=True,
        why="when entries peak (May-September); arrivals follow one to three months later",
    ),
    prior(
        "supply_chain.boats_per_week",
        True,
        tied=("supply_chain.engines_per_week",),
        why="boat supply (engines in proportion): sets boats and people per boat",
    ),
    prior("smuggling.launch_wave_limit_m", False, why="wave height above which networks do not launch"),
    prior("enforcement.prevention_per_officer_km", True, why="beach patrol effectiveness: prevention share"),
    prior("crossing.incident_base_prob", True, why="fatal incident risk: deaths at sea"),
)


@dataclass
class Settings:
    population: int = 120
    gen0_factor: float = 4.0
    alpha: float = 0.5
    max_generations: int = 8
    max_simulations: int = 2_400
    min_acceptance: float = 0.03
    batch: int = 16  # simulations per batch (a checkpoint after each)
    seed: int = 2024
    scale: float = 1.0
    overrides: tuple[str, ...] = ()
    replicates: int = 1  # seeds per particle; the distance is taken of their mean statistics
    window: str = ""  # "2021-2023": the years fitted (sim/evidence/window.py)


# ------------------------------------------------------------------------------------------- parameters
def check_priors(params: Sequence[ParameterBox] = FREE_PARAMETERS) -> None:
    """Every prior must lie inside its declared range (and be strictly positive if log-uniform)."""
    for p in params:
        p.check("prior")


def _bounds_z(params: Sequence[ParameterBox]) -> tuple[np.ndarray, np.ndarray]:
    lo = np.array([math.log(p.low) if p.log else p.low for p in params])
    hi = np.array([math.log(p.high) if p.log else p.high for p in params])
    return lo, hi


def to_theta(z: np.ndarray, params: Sequence[ParameterBox] = FREE_PARAMETERS) -> np.ndarray:
    z = np.atleast_2d(z)
    return np.column_stack([np.exp(z[:, i]) if p.log else z[:, i] for i, p in enumerate(params)])


def to_overrides(theta: Sequence[float], params: Sequence[ParameterBox] = FREE_PARAMETERS) -> list[str]:
    """Hydra overrides setting the parameters (tied parameters in proportion to their defaults)."""
    out = []
    for value, p in zip(theta, params, strict=True):
        out.append(p.override(value))
        for tied in p.tied:
            ratio = declared_default(tied) / declared_default(p.key)
            out.append(f"{tied}={float(value) * ratio:.6g}")
    return out


class Targets(Protocol):
    """What a calibration is scored on (sim/evidence/window.py's WindowTargets): a distance of a particle's mean
    statistics, 1 = at the tolerance on average."""

    def distance(self, stats: dict[str, float]) -> float: ...


def _mean_stats(replicates: Sequence[dict[str, float]]) -> dict[str, float]:
    """Mean over a particle's seeds of each statistic (one seed: the statistics themselves)."""
    if len(replicates) == 1:
        return dict(replicates[0])
    return {k: float(np.mean([r[k] for r in replicates])) for k in replicates[0]}


# ----------------------------------------------------------------------------------------------- ABC-SMC
def weighted_quantile(values: np.ndarray, q: float | Sequence[float], weights: np.ndarray | None = None) -> Any:
    values = np.asarray(values, dtype=float)
    w = np.ones_like(values) if weights is None else np.asarray(weights, dtype=float)
    order = np.argsort(values)
    v, w = values[order], w[order]
    cum = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(q, cum, v)


def _kernel_cov(z: np.ndarray, w: np.ndarray) -> np.ndarray:
    mean = np.average(z, axis=0, weights=w)
    diff = z - mean
    cov = (w[:, None] * diff).T @ diff / w.sum()
    return 2.0 * cov + 1e-12 * np.eye(z.shape[1])


def _mvn_logpdf(x: np.ndarray, mean: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """log N(x_i; mean_j, cov) for all i, j: shape (len(x), len(mean))."""
    chol = np.linalg.cholesky(cov)
    diff = x[:, None, :] - mean[None, :, :]
    sol = np.linalg.solve(chol, diff.reshape(-1, x.shape[1]).T).T.reshape(diff.shape)
    logdet = 2.0 * np.log(np.diag(chol)).sum()
    return -0.5 * (np.square(sol).sum(axis=2) + logdet + x.shape[1] * math.log(2 * math.pi))


def smc_weights(z_new: np.ndarray, z_old: np.ndarray, w_old: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """Importance weights of a new population: (uniform) prior over the kernel mixture that proposed it."""
    logk = _mvn_logpdf(z_new, z_old, cov)
    m = logk.max(axis=1, keepdims=True)
    denom = np.log((np.exp(logk - m) * (w_old / w_old.sum())[None, :]).sum(axis=1)) + m[:, 0]
    w = np.exp(-(denom - denom.max()))
    return w / w.sum()


class Calibration:
    """ABC-SMC with a checkpoint after every batch."""

    def __init__(
        self,
        settings: Settings,
        work_dir: Path,
        jobs: int | None = None,
        params: Sequence[ParameterBox] = FREE_PARAMETERS,
        *,
        targets: Targets,
        simulator: Callable[[tuple[list[str], int]], dict[str, float]],
        log: Callable[[str], None] = print,
    ) -> None:
        check_priors(params)
        self.s = settings
        self.params = tuple(params)
        self.work = Path(work_dir)
        self.jobs = jobs or V.default_jobs()
        self.batch = settings.batch
        self.targets = targets
        self.lo, self.hi = _bounds_z(self.params)
        self.log = log
        self.simulator = simulator  # (overrides, seed) -> statistics; picklable for the pool
        self.base = [f"scale={settings.scale:g}", *settings.overrides]
        self.state_path = self.work / "state.json"
        self.sims_path = self.work / "simulations.csv"
        self._load_or_init()

    # ------------------------------------------------------------------------------------- state
    # Stopping rules may change between a run and its resumption (e.g. a larger budget); nothing else may.
    STOPPING_RULES = ("max_generations", "max_simulations", "min_acceptance")

    def _settings_dict(self, with_stopping_rules: bool = True) -> dict:
        d = dataclasses.asdict(self.s)
        if not with_stopping_rules:
            for k in self.STOPPING_RULES:
                d.pop(k)
        d["overrides"] = list(d["overrides"])
        d["parameters"] = [dataclasses.asdict(p) | {"tied": list(p.tied)} for p in self.params]
        return d

    def _load_or_init(self) -> None:
        if self.state_path.is_file():
            state = json.loads(self.state_path.read_text())
            saved = {k: v for k, v in state["settings"].items() if k not in self.STOPPING_RULES}
            if state.get("version") != STATE_VERSION or saved != self._settings_dict(with_stopping_rules=False):
                raise ConfigError(
                    f"{self.state_path}: a checkpoint with other settings exists; use --restart or another --work"
                )
            state["settings"] = self._settings_dict()
            if state["done"] and not self._should_stop(state):
                state["done"], state["stop_reason"] = False, ""  # resumed with a larger budget
            self.state = state
            self.rng = np.random.default_rng()
            self.rng.bit_generator.state = state["rng"]
            self.sims = pd.read_csv(self.sims_path) if self.sims_path.is_file() else pd.DataFrame()
            self.log(
                f"resuming from {self.state_path}: generation {state['generation']}, {state['n_sims']} simulations"
            )
            return
        self.rng = np.random.default_rng(self.s.seed)
        self.state = {
            "version": STATE_VERSION,
            "settings": self._settings_dict(),
            "generation": 0,
            "epsilons": [],
            "population": None,
            "current": {"z": [], "distance": [], "sim_id": []},
            "n_sims": 0,
            "n_sims_generation": 0,
            "history": [],
            "done": False,
            "stop_reason": "",
            "wall_seconds": 0.0,
        }
        self.sims = pd.DataFrame()

    def _checkpoint(self) -> None:
        self.state["rng"] = self.rng.bit_generator.state
        atomic_write_frame(self.sims_path, self.sims)
        atomic_write_text(self.state_path, json.dumps(self.state, default=V._jsonable) + "\n")

    # ------------------------------------------------------------------------------------- proposals
    def _prior_draw(self, n: int) -> np.ndarray:
        return self.lo + (self.hi - self.lo) * self.rng.random((n, len(self.params)))

    def _kernel(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        pop = self.state["population"]
        z, w = np.array(pop["z"]), np.array(pop["weight"])
        return z, w, _kernel_cov(z, w)

    def _propose(self, n: int) -> np.ndarray:
        z_old, w_old, cov = self._kernel()
        out = np.empty((0, len(self.params)))
        chol = np.linalg.cholesky(cov)
        while out.shape[0] < n:
            idx = self.rng.choice(len(w_old), size=n, p=w_old / w_old.sum())
            cand = z_old[idx] + self.rng.standard_normal((n, len(self.params))) @ chol.T
            inside = np.all((cand >= self.lo) & (cand <= self.hi), axis=1)
            out = np.vstack([out, cand[inside]])
        return out[:n]

    # ------------------------------------------------------------------------------------- running
    def _evaluate(self, z: np.ndarray, pool) -> list[tuple[dict[str, float], float, int, int]]:
        """Simulate each particle with ``replicates`` seeds (particle i, seed r: S * 1,000,000 + i * R + r) and
        score the mean of its seeds' statistics."""
        theta = to_theta(z, self.params)
        first, reps = self.state["n_sims"], self.s.replicates
        seeds = [[self.s.seed * 1_000_000 + (first + i) * reps + r for r in range(reps)] for i in range(len(z))]
        tasks = [
            ([*self.base, *to_overrides(t, self.params)], sd)
            for t, particle in zip(theta, seeds, strict=True)
            for sd in particle
        ]
        results = list(pool.map(self.simulator, tasks)) if pool is not None else [self.simulator(t) for t in tasks]
        means = [_mean_stats(results[i * reps : (i + 1) * reps]) for i in range(len(z))]
        return [(r, self.targets.distance(r), first + i, seeds[i][0]) for i, r in enumerate(means)]

    def _record(self, z: np.ndarray, evals: list, accepted: Sequence[bool]) -> None:
        theta = to_theta(z, self.params)
        rows = []
        for i, (stats, d, sim_id, seed) in enumerate(evals):
            row = {"sim_id": sim_id, "generation": self.state["generation"], "seed": seed}
            row.update({p.key: float(theta[i, j]) for j, p in enumerate(self.params)})
            row.update(stats)
            row.update({"distance": d, "within_tolerance": bool(accepted[i])})
            rows.append(row)
        self.sims = pd.concat([self.sims, pd.DataFrame(rows)], ignore_index=True)
        self.state["n_sims"] += len(evals)
        self.state["n_sims_generation"] += len(evals)

    def run(self, max_seconds: float | None = None) -> dict:
        """Run (or resume) until a stopping rule; with ``max_seconds``, also stop cleanly after the first batch that
        ends past that wall time in this call (the checkpoint is complete: run again to resume)."""
        s, st = self.s, self.state
        t0 = start = time.perf_counter()
        st["paused"] = False
        batches = 0
        pool = V.process_pool(self.jobs) if self.jobs > 1 else None
        try:
            while not st["done"]:
                if st["generation"] >= s.max_generations:  # resumed with fewer generations than were run
                    self._stop(f"{s.max_generations} generations done")
                    break
                if max_seconds is not None and batches > 0 and time.perf_counter() - start >= max_seconds:
                    st["paused"] = True
                    self.log(f"wall-clock budget of {max_seconds / 60:g} min reached: paused (run again to resume)")
                    break
                left = s.max_simulations - st["n_sims"]
                if left <= 0:
                    self._stop("simulation budget reached")
                    break
                g = st["generation"]
                cur = st["current"]
                if g == 0:
                    n0 = math.ceil(s.gen0_factor * s.population)
                    n = min(self.batch, n0 - st["n_sims_generation"], left)
                    z = self._prior_draw(n)
                    evals = self._evaluate(z, pool)
                    self._record(z, evals, [True] * n)
                    cur["z"] += z.tolist()
                    cur["distance"] += [e[1] for e in evals]
                    cur["sim_id"] += [e[2] for e in evals]
                    if st["n_sims_generation"] >= n0:
                        d = np.array(cur["distance"])
                        keep = np.argsort(d, kind="stable")[: s.population]
                        eps = float(d[keep].max())
                        self._finish_generation(
                            np.array(cur["z"])[keep], d[keep], np.array(cur["sim_id"])[keep], eps, None
                        )
                else:
                    eps = st["epsilons"][-1] if len(st["epsilons"]) > g else self._next_epsilon()
                    n = min(self.batch, left)
                    z = self._propose(n)
                    evals = self._evaluate(z, pool)
                    ok = [e[1] <= eps for e in evals]
                    self._record(z, evals, ok)
                    for zi, e, a in zip(z, evals, ok, strict=True):
                        if a and len(cur["z"]) < s.population:
                            cur["z"].append(zi.tolist())
                            cur["distance"].append(e[1])
                            cur["sim_id"].append(e[2])
                    if len(cur["z"]) >= s.population:
                        self._finish_generation(
                            np.array(cur["z"]), np.array(cur["distance"]), np.array(cur["sim_id"]), eps, self._kernel()
                        )
                self.state["wall_seconds"] += time.perf_counter() - t0
                t0 = time.perf_counter()
                batches += 1
                self._checkpoint()
                self.log(
                    f"generation {st['generation']}: {st['n_sims']} simulations in all, "
                    f"{len(st['current']['z'])} kept so far in this generation"
                    + (f" (tolerance {st['epsilons'][-1]:.3f})" if len(st["epsilons"]) > st["generation"] else "")
                )
        finally:
            if pool is not None:
                pool.shutdown()
        self.state["wall_seconds"] += time.perf_counter() - t0
        self._checkpoint()
        return self.state

    def _should_stop(self, state: dict) -> bool:
        s = self.s
        if state["n_sims"] >= s.max_simulations or state["generation"] >= s.max_generations:
            return True
        hist = state["history"]
        return len(hist) > 1 and hist[-1]["acceptance"] < s.min_acceptance

    def _next_epsilon(self) -> float:
        pop = self.state["population"]
        eps = float(weighted_quantile(np.array(pop["distance"]), self.s.alpha, np.array(pop["weight"])))
        self.state["epsilons"].append(eps)
        return eps

    def _finish_generation(self, z, d, sim_ids, eps, kernel) -> None:
        st, s = self.state, self.s
        if kernel is None:
            w = np.full(len(d), 1.0 / len(d))
            st["epsilons"].append(eps)
        else:
            z_old, w_old, cov = kernel
            w = smc_weights(z, z_old, w_old, cov)
        ess = float(1.0 / np.square(w).sum())
        acceptance = len(d) / st["n_sims_generation"]
        st["history"].append(
            {
                "generation": st["generation"],
                "epsilon": eps,
                "simulations": st["n_sims_generation"],
                "acceptance": acceptance,
                "ess": ess,
                "median_distance": float(np.median(d)),
            }
        )
        st["population"] = {"z": z.tolist(), "weight": w.tolist(), "distance": d.tolist(), "sim_id": sim_ids.tolist()}
        st["current"] = {"z": [], "distance": [], "sim_id": []}
        st["generation"] += 1
        st["n_sims_generation"] = 0
        self.log(
            f"generation {st['generation'] - 1} done: tolerance {eps:.3f}, acceptance {acceptance:.2f}, ESS {ess:.0f}"
        )
        if st["generation"] >= s.max_generations:
            self._stop(f"{s.max_generations} generations done")
        elif st["generation"] > 1 and acceptance < s.min_acceptance:
            self._stop(f"acceptance {acceptance:.3f} below {s.min_acceptance}")

    def _stop(self, reason: str) -> None:
        self.state["done"] = True
        self.state["stop_reason"] = reason
        self.log(f"stopped: {reason}")

    # ------------------------------------------------------------------------------------- results
    def posterior(self) -> pd.DataFrame:
        """The last complete generation: parameters (natural scale), weight, distance, outcomes, seed."""
        pop = self.state["population"]
        if pop is None:
            raise ConfigError("no complete generation yet: raise --max-simulations")
        sims = self.sims.set_index("sim_id")
        rows = sims.loc[pop["sim_id"]].reset_index()
        rows.insert(1, "weight", pop["weight"])
        for p in self.params:
            for tied in p.tied:
                rows[tied] = rows[p.key] * declared_default(tied) / declared_default(p.key)
            if p.integer:
                rows[p.key] = rows[p.key].round().astype(int)
        return rows.drop(columns=["within_tolerance"])


def posterior_summary(post: pd.DataFrame, params: Sequence[ParameterBox] = FREE_PARAMETERS) -> dict:
    w = post["weight"].to_numpy()
    out = {}
    for p in params:
        v = post[p.key].to_numpy(dtype=float)
        q5, q50, q95 = weighted_quantile(v, [0.05, 0.5, 0.95], w)
        out[p.key] = {
            "median": float(q50),
            "p5": float(q5),
            "p95": float(q95),
            "mean": float(np.average(v, weights=w)),
            "prior": [p.low, p.high],
            "prior_scale": "log-uniform" if p.log else "uniform",
            "declared_range": list(declared_range(p.key)),
            "default_before": None,
        }
    return out


# ------------------------------------------------------------------------------------------ posterior draws
DRAWS_FILE = "posterior_draws.csv"
RESAMPLING = ("systematic", "multinomial")


def draw_keys(params: Sequence[ParameterBox] = FREE_PARAMETERS) -> list[str]:
    """The config keys a posterior draw sets: each free parameter, then the keys tied to it."""
    return [key for p in params for key in (p.key, *p.tied)]


def resample_indices(weights: np.ndarray, n: int, rng: np.random.Generator, method: str = "systematic") -> np.ndarray:
    """Indices of an equal-weight sample of ``n`` from a weighted set.

    Systematic resampling (one uniform offset, n evenly spaced positions on the cumulative weights; Kitagawa
    1996) keeps every set with weight w about n * w times, with less added noise than multinomial draws. The
    indices are then shuffled, so that the first K rows of the sample are a fair sample on their own (a sweep over
    ``posterior_draw='range(K)'`` uses the first K)."""
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1 or len(w) == 0 or not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise ConfigError("posterior weights: need one finite, non-negative weight per accepted set, not all zero")
    if n < 1:
        raise ConfigError(f"posterior draws: n={n}: must be >= 1")
    cum = np.cumsum(w) / w.sum()
    if method == "systematic":
        idx = np.searchsorted(cum, (rng.random() + np.arange(n)) / n, side="right")
    elif method == "multinomial":
        idx = np.searchsorted(cum, rng.random(n), side="right")
    else:
        raise ConfigError(f"posterior draws: method={method}: unknown; allowed: {', '.join(RESAMPLING)}")
    return rng.permutation(np.minimum(idx, len(w) - 1))


def resample_posterior(
    post: pd.DataFrame,
    n: int | None = None,
    seed: int = 2024,
    method: str = "systematic",
    params: Sequence[ParameterBox] = FREE_PARAMETERS,
) -> pd.DataFrame:
    """An equal-weight resample of a weighted accepted set (``accepted.csv``): columns ``draw`` (0, 1, ...), then
    one column per config key a draw sets (:func:`draw_keys`); ``n`` rows (default: as many as accepted sets)."""
    keys = draw_keys(params)
    missing = [k for k in ["weight", *keys] if k not in post.columns]
    if missing:
        raise ConfigError(f"accepted set: no column {missing[0]} (is it a calibration's accepted.csv?)")
    n = len(post) if n is None else n
    idx = resample_indices(post["weight"].to_numpy(dtype=float), n, np.random.default_rng(seed), method)
    cols: dict[str, Any] = {"draw": np.arange(n)}
    integer = {p.key for p in params if p.integer}
    for key in keys:
        values = post[key].to_numpy(dtype=float)[idx]
        cols[key] = np.round(values).astype(int) if key in integer else np.array([float(f"{v:.6g}") for v in values])
    return pd.DataFrame(cols)


def write_posterior_draws(
    out_dir: Path,
    post: pd.DataFrame | None = None,
    n: int | None = None,
    seed: int = 2024,
    method: str = "systematic",
    params: Sequence[ParameterBox] = FREE_PARAMETERS,
) -> dict[str, Any]:
    """Write ``posterior_draws.csv`` beside the provenance (from ``accepted.csv`` there unless ``post`` is given);
    returns what provenance.json records about it."""
    out_dir = Path(out_dir)
    if post is None:
        path = out_dir / "accepted.csv"
        try:
            post = pd.read_csv(path)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"{path}: cannot read the accepted set ({type(exc).__name__})") from None
    draws = resample_posterior(post, n, seed, method, params)
    target = out_dir / DRAWS_FILE
    atomic_write_frame(target, draws)
    w = post["weight"].to_numpy(dtype=float)
    return {
        "file": DRAWS_FILE,
        "rows": len(draws),
        "keys": draw_keys(params),
        "method": f"{method} resampling of accepted.csv by weight, rows shuffled",
        "seed": seed,
        "accepted_sets": len(post),
        "effective_sample_size": float(w.sum() ** 2 / np.square(w).sum()),
        "distinct_sets_drawn": int(draws[draw_keys(params)].drop_duplicates().shape[0]),
        "sha256": file_sha256(target),
    }


def median_overrides(summary: dict, params: Sequence[ParameterBox] = FREE_PARAMETERS) -> list[str]:
    return to_overrides([summary[p.key]["median"] for p in params], params)


def plot_posterior(
    post: pd.DataFrame,
    path: Path,
    params: Sequence[ParameterBox] = FREE_PARAMETERS,
    defaults: dict[str, float] | None = None,
) -> None:
    """Weighted marginal histograms over the prior ranges; dashed line: the default before calibration."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter

    defaults = defaults or {p.key: declared_default(p.key) for p in params}

    n = len(params)
    cols = 4
    fig, axes = plt.subplots(math.ceil(n / cols), cols, figsize=(3.2 * cols, 2.6 * math.ceil(n / cols)))
    for ax, p in zip(axes.ravel(), params, strict=False):
        v = post[p.key].to_numpy(dtype=float)
        bins = np.geomspace(p.low, p.high, 16) if p.log else np.linspace(p.low, p.high, 16)
        ax.hist(v, bins=bins, weights=post["weight"], color="tab:blue", alpha=0.8)
        ax.axvline(defaults[p.key], color="k", ls="--", lw=1)
        ax.axvline(weighted_quantile(v, 0.5, post["weight"].to_numpy()), color="tab:red", lw=1.5)
        if p.log:
            ax.set_xscale("log")
            ticks = np.geomspace(p.low, p.high, 4)
            ax.set_xticks(ticks, [f"{t:.3g}" for t in ticks])
            ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlim(p.low, p.high)
        ax.set_title(p.key.split(".")[-1], fontsize=9)
        ax.set_yticks([])
    for ax in axes.ravel()[n:]:
        ax.axis("off")
    fig.suptitle(
        "ABC-SMC posterior (weighted); x-axis = prior range; red = posterior median; dashed = default before",
        fontsize=10,
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_outputs(cal: Calibration, out_dir: Path, checks: dict) -> dict:
    out_dir = Path(out_dir)
    post = cal.posterior()
    summary = posterior_summary(post, cal.params)
    for p in cal.params:
        summary[p.key]["default_before"] = declared_default(p.key)
    atomic_write_frame(out_dir / "accepted.csv", post)
    draws = write_posterior_draws(out_dir, post, seed=cal.s.seed, params=cal.params)
    versions = package_versions()
    provenance = {
        "method": "ABC-SMC (Toni et al. 2009; Beaumont et al. 2009), implemented in sim/evidence/calibrate.py",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_revision": git_revision(),
        "versions": versions,
        "command": "python -m sim.calibrate " + " ".join(sys.argv[1:]),
        "data": {"files": obs.file_digests(), "sources": "data/SOURCES.md"},
        "targets": None,  # the window calibration records its own (window.provenance_fields)
        "distance": {
            "formula": "sqrt(mean(terms^2)); terms: (model - observed) / (observed * tolerance) for each annual "
            "target, and L1(monthly shares - observed average shares) / l1_between_observed_years",
            "tolerances": dict(V.TOLERANCE),
        },
        "settings": cal._settings_dict(),
        "jobs": cal.jobs,
        "tolerance_schedule": cal.state["epsilons"],
        "generations": cal.state["history"],
        "simulations": cal.state["n_sims"],
        "accepted": len(post),
        "stop_reason": cal.state["stop_reason"]
        or ("paused at the wall-clock budget (run again to resume)" if cal.state.get("paused") else ""),
        "wall_seconds": round(cal.state["wall_seconds"], 1),
        "seeds": "particle i of a calibration with seed S and R seeds per particle runs with model seeds "
        "S * 1,000,000 + i * R + r, r = 0..R-1 (R = settings.replicates)",
        "posterior": summary,
        "posterior_median_overrides": median_overrides(summary, cal.params),
        "posterior_draws": draws,
        "checks": checks,
    }
    if cal.s.window:
        from sim.evidence import window as W

        provenance.update(W.provenance_fields(cal))
    atomic_write_text(out_dir / "provenance.json", json.dumps(provenance, indent=2, default=V._jsonable) + "\n")
    plot_posterior(post, out_dir / "posterior.png", cal.params, {k: v["default_before"] for k, v in summary.items()})
    return provenance


def redo_posterior_draws(
    out_dir: Path,
    n: int | None = None,
    seed: int = 2024,
    method: str = "systematic",
    params: Sequence[ParameterBox] = FREE_PARAMETERS,
) -> dict[str, Any]:
    """Resample an existing calibration folder's accepted set into posterior_draws.csv and record it in its
    provenance.json (for a calibration made before the draws were written, or with another number of draws)."""
    out_dir = Path(out_dir)
    prov_path = out_dir / "provenance.json"
    try:
        prov = json.loads(prov_path.read_text())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{prov_path}: cannot read the calibration's provenance ({type(exc).__name__})") from None
    info = write_posterior_draws(out_dir, n=n, seed=seed, method=method, params=params)
    prov["posterior_draws"] = info
    atomic_write_text(prov_path, json.dumps(prov, indent=2, default=V._jsonable) + "\n")
    return info


# ------------------------------------------------------------------------------------------------- CLI
def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m sim.calibrate", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--window",
        default="2021-2023",
        help="FIRST-LAST: the years fitted, inside 2021-2023 (default 2021-2023; 2024 and 2025 are test years)",
    )
    p.add_argument("--population", type=int, help="accepted parameter sets per generation")
    p.add_argument("--max-simulations", type=int)
    p.add_argument("--max-generations", type=int)
    p.add_argument("--alpha", type=float, help="tolerance = this quantile of the previous generation's distances")
    p.add_argument("--seed", type=int, default=2024)
    p.add_argument("--scale", type=float, default=1.0, help="population scale of each run")
    p.add_argument("--jobs", type=int, default=None, help="processes (default: all available cores)")
    p.add_argument("--work", type=Path, help="checkpoint folder (default results/calibration/history-WINDOW)")
    p.add_argument(
        "--out", type=Path, help="outputs (default data/calibration/history; hindcast_2023 for --window 2021-2022)"
    )
    p.add_argument("--restart", action="store_true", help="discard an existing checkpoint")
    p.add_argument("--check-seeds", type=int, default=10, help="seeds for the posterior-median check (0 = none)")
    p.add_argument("--write-doc", action="store_true", help="only write its section of docs/calibration.md")
    p.add_argument(
        "--write-draws",
        action="store_true",
        help="only (re)write posterior_draws.csv from --out's accepted.csv and record it in provenance.json",
    )
    p.add_argument("--draws", type=int, help="rows of posterior_draws.csv (default: as many as accepted sets)")
    p.add_argument("--draws-method", choices=RESAMPLING, default="systematic", help="resampling of the accepted set")
    p.add_argument("-o", "--override", action="append", default=[], help="extra Hydra override for every run")
    p.add_argument("--replicates", type=int, help="seeds per particle (default 2)")
    p.add_argument("--max-minutes", type=float, help="wall-clock budget: pause cleanly at a batch boundary")
    a = p.parse_args(argv)
    from sim.evidence import window as W

    return W.main(a)


if __name__ == "__main__":
    sys.exit(main())
