"""Scenario report for policy advisers: ``python -m sim.report SWEEP_DIR [--baseline NAME] [--out DIR]``.

Reads a sweep folder through the results layer (``sim.results.folders``: the table, the status of every run, the
grouping into scenarios over seeds and posterior draws) and writes two files with the same content:
``report.html`` (one self-contained file, charts embedded as PNG) and ``report.pdf`` (A4, ReportLab).

The parts: ``scenarios.py`` (the sweep as the report sees it), ``content.py`` and ``appendix.py`` (what each
section says), ``words.py`` and ``labels.py`` (numbers, changes and names in words), ``parameters.py`` (every
setting in words with its unit), ``document.py`` (the document model), ``html.py`` and ``pdf.py`` (the writers),
``charts.py`` (matplotlib charts, values written on every bar).

Layout of the PDF: sections follow on from each other (a new page only when less than 3 inches are left), tables
split over pages with their header repeated, headings stay with what follows, and a chart shrinks to as little as
75% of its size to fit the room left on a page rather than leave it empty.

The statistics, all from ``sim.results.stats``:

- Each scenario's figure is the mean over its runs, with the 90% interval of the runs (5th-95th percentile):
  "chance" (seeds) and, where the sweep has posterior draws, "chance and assumptions" (draws x seeds). The first
  page says which interval covers what.
- Change against the baseline: the mean of the paired differences (same seed and posterior draw: common random
  numbers), with the 90% interval of the paired differences; a change whose interval includes zero is reported as
  "no clear change".
- Fan charts: the median and the 90% interval of the runs, week by week.
- Cost per crossing averted: the change in enforcement and policy cost divided by the fall in arrivals, only
  where arrivals clearly fell; otherwise "no crossings averted".
- The baseline against observed data: annual figures from ``data/annual_reference.csv`` for the simulated year,
  and the monthly shares of arrivals against the average of 2021-2023 and against 2023 alone.

Failed, missing and damaged runs are listed on the first page and left out of every figure. A folder that is not a
sweep gives one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sim.outputs import atomic_write_text, temp_beside
from sim.report import charts
from sim.report.content import HEADLINE, build_document
from sim.report.document import CHART_WIDTH, Chart, Table
from sim.report.html import render_html
from sim.report.pdf import write_pdf
from sim.report.scenarios import ReportError, Sweep, load_sweep
from sim.report.words import describe_change

__all__ = ["HEADLINE", "ReportError", "Sweep", "Table", "build_document", "describe_change", "load_sweep"]


@dataclass
class ReportFiles:
    html: Path
    pdf: Path
    pages: int
    section_pages: dict[str, int]
    failed_runs: int
    page_fill: dict[int, float] = field(default_factory=dict)  # page -> share of its text area filled


def write_report(
    sweep_dir: str | Path,
    baseline: str | None = None,
    out: str | Path | None = None,
    assumptions: str | Path | None = None,
    frontier: str | Path | None = None,
) -> ReportFiles:
    """Build ``report.html`` and ``report.pdf`` from a sweep folder (into ``out``, default the sweep folder);
    ``assumptions``: a sweep of +experiment=contested_assumptions; ``frontier``: a python -m sim.frontier folder."""
    from sim.report.frontier import load_frontier
    from sim.results.folders import SweepError

    sweep = load_sweep(sweep_dir, baseline)
    contested = load_sweep(assumptions) if assumptions is not None else None
    try:
        front = load_frontier(frontier) if frontier is not None else None
    except SweepError as exc:
        raise ReportError(f"--frontier: {exc}") from None
    doc = build_document(sweep, contested=contested, frontier=front)
    out_dir = Path(out) if out is not None else Path(sweep_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    images = {
        id(b): charts.chart_png(b.title, b.height, b.draw, CHART_WIDTH)
        for s in doc.sections
        for b in s.blocks
        if isinstance(b, Chart)
    }
    html_path, pdf_path = out_dir / "report.html", out_dir / "report.pdf"
    atomic_write_text(html_path, render_html(doc, images))
    fd, tmp = temp_beside(pdf_path)
    os.close(fd)
    try:
        pages, section_pages, page_fill = write_pdf(Path(tmp), doc)
        os.replace(tmp, pdf_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return ReportFiles(html_path, pdf_path, pages, section_pages, len(sweep.failed), page_fill)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.report",
        description="Write report.html and report.pdf comparing the scenarios of a sweep folder.",
    )
    parser.add_argument("sweep_dir", metavar="SWEEP_DIR", help="sweep folder (holds sweep_runs.parquet or .csv)")
    parser.add_argument("--baseline", metavar="NAME", help="scenario to compare against (default: baseline_2024)")
    parser.add_argument("--out", metavar="DIR", help="folder for the report files (default: SWEEP_DIR)")
    parser.add_argument("--assumptions", metavar="DIR", help="sweep of +experiment=contested_assumptions")
    parser.add_argument("--frontier", metavar="DIR", help="folder of python -m sim.frontier: adds its section")
    args = parser.parse_args(argv)
    try:
        files = write_report(args.sweep_dir, args.baseline, args.out, args.assumptions, args.frontier)
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    note = f" ({files.failed_runs} runs not counted are listed in it)" if files.failed_runs else ""
    print(f"report: {files.html}\nreport: {files.pdf} ({files.pages} pages){note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
