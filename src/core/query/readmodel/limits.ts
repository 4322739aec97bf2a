// The Limits section of the read model: built by limits/limitsSection.ts for the panel's range. Blocks
// and limits are account-wide (every project, Claude Code only); the cache figures follow the filter.
import type { Database } from '../../store/sqljs';
import { buildLimitsSection, type LimitsSection } from '../limitsSection';
import type { StatusOptions } from '../../limits/status';
import type { PanelFilter } from './filterState';

export function limitsFor(db: Database, filter: PanelFilter, range: { startMs: number; endMs: number }, nowMs: number, status?: StatusOptions): LimitsSection {
  return buildLimitsSection(db, nowMs, {
    startMs: range.startMs,
    endMs: range.endMs,
    tz: filter.tz,
    filter: { source: filter.source, project: filter.project, models: filter.models, executionMode: null, tz: filter.tz },
    status,
  });
}
