"""The contested assumptions of the bottom line, and what changes when each sits at an end of its plausible range.

Three debates decide whether a policy works and the model cannot settle them from the data: does more rescue at
sea draw worse boats into worse weather (rescue moral hazard), do people believe and respond to removal threats
(deterrence credibility and response), and do smugglers answer seizures by ordering ahead of the losses and
with flimsier boats (seizure response).
The runs: ``python -m sim -m +experiment=contested_assumptions`` sweeps the five shipped scenarios with each
assumption at the low and at the high end of its plausible range (the others at their configured values), rows of
``experiments/contested_assumptions.csv`` (:func:`rows` writes it; a test keeps it in step with the config).
``python -m sim.report SWEEP_DIR --assumptions DIR`` reads that sweep into the bottom line.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path

from sim.report.scenarios import Sweep
from sim.results import fmt
from sim.results.folders import RunGroup

ROOT = Path(__file__).resolve().parents[2]
ROWS_FILE = ROOT / "experiments" / "contested_assumptions.csv"


@dataclass(frozen=True)
class Contested:
    name: str
    words: str  # what the assumption is, in a reader's words
    keys: tuple[str, ...]  # moved together from the low to the high end of their plausible ranges
    unit_words: str  # the range in words, filled from the config


CONTESTED = (
    Contested(
        "rescue moral hazard",
        "smugglers count on rescue cover: rougher seas, worse boats",
        ("enforcement.border_force.moral_hazard_strength", "policy.search_and_rescue.quality_drop_per_vessel"),
        "a weight of {0} on known rescue cover and {1} of hull quality a vessel",
    ),
    Contested(
        "deterrence credibility",
        "weight of an announced removal policy before removals are seen",
        ("policy.deterrence.announcement_credibility",),
        "a weight of {0}",
    ),
    Contested(
        "deterrence response",
        "how strongly people respond to the chance of removal, in log-odds",
        ("policy.deterrence.response_strength",),
        "a response of {0}",
    ),
    Contested(
        "seizure response",
        "how smugglers answer seizures: ordering ahead of the losses they expect, and flimsier boats",
        ("smuggling.loss_anticipation", "smuggling.flimsy_response"),
        "{0} of the recent loss rate ordered ahead and a fall in hull quality of {1} per share of orders seized",
    ),
)
KEYS = tuple(k for c in CONTESTED for k in c.keys)


@functools.cache
def configured() -> dict[str, float]:
    """The value of each contested key in the composed default configuration."""
    from sim.cli import load_config

    cfg = load_config([])
    return {k: float(functools.reduce(getattr, k.split("."), cfg)) for k in KEYS}


def ends(c: Contested) -> tuple[dict[str, float], dict[str, float]]:
    from sim.config import plausible_range

    lo = {k: float(plausible_range(k)[0]) for k in c.keys}
    hi = {k: float(plausible_range(k)[1]) for k in c.keys}
    return lo, hi


def rows() -> list[dict[str, float]]:
    """One row per assumption and end: that assumption at the end, every other at its configured value."""
    out = []
    for c in CONTESTED:
        for end in ends(c):
            out.append({**configured(), **end})
    return out


def csv_text() -> str:
    lines = [",".join(KEYS)] + [",".join(repr(r[k]) for k in KEYS) for r in rows()]
    return "\n".join(lines) + "\n"


def range_words(c: Contested) -> str:
    lo, hi = ends(c)
    return c.unit_words.format(*(f"{fmt.round_sig(lo[k], 3):g}\u2013{fmt.round_sig(hi[k], 3):g}" for k in c.keys))


# ---------------------------------------------------------------------------------------------- reading
def _at(g: RunGroup, values: dict[str, float]) -> bool:
    cfg = g.config
    return all(math.isclose(float(cfg.get(k, math.nan)), v, rel_tol=1e-9, abs_tol=1e-12) for k, v in values.items())


def groups_at(sweep: Sweep, c: Contested, end: dict[str, float]) -> list[RunGroup]:
    """The scenarios run with ``c`` at ``end`` and every other contested key at its configured value."""
    want = {**configured(), **end}
    return [g for g in sweep.finished_groups if _at(g, want)]


@dataclass(frozen=True)
class EndResult:
    """At one end of one assumption: the best scenario on each objective and its change against the baseline."""

    end: str  # "low" or "high"
    best: dict[str, tuple[str, float]]  # outcome -> (scenario label, relative change vs the baseline at that end)


def end_results(sweep: Sweep, c: Contested, objectives: tuple[str, ...]) -> list[EndResult]:
    from sim.report.labels import scenario_label

    out = []
    for label, end in zip(("low", "high"), ends(c), strict=True):
        groups = groups_at(sweep, c, end)
        base = next((g for g in groups if g.scenario == "baseline_2024"), None)
        if base is None:
            continue
        best = {}
        for name in objectives:
            ranked = sorted(groups, key=lambda g, n=name: g.reduce(n).mean)
            g = ranked[0]
            rel = g.against(base, name).rel if g is not base else 0.0
            best[name] = (scenario_label(g.scenario), rel)
        out.append(EndResult(label, best))
    return out


def assumption_item(sweep: Sweep, c: Contested, objectives: tuple[tuple[str, str], ...]) -> str:
    """ "Rescue moral hazard (...): fewest deaths: All levers at both ends (−48% and −41% against the baseline);
    fewest arrivals: ..."."""
    head = f"{c.name.capitalize()} ({c.words}; plausible range {range_words(c)})"
    results = end_results(sweep, c, tuple(n for n, _ in objectives))
    if len(results) < 2:
        return head + ": not among the runs read."
    low, high = results
    bits = []
    for name, goal in objectives:
        (who_lo, rel_lo), (who_hi, rel_hi) = low.best[name], high.best[name]
        if who_lo == who_hi:
            bits.append(f"{goal}: {who_lo} at both ends ({_rel(rel_lo)} and {_rel(rel_hi)})")
        else:
            bits.append(f"{goal}: {who_lo} at the low end ({_rel(rel_lo)}), {who_hi} at the high end ({_rel(rel_hi)})")
    return head + ": " + "; ".join(bits) + "."


def _rel(rel: float) -> str:
    return "the baseline itself" if rel == 0.0 else fmt.pct(rel)


def fmt_cap(text: str) -> str:
    return text[:1].upper() + text[1:]
