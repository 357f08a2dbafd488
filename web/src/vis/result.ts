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

function compareText(a: ResultCell, b: ResultCell): number {
  if (typeof a.value === 'number' && typeof b.value === 'number') return a.value - b.value;
  return a.text.localeCompare(b.text);
}

/**
 * Pivots a flat answer (pivot fields selected as plain dimensions) in the browser: rows are the
 * other dimensions' distinct values (first `rowLimit` of them), columns are measure × pivot value.
 */
export function pivotFlat(detail: JsonDetail, pivotFields: readonly string[], rowLimit: number | null): ResultTable {
  const flat = tableFromDetail(detail);
  const pivotIdx = flat.columns.map((c, i) => (pivotFields.includes(c.field) ? i : -1)).filter((i) => i >= 0);
  const dimIdx = flat.columns.map((c, i) => (c.kind === 'dimension' && !pivotFields.includes(c.field) ? i : -1)).filter((i) => i >= 0);
  const measureIdx = flat.columns.map((c, i) => (c.kind === 'measure' ? i : -1)).filter((i) => i >= 0);
  const keys = new Map<string, ResultCell[]>();
  const rowOrder: string[] = [];
  const rowDims = new Map<string, ResultCell[]>();
  const values = new Map<string, ResultCell>();
  for (const row of flat.rows) {
    const pivotCells = pivotIdx.map((i) => row[i] ?? cellOf(null));
    const pk = pivotCells.map((c) => c.text).join(' · ');
    if (!keys.has(pk)) keys.set(pk, pivotCells);
    const rk = dimIdx.map((i) => row[i]?.text ?? '').join('\u0000');
    if (!rowDims.has(rk)) {
      rowOrder.push(rk);
      rowDims.set(rk, dimIdx.map((i) => row[i] ?? cellOf(null)));
    }
    for (const m of measureIdx) values.set(`${rk}\u0001${pk}\u0001${m}`, row[m] ?? cellOf(null));
  }
  const pivotKeys = [...keys.entries()].sort(([, a], [, b]) => {
    for (let i = 0; i < a.length; i++) {
      const d = compareText(a[i] ?? cellOf(null), b[i] ?? cellOf(null));
      if (d !== 0) return d;
    }
    return 0;
  }).map(([k]) => k);
  const columns: ResultColumn[] = [
    ...dimIdx.map((i) => flat.columns[i]!),
    ...measureIdx.flatMap((m) => pivotKeys.map((pk) => ({ ...flat.columns[m]!, key: `${flat.columns[m]!.field}|${pk}`, pivotLabel: pk }))),
  ];
  const kept = rowLimit === null ? rowOrder : rowOrder.slice(0, rowLimit);
  const rows = kept.map((rk) => [
    ...(rowDims.get(rk) ?? []),
    ...measureIdx.flatMap((m) => pivotKeys.map((pk) => values.get(`${rk}\u0001${pk}\u0001${m}`) ?? cellOf(null))),
  ]);
  return { columns, rows, truncated: flat.truncated || kept.length < rowOrder.length, sql: flat.sql };
}
