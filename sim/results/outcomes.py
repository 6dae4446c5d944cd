"""The outcome catalogue: every named outcome of a run, declared once (name, label, unit, kind, direction, scale).

Like Starsim's ``Result(label=, scale=)``, each outcome says how it is shown and whether it grows with the simulated
population, so that no tool keeps its own list: ``sim.outputs`` orders ``summary.json`` and prints the text summary
from it, the report, ``sim.compare``, ``sim.validate``, ``sim.sensitivity`` and the dashboard take labels, units and
number formats from it, and :func:`per_full_scale` is the one place where ``scale`` is undone. ``docs/outputs.md``
holds the table generated from it (``python -m sim.results --write``; a test fails when it is stale).

Kinds: ``count`` (people, boats, days), ``gbp`` (pounds), ``share`` (a fraction 0-1), ``rate`` (per 1,000),
``ratio`` (people per boat), ``mapping`` (a dict of counts or pounds by route, area or cost item; flattened in the
sweep table as ``name.key``, at any depth). ``better``: which direction a policy maker would call an improvement
(``lower``/``higher``), or None where it is not for the model to say (prices, seizures, shares of taxi boats).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

KINDS = ("count", "gbp", "share", "rate", "ratio", "mapping")
DIRECTIONS = ("lower", "higher", None)


@dataclass(frozen=True)
class Outcome:
    """One outcome: how it is named, shown and compared. ``named`` outcomes are the contract printed first."""

    name: str
    label: str  # for readers: "People arrived in the UK"
    unit: str  # "people", "GBP", "fraction", "deaths per 1,000 arrivals"
    kind: str  # one of KINDS
    better: str | None  # one of DIRECTIONS
    scales: bool  # proportional to the population scale (undo with per_full_scale)
    description: str
    noun: str = ""  # in sentences: "6% fewer people arriving"
    named: bool = False  # one of the named outcomes (the head of summary.json, compare's default table)
    in_summary: bool = True  # False: a daily quantity shown live by the dashboard only

    @property
    def words(self) -> tuple[str, str, bool]:
        """(word for up, word for down, noun first): "12% more boats", "policy cost 12% higher"."""
        if self.kind in ("count", "ratio"):
            return "more", "fewer", False
        return "higher", "lower", True

    def per_full_scale(self, value: float, scale: float) -> float:
        return value / scale if self.scales and scale else value


def _o(name, label, unit, kind, better, scales, description, noun="", named=False, in_summary=True) -> Outcome:
    return Outcome(name, label, unit, kind, better, scales, description, noun or label.lower(), named, in_summary)


# fmt: off
_CATALOGUE = (
    # ---- the named outcomes, in the order summary.json and sim.compare show them
    _o("people_arrived", "People arrived in the UK", "people", "count", "lower", True,
       "People landed in the UK by small boat over the scenario days.", "people arriving", True),
    _o("boats_arrived", "Boats arrived", "boats", "count", "lower", True,
       "Small boats that reached the UK.", "boats arriving", True),
    _o("boats_launched", "Boats launched", "boats", "count", None, True,
       "Boats that set out from France (arrived, intercepted, failed or sank).", "boats launched", True),
    _o("people_per_boat", "People per boat", "people per boat", "ratio", None, False,
       "People arrived divided by boats arrived.", "people per boat", True),
    _o("crossing_days", "Days with crossings", "days", "count", None, False,
       "Days on which at least one boat arrived (not proportional to scale: fewer networks launch on fewer days).",
       "days with crossings", True),
    _o("people_prevented", "People stopped on French beaches", "people", "count", None, True,
       "People whose launch was prevented on the French coast.", "people stopped on French beaches", True),
    _o("launches_prevented", "Launches stopped on the beach", "boats", "count", None, True,
       "Launch attempts prevented on the French coast.", "launches stopped", True),
    _o("prevention_share", "Share of people stopped on beaches", "fraction", "share", None, False,
       "People prevented / (people prevented + people arrived).", "share stopped on beaches", True),
    _o("taxi_boat_share", "Share of boats that were taxi boats", "fraction", "share", None, False,
       "Taxi launches (boats launched from rivers to pick people up at sea) / boats launched.", "taxi-boat share",
       True),
    _o("deaths_at_sea", "Deaths at sea", "people", "count", "lower", True,
       "Dead and missing in incidents at sea (drawn: which boats sink is chance).", "deaths at sea", True),
    _o("deaths_per_1000_arrivals", "Deaths per 1,000 arrivals", "deaths per 1,000 arrivals", "rate", "lower", False,
       "1000 x deaths at sea / people arrived.", "deaths per 1,000 arrivals", True),
    _o("boats_seized", "Boats seized on the supply chain", "boats", "count", None, True,
       "Boats seized upstream (makers, depots, transport) before they reach the coast.", "boats seized", True),
    _o("engines_seized", "Engines seized on the supply chain", "engines", "count", None, True,
       "Engines seized upstream.", "engines seized", True),
    _o("smugglers_arrested", "Smugglers arrested", "people", "count", None, True,
       "Network members arrested by investigations, plus pilots arrested on arrival.", "smugglers arrested", True),
    _o("disruptions", "Networks disrupted", "disruptions", "count", None, True,
       "Coordinated actions of investigations that arrested members or seized stock of a network (counted as the "
       "NCA counts disruptions).", "disruptions", True),
    _o("mean_price_gbp", "Price of a place on a boat", "GBP per person", "gbp", None, False,
       "Revenue / places sold (mean price paid).", "price of a place", True),
    _o("people_deterred", "People deterred from crossing", "people", "count", None, True,
       "People who decided not to cross (at the coast, or not recruited) because of perceived risks.",
       "people deterred", True),
    _o("people_removed", "People removed or returned from the UK", "people", "count", None, True,
       "Removals to a third country and returns under agreements.", "people removed", True),
    _o("asylum_backlog", "Asylum backlog at the end", "claims", "count", "lower", True,
       "Asylum claims awaiting a decision on the last day.", "asylum backlog", True),
    _o("hotel_cost_gbp", "Asylum hotel cost", "GBP", "gbp", "lower", True,
       "Cost of housing asylum seekers in hotels.", "asylum hotel cost", True),
    _o("policy_cost_gbp", "Enforcement and policy cost", "GBP", "gbp", "lower", True,
       "Cost of enforcement and of every enabled policy lever.", "enforcement and policy cost", True),
    _o("public_cost_gbp", "Public cost", "GBP", "gbp", "lower", True,
       "Enforcement and policy cost plus asylum hotel and support cost over the scenario days; net cost of a "
       "scenario = its difference from the baseline's.", "public cost", True),
    # ---- further totals of summary.json
    _o("asylum_support_cost_gbp", "Asylum support cost outside hotels", "GBP", "gbp", "lower", True,
       "People awaiting a decision outside hotels x asylum.support_cost_gbp_per_night."),
    _o("taxi_launches", "Taxi-boat launches", "boats", "count", None, True, "Boats launched as taxi boats."),
    _o("expected_deaths_at_sea", "Expected deaths at sea", "people", "count", "lower", True,
       "Sum over boats of P(incident) x expected deaths: the risk without the lottery of which boats sink."),
    _o("expected_deaths_per_1000_arrivals", "Expected deaths per 1,000 arrivals", "deaths per 1,000 arrivals",
       "rate", "lower", False, "1000 x expected deaths at sea / people arrived."),
    _o("fatal_incidents", "Fatal incidents at sea", "incidents", "count", "lower", True,
       "Incidents at sea with at least one death."),
    _o("people_gave_up", "People who gave up", "people", "count", None, True,
       "People who left the coast or the route without crossing."),
    _o("people_entered", "People entering the route", "people", "count", None, True,
       "People who set out on a route towards the Channel."),
    _o("people_not_recruited", "People not recruited", "people", "count", None, True,
       "People who did not set out because of perceived removal risk (counted among the deterred)."),
    _o("people_reached_coast", "People reaching the French coast", "people", "count", None, True,
       "Arrivals at the French coast, every route."),
    _o("people_pushed_back", "People pushed back", "people", "count", None, True,
       "People turned back on the route by officers posted abroad."),
    _o("places_sold", "Places sold on boats", "places", "count", None, True, "Places on boats sold by networks."),
    _o("revenue_gbp", "Smugglers' revenue", "GBP", "gbp", "lower", True, "Money paid to networks for places."),
    _o("boats_failed", "Boats that failed at sea", "boats", "count", None, True,
       "Boats that turned back or broke down."),
    _o("boats_intercepted_at_sea", "Boats met at sea", "boats", "count", None, True,
       "Boats met and escorted or rescued at sea."),
    _o("boats_destroyed_on_beach", "Boats destroyed on the beach", "boats", "count", None, True,
       "Boats slashed or seized on the beach in prevented launches."),
    _o("expected_deaths_crush", "Expected deaths in a crush aboard", "people", "count", "lower", True,
       "Sum over boats of P(crush) x expected crush deaths (crush or asphyxia in an overloaded boat)."),
    _o("expected_capsizes", "Expected capsizes with loss of life", "incidents", "count", "lower", True,
       "Sum over boats of P(capsize or sinking with loss of life)."),
    _o("left_for_lorries", "People who left the coast for lorries", "people", "count", None, True,
       "People waiting on the coast who took the outside option of hiding in lorries."),
    _o("claimed_asylum_france", "People who claimed asylum in France", "people", "count", None, True,
       "People waiting on the coast who took the outside option of claiming asylum in France."),
    _o("moved_on", "People who moved on elsewhere", "people", "count", None, True,
       "People waiting on the coast who left for another country or went home."),
    _o("items_shipped_by_corridor", "Boats and engines shipped, by corridor", "items", "mapping", None, True,
       "Items shipped per supply corridor (sweep table: items_shipped_by_corridor.<kind>_<corridor>)."),
    # enforcement (sim/investigations.py, sim/border_force.py)
    _o("disruptions_uk_equivalent", "Disruptions at the UK scale", "disruptions", "count", None, True,
       "Disruptions / enforcement.nca.channel_share_of_uk_disruptions (a stated assumption): to compare with the "
       "UK-wide counts of all organised-immigration-crime networks, never to fit."),
    _o("investigations_opened", "Investigations opened", "investigations", "count", None, True,
       "Investigations opened in free slots of the caseload."),
    _o("investigations_closed", "Investigations closed", "investigations", "count", None, True,
       "Investigations ended: in an action, compromised, timed out or unfunded (investigations.csv)."),
    _o("boats_seized_in_actions", "Boats seized in investigations' actions", "boats", "count", None, True,
       "Boats taken from the networks' stock in coordinated actions (not in the supply chain)."),
    _o("engines_seized_in_actions", "Engines seized in investigations' actions", "engines", "count", None, True,
       "Engines taken from the networks' stock in coordinated actions."),
    _o("cash_seized_gbp", "Cash seized from networks", "GBP", "gbp", None, True,
       "Networks' cash seized in actions that reached organisers or financiers."),
    _o("fatal_incidents_uk_waters", "Fatal capsizes in UK waters", "incidents", "count", "lower", True,
       "Fatal capsizes whose distress was in UK waters, where Border Force vessels answer (crushes not counted)."),
    _o("deaths_uk_waters", "Deaths in UK waters", "people", "count", "lower", True,
       "Deaths in capsizes in UK waters (drawn; crushes aboard not counted)."),
    _o("expected_deaths_uk_waters", "Expected deaths in UK waters", "people", "count", "lower", True,
       "Expected capsize deaths of boats whose distress would be in UK waters: what the fleet's response times act "
       "on."),
    _o("coast_arrivals_by_route", "People reaching the French coast, by route", "people", "mapping", None, True,
       "Arrivals at the coast per route (sweep table: coast_arrivals_by_route.<route>)."),
    _o("launch_attempts_by_area", "Launch attempts by area", "boats", "mapping", None, True,
       "Launch attempts per launch area (sweep table: launch_attempts_by_area.<area>)."),
    _o("arrests_by_role", "Smugglers arrested, by role", "people", "mapping", None, True,
       "Arrests per network role (sweep table: arrests_by_role.<role>); they sum to smugglers_arrested."),
    _o("deaths_by_kind", "Deaths at sea, by kind", "people", "mapping", "lower", True,
       "Deaths in a crush aboard an overloaded boat and in capsizes (sweep table: deaths_by_kind.<kind>); they sum "
       "to deaths_at_sea."),
    _o("policy_cost_by_item_gbp", "Policy cost, by item", "GBP", "mapping", "lower", True,
       "Cost per enforcement item and lever (sweep table: policy_cost_by_item_gbp.<item>)."),
    _o("by_year", "Outcomes by calendar year", "as each outcome", "mapping", None, True,
       "Only for a run over several calendar years (scenario history_2021_2025): year -> that year's people_arrived, "
       "boats_arrived, people_per_boat, crossing_days, deaths_at_sea and the other outcomes of "
       "sim.outputs.BY_YEAR_OUTCOMES, and demand_level, the year's latent demand (sim/demand.py) (sweep table: "
       "by_year.<year>.<outcome>, e.g. by_year.2024.people_arrived)."),
    # ---- daily quantities the dashboard shows live (not in summary.json)
    _o("perceived_removal_prob", "Chance of removal, as people at the coast see it today", "probability", "share",
       None, False, "The perceived probability of removal after arrival (daily table).", in_summary=False),
    _o("waiting_on_coast", "People waiting on the coast today", "people", "count", None, True,
       "People at the coast waiting or holding a place (dashboard).", in_summary=False),
)
# fmt: on

OUTCOMES: dict[str, Outcome] = {o.name: o for o in _CATALOGUE}
NAMED: tuple[str, ...] = tuple(o.name for o in _CATALOGUE if o.named)


def outcome(name: str) -> Outcome:
    """The catalogue entry of an outcome or of a flattened mapping column (``coast_arrivals_by_route.balkan``)."""
    if name in OUTCOMES:
        return OUTCOMES[name]
    parts = name.split(".")
    if parts[0] == "by_year" and len(parts) == 3 and parts[2] in OUTCOMES:  # by_year.2024.people_arrived
        return OUTCOMES[parts[2]]
    head = parts[0]
    if head in OUTCOMES:
        return OUTCOMES[head]
    raise KeyError(f"{name}: not an outcome; outcomes: {', '.join(OUTCOMES)}")


def known(name: str) -> bool:
    return name in OUTCOMES or name.split(".", 1)[0] in OUTCOMES


def per_full_scale(name: str, value, scale: float):
    """An outcome (a number or an array) as it would be at full scale: divided by ``scale`` where it scales.

    The one place where the population scale is undone (validate, calibrate and the report's comparison with
    observed figures all call it); outcomes not in the catalogue are returned as they are."""
    if not known(name):
        return value
    return outcome(name).per_full_scale(value, scale)


def labels(names: Iterable[str]) -> dict[str, str]:
    return {n: outcome(n).label for n in names}


# ---------------------------------------------------------------------------------------------- docs table
DOC = Path(__file__).resolve().parents[2] / "docs" / "outputs.md"
BEGIN, END = "<!-- BEGIN outcomes (generated by python -m sim.results --write) -->", "<!-- END outcomes -->"


def markdown_table() -> str:
    rows = [
        "| name | label | unit | kind | better | scales with population | in summary.json | description |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for o in _CATALOGUE:
        name = f"**`{o.name}`**" if o.named else f"`{o.name}`"
        summary = "yes" if o.in_summary else "no (daily)"
        rows.append(
            f"| {name} | {o.label} | {o.unit} | {o.kind} | {o.better or '-'} | {'yes' if o.scales else 'no'} | "
            f"{summary} | {o.description} |"
        )
    return "\n".join(rows)


def render(text: str) -> str:
    """``text`` (docs/outputs.md) with its generated block replaced by the catalogue's table."""
    head, sep, rest = text.partition(BEGIN)
    if not sep:
        raise ValueError(f"{DOC}: no {BEGIN} marker")
    _, sep, tail = rest.partition(END)
    if not sep:
        raise ValueError(f"{DOC}: no {END} marker")
    return f"{head}{BEGIN}\n{markdown_table()}\n{END}{tail}"


def _check() -> None:
    for o in _CATALOGUE:
        assert o.kind in KINDS and o.better in DIRECTIONS, o
        assert not (o.kind == "share" and o.scales), o
    assert len(OUTCOMES) == len(_CATALOGUE)


_check()
