/**
 * The render queue in the metadata DB: any node may take any job. A task's status only moves
 * forward; every step after the claim is conditional on this node still holding the task, so a
 * deleted task (cancelled) or one another node took over after a lease ran out is left alone.
 *
 * Claiming: on PostgreSQL one `UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED)`, so nodes
 * polling at once never wait on each other; on SQLite (one node, one connection) a conditional
 * UPDATE of the oldest candidate. A lease longer than the render timeout marks a claim: a task
 * whose lease ran out belonged to a node that died; it is taken again until `maxAttempts`.
 */
import { randomBytes } from 'node:crypto';
import { sql, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import type { Database, Store } from '../store/index.ts';
import { parseJsonObject } from '../store/index.ts';
import { ACTIVE_STATUSES, RENDER_STATUSES, type RenderStatus, type RenderTables, type RenderTasksTable } from './tables.ts';

export type RenderFormat = 'pdf' | 'png' | 'jpg';

export interface RenderOptionsJson {
  readonly dashboard_filters?: string | null;
  readonly dashboard_style?: string | null;
  readonly pdf_paper_size?: string | null;
  readonly pdf_landscape?: boolean;
  readonly long_tables?: boolean;
  readonly theme?: string | null;
}

/** What a render is of: a dashboard (user-defined or LookML), one of its tiles, a look, a query. */
export type RenderTarget =
  | { readonly kind: 'dashboard'; readonly id: string }
  | { readonly kind: 'lookml_dashboard'; readonly id: string }
  | { readonly kind: 'dashboard_element'; readonly id: string }
  | { readonly kind: 'look'; readonly id: string }
  | { readonly kind: 'query'; readonly id: string };

/** One step of a task's life: the status it took and when. */
export interface StatusStep {
  readonly status: RenderStatus;
  readonly at: string;
}

export interface RenderTaskRecord {
  readonly id: string;
  readonly user_id: string;
  readonly result_format: RenderFormat;
  readonly width: number;
  readonly height: number;
  readonly target: RenderTarget;
  readonly options: RenderOptionsJson;
  readonly status: RenderStatus;
  readonly status_detail: string | null;
  readonly node_id: string | null;
  readonly lease_until: string | null;
  readonly attempts: number;
  readonly commits: Readonly<Record<string, string>> | null;
  readonly created_at: string;
  readonly started_at: string | null;
  readonly finalized_at: string | null;
  readonly query_runtime: number | null;
  readonly render_runtime: number | null;
  readonly runtime: number | null;
  /** Every status the task took, oldest first (a retried task shows its second `querying`). */
  readonly status_history: readonly StatusStep[];
}

export interface NewRenderTask {
  readonly userId: string;
  readonly format: RenderFormat;
  readonly width: number;
  readonly height: number;
  readonly target: RenderTarget;
  readonly options: RenderOptionsJson;
}

export interface RenderTimes {
  readonly query_runtime?: number | null;
  readonly render_runtime?: number | null;
  readonly runtime?: number | null;
}

type Db = Kysely<Database & RenderTables>;
type Row = Selectable<RenderTasksTable>;

function targetOf(row: Row): RenderTarget {
  if (row.dashboard_element_id !== null) return { kind: 'dashboard_element', id: row.dashboard_element_id };
  if (row.lookml_dashboard_id !== null) return { kind: 'lookml_dashboard', id: row.lookml_dashboard_id };
  if (row.dashboard_id !== null) return { kind: 'dashboard', id: row.dashboard_id };
  if (row.look_id !== null) return { kind: 'look', id: row.look_id };
  return { kind: 'query', id: row.query_id ?? '' };
}

function commitsOf(text: string | null): Record<string, string> | null {
  if (text === null) return null;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parseJsonObject(text))) if (typeof v === 'string') out[k] = v;
  return out;
}

const isStatus = (s: string): s is RenderStatus => (RENDER_STATUSES as readonly string[]).includes(s);

function historyOf(text: string | null): StatusStep[] {
  const out: StatusStep[] = [];
  for (const line of (text ?? '').split('\n')) {
    const [at = '', status = ''] = line.split(' ');
    if (isStatus(status)) out.push({ status, at });
  }
  return out;
}

function optionsOf(text: string): RenderOptionsJson {
  const o = parseJsonObject(text);
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return {
    dashboard_filters: str(o.dashboard_filters), dashboard_style: str(o.dashboard_style), pdf_paper_size: str(o.pdf_paper_size),
    pdf_landscape: o.pdf_landscape === true, long_tables: o.long_tables === true, theme: str(o.theme),
  };
}

function toRecord(row: Row): RenderTaskRecord {
  const format = row.result_format === 'pdf' || row.result_format === 'jpg' ? row.result_format : 'png';
  return {
    id: row.id, user_id: String(row.user_id), result_format: format, width: row.width, height: row.height,
    target: targetOf(row), options: optionsOf(row.options),
    status: row.status as RenderStatus, status_detail: row.status_detail, node_id: row.node_id, lease_until: row.lease_until,
    attempts: row.attempts, commits: commitsOf(row.commits), created_at: row.created_at, started_at: row.started_at,
    finalized_at: row.finalized_at, query_runtime: row.query_runtime, render_runtime: row.render_runtime, runtime: row.runtime,
    status_history: historyOf(row.status_history),
  };
}

export class RenderTaskStore {
  readonly #db: Db;
  readonly #dialect: Store['dialect'];
  readonly #now: () => Date;

  constructor(store: Pick<Store, 'db' | 'dialect' | 'now'>) {
    this.#db = store.db.withTables<RenderTables>();
    this.#dialect = store.dialect;
    this.#now = store.now;
  }

  #iso(offsetMs = 0): string {
    return new Date(this.#now().getTime() + offsetMs).toISOString();
  }

  /** `status_history` with `status` added (every write of a status goes through this). */
  #step(status: RenderStatus) {
    return sql<string>`coalesce(status_history, '') || ${`${this.#iso()} ${status}\n`}`;
  }

  async create(input: NewRenderTask): Promise<RenderTaskRecord> {
    const id = randomBytes(16).toString('hex');
    const t = input.target;
    await this.#db.insertInto('render_tasks').values({
      id, user_id: Number(input.userId), result_format: input.format, width: input.width, height: input.height,
      dashboard_id: t.kind === 'dashboard' ? t.id : null, lookml_dashboard_id: t.kind === 'lookml_dashboard' ? t.id : null,
      look_id: t.kind === 'look' ? t.id : null, query_id: t.kind === 'query' ? t.id : null,
      dashboard_element_id: t.kind === 'dashboard_element' ? t.id : null,
      options: JSON.stringify(input.options), status: 'enqueued_for_query', created_at: this.#iso(),
      status_history: `${this.#iso()} enqueued_for_query\n`,
    }).execute();
    const task = await this.get(id);
    if (!task) throw new Error('render task vanished after insert');
    return task;
  }

  async get(id: string): Promise<RenderTaskRecord | null> {
    const row = await this.#db.selectFrom('render_tasks').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  /** Tasks waiting for a node (the queue's length, for its bound). */
  async waiting(): Promise<number> {
    const row = await this.#db.selectFrom('render_tasks').select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('status', '=', 'enqueued_for_query').executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  #claimable(maxAttempts: number) {
    const now = this.#iso();
    return (eb: ExpressionBuilder<Database & RenderTables, 'render_tasks'>) => eb.or([
      eb('status', '=', 'enqueued_for_query'),
      eb.and([eb('status', 'in', ACTIVE_STATUSES), eb('lease_until', '<', now), eb('attempts', '<', maxAttempts)]),
    ]);
  }

  /** Takes the oldest waiting task (or one whose node died) for `nodeId`; null when there is none. */
  async claim(nodeId: string, leaseMs: number, maxAttempts: number): Promise<RenderTaskRecord | null> {
    const set = {
      status: 'querying', node_id: nodeId, lease_until: this.#iso(leaseMs), started_at: this.#iso(),
      attempts: sql<number>`attempts + 1`, status_detail: null, status_history: this.#step('querying'),
    } as const;
    if (this.#dialect === 'postgres') {
      const row = await this.#db.updateTable('render_tasks').set(set)
        .where('id', '=', (eb) => eb.selectFrom('render_tasks').select('id').where(this.#claimable(maxAttempts))
          .orderBy('created_at').orderBy('id').limit(1).forUpdate().skipLocked())
        .returningAll().executeTakeFirst();
      return row ? toRecord(row) : null;
    }
    const candidates = await this.#db.selectFrom('render_tasks').select('id').where(this.#claimable(maxAttempts))
      .orderBy('created_at').orderBy('id').limit(4).execute();
    for (const { id } of candidates) {
      const row = await this.#db.updateTable('render_tasks').set(set).where('id', '=', id).where(this.#claimable(maxAttempts))
        .returningAll().executeTakeFirst();
      if (row) return toRecord(row);
    }
    return null;
  }

  #mine(nodeId: string) {
    return (eb: ExpressionBuilder<Database & RenderTables, 'render_tasks'>) =>
      eb.and([eb('node_id', '=', nodeId), eb('status', 'in', ACTIVE_STATUSES)]);
  }

  /**
   * A step of a task this node holds (recorded in its history when the status changes); false when
   * it is no longer this node's (deleted, taken over).
   */
  async advance(id: string, nodeId: string, status: RenderStatus, patch: { commits?: Readonly<Record<string, string>>; query_runtime?: number } = {}): Promise<boolean> {
    const entry = `${this.#iso()} ${status}\n`;
    const result = await this.#db.updateTable('render_tasks').set({
      status, status_history: sql<string>`case when status = ${status} then status_history else coalesce(status_history, '') || ${entry} end`,
      ...(patch.commits ? { commits: JSON.stringify(patch.commits) } : {}),
      ...(patch.query_runtime === undefined ? {} : { query_runtime: patch.query_runtime }),
    }).where('id', '=', id).where(this.#mine(nodeId)).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Stores the bytes and marks the task a success, together; false when it was deleted meanwhile. */
  async succeed(id: string, nodeId: string, result: { contentType: string; bytes: Buffer; detail: string | null; times: RenderTimes }): Promise<boolean> {
    const now = this.#iso();
    return this.#db.transaction().execute(async (trx) => {
      const updated = await trx.updateTable('render_tasks').set({
        status: 'success', status_detail: result.detail, finalized_at: now, lease_until: null, status_history: this.#step('success'), ...result.times,
      }).where('id', '=', id).where(this.#mine(nodeId)).executeTakeFirst();
      if (updated.numUpdatedRows === 0n) return false;
      await trx.insertInto('render_results').values({ task_id: id, content_type: result.contentType, bytes: result.bytes, created_at: now }).execute();
      return true;
    });
  }

  /** Marks a task failed; `nodeId` null fails it whoever holds it (or nobody: still waiting). */
  async fail(id: string, nodeId: string | null, detail: string, times: RenderTimes = {}): Promise<boolean> {
    let q = this.#db.updateTable('render_tasks').set({
      status: 'failure', status_detail: detail, finalized_at: this.#iso(), lease_until: null, status_history: this.#step('failure'), ...times,
    })
      .where('id', '=', id);
    q = nodeId === null ? q.where('status', 'not in', ['success', 'failure']) : q.where(this.#mine(nodeId));
    const result = await q.executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /**
   * Puts a task this node holds back in the queue: after a browser crash (`countAttempt`), or on a
   * graceful shutdown (not the task's fault, so the attempt is given back).
   */
  async release(id: string, nodeId: string, countAttempt: boolean): Promise<boolean> {
    const result = await this.#db.updateTable('render_tasks').set({
      status: 'enqueued_for_query', node_id: null, lease_until: null, status_history: this.#step('enqueued_for_query'),
      ...(countAttempt ? {} : { attempts: sql<number>`attempts - 1` }),
    }).where('id', '=', id).where(this.#mine(nodeId)).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Deletes a task (and its result): a running render of it stops at its next check. */
  async delete(id: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('render_tasks').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /**
   * Extends this node's leases on `ids` (its heartbeat: a live node keeps its renders however long
   * they take, a dead one loses them a lease later) and returns those it still holds.
   */
  async renew(ids: readonly string[], nodeId: string, leaseMs: number): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    await this.#db.updateTable('render_tasks').set({ lease_until: this.#iso(leaseMs) }).where('id', 'in', ids).where(this.#mine(nodeId)).execute();
    return this.held(ids, nodeId);
  }

  /** Of `ids`, those this node still holds (the rest were deleted: their renders must stop). */
  async held(ids: readonly string[], nodeId: string): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.#db.selectFrom('render_tasks').select('id').where('id', 'in', ids).where(this.#mine(nodeId)).execute();
    return new Set(rows.map((r) => r.id));
  }

  async result(id: string): Promise<{ content_type: string; bytes: Buffer } | null> {
    const row = await this.#db.selectFrom('render_results').select(['content_type', 'bytes']).where('task_id', '=', id).executeTakeFirst();
    if (!row) return null;
    // libsql hands back an ArrayBuffer-backed Buffer or a Uint8Array depending on the path; pg a Buffer.
    const bytes: unknown = row.bytes;
    return { content_type: row.content_type, bytes: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes as Uint8Array) };
  }

  /**
   * Housekeeping any node may run: drops finished tasks older than `resultTtlMs` (with their
   * bytes), and fails active tasks whose node died after their last allowed attempt.
   */
  async sweep(resultTtlMs: number, maxAttempts: number): Promise<{ removed: number; orphaned: number }> {
    const removed = await this.#db.deleteFrom('render_tasks').where('status', 'in', ['success', 'failure'])
      .where('finalized_at', '<', this.#iso(-resultTtlMs)).executeTakeFirst();
    const orphaned = await this.#db.updateTable('render_tasks').set({
      status: 'failure', finalized_at: this.#iso(), lease_until: null, status_history: this.#step('failure'),
      status_detail: `The render was interrupted ${maxAttempts} time(s): the server rendering it stopped.`,
    }).where('status', 'in', ACTIVE_STATUSES).where('lease_until', '<', this.#iso()).where('attempts', '>=', maxAttempts).executeTakeFirst();
    return { removed: Number(removed.numDeletedRows), orphaned: Number(orphaned.numUpdatedRows) };
  }
}
