"""The classroom page: the map and the trade-off above the fold, the levers beside them, the numbers below.

Served by ``python -m sim.dashboard``. Solara components of its own rather than Mesa's SolaraViz, whose developer
controls (play interval, render interval, threads) cannot be hidden; the model stays Mesa's (``sim.model``).
Each browser tab has one ``Classroom`` run. RESET takes a burnt-in model from ``Prepared`` (settings being chosen
are burnt in ahead, in the background); STEP runs one day; PLAY runs days at the chosen rate from one thread per
tab, drawing at most ``MAX_FRAMES_PER_SECOND`` times a second and stepping several days per picture when drawing
falls behind. The same thread notices when the background worker (``sim.dashboard.background``) finishes a year,
so the band over seeds and the spread appear without a click. Stepping and drawing share one lock per tab.
"""

from __future__ import annotations

import functools
import html
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import solara

from sim.config import ConfigError
from sim.dashboard import controls as ctl
from sim.dashboard.background import Years, years
from sim.dashboard.classroom import Classroom, Prepared, Trace, base_overrides, full_settings, totals
from sim.dashboard.echarts import Echarts, to_json
from sim.dashboard.figures import MORE_CHARTS, TRADE_OFF, areas_option, chart_option, geo_maps, map_option
from sim.dashboard.lessons import LESSONS, Lesson, Step
from sim.results.outcomes import OUTCOMES

TITLE = "Channel crossings: pull the levers, see the trade-offs"
SPEEDS = {"5 days a second": 5, "10 days a second": 10, "20 days a second": 20, "a month a second": 30}
DEFAULT_SPEED = "10 days a second"
MAX_FRAMES_PER_SECOND = 10
SPREAD_SEEDS = 10
MIN_BAND = 3  # baseline seeds needed before a difference is called chance or not
SLOW_SECONDS = 1.0  # the charts and tables below the fold are redrawn at most this often

# (key in sim.dashboard.classroom.totals(), number format); labels come from the outcome catalogue.
ROWS = (
    ("people_arrived", "{:,.0f}"),
    ("boats_launched", "{:,.0f}"),
    ("people_per_boat", "{:.1f}"),
    ("deaths_at_sea", "{:,.0f}"),
    ("deaths_per_1000_arrivals", "{:.2f}"),
    ("expected_deaths_per_1000_arrivals", "{:.2f}"),
    ("mean_price_gbp", "£{:,.0f}"),
    ("boats_seized", "{:,.0f}"),
    ("engines_seized", "{:,.0f}"),
    ("launches_prevented", "{:,.0f}"),
    ("taxi_boat_share", "{:.0%}"),
    ("perceived_removal_prob", "{:.1%}"),
    ("people_deterred", "{:,.0f}"),
    ("people_removed", "{:,.0f}"),
    ("waiting_on_coast", "{:,.0f}"),
    ("policy_cost_gbp", "{:,.0f}"),
)
ROW_NOTES = {
    "expected_deaths_per_1000_arrivals": "each boat's chance of a fatal incident times its expected deaths: the "
    "danger the settings create, without the luck of which boats sank",
}

STYLE = """
.cd-bar { display: flex; align-items: center; gap: 10px; padding: 4px 12px; height: 52px; border-bottom: 1px solid
  #e0e0e0; background: #fafafa; }
.cd-bar .cd-title { font-weight: 700; font-size: 16px; color: #263238; white-space: nowrap; }
.cd-bar .cd-day { font-size: 14px; color: #37474f; min-width: 250px; }
.cd-bar .cd-status { font-size: 12px; color: #757575; margin-left: auto; }
.cd-main { display: grid; grid-template-columns: minmax(0, 1fr) 390px; height: calc(100vh - 52px); }
.cd-left { display: flex; flex-direction: column; min-width: 0; }
.cd-map { height: calc((100vh - 52px) * 0.49); }
.cd-caption { font-size: 11px; color: #616161; padding: 0 8px; line-height: 1.3; }
.cd-heads { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; padding: 2px 10px 0 10px; font-size: 13px; }
.cd-head b { color: #1565c0; }
.cd-chance { background: #eeeeee; color: #424242; border-radius: 8px; padding: 0 6px; font-size: 12px;
  white-space: nowrap; }
.cd-effect { background: #e3f2fd; color: #0d47a1; border-radius: 8px; padding: 0 6px; font-size: 12px;
  white-space: nowrap; font-weight: 600; }
.cd-pending { color: #9e9e9e; font-size: 12px; }
.cd-side { border-left: 1px solid #e0e0e0; overflow-y: auto; height: calc(100vh - 52px); padding: 0 10px; }
.cd-group { font-weight: 700; font-size: 13px; color: #37474f; margin: 10px 0 0 0; text-transform: uppercase;
  letter-spacing: 0.03em; }
.cd-lever { margin: 2px 0 6px 0; }
.cd-seed { margin-top: 12px; }
.cd-speed .v-input { margin-top: 0; padding-top: 0; } .cd-speed .v-messages { display: none; }
.cd-lever .v-input--selection-controls { margin-top: 0; padding-top: 0; }
.cd-lever .v-messages { display: none; }
.cd-knobs { margin-left: 30px; }
.cd-assume { font-size: 12px; color: #5d4037; background: #fff8e1; border-radius: 4px; padding: 3px 6px;
  margin: 0 0 0 30px; line-height: 1.35; }
.cd-more { padding: 8px 14px 30px 14px; }
.cd-score { border-collapse: collapse; width: 100%; font-size: 13px; }
.cd-score th, .cd-score td { padding: 2px 8px; border-bottom: 1px solid #e0e0e0; text-align: right; }
.cd-score th:first-child, .cd-score td:first-child { text-align: left; }
.cd-score td.current { color: #1565c0; font-weight: 600; } .cd-score td.baseline { color: #616161; }
.cd-step { border: 1px solid #e0e0e0; border-radius: 6px; padding: 6px 8px; margin: 6px 0; font-size: 13px; }
.cd-step.cd-active { border-color: #1565c0; background: #f3f8fe; }
.cd-pending-settings { background: #fff3e0; border-radius: 4px; padding: 4px 8px; font-size: 13px; margin: 6px 0; }
.cd-spread { font-size: 13px; padding: 0 10px; }
.cd-cmd { font-family: monospace; font-size: 12px; background: #f5f5f5; padding: 4px 6px; border-radius: 4px; }
"""


# ------------------------------------------------------------------------------------------------ services
@dataclass
class Services:
    """What every tab of one server shares: the base overrides, burnt-in models and whole years."""

    base: tuple[str, ...]
    prepared: Prepared
    years: Years


@functools.cache
def services() -> Services:
    base = base_overrides()
    prepared = Prepared(base)
    prepared.prepare(ctl.default_settings())
    return Services(base, prepared, years(base))


# ------------------------------------------------------------------------------------------- chance or not
def verdict(value: float, band_values: list[float]) -> tuple[str, str]:
    """('chance' | 'effect' | 'pending', words) for a value against the baseline's values over seeds."""
    if len(band_values) < MIN_BAND:
        return "pending", f"baseline over seeds: {len(band_values)} run so far"
    lo, hi = min(band_values), max(band_values)
    if lo <= value <= hi:
        return "chance", "could be chance"
    side = "above" if value > hi else "below"
    return "effect", f"{side} the baseline's range over {len(band_values)} seeds"


def mark(kind: str, words: str) -> str:
    cls = {"chance": "cd-chance", "effect": "cd-effect"}.get(kind, "cd-pending")
    return f"<span class='{cls}' data-verdict='{kind}'>{html.escape(words)}</span>"


def _fmt(fmt: str, value: float, key: str) -> str:
    return fmt.format(value / 1e6 if key == "policy_cost_gbp" else value)


def change_text(fmt: str, c: float, b: float, key: str) -> str:
    diff = c - b
    if abs(diff) < 1e-9:
        return "same"
    sign = "+" if diff > 0 else "−"
    if "%" in fmt:
        return f"{sign}{100 * abs(diff):.1f} pts"
    pct = f" ({sign}{100 * abs(diff) / abs(b):.0f}%)" if abs(b) > 1e-9 else ""
    return f"{sign}{_fmt(fmt, abs(diff), key)}{pct}"


def scoreboard_html(run: Classroom, baseline: Trace | None, band: list[Trace]) -> str:
    """Totals so far: your settings, the baseline with the same seed, the change, and whether it could be chance."""
    n = run.days_done
    cur = run.totals()
    base = totals(baseline, n) if baseline is not None else None
    band_totals = [totals(t, n) for t in band]
    rows = []
    for key, fmt in ROWS:
        label = OUTCOMES[key].label
        c = cur[key]
        b = base[key] if base else None
        change = change_text(fmt, c, b, key) if b is not None else ""
        judged = mark(*verdict(c, [t[key] for t in band_totals])) if n and change not in ("", "same") else ""
        note = f" title='{html.escape(ROW_NOTES[key])}'" if key in ROW_NOTES else ""
        rows.append(
            f"<tr data-key='{key}'><td{note}>{html.escape(label)}</td><td class='current'>{_fmt(fmt, c, key)}</td>"
            f"<td class='baseline'>{'' if b is None else _fmt(fmt, b, key)}</td><td class='change'>{change}</td>"
            f"<td class='verdict'>{judged}</td></tr>"
        )
    return (
        "<table class='cd-score'><thead><tr><th>So far this year</th><th>your settings</th>"
        "<th>baseline, same seed</th><th>change</th><th>chance?</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def trade_off_heads(run: Classroom, baseline: Trace | None, band: list[Trace]) -> str:
    """One line above each trade-off chart: yours so far, the baseline's, and whether the difference could be chance."""
    n = run.days_done
    out = []
    for key, title, _ in TRADE_OFF:
        c = totals(run.trace, n)[key]
        if n == 0:
            text = f"{title}: press STEP or PLAY to start the year"
        elif baseline is None:
            text = f"{title} so far: <b>{c:,.0f}</b> · <span class='cd-pending'>baseline being run</span>"
        else:
            b = totals(baseline, n)[key]
            kind, words = verdict(c, [totals(t, n)[key] for t in band])
            text = (
                f"{title} so far: <b>{c:,.0f}</b> against {b:,.0f} in the baseline "
                f"({change_text('{:,.0f}', c, b, key)}) {mark(kind, words) if c != b else ''}"
            )
        out.append(f"<div class='cd-head' data-key='{key}'>{text}</div>")
    return "".join(out)


def spread_html(run: Classroom, done: list[tuple[Trace, Trace]], asked: int) -> str:
    """Whole-year results of your settings over several seeds against the baseline with the same seeds."""
    if not asked:
        return ""
    if len(done) < asked:
        return f"<span class='cd-pending'>Your settings over {asked} seeds: {len(done)} of {asked} years run…</span>"
    parts = []
    for key, title, _ in TRADE_OFF:
        yours = np.array([totals(t, t.days)[key] for t, _ in done])
        base = np.array([totals(b, b.days)[key] for _, b in done])
        diff = yours - base
        fewer, more = int((diff < 0).sum()), int((diff > 0).sum())
        if fewer == len(diff) or more == len(diff):
            kind, words = "effect", f"{'fewer' if fewer else 'more'} in all {len(diff)} seeds"
        else:
            kind, words = "chance", f"could be chance: fewer in {fewer}, more in {more} of {len(diff)} seeds"
        parts.append(
            f"<div data-spread='{key}'>{title}, whole year over {asked} seeds: yours {np.median(yours):,.0f} "
            f"({yours.min():,.0f}–{yours.max():,.0f}), baseline {np.median(base):,.0f} "
            f"({base.min():,.0f}–{base.max():,.0f}) {mark(kind, words)}</div>"
        )
    return "".join(parts)


# ------------------------------------------------------------------------------------------------- the view
@dataclass
class View:
    """Everything drawn for one day of one run (built under the tab's lock, then only read)."""

    map: str  # ECharts options as JSON (sim.dashboard.echarts.to_json)
    chart: str
    more: str
    areas: str
    heads: str
    scoreboard: str
    spread: str
    band_seeds: int
    baseline_ready: bool


def build_view(run: Classroom, yrs: Years, spread_asked: int) -> View:
    baseline = yrs.baseline(run.seed)
    band = yrs.band()
    pairs = []
    if spread_asked:
        for seed, trace in yrs.spread(run.settings, spread_asked):
            paired = yrs.baseline(seed, urgent=False)
            if trace is not None and paired is not None:
                pairs.append((trace, paired))
    spread = [t for t, _ in pairs] if len(pairs) == spread_asked else []
    return View(
        map=to_json(map_option(run)),
        chart=to_json(chart_option(run, baseline, band, spread)),
        more=to_json(chart_option(run, baseline, band, (), MORE_CHARTS)),
        areas=to_json(areas_option(run, baseline)),
        heads=trade_off_heads(run, baseline, band),
        scoreboard=scoreboard_html(run, baseline, band),
        spread=spread_html(run, pairs, spread_asked),
        band_seeds=len(band),
        baseline_ready=baseline is not None,
    )


# ------------------------------------------------------------------------------------------------ controls
def _knob(lever: str, knob: ctl.Setting, settings: solara.Reactive[dict]) -> None:
    key = ctl.knob_key(lever, knob)
    value = settings.value.get(key)

    def put(v: Any) -> None:
        settings.set({**settings.value, key: v})

    if isinstance(knob, ctl.Knob):
        values = ctl.knob_choices(lever, knob)
        texts = [knob.text(v) for v in values]
        current = knob.text(value) if value is not None else texts[0]
        solara.Select(
            label=knob.label,
            values=texts,
            value=current if current in texts else texts[0],
            on_value=lambda t: put(values[texts.index(t)]),
            dense=True,
        )
    elif isinstance(knob, ctl.StartDate):
        dates = ctl.start_date_choices()
        value = value if value in dates else dates[0]
        solara.Select(label=knob.label, values=dates, value=value, on_value=put, dense=True)
    else:
        solara.Checkbox(label=knob.label, value=bool(value), on_value=put)


@solara.component
def LeverPanel(settings: solara.Reactive[dict]) -> None:
    """The levers grouped by where they act; a lever's settings only while it is ticked; its assumption beside it."""
    by_group: dict[str, list[ctl.LeverControl]] = {}
    for c in ctl.controls():
        by_group.setdefault(c.group, []).append(c)
    seeds = sorted({*ctl.SEEDS, int(settings.value[ctl.SEED_KEY])})
    with solara.Div(classes=["cd-seed"]):
        solara.Select(
            label="Year replicate (random seed: other weather, other people)",
            values=seeds,
            value=int(settings.value[ctl.SEED_KEY]),
            on_value=lambda v: settings.set({**settings.value, ctl.SEED_KEY: int(v)}),
            dense=True,
        )
    for group, title in ctl.GROUPS:
        if group not in by_group:
            continue
        solara.HTML(tag="div", unsafe_innerHTML=html.escape(title), classes=["cd-group"])
        for c in by_group[group]:
            on = bool(settings.value.get(ctl.toggle_key(c.lever)))
            with solara.Div(classes=["cd-lever"], attributes={"data-lever": c.lever}):
                solara.Checkbox(
                    label=c.label,
                    value=on,
                    on_value=lambda v, c=c: settings.set({**settings.value, ctl.toggle_key(c.lever): bool(v)}),
                )
                if on and c.knobs:
                    with solara.Div(classes=["cd-knobs"]):
                        for k in c.knobs:
                            _knob(c.lever, k, settings)
                if c.assumption:
                    solara.HTML(tag="div", unsafe_innerHTML=html.escape(c.assumption), classes=["cd-assume"])


@solara.component
def LessonPanel(try_step: Callable[[Step], None], active: solara.Reactive[str]) -> None:
    """docs/teaching.md's lessons: pick one; each step's TRY THIS sets its levers and starts the year again."""
    chosen = solara.use_reactive(LESSONS[0].key)
    titles = [lesson.title for lesson in LESSONS]
    lesson: Lesson = next(x for x in LESSONS if x.key == chosen.value)
    solara.Select(
        label="Lesson",
        values=titles,
        value=lesson.title,
        on_value=lambda t: chosen.set(LESSONS[titles.index(t)].key),
        dense=True,
    )
    solara.HTML(tag="p", unsafe_innerHTML=html.escape(lesson.idea), style="font-size: 13px; margin: 4px 0;")
    for i, step in enumerate(lesson.steps):
        step_id = f"{lesson.key}.{i}"
        with solara.Div(classes=["cd-step", *(["cd-active"] if active.value == step_id else [])]):
            solara.HTML(tag="div", unsafe_innerHTML=f"<b>{i + 1}. {html.escape(step.title)}</b>")
            solara.Button(
                "Try this",
                on_click=lambda step=step, step_id=step_id: (active.set(step_id), try_step(step)),
                color="primary",
                outlined=True,
                small=True,
                classes=["cd-try"],
            )
            solara.HTML(tag="div", unsafe_innerHTML="Look for: " + html.escape(step.look_for))
    if lesson.questions:
        items = "".join(f"<li>{html.escape(q)}</li>" for q in lesson.questions)
        solara.HTML(tag="div", unsafe_innerHTML=f"<b>Questions</b><ul>{items}</ul>", style="font-size: 13px;")


# ------------------------------------------------------------------------------------------------- the page
def same_settings(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two settings give the same run (unticked levers' values do not count)."""
    return (int(a[ctl.SEED_KEY]), ctl.lever_overrides(a)) == (int(b[ctl.SEED_KEY]), ctl.lever_overrides(b))


class Tab:
    """One browser tab: its run, what the page shows of it, and the lock that keeps stepping and drawing apart."""

    def __init__(self, svc: Services) -> None:
        self.svc = svc
        self.lock = threading.RLock()
        defaults = ctl.default_settings()
        self.defaults = defaults
        self.run = solara.reactive(Classroom(svc.base, defaults, svc.prepared.fresh(defaults)))
        self.settings = solara.reactive(dict(defaults))  # on the page; the run's own settings change at RESET
        self.frame = solara.reactive(0)  # goes up after every step: the live parts redraw
        self.slow_frame = solara.reactive(0)  # the same, at most once a second while playing: the parts below
        self.years_version = solara.reactive(0)  # goes up when the background worker finishes a year
        self.playing = solara.reactive(False)
        self.speed = solara.reactive(DEFAULT_SPEED)
        self.spread_asked = solara.reactive(0)
        self.error = solara.reactive("")
        self.drawn = threading.Event()  # set when the browser has drawn the latest frame of the map
        self._slow_at = 0.0
        self._view_key: tuple | None = None
        self._view: View | None = None

    def view(self) -> View:
        """The pictures and tables of the run as it is now (built once per day, whoever asks first)."""
        run, yrs = self.run.value, self.svc.years
        key = (id(run), run.days_done, yrs.version, self.spread_asked.value)
        with self.lock:
            if key != self._view_key or self._view is None:
                self._view = build_view(run, yrs, self.spread_asked.value)
                self._view_key = key
            return self._view

    def next_frame(self, urgent: bool = False) -> None:
        """Redraw the live parts; the parts below the fold at most once a second (``refresh_below``) unless
        ``urgent`` (a new run)."""
        self.drawn.clear()
        self.frame.set(self.frame.value + 1)
        self.refresh_below(force=urgent)

    def refresh_below(self, force: bool = False) -> None:
        now = time.perf_counter()
        if self.slow_frame.value != self.frame.value and (force or now - self._slow_at > SLOW_SECONDS):
            self._slow_at = now
            self.slow_frame.set(self.frame.value)

    def acknowledge(self, frame: int) -> None:
        """The browser has drawn the map of ``frame``."""
        if frame >= self.frame.value:
            self.drawn.set()

    def step(self) -> None:
        with self.lock:
            self.run.value.step()
        self.next_frame()

    def reset(self, new: Mapping[str, Any] | None = None, spread: bool = False) -> None:
        """Start the year again with ``new`` (or the settings on the page); ``spread`` also runs them over seeds."""
        chosen = full_settings(new if new is not None else self.settings.value)
        self.playing.set(False)
        try:
            fresh = Classroom(self.svc.base, chosen, self.svc.prepared.fresh(chosen))
        except ConfigError as exc:
            self.error.set(str(exc))
            return
        with self.lock:
            self.run.set(fresh)
        self.error.set("")
        self.settings.set(chosen)
        self.spread_asked.set(SPREAD_SEEDS if spread else 0)
        if spread:
            self.svc.years.request_spread(chosen, SPREAD_SEEDS)
        self.next_frame(urgent=True)

    def run_spread(self) -> None:
        self.svc.years.request_spread(self.run.value.settings, SPREAD_SEEDS)
        self.spread_asked.set(SPREAD_SEEDS)

    def tick(self, cancel: threading.Event) -> None:
        """PLAY: days at the chosen rate, one picture at a time (the next day waits until the last one is drawn,
        and several days go into one picture when drawing is slower than the rate); and news of finished years."""
        seen, started = -1, None
        gap = 1.0 / MAX_FRAMES_PER_SECOND
        while not cancel.is_set():
            if self.svc.years.version != seen:
                seen = self.svc.years.version
                self.years_version.set(seen)
            self.refresh_below()
            run, rate = self.run.value, SPEEDS[self.speed.value]
            if not (self.playing.value and run.running):
                started = None
                if self.playing.value:
                    self.playing.set(False)
                cancel.wait(0.25)
                continue
            now = time.perf_counter()
            if started is None or started[0] is not run or started[1] != rate:
                started = (run, rate, now, run.days_done)
            due = started[3] + int(rate * (now - started[2])) + 1 - run.days_done
            if due > 0:
                with self.lock:
                    for _ in range(min(due, max(1, rate // 2))):
                        run.step()
                self.next_frame()
                if not self.drawn.wait(5.0):
                    self.playing.set(False)  # nobody is drawing the pictures (tab closed or asleep): stop
            cancel.wait(max(0.02, gap - (time.perf_counter() - now)))


@solara.component
def DayLabel(tab: Tab) -> None:
    _ = tab.frame.value
    run = tab.run.value
    date = run.date.strftime("%a %d %b %Y") if run.date else "the eve of the year"
    solara.HTML(tag="span", unsafe_innerHTML=f"Day {run.days_done} of {run.days}: {date}", classes=["cd-day"])


@solara.component
def TopBar(tab: Tab) -> None:
    """Title, day, RESET / STEP / PLAY and speed, and how far the baseline band has got (redrawn on events, not
    on every day: only DayLabel is)."""
    _ = tab.years_version.value
    run = tab.run.value
    running = run.running or tab.playing.value  # (stepping past the last day is refused by the run itself)
    pending = not same_settings(tab.settings.value, run.settings)
    band = f"baseline band: {len(tab.svc.years.band())} of {len(tab.svc.years.band_seeds)} seeds run"
    with solara.Div(classes=["cd-bar"]):
        solara.HTML(tag="span", unsafe_innerHTML="Channel crossings", classes=["cd-title"])
        DayLabel(tab)
        solara.Button("Reset", on_click=lambda: tab.reset(), color="warning" if pending else None, classes=["cd-reset"])
        solara.Button("Step", on_click=tab.step, disabled=tab.playing.value or not running, classes=["cd-stepbtn"])
        solara.Button(
            "❚❚ Pause" if tab.playing.value else "▶ Play",
            on_click=lambda: tab.playing.set(not tab.playing.value),
            disabled=not running,
            color="primary",
            classes=["cd-play"],
        )
        with solara.Div(style="width: 170px;", classes=["cd-speed"]):
            solara.Select(label="", values=list(SPEEDS), value=tab.speed, dense=True)
        solara.HTML(tag="span", unsafe_innerHTML=html.escape(band), classes=["cd-status"])


@solara.component
def LiveMap(tab: Tab) -> None:
    _ = tab.frame.value, tab.years_version.value
    maps = solara.use_memo(lambda: to_json(geo_maps()), [])
    Echarts(
        tab.view().map,
        maps=maps,
        classes="cd-map-chart",
        style="height: 100%; width: 100%;",
        frame=tab.frame.value,
        on_drawn=tab.acknowledge,
    )


@solara.component
def LiveTradeOff(tab: Tab) -> None:
    _ = tab.frame.value, tab.years_version.value
    view = tab.view()
    solara.HTML(tag="div", classes=["cd-heads"], unsafe_innerHTML=view.heads)
    Echarts(
        view.chart,
        classes="cd-tradeoff-chart",
        style="height: calc((100vh - 52px) * 0.34); width: 100%;",
        frame=tab.frame.value,
    )
    with solara.Row(classes=["cd-spread"], style="align-items: center;"):
        solara.Button(
            f"Run my settings over {SPREAD_SEEDS} seeds",
            on_click=tab.run_spread,
            outlined=True,
            small=True,
            classes=["cd-run-spread"],
        )
        solara.HTML(tag="div", unsafe_innerHTML=view.spread, classes=["cd-spread-result"])


@solara.component
def SidePanel(tab: Tab) -> None:
    side_tab = solara.use_reactive(0)
    active_step = solara.use_reactive("")
    settings = tab.settings
    solara.use_effect(
        lambda: (tab.svc.prepared.prepare(settings.value), None)[1], [repr(sorted(settings.value.items()))]
    )

    def try_step(step: Step) -> None:
        tab.reset({**tab.defaults, **step.settings}, spread=step.spread)

    # Both notices are always in the tree (hidden when empty): a child that comes and goes before the tabs would
    # make Solara build the tabs again, losing the chosen tab and lesson in the middle of a lesson step.
    error = tab.error.value
    pending = not same_settings(settings.value, tab.run.value.settings)
    solara.HTML(
        tag="div",
        unsafe_innerHTML=html.escape(error),
        classes=["cd-pending-settings"],
        style="" if error else "display: none;",
    )
    solara.HTML(
        tag="div",
        classes=["cd-pending-settings"],
        unsafe_innerHTML="Settings changed: press <b>RESET</b> to start the year with them." if pending else "",
        style="" if pending else "display: none;",
    )
    with solara.lab.Tabs(value=side_tab, grow=True):
        with solara.lab.Tab("Levers"):
            LeverPanel(settings)
        with solara.lab.Tab("Lessons"):
            LessonPanel(try_step, active_step)


@solara.component
def Page() -> None:
    svc = services()
    tab: Tab = solara.use_memo(lambda: Tab(svc), [])
    solara.use_thread(tab.tick, dependencies=[], intrusive_cancel=False)
    solara.Title(TITLE)
    solara.Style(STYLE)
    TopBar(tab)
    with solara.Div(classes=["cd-main"]):
        with solara.Div(classes=["cd-left"]):
            with solara.Div(classes=["cd-map"]):
                LiveMap(tab)
            solara.HTML(tag="div", classes=["cd-caption"], unsafe_innerHTML=MAP_CAPTION)
            LiveTradeOff(tab)
        with solara.Div(classes=["cd-side"]):
            SidePanel(tab)
    More(tab)


MAP_CAPTION = (
    "Left: line width = people on each leg now; red stars = boats or engines seized this year (large on the day). "
    "Right: orange circles = people waiting in camps; blue squares = beach officers; triangles = launches tried "
    "today; red crosses = launches stopped on the beach. Positions are approximate."
)


@solara.component
def More(tab: Tab) -> None:
    """Below the fold: the scoreboard, more charts, the command line and how to read the page."""
    _ = tab.slow_frame.value, tab.years_version.value
    run, view = tab.run.value, tab.view()
    with solara.Div(classes=["cd-more"]):
        solara.HTML(tag="h3", unsafe_innerHTML="The numbers so far")
        solara.HTML(tag="div", unsafe_innerHTML=view.scoreboard, classes=["cd-scoreboard"])
        solara.HTML(tag="h3", unsafe_innerHTML="More charts", style="margin-top: 14px;")
        Echarts(view.more, classes="cd-more-chart", style="height: 260px; width: 100%;")
        solara.HTML(tag="div", unsafe_innerHTML="<b>Launch attempts by area so far</b> (the Somme is the farthest)")
        Echarts(view.areas, classes="cd-areas-chart", style="height: 180px; width: 100%;")
        solara.HTML(
            tag="div",
            unsafe_innerHTML="Same run from the command line: "
            f"<span class='cd-cmd'>{html.escape(run.command_line())}</span>",
            style="margin-top: 10px; font-size: 13px;",
        )
        solara.HTML(tag="div", unsafe_innerHTML=READING, style="font-size: 13px; margin-top: 8px; max-width: 70em;")


READING = (
    "<b>How to read the page.</b> Blue is your settings; the dashed grey line is the baseline (2024 as it was, no "
    "levers) with the same seed, so the same weather and the same people. The grey band is where the baseline "
    "year lands over several seeds: a result inside it <i>could be chance</i>. Pressing "
    f"<i>Run my settings over {SPREAD_SEEDS} seeds</i> runs whole years in the background and draws your settings' "
    "own band in blue; a difference in the same direction in every seed is unlikely to be chance. The burn-in "
    "(from early September of the year before) runs at each RESET, so day 1 is 1 January with journeys and camps "
    "already under way. The numbers are those of a model, for reasoning about trade-offs, not forecasts."
)


@solara.component
def Layout(children: list = []) -> None:  # noqa: B006 (Solara's layout signature)
    """No app bar, no sidebar: the page is the whole window."""
    solara.Div(children=children, style="margin: 0; padding: 0;")
