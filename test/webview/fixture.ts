// A deterministic store for the webview tests: 45 days of plausible Claude Code usage over several
// projects (one with a hostile name), four models (one without a price), subagents and tool sets.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Database } from '../../src/core/store/sqljs';
import type { ScanSummary } from '../../src/core/engine-api';
import { emptyScanSummary } from '../../src/core/engine';
import { Ingestor } from '../../src/core/store/ingest';
import { ApiLogScanner } from '../../src/core/sources/api-log/scanner';
import { silentLogger } from '../../src/core/types';
import { createStore, insertRequests, prng } from '../unit/helpers/store-fixture';
import type { FixtureRequest } from '../unit/helpers/store-fixture';

export const NOW = Date.parse('2026-03-18T15:07:30.000Z');
export const HOSTILE_PROJECT = '<img src=x onerror=alert(1)>';
export const HOSTILE_TITLE = '<script>alert(2)</script> refactor';
export const MODELS = ['claude-opus-4-6', 'claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001', 'acme-local-llm'];
const PROJECTS = ['shop-frontend', 'billing-api', 'infra', 'docs-site', HOSTILE_PROJECT];
const TOOLS = ['', 'Bash', 'Read', 'Edit, Read', 'Bash, Grep', 'Task', 'Glob, Grep, Read'];
const PRICES: Record<string, [number, number, number, number]> = {
  'claude-opus-4-6': [5, 25, 6.25, 0.5],
  'claude-sonnet-4-5-20250929': [3, 15, 3.75, 0.3],
  'claude-haiku-4-5-20251001': [1, 5, 1.25, 0.1],
};

/** Git branches of the sessions (null: a session outside a repository). */
export const BRANCHES = ['main', 'feature/checkout', null, 'fix/invoice-export', 'main'];

export async function populatedStore(): Promise<Database> {
  const db = await createStore();
  const rand = prng(42);
  const rows: FixtureRequest[] = [];
  for (let s = 0; s < 60; s++) {
    const project = PROJECTS[s % PROJECTS.length];
    const start = NOW - Math.floor(rand() ** 1.4 * 45 * 86_400_000);
    // Working hours are busier: nudge the start into the day.
    const len = 8 + Math.floor(rand() * 60);
    const main = MODELS[Math.floor(rand() * 3)];
    const title = s % 4 === 0 ? null : s === 1 ? HOSTILE_TITLE : `${['Fix', 'Add', 'Refactor', 'Investigate'][s % 4]} ${['checkout flow', 'invoice export', 'CI cache', 'search index', 'auth tokens'][s % 5]}`;
    for (let i = 0; i < len; i++) {
      const sidechain = rand() < 0.22;
      const model = rand() < 0.04 ? 'acme-local-llm' : sidechain ? 'claude-haiku-4-5-20251001' : main;
      const input = Math.floor(rand() * 4000) + 5;
      const output = Math.floor(rand() * 2500) + 20;
      const cacheCreation = Math.floor(rand() * 15000);
      const cacheRead = Math.floor(rand() * 120000);
      const p = PRICES[model];
      rows.push({
        ts: Math.min(NOW - 60_000, start + i * Math.floor(20_000 + rand() * 90_000)),
        session: `session-${s}`, sessionTitle: title, project, model, branch: BRANCHES[s % BRANCHES.length],
        tools: TOOLS[Math.floor(rand() * TOOLS.length)], input, output, cacheCreation, cacheRead, sidechain,
        cost: p ? (input * p[0] + output * p[1] + cacheCreation * p[2] + cacheRead * p[3]) / 1e6 : 0,
        priced: !!p,
        // What the ingest stores beside the cost: reads at (input − read rate), 5-minute writes at (write − input rate).
        cacheSavings: p ? Math.round(cacheRead * (p[0] - p[3]) * 1e4) / 1e10 : 0,
        cacheWritePremium: p ? Math.round(cacheCreation * (p[2] - p[0]) * 1e4) / 1e10 : 0,
      });
    }
  }
  // One session still running: the active dot.
  for (let i = 0; i < 12; i++) {
    rows.push({ ts: NOW - 40 * 60_000 + i * 180_000, session: 'session-live', sessionTitle: 'Wire up the costs panel', project: 'shop-frontend',
      model: 'claude-opus-4-6', branch: 'feature/costs-panel', tools: 'Edit, Read', input: 900, output: 1800, cacheCreation: 4000, cacheRead: 60000, cost: 0.09 });
  }
  insertRequests(db, rows);
  return db;
}

export async function emptyStore(): Promise<Database> {
  return createStore();
}

// ---------------------------------------------------------------------------------------------
// API logs (issue 7): lines in the shapes users' own tools write, loaded through the real scanner.

export const HOSTILE_PROVIDER = '<svg onload=alert(4)>';
export const HOSTILE_FEATURE = '<img src=y onerror=alert(3)>';
export const API_PROVIDERS = ['anthropic', 'openai', 'ollama', HOSTILE_PROVIDER];
export const OLLAMA_MODEL = 'llama3.1:8b';

/** Writes `files` (name → lines) to a temp dir and scans them into `db` with ApiLogScanner + Ingestor. */
export async function scanApiLogs(db: Database, files: Record<string, unknown[]>): Promise<ScanSummary> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'panel-api-logs-'));
  try {
    for (const [name, lines] of Object.entries(files)) {
      const file = path.join(dir, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
    }
    const summary = emptyScanSummary();
    const ingestor = new Ingestor(db);
    db.run('BEGIN');
    try {
      await new ApiLogScanner(db, ingestor, silentLogger).scan([path.join(dir, '**', '*.jsonl')], summary, { homeDir: dir, cwd: dir });
      ingestor.refreshRollups();
      db.run('COMMIT');
    } catch (e) {
      db.run('ROLLBACK');
      throw e;
    } finally {
      ingestor.dispose();
    }
    return summary;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * About 45 days of a user's own API calls ending at `now`: an orchestrator's daily api-calls files
 * (task_id / tokens_input / duration_seconds / estimated_cost_usd / success), an agent's llm_costs.jsonl
 * with local Ollama calls (execution_mode local, cost 0.0), OpenAI calls, and Anthropic SDK calls with
 * their rate-limit headers. The latest observation per model: Sonnet output tokens at 15 % (fresh),
 * Haiku at 72 % (fresh), gpt-4o-mini requests at 40 % (fresh), Opus stale (its reset has passed).
 */
export function apiLogFiles(now: number, seed = 7): Record<string, unknown[]> {
  const rand = prng(seed);
  const daily: Record<string, unknown[]> = {};
  const agent: unknown[] = [];
  const sdk: unknown[] = [];
  const features = ['summarize-inbox', 'code-review-bot', 'triage', 'heartbeat', HOSTILE_FEATURE];
  for (let i = 0; i < 600; i++) {
    const ts = now - Math.floor(rand() ** 1.3 * 45 * 86_400_000) - 120_000;
    const pick = rand();
    const feature = features[Math.floor(rand() * features.length)];
    const input = 200 + Math.floor(rand() * 6000);
    const output = 40 + Math.floor(rand() ** 2 * 2400);
    const ok = rand() > 0.05;
    const speed = 45 + rand() * 90;
    const durationS = ok ? 0.3 + output / speed + rand() * 1.5 : 30;
    if (pick < 0.35) {
      const day = iso(ts).slice(0, 10);
      (daily[`orchestrator/logs/api-calls-${day}.jsonl`] ??= []).push({
        timestamp: iso(ts), task_id: feature, worker_id: `worker-${i % 3}`, model: 'claude-sonnet-4-5-20250929',
        tokens_input: input, tokens_output: ok ? output : 0, tokens_total: input + (ok ? output : 0),
        duration_seconds: Math.round(durationS * 100) / 100, tokens_per_second: Math.round(speed * 10) / 10,
        estimated_cost_usd: Math.round(((input * 3 + (ok ? output : 0) * 15) / 1e6) * 1e6) / 1e6, success: ok,
      });
    } else if (pick < 0.6) {
      agent.push({
        ts: Math.floor(ts / 1000), session_id: `agent-${Math.floor(i / 40)}`, provider: 'ollama', model: OLLAMA_MODEL,
        execution_mode: 'local', prompt_tokens: input, completion_tokens: output, estimated_cost_usd: 0.0,
        duration_ms: Math.round((0.8 + output / 28) * 1000), success: true, purpose: feature, project: 'inbox-agent',
      });
    } else if (pick < 0.8) {
      agent.push({
        timestamp: iso(ts), provider: 'openai', model: 'gpt-4o-mini', input_tokens: input, output_tokens: output,
        cost_usd: Math.round(((input * 0.15 + output * 0.6) / 1e6) * 1e6) / 1e6, duration_ms: Math.round(durationS * 700),
        success: ok, error_message: ok ? undefined : 'rate limited', purpose: feature, project: 'inbox-agent',
      });
    } else if (pick < 0.95) {
      sdk.push({
        timestamp: iso(ts), provider: 'anthropic', model: 'claude-haiku-4-5-20251001', input_tokens: input, output_tokens: output,
        cache_read_input_tokens: Math.floor(rand() * 8000), duration_ms: Math.round(durationS * 600), time_to_first_token: 0.4,
        success: ok, feature, initiator: i % 5 === 0 ? 'heartbeat' : 'chat', project: 'review-bot',
      });
    } else {
      sdk.push({
        timestamp: iso(ts), provider: HOSTILE_PROVIDER, model: 'evil-model', input_tokens: input, output_tokens: output,
        cost_usd: 0.002, duration_ms: Math.round(durationS * 1000), success: ok, feature: HOSTILE_FEATURE, project: 'review-bot',
      });
    }
  }
  // The latest calls of each model carry the rate-limit state (headers as the SDK returns them).
  sdk.push({
    timestamp: iso(now - 20_000), provider: 'anthropic', model: 'claude-sonnet-4-5-20250929', input_tokens: 1200, output_tokens: 800,
    duration_ms: 9100, success: true, feature: 'code-review-bot', project: 'review-bot',
    headers: {
      'anthropic-ratelimit-requests-limit': 50, 'anthropic-ratelimit-requests-remaining': 41, 'anthropic-ratelimit-requests-reset': iso(now + 40_000),
      'anthropic-ratelimit-input-tokens-limit': 30_000, 'anthropic-ratelimit-input-tokens-remaining': 21_400, 'anthropic-ratelimit-input-tokens-reset': iso(now + 40_000),
      'anthropic-ratelimit-output-tokens-limit': 8_000, 'anthropic-ratelimit-output-tokens-remaining': 1_200, 'anthropic-ratelimit-output-tokens-reset': iso(now + 40_000),
    },
  });
  sdk.push({
    timestamp: iso(now - 45_000), provider: 'anthropic', model: 'claude-haiku-4-5-20251001', input_tokens: 900, output_tokens: 300,
    duration_ms: 2100, success: true, feature: 'triage', project: 'review-bot',
    'anthropic-ratelimit-requests-limit': 50, 'anthropic-ratelimit-requests-remaining': 36, 'anthropic-ratelimit-requests-reset': iso(now + 15_000),
    'anthropic-ratelimit-input-tokens-limit': 50_000, 'anthropic-ratelimit-input-tokens-remaining': 44_000, 'anthropic-ratelimit-input-tokens-reset': iso(now + 15_000),
    'anthropic-ratelimit-output-tokens-limit': 10_000, 'anthropic-ratelimit-output-tokens-remaining': 9_100, 'anthropic-ratelimit-output-tokens-reset': iso(now + 15_000),
  });
  agent.push({
    timestamp: iso(now - 70_000), provider: 'openai', model: 'gpt-4o-mini', input_tokens: 700, output_tokens: 220, cost_usd: 0.000237,
    duration_ms: 1800, success: true, purpose: 'triage', project: 'inbox-agent',
    rate_limit: { requests: { limit: 500, remaining: 200, reset: '6m0s' }, tokens: { limit: 200_000, remaining: 150_000, reset: '12s' } },
  });
  sdk.push({
    timestamp: iso(now - 2 * 3_600_000), provider: 'anthropic', model: 'claude-opus-4-6', input_tokens: 3000, output_tokens: 1500,
    duration_ms: 31_000, success: true, feature: 'code-review-bot', project: 'review-bot',
    'anthropic-ratelimit-output-tokens-limit': 4_000, 'anthropic-ratelimit-output-tokens-remaining': 100,
    'anthropic-ratelimit-output-tokens-reset': iso(now - 2 * 3_600_000 + 60_000),
  });
  return { ...daily, 'agent/sessions/llm_costs.jsonl': agent, 'review-bot/logs/calls.jsonl': sdk };
}

/** The populated Claude Code store plus the API logs above. */
export async function bothSourcesStore(): Promise<Database> {
  const db = await populatedStore();
  await scanApiLogs(db, apiLogFiles(NOW));
  return db;
}
