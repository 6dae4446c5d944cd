"""Tests that a plausible bug cannot pass (issue 12): each outcome's definition on a hand-computable case, the
bookkeeping identities checked against quantities derived independently of what they check, the targeted
mechanisms looked at directly, and random streams that belong to one mechanism each, in any process.

These are the tests ``make mutation`` runs against mutated copies of the model's core files, so they build their
models here (no cache shared between tests) and stay small.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import load_config
from sim.investigations import SUB_BORDER_FORCE, SUB_BROKERS, SUB_INVESTIGATION, SUB_NETWORK, SUB_TARGETS
from sim.migrants import State
from sim.model import STREAMS, ChannelModel
from sim.outputs import SUMMARY_OUTCOMES, summarise
from sim.smugglers import SmugglingNetwork
from sim.supply_chain import BOAT, ENGINE, Consignment

ROOT = Path(__file__).resolve().parent.parent
# Small, yet every mechanism acts: arrivals, deaths, seizures on the way and in investigations' actions, arrests,
# give-ups, taxi boats. Investigations stay at their default: as agents that strike at networks, many more (this
# list once had 1,500) leave the networks next to no boats to launch.
BUSY = [
    "scale=0.1",
    "days=200",  # enough consignments that some are seized on the way (a few boats a month at this scale)
    "world.burn_in_days=40",
    "world.start_date=2024-06-01",
    "supply_chain.boat_nodes.germany.seizure_prob=0.3",  # not Bulgaria: the timeline sets its rate on the first day
    "crossing.incident_base_prob=0.2",
]


def build(*overrides: str) -> ChannelModel:
    return ChannelModel(load_config([*BUSY, *overrides]))


@pytest.fixture(scope="module")
def busy():
    model = build("seed=11")
    return model, model.run()


# ------------------------------------------------------------------------------------------- definitions
def _hand_daily() -> pd.DataFrame:
    """Two days whose outcomes can be worked out by hand."""
    d = {
        "people_arrived": [30, 20],
        "boats_arrived": [1, 1],
        "boats_launched": [2, 2],
        "taxi_launches": [1, 0],
        "people_prevented": [50, 0],
        "launches_prevented": [1, 0],
        "deaths_at_sea": [1, 0],
        "expected_deaths_at_sea": [0.5, 0.5],
        "places_sold": [10, 0],
        "revenue_gbp": [25_000.0, 0.0],
        "mean_price_gbp": [3_000.0, 3_000.0],
        "asylum_backlog": [100.0, 90.0],
        "people_removed": [0.0, 2.0],
        "coast_arrivals_balkan": [3, 4],
        "launch_attempts_calais": [3, 2],
        "cost_patrols_gbp": [1.0, 2.0],
    }
    from sim.outputs import _COUNTS

    frame = pd.DataFrame({k: np.zeros(2) for k in _COUNTS})
    for k, v in d.items():
        frame[k] = v
    return frame


def test_each_outcome_is_defined_as_documented():
    s = summarise(_hand_daily(), ("balkan",), ("calais",), ["patrols"])
    assert list(s)[: len(SUMMARY_OUTCOMES)] == list(SUMMARY_OUTCOMES)
    assert s["people_arrived"] == 50 and s["boats_arrived"] == 2 and s["boats_launched"] == 4
    assert s["people_per_boat"] == 25.0  # people arrived / boats arrived
    assert s["prevention_share"] == 0.5  # prevented / (prevented + arrived), not prevented / arrived (= 1)
    assert s["taxi_boat_share"] == 0.25  # taxi launches / boats launched
    assert s["deaths_per_1000_arrivals"] == 20.0  # 1,000 x deaths / people arrived
    assert s["expected_deaths_per_1000_arrivals"] == 20.0
    assert s["crossing_days"] == 2  # days with a boat arriving
    assert s["mean_price_gbp"] == 2_500.0  # revenue / places sold, not the networks' mean asking price
    assert s["asylum_backlog"] == 90.0  # at the end, not a sum
    assert s["coast_arrivals_by_route"] == {"balkan": 7}
    assert s["launch_attempts_by_area"] == {"calais": 5}
    assert s["policy_cost_by_item_gbp"] == {"patrols": 3.0}


def test_outcomes_with_nothing_to_divide_are_zero_not_nan():
    daily = _hand_daily()
    for col in ("people_arrived", "boats_arrived", "people_prevented", "boats_launched", "places_sold"):
        daily[col] = 0
    s = summarise(daily, ("balkan",), ("calais",), ["patrols"])
    assert s["people_per_boat"] == s["prevention_share"] == s["taxi_boat_share"] == 0.0
    assert s["deaths_per_1000_arrivals"] == 0.0
    assert s["mean_price_gbp"] == 3_000.0  # no sale: the asking price


def test_public_cost_is_policy_plus_hotels_plus_support_outside_hotels(busy):
    model, res = busy
    d, s = res.daily, res.summary
    outside = d["asylum_backlog"].clip(lower=0) - d["people_in_hotels"]
    support = outside * model.cfg.asylum.support_cost_gbp_per_night
    assert s["asylum_support_cost_gbp"] == pytest.approx(support.sum()) and support.sum() > 0
    parts = s["policy_cost_gbp"] + s["hotel_cost_gbp"] + s["asylum_support_cost_gbp"]
    assert s["public_cost_gbp"] == pytest.approx(parts) and s["public_cost_gbp"] > s["hotel_cost_gbp"] > 0


def test_a_run_reports_what_its_daily_table_adds_up_to(busy):
    _, res = busy
    d, s = res.daily, res.summary
    assert s["people_arrived"] == d["people_arrived"].sum() > 0
    assert s["people_per_boat"] == pytest.approx(d["people_arrived"].sum() / d["boats_arrived"].sum())
    prevented = d["people_prevented"].sum()
    assert s["prevention_share"] == pytest.approx(prevented / (prevented + d["people_arrived"].sum()))
    assert 0 < s["prevention_share"] < 1
    assert s["deaths_per_1000_arrivals"] == pytest.approx(1000 * d["deaths_at_sea"].sum() / d["people_arrived"].sum())
    assert s["crossing_days"] == int((d["boats_arrived"] > 0).sum())


# ------------------------------------------------------------------------------------------- identities
def test_every_person_is_in_exactly_one_state_counted_from_the_flows(busy):
    """The stocks come from a count of each person's state; here they are derived from the day-by-day flows
    (burn-in included) and from the number of people drawn, which the count cannot make agree by construction."""
    model, res = busy
    t, f = res.totals_with_burn_in, res.final_states
    drawn = len(model.population.entry_day)
    assert f["not_entered"] == drawn - t["people_entered"]
    assert f["arrived_uk"] == t["people_arrived"] > 0
    assert f["died"] == t["deaths_at_sea"] > 0
    assert f["deterred"] == t["people_deterred"]
    assert f["gave_up"] == t["people_gave_up"] > 0  # includes people holding a paid place who quit
    waiting = f["in_transit"] + f["at_coast"] + f["has_place"]
    assert (
        waiting
        == t["people_entered"] - t["people_arrived"] - t["deaths_at_sea"] - t["people_deterred"] - t["people_gave_up"]
    )
    d = res.daily
    np.testing.assert_array_equal(np.diff(d["stock_gave_up"]), d["people_gave_up"].to_numpy()[1:])
    np.testing.assert_array_equal(-np.diff(d["stock_not_entered"]), d["people_entered"].to_numpy()[1:])


def test_people_holding_a_place_who_quit_count_as_gave_up():
    """Only people holding a place, quitting at a high rate: every quit is in people_gave_up."""
    model = build("seed=2", "migration.give_up_per_day=0.2")
    pop = model.population
    holders = np.arange(min(pop.n, 500))
    pop._entered = holders.size
    # the daily updates see only the live index (Population.compact), the coast's decisions its coast part
    pop.live = pop.coast = holders.astype(np.intp)
    pop.state[holders] = State.HAS_PLACE
    pop.coast_day[holders] = 0
    n_nat = len(model.geo.nationality_names)
    out = pop.coast_decisions(
        0, np.random.default_rng(1), np.array([2500.0]), np.array([1.0]), 0.0, np.zeros(n_nat), np.ones(n_nat)
    )
    quit_ = int((pop.state[holders] == State.GAVE_UP).sum())
    assert quit_ > 50 and out["gave_up"] == quit_
    assert out["outside_options"].sum() == quit_  # every leaver takes one outside option
    pop.compact()
    assert pop.counts()[State.GAVE_UP] == quit_  # and is counted as gave-up once compacted out


def test_boats_balance_and_seized_consignments_leave_the_networks_orders(busy):
    model, res = busy
    b, t = res.boat_balance, res.totals_with_burn_in
    assert b["seized"] > 0 and b["delivered"] > 0 and b["seized_in_actions"] > 0
    assert b["made"] == b["seized"] + b["in_supply_chain"] + b["delivered"]
    # Boats leave a network's stock by launches, destruction on the beach and seizure in investigations' actions
    # (counted by the NCA as it strikes, and day by day in the daily table).
    assert b["seized_in_actions"] == t["boats_seized_in_actions"] > 0
    assert b["initial_stock"] + b["delivered"] == (
        b["in_stock"] + t["boats_launched"] + t["boats_destroyed_on_beach"] + t["boats_seized_in_actions"]
    )
    assert t["boats_launched"] == t["boats_failed"] + t["boats_arrived"]
    chain = model.supply_chain
    makers = {BOAT: model.boat_maker, ENGINE: model.engine_maker}
    for net in model.networks:
        for kind, maker in makers.items():
            travelling = sum(c.size for c in chain.in_transit if c.network is net and c.kind == kind)
            assert net.on_order[kind] == maker.orders.get(net, 0) + travelling, (net.index, kind)


def test_deaths_come_from_fatal_incidents_on_boats_that_crossed(busy):
    _, res = busy
    t = res.totals_with_burn_in
    assert 0 < t["fatal_incidents"] <= t["boats_arrived"]
    assert t["fatal_incidents"] <= t["deaths_at_sea"] <= t["fatal_incidents"] * 85  # max_load


# ------------------------------------------------------------------------------------ targeted mechanisms
def test_beach_officers_are_spread_by_the_area_weights():
    weights = {"dunkirk_gravelines": 0.5, "calais": 0.2, "boulogne_wimereux_le_portel": 0.2}  # the fourth: 1.0
    model = build(
        "enforcement.beach_officers=1900",
        "enforcement.beach_area_weights.dunkirk_gravelines=0.5",
        "enforcement.beach_area_weights.calais=0.2",
        "enforcement.beach_area_weights.boulogne_wimereux_le_portel=0.2",
        "enforcement.beach_area_weights.somme_authie_estuaries=1.0",
    )
    patrol = model.beach_patrol
    expected = np.array([{**weights, "somme_authie_estuaries": 1.0}[a] for a in model.geo.area_names]) * 1000
    np.testing.assert_allclose(patrol.officers, expected)
    density = expected / model.geo.area_coastline_km
    np.testing.assert_allclose(
        patrol.prevention_prob(False), 1 - np.exp(-model.cfg.enforcement.prevention_per_officer_km * density)
    )


def test_albanias_return_probability_applies_to_albanians_only():
    model = build(
        "seed=5",
        "scale=0.5",
        "policy=[returns]",
        "policy.returns.agreements.albania.return_prob=0.9",  # one entry per agreement, merged into the lever's own
        "policy.returns.agreements.vietnam.return_prob=0.0",
        "policy.returns.agreements.one_in_one_out.weekly_returns=0",
    )
    lever = next(p for p in model.policies if p.name == "returns")
    names = model.geo.nationality_names
    albania = names.index("albania")
    model.day = model.burn_in  # 2024-06-01: the Albania agreement (from December 2022) is in force
    lever.daily(model)  # switches the lever on and sets today's return probability by nationality
    assert lever.active and lever.p_return[albania] == 0.9 and (np.delete(lever.p_return, albania) == 0).all()
    people = np.arange(model.population.n)
    nat = model.population.nationality[people]
    lever.allowance = 1e9
    lever.on_arrivals(model, people)
    returned_by_nat = lever.observed.events / lever.observed.weight  # this day's returns, by nationality
    n_albanians = int((nat == albania).sum())
    assert n_albanians > 100
    assert returned_by_nat[albania] == pytest.approx(model.removed_directly_today)
    assert abs(model.removed_directly_today - 0.9 * n_albanians) < 4 * np.sqrt(0.09 * n_albanians)
    assert (np.delete(returned_by_nat, albania) == 0).all()


def _largest_wave_accepted(model: ChannelModel, cold: float) -> float:
    """The highest waves network 0 launches into when the water's cold weight is ``cold``: found by bisection on
    its own decision (``SmugglingNetwork.night_is_acceptable``), not from the formula it uses."""
    net, lo, hi = model.networks[0], 0.0, 20.0
    model.cold_water_today = cold
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if net.night_is_acceptable(mid) else (lo, mid)
    return lo


def test_without_the_season_weight_launches_are_judged_by_the_waves_alone():
    """``smuggling.season_loss_weight`` (which replaced the winter wave margin): at 0 a network accepts a night
    exactly when the waves are within its limit, whatever the sea's temperature; above 0 it wants calmer seas as
    the water cools (by the cold-water rise in the risk of losing a boat, in metres of waves), the most on the
    coldest day and not at all when the water is warmest; and the weight never touches the weather."""
    year = ("world.start_date=2024-01-01", "days=366")
    blind = build(*year, "smuggling.season_loss_weight=0.0")
    weighed = build(*year, "smuggling.season_loss_weight=0.5")
    np.testing.assert_array_equal(weighed.wave, blind.wave)  # the weight does not touch the weather stream
    np.testing.assert_array_equal(weighed.cold_water, blind.cold_water)
    limit = blind.networks[0].wave_limit
    assert weighed.networks[0].wave_limit == limit  # the same network, with the same own limit
    days = np.arange(blind.total_days)
    np.testing.assert_allclose([_largest_wave_accepted(blind, blind.cold_water[d]) for d in days], limit, atol=1e-9)
    lowered = limit - np.array([_largest_wave_accepted(weighed, weighed.cold_water[d]) for d in days])
    c = weighed.cfg.crossing
    full = np.log1p(0.5 * c.cold_water_risk) / c.wave_risk_per_m  # the coldest night's expected loss, in metres
    assert full > 0.1
    assert (lowered >= -1e-9).all() and lowered.max() <= full + 1e-9
    order = np.argsort(weighed.cold_water)
    assert (np.diff(lowered[order]) >= -1e-9).all()  # the colder the water, the calmer the sea it takes
    doy = np.array([d.timetuple().tm_yday for d in weighed.dates])
    coldest = weighed.cfg.weather.coldest_water_day
    assert lowered[doy == coldest].min() > 0.99 * full
    assert lowered[np.abs(doy - (coldest + 183)) <= 1].max() < 0.01 * full  # warmest water: waves alone


# ------------------------------------------------------------------------------------------------ streams
# Which code may draw from each stream: one of these functions must be on the call stack of every draw. A stream
# is a mechanism's (``ChannelModel.substream(mechanism)``) or one agent's below it: network k's launches, sea and
# supply (``substream("launches", k)``), and the enforcement stream's parts (sim/investigations.py: the NCA's target
# choices, each investigation, each network's answers to enforcement, the Border Force fleet, the brokers).
NETWORK = "network k"  # a network's own stream: drawn only for that network (see _network_acted_for)
STREAM_OWNERS = {
    ("weather",): {"wave_height_series"},
    ("population",): {"entry_days", "Population.__init__"},
    ("population", 1): {"yearly_levels"},  # the random walk of demand after the fitted years (sim/demand.py)
    ("journeys",): {"Population.enter", "Population.advance_journeys"},
    ("coast",): {"Population.coast_decisions"},
    ("launches",): {"ChannelModel.__init__"},  # the networks' home areas and wave limits
    ("launches", NETWORK): {"SmugglingNetwork.plan_launches"},
    ("sea", NETWORK): {"resolve_launch"},
    ("supply", NETWORK): {"SupplyChain.at_node", "SmugglingNetwork.choose_corridor"},
    ("enforcement", SUB_TARGETS): {"NationalCrimeAgency._open"},
    ("enforcement", SUB_INVESTIGATION): {"Investigation.__init__", "Investigation.strike", "NationalCrimeAgency._open"},
    ("enforcement", SUB_NETWORK, NETWORK): {"SmugglingNetwork.after_action", "absorb_customers"},
    ("enforcement", SUB_BORDER_FORCE): {"BorderForce.at_sea", "BorderForce.step", "Vessel.step"},  # step: availability
    ("enforcement", SUB_BROKERS): {"link_brokers"},
    ("policy",): {"Returns.on_arrivals"},
}


def _stream(mechanism: str, keys: tuple[int, ...]) -> tuple[tuple, int | None]:
    """The STREAM_OWNERS key of a substream, and the network it belongs to (None: no network's own)."""
    if mechanism in ("launches", "sea", "supply") and keys:
        return (mechanism, NETWORK), keys[0]
    if mechanism == "enforcement" and keys[:1] == (SUB_NETWORK,):
        return (mechanism, SUB_NETWORK, NETWORK), keys[1]
    return (mechanism, *keys[:1]), None


def _network_acted_for(frame) -> int | None:
    """The network the innermost code that has one in hand is acting for: ``self``, ``network`` or a
    consignment's network (``c``), looked up frame by frame outwards."""
    while frame is not None:
        for name in ("self", "network", "c"):
            obj = frame.f_locals.get(name)
            if isinstance(obj, Consignment):
                obj = obj.network
            if isinstance(obj, SmugglingNetwork):
                return obj.index
        frame = frame.f_back
    return None


def _plain(qualname: str) -> str:
    """A function's own name where mutation testing renamed it (``x_entry_days__mutmut_orig``,
    ``Population.xǁPopulationǁ__init____mutmut_3``)."""
    m = re.fullmatch(r"(?:\w+\.)?x(?:ǁ(\w+)ǁ|_)(\w+?)__mutmut_\w+", qualname)
    if m is None:
        return qualname
    return f"{m.group(1)}.{m.group(2)}" if m.group(1) else m.group(2)


class _Recorder:
    """A generator that records, for every draw, the functions on the call stack and, on a network's own stream,
    whether the draw was made for that network."""

    def __init__(self, stream: tuple, network: int | None, rng: np.random.Generator, log: dict) -> None:
        self._stream, self._network, self._rng, self._log = stream, network, rng, log

    def __getattr__(self, attr: str):
        target = getattr(self._rng, attr)
        if not callable(target):
            return target

        def draw(*args, **kwargs):
            frame, stack = sys._getframe(1), set()
            if self._network is not None and _network_acted_for(frame) != self._network:
                stack.add(f"<not for network {self._network}>")
            while frame is not None:
                stack.add(_plain(frame.f_code.co_qualname))
                frame = frame.f_back
            self._log[self._stream].append(frozenset(stack))
            return target(*args, **kwargs)

        return draw


def test_each_mechanism_draws_from_its_own_stream(monkeypatch):
    log: dict[tuple, list] = defaultdict(list)
    original = ChannelModel.substream

    def recording(self, mechanism, *keys):
        return _Recorder(*_stream(mechanism, keys), original(self, mechanism, *keys), log)

    monkeypatch.setattr(ChannelModel, "substream", recording)
    build("seed=3", "days=30", "policy=[returns]", "policy.returns.agreements.albania.return_prob=0.5").run()
    assert set(log) <= set(STREAM_OWNERS), set(log) - set(STREAM_OWNERS)  # no stream nobody owns
    for stream, owners in STREAM_OWNERS.items():
        assert log[stream], f"nothing drew from the {stream} stream"
        strays = [s for s in log[stream] if not s & owners or any(f.startswith("<not for") for f in s)]
        assert not strays, (stream, sorted(strays[0])[:12])


CHILD = """
import json, sys
from sim.cli import load_config
from sim.model import STREAMS, ChannelModel
m = ChannelModel(load_config(sys.argv[1:]))
print(json.dumps({name: m.substream(name).random(4).tolist() for name in STREAMS} | {
    "network_3": m.substream("launches", 3).random(4).tolist(), "summary": m.run().summary}))
"""


def test_same_seed_gives_the_same_draws_per_stream_in_another_process():
    args = ["seed=12", *BUSY, "days=20"]
    env = {"PYTHONHASHSEED": "987", "HOME": str(Path.home())}  # another hash seed, nothing else inherited
    p = subprocess.run([sys.executable, "-c", CHILD, *args], cwd=ROOT, capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr[-2000:]
    there = json.loads(p.stdout.strip().splitlines()[-1])
    model = ChannelModel(load_config(args))
    here = {name: model.substream(name).random(4).tolist() for name in STREAMS}
    here["network_3"] = model.substream("launches", 3).random(4).tolist()
    summary = json.loads(json.dumps(model.run().summary))
    assert {k: there[k] for k in here} == here
    assert len({tuple(v) for v in here.values()}) == len(here)  # every stream its own draws
    assert there["summary"] == summary
