// HeadroomInputs: the capture file is re-read only when it changes, a capture without rate_limits keeps the
// last reading, the OAuth snapshot only reaches the status when the setting is on, and the plan is
// detected from the config dirs of the roots in use.
import { test } from 'node:test';
import type { DetectedPlan } from '../../src/core/limits/plan';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HeadroomInputs } from '../../src/host/headroomInputs';
import { readSettings } from '../../src/host/settings';
import { parseOAuthUsage } from '../../src/core/limits/readings';

test('capture file: read on change, mtime is the capture time, absent rate_limits keep the last reading', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-inputs-'));
  const file = path.join(dir, 'statusline.json');
  const h = new HeadroomInputs(file);
  assert.equal(h.refreshCapture(), false, 'no file: nothing changed');
  fs.writeFileSync(file, JSON.stringify({ rate_limits: { five_hour: { used_percentage: 12, resets_at: 1795428000 } } }));
  const t = new Date('2026-11-22T10:00:00Z');
  fs.utimesSync(file, t, t);
  assert.equal(h.refreshCapture(), true);
  assert.equal(h.statusline?.fiveHour?.usedPct, 12);
  assert.equal(h.statusline?.capturedAtMs, t.getTime());
  assert.equal(h.refreshCapture(), false, 'unchanged file is not re-read');
  fs.writeFileSync(file, JSON.stringify({ session_id: 'x', model: { id: 'm' } })); // before the first response
  fs.utimesSync(file, new Date(t.getTime() + 60_000), new Date(t.getTime() + 60_000));
  assert.equal(h.refreshCapture(), false);
  assert.equal(h.statusline?.fiveHour?.usedPct, 12, 'the last official reading stays');
  fs.rmSync(file);
  assert.equal(h.refreshCapture(), true, 'removal clears the reading');
  assert.equal(h.statusline, null);
});

test('build: settings flow into the status options; OAuth only when opted in', () => {
  const h = new HeadroomInputs(path.join(os.tmpdir(), 'none', 'statusline.json'));
  h.oauth = parseOAuthUsage({ five_hour: { utilization: 50, resets_at: null } }, Date.parse('2026-11-22T12:00:00Z'));
  const off = h.build(readSettings(() => undefined));
  assert.equal(off.oauth, null);
  assert.equal(off.plan, 'auto');
  assert.equal(off.staleAfterMs, 900_000);
  const values: Record<string, unknown> = { 'headroom.useOAuthUsageEndpoint': true, plan: 'custom', customPlanTokenLimit: 50000, 'chip.staleAfterMinutes': 5 };
  const on = h.build(readSettings((k) => values[k]));
  assert.equal(on.oauth?.fiveHour?.usedPct, 50);
  assert.equal(on.plan, 'custom');
  assert.equal(on.customTokenLimit, 50000);
  assert.equal(on.staleAfterMs, 300_000);
});

test('detectPlan uses the config dir of each root (<config>/projects)', () => {
  const cfg = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-inputs-cfg-'));
  fs.mkdirSync(path.join(cfg, 'projects'));
  fs.writeFileSync(path.join(cfg, '.credentials.json'), JSON.stringify({ claudeAiOauth: { rateLimitTier: 'default_claude_max_20x' } }));
  const h = new HeadroomInputs(path.join(cfg, 'nothing.json'));
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-inputs-home-'));
  // Reading credentials is opt-in (the OAuth usage setting): by default the file is not looked at.
  h.detectPlan([path.join(cfg, 'projects')], home);
  assert.equal(h.detectedPlan, null);
  h.detectPlan([path.join(cfg, 'projects')], home, true);
  assert.equal((h.detectedPlan as DetectedPlan | null)?.plan, 'max20');
});
