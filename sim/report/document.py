"""The report's document model: what every writer (HTML, PDF) lays out, with no knowledge of either.

A document is a title and a list of sections; a section is a list of blocks (paragraphs, headings, bullet lists,
framed boxes, tables and charts). The content (``sim/report/content.py``) builds it; ``html.py`` and ``pdf.py``
write it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass
class Para:
    text: str
    style: str = "body"  # title | subtitle | body | small | lead


@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Bullets:
    items: list[str]
    style: str = "body"


@dataclass
class Box:
    """A framed block: kind "warning" (red, failed runs and other cautions) or "note" (grey)."""

    title: str
    items: list[str]
    kind: str = "warning"
    id: str = ""


@dataclass
class Table:
    """Cells may hold several lines separated by newlines: the first is the value, the others smaller and grey."""

    header: list[str]
    rows: list[list[str]]
    id: str = ""
    caption: str = ""
    highlight_col: int | None = None
    align: str = ""  # one letter a column: l (text), r (number), t (technical name); default "lrr..."
    font: float = 8.0
    col_weights: list[float] | None = None

    def col_align(self, j: int) -> str:
        if j < len(self.align):
            return self.align[j]
        return "l" if j == 0 else "r"


@dataclass
class Chart:
    title: str
    draw: Callable[[Any, Sequence[float]], None]
    height: float  # inches, at a width of CHART_WIDTH
    caption: str = ""
    id: str = ""


@dataclass
class Section:
    title: str
    blocks: list[Any]
    id: str = ""


@dataclass
class Document:
    title: str
    subtitle: str
    sections: list[Section]
    footer: str = ""


CHART_WIDTH = 7.0  # inches: the text width of an A4 page with 0.63-inch margins
