"""The sweep as the report sees it: the groups of ``sim.results.folders`` with readers' names, the baseline first,
the daily tables the charts need, and the cautions a reader must see (failed runs, scale, mixed settings)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.report.labels import override_words, scenario_label, setting_label
from sim.results import folders
from sim.results.folders import Run, RunGroup, SweepRuns

DAILY_COLUMNS = ("people_arrived", "boats_arrived", "deaths_at_sea", "mean_price_gbp", "boats_in_stock")


class ReportError(ValueError):
    """A folder the report cannot be built from; the message is one line."""


@dataclass
class Sweep:
    """A sweep read for the report: groups in report order (baseline first), their names, daily tables, notes."""

    runs: SweepRuns
    groups: list[RunGroup]
    baseline: RunGroup
    names: dict[str, str]
    daily: dict[int, pd.DataFrame]  # by job number, finished runs only
    notes: list[str] = field(default_factory=list)

    @property
    def path(self) -> Path:
        return self.runs.path

    @property
    def table(self) -> pd.DataFrame:
        return self.runs.table

    @property
    def finished_groups(self) -> list[RunGroup]:
        return [g for g in self.groups if g.runs]

    @property
    def failed(self) -> list[Run]:
        """Every run that does not count: failed, missing or damaged (with the reason)."""
        return [r for g in self.groups for r in g.problems]

    @property
    def n_runs(self) -> int:
        return len(self.runs.runs)

    @property
    def has_draws(self) -> bool:
        return any(g.has_draws for g in self.finished_groups)

    def name(self, g: RunGroup) -> str:
        return self.names[g.key]

    @property
    def common_overrides(self) -> list[str]:
        toks = [
            set(t for t in r.overrides if not t.split("=", 1)[0].lstrip("+~").startswith(_IGNORED))
            for r in self.runs.runs
        ]
        return sorted(set.intersection(*toks)) if toks else []

    @property
    def cfg(self) -> dict[str, Any]:
        return self.baseline.config

    @property
    def scale(self) -> float:
        return float(self.cfg.get("scale", 1.0))

    @property
    def days(self) -> int:
        return int(self.cfg.get("days", 366))

    @property
    def start_date(self) -> dt.date:
        return dt.date.fromisoformat(str(self.cfg.get("world.start_date", "2024-01-01")))

    @property
    def period(self) -> str:
        """The simulated period in words: "2024" for a calendar year, else "N days from 1 Jan 2024"."""
        start, days = self.start_date, self.days
        end = start + dt.timedelta(days=days)
        if start.month == 1 and start.day == 1 and end == dt.date(start.year + 1, 1, 1):
            return str(start.year)
        return f"{days} days from {start.day} {start:%b %Y}"


_IGNORED = ("seed", "scenario", "hydra", "experiment", folders.DRAW)


def display_names(groups: list[RunGroup]) -> dict[str, str]:
    """Readers' names: the scenario's name, with the settings that tell apart groups of one scenario."""
    per_scenario: dict[str, int] = {}
    for g in groups:
        per_scenario[g.scenario] = per_scenario.get(g.scenario, 0) + 1
    seen: dict[str, int] = {}
    out = {}
    for g in groups:
        name = scenario_label(g.scenario)
        if g.tokens and per_scenario[g.scenario] > 1:
            name += " (" + "; ".join(override_words(t) for t in g.tokens) + ")"
        seen[name] = seen.get(name, 0) + 1
        out[g.key] = name if seen[name] == 1 else f"{name} #{seen[name]}"
    return out


def _read_dailies(groups: list[RunGroup]) -> dict[int, pd.DataFrame]:
    """The charted daily columns of every counted run; a run whose table cannot be read stops counting."""
    out = {}
    for g in groups:
        for r in list(g.runs):
            try:
                out[r.job_num] = r.daily(DAILY_COLUMNS)
            except folders.SweepError as exc:
                r.status, r.error = folders.DAMAGED, str(exc)
                g.runs.remove(r)
                g.problems.append(r)
    return out


def load_sweep(path: str | Path, baseline: str | None = None) -> Sweep:
    """Read a sweep folder (``sim.results.folders``) for the report. Raises ReportError (one line)."""
    path = Path(path)
    try:
        runs = folders.read_sweep(path)
        daily = _read_dailies(runs.groups)
        if not runs.finished_groups:
            raise ReportError(f"{path}: none of the {len(runs.runs)} runs in the sweep finished; nothing to report")
        names = display_names(runs.groups)
        base = folders.choose_baseline(runs.groups, baseline, names)
    except folders.SweepError as exc:
        raise ReportError(str(exc)) from None
    ordered = [base] + [g for g in runs.groups if g is not base]
    for i, g in enumerate(ordered):
        g.index = i
    sweep = Sweep(runs, ordered, base, names, daily)
    sweep.notes.extend(consistency_notes(sweep))
    return sweep


def consistency_notes(sweep: Sweep) -> list[str]:
    """Cautions: runs of one group that differ in more than seed and draw, scenarios that differ in scale or
    length, runs from several versions of the code."""
    notes = []
    ignore = ("seed", "hydra", folders.DRAW)
    for g in sweep.finished_groups:
        first = {k: v for k, v in g.runs[0].config.items() if not k.startswith(ignore)}
        keys: set[str] = set()
        for r in g.runs[1:]:
            other = {k: v for k, v in r.config.items() if not k.startswith(ignore)}
            keys |= {k for k in set(first) | set(other) if first.get(k) != other.get(k)}
        if keys and not g.has_draws:
            notes.append(
                f"The runs of {sweep.name(g)} differ in more than the seed "
                f"({', '.join(setting_label(k) for k in sorted(keys)[:4])}{', ...' if len(keys) > 4 else ''}); "
                "they are pooled as one scenario."
            )
    for attr, what in (("scale", "population scale"), ("days", "length"), ("world.start_date", "start date")):
        values = {str(g.config.get(attr)) for g in sweep.finished_groups}
        if len(values) > 1:
            notes.append(f"Scenarios differ in {what} ({', '.join(sorted(values))}); compare them with care.")
    revisions = {str(r.metadata.get("git_revision", "unknown")) for g in sweep.finished_groups for r in g.runs}
    if len(revisions) > 1:
        notes.append(f"The runs come from {len(revisions)} different versions of the model code.")
    return notes
