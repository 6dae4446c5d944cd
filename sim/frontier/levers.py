"""The levers the policy frontier searches over: an intensity each, in steps, mapped onto config keys.

A lever at its ``off`` value leaves the 2024 status quo in place (its policy disabled, as in baseline_2024); any
other value enables the policy at that intensity. Steps keep the search readable (a mix is "0.2 added seizure
probability, 1,400 officers a night", not 0.1873) and give the status quo a real chance of being proposed. Ranges
are the plausible ranges the config declares for the same keys (sim/config.py), widened down to "off"; every key a
lever sets stays inside its declared plausible range at every step (tests/test_frontier.py). Two levers set
several keys: seizures set Germany and inland France at ``SEIZURE_SHARE_DE_FR`` times Bulgaria's rate, and posts
abroad keep the 2024 split, up to ``POSTS_MAX_MULTIPLE`` times the 2024 officers (the per-officer effects in
sim/config.py are hazards set for posts of the 2024 size, so larger posts are an extrapolation).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

# NCA officers posted abroad in configs/policy/international_posts.yaml: the split the posts lever scales.
POSTS_SPLIT = {"bulgaria": 6, "austria": 3, "romania": 3, "libya": 2, "southeast_asia": 4}
POSTS_DEFAULT = sum(POSTS_SPLIT.values())
SEIZURE_NODES = ("bulgaria", "germany", "france_inland")
# Germany's and inland France's added seizure rate as a share of Bulgaria's: the 2024 package (0.1 to 0.25,
# configs/policy/seizures.yaml) and the tops of their plausible ranges (0.2 to 0.5, sim/config.py). Until this was
# set, the lever put the same rate (up to 0.5) on all three, 2.5 times the plausible top in Germany and France;
# since every corridor passes both, that removed up to 75% of consignments with no way round.
SEIZURE_SHARE_DE_FR = 0.4
POSTS_MAX_MULTIPLE = 2.0


@dataclass(frozen=True)
class Lever:
    """One searched intensity: its words and unit, its range and step, the policy it enables and its keys."""

    name: str
    words: str  # for readers: "officers on French beaches a night"
    unit: str
    low: float
    high: float
    step: float
    off: float  # the value at which the policy stays disabled (the 2024 status quo)
    policy: str  # configs/policy/<policy>.yaml
    settings: Callable[[float], dict[str, float]]
    phrase: str = "{v}"  # a setting in a few words: "{v} rescue vessels"

    def overrides(self, value: float) -> dict[str, str]:
        """Config keys and values for this lever at ``value`` (the policy disabled at its off value; the same keys
        at every value, so that a generation's candidates file has one header)."""
        key = f"policy.{self.policy}"
        settings = {f"{key}.{k}": _num(v) for k, v in self.settings(value).items()}
        return {f"{key}.enabled": "false" if value == self.off else "true", **settings}

    def snap(self, value: float) -> float:
        """The nearest step within the range (what the optimiser proposes, rounded against float noise)."""
        steps = round((min(max(value, self.low), self.high) - self.low) / self.step)
        return round(self.low + steps * self.step, 10)


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def _seizures(v: float) -> dict[str, float]:
    """Bulgaria's added rate ``v``; Germany and inland France in proportion (``SEIZURE_SHARE_DE_FR``)."""
    return {f"rate_{node}": v if node == "bulgaria" else round(SEIZURE_SHARE_DE_FR * v, 6) for node in SEIZURE_NODES}


def _posts(v: float) -> dict[str, float]:
    return {f"officers.{country}": round(v * n / POSTS_DEFAULT, 6) for country, n in POSTS_SPLIT.items()}


# fmt: off
LEVERS: dict[str, Lever] = {lv.name: lv for lv in (
    Lever("seizure_rate", "added chance of seizing a consignment of boats or engines in Bulgaria (Germany and "
          "inland France 0.4 times it)", "probability per consignment", 0.0, 0.5, 0.05, 0.0, "seizures", _seizures,
          "seizure chance +{v} a consignment in Bulgaria"),
    Lever("posts_abroad", "NCA officers posted abroad (split as in 2024: Bulgaria, Austria, Romania, Libya, "
          "Southeast Asia)", "officers", 0.0, POSTS_MAX_MULTIPLE * POSTS_DEFAULT, 6.0, 0.0, "international_posts",
          _posts, "{v} officers posted abroad"),
    Lever("beach_officers", "French officers on the beaches a night", "officers a night", 800.0, 2_400.0, 200.0,
          800.0, "beach_patrols", lambda v: {"officers_per_night": v}, "{v} beach officers a night"),
    Lever("rescue_vessels", "rescue vessels on station in the Channel", "vessels", 8.0, 20.0, 1.0, 8.0,
          "search_and_rescue", lambda v: {"vessels": v}, "{v} rescue vessels"),
    Lever("removal_places", "places for removal to a third country a year", "people a year", 0.0, 10_000.0,
          1_000.0, 0.0, "deterrence", lambda v: {"capacity_per_year": v}, "{v} removal places a year"),
    Lever("returns_places", "returns to France and under agreements a year", "people a year", 0.0, 20_000.0,
          2_500.0, 0.0, "returns", lambda v: {"capacity_per_year": v}, "{v} returns a year"),
)}
# fmt: on
DEFAULT_LEVERS = tuple(LEVERS)


class LeverError(ValueError):
    """An unknown lever (one line naming it and the levers there are)."""


def levers_named(names: Sequence[str]) -> list[Lever]:
    unknown = [n for n in names if n not in LEVERS]
    if unknown:
        raise LeverError(f"--levers {','.join(unknown)}: unknown lever; levers: {', '.join(LEVERS)}")
    if len(set(names)) != len(names) or not names:
        raise LeverError(f"--levers {','.join(names)}: give each lever once, at least one")
    return [LEVERS[n] for n in names]


def mix_overrides(levers: Sequence[Lever], values: Mapping[str, float]) -> dict[str, str]:
    """The config overrides of a mix: every searched policy selected, each set or disabled by its lever."""
    out = {"policy": "[" + ",".join(lv.policy for lv in levers) + "]"}
    for lv in levers:
        out.update(lv.overrides(values[lv.name]))
    return out


def describe_mix(levers: Sequence[Lever], values: Mapping[str, float]) -> str:
    """A mix in words, the levers that are on: "seizure chance +0.4 a consignment; 11 rescue vessels"."""
    parts = [
        lv.phrase.format(v=f"{values[lv.name]:,.0f}" if values[lv.name] >= 10 else f"{values[lv.name]:g}")
        for lv in levers
        if values[lv.name] != lv.off
    ]
    return "; ".join(parts) if parts else "the 2024 status quo (no lever on)"
