"""French beach patrols: officers per night on the coast.

They prevent launches on the beach but cannot act at sea, so networks respond by using taxi boats (which pick
people up from the water) and by moving launches to less-watched areas further south-west; both responses are
the networks' own (sim/smugglers.py), this lever only sets the officers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.policies.base import PolicyLever

if TYPE_CHECKING:
    from sim.model import ChannelModel


class BeachPatrols(PolicyLever):
    def start(self, model: ChannelModel) -> None:
        self.before = model.beach_patrol.total_officers
        model.beach_patrol.set_total(self.cfg.officers_per_night)

    def stop(self, model: ChannelModel) -> None:
        model.beach_patrol.set_total(self.before)
