"""DIR/frontier.png: the frontier against every mix tried and the five shipped scenarios, objective by objective."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from sim.report.labels import scenario_label
from sim.results import fmt
from sim.results.outcomes import outcome


def _axis_label(name: str) -> str:
    o = outcome(name)
    return f"{o.label} (£m)" if o.kind == "gbp" else f"{o.label} ({o.unit})"


def _scaled(name: str, values: pd.Series) -> pd.Series:
    return values / 1e6 if outcome(name).kind == "gbp" else values


def draw(ax, x: str, y: str, candidates: pd.DataFrame, frontier: pd.DataFrame, shipped: pd.DataFrame) -> None:
    """One panel: tried mixes in grey, the frontier with 90% intervals of its runs, shipped scenarios labelled."""
    ax.scatter(_scaled(x, candidates[x]), _scaled(y, candidates[y]), s=10, color="0.75", label="mixes tried")
    fx, fy = _scaled(x, frontier[x]), _scaled(y, frontier[y])
    xerr = [fx - _scaled(x, frontier[f"{x}_q05"]), _scaled(x, frontier[f"{x}_q95"]) - fx]
    yerr = [fy - _scaled(y, frontier[f"{y}_q05"]), _scaled(y, frontier[f"{y}_q95"]) - fy]
    ax.errorbar(fx, fy, xerr=xerr, yerr=yerr, fmt="o", color="#1f5f8b", ms=4, lw=0.6, label="frontier (90% of runs)")
    for i in frontier.index:
        ax.annotate(str(i), (fx[i], fy[i]), fontsize=6, xytext=(2, 2), textcoords="offset points")
    if not shipped.empty:
        # Letters beside the squares, names in the key under the figure: full names overlapped where scenarios lie
        # close together (they often do on the cost axis).
        sx, sy = _scaled(x, shipped[x]), _scaled(y, shipped[y])
        ax.scatter(sx, sy, marker="s", s=28, color="#c0392b", label="shipped scenarios (key below)")
        for k, i in enumerate(shipped.index):
            ax.annotate(
                shipped_letter(k), (sx[i], sy[i]), fontsize=7, fontweight="bold", color="#c0392b",
                xytext=(3, 3), textcoords="offset points",
            )  # fmt: skip
    ax.set_xlabel(_axis_label(x), fontsize=8)
    ax.set_ylabel(_axis_label(y), fontsize=8)
    ax.tick_params(labelsize=7)


def shipped_letter(k: int) -> str:
    return chr(ord("A") + k) if k < 26 else str(k + 1)


def shipped_key(shipped: pd.DataFrame) -> str:
    """What the letters on the panels stand for: "A Baseline 2024   B Border security 2024 ..."."""
    names = [scenario_label(str(s)) for s in shipped["scenario"]]
    return "   ".join(f"{shipped_letter(k)} {name}" for k, name in enumerate(names))


def write_png(
    path: Path, objectives: Sequence[str], candidates: pd.DataFrame, frontier: pd.DataFrame, shipped: pd.DataFrame
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sim.outputs import temp_beside

    pairs = list(itertools.combinations(objectives, 2))[:3]
    fig, axes = plt.subplots(1, len(pairs), figsize=(4.2 * len(pairs), 3.8), squeeze=False)
    for ax, (x, y) in zip(axes[0], pairs, strict=True):
        draw(ax, x, y, candidates.dropna(subset=[x, y]), frontier, shipped)
    axes[0][0].legend(fontsize=6, loc="best")
    fig.suptitle(
        f"Policy frontier: {len(frontier)} mixes no other mix beats on every objective "
        f"({fmt.count(len(candidates))} tried)",
        fontsize=9,
    )
    if not shipped.empty:
        fig.text(0.5, 0.01, "Shipped scenarios: " + shipped_key(shipped), ha="center", fontsize=7, color="#c0392b")
        fig.tight_layout(rect=(0, 0.05, 1, 1))
    else:
        fig.tight_layout()
    fd, tmp = temp_beside(path)
    import os

    os.close(fd)
    try:
        fig.savefig(tmp, dpi=130, format="png")
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
        plt.close(fig)
