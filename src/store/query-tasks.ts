/**
 * Async query tasks and SQL Runner queries. A task's status only moves forward
 * (added → running → complete | error | killed), each step a conditional update, so a kill and a
 * completion racing on two nodes settle on exactly one outcome.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import { idString, nowIso, parseId, parseJsonObject } from './context.ts';
import type { StoreContext } from './context.ts';
import { bool } from './schema.ts';
import type { QueryTasksTable, SqlQueriesTable } from './schema.ts';

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
  /** added → running; false when the task was killed first. */
  startTask(id: string, details: { sql: string | null; connection_name: string | null; dialect: string | null }): Promise<boolean>;
  /** running|added → complete|error with the result; false when it was killed meanwhile. */
  finishTask(id: string, outcome: { status: 'complete' | 'error'; result: string; content_type: string; message: string | null; runtime: number }): Promise<boolean>;
  /** Marks a task killed (and asks its node to cancel); false when it had already finished. */
  killTask(id: string): Promise<boolean>;
  /** Running tasks (all users, or one user's). */
  runningTasks(userId?: string): Promise<QueryTaskRecord[]>;
  /** Ids of this node's running tasks that another node asked to kill. */
  killRequests(nodeId: string): Promise<string[]>;
  /** Tasks of a node that died before finishing them become errors (called at start-up). */
  failOrphans(nodeId: string, message: string): Promise<number>;
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
  const repo: QueryTasksRepository = {
    async createTask(input) {
      const id = randomBytes(16).toString('hex');
      const userId = parseId(input.user_id);
      const queryId = parseId(input.query_id);
      if (userId === null || queryId === null) throw new Error('createTask needs integer user and query ids');
      await db.insertInto('query_tasks').values({
        id, user_id: userId, query_id: queryId, result_format: input.result_format, workspace_id: input.workspace_id,
        options: JSON.stringify(input.options), source: input.source, status: 'added', node_id: input.node_id, created_at: nowIso(ctx),
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

    async startTask(id, details) {
      const result = await db.updateTable('query_tasks').set({ status: 'running', started_at: nowIso(ctx), ...details })
        .where('id', '=', id).where('status', '=', 'added').executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async finishTask(id, outcome) {
      const result = await db.updateTable('query_tasks').set({ ...outcome, completed_at: nowIso(ctx) })
        .where('id', '=', id).where('status', 'in', ['added', 'running']).executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async killTask(id) {
      const result = await db.updateTable('query_tasks')
        .set({ status: 'killed', kill_requested: true, completed_at: nowIso(ctx), message: 'Query killed.' })
        .where('id', '=', id).where('status', 'in', ['added', 'running']).executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async runningTasks(userId) {
      let q = db.selectFrom('query_tasks').selectAll().where('status', 'in', ['added', 'running']);
      if (userId !== undefined) q = q.where('user_id', '=', parseId(userId) ?? -1);
      return (await q.orderBy('created_at').execute()).map(toTask);
    },

    async killRequests(nodeId) {
      const rows = await db.selectFrom('query_tasks').select('id').where('node_id', '=', nodeId)
        .where('kill_requested', '=', true).where('status', '=', 'killed')
        .where('completed_at', '>', new Date(ctx.now().getTime() - 60_000).toISOString()).execute();
      return rows.map((r) => r.id);
    },

    async failOrphans(nodeId, message) {
      const result = await db.updateTable('query_tasks').set({ status: 'error', message, completed_at: nowIso(ctx) })
        .where('node_id', '=', nodeId).where('status', 'in', ['added', 'running']).executeTakeFirst();
      return Number(result.numUpdatedRows);
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
