// Activation time of the shipped bundle: require('<dist>/extension.js') and activate(context) against the
// stub `vscode` module of the unit tests, in a fresh process. VS Code's own "activation time" covers the
// module load and the activate() call, so both are reported and their sum is the figure.
// Also reports how long after activate() the first chip paints (worker start + sql.js + first scan of an
// empty root), which is off the activation path.
//
//   node activation.js <distDir> <repoRoot> <tmpDir>
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createVscodeStub, fakeContext, installVscodeStub } from '../../test/unit/helpers/host-vscode-stub';
import { PROBE_PREFIX } from '../measure';

interface ExtensionModule {
  activate(ctx: unknown): { firstScanDone: Promise<void>; chipText(): string };
  deactivate(): Promise<void>;
}

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export async function runActivation(distDir: string, repoRoot: string, tmp: string) {
  const configRoot = path.join(tmp, 'claude');
  fs.mkdirSync(path.join(configRoot, 'projects'), { recursive: true });
  const stub = createVscodeStub({ 'claudeCosts.roots': [configRoot], 'claudeCosts.notifications.enabled': false });
  const uninstall = installVscodeStub(stub);
  try {
    // The stub's context locates the extension relative to the test helpers; point it at the repo.
    const context = { ...fakeContext(path.join(tmp, 'globalStorage')), extensionUri: stub.vscode.Uri.file(repoRoot), extensionPath: repoRoot };
    let t = process.hrtime.bigint();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- measured: the load of the bundle as VS Code does it
    const ext = require(path.join(distDir, 'extension.js')) as ExtensionModule;
    const loadMs = ms(t);
    t = process.hrtime.bigint();
    const api = ext.activate(context);
    const activateMs = ms(t);
    await api.firstScanDone;
    const firstChipMs = ms(t);
    const chip = api.chipText();
    await ext.deactivate();
    return { loadMs, activateMs, totalMs: loadMs + activateMs, firstChipMs, chip };
  } finally {
    uninstall();
  }
}

if (require.main === module) {
  const [distDir, repoRoot, tmp] = process.argv.slice(2);
  if (!distDir || !repoRoot || !tmp) {
    console.error('usage: activation.js <distDir> <repoRoot> <tmpDir>');
    process.exit(2);
  }
  runActivation(distDir, repoRoot, tmp).then(
    (r) => {
      process.stdout.write(`${PROBE_PREFIX}${JSON.stringify({ ...r, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
      process.exit(0);
    },
    (e: unknown) => {
      console.error(e instanceof Error ? e.stack : String(e));
      process.exit(1);
    },
  );
}
