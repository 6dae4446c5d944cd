import sys

from sim.frontier.cli import main

sys.exit(main())
