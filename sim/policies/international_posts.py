"""NCA officers posted abroad and UK officers at Europol.

A post works where it sits: at a supply node it raises seizures, on a route leg it raises interceptions (people
pushed back may switch to another route from the same origin: displacement), in a source region it cuts the
recruitment that smugglers' advertising brings. Europol officers speed up investigations' evidence on
organisers, suppliers and financiers (sim/investigations.py), so more cases reach them before they are
compromised or closed.
Which node, leg or nationality each country covers is the table below (an assumption, stated here).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np

from sim.policies.base import PolicyLever, combine, uncombine

if TYPE_CHECKING:
    from sim.model import ChannelModel

# country -> (supply nodes, route nodes reached at the end of a leg, nationalities recruited there)
POST_COVERAGE: Mapping[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = MappingProxyType(
    {
        "bulgaria": (("bulgaria",), ("kapitan_andreevo",), ()),
        "turkey": (("turkey",), ("istanbul", "izmir"), ("turkey",)),
        "romania": (("romania",), ("belgrade",), ()),  # supply node: the corridor around Bulgaria (supply_chain)
        "austria": (("austria",), ("vienna",), ()),
        "germany": (("germany",), ("germany",), ()),
        "greece": ((), ("greek_islands", "athens"), ()),
        "italy": ((), ("ventimiglia",), ()),
        "libya": ((), ("lampedusa",), ()),
        "france": (("france_inland",), ("paris",), ()),
        "southeast_asia": ((), (), ("vietnam",)),
        "albania": ((), (), ("albania",)),
        "iraq": ((), (), ("iraq",)),
    }
)


class InternationalPosts(PolicyLever):
    def start(self, model: ChannelModel) -> None:
        cfg, geo = self.cfg, model.geo
        self.leg_boost = np.zeros_like(model.transit_interception_boost)
        self.cut = np.zeros_like(model.recruitment_cut)
        for country, officers in cfg.officers.items():
            supply_nodes, route_nodes, nationalities = POST_COVERAGE[country]
            for node in supply_nodes:
                model.supply_chain.add_seizure(node, 1.0 - np.exp(-cfg.seizure_per_officer * officers), self.name)
            p_leg = 1.0 - np.exp(-cfg.interception_per_officer * officers)
            for r, nodes in enumerate(geo.leg_nodes):
                for j, node in enumerate(nodes):
                    if node in route_nodes:
                        self.leg_boost[r, j] = combine(self.leg_boost[r, j], p_leg)
            cut = 1.0 - np.exp(-cfg.recruitment_cut_per_officer * officers)
            for nat in nationalities:
                if nat in geo.nationality_names:
                    k = geo.nationality_names.index(nat)
                    self.cut[k] = combine(self.cut[k], cut)
        model.transit_interception_boost[:] = combine(model.transit_interception_boost, self.leg_boost)
        model.recruitment_cut[:] = combine(model.recruitment_cut, self.cut)
        # Europol: cross-border money and supply chains traced faster, so cases above the crews build faster.
        self.boost = 1.0 + cfg.europol_evidence_boost_per_officer * cfg.europol_officers
        model.nca.upper_inputs *= self.boost

    def stop(self, model: ChannelModel) -> None:
        model.supply_chain.remove_seizures(self.name)
        model.transit_interception_boost[:] = uncombine(model.transit_interception_boost, self.leg_boost)
        model.recruitment_cut[:] = uncombine(model.recruitment_cut, self.cut)
        model.nca.upper_inputs /= self.boost

    def daily_costs(self, model: ChannelModel) -> dict[str, float]:
        officers = sum(self.cfg.officers.values()) + self.cfg.europol_officers
        return {self.name: officers * self.cfg.cost_gbp_per_officer_year * model.cfg.scale / 365.0}
