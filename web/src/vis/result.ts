// A query result as a plain table for the table and chart components: json_detail (pivoted or
// not) in, labelled columns and rendered cells out.
import type { DetailCell, JsonDetail, PivotColumn, ResultField } from '../looker.ts';

export interface ResultColumn {
  /** Unique per column: the field name, plus `|pivot key` for pivoted measure columns. */
  key: string;
  field: string;
  label: string;
  kind: 'dimension' | 'measure';
  numeric: boolean;
  /** The pivot key of a pivoted measure column (`$$$_row_total_$$$` for its row totals). */
  pivotKey: string | null;
  /** The pivot values this column shows (pivoted measures only; "Row Total" for row totals). */
  pivotLabel: string | null;
  /** A row-totals column. */
  total: boolean;
  sort: 'asc' | 'desc' | null;
}

export interface ResultCell { value: unknown; text: string }

export interface ResultTable {
  columns: ResultColumn[];
  rows: ResultCell[][];
  /** The totals row (`total: true`), one cell per column (blank under dimensions); null without totals. */
  totals: ResultCell[] | null;
  truncated: boolean;
  sql: string | null;
}

/** The pivot key of row totals (json_detail `pivots[]` entry with `is_total`, cells keyed by it). */
export const ROW_TOTAL_KEY = '$$$_row_total_$$$';
export const ROW_TOTAL_LABEL = 'Row Total';

/** json_detail members beyond the ones the other screens read. */
type DetailWithTotals = JsonDetail & {
  totals_data?: Record<string, DetailCell | Record<string, DetailCell>>;
};

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
    pivotKey,
    total: pivotKey === ROW_TOTAL_KEY,
    label: f.label_short || f.label || f.name,
    kind,
    numeric: f.is_numeric ?? kind === 'measure',
    pivotLabel,
    sort: f.sorted ? (f.sorted.desc ? 'desc' : 'asc') : null,
  };
}

function cellAt(c: ResultColumn, raw: DetailCell | Record<string, DetailCell> | undefined): ResultCell {
  if (c.pivotKey !== null && raw !== undefined && !isCell(raw)) return cellOf(raw[c.pivotKey]);
  return cellOf(raw);
}

/**
 * A json_detail answer as a table; pivoted answers give one column per measure and pivot key, row
 * totals (the `is_total` pivot, last) one more per measure, and totals a totals row.
 */
export function tableFromDetail(detail: JsonDetail): ResultTable {
  const dims = detail.fields.dimensions.map((f) => column(f, 'dimension', null, null));
  const pivots = detail.pivots ?? [];
  const pivotFields = detail.fields.pivots;
  const pivotLabel = (p: PivotColumn): string => (p.is_total ? ROW_TOTAL_LABEL : pivotFields.map((pf) => cellText(p.data[pf.name])).join(' · '));
  const measures = detail.fields.measures.flatMap((f) => (pivots.length === 0
    ? [column(f, 'measure', null, null)]
    : pivots.map((p) => column(f, 'measure', p.key, pivotLabel(p)))));
  const columns = [...dims, ...measures];
  const rows = detail.data.map((row) => columns.map((c) => cellAt(c, row[c.field])));
  const totalsData = (detail as DetailWithTotals).totals_data;
  const totals = totalsData === undefined ? null : columns.map((c) => (c.kind === 'dimension' ? { value: null, text: '' } : cellAt(c, totalsData[c.field])));
  return { columns, rows, totals, truncated: detail.truncated === true, sql: detail.sql };
}
