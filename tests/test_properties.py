"""Property-based checks: the accounting invariants hold over random valid configurations."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.model import run
from tests.conftest import cfg_with
from tests.test_conservation import check_conservation

configs = st.fixed_dictionaries(
    {
        "seed": st.integers(0, 10_000),
        "migration.annual_entrants": st.floats(0, 150_000),
        "supply_chain.boats_per_week": st.floats(0, 80),
        "supply_chain.boat_nodes.bulgaria.seizure_prob": st.floats(0, 1),
        "enforcement.beach_officers": st.floats(0, 3000),
        "enforcement.investigations": st.floats(0, 2000),
        "crossing.incident_base_prob": st.floats(0, 0.5),
        "crossing.failure_prob": st.floats(0, 1),
        "weather.wave_summer_m": st.floats(0.2, 2.0),
        "smuggling.max_load": st.integers(40, 120),
        "migration.give_up_per_day": st.floats(0, 0.2),
        "world.routes.balkan.legs.1.interception_prob": st.floats(0, 1),
    }
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs)
def test_invariants_hold_for_random_valid_configs(params):
    overrides = [f"{k}={v}" for k, v in params.items()] + ["days=120", "scale=0.05", "world.burn_in_days=40"]
    overrides.append("weather.inverted_season=true")  # calm medians above the winter one are drawn too
    res = run(cfg_with(*overrides, small=False))
    check_conservation(res)
    s = res.summary
    # Deaths happen in fatal incidents on boats that crossed; each kills at least one person, at most a boatload.
    t = res.totals_with_burn_in
    assert t["fatal_incidents"] <= t["boats_arrived"]
    assert t["fatal_incidents"] <= t["deaths_at_sea"] <= t["fatal_incidents"] * params["smuggling.max_load"]
    assert s["people_per_boat"] <= params["smuggling.max_load"]
    assert (res.daily.drop(columns=["date"]).select_dtypes("number") >= 0).all().all()
