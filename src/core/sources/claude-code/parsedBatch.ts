// A parsed file as it crosses from a parser thread to the scanner: the usage events packed into one
// Float64Array (transferred, not copied) plus one table of their distinct strings, instead of JSON text
// that the receiving thread would have to parse again. Limits, titles and compactions are few and go as is.
import type { UsageEvent } from '../../types';
import type { ParsedFile } from './fileParser';

export interface PackedFile {
  file: Omit<ParsedFile, 'events'>;
  /** STRIDE numbers per event; strings as indexes into `strings` (-1 = null). */
  numbers: Float64Array;
  strings: string[];
}

const MESSAGE_ID = 0, REQUEST_ID = 1, SESSION_ID = 2, CWD = 3, SIDECHAIN = 4, AGENT_ID = 5, MODEL = 6, TIMESTAMP = 7;
const INPUT = 8, OUTPUT = 9, CACHE_CREATION = 10, CACHE_CREATION_1H = 11, CACHE_READ = 12, WEB_SEARCH = 13;
const SPEED = 14, GEO = 15, TIER = 16, HAS_SPEED = 17, VERSION = 18, TOOLS = 19, PLACEHOLDER = 20, FORKED = 21, BRANCH = 22, ITERATIONS = 23;
const STRIDE = 24;

export function packParsedFile(parsed: ParsedFile): PackedFile {
  const { events, ...file } = parsed;
  const numbers = new Float64Array(events.length * STRIDE);
  const strings: string[] = [];
  const index = new Map<string, number>();
  const str = (s: string | null | undefined): number => {
    if (s === null || s === undefined) return -1;
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  for (let e = 0; e < events.length; e++) {
    const ev = events[e];
    const u = ev.usage;
    const o = e * STRIDE;
    numbers[o + MESSAGE_ID] = str(ev.messageId);
    numbers[o + REQUEST_ID] = str(ev.requestId);
    numbers[o + SESSION_ID] = str(ev.sessionId);
    numbers[o + CWD] = str(ev.cwd);
    numbers[o + SIDECHAIN] = ev.isSidechain ? 1 : 0;
    numbers[o + AGENT_ID] = str(ev.agentId);
    numbers[o + MODEL] = str(ev.model);
    numbers[o + TIMESTAMP] = ev.timestampMs;
    numbers[o + INPUT] = u.inputTokens;
    numbers[o + OUTPUT] = u.outputTokens;
    numbers[o + CACHE_CREATION] = u.cacheCreationTokens;
    numbers[o + CACHE_CREATION_1H] = u.cacheCreation1hTokens;
    numbers[o + CACHE_READ] = u.cacheReadTokens;
    numbers[o + WEB_SEARCH] = u.webSearchRequests;
    numbers[o + SPEED] = str(u.speed);
    numbers[o + GEO] = str(u.inferenceGeo);
    numbers[o + TIER] = str(u.serviceTier);
    numbers[o + HAS_SPEED] = ev.hasSpeed ? 1 : 0;
    numbers[o + VERSION] = str(ev.version);
    // Tool lists repeat (a handful of distinct sets per file): one table entry each.
    numbers[o + TOOLS] = ev.tools.length === 0 ? -1 : str(JSON.stringify(ev.tools));
    numbers[o + PLACEHOLDER] = ev.placeholder ? 1 : 0;
    numbers[o + FORKED] = ev.forked ? 1 : 0;
    numbers[o + BRANCH] = str(ev.gitBranch);
    numbers[o + ITERATIONS] = u.iterations ? str(JSON.stringify(u.iterations)) : -1;
  }
  return { file, numbers, strings };
}

export function unpackParsedFile(packed: PackedFile): ParsedFile {
  const { numbers, strings } = packed;
  const str = (i: number): string | null => (i < 0 ? null : strings[i]);
  const toolLists = new Map<number, string[]>();
  const events: UsageEvent[] = [];
  for (let o = 0; o < numbers.length; o += STRIDE) {
    const toolsAt = numbers[o + TOOLS];
    let tools: string[] = [];
    if (toolsAt >= 0) {
      const cached = toolLists.get(toolsAt);
      // Each event gets its own array (the scanner may merge into it), parsed once per distinct set.
      tools = cached ? [...cached] : (JSON.parse(strings[toolsAt]) as string[]);
      if (!cached) toolLists.set(toolsAt, [...tools]);
    }
    const event: UsageEvent = {
      messageId: strings[numbers[o + MESSAGE_ID]],
      requestId: str(numbers[o + REQUEST_ID]),
      sessionId: strings[numbers[o + SESSION_ID]],
      cwd: str(numbers[o + CWD]),
      isSidechain: numbers[o + SIDECHAIN] === 1,
      agentId: str(numbers[o + AGENT_ID]),
      model: strings[numbers[o + MODEL]],
      timestampMs: numbers[o + TIMESTAMP],
      usage: {
        inputTokens: numbers[o + INPUT],
        outputTokens: numbers[o + OUTPUT],
        cacheCreationTokens: numbers[o + CACHE_CREATION],
        cacheCreation1hTokens: numbers[o + CACHE_CREATION_1H],
        cacheReadTokens: numbers[o + CACHE_READ],
        webSearchRequests: numbers[o + WEB_SEARCH],
        speed: str(numbers[o + SPEED]),
        inferenceGeo: str(numbers[o + GEO]),
        serviceTier: str(numbers[o + TIER]),
      },
      hasSpeed: numbers[o + HAS_SPEED] === 1,
      version: str(numbers[o + VERSION]),
      tools,
      placeholder: numbers[o + PLACEHOLDER] === 1,
      forked: numbers[o + FORKED] === 1,
      gitBranch: str(numbers[o + BRANCH]),
    };
    const iterationsAt = numbers[o + ITERATIONS];
    if (iterationsAt >= 0) event.usage.iterations = JSON.parse(strings[iterationsAt]) as UsageEvent['usage']['iterations'];
    events.push(event);
  }
  return { ...packed.file, events };
}
