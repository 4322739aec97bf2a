// Project identity (issue 13 item 10): projects are keyed by repository path; names shared by several
// projects are told apart by their parent folders; schema 1's name-keyed table migrates with its ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { disambiguateProjects, projectMatches } from '../../src/core/query/projects';
import { getSqlJs, selectAll } from '../../src/core/store/sqljs';
import { migrateSchema } from '../../src/core/store/migrations';
import { Ingestor, loadDictionaries } from '../../src/core/store/ingest';
import { canonicalProject } from '../../src/core/sources/claude-code/project';
import { createStore, insertRequests } from './helpers/store-fixture';
import { loadDictionaries as loadReadDictionaries, compileFilter } from '../../src/core/query/readmodel/compileFilter';
import { DEFAULT_PANEL_FILTER } from '../../src/protocol';

const names = (rows: Array<{ id: number; name: string; path: string | null }>) => disambiguateProjects(rows).map((p) => p.name);

test('unique folder names stay as they are; shared ones get the nearest parent that tells them apart', () => {
  assert.deepEqual(names([{ id: 1, name: 'shop', path: '/home/dev/shop' }, { id: 2, name: 'api', path: '/srv/api' }]), ['shop', 'api']);
  assert.deepEqual(names([{ id: 1, name: 'app', path: '/home/a/app' }, { id: 2, name: 'app', path: '/home/b/app' }]), ['app (a)', 'app (b)']);
  assert.deepEqual(
    names([{ id: 1, name: 'app', path: '/x/work/app' }, { id: 2, name: 'app', path: '/y/work/app' }, { id: 3, name: 'site', path: '/x/site' }]),
    ['app (x/work)', 'app (y/work)', 'site'],
  );
  // Windows paths, an encoded folder name (no cwd) and a name-only project (an API log) are told apart too.
  assert.deepEqual(names([{ id: 1, name: 'app', path: 'C:\\Users\\a\\app' }, { id: 2, name: 'app', path: '-home-b-app' }, { id: 3, name: 'app', path: null }]),
    ['app (a)', 'app (-home-b-app)', 'app (no path)']);
  // A label never takes another project's name.
  assert.deepEqual(names([{ id: 1, name: 'app', path: '/a/app' }, { id: 2, name: 'app', path: '/b/app' }, { id: 3, name: 'app (a)', path: '/c/app (a)' }]),
    ['app (a) #1', 'app (b)', 'app (a)']);
});

test('the filter matches the shown name, the folder name or the path, case-insensitively', () => {
  const [a, b] = disambiguateProjects([{ id: 1, name: 'app', path: '/home/a/app' }, { id: 2, name: 'app', path: '/home/b/app' }]);
  assert.ok(projectMatches(a, 'APP') && projectMatches(b, 'app'));
  assert.ok(projectMatches(a, 'app (a)') && !projectMatches(b, 'app (a)'));
  assert.ok(projectMatches(b, '/HOME/B') && !projectMatches(a, '/home/b'));
});

test('worktrees still collapse onto their repository path (one project), other checkouts stay apart', () => {
  const main = canonicalProject('/home/a/app', '-home-a-app');
  const worktree = canonicalProject('/home/a/app/.claude/worktrees/fix-42/src', '-home-a-app--claude-worktrees-fix-42-src');
  const other = canonicalProject('/home/b/app', '-home-b-app');
  assert.equal(worktree.path, main.path);
  assert.notEqual(other.path, main.path);
  assert.equal(other.name, main.name);
});

test('schema 1 → 2: the name-keyed projects table keeps its ids and rows; a second checkout named alike becomes its own project', async () => {
  const SQL = await getSqlJs();
  const db = new SQL.Database();
  migrateSchema(db, undefined, []); // schema 1, as release 0.1.0 wrote it
  db.run("INSERT INTO projects (id, name, path) VALUES (7, 'app', '/home/a/app'), (9, 'api', NULL), (11, 'web', '/srv/web')");
  migrateSchema(db);
  assert.deepEqual(selectAll(db, 'SELECT id, key, name, path FROM projects ORDER BY id'), [
    { id: 7, key: '/home/a/app', name: 'app', path: '/home/a/app' },
    { id: 9, key: 'api', name: 'api', path: null },
    { id: 11, key: '/srv/web', name: 'web', path: '/srv/web' },
  ]);
  const ingest = new Ingestor(db, undefined, loadDictionaries(db));
  assert.equal(ingest.projectId('app', '/home/a/app'), 7);
  assert.equal(ingest.projectId('api', null), 9);
  const b = ingest.projectId('app', '/home/b/app');
  assert.ok(b > 11);
  assert.deepEqual(disambiguateProjects(selectAll(db, 'SELECT id, name, path FROM projects ORDER BY id')).map((p) => p.name), ['app (a)', 'api', 'web', 'app (b)']);
  db.close();
});

test('panel: the project list shows disambiguated names and the select picks exactly one checkout', async () => {
  const db = await createStore();
  insertRequests(db, [
    { ts: Date.parse('2026-06-06T10:00:00Z'), project: 'app', projectPath: '/home/a/app', input: 1, output: 1, cost: 1 },
    { ts: Date.parse('2026-06-06T11:00:00Z'), project: 'app', projectPath: '/home/b/app', input: 1, output: 1, cost: 2 },
  ]);
  const dict = loadReadDictionaries(db);
  assert.deepEqual([...dict.projects.values()].sort(), ['app (a)', 'app (b)']);
  const one = compileFilter({ ...DEFAULT_PANEL_FILTER, project: 'app (b)' }, dict, { scoped: true, internalAvailable: false });
  const both = compileFilter({ ...DEFAULT_PANEL_FILTER, project: 'app' }, dict, { scoped: true, internalAvailable: false });
  assert.equal(JSON.stringify(one).match(/\?/g)?.length ?? 0, JSON.stringify(both).match(/\?/g)!.length - 1);
  db.close();
});
