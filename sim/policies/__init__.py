"""Policy levers, one module per lever. Each acts through a mechanism that agents react to (seizure chances at
supply nodes, interception on route legs, officers on beaches, arrests, removals people hear about), never by
scaling an output.

A lever is built when its config has ``enabled: true``; ``setup`` runs once when the model is built and
``apply`` every day before supply and coast decisions; ``on_arrivals`` sees the day's arrivals; ``daily_costs``
gives its spending. When a lever is off, the 2024 status quo of the enforcement and supply-chain configs applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from sim.policies.asylum_processing import AsylumProcessing
from sim.policies.base import PolicyLever
from sim.policies.beach_patrols import BeachPatrols
from sim.policies.deterrence import Deterrence
from sim.policies.gang_disruption import GangDisruption
from sim.policies.international_posts import InternationalPosts
from sim.policies.returns import Returns
from sim.policies.search_and_rescue import SearchAndRescue
from sim.policies.seizures import Seizures

if TYPE_CHECKING:
    from sim.model import ChannelModel

LEVERS: Mapping[str, type[PolicyLever]] = MappingProxyType(
    {
        "seizures": Seizures,
        "international_posts": InternationalPosts,
        "deterrence": Deterrence,
        "beach_patrols": BeachPatrols,
        "gang_disruption": GangDisruption,
        "returns": Returns,
        "search_and_rescue": SearchAndRescue,
        "asylum_processing": AsylumProcessing,
    }
)


def levers_on(cfg: object) -> list[str]:
    """Names of the levers a config switches on, in the fixed order of LEVERS."""
    return [name for name in LEVERS if getattr(cfg.policy, name).enabled]  # type: ignore[attr-defined]


def build_levers(model: ChannelModel) -> list[PolicyLever]:
    """The enabled levers of the model's config, set up in a fixed order."""
    levers = []
    for name, cls in LEVERS.items():
        lever_cfg = getattr(model.cfg.policy, name)
        if lever_cfg.enabled or name in model.timeline.levers_switched:  # idle until a timeline row switches it on
            lever = cls(name, lever_cfg, model)
            lever.setup(model)
            levers.append(lever)
    return levers


__all__ = ["LEVERS", "PolicyLever", "build_levers", "levers_on"]
