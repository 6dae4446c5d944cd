"""Number formatting shared by every tool: counts, pounds (£m/£bn), shares and percentages, by outcome kind.

Two registers: for readers (the report, the dashboard, the text summary) numbers are rounded to three significant
figures and money is written £452m or £1.23bn; for analysts (``sim.compare``, ``sim.validate``) :func:`plain`
keeps more digits. A minus sign is the typographic minus (U+2212) for readers and a hyphen for analysts.
"""

from __future__ import annotations

import math

from sim.results.outcomes import known, outcome

MINUS = "\u2212"


def _finite(x) -> bool:
    try:
        return x is not None and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def round_sig(x: float, sig: int = 3) -> float:
    if x == 0 or not math.isfinite(x):
        return x
    return float(round(x, sig - 1 - math.floor(math.log10(abs(x)))))


def count(x: float) -> str:
    """A count for readers: whole numbers below 1,000, three significant figures above (36,512 -> 36,500)."""
    if not _finite(x):
        return "n/a"
    text = f"{round(x):,}" if abs(x) < 1000 else f"{round_sig(x, 3):,.0f}"
    return text.replace("-", MINUS)


def gbp(x: float) -> str:
    """Money for readers: £452m, £1.23bn, £19,600 (three significant figures)."""
    if not _finite(x):
        return "n/a"
    sign = MINUS if x < 0 else ""
    a = abs(x)
    if a >= 1e9:
        return f"{sign}£{round_sig(a / 1e9, 3):g}bn"
    if a >= 1e6:
        return f"{sign}£{round_sig(a / 1e6, 3):g}m"
    if a >= 1e3:
        return f"{sign}£{round_sig(a, 3):,.0f}"
    return f"{sign}£{a:,.0f}"


def pct(r: float, signed: bool = True) -> str:
    """A relative change as a percentage: +12%, −0.4%."""
    if not _finite(r):
        return "n/a"
    a = abs(100 * r)
    text = f"{a:.1f}%" if a < 1 else f"{a:.0f}%"
    if not signed:
        return text
    return ("+" if r > 0 else MINUS if r < 0 else "") + text


def value(name: str, x: float) -> str:
    """An outcome's value for readers, by its kind in the catalogue (unknown names as counts)."""
    if not _finite(x):
        return "n/a"
    kind = outcome(name).kind if known(name) else "count"
    if kind == "gbp":
        return gbp(x)
    if kind == "ratio":
        return f"{x:,.1f}"
    if kind == "rate":
        return f"{x:.1f}" if abs(x) >= 1 else f"{x:.2f}"
    if kind == "share":
        return f"{100 * x:.0f}%"
    return count(x)


def diff(name: str, x: float) -> str:
    """An absolute difference without its sign (the sentence says more or fewer); shares in percentage points."""
    kind = outcome(name).kind if known(name) else "count"
    if kind == "share" and _finite(x):
        return f"{100 * abs(x):.0f} percentage points" if abs(x) >= 0.005 else f"{100 * abs(x):.1f} percentage points"
    return value(name, abs(x)) if _finite(x) else "n/a"


def signed_gbp(x: float) -> str:
    return "n/a" if not _finite(x) else ("+" if x > 0 else "") + gbp(x)


def plain(x: float, missing: str = "n/a") -> str:
    """A number for analysts' tables: thousands whole, then 1, 2 or 3 significant decimals."""
    if not _finite(x):
        return missing
    x = float(x)
    a = abs(x)
    if a == 0:
        return "0"
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 10:
        return f"{x:.1f}"
    if a >= 1:
        return f"{x:.2f}"
    return f"{x:.3g}"


def axis_gbp(x: float, _pos: object = None) -> str:
    a = abs(x)
    if a >= 1e9:
        return f"£{x / 1e9:g}bn"
    if a >= 1e6:
        return f"£{x / 1e6:g}m"
    return f"£{x:,.0f}"


def axis_count(x: float, _pos: object = None) -> str:
    return f"{x:,.0f}"
