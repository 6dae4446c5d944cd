"""The classroom dashboard page: Mesa's SolaraViz controls, the map, the scoreboard and the charts.

Served by ``python -m sim.dashboard`` (or ``solara run sim.dashboard.app``). SolaraViz provides the sidebar:
play interval and days per redraw (speed), Reset / Play / Step, and the model parameters, which are the
levers and the seed of ``sim/dashboard/controls.py``; pressing Reset builds a new ``ClassroomModel`` from them.
The main area is laid out here (SolaraViz gets ``components=[]``: its component grid would give the map and the
charts small draggable tiles) and redrawn after every step through Mesa's ``update_counter``.
"""

from __future__ import annotations

import html
import time

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from sim.dashboard.classroom import ClassroomModel
from sim.dashboard.controls import CONTROLS, model_params
from sim.dashboard.figures import ChannelMap, Charts, png
from sim.results.outcomes import OUTCOMES

TITLE = "Channel crossings: pull the levers, see the trade-offs"
PLAY_INTERVAL_MS = 20  # pause between days when playing (the drawing takes longer than this)

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
    ("policy_cost_gbp", "£{:,.1f}m"),
)


STYLE = """
<style>
.channel-score { border-collapse: collapse; width: 100%; font-size: 13px; }
.channel-score th, .channel-score td { padding: 1px 6px; border-bottom: 1px solid #e0e0e0; text-align: right; }
.channel-score th:first-child, .channel-score td:first-child { text-align: left; }
.channel-score td.current { color: #1565c0; font-weight: 600; } .channel-score td.baseline { color: #616161; }
</style>
"""


def _fmt(fmt: str, value: float, key: str) -> str:
    if key == "policy_cost_gbp":
        value = value / 1e6
    return fmt.format(value)


def scoreboard_html(model: ClassroomModel) -> str:
    """Totals so far under the current settings and in the baseline on the same day."""
    cur, base = model.totals(), model.baseline_totals()
    rows = []
    for key, fmt in ROWS:
        label = OUTCOMES[key].label
        c, b = cur[key], base[key]
        diff = c - b
        if abs(diff) < 1e-9:
            change = "same"
        else:
            pct = f" ({100 * diff / b:+.0f}%)" if abs(b) > 1e-9 else ""
            sign = "+" if diff > 0 else "−"
            pct = pct.replace("-", "−")
            change = f"{sign}{_fmt(fmt, abs(diff), key)}{pct}" if "%" not in fmt else f"{sign}{100 * abs(diff):.1f} pts"
        rows.append(
            f"<tr data-key='{key}'><td>{html.escape(label)}</td><td class='current'>{_fmt(fmt, c, key)}</td>"
            f"<td class='baseline'>{_fmt(fmt, b, key)}</td><td class='change'>{change}</td></tr>"
        )
    return (
        STYLE
        + "<table class='channel-score'><thead><tr><th>So far this year</th><th>your settings</th>"
        + "<th>baseline</th><th>change</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def settings_text(model: ClassroomModel) -> str:
    """The levers in use, each with the settings moved away from its configs/policy/NAME.yaml values."""
    if not model.levers:
        return "none: this is the baseline (2024 as it was), so both lines are the same"
    labels = {c.lever: c.label for c in CONTROLS}
    parts = []
    for name in model.levers:
        moved = [
            o.split("=", 1)[0].rsplit(".", 1)[1].replace("_", " ") + " " + o.split("=", 1)[1]
            for o in model.lever_overrides
            if o.startswith(f"policy.{name}.")
        ]
        parts.append(labels.get(name, name) + (f" ({', '.join(moved)})" if moved else ""))
    return "; ".join(parts)


def header(model: ClassroomModel) -> None:
    """The day, the levers in use and the equivalent command line (drawn inside Dashboard on every day)."""
    date = model.date.strftime("%A %d %B %Y") if model.date else "before the year starts (press STEP or ▶)"
    with solara.Card(margin=0):
        solara.Markdown(
            f"### Day {model.days_done} of {model.days}: {date}\n"
            f"**Levers in use:** {html.escape(settings_text(model))}  \n"
            f"**Same run from the command line:** `{html.escape(model.command_line())}`  \n"
            "Change levers or the seed on the left, then press **RESET** to start the year again with them. "
            "Grey dashed lines and the *baseline* column are the same seed with no levers, up to the same day.",
            style={"font-size": "14px"},
        )


@solara.component
def Dashboard(model: ClassroomModel) -> None:
    update_counter.get()  # Mesa's step/reset counter: redraw after every step
    figures = solara.use_memo(lambda: (ChannelMap(model), Charts(model)), [model])
    day = model.days_done

    def draw() -> tuple[bytes, bytes, float]:
        t0 = time.perf_counter()
        images = png(figures[0].update()), png(figures[1].update())
        return images[0], images[1], time.perf_counter() - t0

    map_png, charts_png, draw_seconds = solara.use_memo(draw, [model, day])
    with solara.Columns([5, 7]):
        header(model)
        with solara.Card(margin=0):
            solara.HTML(tag="div", unsafe_innerHTML=scoreboard_html(model), classes=["channel-scoreboard"])
    with solara.Card(margin=0, style={"margin-top": "8px"}):
        solara.Image(map_png, width="100%", classes=["channel-map"])
    with solara.Card(margin=0, style={"margin-top": "8px"}):
        solara.Image(charts_png, width="100%", classes=["channel-charts"])
    solara.Text(
        f"Day {day}: simulated in {1000 * model.step_seconds:.0f} ms, drawn in {1000 * draw_seconds:.0f} ms. "
        f"The {model.channel.burn_in} days of burn-in before the year starts were run at reset.",
        classes=["channel-timing"],
        style={"color": "#757575", "font-size": "12px"},
    )


@solara.component
def Page() -> None:
    initial = solara.use_memo(ClassroomModel, [])
    model = solara.use_reactive(initial)
    SolaraViz(
        model,
        components=[],
        model_params=model_params(),
        name=TITLE,
        play_interval=PLAY_INTERVAL_MS,
    )
    Dashboard(model.value)
