"""The lessons of docs/teaching.md as guided steps: each step sets the levers, and says what to look for.

A step's ``settings`` are page settings (``sim.dashboard.controls``): the levers to tick and the values to pick;
every other control goes back to the CLI's value, so a step always gives the same run whatever was on the page
before. The tests check that every step's settings are valid controls with values the page offers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Step:
    title: str
    settings: dict[str, Any] = field(default_factory=dict)
    look_for: str = ""
    spread: bool = False  # also run these settings over several seeds


@dataclass(frozen=True)
class Lesson:
    key: str
    title: str
    idea: str
    steps: tuple[Step, ...]
    questions: tuple[str, ...] = ()


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "seizures",
        "1. Why seizing boats can make crossings deadlier",
        "Boats are the smugglers' scarce input. Take boats away upstream and the gangs do not stop: they put more "
        "people in each boat they still have, charge more, and accept worse boats.",
        (
            Step(
                "The year as it was",
                {},
                "Press STEP a few times: people on the routes, the camps, a day with boats. Then play a month.",
            ),
            Step(
                "Seize 60% of consignments in Bulgaria",
                {"seizures": True, "seizures.rate_bulgaria": 0.6},
                "Play the year. Watch the red stars on the map, and below the map the rows 'People per boat' and "
                "'Danger of a crossing': both rise while arrivals fall.",
            ),
            Step(
                "Is it chance?",
                {"seizures": True, "seizures.rate_bulgaria": 0.6},
                "The page runs these settings over 10 seeds (the blue band). Do fewer people arrive in every "
                "seed? Is the danger of a crossing higher in every seed?",
                spread=True,
            ),
        ),
        (
            "Who decides how many people go in a boat, and why are boats fuller when boats are seized?",
            "Arrivals fell. Did deaths fall as much? What does the danger row say that the deaths row does not?",
            "The model assumes no other supplier of boats. What would smugglers do in the real world?",
        ),
    ),
    Lesson(
        "patrols",
        "2. Why patrols move launches",
        "French patrols stop launches on the beaches they watch. Gangs answer by launching from farther beaches and "
        "by using taxi boats that pick people up from the water, which officers on the sand cannot stop.",
        (
            Step(
                "Three times the 2024 officers",
                {"beach_patrols": True, "beach_patrols.officers_per_night": 2400},
                "Play the year. Watch the blue squares (officers) follow the launches, the chart 'Launch attempts by "
                "area' (the Somme is the farthest) and the row 'Share of launches by taxi boat'.",
            ),
            Step(
                "Five times the 2024 officers",
                {"beach_patrols": True, "beach_patrols.officers_per_night": 4000},
                "Do arrivals fall five times as much? Where do the launches go now?",
            ),
            Step(
                "Is it chance?",
                {"beach_patrols": True, "beach_patrols.officers_per_night": 4000},
                "The page runs these settings over 10 seeds: compare the blue band with the grey one.",
                spread=True,
            ),
        ),
        (
            "Why do launches move south-west when Dunkirk and Calais are better watched?",
            "Why is a crossing from the Somme more dangerous than one from Calais?",
            "What is a taxi boat, and why can't officers on the beach stop it?",
        ),
    ),
    Lesson(
        "deterrence",
        "3. What deterrence needs to work",
        "A removal scheme deters only if people believe they may be removed and care enough to give up. Belief "
        "comes from removals people see happen; caring is the response, the most contested number in the model.",
        (
            Step(
                "The scheme as configured",
                {"deterrence": True},
                "Play the year. Watch 'People who gave up for fear of removal' and the cost row.",
            ),
            Step(
                "People respond strongly (the Home Office's break-even case)",
                {"deterrence": True, "deterrence.response_strength": 3.0},
                "More give up; by how much do arrivals fall?",
            ),
            Step(
                "40,000 places and a strong response",
                {"deterrence": True, "deterrence.response_strength": 3.0, "deterrence.capacity_per_year": 40_000},
                "Arrivals fall a lot: at what cost? Divide the extra cost by the people who gave up.",
            ),
            Step(
                "40,000 places and no response at all",
                {"deterrence": True, "deterrence.response_strength": 0.0, "deterrence.capacity_per_year": 40_000},
                "Nobody gives up: arrivals are the baseline's, and many arrivals are removed at great cost.",
            ),
            Step(
                "Announced, never operating",
                {"deterrence": True, "deterrence.response_strength": 3.0, "deterrence.operating": False},
                "Watch 'Chance of removal, as people at the coast see it': it stays low, because nobody is seen "
                "being removed.",
            ),
        ),
        (
            "Which two things must both be true for deterrence to reduce crossings?",
            "Why does an announcement alone deter so few people?",
            "Nobody knows the real response. How would you decide on the scheme if it could be 0.25 or 3?",
        ),
    ),
    Lesson(
        "rescue",
        "4. Rescue and an assumption",
        "More rescue vessels make an incident less likely to turn fatal. But the model also assumes that smugglers "
        "take more risk when rescue is near (moral hazard), an assumption researchers dispute.",
        (
            Step(
                "Three times the 2024 rescue vessels",
                {"search_and_rescue": True, "search_and_rescue.vessels": 24},
                "Play the year and compare deaths at sea with the grey band. Read the assumption under the lever.",
            ),
            Step(
                "The same, without the moral hazard",
                {"search_and_rescue": True, "search_and_rescue.vessels": 24, "search_and_rescue.moral_hazard": False},
                "Deaths now: does rescue save lives when smugglers do not respond to it?",
            ),
            Step(
                "Is it chance?",
                {"search_and_rescue": True, "search_and_rescue.vessels": 24},
                "Deaths are a lottery: the page runs these settings over 10 seeds. Does the blue band of deaths "
                "lie above the grey one, or inside it?",
                spread=True,
            ),
        ),
        (
            "The answer to 'does rescue cost lives?' depends on one assumption. How could we measure it?",
            "What would you tell a minister who asks for one number?",
        ),
    ),
)
