// RescanScheduler with fake timers: bursts of file events coalesce into one scan, scans never overlap
// (a trigger during a scan runs exactly one more), and the polling fallback runs when no event arrives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RescanScheduler, type SchedulerTimers } from '../../src/host/watcher';

class FakeClock implements SchedulerTimers {
  t = 0;
  private seq = 0;
  timers = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.timers.delete(h as number);
  }
  now(): number {
    return this.t;
  }
  /** Advances the clock, firing due timers in order (and letting promises settle between them). */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, v]) => v.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
      for (let i = 0; i < 10; i++) await Promise.resolve();
    }
    this.t = end;
  }
}

const OPTS = { debounceMs: 250, pollMs: 5000, idlePollMs: 30000 };

test('a burst of events within the debounce makes one scan', async () => {
  const clock = new FakeClock();
  let scans = 0;
  const s = new RescanScheduler(async () => void scans++, OPTS, clock);
  for (let i = 0; i < 5; i++) {
    s.notifyChange();
    await clock.advance(100);
  }
  assert.equal(scans, 0, 'still inside the debounce');
  await clock.advance(250);
  assert.equal(scans, 1);
  s.dispose();
});

test('scans never overlap: triggers during a scan give exactly one follow-up scan', async () => {
  let running = 0;
  let maxRunning = 0;
  let scans = 0;
  let release!: () => void;
  const s = new RescanScheduler(
    async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      scans++;
      if (scans === 1) await new Promise<void>((r) => (release = r));
      running--;
    },
    OPTS,
    new FakeClock(),
  );
  const first = s.trigger();
  void s.trigger();
  void s.trigger();
  void s.trigger();
  release();
  await first;
  assert.equal(scans, 2, 'one scan plus one follow-up for all triggers that came during it');
  assert.equal(maxRunning, 1);
  s.dispose();
});

test('polling fallback: every 5 s while no event has been seen, then every 30 s', async () => {
  const clock = new FakeClock();
  let scans = 0;
  const s = new RescanScheduler(async () => void scans++, OPTS, clock);
  s.start();
  await clock.advance(5000);
  assert.equal(scans, 1);
  await clock.advance(10000);
  assert.equal(scans, 3);
  s.notifyChange(); // events work here
  await clock.advance(250);
  assert.equal(scans, 4);
  assert.equal(s.pollInterval, 30000);
  await clock.advance(29000);
  const before = scans;
  await clock.advance(40000);
  assert.ok(scans >= before + 1, 'the slow safety-net poll still runs');
  s.dispose();
  const after = scans;
  await clock.advance(60000);
  assert.equal(scans, after, 'nothing runs after dispose');
});

test('a failing scan does not stop the polling', async () => {
  const clock = new FakeClock();
  let calls = 0;
  const s = new RescanScheduler(async () => {
    calls++;
    throw new Error('disk gone');
  }, OPTS, clock);
  s.start();
  await clock.advance(5000);
  await clock.advance(5000);
  assert.equal(calls, 2);
  s.dispose();
});

test('file events scan only the files they name; the poll and manual triggers walk everything', async () => {
  const clock = new FakeClock();
  const calls: Array<string[] | null> = [];
  const s = new RescanScheduler(async (paths) => void calls.push(paths), OPTS, clock);
  s.notifyChange('/r/projects/a.jsonl');
  s.notifyChange('/r/projects/b.jsonl');
  s.notifyChange('/r/projects/a.jsonl');
  await clock.advance(OPTS.debounceMs);
  assert.deepEqual(calls, [['/r/projects/a.jsonl', '/r/projects/b.jsonl']]);
  await s.trigger();
  assert.deepEqual(calls[1], null);
  s.dispose();
});
