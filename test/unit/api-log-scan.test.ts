// The API-log source end to end through the engine: files → scanner → ingest (dedup, costs) → store →
// query, plus the glob matcher, rate-limit observations and the CLI's --api-log.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Engine } from '../../src/core/engine';
import { main } from '../../src/cli';
import { selectAll, selectOne } from '../../src/core/store/sqljs';
import { apiLogTarget, expandApiLogPaths } from '../../src/core/sources/api-log/paths';
import { latestRateLimits } from '../../src/core/limits/apiRateLimits';
import { chipView } from '../../src/core/limits/chip';
import { readNewLines } from '../../src/core/sources/incremental';
import { assistantLine, tempConfigRoot, writeLines, SESSION_A } from './helpers/lines';

const T0 = Date.parse('2026-11-20T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function tempDir(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-log-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function write(file: string, lines: unknown[], trailingNewline = true): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const text = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n');
  fs.writeFileSync(file, text + (trailingNewline && lines.length ? '\n' : ''));
}

/** An engine over an empty Claude config root (plus optional transcripts) and the given API-log paths. */
async function withEngine(
  apiLogPaths: string[],
  fn: (engine: Engine) => Promise<void>,
  transcripts: Record<string, string[]> = {},
): Promise<void> {
  const { root, projectDir, cleanup } = tempConfigRoot();
  try {
    for (const [rel, ls] of Object.entries(transcripts)) writeLines(path.join(projectDir, rel), ls);
    const engine = await Engine.open({ dbPath: null, configDirs: [root], apiLogPaths });
    try {
      await fn(engine);
    } finally {
      await engine.close();
    }
  } finally {
    cleanup();
  }
}

interface Row {
  request_id: string | null; source: number; execution_mode: number; model: string; provider: string | null;
  feature: string | null; session: string; project: string; input_tokens: number; output_tokens: number;
  cost_usd: number; priced: number; cost_kind: number; success: number | null; duration_ms: number | null;
  ttft_ms: number | null; initiator: string | null; worker_id: string | null; error_message: string | null; ts: number;
}

function rows(engine: Engine): Promise<Row[]> {
  return engine.withDatabase((db) =>
    selectAll<Row>(db, `SELECT c.api_request_id AS request_id, r.source, r.execution_mode, m.name AS model, p.name AS provider, f.name AS feature,
      s.session_key AS session, pr.name AS project, r.input_tokens, r.output_tokens, r.cost_usd, r.priced, r.cost_kind,
      r.success, r.duration_ms, c.ttft_ms, c.initiator, c.worker_id, c.error_message, r.ts
      FROM requests r JOIN models m ON m.id = r.model_id LEFT JOIN providers p ON p.id = r.provider_id
      LEFT JOIN features f ON f.id = r.feature_id LEFT JOIN api_call_details c ON c.request_id = r.id JOIN sessions s ON s.id = r.session_id JOIN projects pr ON pr.id = r.project_id
      ORDER BY r.ts, r.id`),
  );
}

describe('api-log scan: the two existing tools, as they are', () => {
  test('a daily api-calls-YYYY-MM-DD.jsonl and a per-session llm_costs.jsonl load with costs as logged', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const daily = path.join(dir, 'orchestrator', 'logs', 'api-calls-2026-11-20.jsonl');
      fs.mkdirSync(path.dirname(daily), { recursive: true });
      fs.writeFileSync(daily, [
        '{"timestamp": "2026-11-20T09:14:03.512341", "task_id": "T-1042", "worker_id": "worker-2", "model": "claude-sonnet-4-5-20250929", "tokens_input": 1834, "tokens_output": 612, "tokens_total": 2446, "duration_seconds": 7.42, "tokens_per_second": 82.5, "estimated_cost_usd": 0.014682, "success": true}',
        '{"timestamp": "2026-11-20T09:15:10.000001", "task_id": "T-1043", "worker_id": "worker-1", "model": "claude-sonnet-4-5-20250929", "tokens_input": 900, "tokens_output": 0, "tokens_total": 900, "duration_seconds": 30.0, "tokens_per_second": 0.0, "estimated_cost_usd": 0.0027, "success": false}',
      ].join('\n') + '\n');
      const session = path.join(dir, 'sessions', 'sess-77', 'llm_costs.jsonl');
      fs.mkdirSync(path.dirname(session), { recursive: true });
      fs.writeFileSync(session, [
        '{"timestamp": "2026-11-20T09:20:00Z", "session_id": "sess-77", "provider": "ollama", "model": "qwen2.5-coder:14b", "execution_mode": "local", "input_tokens": 4200, "output_tokens": 380, "duration_ms": 5100, "estimated_cost_usd": 0.0, "purpose": "commit-message", "success": true}',
        '{"timestamp": "2026-11-20T09:21:00Z", "session_id": "sess-77", "provider": "anthropic", "model": "claude-haiku-4-5", "execution_mode": "cloud", "input_tokens": 900, "output_tokens": 120, "duration_ms": 1400, "estimated_cost_usd": 0.0015, "purpose": "triage", "success": true}',
      ].join('\n') + '\n');
      await withEngine([daily, session], async (engine) => {
        const s = await engine.scan();
        assert.equal(s.apiLogFiles, 2);
        assert.equal(s.newRequests, 4);
        assert.equal(s.badLines, 0);
        const r = await rows(engine);
        assert.equal(r.length, 4);
        assert.ok(r.every((x) => x.source === 1), 'source = internal');
        const [a, b] = r.filter((x) => x.feature?.startsWith('T-'));
        assert.deepEqual([a.feature, a.worker_id, a.input_tokens, a.output_tokens, a.cost_usd, a.cost_kind, a.success, a.duration_ms],
          ['T-1042', 'worker-2', 1834, 612, 0.014682, 1, 1, 7420]);
        assert.deepEqual([b.success, b.duration_ms, b.cost_usd], [0, 30000, 0.0027]);
        // No project on the line: the folder above logs/; no session: one per file.
        assert.equal(a.project, 'orchestrator');
        assert.equal(a.session, 'api:logs/api-calls-2026-11-20');
        const local = r.find((x) => x.provider === 'ollama')!;
        assert.deepEqual([local.execution_mode, local.cost_usd, local.cost_kind, local.priced, local.feature, local.session],
          [1, 0, 2, 1, 'commit-message', 'api:sess-77']);
        const cloud = r.find((x) => x.provider === 'anthropic')!;
        assert.deepEqual([cloud.execution_mode, cloud.cost_usd, cloud.cost_kind], [0, 0.0015, 1]);
        const q = await engine.query({ window: 'all', source: 'internal' }, T0);
        assert.equal(q.totals.requests, 4);
        assert.equal(q.totals.cost_usd, 0.018882);
        const local2 = await engine.query({ window: 'all', source: 'internal', execution_mode: 'local' }, T0);
        assert.equal(local2.totals.requests, 1);
        assert.equal(local2.totals.input_tokens, 4200);
      });
    } finally {
      cleanup();
    }
  });
});

describe('api-log scan: costs', () => {
  test('a logged cost is kept, a missing one is computed, an unknown model is counted unpriced, a local call is free', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = path.join(dir, 'calls.jsonl');
      const base = { model: 'claude-sonnet-4-5', provider: 'anthropic', input_tokens: 1000, output_tokens: 1000 };
      write(file, [
        { ...base, ts: iso(T0), request_id: 'r-logged', cost_usd: 0.5 },
        { ...base, ts: iso(T0 + 1000), request_id: 'r-computed' },
        { ...base, ts: iso(T0 + 2000), request_id: 'r-unknown', model: 'my-finetune-7b', provider: 'together' },
        { ...base, ts: iso(T0 + 3000), request_id: 'r-local', model: 'llama3.1:8b', provider: 'ollama', cost_usd: 0.9 },
      ]);
      await withEngine([file], async (engine) => {
        await engine.scan();
        const byId = new Map((await rows(engine)).map((r) => [r.request_id, r]));
        assert.deepEqual([byId.get('r-logged')!.cost_usd, byId.get('r-logged')!.cost_kind], [0.5, 1]);
        // Sonnet 4.5: $3 / $15 per million input / output tokens.
        assert.deepEqual([byId.get('r-computed')!.cost_usd, byId.get('r-computed')!.cost_kind, byId.get('r-computed')!.priced], [0.018, 0, 1]);
        assert.deepEqual([byId.get('r-unknown')!.cost_usd, byId.get('r-unknown')!.priced, byId.get('r-unknown')!.input_tokens], [0, 0, 1000]);
        assert.deepEqual([byId.get('r-local')!.cost_usd, byId.get('r-local')!.cost_kind, byId.get('r-local')!.execution_mode], [0, 2, 1]);
        const q = await engine.query({ window: 'all' }, T0);
        assert.equal(q.totals.requests, 4);
        assert.equal(q.totals.unpriced_requests, 1);
        assert.equal(q.totals.cost_usd, 0.518);
      });
    } finally {
      cleanup();
    }
  });
});

describe('api-log scan: incremental, partial and malformed lines', () => {
  test('a partial last line waits for its end; malformed lines are counted, never fatal; appends read only new bytes', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = path.join(dir, 'calls.jsonl');
      const full = JSON.stringify({ ts: iso(T0 + 5000), model: 'claude-haiku-4-5', input_tokens: 10, output_tokens: 20, request_id: 'r-3' });
      const head = full.slice(0, 30);
      fs.writeFileSync(file, [
        JSON.stringify({ ts: iso(T0), model: 'claude-haiku-4-5', input_tokens: 1, output_tokens: 2, request_id: 'r-1' }),
        '{"ts": "2026-11-20T10:00:01Z", "model": "claude-haiku-4-5", "input_tokens": "lots"}',
        'this is not json',
        JSON.stringify({ ts: iso(T0 + 2000), model: 'claude-haiku-4-5', input_tokens: 3, output_tokens: 4, request_id: 'r-2' }),
      ].join('\n') + '\n' + head);
      await withEngine([file], async (engine) => {
        const s1 = await engine.scan();
        assert.equal(s1.newRequests, 2);
        assert.equal(s1.badLines, 2);
        const stored = await engine.withDatabase((db) => selectOne<{ offset: number; size: number; bad_lines: number; source: number }>(db, 'SELECT offset, size, bad_lines, source FROM files'));
        assert.equal(stored!.size - stored!.offset, head.length, 'the partial line is not consumed');
        assert.equal(stored!.source, 1);
        assert.equal(stored!.bad_lines, 2);

        const rest = full.slice(30) + '\n';
        fs.appendFileSync(file, rest);
        const s2 = await engine.scan();
        assert.equal(s2.newRequests, 1);
        assert.equal(s2.badLines, 0);
        assert.equal(s2.bytesRead, head.length + rest.length, 'only the bytes past the offset are read');
        const s3 = await engine.scan();
        assert.equal(s3.filesRead, 0, 'an unchanged file is not read');
        assert.deepEqual((await rows(engine)).map((r) => r.request_id), ['r-1', 'r-2', 'r-3']);
      });
    } finally {
      cleanup();
    }
  });

  test('readNewLines reports the byte offset of each line, across chunk boundaries and blank lines', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = path.join(dir, 'offsets.jsonl');
      const text = '{"a":1}\n\n{"bb":22}\r\n{"ccc":333}\n{"tail":';
      fs.writeFileSync(file, text);
      for (const chunk of [3, 7, 4096]) {
        const seen: Array<[string, number]> = [];
        const r = await readNewLines(file, 0, (buf, off) => seen.push([buf.toString('utf8'), off]), chunk);
        assert.deepEqual(seen, [['{"a":1}', 0], ['{"bb":22}\r', 9], ['{"ccc":333}', 20]], `chunk ${chunk}`);
        assert.equal(r.consumedTo, 32);
        for (const [line, off] of seen) assert.equal(text.slice(off, off + line.length), line);
      }
      const from = await readNewLines(file, 9, () => undefined);
      assert.equal(from.lines, 2);
    } finally {
      cleanup();
    }
  });

  test('a file replaced or truncated is re-read from 0 without doubling rows', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = path.join(dir, 'calls.jsonl');
      const lines = [1, 2, 3].map((i) => ({ ts: iso(T0 + i * 1000), model: 'claude-haiku-4-5', input_tokens: i, output_tokens: i }));
      write(file, lines);
      await withEngine([file], async (engine) => {
        assert.equal((await engine.scan()).newRequests, 3);
        // Replaced by a new file (another inode) with the same lines: keys are file + offset, so nothing doubles.
        const tmp = `${file}.tmp`;
        write(tmp, lines);
        fs.renameSync(tmp, file);
        const s = await engine.scan();
        assert.equal(s.filesRead, 1);
        assert.equal(s.newRequests, 0);
        // Truncated to its first line then appended a new one: re-read from 0, one new row.
        write(file, [lines[0], { ts: iso(T0 + 9000), model: 'claude-haiku-4-5', input_tokens: 1, output_tokens: 1, request_id: 'fresh' }]);
        const s2 = await engine.scan();
        assert.equal(s2.newRequests, 1);
        assert.equal((await rows(engine)).length, 4, 'history is kept: rows are never deleted');
      });
    } finally {
      cleanup();
    }
  });
});

describe('api-log scan: dedup', () => {
  test('the same request_id in two files is one call; lines without id are identified by file + byte offset', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const withId = { ts: iso(T0), model: 'claude-haiku-4-5', input_tokens: 100, output_tokens: 10, request_id: 'req_dup' };
      const noId = { ts: iso(T0 + 1000), model: 'claude-haiku-4-5', input_tokens: 7, output_tokens: 7 };
      write(path.join(dir, 'a.jsonl'), [withId, noId, noId]);
      write(path.join(dir, 'b.jsonl'), [withId, noId]);
      await withEngine([path.join(dir, '*.jsonl')], async (engine) => {
        const s = await engine.scan();
        assert.equal(s.apiLogFiles, 2);
        assert.equal(s.newRequests, 4, 'req_dup once + three id-less lines at three file positions');
        assert.equal(s.duplicateLines, 1);
        const r = await rows(engine);
        assert.equal(r.filter((x) => x.request_id === 'req_dup').length, 1);
        assert.equal(r.filter((x) => x.request_id === null).length, 3);
        // A full rescan reads everything again and still adds nothing.
        const again = await engine.scan({ full: true });
        assert.equal(again.newRequests, 0);
        assert.equal((await rows(engine)).length, 4);
      });
    } finally {
      cleanup();
    }
  });
});

describe('api-log scan: source=all sums both sources', () => {
  test('Claude Code and API-log rows never overlap; all = claude_code + internal', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = path.join(dir, 'calls.jsonl');
      write(file, [
        { ts: '2026-11-20T10:05:00Z', model: 'claude-sonnet-4-5', input_tokens: 1000, output_tokens: 1000, request_id: 'req_011CA' },
        { ts: '2026-11-20T10:06:00Z', model: 'claude-sonnet-4-5', input_tokens: 2000, output_tokens: 0, cost_usd: 0.25 },
      ]);
      // The transcript's response uses the same request id as the log line: still two different calls.
      const transcript = [assistantLine({ messageId: 'msg_01XYZ', requestId: 'req_011CA', timestamp: '2026-11-20T10:04:00.000Z', input: 50, output: 60, model: 'claude-sonnet-4-5' })];
      await withEngine([file], async (engine) => {
        await engine.scan();
        const all = await engine.query({ window: 'all', source: 'all', group_by: 'source' }, T0);
        const cc = await engine.query({ window: 'all', source: 'claude_code' }, T0);
        const internal = await engine.query({ window: 'all', source: 'internal' }, T0);
        assert.equal(cc.totals.requests, 1);
        assert.equal(internal.totals.requests, 2);
        assert.equal(all.totals.requests, 3);
        assert.equal(all.totals.input_tokens, cc.totals.input_tokens + internal.totals.input_tokens);
        assert.equal(all.totals.input_tokens, 3050);
        assert.ok(Math.abs(all.totals.cost_usd - (cc.totals.cost_usd + internal.totals.cost_usd)) < 1e-9);
        assert.deepEqual(all.groups!.map((g) => g.key).sort(), ['claude_code', 'internal']);
      }, { [`${SESSION_A}.jsonl`]: transcript });
    } finally {
      cleanup();
    }
  });
});

describe('api-log scan: rate-limit observations', () => {
  test('headers and objects are stored once per call and kind; the latest per model is fresh until its reset', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = path.join(dir, 'calls.jsonl');
      write(file, [
        // An older observation of sonnet: superseded.
        { ts: iso(T0 - 60_000), model: 'claude-sonnet-4-5', provider: 'anthropic', input_tokens: 1, output_tokens: 1, request_id: 'r0',
          'anthropic-ratelimit-requests-limit': '50', 'anthropic-ratelimit-requests-remaining': '1', 'anthropic-ratelimit-requests-reset': iso(T0 - 59_000) },
        { ts: iso(T0), model: 'claude-sonnet-4-5', provider: 'anthropic', input_tokens: 1, output_tokens: 1, request_id: 'r1',
          headers: {
            'anthropic-ratelimit-requests-limit': '50', 'anthropic-ratelimit-requests-remaining': '40', 'anthropic-ratelimit-requests-reset': iso(T0 + 10_000),
            'anthropic-ratelimit-input-tokens-limit': '30000', 'anthropic-ratelimit-input-tokens-remaining': '3000', 'anthropic-ratelimit-input-tokens-reset': iso(T0 + 30_000),
            'anthropic-ratelimit-output-tokens-limit': '8000', 'anthropic-ratelimit-output-tokens-remaining': '6000', 'anthropic-ratelimit-output-tokens-reset': iso(T0 + 5_000),
          } },
        { ts: iso(T0), model: 'claude-haiku-4-5', provider: 'anthropic', input_tokens: 1, output_tokens: 1, request_id: 'r2',
          rate_limit: { requests: { limit: 100, remaining: 50, reset: iso(T0 + 60_000) } } },
      ]);
      await withEngine([file], async (engine) => {
        await engine.scan();
        await engine.scan({ full: true });
        const stored = await engine.withDatabase((db) => selectOne<{ n: number }>(db, 'SELECT count(*) AS n FROM rate_limit_observations'));
        assert.equal(stored!.n, 5, '1 + 3 + 1 readings, history kept, re-reads add nothing');

        const now = await engine.withDatabase((db) => latestRateLimits(db, T0 + 1000));
        assert.deepEqual(now.map((m) => m.model), ['claude-sonnet-4-5', 'claude-haiku-4-5'], 'most restrictive first');
        const sonnet = now[0];
        assert.deepEqual(sonnet.requests, { limit: 50, remaining: 40, resetMs: T0 + 10_000, ts: T0, stale: false });
        assert.equal(sonnet.tightest, 'input_tokens');
        assert.equal(sonnet.headroom, 0.1);
        assert.equal(sonnet.stale, false);
        assert.equal(now[1].headroom, 0.5);

        // Past the output-token and request resets: those readings are stale, input tokens still count.
        const later = await engine.withDatabase((db) => latestRateLimits(db, T0 + 20_000));
        const s2 = later.find((m) => m.model === 'claude-sonnet-4-5')!;
        assert.equal(s2.requests!.stale, true);
        assert.equal(s2.outputTokens!.stale, true);
        assert.equal(s2.inputTokens!.stale, false);
        assert.equal(s2.headroom, 0.1);

        // Past every reset: shown as stale, not as headroom.
        const old = await engine.withDatabase((db) => latestRateLimits(db, T0 + 120_000));
        assert.ok(old.every((m) => m.stale && m.headroom === null));
      });
    } finally {
      cleanup();
    }
  });
});

describe('api-log paths: globs', () => {
  test('** matches any depth (not dot folders), * stays within a segment, ~ expands, a folder means its .jsonl files', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const mk = (rel: string) => write(path.join(dir, rel), [{ ts: 1, model: 'm' }]);
      mk('logs/api-calls-2026-11-20.jsonl');
      mk('logs/2026/11/api-calls-2026-11-21.jsonl');
      mk('logs/other.jsonl');
      mk('logs/.hidden/api-calls-2026-11-22.jsonl');
      mk('logs/node_modules/api-calls-2026-11-23.jsonl');
      mk('logs/api-calls-2026-11-24.txt');
      const rel = (files: Array<{ path: string }>) => files.map((f) => path.relative(dir, f.path).split(path.sep).join('/'));

      const deep = await expandApiLogPaths([path.join(dir, 'logs', '**', 'api-calls-*.jsonl')]);
      assert.deepEqual(rel(deep.files), ['logs/2026/11/api-calls-2026-11-21.jsonl', 'logs/api-calls-2026-11-20.jsonl']);

      const shallow = await expandApiLogPaths(['~/logs/*.jsonl'], { homeDir: dir });
      assert.deepEqual(rel(shallow.files), ['logs/api-calls-2026-11-20.jsonl', 'logs/other.jsonl']);

      const folder = await expandApiLogPaths([path.join(dir, 'logs')]);
      assert.deepEqual(rel(folder.files), ['logs/2026/11/api-calls-2026-11-21.jsonl', 'logs/api-calls-2026-11-20.jsonl', 'logs/other.jsonl']);

      const literalDot = await expandApiLogPaths([path.join(dir, 'logs', '.hidden', '*.jsonl')]);
      assert.deepEqual(rel(literalDot.files), ['logs/.hidden/api-calls-2026-11-22.jsonl']);

      // A symlink to a listed file (or two patterns naming it) reads it once.
      fs.symlinkSync(path.join(dir, 'logs', 'other.jsonl'), path.join(dir, 'logs', 'zz-link.jsonl'));
      const once = await expandApiLogPaths([path.join(dir, 'logs', '*.jsonl'), path.join(dir, 'logs', 'other.jsonl')]);
      assert.deepEqual(rel(once.files), ['logs/api-calls-2026-11-20.jsonl', 'logs/other.jsonl']);

      const none = await expandApiLogPaths([path.join(dir, 'nowhere', '**', '*.jsonl'), path.join(dir, 'missing.jsonl')]);
      assert.deepEqual([none.files.length, none.errors.length], [0, 0]);

      // The same matcher tells the watcher which changed files belong to a target.
      const t = apiLogTarget('/var/log/app/**/calls-?.jsonl');
      assert.equal(t.baseDir, '/var/log/app');
      assert.equal(t.matches('/var/log/app/calls-1.jsonl'), true);
      assert.equal(t.matches('/var/log/app/a/b/calls-2.jsonl'), true);
      assert.equal(t.matches('/var/log/app/a/calls-22.jsonl'), false);
      assert.equal(t.matches('/var/log/other/calls-1.jsonl'), false);
    } finally {
      cleanup();
    }
  });
});

describe('CLI --api-log', () => {
  test('scan and query take the logs in (repeatable flag, glob), source=internal answers from them', async () => {
    const { dir, cleanup } = tempDir();
    const { root, cleanup: cleanupRoot } = tempConfigRoot();
    try {
      write(path.join(dir, 'a', 'calls.jsonl'), [{ ts: '2026-11-20T10:00:00Z', model: 'claude-sonnet-4-5', input_tokens: 1000, output_tokens: 1000, request_id: 'c1' }]);
      write(path.join(dir, 'b', 'deep', 'calls.jsonl'), [{ ts: '2026-11-20T11:00:00Z', model: 'claude-haiku-4-5', input_tokens: 1000, output_tokens: 1000, cost_usd: 1.5, request_id: 'c2' }]);
      const db = path.join(dir, 'usage.sqlite');
      let out = '';
      const capture = (s: string) => { out += s; };
      const common = ['--db', db, '--config-dir', root, '--api-log', path.join(dir, 'a', 'calls.jsonl'), `--api-log=${path.join(dir, 'b', '**', '*.jsonl')}`];
      assert.equal(await main(['scan', '--json', ...common], capture), 0);
      const summary = JSON.parse(out);
      assert.equal(summary.apiLogFiles, 2);
      assert.equal(summary.newRequests, 2);

      out = '';
      assert.equal(await main(['query', ...common, '--params', '{"window":"all","source":"internal"}', '--now', '2026-11-21T00:00:00Z'], capture), 0);
      const result = JSON.parse(out);
      assert.equal(result.totals.requests, 2);
      assert.equal(result.totals.cost_usd, 1.518);

      // Without --api-log the stored rows stay (history), and nothing new is read.
      out = '';
      assert.equal(await main(['query', '--db', db, '--config-dir', root, '--params', '{"window":"all","source":"internal","group_by":"model"}', '--now', '2026-11-21T00:00:00Z'], capture), 0);
      assert.deepEqual(JSON.parse(out).groups.map((g: { key: string }) => g.key).sort(), ['claude-haiku-4-5', 'claude-sonnet-4-5']);
    } finally {
      cleanupRoot();
      cleanup();
    }
  });
});

describe('api-log rate limits in the chip', () => {
  test('the status lists the latest observation per model and the tooltip shows it', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = path.join(dir, 'calls.jsonl');
      write(file, [
        { timestamp: iso(T0), model: 'claude-sonnet-4-5', provider: 'anthropic', input_tokens: 10, output_tokens: 5, request_id: 'r-rl-1',
          headers: { 'anthropic-ratelimit-output-tokens-limit': '8000', 'anthropic-ratelimit-output-tokens-remaining': '1200', 'anthropic-ratelimit-output-tokens-reset': iso(T0 + 40_000) } },
      ]);
      await withEngine([file], async (engine) => {
        await engine.scan();
        const status = await engine.status(T0 + 1_000);
        assert.equal(status.apiRateLimits.length, 1);
        assert.equal(status.apiRateLimits[0].model, 'claude-sonnet-4-5');
        assert.equal(status.apiRateLimits[0].stale, false);
        // Markdown escapes (claude\-sonnet…) removed for the comparison.
        const tooltip = chipView(status).tooltipMarkdown.replace(/\\/g, '');
        assert.match(tooltip, /API rate limits/);
        assert.match(tooltip, /claude-sonnet-4-5: 15% left \(output_tokens\)/);
        // After its reset the reading is history, not headroom.
        const later = chipView(await engine.status(T0 + 60_000)).tooltipMarkdown.replace(/\\/g, '');
        assert.match(later, /claude-sonnet-4-5: stale, seen/);
      });
    } finally {
      cleanup();
    }
  });
});

describe('api-log paths: glob syntax of the kept library', () => {
  test('character classes and braces select files; brace patterns still prune nothing they could match', async () => {
    const { dir, cleanup } = tempDir();
    try {
      for (const rel of ['logs/a/calls-1.jsonl', 'logs/b/calls-2.jsonl', 'logs/c/calls-3.jsonl', 'logs/a/calls-x.jsonl']) write(path.join(dir, rel), [{ ts: 1, model: 'm' }]);
      const rel = (files: Array<{ path: string }>) => files.map((f) => path.relative(dir, f.path).split(path.sep).join('/'));
      const braces = await expandApiLogPaths([path.join(dir, 'logs', '{a,b}', 'calls-[0-9].jsonl')]);
      assert.deepEqual(rel(braces.files), ['logs/a/calls-1.jsonl', 'logs/b/calls-2.jsonl']);
      const t = apiLogTarget(path.join(dir, 'logs', '{a,c}', '*.jsonl'));
      assert.equal(t.baseDir, path.join(dir, 'logs').split(path.sep).join('/'));
      assert.equal(t.matches(path.join(dir, 'logs', 'c', 'calls-3.jsonl')), true);
      assert.equal(t.matches(path.join(dir, 'logs', 'b', 'calls-2.jsonl')), false);
    } finally {
      cleanup();
    }
  });
});
