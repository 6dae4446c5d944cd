"""Global sensitivity analysis with SALib: Morris screening and Sobol indices.

``python -m sim.sensitivity --method morris|sobol [--n N] [--out DIR]`` samples the parameters in
:data:`PARAMETERS`, runs the model once per sample row (2024, full scale, one fixed seed so that every row sees
the same weather and draws: common random numbers), and analyses three outcomes: ``people_arrived``,
``deaths_at_sea`` and ``people_per_boat`` (boats, crossing days and prevention share are recorded as well).

Parameter ranges: each parameter varies over a box that lies inside the range declared for it in
``sim/config.py`` (checked; read from the dataclass metadata). The declared ranges are validity limits (a
probability in [0, 1], up to ten million entrants a year), far wider than any plausible 2024 value, so the box
is the calibration prior for the calibrated parameters (``sim.calibrate.FREE_PARAMETERS``) and a stated window
around the default for the others. Sampling is on the unit cube; parameters marked ``log`` are mapped on a log
scale, integers are rounded. Morris mu* (mean absolute elementary effect) is therefore in outcome units per
whole width of a parameter's box, comparable across parameters; the table also divides it by the mean outcome.

Runs are parallel (process pool) and resumable: the sample is written once (``sample.csv``), each row's result
goes to ``runs/row_NNNNN.json`` (atomic write) as soon as it finishes, and rows already done are skipped, so an
interrupted analysis continues where it stopped. Outputs in ``--out`` (default ``results/sensitivity/METHOD``):
``indices.csv`` and ``indices.md`` (the table) and ``indices.png`` (the plot).

Sobol over all parameters needs N x (k + 2) runs (N a power of two); ``--top K`` restricts it to the K most
influential parameters of an earlier Morris screening (``--morris DIR``), the usual two-step design.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import logging
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibrate import FREE_PARAMETERS, check_window, declared_default
from sim.config import ConfigError
from sim.outputs import atomic_write_frame, atomic_write_text

ROOT = Path(__file__).resolve().parent.parent
OUTCOMES = ("people_arrived", "deaths_at_sea", "people_per_boat")
RECORDED = (*OUTCOMES, "boats_arrived", "crossing_days", "prevention_share", "taxi_boat_share")


@dataclass(frozen=True)
class Parameter:
    key: str
    low: float
    high: float
    log: bool = False
    integer: bool = False
    tied: tuple[str, ...] = ()


def _from_calibration() -> list[Parameter]:
    return [Parameter(p.key, p.low, p.high, p.log, p.integer, p.tied) for p in FREE_PARAMETERS]


# The calibrated parameters over their priors, and behavioural/enforcement parameters over a window around the
# 2024 default (about +-50%, or the plausible span where the default is a reported figure).
PARAMETERS: tuple[Parameter, ...] = (
    *_from_calibration(),
    Parameter("migration.purchase_rate_per_day", 0.15, 0.6),
    Parameter("migration.give_up_per_day", 0.003, 0.012, log=True),
    Parameter("migration.risk_tolerance_mean", 0.3, 0.9),
    Parameter("migration.death_news_sensitivity", 0.0, 0.3),
    Parameter("smuggling.networks", 10, 30, integer=True),
    Parameter("smuggling.comfortable_load", 25, 50, integer=True),
    Parameter("smuggling.max_load", 65, 110, integer=True),
    Parameter("crossing.crowding_exponent", 0.8, 2.4),
    Parameter("crossing.mass_casualty_prob", 0.05, 0.2),
    Parameter("enforcement.beach_officers", 400.0, 1200.0),
    Parameter("enforcement.rescue_vessels", 4.0, 12.0),
    Parameter("enforcement.taxi_prevention_factor", 0.15, 0.6),
    Parameter("weather.wave_summer_m", 0.5, 0.75),
)


def check_parameters(params: Sequence[Parameter]) -> None:
    keys = [p.key for p in params]
    if len(set(keys)) != len(keys):
        raise ConfigError("sensitivity parameters: a key appears twice")
    for p in params:
        check_window(p.key, p.low, p.high, p.log, what="sensitivity range")


def problem(params: Sequence[Parameter]) -> dict:
    """SALib problem on the unit cube (the mapping to parameter values is :func:`to_values`)."""
    return {"num_vars": len(params), "names": [p.key for p in params], "bounds": [[0.0, 1.0]] * len(params)}


def to_values(u: np.ndarray, params: Sequence[Parameter]) -> np.ndarray:
    u = np.atleast_2d(np.asarray(u, dtype=float))
    cols = []
    for j, p in enumerate(params):
        if p.log:
            v = np.exp(math.log(p.low) + u[:, j] * (math.log(p.high) - math.log(p.low)))
        else:
            v = p.low + u[:, j] * (p.high - p.low)
        cols.append(np.round(v) if p.integer else v)
    return np.column_stack(cols)


def to_overrides(values: Sequence[float], params: Sequence[Parameter]) -> list[str]:
    out = []
    for v, p in zip(values, params, strict=True):
        out.append(f"{p.key}={round(v)}" if p.integer else f"{p.key}={float(v):.6g}")
        for tied in p.tied:
            out.append(f"{tied}={float(v) * declared_default(tied) / declared_default(p.key):.6g}")
    return out


def generate_sample(method: str, params: Sequence[Parameter], n: int, seed: int) -> np.ndarray:
    """Rows of the unit cube: Morris trajectories (n x (k + 1) rows) or Sobol' (n x (k + 2) rows, first order)."""
    prob = problem(params)
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(prob, n, num_levels=4, seed=seed)
    if method == "sobol":
        from SALib.sample import sobol

        if n & (n - 1):
            raise ConfigError(f"--n {n}: Sobol' sampling needs a power of two (e.g. 32, 64, 128)")
        return sobol.sample(prob, n, calc_second_order=False, seed=seed)
    raise ConfigError(f"--method {method}: unknown; allowed: morris, sobol")


# ------------------------------------------------------------------------------------------------ running
def _run_row(task: tuple[int, list[str], str]) -> tuple[int, dict]:
    index, overrides, out_dir = task
    from sim.cli import load_config
    from sim.model import run

    logging.getLogger("MESA").setLevel(logging.WARNING)
    t0 = time.perf_counter()
    cfg = load_config(overrides)
    summary = run(cfg).summary
    result = {
        "row": index,
        "overrides": overrides,
        "outcomes": {k: float(summary[k]) for k in RECORDED},
        "wall_seconds": round(time.perf_counter() - t0, 3),
    }
    atomic_write_text(Path(out_dir) / "runs" / f"row_{index:05d}.json", json.dumps(result) + "\n")
    return index, result


class Study:
    """One sensitivity study on disk: problem, sample, one result file per row."""

    def __init__(
        self,
        out: Path,
        method: str,
        params: Sequence[Parameter],
        n: int,
        seed: int = 0,
        base: Sequence[str] = (),
    ) -> None:
        check_parameters(params)
        self.out, self.method, self.params, self.n, self.seed = Path(out), method, tuple(params), n, seed
        self.base = list(base)
        self.spec = {
            "method": method,
            "n": n,
            "seed": seed,
            "base_overrides": self.base,
            "parameters": [
                {"key": p.key, "low": p.low, "high": p.high, "log": p.log, "integer": p.integer, "tied": list(p.tied)}
                for p in self.params
            ],
            "outcomes": list(OUTCOMES),
        }
        spec_path = self.out / "study.json"
        if spec_path.is_file():
            saved = json.loads(spec_path.read_text())
            if saved != self.spec:
                raise ConfigError(f"{spec_path}: a study with other settings exists in this folder; use another --out")
        sample_path = self.out / "sample.csv"
        if sample_path.is_file():
            self.u = pd.read_csv(sample_path).to_numpy()
        else:
            self.u = generate_sample(method, self.params, n, seed)
            atomic_write_frame(sample_path, pd.DataFrame(self.u, columns=[p.key for p in self.params]))
        atomic_write_text(spec_path, json.dumps(self.spec, indent=2) + "\n")
        self.values = to_values(self.u, self.params)

    def overrides(self, i: int) -> list[str]:
        return [*self.base, f"seed={self.seed}", *to_overrides(self.values[i], self.params)]

    def done(self) -> dict[int, dict]:
        out = {}
        for f in sorted((self.out / "runs").glob("row_*.json")):
            try:
                r = json.loads(f.read_text())
            except json.JSONDecodeError:
                continue  # a torn file cannot exist (atomic writes), but never trust it
            if r.get("overrides") == self.overrides(r["row"]):
                out[r["row"]] = r
        return out

    def run(self, jobs: int | None = None, log=print) -> dict[int, dict]:
        from sim.validate import default_jobs, process_pool

        done = self.done()
        todo = [i for i in range(len(self.u)) if i not in done]
        log(f"{self.method}: {len(self.u)} runs in the design, {len(done)} already done, {len(todo)} to run")
        jobs = min(jobs or default_jobs(), max(len(todo), 1))
        tasks = [(i, self.overrides(i), str(self.out)) for i in todo]
        t0, finished = time.perf_counter(), 0
        if jobs <= 1:
            for t in tasks:
                i, r = _run_row(t)
                done[i] = r
        else:
            with process_pool(jobs) as pool:
                for fut in cf.as_completed([pool.submit(_run_row, t) for t in tasks]):
                    i, r = fut.result()
                    done[i] = r
                    finished += 1
                    if finished % 20 == 0 or finished == len(tasks):
                        log(f"  {finished}/{len(tasks)} runs ({time.perf_counter() - t0:.0f} s)")
        return done

    def outputs(self, done: dict[int, dict]) -> pd.DataFrame:
        missing = [i for i in range(len(self.u)) if i not in done]
        if missing:
            raise ConfigError(f"{len(missing)} rows of the design have no result yet (first: {missing[0]}); run again")
        return pd.DataFrame([done[i]["outcomes"] for i in range(len(self.u))])


# ------------------------------------------------------------------------------------------------ analysis
def analyse(study: Study, y: pd.DataFrame) -> pd.DataFrame:
    prob = problem(study.params)
    rows = []
    for outcome in OUTCOMES:
        values = y[outcome].to_numpy(dtype=float)
        mean = float(values.mean()) or 1.0
        if study.method == "morris":
            from SALib.analyze import morris

            res = morris.analyze(prob, study.u, values, num_levels=4, seed=study.seed)
            for j, name in enumerate(prob["names"]):
                rows.append(
                    {
                        "outcome": outcome,
                        "parameter": name,
                        "mu_star": float(res["mu_star"][j]),
                        "mu_star_conf": float(res["mu_star_conf"][j]),
                        "mu": float(res["mu"][j]),
                        "sigma": float(res["sigma"][j]),
                        "mu_star_relative": float(res["mu_star"][j]) / mean,
                        "mu_star_conf_relative": float(res["mu_star_conf"][j]) / mean,
                    }
                )
        else:
            from SALib.analyze import sobol

            res = sobol.analyze(prob, values, calc_second_order=False, seed=study.seed)
            for j, name in enumerate(prob["names"]):
                rows.append(
                    {
                        "outcome": outcome,
                        "parameter": name,
                        "S1": float(res["S1"][j]),
                        "S1_conf": float(res["S1_conf"][j]),
                        "ST": float(res["ST"][j]),
                        "ST_conf": float(res["ST_conf"][j]),
                    }
                )
    table = pd.DataFrame(rows)
    key = "mu_star" if study.method == "morris" else "ST"
    table["rank"] = table.groupby("outcome")[key].rank(ascending=False, method="first").astype(int)
    return table.sort_values(["outcome", "rank"], ignore_index=True)


def to_markdown(table: pd.DataFrame, study: Study, y: pd.DataFrame) -> str:
    method = study.method
    lines = [
        f"# Sensitivity analysis: {'Morris screening' if method == 'morris' else 'Sobol indices'}",
        "",
        f"Generated by `python -m sim.sensitivity --method {method} --n {study.n}` ({len(study.u)} runs, seed "
        f"{study.seed}, base overrides: {' '.join(study.base) or 'none'}).",
        "",
        "Parameter boxes (all inside the declared ranges of sim/config.py):",
        "",
        "| parameter | low | high | scale |",
        "|---|---:|---:|---|",
    ]
    for p in study.params:
        lines.append(f"| `{p.key}` | {p.low:g} | {p.high:g} | {'log' if p.log else 'linear'} |")
    for outcome in OUTCOMES:
        sub = table[table["outcome"] == outcome]
        vals = y[outcome]
        lines += [
            "",
            f"## {outcome} (over the design: mean {vals.mean():,.1f}, 5-95% {vals.quantile(0.05):,.1f}-"
            f"{vals.quantile(0.95):,.1f})",
            "",
        ]
        if method == "morris":
            lines += [
                "| rank | parameter | mu* | mu* 95% conf. | mu* / mean outcome | sigma |",
                "|---:|---|---:|---:|---:|---:|",
            ]
            for _, r in sub.iterrows():
                lines.append(
                    f"| {r['rank']} | `{r['parameter']}` | {r['mu_star']:,.3g} | {r['mu_star_conf']:,.3g} | "
                    f"{r['mu_star_relative']:.2f} | {r['sigma']:,.3g} |"
                )
        else:
            lines += ["| rank | parameter | S1 | S1 conf. | ST | ST conf. |", "|---:|---|---:|---:|---:|---:|"]
            for _, r in sub.iterrows():
                lines.append(
                    f"| {r['rank']} | `{r['parameter']}` | {r['S1']:.3f} | {r['S1_conf']:.3f} | {r['ST']:.3f} | "
                    f"{r['ST_conf']:.3f} |"
                )
    lines.append("")
    return "\n".join(lines)


def plot(table: pd.DataFrame, method: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(OUTCOMES), figsize=(5.2 * len(OUTCOMES), 0.32 * table["parameter"].nunique() + 1.8))
    for ax, outcome in zip(axes, OUTCOMES, strict=True):
        sub = table[table["outcome"] == outcome].sort_values("rank", ascending=False)
        names = [n.split(".")[-1] for n in sub["parameter"]]
        y = np.arange(len(sub))
        if method == "morris":
            ax.barh(y, sub["mu_star_relative"], xerr=sub["mu_star_conf_relative"], color="tab:blue")
            ax.set_xlabel("mu* / mean outcome")
        else:
            ax.barh(y - 0.2, sub["ST"].clip(lower=0), height=0.4, label="total (ST)", color="tab:orange")
            ax.barh(y + 0.2, sub["S1"].clip(lower=0), height=0.4, label="first order (S1)", color="tab:blue")
            ax.set_xlabel("Sobol index")
            ax.legend(fontsize=8, loc="lower right")
        ax.set_yticks(y, names, fontsize=8)
        ax.set_title(outcome)
    fig.suptitle("Morris screening" if method == "morris" else "Sobol indices", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def top_parameters(morris_dir: Path, k: int) -> list[Parameter]:
    """The k most influential parameters of a Morris study: largest mu*, relative to the largest mu* of the same
    outcome, over the outcomes (so that no outcome's scale dominates the choice)."""
    table = pd.read_csv(Path(morris_dir) / "indices.csv")
    table["score"] = table["mu_star"] / table.groupby("outcome")["mu_star"].transform("max")
    best = table.groupby("parameter")["score"].max().sort_values(ascending=False)
    keep = set(best.index[:k])
    return [p for p in PARAMETERS if p.key in keep]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sim.sensitivity", description=__doc__.split("\n\n")[0])
    ap.add_argument("--method", choices=("morris", "sobol"), required=True)
    ap.add_argument("--n", type=int, default=None, help="Morris trajectories (default 10) or Sobol' N (default 64)")
    ap.add_argument("--out", type=Path, help="study folder (default results/sensitivity/METHOD)")
    ap.add_argument("--jobs", type=int, default=None, help="processes (default: all available cores)")
    ap.add_argument("--seed", type=int, default=0, help="model seed of every run and sampling seed")
    ap.add_argument("--params", help="comma-separated keys (default: all in sim.sensitivity.PARAMETERS)")
    ap.add_argument("--top", type=int, help="Sobol: only the TOP most influential parameters of --morris")
    ap.add_argument("--morris", type=Path, default=ROOT / "results" / "sensitivity" / "morris")
    ap.add_argument("-o", "--override", action="append", default=[], help="Hydra override for every run")
    ap.add_argument("--analyse-only", action="store_true", help="do not run missing rows; analyse what is there")
    a = ap.parse_args(argv)
    n = a.n or (10 if a.method == "morris" else 64)
    out = a.out or ROOT / "results" / "sensitivity" / a.method
    try:
        params: list[Parameter] = list(PARAMETERS)
        if a.params:
            keys = [k.strip() for k in a.params.split(",") if k.strip()]
            known = {p.key: p for p in PARAMETERS}
            unknown = [k for k in keys if k not in known]
            if unknown:
                raise ConfigError(f"--params: unknown {', '.join(unknown)}; allowed: {', '.join(known)}")
            params = [known[k] for k in keys]
        elif a.top:
            params = top_parameters(a.morris, a.top)
        study = Study(out, a.method, params, n, a.seed, a.override)
        done = study.done() if a.analyse_only else study.run(a.jobs, log=lambda m: print(m, flush=True))
        y = study.outputs(done)
        table = analyse(study, y)
        atomic_write_frame(out / "indices.csv", table)
        atomic_write_text(out / "indices.md", to_markdown(table, study, y))
        plot(table, a.method, out / "indices.png")
        key = "mu_star_relative" if a.method == "morris" else "ST"
        for outcome in OUTCOMES:
            sub = table[table["outcome"] == outcome].head(3)
            tops = ", ".join(f"{p.split('.')[-1]} ({v:.2f})" for p, v in zip(sub["parameter"], sub[key], strict=True))
            print(f"{outcome:16s} most influential: {tops}")
        print(f"wrote {out / 'indices.csv'}, indices.md, indices.png")
    except (ConfigError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
