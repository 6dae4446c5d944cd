"""channel-abm: an agent-based model of small-boat crossings of the English Channel and the policies against them.

``run(cfg) -> Results`` is the one entry point that the CLI, sweeps, reports, the dashboard and tests call.
"""

from sim.config import ConfigError, SimConfig
from sim.model import ChannelModel, run
from sim.outputs import Results

__all__ = ["ChannelModel", "ConfigError", "Results", "SimConfig", "run"]
__version__ = "0.1.0"
