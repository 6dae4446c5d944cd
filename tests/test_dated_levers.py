"""Dated levers (start_date, end_date, deterrence announce_date, returns agreements) and common random numbers
that hold: a lever acts not at all outside its dates, and one network's change leaves the others' draws alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.config import ConfigError
from sim.model import ChannelModel
from tests.conftest import cfg_with, run_with

# A stylised 2024 (observed=none): no observed timeline, so the levers under test are the only policy that moves.
SHORT = ("seed=2", "days=200", "world.burn_in_days=40", "observed=none")
LEVERS = "policy=[seizures,beach_patrols,deterrence,international_posts,search_and_rescue]"
START = "2024-07-01"


def _from(date: str, *names: str) -> list[str]:
    return [f"policy.{n}.start_date={date}" for n in names]


ALL_FROM_JULY = (
    LEVERS,
    *_from(START, "seizures", "beach_patrols", "deterrence", "international_posts", "search_and_rescue"),
    "policy.deterrence.response_strength=3",
)


def test_a_lever_starting_in_july_leaves_every_day_before_it_as_in_the_baseline():
    base = run_with(*SHORT).daily
    dated = run_with(*SHORT, *ALL_FROM_JULY).daily
    before = base["date"] < pd.Timestamp(START)
    assert before.sum() > 150
    pd.testing.assert_frame_equal(dated.loc[before, base.columns], base.loc[before])
    extra = [c for c in dated.columns if c not in base.columns]
    assert extra and (dated.loc[before, extra] == 0).all().all()  # the levers' own cost items, zero until July
    after = ~before
    assert dated.loc[after, "people_prevented"].sum() != base.loc[after, "people_prevented"].sum()
    assert (dated.loc[after, "perceived_removal_prob"] > 0).all()


def test_a_lever_that_ended_before_the_run_never_acts_and_one_that_started_before_acts_from_day_one():
    base = run_with(*SHORT)
    ended = run_with(*SHORT, "policy=[beach_patrols]", "policy.beach_patrols.end_date=2023-06-30")
    pd.testing.assert_frame_equal(ended.daily, base.daily)
    always = run_with(*SHORT, "policy=[beach_patrols]")
    early = run_with(*SHORT, "policy=[beach_patrols]", "policy.beach_patrols.start_date=2020-01-01")
    pd.testing.assert_frame_equal(early.daily, always.daily)


def test_levers_give_back_what_they_took_on_their_end_date():
    cfg = cfg_with(
        *SHORT,
        "policy=[beach_patrols,international_posts,search_and_rescue,seizures,gang_disruption]",
        *[f"policy.{n}.end_date=2024-03-31" for n in ("beach_patrols", "international_posts", "search_and_rescue")],
        "policy.seizures.end_date=2024-03-31",
        "policy.gang_disruption.start_date=2024-02-01",
        "policy.gang_disruption.end_date=2024-03-31",
    )
    model = ChannelModel(cfg)
    limits = [n.wave_limit for n in model.networks]
    model.run_for(model.day_index("2024-03-01") + 1)
    assert model.beach_patrol.total_officers == cfg.policy.beach_patrols.officers_per_night
    assert model.transit_interception_boost.any() and model.supply_chain.extra_seizure
    assert model.nca.investigations == cfg.policy.gang_disruption.investigations
    model.run_for(45)  # to mid-April, past the end dates
    assert model.beach_patrol.total_officers == cfg.enforcement.beach_officers
    assert model.border_force.vessels == cfg.enforcement.rescue_vessels
    # What the rescue lever took is given back (the fleet, the hulls); each network's wave limit keeps following
    # the cover it sees nightly (moral hazard), around its own limit, which no lever changes.
    np.testing.assert_allclose([n.base_wave_limit for n in model.networks[: len(limits)]], limits)
    for child in model.networks[len(limits) :]:  # networks born of a split keep their parent's own limit
        assert child.base_wave_limit == model.networks[child.parent].base_wave_limit
    assert model.boat_quality_shift == pytest.approx(0.0)
    np.testing.assert_allclose(model.transit_interception_boost, 0.0, atol=1e-12)
    np.testing.assert_allclose(model.recruitment_cut, 0.0, atol=1e-12)
    assert model.supply_chain.extra_seizure == {}
    assert model.nca.investigations == cfg.enforcement.investigations
    assert model.nca.upper_odds == pytest.approx(1.0)  # gang_disruption's focus given back
    assert model.nca.upper_inputs == pytest.approx(1.0)  # and international_posts' Europol boost
    assert not any(p.active for p in model.policies)


def test_deterrence_fear_starts_at_the_announcement_and_removals_at_the_start_date():
    res = run_with(
        *SHORT,
        "policy=[deterrence]",
        "policy.deterrence.announce_date=2024-03-01",
        "policy.deterrence.start_date=2024-05-01",
        "policy.deterrence.end_date=2024-06-15",
        "policy.deterrence.capacity_per_year=20000",
    )
    d = res.daily.set_index("date")
    assert (d.loc[:"2024-02-29", "perceived_removal_prob"] == 0).all()
    assert (d.loc["2024-03-02":"2024-04-30", "perceived_removal_prob"] > 0).all()
    cost = d["cost_deterrence_gbp"]
    fixed = cost.loc["2024-03-01":"2024-04-30"]
    assert (fixed == fixed.iloc[0]).all()  # the fixed cost only: nobody removed before the start date
    assert (cost.loc["2024-05-01":"2024-06-15"] > fixed.iloc[0]).any()
    assert (d.loc["2024-06-16":, ["perceived_removal_prob", "cost_deterrence_gbp"]] == 0).all().all()


def test_each_returns_agreement_acts_from_its_own_start_date():
    def returned(*agreements: str) -> pd.Series:
        res = run_with(*SHORT, "policy=[returns]", *(f"policy.returns.agreements.{a}" for a in agreements))
        return res.daily.set_index("date")["cost_returns_gbp"] / 15_000.0  # GBP 15,000 per return

    albania_before = "albania.end_date=2023-12-31"  # the Albanian agreement ends before the run: it never acts
    share = returned(albania_before, "vietnam.start_date=2024-04-01", "vietnam.return_prob=0.5")
    assert (share.loc[:"2024-03-31"] == 0).all() and share.loc["2024-04-01":].sum() > 0
    weekly = returned(
        albania_before,
        "vietnam.start_date=2023-01-01",
        "vietnam.end_date=2023-12-31",
        "one_in_one_out.start_date=2024-06-01",
    )
    assert (weekly.loc[:"2024-05-31"] == 0).all()
    # 50 a week at scale 0.1 is 5 a week: about 21 in June, fewer only if the last days of June had no crossings.
    assert 10 <= weekly.loc["2024-06-01":"2024-06-30"].sum() <= 50 * 0.1 * 30 / 7 + 1e-9


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            ["policy.beach_patrols.start_date=2024-09-01", "policy.beach_patrols.end_date=2024-03-01"],
            "policy.beach_patrols.start_date=2024-09-01: after policy.beach_patrols.end_date=2024-03-01",
        ),
        (["policy.seizures.start_date=2024-13-45"], "policy.seizures.start_date='2024-13-45': expected an ISO date"),
        (["policy.seizures.end_date=soon"], "policy.seizures.end_date='soon': expected an ISO date"),
        (
            [
                "policy=[gang_disruption]",
                "policy.gang_disruption.duration_days=60",
                "policy.gang_disruption.end_date=2024-05-01",
            ],
            "policy.gang_disruption.duration_days=60: set either duration_days or end_date",
        ),
        (
            ["policy.deterrence.announce_date=2024-05-01", "policy.deterrence.start_date=2024-04-01"],
            "policy.deterrence.announce_date=2024-05-01: after the start_date",
        ),
        (
            ["policy=[returns]", "policy.returns.agreements.albania.weekly_returns=20"],
            "policy.returns.agreements.albania: return_prob=0.6 and weekly_returns=20.0; set one",
        ),
        (
            ["policy=[returns]", "policy.returns.agreements.albania.nationality=narnia"],
            "policy.returns.agreements.albania.nationality=narnia: unknown nationality; allowed: all,",
        ),
    ],
)
def test_bad_dates_name_the_key_the_value_and_the_rule(overrides, message):
    with pytest.raises(ConfigError) as err:
        cfg_with(*overrides)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


# ------------------------------------------------------------------------------- common random numbers
def _record(model: ChannelModel, days: int, empty_on: int | None = None) -> list[dict[int, tuple]]:
    """Step the model, keeping what each network did day by day: boats, loads, areas, taxi flags and which boats
    were prevented. ``empty_on``: on that day network 0 finds its boats gone just before it plans its launches."""
    seen: list[dict[int, tuple]] = []
    for network in model.networks:
        plan, learn = network.plan_launches, network.learn_from_launches

        def planning(*args, _plan=plan, _net=network, **kwargs):
            if _net.index == 0 and len(seen) - 1 == empty_on:
                _net.boats = 0
            out = _plan(*args, **kwargs)
            if out is not None:
                seen[-1][_net.index] = (tuple(out.loads), tuple(out.areas), tuple(out.taxi))
            return out

        def learning(taxi, prevented, returned, quality, _learn=learn, _k=network.index):
            seen[-1][_k] += (tuple(prevented), returned)
            return _learn(taxi, prevented, returned, quality)

        network.plan_launches, network.learn_from_launches = planning, learning
    for _ in range(days):
        seen.append({})
        model.step()
    return seen


def test_one_network_losing_its_boats_leaves_the_other_networks_draws_alone():
    """On the night network 0 loses its boats, every other network launches exactly as it would have: its own
    streams, not network 0's, decide its launch areas, taxi boats and what happens on the beach and at sea."""
    cfg = cfg_with("seed=5", "scale=0.3", "days=60", "world.burn_in_days=40", "world.start_date=2024-07-01")
    base = _record(ChannelModel(cfg), 100)
    day = next(d for d in range(100) if 0 in base[d] and len(base[d]) >= 2)
    changed = _record(ChannelModel(cfg), day + 1, empty_on=day)
    assert 0 not in changed[day]
    assert changed[:day] == base[:day]
    others = {k: v for k, v in base[day].items() if k != 0}
    assert changed[day] == others
