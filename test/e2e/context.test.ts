// The context-window fill (issue 17) in a real VS Code: two Claude Code sessions active now, one in the
// workspace that is open (it joins the chip as `ctx NN%`, coloured by the context thresholds) and one in
// another project with a 1M window; the tooltip lists both with provenance. Expected figures come from the
// core engine run in this process on the same transcripts.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../../src/core/engine';
import type { SessionContext } from '../../src/core/limits/context';
import { packageExtension, pollUntil, startCodeServer, SuiteRun, suiteNow, Workbench, type CodeServer } from './harness';
import { assistantLine, writeLines } from '../unit/helpers/lines';

const EXTENSION_ID = 'claude-code-costs.claude-code-costs';
const CHIP_ID = `${EXTENSION_ID}.claudeCosts.chip`;
const SHOP_SESSION = '7d1e0c55-3b8e-4f0a-9a61-2f4c8b0d9e11';
const BLOG_SESSION = 'c2a94e7f-51d6-4c3b-8e0f-6a7b9d1c2e33';

let temp: string;
let configDir: string;
let workspaceDir: string;
let server: CodeServer | undefined;
let workbench: Workbench | undefined;
/** The suite's one reading of the wall clock, which the VS Code under test shares. */
let now: number;
const run = new SuiteRun('context');

/** A 2.1.x response `minutesAgo` minutes before `now` whose context is `context` tokens. */
function turn(sessionId: string, cwd: string, minutesAgo: number, context: number, model: string, n: number): string {
  return assistantLine({
    messageId: `msg_011C${sessionId.slice(0, 8)}${String(n).padStart(12, '0')}`, sessionId, cwd, model,
    timestamp: new Date(now - minutesAgo * 60_000).toISOString(), input: 6, cacheCreation: 1_500, cacheRead: context - 1_506,
    oneHour: 1_500, output: 800, version: '2.1.218',
  });
}

async function expectedSessions(): Promise<SessionContext[]> {
  const engine = await Engine.open({ dbPath: null, configDirs: [configDir], env: {}, homeDir: os.tmpdir() });
  try {
    await engine.scan();
    return (await engine.status(now)).sessions;
  } finally {
    await engine.close();
  }
}

describe('context-window fill in a real VS Code', { timeout: 420_000 }, () => {
  before(async () => {
    now = suiteNow();
    temp = mkdtempSync(path.join(os.tmpdir(), 'ccc-ctx-e2e-'));
    configDir = path.join(temp, 'claude');
    workspaceDir = path.join(temp, 'shop');
    const blogDir = path.join(temp, 'blog');
    mkdirSync(workspaceDir, { recursive: true });
    mkdirSync(blogDir, { recursive: true });
    const encode = (p: string) => p.replace(/[^a-zA-Z0-9]/g, '-');
    // The workspace's session climbs to 76 % of 200k (warning colour); the other one sits at 40 % of 1M.
    writeLines(path.join(configDir, 'projects', encode(workspaceDir), `${SHOP_SESSION}.jsonl`), [
      turn(SHOP_SESSION, workspaceDir, 12, 98_000, 'claude-sonnet-4-6', 1),
      turn(SHOP_SESSION, workspaceDir, 6, 131_000, 'claude-sonnet-4-6', 2),
      turn(SHOP_SESSION, workspaceDir, 2, 152_000, 'claude-sonnet-4-6', 3),
      JSON.stringify({ type: 'ai-title', aiTitle: 'Fix checkout rounding', sessionId: SHOP_SESSION }),
    ]);
    writeLines(path.join(configDir, 'projects', encode(blogDir), `${BLOG_SESSION}.jsonl`), [
      turn(BLOG_SESSION, blogDir, 20, 260_000, 'claude-opus-4-7', 1),
      turn(BLOG_SESSION, blogDir, 4, 400_000, 'claude-opus-4-7', 2),
      JSON.stringify({ type: 'ai-title', aiTitle: 'Draft the launch post', sessionId: BLOG_SESSION }),
    ]);
    server = await startCodeServer({
      configDir,
      folder: workspaceDir,
      vsixPath: packageExtension(),
      extraSettings: { 'workbench.colorTheme': 'Default Dark Modern' },
    });
    workbench = await Workbench.open(server, { viewport: { width: 1400, height: 860 } });
  });

  after(() => run.finish(workbench, server, [temp]));

  const step = run.step;

  step("the chip shows ctx of this workspace's session, in the warning colour", async () => {
    const sessions = await expectedSessions();
    assert.deepEqual(sessions.map((s) => [s.session_id, s.context_pct]), [[SHOP_SESSION, 76], [BLOG_SESSION, 40]]);
    const chip = workbench!.statusBarItem(CHIP_ID);
    const text = await pollUntil(() => workbench!.statusBarText(CHIP_ID).catch(() => ''), (t) => t.includes('ctx'), 60_000, 100);
    assert.match(text, /· ctx 76%$/);
    // The warning background is VS Code's statusBarItem.warningBackground (the item gets the warning-kind class).
    assert.match((await chip.getAttribute('class')) ?? '', /warning-kind/);
    const box = (await chip.boundingBox())!;
    await workbench!.screenshot('context-chip', { clip: { x: Math.max(0, box.x - 8), y: box.y - 40, width: Math.min(700, box.width + 300), height: box.height + 48 } });
  });

  step('hovering the chip lists both active sessions with context %, model and provenance (a fresh statusline capture wins)', async () => {
    // The statusline capture of the blog session (Claude Code's own figure), written where the installed
    // capture script writes it: the extension's global storage.
    const captureDir = path.join(server!.userDataDir, 'User', 'globalStorage', EXTENSION_ID, 'statusline');
    mkdirSync(captureDir, { recursive: true });
    writeFileSync(path.join(captureDir, 'statusline.json'), JSON.stringify({
      session_id: BLOG_SESSION, cwd: path.join(temp, 'blog'), model: { id: 'claude-opus-4-7[1m]', display_name: 'Opus 4.7 (1M context)' },
      workspace: { current_dir: path.join(temp, 'blog'), project_dir: path.join(temp, 'blog') }, version: '2.1.218',
      context_window: { context_window_size: 1_000_000, used_percentage: 41, current_usage: { input_tokens: 6, output_tokens: 900, cache_creation_input_tokens: 4_000, cache_read_input_tokens: 405_994 } },
    }));
    const chip = workbench!.statusBarItem(CHIP_ID);
    const hover = workbench!.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Context windows' }).first();
    const readHover = async () => {
      await workbench!.focusWorkbench();
      await chip.hover();
      await hover.waitFor({ state: 'visible', timeout: 10_000 });
      const shown = await hover.innerText();
      if (!shown.includes('statusline')) await workbench!.page.mouse.move(10, 10); // unhover, so the next read is fresh
      return shown;
    };
    const text = await pollUntil(readHover, (t) => t.includes('statusline'), 20_000, 500);
    assert.match(text, /Context windows · 2 active sessions/);
    assert.match(text, /Fix checkout rounding[\s\S]*shop[\s\S]*claude-sonnet-4-6[\s\S]*76% · 152K \/ 200K \(transcript\)/);
    assert.match(text, /Draft the launch post[\s\S]*blog[\s\S]*claude-opus-4-7\[1m\][\s\S]*41% · 410K \/ 1M \(statusline, /);
    const box = (await hover.boundingBox())!;
    await workbench!.screenshot('context-tooltip', { clip: { x: Math.max(0, box.x - 10), y: Math.max(0, box.y - 10), width: box.width + 20, height: box.height + 60 } });
  });
});
