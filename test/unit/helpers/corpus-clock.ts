// Where a generated corpus's last request lands, read from its files' mtimes (the generator stamps each
// file with its last line's time): a clock just after it has the corpus's last 5-hour window active.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The newest transcript mtime under <configDir>/projects (ms). */
export function lastTranscriptMtimeMs(configDir: string): number {
  let latest = 0;
  const visit = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) visit(p);
      else if (e.name.endsWith('.jsonl')) latest = Math.max(latest, fs.statSync(p).mtimeMs);
    }
  };
  visit(path.join(configDir, 'projects'));
  return latest;
}
