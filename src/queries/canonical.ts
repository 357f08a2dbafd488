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

/**
 * Filter values as text, keys sorted so `{"b":1,"a":2}` and `{"a":2,"b":1}` are the same query.
 * Clients mostly send them sorted already; then nothing is sorted. (Integer-like keys still come
 * first, as in any JS object; problems are reported in the order the client sent the filters.)
 */
function canonicalFilters(raw: Readonly<Record<string, unknown>>, problems: QueryProblem[]): Record<string, string> {
  const keys = Object.keys(raw);
  let sorted = keys;
  for (let i = 1; i < keys.length; i++) {
    if ((keys[i - 1] as string) > (keys[i] as string)) {
      sorted = [...keys].sort();
      break;
    }
  }
  for (const k of keys) {
    const v = raw[k];
    if (v !== null && v !== undefined && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      problems.push({ field: `filters.${k}`, message: 'Filter values must be Looker filter expressions (strings).' });
    }
  }
  const filters: Record<string, string> = {};
  for (const k of sorted) {
    const v = raw[k];
    // `__proto__` cannot be a filter (assigning it would set the object's prototype).
    if (k === '__proto__' || (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')) continue;
    filters[k] = String(v);
  }
  return filters;
}

/** The canonical query, or the problems with the input (each a 422 `errors[]` entry). */
export function canonicalQuery(body: Readonly<Record<string, unknown>>): { query: CanonicalQuery } | { problems: QueryProblem[] } {
  const problems: QueryProblem[] = [];
  const model = text(body.model, 'model', problems);
  const view = text(body.view, 'view', problems);
  if (model === null || model === '') problems.push({ field: 'model', message: 'model is required.' });
  if (view === null || view === '') problems.push({ field: 'view', message: 'view (the explore name) is required.' });
  const rawFilters = object(body.filters, 'filters', problems);
  const filters = rawFilters ? canonicalFilters(rawFilters, problems) : null;
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

/** The limit a compilation uses: the run call's override, else the query's own. */
export function effectiveLimit(q: CanonicalQuery, limitOverride: string | number | null | undefined): string | number | null {
  return limitOverride ?? q.limit;
}

/**
 * A short text that equal compile inputs share (the compiled-SQL cache's bucket); queries in one
 * bucket are told apart by `sameCompileInput`. Building a text of the whole query for every lookup
 * would cost more than comparing the few queries a bucket holds.
 */
export function compileBucket(q: CanonicalQuery): string {
  return `${q.model}\u0000${q.view}\u0000${q.fields.length}\u0000${q.fields[0] ?? ''}`;
}

function sameList(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameFilters(a: Readonly<Record<string, string>> | null, b: Readonly<Record<string, string>> | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  if (ak.length !== bk.length) return false;
  for (let i = 0; i < ak.length; i++) {
    const k = ak[i] as string;
    if (k !== bk[i] || a[k] !== b[k]) return false;
  }
  return true;
}

/**
 * Whether two queries compile alike: every member `toLookerQuery` reads is equal (`limit` after the
 * run call's override). Queries that compile alike may still differ here (a blank
 * filter_expression, a limit given as a number); queries that compile differently never pass.
 */
export function sameCompileInput(
  a: CanonicalQuery, aLimit: string | number | null | undefined, b: CanonicalQuery, bLimit: string | number | null | undefined,
): boolean {
  return a.model === b.model && a.view === b.view && effectiveLimit(a, aLimit) === effectiveLimit(b, bLimit)
    && a.filter_expression === b.filter_expression && a.column_limit === b.column_limit && a.total === b.total
    && a.row_total === b.row_total && a.query_timezone === b.query_timezone
    && sameList(a.fields, b.fields) && sameList(a.sorts, b.sorts) && sameList(a.pivots, b.pivots) && sameFilters(a.filters, b.filters);
}
