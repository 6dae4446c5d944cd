"""Search and rescue capacity at sea: vessels on station.

More vessels make an incident less likely to turn fatal (enforcement.rescue_effect_per_vessel). Smugglers know
rescue is near: each vessel above the 2024 level raises the wave height they launch in and lowers the hull
quality they accept (the Mediterranean analogue, Deiana, Maheshri and Mastrobuoni 2024); set both to 0 to see
the rescue effect alone.
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
        """Vessels on station (sign +1) or back to the 2024 level (-1), with the smugglers' response."""
        extra = self.cfg.vessels - model.cfg.enforcement.rescue_vessels
        model.border_force.vessels = self.cfg.vessels if sign > 0 else model.cfg.enforcement.rescue_vessels
        for network in model.networks:
            network.wave_limit += sign * self.cfg.wave_limit_rise_per_vessel_m * extra
        model.boat_quality_shift -= sign * self.cfg.quality_drop_per_vessel * extra
