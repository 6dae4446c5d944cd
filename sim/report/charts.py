"""Charts of the scenario report (``sim/report/``), drawn with matplotlib into a region of any figure.

Every chart is a function ``draw(fig, rect)`` that places its axes inside ``rect`` (left, bottom, width, height in
figure fractions) with margins fixed in inches, so the same function draws the chart as a stand-alone image for
the HTML report and inside an A4 page of the PDF, and both look the same. Colours are the Okabe-Ito palette
(safe for the common forms of colour blindness); the baseline is always black.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import matplotlib.dates as mdates
import numpy as np
from matplotlib.figure import Figure
from matplotlib.gridspec import GridSpec
from matplotlib.ticker import FuncFormatter, MaxNLocator

from sim.results.fmt import axis_count, axis_gbp, count
from sim.results.stats import Q_HI, Q_LO

# Okabe & Ito (2008), "Color universal design": black first (the baseline), yellow last (weak on white).
OKABE_ITO = ("#000000", "#E69F00", "#0072B2", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
MARKERS = ("o", "s", "D", "^", "v", "P", "X", "<")
OBSERVED_COLOUR = "#D55E00"

# Text sizes in points, chosen to stay readable on an A4 page (charts are printed about 7 inches wide).
RC = {
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.titlesize": 9.5,
    "axes.titleweight": "bold",
    "axes.labelsize": 8.5,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "pdf.fonttype": 42,  # TrueType in the PDF: text can be searched and copied
    "svg.fonttype": "none",
}


def colour(i: int) -> str:
    return OKABE_ITO[i % len(OKABE_ITO)]


def marker(i: int) -> str:
    return MARKERS[i % len(MARKERS)]


# --------------------------------------------------------------------------------------------------- layout
def grid(
    fig: Figure,
    rect: Sequence[float],
    nrows: int = 1,
    ncols: int = 1,
    *,
    left: float = 0.8,
    right: float = 0.15,
    bottom: float = 0.55,
    top: float = 0.35,
    hspace: float = 0.75,
    wspace: float = 0.8,
) -> GridSpec:
    """A GridSpec filling ``rect`` with margins and gaps given in inches (so the look does not depend on size)."""
    fw, fh = fig.get_size_inches()
    x0, y0, w, h = rect
    width_in, height_in = w * fw - left - right, h * fh - bottom - top
    ax_w = (width_in - (ncols - 1) * wspace) / ncols
    ax_h = (height_in - (nrows - 1) * hspace) / nrows
    return fig.add_gridspec(
        nrows,
        ncols,
        left=x0 + left / fw,
        right=x0 + w - right / fw,
        bottom=y0 + bottom / fh,
        top=y0 + h - top / fh,
        hspace=hspace / max(ax_h, 1e-3),
        wspace=wspace / max(ax_w, 1e-3),
    )


def _month_axis(ax) -> None:
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 3, 5, 7, 9, 11)))
    ax.xaxis.set_minor_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b"))


def _no_data(ax, text: str = "no data") -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#666666")


# ---------------------------------------------------------------------------------------------- chart data
@dataclass
class Series:
    """One scenario's values: ``values`` is one row per simulated run, one column per x point."""

    name: str
    colour: str
    marker: str
    values: np.ndarray

    def band(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Median and the 90% interval of the runs (the one definition, ``sim.results.stats``: 5th-95th
        percentile), per x point (NaN where no run has a value)."""
        lo, hi = Q_LO / 100.0, Q_HI / 100.0
        v = np.asarray(self.values, dtype=float)
        with np.errstate(all="ignore"), _quiet():
            return (np.nanquantile(v, 0.5, axis=0), np.nanquantile(v, lo, axis=0), np.nanquantile(v, hi, axis=0))


class _quiet:
    def __enter__(self):
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        self._w.__exit__(*exc)


@dataclass
class Point:
    """A scenario's mean and 90% interval of runs on one outcome, and the runs' own values."""

    mean: float
    lo: float
    hi: float
    seeds: np.ndarray = field(default_factory=lambda: np.zeros(0))


# ------------------------------------------------------------------------------------------------- charts
def tradeoff(
    fig: Figure,
    rect: Sequence[float],
    names: Sequence[str],
    arrivals: Sequence[Point],
    deaths: Sequence[Point],
    rates: Sequence[Point],
    period: str,
) -> None:
    """Arrivals against deaths at sea (left) and deaths per 1,000 arrivals (right), one marker per scenario."""
    gs = grid(fig, rect, 1, 2, left=0.75, bottom=1.05, top=0.45, wspace=0.75)
    panels = (
        (deaths, f"Deaths at sea, {period}", "deaths at sea (people)"),
        (rates, "Deaths per 1,000 people arriving", "deaths per 1,000 arrivals"),
    )
    handles = []
    for j, (ys, title, ylabel) in enumerate(panels):
        ax = fig.add_subplot(gs[0, j])
        for i, name in enumerate(names):
            x, y = arrivals[i], ys[i]
            if len(x.seeds) == len(y.seeds) and len(x.seeds) > 1:
                ax.scatter(x.seeds, y.seeds, s=14, color=colour(i), alpha=0.4, marker=marker(i), linewidths=0)
            xerr = None if not np.isfinite(x.lo) else [[x.mean - x.lo], [x.hi - x.mean]]
            yerr = None if not np.isfinite(y.lo) else [[y.mean - y.lo], [y.hi - y.mean]]
            h = ax.errorbar(
                x.mean,
                y.mean,
                xerr=xerr,
                yerr=yerr,
                fmt=marker(i),
                color=colour(i),
                markersize=7,
                capsize=3,
                elinewidth=1.2,
                markeredgecolor="white" if i else "black",
                zorder=4 if i == 0 else 3,
                label=name,
            )
            if j == 0:
                handles.append(h)
        ax.set_title(title, loc="left")
        ax.set_xlabel(f"people arrived in the UK, {period}")
        ax.set_ylabel(ylabel)
        ax.xaxis.set_major_formatter(FuncFormatter(axis_count))
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.set_ylim(bottom=0)
    fig.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(rect[0] + rect[2] / 2, rect[1]),
        ncols=min(len(names), 3),
        frameon=False,
        markerscale=0.9,
    )


def fan_charts(
    fig: Figure,
    rect: Sequence[float],
    panels: Sequence[tuple[str, str, np.ndarray, Sequence[Series], str]],
    n_seeds_text: str,
) -> None:
    """Small multiples over the year: median line and 5-95% band across runs for each scenario.

    ``panels``: (title, y-axis label, dates, series, y format: "count" | "gbp" | "plain").
    """
    n = len(panels)
    ncols = 2
    nrows = (n + ncols - 1) // ncols
    names = [s.name for s in panels[0][3]] if panels else []
    cols = [s.colour for s in panels[0][3]] if panels else []
    legend_rows = (len(names) + 1 + 2) // 3  # three entries a row, plus the band's entry
    gs = grid(fig, rect, nrows, ncols, left=0.75, bottom=0.45 + 0.2 * legend_rows, top=0.4, hspace=0.6, wspace=0.8)
    for k, (title, ylabel, dates, series, yfmt) in enumerate(panels):
        ax = fig.add_subplot(gs[k // ncols, k % ncols])
        any_data = False
        for s in series:
            med, lo, hi = s.band()
            if not np.isfinite(med).any():
                continue
            any_data = True
            ax.fill_between(dates, lo, hi, color=s.colour, alpha=0.15, linewidth=0)
            ax.plot(dates, med, color=s.colour, linewidth=1.5 if s.colour == OKABE_ITO[0] else 1.2)
        if not any_data:
            _no_data(ax)
        ax.set_title(title, loc="left")
        ax.set_ylabel(ylabel)
        ax.set_ylim(bottom=0)
        if yfmt == "gbp":
            ax.yaxis.set_major_formatter(FuncFormatter(axis_gbp))
        elif yfmt == "count":
            ax.yaxis.set_major_formatter(FuncFormatter(axis_count))
        ax.yaxis.set_major_locator(MaxNLocator(5))
        _month_axis(ax)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Line2D([], [], color=c, linewidth=2, label=nm) for nm, c in zip(names, cols, strict=True)]
    handles.append(Patch(color="#999999", alpha=0.35, label="band: 90% of the simulated runs (5% to 95%)"))
    fig.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(rect[0] + rect[2] / 2, rect[1]),
        ncols=3,
        frameon=False,
        columnspacing=1.2,
    )


def grouped_bars(
    ax,
    categories: Sequence[str],
    names: Sequence[str],
    values: np.ndarray,
    lo: np.ndarray | None = None,
    hi: np.ndarray | None = None,
    *,
    horizontal: bool = True,
    label=None,
) -> None:
    """Bars per category, one per scenario (values: scenarios x categories), with interval whiskers and, with
    ``label`` (a function of the value), each bar's value written past its whisker."""
    n_s, n_c = values.shape
    width = 0.8 / max(n_s, 1)
    pos = np.arange(n_c)
    ends = np.array(values, dtype=float)
    for i in range(n_s):
        off = pos - 0.4 + width * (i + 0.5)
        err = None
        if lo is not None and hi is not None and np.isfinite(lo[i]).all():
            err = np.vstack([values[i] - lo[i], hi[i] - values[i]]).clip(min=0)
            ends[i] = values[i] + err[1]
        kw = {"color": colour(i), "edgecolor": "white", "linewidth": 0.4, "label": names[i]}
        ekw = {"elinewidth": 0.8, "capsize": 1.5, "ecolor": "#444444"}
        if horizontal:
            ax.barh(off, values[i], height=width, xerr=err, error_kw=ekw, **kw)
        else:
            ax.bar(off, values[i], width=width, yerr=err, error_kw=ekw, **kw)
        if label is not None:
            for k in range(n_c):
                if np.isfinite(values[i, k]):
                    xy, shift = ((ends[i, k], off[k]), (2, 0)) if horizontal else ((off[k], ends[i, k]), (0, 2))
                    ax.annotate(label(values[i, k]), xy, xytext=shift, textcoords="offset points", fontsize=5.5,
                                va="center" if horizontal else "bottom", ha="left" if horizontal else "center",
                                color="#333333")  # fmt: skip
    if label is not None and np.isfinite(ends).any():  # room for the values past the longest bar
        top = 1.22 * float(np.nanmax(ends))
        ax.set_xlim(0, top) if horizontal else ax.set_ylim(0, top)
    if horizontal:
        ax.set_yticks(pos, categories)
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
    else:
        ax.set_xticks(pos, categories)
        ax.grid(axis="x", visible=False)


def side_effects(
    fig: Figure,
    rect: Sequence[float],
    names: Sequence[str],
    routes: tuple[Sequence[str], np.ndarray, np.ndarray, np.ndarray],
    areas: tuple[Sequence[str], np.ndarray, np.ndarray, np.ndarray],
    taxi: Sequence[Point],
    price: Sequence[Point],
    period: str,
) -> None:
    """Four panels: arrivals at the coast by route, launch attempts by area, taxi-boat share, price of a place."""
    gs = grid(fig, rect, 2, 2, left=1.55, right=0.2, bottom=0.95, top=0.4, hspace=0.85, wspace=1.75)
    ax = ax0 = fig.add_subplot(gs[0, 0])
    cats, v, lo, hi = routes
    if len(cats):
        grouped_bars(ax, cats, names, v, lo, hi, label=count)
        ax.xaxis.set_major_formatter(FuncFormatter(axis_count))
        ax.xaxis.set_major_locator(MaxNLocator(4))
    else:
        _no_data(ax)
    ax.set_title("People reaching the French coast, by route", loc="left")
    ax.set_xlabel(f"people, {period}")

    ax = fig.add_subplot(gs[0, 1])
    cats, v, lo, hi = areas
    if len(cats):
        grouped_bars(ax, cats, names, 100 * v, 100 * lo, 100 * hi, label=lambda x: f"{x:.0f}%")
    else:
        _no_data(ax)
    ax.set_title("Launch attempts by area", loc="left")
    ax.set_xlabel("% of all launch attempts")

    for j, (points, title, xlabel, fmt) in enumerate(
        (
            (taxi, "Taxi boats (picking people up at sea)", "% of boats launched", "pct"),
            (price, "Price of a place", "average price paid, £ per person", "gbp"),
        )
    ):
        ax = fig.add_subplot(gs[1, j])
        label = (lambda v: f"{v:.0f}%") if fmt == "pct" else (lambda v: f"£{v:,.0f}")
        _point_bars(ax, names, points, 100.0 if fmt == "pct" else 1.0, label, from_zero=fmt == "pct")
        ax.set_title(title, loc="left")
        ax.set_xlabel(xlabel)
        if fmt == "gbp":
            ax.xaxis.set_major_formatter(FuncFormatter(axis_gbp))
    handles, labels = ax0.get_legend_handles_labels()
    fig.legend(
        handles,
        labels,
        loc="lower center",
        bbox_to_anchor=(rect[0] + rect[2] / 2, rect[1]),
        ncols=min(len(names), 3),
        frameon=False,
    )


def _point_bars(ax, names: Sequence[str], points: Sequence[Point], scale: float, label=None, from_zero=True) -> None:
    """One horizontal bar per scenario with its interval as a whisker and its value written beside it.

    ``from_zero`` False (prices): dots with whiskers on an axis fitted to the values, since a bar drawn from a
    cut-off axis misleads and bars from zero hide differences of a few per cent."""
    y = np.arange(len(points))
    means = np.array([p.mean for p in points]) * scale
    err = None
    if all(np.isfinite(p.lo) for p in points):
        err = np.array([[p.mean - p.lo for p in points], [p.hi - p.mean for p in points]]).clip(min=0) * scale
    colours = [colour(i) for i in range(len(points))]
    if from_zero:
        ax.barh(
            y,
            means,
            height=0.6,
            xerr=err,
            color=colours,
            error_kw={"elinewidth": 0.8, "capsize": 2, "ecolor": "#444444"},
        )
    else:
        for i in range(len(points)):
            ax.errorbar(
                means[i],
                y[i],
                xerr=None if err is None else err[:, i : i + 1],
                fmt="o",
                color=colours[i],
                ms=5,
                elinewidth=0.8,
                capsize=2,
                ecolor="#444444",
            )
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_locator(MaxNLocator(4))
    ends = means + (err[1] if err is not None else 0)
    if from_zero:
        ax.set_xlim(0, 1.25 * np.nanmax(ends) if np.isfinite(np.nanmax(ends)) and np.nanmax(ends) > 0 else None)
    else:
        lows = means - (err[0] if err is not None else 0)
        span = max(np.nanmax(ends) - np.nanmin(lows), 1e-9)
        ax.set_xlim(np.nanmin(lows) - 0.1 * span, np.nanmax(ends) + 0.45 * span)
    if label is not None:
        for i in range(len(points)):
            if np.isfinite(means[i]):
                ax.annotate(
                    label(means[i]),
                    (ends[i], y[i]),
                    xytext=(3, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=6.5,
                    color="#333333",
                )


def monthly_pattern(
    fig: Figure,
    rect: Sequence[float],
    simulated: Series | None,
    observed_avg: np.ndarray,
    observed_avg_label: str,
    observed_last: np.ndarray | None,
    observed_last_label: str,
    sim_label: str,
) -> None:
    """Share of the year's arrivals in each month: simulated (median and 5-95% band) against observed."""
    gs = grid(fig, rect, 1, 1, left=0.75, right=2.3, bottom=0.5, top=0.4)
    ax = fig.add_subplot(gs[0, 0])
    months = np.arange(1, 13)
    if simulated is not None:
        med, lo, hi = simulated.band()
        ax.fill_between(months, 100 * lo, 100 * hi, color="#000000", alpha=0.15, linewidth=0)
        ax.plot(months, 100 * med, color="#000000", linewidth=1.8, marker="o", markersize=4, label=sim_label)
    ax.plot(
        months,
        100 * observed_avg,
        color=OBSERVED_COLOUR,
        linewidth=1.6,
        marker="s",
        markersize=4,
        label=observed_avg_label,
    )
    if observed_last is not None:
        ax.plot(
            months,
            100 * observed_last,
            color="#0072B2",
            linewidth=1.2,
            linestyle="--",
            marker="^",
            markersize=3.5,
            label=observed_last_label,
        )
    ax.set_xticks(months, [dt.date(2024, m, 1).strftime("%b") for m in months])
    ax.set_ylabel("% of the year's arrivals")
    ax.set_ylim(bottom=0)
    ax.set_title("Share of the year's small-boat arrivals in each month", loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)


def chart_png(title: str | None, height: float, draw, width: float, dpi: int = 150) -> bytes:
    """A chart as a stand-alone PNG, ``width`` x ``height`` inches (plus its title on top, if given): the same
    picture in the HTML and the PDF report."""
    import io

    import matplotlib

    title_h = 0.4 if title else 0.0
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(width, height + title_h))
        if title:
            fig.text(0.01, 1 - 0.12 / (height + title_h), title, fontsize=11, weight="bold", va="top", color="#17365d")
        draw(fig, (0.0, 0.0, 1.0, height / (height + title_h)))
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()
