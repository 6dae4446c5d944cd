"""Global sensitivity analysis with SALib: the sampling design of a sweep, and the analysis of its runs.

Run it with the sweep machinery (parallel on any Hydra launcher, resumable, a sweep table like any sweep)::

    python -m sim -m +experiment=sensitivity          # Morris screening of every behavioural parameter
    python -m sim -m +experiment=sensitivity_sobol    # Sobol indices of the most influential ones
    python -m sim.sensitivity SWEEP_DIR               # (re)analyse; done when the sweep ends (SensitivityCallback)

The design sweeper (``hydra/sweeper=design``, ``hydra_plugins/channel_abm_sweeper``) asks :class:`Design` for
the sample and launches one job per sample row (times any ordinary swept values, such as several seeds), each
job's overrides being the row's parameter values. Each run is therefore an ordinary run folder whose resolved
configuration holds the values, and resuming works as for any sweep: a finished run with the same configuration
is not run again. The sweep folder also gets ``design.json`` (the specification and the parameter boxes) and
``design.csv`` (every row on the unit cube and in parameter units).

Parameter boxes are the plausible ranges declared for each parameter in ``sim/config.py`` (``plausible=``),
nothing chosen here. The default set is every numeric parameter with a plausible range in the groups of
:data:`DEFAULT_GROUPS`, less :data:`NOT_SWEPT` (prices of enforcement, which change costs, not behaviour, the
demand of runs without the observed timeline, and a normalisation constant). The boxes are
:class:`sim.evidence.boxes.ParameterBox`, the type the calibration's priors use too. Sampling is on the unit cube;
a parameter whose plausible range spans a factor of ``sim.evidence.boxes.LOG_SPAN`` (4) or more (and is positive)
is mapped on a log scale, integers are rounded.
Morris mu* (mean absolute elementary effect) is therefore in outcome units per whole plausible range, comparable
across parameters; the table also divides it by the mean outcome.

Every run of one design row uses the same seed (common random numbers: the same weather and the same draws
wherever the parameters do not change them); with several seeds swept as well, each row's outcome is the mean
over seeds. Morris trajectories with a failed or missing run are left out of the analysis (said in the table);
Sobol' needs every row.

Outputs in the sweep folder: ``sensitivity.csv`` (indices), ``sensitivity.md`` (the table, with the parameter
boxes) and ``sensitivity.png`` (the plot).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from sim.config import ConfigError, plausible_parameters
from sim.evidence.boxes import ParameterBox, plausible_box
from sim.outputs import atomic_write_frame, atomic_write_text
from sim.results.outcomes import labels

OUTCOMES = ("people_arrived", "deaths_at_sea", "expected_deaths_at_sea", "people_per_boat")
OUTCOME_LABELS = labels(OUTCOMES)  # from the outcome catalogue (sim/results/outcomes.py)
METHODS = ("morris", "sobol")
DEFAULT_GROUPS = ("migration", "smuggling", "supply_chain", "weather", "crossing", "enforcement")
NOT_SWEPT = {  # parameters of the default groups left out of the default design, and why
    "enforcement.officer_cost_gbp_per_night": "prices enforcement: changes costs, not behaviour",
    "enforcement.vessel_cost_gbp_per_day": "prices enforcement: changes costs, not behaviour",
    "enforcement.investigation_cost_gbp_per_day": "prices enforcement: changes costs, not behaviour",
    "crossing.reference_load": "the load at which crowding risk is 1: a normalisation of incident_base_prob",
    "migration.annual_entrants": "demand of a run without the observed timeline (observed=none) only: the default "
    "run's demand is the fitted yearly levels times migration.yearly_entrants_scale, which is swept",
}
DESIGN_JSON, DESIGN_CSV = "design.json", "design.csv"
INDICES = "sensitivity"  # sensitivity.csv, .md, .png
INDEX_COLUMNS = {"morris": ("mu_star", "mu_star_conf", "mu", "sigma"), "sobol": ("S1", "S1_conf", "ST", "ST_conf")}


# The box type is shared with the calibration's priors (sim/evidence/boxes.py).
Parameter = ParameterBox


def parameter(key: str) -> ParameterBox:
    """The box of a declared parameter, read from its plausible range in sim/config.py."""
    return plausible_box(key)


def default_keys() -> list[str]:
    return [k for k in plausible_parameters(DEFAULT_GROUPS) if k not in NOT_SWEPT]


@dataclass(frozen=True)
class DesignSpec:
    """What a design sweeper is configured with (``hydra.sweeper.*``, see DesignSweeperConf)."""

    method: str = "morris"
    n: int = 10
    sample_seed: int = 0
    parameters: tuple[str, ...] = ()  # dotted keys or group names; empty: DEFAULT_GROUPS
    top: int | None = None  # Sobol' after screening: the `top` most influential parameters of `screening`
    screening: str | None = None  # a Morris sweep folder (with sensitivity.csv)
    num_levels: int = 4

    @classmethod
    def from_mapping(cls, node: Mapping[str, Any]) -> DesignSpec:
        fields = {f.name for f in dataclasses.fields(cls)}
        kw = {k: v for k, v in dict(node).items() if k in fields}
        kw["parameters"] = tuple(str(p) for p in (kw.get("parameters") or ()))
        return cls(**kw)

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "parameters": list(self.parameters)}


def check_spec(spec: DesignSpec) -> None:
    if spec.method not in METHODS:
        raise ConfigError(f"hydra.sweeper.method={spec.method}: unknown; allowed: {', '.join(METHODS)}")
    if not isinstance(spec.n, int) or spec.n < 2:
        raise ConfigError(f"hydra.sweeper.n={spec.n}: must be an integer >= 2")
    if spec.method == "sobol" and spec.n & (spec.n - 1):
        raise ConfigError(f"hydra.sweeper.n={spec.n}: Sobol' sampling needs a power of two (e.g. 32, 64, 128)")
    if spec.num_levels < 2 or spec.num_levels % 2:
        raise ConfigError(f"hydra.sweeper.num_levels={spec.num_levels}: must be an even integer >= 2")
    if (spec.top is None) != (spec.screening is None):
        raise ConfigError("hydra.sweeper.top and hydra.sweeper.screening: give both (Sobol' after Morris) or neither")
    if spec.top is not None and spec.top < 1:
        raise ConfigError(f"hydra.sweeper.top={spec.top}: must be >= 1")


def resolve_keys(spec: DesignSpec) -> list[str]:
    """The parameter keys of a design: named keys and groups, or the screening's top ones, or the default set."""
    candidates: list[str] = []
    for item in spec.parameters or DEFAULT_GROUPS:
        if "." in item:
            candidates.append(item)
        else:
            try:
                group = [k for k in plausible_parameters((item,)) if k not in NOT_SWEPT]
            except ConfigError:
                group = []
            if not group:
                raise ConfigError(
                    f"hydra.sweeper.parameters: {item} is neither a parameter key nor a group with plausible ranges"
                )
            candidates += group
    if len(set(candidates)) != len(candidates):
        raise ConfigError("hydra.sweeper.parameters: a parameter appears twice")
    if spec.screening is not None:
        assert spec.top is not None
        ranked = top_parameters(Path(spec.screening), spec.top)
        candidates = [k for k in ranked if k in candidates] if spec.parameters else ranked
    return candidates


def top_parameters(screening_dir: Path, k: int) -> list[str]:
    """The k most influential parameters of a Morris screening: largest mu* relative to the largest mu* of the
    same outcome, over the outcomes (so that no outcome's scale dominates the choice)."""
    path = Path(screening_dir) / f"{INDICES}.csv"
    if not path.is_file():
        raise ConfigError(
            f"hydra.sweeper.screening={screening_dir}: no {INDICES}.csv; run the Morris screening first "
            "(python -m sim -m +experiment=sensitivity)"
        )
    table = pd.read_csv(path)
    if "mu_star" not in table.columns:
        raise ConfigError(f"hydra.sweeper.screening={screening_dir}: not a Morris screening (no mu_star column)")
    table["score"] = table["mu_star"] / table.groupby("outcome")["mu_star"].transform("max").replace(0, 1)
    best = table.groupby("parameter")["score"].max().sort_values(ascending=False, kind="stable")
    return list(best.index[:k])


def problem(params: Sequence[ParameterBox]) -> dict:
    """SALib problem on the unit cube (the mapping to parameter values is :func:`to_values`)."""
    return {"num_vars": len(params), "names": [p.key for p in params], "bounds": [[0.0, 1.0]] * len(params)}


def to_values(u: np.ndarray, params: Sequence[ParameterBox]) -> np.ndarray:
    u = np.atleast_2d(np.asarray(u, dtype=float))
    return np.column_stack([p.from_unit(u[:, j]) for j, p in enumerate(params)])


def to_overrides(values: Sequence[float], params: Sequence[ParameterBox]) -> list[str]:
    return [p.override(v) for v, p in zip(values, params, strict=True)]


def generate_sample(spec: DesignSpec, params: Sequence[ParameterBox]) -> np.ndarray:
    """Rows of the unit cube: Morris trajectories (n x (k + 1) rows) or Sobol' (n x (k + 2) rows, first order)."""
    prob = problem(params)
    if spec.method == "morris":
        from SALib.sample import morris

        return morris.sample(prob, spec.n, num_levels=spec.num_levels, seed=spec.sample_seed)
    from SALib.sample import sobol

    return sobol.sample(prob, spec.n, calc_second_order=False, seed=spec.sample_seed)


class Design:
    """A sampling design: its parameters, the unit-cube sample and the overrides of each row."""

    def __init__(self, spec: DesignSpec, params: Sequence[ParameterBox], u: np.ndarray) -> None:
        self.spec, self.params, self.u = spec, tuple(params), np.asarray(u, dtype=float)
        self.values = to_values(self.u, self.params)

    @classmethod
    def build(cls, spec: DesignSpec) -> Design:
        """Check the specification and draw the sample (deterministic: the same spec gives the same rows)."""
        check_spec(spec)
        params = [parameter(k) for k in resolve_keys(spec)]
        if len(params) < 2:
            raise ConfigError("hydra.sweeper.parameters: a design needs at least two parameters")
        return cls(spec, params, generate_sample(spec, params))

    @property
    def keys(self) -> list[str]:
        return [p.key for p in self.params]

    def __len__(self) -> int:
        return len(self.u)

    def row_overrides(self, i: int) -> list[str]:
        return to_overrides(self.values[i], self.params)

    def corner_overrides(self) -> list[list[str]]:
        """Every parameter at the low end of its box, then every one at the high end (what preflight composes)."""
        return [to_overrides(to_values(np.full(len(self.params), c), self.params)[0], self.params) for c in (0, 1)]

    def check_not_set(self, keys: Sequence[str]) -> None:
        """A key the design varies must not also be set or swept otherwise (one of the two would be lost)."""
        clash = {k.lstrip("+~") for k in keys} & set(self.keys)
        if clash:
            raise ConfigError(
                f"{sorted(clash)[0]}: varied by the sensitivity design; do not set or sweep it as well "
                "(or leave it out of hydra.sweeper.parameters)"
            )

    def jobs(self, combos: Sequence[Sequence[str]]) -> list[list[str]]:
        """The overrides of every job: design rows (outer) times the other swept values (inner)."""
        self.check_not_set([ov.split("=", 1)[0] for combo in combos for ov in combo])
        return [[*combo, *self.row_overrides(i)] for i in range(len(self)) for combo in combos]

    def description(self, n_combos: int) -> dict[str, Any]:
        return {
            "spec": self.spec.to_dict(),
            "rows": len(self),
            "runs_per_row": n_combos,
            "parameters": [dataclasses.asdict(p) for p in self.params],
            "outcomes": list(OUTCOMES),
        }

    def frame(self) -> pd.DataFrame:
        cols: dict[str, Any] = {"row": np.arange(len(self))}
        cols.update({p.key: self.values[:, j] for j, p in enumerate(self.params)})
        cols.update({f"u.{p.key}": self.u[:, j] for j, p in enumerate(self.params)})
        return pd.DataFrame(cols)

    def write(self, sweep_dir: Path, n_combos: int) -> None:
        sweep_dir = Path(sweep_dir)
        atomic_write_text(sweep_dir / DESIGN_JSON, json.dumps(self.description(n_combos), indent=2) + "\n")
        atomic_write_frame(sweep_dir / DESIGN_CSV, self.frame())


# ------------------------------------------------------------------------------------------------ analysis
@dataclass
class SweepData:
    """A sensitivity sweep read back: its design, the outcome of every analysed row, and what is left out."""

    design: Design
    y: pd.DataFrame  # one row per analysed design row, columns OUTCOMES
    rows: np.ndarray  # design row numbers analysed
    runs: int  # finished runs used
    left_out: str  # what was dropped and why ("" if nothing)


def read_sweep(sweep_dir: Path) -> SweepData:
    """Match every finished run of the sweep table to its design row (job number // runs per row)."""
    from sim.results import folders

    sweep_dir = Path(sweep_dir)
    path = sweep_dir / DESIGN_JSON
    if not path.is_file():
        raise ConfigError(f"{sweep_dir}: not a sensitivity sweep (no {DESIGN_JSON}; run one with hydra/sweeper=design)")
    try:
        desc = json.loads(path.read_text())
        spec = DesignSpec.from_mapping(desc["spec"])
        params = [ParameterBox(**p) for p in desc["parameters"]]
        per_row = int(desc["runs_per_row"])
        frame = pd.read_csv(sweep_dir / DESIGN_CSV)
        u = frame[[f"u.{p.key}" for p in params]].to_numpy(dtype=float)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{sweep_dir}: unreadable design ({type(exc).__name__}: {exc})") from None
    design = Design(spec, params, u)
    sweep = folders.read_sweep(sweep_dir)  # failed, missing and damaged runs do not count, as in every tool
    ok = sweep.table[[r.ok for r in sweep.runs]].copy()
    missing_cols = [o for o in OUTCOMES if o not in ok.columns]
    if missing_cols:
        raise ConfigError(f"{sweep_dir}: the sweep table has no {missing_cols[0]} column")
    ok["design_row"] = ok["job_num"].astype(int) // per_row
    ok = ok[ok["design_row"] < len(design)]
    counts = ok.groupby("design_row").size()
    complete = set(counts[counts == per_row].index)
    means = ok[ok["design_row"].isin(complete)].groupby("design_row")[list(OUTCOMES)].mean()
    k = len(params)
    if spec.method == "morris":
        width = k + 1
        keep = [t for t in range(len(design) // width) if all(t * width + j in complete for j in range(width))]
        rows = np.array([t * width + j for t in keep for j in range(width)], dtype=int)
        dropped = len(design) // width - len(keep)
        left_out = f"{dropped} of {len(design) // width} trajectories incomplete, left out" if dropped else ""
        if len(keep) < 2:
            raise ConfigError(
                f"{sweep_dir}: {len(keep)} complete Morris trajectories (need 2); run the sweep command again"
            )
    else:
        absent = [i for i in range(len(design)) if i not in complete]
        if absent:
            raise ConfigError(
                f"{sweep_dir}: {len(absent)} design rows have no finished run yet (first: row {absent[0]}); "
                "Sobol' needs every row: run the sweep command again"
            )
        rows, left_out = np.arange(len(design)), ""
    y = means.loc[rows].reset_index(drop=True)
    return SweepData(design, y, rows, int(ok["design_row"].isin(set(rows.tolist())).sum()), left_out)


def analyse(design: Design, y: pd.DataFrame, rows: np.ndarray | None = None) -> pd.DataFrame:
    """Indices for every outcome: Morris mu*, mu, sigma (and mu* relative to the mean outcome), or Sobol' S1/ST."""
    rows = np.arange(len(design)) if rows is None else rows
    prob = problem(design.params)
    x = design.u[rows]
    out = []
    method = design.spec.method
    # Bootstrap seed of the confidence intervals: SALib ignores a seed of 0 (`if seed:`), which would leave the
    # intervals of sample_seed 0 unseeded and different at every analysis.
    boot = design.spec.sample_seed + 1
    for outcome in OUTCOMES:
        values = y[outcome].to_numpy(dtype=float)
        mean = float(np.mean(values)) or 1.0
        if method == "morris":
            from SALib.analyze import morris

            res = morris.analyze(prob, x, values, num_levels=design.spec.num_levels, seed=boot)
        else:
            from SALib.analyze import sobol

            res = sobol.analyze(prob, values, calc_second_order=False, seed=boot)
        for j, name in enumerate(prob["names"]):
            row = {"outcome": outcome, "parameter": name, **{k: float(res[k][j]) for k in INDEX_COLUMNS[method]}}
            if method == "morris":
                row["mu_star_relative"] = row["mu_star"] / mean
                row["mu_star_conf_relative"] = row["mu_star_conf"] / mean
            out.append(row)
    table = pd.DataFrame(out)
    key = "mu_star" if design.spec.method == "morris" else "ST"
    table["rank"] = table.groupby("outcome")[key].rank(ascending=False, method="first").astype(int)
    return table.sort_values(["outcome", "rank"], ignore_index=True)


HOW_TO_READ = {
    "morris": (
        "How to read: mu* is the mean absolute elementary effect: the change of the outcome when one parameter "
        "moves one Morris step (2/3 of its plausible range with num_levels 4) with the others held, divided by the "
        "step, so in outcome units per whole plausible range, averaged over trajectories through the whole box; "
        '"mu* / mean outcome" scales it by the outcome\'s mean over the design. sigma large against mu* means '
        "the effect depends on the other parameters (interactions or non-linearity). The 95% confidence of mu* is "
        "a bootstrap over trajectories: with 10 trajectories, ranks whose intervals overlap are not distinguished. "
        "Screening answers which parameters matter at all; use the Sobol indices for how much."
    ),
    "sobol": (
        "How to read: S1 is the share of the outcome's variance over the box explained by the parameter alone, ST "
        "the share in which it takes part (alone or with others); ST - S1 is its interactions. The box is the "
        "parameters below, the others held at their defaults. Confidence: 95% bootstrap; a small negative S1 "
        "within its confidence is zero. The model's own noise (one seed per row, common random numbers) is part "
        "of the variance that no parameter explains, so the ST do not sum to 1."
    ),
}


def _shown(path: Path) -> str:
    """A path as a reader of the project would type it: relative to the project root when inside it."""
    root = Path(__file__).resolve().parents[2]
    try:
        return str(Path(path).resolve().relative_to(root))
    except ValueError:
        return str(path)


def to_markdown(table: pd.DataFrame, data: SweepData, sweep_dir: Path) -> str:
    design, y = data.design, data.y
    method = design.spec.method
    lines = [
        f"# Sensitivity analysis: {'Morris screening' if method == 'morris' else 'Sobol indices'}",
        "",
        f"Generated by `python -m sim.sensitivity {_shown(sweep_dir)}` from {data.runs} runs over "
        f"{len(data.rows)} design rows (design: {json.dumps(design.spec.to_dict())}).",
    ]
    if data.left_out:
        lines += ["", f"**Left out:** {data.left_out}."]
    lines += ["", HOW_TO_READ[method]]
    lines += [
        "",
        "Parameter boxes: the plausible ranges declared in sim/config.py.",
        "",
        "| parameter | low | high | scale |",
        "|---|---:|---:|---|",
    ]
    lines += [f"| `{p.key}` | {p.low:g} | {p.high:g} | {'log' if p.log else 'linear'} |" for p in design.params]
    for outcome in OUTCOMES:
        sub = table[table["outcome"] == outcome]
        vals = y[outcome]
        lines += [
            "",
            f"## {outcome}: {OUTCOME_LABELS[outcome]} (over the design: mean {vals.mean():,.1f}, 5-95% "
            f"{vals.quantile(0.05):,.1f}-"
            f"{vals.quantile(0.95):,.1f})",
            "",
        ]
        if method == "morris":
            lines += [
                "| rank | parameter | mu* | mu* 95% conf. | mu* / mean outcome | mu | sigma |",
                "|---:|---|---:|---:|---:|---:|---:|",
            ]
            lines += [
                f"| {r['rank']} | `{r['parameter']}` | {r['mu_star']:,.3g} | {r['mu_star_conf']:,.3g} | "
                f"{r['mu_star_relative']:.3f} | {r['mu']:,.3g} | {r['sigma']:,.3g} |"
                for _, r in sub.iterrows()
            ]
        else:
            lines += ["| rank | parameter | S1 | S1 conf. | ST | ST conf. |", "|---:|---|---:|---:|---:|---:|"]
            lines += [
                f"| {r['rank']} | `{r['parameter']}` | {r['S1']:.3f} | {r['S1_conf']:.3f} | {r['ST']:.3f} | "
                f"{r['ST_conf']:.3f} |"
                for _, r in sub.iterrows()
            ]
    lines.append("")
    return "\n".join(lines)


def plot(table: pd.DataFrame, method: str, path: Path, max_bars: int = 20) -> None:
    """One panel per outcome, the most influential ``max_bars`` parameters (the table has them all)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n_bars = min(max_bars, table["parameter"].nunique())
    fig, axes = plt.subplots(1, len(OUTCOMES), figsize=(4.6 * len(OUTCOMES), 0.3 * n_bars + 1.9))
    for ax, outcome in zip(axes, OUTCOMES, strict=True):
        sub = table[(table["outcome"] == outcome) & (table["rank"] <= n_bars)].sort_values("rank", ascending=False)
        names = [n.split(".", 1)[-1] for n in sub["parameter"]]
        pos = np.arange(len(sub))
        if method == "morris":
            ax.barh(pos, sub["mu_star_relative"], xerr=sub["mu_star_conf_relative"], color="tab:blue")
            ax.set_xlabel("mu* / mean outcome")
        else:
            ax.barh(pos - 0.2, sub["ST"].clip(lower=0), height=0.4, label="total (ST)", color="tab:orange")
            ax.barh(pos + 0.2, sub["S1"].clip(lower=0), height=0.4, label="first order (S1)", color="tab:blue")
            ax.set_xlabel("Sobol index")
            ax.legend(fontsize=8, loc="lower right")
        ax.set_yticks(pos, names, fontsize=7)
        ax.set_title(OUTCOME_LABELS[outcome], fontsize=10)
    title = "Morris screening" if method == "morris" else "Sobol indices"
    fig.suptitle(f"{title} over the plausible ranges (top {n_bars} per outcome)", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def agreement(table: pd.DataFrame, other: pd.DataFrame, k: int = 10) -> pd.DataFrame:
    """How far two independent designs of the same method agree, per outcome: how many of the top k parameters
    they share, and the Spearman rank correlation of the index (mu* or ST) over all parameters."""
    from scipy.stats import spearmanr

    key = "mu_star" if "mu_star" in table.columns else "ST"
    if key not in other.columns:
        raise ConfigError("--replicate: the other design used another method")
    rows = []
    for outcome in OUTCOMES:
        a = table[table["outcome"] == outcome].set_index("parameter")[key]
        b = other[other["outcome"] == outcome].set_index("parameter")[key]
        if set(a.index) != set(b.index):
            raise ConfigError("--replicate: the other design varied other parameters")
        top_a, top_b = set(a.nlargest(k).index), set(b.nlargest(k).index)
        rows.append(
            {
                "outcome": outcome,
                "top_k": min(k, len(a)),
                "shared_in_top_k": len(top_a & top_b),
                "spearman": float(spearmanr(a, b.loc[a.index]).statistic),
                "same_first": a.idxmax() == b.idxmax(),
            }
        )
    return pd.DataFrame(rows)


def _agreement_markdown(agree: pd.DataFrame, other_dir: Path) -> str:
    lines = [
        "",
        "## Stability: against an independent design",
        "",
        f"The same analysis of another sample (`{_shown(other_dir)}`, another `sample_seed`): how many of the top "
        "parameters the two share, and the rank correlation of the index over all parameters. Low agreement means "
        "the ranking below the shared ones is noise: raise `n`.",
        "",
        "| outcome | shared in top k | k | Spearman rank correlation | same first parameter |",
        "|---|---:|---:|---:|---|",
    ]
    lines += [
        f"| {r.outcome} | {r.shared_in_top_k} | {r.top_k} | {r.spearman:.2f} | {'yes' if r.same_first else 'no'} |"
        for r in agree.itertuples()
    ]
    return "\n".join(lines) + "\n"


def analyse_sweep(
    sweep_dir: Path, log: Any = print, doc: Path | None = None, replicate: Path | None = None
) -> pd.DataFrame:
    """Read a sensitivity sweep, compute the indices and write sensitivity.csv, .md and .png into its folder
    (and, with ``doc``, the table to that markdown file with the plot beside it under the same stem). With
    ``replicate``, an independent design's folder (already analysed), the markdown says how far the two agree."""
    sweep_dir = Path(sweep_dir)
    data = read_sweep(sweep_dir)
    table = analyse(data.design, data.y, data.rows)
    method = data.design.spec.method
    agree = None
    if replicate is not None:
        path = Path(replicate) / f"{INDICES}.csv"
        if not path.is_file():
            raise ConfigError(f"--replicate {replicate}: no {INDICES}.csv (analyse that sweep first)")
        agree = agreement(table, pd.read_csv(path))
    atomic_write_frame(sweep_dir / f"{INDICES}.csv", table)
    text = to_markdown(table, data, sweep_dir)
    if agree is not None:
        assert replicate is not None
        text += _agreement_markdown(agree, Path(replicate))
        for r in agree.itertuples():
            log(
                f"{r.outcome:22s} agreement with {replicate}: {r.shared_in_top_k}/{r.top_k} shared in top {r.top_k}, "
                f"Spearman {r.spearman:.2f}"
            )
    atomic_write_text(sweep_dir / f"{INDICES}.md", text)
    plot(table, method, sweep_dir / f"{INDICES}.png")
    if doc is not None:
        doc = Path(doc)
        doc.parent.mkdir(parents=True, exist_ok=True)
        picture = doc.with_suffix(".png")
        plot(table, method, picture)
        heading, rest = text.split("\n", 1)
        atomic_write_text(doc, f"{heading}\n\n![{method}]({picture.name})\n{rest}")
        log(f"wrote {doc} and {picture}")
    key = "mu_star_relative" if method == "morris" else "ST"
    for outcome in OUTCOMES:
        sub = table[table["outcome"] == outcome].head(3)
        tops = ", ".join(f"{p.split('.', 1)[-1]} ({v:.2f})" for p, v in zip(sub["parameter"], sub[key], strict=True))
        log(f"{outcome:22s} most influential: {tops}")
    if data.left_out:
        log(f"left out: {data.left_out}")
    log(f"wrote {sweep_dir / (INDICES + '.csv')}, {INDICES}.md, {INDICES}.png")
    return table


class SensitivityCallback(Callback):
    """Hydra callback (``hydra.callbacks.sensitivity``, declared by the sensitivity experiments): analyse the design
    when the sweep ends, writing sensitivity.csv, .md and .png into the sweep folder.

    Hydra calls the ``on_multirun_end`` of its callbacks in reverse order, so this one runs before the sweep
    callback has written its last table; it therefore first rebuilds the table from the run folders (the truth)."""

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        from sim.results.folders import SweepError
        from sim.sweeps.sweep import expand_jobs, rebuild_table

        def say(message: str) -> None:
            print(f"sensitivity: {message}", file=sys.stderr, flush=True)

        sweep_dir = Path(str(config.hydra.sweep.dir)).resolve()
        try:
            rebuild_table(sweep_dir, expand_jobs(config))
            analyse_sweep(sweep_dir, log=say)
        except (ConfigError, SweepError, OSError) as exc:
            say(f"not analysed: {exc}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sim.sensitivity", description=__doc__.split("\n\n")[0])
    ap.add_argument("sweep_dir", type=Path, help="a sensitivity sweep folder (python -m sim -m +experiment=...)")
    ap.add_argument("--doc", type=Path, help="also write the table to this markdown file, the plot beside it")
    ap.add_argument("--replicate", type=Path, help="an independent design of the same method: report the agreement")
    a = ap.parse_args(argv)
    from sim.results.folders import SweepError

    try:
        analyse_sweep(a.sweep_dir, doc=a.doc, replicate=a.replicate)
    except (ConfigError, SweepError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
