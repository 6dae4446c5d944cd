"""Speed of the classroom dashboard as a class sees it, in Chromium: STEP, PLAY and RESET, from click to picture.

Starts ``python -m sim.dashboard`` (full scale, the default) on a free port, opens the page at 1280x720 in Debian's
Chromium (Playwright drives it; scripts/install-browser installs it), waits for the baseline band, then measures
in the browser's own clock:

- STEP: from the click to both the map and the trade-off chart drawn anew (ECharts' "finished" event), median of
  ``--steps`` clicks;
- PLAY: simulated days a second shown on the page (the day counter read every 100 ms) and pictures drawn a second,
  over ``--play`` seconds at the page's default speed and at its fastest;
- RESET: from the click to day 0 drawn, with the settings unchanged, right after ticking a lever (the burn-in of
  the new settings is waited for), and three seconds after (it has been run ahead, in the background).

Screenshots at 1280x720 and 1920x1080 go to results/dashboard/. Results go to benchmarks/output/dashboard.json
with the machine's load and how much slower the machine is than when benchmarks/output/benchmark.json was made (a
full-scale year of the model timed now, before the browser starts, against that file's median), and are printed.
Nothing is asserted (a shared machine's load moves these numbers).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "output" / "dashboard.json"
SHOTS = ROOT / "results" / "dashboard"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]

# Click a button and resolve with the milliseconds until every chart named has drawn a new picture.
CLICK_AND_TIME = """([button, charts]) => new Promise((resolve, reject) => {
    const els = charts.map(c => document.querySelector(c));
    if (els.some(e => !e)) { reject(new Error('chart missing: ' + charts)); return; }
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

# Sample the day shown and the map's pictures drawn every 100 ms for ``seconds``.
SAMPLE_PLAY = """(seconds) => new Promise(resolve => {
    const out = [];
    const t0 = performance.now();
    const map = document.querySelector('.cd-map-chart');
    const timer = setInterval(() => {
        const m = document.querySelector('.cd-day').innerText.match(/Day (\\d+)/);
        out.push([performance.now() - t0, m ? +m[1] : 0, +map.dataset.drawn]);
        if (performance.now() - t0 > seconds * 1000) { clearInterval(timer); resolve(out); }
    }, 100);
})"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, cache: str, band_seeds: int, log: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "sim.dashboard", "--port", str(port), "--cache", cache]
    cmd += ["--band-seeds", str(band_seeds)]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT)


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"dashboard server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"dashboard did not answer at {url}")


def machine_slowdown() -> dict:
    """A full-scale year timed now against benchmarks/output/benchmark.json's median (make bench)."""
    child = "import time; from sim.cli import load_config; from sim.model import ChannelModel\n" + (
        "m = ChannelModel(load_config([])); t0 = time.perf_counter(); m.run(); print(time.perf_counter() - t0)"
    )
    now = float(subprocess.run([sys.executable, "-c", child], cwd=ROOT, capture_output=True, text=True).stdout)
    out = {"model_year_s_now": round(now, 3)}
    try:
        ref = json.loads((ROOT / "benchmarks" / "output" / "benchmark.json").read_text())
        quiet = next(r["wall_s_median"] for r in ref["runs"] if r["scale"] == 1.0)
        out.update({"model_year_s_in_benchmark_json": quiet, "slowdown": round(now / quiet, 2)})
    except (OSError, KeyError, StopIteration, ValueError):
        pass
    return out


def play_rate(page, speed: str, seconds: float) -> dict:
    page.locator(".cd-speed .v-select").click()
    page.get_by_role("option", name=speed, exact=True).click()
    page.locator(".cd-play").click()
    samples = page.evaluate(SAMPLE_PLAY, seconds)
    page.locator(".cd-play").click()
    (t0, d0, f0), (t1, d1, f1) = samples[2], samples[-1]  # from 0.2 s after the click (the first day is drawn)
    span = (t1 - t0) / 1000.0
    return {"speed": speed, "days_per_second": (d1 - d0) / span, "pictures_per_second": (f1 - f0) / span}


def measure(page, steps: int, play_seconds: float) -> dict:
    both = [".cd-map-chart", ".cd-tradeoff-chart"]
    step_ms = [page.evaluate(CLICK_AND_TIME, [".cd-stepbtn", both]) for _ in range(steps)]
    plays = [play_rate(page, speed, play_seconds) for speed in ("10 days a second", "a month a second")]
    reset_same = [page.evaluate(CLICK_AND_TIME, [".cd-reset", both]) for _ in range(3)]
    reset_changed, reset_later = [], []
    for lever in ("beach_patrols", "seizures"):
        page.locator(f"[data-lever={lever}] input[type=checkbox]").first.click(force=True)
        reset_changed.append(page.evaluate(CLICK_AND_TIME, [".cd-reset", both]))
    for lever in ("search_and_rescue", "deterrence"):  # as a teacher clicks: RESET a few seconds after the lever
        page.locator(f"[data-lever={lever}] input[type=checkbox]").first.click(force=True)
        page.wait_for_timeout(3000)
        reset_later.append(page.evaluate(CLICK_AND_TIME, [".cd-reset", both]))
    return {
        "step_ms": {"median": statistics.median(step_ms), "max": max(step_ms), "all": [round(x) for x in step_ms]},
        "play": plays,
        "reset_ms": {
            "same_settings": [round(x) for x in reset_same],
            "right_after_ticking_a_lever": [round(x) for x in reset_changed],
            "three_seconds_after_ticking_a_lever": [round(x) for x in reset_later],
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--play", type=float, default=8.0, help="seconds of play at each speed")
    parser.add_argument("--band-seeds", type=int, default=10)
    parser.add_argument("--cache", default=str(ROOT / "results" / "dashboard" / "cache"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    slowdown = machine_slowdown()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = Path(tempfile.mkdtemp()) / "server.log"
    proc = start_server(port, args.cache, args.band_seeds, log)
    try:
        wait_for(url, proc)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            t0 = time.perf_counter()
            page.goto(url)
            page.get_by_text("Day 0 of").wait_for(timeout=120_000)
            page.wait_for_function("document.querySelector('.cd-map-chart')?.dataset.drawn > 0", timeout=60_000)
            first_page_s = time.perf_counter() - t0
            page.get_by_text(f"baseline band: {args.band_seeds} of {args.band_seeds}").wait_for(timeout=600_000)
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / "dashboard_1280x720.png"))
            result = measure(page, args.steps, args.play)
            page.set_viewport_size({"width": 1920, "height": 1080})
            page.wait_for_timeout(1000)
            page.screenshot(path=str(SHOTS / "dashboard_1920x1080.png"))
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    result = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
            "python": platform.python_version(),
            **slowdown,
        },
        "scale": 1.0,
        "first_page_s": round(first_page_s, 2),
        **result,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
