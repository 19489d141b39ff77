import type { TimelinePointJson } from '../../../common/api/http-v1.js';
import type { ChartSpec, Threshold } from './chart-specs.js';
import { h } from './dom.js';

/** Chart height in CSS pixels: tall enough to read a trend, short enough for five on a laptop screen. */
const CHART_HEIGHT_PX = 180;
/** Width used until the container has been laid out. */
const FALLBACK_WIDTH_PX = 420;
const SERIES_COLOURS = ['--series-1', '--series-2', '--series-3'] as const;

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/** uPlot's data: x in Unix seconds, then one array per series with null where the vital was not measured. */
function chartData(spec: ChartSpec, points: readonly TimelinePointJson[]): uPlot.AlignedData {
  const xs = points.map((point) => Date.parse(point.sampledAt) / 1000);
  const ys = spec.series.map(({ key }) => points.map((point) => point.vitals[key] ?? null));
  return [xs, ...ys];
}

/** A plugin drawing each threshold as a dashed line with its label, in the severity's colour. */
function thresholdPlugin(thresholds: readonly Threshold[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (chart: uPlot) => {
        const { ctx, bbox } = chart;
        ctx.save();
        ctx.setLineDash([6, 4]);
        ctx.lineWidth = 1.5 * devicePixelRatio;
        ctx.font = `${12 * devicePixelRatio}px system-ui, sans-serif`;
        // uPlot leaves the alignment of its last axis label behind.
        ctx.textBaseline = 'bottom';
        for (const threshold of thresholds) {
          const y = chart.valToPos(threshold.value, 'y', true);
          if (y < bbox.top || y > bbox.top + bbox.height) continue;
          const colour = cssVar(threshold.severity === 'critical' ? '--critical' : '--warning');
          ctx.strokeStyle = colour;
          ctx.fillStyle = colour;
          ctx.beginPath();
          ctx.moveTo(bbox.left, y);
          ctx.lineTo(bbox.left + bbox.width, y);
          ctx.stroke();
          // Critical labels at the right end, warnings at the left: close thresholds (85%, 90%) stay legible.
          const critical = threshold.severity === 'critical';
          ctx.textAlign = critical ? 'right' : 'left';
          const x = critical
            ? bbox.left + bbox.width - 4 * devicePixelRatio
            : bbox.left + 4 * devicePixelRatio;
          ctx.fillText(threshold.label, x, y - 4 * devicePixelRatio);
        }
        ctx.restore();
      },
    },
  };
}

/** One vitals chart (uPlot); `destroy` releases it when the view is re-rendered or left. */
export class VitalsChart {
  readonly root: HTMLElement;
  private readonly plot: uPlot;
  private readonly resize: ResizeObserver;

  constructor(spec: ChartSpec, points: readonly TimelinePointJson[], thresholds: readonly Threshold[]) {
    const target = h('div', { class: 'plot' });
    const measured = points.some((point) => spec.series.some(({ key }) => point.vitals[key] !== undefined));
    this.root = h(
      'figure',
      { class: 'chart', 'data-chart': spec.id, 'aria-label': `${spec.title}, last hour` },
      h('h3', {}, spec.title),
      target,
      measured ? null : h('p', { class: 'muted' }, 'Not measured on this node in the last hour.'),
    );
    const maxThreshold = Math.max(0, ...thresholds.map((threshold) => threshold.value));
    const axis = {
      stroke: cssVar('--muted'),
      grid: { stroke: cssVar('--line') },
      ticks: { stroke: cssVar('--line') },
    };
    this.plot = new uPlot(
      {
        width: FALLBACK_WIDTH_PX,
        height: CHART_HEIGHT_PX,
        scales: {
          x: { time: true },
          // Ratios on 0–1; other units from 0 to above the highest threshold, so the line is always in view.
          y: spec.ratio
            ? { range: [0, 1] }
            : { range: (_chart, _min, max) => [0, Math.max(max ?? 0, maxThreshold) * 1.15 || 1] },
        },
        axes: [
          axis,
          { ...axis, size: 70, values: (_chart, ticks) => ticks.map((tick) => spec.format(tick)) },
        ],
        series: [
          {},
          ...spec.series.map(({ label }, index) => ({
            label,
            stroke: cssVar(SERIES_COLOURS[index % SERIES_COLOURS.length] ?? '--series-1'),
            width: 2,
            spanGaps: false,
            value: (_chart: uPlot, value: number | null) => (value === null ? '–' : spec.format(value)),
          })),
        ],
        plugins: [thresholdPlugin(thresholds)],
      },
      chartData(spec, points),
      target,
    );
    this.resize = new ResizeObserver(() => {
      const width = Math.floor(target.clientWidth);
      if (width > 0 && width !== this.plot.width) this.plot.setSize({ width, height: CHART_HEIGHT_PX });
    });
    this.resize.observe(target);
  }

  destroy(): void {
    this.resize.disconnect();
    this.plot.destroy();
  }
}
