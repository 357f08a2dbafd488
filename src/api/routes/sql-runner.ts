/**
 * SQL Runner (`/sql_queries…`): the one place raw SQL from a user reaches a database, as-is, on a
 * named connection (or the connection of a model in the caller's workspace). Needs `use_sql_runner`.
 */
import type { FastifyInstance } from 'fastify';
import { DriverError } from '../../connections/driver.ts';
import type { ConnectionManager } from '../../connections/manager.ts';
import { knownDialects } from '../../connections/registry.ts';
import { databaseErrorSummary, formatQueryError, formatResult, type FieldMeta, type ResultFormat } from '../../queries/formats/index.ts';
import type { SqlQueryRecord, Store } from '../../store/index.ts';
import type { Workspaces } from '../../workspaces/index.ts';
import { baseUrl } from '../core-routes.ts';
import { ApiError, validationFailed } from '../errors.ts';
import { registerLookerRoute } from '../route.ts';
import { formatOf } from './queries.ts';
import { callerOf, ws } from './workspace-call.ts';

/** The file extension of a downloaded answer, by result format. */
const DOWNLOAD_EXTENSIONS: Readonly<Record<ResultFormat, string>> = {
  json: 'json', json_detail: 'json', json_bi: 'json', inline_json: 'json', json_label: 'json',
  csv: 'csv', txt: 'txt', html: 'html', md: 'md', sql: 'sql', xlsx: 'xlsx',
};

function sqlQueryJson(q: SqlQueryRecord, base: string): Record<string, unknown> {
  return {
    can: { run: true, download: true, explore: false }, slug: q.slug, last_runtime: q.last_runtime, run_count: q.run_count,
    browser_limit: 5000, sql: q.sql, last_run_at: q.last_run_at,
    connection: { name: q.connection_name }, model_name: q.model_name, creator: q.user_id === null ? null : { id: q.user_id },
    explore_url: `${base}/sql/${q.slug}`, plaintext: false, vis_config: q.vis_config, result_maker_id: null,
  };
}

function columnMeta(name: string, sample: unknown): FieldMeta {
  const numeric = typeof sample === 'number';
  return {
    name, label: name, label_short: name, view: 'sql', view_label: 'SQL', category: 'dimension',
    type: numeric ? 'number' : 'string', is_numeric: numeric, value_format: null, sql: null, hidden: false,
  };
}

export function registerSqlRunnerRoutes(app: FastifyInstance, store: Store, workspaces: Workspaces, drivers: ConnectionManager, publicUrl: string | undefined): void {
  registerLookerRoute<{ Body: { connection_name?: unknown; connection_id?: unknown; model_name?: unknown; sql?: unknown; vis_config?: unknown } }>(app, {
    operationId: 'create_sql_query',
    handler: (request) => ws(async () => {
      const caller = callerOf(request, 'use_sql_runner');
      const body = request.body;
      if (typeof body.sql !== 'string' || body.sql.trim() === '') throw validationFailed([{ field: 'sql', code: 'missing_field', message: 'sql is required.' }]);
      let connectionName = typeof body.connection_name === 'string' ? body.connection_name : typeof body.connection_id === 'string' ? body.connection_id : null;
      const modelName = typeof body.model_name === 'string' ? body.model_name : null;
      if (connectionName === null && modelName !== null) {
        const m = await workspaces.model(caller, modelName);
        if (!m) throw new ApiError('not_found', { message: `Model "${modelName}" not found.` });
        connectionName = m.model.connection ?? null;
      }
      if (connectionName === null) throw validationFailed([{ field: 'connection_name', code: 'missing_field', message: 'connection_name or model_name is required.' }]);
      if (!(await store.connections.connection(connectionName))) {
        throw validationFailed([{ field: 'connection_name', code: 'invalid', message: `Connection "${connectionName}" not found.` }]);
      }
      const visConfig = typeof body.vis_config === 'object' && body.vis_config !== null && !Array.isArray(body.vis_config) ? body.vis_config as Record<string, unknown> : null;
      const created = await store.queryTasks.createSqlQuery({ connection_name: connectionName, model_name: modelName, sql: body.sql, vis_config: visConfig, user_id: caller.userId });
      return sqlQueryJson(created, baseUrl(request, publicUrl));
    }),
  });

  registerLookerRoute<{ Params: { slug: string } }>(app, {
    operationId: 'sql_query',
    handler: async (request) => {
      callerOf(request, 'use_sql_runner');
      const q = await store.queryTasks.sqlQuery(request.params.slug);
      if (!q) throw new ApiError('not_found', { message: `SQL query ${request.params.slug} not found.` });
      return sqlQueryJson(q, baseUrl(request, publicUrl));
    },
  });

  registerLookerRoute<{ Params: { slug: string; result_format: string }; Querystring: { download?: string } }>(app, {
    operationId: 'run_sql_query',
    handler: async (request, reply) => {
      callerOf(request, 'use_sql_runner');
      const format = formatOf(request.params.result_format);
      const q = await store.queryTasks.sqlQuery(request.params.slug);
      if (!q) throw new ApiError('not_found', { message: `SQL query ${request.params.slug} not found.` });
      // `download=true` (a string in the spec): an attachment named by the stored slug, never by raw input.
      if (request.query.download?.toLowerCase() === 'true') {
        void reply.header('content-disposition', `attachment; filename="sql_query_${q.slug}.${DOWNLOAD_EXTENSIONS[format]}"`);
      }
      const connection = await store.connections.connection(q.connection_name);
      if (!connection) throw new ApiError('not_found', { message: `Connection "${q.connection_name}" not found.` });
      if (format === 'sql') return reply.code(200).header('content-type', 'application/sql').send(q.sql);
      if (!knownDialects().includes(connection.dialect_name)) throw new ApiError('bad_request', { message: `Overlook cannot run SQL on ${connection.dialect_name} connections (no driver).` });
      const started = performance.now();
      try {
        const result = await drivers.driver(connection).run(q.sql, { timeoutMs: 3600_000 });
        const runtime = (performance.now() - started) / 1000;
        await store.queryTasks.recordSqlQueryRun(q.slug, runtime);
        const fields = result.columns.map((c) => columnMeta(c, result.rows.find((r) => r[c] !== null)?.[c]));
        const out = await formatResult(format, {
          fields, rows: result.rows, sql: q.sql, runtimeSeconds: runtime,
          query: { model: q.model_name ?? '', view: 'sql', fields: result.columns },
        });
        return await reply.code(out.status).header('content-type', out.contentType).send(out.body);
      } catch (error) {
        if (!(error instanceof DriverError)) throw error;
        const out = formatQueryError(format, { message: databaseErrorSummary(connection.dialect_name), messageDetails: error.message, sql: q.sql });
        return reply.code(out.status).header('content-type', out.contentType).send(out.body);
      }
    },
  });
}
