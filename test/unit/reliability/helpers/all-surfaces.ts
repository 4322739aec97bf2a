// Child process for the no-network test: everything the core does with default settings — open, scan,
// query, status, the panel's read model, persist, a second start from the DB file — then prints OK.
// Given "--probe" it tries the network on purpose instead (the control that proves the trap works).
import * as fs from 'node:fs';
import * as net from 'node:net';
import { Engine } from '../../../../src/core/engine';
import { DEFAULT_PANEL_FILTER } from '../../../../src/protocol';

async function main(): Promise<void> {
  const [configDir, dbPath, mode] = process.argv.slice(2);
  if (mode === '--probe') {
    for (const attempt of [() => fetch('http://127.0.0.1:9/'), () => net.connect(9, '127.0.0.1')]) {
      try {
        await attempt();
      } catch { /* recorded by the preload */ }
    }
    console.log('PROBED');
    return;
  }
  for (let start = 0; start < 2; start++) {
    const engine = await Engine.open({ dbPath, configDirs: [configDir], persistDebounceMs: 0 });
    await engine.scan({ full: start === 1 });
    const q = await engine.query({ window: 'all', group_by: 'model', compare: true });
    await engine.status();
    await engine.readModel({ ...DEFAULT_PANEL_FILTER, range: 'all' });
    await engine.persist();
    await engine.close();
    if (q.totals.requests === 0) throw new Error('nothing was scanned');
  }
  if (!fs.existsSync(dbPath)) throw new Error('the DB was not written');
  console.log('OK');
}

main().catch((e) => {
  console.error((e as Error).stack);
  process.exit(1);
});
