"""Each lever works through its mechanism: paired seeds (common random numbers), stated tolerances."""

from __future__ import annotations

import numpy as np
import pytest

from sim.cli import load_config
from sim.config import ConfigError
from tests.conftest import run_with

SEEDS = range(10)
SCALE = "scale=0.3"


def outcomes(key: str, *overrides: str, seeds: range = SEEDS) -> np.ndarray:
    return np.array([run_with(f"seed={s}", SCALE, *overrides).summary[key] for s in seeds], dtype=float)


MORE_SEIZURES = ("policy=[seizures]", "policy.seizures.rate_bulgaria=0.5", "policy.seizures.rate_germany=0.2")
FIXED = ("supply_chain.market=false",)
FIVE = range(5)  # four configurations each: five paired seeds keep the cost of the old ten-seed test


@pytest.mark.slow  # moved out of make test (time budget); make test-slow runs it
def test_with_a_fixed_supply_seizures_cut_boats_more_than_people_and_do_not_lower_deaths_per_arrival():
    """The market switched off (makers' output fixed): every boat seized is a boat not launched."""
    boats0, boats1 = (
        outcomes("boats_launched", *FIXED, seeds=FIVE),
        outcomes("boats_launched", *FIXED, *MORE_SEIZURES, seeds=FIVE),
    )
    people0, people1 = (
        outcomes("people_arrived", *FIXED, seeds=FIVE),
        outcomes("people_arrived", *FIXED, *MORE_SEIZURES, seeds=FIVE),
    )
    ppb0, ppb1 = (
        outcomes("people_per_boat", *FIXED, seeds=FIVE),
        outcomes("people_per_boat", *FIXED, *MORE_SEIZURES, seeds=FIVE),
    )
    # Expected deaths (risk summed over boats) rather than realised deaths, which are a lottery of rare events.
    d0 = outcomes("expected_deaths_per_1000_arrivals", *FIXED, seeds=FIVE)
    d1 = outcomes("expected_deaths_per_1000_arrivals", *FIXED, *MORE_SEIZURES, seeds=FIVE)
    assert (boats1 < boats0).all()
    assert (ppb1 > ppb0).all()
    # Relative fall in people smaller than the relative fall in boats (overcrowding absorbs part of the cut).
    assert 1 - people1.mean() / people0.mean() < 1 - boats1.mean() / boats0.mean()
    # Deaths per 1,000 arrivals not lower (tolerance: 5% of the baseline mean).
    assert d1.mean() >= 0.95 * d0.mean()


def test_the_market_answers_seizures_back_by_rerouting_and_making_more():
    """With the market on, makers make up for seizures and networks reroute around the squeezed node, so the same
    seizures cost fewer crossings than with a fixed supply."""

    def fall(key: str, *ov: str) -> float:
        return 1.0 - outcomes(key, *ov, *MORE_SEIZURES, seeds=FIVE).mean() / outcomes(key, *ov, seeds=FIVE).mean()

    assert fall("people_arrived") < fall("people_arrived", *FIXED)
    assert fall("boats_launched") < fall("boats_launched", *FIXED)

    def rerouted(*ov: str) -> float:
        shipped = [run_with(f"seed={s}", SCALE, *ov).summary["items_shipped_by_corridor"] for s in FIVE]
        alt = sum(v for by in shipped for k, v in by.items() if not k.endswith("_main"))
        return alt / sum(v for by in shipped for v in by.values())

    assert rerouted(*MORE_SEIZURES) > rerouted() + 0.05
    assert rerouted(*FIXED) == 0.0


@pytest.mark.slow  # moved out of make test for time (make test-slow runs it)
def test_more_beach_patrols_prevent_more_and_push_taxi_boats():
    lever = ("policy=[beach_patrols]", "policy.beach_patrols.officers_per_night=2000")
    assert (outcomes("launches_prevented", *lever) > outcomes("launches_prevented")).all()
    taxi0, taxi1 = outcomes("taxi_boat_share"), outcomes("taxi_boat_share", *lever)
    assert taxi1.mean() > taxi0.mean() + 0.05
    assert (taxi1 > taxi0).sum() >= 9


@pytest.mark.slow  # moved out of make test for time (make test-slow runs it)
def test_patrols_push_launches_to_the_far_south_west():
    lever = ("policy=[beach_patrols]", "policy.beach_patrols.officers_per_night=2500")

    def sw_share(*ov: str) -> float:
        shares = []
        for s in SEEDS:
            by_area = run_with(f"seed={s}", SCALE, *ov).summary["launch_attempts_by_area"]
            shares.append(by_area["somme_authie_estuaries"] / max(sum(by_area.values()), 1))
        return float(np.mean(shares))

    assert sw_share(*lever) > sw_share()


@pytest.mark.slow  # moved out of make test for time (make test-slow runs it)
def test_deterrence_works_only_through_perceived_removal():
    # A stylised 2024 (observed=none): the observed timeline's Rwanda rows would switch the scheme on in the baseline.
    plain = ("observed=none",)
    strong = (
        *plain,
        "policy=[deterrence]",
        "policy.deterrence.capacity_per_year=20000",
        "policy.deterrence.response_strength=4",
    )
    none = (
        *plain,
        "policy=[deterrence]",
        "policy.deterrence.capacity_per_year=20000",
        "policy.deterrence.response_strength=0",
    )
    base_sold = outcomes("places_sold", *plain)
    strong_sold = outcomes("places_sold", *strong)
    assert (strong_sold < base_sold).all()
    assert strong_sold.mean() < 0.9 * base_sold.mean()
    assert outcomes("people_deterred", *strong).mean() > 100
    # "No effect": attempts and arrivals exactly as without the scheme (same seeds), yet people are removed.
    np.testing.assert_array_equal(outcomes("places_sold", *none), base_sold)
    np.testing.assert_array_equal(outcomes("people_arrived", *none), outcomes("people_arrived", *plain))
    assert (outcomes("people_removed", *none) > outcomes("people_removed", *plain)).all()


@pytest.mark.slow  # moved out of make test for time (make test-slow runs it)
def test_a_post_on_the_balkan_route_displaces_flow_to_another_route():
    lever = (
        "policy=[international_posts]",
        "policy.international_posts.officers={bulgaria: 20, austria: 0, romania: 0, libya: 0, southeast_asia: 0}",
    )

    def by_route(route: str, *ov: str) -> np.ndarray:
        return np.array(
            [run_with(f"seed={s}", SCALE, *ov).summary["coast_arrivals_by_route"][route] for s in SEEDS], dtype=float
        )

    balkan0, balkan1 = by_route("balkan"), by_route("balkan", *lever)
    east0, east1 = by_route("eastern_med"), by_route("eastern_med", *lever)
    assert balkan1.mean() < 0.95 * balkan0.mean()
    assert east1.mean() > east0.mean()
    assert east1.mean() / (east1.mean() + balkan1.mean()) > east0.mean() / (east0.mean() + balkan0.mean())


@pytest.mark.slow  # moved out of make test for time (make test-slow runs it)
def test_gang_disruption_cuts_capacity_for_a_while_then_it_recovers():
    """Cases take months to build, so a campaign bites late in its course; networks rebuild after it ends. Each
    window is compared with the same seed's run without the campaign (the 2024 caseload disrupts too). "After" is
    the four months from a month past the campaign's end: a six-week window held two or three of the few networks
    at scale 0.3 and swung with one split or one ordinary action."""
    lever = (
        "policy=[gang_disruption]",
        "policy.gang_disruption.investigations=3000",
        "policy.gang_disruption.start_date=2024-02-01",
        "policy.gang_disruption.duration_days=180",
    )
    during, after = slice("2024-06-15", "2024-07-31"), slice("2024-09-01", "2024-12-31")
    ratio_during, ratio_after = [], []
    for s in SEEDS:
        d1 = run_with(f"seed={s}", SCALE, *lever).daily.set_index("date")["network_strength"]
        d0 = run_with(f"seed={s}", SCALE).daily.set_index("date")["network_strength"]
        ratio_during.append(d1[during].mean() / d0[during].mean())
        ratio_after.append(d1[after].mean() / d0[after].mean())
    ratio_during, ratio_after = np.array(ratio_during), np.array(ratio_after)
    # Every seed loses capacity during the campaign, a quarter on average (one seed of ten sits near 0.8).
    assert (ratio_during < 0.85).all() and ratio_during.mean() < 0.8
    assert (ratio_after > ratio_during).all()
    assert ratio_after.mean() > 0.9


@pytest.mark.slow  # moved out of make test for time (make test-slow runs it)
def test_more_rescue_lowers_deaths_per_crossing_most_in_uk_waters():
    """Without the smugglers' response (moral hazard off), more vessels lower the risk of death per crossing; the
    fall is concentrated in UK waters, where the vessels are (French waters keep their French response)."""
    off = ("enforcement.border_force.moral_hazard=false",)  # in both arms: the paired runs differ only by vessels
    lever = (*off, "policy=[search_and_rescue]", "policy.search_and_rescue.vessels=30")
    d0 = outcomes("expected_deaths_per_1000_arrivals", *off)
    d1 = outcomes("expected_deaths_per_1000_arrivals", *lever)
    assert (d1 < d0).all()
    assert d1.mean() < 0.95 * d0.mean()
    uk0, uk1 = outcomes("expected_deaths_uk_waters", *off), outcomes("expected_deaths_uk_waters", *lever)
    # 30 vessels instead of 8 cut the chance that a distress in UK waters turns fatal from about 0.60 to 0.50 on a
    # quiet night (response times alone, default parameters); busy nights' waits add to the fall.
    assert uk1.mean() < 0.9 * uk0.mean()
    assert 1 - uk1.mean() / uk0.mean() > 1 - d1.mean() / d0.mean()


def test_rescue_moral_hazard_raises_the_waves_networks_launch_in():
    """Networks see the fleet: more vessels than in 2024, rougher seas accepted and fuller boats; fewer, calmer."""
    from sim.model import ChannelModel

    def limits(vessels: int) -> tuple[float, float]:
        m = ChannelModel(
            load_config(
                [
                    "seed=1",
                    SCALE,
                    "days=30",
                    "policy=[search_and_rescue]",
                    f"policy.search_and_rescue.vessels={vessels}",
                    "smuggling.load_cost_elasticity=0",  # the rescue cover alone moves the comfortable load
                ]
            )
        )
        m.run()
        rise = np.mean([n.wave_limit - n.base_wave_limit for n in m.networks])
        load = np.mean([n.comfortable_load for n in m.networks]) - m.cfg.smuggling.comfortable_load
        return float(rise), float(load)

    (rise_many, load_many), (rise_few, load_few) = limits(30), limits(2)
    assert rise_many > 0.005 and rise_few < -0.005
    assert load_many >= 0 >= load_few and load_many > load_few


@pytest.mark.slow  # moved out of make test for time (make test-slow runs it)
def test_more_asylum_decisions_shrink_backlog_and_hotel_costs():
    lever = ("policy=[asylum_processing]", "policy.asylum_processing.decisions_per_day=700")
    assert (outcomes("asylum_backlog", *lever) < outcomes("asylum_backlog")).all()
    assert (outcomes("hotel_cost_gbp", *lever) < outcomes("hotel_cost_gbp")).all()


def test_returns_by_nationality_cut_that_nationality_most():
    lever = ("policy=[returns]", "policy.returns.agreements.albania.return_prob=0.9")
    # A stylised 2024 without the observed agreements (observed=none), so the lever is the only returns policy.
    r0 = [run_with(f"seed={s}", SCALE, "observed=none") for s in range(4)]
    r1 = [run_with(f"seed={s}", SCALE, "observed=none", *lever) for s in range(4)]
    assert sum(r.summary["people_removed"] for r in r1) > sum(r.summary["people_removed"] for r in r0)
    assert sum(r.summary["people_deterred"] for r in r1) > sum(r.summary["people_deterred"] for r in r0)


@pytest.mark.parametrize(
    "scenario", ["baseline_2024", "border_security_2024", "third_country_removal", "patrols_and_rescue", "all_levers"]
)
def test_every_enabled_lever_reports_its_cost(scenario):
    # 120 days: a lever paid per person (returns) costs nothing in a run where nobody it applies to arrives, and in
    # January-February at scale 0.3 few people arrive at all.
    cfg = load_config([f"scenario={scenario}", SCALE, "days=120", "world.burn_in_days=30"])
    res = run_with(f"scenario={scenario}", SCALE, "days=120", "world.burn_in_days=30")
    items = res.summary["policy_cost_by_item_gbp"]
    for name in cfg.policy.__dataclass_fields__:
        if getattr(cfg.policy, name).enabled:
            assert items.get(name, 0) > 0, name
    assert res.summary["policy_cost_gbp"] == pytest.approx(sum(items.values()))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["policy=[seizurs]"], "policy=seizurs: unknown option; allowed: asylum_processing, beach_patrols"),
        (["scenario=border_security"], "scenario=border_security: unknown option; allowed: all_levers"),
        (["policy=[seizures]", "policy.seizures.rate_bulgaria=1.5"], "policy.seizures.rate_bulgaria=1.5: out of range"),
        (
            ["policy=[international_posts]", "+policy.international_posts.officers.narnia=3"],
            "policy.international_posts.officers.narnia: unknown post; allowed: bulgaria",
        ),
    ],
)
def test_bad_lever_input_names_it_and_lists_options(overrides, message):
    with pytest.raises(ConfigError) as err:
        load_config(overrides)
    assert message in str(err.value)
    assert "\n" not in str(err.value)
