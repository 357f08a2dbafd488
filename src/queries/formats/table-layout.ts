/**
 * The grid the tabular formats (csv, txt, html, md, xlsx) write: header lines and columns, each
 * column a field plus, for a pivoted measure, the pivot key whose value it shows.
 *
 * Unpivoted: one header line of field labels, one column per result field.
 * Pivoted (input already through pivotInput), laid out like Looker's data table:
 * - the row dimensions first, then for every pivot column (in pivot order) every measure, so the
 *   measures of one pivot value sit side by side;
 * - one header line per pivot field: empty over the dimensions except the last dimension, which
 *   carries the pivot field's label; over each measure column the pivot value shown as text
 *   (formatted with `apply_formatting`, NULL as `∅`);
 * - then the line of dimension and measure labels.
 * Without row dimensions the pivot header lines start directly with the pivot values.
 * With row totals (pivot.ts's `$$$_row_total_$$$` column, always last) every measure gets one
 * more column at the right, headed "Row Total" on the first pivot line (blank on the others).
 * Unverified against a live Looker's downloads: the exact cells of the pivot header lines.
 */
import { NULL_PIVOT_TEXT } from './pivot.ts';
import { cellText, fieldLabel, fieldName } from './render.ts';
import type { FieldMeta, QueryResultInput, ResultRow } from './types.ts';

/** The header over the row-total columns of a pivoted table. */
export const ROW_TOTAL_HEADER = 'Row Total';

export interface LayoutColumn {
  readonly meta: FieldMeta;
  /** The pivot key of a pivoted measure column. */
  readonly pivotKey?: string;
}

export interface TableLayout {
  /** Header lines, top to bottom; the last one holds the field labels. */
  readonly header: readonly (readonly string[])[];
  readonly columns: readonly LayoutColumn[];
}

/** The value a column shows for a row (a pivoted measure's value under its pivot key). */
export function columnValue(column: LayoutColumn, row: ResultRow): unknown {
  const value = row[fieldName(column.meta)];
  if (column.pivotKey === undefined) return value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  return (value as Record<string, unknown>)[column.pivotKey] ?? null;
}

export function tableLayout(input: QueryResultInput): TableLayout {
  const pivots = input.pivots;
  if (pivots === undefined) {
    return { header: [input.fields.map(fieldLabel)], columns: input.fields.map((meta) => ({ meta })) };
  }
  const fmt = input.applyFormatting === true;
  const dims = input.fields.filter((f) => f.category !== 'measure');
  const measures = input.fields.filter((f) => f.category === 'measure');
  const columns: LayoutColumn[] = dims.map((meta) => ({ meta }));
  for (const p of pivots.columns) for (const meta of measures) columns.push({ meta, pivotKey: p.key });

  const pivotLines = pivots.fields.map((pf, line) => {
    const lead = dims.map((_, i) => (i === dims.length - 1 ? fieldLabel(pf) : ''));
    const values = pivots.columns.flatMap((p) => {
      const v = p.data[fieldName(pf)];
      const text = p.is_total ? (line === 0 ? ROW_TOTAL_HEADER : '') : v === null || v === undefined ? NULL_PIVOT_TEXT : cellText(pf, v, fmt);
      return measures.map(() => text);
    });
    return [...lead, ...values];
  });
  const labels = columns.map((c) => fieldLabel(c.meta));
  return { header: [...pivotLines, labels], columns };
}
