// Two VS Code windows = two engine workers on one DB file. One holds the writer lock; both keep calling
// scan, and both see a newly appended response (the follower reads it too), so both chips update.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EngineClient } from '../../src/host/engineClient';
import { assistantLine, appendLines, writeLines, SESSION_A } from './helpers/lines';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-windows-'));
const configRoot = path.join(tmp, 'claude');
const transcript = path.join(configRoot, 'projects', '-home-dev-shop', `${SESSION_A}.jsonl`);
const dbPath = path.join(tmp, 'storage', 'usage.sqlite');
const quiet = { info() {}, warn() {}, error() {} };
const iso = (minsAgo: number) => new Date(Date.now() - minsAgo * 60_000).toISOString();

function windowClient(): EngineClient {
  return new EngineClient({
    workerPath: path.join(__dirname, 'helpers', 'host-engine-worker-shim.cjs'),
    engineOptions: () => ({ dbPath, configDirs: [configRoot], persistDebounceMs: 0 }),
    log: quiet,
  });
}

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('writer and follower both show an appended response', async () => {
  writeLines(transcript, [assistantLine({ messageId: 'msg_01WINDOWWINDOWWINDOW001', timestamp: iso(20), input: 10, output: 1000 })]);
  const a = windowClient();
  const b = windowClient();
  try {
    await a.scan();
    await b.scan();
    const [ia, ib] = [await a.info(), await b.info()];
    assert.equal([ia.isWriter, ib.isWriter].filter(Boolean).length, 1, 'exactly one window writes the DB');
    assert.equal((await a.status()).activeBlock?.totalTokens, 1010);
    assert.equal((await b.status()).activeBlock?.totalTokens, 1010);

    appendLines(transcript, [assistantLine({ messageId: 'msg_01WINDOWWINDOWWINDOW002', timestamp: iso(1), input: 20, output: 2000 })]);
    const changed: string[] = [];
    a.onDidChangeData(() => changed.push('a'));
    b.onDidChangeData(() => changed.push('b'));
    await a.scan();
    await a.persist(); // the writer saved before the follower looks: the follower reloads instead of reading bytes
    await b.scan();
    assert.equal((await a.status()).activeBlock?.totalTokens, 3030);
    assert.equal((await b.status()).activeBlock?.totalTokens, 3030);
    assert.deepEqual(changed.sort(), ['a', 'b'], 'both windows are told their data changed (both chips repaint)');
    const q = await b.query({ window: 'all' });
    assert.equal(q.totals.requests, 2, 'never counted twice in either window');
  } finally {
    await a.close();
    await b.close();
  }
  assert.ok(fs.existsSync(dbPath));
});
