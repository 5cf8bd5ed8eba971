import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartProps } from './Chart.tsx';

/**
 * The uPlot part of Chart.tsx, in a chunk of its own that the page loads when it first draws a chart:
 * the sign-in and the pages without charts never load it, and a browser where it cannot run keeps
 * the rest of the back office working.
 */

const HEIGHT = 260;
const BAR_COLOR = '#1f5fbf';
/** A bar below zero (the house lost): the colour of negative amounts in the tables. */
const NEGATIVE_BAR_COLOR = '#c2362f';
const LINE_COLOR = '#d98b00';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Room one axis label needs, in CSS pixels: labels are thinned to fit. */
const LABEL_WIDTH_PX = { days: 52, names: 90 };
const NAME_CHARS_MAX = 14;

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

function dayLabel(day: string): string {
  const [, month, date] = day.split('-');
  return `${MONTHS[Number(month) - 1]} ${Number(date)}`;
}

function shortName(name: string): string {
  return name.length > NAME_CHARS_MAX ? `${name.slice(0, NAME_CHARS_MAX - 1)}…` : name;
}

/** A money scale always shows its zero line, so a negative GGR hangs below it. */
function moneyRange(_u: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  const lo = Math.min(0, min ?? 0);
  const hi = Math.max(0, max ?? 0);
  if (lo === hi) return [0, 1];
  const pad = (hi - lo) * 0.08;
  return [lo < 0 ? lo - pad : 0, hi > 0 ? hi + pad : 0];
}

function options(props: ChartProps, width: number): uPlot.Options {
  const n = props.categories.length;
  const axisLabel = (i: number) => {
    const c = props.categories[i];
    if (c === undefined) return '';
    return props.days ? dayLabel(c) : shortName(c);
  };
  const labelWidth = props.days ? LABEL_WIDTH_PX.days : LABEL_WIDTH_PX.names;
  return {
    width,
    height: HEIGHT,
    padding: [12, 8, 0, 4],
    legend: { live: true },
    cursor: { points: { show: false }, drag: { x: false, y: false } },
    scales: {
      x: { time: false, range: () => [-0.5, n - 0.5] },
      money: { range: moneyRange },
      pct: { range: (_u, _min, max) => [0, Math.max(100, Math.ceil(((max ?? 0) * 1.1) / 10) * 10)] },
    },
    axes: [
      {
        scale: 'x',
        // Every label that fits: one in `step` when the plot is narrow.
        splits: (u) => {
          const plot_px = u.bbox.width / uPlot.pxRatio;
          const step = Math.max(1, Math.ceil((n * labelWidth) / Math.max(plot_px, 1)));
          return props.categories.map((_, i) => i).filter((i) => i % step === 0);
        },
        values: (_u, splits) => splits.map(axisLabel),
        grid: { show: false },
      },
      {
        scale: 'money',
        values: (_u, splits) => splits.map((v) => compact.format(v)),
        size: 56,
      },
      ...(props.line
        ? [
            {
              scale: 'pct',
              side: 1 as const,
              values: (_u: uPlot, splits: number[]) => splits.map((v) => `${v}%`),
              grid: { show: false },
              size: 52,
            },
          ]
        : []),
    ],
    series: [
      {
        label: props.days ? 'Day' : 'Name',
        value: (_u, i) => (i === null ? '—' : (props.categories[i] ?? '')),
      },
      {
        label: props.bars.label,
        scale: 'money',
        fill: BAR_COLOR,
        stroke: BAR_COLOR,
        width: 0, // no outline: uPlot colours each bar from `disp` only then
        paths: uPlot.paths.bars!({
          size: [0.7, 48],
          disp: {
            fill: {
              unit: 3, // the values are colours
              values: (u, series) =>
                (u.data[series] as (number | null)[]).map((v) => ((v ?? 0) < 0 ? NEGATIVE_BAR_COLOR : BAR_COLOR)),
            },
          },
        }),
        points: { show: false },
        value: (_u, v) => (v === null ? '—' : v.toLocaleString('en', { maximumFractionDigits: 2 })),
      },
      ...(props.line
        ? [
            {
              label: props.line.label,
              scale: 'pct',
              stroke: LINE_COLOR,
              width: 2,
              spanGaps: false,
              points: { show: n <= 40, size: 5, fill: LINE_COLOR },
              value: (_u: uPlot, v: number | null) => (v === null ? '—' : `${v.toFixed(2)} %`),
            },
          ]
        : []),
    ],
  };
}

/** Draws into `element`, following its width; returns the clean-up. */
export function drawChart(element: HTMLElement, props: ChartProps): () => void {
  const data: uPlot.AlignedData = [
    props.categories.map((_, i) => i),
    props.bars.values,
    ...(props.line ? [props.line.values] : []),
  ];
  const chart = new uPlot(options(props, element.clientWidth || 600), data, element);
  let width = element.clientWidth;
  const observer = new ResizeObserver(() => {
    if (element.clientWidth === width) return;
    width = element.clientWidth;
    chart.setSize({ width, height: HEIGHT });
  });
  observer.observe(element);
  return () => {
    observer.disconnect();
    chart.destroy();
  };
}
