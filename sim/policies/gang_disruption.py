"""Intelligence-led disruption of smuggling networks: more investigations, aimed higher up.

During the campaign (``start_date``, ``duration_days``) the NCA keeps ``investigations`` live instead of the 2024
caseload, and aims them above the coastal crews ``upper_level_focus`` times as often (odds). What that achieves
is not set here: each investigation picks its target from the intelligence picture, needs time to build its
case (longer for organisers and financiers, with more risk of being compromised), and the networks answer
(sim/investigations.py, sim/smugglers.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.policies.base import PolicyLever

if TYPE_CHECKING:
    from sim.model import ChannelModel


class GangDisruption(PolicyLever):
    def setup(self, model: ChannelModel) -> None:
        self.start = model.day_index(self.cfg.start_date)
        self.end = self.start + self.cfg.duration_days
        self.base_investigations = model.nca.investigations
        self.base_odds = model.nca.upper_odds
        self.active = False

    def apply(self, model: ChannelModel) -> None:
        active = self.start <= model.day < self.end
        if active == self.active:
            return
        self.active = active
        nca = model.nca
        nca.investigations = self.cfg.investigations if active else self.base_investigations
        nca.upper_odds = self.base_odds * self.cfg.upper_level_focus if active else self.base_odds
