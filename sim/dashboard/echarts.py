"""An ECharts widget for the page: Solara's ``FigureEcharts``, made safe for a picture that changes ten times a second.

Solara's widget (solara/components/echarts.vue) loads ECharts from Solara's offline asset folder and redraws on every
new option, but throws "Cannot read properties of undefined (reading 'setOption')" in the browser console when an
option arrives while ECharts is still loading, which a playing year does at once. This template is Solara's with
that guarded (the latest option is drawn when the chart is ready), animation-free redraws, and two hooks for the
browser test: the chart instance on its element (``el.__chart``) and a count of pictures drawn
(``data-drawn``), so that a test can time a click to the picture that answers it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import ipyvuetify
import solara
import traitlets

TEMPLATE = """
<template>
  <div ref="echarts" v-bind="attributes" data-drawn="0"></div>
</template>
<script>
module.exports = {
  mounted() {
    this.drawn = 0;
    this.pending = null;
    (async () => {
      const echarts = (await this.import([`${this.getCdn()}/echarts@5.4.0/dist/echarts.js`]))[0];
      this.echarts = echarts;
      this.chart = echarts.init(this.$refs.echarts);
      this.$refs.echarts.__chart = this.chart;
      const maps = JSON.parse(this.maps_json || "{}");
      Object.keys(maps).forEach((name) => echarts.registerMap(name, maps[name]));
      this.chart.on("finished", () => {
        if (this.pending === null) return;
        this.drawn += 1;
        this.$refs.echarts.setAttribute("data-drawn", String(this.drawn));
        this.$refs.echarts.setAttribute("data-frame", String(this.pending));
        if (this.acknowledged) this.drawn_ack(this.pending);
        this.pending = null;
      });
      this.draw();
    })();
    this.resizeObserver = new ResizeObserver(() => { if (this.chart) this.chart.resize(); });
    this.resizeObserver.observe(this.$refs.echarts);
    // A chart out of sight is not redrawn (below the fold while the year plays); it catches up when it shows.
    this.visible = true;
    this.stale = false;
    this.intersectionObserver = new IntersectionObserver((entries) => {
      this.visible = entries[entries.length - 1].isIntersecting;
      if (this.visible && this.stale) this.draw();
    });
    this.intersectionObserver.observe(this.$refs.echarts);
  },
  beforeDestroy() {
    if (this.resizeObserver) this.resizeObserver.disconnect();
    if (this.intersectionObserver) this.intersectionObserver.disconnect();
    if (this.chart) this.chart.dispose();
  },
  watch: {
    option_json() { this.draw(); },
  },
  methods: {
    draw() {
      if (!this.chart) return;
      if (!this.visible && !this.acknowledged) { this.stale = true; return; }
      this.stale = false;
      const t0 = performance.now();
      const message = JSON.parse(this.option_json);
      this.pending = message.frame;
      this.chart.setOption(message.option, true);
      this.$refs.echarts.setAttribute("data-draw-ms", String(Math.round(performance.now() - t0)));
    },
    import(deps) {
      return this.loadRequire().then(() => {
        if (window.jupyterVue) define("vue", [], () => window.jupyterVue.Vue);
        else define("vue", ["jupyter-vue"], (jupyterVue) => jupyterVue.Vue);
        return new Promise((resolve) => requirejs(deps, (...modules) => resolve(modules)));
      });
    },
    loadRequire() {
      if (window.requirejs) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = `${this.getCdn()}/requirejs@2.3.6/require.js`;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    },
    getCdn() {
      if (window.solara && window.solara.cdn) return window.solara.cdn;
      let base = document.body.dataset.baseUrl || document.baseURI;
      if (!base.endsWith("/")) base += "/";
      return `${base}_solara/cdn`;
    },
  },
};
</script>
"""


class EchartsWidget(ipyvuetify.VuetifyTemplate):
    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    attributes = traitlets.Dict(default_value=None, allow_none=True).tag(sync=True)
    # JSON text rather than dicts: the page's renderer (reacton) walks dict and list props looking for elements,
    # which for a year of chart points cost most of a second per picture; a string it leaves alone.
    maps_json = traitlets.Unicode("{}").tag(sync=True)
    option_json = traitlets.Unicode('{"frame":0,"option":{}}').tag(sync=True)  # {"frame": n, "option": {...}}
    acknowledged = traitlets.Bool(False).tag(sync=True)  # whether the browser reports each frame drawn
    on_drawn = traitlets.Callable(None, allow_none=True)

    def vue_drawn_ack(self, frame: int) -> None:
        if self.on_drawn is not None:
            self.on_drawn(int(frame))


def to_json(option: dict[str, Any]) -> str:
    """An option as the widget takes it (build it outside the page's components: see ``EchartsWidget``)."""
    return json.dumps(option, separators=(",", ":"))


@solara.component
def Echarts(
    option: str,
    maps: str = "{}",
    classes: str = "",
    style: str = "",
    frame: int = 0,
    on_drawn: Callable[[int], None] | None = None,
) -> None:
    """An ECharts picture of ``option`` (``to_json`` of an option), redrawn whenever it changes; ``on_drawn(frame)``
    is called when the browser has drawn it."""
    EchartsWidget.element(
        option_json=f'{{"frame":{int(frame)},"option":{option}}}',  # one message: the frame travels with its option
        maps_json=maps,
        attributes={"class": classes, "style": style},
        acknowledged=on_drawn is not None,
        on_drawn=on_drawn,
    )
