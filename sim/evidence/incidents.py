"""Frequency and severity of fatal incidents at sea, fitted on the pooled IOM incident list (2019-2023).

The defaults of the capsize submodel (``crossing.mass_casualty_prob``, ``mass_casualty_fraction``,
``minor_incident_deaths``, and the per-boat frequency that ``incident_base_prob`` is set from) come from here,
pooled over the years so that no single year's luck sets them; 2024 and later are test years and are not used.
The list holds no crush or asphyxia death at sea before 2024, so the crush submodel cannot be fitted here (see
``crossing.py``); this module also gives that absence as a number (``crush_deaths``, zero).

``python -m sim.evidence.incidents`` prints the fit.
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass

import pandas as pd

from sim.evidence import observed as obs

FIT_YEARS = (2019, 2023)
# An incident with at least this many dead and missing is a mass-casualty capsize (people in the water); below it,
# one or two people lost overboard or found drowned. The list's incidents fall clearly on either side: 1-3 or 4+.
MASS_THRESHOLD = 4
# Causes that are crush or asphyxia aboard. IOM files deaths in a crush aboard as "Accidental death" (the 2024
# incidents at sea with that cause are the crushes reported in the press); none at sea before 2024.
CRUSH_CAUSES = ("accidental", "crush", "asphyx", "suffocat", "trampl")


@dataclass(frozen=True)
class SeaIncidentFit:
    """Pooled fatal incidents at sea and what they give the capsize submodel."""

    first_year: int
    last_year: int
    incidents: int
    deaths: float
    boats_arrived: float
    incidents_per_boat: float
    mass_casualty_prob: float
    mass_casualty_fraction: float  # dead and missing over people aboard, mass incidents with survivors known
    minor_incident_deaths: float
    crush_deaths: float


def fit(
    first: int = FIT_YEARS[0],
    last: int = FIT_YEARS[1],
    incidents: pd.DataFrame | None = None,
    annual: pd.DataFrame | None = None,
) -> SeaIncidentFit:
    """Fit on IOM incidents at sea (``sea_related_flag`` 1, the definition of ``deaths_at_sea_iom``) and boats
    arrived (Home Office) of the years ``first``..``last``."""
    if last >= 2024:
        raise ValueError(f"last={last}: 2024 and later are test years; fit on 2019-2023 at most")
    incidents = obs.load_incidents() if incidents is None else incidents
    annual = obs.load_annual() if annual is None else annual
    years = incidents["date"].dt.year
    sea = incidents[(incidents["sea_related_flag"] == 1) & years.between(first, last)].copy()
    sea["lost"] = sea["dead"] + sea["missing"]
    sea = sea[sea["lost"] > 0]
    mass = sea[sea["lost"] >= MASS_THRESHOLD]
    minor = sea[sea["lost"] < MASS_THRESHOLD]
    survivors = pd.to_numeric(mass.get("survivors"), errors="coerce")
    known = mass[survivors.notna()]
    aboard = known["lost"] + survivors[survivors.notna()]
    cause = sea["cause"].fillna("").str.lower() if "cause" in sea else pd.Series("", index=sea.index)
    crush = sea[cause.str.contains("|".join(CRUSH_CAUSES))]
    boats = float(annual.loc[first:last, "boats_arrived"].sum())
    return SeaIncidentFit(
        first_year=first,
        last_year=last,
        incidents=len(sea),
        deaths=float(sea["lost"].sum()),
        boats_arrived=boats,
        incidents_per_boat=len(sea) / boats,
        mass_casualty_prob=len(mass) / len(sea),
        mass_casualty_fraction=float(known["lost"].sum() / aboard.sum()),
        minor_incident_deaths=float(minor["lost"].mean()),
        crush_deaths=float(crush["lost"].sum()),
    )


def main() -> int:
    for key, value in asdict(fit()).items():
        print(f"{key:24s} {value:.4g}" if isinstance(value, float) else f"{key:24s} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
