// Click to drill down: what each drill target does to the filter, and the Back stack of the filters
// left behind. Plain data (no DOM), so the rules are unit-tested in Node.
//
// A new dimension is one more entry: a union member here, its case in drillFilter, drillSubject and
// restoreTrail (the branch row is one: project and branch together).
import type { PanelFilter } from '../src/protocol';

export type DrillTarget =
  /** A day bar: that local day alone (a ≤ 48 h range, so the activity series shows at 15 min). */
  | { kind: 'day'; day: string }
  /** A model slice or row: only that model. */
  | { kind: 'model'; model: string }
  /** A project row: only that project. */
  | { kind: 'project'; project: string }
  /** A session row: only that session (`label` is its title, for the Back button). */
  | { kind: 'session'; session: string; label: string }
  /** A Branches row: that project's branch (NO_BRANCH_FILTER for requests without one). */
  | { kind: 'branch'; project: string; branch: string }
  /** A heatmap cell: that weekday (0 = Monday) and hour in the zone, across the range. */
  | { kind: 'slot'; weekday: number; hour: number };

/** One step of the Back stack: where it went and the whole filter it left. */
export interface DrillStep { target: DrillTarget; before: PanelFilter }

/** The longest Back stack kept (older steps fall off the bottom). */
export const MAX_DRILL_STEPS = 20;

/** The filter fields a drill-down sets. */
export function drillFilter(target: DrillTarget): Partial<PanelFilter> {
  switch (target.kind) {
    case 'day': return { range: 'custom', from: target.day, until: target.day, interval: '15m' };
    case 'model': return { models: [target.model] };
    case 'project': return { project: target.project };
    case 'session': return { session: target.session };
    case 'branch': return { project: target.project, branch: target.branch };
    case 'slot': return { slot: { weekday: target.weekday, hour: target.hour } };
  }
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** A short name of the target (the crumb and the Back button's tooltip); the caller translates the kind. */
export function drillSubject(target: DrillTarget): string {
  switch (target.kind) {
    case 'day': return target.day;
    case 'model': return target.model;
    case 'project': return target.project;
    case 'session': return target.label;
    case 'branch': return `${target.project} · ${target.branch}`;
    case 'slot': return `${WEEKDAYS[target.weekday] ?? '?'} ${String(target.hour).padStart(2, '0')}:00–${String(target.hour + 1).padStart(2, '0')}:00`;
  }
}

/** True when drilling to `target` from `filter` would change nothing (a second click on the same bar). */
export function isNoOp(filter: PanelFilter, target: DrillTarget): boolean {
  const next = { ...filter, ...drillFilter(target) };
  return JSON.stringify(next) === JSON.stringify({ ...filter });
}

/** Drills from `current` to `target`: the new filter and the stack with one more step. */
export function drillDown(trail: readonly DrillStep[], current: PanelFilter, target: DrillTarget): { filter: PanelFilter; trail: DrillStep[] } {
  const filter = { ...current, ...drillFilter(target) };
  return { filter, trail: [...trail, { target, before: current }].slice(-MAX_DRILL_STEPS) };
}

/** One step back: the filter of before the last drill-down, or null when there is none. */
export function drillBack(trail: readonly DrillStep[]): { filter: PanelFilter; trail: DrillStep[] } | null {
  const last = trail.at(-1);
  return last ? { filter: last.before, trail: trail.slice(0, -1) } : null;
}

/** A Back stack restored from webview state (untrusted shape): the steps that still look right. */
export function restoreTrail(raw: unknown, valid: (f: unknown) => PanelFilter | null): DrillStep[] {
  if (!Array.isArray(raw)) return [];
  const out: DrillStep[] = [];
  for (const s of raw.slice(-MAX_DRILL_STEPS)) {
    if (typeof s !== 'object' || s === null) continue;
    const step = s as { target?: Partial<DrillTarget> & Record<string, unknown>; before?: unknown };
    const before = valid(step.before);
    const t = step.target;
    if (!before || !t || typeof t.kind !== 'string') continue;
    const str = (k: string) => typeof t[k] === 'string';
    const ok = (t.kind === 'day' && str('day')) || (t.kind === 'model' && str('model')) || (t.kind === 'project' && str('project'))
      || (t.kind === 'session' && str('session') && str('label'))
      || (t.kind === 'branch' && str('project') && str('branch'))
      || (t.kind === 'slot' && Number.isInteger(t.weekday) && Number.isInteger(t.hour) && (t.weekday as number) >= 0 && (t.weekday as number) <= 6
        && (t.hour as number) >= 0 && (t.hour as number) <= 23);
    if (ok) out.push({ target: t as DrillTarget, before });
  }
  return out;
}
