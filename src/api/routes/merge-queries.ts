/**
 * Merged results (`/merge_queries…`): `create_merge_query` (validated against the source queries,
 * de-duplicated by content) and `merge_query`, plus two Overlook extensions, because Looker's API
 * has no call that runs a merge query (its UI does it internally):
 * - `GET /merge_queries/{merge_query_id}/run/{result_format}` runs one;
 * - `GET /dashboard_elements/{dashboard_element_id}/run/{result_format}` runs any tile with the
 *   dashboard's filters applied: a merged-results tile (`merge_result_id`) by running its merge
 *   query, a query or look tile by running its query. The web UI can call it for every tile.
 * Source queries run in the caller's workspace through the ordinary query runner.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ContentAccess } from '../../content/access.ts';
import { elementQueryWithFilters, listenForQuery, parseDashboardFilters, resolveFilterValues } from '../../content/dashboards-logic.ts';
import { DashboardParts } from '../../content/dashboards-parts.ts';
import { Dashboards } from '../../content/dashboards.ts';
import { Folders } from '../../content/folders.ts';
import type { CanonicalQuery } from '../../queries/canonical.ts';
import { runFormatted, type RunFlags } from '../../queries/execute.ts';
import type { ResultFormat } from '../../queries/formats/index.ts';
import { formatMerge, runMerge } from '../../queries/merge-run.ts';
import { mergeQuery, saveMergeQuery, type MergeQueryRecord } from '../../queries/merge-store.ts';
import { mergeInput, mergeProblems, type MergeDefinition } from '../../queries/merge.ts';
import type { QueryRunner } from '../../queries/runner.ts';
import type { QueryRecord, Store } from '../../store/index.ts';
import type { Caller, Workspaces } from '../../workspaces/index.ts';
import { baseUrl } from '../core-routes.ts';
import { ApiError, validationFailed } from '../errors.ts';
import { EXTENSION_TAG } from '../openapi.ts';
import { registerLookerRoute } from '../route.ts';
import { lookerSpec, specOperation, type OasParameter, type OasSchema, type SpecOperation } from '../spec.ts';
import { content } from './content-call.ts';
import { readPermission, whoOf } from './dashboards-context.ts';
import { describeWith, formatOf, runError } from './queries.ts';
import { callerOf, ws } from './workspace-call.ts';

const RUN_FLAGS: OasParameter[] = [
  { name: 'apply_formatting', in: 'query', required: false, schema: { type: 'boolean' }, description: 'Apply model-specified formatting to each result.' },
  { name: 'apply_vis', in: 'query', required: false, schema: { type: 'boolean' }, description: 'Accepted and ignored (no visualization settings are applied).' },
  { name: 'cache', in: 'query', required: false, schema: { type: 'boolean' }, description: 'Get results from cache if available.' },
  { name: 'force_production', in: 'query', required: false, schema: { type: 'boolean' }, description: 'Run the source queries with production models even from a development session.' },
];

const runResponses = (): SpecOperation['operation']['responses'] => specOperation('run_query').operation.responses;

export const MERGE_RUN_OPERATION: SpecOperation = {
  operationId: 'overlook_run_merge_query',
  method: 'GET',
  specPath: '/merge_queries/{merge_query_id}/run/{result_format}',
  operation: {
    operationId: 'overlook_run_merge_query',
    tags: [EXTENSION_TAG],
    summary: 'Run a merge query',
    description: 'Runs every source query of the merge query in the caller\'s workspace, left-joins the other results onto the first '
      + '(primary) one on their merge fields, then applies the merge query\'s sorts, pivots, limit and column_limit. '
      + 'Answers in any result format run_query offers, with the merged columns as fields. A database error of a source query is '
      + 'reported inside the result, as run_query does.',
    parameters: [
      { name: 'merge_query_id', in: 'path', required: true, schema: { type: 'string' }, description: 'Merge Query Id' },
      { name: 'result_format', in: 'path', required: true, schema: { type: 'string' }, description: 'Format of result' },
      ...RUN_FLAGS,
    ],
    get responses() { return runResponses(); },
  },
};

export const ELEMENT_RUN_OPERATION: SpecOperation = {
  operationId: 'overlook_run_dashboard_element',
  method: 'GET',
  specPath: '/dashboard_elements/{dashboard_element_id}/run/{result_format}',
  operation: {
    operationId: 'overlook_run_dashboard_element',
    tags: [EXTENSION_TAG],
    summary: 'Run a dashboard element with the dashboard filters applied',
    description: 'Runs what the tile shows: a merged-results tile (merge_result_id) runs its merge query, each source query filtered by '
      + 'the tile\'s listen entries that concern it (field of the source\'s explore, or one of its fields or filters); a query or look '
      + 'tile runs its query with the dashboard filters applied (as overlook_dashboard_element_query + run_query). '
      + 'Filter values: each filter\'s default, replaced by `dashboard_filters`.',
    parameters: [
      { name: 'dashboard_element_id', in: 'path', required: true, schema: { type: 'string' }, description: 'Id of dashboard element' },
      { name: 'result_format', in: 'path', required: true, schema: { type: 'string' }, description: 'Format of result' },
      {
        name: 'dashboard_filters', in: 'query', required: false, schema: { type: 'string' },
        description: 'Filter values by dashboard filter name, in URL query format (`Date=last 7 days&Country=US`), as render tasks take them',
      },
      ...RUN_FLAGS,
    ],
    get responses() { return runResponses(); },
  },
};

/** MergeQuery as a request body, except that `vis_config` takes any JSON values (as Query's does). */
function bodySchema(): OasSchema {
  const merge = lookerSpec().components.schemas.MergeQuery;
  if (!merge?.properties) throw new Error('MergeQuery schema missing from the Looker spec');
  return { ...merge, properties: { ...merge.properties, vis_config: { type: 'object', additionalProperties: {}, nullable: true } } };
}

function mergeQueryJson(record: MergeQueryRecord, slugs: ReadonlyMap<string, string>): Record<string, unknown> {
  const d = record.definition;
  return {
    can: { show: true, create: true, run: true },
    column_limit: d.column_limit,
    dynamic_fields: d.dynamic_fields,
    id: record.id,
    pivots: d.pivots,
    result_maker_id: record.result_maker_id,
    sorts: d.sorts,
    source_queries: d.source_queries.map((s) => ({
      merge_fields: s.merge_fields.map((m) => ({ field_name: m.field_name, source_field_name: m.source_field_name })),
      name: s.name,
      query_id: s.query_id,
      query_slug: slugs.get(s.query_id) ?? null,
    })),
    total: d.total,
    limit: d.limit,
    vis_config: d.vis_config,
  };
}

/** The source queries' records, in order (null where one no longer exists). */
async function sourceRecords(store: Store, definition: MergeDefinition): Promise<(QueryRecord | null)[]> {
  return Promise.all(definition.source_queries.map((s) => store.queries.query(s.query_id)));
}

function slugMap(records: readonly (QueryRecord | null)[]): Map<string, string> {
  return new Map(records.filter((r): r is QueryRecord => r !== null).map((r) => [r.id, r.slug]));
}

/** The listen entries of a merged tile that concern one source query. */
export function registerMergeQueryRoutes(app: FastifyInstance, store: Store, workspaces: Workspaces, runner: QueryRunner, publicUrl: string | undefined): void {
  const access = new ContentAccess(store);
  const parts = new DashboardParts(new Dashboards(store, access, new Folders(store, access), workspaces));

  /** The client went away: cancel the source statements instead of finishing them for nobody. */
  const abortOnClose = (reply: FastifyReply): AbortSignal => {
    const controller = new AbortController();
    reply.raw.once('close', () => { if (!reply.raw.writableFinished) controller.abort(); });
    return controller.signal;
  };

  const runMerged = async (
    request: FastifyRequest, reply: FastifyReply, caller: Caller, record: MergeQueryRecord, format: ResultFormat, flags: RunFlags,
    filter: (query: CanonicalQuery) => CanonicalQuery = (q) => q,
  ): Promise<FastifyReply> => {
    const records = await sourceRecords(store, record.definition);
    const queries = records.map((r, i) => {
      if (!r) throw new ApiError('not_found', { message: `Query ${record.definition.source_queries[i]?.query_id ?? ''} of merge query ${record.id} not found.` });
      return filter(JSON.parse(r.body) as CanonicalQuery);
    });
    const signal = format === 'sql' ? undefined : abortOnClose(reply);
    try {
      const result = await ws(() => runMerge(runner, caller, record.definition, queries, {
        cache: flags.cache !== false, forceProduction: flags.force_production === true, sqlOnly: format === 'sql', ...(signal ? { signal } : {}),
      }));
      const formatted = await formatMerge(format, record.definition, result, describeWith(baseUrl(request, publicUrl)), flags);
      return await reply.code(formatted.status).header('content-type', formatted.contentType).send(formatted.body);
    } catch (e) {
      throw runError(e);
    }
  };

  registerLookerRoute<{ Body: unknown }>(app, {
    operationId: 'create_merge_query',
    numbersAsStrings: true,
    schema: { body: bodySchema() },
    handler: async (request) => {
      callerOf(request, 'access_data');
      const body = typeof request.body === 'object' && request.body !== null && !Array.isArray(request.body) ? request.body as Record<string, unknown> : {};
      const parsed = mergeInput(body);
      if ('problems' in parsed) throw validationFailed(parsed.problems);
      const { input } = parsed;
      const records = await Promise.all(input.source_queries.map((s) => (s.query_id !== null ? store.queries.query(s.query_id) : store.queries.queryBySlug(s.query_slug ?? ''))));
      const definition: MergeDefinition = {
        ...input,
        source_queries: input.source_queries.map((s, i) => ({
          query_id: records[i]?.id ?? s.query_id ?? s.query_slug ?? '', name: s.name, merge_fields: s.merge_fields,
        })),
      };
      const problems = mergeProblems(definition, records.map((r) => (r ? JSON.parse(r.body) as CanonicalQuery : null)));
      if (problems.length > 0) throw validationFailed(problems);
      return mergeQueryJson(await saveMergeQuery(store, definition), slugMap(records));
    },
  });

  registerLookerRoute<{ Params: { merge_query_id: string } }>(app, {
    operationId: 'merge_query',
    handler: async (request) => {
      callerOf(request, 'access_data');
      const record = await mergeQuery(store, request.params.merge_query_id);
      if (!record) throw new ApiError('not_found', { message: `Merge query ${request.params.merge_query_id} not found.` });
      return mergeQueryJson(record, slugMap(await sourceRecords(store, record.definition)));
    },
  });

  registerLookerRoute<{ Params: { merge_query_id: string; result_format: string }; Querystring: RunFlags }>(app, {
    operationId: MERGE_RUN_OPERATION.operationId,
    extension: MERGE_RUN_OPERATION,
    handler: async (request, reply) => {
      const format = formatOf(request.params.result_format);
      const caller = callerOf(request, 'access_data');
      const record = await mergeQuery(store, request.params.merge_query_id);
      if (!record) throw new ApiError('not_found', { message: `Merge query ${request.params.merge_query_id} not found.` });
      return runMerged(request, reply, caller, record, format, request.query);
    },
  });

  registerLookerRoute<{ Params: { dashboard_element_id: string; result_format: string }; Querystring: RunFlags & { dashboard_filters?: string } }>(app, {
    operationId: ELEMENT_RUN_OPERATION.operationId,
    extension: ELEMENT_RUN_OPERATION,
    handler: async (request, reply) => {
      const format = formatOf(request.params.result_format);
      const id = request.params.dashboard_element_id;
      whoOf(request, 'access_data');
      const who = whoOf(request, readPermission(id));
      const given = parseDashboardFilters(request.query.dashboard_filters);
      const { detail, element } = await content(() => parts.element(who, id));
      const mergeId = element.record.attrs.merge_result_id;
      if (typeof mergeId === 'string' && mergeId !== '' && element.record.query_id === null && element.record.look_id === null) {
        const record = await mergeQuery(store, mergeId);
        if (!record) throw new ApiError('not_found', { message: `Merge query ${mergeId} of dashboard element ${id} not found.` });
        const values = resolveFilterValues(detail.filters.map((f) => ({
          name: f.name, default_value: typeof f.attrs.default_value === 'string' ? f.attrs.default_value : null,
        })), given);
        return runMerged(request, reply, who, record, format, request.query, (q) => elementQueryWithFilters({ query: q, listen: listenForQuery(q, element.listen) }, values));
      }
      const { query } = await content(() => parts.elementQuery(who, id, given));
      const signal = format === 'sql' ? undefined : abortOnClose(reply);
      try {
        const { formatted } = await ws(() => runFormatted(runner, who, query, format, request.query, describeWith(baseUrl(request, publicUrl)), signal));
        return await reply.code(formatted.status).header('content-type', formatted.contentType).send(formatted.body);
      } catch (e) {
        throw runError(e);
      }
    },
  });
}
