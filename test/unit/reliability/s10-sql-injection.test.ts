// Scenario 10: SQL is built only from whitelisted identifiers and bound parameters. Injection attempts
// through every string param of llm_costs_query (and the panel filter) either fail validation with a
// QueryParamError naming the param or return a normal result; the payload never appears in any SQL text
// sql.js is given; the schema and the data are intact afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Engine } from '../../../src/core/engine';
import type { Database } from '../../../src/core/store/sqljs';
import { runQuery } from '../../../src/core/query/run';
import { buildReadModel } from '../../../src/core/query/readModel';
import { DEFAULT_PANEL_FILTER, parsePanelFilter, type PanelFilter } from '../../../src/protocol';
import { assistantLine, tempConfigRoot, writeLines, SESSION_A, SESSION_B } from '../helpers/lines';

const PAYLOADS = [
  `'; DROP TABLE requests; --`,
  `" OR 1=1 --`,
  `') OR ('1'='1`,
  `%' OR '%'='`,
  `1); DELETE FROM requests; --`,
  `x' UNION SELECT name, sql FROM sqlite_master --`,
  `*/ DROP TABLE projects; /*`,
  `\\'; ATTACH DATABASE '/tmp/pwn.db' AS pwn; --`,
  `shop\u0000'; DROP TABLE models; --`,
  `2026-01-01'); DROP TABLE rollup_hour; --`,
];

const NOW = Date.parse('2026-06-10T12:00:00Z');
let engine: Engine;
let cleanup: () => void;

before(async () => {
  const root = tempConfigRoot();
  cleanup = root.cleanup;
  writeLines(path.join(root.projectDir, `${SESSION_A}.jsonl`), [
    assistantLine({ messageId: 'msg_01INJECTA0000000000000001', input: 10, output: 100, timestamp: '2026-06-06T10:00:00.000Z' }),
    assistantLine({ messageId: 'msg_01INJECTB0000000000000002', input: 20, output: 200, model: 'claude-opus-4-6', timestamp: '2026-06-07T10:00:00.000Z', block: { type: 'tool_use', name: 'Bash' } }),
  ]);
  writeLines(path.join(root.root, 'projects', '-home-dev-api', `${SESSION_B}.jsonl`), [
    assistantLine({ messageId: 'msg_01INJECTC0000000000000003', sessionId: SESSION_B, cwd: '/home/dev/api', input: 30, output: 300, timestamp: '2026-06-08T10:00:00.000Z' }),
  ]);
  engine = await Engine.open({ dbPath: null, configDirs: [root.root] });
  await engine.scan();
});
after(async () => {
  await engine.close();
  cleanup();
});

/** Every param that carries a string, with the payload put in it. */
function injections(p: string): Array<[string, Record<string, unknown>]> {
  return [
    ['project', { project: p }],
    ['models', { models: [p] }],
    ['models', { models: `claude-opus-4-6,${p}` }],
    ['tz', { tz: p }],
    ['window', { window: p }],
    ['window', { window: { start: p, end: '2026-06-10T00:00:00Z' } }],
    ['window', { window: { start: '2026-06-01T00:00:00Z', end: p } }],
    ['start_date', { start_date: p }],
    ['end_date', { start_date: '2026-06-01', end_date: p }],
    ['group_by', { group_by: p }],
    ['source', { source: p }],
    ['execution_mode', { execution_mode: p }],
    [p, { [p]: 'x' }], // the payload as a key
  ];
}

interface Snapshot { schema: unknown; counts: unknown }

function snapshot(db: Database): Snapshot {
  const schema = db.exec('SELECT type, name, sql FROM sqlite_master ORDER BY type, name')[0]?.values;
  const tables = (db.exec(`SELECT name FROM sqlite_master WHERE type = 'table'`)[0]?.values ?? []).map((r) => String(r[0]));
  const counts = Object.fromEntries(tables.map((t) => [t, db.exec(`SELECT count(*) FROM "${t}"`)[0].values[0][0]]));
  return { schema, counts };
}

/** Records the SQL text of every statement while `fn` runs on the real database. */
function recordSql<T>(db: Database, fn: () => T): { result: T; sql: string[] } {
  const sql: string[] = [];
  const original = { prepare: db.prepare, exec: db.exec, run: db.run };
  db.prepare = function (this: Database, text: string, ...rest: unknown[]) {
    sql.push(text);
    return (original.prepare as (...a: unknown[]) => ReturnType<Database['prepare']>).call(this, text, ...rest);
  } as Database['prepare'];
  db.exec = function (this: Database, text: string, ...rest: unknown[]) {
    sql.push(text);
    return (original.exec as (...a: unknown[]) => ReturnType<Database['exec']>).call(this, text, ...rest);
  } as Database['exec'];
  db.run = function (this: Database, text: string, ...rest: unknown[]) {
    sql.push(text);
    return (original.run as (...a: unknown[]) => ReturnType<Database['run']>).call(this, text, ...rest);
  } as Database['run'];
  try {
    return { result: fn(), sql };
  } finally {
    Object.assign(db, original);
  }
}

test('scenario 10: injection through every string param of llm_costs_query → clean error or normal result, no payload in SQL, tables intact', async () => {
  const baseline = await engine.query({ window: 'all', tz: 'UTC' }, NOW);
  assert.equal(baseline.totals.requests, 3);
  let rejected = 0;
  let answered = 0;
  await engine.withDatabase((db) => {
    const before = snapshot(db);
    for (const payload of PAYLOADS) {
      for (const [param, extra] of injections(payload)) {
        const params = { window: 'all', tz: 'UTC', ...extra };
        type Outcome = { ok: ReturnType<typeof runQuery>; error?: undefined } | { ok?: undefined; error: Error & { param?: string } };
        const { result, sql } = recordSql(db, (): Outcome => {
          try {
            return { ok: runQuery(db, params, NOW) };
          } catch (e) {
            return { error: e as Error & { param?: string } };
          }
        });
        if (result.error) {
          const error = result.error;
          assert.equal(error.name, 'QueryParamError', `${param}: ${error.stack}`);
          const named = param === payload ? error.message.includes(payload.slice(0, 20)) || error.param !== undefined : error.param === param;
          assert.ok(named, `the error names the param: ${param} → ${error.message}`);
          rejected++;
        } else {
          // Accepted as data: it filtered (nothing matches the payload) and returned a well-formed result.
          const ok = result.ok!;
          assert.ok(ok.totals.requests <= 3);
          assert.ok(ok.window.start && ok.window.end);
          answered++;
        }
        for (const text of sql) assert.ok(!text.includes(payload), `payload reached SQL text via ${param}: ${text}`);
      }
    }
    assert.deepEqual(snapshot(db), before, 'schema and row counts unchanged');
  });
  assert.ok(rejected > 0 && answered > 0, `both outcomes exercised (rejected ${rejected}, answered ${answered})`);
  assert.deepEqual(await engine.query({ window: 'all', tz: 'UTC' }, NOW), baseline, 'same figures afterwards');
});

test('scenario 10: injection through the panel filter (project, models, tz, dates) → rejected or filtered, tables intact', async () => {
  await engine.withDatabase((db) => {
    const before = snapshot(db);
    for (const payload of PAYLOADS) {
      const filters: Array<Record<string, unknown>> = [
        { project: payload }, { models: [payload] }, { tz: payload },
        { range: 'custom', from: payload, until: '2026-06-10' }, { range: 'custom', from: '2026-06-01', until: payload },
      ];
      for (const f of filters) {
        const parsed = parsePanelFilter({ ...DEFAULT_PANEL_FILTER, range: 'all', ...f });
        if ('error' in parsed) {
          assert.match(parsed.error, /^filter\.\w+|^\w+/);
          continue;
        }
        const { result, sql } = recordSql(db, () => buildReadModel(db, parsed as PanelFilter, NOW, { roots: [], files: 0, demoMode: false }));
        assert.ok(result.totals.requests <= 3);
        for (const text of sql) assert.ok(!text.includes(payload), `payload reached SQL text: ${text}`);
      }
    }
    assert.deepEqual(snapshot(db), before);
  });
});

test('scenario 10 (supplementary, reads the source): SQL templates in src/core/query interpolate no user-supplied value', () => {
  const dir = path.join(__dirname, '..', '..', '..', 'src', 'core', 'query');
  // Names under which user input travels through the query code; none may be spliced into SQL text.
  const userValues = /\b(needle|wanted|project|models|tz|label|start_date|end_date|raw|input|filter\.(project|models|tz|from|until))\b/;
  const sqlTemplate = /`([^`]*\b(SELECT|FROM|WHERE|GROUP BY|ORDER BY|IN \(|INSERT|UPDATE|DELETE)\b[^`]*)`/g;
  let checked = 0;
  // Recursive: the read model's modules live in query/readmodel/.
  const names = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
  assert.ok(names.some((n) => n.includes('readmodel')), 'the read-model modules are checked');
  for (const name of names) {
    const source = fs.readFileSync(path.join(dir, name), 'utf8');
    for (const m of source.matchAll(sqlTemplate)) {
      for (const expr of m[1].matchAll(/\$\{([^}]*)\}/g)) {
        checked++;
        assert.ok(!userValues.test(expr[1]), `${name}: SQL template interpolates \${${expr[1]}}: ${m[1].slice(0, 120)}`);
      }
    }
  }
  assert.ok(checked > 10, `found ${checked} interpolations to check`);
});
