// Summarises a V8 .cpuprofile (node --cpu-prof): the top frames by self time and by inclusive time.
// All wasm frames (SQLite inside sql.js, unnamed) are counted as one frame "(sql.js wasm)".
// Frames of a bundle are mapped back to their TypeScript source through the bundle's .map file when it
// exists (dist/*.js.map), so "parseLine src/core/sources/claude-code/parse.ts:120" instead of
// "parseLine cli.js:4711".
//
//   node --import tsx bench/profile.ts <file.cpuprofile> [--top 15]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface FrameTime {
  frame: string;
  selfMs: number;
  totalMs: number;
  selfPct: number;
  totalPct: number;
}

export interface ProfileSummary {
  totalMs: number;
  samples: number;
  bySelf: FrameTime[];
  byTotal: FrameTime[];
}

// ------------------------------------------------------------------ source maps (VLQ, version 3)

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Map([...B64].map((c, i) => [c, i]));

/** One generated line: segments [generatedColumn, sourceIndex, sourceLine, sourceColumn], by column. */
type MappedLine = number[][];

export interface SourceMap {
  sources: string[];
  lines: MappedLine[];
}

export function decodeMappings(mappings: string): MappedLine[] {
  const lines: MappedLine[] = [];
  let src = 0;
  let srcLine = 0;
  let srcCol = 0;
  for (const lineText of mappings.split(';')) {
    const line: MappedLine = [];
    let genCol = 0;
    if (lineText) {
      for (const seg of lineText.split(',')) {
        if (!seg) continue;
        const fields: number[] = [];
        let value = 0;
        let shift = 0;
        for (const ch of seg) {
          const digit = B64_VALUE.get(ch);
          if (digit === undefined) throw new Error(`bad source-map character ${ch}`);
          value += (digit & 31) << shift;
          if (digit & 32) {
            shift += 5;
          } else {
            fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
            value = 0;
            shift = 0;
          }
        }
        genCol += fields[0];
        if (fields.length >= 4) {
          src += fields[1];
          srcLine += fields[2];
          srcCol += fields[3];
          line.push([genCol, src, srcLine, srcCol]);
        }
      }
    }
    lines.push(line);
  }
  return lines;
}

/** The bundle's source map, only when the bundle itself points at it (a stale .map beside a rebuilt bundle is ignored). */
export function loadSourceMap(bundle: string): SourceMap | null {
  try {
    const fd = fs.openSync(bundle, 'r');
    const size = fs.fstatSync(fd).size;
    const tail = Buffer.alloc(Math.min(size, 512));
    fs.readSync(fd, tail, 0, tail.length, size - tail.length);
    fs.closeSync(fd);
    if (!tail.toString('utf8').includes(`sourceMappingURL=${path.basename(bundle)}.map`)) return null;
    const raw = JSON.parse(fs.readFileSync(`${bundle}.map`, 'utf8')) as { sources: string[]; sourceRoot?: string; mappings: string };
    const dir = path.dirname(bundle);
    return { sources: raw.sources.map((s) => path.resolve(dir, raw.sourceRoot ?? '', s)), lines: decodeMappings(raw.mappings) };
  } catch {
    return null;
  }
}

/** The source position of a 0-based generated line/column, or null when unmapped. */
export function lookup(map: SourceMap, line: number, column: number): { source: string; line: number } | null {
  const segs = map.lines[line];
  if (!segs || segs.length === 0) return null;
  let lo = 0;
  let hi = segs.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (segs[mid][0] <= column) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const seg = segs[best === -1 ? 0 : best];
  return { source: map.sources[seg[1]], line: seg[2] + 1 };
}

// ------------------------------------------------------------------ summary

function scriptPath(url: string): string | null {
  if (!url) return null;
  if (url.startsWith('file://')) {
    try {
      return fileURLToPath(url);
    } catch {
      return null;
    }
  }
  return path.isAbsolute(url) ? url : null;
}

/** Names a frame "function location", the location relative to `baseDir` and mapped to source when possible. */
function frameNamer(baseDir: string): (n: CpuProfileNode) => string {
  const maps = new Map<string, SourceMap | null>();
  return (n) => {
    const cf = n.callFrame;
    const name = cf.functionName || (cf.url ? '(anonymous)' : '');
    if (!cf.url) return name; // (program), (garbage collector), (idle), (root)
    if (cf.url.startsWith('node:')) return `${name} ${cf.url}`;
    // Unnamed wasm functions say nothing one by one: they are SQLite (sql.js) as a whole.
    if (cf.url.startsWith('wasm://')) return '(sql.js wasm)';
    const file = scriptPath(cf.url);
    let where = `${file ? path.relative(baseDir, file) : cf.url}:${cf.lineNumber + 1}`;
    if (file && file.endsWith('.js')) {
      if (!maps.has(file)) maps.set(file, loadSourceMap(file));
      const map = maps.get(file);
      const pos = map ? lookup(map, cf.lineNumber, cf.columnNumber) : null;
      if (pos) where = `${path.relative(baseDir, pos.source)}:${pos.line}`;
    }
    return `${name} ${where}`;
  };
}

/** Self and inclusive time per frame (same function at the same place = one frame; recursion counted once). */
export function summarizeProfile(profile: CpuProfile, opts: { top?: number; baseDir?: string } = {}): ProfileSummary {
  const top = opts.top ?? 15;
  const name = frameNamer(opts.baseDir ?? process.cwd());
  const byId = new Map<number, CpuProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) byId.set(n.id, n);
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const frameOf = new Map<number, string>();
  for (const n of profile.nodes) frameOf.set(n.id, name(n));

  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const selfUs = new Map<string, number>();
  const totalUs = new Map<string, number>();
  let sumUs = 0;
  if (samples.length > 0) {
    for (let i = 0; i < samples.length; i++) {
      // timeDeltas[i] is the time since the previous sample: charge it to this sample's stack.
      const dt = Math.max(0, deltas[i] ?? 0);
      sumUs += dt;
      const id = samples[i];
      const self = frameOf.get(id) ?? '?';
      selfUs.set(self, (selfUs.get(self) ?? 0) + dt);
      const seen = new Set<string>();
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const f = frameOf.get(cur) ?? '?';
        if (f === '(root)' || seen.has(f)) continue;
        seen.add(f);
        totalUs.set(f, (totalUs.get(f) ?? 0) + dt);
      }
    }
  } else {
    // Old profiles without samples: hitCount × mean interval, self time only.
    const hits = profile.nodes.reduce((a, n) => a + (n.hitCount ?? 0), 0);
    const interval = hits ? (profile.endTime - profile.startTime) / hits : 0;
    for (const n of profile.nodes) {
      const f = frameOf.get(n.id) ?? '?';
      const us = (n.hitCount ?? 0) * interval;
      selfUs.set(f, (selfUs.get(f) ?? 0) + us);
      sumUs += us;
    }
  }
  const pct = (ms: number) => (sumUs ? (ms * 1000 * 100) / sumUs : 0);
  const rows = (m: Map<string, number>): FrameTime[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([frame]) => {
        const selfMs = (selfUs.get(frame) ?? 0) / 1000;
        const totalMs = (totalUs.get(frame) ?? selfUs.get(frame) ?? 0) / 1000;
        return { frame, selfMs, totalMs, selfPct: pct(selfMs), totalPct: pct(totalMs) };
      });
  return { totalMs: sumUs / 1000, samples: samples.length, bySelf: rows(selfUs), byTotal: rows(totalUs.size ? totalUs : selfUs) };
}

export function renderProfileSummary(s: ProfileSummary): string {
  const table = (title: string, rows: FrameTime[], first: 'self' | 'total') => {
    const out = [`**${title}**`, '', '| # | frame | self | total |', '|---|---|---|---|'];
    rows.forEach((r, i) => {
      const self = `${r.selfMs.toFixed(0)} ms (${r.selfPct.toFixed(1)} %)`;
      const total = `${r.totalMs.toFixed(0)} ms (${r.totalPct.toFixed(1)} %)`;
      out.push(`| ${i + 1} | \`${r.frame.replace(/\|/g, '\\|')}\` | ${first === 'self' ? `**${self}**` : self} | ${first === 'total' ? `**${total}**` : total} |`);
    });
    return out.join('\n');
  };
  return [
    `Profile: ${(s.totalMs / 1000).toFixed(2)} s sampled, ${s.samples} samples.`,
    '',
    table(`Top ${s.bySelf.length} frames by self time`, s.bySelf, 'self'),
    '',
    table(`Top ${s.byTotal.length} frames by inclusive time`, s.byTotal, 'total'),
  ].join('\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  const topAt = args.indexOf('--top');
  if (!file) {
    console.error('usage: node --import tsx bench/profile.ts <file.cpuprofile> [--top 15]');
    process.exit(2);
  }
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  console.log(renderProfileSummary(summarizeProfile(profile, { top: topAt >= 0 ? Number(args[topAt + 1]) : 15 })));
}
