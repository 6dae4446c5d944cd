"""Matplotlib figures of the dashboard: the map of routes and the Channel, and the charts against the baseline.

Plain ``matplotlib.figure.Figure`` objects (no pyplot: no GUI backend, no global state shared between the
browser sessions that Solara serves from threads). Each figure is built once per model (axes, coastlines, labels,
layout) and only its data artists change from day to day, which keeps a redraw to a small fraction of a second.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from sim.dashboard.classroom import ClassroomModel, Today, Trace
from sim.dashboard.map_coordinates import (
    CHANNEL_EXTENT,
    ENGLISH_COASTLINE,
    EUROPE_EXTENT,
    FRENCH_COASTLINE,
    NODES,
    SUPPLY_NODES,
)
from sim.geography import UK
from sim.results.outcomes import OUTCOMES

CURRENT = "#1565c0"  # your settings
BASELINE = "#8d8d8d"  # the baseline, same seed
PEOPLE = "#ef6c00"  # people on the move, camps, boats
STOPPED = "#c62828"  # seizures and launches stopped on the beach
POLICE = "#283593"  # patrols and Border Force
LAND_UK = "#e8f0e0"
LAND_FR = "#f3efe2"
MAX_BOATS_DRAWN = 30  # boat markers per launch area (the count is written beside them)
MAX_MARKS = 10  # markers for launches stopped and boats met at sea (the count is written beside them)

PRETTY = {
    "dunkirk_gravelines": "Dunkirk–Gravelines",
    "calais": "Calais",
    "boulogne_wimereux_le_portel": "Boulogne–Le Portel",
    "somme_authie_estuaries": "Somme & Authie",
    "middle_east": "Middle East",
    "horn_of_africa": "Horn of Africa",
    "albania_vietnam": "Albania / Vietnam",
    "kapitan_andreevo": "Kapitan Andreevo",
    "greek_islands": "Greek islands",
    "french_coast": "French coast",
    "france_inland": "inland France",
    "uk_landing": "Kent",
}

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def pretty(name: str) -> str:
    return PRETTY.get(name, name.replace("_", " ").title())


def _n(x: float) -> str:
    return f"{round(x):,}"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


# ------------------------------------------------------------------------------------------------------- map
class ChannelMap:
    """Left: routes across Europe, width = people on each leg now, stars = seizures in the supply chain.
    Right: the Channel, camps (people waiting), beach patrols, today's boats, launches stopped on the beach,
    boats met at sea, deaths and people landed."""

    def __init__(self, model: ClassroomModel) -> None:
        self.model = model
        # Fixed margins (no layout engine): each panel keeps its map aspect and is centred in its slot.
        self.fig = Figure(figsize=(13.0, 5.6), dpi=80)
        self.ax_eu, self.ax_ch = self.fig.subplots(1, 2, width_ratios=[0.8, 1.2])
        self.fig.subplots_adjust(left=0.005, right=0.995, bottom=0.01, top=0.935, wspace=0.03)
        self._setup_routes()
        self._setup_channel()
        self.update(model.today())

    # ------------------------------------------------------------------------------------ routes
    def _setup_routes(self) -> None:
        ax, m = self.ax_eu, self.model
        x0, x1, y0, y1 = EUROPE_EXTENT
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect(1.0 / np.cos(np.radians(35.0)))
        ax.set_facecolor("#eef5fb")
        ax.set_xticks([])
        ax.set_yticks([])
        geo = m.channel.geo
        self.edges: list[tuple[list[tuple[int, int]], Line2D, object]] = []
        segments: dict[tuple[str, str], list[tuple[int, int]]] = {}
        for r, route in enumerate(geo.route_names):
            prev = m.channel.cfg.world.routes[route].origin or f"{route}_origin"
            for j, node in enumerate(geo.leg_nodes[r]):
                segments.setdefault((prev, node), []).append((r, j))
                prev = node
        for (a, b), legs in segments.items():
            (xa, ya), (xb, yb) = NODES[a], NODES[b]
            (line,) = ax.plot([xa, xb], [ya, yb], color=PEOPLE, alpha=0.55, solid_capstyle="round", zorder=2)
            label = ax.text((xa + xb) / 2, (ya + yb) / 2, "", fontsize=9, color="#5d3200", ha="center", zorder=5)
            self.edges.append((legs, line, label))
        for node, data in geo.graph.nodes(data=True):
            kind = data.get("kind")
            if kind == "launch_area" or node == UK:
                continue
            x, y = NODES[node]
            if kind == "origin":
                ax.plot(x, y, "o", ms=9, color="#6d4c41", zorder=4)
                ax.text(
                    x - 0.9,
                    y,
                    pretty(node),
                    fontsize=9,
                    ha="right",
                    va="center",
                    weight="bold",
                    zorder=6,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7},
                )
            elif kind == "coast":
                ax.plot(x, y, "o", ms=6, color="#424242", zorder=4)
            else:
                ax.plot(x, y, "o", ms=4, color="#424242", zorder=4)
                ax.text(x + 0.5, y + 0.3, pretty(node), fontsize=9, color="#424242", zorder=6, clip_on=True)
        cx0, cx1, cy0, cy1 = CHANNEL_EXTENT
        ax.add_patch(Rectangle((cx0, cy0), cx1 - cx0, cy1 - cy0, fill=False, ec="#37474f", lw=1.0, zorder=3))
        ax.text(cx1 + 0.4, cy1 + 0.3, "the Channel →", fontsize=8.5, color="#37474f", zorder=6)
        self.stars = {}
        for node, (x, y) in SUPPLY_NODES.items():
            (star,) = ax.plot(x, y, "*", ms=9, color=STOPPED, mec="white", zorder=8, visible=False)
            west = x < 15.0  # labels of western nodes go right, of eastern nodes left, to stay in the frame
            today = ax.text(
                x + 0.6 if west else x - 0.6,
                y + 0.9,
                "",
                fontsize=9,
                color=STOPPED,
                weight="bold",
                ha="left" if west else "right",
                zorder=9,
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85},
            )
            self.stars[node] = (star, today)
        self.seized_box = ax.text(
            0.01,
            0.01,
            "",
            transform=ax.transAxes,
            ha="left",
            va="bottom",
            fontsize=8.5,
            color=STOPPED,
            zorder=10,
            bbox={"boxstyle": "round", "fc": "white", "ec": "#ef9a9a", "alpha": 0.9},
        )
        self.eu_title = ax.set_title("", fontsize=12, loc="left")
        ax.legend(
            handles=[
                Line2D([], [], color=PEOPLE, lw=4, alpha=0.55, label="people on this leg now"),
                Line2D([], [], marker="*", ls="", ms=11, color=STOPPED, label="boats/engines seized"),
            ],
            loc="upper right",
            fontsize=8.5,
            framealpha=0.9,
        )

    def _update_routes(self, today: Today) -> None:
        m = self.model
        transit = today.in_transit_by_leg
        for legs, line, label in self.edges:
            n = float(sum(transit[r, j] for r, j in legs))
            line.set_linewidth(0.8 + 9.0 * np.sqrt(n / m.ref_transit))
            label.set_text(_n(n) if n >= 1 else "")
        for node, (star, text) in self.stars.items():
            now = today.seized_by_node.get(node, 0)
            year = today.seized_by_node_year.get(node, 0)
            star.set_visible(bool(now or year))
            star.set_markersize(18 + 2 * np.sqrt(now) if now else 9)
            star.set_alpha(1.0 if now else 0.45)
            text.set_text(f"{now} seized today" if now else "")
        year = [(pretty(k), v) for k, v in today.seized_by_node_year.items() if v]
        self.seized_box.set_text(
            "Boats and engines seized\nthis year:\n"
            + "\n".join(" · ".join(f"{k} {v:,}" for k, v in year[i : i + 2]) for i in range(0, len(year), 2))
            if year
            else "No seizures yet this year"
        )
        self.eu_title.set_text(f"Routes to the French coast: {_n(transit.sum())} people on the way")

    # ------------------------------------------------------------------------------------ Channel
    def _setup_channel(self) -> None:
        ax, m = self.ax_ch, self.model
        x0, x1, y0, y1 = CHANNEL_EXTENT
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect(1.0 / np.cos(np.radians(50.8)))
        ax.set_facecolor("#d6e9f8")
        ax.set_xticks([])
        ax.set_yticks([])
        fr, uk = np.array(FRENCH_COASTLINE), np.array(ENGLISH_COASTLINE)
        ax.fill(
            np.r_[fr[:, 0], x1 + 1, x1 + 1, x0 - 1], np.r_[fr[:, 1], fr[-1, 1], y0 - 1, y0 - 1], color=LAND_FR, zorder=1
        )
        ax.fill(
            np.r_[uk[:, 0], x1 + 1, x0 - 1, x0 - 1], np.r_[uk[:, 1], y1 + 1, y1 + 1, uk[0, 1]], color=LAND_UK, zorder=1
        )
        ax.plot(fr[:, 0], fr[:, 1], color="#8d6e63", lw=1.2, zorder=2)
        ax.plot(uk[:, 0], uk[:, 1], color="#689f38", lw=1.2, zorder=2)
        ax.text(2.3, 50.2, "FRANCE", fontsize=13, color="#bcaaa4", weight="bold", ha="center", zorder=2)
        ax.text(0.75, 51.3, "ENGLAND", fontsize=13, color="#9ccc65", weight="bold", ha="center", zorder=2)

        geo = m.channel.geo
        self.ux, self.uy = NODES[UK]
        ax.plot(self.ux, self.uy, "s", ms=9, color="#33691e", zorder=6)
        self.landed = ax.text(
            self.ux - 0.06, self.uy + 0.06, "", fontsize=8.5, ha="right", color="#33691e", weight="bold", zorder=7
        )
        xy = np.array([NODES[a] for a in geo.area_names])
        self.area_xy = xy
        camp_xy = xy + np.array([0.09, -0.05])  # the camps lie a little inland of their beaches
        self.camps = ax.scatter(
            camp_xy[:, 0], camp_xy[:, 1], s=np.full(len(xy), 40.0), color=PEOPLE, alpha=0.45, ec="#bf360c", zorder=4
        )
        # Labels in a column on the French side, north to south, with a leader line to each camp.
        order = np.argsort(-xy[:, 1])
        label_y = np.linspace(y1 - 0.42, y0 + 0.3, len(xy)) if len(xy) > 1 else np.array([xy[0, 1]])
        label_x = x1 - 0.78
        self.patrols = []
        self.area_labels = [None] * len(xy)
        self.boats = []
        for rank, a in enumerate(order):
            ly = label_y[rank]
            ax.plot([camp_xy[a, 0], label_x - 0.03], [camp_xy[a, 1], ly], color="#9e9e9e", lw=0.6, zorder=3)
            ax.text(label_x, ly + 0.005, pretty(geo.area_names[a]), fontsize=9, weight="bold", va="bottom", zorder=7)
            self.area_labels[a] = ax.text(label_x, ly - 0.005, "", fontsize=8.5, va="top", zorder=7)
        for a in range(len(xy)):
            x, y = xy[a]
            (p,) = ax.plot([x - 0.01], [y], marker="s", ls="", color=POLICE, zorder=5)
            self.patrols.append(p)
            ax.plot([x, self.ux], [y, self.uy], color=PEOPLE, lw=0.5, ls=":", alpha=0.6, zorder=3)
            (b,) = ax.plot([], [], marker=(3, 0, 30), ls="", ms=6, color=PEOPLE, mec="#6d2e00", zorder=6)
            self.boats.append(b)
        (self.stopped_marks,) = ax.plot([], [], "x", ms=7, mew=2, color=STOPPED, zorder=8)
        self.stopped_text = ax.text(2.02, 50.52, "", fontsize=9, color=STOPPED, weight="bold", va="top", zorder=8)
        (self.met_marks,) = ax.plot([], [], "s", ms=5, color=POLICE, zorder=8)
        self.met_text = ax.text(0.42, 50.76, "", fontsize=9, color=POLICE, weight="bold", va="top", zorder=8)
        (self.death_mark,) = ax.plot([1.2], [50.62], "X", ms=12, color="black", zorder=9, visible=False)
        self.death_text = ax.text(1.25, 50.62, "", fontsize=9, weight="bold", va="center", zorder=9)
        self.ch_title = ax.set_title("", fontsize=12, loc="left")
        ax.legend(
            handles=[
                Line2D([], [], marker="o", ls="", ms=10, color=PEOPLE, alpha=0.45, label="camp: people waiting"),
                Line2D([], [], marker="s", ls="", ms=6, color=POLICE, label="beach patrols (officers)"),
                Line2D([], [], marker=(3, 0, 30), ls="", ms=7, color=PEOPLE, label="launch tried today"),
                Line2D([], [], marker="x", ls="", ms=7, mew=2, color=STOPPED, label="launch stopped on the beach"),
            ],
            loc="upper right",
            fontsize=8.5,
            framealpha=0.9,
        )

    def _update_channel(self, today: Today) -> None:
        m, f = self.model, today.flows
        ux, uy = self.ux, self.uy
        self.landed.set_text(f"landed in Kent today:\n{_plural(int(f['people_arrived']), 'person', 'people')}")
        w = today.waiting_by_area.astype(float)
        self.camps.set_sizes(40 + 2600 * w / m.ref_waiting)
        for a in range(len(self.area_xy)):
            x, y = self.area_xy[a]
            officers = float(today.officers_by_area[a])
            self.patrols[a].set_markersize(3 + 9 * np.sqrt(officers / 1500.0))
            n = int(today.launch_attempts_by_area[a])
            tried = _plural(n, "launch", "launches") + " tried today" if n else "no launch today"
            self.area_labels[a].set_text(f"{_n(w[a])} waiting · {_n(officers)} officers\n{tried}")
            k = np.arange(min(n, MAX_BOATS_DRAWN))
            t = 0.1 + 0.8 * (k + 0.5) / max(k.size, 1)
            off = ((k % 3) - 1) * 0.03
            self.boats[a].set_data(x + t * (ux - x) + off, y + t * (uy - y) - off)
        stopped = int(f["launches_prevented"])
        k = np.arange(min(stopped, MAX_MARKS))
        self.stopped_marks.set_data(np.full(k.size, 1.98), 50.49 - 0.035 * k)
        self.stopped_text.set_text(
            f"{_plural(stopped, 'launch', 'launches')} stopped\non the beach today" if stopped else ""
        )
        met = int(f.get("boats_intercepted_at_sea", 0))
        k = np.arange(min(met, MAX_MARKS))
        self.met_marks.set_data(0.45 + 0.05 * k, np.full(k.size, 50.8))
        self.met_text.set_text(f"{_plural(met, 'boat', 'boats')} met at sea by Border Force" if met else "")
        deaths = int(f["deaths_at_sea"])
        self.death_mark.set_visible(deaths > 0)
        self.death_text.set_text(f"{_plural(deaths, 'death', 'deaths')} at sea today" if deaths else "")
        launched = int(f["boats_launched"])
        date = today.date.strftime("%a %d %b %Y") if today.date else ""
        if today.day == 0:
            date += " (before the year starts)"
        sea = "calm" if today.wave_m < 0.6 else ("choppy" if today.wave_m < 1.1 else "rough")
        self.ch_title.set_text(
            f"The Channel, {date}: waves {today.wave_m:.1f} m ({sea}), {_plural(launched, 'boat', 'boats')} at sea"
        )

    def update(self, today: Today | None = None) -> Figure:
        today = today or self.model.today()
        self._update_routes(today)
        self._update_channel(today)
        return self.fig


# ---------------------------------------------------------------------------------------------------- charts
ROLLING_DAYS = 28
CHARTS = (  # (outcome, title: its label in the outcome catalogue, how it is drawn)
    ("people_arrived", OUTCOMES["people_arrived"].label, "cumulative"),
    ("deaths_at_sea", OUTCOMES["deaths_at_sea"].label, "cumulative"),
    ("people_per_boat", f"{OUTCOMES['people_per_boat'].label} ({ROLLING_DAYS // 7}-week average)", "per_boat"),
    ("mean_price_gbp", OUTCOMES["mean_price_gbp"].label, "level"),
    ("launches_by_area", f"{OUTCOMES['launch_attempts_by_area'].label}, so far", "areas"),
    ("people_deterred", OUTCOMES["people_deterred"].label, "cumulative"),
)


def series(trace: Trace, key: str, kind: str, n: int) -> np.ndarray:
    """A chart's values for the first ``n`` counted days."""
    if kind == "cumulative":
        return np.cumsum(trace.cols[key][:n])
    if kind == "level":
        return np.asarray(trace.cols[key][:n], dtype=float)
    if kind == "per_boat":
        if n == 0:
            return np.zeros(0)
        window = np.ones(ROLLING_DAYS)
        people = np.convolve(trace.cols["people_arrived"][:n], window)[:n]
        boats = np.convolve(trace.cols["boats_arrived"][:n], window)[:n]
        return np.divide(people, boats, out=np.full(n, np.nan), where=boats > 0)
    raise ValueError(kind)


def _change(cur: float, base: float) -> str:
    diff = cur - base
    if abs(base) > 1e-9:
        return f"{diff:+,.0f} ({100 * diff / base:+.0f}%)"
    return f"{diff:+,.0f}"


def _last(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite[-1]) if finite.size else 0.0


class Charts:
    """Six charts: your settings (blue) against the baseline (grey, dashed) up to the same day."""

    def __init__(self, model: ClassroomModel) -> None:
        self.model = model
        current = model.trace
        # Fixed margins (not a layout engine): tick labels grow through the year and must not shift the axes.
        self.fig = Figure(figsize=(13.0, 6.4), dpi=80)
        self.axes = self.fig.subplots(2, 3).ravel()
        self.fig.subplots_adjust(left=0.055, right=0.985, bottom=0.05, top=0.9, wspace=0.38, hspace=0.42)
        self.days = current.days
        self.month_starts = [i + 1 for i, d in enumerate(current.dates) if d.day == 1 or i == 0]
        self.month_names = [MONTHS[current.dates[i - 1].month - 1] for i in self.month_starts]
        self.lines = {}
        for ax, (key, title, kind) in zip(self.axes, CHARTS, strict=True):
            if kind == "areas":
                self._setup_areas(ax, current)
                continue
            (base,) = ax.plot([], [], color=BASELINE, lw=1.6, ls="--", label="baseline: no levers, same seed")
            (cur,) = ax.plot([], [], color=CURRENT, lw=2.0, label="your settings")
            self.lines[key] = (ax, base, cur, title, kind)
            ax.tick_params(labelsize=9)
            ax.grid(alpha=0.3, axis="y")
            if kind == "level":
                ax.yaxis.set_major_formatter(lambda v, _: f"£{v:,.0f}")
            elif kind == "cumulative":
                ax.yaxis.set_major_formatter(lambda v, _: f"{v:,.0f}")
            ax.set_title(f"{title}\n", fontsize=11, loc="left")
        self.axes[0].legend(fontsize=9, loc="upper left")
        self.update()

    def _setup_areas(self, ax, current: Trace) -> None:
        names = [pretty(a) for a in current.area_names]
        y = np.arange(len(names))
        zeros = np.zeros(len(names))
        self.bars_base = ax.barh(y - 0.2, zeros, height=0.38, color=BASELINE, label="baseline")
        self.bars_cur = ax.barh(y + 0.2, zeros, height=0.38, color=CURRENT, label="your settings")
        self.bar_text = [ax.text(0, yi + 0.2, "", va="center", fontsize=8.5, color=CURRENT) for yi in y]
        ax.set_yticks(y)
        ax.set_yticklabels(names, fontsize=9)
        ax.set_ylim(len(names) - 0.5, -0.5)
        ax.tick_params(axis="x", labelsize=9)
        ax.grid(alpha=0.3, axis="x")
        self.areas_ax = ax
        self.far = int(np.argmax(current.area_distance_km))
        self.area_names = names
        ax.set_title("\n", fontsize=11, loc="left")

    def _update_areas(self, current: Trace, baseline: Trace, n: int) -> None:
        cur = current.launches_by_area[:n].sum(axis=0)
        base = baseline.launches_by_area[:n].sum(axis=0)
        for bar, v in zip(self.bars_base, base, strict=True):
            bar.set_width(v)
        for bar, text, v in zip(self.bars_cur, self.bar_text, cur, strict=True):
            bar.set_width(v)
            text.set_position((v, bar.get_y() + bar.get_height() / 2))
            text.set_text(f" {v:,.0f}")
        self.areas_ax.set_xlim(0, max(1.0, float(max(cur.max(), base.max()))) * 1.18)
        far = self.far
        share_c = 100 * cur[far] / cur.sum() if cur.sum() else 0.0
        share_b = 100 * base[far] / base.sum() if base.sum() else 0.0
        self.areas_ax.set_title(
            f"Launch attempts by area, so far\n{self.area_names[far]} (farthest): {share_c:.0f}% vs {share_b:.0f}%",
            fontsize=11,
            loc="left",
        )

    def update(self) -> Figure:
        m = self.model
        current, baseline, n = m.trace, m.baseline, m.days_done
        x = np.arange(1, n + 1)
        # The time axis grows with the year (at least two months, a fortnight ahead of today), so that the first
        # weeks are readable; ticks at the first of each month, every other month once the axis is long.
        right = min(self.days, max(61, n + 15))
        every = 1 if right <= 200 else 2
        ticks = [(t, name) for t, name in zip(self.month_starts, self.month_names, strict=True) if t <= right]
        ticks = ticks[::every]
        for key, (ax, base_line, cur_line, title, kind) in self.lines.items():
            ax.set_xlim(1, max(right, 2))
            ax.set_xticks([t for t, _ in ticks], [name for _, name in ticks])
            cur = series(current, key, kind, n)
            base = series(baseline, key, kind, n)
            base_line.set_data(x, base)
            cur_line.set_data(x, cur)
            if n:
                both = np.concatenate([cur, base])
                both = both[np.isfinite(both)]
                lo, hi = (float(both.min()), float(both.max())) if both.size else (0.0, 1.0)
                if kind == "cumulative":
                    lo, hi = 0.0, max(hi, 10.0)
                pad = 0.08 * max(hi - lo, 1.0)
                ax.set_ylim(lo - (0 if kind == "cumulative" else pad), hi + pad)
                c, b = _last(cur), _last(base)
                if kind == "per_boat":
                    sub = f"now {c:.0f} vs {b:.0f} in the baseline"
                elif kind == "level":
                    sub = f"now £{c:,.0f} vs £{b:,.0f} in the baseline"
                else:
                    sub = f"{c:,.0f} vs {b:,.0f} in the baseline: {_change(c, b)}"
            else:
                ax.set_ylim(0, 10)
                sub = "press STEP or ▶ to start the year"
            ax.set_title(f"{title}\n{sub}", fontsize=11, loc="left")
        self._update_areas(current, baseline, n)
        return self.fig
