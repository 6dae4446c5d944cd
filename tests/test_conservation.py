"""Accounting identities that must hold every day, whatever the parameters."""

from __future__ import annotations

import numpy as np

from sim.migrants import State
from sim.outputs import Results
from tests.conftest import run_with

STOCKS = [f"stock_{s.name.lower()}" for s in State]


def check_conservation(res: Results) -> None:
    d = res.daily
    # Everyone is in exactly one state: the stocks (a count of each person's state) agree with the flows counted
    # as they happened, burn-in included (the count alone sums to the population whatever the model does).
    f, t = res.final_states, res.totals_with_burn_in
    assert f["arrived_uk"] == t["people_arrived"] and f["died"] == t["deaths_at_sea"]
    assert f["deterred"] == t["people_deterred"] and f["gave_up"] == t["people_gave_up"]
    terminal = f["arrived_uk"] + f["died"] + f["deterred"] + f["gave_up"]
    assert f["in_transit"] + f["at_coast"] + f["has_place"] + terminal == t["people_entered"]
    # People who have entered only ever increase, by the day's entries.
    np.testing.assert_array_equal(-np.diff(d["stock_not_entered"].values), d["people_entered"].values[1:])
    np.testing.assert_array_equal(np.diff(d["stock_gave_up"].values), d["people_gave_up"].values[1:])
    # Terminal states never shrink.
    for s in ("stock_arrived_uk", "stock_died", "stock_gave_up", "stock_deterred"):
        assert (np.diff(d[s].values) >= 0).all(), s
    np.testing.assert_array_equal(np.diff(d["stock_arrived_uk"].values), d["people_arrived"].values[1:])
    np.testing.assert_array_equal(np.diff(d["stock_died"].values), d["deaths_at_sea"].values[1:])
    np.testing.assert_array_equal(np.diff(d["stock_deterred"].values), d["people_deterred"].values[1:])
    assert (d[STOCKS] >= 0).all().all()
    # Boats: made = seized + in the supply chain + delivered; and
    # initial stock + delivered = in stock + launched + destroyed on beaches + seized in investigations' actions.
    b, t = res.boat_balance, res.totals_with_burn_in
    assert b["made"] == b["seized"] + b["in_supply_chain"] + b["delivered"]
    assert b["initial_stock"] + b["delivered"] == (
        b["in_stock"] + t["boats_launched"] + t["boats_destroyed_on_beach"] + b["seized_in_actions"]
    )
    # Every launched boat either arrived or failed at sea.
    assert t["boats_launched"] == t["boats_failed"] + res.totals_with_burn_in.get("boats_arrived", 0)
    s = res.summary
    assert 0.0 <= s["prevention_share"] <= 1.0
    assert 0.0 <= s["taxi_boat_share"] <= 1.0


def test_default_conserves_people_and_boats(default_small):
    check_conservation(default_small)


def test_people_per_boat_is_arrivals_over_boats(default_small):
    s = default_small.summary
    assert s["people_per_boat"] == s["people_arrived"] / s["boats_arrived"]


def test_conservation_with_seizures_and_arrests():
    check_conservation(
        run_with("seed=4", "supply_chain.boat_nodes.bulgaria.seizure_prob=0.5", "enforcement.investigations=2000")
    )


def test_deaths_by_kind_sum_to_deaths_at_sea(default_small):
    s, d = default_small.summary, default_small.daily
    assert set(s["deaths_by_kind"]) == {"crush", "capsize"}
    assert sum(s["deaths_by_kind"].values()) == s["deaths_at_sea"]
    np.testing.assert_array_equal(d["deaths_crush"] + d["deaths_capsize"], d["deaths_at_sea"])
