/**
 * The plain JSON formats: `json` and `inline_json` (an array of row objects keyed by field
 * name, in SELECT order) and `json_label` (the same rows keyed by field label).
 *
 * Values are the drivers' values; with `apply_formatting` a value that has a formatted form
 * (see render.ts) is replaced by that text, as Looker's "apply model-specified formatting".
 * A pivoted measure (an object keyed by pivot key, its row total under `$$$_row_total_$$$`) is
 * passed through as it is.
 */
import { fieldLabel, fieldName, jsonValue } from './render.ts';
import type { FieldMeta, QueryResultInput, ResultRow } from './types.ts';

function pivoted(meta: FieldMeta, value: unknown, applyFormatting: boolean): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) out[key] = jsonValue(meta, inner, applyFormatting);
    return out;
  }
  return jsonValue(meta, value, applyFormatting);
}

function rowObject(fields: readonly FieldMeta[], row: ResultRow, applyFormatting: boolean, key: (m: FieldMeta) => string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const meta of fields) out[key(meta)] = pivoted(meta, row[fieldName(meta)], applyFormatting);
  return out;
}

/** Rows as `json` sends them (also json_bi's `rows`). */
export function jsonRows(input: QueryResultInput): Record<string, unknown>[] {
  const fmt = input.applyFormatting === true;
  if (!fmt && input.rowsByField === true && input.pivots === undefined) return input.rows as Record<string, unknown>[];
  return input.rows.map((row) => rowObject(input.fields, row, fmt, fieldName));
}

export function formatJson(input: QueryResultInput): string {
  return JSON.stringify(jsonRows(input));
}

/**
 * `json_label`: keys are the fields' labels. When two fields share a label the later column
 * wins, as in any JSON object built by label.
 */
export function formatJsonLabel(input: QueryResultInput): string {
  const fmt = input.applyFormatting === true;
  return JSON.stringify(input.rows.map((row) => rowObject(input.fields, row, fmt, fieldLabel)));
}
