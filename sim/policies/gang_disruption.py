"""Intelligence-led disruption of smuggling networks: more investigations, aimed higher up.

During the campaign the NCA runs ``investigations`` (instead of the 2024 level) and arrests organisers and
financiers ``upper_level_focus`` times as readily. Networks lose crews (fewer launches), organisers (no launches)
and suppliers or financiers (no orders) and rebuild by recruiting after smuggling.recruitment_delay_days.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.policies.base import PolicyLever, iso_after

if TYPE_CHECKING:
    from sim.model import ChannelModel


class GangDisruption(PolicyLever):
    def dates(self, model: ChannelModel) -> tuple[str | None, str | None]:
        """``duration_days`` (older configs) counts from the start date; ``end_date`` is the newer way to say it."""
        start, end = self.cfg.start_date, self.cfg.end_date
        if self.cfg.duration_days is not None:
            first = start if start is not None else model.dates[0].isoformat()
            end = iso_after(first, self.cfg.duration_days - 1)
        return start, end

    def start(self, model: ChannelModel) -> None:
        self._campaign(model, on=True)

    def stop(self, model: ChannelModel) -> None:
        self._campaign(model, on=False)

    def _campaign(self, model: ChannelModel, on: bool) -> None:
        nca = model.nca
        if on:
            self.base_investigations = nca.investigations
        nca.investigations = self.cfg.investigations if on else self.base_investigations
        focus = self.cfg.upper_level_focus if on else 1.0 / self.cfg.upper_level_focus
        for role in ("organisers", "financiers"):
            nca.role_multiplier[role] *= focus
