"""Enforcement that decides (issue 14): investigations as agents, networks that answer, Border Force at sea.

Each test states what could fail: capacity that does not raise disruptions, a financier arrested whose clients
keep ordering, a network without crews that still launches, rescue that saves lives with no vessel there, and
launch decisions that move with the fleet when the moral hazard is switched off.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.investigations import Investigation
from sim.model import ChannelModel
from tests.conftest import cfg_with, run_with

SEEDS = range(4)
SHORT = ("scale=0.3", "days=200")


def _model(*overrides: str) -> ChannelModel:
    return ChannelModel(cfg_with(*overrides))


@pytest.mark.slow  # moved out of make test (time budget); make test-slow runs it
def test_doubling_investigation_capacity_raises_disruptions():
    base = np.array([run_with(f"seed={s}", *SHORT).summary["disruptions"] for s in SEEDS], dtype=float)
    double = np.array(
        [run_with(f"seed={s}", *SHORT, "enforcement.investigations=160").summary["disruptions"] for s in SEEDS],
        dtype=float,
    )
    assert (base > 0).all()
    assert (double > base).all()
    assert double.mean() > 1.3 * base.mean()


def test_arrests_by_role_sum_to_smugglers_arrested_and_investigations_are_tabled():
    r = run_with("seed=2", *SHORT)
    s = r.summary
    assert set(s["arrests_by_role"]) == {"organisers", "facilitators", "suppliers", "financiers", "pilots"}
    assert sum(s["arrests_by_role"].values()) == s["smugglers_arrested"] > 0
    daily = r.daily
    roles = [f"arrests_{role}" for role in s["arrests_by_role"]]
    np.testing.assert_array_equal(daily[roles].sum(axis=1), daily["smugglers_arrested"])
    assert daily["disruptions"].sum() == s["disruptions"]
    table = r.investigations
    counted = table[table["counted"] & table["outcome"].str.endswith("action")]
    assert int(counted["disrupted"].sum()) == s["disruptions"]
    assert (table["duration_days"] >= 0).all()
    assert set(table["aim"]) <= {"facilitators", "organisers", "financiers"}


def test_an_investigation_that_reaches_a_financier_stops_the_orders_of_every_network_it_banks_for():
    m = _model("seed=3", "scale=0.3", "enforcement.investigations=0", "enforcement.nca.upper_arrest_share=1.0")
    m.run_for(30)
    target = m.networks[0]
    (financier,) = target.brokers["financiers"]
    clients = list(financier.clients)
    assert len(clients) >= 2  # shared: hitting one reaches several
    inv = Investigation(m, m.nca, 999, target=0, aim=2)
    inv.evidence = m.cfg.enforcement.nca.evidence_financiers
    result = inv.strike(target)
    assert result.arrests["financiers"] == 1 and result.networks_reached >= len(clients)
    for n in clients:
        assert n.financiers == 0
        n.boats = n.engines = 0
        n.queue_size = 500
        before = dict(n.on_order)
        n.place_orders()
        assert n.on_order == before  # no financier, no orders
    delay = target.replacement_delay("financiers")
    m.run_for(int(delay) + 1)
    assert financier.active and all(n.financiers == 1 for n in clients)
    n = clients[0]
    n.boats = n.engines = 0
    n.queue_size = 500
    n.cash = 1e6
    before = n.on_order["boat"]
    n.place_orders()
    assert n.on_order["boat"] > before  # a successor took over: orders again


def test_a_network_whose_facilitators_are_all_arrested_launches_nothing_until_replacements_arrive():
    m = _model("seed=4", "scale=0.3", "enforcement.investigations=0", "smuggling.response.absorption_days=365")
    m.run_for(m.day_index("2024-05-01"))
    net = m.networks[0]
    net.boats = net.engines = 40
    net.arrest("facilitators", net.facilitators)
    assert net.crews == 0
    seen = int(m.nca.intel.launches_seen[net.index])
    others = int(m.nca.intel.launches_seen.sum()) - seen
    days = int(np.ceil(net.replacement_delay("facilitators"))) - 1
    m.run_for(days)
    assert net.facilitators == 0
    assert int(m.nca.intel.launches_seen[net.index]) == seen  # nothing launched
    assert int(m.nca.intel.launches_seen.sum()) - seen > others  # while the others went on launching
    m.run_for(2)
    assert net.facilitators == m.cfg.smuggling.facilitators_per_network
    m.run_for(60)
    assert int(m.nca.intel.launches_seen[net.index]) > seen  # launching again once the crews are back


def test_with_no_vessels_on_station_rescue_lowers_no_deaths():
    m = _model("seed=0", "enforcement.rescue_vessels=0")
    m.border_force.start_night(10)
    factor, uk, _ = m.border_force.at_sea(np.zeros(2000, dtype=np.intp))
    assert uk.any() and (factor[uk] == 1.0).all()  # in UK waters nobody comes: a distress is fatal as it happens
    assert (factor[~uk] < 1.0).all()  # French waters: French assets answer
    # Nothing about the (absent) vessels changes deaths in UK waters; with vessels, the same change does. (Moral
    # hazard off: smugglers' launch decisions would otherwise weigh the reference fleet's speed.)
    fast = ("enforcement.border_force.speed_kmh=200", "enforcement.border_force.dispatch_hours=0")
    slow = ("enforcement.border_force.speed_kmh=5", "enforcement.border_force.dispatch_hours=3")

    def uk_deaths(*ov: str) -> float:
        r = run_with("seed=1", "scale=0.3", "days=200", "enforcement.border_force.moral_hazard=false", *ov)
        return r.summary["expected_deaths_uk_waters"]

    none = ("enforcement.rescue_vessels=0",)
    assert uk_deaths(*none, *fast) == uk_deaths(*none, *slow)
    assert uk_deaths(*fast) < uk_deaths(*slow)


@pytest.mark.parametrize("moral_hazard", [False, True])
def test_the_moral_hazard_switch_off_leaves_launch_decisions_unchanged_by_vessels(moral_hazard):
    switch = f"enforcement.border_force.moral_hazard={str(moral_hazard).lower()}"

    def plans(vessels: int) -> list[tuple]:
        m = _model("seed=5", "scale=0.3", switch)
        m.run_for(20)
        m.border_force.vessels = vessels
        out = []
        rng = np.random.default_rng(7)
        zero = np.zeros(m.geo.n_areas)
        for net in m.networks:
            net.respond_to_enforcement()
            for wave in np.linspace(0.3, 1.4, 56):
                net.boats = net.engines = 30
                plan = net.plan_launches(400, float(wave), zero, rng)
                out.append(None if plan is None else (plan.loads.tolist(), plan.areas.tolist()))
        return out

    few, many = plans(0), plans(40)
    if moral_hazard:
        assert few != many  # the switch on: networks answer the cover they see
    else:
        assert few == many


def test_the_investigations_table_is_written_with_the_run_and_checked(tmp_path):
    import pandas as pd

    from sim.outputs import run_folder_damage, write_run_folder

    r = run_with("seed=2", *SHORT)
    write_run_folder(tmp_path, r, "seed: 2\n", 2)
    table = pd.read_csv(tmp_path / "investigations.csv")
    assert len(table) == len(r.investigations) > 0
    assert {"target_network", "opened", "closed", "duration_days", "outcome", "arrests_financiers"} <= set(table)
    assert run_folder_damage(tmp_path) is None
    (tmp_path / "investigations.csv").write_text("edited\n")
    assert "investigations.csv" in run_folder_damage(tmp_path)
