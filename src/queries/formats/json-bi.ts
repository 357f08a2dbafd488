/**
 * `json_bi` (Looker's recommended JSON): `{metadata, rows}`.
 *
 * The shape is API 4.0's `JsonBi` type (`@looker/sdk` `IJsonBi`): `metadata` holds
 * `big_query_metadata` (null for other dialects), `fields{dimensions, measures, pivots,
 * table_calculations}` of `JsonBiField`s (`sql, view, dimension_group, category,
 * field_group_label, name, type, view_label, label, field_group_variant, hidden,
 * description`), `pivots`, `has_subtotals`, `has_totals`, `columns_truncated`,
 * `filter_expression`, `filters`, `sql`; `rows` are the `json` format's row objects
 * (Spectacles reads them as objects and an error as `rows: [{looker_error}]`).
 * A pivoted query: pivot fields under `fields.pivots`, one `metadata.pivots` entry per pivot
 * column (`JsonBiPivots`: `key`, `data` and `sort_values` as maps of strings — the spec types
 * them `additionalProperties: string` — and `is_total`; with row totals a last entry
 * `$$$_row_total_$$$` with `is_total: true` and empty maps), and rows holding, per measure, an
 * object keyed by pivot key as in `json` (row totals under `$$$_row_total_$$$`).
 * Unverified against a live Looker: the value of `columns_truncated` (typed string in the
 * spec; `false` here) and where totals would go (not sent).
 */
import { jsonRows } from './json.ts';
import { splitFields } from './metadata.ts';
import { rawText, fieldName } from './render.ts';
import type { FieldMeta, PivotColumn, QueryEcho, QueryResultInput } from './types.ts';

const BI_FIELD_KEYS = [
  'sql', 'view', 'dimension_group', 'category', 'field_group_label', 'name', 'type',
  'view_label', 'label', 'field_group_variant', 'hidden', 'description',
] as const;

export function jsonBiField(meta: FieldMeta): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of BI_FIELD_KEYS) out[key] = meta[key] ?? (key === 'hidden' ? false : null);
  return out;
}

export function jsonBiFields(fields: readonly FieldMeta[], pivots: readonly FieldMeta[] = []): Record<string, unknown> {
  const { dimensions, measures } = splitFields(fields);
  return {
    dimensions: dimensions.map(jsonBiField),
    measures: measures.map(jsonBiField),
    pivots: pivots.map(jsonBiField),
    table_calculations: [],
  };
}

export interface JsonBiMetadataInput {
  readonly fields: readonly FieldMeta[];
  readonly pivotFields?: readonly FieldMeta[];
  readonly pivots?: readonly unknown[];
  readonly hasTotals: boolean;
  readonly query?: QueryEcho;
  readonly sql: string | null;
}

export function jsonBiMetadata(m: JsonBiMetadataInput): Record<string, unknown> {
  return {
    big_query_metadata: null,
    fields: jsonBiFields(m.fields, m.pivotFields),
    pivots: [...(m.pivots ?? [])],
    has_subtotals: false,
    has_totals: m.hasTotals,
    columns_truncated: false,
    filter_expression: m.query?.filter_expression ?? null,
    filters: { ...(m.query?.filters ?? {}) },
    sql: m.sql,
  };
}

/** A pivot value as JsonBiPivots text (a yes/no value "Yes"); NULL stays null. */
function pivotTexts(fields: readonly FieldMeta[], values: Readonly<Record<string, unknown>>): Record<string, string | null> {
  const metas = new Map(fields.map((f) => [fieldName(f), f]));
  const out: Record<string, string | null> = {};
  for (const [name, v] of Object.entries(values)) out[name] = v === null || v === undefined ? null : rawText(metas.get(name) ?? { name }, v);
  return out;
}

function biPivot(fields: readonly FieldMeta[], p: PivotColumn): Record<string, unknown> {
  return { key: p.key, data: pivotTexts(fields, p.data), sort_values: pivotTexts(fields, p.sort_values ?? {}), is_total: p.is_total };
}

export function formatJsonBi(input: QueryResultInput): string {
  const pivotFields = input.pivots?.fields ?? [];
  const metadata = jsonBiMetadata({
    fields: input.fields,
    pivotFields,
    pivots: (input.pivots?.columns ?? []).map((p) => biPivot(pivotFields, p)),
    hasTotals: input.hasTotals ?? input.totals !== undefined,
    query: input.query,
    sql: input.sql,
  });
  return JSON.stringify({ metadata, rows: jsonRows(input) });
}
