"""The report's later sections: side effects and cost, the baseline against observed data, assumptions and
technical details (the settings of each scenario, the levers' assumptions, versions, seeds and failed runs)."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.report import charts
from sim.report.charts import Point, Series
from sim.report.document import Bullets, Chart, Heading, Para, Section, Table
from sim.report.labels import (
    LEVER_LABELS,
    SECTION_LABELS,
    area_label,
    cap,
    fmt_setting,
    humanise,
    number,
    override_words,
    param_unit,
    route_label,
    setting_label,
)
from sim.report.parameters import SUBWORDS, WORDS, Words, describe, order, place, value_text, words_for
from sim.report.scenarios import ReportError, Sweep
from sim.report.words import seed_text
from sim.results import fmt, stats
from sim.results.folders import RunGroup
from sim.results.outcomes import OUTCOMES, per_full_scale
from sim.results.stats import Difference


# ------------------------------------------------------------------------------------------ side effects
def point(g: RunGroup, key: str) -> Point:
    """A scenario's mean, its widest 90% interval of runs, and the runs' own values (for the chart)."""
    r = g.reduce(key)
    return Point(r.mean, r.widest.lo, r.widest.hi, r.values)


def mapping_matrix(
    groups: Sequence[RunGroup], prefix: str, share: bool
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Per scenario and key of a flattened mapping (``prefix.key``): mean and widest 90% interval of runs."""
    keys = sorted({k for g in groups for r in g.runs for k in r.row if k.startswith(prefix + ".")})
    if not keys:
        z = np.zeros((len(groups), 0))
        return [], z, z, z
    mean = np.zeros((len(groups), len(keys)))
    lo, hi = np.zeros_like(mean), np.zeros_like(mean)
    for i, g in enumerate(groups):
        m = np.array([[r.value(k) for k in keys] for r in g.runs], dtype=float)
        if share:
            tot = m.sum(axis=1, keepdims=True)
            m = np.divide(m, tot, out=np.full_like(m, np.nan), where=tot > 0)
        for j in range(len(keys)):
            red = stats.reduce(m[:, j], [r.draw for r in g.runs])
            mean[i, j], lo[i, j], hi[i, j] = red.mean, red.widest.lo, red.widest.hi
    return [k[len(prefix) + 1 :] for k in keys], mean, lo, hi


def _cost_row(sweep: Sweep, g: RunGroup) -> list[str]:
    """Policy cost, hotel cost, net public cost, crossings averted and net cost per crossing (sim/report/bottom_line.py:
    the same figures as the bottom line, with the cost items apart)."""
    from sim.report.bottom_line import averted_text, net_cost_text, per_averted, per_averted_text

    base = sweep.baseline
    dc, dh = (g.against(base, k) for k in ("policy_cost_gbp", "hotel_cost_gbp"))
    p = per_averted(sweep, g, "people_arrived")

    def money(c: Difference) -> str:
        return fmt.signed_gbp(c.diff) + ("" if c.clear or not c.has_interval else "\n(no clear change)")

    net = net_cost_text(g.against(base, "public_cost_gbp"))
    return [
        sweep.name(g),
        money(dc),
        money(dh),
        net,
        averted_text("people_arrived", p.averted),
        per_averted_text(p, "crossing"),
    ]


def side_effects_section(sweep: Sweep, groups: list[RunGroup]) -> Section:
    names = [sweep.name(g) for g in groups]
    routes = list(mapping_matrix(groups, "coast_arrivals_by_route", share=False))
    routes[0] = [route_label(r) for r in routes[0]]
    areas = list(mapping_matrix(groups, "launch_attempts_by_area", share=True))
    areas[0] = [area_label(a) for a in areas[0]]
    taxi = [point(g, "taxi_boat_share") for g in groups]
    price = [point(g, "mean_price_gbp") for g in groups]

    def draw(fig, rect):
        charts.side_effects(fig, rect, names, tuple(routes), tuple(areas), taxi, price, sweep.period)

    blocks: list[Any] = [
        Para(
            "Smugglers and migrants adapt: squeezing one route or beach can move people to another, and fewer "
            "boats can mean fuller boats, more taxi boats (launched from rivers and canals to pick people up in the "
            "water, out of reach of beach patrols) and higher prices. Bars (dots for the price, on an axis fitted to "
            "the prices) are averages over the simulated runs; whiskers the 90% interval of the runs."
        ),
        Chart(f"Side effects, {sweep.period}, by scenario", draw, 5.6 + 0.2 * ((len(names) - 1) // 3), id="chart-side"),
        Heading("Net cost and cost per crossing averted", 2),
        Para(
            "Against the baseline on the same runs (same seed and posterior draw): the change in enforcement and "
            "policy cost, in asylum hotel cost, and in the public cost as a whole (both, plus asylum support outside "
            "hotels), then the crossings averted and the net public cost per crossing averted (mean net cost over "
            "the mean number averted). Where the 90% interval of the crossings averted includes zero, no cost per "
            "crossing is given."
        ),
    ]
    rows = [_cost_row(sweep, g) for g in groups if g is not sweep.baseline]
    if rows:
        header = [
            "Scenario",
            "Change in policy cost",
            "Change in hotel cost",
            "Net public cost",
            "Crossings averted",
            "Net cost per crossing averted",
        ]
        caption = (
            f"Over {sweep.period}, averages over the simulated runs (90% interval of the paired runs in brackets)."
        )
        blocks.append(Table(header, rows, id="cost-per-crossing", caption=caption, font=7.0))
    else:
        blocks.append(Para("Only the baseline was simulated: no cost per crossing averted can be computed."))
    return Section("Side effects and cost", blocks, id="side-effects")


# -------------------------------------------------------------------------------------------- observed
# The annual targets compared with observed figures; labels from the catalogue, with the observed source's scope.
OBSERVED = ("people_arrived", "boats_arrived", "people_per_boat", "crossing_days", "prevention_share", "deaths_at_sea")
SCOPE = {"deaths_at_sea": " (IOM, incidents at sea)"}


def _observed_text(key: str, o: float) -> str:
    """Observed figures as published: counts exact (36,816), the rest as the report formats them."""
    if not math.isfinite(o):
        return "not observed"
    return f"{o:,.0f}" if OUTCOMES[key].kind == "count" else fmt.value(key, o)


def _annual_rows(sweep: Sweep, targets: dict[str, float]) -> list[list[str]]:
    base, scale = sweep.baseline, sweep.scale
    rows = []
    for key in OBSERVED:
        label = OUTCOMES[key].label + SCOPE.get(key, "")
        r = stats.reduce(per_full_scale(key, base.values(key), scale), [run.draw for run in base.runs])
        o = targets.get(key, float("nan"))
        iv = r.widest
        rng = f"{fmt.value(key, iv.lo)} to {fmt.value(key, iv.hi)}" if r.n > 1 else "one run"
        diff = f"{fmt.pct((r.mean - o) / o)}" if math.isfinite(o) and o else "not observed"
        if key == "crossing_days" and scale != 1.0:
            diff = "not comparable at this scale"
        rows.append([label, fmt.value(key, r.mean), rng, _observed_text(key, o), diff])
    return rows


def _annual_blocks(sweep: Sweep, year: int) -> list[Any]:
    from sim.evidence import observed as obs

    try:
        annual = obs.load_annual()
        targets = obs.annual_targets(year, annual) if year in annual.index else None
    except obs.ObservedDataError as exc:  # damaged observed data: no report (exit 2), as validate and calibrate
        raise ReportError(str(exc)) from None
    if targets is None:
        return [Para(f"There are no observed annual figures for {year} in the model's data; nothing to compare.")]
    intro = (
        f"How well does the baseline reproduce what was observed in {year}? Observed figures: Home Office "
        "small-boat statistics, IOM Missing Migrants Project (deaths in incidents at sea) and French estimates of "
        "people stopped (sources in the model's data/SOURCES.md)."
    )
    if sweep.period != str(year):
        intro += f" The runs cover {sweep.period}, so the annual figures are not directly comparable."
    if sweep.scale != 1.0:
        intro += (
            f" The runs simulate {sweep.scale:.0%} of the population: simulated people, boats and deaths are divided "
            f"by {sweep.scale:g} for this comparison only; days with crossings are not comparable at this scale."
        )
    header = ["", f"Simulated {year} (average)", "90% of simulated runs", f"Observed {year}", "Difference"]
    table = Table(
        header,
        _annual_rows(sweep, targets),
        id="observed-annual",
        caption="Difference: (simulated average minus observed) divided by observed.",
    )
    return [Para(intro), table]


def _monthly_blocks(sweep: Sweep, year: int) -> list[Any]:
    from sim.evidence import observed as obs

    if not (sweep.start_date.month == 1 and sweep.start_date.day == 1 and sweep.days >= 365):
        return [Para("The runs do not cover a whole calendar year, so the monthly pattern is not compared.")]
    try:
        daily_obs = obs.load_daily()
        avg = obs.monthly_shares(daily_obs, obs.PATTERN_YEARS).reindex(range(1, 13)).fillna(0).to_numpy()
        last_year = max(obs.PATTERN_YEARS)
        last = obs.monthly_shares(daily_obs, [last_year]).reindex(range(1, 13)).fillna(0).to_numpy()
    except obs.ObservedDataError as exc:
        raise ReportError(str(exc)) from None
    shares = []
    for r in sweep.baseline.runs:
        d = sweep.daily[r.job_num]
        d = d[d["date"].dt.year == year]
        m = d.groupby(d["date"].dt.month)["people_arrived"].sum().reindex(range(1, 13), fill_value=0).to_numpy(float)
        shares.append(m / m.sum() if m.sum() > 0 else np.full(12, np.nan))
    base = sweep.baseline
    sim_series = Series(sweep.name(base), charts.colour(0), "o", np.vstack(shares))
    years_txt = f"{min(obs.PATTERN_YEARS)}-{max(obs.PATTERN_YEARS)}"

    def draw(fig, rect):
        labels = (f"observed, average of {years_txt}", f"observed, {last_year}")
        sim_label = f"simulated {year}, baseline\n(median; band: 90% of runs)"
        charts.monthly_pattern(fig, rect, sim_series, avg, labels[0], last, labels[1], sim_label)

    med = sim_series.band()[0]
    month = [dt.date(2024, m, 1).strftime("%B") for m in range(1, 13)]
    peak_sim = [month[m] for m in np.argsort(med)[::-1][:3]] if np.isfinite(med).all() else []
    peak_obs = [month[m] for m in np.argsort(avg)[::-1][:3]]
    summer_sim = float(np.nansum(med[5:10])) if np.isfinite(med).any() else float("nan")
    text = (
        f"The Home Office daily series ends in 2023, so the simulated {year} is compared by the share of the "
        f"year's arrivals in each month, against the average monthly shares of {years_txt} (each year weighted "
        f"equally; 2018-2020 had far fewer crossings and a different pattern) and against {last_year} alone. "
        f"June to October: {summer_sim:.0%} of simulated arrivals, {float(avg[5:10].sum()):.0%} observed "
        f"({years_txt}). "
        + (f"Busiest months simulated: {', '.join(peak_sim)}; observed: {', '.join(peak_obs)}." if peak_sim else "")
    )
    title = f"Monthly pattern of arrivals: simulated {year} against observed"
    return [Para(text), Chart(title, draw, 3.2, id="chart-monthly")]


def observed_section(sweep: Sweep) -> Section:
    year = sweep.start_date.year
    blocks = [*_annual_blocks(sweep, year), Heading("Monthly pattern", 2), *_monthly_blocks(sweep, year)]
    return Section(f"The baseline against observed data, {year}", blocks, id="observed")


# ------------------------------------------------------------------------------------------- technical
def _same(values: Sequence[Any]) -> bool:
    return len({json.dumps(v, sort_keys=True, default=str) for v in values}) <= 1


def _with_unit(key: str) -> str:
    """A row label for a setting: whose it is, the phrase and the unit ("Officers posted abroad: cost of each
    officer posted (a year)"), from the words table (sim/report/parameters.py) or the declared unit."""
    w, head = _words(key)
    if w is None:
        unit = param_unit(key)
        return setting_label(key) + (f" ({unit})" if unit and unit not in ("name", "place") else "")
    return f"{head}: {w.phrase}" + (f" ({w.unit})" if w.unit else "")


def _words(key: str) -> tuple[Words | None, str]:
    """(words, whose setting it is) for a key; a key inside a mapping (``...officers.bulgaria``) gets its parent's
    phrase with the place, or the sub-field's words (``...agreements.albania.return_prob``)."""
    parts = key.split(".")
    head = cap(LEVER_LABELS.get(parts[1], humanise(parts[1]))) if parts[0] == "policy" and len(parts) > 1 else ""
    if not head:
        head = cap(SECTION_LABELS.get(parts[0], humanise(parts[0]))) if len(parts) > 1 else "Run"
    w = words_for(key)
    if w is not None:
        return w, head
    for cut in range(len(parts) - 1, 1, -1):
        parent = WORDS.get(".".join(parts[:cut]))
        if parent is None:
            continue
        rest = parts[cut:]
        sub = SUBWORDS.get(rest[-1])
        where = ", ".join(place(r) for r in (rest[:-1] if sub else rest))
        phrase = f"{parent.phrase.split(',')[0]}, {where}" + (f": {sub.phrase}" if sub else "")
        kind = sub.kind if sub else ("number" if parent.kind in ("mapping", "agreements") else parent.kind)
        return Words(phrase, kind, sub.unit if sub else parent.unit), head
    return None, head


def diff_rows(groups: list[RunGroup]) -> list[list[str]]:
    """Settings that differ between scenarios: levers on or off, other settings, and lever settings that differ
    between the scenarios using that lever. Rows: label (unit), one value per scenario, technical name."""
    ignore = ("seed", "scenario", "hydra", "posterior_draw")
    dropped = "timeline.drop"  # a list, flattened to timeline.drop.0, .1, ...: one row of event ids
    keys = sorted({k for g in groups for k in g.config if not k.startswith((*ignore, dropped))})
    order = {name: i for i, name in enumerate(LEVER_LABELS)}
    levers, params, others = [], [], []
    drops = [_dropped_events(g.config, dropped) for g in groups]
    if not _same(drops):
        others.append(["Observed events left out of the timeline", *drops, dropped])
    for k in keys:
        vals = [g.config.get(k) for g in groups]
        parts = k.split(".")
        if parts[0] != "policy" or len(parts) < 3:
            if not _same(vals):
                others.append([_with_unit(k), *(_cell(k, v) for v in vals), k])
            continue
        on = [g.config.get(f"policy.{parts[1]}.enabled") is True for g in groups]
        if parts[2] == "enabled":
            if not _same(vals):
                levers.append((order.get(parts[1], 99), [setting_label(k), *("on" if v else "off" for v in on), k]))
            continue
        used = [v for v, u in zip(vals, on, strict=True) if u]
        if len(used) >= 2 and not _same(used):
            cells = [_cell(k, v) if u else "\u2013" for v, u in zip(vals, on, strict=True)]
            params.append((order.get(parts[1], 99), [_with_unit(k), *cells, k]))
    by_lever = sorted(levers, key=lambda x: x[0]), sorted(params, key=lambda x: x[0])
    return [r for _, r in by_lever[0]] + others + [r for _, r in by_lever[1]]


def _dropped_events(config: dict[str, Any], prefix: str) -> str:
    """The timeline events a scenario leaves out (``timeline.drop``), as their ids, or "none"."""
    ids = [str(v) for k, v in sorted(config.items()) if k.startswith(prefix + ".") and v not in (None, "None", "")]
    first = {i.split("_")[0] for i in ids}
    if len(ids) > 2 and len(first) == 1:  # e.g. the seven rows of the Rwanda policy
        return f"{len(ids)} {first.pop().capitalize()} events"
    return ", ".join(i.replace("_", " ") for i in ids) or "none"


def _cell(key: str, value: Any) -> str:
    """A value in a settings table, written by its kind (money, share, date) without the unit (in the label)."""
    w = _words(key)[0]
    return fmt_setting(value) if w is None else value_text(key, value, Words(w.phrase, w.kind))


def _nest(flat: dict[str, Any]) -> dict[str, Any]:
    """``{"albania.return_prob": 0.6}`` -> ``{"albania": {"return_prob": 0.6}}`` (a mapping setting, flattened in
    the resolved config, back as the mapping it was)."""
    out: dict[str, Any] = {}
    for k, v in flat.items():
        node = out
        *path, last = k.split(".")
        for p in path:
            node = node.setdefault(p, {})
        node[last] = v
    return out


def _lever_items(users: list[RunGroup], prefix: str) -> list[str]:
    """Every setting of a lever in words with its value and unit (sim/report/parameters.py)."""
    keys = sorted(
        {k for g in users for k in g.config if k.startswith(prefix) and k != prefix + "enabled"},
        key=lambda k: k.split(".")[2],
    )
    items: list[tuple[int, str]] = []
    done: set[str] = set()
    for k in keys:
        top = k.split(".")[2]
        if top in done:
            continue
        done.add(top)
        sub = sorted(x for x in keys if x.split(".")[2] == top)
        values = [
            _nest({x[len(prefix + top) + 1 :]: g.config.get(x) for x in sub}) if sub != [k] else g.config.get(k)
            for g in users
        ]
        key = prefix + top
        if not _same(values):
            w, _ = _words(key)
            items.append((order(key), f"{w.phrase if w else humanise(top)}: differs by scenario (above)"))
            continue
        if top in ("start_date", "end_date") and values[0] in (None, ""):
            continue  # said once below: a lever that acts over the whole run
        items.append((order(key), describe(key, values[0])))
    dated = any(g.config.get(prefix + d) not in (None, "") for g in users for d in ("start_date", "end_date"))
    texts = [text for _, text in sorted(items, key=lambda x: x[0])]
    return texts if dated else [*texts, "acts over the whole run"]


def lever_rows(sweep: Sweep, groups: list[RunGroup]) -> list[list[str]]:
    """One row per lever used by any scenario: where it is used and all its settings (the lever's assumptions)."""
    rows = []
    for lever, label in LEVER_LABELS.items():
        users = [g for g in groups if g.config.get(f"policy.{lever}.enabled") is True]
        if users:
            prefix = f"policy.{lever}."
            used_in = ", ".join(sweep.name(g) for g in users)
            rows.append([cap(label), used_in, "; ".join(_lever_items(users, prefix)) + ".", prefix.rstrip(".")])
    return rows


HOW_TO_READ = [
    "A simulated run is one run of the model with its own random seed: its own weather, people and chance events. "
    "Scenarios use the same seeds, so they are compared on the same weather and the same people (common random "
    "numbers); with posterior draws, also on the same parameter sets.",
    "A 90% interval is the 5th to the 95th percentile of the runs: where one simulated year falls. 'Chance' covers "
    "seeds only; 'chance and assumptions' also the calibration's posterior draws of the model's parameters. "
    "Neither covers the assumptions that were not calibrated (the levers' settings below).",
    "A change against the baseline is the average of the differences on the same seed (and draw), with the 90% "
    'interval of those differences; "no clear change" means that interval includes zero.',
    "Fan-chart bands show the same 90% interval of the runs week by week: the spread of outcomes from one year to "
    "the next under the same policy.",
]


def _override_text(token: str) -> str:
    """A setting given on the command line, in words with its unit ("days simulated after the warm-up: 366 days")."""
    key, _, value = token.lstrip("+~").partition("=")
    return describe(key, number(value)) if words_for(key) is not None else override_words(token)


def _facts(sweep: Sweep, today: dt.date) -> list[str]:
    import sim

    groups = sweep.finished_groups
    revisions = sorted({str(r.metadata.get("git_revision", "unknown")) for g in groups for r in g.runs})
    versions = next((r.metadata.get("versions", {}) for g in groups for r in g.runs if r.metadata), {})
    wall = pd.to_numeric(sweep.table.get("wall_seconds", pd.Series(dtype=float)), errors="coerce").sum()
    facts = [
        f"Model: channel-abm {sim.__version__}, code revision {', '.join(revisions)}; "
        f"Mesa {versions.get('mesa', '?')}, Python {versions.get('python', '?')}.",
        f"Sweep folder: {sweep.path.resolve().name}; {sweep.n_runs} runs, {sweep.n_runs - len(sweep.failed)} counted"
        + (f", {wall / 60:.0f} minutes of computing" if wall > 60 else "")
        + ".",
        f"Simulated period: {sweep.period} (start {sweep.start_date.day} {sweep.start_date:%B %Y}, {sweep.days} days, "
        f"after {int(sweep.cfg.get('world.burn_in_days', 0))} days of warm-up that are not counted); population "
        f"scale {sweep.scale:g} (1 = every person simulated).",
        f"Baseline: {sweep.name(sweep.baseline)}. Report written {today:%d %B %Y}.",
    ]
    if sweep.common_overrides:
        facts.append(
            "Settings given to every run: " + "; ".join(_override_text(t) for t in sweep.common_overrides) + "."
        )
    return facts


def _settings_blocks(sweep: Sweep, groups: list[RunGroup]) -> list[Any]:
    blocks: list[Any] = [Heading("Settings that differ between scenarios", 2)]
    rows = diff_rows(groups)
    if rows:  # the technical name goes in a last column, for analysts who want to reproduce a scenario
        caption = (
            "From each scenario's resolved configuration; \u2013 where the lever is not used. The sources of every "
            "value are in the model description (docs/ODD.md, docs/policies.md)."
        )
        header = ["Setting (unit)", *[sweep.name(g) for g in groups], "Technical name"]
        widths = [2.6, *[1.0] * len(groups), 1.9]
        align = "l" + "r" * len(groups) + "t"
        blocks.append(
            Table(header, rows, "config-diff", caption, highlight_col=1, font=7.0, align=align, col_weights=widths)
        )
    else:
        blocks.append(Para("The scenarios do not differ in any setting (only in the seeds)."))
    levers = lever_rows(sweep, groups)
    if levers:
        blocks.append(Heading("Assumptions: how each lever is set", 2))
        blocks.append(
            Para(
                "The strength, effect sizes and costs of each lever are assumptions of the model (many are informed "
                "guesses; see docs/policies.md for the evidence behind each). Results depend on them.",
                "small",
            )
        )
        header = ["Lever", "Used in", "Settings", "Technical name"]
        blocks.append(Table(header, levers, "lever-settings", font=7.0, align="lllt", col_weights=[1.5, 1.4, 4.2, 1.3]))
    return blocks


def technical_section(sweep: Sweep, today: dt.date) -> Section:
    groups = sweep.finished_groups
    blocks: list[Any] = [Heading("How to read the figures", 2), Bullets(HOW_TO_READ), *_settings_blocks(sweep, groups)]
    blocks.append(Heading("Model version and runs", 2))
    blocks.append(Bullets(_facts(sweep, today), "small"))
    rows = [
        [
            sweep.name(g),
            str(len(g.runs)),
            seed_text(g.seeds),
            str(len(g.draws)) if g.has_draws else "medians",
            str(len(g.problems)),
        ]
        for g in sweep.groups
    ]
    header = ["Scenario", "Simulated runs", "Seeds", "Posterior draws", "Failed runs"]
    blocks.append(Table(header, rows, id="seeds", align="lrrrr"))
    if sweep.failed:
        blocks.append(Heading("Failed runs", 2))
        rows = [[sweep.name(sweep.runs.group(r.group)), str(r.seed), f"{r.status}: {r.error}"] for r in sweep.failed]
        blocks.append(
            Table(
                ["Scenario", "Seed", "Error"], rows, "failed-table", align="lrl", font=7.0, col_weights=[1.5, 0.5, 5.0]
            )
        )
    return Section("Assumptions and technical details", blocks, id="technical")
