/**
 * `json_detail` (Looker's "legacy" detailed JSON).
 *
 * Keys and their order follow responses captured from a real Looker (Spectacles' test
 * cassettes, `query_tasks/multi_results` with `result_format: json_detail`, 2020):
 * `from_cache, id, truncated?, supports_pivot_in_db, null_sort_treatment, expired, ran_at,
 * runtime, added_params?, sql, sql_explain, fields{measures, dimensions, table_calculations,
 * pivots}, fill_fields, has_totals, has_row_totals, applied_filters,
 * applied_filter_expression, number_format, explore{name,label,description}, timezone,
 * data, errors?, drill_menu_build_time, has_subtotals`. Observed details reproduced:
 * `truncated: true` only when the row limit was reached (absent otherwise), `runtime` as a
 * 3-decimal string, field metadata with `sql: null` plus `sorted: {sort_index, desc}` on
 * sorted fields, cells `{value, rendered?}` with `rendered` only when it differs.
 * Not observed, placed by inference: `pivots` (before `data`, whenever the query pivots) and
 * `totals_data` (after `data`, only with totals). A query with `pivots` whose rows arrive flat
 * is pivoted here (pivot.ts): measure cells are then keyed by pivot key, with
 * `$$$_row_total_$$$` cells and `has_row_totals: true` when the query has row totals, and
 * `totals_data` is keyed the same way per measure. Not produced: drill `links`
 * (`generate_drill_links`), `html`, `filterable_value`, `null_values`, subtotals.
 */
import { pivotInput } from './pivot.ts';
import { renderedText, fieldName } from './render.ts';
import {
  byName, defaultResultId, effectiveLimit, ranAtText, runtimeText, sortMarks, splitFields, titleCase,
} from './metadata.ts';
import type { FieldMeta, QueryResultInput, ResultRow } from './types.ts';

/** One json_detail error entry (the shape Looker sends and Spectacles parses). */
export interface JsonDetailError {
  readonly message: string;
  readonly message_details: string | null;
  readonly params: string | null;
  readonly edit_url: null;
  readonly error_pos: null;
  readonly level: 'error';
  readonly sql_error_loc?: { readonly line: number; readonly column: number; readonly character?: number };
}

interface Cell {
  value: unknown;
  rendered?: string;
}

function cell(meta: FieldMeta, value: unknown): Cell {
  const v = value === undefined ? null : value;
  const rendered = renderedText(meta, v);
  return rendered === undefined ? { value: v } : { value: v, rendered };
}

function cells(meta: FieldMeta, value: unknown, pivoted: boolean): unknown {
  if (pivoted && meta.category === 'measure' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const out: Record<string, Cell> = {};
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) out[key] = cell(meta, inner);
    return out;
  }
  return cell(meta, value);
}

function dataRow(fields: readonly FieldMeta[], row: ResultRow, pivoted: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const meta of fields) out[fieldName(meta)] = cells(meta, row[fieldName(meta)], pivoted);
  return out;
}

function detailField(meta: FieldMeta, marks: ReturnType<typeof sortMarks>): FieldMeta {
  const mark = marks.get(fieldName(meta));
  const out: Record<string, unknown> = { ...meta, sql: null };
  if (mark) out.sorted = { sort_index: mark.sort_index, desc: mark.desc };
  return out;
}

function appliedFilters(input: QueryResultInput): Record<string, unknown> {
  const known = byName([...input.fields, ...(input.pivots?.fields ?? []), ...(input.filterFields ?? [])]);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input.query.filters ?? {})) {
    if (value.trim() === '') continue;
    const meta = known.get(name);
    out[name] = { field: meta ? { ...meta, sql: null } : { name }, value };
  }
  return out;
}

/** The json_detail object; `errors` turns it into Looker's error body for the same query. */
export function jsonDetailObject(flat: QueryResultInput, errors?: readonly JsonDetailError[]): Record<string, unknown> {
  const input = pivotInput(flat);
  const { query } = input;
  const marks = sortMarks(query, input.addedParams?.sorts);
  const { dimensions, measures } = splitFields(input.fields);
  const limit = effectiveLimit(query.limit);
  const pivoted = input.pivots !== undefined;
  const hasTotals = input.hasTotals ?? input.totals !== undefined;

  const out: Record<string, unknown> = {
    from_cache: input.fromCache ?? false,
    id: input.resultId ?? defaultResultId(input.sql),
  };
  if (!errors && limit !== null && input.rows.length >= limit) out.truncated = true;
  Object.assign(out, {
    supports_pivot_in_db: true,
    null_sort_treatment: input.nullSortTreatment ?? 'high',
    expired: false,
    ran_at: ranAtText(input.ranAt),
    runtime: runtimeText(input.runtimeSeconds),
  });
  if (input.addedParams) out.added_params = { ...input.addedParams };
  Object.assign(out, {
    sql: input.sql,
    sql_explain: `EXPLAIN ${input.sql}`,
    fields: {
      measures: measures.map((f) => detailField(f, marks)),
      dimensions: dimensions.map((f) => detailField(f, marks)),
      table_calculations: [],
      pivots: (input.pivots?.fields ?? []).map((f) => detailField(f, marks)),
    },
    fill_fields: [...(query.fill_fields ?? [])],
    has_totals: hasTotals,
    has_row_totals: input.hasRowTotals === true,
    applied_filters: appliedFilters(input),
    applied_filter_expression: query.filter_expression ?? null,
    number_format: '1,234.56',
    explore: input.explore ?? { name: query.view, label: titleCase(query.view), description: null },
    timezone: input.timezone ?? query.query_timezone ?? 'UTC',
  });
  if (input.pivots !== undefined) out.pivots = input.pivots.columns.map((p) => ({ ...p }));
  out.data = errors ? [] : input.rows.map((row) => dataRow(input.fields, row, pivoted));
  if (!errors && hasTotals && input.totals) {
    const totals = input.totals;
    out.totals_data = dataRow(input.fields.filter((f) => fieldName(f) in totals), totals, pivoted);
  }
  if (errors) out.errors = errors.map((e) => ({ ...e }));
  out.drill_menu_build_time = 0;
  out.has_subtotals = false;
  return out;
}

export function formatJsonDetail(input: QueryResultInput): string {
  return JSON.stringify(jsonDetailObject(input));
}
