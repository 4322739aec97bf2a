// 0.1.0 wrote `null` for "no budget"; the settings are plain numbers now (0 = none): nulls are removed
// from user and workspace settings, numbers are kept, and the reader treats 0 and a leftover null alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migrateNullSettings, type MigratableConfig } from '../../src/host/settingsMigration';
import { readSettings } from '../../src/host/settings';

function fakeConfig(values: Record<string, { globalValue?: unknown; workspaceValue?: unknown }>) {
  const updates: Array<[string, unknown, number]> = [];
  const config: MigratableConfig = {
    inspect: (key) => values[key],
    update: async (key, value, target) => {
      updates.push([key, value, target]);
      const v = values[key];
      if (target === 1) delete v.globalValue;
      else delete v.workspaceValue;
    },
  };
  return { config, updates, values };
}

test('null budgets and custom limit are removed from user and workspace settings; numbers stay', async () => {
  const { config, updates, values } = fakeConfig({
    'budget.daily': { globalValue: null },
    'budget.monthly': { globalValue: 120, workspaceValue: null },
    customPlanTokenLimit: { workspaceValue: null },
  });
  const changed = await migrateNullSettings(config);
  assert.deepEqual(changed, ['budget.daily (user)', 'budget.monthly (workspace)', 'customPlanTokenLimit (workspace)']);
  assert.deepEqual(updates, [['budget.daily', undefined, 1], ['budget.monthly', undefined, 2], ['customPlanTokenLimit', undefined, 2]]);
  assert.equal(values['budget.monthly'].globalValue, 120);
  // Run again: nothing left to do.
  assert.deepEqual(await migrateNullSettings(config), []);
});

test('0 and null both mean "no custom limit" to the reader', () => {
  for (const v of [0, null, undefined, -5]) {
    assert.equal(readSettings((k) => (k === 'customPlanTokenLimit' ? v : undefined)).customPlanTokenLimit, null, String(v));
  }
  assert.equal(readSettings((k) => (k === 'customPlanTokenLimit' ? 50_000 : undefined)).customPlanTokenLimit, 50_000);
});
