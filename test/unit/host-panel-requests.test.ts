// The panel's request pairing (src/host/panelRequests.ts): the rules that keep a rebuilt webview
// answered and let only the newest request of a burst run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatestRequestRunner, type PanelRun } from '../../src/host/panelRequests';

/** A fake engine build per run: resolves when the test says so; records what was posted. */
function harness() {
  const posted: (number | null)[] = [];
  const runs: { run: PanelRun; finish: () => void }[] = [];
  const runner = new LatestRequestRunner((run) => new Promise<void>((resolve) => {
    runs.push({
      run,
      finish: () => {
        if (run.current()) posted.push(run.requestId);
        resolve();
      },
    });
  }));
  const settle = () => new Promise((r) => setImmediate(r));
  return { runner, posted, runs, settle };
}

test('a burst of five requests: the first is cancelled and dropped, the middle ones never start, the last answers', async () => {
  const { runner, posted, runs, settle } = harness();
  for (let id = 1; id <= 5; id++) assert.equal(runner.submit(id), true);
  await settle();
  assert.equal(runs.length, 1, 'one build at a time');
  assert.equal(runs[0].run.signal.aborted, true, 'request 1 was superseded while it built');
  runs[0].finish();
  await settle();
  assert.equal(runs.length, 2, 'requests 2–4 were dropped before they started');
  assert.equal(runs[1].run.requestId, 5);
  runs[1].finish();
  await settle();
  assert.deepEqual(posted, [5]);
  assert.equal(runner.started, 2);
  assert.equal(runner.busy, false);
});

test('a rebuilt webview (ready) starts its ids over: its request 1 runs although the old one reached 7', async () => {
  const { runner, posted, runs, settle } = harness();
  runner.submit(7);
  await settle();
  // The tab is switched away and back: the new page says ready, then changes the range.
  runner.reset();
  runner.submit(null);
  assert.equal(runs[0].run.current(), false, 'the old instance\'s build answers nobody');
  runs[0].finish();
  await settle();
  assert.equal(runs[1].run.requestId, null);
  runs[1].finish();
  await settle();
  assert.equal(runner.submit(1), true, 'request 1 of the new page is newer than nothing');
  await settle();
  runs[2].finish();
  await settle();
  assert.deepEqual(posted, [null, 1]);
  assert.equal(runner.submit(1), false, 'a repeated id within one instance is ignored');
});

test('a push during a request does not supersede it; the push then runs and echoes that request', async () => {
  const { runner, posted, runs, settle } = harness();
  runner.submit(3);
  await settle();
  runner.submit(null); // new data arrived
  assert.equal(runs[0].run.signal.aborted, false);
  runs[0].finish();
  await settle();
  assert.equal(runs[1].run.requestId, 3, 'the push covers request 3: the page waiting for 3 takes it');
  runs[1].finish();
  await settle();
  assert.deepEqual(posted, [3, 3]);
});

test('an invalid request supersedes what runs before it, so its error is the last word', async () => {
  const { runner, posted, runs, settle } = harness();
  runner.submit(1);
  await settle();
  assert.equal(runner.supersede(2), true);
  assert.equal(runs[0].run.signal.aborted, true);
  runs[0].finish();
  await settle();
  assert.deepEqual(posted, []);
  assert.equal(runs.length, 1, 'nothing else runs');
  assert.equal(runner.supersede(2), false, 'not newer: nobody waits for it');
  assert.equal(runner.currentRequestId, 2);
});

test('a failing build reports its error only while it is current; dispose stops everything', async () => {
  const errors: unknown[] = [];
  let calls = 0;
  const runner = new LatestRequestRunner(async () => {
    calls++;
    throw new Error(`boom ${calls}`);
  }, (e) => errors.push(e));
  runner.submit(1);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(errors.map((e) => (e as Error).message), ['boom 1']);
  runner.dispose();
  assert.equal(runner.submit(2), false);
  assert.equal(calls, 1);
});
