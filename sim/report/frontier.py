"""The report's frontier section (``python -m sim.report SWEEP_DIR --frontier DIR``): the mixes no other mix beats
on every objective, drawn and listed, and where the five shipped scenarios stand against them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.frontier.levers import LEVERS, describe_mix
from sim.frontier.search import read_frontier
from sim.report.labels import scenario_label
from sim.results import fmt
from sim.results.outcomes import OUTCOMES

MAX_ROWS = 12  # frontier mixes listed (sorted on the first objective); the CSV has them all


@dataclass
class Frontier:
    """A frontier folder read for the report."""

    path: Path
    meta: dict[str, Any]
    frontier: pd.DataFrame
    shipped: pd.DataFrame
    candidates: pd.DataFrame

    @property
    def objectives(self) -> list[str]:
        return list(self.meta["settings"]["objectives"])

    @property
    def levers(self) -> list[str]:
        return list(self.meta["settings"]["levers"])


def load_frontier(path: str | Path) -> Frontier:
    """Read DIR/frontier.json, frontier.csv, shipped.csv and candidates.csv; SweepError (one line) if not one."""
    path = Path(path)
    meta, frontier, shipped = read_frontier(path)
    cand = pd.read_csv(path / "candidates.csv") if (path / "candidates.csv").is_file() else frontier
    return Frontier(path, meta, frontier, shipped, cand)


def _cell(name: str, row: pd.Series) -> str:
    lo, hi = fmt.value(name, row[f"{name}_q05"]), fmt.value(name, row[f"{name}_q95"])
    return f"{fmt.value(name, row[name])}\n({lo}\u2013{hi})"


def frontier_rows(f: Frontier) -> list[list[str]]:
    levers = [LEVERS[n] for n in f.levers]
    rows = []
    for i, row in f.frontier.head(MAX_ROWS).iterrows():
        mix = describe_mix(levers, {lv.name: float(row[lv.name]) for lv in levers})
        rows.append([str(i), mix, *(_cell(n, row) for n in f.objectives)])
    return rows


def _mix_numbers(cell: Any) -> list[str]:
    """Frontier rows in a ``dominated_by`` cell: "0 1 2" (text), or one number that pandas read as a number."""
    if cell is None or (isinstance(cell, float) and not np.isfinite(cell)):
        return []
    if isinstance(cell, (int, float, np.integer, np.floating)):
        return [str(int(cell))]
    return str(cell).split()


def shipped_items(f: Frontier) -> list[str]:
    items = []
    for _, row in f.shipped.iterrows():
        name = scenario_label(str(row["scenario"]))
        by = _mix_numbers(row.get("dominated_by"))
        if row["status"] == "dominated":
            mixes = ", ".join(by[:6]) + (" and others" if len(by) > 6 else "")
            items.append(f"{name} is beaten on every objective by frontier mix{'es' if len(by) > 1 else ''} {mixes}.")
        else:
            items.append(f"{name} lies on the frontier: no mix found beats it on every objective.")
    return items


# Why upstream levers (seizures, posts abroad) look so strong in this model: said whenever a frontier mix uses them.
# Checked on full-scale runs (docs/frontier.md, "What drives the upstream levers"); these are the model's
# assumptions, not evidence that such mixes work.
UPSTREAM = ("seizure_rate", "posts_abroad")
UPSTREAM_WORDS = [
    "Seizures and posts abroad act on boats and engines on their way to France, not on people. A smuggling network "
    "reorders a seized boat or engine on the same lead time (about three weeks for a boat, seven for an engine) and "
    "orders extra to cover part of the losses it has been having (by default half of its recent loss rate; from "
    "none to all of it is one of the contested assumptions), so losses are made up late and only in part.",
    "A dearer launch (boats and engines at the makers' prices) makes networks load each boat more heavily, so fewer "
    "boats carry much the same number of people, at a higher risk to each of them.",
    "Every supply route in the model, buying inside the EU included, passes through Germany and inland France, so "
    "there is no way round seizures there.",
    "The costs assumed are small: £20m a year for a seizure chance of 1 at one place, £150,000 a year for each "
    "officer posted abroad.",
    "These are assumptions of the model, not findings: a frontier mix with high seizures is only as good as they "
    "are. Other answers to sustained seizures (other makers, production moved closer to France) are not modelled "
    "beyond the choice of route.",
]


def upstream_box(f: Frontier):
    """The box on what drives the upstream levers, when a frontier mix has one of them on (else None)."""
    from sim.report.document import Box

    on = [n for n in UPSTREAM if n in f.frontier and (f.frontier[n] != LEVERS[n].off).any()]
    if not on:
        return None
    return Box("Why seizures and posts abroad do so well here", UPSTREAM_WORDS, kind="note", id="frontier-upstream")


def stale_levers_box(f: Frontier):
    """A warning when the frontier was made with other lever definitions than the code's (their words and the mixes
    described below would then not be what was run), else None."""
    from sim.frontier.search import lever_tops
    from sim.report.document import Box

    recorded = f.meta.get("lever_tops")
    if recorded == lever_tops(f.levers):
        return None
    text = (
        "This frontier folder does not record what its levers set"
        if recorded is None
        else "What this frontier's levers set differs from the model's code"
    )
    changed = sorted(n for n in f.levers if recorded is not None and recorded.get(n) != lever_tops([n])[n])
    return Box(
        "Made with other lever definitions",
        [
            f"{text}{' (' + ', '.join(changed) + ')' if changed else ''}: it was probably made before the levers "
            "were changed (docs/frontier.md), so the lever descriptions below may not be what was run. Run the "
            "frontier again before relying on it."
        ],
        id="frontier-stale",
    )


def frontier_section(f: Frontier):
    from sim.frontier import plot
    from sim.report.charts import grid
    from sim.report.document import Bullets, Chart, Para, Section, Table

    s = f.meta["settings"]
    runs = s["seeds"] * max(s["draws"], 1)
    names = ", ".join(OUTCOMES[n].label[:1].lower() + OUTCOMES[n].label[1:] for n in f.objectives)
    text = (
        f"A search over {len(f.levers)} levers ({', '.join(LEVERS[n].words for n in f.levers)}) for the mixes that "
        f"no other mix beats on every objective ({names}). The optimiser (NSGA-II, Optuna) tried "
        f"{f.meta.get('candidates', len(f.candidates))} mixes, each over the same {runs} paired runs "
        f"({s['seeds']} seeds{f', {s[chr(100) + "raws"]} posterior draws' if s['draws'] else ''}; scale "
        f"{s['scale']:g}, {s['days']} days, counts and costs at full scale); each figure is the mean over a mix's "
        "runs and the range below it the 90% interval of its runs. The five shipped scenarios were run on the "
        "same seeds."
    )
    pairs = list(itertools.combinations(f.objectives, 2))[:2]

    def draw(fig, rect):
        gs = grid(fig, rect, 1, len(pairs), left=0.75, bottom=0.6, top=0.2, wspace=0.8)
        for j, (x, y) in enumerate(pairs):
            plot.draw(fig.add_subplot(gs[0, j]), x, y, f.candidates.dropna(subset=[x, y]), f.frontier, f.shipped)
        fig.axes[0].legend(fontsize=6, loc="best")

    header = ["#", "Mix (levers that are on)", *(OUTCOMES[n].label for n in f.objectives)]
    more = (
        f" The first {MAX_ROWS} of {len(f.frontier)} are listed; frontier.csv has every one."
        if len(f.frontier) > MAX_ROWS
        else ""
    )
    return Section(
        "Policy frontier: the best mixes of levers",
        [
            *([stale] if (stale := stale_levers_box(f)) is not None else []),
            Para(text),
            Chart(
                "The frontier against the mixes tried and the shipped scenarios",
                draw,
                3.6,
                id="chart-frontier",
                caption=f"Red squares: {plot.shipped_key(f.shipped)}." if not f.shipped.empty else "",
            ),
            Bullets(shipped_items(f)),
            *([box] if (box := upstream_box(f)) is not None else []),
            Table(
                header,
                frontier_rows(f),
                id="frontier",
                caption="Frontier mixes, sorted on the first objective." + more,
                col_weights=[0.3, 3.2, *[1.0] * len(f.objectives)],
                align="ll",
                font=7.0,
            ),
        ],
        id="frontier",
    )
