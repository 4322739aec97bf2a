// The chip's `ctx NN%` part (issue 17): only for a session of this window's workspace, coloured by the
// context thresholds, tooltip listing every active session with provenance, a setting to turn it off,
// the plain-text lines, and the once-per-session notification.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStore } from './helpers/store-fixture';
import { buildStatus, type StatusResult } from '../../src/core/limits/status';
import { chipView, DEFAULT_CHIP_SETTINGS, renderStatusText as statusPlainText } from '../../src/core/limits/chip';
import { decideContextNotifications, workspaceSessions } from '../../src/core/limits/contextChip';
import type { SessionContext } from '../../src/core/limits/context';
import { readSettings } from '../../src/host/settings';

const NOW = Date.parse('2026-11-22T12:00:00.000Z');

function session(o: Partial<SessionContext> & { session_id: string; context_pct: number | null }): SessionContext {
  const window = o.context_window ?? 200_000;
  const tokens = o.context_pct === null ? null : Math.round((o.context_pct / 100) * window);
  const updated = o.updated_at_ms ?? NOW - 60_000;
  return {
    title: null, project: 'shop', model: 'claude-sonnet-4-6', context_tokens: tokens, context_window: window, source: 'transcript',
    updated_at: new Date(updated).toISOString(), updated_at_ms: updated, project_path: '/home/dev/shop',
    last_response_at: new Date(updated).toISOString(), peak_tokens: tokens, peak_pct: o.context_pct, compactions: 0, last_compaction: null,
    ...o,
  };
}

async function statusWith(sessions: SessionContext[]): Promise<StatusResult> {
  const s = buildStatus(await createStore(), NOW, { tz: 'UTC' });
  return { ...s, sessions };
}

const SHOP = { projectPaths: ['/home/dev/shop'] };

test("ctx joins the chip only for an active session of this window's workspace", async () => {
  const status = await statusWith([
    session({ session_id: 'other-1', context_pct: 91, project: 'blog', project_path: '/home/dev/blog', updated_at_ms: NOW - 10_000 }),
    session({ session_id: 'shop-1', context_pct: 47.4, title: 'Fix checkout rounding' }),
  ]);
  const v = chipView(status, DEFAULT_CHIP_SETTINGS, SHOP);
  assert.match(v.text, / · ctx 47%$/);
  assert.equal(v.color, 'normal', "another workspace's full context does not colour this chip");
  assert.match(v.accessibilityLabel, /this workspace's Claude Code session: context window 47% full \(94,800 of 200,000 tokens\)/);
  // No workspace (or no matching session): no ctx part.
  assert.doesNotMatch(chipView(status, DEFAULT_CHIP_SETTINGS, { projectPaths: [] }).text, /ctx/);
  assert.doesNotMatch(chipView(status, DEFAULT_CHIP_SETTINGS, { projectPaths: ['/srv/elsewhere'] }).text, /ctx/);
  // A workspace folder inside the repository (or the repository inside a multi-root folder) matches too.
  assert.deepEqual(workspaceSessions(status.sessions, ['/home/dev/shop/packages/web']).map((s) => s.session_id), ['shop-1']);
  assert.deepEqual(workspaceSessions(status.sessions, ['/home/dev']).map((s) => s.session_id), ['other-1', 'shop-1']);
  // One setting turns it off.
  assert.doesNotMatch(chipView(status, { ...DEFAULT_CHIP_SETTINGS, showContext: false }, SHOP).text, /ctx/);
});

test('ctx colours the chip by the context thresholds (default warning 70 %, error 85 %)', async () => {
  const colour = async (pct: number | null, settings = DEFAULT_CHIP_SETTINGS) => chipView(await statusWith([session({ session_id: 's', context_pct: pct })]), settings, SHOP);
  assert.equal((await colour(69.9)).color, 'normal');
  assert.equal((await colour(70)).color, 'warning');
  assert.equal((await colour(84.9)).color, 'warning');
  const full = await colour(85);
  assert.equal(full.color, 'error');
  assert.equal(full.dimmed, false);
  assert.equal((await colour(60, { ...DEFAULT_CHIP_SETTINGS, contextWarningPct: 50, contextErrorPct: 55 })).color, 'error');
  const compacted = await colour(null);
  assert.match(compacted.text, /ctx compacted$/);
  assert.equal(compacted.color, 'normal');
});

test('the tooltip lists every active session (title, project, model, context %, last response) with provenance', async () => {
  const status = await statusWith([
    session({ session_id: 'b2', context_pct: 40, context_window: 1_000_000, model: 'claude-opus-4-7', project: 'blog', project_path: '/home/dev/blog', source: 'statusline', updated_at_ms: NOW - 30_000, title: 'Draft | launch post' }),
    session({ session_id: 'a1', context_pct: 83, title: 'Fix checkout rounding', peak_pct: 83, compactions: 1, updated_at_ms: NOW - 4 * 60_000 }),
  ]);
  const md = chipView(status, DEFAULT_CHIP_SETTINGS, SHOP).tooltipMarkdown;
  assert.match(md, /\*\*Context windows\*\* · 2 active sessions/);
  assert.match(md, /\| Draft \\\| launch post \| blog \| claude\\-opus\\-4\\-7 \| 40% · 400K \/ 1M \(statusline\) \| just now \|/);
  assert.match(md, /\| ● Fix checkout rounding \| shop \| claude\\-sonnet\\-4\\-6 \| 83% · 166K \/ 200K · 1× compacted \(transcript\) \| 4m ago \|/);
  assert.match(md, /● this window's workspace/);
  assert.match(md, /context: warning at 70%, error at 85%/);
  const text = statusPlainText(status);
  assert.match(text, /context: 40% · 400K \/ 1M — Draft \| launch post \(b2\) · blog · claude-opus-4-7 \(statusline, just now\)/);
});

test('no active session: no context section, and the plain text says so', async () => {
  const status = await statusWith([]);
  assert.doesNotMatch(chipView(status, DEFAULT_CHIP_SETTINGS, SHOP).tooltipMarkdown, /Context windows/);
  assert.match(statusPlainText(status), /context: no active session/);
});

test('a notification once per session crossing the context error threshold; a setting turns it off', () => {
  const settings = { enabled: true, errorPct: 85 };
  let r = decideContextNotifications([session({ session_id: 'a1', context_pct: 84, title: 'Fix checkout' })], { sent: {} }, settings, NOW);
  assert.equal(r.toasts.length, 0);
  r = decideContextNotifications([session({ session_id: 'a1', context_pct: 86, title: 'Fix checkout' })], r.state, settings, NOW + 60_000);
  assert.deepEqual(r.toasts.map((t) => t.key), ['a1']);
  assert.match(r.toasts[0].message, /“Fix checkout” \(shop\): context window 86% full \(172K of 200K\)/);
  r = decideContextNotifications([session({ session_id: 'a1', context_pct: 95 })], r.state, settings, NOW + 120_000);
  assert.equal(r.toasts.length, 0, 'once per session');
  assert.equal(decideContextNotifications([session({ session_id: 'b', context_pct: 99 })], { sent: {} }, { enabled: false, errorPct: 85 }, NOW).toasts.length, 0);
  // Old entries are forgotten so the state never grows without bound.
  assert.deepEqual(decideContextNotifications([], { sent: { old: NOW - 9 * 86_400_000 } }, settings, NOW).state, { sent: {} });
});

test('settings: context thresholds, switch, active minutes and notification (defaults and clamping)', () => {
  const d = readSettings(() => undefined);
  assert.deepEqual([d.chip.showContext, d.chip.contextWarningPct, d.chip.contextErrorPct, d.context.activeMinutes, d.context.notify], [true, 70, 85, 30, true]);
  const values: Record<string, unknown> = { 'context.showInChip': false, 'context.warningThreshold': 90, 'context.errorThreshold': 60, 'context.activeMinutes': 0, 'context.notify': false };
  const s = readSettings((k) => values[k]);
  assert.deepEqual([s.chip.showContext, s.chip.contextWarningPct, s.chip.contextErrorPct, s.context.activeMinutes, s.context.notify], [false, 90, 90, 1, false]);
});
