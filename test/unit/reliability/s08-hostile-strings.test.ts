// Scenario 8 (data half): hostile strings in project paths, session titles, model ids and tool names are
// stored and returned verbatim as data — by llm_costs_query (every grouping), the CLI's JSON and the
// panel's read model. (That the panel renders them as inert text is the panel's Chromium test, which
// reuses test/fixtures/hostile.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Engine } from '../../../src/core/engine';
import { main } from '../../../src/cli';
import { DEFAULT_PANEL_FILTER } from '../../../src/protocol';
import { writeHostileCorpus, TITLE_MAX_CHARS, type HostileCorpus } from '../../fixtures/hostile/generate';
import { tempDir } from './helpers';

const work = tempDir('hostile');
let corpus: HostileCorpus;
let engine: Engine;
const NOW = Date.parse('2026-06-10T12:00:00Z');

before(async () => {
  corpus = writeHostileCorpus(path.join(work, 'claude'), { endMs: NOW - 60_000 });
  engine = await Engine.open({ dbPath: null, configDirs: [corpus.configDir] });
  const s = await engine.scan();
  assert.equal(s.badLines, 0);
  assert.equal(s.newRequests, corpus.totals.requests);
});
after(async () => {
  await engine.close();
  fs.rmSync(work, { recursive: true, force: true });
});

const storedTitle = (t: string) => t.slice(0, TITLE_MAX_CHARS);

test('scenario 8: llm_costs_query returns every hostile project, model, tool and title verbatim', async () => {
  const by = async (group_by: string) => (await engine.query({ window: 'all', group_by, limit: 1000, tz: 'UTC' }, NOW)).groups ?? [];
  const projects = await by('project');
  const models = await by('model');
  const tools = await by('tool');
  const sessions = await by('session');
  for (const s of corpus.sessions) {
    assert.ok(projects.some((g) => g.label === s.projectName && g.requests === s.requests), `project ${s.key}`);
    assert.ok(models.some((g) => g.key === s.model && g.label === s.model), `model ${s.key}`);
    assert.ok(tools.some((g) => g.key === s.tool && g.label === s.tool), `tool ${s.key}`);
    assert.ok(sessions.some((g) => g.key === s.sessionId && g.label === storedTitle(s.title)), `session title ${s.key}`);
  }
  // The strings are filters too: a project substring and an exact model id select exactly their rows.
  for (const s of corpus.sessions.slice(0, 5)) {
    const r = await engine.query({ window: 'all', models: [s.model], tz: 'UTC' }, NOW);
    assert.equal(r.totals.requests, s.requests, s.key);
  }
  assert.equal((await engine.query({ window: 'all', project: '<script>', tz: 'UTC' }, NOW)).totals.requests, 2);
});

test('scenario 8: the CLI prints them as JSON string data (parsed back verbatim)', async () => {
  const dbPath = path.join(work, 'cli.sqlite');
  for (const group_by of ['project', 'model', 'tool', 'session']) {
    let out = '';
    const code = await main(['query', '--db', dbPath, '--config-dir', corpus.configDir, '--params', JSON.stringify({ window: 'all', group_by, limit: 1000 })], (s) => (out += s));
    assert.equal(code, 0);
    const parsed = JSON.parse(out) as { groups: Array<{ key: string; label: string }> };
    const want = corpus.sessions.map((s) => (group_by === 'project' ? s.projectName : group_by === 'model' ? s.model : group_by === 'tool' ? s.tool : storedTitle(s.title)));
    for (const w of want) assert.ok(parsed.groups.some((g) => g.label === w), `${group_by}: ${w.slice(0, 40)}`);
    // Nothing in the output is a raw control character: JSON escapes them (one line per value).
    // eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
    assert.ok(!/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(out));
  }
});

test('scenario 8: the panel read model carries them verbatim (the webview renders them as text)', async () => {
  const model = await engine.readModel({ ...DEFAULT_PANEL_FILTER, range: 'all', tz: 'UTC' }, NOW);
  const projects = model.projects.rows.map((r) => r.project);
  const models = model.models.rows.map((r) => r.model);
  const tools = model.tools.rows.map((r) => r.tool);
  const titles = model.sessions.rows.map((r) => r.title);
  for (const s of corpus.sessions) {
    assert.ok(projects.includes(s.projectName), `project ${s.key}`);
    assert.ok(models.includes(s.model), `model ${s.key}`);
    assert.ok(tools.includes(s.tool), `tool ${s.key}`);
    assert.ok(titles.includes(storedTitle(s.title)), `title ${s.key}`);
  }
  assert.equal(model.totals.requests, corpus.totals.requests);
});
