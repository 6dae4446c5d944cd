"""Intelligence-led disruption of smuggling networks: more investigations, aimed higher up.

During the campaign (``start_date`` to ``end_date``, or ``duration_days`` from the start) the NCA keeps
``investigations`` live instead of the 2024 caseload, and aims them above the coastal crews ``upper_level_focus``
times as often (odds). What that achieves is not set here: each investigation picks its target from the
intelligence picture, needs time to build its case (longer for organisers and financiers, with more risk of being
compromised), and the networks answer (sim/investigations.py, sim/smugglers.py).
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
        nca = model.nca
        self.base_investigations, self.base_odds = nca.investigations, nca.upper_odds
        nca.investigations = self.cfg.investigations
        nca.upper_odds = self.base_odds * self.cfg.upper_level_focus

    def stop(self, model: ChannelModel) -> None:
        model.nca.investigations = self.base_investigations
        model.nca.upper_odds = self.base_odds
