// The chip's text, colour and tooltip in each state (normal / warning / error / limit hit / stale / no
// window / estimate), and the notification decisions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createStore, insertRequests } from './helpers/store-fixture';
import { buildStatus, type StatusResult } from '../../src/core/limits/status';
import { parseStatuslineJson } from '../../src/core/limits/readings';
import { chipView, compactNumber, formatDuration, DEFAULT_CHIP_SETTINGS, CHIP_TOOLTIP_COMMANDS } from '../../src/core/limits/chip';
import { decideNotifications, EMPTY_NOTIFY_STATE, type NotifySettings } from '../../src/core/limits/notify';

const T = (iso: string) => Date.parse(iso);
const NOW = T('2026-11-22T12:46:00Z');
const RESET = T('2026-11-22T15:00:00Z');

async function statusWith(usedPct: number | null, opts: { ageMin?: number; plan?: 'max5' } = {}): Promise<StatusResult> {
  const db = await createStore();
  insertRequests(db, [
    { ts: T('2026-11-22T10:05:00Z'), input: 200_000, output: 400_000, cacheCreation: 100_000, cacheRead: 500_000, cost: 3.5 },
    { ts: T('2026-11-22T12:30:00Z'), input: 1000, output: 2000, cacheCreation: 0, cacheRead: 0, cost: 0.1 },
  ]);
  const statusline =
    usedPct === null
      ? null
      : parseStatuslineJson(JSON.stringify({ rate_limits: { five_hour: { used_percentage: usedPct, resets_at: RESET / 1000 } } }), NOW - (opts.ageMin ?? 1) * 60_000);
  return buildStatus(db, NOW, { tz: 'UTC', statusline, plan: opts.plan });
}

test('number and duration formats', () => {
  assert.equal(compactNumber(950), '950');
  assert.equal(compactNumber(12_345), '12.3K');
  assert.equal(compactNumber(1_203_000), '1.2M');
  assert.equal(compactNumber(123_456_789), '123M');
  assert.equal(formatDuration(2 * 3_600_000 + 14 * 60_000 + 30_000), '2h14m');
  assert.equal(formatDuration(14 * 60_000), '14m');
  assert.equal(formatDuration(20_000), '<1m');
});

test('normal: tokens · % left · time to reset, no background', async () => {
  const v = chipView(await statusWith(37));
  assert.equal(v.text, '$(pulse) 603K · 63% left · 2h14m');
  assert.equal(v.color, 'normal');
  assert.equal(v.dimmed, false);
  assert.match(v.accessibilityLabel, /603,000 input and output tokens, \$3\.60; 63% of the limit left; resets in 2h14m/);
});

test('warning at ≥ 80 % used, error at ≥ 95 %', async () => {
  assert.equal(chipView(await statusWith(79.9)).color, 'normal');
  const w = chipView(await statusWith(80));
  assert.equal(w.color, 'warning');
  assert.equal(w.text, '$(pulse) 603K · 20% left · 2h14m');
  assert.equal(chipView(await statusWith(94)).color, 'warning');
  assert.equal(chipView(await statusWith(95)).color, 'error');
});

test('thresholds follow the settings', async () => {
  const s = await statusWith(60);
  assert.equal(chipView(s, { ...DEFAULT_CHIP_SETTINGS, warningPct: 50, errorPct: 90 }).color, 'warning');
  assert.equal(chipView(s, { ...DEFAULT_CHIP_SETTINGS, warningPct: 50, errorPct: 55 }).color, 'error');
});

test('limit hit: error background and "limit hit"', async () => {
  const v = chipView(await statusWith(100));
  assert.equal(v.color, 'error');
  assert.equal(v.text, '$(pulse) 603K · limit hit · 2h14m');
  assert.match(v.accessibilityLabel, /usage limit hit/);
});

test('stale: never coloured, dimmed, shows its age', async () => {
  const v = chipView(await statusWith(97, { ageMin: 40 }));
  assert.equal(v.color, 'normal');
  assert.equal(v.dimmed, true);
  assert.equal(v.text, '$(pulse) 603K · 3% left (40m ago) · 2h14m');
  assert.match(v.tooltipMarkdown, /stale: not coloured/);
});

test('estimate: labelled (est.) in the text and "estimate" in the tooltip', async () => {
  const v = chipView(await statusWith(null, { plan: 'max5' }));
  // 603,000 in+out tokens against 88,000 → far over: error colour, 0 % left.
  assert.equal(v.text, '$(pulse) 603K · 0% left (est.) · 2h14m');
  assert.equal(v.color, 'error');
  assert.match(v.tooltipMarkdown, /Headroom: \*\*685% used · 0% left\*\* — estimate · Max 5x plan/);
  // The tokens on the chip and the % are on one basis, and the tooltip says which.
  assert.match(v.tooltipMarkdown, /% left = 603,000 of 88,000 input \+ output tokens/);
});

test('issue 13 item 6: an estimated 236 % is the error colour, with tokens and % on the same input + output basis', async () => {
  const db = await createStore();
  // 12K in+out tokens next to 112K of cache: the chip shows 12K, and 12K / custom 5,085 ≈ 236 %.
  insertRequests(db, [{ ts: T('2026-11-22T12:00:00Z'), input: 2000, output: 10_000, cacheCreation: 12_000, cacheRead: 100_000, cost: 1 }]);
  const s = buildStatus(db, NOW, { tz: 'UTC', plan: 'custom', customTokenLimit: 5085 });
  assert.equal(Math.round(s.headroom.usedPct!), 236);
  const v = chipView(s);
  assert.equal(v.text, '$(pulse) 12K · 0% left (est.) · 4h14m');
  assert.equal(v.color, 'error');
  assert.match(v.tooltipMarkdown, /% left = 12,000 of 5,085 input \+ output tokens \(estimate · custom limit/);
  assert.match(v.tooltipMarkdown, /error at 95%/);
  // At 38 % left, the text's tokens are still the 12K the % is computed on, never the 124K with cache.
  const roomy = chipView(buildStatus(db, NOW, { tz: 'UTC', plan: 'custom', customTokenLimit: 19_355 }));
  assert.equal(roomy.text, '$(pulse) 12K · 38% left (est.) · 4h14m');
  assert.equal(roomy.color, 'normal');
});

test('no active window: today\'s cost', async () => {
  const db = await createStore();
  insertRequests(db, [{ ts: T('2026-11-22T01:00:00Z'), input: 1, output: 1, cost: 2.345 }]);
  const v = chipView(buildStatus(db, NOW, { tz: 'UTC' }));
  assert.equal(v.text, '$(pulse) $2.35 today');
  assert.equal(v.color, 'normal');
  assert.match(v.tooltipMarkdown, /no active 5-hour window/);
  assert.match(v.accessibilityLabel, /no active 5-hour window; \$2\.35 spent today/);
});

test('chip parts follow the settings', async () => {
  const s = await statusWith(37);
  assert.equal(chipView(s, { ...DEFAULT_CHIP_SETTINGS, showTokens: false, showCost: true }).text, '$(pulse) $3.60 · 63% left · 2h14m');
  assert.equal(chipView(s, { ...DEFAULT_CHIP_SETTINGS, showHeadroom: false, showReset: false }).text, '$(pulse) 603K');
});

test('tooltip: window, buckets, cost, burn, projection, pace, source + age, links only to our commands', async () => {
  const md = chipView(await statusWith(37)).tooltipMarkdown;
  assert.match(md, /10:00 → 15:00 \(resets in 2h14m\)/);
  assert.match(md, /\| Input \| 201,000 \|/);
  assert.match(md, /\| Cache reads \| 500,000 \|/);
  assert.match(md, /Cost \*\*\$3\.60\*\* · 2 requests/);
  assert.match(md, /\| \*\*Input \+ output\*\* \(on the chip\) \| \*\*603,000\*\* \|/);
  assert.match(md, /\| All, cache included \| 1,203,000 \|/);
  assert.match(md, /Tokens on the chip: input \+ output .*% left is Anthropic's figure/);
  assert.match(md, /Burn rate: .* input \+ output tokens\/min · \$[\d.]+\/min/);
  assert.match(md, /Projected at reset: /);
  assert.match(md, /Pace: .*points vs 55% of the window elapsed/);
  assert.match(md, /official · Claude Code statusline, 1m00m ago|official · Claude Code statusline, 1m ago/);
  const links = [...md.matchAll(/\(command:([^)]+)\)/g)].map((m) => m[1]);
  assert.deepEqual(links, [...CHIP_TOOLTIP_COMMANDS]);
});

const NOTIFY: NotifySettings = { enabled: true, warningPct: 80, errorPct: 95, cooldownMs: 10 * 60_000 };

test('notifications: once per window per threshold; stale or disabled never notify', async () => {
  const s80 = await statusWith(82);
  let r = decideNotifications(s80, EMPTY_NOTIFY_STATE, NOTIFY);
  assert.equal(r.toasts.length, 1);
  assert.equal(r.toasts[0].severity, 'warning');
  assert.match(r.toasts[0].message, /82% of the 5-hour limit used/);
  // Same window, same threshold: nothing.
  assert.equal(decideNotifications(s80, r.state, NOTIFY).toasts.length, 0);
  // Crossing 95 % inside the cooldown waits; after it, one error toast.
  const s96 = await statusWith(96);
  assert.equal(decideNotifications(s96, r.state, NOTIFY).toasts.length, 0);
  r = decideNotifications({ ...s96, nowMs: s96.nowMs + 11 * 60_000 }, r.state, NOTIFY);
  assert.deepEqual(r.toasts.map((t) => t.severity), ['error']);
  assert.equal(decideNotifications(await statusWith(97, { ageMin: 30 }), EMPTY_NOTIFY_STATE, NOTIFY).toasts.length, 0);
  assert.equal(decideNotifications(s80, EMPTY_NOTIFY_STATE, { ...NOTIFY, enabled: false }).toasts.length, 0);
});

test('notifications: a new limit event toasts once', async () => {
  const db = await createStore();
  insertRequests(db, [{ ts: T('2026-11-22T12:00:00Z'), input: 1, output: 1, cost: 0.1 }]);
  db.run("INSERT INTO limit_events (event_key, ts, limit_type, resets_at, text) VALUES ('e1', ?, 'five_hour', ?, 'limit')", [T('2026-11-22T12:40:00Z'), RESET]);
  const s = buildStatus(db, NOW, { tz: 'UTC' });
  const r = decideNotifications(s, EMPTY_NOTIFY_STATE, NOTIFY);
  assert.equal(r.toasts.length, 1);
  assert.match(r.toasts[0].message, /hit a usage limit\. It resets in about 134 min/);
  assert.equal(decideNotifications(s, r.state, NOTIFY).toasts.length, 0);
});

test('no local window but an official figure (usage elsewhere): today\'s cost plus the official headroom, coloured', async () => {
  const db = await createStore();
  insertRequests(db, [{ ts: T('2026-11-22T01:00:00Z'), input: 1, output: 1, cost: 1 }]);
  const statusline = parseStatuslineJson(JSON.stringify({ rate_limits: { five_hour: { used_percentage: 85, resets_at: RESET / 1000 } } }), NOW - 60_000);
  const s = buildStatus(db, NOW, { tz: 'UTC', statusline });
  const v = chipView(s);
  assert.equal(v.text, '$(pulse) $1.00 today · 15% left · 2h14m');
  assert.equal(v.color, 'warning');
  assert.match(v.accessibilityLabel, /15% of the 5-hour limit left \(official · Claude Code statusline\)/);
  assert.equal(decideNotifications(s, EMPTY_NOTIFY_STATE, NOTIFY).toasts.length, 1);
  // An estimate never colours without local activity (there is none to estimate from).
  assert.equal(chipView(buildStatus(db, NOW, { tz: 'UTC', plan: 'pro' })).text, '$(pulse) $1.00 today');
});

test('a P90 estimate follows the stated thresholds too (500 % → error colour and toast); "already reached" instead of a past time', async () => {
  const db = await createStore();
  // Past windows of 10K in+out tokens, a current one of 50K: 500 % of the P90.
  insertRequests(db, [
    { ts: T('2026-11-19T08:00:00Z'), input: 5000, output: 5000, cost: 1 },
    { ts: T('2026-11-20T08:00:00Z'), input: 5000, output: 5000, cost: 1 },
    { ts: T('2026-11-21T08:00:00Z'), input: 5000, output: 5000, cost: 1 },
    { ts: T('2026-11-22T12:00:00Z'), input: 10000, output: 40000, cost: 1 },
  ]);
  const s = buildStatus(db, NOW, { tz: 'UTC' });
  assert.equal(s.headroom.estimateBasis, 'p90');
  assert.equal(s.headroom.usedPct, 500);
  const v = chipView(s);
  assert.equal(v.color, 'error');
  assert.match(v.tooltipMarkdown, /Warning at 80% used, error at 95%/);
  assert.match(v.tooltipMarkdown, /The limit is already reached \(estimate\)/);
  assert.deepEqual(decideNotifications(s, EMPTY_NOTIFY_STATE, NOTIFY).toasts.map((t) => t.severity), ['error']);
  // The same figure against a plan limit is an error.
  const planned = buildStatus(db, NOW, { tz: 'UTC', plan: 'custom', customTokenLimit: 10000 });
  assert.equal(planned.headroom.estimateBasis, 'custom');
  assert.equal(chipView(planned).color, 'error');
});

test('the chip speaks the UI language: with the German bundle as translator, text and tooltip are German, figures unchanged', async () => {
  const de = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'l10n', 'bundle.l10n.de.json'), 'utf8')) as Record<string, string>;
  const german = (message: string, ...args: Array<string | number>) =>
    (de[message] ?? `<missing: ${message}>`).replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]));
  const status = await statusWith(37);
  const v = chipView(status, DEFAULT_CHIP_SETTINGS, undefined, german);
  assert.equal(v.text, '$(pulse) 603K · 63% übrig · 2h14m');
  assert.ok(!v.tooltipMarkdown.includes('<missing:'), v.tooltipMarkdown);
  assert.match(v.tooltipMarkdown, /\*\*Claude Code · 5-Stunden-Fenster\*\*/);
  assert.match(v.tooltipMarkdown, /Spielraum: \*\*37% genutzt · 63% übrig\*\*/);
  assert.match(v.tooltipMarkdown, /Warnung ab 80% genutzt, Fehler ab 95%/);
  assert.match(v.tooltipMarkdown, /\[Kostenübersicht öffnen\]\(command:claudeCosts\.openPanel\)/);
  assert.match(v.accessibilityLabel, /^Claude-Code-5-Stunden-Fenster: 603,000 Eingabe- und Ausgabe-Tokens/);
  // English (the CLI, the default) is unchanged.
  assert.equal(chipView(status).text, '$(pulse) 603K · 63% left · 2h14m');
});
