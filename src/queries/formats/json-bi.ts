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
 * Unverified against a live Looker: the value of `columns_truncated` (typed string in the
 * spec; `false` here) and where totals would go (not sent).
 */
import { jsonRows } from './json.ts';
import { splitFields } from './metadata.ts';
import type { FieldMeta, QueryEcho, QueryResultInput } from './types.ts';

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

export function formatJsonBi(input: QueryResultInput): string {
  const metadata = jsonBiMetadata({
    fields: input.fields,
    pivotFields: input.pivots?.fields ?? [],
    pivots: (input.pivots?.columns ?? []).map((p) => ({ key: p.key, data: p.data, sort_values: p.sort_values ?? {}, is_total: p.is_total })),
    hasTotals: input.hasTotals ?? input.totals !== undefined,
    query: input.query,
    sql: input.sql,
  });
  return JSON.stringify({ metadata, rows: jsonRows(input) });
}
