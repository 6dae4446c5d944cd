"""The results layer: what every tool that reads runs shares.

- ``outcomes``: the outcome catalogue (name, label, unit, kind, better direction, whether it scales with the
  population) and ``per_full_scale``, the one place where the population scale is undone;
- ``folders``: the one reader of run folders and sweep folders (the sweep table, run status, grouping into
  scenarios over seeds and posterior draws, the baseline);
- ``stats``: replicate statistics (one reduction of a scenario's runs, 90% intervals of runs from chance and from
  chance and assumptions, paired differences within the same draw and seed);
- ``fmt``: number formatting (counts, £m/£bn, shares, percentages);
- ``compare``: ``python -m sim.compare``, the scenarios of a sweep side by side.

Nothing here imports the sweep machinery (``sim.sweeps``) or the analyses (``sim.evidence``, ``sim.report``): they
import this.
"""
