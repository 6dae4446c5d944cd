"""Classroom dashboard: watch the Channel, pull the levers, see the trade-offs, and tell chance from effect.

``python -m sim.dashboard`` (or ``make dashboard``) serves a Solara page on localhost; the model is Mesa's
(``sim.model.ChannelModel``). Modules: ``controls`` (levers by where they act, their assumptions, the settings as
Hydra overrides, defaults read from configs/), ``classroom`` (the run a class steps, burnt-in models for a quick
RESET), ``background`` (whole years in a worker process: the baseline band and the spread over seeds, cached),
``figures`` (ECharts options of the map and charts), ``echarts`` (the widget that draws them), ``lessons``
(docs/teaching.md's lessons as guided steps), ``map_coordinates`` (approximate positions for the map), ``app``
(the page).
"""
