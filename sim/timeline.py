"""Observed policy as dated changes of config values: the timeline that drives a history run.

A timeline is a table (``data/timeline_2021_2025.csv``) with one row per change: ``id, date, key, value, source``.
An event is one id; it may change several keys on the same day (the Bulgarian seizures raise the seizure chance of
boats and of engines). Rows dated on or before ``world.start_date`` set the state of the start and act from the
first burn-in day, so the burn-in settles that state; later rows act from the start of their day, before the levers
(step 1 of the daily order). The model then reads the new value where it always reads it: most mechanisms read their
config every day or at every consignment, and the few that cache a value get a small hook here (``HOOKS``), so a
change costs what setting one number costs.

Which keys a timeline may change is fixed (``KEYS``): values a mechanism takes up mid-run. Anything else is refused
with one line before the run starts, as are unknown ids, bad dates and values outside the declared range.

What-ifs of history change the table from the command line without editing it: ``timeline.drop=[ID,...]`` removes
events, ``timeline.set.ID=VALUE`` gives every row of an event a new value, ``timeline.dates.ID=YYYY-MM-DD`` moves it.
The ``policy=[...]`` levers are what-ifs added on top of the observed timeline.

The nationality mix of the people entering the routes (``migration.nationality_weight.NAT``) is the one schedule read
when the model is built: everyone who will enter is drawn at the start (sim/migrants.py), so the timeline gives each
person the weights of their entry day (``nationality_segments``).
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import datetime as dt
import fnmatch
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.config import ConfigError, SimConfig, declared_range

if TYPE_CHECKING:
    from sim.model import ChannelModel

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = ("id", "date", "key", "value", "source")
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


def _beach_officers(model: ChannelModel, value: Any) -> None:
    model.beach_patrol.set_total(float(value))


def _investigations(model: ChannelModel, value: Any) -> None:
    model.nca.investigations = float(value)


def _seizure_lever(model: ChannelModel, value: Any) -> None:
    """The seizures lever adds its rates when it starts: put them in again with the new ones."""
    for lever in model.policies:
        if lever.name == "seizures" and lever.active:
            lever.stop(model)
            lever.start(model)


# Keys a timeline may change (patterns: ``*`` is one name), and what the model does on the day. None: the mechanism
# reads the config value where it uses it (every day or every consignment), so setting it is enough.
KEYS: dict[str, Callable[[ChannelModel, Any], None] | None] = {
    "enforcement.beach_officers": _beach_officers,
    "enforcement.investigations": _investigations,
    "supply_chain.boat_nodes.*.seizure_prob": None,
    "supply_chain.engine_nodes.*.seizure_prob": None,
    "policy.*.enabled": None,  # PolicyLever.daily reads it (sim/policies/base.py)
    "policy.deterrence.announcement_credibility": None,
    "policy.deterrence.capacity_per_year": None,
    "policy.deterrence.response_strength": None,
    "policy.deterrence.operating": None,
    "policy.returns.capacity_per_year": None,
    "policy.returns.agreements.*.return_prob": None,
    "policy.returns.agreements.*.weekly_returns": None,
    "policy.seizures.rate_*": _seizure_lever,
    "migration.nationality_weight.*": None,  # read when the model is built (nationality_segments)
}
NATIONALITY_WEIGHT = "migration.nationality_weight."


@dataclass(frozen=True)
class Change:
    """One row of the timeline: on ``date``, ``key`` takes ``value``."""

    id: str
    date: dt.date
    key: str
    value: float | bool
    source: str


def pattern_of(key: str) -> str | None:
    """The entry of KEYS that a key matches, or None."""
    for pattern in KEYS:
        if len(pattern.split(".")) == len(key.split(".")) and fnmatch.fnmatchcase(key, pattern):
            return pattern
    return None


def _resolve(cfg: Any, key: str) -> tuple[Any, str]:
    """The object holding a dotted key's leaf and the leaf's name; KeyError if the path does not exist."""
    parts = key.split(".")
    node = cfg
    for part in parts[:-1]:
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    leaf = parts[-1]
    if isinstance(node, dict):
        if leaf not in node and not key.startswith(NATIONALITY_WEIGHT):
            raise KeyError(key)
    elif not dataclasses.is_dataclass(node) or leaf not in {f.name for f in dataclasses.fields(node)}:
        raise KeyError(key)
    return node, leaf


def set_value(cfg: Any, key: str, value: Any) -> None:
    node, leaf = _resolve(cfg, key)
    if isinstance(node, dict):
        node[leaf] = value
    else:
        setattr(node, leaf, value)


def get_value(cfg: Any, key: str) -> Any:
    node, leaf = _resolve(cfg, key)
    return node.get(leaf, 1.0) if isinstance(node, dict) else getattr(node, leaf)


def _parse_value(where: str, key: str, text: str, current: Any) -> float | bool:
    """A cell's value, checked against the key's type and declared range; one line naming the row if not."""
    text = str(text).strip()
    if isinstance(current, bool):
        if text.lower() not in ("true", "false"):
            raise ConfigError(f"{where}: {key}={text!r}: expected true or false")
        return text.lower() == "true"
    try:
        value = float(text)
    except ValueError:
        raise ConfigError(f"{where}: {key}={text!r}: expected a number") from None
    if key.startswith(NATIONALITY_WEIGHT):
        low, high = 0.0, 1000.0
    else:
        low, high = declared_range(key)
    if value != value or (low is not None and value < low) or (high is not None and value > high):
        allowed = f"[{'-inf' if low is None else f'{low:g}'}, {'inf' if high is None else f'{high:g}'}]"
        raise ConfigError(f"{where}: {key}={text}: out of range, allowed {allowed}")
    return value


def _parse_date(where: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise ConfigError(f"{where}: date {text!r}: expected an ISO date such as 2023-01-01") from None


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def read_rows(path: Path) -> list[dict[str, str]]:
    """The table's rows as text; ConfigError naming the file if it is missing or not a timeline."""
    if not path.is_file():
        raise ConfigError(f"timeline.file={_shown(path)}: no such file")
    with path.open(newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ConfigError(f"{_shown(path)}: not a timeline (columns must be {', '.join(COLUMNS)})")
        return list(reader)


def load(cfg: SimConfig) -> list[Change]:
    """The timeline of a config, with its drops, new values and new dates applied, checked row by row; sorted by date.

    Raises ConfigError (one line, naming the row) on a bad id, date, key or value."""
    t = cfg.timeline
    if t.file is None:  # no timeline: nothing to drop (a scenario's drops stay valid with observed=none)
        for option in ("set", "dates"):
            if getattr(t, option):
                raise ConfigError(f"timeline.{option}: this scenario has no timeline (timeline.file is null)")
        return []
    path = Path(t.file) if Path(t.file).is_absolute() else ROOT / t.file
    shown = _shown(path)
    rows = read_rows(path)
    ids: dict[str, dt.date] = {}
    changes: list[Change] = []
    for n, row in enumerate(rows, start=2):  # line 1 is the header
        rid = (row["id"] or "").strip()
        where = f"{shown} line {n} ({rid or 'no id'})"
        if not ID_PATTERN.match(rid):
            raise ConfigError(f"{where}: id {rid!r}: expected lower-case letters, digits and _")
        date = _parse_date(where, row["date"])
        if ids.setdefault(rid, date) != date:
            raise ConfigError(f"{where}: id {rid} has rows on two dates ({ids[rid]} and {date}); one event, one date")
        key = (row["key"] or "").strip()
        changes.append(_change(cfg, where, rid, date, key, row["value"], row["source"] or ""))
    known = sorted(ids)
    dropped_keys = {n for n in t.drop if "." in n}  # a config key set on the command line (sim/cli.py): it wins
    for option, names in (
        ("drop", [n for n in t.drop if "." not in n]),
        ("set", list(t.set)),
        ("dates", list(t.dates)),
    ):
        for name in names:
            if name not in ids:
                from sim.cli import did_you_mean

                raise ConfigError(f"timeline.{option}: unknown timeline id {name!r}{did_you_mean(name, known)}")
    out = []
    for c in changes:
        if c.id in t.drop or c.key in dropped_keys:
            continue
        date = c.date
        if c.id in t.dates:
            date = _parse_date(f"timeline.dates.{c.id}", t.dates[c.id])
        value = c.value
        if c.id in t.set:
            value = _parse_value(f"timeline.set.{c.id}", c.key, str(t.set[c.id]), get_value(cfg, c.key))
        out.append(dataclasses.replace(c, date=date, value=value))
    return sorted(out, key=lambda c: c.date)


def _change(cfg: SimConfig, where: str, rid: str, date: dt.date, key: str, value: str, source: str) -> Change:
    if pattern_of(key) is None:
        raise ConfigError(
            f"{where}: key {key!r} cannot be changed by a timeline; allowed: {', '.join(KEYS)}"
            if _exists(cfg, key)
            else f"{where}: unknown key {key!r}; allowed: {', '.join(KEYS)}"
        )
    if not _exists(cfg, key):
        raise ConfigError(f"{where}: unknown key {key!r} (no such entry in this config)")
    if key.startswith(NATIONALITY_WEIGHT):
        nat = key.rsplit(".", 1)[1]
        known = sorted({n for r in cfg.world.routes.values() for n in r.nationalities})
        if nat not in known:
            raise ConfigError(f"{where}: unknown nationality {nat!r} in {key}; allowed: {', '.join(known)}")
    if not source.strip():
        raise ConfigError(f"{where}: source is empty; every change names its source (or says assumption)")
    return Change(rid, date, key, _parse_value(where, key, value, get_value(cfg, key)), source.strip())


def _exists(cfg: SimConfig, key: str) -> bool:
    try:
        _resolve(cfg, key)
    except (KeyError, AttributeError, TypeError):
        return False
    return True


class Timeline:
    """The changes of one run, by model day; applies them to the model's own copy of the config."""

    def __init__(self, cfg: SimConfig) -> None:
        self.changes = load(cfg)
        start = dt.date.fromisoformat(cfg.world.start_date)
        self._first = start - dt.timedelta(days=cfg.world.burn_in_days)
        self.initial = [c for c in self.changes if c.date <= start]
        self.by_day: dict[int, list[Change]] = {}
        for c in self.changes:
            if c.date > start:
                self.by_day.setdefault((c.date - self._first).days, []).append(c)
        # Levers some row switches on: built with the model, idle until their `enabled` is true (sim/policies).
        self.levers_switched = {c.key.split(".")[1] for c in self.changes if c.key.endswith(".enabled") and c.value}
        self.applied: list[dict[str, Any]] = []

    def start(self, cfg: SimConfig) -> SimConfig:
        """A copy of the config in the state of the start date (the rows dated on or before it); unchanged if the
        run has no timeline, so that ordinary runs share their config object as before."""
        if not self.changes:
            return cfg
        cfg = copy.deepcopy(cfg)
        for c in self.initial:
            set_value(cfg, c.key, c.value)
            self.applied.append({"id": c.id, "date": c.date.isoformat(), "key": c.key, "value": c.value})
        return cfg

    def apply(self, model: ChannelModel) -> None:
        """Today's changes: set the value, then run the key's hook, if it has one."""
        for c in self.by_day.get(model.day, ()):
            set_value(model.cfg, c.key, c.value)
            hook = KEYS[pattern_of(c.key)]  # type: ignore[index]
            if hook is not None:
                hook(model, c.value)
            self.applied.append({"id": c.id, "date": c.date.isoformat(), "key": c.key, "value": c.value})

    def nationality_segments(self, cfg: SimConfig, n_days: int) -> list[tuple[int, dict[str, float]]] | None:
        """(first model day, nationality weights) for each stretch of days with one mix; None when the mix never
        changes (the usual draw, unchanged). ``cfg`` is the start state."""
        rows = [c for c in self.changes if c.key.startswith(NATIONALITY_WEIGHT)]
        if not rows and not cfg.migration.nationality_weight:
            return None
        weights = dict(cfg.migration.nationality_weight)
        segments = [(0, dict(weights))]
        for day in sorted(self.by_day):
            todays = [c for c in self.by_day[day] if c.key.startswith(NATIONALITY_WEIGHT)]
            if todays and day < n_days:
                for c in todays:
                    weights[c.key.rsplit(".", 1)[1]] = float(c.value)
                segments.append((day, dict(weights)))
        return segments


def check_timeline(cfg: SimConfig) -> None:
    """Validation hook (sim.config.validate): the timeline loads, every row checked; the demand settings are sane."""
    load(cfg)
    m = cfg.migration
    for year, level in m.yearly_entrants.items():
        if not re.fullmatch(r"\d{4}", str(year)):
            raise ConfigError(f"migration.yearly_entrants.{year}: expected a year such as 2021")
        if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 <= level <= 10_000_000:
            raise ConfigError(f"migration.yearly_entrants.{year}={level}: out of range, allowed [0, 10000000]")
    for nat, w in m.nationality_weight.items():
        if isinstance(w, bool) or not isinstance(w, (int, float)) or not 0 <= w <= 1000:
            raise ConfigError(f"migration.nationality_weight.{nat}={w}: out of range, allowed [0, 1000]")
