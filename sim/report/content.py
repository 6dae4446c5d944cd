"""What the report says: the document's sections, built from a sweep (``scenarios.Sweep``) into blocks.

Sections, each from a new page in the PDF: summary (what each interval covers, headline table, scenarios, changes
in plain words), trade-off (crossings against deaths), the year week by week, side effects and cost, the baseline
against observed data, assumptions and technical details (``appendix.py`` has the last three).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from sim.report import appendix, charts
from sim.report.appendix import point
from sim.report.charts import Series
from sim.report.document import Box, Bullets, Chart, Document, Heading, Para, Section, Table
from sim.report.scenarios import Sweep
from sim.report.words import change_cell, describe_change, describe_scenario, interval_lines, seed_text
from sim.results import fmt, stats
from sim.results.folders import RunGroup
from sim.results.outcomes import OUTCOMES

QUESTION = (
    "Which mix of policies reduces small-boat crossings of the English Channel and deaths at sea, at what cost, "
    "and with which side effects?"
)
HEADLINE = (
    "people_arrived",
    "boats_arrived",
    "people_per_boat",
    "deaths_at_sea",
    "deaths_per_1000_arrivals",
    "people_prevented",
    "policy_cost_gbp",
    "hotel_cost_gbp",
    "public_cost_gbp",
)
FINDINGS = (
    "people_arrived",
    "boats_arrived",
    "people_per_boat",
    "deaths_at_sea",
    "deaths_per_1000_arrivals",
    "public_cost_gbp",
)
ROLL_WEEKS = 4  # weekly counts are smoothed over this many weeks (crossings come in bursts of calm weather)


def build_document(
    sweep: Sweep, today: dt.date | None = None, contested: Sweep | None = None, frontier: Any = None
) -> Document:
    """The report's sections; ``contested``: a sweep of the contested assumptions; ``frontier``: a frontier folder."""
    from sim.report.bottom_line import bottom_line_section

    today = today or dt.date.today()
    groups = sweep.finished_groups
    sections = [
        bottom_line_section(sweep, contested),
        summary_section(sweep),
        tradeoff_section(sweep, groups),
        year_section(sweep, groups),
        appendix.side_effects_section(sweep, groups),
        appendix.observed_section(sweep),
        appendix.technical_section(sweep, today),
    ]
    if frontier is not None:
        from sim.report.frontier import frontier_section

        sections.insert(2, frontier_section(frontier))
    n_runs = sorted({len(g.runs) for g in groups})
    runs = f"{n_runs[0]}\u2013{n_runs[-1]}" if len(n_runs) > 1 else str(n_runs[0])
    return Document(
        title="Small-boat crossings of the English Channel: policy scenarios compared",
        subtitle=(
            f"{len(groups)} scenarios, simulated period {sweep.period}, {runs} simulated runs each. "
            f"Report produced {today:%d %B %Y} from the channel-abm model."
        ),
        sections=sections,
        footer=f"Channel crossings: policy scenarios compared · {sweep.path.name} · {today:%d %b %Y}",
    )


# ------------------------------------------------------------------------------------------------ summary
def uncertainty_box(sweep: Sweep) -> Box:
    """What each interval covers: said on the first page, before any number."""
    items = [
        "Ranges in brackets are 90% intervals: the 5th to the 95th percentile of the simulated runs, that is where "
        "one simulated year falls (not how precisely the average is known).",
        f"Chance: {stats.COVERS[stats.CHANCE]} (each run has its own seed).",
    ]
    if sweep.has_draws:
        n_draws = max(len(g.draws) for g in sweep.finished_groups)
        items.append(
            f"Chance and assumptions: the runs also use {n_draws} parameter sets drawn from the calibration's "
            "posterior (posterior draws x seeds), so this interval includes what the observed data leave uncertain "
            "about the model's parameters. The report shows both: (chance) in round brackets, [chance and "
            "assumptions] in square brackets; the wider one is the honest one."
        )
    else:
        items.append(
            "Every interval here is chance alone: the runs use one parameter set (the calibration's posterior "
            "medians), so the uncertainty in the model's assumptions is not included and the real uncertainty is "
            "wider. A sweep over posterior draws (for example +experiment=policy_mix_posterior) includes it."
        )
    items.append(
        "A change against the baseline compares runs with the same seed (and posterior draw): "
        '"no clear change" means the 90% interval of those paired differences includes zero.'
    )
    return Box("What the intervals cover", items, "note", id="uncertainty")


def _warnings(sweep: Sweep, groups: list[RunGroup]) -> list[Any]:
    warnings, title = [], "Not full scale"
    if sweep.failed:
        by_group: dict[str, list] = {}
        for r in sweep.failed:
            by_group.setdefault(r.group, []).append(r)
        for key, fails in by_group.items():
            g = next(x for x in sweep.groups if x.key == key)
            left = f"{len(g.runs)} left" if g.runs else "no results at all: left out of this report"
            seeds = seed_text([r.seed for r in fails])
            warnings.append(f"{sweep.name(g)}: {len(fails)} failed (seeds {seeds}; {left}).")
        warnings.append(
            "Failed, missing or damaged runs are left out of every figure, so those scenarios rest on fewer simulated "
            "runs. The reasons are listed at the end of the report."
        )
        title = f"{len(sweep.failed)} of {sweep.n_runs} simulation runs failed"
    if sweep.scale != 1.0:
        warnings.append(
            f"These runs simulate {sweep.scale:.0%} of the real number of people (a setting for quick tests). Counts "
            "and costs are for that smaller population: do not quote them as national figures."
        )
    if not warnings:
        return []
    return [Box(title, warnings, "warning", id="failed-runs" if sweep.failed else "scale")]


def _cautions(sweep: Sweep, groups: list[RunGroup]) -> list[str]:
    cautions = []
    if sweep.days < 365:
        cautions.append(f"The runs cover {sweep.days} days, not a whole year.")
    n_min = min(len(g.runs) for g in groups)
    if n_min < 5:
        cautions.append(
            f"Some scenarios rest on only {n_min} simulated run{'s' if n_min != 1 else ''}: the intervals are "
            "rough and small differences may be chance."
        )
    return cautions + sweep.notes


def headline_tables(sweep: Sweep, groups: list[RunGroup]) -> list[Table]:
    base, draws = sweep.baseline, sweep.has_draws
    others = [g for g in groups if g is not base]
    chunks = [others[i : i + 4] for i in range(0, len(others), 4)] or [[]]
    tables = []
    for n, chunk in enumerate(chunks):
        cols = [base, *chunk]
        rows = []
        for key in HEADLINE:
            cells = [OUTCOMES[key].label]
            for g in cols:
                r = g.reduce(key)
                change = "baseline" if g is base else change_cell(key, g.against(base, key))
                cells.append("\n".join([fmt.value(key, r.mean), *interval_lines(key, r, draws), change]))
            rows.append(cells)
        what = "(chance) and [chance and assumptions]" if draws else "(chance)"
        caption = (
            f"Each cell: the average over the simulated runs; in brackets, the 90% interval of the runs {what}; "
            'then the change against the baseline ("no clear change" when the 90% interval of the paired '
            f"differences includes zero). Costs in pounds over {sweep.period}."
        )
        tables.append(
            Table(
                ["Outcome"] + [sweep.name(g) for g in cols],
                rows,
                id="headline" if n == 0 else f"headline-{n + 1}",
                caption=caption if n == len(chunks) - 1 else "",
                highlight_col=1,
                col_weights=[1.75, *[1.0] * len(cols)] if len(cols) >= 4 else None,
            )
        )
    return tables


def summary_section(sweep: Sweep) -> Section:
    groups, base = sweep.finished_groups, sweep.baseline
    others = [g for g in groups if g is not base]
    n_y = sorted({len(g.runs) for g in groups})
    runs = f"{n_y[0]}" if len(n_y) == 1 else f"{n_y[0]} to {n_y[-1]}"
    blocks: list[Any] = [
        *_warnings(sweep, groups),
        Heading("The question", 2),
        Para(
            f"{QUESTION} This report compares {len(groups) - 1} policy scenario{'s' if len(groups) != 2 else ''} "
            f"with the baseline ({sweep.name(base)}) in an agent-based simulation of {sweep.period}, in which "
            "migrants, smuggling networks and enforcement agencies react to each other. Each scenario was simulated "
            f"{runs} times with different weather and chance; figures are averages over those runs."
        ),
        uncertainty_box(sweep),
        Heading(f"Headline results, {sweep.period}", 2),
        *headline_tables(sweep, groups),
        Heading("Scenarios compared", 2),
        Table(
            ["Scenario", "What it is", "Simulated runs"],
            [[sweep.name(g), describe_scenario(g, base), str(len(g.runs))] for g in groups],
            id="scenarios",
            align="llr",
            col_weights=[1.35, 4.75, 0.8],
        ),
    ]
    cautions = _cautions(sweep, groups)
    if cautions:
        blocks.append(Box("Read with care", cautions, "note", id="cautions"))
    blocks.append(Heading("What changes, in plain words", 2))
    items = [
        f"{sweep.name(g)}, against the baseline: "
        + "; ".join(describe_change(k, g.against(base, k)) for k in FINDINGS)
        + "."
        for g in others
    ]
    blocks.append(
        Bullets(items or ["The sweep holds only the baseline scenario; there is nothing to compare it with."])
    )
    return Section("Summary", blocks, id="summary")


# ---------------------------------------------------------------------------------------------- trade-off
def tradeoff_section(sweep: Sweep, groups: list[RunGroup]) -> Section:
    names = [sweep.name(g) for g in groups]
    arrivals = [point(g, "people_arrived") for g in groups]
    deaths = [point(g, "deaths_at_sea") for g in groups]
    rates = [point(g, "deaths_per_1000_arrivals") for g in groups]

    def draw(fig, rect):
        charts.tradeoff(fig, rect, names, arrivals, deaths, rates, sweep.period)

    covers = "chance and assumptions" if sweep.has_draws else "chance"
    text = (
        "Each large marker is a scenario's average over its simulated runs, with bars for the 90% interval of the "
        f"runs ({covers}) in both directions; the small faint markers are the single runs. A policy that lowers "
        "crossings but raises deaths sits to the left of and above the baseline (black circle). The right panel "
        "shows the risk for each person crossing: fewer, more crowded boats can mean fewer arrivals but more deaths "
        "per arrival."
    )
    chart = Chart(
        f"People arrived and deaths at sea, {sweep.period}, by scenario",
        draw,
        5.0 + 0.2 * ((len(names) - 1) // 3),
        id="chart-tradeoff",
    )
    return Section("Trade-off: crossings against deaths at sea", [Para(text), chart], id="tradeoff")


# ------------------------------------------------------------------------------------------- over the year
def _rolling(values: np.ndarray, how: str = "mean") -> np.ndarray:
    """Centred moving sum or mean over ROLL_WEEKS weeks (shorter at the ends of the year)."""
    series = pd.Series(values, dtype=float).rolling(ROLL_WEEKS, center=True, min_periods=1)
    return (series.sum() if how == "sum" else series.mean()).to_numpy()


def _weekly_values(d: pd.DataFrame, n_days: int) -> dict[str, np.ndarray]:
    n_weeks = n_days // 7

    def col(name: str) -> np.ndarray:
        return d[name].to_numpy(dtype=float)[:n_days] if name in d else np.full(n_days, np.nan)

    def weekly(values: np.ndarray, how: str) -> np.ndarray:
        v = values[: n_weeks * 7].reshape(n_weeks, 7)
        return v.sum(axis=1) if how == "sum" else np.nanmean(v, axis=1)

    people, boats = weekly(col("people_arrived"), "sum"), weekly(col("boats_arrived"), "sum")
    people_r, boats_r = _rolling(people, "sum"), _rolling(boats, "sum")
    with np.errstate(all="ignore"):
        ppb = np.where(boats_r > 0, people_r / np.where(boats_r > 0, boats_r, 1.0), np.nan)
    return {
        "arrivals": _rolling(people),
        "cum_arrivals": np.cumsum(col("people_arrived")),
        "ppb": ppb,
        "deaths": np.cumsum(col("deaths_at_sea")),
        "price": weekly(col("mean_price_gbp"), "mean"),
        "stock": weekly(col("boats_in_stock"), "mean"),
    }


def over_the_year(sweep: Sweep, groups: list[RunGroup]) -> dict[str, tuple[np.ndarray, list[Series]]]:
    """Per charted quantity: x dates and, per scenario, a matrix (runs x time points)."""
    n_days = min(len(sweep.daily[r.job_num]) for g in groups for r in g.runs)
    first = sweep.daily[sweep.baseline.runs[0].job_num]["date"]
    week_mid = (pd.to_datetime(first.iloc[: n_days // 7 * 7 : 7]) + pd.Timedelta(hours=84)).to_numpy()
    day_dates = pd.to_datetime(first.iloc[:n_days]).to_numpy()
    mats: dict[str, dict[str, list[np.ndarray]]] = {}
    for g in groups:
        for r in g.runs:
            for k, v in _weekly_values(sweep.daily[r.job_num], n_days).items():
                mats.setdefault(k, {}).setdefault(g.key, []).append(v)
    out = {}
    for k, by_group in mats.items():
        x = day_dates if k in ("cum_arrivals", "deaths") else week_mid
        series = [
            Series(sweep.name(g), charts.colour(g.index), charts.marker(g.index), np.vstack(by_group[g.key]))
            for g in groups
        ]
        out[k] = (x, series)
    return out


def year_section(sweep: Sweep, groups: list[RunGroup]) -> Section:
    data = over_the_year(sweep, groups)
    n_y = sorted({len(g.runs) for g in groups})
    runs_text = f"{n_y[0]} runs per scenario" if len(n_y) == 1 else f"{n_y[0]}\u2013{n_y[-1]} runs per scenario"
    panels = [
        ("People arriving per week", f"people per week ({ROLL_WEEKS}-week average)", *data["arrivals"], "count"),
        ("People arrived since the start", "people (cumulative)", *data["cum_arrivals"], "count"),
        ("People per boat", f"people per boat ({ROLL_WEEKS}-week average)", *data["ppb"], "plain"),
        ("Deaths at sea since the start", "deaths (cumulative)", *data["deaths"], "count"),
        ("Price of a place on a boat", "£ per person (weekly average)", *data["price"], "gbp"),
        ("Boats held by smugglers in France", "boats in stock (weekly average)", *data["stock"], "count"),
    ]

    def draw(fig, rect):
        charts.fan_charts(fig, rect, panels, runs_text)

    covers = "chance and assumptions" if sweep.has_draws else "chance"
    text = (
        "Lines are the median of the simulated runs, shaded bands the 90% interval of the runs (5th to 95th "
        f"percentile; {covers}; with few runs, close to their lowest and highest). Crossings come in bursts of calm "
        f"weather, so weekly arrivals and people per boat are averaged over {ROLL_WEEKS} weeks. Based on {runs_text}."
    )
    chart = Chart(f"Small-boat crossings over {sweep.period}, by scenario", draw, 8.9, id="chart-year")
    return Section(f"Over the year: {sweep.period}, week by week", [Para(text), chart], id="year")
