// Writes parsed usage into the store with the dedup rules of transcripts-and-pricing.md §0:
// - one row per API response, keyed globally (across all files) by message.id + requestId, falling back
//   to message.id + sessionId when requestId is missing;
// - of several copies keep the one with the largest total tokens; on a tie the one with usage.speed, then
//   the original over a fork copy; the tool names of all copies (one content block per line) are merged;
// - the same message.id under another requestId where one copy is a sidechain (/btw replay): keep the
//   non-sidechain copy.
// Rows are never deleted because a transcript vanished; only a better copy of the same response replaces one.
import type { LimitEvent, SourceName, UsageEvent, UsageForPricing } from '../types';
import { priceRequest, usdToE10, type PriceOverrides } from '../pricing';
import { DROP_REQUEST_INDEXES_SQL, FLAG, REQUEST_INDEXES_SQL, SOURCE_IDS } from './schema';
import { keyHash, messageHash } from './identity';
import { attrsKey, packFlags } from './migration-2-compact';
import { selectAll, selectOne, type Database, type Statement } from './sqljs';
import { createLoadTable, HOUR_MS, packLoadTable, rebuildRollups } from './rollups';

/** One usage event with what the store needs beyond the line itself. */
export interface IngestRecord {
  event: UsageEvent;
  source: SourceName;
  executionMode: 'cloud' | 'local';
  projectName: string;
  projectPath: string | null;
  fileId: number | null;
  /** A cost the source logged itself (API logs): used as is instead of the price table. */
  loggedCostUsd?: number | null;
  /** What an API-log line says beyond usage (issue 7); absent for Claude Code rows. */
  call?: ApiCallDetails;
}

/** Attribution and outcome of one API-log call; each part null when the line did not say. */
export interface ApiCallDetails {
  provider: string | null;
  feature: string | null;
  success: boolean | null;
  durationMs: number | null;
  ttftMs: number | null;
  initiator: string | null;
  workerId: string | null;
  errorMessage: string | null;
}

export interface ApplyCounts {
  inserted: number;
  updated: number;
  duplicates: number;
}

/** The dedup key of a usage event (§0 rule 3). */
export function dedupKeyOf(e: Pick<UsageEvent, 'messageId' | 'requestId' | 'sessionId'>): string {
  return e.requestId ? `${e.messageId}\u0000${e.requestId}` : `${e.messageId}\u0000\u0000${e.sessionId}`;
}

/**
 * The in-memory identity of a response: message.id + the 32-bit key hash the store keeps (identity.ts). Rows
 * read back by message hash are known by it too, without their requestId text.
 */
export function rowKeyOf(e: Pick<UsageEvent, 'messageId' | 'requestId' | 'sessionId'>): string {
  return `${e.messageId}\u0000${keyHash(e)}`;
}

export function totalTokens(u: UsageForPricing): number {
  return u.inputTokens + u.outputTokens + u.cacheCreationTokens + u.cacheReadTokens;
}

/** What the ingestor remembers of a stored row to decide about later copies. */
interface RowInfo {
  id: number;
  hour: number;
  total: number;
  hasSpeed: boolean;
  forked: boolean;
  sidechain: boolean;
  messageId: string;
  requestless: boolean;
  tools: string[];
}

/** Is copy `a` better than stored copy `b`? Larger usage, then usage.speed present, then not a fork copy. */
export function isBetter(a: { total: number; hasSpeed: boolean; forked: boolean }, b: { total: number; hasSpeed: boolean; forked: boolean }): boolean {
  if (a.total !== b.total) return a.total > b.total;
  if (a.hasSpeed !== b.hasSpeed) return a.hasSpeed;
  return !a.forked && b.forked;
}

export function mergeTools(a: string[], b: string[]): string[] {
  if (b.length === 0) return a;
  if (a.length === 0) return [...new Set(b)].sort();
  return [...new Set([...a, ...b])].sort();
}

export function toolsetName(tools: string[]): string {
  return tools.join(', ');
}

/** The written columns of `requests` after its id, in the order writeRow binds them. */
const ROW_COLUMNS = `flags, session_id, project_id, model_id, toolset_id, ts, input_tokens, output_tokens, cache_creation_tokens,
  cache_creation_5m_tokens, cache_read_tokens, web_search_requests, attrs_id, agent_id, cost_usd, file_id, provider_id, feature_id,
  success, duration_ms, branch_id, cache_savings_e10, cache_write_premium_e10`;
const ROW_COLUMN_COUNT = ROW_COLUMNS.split(',').length;

/** The dictionary tables (name → id) as maps. Kept by the engine across scans of the same database. */
export interface Dictionaries {
  models: Map<string, number>;
  /** By key: the repository path, or the name of a project known only by name. */
  projects: Map<string, number>;
  sessions: Map<string, number>;
  toolsets: Map<string, number>;
  providers: Map<string, number>;
  features: Map<string, number>;
  agents: Map<string, number>;
  /** Git branch names (transcripts' gitBranch). */
  branches: Map<string, number>;
  /** request_attrs rows by attrsKey(speed, geo, service tier, version). */
  attrs: Map<string, number>;
}

/** Reads every dictionary table once (a scan then needs no lookups for names it has seen). */
export function loadDictionaries(db: Database): Dictionaries {
  const dict: Dictionaries = {
    models: new Map(), projects: new Map(), sessions: new Map(), toolsets: new Map(), providers: new Map(), features: new Map(),
    agents: new Map(), branches: new Map(), attrs: new Map(),
  };
  for (const table of ['models', 'toolsets', 'providers', 'features', 'agents', 'branches'] as const) {
    for (const r of selectAll<{ id: number; name: string }>(db, `SELECT id, name FROM ${table}`)) dict[table].set(r.name, r.id);
  }
  // Projects by key: the repository path (two checkouts named alike stay two projects).
  for (const r of selectAll<{ id: number; key: string }>(db, 'SELECT id, key FROM projects')) dict.projects.set(r.key, r.id);
  for (const r of selectAll<{ id: number; session_key: string }>(db, 'SELECT id, session_key FROM sessions')) {
    dict.sessions.set(r.session_key, r.id);
  }
  for (const r of selectAll<{ id: number; speed: string | null; geo: string | null; service_tier: string | null; version: string | null }>(
    db, 'SELECT id, speed, geo, service_tier, version FROM request_attrs')) {
    dict.attrs.set(attrsKey(r.speed, r.geo, r.service_tier, r.version), r.id);
  }
  return dict;
}

export class Ingestor {
  private readonly loadDict: () => Dictionaries;
  private loadedDict: Dictionaries | null = null;
  /** Rows known in this process, by rowKeyOf; saves a SELECT per line. */
  private readonly rows = new Map<string, RowInfo>();
  private readonly byMessage = new Map<string, string[]>();
  /** True when every stored row is in `rows` (a scan that started on an empty table): misses need no SELECT. */
  private complete: boolean;
  private nextId: number;
  private readonly touchedHours = new Set<number>();
  private stmts: Record<string, Statement> | null = null;
  /** Indexes of `requests` dropped for a bulk load into an empty table; rebuilt by refreshRollups(). */
  private indexesDropped = false;
  /**
   * A bulk load writes identities to a temporary copy of `request_identity`, moved into the empty table by
   * refreshRollups() with full pages (rows inserted in hash order would leave the pages they split part-empty).
   */
  private identityTable = 'request_identity';

  /**
   * Construct inside the caller's transaction: a bulk load drops the request indexes until refreshRollups().
   * `dict`: the dictionaries of this database when the caller keeps them (they are updated in place; drop
   * them when the transaction rolls back).
   */
  constructor(private readonly db: Database, private readonly priceOverrides?: PriceOverrides, dict?: Dictionaries | (() => Dictionaries)) {
    // EXISTS and max(rowid) are O(log n); count(*) would walk the whole table on every scan.
    this.complete = Number(db.exec('SELECT EXISTS (SELECT 1 FROM requests)')[0].values[0][0]) === 0;
    if (this.complete) {
      // Every key is in `rows` while the table fills, so the indexes are not needed until the end.
      db.run(DROP_REQUEST_INDEXES_SQL);
      this.indexesDropped = true;
      this.identityTable = createLoadTable(db, 'request_identity');
    }
    this.nextId = Number(db.exec('SELECT coalesce(max(id), 0) + 1 FROM requests')[0].values[0][0]);
    this.loadDict = typeof dict === 'function' ? dict : () => dict ?? loadDictionaries(db);
  }

  /** Read on first use: a scan that stores nothing (a warm start) never loads the dictionary tables. */
  private get dict(): Dictionaries {
    this.loadedDict ??= this.loadDict();
    return this.loadedDict;
  }

  private statements(): Record<string, Statement> {
    if (!this.stmts) {
      const db = this.db;
      this.stmts = {
        insert: db.prepare(`INSERT INTO requests (id, ${ROW_COLUMNS}) VALUES (?, ${new Array(ROW_COLUMN_COUNT).fill('?').join(', ')})`),
        insertIdentity: db.prepare(`INSERT INTO ${this.identityTable} (msg_hash, key_hash, request_id) VALUES (?, ?, ?)`),
        deleteIdentity: db.prepare(`DELETE FROM ${this.identityTable} WHERE msg_hash = ? AND key_hash = ?`),
        update: db.prepare(`UPDATE requests SET (${ROW_COLUMNS}) = (${new Array(ROW_COLUMN_COUNT).fill('?').join(', ')}) WHERE id = ?`),
        // A row stored before schema 4 has no branch: a later copy of the same response (a re-read) fills it in.
        fillBranch: db.prepare('UPDATE requests SET branch_id = ? WHERE id = ? AND branch_id IS NULL'),
        updateTools: db.prepare('UPDATE requests SET toolset_id = ? WHERE id = ?'),
        byKey: db.prepare(`SELECT r.id, r.ts, r.input_tokens + r.output_tokens + r.cache_creation_tokens + r.cache_read_tokens AS total,
          a.speed IS NOT NULL AS has_speed, r.flags, t.name AS tools
          FROM request_identity i JOIN requests r ON r.id = i.request_id JOIN toolsets t ON t.id = r.toolset_id
          JOIN request_attrs a ON a.id = r.attrs_id WHERE i.msg_hash = ? AND i.key_hash = ?`),
        byMessage: db.prepare('SELECT key_hash FROM request_identity WHERE msg_hash = ?'),
        deleteRow: db.prepare('DELETE FROM requests WHERE id = ?'),
        deleteIterations: db.prepare('DELETE FROM request_iterations WHERE request_id = ?'),
        deleteCall: db.prepare('DELETE FROM api_call_details WHERE request_id = ?'),
        insertIterations: db.prepare('INSERT INTO request_iterations (request_id, iterations_json) VALUES (?, ?)'),
        insertCall: db.prepare('INSERT INTO api_call_details (request_id, api_request_id, ttft_ms, initiator, worker_id, error_message) VALUES (?, ?, ?, ?, ?, ?)'),
        attrs: db.prepare('INSERT INTO request_attrs (speed, geo, service_tier, version) VALUES (?, ?, ?, ?)'),
        limit: db.prepare(`INSERT OR IGNORE INTO limit_events (event_key, session_key, ts, limit_type, resets_at, text) VALUES (?, ?, ?, ?, ?, ?)`),
      };
    }
    return this.stmts;
  }

  /** Moves a bulk load's identities into `request_identity` (see identityTable). */
  private packIdentities(): void {
    if (this.identityTable === 'request_identity') return;
    if (this.stmts) {
      for (const s of Object.values(this.stmts)) s.free();
      this.stmts = null;
    }
    packLoadTable(this.db, 'request_identity');
    this.identityTable = 'request_identity';
  }

  /** Frees prepared statements. Call when the ingestor is no longer used. */
  dispose(): void {
    if (this.stmts) for (const s of Object.values(this.stmts)) s.free();
    this.stmts = null;
  }

  private dictId(table: 'models' | 'toolsets' | 'providers' | 'features' | 'agents' | 'branches', name: string): number {
    const map = this.dict[table];
    let id = map.get(name);
    if (id === undefined) {
      this.db.run(`INSERT INTO ${table} (name) VALUES (?)`, [name]);
      id = Number(this.db.exec('SELECT last_insert_rowid()')[0].values[0][0]);
      map.set(name, id);
    }
    return id;
  }

  private attrsId(speed: string | null, geo: string | null, tier: string | null, version: string | null): number {
    const key = attrsKey(speed, geo, tier, version);
    let id = this.dict.attrs.get(key);
    if (id === undefined) {
      this.statements().attrs.run([speed, geo, tier, version]);
      id = Number(this.db.exec('SELECT last_insert_rowid()')[0].values[0][0]);
      this.dict.attrs.set(key, id);
    }
    return id;
  }

  /** The project of a repository path (worktrees are already collapsed onto it); by name when no path is known. */
  projectId(name: string, projectPath: string | null): number {
    const key = projectPath || name;
    let id = this.dict.projects.get(key);
    if (id === undefined) {
      this.db.run('INSERT INTO projects (key, name, path) VALUES (?, ?, ?)', [key, name, projectPath]);
      id = Number(this.db.exec('SELECT last_insert_rowid()')[0].values[0][0]);
      this.dict.projects.set(key, id);
    }
    return id;
  }

  sessionId(sessionKey: string, projectId: number, source: SourceName): number {
    let id = this.dict.sessions.get(sessionKey);
    if (id === undefined) {
      this.db.run('INSERT INTO sessions (session_key, project_id, source) VALUES (?, ?, ?)', [sessionKey, projectId, SOURCE_IDS[source]]);
      id = Number(this.db.exec('SELECT last_insert_rowid()')[0].values[0][0]);
      this.dict.sessions.set(sessionKey, id);
    }
    return id;
  }

  /** Sets a session's title unless a better kind of title is already stored (rank: custom > ai > summary). */
  setSessionTitle(sessionKey: string, title: string, rank: number, projectName: string, projectPath: string | null, source: SourceName): void {
    const id = this.sessionId(sessionKey, this.projectId(projectName, projectPath), source);
    this.db.run('UPDATE sessions SET title = ?, title_rank = ? WHERE id = ? AND title_rank <= ?', [title.slice(0, 500), rank, id, rank]);
  }

  addLimitEvent(e: LimitEvent): boolean {
    const s = this.statements().limit;
    s.run([e.key, e.sessionId, e.timestampMs, e.limitType, e.resetsAtMs, e.text.slice(0, 2000)]);
    return this.db.getRowsModified() > 0;
  }

  private lookup(key: string, messageId: string, hash: number): RowInfo | undefined {
    const known = this.rows.get(key);
    if (known || this.complete) return known;
    const s = this.statements().byKey;
    s.bind([messageHash(messageId), hash]);
    let info: RowInfo | undefined;
    if (s.step()) {
      const r = s.getAsObject();
      const flags = Number(r.flags);
      info = {
        id: Number(r.id),
        hour: Math.floor(Number(r.ts) / HOUR_MS),
        total: Number(r.total),
        hasSpeed: Number(r.has_speed) === 1,
        forked: (flags & FLAG.forked) !== 0,
        sidechain: (flags & FLAG.sidechain) !== 0,
        messageId,
        requestless: (flags & FLAG.requestless) !== 0,
        tools: r.tools ? String(r.tools).split(', ') : [],
      };
      this.remember(key, info);
    }
    s.reset();
    return info;
  }

  /** Identities (message.id + key hash) of stored rows with this message.id, with their key hashes. */
  private keysForMessage(messageId: string): Array<{ key: string; hash: number }> {
    const keys = new Map<string, number>();
    for (const key of this.byMessage.get(messageId) ?? []) keys.set(key, Number(key.slice(key.lastIndexOf('\u0000') + 1)));
    if (this.complete) return [...keys].map(([key, hash]) => ({ key, hash }));
    const s = this.statements().byMessage;
    s.bind([messageHash(messageId)]);
    while (s.step()) {
      const hash = Number(s.get()[0]);
      keys.set(`${messageId}\u0000${hash}`, hash);
    }
    s.reset();
    return [...keys].map(([key, hash]) => ({ key, hash }));
  }

  private remember(key: string, info: RowInfo): void {
    this.rows.set(key, info);
    const list = this.byMessage.get(info.messageId);
    if (!list) this.byMessage.set(info.messageId, [key]);
    else if (!list.includes(key)) list.push(key);
  }

  private forget(key: string, info: RowInfo): void {
    this.rows.delete(key);
    const list = this.byMessage.get(info.messageId);
    if (list) {
      const i = list.indexOf(key);
      if (i >= 0) list.splice(i, 1);
    }
  }

  /**
   * Merges the copies within `records` first (the block lines of one response are adjacent), then applies
   * each distinct response to the store. Run inside a transaction (the engine does).
   */
  apply(records: IngestRecord[]): ApplyCounts {
    const counts: ApplyCounts = { inserted: 0, updated: 0, duplicates: 0 };
    const best = new Map<string, { rec: IngestRecord; tools: string[]; total: number }>();
    for (const rec of records) {
      const key = rowKeyOf(rec.event);
      const total = totalTokens(rec.event.usage);
      const prev = best.get(key);
      if (!prev) {
        best.set(key, { rec, tools: mergeTools([], rec.event.tools), total });
        continue;
      }
      counts.duplicates++;
      const tools = mergeTools(prev.tools, rec.event.tools);
      if (isBetter({ total, hasSpeed: rec.event.hasSpeed, forked: rec.event.forked }, { total: prev.total, hasSpeed: prev.rec.event.hasSpeed, forked: prev.rec.event.forked })) {
        best.set(key, { rec, tools, total });
      } else {
        prev.tools = tools;
      }
    }
    for (const [key, cand] of best) this.applyOne(key, cand.rec, cand.tools, cand.total, counts);
    return counts;
  }

  private applyOne(key: string, rec: IngestRecord, tools: string[], total: number, counts: ApplyCounts): void {
    const e = rec.event;
    const existing = this.lookup(key, e.messageId, keyHash(e));
    if (existing) {
      const merged = mergeTools(existing.tools, tools);
      const toolsChanged = merged.length !== existing.tools.length;
      if (isBetter({ total, hasSpeed: e.hasSpeed, forked: e.forked }, existing)) {
        this.touchedHours.add(existing.hour);
        this.writeRow(key, rec, merged, existing.id);
        counts.updated++;
      } else if (toolsChanged) {
        this.statements().updateTools.run([this.dictId('toolsets', toolsetName(merged)), existing.id]);
        existing.tools = merged;
        this.touchedHours.add(existing.hour);
        counts.updated++;
      } else {
        counts.duplicates++;
      }
      if (e.gitBranch) {
        this.statements().fillBranch.run([this.dictId('branches', e.gitBranch), existing.id]);
        // The hour's rollup rows are keyed by branch: move the row's figures to its branch.
        if (this.db.getRowsModified() > 0) this.touchedHours.add(existing.hour);
      }
      return;
    }
    // /btw replays: the same message under another requestId, one copy a sidechain. Keep the main copy.
    if (e.requestId) {
      for (const { key: otherKey, hash } of this.keysForMessage(e.messageId)) {
        if (otherKey === key) continue;
        const other = this.lookup(otherKey, e.messageId, hash);
        if (!other || other.requestless || other.sidechain === e.isSidechain) continue;
        if (e.isSidechain) {
          counts.duplicates++;
          return;
        }
        for (const stmt of ['deleteRow', 'deleteIterations', 'deleteCall'] as const) this.statements()[stmt].run([other.id]);
        this.statements().deleteIdentity.run([messageHash(e.messageId), hash]);
        this.touchedHours.add(other.hour);
        this.forget(otherKey, other);
        counts.duplicates++;
      }
    }
    this.writeRow(key, rec, tools, null);
    counts.inserted++;
  }

  private writeRow(key: string, rec: IngestRecord, tools: string[], existingId: number | null): void {
    const e = rec.event;
    const u = e.usage;
    const projectId = this.projectId(rec.projectName, rec.projectPath);
    const sessionId = this.sessionId(e.sessionId, projectId, rec.source);
    const modelId = this.dictId('models', e.model);
    const toolsetId = this.dictId('toolsets', toolsetName(tools));
    let cost: number;
    let priced: number;
    let costKind = 0;
    // Cache economics only where the table priced the row (a logged cost or a free local call has none).
    let savingsE10 = 0;
    let premiumE10 = 0;
    if (rec.loggedCostUsd !== undefined && rec.loggedCostUsd !== null) {
      cost = rec.loggedCostUsd;
      priced = 1;
      costKind = 1;
    } else if (rec.executionMode === 'local') {
      cost = 0;
      priced = 1;
      costKind = 2;
    } else {
      const p = priceRequest(e.model, e.timestampMs, u, this.priceOverrides);
      cost = p.costUsd;
      priced = p.priced ? 1 : 0;
      savingsE10 = usdToE10(p.cacheSavingsUsd);
      premiumE10 = usdToE10(p.cacheWritePremiumUsd);
    }
    const iterations = u.iterations && u.iterations.length > 1 ? JSON.stringify(u.iterations) : null;
    const c = rec.call;
    const flags = packFlags({
      internal: rec.source === 'internal', local: rec.executionMode === 'local', sidechain: e.isSidechain, priced: priced === 1,
      placeholder: e.placeholder, forked: e.forked, requestless: !e.requestId, costKind,
    });
    const row = [
      flags, sessionId, projectId, modelId, toolsetId, e.timestampMs,
      u.inputTokens, u.outputTokens, u.cacheCreationTokens, u.cacheCreationTokens - u.cacheCreation1hTokens, u.cacheReadTokens, u.webSearchRequests,
      this.attrsId(u.speed, u.inferenceGeo, u.serviceTier, e.version), e.agentId ? this.dictId('agents', e.agentId) : null,
      cost, rec.fileId,
      c?.provider ? this.dictId('providers', c.provider) : null, c?.feature ? this.dictId('features', c.feature) : null,
      c && c.success !== null ? (c.success ? 1 : 0) : null, c?.durationMs ?? null,
      e.gitBranch ? this.dictId('branches', e.gitBranch) : null, savingsE10, premiumE10,
    ];
    const st = this.statements();
    let id: number;
    if (existingId === null) {
      id = this.nextId++;
      st.insert.run([id, ...row]);
      st.insertIdentity.run([messageHash(e.messageId), keyHash(e), id]);
    } else {
      id = existingId;
      st.update.run([...row, id]);
      st.deleteIterations.run([id]);
      st.deleteCall.run([id]);
    }
    if (iterations !== null) st.insertIterations.run([id, iterations]);
    const error = c?.errorMessage ? c.errorMessage.slice(0, 2000) : null;
    if (c) st.insertCall.run([id, e.requestId, c.ttftMs, c.initiator, c.workerId, error]);
    const hour = Math.floor(e.timestampMs / HOUR_MS);
    this.touchedHours.add(hour);
    this.remember(key, {
      id, hour, total: totalTokens(u), hasSpeed: e.hasSpeed, forked: e.forked, sidechain: e.isSidechain,
      messageId: e.messageId, requestless: !e.requestId, tools,
    });
  }

  /** The span [fromMs, toMs) of the hours touched since the last refreshRollups(); null when none. */
  touchedSpan(): { fromMs: number; toMs: number } | null {
    if (this.touchedHours.size === 0) return null;
    let lo = Infinity;
    let hi = -Infinity;
    for (const h of this.touchedHours) {
      if (h < lo) lo = h;
      if (h > hi) hi = h;
    }
    return { fromMs: lo * HOUR_MS, toMs: (hi + 1) * HOUR_MS };
  }

  /** Rebuilds rollup_hour for every hour touched since the last call. Returns the number of hours. */
  refreshRollups(): number {
    const hours = [...this.touchedHours].sort((a, b) => a - b);
    this.touchedHours.clear();
    if (this.indexesDropped) {
      // The first refresh of a bulk load: every stored row came from it, so the derived tables are built whole.
      this.db.run(REQUEST_INDEXES_SQL);
      this.indexesDropped = false;
      this.packIdentities();
      rebuildRollups(this.db, null);
      return hours.length;
    }
    if (hours.length === 0) return 0;
    rebuildRollups(this.db, hours);
    return hours.length;
  }
}

/** Re-prices every stored row priced from the table (logged costs are kept) and rebuilds the rollups. */
export function repriceAll(db: Database, overrides: PriceOverrides | undefined): number {
  const rows = selectAll<Record<string, number | string | null>>(
    db,
    `SELECT r.id, m.name AS model, r.ts, r.input_tokens, r.output_tokens, r.cache_creation_tokens, r.cache_creation_1h_tokens,
       r.cache_read_tokens, r.web_search_requests, a.speed, a.geo, a.service_tier, i.iterations_json
     FROM requests r JOIN models m ON m.id = r.model_id JOIN request_attrs a ON a.id = r.attrs_id
     LEFT JOIN request_iterations i ON i.request_id = r.id
     WHERE r.cost_kind = 0`,
  );
  const upd = db.prepare(`UPDATE requests SET cost_usd = ?, flags = (flags & ~${FLAG.unpriced}) | ?, cache_savings_e10 = ?,
    cache_write_premium_e10 = ? WHERE id = ?`);
  try {
    for (const r of rows) {
      const usage: UsageForPricing = {
        inputTokens: Number(r.input_tokens), outputTokens: Number(r.output_tokens),
        cacheCreationTokens: Number(r.cache_creation_tokens), cacheCreation1hTokens: Number(r.cache_creation_1h_tokens),
        cacheReadTokens: Number(r.cache_read_tokens), webSearchRequests: Number(r.web_search_requests),
        speed: r.speed as string | null, inferenceGeo: r.geo as string | null, serviceTier: r.service_tier as string | null,
        iterations: r.iterations_json ? JSON.parse(String(r.iterations_json)) : undefined,
      };
      const p = priceRequest(String(r.model), Number(r.ts), usage, overrides);
      upd.run([p.costUsd, p.priced ? 0 : FLAG.unpriced, usdToE10(p.cacheSavingsUsd), usdToE10(p.cacheWritePremiumUsd), Number(r.id)]);
    }
  } finally {
    upd.free();
  }
  rebuildRollups(db, null);
  return rows.length;
}

export function countRequests(db: Database): number {
  return Number(selectOne<{ n: number }>(db, 'SELECT count(*) AS n FROM requests')?.n ?? 0);
}
