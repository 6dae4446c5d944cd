"""``python -m sim.report SWEEP_DIR [--baseline NAME] [--out DIR]``."""

import sys

from sim.report.report import main

sys.exit(main())
