// What the surfaces (extension host, CLI, benchmark) can ask of the core. The extension host talks to
// an implementation running in a worker thread through messages; the CLI runs one in-process.
import type { QueryResult } from './query/types';

export interface ScanSummary {
  /** The transcript roots scanned (each a `<root>/projects` folder). */
  roots: string[];
  /** JSONL files seen in the tree. */
  files: number;
  /** Files that had new bytes (or were re-read from 0). */
  filesRead: number;
  bytesRead: number;
  /** Lines consumed (complete lines only). */
  lines: number;
  /** Requests added to the store (new dedup keys). */
  newRequests: number;
  /** Stored requests replaced by a better copy (larger usage), or whose tools were merged. */
  updatedRequests: number;
  /** Copies dropped as duplicates of a stored request. */
  duplicateLines: number;
  /** Malformed lines skipped (counted, never fatal). */
  badLines: number;
  newLimitEvents: number;
  /** Files/folders that could not be read (logged and skipped). */
  errors: string[];
  ms: number;
}

export interface ScanOptions {
  /** Forget every file offset and re-read all transcripts (rows already stored are kept). */
  full?: boolean;
  onProgress?: (done: number, total: number) => void;
}
