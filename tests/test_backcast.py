"""Back-casts of 2022 and 2023: scenarios that change only demand, enforcement, supply (and the 2022 nationality
mix) come within 25% of each year's observed arrivals and people per boat (slow: 10 seeds at full scale)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest

from sim.cli import load_config
from sim.config import SimConfig
from sim.evidence import observed as obs
from sim.evidence import validate as V
from sim.model import run

ROOT = Path(__file__).resolve().parent.parent
YEARS = (2022, 2023)
# What a back-cast may change (ISSUE: demand, enforcement, supply; the nationality mix where justified).
ALLOWED = (
    r"scenario",
    r"days",
    r"world\.start_date",
    r"migration\.annual_entrants",
    r"supply_chain\.(boats_per_week|engines_per_week)",
    r"supply_chain\.(boat|engine)_nodes\.\w+\.seizure_prob",
    r"enforcement\.(beach_officers|investigations)",
    r"world\.routes\.\w+\.(share|nationalities\.\w+)",
)


def _flat(node, prefix=""):
    out = {}
    if dataclasses.is_dataclass(node):
        items = [(f.name, getattr(node, f.name)) for f in dataclasses.fields(node)]
    elif isinstance(node, dict):
        items = list(node.items())
    elif isinstance(node, list):
        items = list(enumerate(node))
    else:
        return {prefix[:-1]: node}
    for k, v in items:
        out.update(_flat(v, f"{prefix}{k}."))
    return out


@pytest.mark.parametrize("year", YEARS)
def test_backcast_changes_only_demand_enforcement_and_supply(year):
    base = _flat(load_config([]))
    cast = _flat(load_config([f"scenario=backcast_{year}"]))
    assert set(base) == set(cast)
    changed = {k for k in base if base[k] != cast[k]}
    assert {"scenario", "world.start_date", "days", "migration.annual_entrants"} <= changed
    for key in changed:
        assert any(re.fullmatch(p, key) for p in ALLOWED), f"backcast_{year} changes {key}"
    assert cast["scenario"] == f"backcast_{year}"
    assert cast["world.start_date"] == f"{year}-01-01" and cast["days"] == 365
    assert cast["scale"] == 1.0 and not any(k.endswith(".enabled") and cast[k] for k in cast)


@pytest.mark.parametrize("year", YEARS)
def test_every_change_in_a_backcast_gives_its_reason(year):
    text = (ROOT / "configs" / "scenario" / f"backcast_{year}.yaml").read_text()
    assert text.startswith("# @package _global_")
    lines = text.splitlines()
    for i, line in enumerate(lines):
        stripped = line.split("#", 1)[0].rstrip()
        if not stripped or stripped.endswith(":") or stripped.strip().startswith("-"):
            continue  # comments, blank lines, mapping headers
        if stripped.split(":", 1)[0].strip() in ("scenario",):
            continue
        commented = "#" in line or lines[i - 1].lstrip().startswith("#")
        assert commented, f"backcast_{year}.yaml line {i + 1} has no reason: {line!r}"


def test_backcast_runs_in_its_own_year():
    cfg = load_config(["scenario=backcast_2022", "scale=0.05", "days=60", "world.burn_in_days=30"])
    results = run(cfg)
    assert results.daily["date"].iloc[0].isoformat()[:10] == "2022-01-01"
    assert len(results.daily) == 60
    record = V.record_from_results(results, cfg, "smoke")
    card = V.score([record])
    assert card["year"] == 2022
    assert card["monthly"]["basis"].startswith("people per month, observed 2022")
    assert SimConfig().world.start_date == "2024-01-01"  # the default scenario is untouched


@pytest.mark.slow
@pytest.mark.parametrize("year", YEARS)
def test_backcast_within_25_percent_of_arrivals_and_people_per_boat(year):
    records = V.simulate([f"scenario=backcast_{year}"], range(10))
    observed = obs.annual_targets(year)
    for target in ("people_arrived", "people_per_boat"):
        mean = float(np.mean([r.summary[target] for r in records]))
        rd = (mean - observed[target]) / observed[target]
        assert abs(rd) <= 0.25, f"{year} {target}: model {mean:.3g} vs observed {observed[target]:.3g} ({rd:+.0%})"
