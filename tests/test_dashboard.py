"""The classroom dashboard: controls read from the configs, the same runs as the CLI, and the page in a browser.

The browser test starts `python -m sim.dashboard` on a free localhost port, drives the page with Playwright in
Debian's Chromium (/usr/bin/chromium, installed by scripts/install-browser; never `playwright install`), ticks a
lever, picks a value, resets, steps, checks that the chart image changed and that the numbers shown are the
model's own, saves screenshots, and stops the server. A missing browser or Playwright is a failure, not a skip.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
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
from sim.dashboard.classroom import BASE_OVERRIDES_ENV, ClassroomModel, baseline_trace, totals
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
SMALL = '["scale=0.2"]'  # base overrides for the in-process checks (the browser test runs at full scale)


# ------------------------------------------------------------------------------------------------ controls
def test_defaults_are_the_cli_defaults_and_the_lever_yaml_values():
    base = load_config([])
    settings = controls.default_settings()
    assert settings[controls.SEED_KEY] == base.seed
    for c in controls.CONTROLS:
        assert settings[controls.toggle_key(c.lever)] is getattr(base.policy, c.lever).enabled is False
        alone = getattr(load_config([f"policy=[{c.lever}]"]).policy, c.lever)  # the lever's own yaml
        for k in c.knobs:
            assert settings[controls.knob_key(c.lever, k.field)] == getattr(alone, k.field), (c.lever, k.field)
    # every lever of the model has a control, in a known order
    assert {c.lever for c in controls.CONTROLS} == set(LEVERS)


def test_values_offered_lie_in_the_declared_ranges_and_include_the_configured_value():
    params = controls.model_params()
    for c in controls.CONTROLS:
        for k in c.knobs:
            p = params[controls.knob_key(c.lever, k.field)]
            if isinstance(k, controls.Switch):
                assert p["type"] == "Checkbox"
                continue
            low, high = controls.declared_range(c.lever, k.field)
            assert p["value"] in p["values"]
            assert p["value"] == controls.lever_value(c.lever, k.field)
            assert all((low is None or v >= low) and (high is None or v <= high) for v in p["values"]), k
            assert len(p["values"]) >= 3
    assert params[controls.SEED_KEY]["value"] == load_config([]).seed


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
    overrides = controls.lever_overrides(s)
    assert overrides == [
        "policy=[seizures,beach_patrols]",
        "policy.seizures.rate_bulgaria=0.6",
        "policy.beach_patrols.officers_per_night=2400",
    ]
    cfg = load_config(overrides)
    assert cfg.policy.seizures.enabled and cfg.policy.beach_patrols.enabled and not cfg.policy.deterrence.enabled
    assert cfg.policy.seizures.rate_bulgaria == 0.6
    assert cfg.policy.seizures.rate_germany == controls.lever_value("seizures", "rate_germany")
    assert cfg.policy.beach_patrols.officers_per_night == 2400.0
    s["deterrence"] = True
    assert "policy.deterrence.operating=false" in controls.lever_overrides(s)
    assert load_config(controls.lever_overrides(s)).policy.deterrence.operating is False


def test_unknown_controls_are_refused():
    with pytest.raises(ValueError, match="unknown controls"):
        ClassroomModel(**{"seizures.rate_mars": 0.5})


# ------------------------------------------------------------------------------------------ the model
@pytest.fixture
def small(monkeypatch):
    monkeypatch.setenv(BASE_OVERRIDES_ENV, SMALL)


def test_the_page_runs_the_same_days_as_the_cli(small):
    """Stepping the dashboard's model gives, day by day, the run the printed command line gives."""
    m = ClassroomModel(**{"seed": 3, "seizures": True, "seizures.rate_bulgaria": 0.6, "beach_patrols": True})
    assert m.overrides == [
        "scale=0.2",
        "seed=3",
        "policy=[seizures,beach_patrols]",
        "policy.seizures.rate_bulgaria=0.6",
    ]
    assert m.command_line() == "python -m sim " + " ".join(m.overrides)
    assert m.days_done == 0 and m.channel.day == m.channel.burn_in - 1  # burn-in already run
    days = 75
    for _ in range(days):
        m.step()
    cli = run(load_config(m.overrides)).daily.iloc[:days]
    assert m.date == cli["date"].iloc[-1].date()
    for col in ("people_arrived", "deaths_at_sea", "boats_launched", "launches_prevented", "boats_seized"):
        np.testing.assert_array_equal(m.trace.cols[col][:days], cli[col].to_numpy(), err_msg=col)
    assert m.totals()["people_arrived"] == cli["people_arrived"].sum() > 0


def test_the_baseline_is_the_cli_default_run_with_the_same_seed():
    base = ("scale=0.2",)
    trace = baseline_trace(base, 2)
    summary = run(load_config([*base, "seed=2"])).summary
    year = totals(trace, trace.days)
    for key in ("people_arrived", "deaths_at_sea", "boats_launched", "people_deterred", "launches_prevented"):
        assert year[key] == summary[key], key
    for key in ("people_per_boat", "mean_price_gbp", "taxi_boat_share", "deaths_per_1000_arrivals"):
        assert year[key] == pytest.approx(summary[key]), key


def test_the_model_stops_at_the_end_of_the_year(monkeypatch):
    monkeypatch.setenv(BASE_OVERRIDES_ENV, '["scale=0.05", "days=5"]')
    m = ClassroomModel()
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


def test_a_world_without_map_positions_is_refused(monkeypatch):
    monkeypatch.setenv(BASE_OVERRIDES_ENV, '["world=toy", "enforcement=toy", "scale=0.05"]')
    with pytest.raises(ValueError, match="no map position"):
        ClassroomModel()


def test_the_map_shows_what_the_model_holds(small):
    m = ClassroomModel(**{"seizures": True, "seizures.rate_bulgaria": 0.9})
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


def test_a_day_is_drawn_well_under_a_second(small):
    from sim.dashboard.figures import ChannelMap, Charts, png

    m = ClassroomModel(**{"beach_patrols": True})
    figures = ChannelMap(m), Charts(m)
    before = [png(f.update()) for f in figures]
    times = []
    for _ in range(6):
        t0 = time.perf_counter()
        m.step()
        after = [png(f.update()) for f in figures]
        times.append(time.perf_counter() - t0)
    assert after[1] != before[1] and after[0] != before[0]
    assert float(np.median(times)) < 0.8, times


def test_command_line_refuses_bad_overrides_before_serving(capsys):
    from sim.dashboard.__main__ import main

    assert main(["nonsense=1"]) == 2
    assert "nonsense" in capsys.readouterr().err
    assert main(["seed=3"]) == 2
    assert "on the page" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------ the browser
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """`python -m sim.dashboard` on a free port; yields its address; stops it (and only it) afterwards."""
    port = _free_port()
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.dashboard", "--port", str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"dashboard server exited with {proc.returncode}:\n{(tmp_path / 'server.log').read_text()}")
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"dashboard did not answer at {url}:\n{(tmp_path / 'server.log').read_text()}")
            time.sleep(0.5)
        assert f"Dashboard: {url}" in (tmp_path / "server.log").read_text()
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


# Click STEP and resolve with the milliseconds until both the map and the charts pictures have been replaced.
STEP_AND_TIME = """() => new Promise((resolve, reject) => {
    const pictures = [...document.querySelectorAll('img.channel-map, img.channel-charts')];
    if (pictures.length !== 2) { reject(new Error('map or charts picture missing')); return; }
    const t0 = performance.now();
    const changed = new Set();
    for (const img of pictures) {
        new MutationObserver((_, obs) => {
            changed.add(img); obs.disconnect();
            if (changed.size === 2) resolve(performance.now() - t0);
        }).observe(img, {attributes: true, attributeFilter: ['src']});
    }
    const step = [...document.querySelectorAll('button')].find(b => b.innerText.trim() === 'STEP');
    step.click();
    setTimeout(() => reject(new Error('pictures not replaced within 30 s')), 30000);
})"""


def _row(page, key: str) -> tuple[str, str]:
    row = page.locator(f".channel-scoreboard tr[data-key={key}]")
    return row.locator("td.current").inner_text(), row.locator("td.baseline").inner_text()


def test_dashboard_in_a_real_browser(server, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-browser (make test does)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: pip install -e '.[dashboard]' (make test does)")

    shots = ROOT / "results" / "dashboard"
    shots.mkdir(parents=True, exist_ok=True)
    days = 8
    t_start = time.perf_counter()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 2300})
            page.goto(server)
            page.get_by_text("Day 0 of 366").wait_for(timeout=60_000)
            charts = page.locator("img.channel-charts")
            before = charts.screenshot()
            assert _row(page, "people_arrived") == ("0", "0")

            # tick a lever, move one of its values, and start the year again with them
            page.get_by_text("French beach patrols", exact=True).click()
            page.locator(".v-select").filter(has_text="officers on the beaches").click()
            page.get_by_role("option", name="2400", exact=True).click()
            page.get_by_role("button", name="Reset").click()
            command = "python -m sim seed=0 policy=[beach_patrols] policy.beach_patrols.officers_per_night=2400"
            page.get_by_text(command).wait_for(timeout=30_000)
            page.get_by_text("Levers in use: French beach patrols (officers per night 2400)").wait_for()

            shown_ms = []  # from the click on STEP to both new pictures in the page, timed by the browser
            for day in range(1, days + 1):
                shown_ms.append(page.evaluate(STEP_AND_TIME))
                page.get_by_text(f"Day {day} of 366").wait_for(timeout=30_000)
            page.wait_for_timeout(300)
            after = charts.screenshot()
            page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
            shutil.copy(tmp_path / "dashboard.png", shots / "dashboard.png")
            (shots / "charts_day0.png").write_bytes(before)
            (shots / "charts_after.png").write_bytes(after)

            assert after != before, "the charts did not change after stepping"
            # the numbers on the page are the model's own, for these settings and for the baseline
            expected = ClassroomModel(**{"beach_patrols": True, "beach_patrols.officers_per_night": 2400})
            for _ in range(days):
                expected.step()
            cur, base = expected.totals(), expected.baseline_totals()
            for key in ("people_arrived", "launches_prevented", "boats_launched"):
                shown = tuple(int(re.sub(r"[^0-9]", "", v)) for v in _row(page, key))
                assert shown == (round(cur[key]), round(base[key])), key
            assert cur["launches_prevented"] != base["launches_prevented"]  # the lever shows on the page
            timing = page.locator(".channel-timing").inner_text()
            drawn_ms = int(re.search(r"drawn in (\d+) ms", timing).group(1))
            assert drawn_ms < 1000, timing
            assert float(np.median(shown_ms)) < 1000, shown_ms
        finally:
            browser.close()
    print(
        f"\nbrowser: {days} steps, click to new map and charts: median {np.median(shown_ms):.0f} ms "
        f"(max {max(shown_ms):.0f}); server draw {drawn_ms} ms; page session {time.perf_counter() - t_start:.1f} s"
    )


def test_dataclass_of_lever_fields_exist():
    """Every control names a real field of its lever's config (a typo would otherwise only fail at Reset)."""
    for c in controls.CONTROLS:
        names = {f.name for f in dataclasses.fields(type(getattr(controls.lever_defaults(), c.lever)))}
        for k in c.knobs:
            assert k.field in names, (c.lever, k.field)
