"""Entry point: ``python -m sim.validate``: score runs against observed data.

The tool lives in ``sim.evidence.validate``."""

import sys

if __name__ == "__main__":
    from sim.evidence.validate import main

    sys.exit(main())
