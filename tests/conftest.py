"""Shared helpers: configs composed exactly as the CLI composes them, at a scale small enough for CI."""

from __future__ import annotations

import functools
import os
import sys

import pytest

from sim.cli import load_config
from sim.config import SimConfig
from sim.model import run
from sim.outputs import Results

SMALL = ["scale=0.1", "world.burn_in_days=60"]


def cfg_with(*overrides: str, small: bool = True) -> SimConfig:
    return load_config([*(SMALL if small else []), *overrides])


@functools.lru_cache(maxsize=64)
def _cached_run(overrides: tuple[str, ...], small: bool) -> Results:
    return run(cfg_with(*overrides, small=small))


def run_with(*overrides: str, small: bool = True) -> Results:
    """Run (cached per override list: results are deterministic, so re-running proves nothing new). Not cached
    under mutation testing (make mutation), whose test processes are forked from one that ran the clean code."""
    if "mutmut" in sys.modules:
        return run(cfg_with(*overrides, small=small))
    return _cached_run(tuple(overrides), small)


@pytest.fixture(scope="session")
def default_small() -> Results:
    return run_with("seed=1")


@pytest.fixture(scope="session", autouse=True)
def composition_cache_of_the_tests(tmp_path_factory):
    """``python -m sim`` run by the tests keeps its compositions apart from the checkout's .cache/ (and the tests see
    hits and misses alike: a command line run twice composes once), sim/composition_cache.py."""
    os.environ["CHANNEL_ABM_COMPOSITION_CACHE"] = str(tmp_path_factory.mktemp("compositions"))
    yield
