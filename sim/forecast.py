"""Entry point: ``python -m sim.forecast``: the weekly and annual forecast of a sweep and its scores.

The tool lives in ``sim.evidence.forecast``."""

import sys

if __name__ == "__main__":
    from sim.evidence.forecast import main

    sys.exit(main())
