"""Numbers and changes in words for the report: intervals, changes against the baseline, scenario descriptions.

Every interval is a 90% interval of runs (``sim.results.stats``): "chance" over seeds, "chance and assumptions"
over posterior draws x seeds where the sweep has draws. A change is "clear" when the widest interval of the paired
differences excludes zero.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path

from sim.report.labels import LEVER_LABELS, cap, fmt_setting, setting_label
from sim.results import fmt
from sim.results.folders import RunGroup
from sim.results.outcomes import OUTCOMES
from sim.results.stats import Difference, Interval, Reduced

ROOT = Path(__file__).resolve().parents[2]
SCENARIO_DIR = ROOT / "configs" / "scenario"
DASH = "\u2013"


def range_text(key: str, iv: Interval | None) -> str:
    """An interval in brackets: "(36,100–38,900)"; the same value twice, or none, in words."""
    if iv is None or not iv.finite:
        return "(one run: no interval)"
    lo, hi = fmt.value(key, iv.lo), fmt.value(key, iv.hi)
    return "(same in every run)" if lo == hi else f"({lo}{DASH}{hi})"


def interval_lines(key: str, r: Reduced, draws: bool) -> list[str]:
    """The interval lines of a headline cell: (chance), then [chance and assumptions] where there are draws."""
    chance = range_text(key, r.chance)
    if not draws:
        return [chance]
    both = range_text(key, r.assumptions) if r.assumptions is not None else "(one draw)"
    return [chance, "[" + both[1:-1] + "]"]


def change_cell(key: str, c: Difference) -> str:
    if not math.isfinite(c.diff):
        return "no comparison"
    if not c.clear:
        return "no clear change"
    if math.isfinite(c.rel):
        return fmt.pct(c.rel)
    return ("+" if c.diff > 0 else fmt.MINUS) + fmt.diff(key, c.diff)


def describe_change(key: str, c: Difference) -> str:
    """A change in words: "6% fewer people arriving (2,300 fewer; in 90% of paired runs 1,400 to 3,200 fewer)"."""
    o = OUTCOMES[key]
    up, down, noun_first = o.words
    if not math.isfinite(c.diff):
        return f"{o.noun}: no comparison possible"
    if not c.clear:
        rel = f"{fmt.pct(c.rel)}, " if math.isfinite(c.rel) else ""
        return f"no clear change in {o.noun} ({rel}within the variation between simulated years)"
    word = up if c.diff > 0 else down
    amount = fmt.diff(key, c.diff)
    if o.kind == "gbp":
        detail = f"{amount} {'more' if c.diff > 0 else 'less'}"
    elif o.kind in ("rate", "share"):
        detail = f"{'up' if c.diff > 0 else 'down'} {amount}"
    else:
        detail = f"{amount} {word}"
    iv = c.d.widest
    if iv.finite:
        a, b = (fmt.diff(key, x) for x in sorted((abs(iv.lo), abs(iv.hi))))
        if a != b:
            detail += f"; in 90% of paired runs {a} to {b}"
    if math.isfinite(c.rel):
        pct = fmt.pct(c.rel, signed=False)
        head = f"{o.noun} {pct} {word}" if noun_first else f"{pct} {word} {o.noun}"
    else:
        head = f"{o.noun} {word}" if noun_first else f"{word} {o.noun}"
    return f"{head} ({detail})"


def seed_text(seeds: Sequence[int]) -> str:
    s = sorted(seeds)
    if not s:
        return "none"
    if s == list(range(s[0], s[-1] + 1)) and len(s) > 2:
        return f"{s[0]}{DASH}{s[-1]}"
    return ", ".join(str(x) for x in s)


def levers_of(g: RunGroup) -> list[str]:
    return [name for name in LEVER_LABELS if g.config.get(f"policy.{name}.enabled") is True]


def scenario_comment(name: str) -> str:
    """The first sentence of the description at the top of configs/scenario/NAME.yaml, if the file exists."""
    path = SCENARIO_DIR / f"{name}.yaml"
    if not path.is_file():
        return ""
    lines = []
    for line in path.read_text().splitlines():
        s = line.strip()
        if not s.startswith("#"):
            break
        s = s.lstrip("#").strip()
        if not s.startswith("@package"):
            lines.append(s)
    return re.split(r"(?<=\.)\s", " ".join(lines), maxsplit=1)[0]


def changed_settings(g: RunGroup, base: RunGroup) -> list[str]:
    """Settings (outside the levers) in which a scenario differs from the baseline, in words."""
    out = []
    for k in sorted(set(g.config) | set(base.config)):
        # timeline.drop: the observed rows a scenario leaves out, often because it sets their key itself (that
        # setting is listed); the technical appendix lists them.
        if k.startswith(("seed", "scenario", "hydra", "policy.", "posterior_draw", "timeline.drop")):
            continue
        a, b = base.config.get(k), g.config.get(k)
        if a != b:
            out.append(f"{setting_label(k).lower()} {fmt_setting(b)} (baseline {fmt_setting(a)})")
    return out


def describe_scenario(g: RunGroup, base: RunGroup) -> str:
    """What a scenario is: its own description, then, in a second line, its levers and its other settings."""
    comment = re.sub(r"^[\w\s-]{1,40}:\s+", "", scenario_comment(g.scenario))  # "Border security: posts..."
    levers = levers_of(g)
    if len(levers) == len(LEVER_LABELS):
        detail = [f"levers: all {len(levers)}"]
    else:
        detail = ["levers: " + ", ".join(LEVER_LABELS[x] for x in levers) if levers else "no extra levers"]
    if g is not base and not g.has_draws:
        changed = changed_settings(g, base)
        if changed:
            more = f"; and {len(changed) - 3} more settings" if len(changed) > 3 else ""
            detail.append("; ".join(changed[:3]) + more)
    second = cap(". ".join(detail)) + "."
    return f"{cap(comment)}\n{second}" if comment else second
