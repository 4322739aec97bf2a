// Transcript corpora for the real-VS-Code tests: a generated one (with its truth.json) as the only
// transcript root, and a way to append one fresh response to it the way Claude Code ≥ 2.1.97 writes it.
import { randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Corpus {
  /** The Claude config dir: <configDir>/projects/... and <configDir>/truth.json. */
  configDir: string;
  truth: unknown;
}

/**
 * Generates a corpus ending at `endMs` (the suite's now: suiteNow) into `configDir`, so the 5-hour window and
 * "today" of the VS Code under test have data.
 */
export async function makeCorpus(configDir: string, options: { endMs: number; targetBytes?: number; seed?: number }): Promise<Corpus> {
  const { generateCorpus } = await import('../../../bench/corpus/generate');
  const truth = await generateCorpus({
    outDir: configDir,
    targetBytes: options.targetBytes ?? 1_000_000,
    seed: options.seed ?? 7,
    endDate: new Date(options.endMs),
  });
  return { configDir, truth };
}

/** All transcript files under <configDir>/projects, newest last. */
export function transcriptFiles(configDir: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.jsonl')) files.push(full);
    }
  };
  walk(path.join(configDir, 'projects'));
  return files.sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
}

export interface AppendedResponse {
  file: string;
  model: string;
  messageId: string;
  requestId: string;
  usage: { input_tokens: number; output_tokens: number; cache_creation_input_tokens: number; cache_read_input_tokens: number };
  /** Sum of the four buckets: what the response adds to the window's total tokens. */
  totalTokens: number;
}

/**
 * Appends ONE API response to the newest main-session transcript: two lines (a thinking block and a
 * text block) sharing message.id and requestId and carrying the same final usage, as Claude Code
 * 2.1.97+ writes them, at `nowMs` (the suite's now). A correct reader counts it once.
 */
export function appendResponse(configDir: string, nowMs: number, usage: Partial<AppendedResponse['usage']> = {}): AppendedResponse {
  // A main session whose last line is complete (the corpus also has torn last lines, on purpose).
  const mainSessions = transcriptFiles(configDir).filter(
    (f) => !f.includes(`${path.sep}subagents${path.sep}`) && !path.basename(f).startsWith('agent-') && endsWithNewline(f),
  );
  const file = mainSessions[mainSessions.length - 1];
  if (!file) throw new Error(`no transcript under ${configDir}/projects to append to`);
  const last = lastAssistantLine(file);
  const fullUsage = {
    input_tokens: usage.input_tokens ?? 1_234,
    output_tokens: usage.output_tokens ?? 2_345,
    cache_creation_input_tokens: usage.cache_creation_input_tokens ?? 23_456,
    cache_read_input_tokens: usage.cache_read_input_tokens ?? 345_678,
  };
  const model = (last?.message?.model as string | undefined) ?? 'claude-sonnet-4-6';
  const messageId = `msg_011C${randomBytes(12).toString('hex').slice(0, 20)}`;
  const requestId = `req_011C${randomBytes(12).toString('hex').slice(0, 20)}`;
  const sessionId = (last?.sessionId as string | undefined) ?? path.basename(file, '.jsonl');
  const usageObject = {
    ...fullUsage,
    server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 },
    service_tier: 'standard',
    cache_creation: { ephemeral_1h_input_tokens: fullUsage.cache_creation_input_tokens, ephemeral_5m_input_tokens: 0 },
    inference_geo: 'not_available',
    iterations: [{
      input_tokens: fullUsage.input_tokens,
      output_tokens: fullUsage.output_tokens,
      cache_read_input_tokens: fullUsage.cache_read_input_tokens,
      cache_creation_input_tokens: fullUsage.cache_creation_input_tokens,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: fullUsage.cache_creation_input_tokens },
      type: 'message',
    }],
    speed: 'standard',
  };
  const envelope = {
    userType: 'external',
    entrypoint: 'cli',
    cwd: (last?.cwd as string | undefined) ?? '/home/user/project',
    sessionId,
    version: '2.1.218',
    gitBranch: 'main',
  };
  const line = (uuid: string, parentUuid: string | null, block: object, at: number): string =>
    JSON.stringify({
      parentUuid,
      isSidechain: false,
      message: {
        model, id: messageId, type: 'message', role: 'assistant', content: [block],
        stop_reason: 'end_turn', stop_sequence: null, stop_details: null, usage: usageObject, diagnostics: null,
      },
      requestId,
      type: 'assistant',
      uuid,
      timestamp: new Date(at).toISOString(),
      ...envelope,
    });
  const first = randomUUID();
  const text =
    line(first, (last?.uuid as string | undefined) ?? null, { type: 'thinking', thinking: '', signature: 'e2e' }, nowMs - 5) + '\n' +
    line(randomUUID(), first, { type: 'text', text: 'Appended by the end-to-end test.' }, nowMs) + '\n';
  // One write: a watcher must never see half a response.
  appendFileSync(file, text);
  const totalTokens = fullUsage.input_tokens + fullUsage.output_tokens + fullUsage.cache_creation_input_tokens + fullUsage.cache_read_input_tokens;
  return { file, model, messageId, requestId, usage: fullUsage, totalTokens };
}

function endsWithNewline(file: string): boolean {
  const content = readFileSync(file);
  return content.length > 0 && content[content.length - 1] === 0x0a;
}

function lastAssistantLine(file: string): Record<string, any> | undefined {
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!lines[i].includes('"assistant"')) continue;
    try {
      const parsed = JSON.parse(lines[i]) as Record<string, any>;
      if (parsed.type === 'assistant' && parsed.message?.model && parsed.message.model !== '<synthetic>') return parsed;
    } catch {
      // a torn or odd line; look further up
    }
  }
  return undefined;
}

/**
 * Writes a new session for the folder VS Code opens (so the side bar has "this workspace" and "this
 * branch" figures): `responses` assistant lines, one every 4 minutes up to `endMs`, with cwd = `cwd` and
 * gitBranch = `gitBranch`, in <configDir>/projects/<encoded cwd>/<session>.jsonl.
 */
export function writeWorkspaceSession(configDir: string, opts: { cwd: string; gitBranch: string; responses: number; endMs: number; model?: string }): string {
  const dir = path.join(configDir, 'projects', opts.cwd.replace(/[^a-zA-Z0-9]/g, '-'));
  mkdirSync(dir, { recursive: true });
  const sessionId = randomUUID();
  let parentUuid: string | null = null;
  const lines: string[] = [];
  for (let i = 0; i < opts.responses; i++) {
    const uuid = randomUUID();
    const usage = { input_tokens: 800 + 37 * i, output_tokens: 1_500 + 91 * i, cache_creation_input_tokens: 6_000, cache_read_input_tokens: 40_000 + 1_000 * i };
    lines.push(JSON.stringify({
      parentUuid, isSidechain: false, userType: 'external', entrypoint: 'cli', cwd: opts.cwd, sessionId, version: '2.1.218', gitBranch: opts.gitBranch,
      message: {
        model: opts.model ?? 'claude-sonnet-4-6', id: `msg_011C${randomBytes(12).toString('hex').slice(0, 20)}`, type: 'message', role: 'assistant',
        content: [{ type: 'text', text: `Workspace response ${i + 1}.` }], stop_reason: 'end_turn', stop_sequence: null, usage,
      },
      requestId: `req_011C${randomBytes(12).toString('hex').slice(0, 20)}`, type: 'assistant', uuid,
      timestamp: new Date(opts.endMs - (opts.responses - 1 - i) * 240_000).toISOString(),
    }));
    parentUuid = uuid;
  }
  const file = path.join(dir, `${sessionId}.jsonl`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}
