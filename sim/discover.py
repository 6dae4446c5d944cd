"""Entry point: ``python -m sim.discover --mix NAME``: scenario discovery (PRIM) for a policy mix.

The tool lives in ``sim.frontier.discovery``."""

import sys

if __name__ == "__main__":
    from sim.frontier.discovery import main

    sys.exit(main())
