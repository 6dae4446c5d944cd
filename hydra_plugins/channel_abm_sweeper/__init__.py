"""Hydra plugins of channel-abm (found by Hydra's plugin discovery in the ``hydra_plugins`` namespace)."""
