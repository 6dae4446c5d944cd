"""Waiting on the coast has costs and outside options: people leave for lorries, asylum in France or move on at
rates that rise with the cold, the time waited and the share of the going price their money does not cover."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import ChannelModel
from tests.conftest import cfg_with, run_with


def _population_with(funds: list[float], waited_days: list[int], day: int = 400):
    model = ChannelModel(cfg_with("seed=1", "days=10"))
    pop = model.population
    people = np.arange(len(funds))
    pop.funds[people] = funds
    pop.coast_day[people] = day - np.asarray(waited_days)
    return pop, people, day


def test_leaving_rises_with_cold_time_waited_and_money_short_of_the_price():
    pop, people, day = _population_with([5_000.0, 5_000.0, 1_250.0, 0.0], [0, 90, 0, 0])
    cfg = pop.cfg
    summer = pop.leave_prob(people, day, winter=0.0, price=2_500.0)
    winter = pop.leave_prob(people, day, winter=1.0, price=2_500.0)
    base = cfg.give_up_per_day
    assert summer[0] == pytest.approx(base)  # can pay, just arrived, summer: the base rate
    assert summer[1] == pytest.approx(base * (1 + 3 * cfg.wait_leave_per_month))
    assert summer[2] == pytest.approx(base * (1 + 0.5 * cfg.short_of_price_leave_factor))
    assert summer[3] == pytest.approx(base * (1 + cfg.short_of_price_leave_factor))
    assert np.allclose(winter, summer * (1 + cfg.cold_leave_factor))
    # People who already hold a paid place are not short of the price (no price given).
    assert pop.leave_prob(people, day, winter=0.0)[3] == pytest.approx(base)


def test_dearer_places_send_more_people_to_the_outside_options():
    """With the same seed, a network price floor of GBP 4,000 leaves more people unable to pay, and more of them
    leave the coast for lorries, asylum in France or elsewhere than at the default prices; more still when being
    short of the price weighs more (measured at seed 3: 278 leavers, 364 at the dear prices without the weight of
    being short, 423 with a weight of 3)."""

    def leavers(*ov: str) -> float:
        d = run_with("seed=3", "days=120", *ov).daily
        return float(d[["left_for_lorries", "claimed_asylum_france", "moved_on"]].to_numpy().sum())

    dear = ("smuggling.price_min_gbp=4000", "smuggling.initial_price_gbp=4000")
    short = "migration.short_of_price_leave_factor"
    assert leavers(*dear, f"{short}=3") > 1.08 * leavers(*dear, f"{short}=0")
    assert leavers(*dear) > 1.2 * leavers()
