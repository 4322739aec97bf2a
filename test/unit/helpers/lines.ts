// Builders of transcript lines shaped like the real ones in transcripts-and-pricing.md §4.4
// (key order of each writer era, the same envelope fields), for store and scanner tests.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface AssistantOpts {
  messageId: string;
  requestId?: string | null;
  sessionId?: string;
  model?: string;
  timestamp?: string;
  cwd?: string;
  /** New era only (default 'main'). */
  gitBranch?: string;
  input?: number;
  output?: number;
  cacheCreation?: number;
  cacheRead?: number;
  oneHour?: number;
  webSearch?: number;
  speed?: 'standard' | 'fast' | null;
  geo?: string;
  isSidechain?: boolean;
  agentId?: string;
  version?: string;
  stopReason?: string | null;
  block?: { type: 'text' } | { type: 'thinking' } | { type: 'tool_use'; name: string };
  uuid?: string;
  forkedFrom?: { sessionId: string; messageUuid: string };
  /** 'new' = 2.1.1xx+ key order with final usage fields; 'old' = ≤2.0.x envelope-first order. */
  era?: 'new' | 'old';
}

let uuidCounter = 0;
export function fakeUuid(): string {
  uuidCounter++;
  return `00000000-0000-4000-8000-${uuidCounter.toString(16).padStart(12, '0')}`;
}

export const SESSION_A = 'f33cdb42-0a41-40d4-91eb-c89c109af38a';
export const SESSION_B = '23fe85e9-5544-42fb-8d18-b6a99545ed53';

function content(block: AssistantOpts['block']): unknown[] {
  if (!block || block.type === 'text') return [{ type: 'text', text: '[REDACTED]' }];
  if (block.type === 'thinking') return [{ type: 'thinking', thinking: '[REDACTED]', signature: '[REDACTED]' }];
  return [{ type: 'tool_use', id: `toolu_01${fakeUuid().slice(-12)}`, name: block.name, input: { path: '/x' } }];
}

/** One assistant line (one content block of one response). */
export function assistantLine(o: AssistantOpts): string {
  const era = o.era ?? 'new';
  const input = o.input ?? 3;
  const output = o.output ?? 100;
  const cacheCreation = o.cacheCreation ?? 0;
  const cacheRead = o.cacheRead ?? 0;
  const oneHour = o.oneHour ?? 0;
  const sessionId = o.sessionId ?? SESSION_A;
  const cwd = o.cwd ?? '/home/dev/shop';
  const requestId = o.requestId === undefined ? `req_011C${o.messageId.slice(-12)}` : o.requestId;
  if (era === 'old') {
    const usage: Record<string, unknown> = {
      input_tokens: input,
      cache_creation_input_tokens: cacheCreation,
      cache_read_input_tokens: cacheRead,
      cache_creation: { ephemeral_5m_input_tokens: cacheCreation - oneHour, ephemeral_1h_input_tokens: oneHour },
      output_tokens: output,
      service_tier: 'standard',
    };
    const line: Record<string, unknown> = {
      parentUuid: null, isSidechain: o.isSidechain ?? false, userType: 'external', cwd, sessionId,
      version: o.version ?? '1.0.98', gitBranch: '',
    };
    if (o.agentId) line.agentId = o.agentId;
    line.message = {
      id: o.messageId, type: 'message', role: 'assistant', model: o.model ?? 'claude-sonnet-4-20250514',
      content: content(o.block), stop_reason: o.stopReason === undefined ? null : o.stopReason, stop_sequence: null, usage,
    };
    if (requestId !== null) line.requestId = requestId;
    line.type = 'assistant';
    line.uuid = o.uuid ?? fakeUuid();
    line.timestamp = o.timestamp ?? '2025-08-30T07:16:28.537Z';
    return JSON.stringify(line);
  }
  const usage: Record<string, unknown> = {
    input_tokens: input,
    cache_creation_input_tokens: cacheCreation,
    cache_read_input_tokens: cacheRead,
    output_tokens: output,
    server_tool_use: { web_search_requests: o.webSearch ?? 0, web_fetch_requests: 0 },
    service_tier: 'standard',
    cache_creation: { ephemeral_1h_input_tokens: oneHour, ephemeral_5m_input_tokens: cacheCreation - oneHour },
    inference_geo: o.geo ?? 'not_available',
    iterations: [{ input_tokens: input, output_tokens: output, cache_read_input_tokens: cacheRead, cache_creation_input_tokens: cacheCreation, cache_creation: { ephemeral_5m_input_tokens: cacheCreation - oneHour, ephemeral_1h_input_tokens: oneHour }, type: 'message' }],
  };
  if (o.speed !== null) usage.speed = o.speed ?? 'standard';
  const line: Record<string, unknown> = {
    parentUuid: null,
    isSidechain: o.isSidechain ?? false,
    message: {
      model: o.model ?? 'claude-sonnet-4-6', id: o.messageId, type: 'message', role: 'assistant', content: content(o.block),
      stop_reason: o.stopReason === undefined ? 'end_turn' : o.stopReason, stop_sequence: null, stop_details: null, usage, diagnostics: null,
    },
  };
  if (requestId !== null) line.requestId = requestId;
  Object.assign(line, {
    type: 'assistant', uuid: o.uuid ?? fakeUuid(), timestamp: o.timestamp ?? '2026-06-06T00:16:18.724Z', userType: 'external',
    entrypoint: 'claude-vscode', cwd, sessionId, version: o.version ?? '2.1.138', gitBranch: o.gitBranch ?? 'main',
  });
  if (o.agentId) line.agentId = o.agentId;
  if (o.forkedFrom) line.forkedFrom = o.forkedFrom;
  return JSON.stringify(line);
}

export function userLine(sessionId = SESSION_A, text = 'hello'): string {
  return JSON.stringify({
    parentUuid: null, isSidechain: false, type: 'user', message: { role: 'user', content: text }, uuid: fakeUuid(),
    timestamp: '2026-06-06T00:16:00.000Z', userType: 'external', cwd: '/home/dev/shop', sessionId, version: '2.1.138', gitBranch: 'main',
  });
}

/** A throw-away Claude config root: `<dir>/projects/<encoded>/…`. */
export function tempConfigRoot(): { root: string; projectDir: string; cleanup: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-test-'));
  const projectDir = path.join(root, 'projects', '-home-dev-shop');
  fs.mkdirSync(projectDir, { recursive: true });
  return { root, projectDir, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

export function writeLines(file: string, lines: string[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
}

export function appendLines(file: string, lines: string[]): void {
  fs.appendFileSync(file, lines.map((l) => `${l}\n`).join(''));
}
