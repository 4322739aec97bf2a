// What a scan of the sources reports and what it can be asked to do: shared by every source adapter
// (claude-code/, api-log/), the engine that runs them, and the surfaces that show the summary.

export interface ScanSummary {
  /** The transcript roots scanned (each a `<root>/projects` folder). */
  roots: string[];
  /** JSONL files seen in the tree. */
  files: number;
  /** API-log files the configured paths named (issue 7); absent when no API logs are configured. */
  apiLogFiles?: number;
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
  /**
   * Only these transcript files changed (a file watcher's events): stat and read just them instead of
   * walking every root. Files outside the roots or not *.jsonl are ignored. Without it: a full walk.
   */
  paths?: string[];
  /** Forget every file offset and re-read all transcripts (rows already stored are kept). */
  full?: boolean;
  onProgress?: (done: number, total: number) => void;
}
