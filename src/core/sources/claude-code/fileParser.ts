// Reading and parsing the new bytes of one transcript file, with no access to the store: the scanner
// runs it inline for small reads, or in a worker thread for large ones so that parsing (one core) and
// the sql.js inserts (the other core) overlap.
import type { CompactBoundary, LimitEvent, UsageEvent } from '../../types';
import { dedupKeyOf, isBetter, mergeTools, totalTokens } from '../../store/ingest';
import { readNewLines, type ReadLinesResult } from '../incremental';
import { parseTranscriptLine } from './parse';

export interface FileJob {
  path: string;
  offset: number;
  fallbackSession: string;
}

export interface ParsedFile {
  path: string;
  /** Usage events, the copies of one response within this file already merged (best copy, all tools). */
  events: UsageEvent[];
  /** Copies folded into another copy of the same response within this file. */
  mergedCopies: number;
  limits: LimitEvent[];
  /** compact_boundary rows, in file order (the context-fill figures start afresh at each). */
  compactions: CompactBoundary[];
  /** Best title per session: a higher rank wins, a later line of the same rank wins. */
  titles: Array<{ sessionId: string; title: string; rank: number }>;
  badLines: number;
  read: ReadLinesResult | null;
  /** An I/O error (the file vanished or became unreadable): the file is skipped and reported. */
  error: { code: string; message: string } | null;
}

// Byte patterns of lines that can matter. Inside JSON strings quotes are escaped, so an unescaped
// `"assistant"` only occurs as a real value or key: usage-bearing rows and synthetic limit rows carry it
// (type and role), user rows with their bulky tool results never do. One search settles most bytes.
const ASSISTANT_MARK = Buffer.from('"assistant"');
const TITLE_MARKS = [Buffer.from('-title"'), Buffer.from('"summary"'), Buffer.from('"compact_boundary"')];
const TITLE_RANK = { summary: 1, 'ai-title': 2, 'custom-title': 3 } as const;
/** Title and compact_boundary rows are short; longer lines are not searched for them. */
const MAX_TITLE_LINE = 64 * 1024;

function mayMatter(line: Buffer): boolean {
  if (line.indexOf(ASSISTANT_MARK) !== -1) return true;
  if (line.length > MAX_TITLE_LINE) return false;
  for (const m of TITLE_MARKS) if (line.indexOf(m) !== -1) return true;
  return false;
}

/**
 * Lines skipped without JSON.parse still get a structural check, so that garbage (random bytes, a line
 * cut short by a crash) is counted as malformed rather than silently passed over.
 */
export function looksLikeJsonObject(line: Buffer): boolean {
  let start = 0;
  let end = line.length - 1;
  while (start <= end && (line[start] === 0x20 || line[start] === 0x09 || line[start] === 0xef || line[start] === 0xbb || line[start] === 0xbf)) start++;
  while (end >= start && (line[end] === 0x20 || line[end] === 0x09 || line[end] === 0x0d)) end--;
  return start > end || (line[start] === 0x7b && line[end] === 0x7d);
}

export async function parseFile(job: FileJob): Promise<ParsedFile> {
  const out: ParsedFile = { path: job.path, events: [], mergedCopies: 0, limits: [], compactions: [], titles: [], badLines: 0, read: null, error: null };
  const copies = new Map<string, { event: UsageEvent; total: number }>();
  const titles = new Map<string, { title: string; rank: number }>();
  try {
    out.read = await readNewLines(job.path, job.offset, (buf) => {
      if (!mayMatter(buf)) {
        if (!looksLikeJsonObject(buf)) out.badLines++;
        return;
      }
      const parsed = parseTranscriptLine(buf.toString('utf8'), job.fallbackSession);
      switch (parsed.kind) {
        case 'usage': {
          const e = parsed.event;
          const key = dedupKeyOf(e);
          const total = totalTokens(e.usage);
          const prev = copies.get(key);
          if (!prev) {
            copies.set(key, { event: e, total });
            break;
          }
          out.mergedCopies++;
          const tools = mergeTools(mergeTools([], prev.event.tools), e.tools);
          if (isBetter({ total, hasSpeed: e.hasSpeed, forked: e.forked }, { total: prev.total, hasSpeed: prev.event.hasSpeed, forked: prev.event.forked })) {
            copies.set(key, { event: { ...e, tools }, total });
          } else {
            prev.event = { ...prev.event, tools };
          }
          break;
        }
        case 'limit':
          out.limits.push(parsed.event);
          break;
        case 'compact':
          out.compactions.push(parsed.event);
          break;
        case 'title': {
          const rank = TITLE_RANK[parsed.titleSource];
          const prev = titles.get(parsed.sessionId);
          if (!prev || rank >= prev.rank) titles.set(parsed.sessionId, { title: parsed.title, rank });
          break;
        }
        case 'malformed':
          out.badLines++;
          break;
        default:
          break;
      }
    });
  } catch (e) {
    // Only I/O errors (the file vanished, became unreadable…) skip a file; a bug must not pass as one.
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') throw e;
    out.error = { code, message: (e as Error).message };
    return out;
  }
  for (const { event } of copies.values()) out.events.push(event);
  for (const [sessionId, t] of titles) out.titles.push({ sessionId, ...t });
  return out;
}
