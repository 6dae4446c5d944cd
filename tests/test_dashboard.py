"""The classroom dashboard: controls read from the configs, the same runs as the CLI, chance told apart from effect,
and the page in a real browser.

The browser test starts `python -m sim.dashboard` on a free localhost port (a fresh cache, three baseline seeds for
the band), drives the page with Playwright in Debian's Chromium (/usr/bin/chromium, installed by
scripts/install-browser; never `playwright install`) at 1280x720, and checks: no console errors and no failed
requests, the map and the trade-off chart inside the viewport, no developer controls, unticked levers' settings
hidden, a lesson step sets its levers, the band and a "could be chance" mark present, the numbers the model's own.
It saves screenshots (results/dashboard/) and prints and records its click-to-picture times
(results/dashboard/browser_test_timings.json); `make bench-dashboard` measures them properly. A missing browser or
Playwright is a failure, not a skip.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from sim.cli import load_config
from sim.dashboard import controls
from sim.dashboard.background import load_trace, save_trace, year_key
from sim.dashboard.classroom import Classroom, Prepared, run_year, totals
from sim.dashboard.lessons import LESSONS
from sim.dashboard.map_coordinates import NODES, SUPPLY_NODES, missing_nodes
from sim.geography import build_geography
from sim.model import run
from sim.policies import LEVERS

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SMALL = ("scale=0.2",)  # base overrides for the in-process checks (the browser test runs at full scale)


# ------------------------------------------------------------------------------------------------ controls
def test_defaults_are_the_cli_defaults_and_the_lever_yaml_values():
    base = load_config([])
    settings = controls.default_settings()
    assert settings[controls.SEED_KEY] == base.seed
    for c in controls.controls():
        # Levers start as the CLI runs them: off, but for observed policy the timeline drives (returns agreements).
        assert settings[controls.toggle_key(c.lever)] is getattr(base.policy, c.lever).enabled
        assert settings[controls.toggle_key(c.lever)] is (c.lever in controls.observed_levers())
        alone = getattr(load_config([f"policy=[{c.lever}]"]).policy, c.lever)  # the lever's own yaml
        for k in c.knobs:
            if isinstance(k, controls.AssumptionSwitch):
                assert settings[controls.knob_key(c.lever, k)] is True  # the yaml keeps the assumption on
                assert all(getattr(alone, f) > 0 for f in k.fields)
            else:
                assert settings[controls.knob_key(c.lever, k)] == getattr(alone, k.field), (c.lever, k.field)
    # every lever of the model has a control, grouped, with its assumption in words
    assert [c.lever for c in controls.controls()] == list(LEVERS)
    groups = {g for g, _ in controls.GROUPS}
    assert all(c.group in groups and c.assumption for c in controls.controls())
    assert {c.group for c in controls.controls()} >= {"upstream", "beaches", "sea", "uk"}


def test_values_offered_lie_in_the_declared_ranges_and_read_in_plain_words():
    for c in controls.controls():
        for k in c.knobs:
            if not isinstance(k, controls.Knob):
                continue
            low, high = controls.declared_range(c.lever, k.field)
            values = controls.knob_choices(c.lever, k)
            assert controls.lever_value(c.lever, k.field) in values
            assert all((low is None or v >= low) and (high is None or v <= high) for v in values), k
            assert len(values) >= 3
            assert all("configs" not in k.text(v) for v in values)
    shares = next(k for k in controls.control("seizures").knobs if k.field == "rate_bulgaria")
    assert shares.text(0.25) == "25%"
    response = next(k for k in controls.control("deterrence").knobs if getattr(k, "field", "") == "response_strength")
    assert response.text(3.0) == "3 (Home Office break-even case)"


def test_settings_become_the_shortest_equivalent_overrides():
    s = controls.default_settings()
    assert controls.lever_overrides(s) == []
    s["seizures"] = True
    assert controls.lever_overrides(s) == ["policy=[seizures]"]  # unmoved values come from the yaml
    s["seizures.rate_bulgaria"] = 0.6
    s["beach_patrols"] = True
    s["beach_patrols.officers_per_night"] = 2400
    s["deterrence.capacity_per_year"] = 40_000  # lever not ticked: ignored
    s["deterrence.operating"] = False
    assert controls.lever_overrides(s) == [
        "policy=[seizures,beach_patrols]",
        "policy.seizures.rate_bulgaria=0.6",
        "policy.beach_patrols.officers_per_night=2400",
    ]
    s["deterrence"] = True
    assert "policy.deterrence.operating=false" in controls.lever_overrides(s)
    s["search_and_rescue"] = True
    s["search_and_rescue.moral_hazard"] = False  # the assumption switched off: its responses set to zero
    assert controls.lever_overrides(s)[-2:] == [
        "policy.search_and_rescue.quality_drop_per_vessel=0",
        "enforcement.border_force.moral_hazard=false",
    ]
    cfg = load_config(controls.lever_overrides(s))
    assert cfg.enforcement.border_force.moral_hazard is False
    assert cfg.policy.deterrence.operating is False and cfg.policy.seizures.rate_bulgaria == 0.6


@pytest.mark.parametrize(
    "base, moved",
    [
        ((), {}),
        (SMALL, {"seed": 4, "beach_patrols": True, "beach_patrols.officers_per_night": 4000}),
        (("scale=0.2", "weather=rough"), {"search_and_rescue": True, "search_and_rescue.moral_hazard": False}),
        (
            SMALL,
            {
                **{lever: True for lever in LEVERS},
                "deterrence.response_strength": 3.0,
                "gang_disruption.start_date": "2024-07-01",
                "gang_disruption.investigations": 400,
            },
        ),
    ],
)
def test_the_fast_configuration_is_the_one_the_cli_composes(base, moved):
    """RESET builds the configuration without Hydra; it must be exactly what `python -m sim OVERRIDES` runs."""
    settings = {**controls.default_settings(), **moved}
    overrides = [*base, controls.seed_override(settings["seed"]), *controls.lever_overrides(settings)]
    assert controls.settings_config(base, settings) == load_config(overrides)


def test_unknown_controls_are_refused():
    with pytest.raises(ValueError, match="unknown controls"):
        controls.settings_config((), {"seizures.rate_mars": 0.5})


def test_every_lesson_step_sets_controls_the_page_offers():
    doc = (ROOT / "docs" / "teaching.md").read_text()
    for lesson in LESSONS:
        assert lesson.title in doc, lesson.title  # docs/teaching.md has the same lessons
        for step in lesson.steps:
            assert controls.unknown_settings(step.settings) == [], step.title
            for key, value in step.settings.items():
                lever, _, field = key.partition(".")
                knob = next((k for k in controls.control(lever).knobs if controls.knob_key(lever, k) == key), None)
                if isinstance(knob, controls.Knob):
                    assert value in controls.knob_choices(lever, knob), (key, value)
                if field:
                    assert step.settings.get(lever), f"{step.title}: {key} set but {lever} not ticked"


# ------------------------------------------------------------------------------------------ the model
def test_the_page_runs_the_same_days_as_the_cli():
    """Stepping a burnt-in copy gives, day by day, the run the printed command line gives."""
    settings = {"seed": 3, "seizures": True, "seizures.rate_bulgaria": 0.6, "beach_patrols": True}
    prepared = Prepared(SMALL)
    first, second = prepared.fresh(settings), prepared.fresh(settings)  # the second is a copy of the cached model
    m = Classroom(SMALL, settings, second)
    assert m.overrides == [
        "scale=0.2",
        "seed=3",
        "policy=[seizures,beach_patrols]",
        "policy.seizures.rate_bulgaria=0.6",
    ]
    assert m.command_line() == "python -m sim " + " ".join(m.overrides)
    assert first is not second and m.channel.day == m.channel.burn_in - 1  # burn-in already run
    days = 75
    for _ in range(days):
        m.step()
    cli = run(load_config(m.overrides)).daily.iloc[:days]
    assert m.date == cli["date"].iloc[-1].date()
    for col in ("people_arrived", "deaths_at_sea", "boats_launched", "launches_prevented", "boats_seized"):
        np.testing.assert_array_equal(m.trace.cols[col][:days], cli[col].to_numpy(), err_msg=col)
    assert m.totals()["people_arrived"] == cli["people_arrived"].sum() > 0


def test_a_background_year_is_the_cli_run_and_survives_the_cache(tmp_path):
    trace = run_year(SMALL, {"seed": 2})
    summary = run(load_config([*SMALL, "seed=2"])).summary
    year = totals(trace, trace.days)
    for key in ("people_arrived", "deaths_at_sea", "boats_launched", "people_deterred", "launches_prevented"):
        assert year[key] == summary[key], key
    for key in ("people_per_boat", "mean_price_gbp", "taxi_boat_share", "deaths_per_1000_arrivals"):
        assert year[key] == pytest.approx(summary[key]), key
    path = tmp_path / "year.npz"
    save_trace(path, trace)
    again = load_trace(path)
    assert again.dates == trace.dates and totals(again, again.days) == year
    path.write_bytes(path.read_bytes()[:200])  # damaged: run again, never trusted
    assert load_trace(path) is None
    assert year_key(SMALL, {"seed": 2}) != year_key(SMALL, {"seed": 3}) != year_key((), {"seed": 3})


def test_the_run_stops_at_the_end_of_the_year():
    m = Classroom.new(("scale=0.05", "days=5"))
    for _ in range(5):
        assert m.running
        m.step()
    assert not m.running and m.days_done == 5
    m.step()
    assert m.days_done == 5


def test_every_node_of_the_default_world_has_a_map_position():
    cfg = load_config([])
    graph = build_geography(cfg.world).graph
    assert missing_nodes(list(graph.nodes)) == []
    assert set(cfg.supply_chain.boat_nodes) | set(cfg.supply_chain.engine_nodes) <= set(SUPPLY_NODES)
    assert missing_nodes(["atlantis"]) == ["atlantis"]
    for lon, lat in [*NODES.values(), *SUPPLY_NODES.values()]:
        assert -10 <= lon <= 50 and 10 <= lat <= 60


def test_a_world_without_map_positions_is_refused():
    with pytest.raises(ValueError, match="no map position"):
        Classroom.new(("world=toy", "enforcement=toy", "observed=none", "scale=0.05"))


def test_the_map_shows_what_the_model_holds():
    m = Classroom.new(SMALL, {"seizures": True, "seizures.rate_bulgaria": 0.9})
    for _ in range(40):
        m.step()
    today = m.today()
    pop = m.channel.population
    from sim.migrants import State

    waiting = int(((pop.state == State.AT_COAST) | (pop.state == State.HAS_PLACE)).sum())
    assert today.waiting_by_area.sum() == waiting == m.totals()["waiting_on_coast"]
    assert today.in_transit_by_leg.sum() == int((pop.state == State.IN_TRANSIT).sum())
    chain = m.channel.supply_chain.seized_by_node
    assert sum(today.seized_by_node_year.values()) <= sum(chain.values())
    assert today.seized_by_node_year.get("bulgaria", 0) > 0
    assert today.launch_attempts_by_area.sum() == m.trace.cols["launch_attempts"][39]


# ------------------------------------------------------------------------------------------ chance or effect
def test_the_band_and_the_chance_mark():
    from sim.dashboard.app import MIN_BAND, build_view, verdict
    from sim.dashboard.figures import band_of, chart_option, map_option

    assert verdict(5.0, [1.0, 9.0]) == ("pending", "baseline over seeds: 2 run so far")
    assert verdict(5.0, [1.0, 4.0, 9.0])[0] == "chance" and verdict(5.0, [1.0, 4.0, 9.0])[1] == "could be chance"
    assert verdict(10.0, [1.0, 4.0, 9.0]) == ("effect", "above the baseline's range over 3 seeds")
    assert MIN_BAND >= 3

    band = [run_year(("scale=0.1", "days=150"), {"seed": s}) for s in range(3)]
    m = Classroom.new(("scale=0.1", "days=150"), {"beach_patrols": True, "beach_patrols.officers_per_night": 4000})
    for _ in range(120):  # into May: the first crossings of the year (none may come in January)
        m.step()
    lo, hi = band_of(band, "people_arrived")
    cumulative = np.stack([np.cumsum(t.cols["people_arrived"]) for t in band])
    np.testing.assert_array_equal(lo, cumulative.min(axis=0))
    np.testing.assert_array_equal(hi, cumulative.max(axis=0))
    option = chart_option(m, band[0], band)
    names = [s["name"] for s in option["series"]]
    assert names.count("baseline: range of 3 seeds") == 2 and "your settings" in names  # one band per panel
    json.dumps(option)
    json.dumps(map_option(m))  # plain JSON for the browser

    class Years:  # the background worker's answers, without the worker
        version = 1

        def baseline(self, seed, urgent=True):
            return band[seed] if seed < 3 else None

        def band(self):
            return band

        def spread(self, settings, seeds):
            return [(s, None) for s in range(seeds)]

    view = build_view(m, Years(), 0)
    arrived = totals(m.trace, 120)["people_arrived"]
    kind = verdict(arrived, [totals(t, 120)["people_arrived"] for t in band])[0]
    assert f"data-verdict='{kind}'" in view.heads


# ------------------------------------------------------------------------------------------ the command line
@pytest.mark.parametrize(
    "argv, words",
    [
        (["nonsense=1"], "nonsense"),
        (["seed=3"], "on the page"),
        (["--port", "99999"], "--port 99999: out of range; allowed 1 to 65535"),
        (["--port", "http"], "--port http: expected a whole number"),
        (["--host", "999.1.1.1"], "--host 999.1.1.1: not an IP address"),
        (["--host", "0.0.0.0"], "add --allow-network"),
        (["--band-seeds", "1"], "--band-seeds 1"),
        (["world=toy", "enforcement=toy", "observed=none"], "no map position"),
    ],
)
def test_command_line_refuses_bad_input_in_one_line(capsys, argv, words):
    from sim.dashboard.__main__ import main

    assert main(argv) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1, err


# ------------------------------------------------------------------------------------------ the browser
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """`python -m sim.dashboard` on a free port with a fresh cache; yields its address; stops it (and only it)."""
    port = _free_port()
    log_path = tmp_path / "server.log"
    log = log_path.open("w")
    cmd = [
        sys.executable,
        "-m",
        "sim.dashboard",
        "--port",
        str(port),
        "--band-seeds",
        "3",
        "--cache",
        str(tmp_path / "cache"),
    ]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"}
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"dashboard server exited with {proc.returncode}:\n{log_path.read_text()}")
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"dashboard did not answer at {url}:\n{log_path.read_text()}")
            time.sleep(0.5)
        yield url, log_path
    finally:
        family = _descendants(proc.pid)  # the background worker and its helpers
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()
        deadline = time.monotonic() + 15
        while any(Path(f"/proc/{pid}").exists() for pid in family) and time.monotonic() < deadline:
            time.sleep(0.5)
        left = [pid for pid in family if Path(f"/proc/{pid}").exists()]
        for pid in left:
            os.kill(pid, 15)
        assert not left, f"processes left behind by the dashboard server: {left}"


def _descendants(pid: int) -> list[int]:
    """Child processes of ``pid`` and theirs (Linux /proc)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                kids = [int(k) for k in (task / "children").read_text().split()]
            except OSError:
                continue
            out += kids
            todo += kids
    return out


# Click a button; resolve with the milliseconds until the map and the trade-off chart have both drawn anew.
CLICK_AND_TIME = """(button) => new Promise((resolve, reject) => {
    const els = ['.cd-map-chart', '.cd-tradeoff-chart'].map(c => document.querySelector(c));
    const before = els.map(e => +e.dataset.drawn);
    const t0 = performance.now();
    document.querySelector(button).click();
    const check = () => {
        if (els.every((e, i) => +e.dataset.drawn > before[i])) resolve(performance.now() - t0);
        else if (performance.now() - t0 > 30000) reject(new Error('no new picture within 30 s'));
        else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
})"""
SERIES_NAMES = (
    "document.querySelector('.cd-tradeoff-chart').__chart.getOption().series.map(s => [s.name, s.data.length])"
)
# Solara's own router template (solara/widgets/vue/navigator.vue) misspells module.exports; a warning, on every page.
KNOWN_WARNINGS = ("Failed to evaluate Vue script and find module.exports",)


def _inside(page, selector: str, width: int, height: int) -> None:
    box = page.locator(selector).bounding_box()
    assert box and box["height"] > 150 and box["width"] > 400, (selector, box)
    assert box["x"] >= 0 and box["y"] >= 0, (selector, box)
    assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height, (selector, box)


def test_dashboard_in_a_real_browser(server):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-browser (make test does)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: pip install -e '.[dashboard]' (make test does)")
    url, log_path = server
    shots = ROOT / "results" / "dashboard"
    shots.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.on(
                "console",
                lambda m: (
                    problems.append(f"console {m.type}: {m.text}")
                    if m.type == "error" or (m.type == "warning" and not m.text.startswith(KNOWN_WARNINGS))
                    else None
                ),
            )
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
            page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
            timings = _drive(page, url, shots)
        finally:
            browser.close()
    assert problems == [], problems
    terminal = log_path.read_text()
    assert "Warning" not in terminal and "Traceback" not in terminal, terminal
    (shots / "browser_test_timings.json").write_text(json.dumps(timings, indent=2) + "\n")
    print(f"\nbrowser: {json.dumps(timings)}")


def _drive(page, url: str, shots: Path) -> dict:
    page.set_default_timeout(90_000)  # a loaded shared machine can take tens of seconds per answer
    page.goto(url)
    page.get_by_text("Day 0 of 366").wait_for(timeout=120_000)
    page.wait_for_function("+document.querySelector('.cd-map-chart')?.dataset.drawn > 0", timeout=120_000)
    # the teacher's view: map and trade-off above the fold, no developer controls, nothing of unticked levers
    _inside(page, ".cd-map-chart", 1280, 720)
    _inside(page, ".cd-tradeoff-chart", 1280, 720)
    text = page.locator("body").inner_text()
    for dev in ("Play Interval", "Render Interval", "Use Threads", "runs on Solara", "configs:", "no luck"):
        assert dev not in text, dev
    assert "moral hazard" in page.locator("[data-lever=search_and_rescue] .cd-assume").inner_text()
    assert page.get_by_text("officers on the beaches per night").count() == 0  # lever not ticked: not shown

    # a lesson step ticks its lever, picks its value and starts the year again
    page.get_by_role("tab", name="Lessons").click()
    page.locator(".v-select").filter(has_text="Lesson").click()
    page.get_by_role("option", name=LESSONS[1].title, exact=True).click()
    page.locator(".cd-try").first.click()
    command = "python -m sim seed=0 policy=[beach_patrols] policy.beach_patrols.officers_per_night=2400"
    page.get_by_text(command).wait_for(timeout=60_000)
    page.get_by_role("tab", name="Levers").click()
    lever = page.locator("[data-lever=beach_patrols]")
    lever.get_by_text("officers on the beaches per night").wait_for()
    assert lever.get_by_role("checkbox").is_checked()
    assert "2,400" in lever.inner_text() and "officers on the beaches per night" in lever.inner_text()

    # the band over seeds, then days stepped: the trade-off is marked chance or not
    page.get_by_text("baseline band: 3 of 3 seeds run").wait_for(timeout=240_000)
    page.wait_for_timeout(500)
    names = dict(page.evaluate(SERIES_NAMES))
    assert names.get("baseline: range of 3 seeds", 0) > 0, names
    step_ms = [page.evaluate(CLICK_AND_TIME, ".cd-stepbtn") for _ in range(6)]
    page.get_by_text("Day 6 of 366").wait_for()
    page.wait_for_function("document.querySelectorAll('.cd-heads [data-verdict]').length > 0", timeout=30_000)
    assert page.locator("[data-verdict=chance]").count() > 0  # e.g. deaths after six days
    assert (
        page.locator(".cd-heads").get_by_text("could be chance").count()
        + page.locator(".cd-heads [data-verdict=effect]").count()
        > 0
    )

    # the numbers on the page are the model's own, for these settings and for the baseline
    expected = Classroom.new((), LESSONS[1].steps[0].settings)
    for _ in range(6):
        expected.step()
    # (the scoreboard sits below the fold and is redrawn at most once a second: give it a few seconds to catch up)
    for key in ("people_arrived", "launches_prevented", "boats_launched"):
        cell = page.locator(f".cd-scoreboard tr[data-key={key}] td.current")
        want, shown = round(expected.totals()[key]), None
        for _ in range(40):
            shown = int(re.sub(r"[^0-9]", "", cell.inner_text()) or -1)
            if shown == want:
                break
            page.wait_for_timeout(250)
        assert shown == want, key

    # play for a few seconds, then stop
    page.locator(".cd-play").click()
    t0, d0 = time.perf_counter(), 6
    page.wait_for_timeout(3000)
    page.locator(".cd-play").click()
    days = int(re.search(r"Day (\d+)", page.locator(".cd-day").inner_text()).group(1))
    played = (days - d0) / (time.perf_counter() - t0)
    assert days > d0
    reset_ms = page.evaluate(CLICK_AND_TIME, ".cd-reset")
    page.get_by_text("Day 0 of 366").wait_for()
    page.screenshot(path=str(shots / "browser_test_1280x720.png"))
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.wait_for_timeout(800)
    _inside(page, ".cd-map-chart", 1920, 1080)
    _inside(page, ".cd-tradeoff-chart", 1920, 1080)
    page.screenshot(path=str(shots / "browser_test_1920x1080.png"))
    return {
        "step_ms_median": round(float(np.median(step_ms))),
        "step_ms": [round(x) for x in step_ms],
        "play_days_per_second_seen": round(played, 1),
        "reset_ms_same_settings": round(reset_ms),
        "load_average": os.getloadavg(),
    }
