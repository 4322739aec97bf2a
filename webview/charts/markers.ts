// Unusual-spending markers: a small triangle above each flagged day's bar (the read model's
// `anomalies.days`, judged by the core; this only draws them). The days drawn are also written to the
// canvas's data-unusual-days attribute, so tests and assistive tools can tell which bars carry one.
import type { Chart, Plugin } from 'chart.js';
import type { PanelReadModel } from '../../src/protocol';

/** Indices into `m.daily` of the flagged days, with their figures. */
export function flaggedDays(m: PanelReadModel): Map<number, PanelReadModel['anomalies']['days'][number]> {
  const byDay = new Map(m.anomalies.days.map((a) => [a.day, a]));
  const out = new Map<number, PanelReadModel['anomalies']['days'][number]>();
  m.daily.forEach((d, i) => {
    const a = byDay.get(d.day);
    if (a) out.set(i, a);
  });
  return out;
}

/** Top pixel of the bars drawn at category `index` (the highest of a stack). */
function barTop(chart: Chart, index: number): number | null {
  let top: number | null = null;
  chart.data.datasets.forEach((_, di) => {
    const meta = chart.getDatasetMeta(di);
    if (meta.type !== 'bar' || meta.hidden) return;
    const el = meta.data[index] as unknown as { y: number; base: number } | undefined;
    if (!el || !Number.isFinite(el.y)) return;
    top = top === null ? el.y : Math.min(top, el.y);
  });
  return top;
}

/** A chart plugin that marks the categories in `indices` (the days of `m.daily`) with `color`. */
export function unusualDayMarkers(m: PanelReadModel, indices: ReadonlySet<number>, color: string): Plugin {
  return {
    id: 'unusualDayMarkers',
    afterDatasetsDraw(chart) {
      const x = chart.scales.x;
      const ctx = chart.ctx;
      const drawn: string[] = [];
      const lo = typeof x.min === 'number' ? x.min : 0;
      const hi = typeof x.max === 'number' ? x.max : m.daily.length - 1;
      for (const i of indices) {
        if (i < lo || i > hi) continue;
        const top = barTop(chart, i);
        if (top === null) continue;
        const px = x.getPixelForValue(i);
        const y = top - 3;
        ctx.save();
        ctx.fillStyle = color;
        ctx.beginPath();
        ctx.moveTo(px - 5, y - 8);
        ctx.lineTo(px + 5, y - 8);
        ctx.lineTo(px, y);
        ctx.closePath();
        ctx.fill();
        ctx.restore();
        drawn.push(m.daily[i].day);
      }
      chart.canvas.dataset.unusualDays = drawn.join(' ');
    },
  };
}
