/**
 * Looker's merged results as plain data: a merge query's definition (`MergeQuery` of API 4.0), its
 * validation against the source queries, and the in-memory merge Looker performs after running
 * each source query: the first source is the primary; every other source is left-joined onto it on
 * its `merge_fields` (`field_name` names a primary field, `source_field_name` the source's own);
 * then the merge's own sorts and limit apply. Running the sources is `merge-run.ts`.
 *
 * Choices where Looker's documentation is silent (documented as inferences):
 * - join semantics are SQL's LEFT JOIN: a primary row with several matching source rows appears
 *   once per match; NULL never matches (not even NULL);
 * - values match by their text, numbers by value (1, 1.0, "1.00" and 1n are one key), so numeric
 *   columns returned as strings by one driver and as numbers by another still join;
 * - a source's merge fields do not become columns (they are the primary's); its other fields keep
 *   their names, except a name already taken, which becomes `<name>_<n>` (n = 1-based source position);
 * - sorts compare numbers numerically and everything else as text; NULLs sort last ascending.
 */
import type { CanonicalQuery } from './canonical.ts';

export interface MergeField {
  /** The primary query's field the source field is matched to. */
  readonly field_name: string;
  /** The source query's own field. */
  readonly source_field_name: string;
}

export interface MergeSource {
  readonly query_id: string;
  readonly name: string | null;
  readonly merge_fields: readonly MergeField[];
}

/** A merge query as stored: every writable member of Looker's `MergeQuery`, defaults explicit. */
export interface MergeDefinition {
  readonly source_queries: readonly MergeSource[];
  readonly pivots: readonly string[] | null;
  readonly sorts: readonly string[] | null;
  readonly limit: string | null;
  readonly column_limit: string | null;
  readonly total: boolean;
  readonly dynamic_fields: string | null;
  readonly vis_config: Readonly<Record<string, unknown>> | null;
}

/** One 422 `errors[]` entry. */
export interface MergeProblem {
  readonly field: string;
  readonly code: 'invalid' | 'missing_field';
  readonly message: string;
}

/** A source query entry before its query is looked up: `query_slug` may stand for `query_id`. */
export interface MergeSourceInput {
  readonly query_id: string | null;
  readonly query_slug: string | null;
  readonly name: string | null;
  readonly merge_fields: readonly MergeField[];
}

export interface MergeInput extends Omit<MergeDefinition, 'source_queries'> {
  readonly source_queries: readonly MergeSourceInput[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(value: unknown, field: string, problems: MergeProblem[]): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') {
    problems.push({ field, code: 'invalid', message: `${field} must be a string.` });
    return null;
  }
  return value;
}

function strings(value: unknown, field: string, problems: MergeProblem[]): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    problems.push({ field, code: 'invalid', message: `${field} must be an array of strings.` });
    return null;
  }
  return value as string[];
}

function mergeFields(value: unknown, field: string, problems: MergeProblem[]): MergeField[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push({ field, code: 'invalid', message: `${field} must be an array.` });
    return [];
  }
  const out: MergeField[] = [];
  value.forEach((entry: unknown, i) => {
    const at = `${field}[${i}]`;
    if (!isRecord(entry)) {
      problems.push({ field: at, code: 'invalid', message: `${at} must be an object.` });
      return;
    }
    const target = text(entry.field_name, `${at}.field_name`, problems);
    const source = text(entry.source_field_name, `${at}.source_field_name`, problems);
    if (target === null || target === '') problems.push({ field: `${at}.field_name`, code: 'missing_field', message: `${at}.field_name is required.` });
    if (source === null || source === '') problems.push({ field: `${at}.source_field_name`, code: 'missing_field', message: `${at}.source_field_name is required.` });
    if (target && source) out.push({ field_name: target, source_field_name: source });
  });
  return out;
}

/** The request body in canonical form (shape checks only), or the problems with it. */
export function mergeInput(body: Readonly<Record<string, unknown>>): { input: MergeInput } | { problems: MergeProblem[] } {
  const problems: MergeProblem[] = [];
  const sources: MergeSourceInput[] = [];
  const raw = body.source_queries;
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) {
    problems.push({ field: 'source_queries', code: 'missing_field', message: 'A merge query needs at least one source query.' });
  } else if (!Array.isArray(raw)) {
    problems.push({ field: 'source_queries', code: 'invalid', message: 'source_queries must be an array.' });
  } else {
    raw.forEach((entry: unknown, i) => {
      const at = `source_queries[${i}]`;
      if (!isRecord(entry)) {
        problems.push({ field: at, code: 'invalid', message: `${at} must be an object.` });
        return;
      }
      const queryId = text(entry.query_id, `${at}.query_id`, problems);
      const slug = text(entry.query_slug, `${at}.query_slug`, problems);
      if ((queryId === null || queryId === '') && (slug === null || slug === '')) {
        problems.push({ field: `${at}.query_id`, code: 'missing_field', message: `${at} needs a query_id (or query_slug).` });
      }
      sources.push({
        query_id: queryId === '' ? null : queryId, query_slug: slug === '' ? null : slug,
        name: text(entry.name, `${at}.name`, problems), merge_fields: mergeFields(entry.merge_fields, `${at}.merge_fields`, problems),
      });
    });
  }
  const total = body.total;
  if (total !== undefined && total !== null && typeof total !== 'boolean') problems.push({ field: 'total', code: 'invalid', message: 'total must be a boolean.' });
  const vis = body.vis_config;
  if (vis !== undefined && vis !== null && !isRecord(vis)) problems.push({ field: 'vis_config', code: 'invalid', message: 'vis_config must be an object.' });
  const input: MergeInput = {
    source_queries: sources,
    pivots: strings(body.pivots, 'pivots', problems),
    sorts: strings(body.sorts, 'sorts', problems),
    limit: text(body.limit, 'limit', problems),
    column_limit: text(body.column_limit, 'column_limit', problems),
    total: total === true,
    dynamic_fields: text(body.dynamic_fields, 'dynamic_fields', problems),
    vis_config: isRecord(vis) ? Object.fromEntries(Object.entries(vis).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : null,
  };
  for (const key of ['limit', 'column_limit'] as const) {
    const v = input[key];
    if (v !== null && !/^\d+$/.test(v.trim())) problems.push({ field: key, code: 'invalid', message: `${key} must be a non-negative integer.` });
  }
  return problems.length > 0 ? { problems } : { input };
}

/** One column of the merged result: its name there and where its values come from. */
export interface MergedColumn {
  readonly name: string;
  /** 0-based index into `source_queries`. */
  readonly source: number;
  /** The field in that source query's rows. */
  readonly field: string;
}

/** The merged result's columns: the primary's fields, then each source's fields that are not merge fields. */
export function mergedColumns(sources: readonly { readonly fields: readonly string[]; readonly merge_fields: readonly MergeField[] }[]): MergedColumn[] {
  const out: MergedColumn[] = [];
  const taken = new Set<string>();
  sources.forEach((source, index) => {
    const joinedOn = new Set(index === 0 ? [] : source.merge_fields.map((m) => m.source_field_name));
    for (const field of source.fields) {
      if (joinedOn.has(field) || (index === 0 && taken.has(field))) continue;
      let name = field;
      for (let n = 0; taken.has(name); n++) name = n === 0 ? `${field}_${index + 1}` : `${field}_${index + 1}_${n + 1}`;
      taken.add(name);
      out.push({ name, source: index, field });
    }
  });
  return out;
}

/**
 * The problems of a definition whose source queries were looked up (`queries[i]` for
 * `source_queries[i]`, null when it does not exist): unknown queries, merge fields naming no field
 * of their query, secondary sources without merge fields, sorts and pivots naming no merged column.
 */
export function mergeProblems(definition: MergeDefinition, queries: readonly (CanonicalQuery | null)[]): MergeProblem[] {
  const problems: MergeProblem[] = [];
  const sources = definition.source_queries;
  if (sources.length === 0) return [{ field: 'source_queries', code: 'missing_field', message: 'A merge query needs at least one source query.' }];
  sources.forEach((s, i) => {
    if (!queries[i]) problems.push({ field: `source_queries[${i}].query_id`, code: 'invalid', message: `Query ${s.query_id} not found.` });
  });
  const primary = queries[0];
  sources.forEach((s, i) => {
    const query = queries[i];
    if (!query) return;
    if (i > 0 && s.merge_fields.length === 0) {
      problems.push({ field: `source_queries[${i}].merge_fields`, code: 'missing_field', message: `Source query ${i + 1} (query ${s.query_id}) needs at least one merge field matching it to the primary query.` });
    }
    s.merge_fields.forEach((m, j) => {
      const at = `source_queries[${i}].merge_fields[${j}]`;
      if (primary && !primary.fields.includes(m.field_name)) {
        problems.push({ field: `${at}.field_name`, code: 'invalid', message: `Merge field "${m.field_name}" is not a field of the primary query (query ${sources[0]?.query_id ?? ''}).` });
      }
      if (!query.fields.includes(m.source_field_name)) {
        problems.push({ field: `${at}.source_field_name`, code: 'invalid', message: `Merge field "${m.source_field_name}" is not a field of source query ${i + 1} (query ${s.query_id}).` });
      }
    });
  });
  if (problems.length > 0) return problems;
  const names = new Set(mergedColumns(sources.map((s, i) => ({ fields: queries[i]?.fields ?? [], merge_fields: s.merge_fields }))).map((c) => c.name));
  (definition.sorts ?? []).forEach((sort, i) => {
    const field = parseSort(sort).field;
    if (!names.has(field)) problems.push({ field: `sorts[${i}]`, code: 'invalid', message: `Sort field "${field}" is not a column of the merged results.` });
  });
  (definition.pivots ?? []).forEach((pivot, i) => {
    if (!names.has(pivot)) problems.push({ field: `pivots[${i}]`, code: 'invalid', message: `Pivot field "${pivot}" is not a column of the merged results.` });
  });
  return problems;
}

const PLAIN_DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** A number's canonical decimal text ("-0012.500" → "-12.5"), or null when `s` is not one. */
function decimalText(s: string): string | null {
  const m = PLAIN_DECIMAL.exec(s.trim());
  if (!m) return null;
  const whole = (m[2] ?? '').replace(/^0+(?=\d)/, '');
  const frac = (m[3] ?? '').replace(/0+$/, '');
  const body = frac === '' ? whole : `${whole}.${frac}`;
  return body === '0' ? '0' : `${m[1] ?? ''}${body}`;
}

/** The join key of one value; null never matches. */
export function matchKey(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return `s:${String(value)}`;
    const plain = Number.isInteger(value) ? BigInt(value).toString() : String(value);
    return `n:${decimalText(plain) ?? plain}`;
  }
  if (typeof value === 'bigint') return `n:${value.toString()}`;
  if (typeof value === 'boolean') return `b:${String(value)}`;
  if (value instanceof Date) return `s:${value.toISOString()}`;
  if (typeof value === 'string') {
    const n = decimalText(value);
    return n === null ? `s:${value}` : `n:${n}`;
  }
  return `s:${JSON.stringify(value)}`;
}

function rowKey(row: Readonly<Record<string, unknown>>, fields: readonly string[]): string | null {
  const parts: string[] = [];
  for (const f of fields) {
    const k = matchKey(row[f]);
    if (k === null) return null;
    parts.push(k);
  }
  return JSON.stringify(parts);
}

export type Row = Readonly<Record<string, unknown>>;

/**
 * Left-joins every secondary source onto the primary's rows (`rows[i]` are `source_queries[i]`'s
 * rows keyed by its field names) and keys the result by merged column name, in column order.
 */
export function joinRows(sources: readonly { readonly rows: readonly Row[]; readonly merge_fields: readonly MergeField[] }[], columns: readonly MergedColumn[]): Record<string, unknown>[] {
  const primary = sources[0];
  if (!primary) return [];
  const indexes = sources.map((s, i) => {
    if (i === 0) return null;
    const byKey = new Map<string, Row[]>();
    for (const row of s.rows) {
      const key = rowKey(row, s.merge_fields.map((m) => m.source_field_name));
      if (key === null) continue;
      const list = byKey.get(key);
      if (list) list.push(row);
      else byKey.set(key, [row]);
    }
    return byKey;
  });
  const out: Record<string, unknown>[] = [];
  for (const row of primary.rows) {
    // One combination per match in every secondary (a cross product, as chained LEFT JOINs give).
    let combos: (Row | null)[][] = [[row]];
    for (let i = 1; i < sources.length; i++) {
      const source = sources[i]!;
      const key = rowKey(row, source.merge_fields.map((m) => m.field_name));
      const matches = key === null ? [] : indexes[i]?.get(key) ?? [];
      const options: (Row | null)[] = matches.length > 0 ? matches : [null];
      combos = combos.flatMap((c) => options.map((m) => [...c, m]));
    }
    for (const combo of combos) {
      const merged: Record<string, unknown> = {};
      for (const col of columns) merged[col.name] = combo[col.source]?.[col.field] ?? null;
      out.push(merged);
    }
  }
  return out;
}

export interface ParsedSort {
  readonly field: string;
  readonly desc: boolean;
}

/** `"view.field"`, `"view.field desc"`, `"view.field asc"` (Looker's sort strings). */
export function parseSort(sort: string): ParsedSort {
  const parts = sort.trim().split(/\s+/);
  const field = parts[0] ?? '';
  return { field, desc: (parts[1] ?? '').toLowerCase() === 'desc' };
}

function compareValues(a: unknown, b: unknown): number {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) return aNull === bNull ? 0 : aNull ? 1 : -1;
  const an = typeof a === 'number' || typeof a === 'bigint' ? Number(a) : typeof a === 'string' && decimalText(a) !== null ? Number(a) : null;
  const bn = typeof b === 'number' || typeof b === 'bigint' ? Number(b) : typeof b === 'string' && decimalText(b) !== null ? Number(b) : null;
  if (an !== null && bn !== null) return an - bn;
  const as = a instanceof Date ? a.toISOString() : typeof a === 'string' ? a : JSON.stringify(a);
  const bs = b instanceof Date ? b.toISOString() : typeof b === 'string' ? b : JSON.stringify(b);
  return as < bs ? -1 : as > bs ? 1 : 0;
}

/** The rows sorted by `sorts` (stable: equal rows keep the primary's order); NULLs last ascending, first descending. */
export function sortRows<T extends Row>(rows: readonly T[], sorts: readonly string[] | null): T[] {
  const parsed = (sorts ?? []).map(parseSort).filter((s) => s.field !== '');
  if (parsed.length === 0) return [...rows];
  return [...rows].sort((x, y) => {
    for (const s of parsed) {
      const d = compareValues(x[s.field], y[s.field]);
      if (d !== 0) return s.desc ? -d : d;
    }
    return 0;
  });
}

/** The row limit of a definition (null: none). */
export function limitOf(limit: string | null): number | null {
  if (limit === null || limit.trim() === '') return null;
  const n = Number(limit);
  return Number.isInteger(n) && n >= 0 ? n : null;
}
