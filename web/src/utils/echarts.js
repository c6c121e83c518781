// ECharts is big: load it only when a chart is first drawn (the cockpit, later).
// Usage: const echarts = await loadEcharts(); const chart = echarts.init(el)
let loading = null

export function loadEcharts() {
  if (!loading) {
    loading = Promise.all([
      import('echarts/core'),
      import('echarts/charts'),
      import('echarts/components'),
      import('echarts/renderers'),
    ]).then(([core, charts, components, renderers]) => {
      core.use([
        charts.BarChart,
        charts.LineChart,
        charts.PieChart,
        components.GridComponent,
        components.TooltipComponent,
        components.LegendComponent,
        components.TitleComponent,
        renderers.CanvasRenderer,
      ])
      return core
    })
  }
  return loading
}
