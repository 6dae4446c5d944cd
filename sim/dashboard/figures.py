"""The dashboard's pictures as ECharts options: the map of routes and the Channel, and the charts against the baseline.

ECharts (shipped offline with Solara, drawn in the browser) replaces matplotlib here: a matplotlib PNG of the map
and charts took 0.4-0.8 s a day to render on the server, an ECharts option takes a few milliseconds to build and is
drawn by the browser in tens of milliseconds. The functions here are pure: model state in, a JSON-ready dict out
(plain floats, ISO dates), so they can be tested without a browser. Land and coasts are GeoJSON polygons
registered once with the chart (``MAPS``); everything that changes from day to day is a series.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from sim.dashboard.classroom import Classroom, Today, Trace
from sim.dashboard.map_coordinates import (
    CHANNEL_EXTENT,
    ENGLISH_COASTLINE,
    EUROPE_EXTENT,
    FRENCH_COASTLINE,
    LABEL_OFFSET,
    LABEL_POSITION,
    MIN_LEG_FOR_COUNT_DEG,
    NODES,
    SUPPLY_NODES,
)
from sim.geography import UK
from sim.results.outcomes import OUTCOMES

CURRENT = "#1565c0"  # your settings
BASELINE = "#757575"  # the baseline, same seed
BAND = "#9e9e9e"  # the baseline over several seeds
PEOPLE = "#ef6c00"  # people on the move, camps, boats
STOPPED = "#c62828"  # seizures and launches stopped on the beach
POLICE = "#283593"  # patrols and Border Force
MAX_BOATS_DRAWN = 30  # boat markers per launch area (the count is written beside them)
MAX_MARKS = 10  # markers for launches stopped (the count is written beside them)
STAR = "path://M50,0 L61,35 L98,35 L68,57 L79,91 L50,70 L21,91 L32,57 L2,35 L39,35 Z"  # a five-pointed star
CROSS = "path://M0,10 L10,0 L50,40 L90,0 L100,10 L60,50 L100,90 L90,100 L50,60 L10,100 L0,90 L40,50 Z"

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


def pretty(name: str) -> str:
    return PRETTY.get(name, name.replace("_", " ").title())


def _n(x: float) -> str:
    return f"{round(x):,}"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _pt(x: float, y: float) -> list[float]:
    return [round(float(x), 3), round(float(y), 3)]


# ----------------------------------------------------------------------------------------------------- the map
def _box(extent: tuple[float, float, float, float]) -> list[list[float]]:
    x0, x1, y0, y1 = extent
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]


def _feature(name: str, ring: Sequence[Sequence[float]]) -> dict[str, Any]:
    ring = [_pt(x, y) for x, y in ring]
    if ring[0] != ring[-1]:
        ring.append(ring[0])
    return {"type": "Feature", "properties": {"name": name}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def geo_maps() -> dict[str, dict]:
    """GeoJSON for the two panels: the frame of the route map, and France and England around the Strait."""
    x0, x1, y0, y1 = CHANNEL_EXTENT
    fr, uk = list(FRENCH_COASTLINE), list(ENGLISH_COASTLINE)
    france = [*fr, (x1, fr[-1][1]), (x1, y0), (fr[0][0], y0)]
    england = [*uk, (uk[-1][0], y1), (x0, y1), (x0, uk[0][1])]
    return {
        "routes": {"type": "FeatureCollection", "features": [_feature("Europe", _box(EUROPE_EXTENT))]},
        "channel": {
            "type": "FeatureCollection",
            "features": [
                _feature("France", france),
                _feature("England", england),
                _feature("sea", _box(CHANNEL_EXTENT)),
            ],
        },
    }


def _geo(name: str, extent: tuple[float, float, float, float], box: dict[str, Any], regions: list[dict]) -> dict:
    x0, x1, y0, y1 = extent
    return {
        "map": name,
        "boundingCoords": [[x0, y1], [x1, y0]],
        "aspectScale": float(np.cos(np.radians((y0 + y1) / 2))),
        "roam": False,
        "silent": True,
        "label": {"show": False},
        "itemStyle": {"areaColor": "#eef5fb", "borderColor": "#b0bec5", "borderWidth": 0.6},
        "regions": regions,
        **box,
    }


def _text(name: str, x: float, y: float, text: str, geo: int, **label: Any) -> dict:
    """A label at a map position (a scatter point with no symbol)."""
    return {
        "type": "scatter",
        "name": name,
        "coordinateSystem": "geo",
        "geoIndex": geo,
        "symbolSize": 1,  # ECharts draws no label for a point without a symbol
        "itemStyle": {"color": "rgba(0,0,0,0)"},
        "silent": True,
        "z": 6,
        "data": [{"value": _pt(x, y), "label": {"show": bool(text), "formatter": text, "lineHeight": 14, **label}}],
    }


def _route_series(m: Classroom, today: Today) -> list[dict]:
    geo = m.channel.geo
    segments: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for r, route in enumerate(geo.route_names):
        prev = m.channel.cfg.world.routes[route].origin or f"{route}_origin"
        for j, node in enumerate(geo.leg_nodes[r]):
            segments.setdefault((prev, node), []).append((r, j))
            prev = node
    transit = today.in_transit_by_leg
    lines = []
    for (a, b), legs in segments.items():
        n = float(sum(transit[r, j] for r, j in legs))
        long_enough = math.dist(NODES[a], NODES[b]) >= MIN_LEG_FOR_COUNT_DEG
        lines.append(
            {
                "coords": [_pt(*NODES[a]), _pt(*NODES[b])],
                "lineStyle": {"width": round(0.8 + 9.0 * float(np.sqrt(n / m.ref_transit)), 2)},
                "label": {"show": n >= 1 and long_enough, "formatter": _n(n)},
            }
        )
    places = []
    for node, data in geo.graph.nodes(data=True):
        kind = data.get("kind")
        if kind == "launch_area" or node == UK:
            continue
        origin = kind == "origin"
        places.append(
            {
                "value": _pt(*NODES[node]),
                "symbolSize": 9 if origin else 5,
                "itemStyle": {"color": "#6d4c41" if origin else "#424242"},
                "label": {
                    "show": kind != "coast",
                    "formatter": pretty(node),
                    "position": LABEL_POSITION.get(node, "right"),
                    "offset": list(LABEL_OFFSET.get(node, (0, 0))),
                    "fontWeight": "bold" if origin else "normal",
                },
            }
        )
    stars = []
    for node, (x, y) in SUPPLY_NODES.items():
        now, year = today.seized_by_node.get(node, 0), today.seized_by_node_year.get(node, 0)
        if now or year:
            stars.append(
                {
                    "value": _pt(x, y),
                    "symbolSize": round(16 + 2 * float(np.sqrt(now)), 1) if now else 10,
                    "itemStyle": {"opacity": 1.0 if now else 0.5},
                    "label": {
                        "show": bool(now),
                        "formatter": f"{now} seized today",
                        "position": "bottom" if x < 15.0 else "top",  # western labels below: the frame's top is near
                    },
                }
            )
    return [
        {
            "type": "lines",
            "name": "people on the move",
            "coordinateSystem": "geo",
            "geoIndex": 0,
            "silent": True,
            "lineStyle": {"color": PEOPLE, "opacity": 0.6, "curveness": 0, "cap": "round"},
            "label": {"position": "middle", "fontSize": 10, "color": "#5d3200"},
            "data": lines,
            "z": 2,
        },
        {
            "type": "scatter",
            "name": "places",
            "coordinateSystem": "geo",
            "geoIndex": 0,
            "silent": True,
            "label": {"fontSize": 11, "color": "#37474f", "distance": 4},
            "data": places,
            "z": 4,
        },
        {
            "type": "scatter",
            "name": "seizures",
            "coordinateSystem": "geo",
            "geoIndex": 0,
            "symbol": STAR,
            "silent": True,
            "itemStyle": {"color": STOPPED, "borderColor": "white", "borderWidth": 0.5},
            "label": {"position": "top", "fontSize": 11, "fontWeight": "bold", "color": STOPPED},
            "data": stars,
            "z": 8,
        },
        {
            "type": "lines",
            "name": "the Channel",
            "coordinateSystem": "geo",
            "geoIndex": 0,
            "polyline": True,
            "silent": True,
            "lineStyle": {"color": "#37474f", "width": 1},
            "data": [{"coords": [_pt(x, y) for x, y in _box(CHANNEL_EXTENT)]}],
        },
    ]


def _area_label_positions(xy: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """Labels of the launch areas in a column on the French side, north to south."""
    _, x1, y0, y1 = CHANNEL_EXTENT
    order = np.argsort(-xy[:, 1])
    ys = np.linspace(y1 - 0.3, y0 + 0.2, len(xy)) if len(xy) > 1 else np.array([xy[0, 1]])
    label_y = np.empty(len(xy))
    label_y[order] = ys
    return x1 - 1.2, label_y, order


def _channel_series(m: Classroom, today: Today) -> list[dict]:
    geo, f = m.channel.geo, today.flows
    ux, uy = NODES[UK]
    xy = np.array([NODES[a] for a in geo.area_names])
    camps = xy + np.array([0.09, -0.05])  # the camps lie a little inland of their beaches
    w = today.waiting_by_area.astype(float)
    label_x, label_y, _ = _area_label_positions(xy)
    boats, patrols, labels, leaders, paths = [], [], [], [], []
    for a in range(len(xy)):
        x, y = xy[a]
        officers = float(today.officers_by_area[a])
        patrols.append({"value": _pt(x - 0.01, y), "symbolSize": round(3 + 10 * float(np.sqrt(officers / 1500.0)), 1)})
        n = int(today.launch_attempts_by_area[a])
        k = np.arange(min(n, MAX_BOATS_DRAWN))
        t = 0.1 + 0.8 * (k + 0.5) / max(k.size, 1)
        off = ((k % 3) - 1) * 0.03
        boats += [_pt(x + ti * (ux - x) + oi, y + ti * (uy - y) - oi) for ti, oi in zip(t, off, strict=True)]
        tried = _plural(n, "launch", "launches") + " tried today" if n else "no launch today"
        labels.append(
            {
                "value": _pt(label_x, label_y[a]),
                "label": {
                    "show": True,
                    "formatter": f"{{b|{pretty(geo.area_names[a])}}}\n{_n(w[a])} waiting · {_n(officers)} officers"
                    f"\n{tried}",
                },
            }
        )
        leaders.append({"coords": [_pt(*camps[a]), _pt(label_x - 0.02, label_y[a])]})
        paths.append({"coords": [_pt(x, y), _pt(ux, uy)]})
    stopped = int(f["launches_prevented"])
    k = np.arange(min(stopped, MAX_MARKS))
    stop_marks = [_pt(1.98 + 0.0 * i, 50.49 - 0.035 * i) for i in k]
    deaths = int(f["deaths_at_sea"])
    met = int(f.get("boats_intercepted_at_sea", 0))
    series: list[dict] = [
        _lines("crossings", paths, 1, {"color": PEOPLE, "width": 0.6, "type": "dotted", "opacity": 0.7}),
        _lines("leaders", leaders, 1, {"color": "#9e9e9e", "width": 0.6}),
        _scatter(
            "camps",
            [
                {"value": _pt(*camps[a]), "symbolSize": round(6 + 60 * float(np.sqrt(w[a] / m.ref_waiting)), 1)}
                for a in range(len(xy))
            ],
            1,
            "circle",
            {"color": PEOPLE, "opacity": 0.45, "borderColor": "#bf360c"},
        ),
        _scatter("beach officers", patrols, 1, "rect", {"color": POLICE}),
        _scatter("launches today", boats, 1, "triangle", {"color": PEOPLE, "borderColor": "#6d2e00"}, size=8),
        _scatter("stopped on the beach", stop_marks, 1, CROSS, {"color": STOPPED}, size=9),
        {
            "type": "scatter",
            "name": "area labels",
            "coordinateSystem": "geo",
            "geoIndex": 1,
            "symbolSize": 1,
            "itemStyle": {"color": "rgba(0,0,0,0)"},
            "silent": True,
            "label": {
                "position": "right",
                "fontSize": 11,
                "lineHeight": 14,
                "color": "#212121",
                "rich": {"b": {"fontWeight": "bold", "fontSize": 12}},
            },
            "data": labels,
            "z": 7,
        },
        _text(
            "landed",
            ux - 0.02,
            uy + 0.16,
            f"landed in Kent today:\n{_plural(int(f['people_arrived']), 'person', 'people')}",
            1,
            position="top",
            fontSize=11,
            fontWeight="bold",
            color="#33691e",
        ),
        _scatter("UK", [_pt(ux, uy)], 1, "rect", {"color": "#33691e"}, size=10),
        _text(
            "stopped",
            1.45,  # in the open sea at the top: beside the crosses it fell on the launch areas' names
            51.37,
            f"{_plural(stopped, 'launch', 'launches')} stopped on the beach today" if stopped else "",
            1,
            position="right",
            fontSize=11,
            fontWeight="bold",
            color=STOPPED,
        ),
        _text(
            "met",
            0.45,
            50.75,
            f"{_plural(met, 'boat', 'boats')} met at sea\nby Border Force" if met else "",
            1,
            position="right",
            fontSize=11,
            fontWeight="bold",
            color=POLICE,
        ),
    ]
    if deaths:
        series.append(_scatter("deaths", [_pt(1.2, 50.62)], 1, CROSS, {"color": "black"}, size=13))
    series.append(
        _text(
            "deaths today",
            1.25,
            50.62,
            _plural(deaths, "death", "deaths") + " at sea today" if deaths else "",
            1,
            position="right",
            fontSize=11,
            fontWeight="bold",
            color="black",
        )
    )
    return series


def _lines(name: str, data: list[dict], geo: int, style: dict) -> dict:
    return {
        "type": "lines",
        "name": name,
        "coordinateSystem": "geo",
        "geoIndex": geo,
        "silent": True,
        "lineStyle": {"curveness": 0, **style},
        "data": data,
        "z": 3,
    }


def _scatter(name: str, data: list, geo: int, symbol: str, style: dict, size: float | None = None) -> dict:
    out = {
        "type": "scatter",
        "name": name,
        "coordinateSystem": "geo",
        "geoIndex": geo,
        "symbol": symbol,
        "silent": True,
        "itemStyle": style,
        "data": data,
        "z": 5,
    }
    if size is not None:
        out["symbolSize"] = size
    return out


def map_option(m: Classroom, today: Today | None = None) -> dict[str, Any]:
    """The map: routes across Europe on the left, the Channel today on the right."""
    today = today or m.today()
    sea = "calm" if today.wave_m < 0.6 else ("choppy" if today.wave_m < 1.1 else "rough")
    launched = int(today.flows["boats_launched"])
    title = {"top": 2, "textStyle": {"fontSize": 13, "fontWeight": "bold", "color": "#263238"}}
    return {
        "animation": False,
        "title": [
            {**title, "left": 4, "text": f"Routes to the French coast: {_n(today.in_transit_by_leg.sum())} on the way"},
            {
                **title,
                "left": "43%",
                "text": f"The Channel: waves {today.wave_m:.1f} m ({sea}), {_plural(launched, 'boat', 'boats')} at sea",
            },
        ],
        "geo": [
            _geo("routes", EUROPE_EXTENT, {"left": 4, "top": 24, "width": "41%", "bottom": 4}, []),
            _geo(
                "channel",
                CHANNEL_EXTENT,
                {"left": "43%", "top": 24, "right": 4, "bottom": 4},
                [
                    {"name": "France", "itemStyle": {"areaColor": "#f3efe2", "borderColor": "#8d6e63"}},
                    {"name": "England", "itemStyle": {"areaColor": "#e8f0e0", "borderColor": "#689f38"}},
                    {"name": "sea", "itemStyle": {"areaColor": "rgba(0,0,0,0)", "borderColor": "#90a4ae"}},
                ],
            ),
        ],
        "series": [*_route_series(m, today), *_channel_series(m, today)],
    }


# ---------------------------------------------------------------------------------------------------- charts
def band_of(traces: Sequence[Trace], key: str, kind: str = "cumulative") -> tuple[np.ndarray, np.ndarray] | None:
    """Lowest and highest value on each day over several runs (None with fewer than two)."""
    if len(traces) < 2:
        return None
    return _band(tuple(traces), key, kind)


@functools.lru_cache(maxsize=64)
def _band(traces: tuple[Trace, ...], key: str, kind: str) -> tuple[np.ndarray, np.ndarray]:
    values = np.stack([series(t, key, kind, t.days) for t in traces])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # days with no boat in any run: no value, not an error
        return np.nanmin(values, axis=0), np.nanmax(values, axis=0)


ROLLING_DAYS = 28


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


def _pairs(dates: list[str], values: np.ndarray) -> list[list]:
    """[date, value] points (None where a value is missing), rounded for a smaller message."""
    rounded = np.round(np.asarray(values, dtype=float), 2).tolist()
    return [[d, v if v == v else None] for d, v in zip(dates, rounded, strict=False)]


def _band_series(dates: list[str], lo: np.ndarray, hi: np.ndarray, grid: int, name: str, color: str) -> list[dict]:
    """A band as two stacked lines: the invisible lower edge, and the width above it filled."""
    stack = f"{name}-{grid}"
    common = {
        "type": "line",
        "xAxisIndex": grid,
        "yAxisIndex": grid,
        "symbol": "none",
        "stack": stack,
        "silent": True,
        "lineStyle": {"opacity": 0},
    }
    return [
        {**common, "name": f"{name} (low)", "data": _pairs(dates, lo)},
        {
            **common,
            "name": name,
            "data": _pairs(dates, hi - lo),
            "areaStyle": {"color": color, "opacity": 0.28},
            "itemStyle": {"color": color},
        },
    ]


# (outcome, title, how it is drawn); titles of whole outcomes come from the outcome catalogue.
TRADE_OFF = (
    ("people_arrived", OUTCOMES["people_arrived"].label, "cumulative"),
    ("deaths_at_sea", OUTCOMES["deaths_at_sea"].label, "cumulative"),
)
MORE_CHARTS = (
    ("people_per_boat", f"People per boat ({ROLLING_DAYS // 7}-week average)", "per_boat"),
    ("mean_price_gbp", "Price of a place on a boat (GBP)", "level"),
    ("people_deterred", "People who gave up or were not recruited", "cumulative"),
)


def chart_option(
    m: Classroom,
    baseline: Trace | None,
    band: Sequence[Trace],
    spread: Sequence[Trace] = (),
    panels: Sequence[tuple[str, str, str]] = TRADE_OFF,
) -> dict[str, Any]:
    """Side-by-side charts of ``panels``: your settings (blue) against the baseline with the same seed (grey, dashed)
    and the baseline's band over the band's seeds (grey); your settings over several seeds (blue band) once run."""
    n, days = m.days_done, m.days
    dates = m.iso_dates
    last = min(days, max(61, n + 15))  # the time axis grows with the year, a fortnight ahead of today
    right = dates[last - 1]
    k = len(panels)
    width = (100 - 2 - 6 * (k - 1)) / k
    grids, xs, ys, out = [], [], [], []
    for g, (key, _, kind) in enumerate(panels):
        grids.append(
            {"left": f"{1 + g * (width + 6) + 3.5:.1f}%", "width": f"{width - 3.5:.1f}%", "top": 30, "bottom": 24}
        )
        xs.append(
            {
                "type": "time",
                "gridIndex": g,
                "min": dates[0],
                "max": right,
                "splitLine": {"show": False},
                "axisLabel": {"fontSize": 10, "hideOverlap": True},
            }
        )
        ys.append(
            {
                "type": "value",
                "gridIndex": g,
                "scale": kind == "level",
                "axisLabel": {"fontSize": 10},
                "splitLine": {"lineStyle": {"opacity": 0.4}},
            }
        )
        b = band_of(band, key, kind)
        if b is not None:
            out += _band_series(
                dates[:last], b[0][:last], b[1][:last], g, f"baseline: range of {len(band)} seeds", BAND
            )
        s = band_of(spread, key, kind)
        if s is not None:
            name = f"your settings: range of {len(spread)} seeds"
            out += _band_series(dates[:last], s[0][:last], s[1][:last], g, name, CURRENT)
        line = {"type": "line", "xAxisIndex": g, "yAxisIndex": g, "symbol": "none", "silent": True}
        if baseline is not None:
            out.append(
                {
                    **line,
                    "name": "baseline, same seed",
                    "data": _pairs(dates[:n], series(baseline, key, kind, n)),
                    "lineStyle": {"color": BASELINE, "type": "dashed", "width": 1.6},
                    "itemStyle": {"color": BASELINE},
                }
            )
        out.append(
            {
                **line,
                "name": "your settings",
                "data": _pairs(dates[:n], series(m.trace, key, kind, n)),
                "lineStyle": {"color": CURRENT, "width": 2.4},
                "itemStyle": {"color": CURRENT},
                "z": 5,
            }
        )
    names = [s["name"] for s in out if not s["name"].endswith("(low)")]
    return {
        "animation": False,
        "legend": {
            "data": list(dict.fromkeys(names)),
            "top": 0,
            "textStyle": {"fontSize": 11},
            "itemHeight": 8,
            "selectedMode": False,
        },
        "grid": grids,
        "xAxis": xs,
        "yAxis": ys,
        "series": out,
    }


def areas_option(m: Classroom, baseline: Trace | None) -> dict[str, Any]:
    """Launch attempts by area so far, yours against the baseline with the same seed."""
    n = m.days_done
    names = [pretty(a) for a in m.trace.area_names]
    cur = m.trace.launches_by_area[:n].sum(axis=0)
    out = [
        {
            "type": "bar",
            "name": "your settings",
            "data": [int(v) for v in cur],
            "itemStyle": {"color": CURRENT},
            "label": {"show": True, "position": "right", "fontSize": 10},
        }
    ]
    if baseline is not None:
        base = baseline.launches_by_area[:n].sum(axis=0)
        out.insert(
            0,
            {
                "type": "bar",
                "name": "baseline, same seed",
                "data": [int(v) for v in base],
                "itemStyle": {"color": BAND},
            },
        )
    return {
        "animation": False,
        "legend": {"top": 0, "textStyle": {"fontSize": 11}, "selectedMode": False},
        "grid": {"left": 130, "right": 50, "top": 26, "bottom": 20},
        "xAxis": {"type": "value", "axisLabel": {"fontSize": 10}},
        "yAxis": {"type": "category", "data": names, "inverse": True, "axisLabel": {"fontSize": 11}},
        "series": out,
    }
