"""Upstream seizures of boats and engines at supply-chain nodes (Turkey, Bulgaria, Germany, inland France).

Each node's added rate raises the chance that a consignment passing it is seized. Networks feel it as late and
missing deliveries: they load the boats they have more heavily, raise prices, and switch to flimsier boats
(smuggling.flimsy_response), as smugglers did when Operation Sophia destroyed boats in the Mediterranean.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.policies.base import PolicyLever

if TYPE_CHECKING:
    from sim.model import ChannelModel

NODES = ("turkey", "bulgaria", "germany", "france_inland")


class Seizures(PolicyLever):
    def start(self, model: ChannelModel) -> None:
        for node in NODES:
            model.supply_chain.add_seizure(node, getattr(self.cfg, f"rate_{node}"), source=self.name)
        self._seized_before = sum(model.supply_chain.seized.values())

    def stop(self, model: ChannelModel) -> None:
        model.supply_chain.remove_seizures(self.name)

    def daily_costs(self, model: ChannelModel) -> dict[str, float]:
        rates = sum(getattr(self.cfg, f"rate_{node}") for node in NODES)
        chain = model.supply_chain
        seized = sum(chain.seized.values())
        handled = seized - self._seized_before
        self._seized_before = seized
        return {
            self.name: rates * self.cfg.cost_gbp_per_year_per_unit_rate * model.cfg.scale / 365.0
            + handled * self.cfg.cost_gbp_per_item_seized
        }
