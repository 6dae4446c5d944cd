"""Entry point: ``python -m sim.sensitivity``: analyse a sensitivity design's sweep (Morris, Sobol').

The tool lives in ``sim.evidence.sensitivity``."""

import sys

if __name__ == "__main__":
    from sim.evidence.sensitivity import main

    sys.exit(main())
