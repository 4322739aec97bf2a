// A deterministic store for the webview tests: 45 days of plausible Claude Code usage over several
// projects (one with a hostile name), four models (one without a price), subagents and tool sets.
import type { Database } from '../../src/core/store/sqljs';
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
        session: `session-${s}`, sessionTitle: title, project, model,
        tools: TOOLS[Math.floor(rand() * TOOLS.length)], input, output, cacheCreation, cacheRead, sidechain,
        cost: p ? (input * p[0] + output * p[1] + cacheCreation * p[2] + cacheRead * p[3]) / 1e6 : 0,
        priced: !!p,
      });
    }
  }
  // One session still running: the active dot.
  for (let i = 0; i < 12; i++) {
    rows.push({ ts: NOW - 40 * 60_000 + i * 180_000, session: 'session-live', sessionTitle: 'Wire up the costs panel', project: 'shop-frontend',
      model: 'claude-opus-4-6', tools: 'Edit, Read', input: 900, output: 1800, cacheCreation: 4000, cacheRead: 60000, cost: 0.09 });
  }
  insertRequests(db, rows);
  return db;
}

export async function emptyStore(): Promise<Database> {
  return createStore();
}
