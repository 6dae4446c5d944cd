"""Entry point: ``python -m sim.calibrate``: calibrate free parameters to observed data (ABC-SMC).

The tool lives in ``sim.evidence.calibrate``."""

import sys

if __name__ == "__main__":
    from sim.evidence.calibrate import main

    sys.exit(main())
