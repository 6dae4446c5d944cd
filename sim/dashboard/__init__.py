"""Classroom dashboard: watch the Channel, pull the levers, see the trade-offs live.

``python -m sim.dashboard`` (or ``make dashboard``) serves a Mesa SolaraViz page on localhost. Modules:
``controls`` (levers and seed as Hydra overrides, defaults read from configs/), ``classroom`` (the Mesa model the
page steps, with its baseline), ``figures`` (map and charts), ``map_coordinates`` (approximate positions for the
map), ``app`` (the Solara page). See docs/teaching.md for lessons that use it.
"""
