"""Investigations as agents: the NCA, with French and European partners, against the smuggling networks.

An ``IntelligencePicture`` holds what is known of each network, an EWMA of what it exposes every day: launch
attempts seen on beaches and at sea, boats and engines seized and traced to it, arrivals debriefed, pilots
arrested, and its size. The ``NationalCrimeAgency`` keeps ``capacity`` investigations live; a free slot opens
an ``Investigation`` whose target is drawn in proportion to the picture, discounted by the investigations
already on that network. Each investigation aims at a level (coastal crews; organisers and suppliers;
financiers), builds evidence daily at a rate that grows with the target's picture and the intelligence inputs
(Europol, covert sources), and ends in a coordinated action when it has the evidence it aimed for: arrests at
every level it reached, seizure of boats, engines and (above the crews) cash. An investigation can be
compromised (the network learns of it: it strikes with what it has, or lapses) or run out of time; when the
caseload is cut (a campaign ends), the newest cases are closed without action.

Nothing here sets how much disruption achieves: that comes from the networks' answers (sim/smugglers.py:
replacement, shared brokers, splitting, moving, price rises, rivals absorbing customers) and from the market.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

import mesa
import numpy as np
import pandas as pd

from sim.config import EnforcementConfig, InvestigationConfig

if TYPE_CHECKING:
    from sim.model import ChannelModel
    from sim.smugglers import SmugglingNetwork

# Levels an investigation can reach, and the roles arrested at each (pilots are arrested at landing, not here).
LEVELS = ("facilitators", "organisers", "financiers")
ROLES_AT_LEVEL = (("facilitators",), ("organisers", "suppliers"), ("financiers",))
ARREST_ROLES = ("organisers", "facilitators", "suppliers", "financiers", "pilots")

# Keys of the "enforcement" random stream's substreams (never renumber): the NCA's target choices, one per
# investigation, one per network's responses, the Border Force fleet, and the sharing of brokers.
SUB_TARGETS, SUB_INVESTIGATION, SUB_NETWORK, SUB_BORDER_FORCE, SUB_BROKERS = 0, 1, 2, 3, 4


class IntelligencePicture:
    """What investigators know of each network: an EWMA of what it exposes a day (intelligence units)."""

    def __init__(self, cfg: InvestigationConfig, n_networks: int) -> None:
        self.cfg = cfg
        self.weight = 1.0 / cfg.intel_memory_days
        # Start from the reference picture: networks active before the run are already known.
        self.score = np.full(n_networks, cfg.reference_intel)
        self.today = np.zeros(n_networks)
        self.launches_seen = np.zeros(n_networks, dtype=np.int64)  # launch attempts over the run, per network

    def grow(self, n_networks: int) -> None:
        """Room for networks created by splits."""
        extra = n_networks - self.score.size
        if extra > 0:
            self.score = np.concatenate([self.score, np.zeros(extra)])
            self.today = np.concatenate([self.today, np.zeros(extra)])
            self.launches_seen = np.concatenate([self.launches_seen, np.zeros(extra, dtype=np.int64)])

    def saw_launches(self, k: int, attempts: int, arrivals: int, pilots: int) -> None:
        c = self.cfg
        self.launches_seen[k] += attempts
        self.today[k] += c.intel_per_launch * attempts + c.intel_per_arrival * arrivals
        self.today[k] += c.intel_per_pilot_arrested * pilots

    def forget(self, k: int, kept: float) -> None:
        self.score[k] *= kept

    def update(self, networks: list[SmugglingNetwork], inputs: float) -> None:
        """End of day: today's exposure (launches, arrivals, pilots, seizures traced, size) into the picture."""
        c = self.cfg
        per_item, per_member = c.intel_per_item_seized, c.intel_per_member
        exposed = []
        for n in networks:  # n.index is the network's position in the list
            brokers = n.active_brokers
            size = n.organisers + n.facilitators + brokers["suppliers"] + brokers["financiers"]
            exposed.append(per_item * n.items_seized + per_member * size)
            n.items_seized = 0
        self.today[: len(exposed)] += exposed
        self.score += self.weight * (inputs * self.today - self.score)
        self.today[:] = 0.0


@dataclass
class ActionResult:
    """What a coordinated action achieved."""

    arrests: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ARREST_ROLES, 0))
    boats_seized: int = 0
    engines_seized: int = 0
    cash_seized_gbp: float = 0.0
    networks_reached: int = 0  # networks that lost a shared supplier or financier (the target included)

    @property
    def disrupted(self) -> bool:
        return sum(self.arrests.values()) + self.boats_seized + self.engines_seized > 0 or self.cash_seized_gbp > 0


class Investigation(mesa.Agent):
    """One investigation: a target network, an aim, evidence built over weeks to months, one outcome."""

    def __init__(self, model: ChannelModel, nca: NationalCrimeAgency, number: int, target: int, aim: int) -> None:
        super().__init__(model)
        self.nca, self.number, self.target, self.aim = nca, number, target, aim
        self.draws = model.substream("enforcement", SUB_INVESTIGATION, number)
        self.opened = model.day
        self.evidence = 0.0
        cfg = nca.cfg
        p = cfg.compromise_per_day
        self.compromised_on = model.day + (int(self.draws.geometric(p)) if p > 0 else 10**9)

    @property
    def level(self) -> int:
        """Deepest level the evidence reaches (-1: not even the crews yet)."""
        c = self.nca.cfg  # bisect_right: np.searchsorted(..., side="right") on a short list
        return bisect.bisect_right((1.0, c.evidence_organisers, c.evidence_financiers), self.evidence) - 1

    def step(self) -> str | None:
        """After today's evidence: strike, lapse or go on (returns the outcome when the investigation ends)."""
        day, cfg = self.model.day, self.nca.cfg
        thresholds = (1.0, cfg.evidence_organisers, cfg.evidence_financiers)
        if self.evidence >= thresholds[self.aim]:
            return "action"
        if day >= self.compromised_on:
            return "compromised_action" if self.level >= 0 else "compromised"
        if day - self.opened >= cfg.max_duration_days:
            return "timed_out_action" if self.level >= 0 else "timed_out"
        return None

    def strike(self, network: SmugglingNetwork) -> ActionResult:
        """The coordinated action: arrests at every level reached, seizure of stock and (above the crews) cash."""
        cfg, rng, out = self.nca.cfg, self.draws, ActionResult()
        level = min(self.level, self.aim)
        reached: set[int] = set()
        for lv in range(level + 1):
            for role in ROLES_AT_LEVEL[lv]:
                if role == "facilitators":
                    out.arrests[role] += network.arrest(
                        role, int(rng.binomial(network.facilitators, cfg.facilitator_arrest_share))
                    )
                elif role == "organisers":
                    out.arrests[role] += network.arrest(
                        role, int(rng.binomial(network.organisers, cfg.upper_arrest_share))
                    )
                else:
                    for broker in network.brokers[role]:
                        if broker.active and rng.random() < cfg.upper_arrest_share:
                            out.arrests[role] += network.arrest_broker(broker)
                            reached.update(c.index for c in broker.clients)
        out.networks_reached = len(reached | {network.index})
        out.boats_seized = int(rng.binomial(network.boats, cfg.stock_seized_share))
        out.engines_seized = int(rng.binomial(network.engines, cfg.stock_seized_share))
        if out.boats_seized:
            network.quality_sum *= 1.0 - out.boats_seized / network.boats
        network.boats -= out.boats_seized
        network.engines -= out.engines_seized
        if level >= 1:
            out.cash_seized_gbp = cfg.cash_seized_share * max(network.cash, 0.0)
            network.cash -= out.cash_seized_gbp
        if out.disrupted:
            network.after_action(self.nca.response_rng(network.index))
        return out


class NationalCrimeAgency(mesa.Agent):
    """Keeps ``capacity`` investigations live, opens new ones on the networks it knows most about, and records
    every investigation's target, duration and result."""

    def __init__(self, model: ChannelModel, cfg: EnforcementConfig) -> None:
        super().__init__(model)
        self.cfg = cfg.nca
        self.cost_per_day = cfg.investigation_cost_gbp_per_day
        self.investigations = cfg.investigations  # live investigations at scale 1 (levers change it)
        self.upper_odds = 1.0  # odds multiplier on aiming above the crews (gang_disruption)
        self.inputs = 1.0  # intelligence inputs: multiplier on what the picture gains a day
        self.upper_inputs = 1.0  # multiplier on the evidence rate above the crews (Europol)
        self.intel = IntelligencePicture(self.cfg, len(model.networks))
        self.draws = model.substream("enforcement", SUB_TARGETS)
        self.live: list[Investigation] = []
        # Aligned with ``live``: each case's evidence (an array, built on daily) and, as lists, its target, the
        # evidence it aims for and its last day; the lists as arrays once the cases have changed (_case_arrays).
        self._evidence = np.zeros(0)
        self._targets: list[int] = []
        self._aim_evidence: list[float] = []
        self._end_day: list[int] = []
        self._arrays: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._first_end = 10**9  # the earliest last day of a live case (before it, no case can run out of time)
        self.records: list[dict] = []
        self.boats_seized_total = 0  # in coordinated actions, over the whole run (boat balance)
        self._opened = 0
        self._network_rngs: dict[int, np.random.Generator] = {}
        self.today: dict[str, float] = {}
        self._reset_today()
        self._open(self.capacity, running=True)

    @property
    def capacity(self) -> int:
        return round(self.investigations * self.model.cfg.scale)

    def response_rng(self, k: int) -> np.random.Generator:
        """Network k's own stream for its answers to enforcement."""
        rng = self._network_rngs.get(k)
        if rng is None:
            rng = self._network_rngs[k] = self.model.substream("enforcement", SUB_NETWORK, k)
        return rng

    def _reset_today(self) -> None:
        self.today = TODAY_ZERO.copy()  # a plain dict copy of the zeros (dict(TODAY_ZERO) goes key by key)

    @property
    def arrests_today(self) -> int:
        today = self.today
        return int(sum([today[k] for k in _ARREST_KEYS]))

    # ------------------------------------------------------------------------------------------ daily
    def step(self) -> None:
        """Update the picture, build evidence, close what is finished, open investigations in free slots."""
        model = self.model
        self._reset_today()
        self.intel.update(model.networks, self.inputs)
        if self.live:
            live = self.live
            for i in reversed(self._build_evidence()):  # from the last: closing a case leaves the earlier in place
                inv = live[i]
                inv.evidence = float(self._evidence[i])
                outcome = inv.step()
                if outcome is not None:
                    self._close(inv, outcome, i)
        free = self.capacity - len(self.live)
        if free < 0:  # the caseload was cut (a campaign ended): the newest cases are closed without action
            for inv in sorted(self.live, key=lambda c: (c.opened, c.number))[free:]:
                self._close(inv, "unfunded")
        self._open(free)

    def _case_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The live cases' targets, aimed-for evidence and last days as arrays (rebuilt after cases changed)."""
        if self._arrays is None:
            self._arrays = (
                np.array(self._targets, dtype=np.intp),
                np.array(self._aim_evidence, dtype=float),
                np.array(self._end_day, dtype=float),
            )
        return self._arrays

    def _build_evidence(self) -> list[int]:
        """Today's evidence for every live case (arrays aligned with ``live``); the cases that may end today."""
        cfg = self.cfg
        targets, aim, end_day = self._case_arrays()
        rate = cfg.evidence_per_day * (self.intel.score[targets] / cfg.reference_intel) ** cfg.intel_elasticity
        evidence = self._evidence
        if self.upper_inputs != 1.0:  # rate * 1.0 is rate: without a boost above the crews, the same addition
            rate = np.where(evidence >= 1.0, rate * self.upper_inputs, rate)
        evidence += rate
        may_end = evidence >= aim
        day = self.model.day
        if day >= self._first_end:  # before the earliest last day no case runs out of time
            may_end |= day >= end_day
        return may_end.nonzero()[0].tolist()

    def _add_case(self, inv: Investigation) -> None:
        """A new case's target, aim and last day (its evidence is appended by the caller, ``_open``)."""
        c = self.cfg
        end = min(inv.compromised_on, inv.opened + c.max_duration_days)
        self._targets.append(inv.target)
        self._aim_evidence.append((1.0, c.evidence_organisers, c.evidence_financiers)[inv.aim])
        self._end_day.append(end)
        self._first_end = min(self._first_end, end)
        self._arrays = None

    def _drop_case(self, i: int) -> None:
        """Forget the live case at position ``i`` of the aligned arrays and lists."""
        ev = self._evidence
        self._evidence = np.concatenate((ev[:i], ev[i + 1 :]))  # np.delete(ev, i), without its Python layer
        del self._targets[i], self._aim_evidence[i]
        end = self._end_day.pop(i)
        if end == self._first_end:
            self._first_end = min(self._end_day, default=10**9)
        self._arrays = None

    def _open(self, free: int, running: bool = False) -> None:
        """Open investigations in free slots. ``running``: the caseload at the start of the run, already part-way
        (evidence drawn uniformly up to the aim), so that cases do not all end together."""
        networks = self.model.networks
        if free <= 0 or not networks:
            return
        cfg = self.cfg
        n = len(networks)
        score = self.intel.score[:n]
        on = np.bincount(np.array(self._targets, dtype=np.intp), minlength=n).astype(float)  # the live cases' targets
        odds = self.upper_odds * cfg.upper_level_share / max(1.0 - cfg.upper_level_share, 1e-9)
        p_upper = odds / (1.0 + odds)
        aims = (1.0, cfg.evidence_organisers, cfg.evidence_financiers)
        evidence: list[float] = []
        for _ in range(free):
            w = score / (1.0 + on)
            total = np.add.reduce(w)  # w.sum(), without its Python layer (the same reduction)
            if total <= 0:
                w = np.ones(n)
                total = np.add.reduce(w)
            # (w / w.sum()).cumsum()[:-1].searchsorted(u, side="right"): the same running sum, on a list
            cum = list(itertools.accumulate((w / total).tolist()))
            k = bisect.bisect_right(cum, self.draws.random(), 0, n - 1)
            u = self.draws.random()
            aim = 0 if u >= p_upper else (2 if u < p_upper * cfg.financier_share else 1)
            inv = Investigation(self.model, self, self._opened, k, aim)
            if running:
                inv.evidence = float(inv.draws.random()) * aims[aim]
                inv.opened = -int(inv.evidence / max(cfg.evidence_per_day, 1e-9))
            self.live.append(inv)
            self._add_case(inv)
            evidence.append(inv.evidence)
            self._opened += 1
            on[k] += 1
        self._evidence = np.concatenate((self._evidence, evidence))
        self.today["investigations_opened"] += free

    def _close(self, inv: Investigation, outcome: str, i: int | None = None) -> None:
        """End a case (``i``: its position in ``live``, if known): strike if it ends in action, and record it."""
        if i is None:
            i = self.live.index(inv)
        del self.live[i]
        self._drop_case(i)
        network = self.model.networks[inv.target]
        result = inv.strike(network) if outcome.endswith("action") else ActionResult()
        arrests = result.arrests
        t = self.today
        t["investigations_closed"] += 1
        for role, column in _ARREST_COLUMNS:
            t[column] += arrests[role]
        disrupted = result.disrupted
        t["disruptions"] += int(disrupted)
        t["boats_seized_in_actions"] += result.boats_seized
        self.boats_seized_total += result.boats_seized
        t["engines_seized_in_actions"] += result.engines_seized
        t["cash_seized_gbp"] += result.cash_seized_gbp
        day, level = self.model.day, inv.level
        record = {
            "investigation": inv.number,
            "target_network": inv.target,
            "aim": LEVELS[inv.aim],
            "opened_day": inv.opened,
            "closed_day": day,
            "duration_days": day - inv.opened,
            "outcome": outcome,
            "level_reached": LEVELS[level] if level >= 0 else "none",
            "disrupted": disrupted,
        }
        for role, column in _ARREST_COLUMNS:
            record[column] = arrests[role]
        record["boats_seized"] = result.boats_seized
        record["engines_seized"] = result.engines_seized
        record["cash_seized_gbp"] = round(result.cash_seized_gbp, 2)
        record["networks_reached"] = result.networks_reached
        self.records.append(record)
        inv.remove()

    # ----------------------------------------------------------------------------------------- outputs
    def table(self) -> pd.DataFrame:
        """One row per investigation: closed ones, then those still live at the end (outcome "live")."""
        model = self.model
        rows = list(self.records)
        for inv, e in zip(self.live, self._evidence, strict=True):
            inv.evidence = float(e)
            rows.append(
                {
                    "investigation": inv.number,
                    "target_network": inv.target,
                    "aim": LEVELS[inv.aim],
                    "opened_day": inv.opened,
                    "closed_day": -1,
                    "duration_days": model.day - inv.opened,
                    "outcome": "live",
                    "level_reached": LEVELS[inv.level] if inv.level >= 0 else "none",
                    "disrupted": False,
                }
            )
        # Column by column (pandas reads a list of dicts row by row, several times slower).
        frame = pd.DataFrame({c: [row.get(c) for row in rows] for c in TABLE_COLUMNS}, columns=TABLE_COLUMNS)
        for col in TABLE_COLUMNS[9:]:
            frame[col] = frame[col].fillna(0).astype(float if col == "cash_seized_gbp" else int)
        first = model.dates[0]
        frame.insert(4, "opened", [(first + dt.timedelta(days=int(d))).isoformat() for d in frame["opened_day"]])
        frame.insert(
            6,
            "closed",
            [(first + dt.timedelta(days=int(d))).isoformat() if d >= 0 else "" for d in frame["closed_day"]],
        )
        frame["counted"] = frame["closed_day"] >= model.burn_in
        return frame

    @property
    def daily_cost_gbp(self) -> float:
        return self.investigations * self.cost_per_day * self.model.cfg.scale


# The day's counts, all zero (NationalCrimeAgency.today starts every day as a copy).
TODAY_ZERO = MappingProxyType(
    {f"arrests_{r}": 0.0 for r in ARREST_ROLES[:-1]}
    | {"disruptions": 0.0, "investigations_opened": 0.0, "investigations_closed": 0.0}
    | {"boats_seized_in_actions": 0.0, "engines_seized_in_actions": 0.0, "cash_seized_gbp": 0.0}
)

_ARREST_KEYS = tuple(f"arrests_{r}" for r in ARREST_ROLES[:-1])  # the day's arrests (arrests_today)
_ARREST_COLUMNS = tuple(zip(ARREST_ROLES[:-1], _ARREST_KEYS, strict=True))  # (role, its column): pilots apart

TABLE_COLUMNS = (
    "investigation",
    "target_network",
    "aim",
    "opened_day",
    "closed_day",
    "duration_days",
    "outcome",
    "level_reached",
    "disrupted",
    *(f"arrests_{r}" for r in ARREST_ROLES[:-1]),
    "boats_seized",
    "engines_seized",
    "cash_seized_gbp",
    "networks_reached",
)
