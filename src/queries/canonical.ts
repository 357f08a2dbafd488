/**
 * Looker query objects as plain data: the write shape clients send (`create_query`,
 * `run_inline_query`) normalized into one canonical form, so equal queries store and cache as one.
 */
import type { LookerQuery } from '../sql/query.ts';

/** A query as stored: every member Looker's `Query` has, in a fixed order, defaults made explicit. */
export interface CanonicalQuery {
  readonly model: string;
  readonly view: string;
  readonly fields: readonly string[];
  readonly pivots: readonly string[] | null;
  readonly fill_fields: readonly string[] | null;
  readonly filters: Readonly<Record<string, string>> | null;
  readonly filter_expression: string | null;
  readonly sorts: readonly string[] | null;
  readonly limit: string | null;
  readonly column_limit: string | null;
  readonly total: boolean;
  readonly row_total: string | null;
  readonly subtotals: readonly string[] | null;
  readonly vis_config: Readonly<Record<string, unknown>> | null;
  readonly filter_config: Readonly<Record<string, unknown>> | null;
  readonly visible_ui_sections: string | null;
  readonly dynamic_fields: string | null;
  readonly client_id: string | null;
  readonly query_timezone: string | null;
}

export interface QueryProblem {
  readonly field: string;
  readonly message: string;
}

function strings(value: unknown, field: string, problems: QueryProblem[]): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    problems.push({ field, message: `${field} must be an array of strings.` });
    return null;
  }
  return value as string[];
}

function text(value: unknown, field: string, problems: QueryProblem[]): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') {
    problems.push({ field, message: `${field} must be a string.` });
    return null;
  }
  return value;
}

function object(value: unknown, field: string, problems: QueryProblem[]): Record<string, unknown> | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push({ field, message: `${field} must be an object.` });
    return null;
  }
  return value as Record<string, unknown>;
}

/** Sorted keys, so `{"b":1,"a":2}` and `{"a":2,"b":1}` are the same query. */
function sortedObject<T>(value: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The canonical query, or the problems with the input (each a 422 `errors[]` entry). */
export function canonicalQuery(body: Readonly<Record<string, unknown>>): { query: CanonicalQuery } | { problems: QueryProblem[] } {
  const problems: QueryProblem[] = [];
  const model = text(body.model, 'model', problems);
  const view = text(body.view, 'view', problems);
  if (model === null || model === '') problems.push({ field: 'model', message: 'model is required.' });
  if (view === null || view === '') problems.push({ field: 'view', message: 'view (the explore name) is required.' });
  const rawFilters = object(body.filters, 'filters', problems);
  let filters: Record<string, string> | null = null;
  if (rawFilters) {
    filters = {};
    for (const [k, v] of Object.entries(rawFilters)) {
      if (v === null || v === undefined) continue;
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        problems.push({ field: `filters.${k}`, message: 'Filter values must be Looker filter expressions (strings).' });
        continue;
      }
      filters[k] = String(v);
    }
    filters = sortedObject(filters);
  }
  const total = body.total;
  if (total !== undefined && total !== null && typeof total !== 'boolean') problems.push({ field: 'total', message: 'total must be a boolean.' });
  const query: CanonicalQuery = {
    model: model ?? '',
    view: view ?? '',
    fields: strings(body.fields, 'fields', problems) ?? [],
    pivots: strings(body.pivots, 'pivots', problems),
    fill_fields: strings(body.fill_fields, 'fill_fields', problems),
    filters,
    filter_expression: text(body.filter_expression, 'filter_expression', problems),
    sorts: strings(body.sorts, 'sorts', problems),
    limit: text(body.limit, 'limit', problems),
    column_limit: text(body.column_limit, 'column_limit', problems),
    total: total === true,
    row_total: text(body.row_total, 'row_total', problems),
    subtotals: strings(body.subtotals, 'subtotals', problems),
    vis_config: object(body.vis_config, 'vis_config', problems),
    filter_config: object(body.filter_config, 'filter_config', problems),
    visible_ui_sections: text(body.visible_ui_sections, 'visible_ui_sections', problems),
    dynamic_fields: text(body.dynamic_fields, 'dynamic_fields', problems),
    client_id: text(body.client_id, 'client_id', problems),
    query_timezone: text(body.query_timezone, 'query_timezone', problems),
  };
  return problems.length > 0 ? { problems } : { query };
}

/** The query in the compiler's terms (`limit` override from the run call, e.g. `?limit=10`). */
export function toLookerQuery(q: CanonicalQuery, limitOverride?: string | number | null): LookerQuery {
  const limit = limitOverride ?? q.limit;
  return {
    model: q.model,
    view: q.view,
    fields: q.fields,
    ...(q.filters ? { filters: q.filters } : {}),
    ...(q.filter_expression !== null && q.filter_expression.trim() !== '' ? { filter_expression: q.filter_expression } : {}),
    ...(q.sorts ? { sorts: q.sorts } : {}),
    ...(limit !== null ? { limit } : {}),
    ...(q.pivots ? { pivots: q.pivots } : {}),
    ...(q.column_limit !== null ? { column_limit: q.column_limit } : {}),
    ...(q.total ? { total: true } : {}),
    ...(q.row_total !== null ? { row_total: q.row_total } : {}),
    ...(q.query_timezone !== null ? { query_timezone: q.query_timezone } : {}),
  };
}

/**
 * `toLookerQuery(q, limitOverride)` as text, without building it (the compiled-SQL cache looks it up
 * on every run): each member that function reads, in a fixed order, after `context` (what else the
 * compilation depends on). Queries that compile alike may still differ here (a blank
 * filter_expression, a limit given as a number); queries that compile differently never share a key.
 */
export function lookerQueryKey(q: CanonicalQuery, limitOverride: string | number | null | undefined, context: readonly unknown[]): string {
  return JSON.stringify([
    context, q.model, q.view, q.fields, q.filters, q.filter_expression, q.sorts, limitOverride ?? q.limit,
    q.pivots, q.column_limit, q.total, q.row_total, q.query_timezone,
  ]);
}
