/**
 * Async query tasks and SQL Runner queries. A task's status only moves forward
 * (added → running → complete | error | killed), each step a conditional update, so a kill and a
 * completion racing on two nodes settle on exactly one outcome.
 *
 * A node runs a task while it holds it: `node_id` is that node and `lease_until` (extended by its
 * heartbeats) has not passed. A lapsed lease means the node died: another node takes the task
 * (`claim`, counting `attempts`) and every later step of the old node, conditional on `node_id`,
 * finds the task no longer its own, so a result is written once, by the holder. An `added` task
 * without a lease is a deferred one: nobody takes it until its results are asked for.
 *
 * Claiming the next task: on PostgreSQL one `UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP
 * LOCKED)`, so nodes polling at once never wait on each other nor take the same task; on SQLite
 * (one node) a conditional UPDATE of the oldest candidates.
 */
import { randomBytes } from 'node:crypto';
import { sql, type ExpressionBuilder, type Selectable } from 'kysely';
import { idString, nowIso, parseId, parseJsonObject } from './context.ts';
import type { StoreContext } from './context.ts';
import { bool } from './schema.ts';
import type { Database, QueryTasksTable, SqlQueriesTable } from './schema.ts';

export type QueryTaskStatus = 'added' | 'running' | 'complete' | 'error' | 'killed' | 'expired';

export interface QueryTaskRecord {
  readonly id: string;
  readonly user_id: string;
  readonly query_id: string;
  readonly result_format: string;
  readonly workspace_id: 'production' | 'dev';
  readonly options: Readonly<Record<string, unknown>>;
  readonly source: string | null;
  readonly status: QueryTaskStatus;
  readonly node_id: string;
  readonly lease_until: string | null;
  readonly attempts: number;
  readonly kill_requested: boolean;
  readonly sql: string | null;
  readonly connection_name: string | null;
  readonly dialect: string | null;
  readonly result: string | null;
  readonly content_type: string | null;
  readonly message: string | null;
  readonly runtime: number | null;
  readonly created_at: string;
  readonly started_at: string | null;
  readonly completed_at: string | null;
}

export interface NewQueryTask {
  readonly user_id: string;
  readonly query_id: string;
  readonly result_format: string;
  readonly workspace_id: 'production' | 'dev';
  readonly options: Readonly<Record<string, unknown>>;
  readonly source: string | null;
  readonly node_id: string;
  /** Held by `node_id` from the start for this long (it runs there at once); null: deferred, nobody holds it until asked for. */
  readonly lease_ms: number | null;
}

export interface QueryTaskOutcome {
  readonly status: 'complete' | 'error';
  readonly result: string;
  readonly content_type: string;
  readonly message: string | null;
  readonly runtime: number | null;
}

export interface SqlQueryRecord {
  readonly slug: string;
  readonly connection_name: string;
  readonly model_name: string | null;
  readonly sql: string;
  readonly vis_config: Readonly<Record<string, unknown>> | null;
  readonly user_id: string | null;
  readonly run_count: number;
  readonly last_run_at: string | null;
  readonly last_runtime: number | null;
  readonly created_at: string;
}

export interface QueryTasksRepository {
  createTask(input: NewQueryTask): Promise<QueryTaskRecord>;
  task(id: string): Promise<QueryTaskRecord | null>;
  tasks(ids: readonly string[]): Promise<QueryTaskRecord[]>;
  /**
   * Takes a task for `nodeId` until `leaseMs` from now, counting an attempt. `{ id }`: that task,
   * if nobody holds it (a deferred task first asked for, or one whose node died); `'next'`: the
   * oldest task whose node died. Null when there is none (held, finished, or out of attempts).
   */
  claim(which: { readonly id: string } | 'next', nodeId: string, leaseMs: number, maxAttempts: number): Promise<QueryTaskRecord | null>;
  /** Extends the leases of the tasks of `ids` `nodeId` still holds, and returns those. */
  heartbeat(ids: readonly string[], nodeId: string, leaseMs: number): Promise<Set<string>>;
  /** Of `ids`, those `nodeId` still holds (the others were killed or taken over: their statements must stop). */
  held(ids: readonly string[], nodeId: string): Promise<Set<string>>;
  /** Unfinished tasks whose node died after their last allowed attempt (oldest first). */
  exhausted(maxAttempts: number, limit?: number): Promise<QueryTaskRecord[]>;
  /** Ends such a task with `outcome`; false when it was meanwhile finished, killed or taken. */
  failExhausted(id: string, maxAttempts: number, outcome: QueryTaskOutcome): Promise<boolean>;
  /** added|running → running, held by `nodeId`; false when it was killed or taken over first. */
  startTask(id: string, nodeId: string, details: { sql: string | null; connection_name: string | null; dialect: string | null }): Promise<boolean>;
  /** → complete|error with the result, by the node holding it; false when it was killed or taken over meanwhile. */
  finishTask(id: string, nodeId: string, outcome: QueryTaskOutcome): Promise<boolean>;
  /** Marks a task killed (its node sees it no longer holds it and cancels); false when it had already finished. */
  killTask(id: string): Promise<boolean>;
  /** Running tasks (all users, or one user's). */
  runningTasks(userId?: string): Promise<QueryTaskRecord[]>;
  /** Drops finished tasks created before `before` (ISO time). */
  deleteTasksBefore(before: string): Promise<number>;

  createSqlQuery(input: { connection_name: string; model_name: string | null; sql: string; vis_config: Readonly<Record<string, unknown>> | null; user_id: string | null }): Promise<SqlQueryRecord>;
  sqlQuery(slug: string): Promise<SqlQueryRecord | null>;
  recordSqlQueryRun(slug: string, runtime: number): Promise<void>;
}

function parseObject(text: string | null): Record<string, unknown> | null {
  return text === null ? null : parseJsonObject(text);
}

function toTask(row: Selectable<QueryTasksTable>): QueryTaskRecord {
  return {
    ...row,
    user_id: idString(row.user_id),
    query_id: idString(row.query_id),
    workspace_id: row.workspace_id === 'dev' ? 'dev' : 'production',
    options: parseObject(row.options) ?? {},
    status: row.status as QueryTaskStatus,
    kill_requested: bool(row.kill_requested),
    runtime: row.runtime,
  };
}

type TaskExpression = ExpressionBuilder<Database, 'query_tasks'>;
const ACTIVE = ['added', 'running'];

/** An unfinished task whose holder's lease ran out (or a running one from before leases existed). */
function lapsed(eb: TaskExpression, now: string) {
  return eb.and([
    eb('status', 'in', ACTIVE),
    eb.or([eb('lease_until', '<', now), eb.and([eb('status', '=', 'running'), eb('lease_until', 'is', null)])]),
  ]);
}

function claimable(which: { readonly id: string } | 'next', now: string, maxAttempts: number) {
  return (eb: TaskExpression) => eb.and([
    eb('attempts', '<', maxAttempts),
    which === 'next' ? lapsed(eb, now)
      : eb.and([eb('id', '=', which.id), eb.or([lapsed(eb, now), eb.and([eb('status', '=', 'added'), eb('lease_until', 'is', null)])])]),
  ]);
}

function mine(nodeId: string) {
  return (eb: TaskExpression) => eb.and([eb('node_id', '=', nodeId), eb('status', 'in', ACTIVE)]);
}

function toSqlQuery(row: Selectable<SqlQueriesTable>): SqlQueryRecord {
  return {
    ...row,
    vis_config: parseObject(row.vis_config),
    user_id: row.user_id === null ? null : idString(row.user_id),
    last_runtime: row.last_runtime,
  };
}

const SLUG_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function queryTasksRepository(ctx: StoreContext): QueryTasksRepository {
  const db = ctx.db;
  const iso = (offsetMs: number): string => new Date(ctx.now().getTime() + offsetMs).toISOString();
  const repo: QueryTasksRepository = {
    async createTask(input) {
      const id = randomBytes(16).toString('hex');
      const userId = parseId(input.user_id);
      const queryId = parseId(input.query_id);
      if (userId === null || queryId === null) throw new Error('createTask needs integer user and query ids');
      await db.insertInto('query_tasks').values({
        id, user_id: userId, query_id: queryId, result_format: input.result_format, workspace_id: input.workspace_id,
        options: JSON.stringify(input.options), source: input.source, status: 'added', node_id: input.node_id, created_at: nowIso(ctx),
        ...(input.lease_ms === null ? {} : { lease_until: iso(input.lease_ms), attempts: 1 }),
      }).execute();
      const task = await repo.task(id);
      if (!task) throw new Error('query task vanished after insert');
      return task;
    },

    async task(id) {
      const row = await db.selectFrom('query_tasks').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toTask(row) : null;
    },

    async tasks(ids) {
      if (ids.length === 0) return [];
      const rows = await db.selectFrom('query_tasks').selectAll().where('id', 'in', ids).execute();
      return rows.map(toTask);
    },

    async claim(which, nodeId, leaseMs, maxAttempts) {
      const now = nowIso(ctx);
      const set = { node_id: nodeId, lease_until: iso(leaseMs), attempts: sql<number>`attempts + 1` };
      if (which !== 'next') {
        const row = await db.updateTable('query_tasks').set(set).where(claimable(which, now, maxAttempts)).returningAll().executeTakeFirst();
        return row ? toTask(row) : null;
      }
      if (ctx.dialect === 'postgres') {
        const row = await db.updateTable('query_tasks').set(set)
          .where('id', '=', (eb) => eb.selectFrom('query_tasks').select('id').where(claimable('next', now, maxAttempts))
            .orderBy('created_at').orderBy('id').limit(1).forUpdate().skipLocked())
          .where(claimable('next', now, maxAttempts))
          .returningAll().executeTakeFirst();
        return row ? toTask(row) : null;
      }
      const candidates = await db.selectFrom('query_tasks').select('id').where(claimable('next', now, maxAttempts))
        .orderBy('created_at').orderBy('id').limit(4).execute();
      for (const { id } of candidates) {
        const row = await db.updateTable('query_tasks').set(set).where(claimable({ id }, now, maxAttempts)).returningAll().executeTakeFirst();
        if (row) return toTask(row);
      }
      return null;
    },

    async heartbeat(ids, nodeId, leaseMs) {
      if (ids.length === 0) return new Set();
      const rows = await db.updateTable('query_tasks').set({ lease_until: iso(leaseMs) })
        .where('id', 'in', ids).where(mine(nodeId)).returning('id').execute();
      return new Set(rows.map((r) => r.id));
    },

    async held(ids, nodeId) {
      if (ids.length === 0) return new Set();
      const rows = await db.selectFrom('query_tasks').select('id').where('id', 'in', ids).where(mine(nodeId)).execute();
      return new Set(rows.map((r) => r.id));
    },

    async exhausted(maxAttempts, limit = 100) {
      const rows = await db.selectFrom('query_tasks').selectAll().where((eb) => lapsed(eb, nowIso(ctx)))
        .where('attempts', '>=', maxAttempts).orderBy('created_at').orderBy('id').limit(limit).execute();
      return rows.map(toTask);
    },

    async failExhausted(id, maxAttempts, outcome) {
      const now = nowIso(ctx);
      const result = await db.updateTable('query_tasks').set({ ...outcome, completed_at: now, lease_until: null })
        .where('id', '=', id).where((eb) => lapsed(eb, now)).where('attempts', '>=', maxAttempts).executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async startTask(id, nodeId, details) {
      const result = await db.updateTable('query_tasks').set({ status: 'running', started_at: nowIso(ctx), ...details })
        .where('id', '=', id).where(mine(nodeId)).executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async finishTask(id, nodeId, outcome) {
      const result = await db.updateTable('query_tasks').set({ ...outcome, completed_at: nowIso(ctx), lease_until: null })
        .where('id', '=', id).where(mine(nodeId)).executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async killTask(id) {
      const result = await db.updateTable('query_tasks')
        .set({ status: 'killed', kill_requested: true, completed_at: nowIso(ctx), message: 'Query killed.', lease_until: null })
        .where('id', '=', id).where('status', 'in', ['added', 'running']).executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async runningTasks(userId) {
      let q = db.selectFrom('query_tasks').selectAll().where('status', 'in', ['added', 'running']);
      if (userId !== undefined) q = q.where('user_id', '=', parseId(userId) ?? -1);
      return (await q.orderBy('created_at').execute()).map(toTask);
    },

    async deleteTasksBefore(before) {
      const result = await db.deleteFrom('query_tasks').where('created_at', '<', before)
        .where('status', 'not in', ['added', 'running']).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async createSqlQuery(input) {
      const slug = [...randomBytes(10)].map((b) => SLUG_ALPHABET[b % SLUG_ALPHABET.length]).join('');
      await db.insertInto('sql_queries').values({
        slug, connection_name: input.connection_name, model_name: input.model_name, sql: input.sql,
        vis_config: input.vis_config === null ? null : JSON.stringify(input.vis_config),
        user_id: input.user_id === null ? null : parseId(input.user_id), created_at: nowIso(ctx),
      }).execute();
      const created = await repo.sqlQuery(slug);
      if (!created) throw new Error('sql query vanished after insert');
      return created;
    },

    async sqlQuery(slug) {
      const row = await db.selectFrom('sql_queries').selectAll().where('slug', '=', slug).executeTakeFirst();
      return row ? toSqlQuery(row) : null;
    },

    async recordSqlQueryRun(slug, runtime) {
      await db.updateTable('sql_queries').set({ run_count: sql<number>`run_count + 1`, last_run_at: nowIso(ctx), last_runtime: runtime })
        .where('slug', '=', slug).execute();
    },
  };
  return repo;
}
