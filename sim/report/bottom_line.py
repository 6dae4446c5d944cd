"""The bottom line: which scenario is best on each objective, how sure, at what net cost, with which side effects.

Computed from the paired runs of a sweep (same seed and posterior draw in every scenario: ``sim.results.stats``):

- **best and how sure**: the scenario with the best mean on the objective, and the share of paired runs in which
  it beats the baseline and the runner-up (a share of pairs, not a probability from a model of the runs);
- **net cost**: the paired difference in ``public_cost_gbp`` (policy and enforcement cost plus asylum hotel and
  support cost) from the baseline, with its 90% interval;
- **cost per crossing averted / per death averted** (expected deaths): the mean net cost divided by the mean number
  averted, with the 5th-95th percentile of the same ratio over the paired runs when every pair averts some; "not
  distinguishable from zero" when the averted number's 90% interval includes zero;
- **displacement**: a route or launch area whose paired change is an increase beyond its 90% interval while the
  scenario cuts arrivals.

The sentences are in ``words``-style functions at the end, short enough for an adviser to read aloud.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.report.labels import area_label, route_label
from sim.report.scenarios import Sweep
from sim.results import fmt, stats
from sim.results.folders import RunGroup
from sim.results.outcomes import OUTCOMES

OBJECTIVES = (
    ("people_arrived", "fewest arrivals"),
    ("expected_deaths_at_sea", "fewest deaths at sea"),
    ("expected_deaths_per_1000_arrivals", "fewest deaths per 1,000 arrivals"),
    ("public_cost_gbp", "lowest net cost"),
)
MAPPINGS = (("coast_arrivals_by_route", route_label), ("launch_attempts_by_area", area_label))


def _beats(a: RunGroup, b: RunGroup, name: str) -> tuple[float, int]:
    """Share of the (draw, seed) pairs common to both in which ``a`` is better than ``b`` on ``name``; pairs."""
    x, y = a.by_key(name), b.by_key(name)
    keys = [k for k in set(x) & set(y) if math.isfinite(x[k]) and math.isfinite(y[k])]
    if not keys:
        return math.nan, 0
    lower = OUTCOMES[name].better == "lower"
    wins = sum((x[k] < y[k]) if lower else (x[k] > y[k]) for k in keys)
    return wins / len(keys), len(keys)


@dataclass(frozen=True)
class Best:
    """The best scenario on one objective and how sure."""

    name: str
    goal: str
    best: RunGroup
    runner_up: RunGroup | None
    beats_baseline: float  # share of paired runs (nan for the baseline itself)
    beats_runner_up: float
    pairs: int


def best_on(sweep: Sweep, name: str, goal: str) -> Best | None:
    groups = [g for g in sweep.finished_groups if math.isfinite(g.reduce(name).mean)]
    if not groups:
        return None
    sign = 1.0 if OUTCOMES[name].better == "lower" else -1.0
    ranked = sorted(groups, key=lambda g: sign * g.reduce(name).mean)
    best, runner = ranked[0], (ranked[1] if len(ranked) > 1 else None)
    vs_base, pairs = (math.nan, 0) if best is sweep.baseline else _beats(best, sweep.baseline, name)
    vs_runner, n2 = (math.nan, 0) if runner is None else _beats(best, runner, name)
    return Best(name, goal, best, runner, vs_base, vs_runner, max(pairs, n2))


@dataclass(frozen=True)
class PerAverted:
    """Net cost per unit averted: central ratio, interval of the per-pair ratio, and why there may be none."""

    ratio: float
    lo: float
    hi: float
    averted: stats.Difference
    note: str  # "" when the ratio and its interval are given


def _pairs(base: RunGroup, g: RunGroup, name: str) -> dict[stats.RunKey, float]:
    b, x = base.by_key(name), g.by_key(name)
    return {k: x[k] - b[k] for k in set(b) & set(x) if math.isfinite(b[k]) and math.isfinite(x[k])}


def per_averted(sweep: Sweep, g: RunGroup, name: str) -> PerAverted:
    """Net cost (public cost difference) per crossing or death averted against the baseline, paired."""
    base = sweep.baseline
    averted = g.against(base, name)
    nan = math.nan
    if not averted.clear or averted.diff >= 0:
        return PerAverted(nan, nan, nan, averted, "not distinguishable from zero")
    dc, dn = _pairs(base, g, "public_cost_gbp"), _pairs(base, g, name)
    keys = sorted(set(dc) & set(dn), key=lambda k: (-1 if k[0] is None else k[0], k[1]))
    cost = np.array([dc[k] for k in keys])
    fewer = -np.array([dn[k] for k in keys])
    ratio = float(cost.mean() / fewer.mean())
    if len(keys) < 2 or (fewer <= 0).any():
        return PerAverted(ratio, nan, nan, averted, "no upper bound: some paired runs avert none")
    lo, hi = np.percentile(cost / fewer, [stats.Q_LO, stats.Q_HI])
    return PerAverted(ratio, float(lo), float(hi), averted, "")


def displacement(sweep: Sweep, g: RunGroup) -> list[tuple[str, stats.Difference]]:
    """(words, change) of each route or launch area whose arrivals or launches rise beyond their 90% interval."""
    out = []
    columns = sweep.runs.outcome_columns()
    for head, label in MAPPINGS:
        for col in (c for c in columns if c.startswith(head + ".")):
            d = g.against(sweep.baseline, col)
            if d.clear and d.diff > 0:
                what = "arrivals at the French coast by the" if head.startswith("coast") else "launch attempts from"
                suffix = " route" if head.startswith("coast") else ""
                out.append((f"{what} {label(col.split('.', 1)[1])}{suffix}", d))
    return out


# ------------------------------------------------------------------------------------------------ words
def share_text(share: float) -> str:
    return "n/a" if not math.isfinite(share) else f"{100 * share:.0f}%"


def best_sentence(sweep: Sweep, b: Best) -> str:
    """ "Fewest deaths at sea: patrols and rescue (beats the baseline in 95% of paired runs, the runner-up ...)"."""
    o = OUTCOMES[b.name]
    value = fmt.value(b.name, b.best.reduce(b.name).mean)
    head = f"{fmt_cap(b.goal)}: {sweep.name(b.best)} ({o.label[:1].lower() + o.label[1:]} {value}"
    if b.best is sweep.baseline:
        tail = "; no policy scenario does better than the baseline"
        if b.runner_up is not None:
            tail += (
                f"; it beats the nearest, {sweep.name(b.runner_up)}, in {share_text(b.beats_runner_up)} of paired runs"
            )
        return head + tail + ")."
    parts = [f"better than the baseline in {share_text(b.beats_baseline)} of {b.pairs} paired runs"]
    if b.runner_up is not None:
        parts.append(f"than the runner-up, {sweep.name(b.runner_up)}, in {share_text(b.beats_runner_up)}")
    return head + "; " + ", ".join(parts) + ")."


def fmt_cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def money_interval(lo: float, hi: float) -> str:
    return f"{fmt.gbp(lo)} to {fmt.gbp(hi)}"


def net_cost_text(d: stats.Difference) -> str:
    """ "costs £21.4m net" and below it "(£12.0m to £30.1m)"; "saves £23m net (...)"; or no clear change."""
    iv = d.d.widest
    span = f"\n({money_interval(iv.lo, iv.hi)})" if iv.finite else ""
    if not d.clear:
        return f"no clear change in public cost ({fmt.gbp(d.diff)}{span})"
    word = "costs" if d.diff > 0 else "saves"
    return f"{word} {fmt.gbp(abs(d.diff))} net{span}"


def per_averted_text(p: PerAverted, unit: str) -> str:
    if p.note == "not distinguishable from zero":
        return f"{unit}s averted not distinguishable from zero"
    if p.ratio < 0:
        head = f"saves {fmt.gbp(-p.ratio)} per {unit} averted"
    else:
        head = f"{fmt.gbp(p.ratio)} per {unit} averted"
    if p.note:
        return f"{head} ({p.note})"
    if p.ratio < 0 and p.hi < 0:  # savings: the interval as amounts saved, smaller first
        return f"{head} ({money_interval(-p.hi, -p.lo)} saved)"
    return f"{head} ({money_interval(p.lo, p.hi)})"


# ------------------------------------------------------------------------------------------------ section
def value_rows(sweep: Sweep) -> list[list[str]]:
    """Per policy scenario: net cost, crossings and deaths averted with cost per each, people removed, deterred."""
    rows = []
    for g in sweep.finished_groups:
        if g is sweep.baseline:
            continue
        net = g.against(sweep.baseline, "public_cost_gbp")
        cells = [sweep.name(g), net_cost_text(net)]
        for name, unit in (("people_arrived", "crossing"), ("expected_deaths_at_sea", "death")):
            p = per_averted(sweep, g, name)
            cells.append(f"{averted_text(name, p.averted)}\n{per_averted_text(p, unit)}")
        for name in ("people_removed", "people_deterred"):
            r = g.reduce(name)
            cells.append(f"{fmt.value(name, r.mean)}\n(baseline {fmt.value(name, sweep.baseline.reduce(name).mean)})")
        rows.append(cells)
    return rows


def averted_text(name: str, d: stats.Difference) -> str:
    """ "2,300 fewer (1,400 to 3,200)"; or "no clear change"."""
    if not math.isfinite(d.diff):
        return "n/a"
    if not d.clear:
        return "no clear change"
    word = "fewer" if d.diff < 0 else "more"
    iv = d.d.widest
    span = ""
    if iv.finite:
        a, b = sorted((abs(iv.lo), abs(iv.hi)))
        span = f" ({fmt.value(name, a)} to {fmt.value(name, b)})"
    return f"{fmt.value(name, abs(d.diff))} {word}{span}"


def displacement_items(sweep: Sweep) -> list[str]:
    """One sentence per scenario that cuts arrivals yet moves people to a route or launch area."""
    items = []
    for g in sweep.finished_groups:
        if g is sweep.baseline or not g.against(sweep.baseline, "people_arrived").diff < 0:
            continue
        moved = [
            f"{what} rise by {fmt.count(d.diff)}" + (f" ({fmt.pct(d.rel)})" if math.isfinite(d.rel) else "")
            for what, d in displacement(sweep, g)
        ]
        if moved:
            items.append(f"{sweep.name(g)} displaces people: {'; '.join(moved)}, beyond the 90% interval.")
    return items


def bottom_line_section(sweep: Sweep, contested: Sweep | None = None):
    """The report's first section: five sentences, the value-for-money table, displacement, contested assumptions."""
    from sim.report import assumptions
    from sim.report.document import Box, Bullets, Para, Section, Table

    found = [b for b in (best_on(sweep, n, goal) for n, goal in OBJECTIVES) if b is not None]
    covers = "chance and assumptions" if sweep.has_draws else "chance"
    blocks: list = [
        Para(
            f"Against the baseline ({sweep.name(sweep.baseline)}), over {sweep.period}. \u201cHow sure\u201d is the "
            f"share of paired runs (same seed and posterior draw in both scenarios) in which the scenario does better; "
            f"ranges are 90% intervals of the paired runs ({covers}).",
            "small",
        ),
        Bullets([best_sentence(sweep, b) for b in found]),
    ]
    rows = value_rows(sweep)
    if rows:
        blocks.append(
            Table(
                [
                    "Scenario",
                    "Net public cost",
                    "Crossings averted; net cost each",
                    "Expected deaths averted; net cost each",
                    "People removed",
                    "People deterred",
                ],
                rows,
                id="bottom-line",
                caption="Net public cost: the change in enforcement and policy cost plus asylum hotel and support "
                "cost against the baseline on the same runs; per crossing or death averted: the mean net cost over "
                "the mean number averted. In brackets: 90% of the paired runs.",
                col_weights=[1.1, 1.3, 1.5, 1.5, 0.8, 0.8],
                font=7.0,
            )
        )
    moved = displacement_items(sweep)
    blocks.append(
        Bullets(
            moved
            or [
                "No route to the coast and no launch area gains people beyond the 90% interval "
                "of the paired runs in any scenario that cuts arrivals."
            ]
        )
    )
    pairs = (("expected_deaths_at_sea", "fewest deaths"), ("people_arrived", "fewest arrivals"))
    if contested is None:
        items = [
            f"{c.name.capitalize()}: {c.words} (plausible range {assumptions.range_words(c)})."
            for c in assumptions.CONTESTED
        ]
        items.append(
            "Not run for this report: python -m sim -m +experiment=contested_assumptions runs the "
            "scenarios at both ends of each range; add --assumptions with its folder."
        )
    else:
        items = [assumptions.assumption_item(contested, c, pairs) for c in assumptions.CONTESTED]
        n = sorted({len(g.runs) for g in contested.finished_groups})
        items.append(
            f"From a sweep of the scenarios at each end of each range ({contested.path.name}; "
            f"{n[0]}{'' if len(n) == 1 else chr(8211) + str(n[-1])} runs per scenario and end)."
        )
    blocks.append(
        Box("Contested assumptions: what changes at the ends of their plausible ranges", items, "note", id="contested")
    )
    return Section("Bottom line", blocks, id="bottom-line")
