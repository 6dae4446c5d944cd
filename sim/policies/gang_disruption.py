"""Intelligence-led disruption of smuggling networks: more investigations, aimed higher up.

During the campaign the NCA runs ``investigations`` (instead of the 2024 level) and arrests organisers and
financiers ``upper_level_focus`` times as readily. Networks lose crews (fewer launches), organisers (no launches)
and suppliers or financiers (no orders) and rebuild by recruiting after smuggling.recruitment_delay_days.
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
        self.active = False

    def apply(self, model: ChannelModel) -> None:
        active = self.start <= model.day < self.end
        if active == self.active:
            return
        self.active = active
        nca = model.nca
        focus = self.cfg.upper_level_focus if active else 1.0 / self.cfg.upper_level_focus
        nca.investigations = self.cfg.investigations if active else self.base_investigations
        for role in ("organisers", "financiers"):
            nca.role_multiplier[role] *= focus
