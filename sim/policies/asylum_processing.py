"""Asylum decision capacity: more decisions a day shrink the backlog and with it the hotel bill."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.policies.base import PolicyLever

if TYPE_CHECKING:
    from sim.model import ChannelModel


class AsylumProcessing(PolicyLever):
    def start(self, model: ChannelModel) -> None:
        self.before = model.asylum.decisions_per_day
        model.asylum.decisions_per_day = self.cfg.decisions_per_day * model.cfg.scale

    def stop(self, model: ChannelModel) -> None:
        model.asylum.decisions_per_day = self.before
