import { useEffect, useRef, useState } from 'react';

/**
 * Bars of an amount (left axis) and a line of RTP in percent (right axis) over categories: days or the
 * names of providers, games or players. Drawn with uPlot on a canvas (see README, "Chart library"),
 * loaded with the first chart (chart-draw.ts); the table beside it holds the exact figures — a chart
 * only plots them.
 */
export interface ChartProps {
  /** What the chart shows, for screen readers (the table beside it carries the figures). */
  label: string;
  /** One per point: a day (YYYY-MM-DD) or a name. */
  categories: string[];
  /** Labels days as "Nov 30" on the axis and in the legend. */
  days?: boolean;
  bars: { label: string; values: (number | null)[] };
  line?: { label: string; values: (number | null)[] };
}

export function Chart(props: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | null>(null);
  // Drawn again only when what it shows changes, not on every render of the page.
  const shown = JSON.stringify(props);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    let destroy: (() => void) | undefined;
    let live = true;
    import('./chart-draw.ts').then(
      ({ drawChart }) => {
        if (live) destroy = drawChart(element, props);
      },
      (error: unknown) => live && setFailed(error instanceof Error ? error.message : String(error)),
    );
    return () => {
      live = false;
      destroy?.();
    };
  }, [shown]); // `shown` is the props, compared by value

  if (failed) {
    return (
      <p className="muted chart-failed">
        The chart could not be drawn in this browser ({failed}); the table has every figure.
      </p>
    );
  }
  return <div className="chart" ref={box} role="img" aria-label={props.label} />;
}
