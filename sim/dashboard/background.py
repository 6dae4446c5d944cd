"""Whole years run in a worker process: the baseline over several seeds (the band), and a class's settings over
several seeds (the spread), so that the page can tell chance from effect without making the class wait.

One worker process (spawned, so that it shares nothing with the server's threads; niced, so that the page's own
run stays quick) runs one year at a time, the most urgent first: the baseline of the seed on the page, then the
band's seeds, then spreads in the order asked for. Finished years are kept in memory and on disk
(``results/dashboard/cache/`` unless told otherwise), named by a hash of the resolved configuration and of the
model's code and configs, so a restarted server finds them again and a change to the model never reuses an old
year. Files are written atomically and a damaged one is run again.

The worker is started with multiprocessing's "spawn", which imports the parent's main module again: a program
that uses ``Years`` needs the usual ``if __name__ == "__main__":`` guard (``python -m sim.dashboard`` has it).

A server holds one ``Years`` per set of base overrides; it is process state on purpose (the page's sessions share
the runs), reached through ``years()`` rather than a module-level variable.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import heapq
import io
import itertools
import json
import multiprocessing
import os
import threading
import time
import zipfile
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import numpy as np

from sim.dashboard.classroom import SERIES, Trace, full_settings, run_year, settings_key
from sim.dashboard.controls import SEED_KEY, settings_config
from sim.outputs import temp_beside

ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR_ENV = "CHANNEL_DASHBOARD_CACHE"
BAND_SEEDS_ENV = "CHANNEL_DASHBOARD_BAND_SEEDS"
DEFAULT_BAND_SEEDS = 10
URGENT, BAND, SPREAD = 0, 1, 2  # priorities: the seed on the page, the band, spreads


@functools.cache
def code_fingerprint() -> str:
    """A hash of the model's code and configs (not the dashboard's): a change to either starts a new cache."""
    h = hashlib.sha256()
    files = [p for p in sorted((ROOT / "sim").rglob("*.py")) if "dashboard" not in p.parts]
    for p in [*files, *sorted((ROOT / "configs").rglob("*.yaml"))]:
        h.update(str(p.relative_to(ROOT)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def year_key(base: tuple[str, ...], settings: Mapping[str, Any]) -> str:
    """The cache name of a year: its resolved configuration and the code that runs it."""
    cfg = dataclasses.asdict(settings_config(base, settings))
    text = json.dumps(cfg, sort_keys=True, default=str) + code_fingerprint()
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def save_trace(path: Path, trace: Trace) -> None:
    buf = io.BytesIO()
    np.savez(
        buf,
        first_date=np.array(trace.dates[0].isoformat()),
        area_names=np.array(trace.area_names),
        area_distance_km=trace.area_distance_km,
        launches_by_area=trace.launches_by_area,
        waiting=trace.waiting,
        **{f"col_{k}": v for k, v in trace.cols.items()},
    )
    fd, tmp = temp_beside(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(buf.getvalue())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_trace(path: Path) -> Trace | None:
    """A cached year, or None if it is missing or damaged (it is then run again)."""
    try:
        with np.load(path, allow_pickle=False) as z:
            n = z["waiting"].shape[0]
            first = dt.date.fromisoformat(str(z["first_date"]))
            cols = {k: z[f"col_{k}"] for k in SERIES}
            if any(v.shape != (n,) for v in cols.values()):
                return None
            return Trace(
                [first + dt.timedelta(days=i) for i in range(n)],
                tuple(str(a) for a in z["area_names"]),
                z["area_distance_km"],
                cols,
                z["launches_by_area"],
                z["waiting"],
            )
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):
        return None


def _worker_start(parent: int) -> None:
    """In the worker: lower priority, and exit as soon as the server has gone (however it was stopped), so that
    no worker outlives the page it ran years for."""
    os.nice(5)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="dashboard-worker-watch", daemon=True).start()


class Years:
    """Whole years at given settings, run one at a time in a worker process, kept in memory and on disk."""

    def __init__(self, base: tuple[str, ...], band_seeds: int, cache_dir: Path | None) -> None:
        self.base = tuple(base)
        self.band_seeds = tuple(range(band_seeds))
        self.cache_dir = cache_dir
        self.version = 0  # goes up whenever a year finishes (pages redraw when it changes)
        self._done: dict[tuple, Trace] = {}
        self._failed: dict[tuple, str] = {}
        self._queued: dict[tuple, int] = {}
        self._heap: list[tuple[int, int, tuple, dict]] = []
        self._count = itertools.count()
        self._cv = threading.Condition()
        self._pool: ProcessPoolExecutor | None = None
        self._thread = threading.Thread(target=self._dispatch, name="dashboard-years", daemon=True)
        self._thread.start()
        for seed in self.band_seeds:
            self.request({SEED_KEY: seed}, BAND)

    # ------------------------------------------------------------------------------------------ asking
    def request(self, settings: Mapping[str, Any], priority: int) -> None:
        """Run this year (if not done, failed or queued at the same or a higher priority)."""
        settings = full_settings(settings)
        key = settings_key(settings)
        with self._cv:
            if key in self._done or key in self._failed or self._queued.get(key, 99) <= priority:
                return
            self._queued[key] = priority
            heapq.heappush(self._heap, (priority, next(self._count), key, settings))
            self._cv.notify()

    def year(self, settings: Mapping[str, Any]) -> Trace | None:
        with self._cv:
            return self._done.get(settings_key(settings))

    def failed(self, settings: Mapping[str, Any]) -> str | None:
        with self._cv:
            return self._failed.get(settings_key(settings))

    def baseline(self, seed: int, urgent: bool = True) -> Trace | None:
        """The baseline year with this seed (asked for at once if it is not there yet)."""
        trace = self.year({SEED_KEY: seed})
        if trace is None and urgent:
            self.request({SEED_KEY: seed}, URGENT)
        return trace

    def band(self) -> list[Trace]:
        """The baseline years of the band's seeds finished so far."""
        return [t for s in self.band_seeds if (t := self.year({SEED_KEY: s})) is not None]

    def spread(self, settings: Mapping[str, Any], seeds: int) -> list[tuple[int, Trace | None]]:
        """These settings over seeds 0..seeds-1, as far as finished (None: not yet)."""
        return [(s, self.year({**settings, SEED_KEY: s})) for s in range(seeds)]

    def request_spread(self, settings: Mapping[str, Any], seeds: int) -> None:
        for s in range(seeds):
            self.request({**settings, SEED_KEY: s}, SPREAD)
            self.request({SEED_KEY: s}, SPREAD)  # the paired baseline (in the band unless seeds > band)

    # ------------------------------------------------------------------------------------------ running
    def _cached(self, settings: dict) -> tuple[Path | None, Trace | None]:
        if self.cache_dir is None:
            return None, None
        path = self.cache_dir / f"year-{year_key(self.base, settings)}.npz"
        return path, load_trace(path) if path.exists() else None

    def _dispatch(self) -> None:
        while True:
            with self._cv:
                while not self._heap:
                    self._cv.wait()
                _, _, key, settings = heapq.heappop(self._heap)
                if key in self._done:
                    continue
            try:
                path, trace = self._cached(settings)
                if trace is None:
                    trace = self._run(settings)
                    if path is not None:
                        save_trace(path, trace)
            except Exception as exc:  # a failed year is shown on the page; the others go on
                if isinstance(exc, BrokenProcessPool):
                    self._pool = None  # the worker died: start another for the next year
                first = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
                with self._cv:
                    self._failed[key] = f"{type(exc).__name__}: {first}"
                    self._queued.pop(key, None)
                    self.version += 1
                continue
            with self._cv:
                self._done[key] = trace
                self._queued.pop(key, None)
                self.version += 1

    def _run(self, settings: dict) -> Trace:
        if self._pool is None:
            ctx = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=ctx, initializer=_worker_start, initargs=(os.getpid(),)
            )
        return self._pool.submit(run_year, self.base, settings).result()


def band_seeds_setting() -> int:
    raw = os.environ.get(BAND_SEEDS_ENV, "")
    return int(raw) if raw.strip() else DEFAULT_BAND_SEEDS


def cache_dir_setting() -> Path | None:
    raw = os.environ.get(CACHE_DIR_ENV)
    if raw is None:
        return ROOT / "results" / "dashboard" / "cache"
    return Path(raw) if raw.strip() else None


@functools.cache
def years(base: tuple[str, ...]) -> Years:
    """The server's years for these base overrides (one worker process, started on first use)."""
    cache = cache_dir_setting()
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
    return Years(base, band_seeds_setting(), cache)
