"""Search and rescue capacity at sea: Border Force vessels in the Channel.

The lever sets the fleet (``vessels``, 2024: 8). Vessels are agents (sim/border_force.py): they are stationed
towards the corridors boats use, and their number and stations set how soon help reaches a boat in distress in
UK waters (and so how often an incident turns fatal) and how many boats are met at sea on a busy night.
Smugglers see the vessels: with ``enforcement.border_force.moral_hazard`` on, networks launch in rougher seas and
load more when the cover they know of is better than the 2024 fleet's (the moral hazard of rescue, emergent from
their risk judgement, its strength a stated parameter), and, an assumption kept from before, accept poorer hulls
(``quality_drop_per_vessel`` per vessel above the 2024 level).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.policies.base import PolicyLever

if TYPE_CHECKING:
    from sim.model import ChannelModel


class SearchAndRescue(PolicyLever):
    def start(self, model: ChannelModel) -> None:
        self._shift(model, +1.0)

    def stop(self, model: ChannelModel) -> None:
        self._shift(model, -1.0)

    def _shift(self, model: ChannelModel, sign: float) -> None:
        """Vessels on station (sign +1) or back to the 2024 fleet (-1); the smugglers' response to the cover they
        see is theirs (sim/border_force.py), the poorer hulls an assumption applied here."""
        bf = model.cfg.enforcement.border_force
        model.border_force.vessels = self.cfg.vessels if sign > 0 else model.cfg.enforcement.rescue_vessels
        if bf.moral_hazard:
            extra = self.cfg.vessels - bf.moral_hazard_reference_vessels
            model.boat_quality_shift -= sign * self.cfg.quality_drop_per_vessel * extra
