/**
 * Pivoting a flat result the way Looker answers a query with `pivots` (formatResult does it
 * before any format: json_detail/json_bi/json keep the shape below, the tabular formats lay it
 * out with table-layout.ts).
 *
 * The SQL of a pivoted query (src/sql/compile.ts) returns one row per (row dimensions, pivot
 * values) combination, ordered by the row rank, then the pivot column rank (pivot values
 * ascending, or descending where the query sorts a pivot field `desc`), and already limited to
 * `limit` distinct rows and `column_limit` pivot values. Here those rows become Looker's shape:
 * the pivot fields move from the result columns to `fields.pivots`, every distinct pivot value
 * tuple becomes a `pivots[]` entry `{key, data, sort_values, is_total: false}`, and each output
 * row holds the row dimensions plus, per measure, an object keyed by pivot key
 * (`{"orders.count": {"2024-01": 5, ...}}`, null where the combination has no row). A key is the
 * pivot values' text joined by `|FIELD|`, as in Looker.
 *
 * Totals, computed in SQL (src/sql/statement.ts), are placed here:
 * - row totals (`row_total` with `rowTotals`): every measure object gets a `$$$_row_total_$$$`
 *   key and `pivots[]` a last entry `{key: "$$$_row_total_$$$", data: {}, sort_values: {},
 *   is_total: true}`, the shapes custom visualizations read;
 * - column totals (`total` with `pivotTotals`): `totals` becomes, per measure, an object keyed by
 *   pivot key like a row, with the grand total (the flat `totals`) under `$$$_row_total_$$$` when
 *   the rows have row totals.
 *
 * Unverified against a live Looker: the key of a NULL pivot value (here `∅`, the text Looker
 * shows for NULL).
 */
import { rowTotalsRequested } from '../../sql/statement.ts';
import { sortMarks } from './metadata.ts';
import { fieldName, rawText } from './render.ts';
import type { FieldMeta, PivotColumn, QueryResultInput, ResultRow } from './types.ts';

export const PIVOT_KEY_SEPARATOR = '|FIELD|';
export const NULL_PIVOT_TEXT = '∅';
/** The pivot key of row totals, in measure objects, `pivots[]` and `totals`. */
export const ROW_TOTAL_KEY = '$$$_row_total_$$$';

function keyText(meta: FieldMeta, value: unknown): string {
  return value === null || value === undefined ? NULL_PIVOT_TEXT : rawText(meta, value);
}

function sortText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return v instanceof Date ? v.toISOString() : JSON.stringify(v);
}

/** Compares two pivot values as the database's ascending ORDER BY would (NULLs per `nulls`). */
function compareValues(a: unknown, b: unknown, nulls: 'high' | 'low'): number {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) return aNull === bNull ? 0 : (aNull === (nulls === 'high') ? 1 : -1);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = sortText(a);
  const sb = sortText(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

interface Column {
  readonly key: string;
  readonly values: readonly unknown[];
}

/**
 * The pivot columns in the database's order. Each row group lists its pivot values in rank
 * order, so consecutive keys within a group are "before" edges; the order is the topological
 * order of those edges, ties (and anything a cycle leaves) broken by comparing the values per
 * pivot field, ascending or, where `desc`, descending (NULL first when NULLs sort high; DuckDB
 * itself puts NULL last either way, which only such ties can show).
 */
function orderColumns(columns: ReadonlyMap<string, Column>, sequences: readonly (readonly string[])[], nulls: 'high' | 'low', desc: readonly boolean[]): Column[] {
  const after = new Map<string, Set<string>>();
  const incoming = new Map<string, number>();
  for (const key of columns.keys()) {
    after.set(key, new Set());
    incoming.set(key, 0);
  }
  for (const seq of sequences) {
    for (let i = 1; i < seq.length; i++) {
      const from = seq[i - 1]!;
      const to = seq[i]!;
      const next = after.get(from)!;
      if (from === to || next.has(to)) continue;
      next.add(to);
      incoming.set(to, (incoming.get(to) ?? 0) + 1);
    }
  }
  const compare = (a: Column, b: Column): number => {
    for (let i = 0; i < a.values.length; i++) {
      const d = compareValues(a.values[i], b.values[i], nulls);
      if (d !== 0) return desc[i] === true ? -d : d;
    }
    return 0;
  };
  const out: Column[] = [];
  const done = new Set<string>();
  while (out.length < columns.size) {
    const ready = [...columns.values()].filter((c) => !done.has(c.key) && incoming.get(c.key) === 0);
    // A cycle (rows not in rank order): take the smallest remaining value and carry on.
    const pick = (ready.length > 0 ? ready : [...columns.values()].filter((c) => !done.has(c.key))).sort(compare)[0]!;
    out.push(pick);
    done.add(pick.key);
    for (const to of after.get(pick.key) ?? []) incoming.set(to, (incoming.get(to) ?? 0) - 1);
  }
  return out;
}

/** A row group's identity: its row dimensions' values (type-tagged, so 1 and "1" differ). */
function rowKey(dims: readonly FieldMeta[], row: ResultRow): string {
  return dims.map((d) => {
    const v = row[fieldName(d)];
    return v === null || v === undefined ? '\u0000' : `${typeof v}:${rawText(d, v)}`;
  }).join('\u0001');
}

/**
 * A pivot field's metadata: from the result columns or the filtered fields when the caller sent
 * it, else just what the name tells (the API's result columns leave pivot fields out).
 */
function pivotMeta(input: QueryResultInput, name: string): FieldMeta {
  const known = [...input.fields, ...(input.filterFields ?? [])].find((f) => fieldName(f) === name);
  if (known !== undefined) return known;
  const dot = name.indexOf('.');
  return { name, view: dot < 0 ? null : name.slice(0, dot), category: 'dimension', label: name, label_short: name.slice(dot + 1), sql: null };
}

/**
 * The input with its flat rows pivoted by `query.pivots`; unchanged when the query has no
 * pivots, when the caller already pivoted (`input.pivots`), or when the rows do not carry the
 * pivot values (every row must have every pivot field as a key).
 */
export function pivotInput(input: QueryResultInput): QueryResultInput {
  if (input.pivots !== undefined) return input;
  const names = input.query.pivots ?? [];
  if (names.length === 0) return input;
  if (!input.rows.every((row) => names.every((n) => n in row))) return input;
  const pivotFields = names.map((n) => pivotMeta(input, n));
  const pivotNames = new Set(pivotFields.map(fieldName));
  const fields = input.fields.filter((f) => !pivotNames.has(fieldName(f)));
  const dims = fields.filter((f) => f.category !== 'measure');
  const measures = fields.filter((f) => f.category === 'measure');

  const columns = new Map<string, Column>();
  const groups = new Map<string, { first: ResultRow; cells: Map<string, ResultRow>; order: string[] }>();
  for (const row of input.rows) {
    const values = pivotFields.map((f) => row[fieldName(f)] ?? null);
    const key = pivotFields.map((f, i) => keyText(f, values[i])).join(PIVOT_KEY_SEPARATOR);
    if (!columns.has(key)) columns.set(key, { key, values });
    const rk = rowKey(dims, row);
    let group = groups.get(rk);
    if (!group) {
      group = { first: row, cells: new Map(), order: [] };
      groups.set(rk, group);
    }
    if (!group.cells.has(key)) group.order.push(key);
    group.cells.set(key, row);
  }
  const marks = sortMarks(input.query);
  const desc = pivotFields.map((f) => marks.get(fieldName(f))?.desc === true);
  const ordered = orderColumns(columns, [...groups.values()].map((g) => g.order), input.nullSortTreatment ?? 'high', desc);
  const keyOf = (row: ResultRow): string => pivotFields.map((f) => keyText(f, row[fieldName(f)] ?? null)).join(PIVOT_KEY_SEPARATOR);

  const rowTotals = rowTotalsRequested(input.query.row_total) && input.rowTotals !== undefined
    ? new Map(input.rowTotals.map((r) => [rowKey(dims, r), r])) : undefined;
  const rows = [...groups.entries()].map(([rk, group]) => {
    const out: Record<string, unknown> = {};
    for (const d of dims) out[fieldName(d)] = group.first[fieldName(d)] ?? null;
    const total = rowTotals?.get(rk);
    for (const m of measures) {
      const byKey: Record<string, unknown> = {};
      for (const c of ordered) byKey[c.key] = group.cells.get(c.key)?.[fieldName(m)] ?? null;
      if (rowTotals) byKey[ROW_TOTAL_KEY] = total?.[fieldName(m)] ?? null;
      out[fieldName(m)] = byKey;
    }
    return out;
  });
  const pivotColumns: PivotColumn[] = ordered.map((c) => {
    const data: Record<string, unknown> = {};
    pivotFields.forEach((f, i) => { data[fieldName(f)] = c.values[i] ?? null; });
    return { key: c.key, data, sort_values: { ...data }, is_total: false };
  });
  if (rowTotals) pivotColumns.push({ key: ROW_TOTAL_KEY, data: {}, sort_values: {}, is_total: true });

  let totals = input.totals;
  if (input.pivotTotals !== undefined) {
    const byPivot = new Map(input.pivotTotals.map((r) => [keyOf(r), r]));
    const pivoted: Record<string, unknown> = {};
    for (const m of measures) {
      const name = fieldName(m);
      const byKey: Record<string, unknown> = {};
      for (const c of ordered) byKey[c.key] = byPivot.get(c.key)?.[name] ?? null;
      if (rowTotals) byKey[ROW_TOTAL_KEY] = input.totals?.[name] ?? null;
      pivoted[name] = byKey;
    }
    totals = pivoted;
  }
  return {
    ...input, fields, rows, pivots: { fields: pivotFields, columns: pivotColumns },
    ...(totals !== undefined ? { totals } : {}), ...(rowTotals ? { hasRowTotals: true } : {}),
  };
}
