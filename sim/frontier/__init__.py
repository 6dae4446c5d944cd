"""The policy frontier: a multi-objective search over lever intensities (``python -m sim.frontier``).

``levers.py`` (the searched levers and their config keys), ``search.py`` (Optuna NSGA-II ask/tell, each generation
an ordinary sweep, scoring over paired seeds and posterior draws, the frontier and shipped-scenario tables),
``plot.py`` (frontier.png), ``cli.py`` (the command line), ``discovery.py`` (PRIM scenario discovery).
"""
