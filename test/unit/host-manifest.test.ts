// package.json stays in step with the code: every command the host registers is contributed (category,
// titles of INTERFACES.md), the tool's JSON schema is the one the code uses and matches what the query
// validator accepts, every setting the host reads is declared, and activation/remote/trust are declared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMAND_IDS } from '../../src/host/commands';
import { QUERY_PARAMS_SCHEMA } from '../../src/core/query/schema';
import { runQuery } from '../../src/core/query/run';
import { createStore } from './helpers/store-fixture';
import { localizedManifest, settingsOf } from './helpers/manifest';

const pkg = localizedManifest();

test('commands: all registered ids contributed, category "Claude Costs", fixed titles', () => {
  const contributed = new Map<string, { title: string; category: string }>(pkg.contributes.commands.map((c: { command: string }) => [c.command, c]));
  for (const id of Object.values(COMMAND_IDS)) {
    assert.ok(contributed.has(id), `${id} contributed`);
    assert.equal(contributed.get(id)!.category, 'Claude Costs');
  }
  assert.equal(contributed.get('claudeCosts.openPanel')!.title, 'Open Costs Panel');
  assert.equal(contributed.get('claudeCosts.rescan')!.title, 'Rescan Transcripts');
  assert.equal(contributed.get('llm_costs_query')!.title, 'Query Usage (llm_costs_query)');
});

test('language-model tool: name, descriptions, schema identical to the code\'s', () => {
  const tools = pkg.contributes.languageModelTools;
  assert.equal(tools.length, 1);
  assert.equal(tools[0].name, 'llm_costs_query');
  assert.ok(tools[0].modelDescription.length > 100);
  assert.deepEqual(tools[0].inputSchema, JSON.parse(JSON.stringify(QUERY_PARAMS_SCHEMA)));
  assert.ok(pkg.activationEvents.includes('onLanguageModelTool:llm_costs_query'));
});

const NOW = Date.parse('2026-11-22T12:00:00Z');

test('the schema lists exactly the params the validator accepts', async () => {
  const db = await createStore();
  const samples: Record<string, unknown> = {
    window: 'last_7d', start_date: '2026-11-01', end_date: '2026-11-02', group_by: 'model', source: 'all', project: 'x',
    models: ['a'], execution_mode: 'cloud', compare: true, tz: 'UTC', limit: 5, anomalies: true,
  };
  assert.deepEqual(Object.keys(QUERY_PARAMS_SCHEMA.properties).sort(), Object.keys(samples).sort());
  for (const [k, v] of Object.entries(samples)) assert.doesNotThrow(() => runQuery(db, { [k]: v }, NOW), `param ${k}`);
  assert.throws(() => runQuery(db, { colour: 'red' }, NOW), /colour/);
});

test('every setting the host reads is declared; OAuth is off by default', () => {
  const props = settingsOf(pkg);
  const src = fs.readFileSync(path.resolve(__dirname, '../../src/host/settings.ts'), 'utf8');
  const keys = [...src.matchAll(/get\('([^']+)'\)/g)].map((m) => `claudeCosts.${m[1]}`);
  assert.ok(keys.length >= 15);
  for (const k of keys) assert.ok(props[k], `${k} declared in package.json`);
  assert.equal(props['claudeCosts.headroom.useOAuthUsageEndpoint'].default, false);
  assert.equal(props['claudeCosts.plan'].default, 'auto');
  assert.equal(props['claudeCosts.headroom.oauthPollSeconds'].minimum, 180);
});

test('activation, remote and trust declarations', () => {
  assert.ok(pkg.activationEvents.includes('onStartupFinished'));
  assert.deepEqual(pkg.extensionKind, ['workspace']);
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.deepEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.sort(), ['claudeCosts.apiLogs.paths', 'claudeCosts.priceOverrides', 'claudeCosts.roots']);
  assert.equal(pkg.capabilities.virtualWorkspaces, true);
  assert.equal(pkg.main, './dist/extension.js');
});

test('setting scopes: a workspace cannot point the paths elsewhere or turn on the network call; budgets are plain numbers', () => {
  const props = settingsOf(pkg);
  for (const k of ['claudeCosts.roots', 'claudeCosts.apiLogs.paths']) assert.equal(props[k].scope, 'machine', k);
  const application = Object.keys(props).filter((k) => k.startsWith('claudeCosts.chip.') || k.startsWith('claudeCosts.headroom.'));
  assert.ok(application.includes('claudeCosts.headroom.useOAuthUsageEndpoint') && application.length >= 10);
  for (const k of application) assert.equal(props[k].scope, 'application', k);
  for (const k of ['claudeCosts.budget.daily', 'claudeCosts.budget.monthly', 'claudeCosts.customPlanTokenLimit']) {
    assert.equal(props[k].type, 'number', `${k}: a number field in the Settings editor`);
    assert.equal(props[k].default, 0, `${k}: 0 = none`);
    assert.equal(props[k].minimum, 0);
  }
});

test('manifest craft: every manifest string localized, settings in titled ordered sections with markdown, links, categories', () => {
  const raw = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));
  const sections = raw.contributes.configuration;
  assert.ok(Array.isArray(sections) && sections.length >= 3, 'settings are split into sections');
  const orders = new Set<number>();
  for (const section of sections) {
    assert.match(section.title, /^%config\.section\.\w+%$/, 'section title comes from package.nls.json');
    assert.equal(typeof section.order, 'number');
    orders.add(section.order);
    for (const [key, schema] of Object.entries<any>(section.properties)) {
      assert.match(schema.markdownDescription ?? '', /^%.+%$/, `${key}: localized markdownDescription`);
      assert.equal(schema.description, undefined, `${key}: markdownDescription only`);
      assert.equal(typeof schema.order, 'number', `${key}: order`);
    }
  }
  assert.equal(orders.size, sections.length, 'section orders are distinct');
  for (const c of raw.contributes.commands) assert.match(c.title, /^%.+%$/, `${c.command}: localized title`);
  assert.match(raw.displayName, /^%.+%$/);
  assert.match(raw.description, /^%.+%$/);
  for (const category of ['AI', 'Chat']) assert.ok(raw.categories.includes(category), category);
  // The repository is not public yet: no guessed links (scripts/package.mjs packages with
  // --allow-missing-repository). Once it is, repository, bugs and homepage name that one repository.
  const repo = raw.repository?.url as string | undefined;
  if (repo !== undefined || raw.bugs !== undefined || raw.homepage !== undefined) {
    const base = (repo ?? '').replace(/\.git$/, '');
    assert.match(base, /^https:\/\/\S+$/, 'repository.url');
    assert.equal(raw.bugs?.url, `${base}/issues`, 'bugs.url is the repository\'s issues');
    assert.ok(String(raw.homepage).startsWith(base), 'homepage is in the repository');
  }
  // A command shown as a button in a menu needs an icon.
  const byId = new Map<string, any>(raw.contributes.commands.map((c: { command: string }) => [c.command, c]));
  for (const [menu, items] of Object.entries<any[]>(raw.contributes.menus)) {
    if (menu === 'commandPalette') continue;
    for (const item of items) if (String(item.group ?? '').startsWith('navigation')) assert.ok(byId.get(item.command)?.icon, `${item.command} in ${menu} has an icon`);
  }
});

test('walkthrough: at least three localized steps, each with a markdown page that ships', () => {
  const raw = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));
  const [walkthrough] = raw.contributes.walkthroughs;
  assert.ok(walkthrough.steps.length >= 3);
  for (const step of walkthrough.steps) {
    assert.match(step.title, /^%.+%$/);
    assert.match(step.description, /^%.+%$/);
    assert.ok(fs.existsSync(path.resolve(__dirname, '../..', step.media.markdown)), step.media.markdown);
    assert.ok(step.completionEvents.length > 0, `${step.id} completes`);
  }
  // Each step's link runs one of our commands (or the chat).
  const english = localizedManifest().contributes.walkthroughs[0];
  for (const step of english.steps) assert.match(step.description, /\]\(command:[\w.]+/, `${step.id} has a command link`);
  assert.match(english.steps[0].description, /Nothing leaves your machine by default/);
});
