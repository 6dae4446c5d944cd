"""``python -m sim.sweeps SWEEP_DIR``: rebuild a sweep table from its run folders."""

import sys

from sim.sweeps.sweep import main

sys.exit(main())
