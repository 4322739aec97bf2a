// Chart configurations built from the read model (formatting only) and the current theme.
import type { ChartConfiguration, ChartOptions, ChartType, TooltipCallbacks, TooltipItem } from 'chart.js';
import type { PanelReadModel, PanelView } from '../../src/protocol';
import type { Theme } from '../theme';
import { alpha } from '../theme';
import { compact, dayFull, dayLabel, dateTimeFull, pct, timeLabel, usd } from '../format';
import type { ChartBuilder } from './chart-card';
import { t } from '../l10n';

const baseOptions = (th: Theme) => ({
  responsive: true,
  maintainAspectRatio: false,
  animation: false as const,
  interaction: { mode: 'index' as const, intersect: false },
  plugins: {
    legend: { position: 'bottom' as const, labels: { boxWidth: 10, boxHeight: 10, color: th.fg, padding: 10 } },
    tooltip: {
      backgroundColor: th.kind === 'light' || th.kind === 'hc-light' ? 'rgba(255,255,255,0.97)' : 'rgba(30,30,30,0.95)',
      // Every text colour is set: Chart.js's default footer is white, invisible on a light tooltip.
      titleColor: th.fg, bodyColor: th.fg, footerColor: th.fg, borderColor: th.grid, borderWidth: 1, padding: 8, boxPadding: 4,
    },
  },
});

/**
 * The options of one chart: the shared look (theme colours, legend, tooltip box) with the chart's own
 * scales and tooltip text, and any other option of its own (e.g. `interaction`).
 */
function chartOptions<T extends ChartType>(
  th: Theme, own: Omit<ChartOptions<T>, 'plugins'> & { callbacks: Partial<TooltipCallbacks<T>> },
): ChartOptions<T> {
  const base = baseOptions(th);
  const { callbacks, ...rest } = own;
  return { ...base, ...rest, plugins: { ...base.plugins, tooltip: { ...base.plugins.tooltip, callbacks } } } as ChartOptions<T>;
}

/** One label per day of the daily series (shorter when there are many). */
const dayLabels = (m: PanelReadModel) => m.daily.map((d) => dayLabel(d.day, m.daily.length));

/** Scales of the stacked per-day bar charts: days along x, the stacked values (formatted by `format`) up y. */
function stackedDayScales(th: Theme, format: (v: number) => string) {
  return {
    x: { stacked: true, grid: { display: false }, ticks: { autoSkip: true, maxRotation: 0, color: th.muted } },
    y: { stacked: true, beginAtZero: true, ticks: { callback: (v: string | number) => format(Number(v)), color: th.muted }, grid: { color: th.grid } },
  };
}

/** Bucket colours: input / output / cache write / cache read. */
export function bucketColors(th: Theme): string[] {
  return [th.blue, th.orange, th.purple, th.green];
}

export const familyColor = (th: Theme, family: string, i: number): string => {
  const palette = [th.blue, th.orange, th.green, th.purple, th.yellow, th.red];
  if (family === 'opus') return [th.purple, th.red][i % 2];
  if (family === 'sonnet') return [th.blue, th.green][i % 2];
  if (family === 'haiku') return [th.yellow, th.orange][i % 2];
  return palette[i % palette.length];
};

/** The footer of a per-day / per-interval token tooltip: the total and what it cost, on their own lines. */
export function dayTotalsFooter(p: { total_tokens: number; cost_usd: number; requests: number }): string[] {
  const requests = p.requests === 1 ? t('1 request') : t('{0} requests', p.requests.toLocaleString('en-US'));
  return [t('Total: {0} tokens', compact(p.total_tokens)), t('Cost: {0} ({1})', usd(p.cost_usd), requests)];
}

/** The four token buckets' names, in the stacks' order. */
const bucketNames = (): string[] => [t('Input'), t('Output'), t('Cache write'), t('Cache read')];

// A zero is drawn as nothing (null): Chart.js's minBarLength would otherwise give it a sliver.
const orNull = (v: number) => (v > 0 ? v : null);

export function dailyTokens(m: PanelReadModel): ChartBuilder {
  return (th) => {
    const colors = bucketColors(th);
    const keys = ['input_tokens', 'output_tokens', 'cache_creation_tokens', 'cache_read_tokens'] as const;
    const names = bucketNames();
    const cfg: ChartConfiguration<'bar'> = {
      type: 'bar',
      data: {
        labels: dayLabels(m),
        datasets: keys.map((k, i) => ({
          label: names[i], data: m.daily.map((d) => orNull(d[k])) as number[],
          backgroundColor: colors[i], borderWidth: 0, minBarLength: 2, stack: 'tokens',
        })),
      },
      options: chartOptions<'bar'>(th, {
        scales: stackedDayScales(th, compact),
        callbacks: {
          title: (items) => dayFull(m.daily[items[0].dataIndex].day),
          label: (item) => ` ${item.dataset.label}: ${compact(m.daily[item.dataIndex][keys[item.datasetIndex]])}`,
          footer: (items) => dayTotalsFooter(m.daily[items[0].dataIndex]),
        },
      }),
    };
    return cfg as ChartConfiguration;
  };
}

export function dailyCost(m: PanelReadModel): ChartBuilder {
  return (th) => {
    const cfg: ChartConfiguration<'bar' | 'line'> = {
      type: 'bar',
      data: {
        labels: dayLabels(m),
        datasets: [
          {
            type: 'bar', label: t('Cost per day'), data: m.daily.map((d) => orNull(d.cost_usd)) as number[],
            backgroundColor: alpha(th.blue, 0.85), borderWidth: 0, minBarLength: 2, yAxisID: 'y', order: 2,
          },
          {
            // Null after today: the line stops there instead of running flat through the future.
            type: 'line', label: t('Cumulative'), data: m.daily.map((d) => d.cumulativeCost) as number[],
            borderColor: th.orange, backgroundColor: th.orange, borderWidth: 2, pointRadius: 0, pointHoverRadius: 3,
            tension: 0.2, yAxisID: 'y1', order: 1,
          },
        ],
      },
      options: chartOptions<'bar' | 'line'>(th, {
        scales: {
          x: { grid: { display: false }, ticks: { autoSkip: true, maxRotation: 0, color: th.muted } },
          y: { beginAtZero: true, position: 'left', ticks: { callback: (v) => usd(Number(v)), color: th.muted }, grid: { color: th.grid } },
          y1: { beginAtZero: true, position: 'right', ticks: { callback: (v) => usd(Number(v)), color: th.muted }, grid: { display: false } },
        },
        callbacks: {
          title: (items) => dayFull(m.daily[items[0].dataIndex].day),
          label: (item) => {
            const d = m.daily[item.dataIndex];
            return item.datasetIndex === 0 ? ` ${t('Cost: {0} ({1})', usd(d.cost_usd), d.requests === 1 ? t('1 request') : t('{0} requests', d.requests))}`
              : ` ${t('Cumulative: {0}', usd(d.cumulativeCost ?? 0))}`;
          },
        },
      }),
    };
    return cfg as ChartConfiguration;
  };
}

export function mainVsSubagent(m: PanelReadModel, view: PanelView): ChartBuilder {
  return (th) => {
    const main = m.daily.map((d) => orNull(view === 'cost' ? d.mainCost : d.mainTokens));
    const sub = m.daily.map((d) => orNull(view === 'cost' ? d.subagentCost : d.subagentTokens));
    const fmt = (v: number) => (view === 'cost' ? usd(v) : compact(v));
    const cfg: ChartConfiguration<'bar'> = {
      type: 'bar',
      data: {
        labels: dayLabels(m),
        datasets: [
          { label: t('Main agent'), data: main as number[], backgroundColor: th.blue, borderWidth: 0, minBarLength: 2, stack: 's' },
          { label: t('Subagents'), data: sub as number[], backgroundColor: th.purple, borderWidth: 0, minBarLength: 2, stack: 's' },
        ],
      },
      options: chartOptions<'bar'>(th, {
        scales: stackedDayScales(th, fmt),
        callbacks: {
          title: (items) => dayFull(m.daily[items[0].dataIndex].day),
          label: (item: TooltipItem<'bar'>) => {
            const d = m.daily[item.dataIndex];
            const v = item.datasetIndex === 0 ? (view === 'cost' ? d.mainCost : d.mainTokens) : (view === 'cost' ? d.subagentCost : d.subagentTokens);
            return ` ${item.dataset.label}: ${fmt(v)}`;
          },
        },
      }),
    };
    return cfg as ChartConfiguration;
  };
}

export function modelDoughnut(m: PanelReadModel, view: PanelView): ChartBuilder {
  return (th) => {
    const slices = m.modelSlices.filter((s) => (view === 'cost' ? s.cost_usd : s.total_tokens) > 0);
    const cfg: ChartConfiguration<'doughnut'> = {
      type: 'doughnut',
      data: {
        labels: slices.map((s) => `${s.model}  ${pct(view === 'cost' ? s.costPct : s.tokenPct)}`),
        datasets: [{
          data: slices.map((s) => (view === 'cost' ? s.cost_usd : s.total_tokens)),
          backgroundColor: (() => {
            // Colour by family, varying within a family (Opus purple/red, Sonnet blue/green, …).
            const seen = new Map<string, number>();
            return slices.map((s) => {
              const n = seen.get(s.family) ?? 0;
              seen.set(s.family, n + 1);
              return familyColor(th, s.family, s.family === 'other' ? seen.size + n : n);
            });
          })(),
          borderColor: th.bg, borderWidth: 2,
        }],
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false, cutout: '62%',
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 10, boxHeight: 10, color: th.fg, padding: 8 } },
          tooltip: {
            ...baseOptions(th).plugins.tooltip,
            callbacks: {
              label: (item) => {
                const s = slices[item.dataIndex];
                return ` ${s.model}: ${view === 'cost' ? `${usd(s.cost_usd)} (${pct(s.costPct)})` : t('{0} tokens ({1})', compact(s.total_tokens), pct(s.tokenPct))}`;
              },
            },
          },
        },
      },
    };
    return cfg as ChartConfiguration;
  };
}

export function timeSeries(m: PanelReadModel, view: PanelView): ChartBuilder {
  return (th) => {
    const pts = m.timeSeries?.points ?? [];
    const tz = m.window.tz;
    const fmt = (v: number) => (view === 'cost' ? usd(v) : compact(v));
    const cfg: ChartConfiguration<'bar'> = {
      type: 'bar',
      data: {
        labels: pts.map((p) => timeLabel(p.startMs, tz)),
        datasets: view === 'cost'
          ? [{ label: t('Cost'), data: pts.map((p) => orNull(p.cost_usd)) as number[], backgroundColor: th.blue, borderWidth: 0, minBarLength: 2 }]
          : (['input_tokens', 'output_tokens', 'cache_creation_tokens', 'cache_read_tokens'] as const).map((k, i) => ({
            label: bucketNames()[i], data: pts.map((p) => orNull(p[k])) as number[],
            backgroundColor: bucketColors(th)[i], borderWidth: 0, minBarLength: 2, stack: 'tokens',
          })),
      },
      options: chartOptions<'bar'>(th, {
        scales: stackedDayScales(th, fmt),
        callbacks: {
          title: (items) => dateTimeFull(pts[items[0].dataIndex].startMs, tz),
          footer: (items) => dayTotalsFooter(pts[items[0].dataIndex]),
        },
      }),
    };
    return cfg as ChartConfiguration;
  };
}

/**
 * Duration vs output tokens of API-log calls: successful calls blue, failed ones red. A bucketed point
 * stands for several calls (the host folds them into a grid beyond 2,000); its radius grows with the
 * square root of its count so the area reads as "how many".
 */
export function durationScatter(m: PanelReadModel): ChartBuilder {
  return (th) => {
    const s = m.scatter!;
    const radius = (calls: number) => (s.bucketed ? Math.min(9, 2.5 + Math.sqrt(calls)) : 3);
    // A bucketed point counts as failed when at least half of its calls failed.
    const isFailed = (p: (typeof s.points)[number]) => p.failed > 0 && p.failed * 2 >= p.calls;
    const okPoints = s.points.filter((p) => !isFailed(p));
    const failed = s.points.filter(isFailed);
    const seconds = (ms: number) => (ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`);
    const dataset = (label: string, pts: typeof s.points, color: string) => ({
      label, data: pts.map((p) => ({ x: p.tokens, y: p.durationMs / 1000 })),
      backgroundColor: alpha(color, 0.55), borderColor: color, borderWidth: 1,
      pointRadius: pts.map((p) => radius(p.calls)), pointHoverRadius: pts.map((p) => radius(p.calls) + 2),
    });
    const sets = [dataset(s.bucketed ? t('Mostly successful') : t('Succeeded'), okPoints, th.blue), dataset(s.bucketed ? t('Mostly failed') : t('Failed'), failed, th.red)];
    const lists = [okPoints, failed];
    const cfg: ChartConfiguration<'scatter'> = {
      type: 'scatter',
      data: { datasets: sets },
      options: chartOptions<'scatter'>(th, {
        interaction: { mode: 'nearest', intersect: true },
        scales: {
          x: { beginAtZero: true, title: { display: true, text: t('output tokens'), color: th.muted }, ticks: { callback: (v) => compact(Number(v)), color: th.muted }, grid: { color: th.grid, lineWidth: 0.5 } },
          y: { beginAtZero: true, title: { display: true, text: t('duration (s)'), color: th.muted }, ticks: { callback: (v) => `${Number(v)} s`, color: th.muted }, grid: { color: th.grid, lineWidth: 0.5 } },
        },
        callbacks: {
          label: (item: TooltipItem<'scatter'>) => {
            const p = lists[item.datasetIndex][item.dataIndex];
            const what = p.calls > 1 ? t('{0} calls, mean', p.calls) : p.failed ? t('failed call') : t('call');
            const failedNote = p.calls > 1 && p.failed ? ` ${t('({0} failed)', p.failed)}` : '';
            return ` ${what}: ${t('{0} output tokens in {1}', compact(p.tokens), seconds(p.durationMs))}${failedNote}`;
          },
        },
      }),
    };
    return cfg as ChartConfiguration;
  };
}
