"""Approximate positions (longitude, latitude in degrees) for drawing the dashboard's map.

APPROXIMATE, FOR DRAWING ONLY. The model has no geography beyond its route graph (``sim/geography.py``): journey
times, distances and camp shares come from ``configs/world/``, never from these numbers. Each route node is put
at a representative town or region, rounded to about a tenth of a degree; the two coastlines are a dozen hand-
picked points each, enough to recognise the Strait of Dover. Several places stand for wider areas:
``middle_east`` is drawn near Baghdad, ``horn_of_africa`` near Khartoum, ``albania_vietnam`` at Tirana (people
from Vietnam and India mostly fly into Europe and then travel overland), ``germany`` and ``french_coast`` are
hubs rather than towns, and ``uk_landing`` lies between Dover and Dungeness.

Every node of the default world (``configs/world/europe_2024.yaml``) and every supply-chain node of
``configs/supply_chain/default_2024.yaml`` must have a position here (tests/test_dashboard.py checks this);
a world with other node names needs its own entries, or the dashboard refuses it with the names that are missing.
"""

from __future__ import annotations

# Route graph nodes (origins, transit hubs, the French coast, launch areas, the UK landing).
NODES: dict[str, tuple[float, float]] = {
    # origins (regions, drawn at a representative city)
    "middle_east": (44.4, 33.3),
    "horn_of_africa": (32.5, 15.6),
    "albania_vietnam": (19.8, 41.3),
    # transit hubs
    "istanbul": (29.0, 41.0),
    "kapitan_andreevo": (26.3, 41.7),
    "belgrade": (20.5, 44.8),
    "vienna": (16.4, 48.2),
    "germany": (9.0, 50.6),
    "izmir": (27.1, 38.4),
    "greek_islands": (26.4, 39.1),
    "athens": (23.7, 38.0),
    "libya": (13.2, 32.9),
    "lampedusa": (12.6, 35.5),
    "ventimiglia": (7.6, 43.8),
    "paris": (2.35, 48.9),
    "french_coast": (2.1, 50.7),
    # launch areas on the French coast (centre of the beaches used)
    "dunkirk_gravelines": (2.25, 51.02),
    "calais": (1.85, 50.96),
    "boulogne_wimereux_le_portel": (1.60, 50.74),
    "somme_authie_estuaries": (1.57, 50.30),
    # the usual landing places in Kent and Sussex
    "uk_landing": (1.15, 51.05),
}

# Where each place's name goes beside its dot on the route map ("right" unless named here), chosen so that the
# crowded south-east (Istanbul, Kapitan Andreevo, Izmir, the Greek islands, Athens) stays legible.
LABEL_POSITION: dict[str, str] = {
    "middle_east": "bottom",
    "horn_of_africa": "right",
    "albania_vietnam": "left",
    "istanbul": "right",
    "kapitan_andreevo": "top",  # moved up and right by LABEL_OFFSET, clear of the line from Belgrade
    "izmir": "bottom",
    "greek_islands": "left",
    "athens": "bottom",  # below its dot: "Greek islands" sits just above on the left
    "belgrade": "right",
    "vienna": "right",
    "germany": "top",
    "libya": "bottom",
    "lampedusa": "right",
    "ventimiglia": "bottom",
    "paris": "left",
}

# Pixels by which a name is moved from its position above (only where the position alone still collides).
LABEL_OFFSET: dict[str, tuple[int, int]] = {"kapitan_andreevo": (38, 0)}

# Legs shorter than this (degrees on the map) carry no count: on the short legs of the south-east the numbers fall
# on the place names; the line's width still shows how many people are on them.
MIN_LEG_FOR_COUNT_DEG = 3.5

# Supply-chain nodes where boats and engines can be seized (sim/supply_chain.py).
SUPPLY_NODES: dict[str, tuple[float, float]] = {
    "turkey": (28.9, 40.2),  # boat makers and warehouses around Istanbul/Bursa
    "bulgaria": (25.6, 42.1),  # Kapitan Andreevo and the road to the west
    "germany": (8.6, 51.4),  # storage in western Germany
    "france_inland": (3.1, 50.6),  # around Lille, the last stop before the beaches
    "china": (43.0, 45.5),  # engines: drawn at the map's edge, the factories are far to the east
}

# The two shores of the Strait of Dover, west to east (approximate, for orientation only).
FRENCH_COASTLINE: tuple[tuple[float, float], ...] = (
    (1.38, 50.07),
    (1.55, 50.20),
    (1.62, 50.37),
    (1.58, 50.52),
    (1.59, 50.73),
    (1.58, 50.87),
    (1.73, 50.94),
    (1.86, 50.96),
    (2.10, 51.00),
    (2.37, 51.05),
    (2.55, 51.09),
    (2.70, 51.14),
)
ENGLISH_COASTLINE: tuple[tuple[float, float], ...] = (
    (0.30, 50.77),
    (0.60, 50.87),
    (0.78, 50.93),
    (0.97, 50.91),
    (0.98, 50.98),
    (1.10, 51.07),
    (1.32, 51.12),
    (1.40, 51.20),
    (1.44, 51.34),
    (1.42, 51.39),
)

# Map frames (lon_min, lon_max, lat_min, lat_max): routes across Europe, and the Channel close up.
EUROPE_EXTENT = (-1.0, 46.0, 13.0, 53.0)
CHANNEL_EXTENT = (0.30, 3.50, 50.05, 51.45)


def missing_nodes(names: list[str] | tuple[str, ...]) -> list[str]:
    """Names with no position in NODES (the dashboard refuses a world with any)."""
    return [n for n in names if n not in NODES]
