"""Model settings in words with their units, for the report's appendix: "cost of each boat or engine seized: £300".

``sim/config.py`` declares every parameter once with a unit; many of those units are already a phrase ("officers
per night") but some are bare ("GBP", "days") or name the field ("GBP per boat or engine" for
``cost_gbp_per_item_seized``). This table gives the reader's phrase, the unit written after the value and how the
value is written, for every lever setting and for the settings experiments vary; other keys fall back on the
declared unit when it reads as a phrase (``describe``). ``tests/test_report.py`` fails when a lever setting has
no entry here or a label in the appendix still looks like a code key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sim.results import fmt

# Places and nationalities as readers write them (lower-case names from the configs).
PLACES = {
    "turkey": "Turkey",
    "bulgaria": "Bulgaria",
    "germany": "Germany",
    "france_inland": "inland France",
    "romania": "Romania",
    "austria": "Austria",
    "libya": "Libya",
    "southeast_asia": "Southeast Asia",
    "greece": "Greece",
    "italy": "Italy",
    "france": "France",
    "albania": "Albania",
    "iraq": "Iraq",
    "vietnam": "Vietnam",
    "all": "all nationalities",
    "one_in_one_out": "one in, one out",
}


@dataclass(frozen=True)
class Words:
    """A setting for readers: the phrase, how its value is written (``kind``) and the unit after the value."""

    phrase: str
    kind: str = "number"  # number | gbp | share | bool | date | mapping | agreements
    unit: str = ""  # after the value: "a year", "officers"
    none: str = "not set"  # the value written when the setting is null


_START = Words("first day it acts", "date", none="the first day of the run")
_END = Words("last day it acts", "date", none="the last day of the run")

# fmt: off
WORDS: dict[str, Words] = {
    # Upstream seizures (sim/policies/seizures.py)
    "policy.seizures.rate_turkey": Words("added chance of seizing a consignment in Turkey", unit="a consignment"),
    "policy.seizures.rate_bulgaria": Words("added chance of seizing a consignment in Bulgaria", unit="a consignment"),
    "policy.seizures.rate_germany": Words("added chance of seizing a consignment in Germany", unit="a consignment"),
    "policy.seizures.rate_france_inland": Words("added chance of seizing a consignment in inland France",
                                                unit="a consignment"),
    "policy.seizures.cost_gbp_per_year_per_unit_rate": Words("yearly cost of a seizure chance of 1 at one place",
                                                             "gbp", "a year"),
    "policy.seizures.cost_gbp_per_item_seized": Words("cost of each boat or engine seized", "gbp"),
    # Officers posted abroad (sim/policies/international_posts.py)
    "policy.international_posts.officers": Words("NCA officers posted abroad, by country", "mapping"),
    "policy.international_posts.europol_officers": Words("UK officers at Europol", unit="officers"),
    "policy.international_posts.seizure_per_officer": Words(
        "added seizure hazard at a supply stage, per officer posted there", unit="a consignment"),
    "policy.international_posts.interception_per_officer": Words(
        "added interception hazard on a route leg, per officer posted there", unit="a person"),
    "policy.international_posts.recruitment_cut_per_officer": Words(
        "cut in smugglers' recruitment in a source country, per officer posted there (hazard)"),
    "policy.international_posts.europol_evidence_boost_per_officer": Words(
        "faster evidence on organisers and financiers, per Europol officer", "share"),
    "policy.international_posts.cost_gbp_per_officer_year": Words("cost of each officer posted", "gbp", "a year"),
    # Removal to a third country (sim/policies/deterrence.py)
    "policy.deterrence.capacity_per_year": Words("removals to the third country", unit="people a year"),
    "policy.deterrence.announced": Words("announced to the public", "bool"),
    "policy.deterrence.operating": Words("removals carried out", "bool"),
    "policy.deterrence.announcement_credibility": Words(
        "weight people give the announced chance of removal before any removal is seen (0 to 1)"),
    "policy.deterrence.response_strength": Words(
        "strength of people's response to the chance of removal they perceive (log-odds; 0 = none)"),
    "policy.deterrence.memory_days": Words("period over which people judge the removals they see", unit="days"),
    "policy.deterrence.cost_gbp_per_removal": Words("cost of each person removed", "gbp"),
    "policy.deterrence.fixed_cost_gbp_per_year": Words("fixed cost of the scheme", "gbp", "a year"),
    "policy.deterrence.announce_date": Words("day it is announced", "date", none="the day it starts"),
    # French beach patrols (sim/policies/beach_patrols.py)
    "policy.beach_patrols.officers_per_night": Words("French officers on the beaches", unit="a night"),
    # Intelligence-led disruption of gangs (sim/policies/gang_disruption.py)
    "policy.gang_disruption.investigations": Words("live investigations", unit="investigations"),
    "policy.gang_disruption.upper_level_focus": Words(
        "how much more often investigations aim at organisers and financiers (odds, 1 = as in 2024)", unit="times"),
    "policy.gang_disruption.duration_days": Words("length of the campaign", unit="days",
                                                  none="until its last day"),
    # Returns agreements (sim/policies/returns.py)
    "policy.returns.agreements": Words("returns agreements", "agreements"),
    "policy.returns.capacity_per_year": Words("returns, all agreements together", unit="people a year"),
    "policy.returns.response_strength": Words(
        "strength of a nationality's response to the chance of return it sees (log-odds; 0 = none)"),
    "policy.returns.memory_days": Words("period over which people judge the returns they see", unit="days"),
    "policy.returns.cost_gbp_per_return": Words("cost of each person returned", "gbp"),
    # Rescue at sea (sim/policies/search_and_rescue.py)
    "policy.search_and_rescue.vessels": Words("rescue vessels on station", unit="vessels"),
    "policy.search_and_rescue.quality_drop_per_vessel": Words(
        "fall in hull quality for each vessel above the 2024 number (with the rescue moral hazard on)",
        unit="of a sound hull"),
    # Faster asylum decisions (sim/policies/asylum_processing.py)
    "policy.asylum_processing.decisions_per_day": Words("initial asylum decisions", unit="a day"),
    # Settings experiments and scenarios vary (experiments/, configs/scenario/)
    "scale": Words("share of the population simulated (1 = everyone)"),
    "days": Words("days simulated after the warm-up", unit="days"),
    "world.burn_in_days": Words("warm-up before the counted days", unit="days"),
    "world.start_date": Words("first counted day", "date"),
    "enforcement.beach_officers": Words("French officers on the beaches", unit="a night"),
    "enforcement.border_force.moral_hazard_strength": Words(
        "weight smugglers give to the rescue cover they know of when judging a launch's risk (0 = none, 1 = offset)"),
    "smuggling.flimsy_response": Words("fall in hull quality per share of boat orders seized", unit="of a sound hull"),
    "asylum.hotel_share": Words("share of people awaiting a decision who are in hotels", "share"),
    "asylum.support_cost_gbp_per_night": Words("support outside hotels", "gbp", "a person a night"),
    "migration.annual_entrants": Words("people setting out for the Channel", unit="a year"),
    "supply_chain.boats_per_week": Words("boats made for the Channel", unit="a week"),
    "supply_chain.engines_per_week": Words("engines made for the Channel", unit="a week"),
    "supply_chain.market": Words("boat and engine market (output and prices answer orders)", "bool"),
}
# fmt: on
for _lever in (
    "seizures",
    "international_posts",
    "deterrence",
    "beach_patrols",
    "gang_disruption",
    "returns",
    "search_and_rescue",
    "asylum_processing",
):
    WORDS.setdefault(f"policy.{_lever}.start_date", _START)
    WORDS.setdefault(f"policy.{_lever}.end_date", _END)

# Fields of the items of a mapping setting (a returns agreement), in words.
SUBWORDS: dict[str, Words] = {
    "return_prob": Words("share of arrivals returned", "share"),
    "weekly_returns": Words("returns", unit="a week"),
    "nationality": Words("nationality"),
    "start_date": Words("first day", "date"),
    "end_date": Words("last day", "date"),
}

# Declared units that are not a phrase on their own: a label needs more words than these.
_BARE_UNITS = ("GBP", "days", "ISO", "probability", "share", "people", "0-1", "name", "place")


def words_for(key: str) -> Words | None:
    """The table's words for a config key, or the declared unit when it reads as a phrase, or None."""
    if key in WORDS:
        return WORDS[key]
    from sim.report.labels import param_unit

    unit = param_unit(key)
    if len(unit.split()) >= 3 and not unit.startswith(_BARE_UNITS) and "_" not in unit and "." not in unit:
        return Words(unit)
    return None


def place(name: str) -> str:
    return PLACES.get(name, name.replace("_", " ").capitalize())


def _date(v: Any) -> str:
    try:
        d = dt.date.fromisoformat(str(v))
    except ValueError:
        return str(v)
    return f"{d.day} {d:%B %Y}"


def _number(v: Any) -> str:
    from sim.report.labels import fmt_setting

    return fmt_setting(v)


def value_text(key: str, value: Any, w: Words | None = None) -> str:
    """A setting's value in words with its unit: "£20m a year", "0.25 a consignment", "Bulgaria 6, Austria 3"."""
    w = w or words_for(key) or Words(key)
    if value in (None, "", "null"):
        return w.none
    elif w.kind == "gbp" and isinstance(value, (int, float)):
        text = fmt.gbp(float(value))
    elif w.kind == "share" and isinstance(value, (int, float)):
        text = f"{float(value):.0%}" if float(value) >= 0.01 else f"{float(value):.2%}"
    elif w.kind == "bool":
        text = "yes" if value else "no"
    elif w.kind == "date":
        text = _date(value)
    elif w.kind == "mapping" and isinstance(value, dict):
        text = ", ".join(f"{place(k)} {_number(v)}" for k, v in value.items()) or "none"
    elif w.kind == "agreements" and isinstance(value, dict):
        text = "; ".join(_agreement(k, v) for k, v in value.items()) or "none"
    else:
        text = _number(value)
    return f"{text} {w.unit}" if w.unit and text != "none" else text


def order(key: str) -> int:
    """Where a setting comes in the table (its lever's settings in the order they are declared)."""
    keys = list(WORDS)
    return keys.index(key) if key in keys else len(keys)


def _agreement(name: str, terms: Any) -> str:
    """One returns agreement: "Albania from 13 December 2022, 60% of arrivals returned"."""
    if not isinstance(terms, dict):
        return f"{place(name)} {_number(terms)}"
    who = place(str(terms.get("nationality", name)))
    label = place(name) if name != terms.get("nationality") else who
    text = label + (f" ({who})" if label != who else "")
    if terms.get("start_date"):
        text += f" from {_date(terms['start_date'])}"
    if terms.get("end_date"):
        text += f" to {_date(terms['end_date'])}"
    weekly = terms.get("weekly_returns") or 0
    if weekly:
        text += f", {_number(weekly)} returns a week"
    elif terms.get("return_prob") is not None:
        text += f", {float(terms['return_prob']):.0%} of arrivals returned"
    return text


def describe(key: str, value: Any) -> str:
    """ "phrase: value unit" for one setting (the phrase from the table, the declared unit or, failing both, the
    field name in words, which the report's test catches)."""
    w = words_for(key)
    if w is None:
        from sim.report.labels import humanise

        return f"{humanise(key.split('.')[-1])}: {value_text(key, value, Words(key))}"
    return f"{w.phrase}: {value_text(key, value, w)}"
