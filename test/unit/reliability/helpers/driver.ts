// A child process for the crash and concurrency tests: opens the engine on a DB file, scans and persists
// in rounds, printing a marker line before each step so the parent can kill it at a known phase.
// RELIABILITY_FAULT makes it SIGKILL itself at one exact point of persist / lock acquisition: the real
// code runs up to that system call and the process really dies there (fault injection, not a mock).
import * as fs from 'node:fs';
import { Engine } from '../../../../src/core/engine';

interface Args {
  configDir: string;
  dbPath: string;
  rounds?: number;
  full?: boolean;
  stopFile?: string;
  pauseMs?: number;
}

const die = (): never => {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
};

function installFault(fault: string): void {
  // The module object itself (an `import *` namespace is read-only): the store's own `fs` calls go through it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the mutable CommonJS module object, on purpose (see above)
  const fsMut = require('node:fs') as Record<string, (...a: unknown[]) => unknown>;
  const isTmp = (p: unknown) => typeof p === 'string' && p.includes('.tmp-');
  const tmpFds = new Set<number>();
  const { openSync, writeSync, fsyncSync, renameSync, writeFileSync } = fsMut;
  fsMut.openSync = (...a: unknown[]) => {
    const fd = openSync(...a) as number;
    if (isTmp(a[0])) tmpFds.add(fd);
    return fd;
  };
  if (fault === 'write-half') {
    fsMut.writeSync = (fd: unknown, buf: unknown, off: unknown, len: unknown, ...rest: unknown[]) => {
      if (tmpFds.has(fd as number) && typeof len === 'number' && len > 1) {
        writeSync(fd, buf, off, Math.floor(len / 2), ...rest);
        die();
      }
      return writeSync(fd, buf, off, len, ...rest);
    };
  }
  if (fault === 'before-fsync') {
    fsMut.fsyncSync = (fd: unknown) => (tmpFds.has(fd as number) ? die() : fsyncSync(fd));
  }
  if (fault === 'before-rename' || fault === 'after-rename' || fault === 'lock-written') {
    fsMut.renameSync = (from: unknown, to: unknown) => {
      if (fault === 'lock-written') {
        // Taking over a stale lock: die right after the new lock content is in place.
        renameSync(from, to);
        return typeof to === 'string' && to.endsWith('.lock') ? die() : undefined;
      }
      if (!isTmp(from)) return renameSync(from, to);
      if (fault === 'before-rename') die();
      renameSync(from, to);
      return die();
    };
  }
  if (fault === 'lock-written') {
    fsMut.writeFileSync = (file: unknown, ...rest: unknown[]) => {
      writeFileSync(file, ...rest);
      if (typeof file === 'string' && file.endsWith('.lock')) die();
    };
  }
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]) as Args;
  if (process.env.RELIABILITY_FAULT) installFault(process.env.RELIABILITY_FAULT);
  const say = (m: string) => process.stdout.write(`${m}\n`);
  say('START');
  const stamp = () => `${process.pid} ${performance.now().toFixed(1)}`;
  const log = {
    info: (m: string) => process.stderr.write(`${stamp()} info ${m}\n`),
    warn: (m: string) => process.stderr.write(`${stamp()} warn ${m}\n`),
    error: (m: string) => process.stderr.write(`${stamp()} error ${m}\n`),
  };
  const engine = await Engine.open({ dbPath: args.dbPath, configDirs: [args.configDir], persistDebounceMs: 60_000, log });
  say(`OPEN ${engine.movedAside ? 'moved-aside' : 'ok'}`);
  const rounds = args.rounds ?? 1;
  for (let i = 0; ; i++) {
    const stopping = args.stopFile ? fs.existsSync(args.stopFile) : i >= rounds - 1;
    say(`SCAN ${i}`);
    const s = await engine.scan({ full: args.full });
    say(`PERSIST ${i} writer=${engine.isWriter} new=${s.newRequests} updated=${s.updatedRequests} read=${s.filesRead}`);
    await engine.persist();
    say(`PERSISTED ${i}`);
    if (stopping) break;
    if (args.pauseMs) await new Promise((r) => setTimeout(r, args.pauseMs));
  }
  await engine.close();
  say('DONE');
}

main().catch((e) => {
  process.stderr.write(`driver failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
