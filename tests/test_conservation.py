"""Accounting identities that must hold every day, whatever the parameters."""

from __future__ import annotations

import numpy as np

from sim.migrants import State
from sim.outputs import Results
from tests.conftest import run_with

STOCKS = [f"stock_{s.name.lower()}" for s in State]


def check_conservation(res: Results) -> None:
    d = res.daily
    total = d[STOCKS].sum(axis=1)
    # Everyone drawn at the start is in exactly one state on every day.
    assert total.nunique() == 1
    entered = total - d["stock_not_entered"]
    # People who have entered only ever increase, by the day's entries.
    np.testing.assert_array_equal(np.diff(entered.values), d["people_entered"].values[1:])
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
