import { useEffect, useRef } from 'preact/hooks';

const COLOURS = ['#2f6fdf', '#d9534f'];

/**
 * One small uPlot chart of a VM's recent rates: time along, one or two series up. uPlot is
 * loaded on first use, so that pages without charts do not carry it.
 */
export function MeterChart({ title, points, series, format }) {
  const box = useRef(null);
  const plot = useRef(null);

  useEffect(() => {
    let cancelled = false;
    const data = [points.map((p) => Date.parse(p.at) / 1000), ...series.map((s) => points.map(s.value))];
    if (plot.current) {
      plot.current.setData(data);
      return undefined;
    }
    Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([{ default: UPlot }]) => {
      if (cancelled || !box.current) return;
      plot.current = new UPlot({
        width: 300, height: 120, legend: { show: true },
        axes: [{}, { values: (_, ticks) => ticks.map(format), size: 80 }],
        series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: COLOURS[i], width: 1.5, value: (_, v) => (v == null ? '' : format(v)) }))],
      }, data, box.current);
    });
    return () => { cancelled = true; };
  }, [points]);

  useEffect(() => () => plot.current?.destroy(), []);

  return (
    <figure class="meter-chart" data-points={points.length}>
      <figcaption>{title}</figcaption>
      <div ref={box} />
    </figure>
  );
}
