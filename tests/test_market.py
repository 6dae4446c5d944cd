"""The boat and engine market: makers' output follows orders within its limits, prices follow the order book,
networks reroute around a squeezed node, and seizures cost fewer crossings than with a fixed supply."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import ConfigError
from sim.model import ChannelModel
from tests.conftest import cfg_with, run_with


def test_makers_output_follows_orders_within_the_declared_limits_and_prices_follow_the_order_book():
    cfg = cfg_with("seed=1", "days=120", "supply_chain.boats_per_week_max=40")
    model = ChannelModel(cfg)
    maker = model.boat_maker
    low, high = 5.0 * cfg.scale, 40.0 * cfg.scale
    seen = []
    for _ in range(model.total_days):
        model.step()
        seen.append(maker.per_week)
        assert low - 1e-9 <= maker.per_week <= high + 1e-9
        weeks = maker.order_book / maker.per_week
        expected = cfg.supply_chain.boat_cost_gbp * min(
            max(weeks / cfg.supply_chain.normal_order_weeks, 1.0) ** cfg.supply_chain.price_elasticity,
            cfg.supply_chain.max_price_multiple,
        )
        assert maker.price == pytest.approx(expected)
    assert np.ptp(seen) > 0.1 * cfg.supply_chain.boats_per_week * cfg.scale  # output moved with the orders


def test_with_the_market_off_output_and_prices_are_fixed_and_there_is_one_corridor():
    res = run_with("seed=1", "days=120", "supply_chain.market=false")
    assert set(res.summary["items_shipped_by_corridor"]) <= {"boat_main", "engine_main"}
    model = ChannelModel(cfg_with("seed=1", "days=30", "supply_chain.market=false"))
    model.run_for(model.total_days)
    assert model.boat_maker.per_week == pytest.approx(model.cfg.supply_chain.boats_per_week * model.cfg.scale)
    assert model.boat_maker.price == model.cfg.supply_chain.boat_cost_gbp


def test_a_squeezed_bulgarian_node_pushes_consignments_to_other_corridors():
    def alternative_share(*ov: str) -> float:
        shipped = run_with("seed=2", "days=200", *ov).summary["items_shipped_by_corridor"]
        return sum(v for k, v in shipped.items() if not k.endswith("_main")) / sum(shipped.values())

    squeezed = (
        "supply_chain.boat_nodes.bulgaria.seizure_prob=0.6",
        "supply_chain.engine_nodes.bulgaria.seizure_prob=0.6",
    )
    assert alternative_share(*squeezed) > alternative_share() + 0.2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            ["supply_chain.boats_per_week_min=50", "supply_chain.boats_per_week_max=40"],
            "supply_chain.boats_per_week_min=50.0: above boats_per_week_max=40.0",
        ),
        (["supply_chain.engines_per_week_max=-1"], "supply_chain.engines_per_week_max=-1.0: out of range"),
        (["supply_chain.price_elasticity=-0.5"], "supply_chain.price_elasticity=-0.5: out of range"),
        (["smuggling.launches_per_night=0"], "smuggling.launches_per_night=0: out of range"),
        (
            ["migration.lorry_share_of_leavers=0.7", "migration.asylum_france_share_of_leavers=0.5"],
            "must not add up to more than 1",
        ),
    ],
)
def test_bad_market_and_waiting_input_names_key_value_and_rule(overrides, message):
    with pytest.raises(ConfigError) as err:
        cfg_with(*overrides)
    assert message in str(err.value) and "\n" not in str(err.value)


@pytest.mark.slow
def test_the_market_makes_arrivals_less_elastic_to_seizures():
    """Elasticity of arrivals to boats seized (10 paired seeds, full scale): smaller with the market than without."""
    more = (
        "policy.seizures.rate_bulgaria=0.375",
        "policy.seizures.rate_germany=0.15",
        "policy.seizures.rate_france_inland=0.15",
    )

    def elasticity(market: str) -> float:
        def mean(key: str, *ov: str) -> float:
            runs = [
                run_with(f"seed={s}", "policy=[seizures]", f"supply_chain.market={market}", *ov, small=False)
                for s in range(10)
            ]
            seized = [r.summary["boats_seized"] + r.summary["engines_seized"] for r in runs]
            return float(np.mean(seized if key == "seized" else [r.summary[key] for r in runs]))

        d_seized = mean("seized", *more) / mean("seized") - 1
        return (mean("people_arrived", *more) / mean("people_arrived") - 1) / d_seized

    assert abs(elasticity("true")) < abs(elasticity("false"))
