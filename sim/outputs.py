"""Outcome tables: the daily record, the summary of named outcomes, and writing a run folder atomically.

Outcome names are the contract of docs/outputs.md and match ``data/annual_reference.csv`` where they
overlap; reports, sweeps and the dashboard all read them from here.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from importlib import metadata as importlib_metadata
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.migrants import N_STATES, State
from sim.results import fmt
from sim.results.outcomes import NAMED, OUTCOMES

if TYPE_CHECKING:
    from sim.crossing import CrossingTally
    from sim.model import ChannelModel

# The named outcomes, in the order summary.json starts with them: declared in the catalogue (sim/results/outcomes.py).
SUMMARY_OUTCOMES = NAMED

# Roles arrested (arrests_by_role; pilots at landing, the others in investigations' coordinated actions).
ARREST_ROLES = ("organisers", "facilitators", "suppliers", "financiers", "pilots")
ENFORCEMENT_COUNTS = (
    "disruptions",
    "disruptions_uk_equivalent",
    *(f"arrests_{r}" for r in ARREST_ROLES),
    "investigations_opened",
    "investigations_closed",
    "boats_seized_in_actions",
    "engines_seized_in_actions",
    "cash_seized_gbp",
    "fatal_incidents_uk_waters",
    "deaths_uk_waters",
    "expected_deaths_uk_waters",
)

# Daily columns summed over the scenario days for the summary (same names as the outcomes).
_COUNTS = (
    "people_arrived",
    "boats_arrived",
    "boats_launched",
    "people_prevented",
    "launches_prevented",
    "taxi_launches",
    "deaths_at_sea",
    "deaths_crush",
    "deaths_capsize",
    "expected_deaths_at_sea",
    "expected_deaths_crush",
    "expected_capsizes",
    "fatal_incidents",
    "boats_seized",
    "engines_seized",
    "smugglers_arrested",
    "people_deterred",
    "people_gave_up",
    "left_for_lorries",
    "claimed_asylum_france",
    "moved_on",
    "people_removed",
    "people_entered",
    "people_not_recruited",
    "people_reached_coast",
    "people_pushed_back",
    "places_sold",
    "revenue_gbp",
    "hotel_cost_gbp",
    "policy_cost_gbp",
    "asylum_support_cost_gbp",
    "public_cost_gbp",
    "boats_failed",
    "boats_intercepted_at_sea",
    "boats_destroyed_on_beach",
    # enforcement (sim/investigations.py, sim/border_force.py)
    *ENFORCEMENT_COUNTS,
)


class DailyRecorder:
    """Collects one row per day into a preallocated table (cheap enough for the hot loop): a day whose columns are
    those of the day before (every day but the first, as a rule) is written as one row; columns that appear later
    are added with zeros before their first day."""

    def __init__(self, model: ChannelModel) -> None:
        self.model = model
        n = model.total_days
        self.n = n
        self._table = np.zeros((n, 0))
        self._column: dict[str, int] = {}  # daily column -> its place in the table
        self._keys: tuple[str, ...] = ()  # the table's columns in order
        self.area_names = model.geo.area_names
        self.route_names = model.geo.route_names
        self.states = np.zeros((n, N_STATES), dtype=np.int64)
        self.launches_by_area = np.zeros((n, len(self.area_names)), dtype=np.int64)
        self.coast_by_route = np.zeros((n, len(self.route_names)), dtype=np.int64)
        self.cost_items: dict[str, np.ndarray] = {}
        self._seized_before = {"boat": 0, "engine": 0}

    def record(
        self,
        day: int,
        entered: int,
        not_recruited: int,
        pushed_back: int,
        coast_by_route: np.ndarray,
        coast: dict,
        tally: CrossingTally,
    ) -> None:
        m = self.model
        chain = m.supply_chain
        seized, before = chain.seized, self._seized_before
        asylum = m.asylum
        # The columns over the networks from one pass (sums of whole numbers; means by _mean, in network order).
        prices, strengths, taxi_shares = [], [], []
        boats = engines = operating = ordering = 0
        for n in m.networks:
            prices.append(n.price)
            strengths.append(n.strength)
            taxi_shares.append(n.taxi_share)
            boats += n.boats
            engines += n.engines
            operating += n.operating
            brokers = n.active_brokers  # suppliers > 0 and financiers > 0 (the properties, read directly)
            ordering += brokers["suppliers"] > 0 and brokers["financiers"] > 0
        outside_options = coast["outside_options"]
        values = {
            "wave_height_m": float(m.wave[day]),
            "people_entered": entered,
            "people_not_recruited": not_recruited,
            "people_pushed_back": pushed_back,
            "people_reached_coast": int(np.add.reduce(coast_by_route)),
            "people_gave_up": coast["gave_up"] + tally.people_gave_up,
            "left_for_lorries": outside_options[0],
            "claimed_asylum_france": outside_options[1],
            "moved_on": outside_options[2],
            "people_deterred": coast["deterred"] + not_recruited,
            "places_sold": coast["places_sold"],
            "revenue_gbp": coast["revenue_gbp"],
            "launch_attempts": tally.launch_attempts,
            "boats_launched": tally.boats_launched,
            "launches_prevented": tally.launches_prevented,
            "people_prevented": tally.people_prevented,
            "taxi_launches": tally.taxi_launches,
            "boats_failed": tally.boats_failed,
            "boats_destroyed_on_beach": tally.boats_destroyed,
            "boats_arrived": tally.boats_arrived,
            "boats_arrived_over_50": tally.boats_arrived_over_50,
            "boats_intercepted_at_sea": tally.boats_intercepted,
            "people_arrived": tally.people_arrived,
            "deaths_at_sea": tally.deaths,
            "deaths_crush": tally.deaths_crush,
            "deaths_capsize": tally.deaths_capsize,
            "expected_deaths_at_sea": tally.expected_deaths,
            "expected_deaths_crush": tally.expected_deaths_crush,
            "expected_capsizes": tally.expected_capsizes,
            "fatal_incidents": tally.fatal_incidents,
            "boats_seized": seized["boat"] - before["boat"],
            "engines_seized": seized["engine"] - before["engine"],
            "smugglers_arrested": m.nca.arrests_today + tally.pilots_arrested,
            "mean_price_gbp": _mean(prices) if prices else np.nan,
            "boats_in_stock": boats,
            "engines_in_stock": engines,
            "boats_in_supply_chain": chain.pipeline("boat"),
            "network_strength": _mean(strengths) if strengths else 0.0,
            "taxi_share_intended": _mean(taxi_shares) if taxi_shares else 0.0,
            "perceived_death_risk": m.perceived_death_risk,
            "perceived_removal_prob": m.perceived_removal_prob,
            "asylum_backlog": asylum.backlog,
            "people_in_hotels": asylum.people_in_hotels,
            "hotel_cost_gbp": asylum.hotel_cost_today,
            "people_removed": asylum.removals_today,
        }
        values.update(enforcement_values(m, tally, operating, ordering))
        costs = m.daily_costs()
        values["policy_cost_gbp"] = sum(costs.values())
        # Support of people awaiting a decision outside hotels; with hotels and policy, the public cost of the day.
        outside_hotels = max(asylum.backlog, 0.0) - asylum.people_in_hotels
        values["asylum_support_cost_gbp"] = outside_hotels * m.cfg.asylum.support_cost_gbp_per_night
        values["public_cost_gbp"] = (
            values["policy_cost_gbp"] + values["hotel_cost_gbp"] + values["asylum_support_cost_gbp"]
        )
        for name, v in costs.items():
            col = self.cost_items.get(name)
            if col is None:
                col = self.cost_items[name] = np.zeros(self.n)
            col[day] = v
        if tuple(values) == self._keys:  # today's columns are the table's, in its order: one row
            self._table[day] = tuple(values.values())
        else:
            self._write_by_name(day, values)
            self._keys = tuple(self._column)
        self._seized_before = dict(seized)
        self.states[day] = m.population.counts()
        self.launches_by_area[day] = tally.launches_by_area
        self.coast_by_route[day] = coast_by_route

    def _write_by_name(self, day: int, values: dict[str, float]) -> None:
        """One day's values column by column, adding the columns not seen before (zeros on earlier days)."""
        new = [k for k in values if k not in self._column]
        if new:
            for k in new:
                self._column[k] = self._table.shape[1] + new.index(k)
            self._table = np.concatenate((self._table, np.zeros((self.n, len(new)))), axis=1)
        for k, v in values.items():
            self._table[day, self._column[k]] = v

    @property
    def cols(self) -> dict[str, np.ndarray]:
        """Each daily column by name (views of the table: whole run, burn-in included; days not yet run are zero)."""
        return {k: self._table[:, j] for k, j in self._column.items()}

    def results(self) -> Results:
        m = self.model
        b = m.burn_in
        cols = {k: np.ascontiguousarray(v) for k, v in self.cols.items()}  # sums as over the columns alone
        # The table's columns in order, then one DataFrame (inserting them one by one costs pandas ~0.1 ms each).
        table: dict[str, Any] = {"date": pd.to_datetime([d.isoformat() for d in m.dates[b:]])}
        table["day"] = np.arange(m.total_days - b)
        table.update((k, v[b:]) for k, v in cols.items())
        table.update((f"stock_{s.name.lower()}", self.states[b:, s.value]) for s in State)
        table.update((f"launch_attempts_{a}", self.launches_by_area[b:, j]) for j, a in enumerate(self.area_names))
        table.update((f"coast_arrivals_{r}", self.coast_by_route[b:, j]) for j, r in enumerate(self.route_names))
        table.update((f"cost_{name}_gbp", v[b:]) for name, v in self.cost_items.items())
        daily = pd.DataFrame(table)
        totals = {k: float(v.sum()) for k, v in cols.items() if k in _COUNTS}
        summary = summarise(daily, self.route_names, self.area_names, list(self.cost_items))
        # The market (sim/supply_chain.py): boats and engines sent by each corridor over the run, burn-in included.
        summary["items_shipped_by_corridor"] = dict(sorted(m.supply_chain.shipped_by_corridor.items()))
        if daily["date"].dt.year.nunique() > 1:  # several calendar years (a history run): each year's outcomes
            summary["by_year"] = by_year(daily, self.route_names, self.area_names, list(self.cost_items))
            for year, level in m.demand_by_year.items():
                if str(year) in summary["by_year"]:
                    summary["by_year"][str(year)]["demand_level"] = level
        return Results(
            summary=summary,
            daily=daily,
            totals_with_burn_in=totals,
            final_states={s.name.lower(): int(self.states[-1, s.value]) for s in State},
            boat_balance=m.boat_balance(),
            wall_seconds=m.wall_seconds,
            migrant_days=int(self.states[:, [State.IN_TRANSIT, State.AT_COAST, State.HAS_PLACE]].sum()),
            investigations=m.nca.table(),
        )


def _mean(values: list[float]) -> float:
    """``float(np.mean(values))``, the same sum and division without np.mean's Python layer (daily, hot)."""
    a = np.array(values, dtype=float)
    return float(np.add.reduce(a) / a.size)


def enforcement_values(
    m: ChannelModel, tally: CrossingTally, operating: int | None = None, ordering: int | None = None
) -> dict[str, float]:
    """Today's daily columns of investigations, networks' state and Border Force at sea. ``operating`` and
    ``ordering``: the networks operating and able to order, if the caller has counted them (DailyRecorder.record)."""
    values = dict(m.nca.today)
    # What the observed UK counts (every organised-immigration-crime network) would be at the stated Channel share.
    values["disruptions_uk_equivalent"] = values["disruptions"] / max(m.nca.cfg.channel_share_of_uk_disruptions, 1e-9)
    values["arrests_pilots"] = tally.pilots_arrested
    values["investigations_live"] = len(m.nca.live)
    values["networks"] = len(m.networks)
    if operating is None:
        operating = sum(n.operating for n in m.networks)
    if ordering is None:
        ordering = sum(n.suppliers > 0 and n.financiers > 0 for n in m.networks)
    values["networks_operating"] = operating
    values["networks_ordering"] = ordering
    values["fatal_incidents_uk_waters"] = tally.fatal_incidents_uk_waters
    values["deaths_uk_waters"] = tally.deaths_uk_waters
    values["expected_deaths_uk_waters"] = tally.expected_deaths_uk_waters
    values.update(m.border_force.daily_values())
    return values


def summarise(
    daily: pd.DataFrame, routes: tuple[str, ...], areas: tuple[str, ...], cost_items: list[str]
) -> dict[str, Any]:
    """Scalar outcomes over the scenario days (docs/outputs.md)."""
    s: dict[str, Any] = {}
    for k in _COUNTS:
        if k in daily:
            s[k] = float(daily[k].sum())
    arrived, boats = s["people_arrived"], s["boats_arrived"]
    s["people_per_boat"] = arrived / boats if boats else 0.0
    s["crossing_days"] = int((daily["boats_arrived"] > 0).sum())
    prevented = s["people_prevented"]
    s["prevention_share"] = prevented / (prevented + arrived) if prevented + arrived else 0.0
    s["taxi_boat_share"] = s["taxi_launches"] / s["boats_launched"] if s["boats_launched"] else 0.0
    s["deaths_per_1000_arrivals"] = 1000.0 * s["deaths_at_sea"] / arrived if arrived else 0.0
    # The same risk without the lottery of which boats sink: sum over boats of P(incident) * E[deaths | incident].
    s["expected_deaths_per_1000_arrivals"] = 1000.0 * s["expected_deaths_at_sea"] / arrived if arrived else 0.0
    s["mean_price_gbp"] = (
        s["revenue_gbp"] / s["places_sold"] if s["places_sold"] else float(daily["mean_price_gbp"].mean())
    )
    s["asylum_backlog"] = float(daily["asylum_backlog"].iloc[-1])
    s["coast_arrivals_by_route"] = {r: int(daily[f"coast_arrivals_{r}"].sum()) for r in routes}
    s["launch_attempts_by_area"] = {a: int(daily[f"launch_attempts_{a}"].sum()) for a in areas}
    s["policy_cost_by_item_gbp"] = {c: float(daily[f"cost_{c}_gbp"].sum()) for c in cost_items}
    for k in (
        "people_arrived",
        "boats_arrived",
        "boats_launched",
        "deaths_at_sea",
        "boats_seized",
        "engines_seized",
        "smugglers_arrested",
        "people_prevented",
        "launches_prevented",
        "people_deterred",
    ):
        s[k] = round(s[k])
    s["people_removed"] = float(s["people_removed"])
    # Two kinds of death (sim/crossing.py); they sum to deaths_at_sea.
    s["deaths_by_kind"] = {"crush": round(s.pop("deaths_crush")), "capsize": round(s.pop("deaths_capsize"))}
    s["disruptions"] = round(s["disruptions"])
    s["arrests_by_role"] = {r: round(s.pop(f"arrests_{r}")) for r in ARREST_ROLES}
    ordered = {k: s[k] for k in SUMMARY_OUTCOMES}
    ordered.update({k: v for k, v in s.items() if k not in ordered})
    return ordered


# The outcomes given for each calendar year of a run that covers several (summary["by_year"], docs/outputs.md).
BY_YEAR_OUTCOMES = (
    "people_arrived",
    "boats_arrived",
    "people_per_boat",
    "crossing_days",
    "people_prevented",
    "prevention_share",
    "taxi_boat_share",
    "deaths_at_sea",
    "deaths_per_1000_arrivals",
    "boats_seized",
    "engines_seized",
    "smugglers_arrested",
    "disruptions",
    "people_deterred",
    "people_removed",
    "mean_price_gbp",
    "asylum_backlog",
    "hotel_cost_gbp",
    "policy_cost_gbp",
)


def by_year(
    daily: pd.DataFrame, routes: tuple[str, ...], areas: tuple[str, ...], cost_items: list[str]
) -> dict[str, dict[str, Any]]:
    """Year (as text, a JSON key) -> the BY_YEAR_OUTCOMES of that year's days, computed as the whole-run ones."""
    out = {}
    for year, part in daily.groupby(daily["date"].dt.year):
        s = summarise(part, routes, areas, cost_items)
        out[str(year)] = {k: s[k] for k in BY_YEAR_OUTCOMES}
    return out


# What `python -m sim` prints after a run: the named outcomes a reader asks for first.
TEXT_SUMMARY = tuple(k for k in BY_YEAR_OUTCOMES if k not in ("people_deterred", "people_removed"))


@dataclass
class Results:
    """What one run produced: named scalar outcomes, one row a day, and accounting checks."""

    summary: dict[str, Any]
    daily: pd.DataFrame
    totals_with_burn_in: dict[str, float] = field(default_factory=dict)
    final_states: dict[str, int] = field(default_factory=dict)
    boat_balance: dict[str, int] = field(default_factory=dict)
    wall_seconds: float = 0.0
    migrant_days: int = 0
    investigations: pd.DataFrame | None = None  # one row per investigation (sim/investigations.py)

    def text_summary(self) -> str:
        """The named outcomes, one a line, labelled and formatted as the catalogue says."""
        s = self.summary
        width = max(len(OUTCOMES[k].label) for k in TEXT_SUMMARY)
        return "\n".join(f"{OUTCOMES[k].label:<{width}}  {fmt.value(k, s[k]):>10}" for k in TEXT_SUMMARY if k in s)

    def plot(self, path: str | os.PathLike | None = None):
        """Four panels of the year: arrivals, people per boat, deaths and the sea state."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        d = self.daily
        fig, ax = plt.subplots(2, 2, figsize=(11, 7), sharex=True)
        week = d.set_index("date").resample("W")
        ax[0, 0].bar(week["people_arrived"].sum().index, week["people_arrived"].sum().values, width=6)
        ax[0, 0].set(title="People arrived per week", ylabel="people")
        ppb = week["people_arrived"].sum() / week["boats_arrived"].sum().replace(0, np.nan)
        ax[0, 1].plot(ppb.index, ppb.values, marker=".")
        ax[0, 1].set(title="People per boat (weekly)", ylabel="people per boat")
        ax[1, 0].plot(d["date"], d["deaths_at_sea"].cumsum())
        ax[1, 0].set(title="Deaths at sea (cumulative)", ylabel="deaths")
        ax[1, 1].plot(d["date"], d["wave_height_m"], lw=0.8)
        ax[1, 1].set(title="Significant wave height", ylabel="m")
        fig.autofmt_xdate()
        fig.tight_layout()
        if path is not None:
            fig.savefig(path, dpi=110)
        return fig


def _roles(by_role: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {r}" for r, n in by_role.items())


# -------------------------------------------------------------------------------------------------- writing
def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# Files get the permissions an ordinary open() would give (mkstemp makes them owner-only), so that colleagues
# sharing a results folder on a cluster can read them. Read once, at import, before any thread starts.
FILE_MODE = 0o666 & ~_read_umask()


def temp_beside(path: Path) -> tuple[int, str]:
    """A temporary file in the target's folder (so the final rename is atomic), with ordinary permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.fchmod(fd, FILE_MODE)
    return fd, tmp


def atomic_write_text(path: Path, text: str) -> None:
    """Write to a temporary file in the same folder, then rename over the target."""
    path = Path(path)
    fd, tmp = temp_beside(path)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_frame(path: Path, frame: pd.DataFrame) -> None:
    path = Path(path)
    fd, tmp = temp_beside(path)
    os.close(fd)
    try:
        if path.suffix == ".parquet":
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_csv(tmp, index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _json_default(o: Any) -> Any:
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    raise TypeError(f"not JSON serialisable: {type(o)}")


def _finite_or_null(o: Any) -> Any:
    """Non-finite numbers as None, through dicts and lists: an outcome that is undefined (the mean price of a run
    without networks) is written as ``null``, valid JSON that every reader loads as missing, never a bare NaN."""
    if isinstance(o, dict):
        return {k: _finite_or_null(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_finite_or_null(v) for v in o]
    if isinstance(o, (float, np.floating)) and not np.isfinite(o):
        return None
    return o


def json_text(data: Any) -> str:
    """Strict JSON (no NaN or Infinity; numpy scalars as numbers), indented, with a final newline."""
    return json.dumps(_finite_or_null(data), indent=2, default=_json_default, allow_nan=False) + "\n"


def package_versions() -> dict[str, str]:
    """The versions metadata.json records (a copy: the lookups are read once per process, importlib.metadata being
    slow, and the installed packages do not change under a running process)."""
    return dict(_package_versions())


# The packages metadata.json names, by distribution, with the module each is imported as.
VERSIONED = MappingProxyType(
    {
        "mesa": "mesa",
        "numpy": "numpy",
        "scipy": "scipy",
        "pandas": "pandas",
        "pyarrow": "pyarrow",
        "hydra-core": "hydra",
        "omegaconf": "omegaconf",
        "matplotlib": "matplotlib",
        "networkx": "networkx",
    }
)


@functools.cache
def _package_versions() -> dict[str, str]:
    """A package already imported gives its ``__version__`` (the metadata lookup scans the install, ~1-5 ms a
    package); the others, the installed distribution's (tests/test_startup.py checks that the two agree)."""
    out = {"python": platform.python_version()}
    for dist, module in VERSIONED.items():
        version = getattr(sys.modules.get(module), "__version__", None)
        if isinstance(version, str):
            out[dist] = version
            continue
        try:
            out[dist] = importlib_metadata.version(dist)
        except importlib_metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def git_revision() -> str:
    root = Path(__file__).resolve().parent.parent
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
        return rev + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


# The files a finished run folder holds besides metadata.json, whose checksums metadata.json records.
RUN_FILES = ("summary.json", "daily.parquet", "config.yaml")
# Written when the results have them (runs from before they existed lack them); checked when recorded.
OPTIONAL_RUN_FILES = ("investigations.csv",)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_run_folder(
    out_dir: Path, results: Results, resolved_config_yaml: str, seed: int, extra: dict | None = None
) -> None:
    """Write summary.json, daily.parquet, config.yaml, then metadata.json: its presence marks a finished run, and it
    records the other files' checksums so that a damaged or edited run is recognised (``run_folder_damage``)."""
    out_dir = Path(out_dir)
    atomic_write_text(out_dir / "summary.json", json_text(results.summary))
    atomic_write_frame(out_dir / "daily.parquet", results.daily)
    atomic_write_text(out_dir / "config.yaml", resolved_config_yaml)
    written = list(RUN_FILES)
    if results.investigations is not None:
        atomic_write_frame(out_dir / "investigations.csv", results.investigations)
        written.append("investigations.csv")
    meta = {
        "seed": seed,
        "wall_seconds": round(results.wall_seconds, 4),
        "migrant_days": results.migrant_days,
        "versions": package_versions(),
        "git_revision": git_revision(),
        "platform": platform.platform(),
        "status": "finished",
        "checksums": {name: file_sha256(out_dir / name) for name in written},
    }
    if extra:
        meta.update(extra)
    atomic_write_text(out_dir / "metadata.json", json_text(meta))


def run_folder_damage(run_dir: Path) -> str | None:
    """Why a run folder cannot be trusted as finished (one line), or None if it is intact.

    The one definition of a damaged run that resume, report, compare and validate share: metadata.json missing or
    unreadable, a run file missing, or a file whose SHA-256 differs from the checksum recorded when it was written.
    Folders written before checksums were recorded are checked for presence and readable JSON only.
    """
    run_dir = Path(run_dir)
    meta_path = run_dir / "metadata.json"
    if not meta_path.is_file():
        return "metadata.json missing (the run did not finish)"
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError):
        return "metadata.json unreadable"
    if not isinstance(meta, dict):
        return "metadata.json unreadable"
    for name in RUN_FILES:
        if not (run_dir / name).is_file():
            return f"{name} missing"
    sums = meta.get("checksums")
    if isinstance(sums, dict):
        for name in RUN_FILES:
            if sums.get(name) != file_sha256(run_dir / name):
                return f"{name} damaged or edited (checksum differs from metadata.json)"
        for name in OPTIONAL_RUN_FILES:
            if name in sums and not (run_dir / name).is_file():
                return f"{name} missing"
            if name in sums and sums[name] != file_sha256(run_dir / name):
                return f"{name} damaged or edited (checksum differs from metadata.json)"
        return None
    try:
        json.loads((run_dir / "summary.json").read_text())
    except (OSError, ValueError):
        return "summary.json unreadable"
    return None
