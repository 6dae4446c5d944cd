"""The PDF writer: the document model laid out on A4 pages with ReportLab's Platypus.

Why ReportLab: the report used to be typeset by hand on matplotlib's PdfPages (about 430 lines measuring text,
wrapping it, breaking tables across pages and keeping headings with what follows). Platypus does exactly that
as a flowing document (paragraphs that wrap, tables that split with their header repeated, headings kept with
the next block, page templates with a footer), so this writer only maps blocks to flowables. fpdf2 was the other
candidate: lighter, but its layout is cursor-driven (the caller decides where a table or a heading must move to
the next page), which is the machinery we wanted to drop. ReportLab is BSD-licensed, maintained since 2000 and
pure Python with wheels (Pillow, already installed by matplotlib, for the images); the text is TrueType DejaVu
Sans from matplotlib's own fonts, so no system library or font is needed and the text can be searched.

Charts are the same PNG pictures as in the HTML (``charts.chart_png``) at 200 dpi, the same size on the page.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as RLTable
from reportlab.platypus.flowables import HRFlowable

from sim.report import charts
from sim.report.document import CHART_WIDTH, Box, Bullets, Chart, Document, Heading, Para, Table

MARGINS = (0.63, 0.63, 0.6, 0.75)  # inches: left, right, top, bottom
BLUE, GREY, RED = colors.HexColor("#17365d"), colors.HexColor("#666666"), colors.HexColor("#b00020")
FONT, BOLD, MONO = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono"
CHART_DPI = 200
MIN_CHART_SCALE = 0.75  # a chart may shrink to 75% of its size to fit a page's remaining room
CHART_GAP = 8.0  # points below a chart block
HEADING_ROOM = 1.8  # inches a heading needs below it on the page (its first lines or rows)
SECTION_ROOM = 3.0  # inches a section title needs below it; otherwise the section starts on the next page
MIN_PAGE_FILL = 0.5  # a section whose opening does not fit moves to the next page if this much of the page is used
SMALL_TABLE_ROWS = 6  # tables with at most this many rows are kept on one page (no row or two alone)


def _register_fonts() -> None:
    """DejaVu Sans (regular, bold, mono) from matplotlib's bundled fonts, once per process."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    from matplotlib import font_manager

    for name, family, weight in ((FONT, "DejaVu Sans", "normal"), (BOLD, "DejaVu Sans", "bold"),
                                 (MONO, "DejaVu Sans Mono", "normal")):  # fmt: skip
        prop = font_manager.FontProperties(family=family, weight=weight)
        pdfmetrics.registerFont(TTFont(name, font_manager.findfont(prop, fallback_to_default=False)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _style(name: str, size: float, **kw: Any) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=kw.pop("font", FONT), fontSize=size, leading=1.32 * size, **kw)


def styles() -> dict[str, ParagraphStyle]:
    return {
        "title": _style("title", 18, font=BOLD, textColor=BLUE, spaceAfter=4),
        "subtitle": _style("subtitle", 9, textColor=colors.HexColor("#555555")),
        "h1": _style("h1", 15, font=BOLD, textColor=BLUE, keepWithNext=1, spaceBefore=10),
        "h2": _style("h2", 11, font=BOLD, textColor=BLUE, spaceBefore=8, spaceAfter=3),
        "body": _style("body", 9, spaceAfter=7),
        "small": _style("small", 8, spaceAfter=6),
        "bullet": _style("bullet", 9, leftIndent=14, bulletIndent=3, spaceAfter=3),
        "bullet_small": _style("bullet_small", 8, leftIndent=14, bulletIndent=3, spaceAfter=3),
        "caption": _style("caption", 7.5, textColor=colors.HexColor("#555555"), spaceBefore=3, spaceAfter=9),
        "chart_title": _style("chart_title", 10, font=BOLD, textColor=BLUE, spaceAfter=3, keepWithNext=1),
    }


# --------------------------------------------------------------------------------------------------- tables
def _cell(text: str, size: float, bold: bool, align: str, header: bool) -> Paragraph:
    """A table cell: the first line the value, further lines smaller and grey; technical names in mono."""
    lines = [escape(x) for x in str(text).split("\n")]
    font = BOLD if bold or header else FONT
    if align == "t" and not header:
        font, size = MONO, size - 0.8
    sub = "".join(f'<br/><font size="{size - 0.8}" color="#666666">{x}</font>' for x in lines[1:])
    colour = GREY if align == "t" and not header else colors.HexColor("#1d1d1d")
    style = ParagraphStyle(
        "cell", fontName=font, fontSize=size, leading=1.25 * size, textColor=colour,
        alignment=TA_RIGHT if align == "r" and not header else 0, wordWrap="CJK" if align == "t" else None,
    )  # fmt: skip
    return Paragraph(lines[0] + sub, style)


def column_widths(t: Table, total: float) -> list[float]:
    """Widths in points: by the table's weights, else natural widths shrunk towards each column's longest word."""
    if t.col_weights:
        return [total * w / sum(t.col_weights) for w in t.col_weights]
    pad = 8.0
    natural, minimum = [], []
    for j in range(len(t.header)):
        texts = [t.header[j], *(str(r[j]) for r in t.rows)]
        lines = [ln for x in texts for ln in x.split("\n")]
        natural.append(max(pdfmetrics.stringWidth(ln, BOLD, t.font) for ln in lines) + pad)
        words = [w for ln in lines for w in ln.split(" ")] if t.col_align(j) != "t" else ["x" * 8]
        minimum.append(min(max(pdfmetrics.stringWidth(w, BOLD, t.font) for w in words) + pad, 0.45 * total))
    if sum(natural) <= total:
        extra = (total - sum(natural)) / len(natural)
        return [w + extra for w in natural]
    spare = max(total - sum(minimum), 0.0)
    want = [max(n - m, 0.0) for n, m in zip(natural, minimum, strict=True)]
    widths = [m + (spare * w / sum(want) if sum(want) else 0.0) for m, w in zip(minimum, want, strict=True)]
    return [w * total / sum(widths) for w in widths] if sum(widths) > total else widths


def table(t: Table, total: float, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    head = [_cell(h, t.font, True, "l", True) for h in t.header]
    body = [[_cell(c, t.font, j == 0, t.col_align(j), False) for j, c in enumerate(row)] for row in t.rows]
    grid = RLTable([head, *body], colWidths=column_widths(t, total), repeatRows=1, hAlign="LEFT")
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#c8c8c8")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#fafafa")]),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        *((side, (0, 0), (-1, -1), 2.5) for side in ("TOPPADDING", "BOTTOMPADDING")),
        *((side, (0, 0), (-1, -1), 3.6) for side in ("LEFTPADDING", "RIGHTPADDING")),
    ]
    if t.highlight_col is not None and t.rows:
        commands.append(("BACKGROUND", (t.highlight_col, 1), (t.highlight_col, -1), colors.HexColor("#f3f3f3")))
    grid.setStyle(TableStyle(commands))
    after = Paragraph(escape(t.caption), st["caption"]) if t.caption else Spacer(1, 9)
    if len(t.rows) <= SMALL_TABLE_ROWS:  # a short table is not split
        return [KeepTogether([grid, after])]
    return [grid, after]


# --------------------------------------------------------------------------------------------------- blocks
def box(b: Box, total: float, st: dict[str, ParagraphStyle]) -> Flowable:
    edge, face, ink = ("#b00020", "#fff4f4", "#b00020") if b.kind == "warning" else ("#888888", "#f4f4f4", "#333333")
    title = ParagraphStyle("box_title", parent=st["body"], fontName=BOLD, fontSize=9.5, textColor=colors.HexColor(ink))
    item = ParagraphStyle("box_item", parent=st["bullet"], fontSize=8.5, leading=11)
    inner = [Paragraph(escape(b.title), title), *(Paragraph(escape(x), item, bulletText="\u2022") for x in b.items)]
    frame = RLTable([[inner]], colWidths=[total])
    frame.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.6, colors.HexColor(edge)),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(face)),
                ("LEFTPADDING", (0, 0), (-1, -1), 7),
                ("RIGHTPADDING", (0, 0), (-1, -1), 7),
            ]
        )
    )
    return KeepTogether([frame, Spacer(1, 9)])


class FittedChart(Flowable):
    """A chart's title, picture and caption as one block that shrinks the picture (down to ``MIN_CHART_SCALE`` of
    its size, keeping its shape) to fit the room left on a page, rather than leaving that room empty."""

    def __init__(self, title: Paragraph, png: bytes, width: float, height: float, caption: Paragraph | None):
        super().__init__()
        self.title, self.caption, self.png = title, caption, png
        self.img_w, self.img_h, self.scale = width, height, 1.0
        self.title_h = self.caption_h = 0.0

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self.title_h = self.title.wrap(avail_w, avail_h)[1] + self.title.getSpaceAfter()
        self.caption_h = 0.0
        if self.caption is not None:
            self.caption_h = self.caption.wrap(avail_w, avail_h)[1] + self.caption.getSpaceBefore()
        fixed = self.title_h + self.caption_h + CHART_GAP
        room = (avail_h - fixed) / self.img_h
        self.scale = 1.0 if room >= 1.0 or room < MIN_CHART_SCALE else room
        self.width = avail_w
        self.height = fixed + self.scale * self.img_h
        return self.width, self.height

    def split(self, avail_w: float, avail_h: float) -> list[Flowable]:
        return []  # never split: a chart that does not fit even shrunk goes to the next page whole

    def draw(self) -> None:
        c, top = self.canv, self.height
        self.title.drawOn(c, 0, top - self.title_h + self.title.getSpaceAfter())
        w, h = self.scale * self.img_w, self.scale * self.img_h
        y = top - self.title_h - h
        c.drawImage(ImageReader(io.BytesIO(self.png)), (self.width - w) / 2, y, width=w, height=h)
        if self.caption is not None:
            self.caption.drawOn(c, 0, y - self.caption_h)


def chart(c: Chart, st: dict[str, ParagraphStyle]) -> Flowable:
    png = charts.chart_png(None, c.height, c.draw, CHART_WIDTH, dpi=CHART_DPI)
    title = Paragraph(escape(c.title), st["chart_title"])
    caption = Paragraph(escape(c.caption), st["caption"]) if c.caption else None
    return FittedChart(title, png, CHART_WIDTH * inch, c.height * inch, caption)


def flowables(b: Any, total: float, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    if isinstance(b, Heading):  # a new page rather than a heading alone at the foot of one
        return [CondPageBreak(HEADING_ROOM * inch), Paragraph(escape(b.text), st["h2" if b.level >= 2 else "h1"])]
    if isinstance(b, Para):
        return [Paragraph(escape(b.text), st["small" if b.style == "small" else "body"])]
    if isinstance(b, Bullets):
        style = st["bullet_small" if b.style == "small" else "bullet"]
        return [*(Paragraph(escape(x), style, bulletText="\u2022") for x in b.items), Spacer(1, 4)]
    if isinstance(b, Box):
        return [box(b, total, st)]
    if isinstance(b, Table):
        return table(b, total, st)
    if isinstance(b, Chart):
        return [chart(b, st)]
    raise TypeError(f"unknown block {type(b).__name__}")


class SectionBreak(CondPageBreak):
    """A page break before a section when its title and opening blocks up to its first chart or table (``lead``)
    do not fit in the room left, provided the page is already at least ``MIN_PAGE_FILL`` full (otherwise the page
    would be left half empty, which is worse)."""

    def __init__(self, lead: list[Flowable]) -> None:
        super().__init__(0)
        self.lead = lead

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        frame = self._doctemplateAttr("frame")
        if frame is None or not self.lead:
            return 0, 0
        canv = self.canv  # type: ignore[attr-defined]
        need = sum(f.wrapOn(canv, avail_w, avail_h)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in self.lead)
        if need > avail_h and 1.0 - avail_h / frame._aH >= MIN_PAGE_FILL:
            from reportlab.platypus.doctemplate import FrameBreak

            frame.add_generated_content(FrameBreak)
        return 0, 0


# ------------------------------------------------------------------------------------------------- document
class _Pages(BaseDocTemplate):
    """A4 pages with the footer, recording the page on which each section starts."""

    def __init__(self, path: Path, doc: Document) -> None:
        ml, mr, mt, mb = (m * inch for m in MARGINS)
        super().__init__(
            str(path), pagesize=A4, leftMargin=ml, rightMargin=mr, topMargin=mt, bottomMargin=mb,
            title=doc.title, subject=doc.subtitle, creator="channel-abm sim.report", author="channel-abm",
        )  # fmt: skip
        frame = Frame(ml, mb, self.width, self.height, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._footer)])
        self.footer = doc.footer
        self.section_pages: dict[str, int] = {}
        self.page_fill: dict[int, float] = {}  # page -> share of the text frame's height used

    def _footer(self, canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.setFillColor(colors.HexColor("#777777"))
        canvas.drawString(self.leftMargin, 0.4 * inch, self.footer)
        canvas.drawRightString(A4[0] - self.rightMargin, 0.4 * inch, f"page {self.page}")
        canvas.restoreState()

    def afterFlowable(self, flowable: Flowable) -> None:
        frame = getattr(self, "frame", None)
        if frame is not None:  # ReportLab's cursor in the frame: how far down the page the text has come
            used = (frame._y1p + frame._aH - frame._y) / frame._aH
            self.page_fill[self.page] = max(self.page_fill.get(self.page, 0.0), used)
        section = getattr(flowable, "section_id", None)
        if section is not None:
            self.section_pages.setdefault(section, self.page)


def write_pdf(path: Path, doc: Document) -> tuple[int, dict[str, int], dict[int, float]]:
    """Write the document to ``path``; returns (pages, page on which each section starts, share of each page's
    text area filled)."""
    _register_fonts()
    st = styles()
    pages = _Pages(path, doc)
    total = pages.width
    story: list[Flowable] = [
        Paragraph(escape(doc.title), st["title"]),
        Paragraph(escape(doc.subtitle), st["subtitle"]),
        HRFlowable(width="100%", thickness=1.5, color=BLUE, spaceBefore=4, spaceAfter=10),
    ]
    for i, sec in enumerate(doc.sections):
        # Sections follow on from each other (no half-empty pages), a new page only when little room is left.
        head: list[Flowable] = [
            Paragraph(escape(sec.title), st["h1"]),
            HRFlowable(width="100%", thickness=1.5, color=BLUE, spaceBefore=2, spaceAfter=9),
        ]
        head[-1].section_id = sec.id  # type: ignore[attr-defined]
        head[-1].keepWithNext = True  # type: ignore[attr-defined]
        body = [f for b in sec.blocks for f in flowables(b, total, st)]
        # A title and an introduction should not sit at a page's foot with their chart or table over the page.
        first = next((k for k, f in enumerate(body) if isinstance(f, (FittedChart, RLTable, KeepTogether))), None)
        lead = [*head, *body[: first + 1]] if first is not None and first < 4 else []
        story += [CondPageBreak(SECTION_ROOM * inch), SectionBreak(lead)] if i else []
        story += [*head, *body]
    pages.build(story)
    return pages.page, pages.section_pages, pages.page_fill
