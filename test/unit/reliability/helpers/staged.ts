// A generated corpus revealed in stages: stage k of K holds, of every transcript, the first k/K of its
// lines (whole lines; an unterminated last line only in the final stage). Appending stage after stage is
// exactly what Claude Code does to live transcripts, and the final stage is the corpus truth.json describes.
import * as fs from 'node:fs';
import * as path from 'node:path';

interface StagedFile { rel: string; pieces: Buffer[] }

export class StagedCorpus {
  private readonly files: StagedFile[] = [];
  private revealed = 0;

  constructor(private readonly sourceDir: string, readonly targetDir: string, readonly stages: number) {
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.jsonl')) this.files.push({ rel: path.relative(sourceDir, p), pieces: splitLines(fs.readFileSync(p)) });
      }
    };
    walk(sourceDir);
    this.files.sort((a, b) => (a.rel < b.rel ? -1 : 1));
  }

  /** Appends what stage `k` adds (stages only move forward). */
  reveal(k: number): void {
    if (k <= this.revealed) return;
    for (const f of this.files) {
      const from = this.cut(f, this.revealed);
      const to = this.cut(f, k);
      if (to <= from) continue;
      const target = path.join(this.targetDir, f.rel);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.appendFileSync(target, Buffer.concat(f.pieces.slice(from, to)));
    }
    this.revealed = k;
  }

  private cut(f: StagedFile, k: number): number {
    if (k >= this.stages) return f.pieces.length;
    const complete = f.pieces.length - (f.pieces[f.pieces.length - 1]?.at(-1) === 0x0a ? 0 : 1);
    return Math.floor((complete * k) / this.stages);
  }
}

function splitLines(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(0x0a, start);
    if (nl === -1) break;
    out.push(buf.subarray(start, nl + 1));
    start = nl + 1;
  }
  if (start < buf.length) out.push(buf.subarray(start));
  return out;
}
