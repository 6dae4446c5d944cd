"""channel-abm: an agent-based model of small-boat crossings of the English Channel and the policies against them.

``run(cfg) -> Results`` is the one entry point that the CLI, sweeps, reports, the dashboard and tests call.

The names below are imported when first used (PEP 562), not when the package is: ``python -m sim`` and the other
commands import the package before their own code runs, and that code decides how the imports are made (the start
of ``sim/__main__.py``: without the cycle collector, which would walk every object Mesa's imports create).
"""

from __future__ import annotations

import importlib
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.config import ConfigError, SimConfig
    from sim.model import ChannelModel, run
    from sim.outputs import Results

__all__ = ["ChannelModel", "ConfigError", "Results", "SimConfig", "run"]
__version__ = "0.1.0"

_HOME = MappingProxyType(
    {
        "ChannelModel": "sim.model",
        "run": "sim.model",
        "ConfigError": "sim.config",
        "SimConfig": "sim.config",
        "Results": "sim.outputs",
    }
)


def __getattr__(name: str) -> Any:
    """``sim.run``, ``from sim import Results``, ...: the name from its module, imported now."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
