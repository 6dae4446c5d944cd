"""Plain words for the report's readers: scenario, route, area and lever names, settings and their units.

Outcome labels are not here: they come from the outcome catalogue (``sim/results/outcomes.py``) like in every tool.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

ROUTE_LABELS = {
    "balkan": "Balkans",
    "eastern_med": "Eastern Mediterranean",
    "central_med": "Central Mediterranean",
    "overland_direct": "Overland, direct",
}
AREA_LABELS = {
    "dunkirk_gravelines": "Dunkirk, Gravelines",
    "calais": "Calais",
    "boulogne_wimereux_le_portel": "Boulogne, Le Portel",
    "somme_authie_estuaries": "Somme, Authie",
}
LEVER_LABELS = {
    "seizures": "seizures of boats and engines upstream",
    "international_posts": "officers posted abroad",
    "deterrence": "removal to a third country",
    "beach_patrols": "more French beach patrols",
    "gang_disruption": "intelligence-led disruption of gangs",
    "returns": "returns agreements",
    "search_and_rescue": "more rescue at sea",
    "asylum_processing": "faster asylum decisions",
}
SCENARIO_LABELS = {
    "baseline_2024": "Baseline 2024",
    "border_security_2024": "Border security 2024",
    "third_country_removal": "Third-country removal",
    "patrols_and_rescue": "Patrols and rescue",
    "all_levers": "All levers",
}
SECTION_LABELS = {
    "scale": "population scale",
    "days": "days simulated",
    "world": "geography",
    "migration": "migration",
    "smuggling": "smuggling networks",
    "supply_chain": "supply chain",
    "weather": "weather",
    "crossing": "crossing",
    "enforcement": "enforcement",
    "asylum": "UK asylum system",
}
WORDS = {"gbp": "£", "prob": "probability", "km": "km", "uk": "UK", "nca": "NCA", "m": "m", "eu": "EU"}


def humanise(key: str) -> str:
    """A readable phrase from a snake_case name: ``rate_bulgaria`` -> ``rate Bulgaria``-like text."""
    words = [WORDS.get(w, w) for w in str(key).replace("-", "_").split("_") if w]
    return " ".join(words)


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def scenario_label(name: str) -> str:
    if name in SCENARIO_LABELS:
        return SCENARIO_LABELS[name]
    text = humanise(name)
    return text[:1].upper() + text[1:]


def route_label(name: str) -> str:
    return ROUTE_LABELS.get(name, cap(humanise(name)))


def area_label(name: str) -> str:
    return AREA_LABELS.get(name, cap(humanise(name)))


def setting_label(key: str) -> str:
    """A plain name for a config key: ``enforcement.beach_officers`` -> ``Enforcement: beach officers``."""
    parts = key.split(".")
    if parts[0] == "policy" and len(parts) >= 2:
        lever = LEVER_LABELS.get(parts[1], humanise(parts[1]))
        if len(parts) == 2 or parts[2] == "enabled":
            return f"Lever: {lever}"
        return f"{cap(lever)}: {', '.join(humanise(p) for p in parts[2:])}"
    head = SECTION_LABELS.get(parts[0], humanise(parts[0]))
    if len(parts) == 1:
        return cap(head)
    return f"{cap(head)}: {', '.join(humanise(p) for p in parts[1:])}"


def param_unit(key: str) -> str:
    """The unit declared for a config key in ``sim/config.py`` (empty if not found)."""
    from sim import config as C

    node: Any = C.SimConfig
    parts = key.split(".")
    i = 0
    while i < len(parts):
        if not dataclasses.is_dataclass(node):
            return ""
        hints = typing.get_type_hints(node)
        fld = {f.name: f for f in dataclasses.fields(node)}.get(parts[i])
        if fld is None:
            return ""
        if i == len(parts) - 1:
            return str(fld.metadata.get("unit", ""))
        tp = hints[parts[i]]
        origin = typing.get_origin(tp)
        if origin is dict:
            tp = typing.get_args(tp)[1]
            i += 1  # skip the mapping key
        elif origin is list:
            tp = typing.get_args(tp)[0]
            i += 1  # skip the list index
        node = tp
        i += 1
    return ""


def override_words(tok: str) -> str:
    key, _, value = tok.lstrip("+~").partition("=")
    if key == "policy":
        levers = [LEVER_LABELS.get(v.strip(), humanise(v.strip())) for v in value.strip("[]").split(",") if v.strip()]
        return "levers: " + ", ".join(levers) if levers else "no levers"
    label = setting_label(key)
    label = label[:1].lower() + label[1:]
    return f"{label} {fmt_setting(number(value))}"


def number(value: str) -> Any:
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return value


def fmt_setting(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        if abs(v) >= 1000 or v == int(v):
            return f"{v:,.0f}"
        if abs(v) < 1e-3 and v != 0:
            return f"{v:.2g}"
        return f"{v:.4f}".rstrip("0").rstrip(".")
    if isinstance(v, (dict, list)) and not v:
        return "none"
    if isinstance(v, dict):
        return ", ".join(f"{humanise(k)} {fmt_setting(x)}" for k, x in v.items())
    return str(v)
