// The filter controls: every project and model in the store (models grouped by family, scoped to
// the picked provider) and the providers with the models each served.
import { SOURCE_IDS } from '../../store/schema';
import { selectAll } from '../../store/sqljs';
import type { Database, SqlValue } from '../../store/sqljs';
import type { Dictionaries } from './compileFilter';
import { MODEL_FAMILIES, modelFamily } from './families';
import type { ModelFamily } from './families';
import { NO_BRANCH_FILTER } from './filterState';
import type { PanelFilter } from './filterState';
import { CLAUDE_CODE_PROVIDER, UNKNOWN_PROVIDER } from './types';
import type { ModelRow, PanelReadModel } from './types';

export function filterControls(
  db: Database, dict: Dictionaries, filter: PanelFilter, modelRows: ModelRow[], internalAvailable: boolean,
): PanelReadModel['available'] {
  const unpricedModels = new Set(modelRows.filter((r) => r.unpriced).map((r) => r.model));
  const providers = internalAvailable ? providerModels(db, dict) : [];
  // A picked provider scopes the chips to the models it served.
  const scope = filter.provider == null ? null : new Set(providers.find((p) => p.name === filter.provider)?.models ?? []);
  const families = new Map<ModelFamily, { id: string; unpriced: boolean }[]>();
  for (const id of [...dict.models.values()].sort()) {
    if (scope && !scope.has(id)) continue;
    const fam = modelFamily(id);
    if (!families.has(fam)) families.set(fam, []);
    families.get(fam)!.push({ id, unpriced: unpricedModels.has(id) });
  }
  return {
    projects: [...new Set(dict.projects.values())].sort((a, b) => a.localeCompare(b)),
    models: MODEL_FAMILIES.filter((f) => families.has(f)).map((family) => ({ family, models: families.get(family)! })),
    providers,
    branches: [...[...new Set(dict.branches.values())].sort((a, b) => a.localeCompare(b)), NO_BRANCH_FILTER],
  };
}

/** Which (source, provider, model) combinations the store holds, kept per database and read incrementally. */
interface ProviderModelIndex { maxId: number; pairs: Set<string> }
const providerIndexCache = new WeakMap<Database, ProviderModelIndex>();

/**
 * Providers with the models each served. The combinations are read once per database and then only
 * from rows added since (ids only grow; a dedup update keeps its row's provider and model), so the
 * panel does not scan `requests` on every refresh.
 */
function providerModels(db: Database, dict: Dictionaries): { name: string; models: string[] }[] {
  let index = providerIndexCache.get(db);
  if (!index) providerIndexCache.set(db, (index = { maxId: 0, pairs: new Set() }));
  const maxId = Number(selectAll<{ v: SqlValue }>(db, 'SELECT MAX(id) AS v FROM requests')[0]?.v ?? 0);
  if (maxId < index.maxId) { // a rebuilt store
    index.pairs.clear();
    index.maxId = 0;
  }
  if (maxId > index.maxId) {
    for (const r of selectAll<{ s: number; p: SqlValue; m: number }>(
      db, 'SELECT DISTINCT source AS s, provider_id AS p, model_id AS m FROM requests WHERE id > ?', [index.maxId],
    )) index.pairs.add(`${r.s}:${r.p ?? ''}:${r.m}`);
    index.maxId = maxId;
  }
  const byProvider = new Map<string, Set<string>>();
  for (const key of index.pairs) {
    const [source, provider, model] = key.split(':');
    const name = Number(source) === SOURCE_IDS.claude_code ? CLAUDE_CODE_PROVIDER
      : provider === '' ? UNKNOWN_PROVIDER : dict.providers.get(Number(provider)) ?? UNKNOWN_PROVIDER;
    const modelName = dict.models.get(Number(model));
    if (modelName === undefined) continue;
    if (!byProvider.has(name)) byProvider.set(name, new Set());
    byProvider.get(name)!.add(modelName);
  }
  return [...byProvider].map(([name, models]) => ({ name, models: [...models].sort() })).sort((a, b) => a.name.localeCompare(b.name));
}
