// Limit messages of every Claude Code era, end to end: transcript line → scan → limit_events → status.
// A hit 5-hour limit shows 100 % (source limit_event) until its reset; a weekly one raises the weekly window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Engine } from '../../src/core/engine';
import { assistantLine, fakeUuid, tempConfigRoot, writeLines, SESSION_A } from './helpers/lines';

const LINE_TS = '2026-11-22T12:00:00.000Z';
const NOW = Date.parse('2026-11-22T12:05:00Z');

function limitRow(text: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    parentUuid: null,
    isSidechain: false,
    type: 'assistant',
    uuid: fakeUuid(),
    timestamp: LINE_TS,
    sessionId: SESSION_A,
    cwd: '/home/dev/shop',
    isApiErrorMessage: true,
    message: {
      id: fakeUuid(), model: '<synthetic>', role: 'assistant', type: 'message', stop_reason: 'stop_sequence',
      usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      content: [{ type: 'text', text }],
    },
    ...extra,
  });
}

async function statusFor(limitLine: string) {
  const { root, projectDir, cleanup } = tempConfigRoot();
  try {
    writeLines(path.join(projectDir, `${SESSION_A}.jsonl`), [
      assistantLine({ messageId: 'msg_01LIMITLIMITLIMITLIMIT01', timestamp: '2026-11-22T11:30:00.000Z', input: 100, output: 1000 }),
      limitLine,
    ]);
    const engine = await Engine.open({ dbPath: null, configDirs: [root] });
    const scan = await engine.scan();
    assert.equal(scan.newLimitEvents, 1, 'the limit line is recorded');
    const s = await engine.status(NOW);
    await engine.close();
    return s;
  } finally {
    cleanup();
  }
}

const ERAS: { name: string; line: string; resetIso: string }[] = [
  { name: '≤ mid-2025 "Claude AI usage limit reached|<epoch>"', line: limitRow(`Claude AI usage limit reached|${Date.UTC(2026, 10, 22, 16) / 1000}`), resetIso: '2026-11-22T16:00:00.000Z' },
  { name: '2025 "Your limit will reset at 5pm (Europe/Madrid)"', line: limitRow('Claude usage limit reached. Your limit will reset at 5pm (Europe/Madrid).'), resetIso: '2026-11-22T16:00:00.000Z' },
  { name: 'late 2025 "5-hour limit reached ∙ resets 3pm" (no zone: UTC)', line: limitRow('5-hour limit reached ∙ resets 3pm\n/upgrade to increase your usage limit.'), resetIso: '2026-11-22T15:00:00.000Z' },
  { name: '2.1.x "You\'ve hit your session limit · resets 9:50pm (Asia/Saigon)"', line: limitRow("You've hit your session limit · resets 9:50pm (Asia/Saigon)", { error: 'rate_limit', apiErrorStatus: 429 }), resetIso: '2026-11-22T14:50:00.000Z' },
  {
    name: 'quotaLimits.resetsAt (epoch seconds)',
    line: limitRow("You've hit your session limit", { error: 'rate_limit', quotaLimits: { status: 'rejected', rateLimitType: 'five_hour', resetsAt: Date.UTC(2026, 10, 22, 16, 30) / 1000 } }),
    resetIso: '2026-11-22T16:30:00.000Z',
  },
];

for (const era of ERAS) {
  test(`5-hour limit message, ${era.name}: 100 % until ${era.resetIso}`, async () => {
    const s = await statusFor(era.line);
    assert.equal(s.headroom.source, 'limit_event');
    assert.equal(s.headroom.usedPct, 100);
    assert.equal(s.headroom.limitHit, true);
    assert.equal(new Date(s.headroom.resetsAtMs ?? 0).toISOString(), era.resetIso);
    assert.equal(s.latestLimitEvent?.active, true);
    assert.equal(s.latestLimitEvent?.timestampMs, Date.parse(LINE_TS));
  });
}

test('weekly limit message: the weekly window shows 100 %, the 5-hour headroom is not blocked', async () => {
  const s = await statusFor(limitRow("You've hit your weekly limit · resets Nov 24, 4am (Europe/Madrid)"));
  assert.equal(s.latestLimitEvent?.limitType, 'seven_day');
  assert.notEqual(s.headroom.source, 'limit_event');
  assert.equal(s.headroom.limitHit, false);
  assert.deepEqual(s.weekly.map((w) => [w.id, w.usedPct, w.source, new Date(w.resetsAtMs ?? 0).toISOString()]), [
    ['seven_day', 100, 'limit_event', '2026-11-24T03:00:00.000Z'],
  ]);
});
