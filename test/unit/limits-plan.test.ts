// Offline plan detection (credentials / ~/.claude.json plan fields only) and the estimate's limit choice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectPlanOffline, planFromTier } from '../../src/core/limits/plan';
import { estimateLimit } from '../../src/core/limits/headroom';

test('planFromTier maps the tiers Claude Code writes', () => {
  assert.equal(planFromTier('default_claude_max_5x', 'max'), 'max5');
  assert.equal(planFromTier('default_claude_max_20x', 'max'), 'max20');
  assert.equal(planFromTier('default_claude_ai', 'pro'), 'pro');
  assert.equal(planFromTier(undefined, 'pro'), 'pro');
  assert.equal(planFromTier(undefined, 'max'), null, '"max" alone does not say 5x or 20x');
  assert.equal(planFromTier('default_claude_ai', 'team'), null);
  assert.equal(planFromTier(undefined, 'enterprise'), null);
});

test('detectPlanOffline: credentials first (only when opted in), then ~/.claude.json; missing files are not errors', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-plan-'));
  const cfg = path.join(home, '.claude');
  fs.mkdirSync(cfg);
  assert.equal(detectPlanOffline({ homeDir: home, env: {} }), null);
  fs.writeFileSync(path.join(home, '.claude.json'), JSON.stringify({ oauthAccount: { organizationRateLimitTier: 'default_claude_max_20x' } }));
  assert.equal(detectPlanOffline({ homeDir: home, env: {} })?.plan, 'max20');
  fs.writeFileSync(path.join(cfg, '.credentials.json'), JSON.stringify({ claudeAiOauth: { accessToken: 'sk-ant-oat01-secret', rateLimitTier: 'default_claude_max_5x', subscriptionType: 'max' } }));
  // Without the opt-in the credentials file is not read: the plan still comes from ~/.claude.json.
  assert.equal(detectPlanOffline({ homeDir: home, env: {} })?.plan, 'max20');
  const d = detectPlanOffline({ homeDir: home, env: {}, readCredentials: true });
  assert.equal(d?.plan, 'max5');
  assert.equal(d?.raw, 'default_claude_max_5x');
  assert.ok(!JSON.stringify(d).includes('secret'), 'the token never leaves the reader');
  // CLAUDE_CONFIG_DIR and explicit config dirs are honoured.
  const other = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-plan-cfg-'));
  fs.writeFileSync(path.join(other, '.credentials.json'), JSON.stringify({ claudeAiOauth: { subscriptionType: 'pro' } }));
  assert.equal(detectPlanOffline({ homeDir: home, env: { CLAUDE_CONFIG_DIR: other }, readCredentials: true })?.plan, 'pro');
  assert.equal(detectPlanOffline({ homeDir: home, env: {}, configDirs: [other], readCredentials: true })?.plan, 'pro');
  fs.writeFileSync(path.join(other, '.credentials.json'), '{not json');
  assert.equal(detectPlanOffline({ homeDir: home, env: {}, configDirs: [other], readCredentials: true })?.plan, 'max20', 'falls back to ~/.claude.json');
});

test('estimateLimit: explicit plan > custom limit > detected plan > P90', () => {
  const detected = { plan: 'max20' as const, from: 'x', raw: 'y' };
  assert.deepEqual(estimateLimit({ plan: 'pro', customTokenLimit: 5, detectedPlan: detected, p90Tokens: 7 }), { tokens: 44000, label: 'Pro plan (setting)', basis: 'plan' });
  assert.deepEqual(estimateLimit({ plan: 'custom', customTokenLimit: 123456, detectedPlan: detected, p90Tokens: 7 }), { tokens: 123456, label: 'custom limit (setting)', basis: 'custom' });
  assert.deepEqual(estimateLimit({ plan: 'custom', customTokenLimit: null, detectedPlan: detected, p90Tokens: 70000 }), { tokens: 70000, label: 'P90 of your past windows', basis: 'p90' });
  assert.deepEqual(estimateLimit({ plan: 'auto', customTokenLimit: null, detectedPlan: detected, p90Tokens: 70000 }), { tokens: 220000, label: 'Max 20x plan (detected)', basis: 'plan' });
  assert.deepEqual(estimateLimit({ plan: 'auto', customTokenLimit: null, detectedPlan: null, p90Tokens: 70000 }), { tokens: 70000, label: 'P90 of your past windows', basis: 'p90' });
  assert.equal(estimateLimit({ plan: 'auto', customTokenLimit: null, detectedPlan: null, p90Tokens: null }), null);
});
