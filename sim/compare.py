"""Entry point: ``python -m sim.compare``: compare the scenarios of a sweep folder.

The tool lives in ``sim.results.compare``."""

import sys

if __name__ == "__main__":
    from sim.results.compare import main

    sys.exit(main())
