/**
 * Async query tasks (`/query_tasks…`) and running queries (`/running_queries…`): a task belongs to the
 * user who made it and runs in the workspace its token had when it was made.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { databaseErrorSummary, errorText } from '../../queries/formats/index.ts';
import { storedBody, type QueryTasks } from '../../queries/tasks.ts';
import type { QueryTaskRecord, Store } from '../../store/index.ts';
import { ApiError, validationFailed } from '../errors.ts';
import { registerLookerRoute } from '../route.ts';
import { formatOf } from './queries.ts';
import { callerOf } from './workspace-call.ts';

// `query` (QueryTask, RunningQueries) and RunningQueries' `sql_query` / `look` are objects the spec
// does not allow to be null: they are left out rather than sent as null.
function taskJson(t: QueryTaskRecord): Record<string, unknown> {
  const o = t.options;
  return {
    can: {}, id: t.id, query_id: t.query_id,
    generate_links: o.generate_drill_links === true, force_production: o.force_production === true,
    path_prefix: typeof o.path_prefix === 'string' ? o.path_prefix : null,
    cache: o.cache !== false, server_table_calcs: o.server_table_calcs === true, cache_only: o.cache_only === true, cache_key: null,
    status: t.status, source: t.source, runtime: t.runtime, rebuild_pdts: o.rebuild_pdts === true, result_source: null,
    look_id: null, dashboard_id: null, result_format: t.result_format,
  };
}

/**
 * The message of the 400 a failed task's results answer with (all formats but json_detail, per the
 * spec): the same text the synchronous run endpoints put in their error bodies. A database error
 * keeps only the database's message in `message` and stores its body with the summary line;
 * failures before the database ran (unknown query, node gone) stored their message alone.
 */
function taskErrorMessage(t: QueryTaskRecord): string {
  const detail = t.message ?? 'The query failed.';
  const summary = databaseErrorSummary(t.dialect ?? 'database');
  return (t.result ?? '').includes(summary) ? errorText({ message: summary, messageDetails: detail }) : detail;
}

/** What `multi_results` reports per task: parsed JSON for JSON formats, text otherwise. */
function multiEntry(t: QueryTaskRecord | undefined): Record<string, unknown> {
  // The spec's status for a task the caller may not see (or that does not exist).
  if (!t) return { status: 'missing' };
  if (t.status !== 'complete' && t.status !== 'error') return { status: t.status };
  const body = t.result ?? '';
  let data: unknown = body;
  if (t.content_type?.startsWith('application/json') === true) {
    try {
      data = JSON.parse(body);
    } catch {
      data = body;
    }
  }
  return { status: t.status, data };
}

export function registerQueryTaskRoutes(app: FastifyInstance, store: Store, tasks: QueryTasks): void {
  const own = async (request: FastifyRequest, id: string): Promise<QueryTaskRecord> => {
    const caller = callerOf(request);
    const task = await store.queryTasks.task(id);
    const isAdmin = request.auth?.permissions.has('see_queries') === true;
    if (!task || (task.user_id !== caller.userId && !isAdmin)) throw new ApiError('not_found', { message: `Query task ${id} not found.` });
    return task;
  };

  registerLookerRoute<{ Body: { query_id?: unknown; result_format?: unknown; source?: unknown; deferred?: unknown }; Querystring: Record<string, unknown> }>(app, {
    operationId: 'create_query_task',
    handler: async (request) => {
      const caller = callerOf(request, 'access_data');
      const { query_id: queryId, result_format: resultFormat, source, deferred } = request.body;
      if (typeof resultFormat !== 'string') throw validationFailed([{ field: 'result_format', code: 'missing_field', message: 'result_format is required.' }]);
      const format = formatOf(resultFormat);
      const id = typeof queryId === 'number' ? String(queryId) : queryId;
      const stored = typeof id === 'string' ? await store.queries.query(id) : null;
      // Tasks run later without the request, so the model-set check happens here.
      const model = stored === null ? null : (JSON.parse(stored.body) as { model: string }).model;
      if (typeof id !== 'string' || model === null || (caller.models !== undefined && !caller.models.has(model))) {
        throw validationFailed([{ field: 'query_id', code: 'invalid', message: `Query ${String(id)} not found.` }]);
      }
      const q = request.query;
      const flag = (k: string): boolean | undefined => (typeof q[k] === 'boolean' ? q[k] : undefined);
      const flagged = (k: string): Record<string, boolean> => {
        const v = flag(k);
        return v === undefined ? {} : { [k]: v };
      };
      const limit = q.limit;
      const pathPrefix = q.path_prefix;
      const task = await tasks.create(caller, {
        queryId: id, format, source: typeof source === 'string' ? source : null, deferred: deferred === true,
        flags: {
          ...(typeof limit === 'number' || typeof limit === 'string' ? { limit } : {}),
          ...flagged('apply_formatting'), ...flagged('apply_vis'), ...flagged('cache'), ...flagged('force_production'),
          ...flagged('generate_drill_links'), ...flagged('server_table_calcs'), ...flagged('rebuild_pdts'), ...flagged('cache_only'),
          ...(typeof pathPrefix === 'string' ? { path_prefix: pathPrefix } : {}),
        },
      });
      return taskJson(task);
    },
  });

  registerLookerRoute<{ Params: { query_task_id: string } }>(app, {
    operationId: 'query_task',
    handler: async (request) => taskJson(await own(request, request.params.query_task_id)),
  });

  registerLookerRoute<{ Params: { query_task_id: string } }>(app, {
    operationId: 'query_task_results',
    handler: async (request, reply) => {
      const task = await own(request, request.params.query_task_id);
      await tasks.touch([task]);
      if (task.status === 'added' || task.status === 'running') return reply.code(202).send();
      if (task.status === 'killed' || task.status === 'expired') {
        throw new ApiError('not_found', { message: `Query task ${task.id} was ${task.status}; it has no results.` });
      }
      // Only json_detail carries a database error in a 200 body; other formats only carry rows.
      if (task.status === 'error' && task.result_format !== 'json_detail') throw new ApiError('bad_request', { message: taskErrorMessage(task) });
      return reply.code(200).header('content-type', task.content_type ?? 'application/json').send(storedBody(task));
    },
  });

  // The spec's array parameter, coerced by the request validator: comma-separated (the SDK's
  // DelimArray), JSON text (the SDK's plain array), or the parameter repeated.
  registerLookerRoute<{ Querystring: { query_task_ids: string[] } }>(app, {
    operationId: 'query_task_multi_results',
    handler: async (request) => {
      const caller = callerOf(request);
      // A repeated parameter may itself hold comma-separated ids.
      const ids = [...new Set(request.query.query_task_ids.flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s !== ''))];
      if (ids.length === 0) throw validationFailed([{ field: 'query_task_ids', code: 'missing_field', message: "'query_task_ids' is required." }]);
      const isAdmin = request.auth?.permissions.has('see_queries') === true;
      const found = (await store.queryTasks.tasks(ids)).filter((t) => t.user_id === caller.userId || isAdmin);
      await tasks.touch(found);
      const byId = new Map(found.map((t) => [t.id, t]));
      return Object.fromEntries(ids.map((id) => [id, multiEntry(byId.get(id))]));
    },
  });

  registerLookerRoute(app, {
    operationId: 'all_running_queries',
    handler: async (request) => {
      const caller = callerOf(request);
      const all = request.auth?.permissions.has('see_queries') === true;
      const running = await store.queryTasks.runningTasks(all ? undefined : caller.userId);
      return running.map((t) => ({
        can: {}, id: t.id, user: { id: t.user_id },
        created_at: t.created_at, completed_at: t.completed_at, query_id: t.query_id, source: t.source, node_id: t.node_id,
        slug: null, query_task_id: t.id, cache_key: null, connection_name: t.connection_name, dialect: t.dialect,
        connection_id: t.connection_name, message: t.message, status: t.status,
        runtime: t.started_at === null ? null : (Date.now() - Date.parse(t.started_at)) / 1000, sql: t.sql, sql_interface_sql: null,
      }));
    },
  });

  registerLookerRoute<{ Params: { query_task_id: string } }>(app, {
    operationId: 'kill_query',
    handler: async (request, reply) => {
      const task = await own(request, request.params.query_task_id);
      // Looker answers 404 for a query that is no longer running (Spectacles ignores exactly that).
      if (!(await tasks.kill(task.id))) throw new ApiError('not_found', { message: `Query task ${task.id} is not running (status ${task.status}).` });
      return reply.code(204).send();
    },
  });
}
