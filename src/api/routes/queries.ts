/**
 * Query objects and running them (`/queries…`): create/read (de-duplicated by content), run a saved
 * query, run an inline one, run a URL-encoded one — in the caller's workspace, in any of Looker's
 * result formats. Database failures come back inside the result (Looker's shapes), not as 5xx.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Cancellation } from '../../connections/run-control.ts';
import { canonicalQuery, type CanonicalQuery } from '../../queries/canonical.ts';
import { runFormatted, type DescribeFields, type RunFlags } from '../../queries/execute.ts';
import { isResultFormat, RESULT_FORMATS, type ResultFormat } from '../../queries/formats/index.ts';
import { QueryRunError, type QueryRunner } from '../../queries/runner.ts';
import type { QueryRecord, Store } from '../../store/index.ts';
import type { Caller } from '../../workspaces/index.ts';
import { baseUrl } from '../core-routes.ts';
import { ApiError, validationFailed } from '../errors.ts';
import { resultFieldsJson } from '../presenters/lookml-explore.ts';
import { deepFreeze, installBodyMemo, isShared } from '../body-memo.ts';
import { registerLookerRoute } from '../route.ts';
import { callerOf, workspaceToApiError } from './workspace-call.ts';

/** Canonical queries of shared (memoized, frozen) bodies: the same body always gives the same query. */
const canonicalOfShared = new WeakMap<object, CanonicalQuery>();

export function parseQuery(body: unknown): CanonicalQuery {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError('body_required');
  const shared = isShared(body);
  const known = shared ? canonicalOfShared.get(body) : undefined;
  if (known !== undefined) return known;
  const parsed = canonicalQuery(body as Record<string, unknown>);
  if ('problems' in parsed) throw validationFailed(parsed.problems.map((p) => ({ field: p.field, code: 'invalid', message: p.message })));
  if (shared) canonicalOfShared.set(body, deepFreeze(parsed.query));
  return parsed.query;
}

function exploreUrl(q: CanonicalQuery): string {
  const params = new URLSearchParams();
  if (q.fields.length > 0) params.set('fields', q.fields.join(','));
  for (const [k, v] of Object.entries(q.filters ?? {})) params.set(`f[${k}]`, v);
  if (q.sorts && q.sorts.length > 0) params.set('sorts', q.sorts.join(','));
  if (q.pivots && q.pivots.length > 0) params.set('pivots', q.pivots.join(','));
  if (q.limit !== null) params.set('limit', q.limit);
  if (q.column_limit !== null) params.set('column_limit', q.column_limit);
  if (q.total) params.set('total', 'on');
  if (q.query_timezone !== null) params.set('query_timezone', q.query_timezone);
  if (q.filter_expression !== null) params.set('filter_expression', q.filter_expression);
  const text = params.toString();
  return `/explore/${encodeURIComponent(q.model)}/${encodeURIComponent(q.view)}${text === '' ? '' : `?${text}`}`;
}

export function queryJson(record: QueryRecord, base: string): Record<string, unknown> {
  const q = JSON.parse(record.body) as CanonicalQuery;
  const url = exploreUrl(q);
  return {
    can: { run: true, see_results: true, explore: true, create: true, show: true, cost_estimate: false, index: true, see_lookml: true, see_aggregate_table_lookml: true, see_derived_table_lookml: true, see_sql: true, save: true, generate_drill_links: true, download: true, download_unlimited: true, use_custom_fields: true },
    id: record.id,
    ...q,
    slug: record.slug,
    share_url: `${base}/x/${record.slug}`,
    expanded_share_url: `${base}${url}`,
    url,
    has_table_calculations: false,
  };
}

export function formatOf(name: string): ResultFormat {
  if (!isResultFormat(name)) {
    throw new ApiError('bad_request', { message: `Unsupported result format "${name}". Supported: ${RESULT_FORMATS.join(', ')}.` });
  }
  return name;
}

/**
 * The API's field metadata for a prepared query's result columns, pivot fields included: the
 * result formats move those to `fields.pivots` and lay the measures out per pivot value.
 */
export function describeWith(linkBase: string): DescribeFields {
  return (prepared) => resultFieldsJson(
    prepared.model, prepared.explore, prepared.compiled.fields.map((f) => f.name),
    { projectName: prepared.source.project.id, linkBase, dialectName: prepared.connection?.dialect_name ?? null },
  );
}

export function runError(e: unknown): unknown {
  if (!(e instanceof QueryRunError)) return e;
  switch (e.code) {
    case 'not_found':
      return new ApiError('not_found', { message: e.message });
    case 'forbidden':
      return new ApiError('forbidden', { message: e.message });
    case 'unavailable':
    case 'bad_request':
      return new ApiError('bad_request', { message: e.message });
    case 'invalid':
      return validationFailed([{ field: e.field ?? 'query', code: 'invalid', message: e.message }], e.message);
  }
}

/** SQL answers describe no fields. */
const describeNothing: DescribeFields = () => [];

/** At most this many link bases keep a describer (the base follows the Host header when no public URL is set). */
const DESCRIBERS_KEPT = 64;

/**
 * The query routes, in a scope of their own: their JSON bodies go through a memo of recent bodies
 * (body-memo.ts), so a query body sent again is not parsed, validated and canonicalized again.
 */
export function registerQueryRoutes(app: FastifyInstance, store: Store, runner: QueryRunner, publicUrl: string | undefined): void {
  void app.register((scope, _options, done) => {
    installBodyMemo(scope);
    registerInScope(scope, store, runner, publicUrl);
    done();
  });
}

function registerInScope(app: FastifyInstance, store: Store, runner: QueryRunner, publicUrl: string | undefined): void {
  // One describer per link base, so runFormatted can reuse the fields it described for a query.
  const describers = new Map<string, DescribeFields>();
  const describerFor = (linkBase: string): DescribeFields => {
    let describe = describers.get(linkBase);
    if (describe === undefined) {
      if (describers.size >= DESCRIBERS_KEPT) describers.clear();
      describe = describeWith(linkBase);
      describers.set(linkBase, describe);
    }
    return describe;
  };
  // Resolves once the answer is sent (not awaiting the reply itself, which would cost a thenable's hops).
  const run = async (request: FastifyRequest, reply: FastifyReply, query: CanonicalQuery, formatName: string, flags: RunFlags): Promise<void> => {
    const format = formatOf(formatName);
    const caller: Caller = callerOf(request, 'access_data');
    // The client went away before the answer: cancel the database statement instead of finishing it
    // for nobody. (The response's 'close' fires on completion too; then it has finished writing.)
    // SQL-only answers run nothing, so they skip the cancellation.
    let signal: Cancellation | undefined;
    let describe = describeNothing;
    if (format !== 'sql') {
      const cancel = new Cancellation();
      reply.raw.on('close', () => { if (!reply.raw.writableFinished) cancel.abort(); });
      signal = cancel;
      describe = describerFor(baseUrl(request, publicUrl));
    }
    try {
      const { formatted } = await runFormatted(runner, caller, query, format, flags, describe, signal);
      reply.code(formatted.status).header('content-type', formatted.contentType).send(formatted.body);
    } catch (e) {
      throw runError(workspaceToApiError(e));
    }
  };

  registerLookerRoute<{ Body: unknown }>(app, {
    operationId: 'create_query',
    numbersAsStrings: true,
    handler: async (request) => {
      callerOf(request, 'access_data');
      const query = parseQuery(request.body);
      return queryJson(await store.queries.saveQuery(JSON.stringify(query)), baseUrl(request, publicUrl));
    },
  });

  registerLookerRoute<{ Params: { query_id: string } }>(app, {
    operationId: 'query',
    handler: async (request) => {
      callerOf(request, 'access_data');
      const record = await store.queries.query(request.params.query_id);
      if (!record) throw new ApiError('not_found', { message: `Query ${request.params.query_id} not found.` });
      return queryJson(record, baseUrl(request, publicUrl));
    },
  });

  registerLookerRoute<{ Params: { slug: string } }>(app, {
    operationId: 'query_for_slug',
    handler: async (request) => {
      callerOf(request, 'access_data');
      const record = await store.queries.queryBySlug(request.params.slug);
      if (!record) throw new ApiError('not_found', { message: `Query ${request.params.slug} not found.` });
      return queryJson(record, baseUrl(request, publicUrl));
    },
  });

  registerLookerRoute<{ Params: { query_id: string; result_format: string }; Querystring: RunFlags }>(app, {
    operationId: 'run_query',
    handler: async (request, reply) => {
      callerOf(request, 'access_data');
      const record = await store.queries.query(request.params.query_id);
      if (!record) throw new ApiError('not_found', { message: `Query ${request.params.query_id} not found.` });
      return run(request, reply, JSON.parse(record.body) as CanonicalQuery, request.params.result_format, request.query);
    },
  });

  registerLookerRoute<{ Params: { result_format: string }; Querystring: RunFlags; Body: unknown }>(app, {
    operationId: 'run_inline_query',
    numbersAsStrings: true,
    // Not async: a body that is no query throws here, and Fastify answers a thrown error alike.
    handler: (request, reply) => run(request, reply, parseQuery(request.body), request.params.result_format, request.query),
  });

  registerLookerRoute<{ Params: { model_name: string; view_name: string; result_format: string }; Querystring: Record<string, string | string[] | undefined> }>(app, {
    operationId: 'run_url_encoded_query',
    // Looker's URL form (`fields=a,b&f[x]=expr&sorts=…&limit=…`) is not described by the spec's parameters.
    schema: { querystring: false },
    handler: async (request, reply) => {
      const qs = request.query;
      const one = (k: string): string | undefined => {
        const v = qs[k];
        return Array.isArray(v) ? v[v.length - 1] : v;
      };
      const list = (k: string): string[] | undefined => one(k)?.split(',').map((s) => s.trim()).filter((s) => s !== '');
      const filters: Record<string, string> = {};
      for (const [k, v] of Object.entries(qs)) {
        const m = /^f\[(.+)\]$/.exec(k);
        if (m?.[1] !== undefined && v !== undefined) filters[m[1]] = Array.isArray(v) ? v[v.length - 1] ?? '' : v;
      }
      const query = parseQuery({
        model: request.params.model_name, view: request.params.view_name, fields: list('fields') ?? [],
        filters, sorts: list('sorts'), pivots: list('pivots'), limit: one('limit'), column_limit: one('column_limit'),
        total: one('total') === 'on' || one('total') === 'true', query_timezone: one('query_timezone'), filter_expression: one('filter_expression'),
      });
      const flag = (k: string): boolean | undefined => (one(k) === undefined ? undefined : one(k) === 'true');
      const applyFormatting = flag('apply_formatting');
      const cache = flag('cache');
      const forceProduction = flag('force_production');
      return run(request, reply, query, request.params.result_format, {
        ...(applyFormatting === undefined ? {} : { apply_formatting: applyFormatting }),
        ...(cache === undefined ? {} : { cache }),
        ...(forceProduction === undefined ? {} : { force_production: forceProduction }),
      });
    },
  });
}
