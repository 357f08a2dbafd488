// A query result as a plain table for the table and chart components: json_detail (pivoted or
// not) in, labelled columns and rendered cells out.
import type { DetailCell, JsonDetail, ResultField } from '../looker.ts';

export interface ResultColumn {
  /** Unique per column: the field name, plus `|pivot key` for pivoted measure columns. */
  key: string;
  field: string;
  label: string;
  kind: 'dimension' | 'measure';
  numeric: boolean;
  /** The pivot values this column shows (pivoted measures only). */
  pivotLabel: string | null;
  sort: 'asc' | 'desc' | null;
}

export interface ResultCell { value: unknown; text: string }

export interface ResultTable {
  columns: ResultColumn[];
  rows: ResultCell[][];
  truncated: boolean;
  sql: string | null;
}

export function cellText(value: unknown, rendered?: string): string {
  if (rendered !== undefined) return rendered;
  if (value === null || value === undefined) return '∅';
  // The server sends `rendered` whenever formatting changes the text; otherwise the raw value is it.
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  return JSON.stringify(value);
}

function isCell(v: unknown): v is DetailCell {
  return typeof v === 'object' && v !== null && 'value' in v;
}

function cellOf(v: unknown): ResultCell {
  if (isCell(v)) return { value: v.value, text: cellText(v.value, v.rendered) };
  return { value: null, text: cellText(null) };
}

function column(f: ResultField, kind: 'dimension' | 'measure', pivotKey: string | null, pivotLabel: string | null): ResultColumn {
  return {
    key: pivotKey === null ? f.name : `${f.name}|${pivotKey}`,
    field: f.name,
    label: f.label_short || f.label || f.name,
    kind,
    numeric: f.is_numeric ?? kind === 'measure',
    pivotLabel,
    sort: f.sorted ? (f.sorted.desc ? 'desc' : 'asc') : null,
  };
}

/** A json_detail answer as a table; pivoted answers give one column per measure and pivot key. */
export function tableFromDetail(detail: JsonDetail): ResultTable {
  const dims = detail.fields.dimensions.map((f) => column(f, 'dimension', null, null));
  const pivots = (detail.pivots ?? []).filter((p) => !p.is_total);
  const pivotFields = detail.fields.pivots;
  const measures = detail.fields.measures.flatMap((f) => (pivots.length === 0
    ? [column(f, 'measure', null, null)]
    : pivots.map((p) => column(f, 'measure', p.key, pivotFields.map((pf) => cellText(p.data[pf.name])).join(' · ')))));
  const columns = [...dims, ...measures];
  const rows = detail.data.map((row) => columns.map((c) => {
    const raw = row[c.field];
    if (c.pivotLabel !== null && !isCell(raw) && typeof raw === 'object') {
      const key = c.key.slice(c.field.length + 1);
      return cellOf(raw[key]);
    }
    return cellOf(raw);
  }));
  return { columns, rows, truncated: detail.truncated === true, sql: detail.sql };
}
