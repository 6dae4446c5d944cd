"""A tiny world where the answer can be worked out by hand."""

import numpy as np

from sim.model import ChannelModel
from sim.smugglers import SmugglingNetwork
from tests.conftest import cfg_with

# configs/world/toy.yaml: one route of two deterministic legs (3 days, then 4 days); one launch area.
TOY = ["world=toy", "enforcement=toy", "observed=none", "posterior_file=null", "days=60"]  # declared defaults


def test_deterministic_legs_reach_the_coast_after_exactly_seven_days():
    m = ChannelModel(cfg_with(*TOY))
    m.run()
    pop = m.population
    reached = pop.coast_day >= 0
    assert reached.sum() > 0
    # Everyone who entered at least 7 days before the end has reached the coast, on day entry + 7.
    np.testing.assert_array_equal(pop.coast_day[reached], pop.entry_day[reached] + 7)
    assert (pop.coast_day[pop.entry_day <= 60 - 1 - 7] >= 0).all()


def test_closed_border_stops_everyone():
    m = ChannelModel(cfg_with(*TOY, "world.routes.toy.legs.1.interception_prob=1.0"))
    res = m.run()
    assert res.summary["coast_arrivals_by_route"] == {"toy": 0}
    assert res.summary["people_pushed_back"] > 0


def test_leg_capacity_caps_daily_throughput():
    m = ChannelModel(cfg_with(*TOY, "world.routes.toy.legs.0.capacity_per_day=3", "scale=1.0"))
    m.run()
    hub_days = m.population.entry_day  # not used directly: count people completing leg 0 per day
    assert hub_days.size > 0
    reached = m.population.coast_day[m.population.coast_day >= 0]
    # Leg 1 is uncapped and deterministic, so arrivals at the coast per day mirror leg-0 completions: at most 3.
    assert np.bincount(reached).max() <= 3


def _network(queue: int, boats: int) -> SmugglingNetwork:
    m = ChannelModel(cfg_with(*TOY, "smuggling.networks=1"))
    n = m.networks[0]
    n.boats = n.engines = boats
    n.wave_limit = 5.0
    return n


def test_launch_arithmetic_by_hand():
    rng = np.random.default_rng(0)
    # 100 waiting, 3 boats, comfortable load 38, maximum 85, 2 launches a night, 3 nights to clear a queue:
    # slots = min(3 boats, 8 crews, launches_per_night 2) = 2; target load = clip(ceil(max(100 / 3 boats,
    # 100 / (2 slots * 3 nights))), 38, 85) = 38; full boats = 100 // 38 = 2: two boats of 38, 24 wait.
    n = _network(100, 3)
    plan = n.plan_launches(100, 0.3, np.zeros(1), rng)
    assert sorted(plan.loads.tolist()) == [38, 38]
    # One boat only: it leaves with the maximum load of 85 and 15 people wait.
    n = _network(100, 1)
    plan = n.plan_launches(100, 0.3, np.zeros(1), rng)
    assert plan.loads.tolist() == [85]
    # Too few for a launch (below the minimum load of 15): nothing leaves.
    assert _network(10, 3).plan_launches(10, 0.3, np.zeros(1), rng) is None
    # Waves above the network's limit: nothing leaves.
    assert _network(100, 3).plan_launches(100, 9.0, np.zeros(1), rng) is None
