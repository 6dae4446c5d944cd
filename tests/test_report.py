"""Scenario report (sim/report/): a small sweep folder gives an HTML and a PDF report with the expected content.

The sweep folder is built here, to the sweep contract (sweep_runs.parquet/.csv plus one run folder per row), by
running the model directly; the report must not depend on the sweep machinery.
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from omegaconf import OmegaConf

from sim.cli import compose_raw, load_config
from sim.model import run
from sim.outputs import atomic_write_frame, write_run_folder
from sim.report import report
from sim.report.document import Table
from sim.results import fmt, stats
from sim.results.folders import split_overrides

ROOT = Path(__file__).resolve().parent.parent
# A whole year at a tenth of the population: about 0.8 s a run, enough boats and deaths to chart.
SMALL = ["scale=0.1", "world.burn_in_days=60"]
SEEDS = (0, 1, 2)
# (name written into the table and config.yaml, overrides): a relabelled override stands for a scenario.
SPECS = (
    ("baseline_2024", ["scenario=baseline_2024"]),
    ("more_patrols", ["scenario=baseline_2024", "enforcement.beach_officers=1500"]),
    ("border_security_2024", ["scenario=border_security_2024"]),
)


def _scalars(summary: dict) -> dict:
    row = {}
    for k, v in summary.items():
        if isinstance(v, dict):
            row.update({f"{k}.{kk}": vv for kk, vv in v.items()})
        else:
            row[k] = v
    return row


def build_sweep(
    path: Path, specs=SPECS, seeds=SEEDS, small=SMALL, failed: tuple[tuple[str, int], ...] = ()
) -> pd.DataFrame:
    """A sweep folder to the contract of issue 4: a row per run, a folder per finished run.

    ``failed`` lists (name, seed) pairs recorded as failed runs (no folder, an error message) instead of being run.
    """
    rows = []
    job = 0
    for name, overrides in specs:
        for seed in seeds:
            ovr = [*small, *overrides, f"seed={seed}"]
            config_key = hashlib.sha1(
                " ".join(sorted(o for o in ovr if not o.startswith("seed="))).encode()
            ).hexdigest()
            row = {
                "job_num": job,
                "run_dir": str(job),
                "scenario": name,
                "seed": seed,
                "overrides": " ".join(o for o in ovr if o not in small),
                "config_key": config_key[:12],
            }
            if (name, seed) in failed:
                row.update(
                    status="failed", error="Traceback (most recent call last):\nRuntimeError: boom", wall_seconds=0.1
                )
            else:
                cfg = load_config(ovr)
                results = run(cfg)
                plain = OmegaConf.to_container(compose_raw(ovr), resolve=True)
                plain.pop("hydra", None)
                plain["scenario"] = name
                write_run_folder(path / str(job), results, OmegaConf.to_yaml(plain), seed)
                row.update(status="finished", error="", wall_seconds=results.wall_seconds, **_scalars(results.summary))
            rows.append(row)
            job += 1
    table = pd.DataFrame(rows)
    atomic_write_frame(path / "sweep_runs.parquet", table)
    atomic_write_frame(path / "sweep_runs.csv", table)
    return table


@pytest.fixture(scope="session")
def sweep_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sweep")
    build_sweep(path)
    return path


@pytest.fixture(scope="session")
def built(sweep_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    files = report.write_report(sweep_dir, out=out)
    return files, files.html.read_text(encoding="utf-8"), files.pdf.read_bytes()


def _pdf_pages(data: bytes) -> list[bytes]:
    """Page objects of a PDF (ReportLab writes them uncompressed): '/Type /Page' but not '/Type /Pages'."""
    return re.findall(rb"/Type\s*/Page(?![s\w])[^>]*", data)


def _visible_text(html: str) -> str:
    text = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r'src="data:[^"]*"', "", text)
    return re.sub(r"<[^>]+>", " ", text)


def test_small_sweep_writes_both_files(built):
    files, html, pdf = built
    assert files.html.name == "report.html" and files.pdf.name == "report.pdf"
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert files.failed_runs == 0


def test_pdf_has_the_expected_pages(built):
    files, _, pdf = built
    pages = _pdf_pages(pdf)
    assert len(pages) == files.pages
    # Seven sections in order, following on from each other (a new page only when little room is left).
    sections = ["bottom-line", "summary", "tradeoff", "year", "side-effects", "observed", "technical"]
    assert list(files.section_pages) == sections
    starts = list(files.section_pages.values())
    assert starts == sorted(starts) and starts[0] == 1 and starts[1] == 2
    assert 6 <= files.pages <= 12
    # No half-empty pages: every page but the last is filled at least 60% of the way down.
    assert sorted(files.page_fill) == list(range(1, files.pages + 1))
    thin = {p: round(f, 2) for p, f in files.page_fill.items() if f < 0.6 and p < files.pages}
    assert not thin, f"pages filled less than 60%: {thin}"
    # Every page is A4 portrait (595 x 842 points).
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert len(boxes) == files.pages
    assert all(abs(float(w) - 595.28) < 1 and abs(float(h) - 841.89) < 1 for w, h in boxes)
    assert b"policy scenarios compared" in pdf  # document title in the metadata


def test_html_is_self_contained_with_headline_table_and_images(built):
    _, html, _ = built
    assert not re.search(r'(src|href)="(https?:)?//', html), "the report must not load anything from the network"
    assert "<link" not in html and "<script" not in html
    headline = re.search(r'<table id="headline">.*?</table>', html, re.S)
    assert headline, "headline table missing"
    table = headline.group(0)
    for label in (
        "People arrived in the UK",
        "Boats arrived",
        "People per boat",
        "Deaths at sea",
        "Deaths per 1,000 arrivals",
        "People stopped on French beaches",
        "Enforcement and policy cost",
        "Asylum hotel cost",
    ):
        assert label in table
    for name in ("Baseline 2024", "More patrols", "Border security 2024"):
        assert name in table
    assert table.count("<tr>") == 1 + len(report.HEADLINE)
    assert "90% interval" in html and re.search(r"[\u2212+]\d+%|no clear change", table)
    images = re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,([^"]+)"', html)
    assert len(images) == 4  # trade-off, year, side effects, monthly pattern
    for _, data in images:
        png = base64.b64decode(data)
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000


def test_headline_numbers_come_from_the_runs(built, sweep_dir):
    _, html, _ = built
    table = pd.read_parquet(sweep_dir / "sweep_runs.parquet")
    base = table[table["scenario"] == "baseline_2024"]["people_arrived"]
    headline = re.search(r'<table id="headline">.*?</table>', html, re.S).group(0)
    row = re.search(r"People arrived in the UK</th>(.*?)</tr>", headline, re.S).group(1)
    first = re.search(r'<td class="num hl">([^<]+)<span class="sub">\(([^<]+)\)<', row)
    assert first.group(1) == fmt.count(base.mean())
    lo, hi = np.percentile(base, [5, 95])  # the 90% interval of the runs (chance: no posterior draws here)
    assert first.group(2) == f"{fmt.count(lo)}\u2013{fmt.count(hi)}"
    # The change in plain words matches the paired differences of the table.
    by_seed = {n: table[table["scenario"] == n].set_index("seed")["people_arrived"] for n in table["scenario"].unique()}
    diff = by_seed["border_security_2024"] - by_seed["baseline_2024"]
    sweep = report.load_sweep(sweep_dir)
    groups = {g.scenario: g for g in sweep.groups}
    c = groups["border_security_2024"].against(groups["baseline_2024"], "people_arrived")
    assert c.n_pairs == 3 and c.diff == pytest.approx(diff.mean())
    assert report.describe_change("people_arrived", c) in html.replace("&quot;", '"')


def test_first_page_says_what_the_intervals_cover(built):
    _, html, _ = built
    box = re.search(r'<div class="box note" id="uncertainty".*?</div>', html, re.S).group(0)
    assert html.index('id="uncertainty"') < html.index('id="headline"')
    assert "5th to the 95th percentile" in box and "Chance: seeds only" in box
    assert "chance alone" in box and "posterior draws" in box  # no draws in this sweep: it says what is missing


def test_reader_text_has_no_raw_variable_names(built):
    _, html, _ = built
    # The technical appendix may name settings for analysts; everything before it is for readers.
    reader = _visible_text(html.split('<section id="technical">')[0])
    for key in (
        *report.HEADLINE,
        "taxi_boat_share",
        "mean_price_gbp",
        "coast_arrivals",
        "launch_attempts",
        "baseline_2024",
        "border_security_2024",
        "more_patrols",
        "beach_officers",
    ):
        assert key not in reader, key
    assert "nan" not in reader.split() and "n/a" not in reader


def test_scenario_settings_and_versions_are_listed(built):
    _, html, _ = built
    tech = html.split('<section id="technical">')[1]
    diff = re.search(r'<table id="config-diff">.*?</table>', tech, re.S).group(0)
    assert "enforcement.beach_officers" in diff and "1500" in diff.replace(",", "")
    assert "Lever: seizures of boats and engines upstream" in diff
    assert "seeds" in tech.lower() and "0\u20132" in tech
    assert "Mesa 3.5" in tech


def test_failed_runs_are_reported(sweep_dir, tmp_path):
    # The same runs, with two of them recorded as failed (and their folders gone).
    sweep = tmp_path / "sweep"
    shutil.copytree(sweep_dir, sweep)
    table = pd.read_parquet(sweep / "sweep_runs.parquet")
    bad = (table["scenario"] == "more_patrols") & table["seed"].isin([1, 2])
    table.loc[bad, "status"] = "failed"
    table.loc[bad, "error"] = "Traceback (most recent call last):\nMemoryError: out of memory in launches"
    for d in table.loc[bad, "run_dir"]:
        shutil.rmtree(sweep / d)
    table.loc[bad, "people_arrived"] = np.nan
    atomic_write_frame(sweep / "sweep_runs.parquet", table)
    atomic_write_frame(sweep / "sweep_runs.csv", table)
    files = report.write_report(sweep)
    html = files.html.read_text()
    assert files.failed_runs == 2
    box = re.search(r'<div class="box warning" id="failed-runs".*?</div>', html, re.S)
    assert box and html.index('id="failed-runs"') < html.index('id="headline"'), "failure notice must come first"
    assert "2 of 9 simulation runs failed" in box.group(0)
    assert "More patrols: 2 failed (seeds 1, 2; 1 left)" in box.group(0)
    assert "MemoryError: out of memory in launches" in html
    assert len(_pdf_pages(files.pdf.read_bytes())) == files.pages


def test_a_finished_row_without_results_counts_as_failed(sweep_dir, tmp_path):
    sweep = tmp_path / "sweep"
    shutil.copytree(sweep_dir, sweep)
    (sweep / "4" / "daily.parquet").unlink()
    files = report.write_report(sweep, out=tmp_path / "out")
    html = files.html.read_text()
    assert files.failed_runs == 1
    assert "daily.parquet missing" in html and 'id="failed-runs"' in html


def test_baseline_can_be_chosen(sweep_dir, tmp_path):
    sweep = report.load_sweep(sweep_dir, baseline="more_patrols")
    assert sweep.baseline.scenario == "more_patrols" and sweep.groups[0] is sweep.baseline
    with pytest.raises(report.ReportError, match=r"--baseline nonsense: no such scenario or group.*baseline_2024"):
        report.load_sweep(sweep_dir, baseline="nonsense")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p, "not a sweep folder"),
        (lambda p: (p / "summary.json").write_text("{}") and p, "a single run folder"),
        (lambda p: p / "missing", "no such folder"),
        (lambda p: (p / "sweep_runs.csv").write_text("a,b\n1,2\n") and p, "missing column"),
    ],
)
def test_a_folder_that_is_not_a_sweep_gives_one_clear_line(tmp_path, capsys, make, message):
    path = make(tmp_path)
    assert report.main([str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "report.html").exists() and not (tmp_path / "report.pdf").exists()


def test_command_line(sweep_dir, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "sim.report", str(sweep_dir), "--out", str(out), "--baseline", "baseline_2024"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,  # a hang, not a slow machine: about 30 s on a quiet one, once over 120 s on a loaded one
    )
    assert proc.returncode == 0, proc.stderr
    assert (out / "report.html").is_file() and (out / "report.pdf").is_file()
    assert "pages" in proc.stdout
    proc = subprocess.run(
        [sys.executable, "-m", "sim.report", str(tmp_path)], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert proc.returncode == 2 and "not a sweep folder" in proc.stderr and "Traceback" not in proc.stderr


def test_statistics_and_words():
    # Paired change: the same seeds, a constant shift, so the interval has no width and the change is clear.
    key = [(None, 0), (None, 1), (None, 2)]
    c = stats.paired(dict(zip(key, (10.0, 20.0, 30.0), strict=True)), dict(zip(key, (8.0, 18.0, 28.0), strict=True)))
    assert c.diff == pytest.approx(-2.0) and c.d.chance.lo == pytest.approx(-2.0) and c.clear
    assert report.describe_change("people_arrived", c).startswith("10% fewer people arriving (2 fewer")
    # Noise around zero: no clear change.
    c = stats.paired(dict(zip(key, (10.0, 20.0, 30.0), strict=True)), dict(zip(key, (12.0, 17.0, 31.0), strict=True)))
    assert not c.clear and report.describe_change("deaths_at_sea", c).startswith("no clear change in deaths at sea")
    r = stats.reduce([1.0, 2.0, 3.0])
    assert r.mean == 2.0 and r.chance.lo == pytest.approx(1.1) and r.chance.hi == pytest.approx(2.9)
    assert r.of_mean.covers == "interval of the mean" and r.assumptions is None
    assert fmt.count(36512.4) == "36,500" and fmt.count(77.4) == "77"
    assert fmt.value("policy_cost_gbp", 452_300_000) == "£452m"
    assert split_overrides("scenario=x policy=[a,b] seed=1") == ["scenario=x", "policy=[a,b]", "seed=1"]
    assert split_overrides('["a=1", "seed=2"]') == ["a=1", "seed=2"]


def test_cost_per_crossing_averted_is_not_given_without_a_clear_fall(sweep_dir):
    sweep = report.load_sweep(sweep_dir)
    doc = report.build_document(sweep)
    side = next(s for s in doc.sections if s.id == "side-effects")
    table = next(b for b in side.blocks if isinstance(b, Table) and b.id == "cost-per-crossing")
    base = sweep.baseline
    for row in table.rows:
        g = next(x for x in sweep.groups if sweep.name(x) == row[0])
        da = g.against(base, "people_arrived")
        if da.clear and da.diff < 0:  # net public cost per crossing averted: the mean difference over the mean fall
            dc = g.against(base, "public_cost_gbp")
            assert row[5].startswith((f"{fmt.gbp(dc.diff / -da.diff)} per", f"saves {fmt.gbp(dc.diff / da.diff)} per"))
        else:
            assert row[5] == "crossings averted not distinguishable from zero"


def test_observed_comparison_uses_2024_and_the_2021_2023_pattern(built):
    _, html, _ = built
    sec = html.split('<section id="observed">')[1].split("</section>")[0]
    assert "Observed 2024" in sec and "36,816" in sec and "695" in sec  # data/annual_reference.csv, 2024
    assert "average monthly shares of 2021-2023" in sec
    assert "divided by 0.1" in sec  # small-scale runs are scaled up for this comparison only


def test_no_local_path_is_printed(built, sweep_dir):
    _, html, _ = built
    assert str(sweep_dir.resolve()) not in _visible_text(html) and sweep_dir.name in html


def test_every_setting_in_the_appendix_is_in_words_with_its_unit(sweep_dir):
    import dataclasses
    import typing

    from sim import config
    from sim.report.content import build_document
    from sim.report.labels import humanise
    from sim.report.parameters import WORDS, describe

    # Every lever setting declared in sim/config.py has its words (a new setting without them fails here).
    levers = typing.get_type_hints(typing.get_type_hints(config.SimConfig)["policy"])
    keys = [f"policy.{n}.{f.name}" for n, tp in levers.items() for f in dataclasses.fields(tp) if f.name != "enabled"]
    assert [k for k in keys if k not in WORDS] == []
    assert describe("policy.seizures.cost_gbp_per_item_seized", 300.0) == "cost of each boat or engine seized: £300"
    assert describe("policy.seizures.cost_gbp_per_year_per_unit_rate", 2e7).endswith(": £20m a year")
    assert "organisers and financiers" in describe("policy.gang_disruption.upper_level_focus", 2.0)
    # No label in the appendix looks like a code key: no underscores or dotted names, no bare field names.
    bare = {humanise(k.split(".")[-1]) for k in keys} | {humanise(k.split(".")[-1]) for k in WORDS}
    doc = build_document(report.load_sweep(sweep_dir))
    tables = {b.id: b for s in doc.sections for b in s.blocks if isinstance(b, Table)}
    labels = [r[0] for r in tables["config-diff"].rows]
    labels += [item.split(": ")[0] for r in tables["lever-settings"].rows for item in r[2].rstrip(".").split("; ")]
    assert len(labels) > 15
    for label in labels:
        assert "_" not in label and not re.search(r"[a-z]\.[a-z]", label), label
        assert label.split(": ")[-1].split(" (")[0] not in bare, label
        assert "GBP" not in label and "£ per" not in label, label


def test_one_interval_definition_throughout(built):
    """Every interval in the report's text (HTML, the same words as the PDF) is the 90% interval of runs (5th-95th
    percentile, sim.results.stats): no other quantiles (2.5-97.5, quartiles) are named."""
    _, html, _ = built
    text = _visible_text(html)
    assert set(re.findall(r"(\d+(?:\.\d+)?)% interval", text)) == {"90"}
    others = r"2\.5th|97\.5th|2\.5\s*(%|-|\u2013|to)\s*97\.5|quartile|25th|75th|5%-95%|95% interval"
    assert not re.search(others, text, re.I), re.search(others, text, re.I)
    assert "5th to the 95th percentile" in text
    assert stats.Q_LO == 5.0 and stats.Q_HI == 95.0
