// Project identity as the surfaces show it. A project is its repository path (the store keys it so); its
// name is the folder name, and when two projects share one, each gets the nearest parent folder that tells
// them apart: /home/a/app and /home/b/app are "app (a)" and "app (b)". A project filter matches the
// shown name, the folder name or the path.
import { selectAll, type Database } from '../store/sqljs';

export interface ProjectIdentity {
  id: number;
  /** Unique display name. */
  name: string;
  /** The folder name as stored. */
  baseName: string;
  /** Repository path (or the transcript folder's encoded name when no cwd was known); null for a name-only project. */
  path: string | null;
}

/** Path segments, innermost last; "/" and "\\" both separate (transcripts from Windows are read on Linux too). */
function segments(p: string): string[] {
  return p.split(/[\\/]+/).filter((s) => s !== '');
}

/**
 * Display names for `rows`: unique names stay as they are; a name shared by several projects gets the
 * shortest run of parent folders that sets it apart ("app (a)", "app (work/a)"), else its whole path.
 */
export function disambiguateProjects(rows: Array<{ id: number; name: string; path: string | null }>): ProjectIdentity[] {
  const byName = new Map<string, typeof rows>();
  for (const r of rows) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  const taken = new Set(rows.map((r) => r.name));
  const out = new Map<number, string>();
  for (const [name, group] of byName) {
    if (group.length === 1) {
      out.set(group[0].id, name);
      continue;
    }
    const parents = group.map((r) => {
      const segs = r.path ? segments(r.path) : [];
      // Drop the project's own folder when the path ends with it.
      return segs.length && segs[segs.length - 1] === name ? segs.slice(0, -1) : segs;
    });
    const maxDepth = Math.max(1, ...parents.map((p) => p.length));
    let chosen: string[] | null = null;
    for (let depth = 1; depth <= maxDepth && !chosen; depth++) {
      // A project with no parent folder to show (a name-only project) is labelled by its path or as such.
      const suffixes = parents.map((p, i) => (p.length ? p.slice(-depth).join('/') : group[i].path ?? 'no path'));
      if (new Set(suffixes).size === suffixes.length) chosen = suffixes;
    }
    group.forEach((r, i) => {
      let label = chosen ? `${name} (${chosen[i]})` : `${name} (${r.path ?? 'no path'})`;
      // Never collide with another project's plain name or an earlier label.
      while (taken.has(label)) label = `${label} #${r.id}`;
      taken.add(label);
      out.set(r.id, label);
    });
  }
  return rows.map((r) => ({ id: r.id, name: out.get(r.id)!, baseName: r.name, path: r.path }));
}

export function loadProjects(db: Database): ProjectIdentity[] {
  const rows = selectAll<{ id: number; name: string; path: string | null }>(db, 'SELECT id, name, path FROM projects ORDER BY id');
  return disambiguateProjects(rows.map((r) => ({ id: Number(r.id), name: String(r.name), path: r.path == null ? null : String(r.path) })));
}

/** Case-insensitive substring of the shown name, the folder name or the path. */
export function projectMatches(p: ProjectIdentity, needle: string): boolean {
  const n = needle.toLowerCase();
  return p.name.toLowerCase().includes(n) || p.baseName.toLowerCase().includes(n) || (p.path?.toLowerCase().includes(n) ?? false);
}
