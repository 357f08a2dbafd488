/**
 * Assembling the SELECT statements of one compiled query: the main statement (ranked and cut to
 * `limit` rows and `column_limit` pivot columns when the query pivots) and the extra statements
 * Looker's totals need.
 *
 * With pivots, Looker's totals are SQL aggregates, never sums of cells (a count_distinct or an
 * average does not add up):
 * - row totals (`row_total`): the measures grouped by the row dimensions only, so each covers every
 *   pivot value, also those past `column_limit`; computed only for the rows the main statement
 *   returns, found through the same ranked subquery (same ranks, same cut);
 * - column totals (`total`): the measures grouped by the pivot dimensions, one row per pivot value,
 *   over all rows (Looker's totals ignore the row limit); the grand total stays the ungrouped
 *   statement.
 * Totals statements leave out HAVING, as the unpivoted totals always have.
 */
import type { Dialect } from './dialects/dialect.ts';

export interface PivotPlan {
  /** Window ORDER BY items ranking the non-pivot rows. */
  readonly rowOrder: readonly string[];
  /** Window ORDER BY items ranking the pivot columns (with DESC where the query sorts a pivot descending). */
  readonly pivotOrder: readonly string[];
  /** Every result column (quoted), in SELECT order. */
  readonly columns: readonly string[];
  /** The row dimensions' result columns (quoted), in SELECT order. */
  readonly rowColumns: readonly string[];
  /** Per pivot field (in SELECT order): sorted descending. */
  readonly pivotDesc: readonly boolean[];
  readonly columnLimit: number;
}

export interface Statement {
  readonly select: readonly string[];
  readonly from: string;
  readonly joins: readonly string[];
  readonly where: readonly string[];
  readonly groupBy: number;
  readonly having: readonly string[];
  readonly orderBy: readonly string[];
  readonly limit: number | null;
  readonly pivot?: PivotPlan;
}

interface Lines {
  /** `WITH …` (the CTEs), when there are any. */
  readonly head: string | undefined;
  /** SELECT … [ORDER BY …], without the CTEs. */
  readonly lines: string[];
}

function cond(xs: readonly string[]): string {
  return xs.length === 1 ? xs[0]! : xs.map((x) => `(${x})`).join(' AND ');
}

function build(ctes: ReadonlyMap<string, string>, st: Statement): Lines {
  const head = ctes.size > 0 ? `WITH ${[...ctes].map(([name, body]) => `${name} AS (${body})`).join(',\n')}` : undefined;
  const lines: string[] = ['SELECT', st.select.join(',\n'), `FROM ${st.from}`, ...st.joins];
  if (st.where.length > 0) lines.push(`WHERE ${cond(st.where)}`);
  if (st.groupBy > 0) lines.push('GROUP BY', `    ${Array.from({ length: st.groupBy }, (_, i) => i + 1).join(',')}`);
  if (st.having.length > 0) lines.push(`HAVING ${cond(st.having)}`);
  if (st.orderBy.length > 0) lines.push('ORDER BY', `    ${st.orderBy.join(', ')}`);
  return { head, lines };
}

export function assemble(dialect: Dialect, ctes: ReadonlyMap<string, string>, st: Statement): string {
  const { head, lines } = build(ctes, st);
  if (st.pivot) {
    const r = ranked(lines, st, st.pivot);
    return [
      ...(head ? [head] : []),
      `SELECT ${st.pivot.columns.join(', ')}`,
      `FROM (${r.body}) AS ${dialect.quoteIdentifier('z___pivoted')}`,
      `WHERE ${r.keep}`,
      'ORDER BY z___min_rank, z___pivot_col_rank',
    ].join('\n');
  }
  const lim = dialect.limitClause(st.limit);
  if (lim) lines.push(lim);
  return [...(head ? [head] : []), ...lines].join('\n');
}

/**
 * The grouped statement with window functions ranking rows and pivot values (`body`, no ORDER
 * BY), and the condition keeping the top of each (`keep`).
 */
function ranked(lines: readonly string[], st: Statement, p: PivotPlan): { body: string; keep: string } {
  const out = [...lines];
  const rowRank = p.rowOrder.length > 0 ? `DENSE_RANK() OVER (ORDER BY ${p.rowOrder.join(', ')})` : '1';
  out[1] = `${out[1]!},
    ${rowRank} AS z___min_rank,
    DENSE_RANK() OVER (ORDER BY ${p.pivotOrder.join(', ')}) AS z___pivot_col_rank`;
  const orderAt = out.indexOf('ORDER BY');
  const body = (orderAt === -1 ? out : out.slice(0, orderAt)).join('\n');
  const keep = [st.limit !== null ? `z___min_rank <= ${st.limit}` : undefined, `z___pivot_col_rank <= ${p.columnLimit}`].filter((x) => x !== undefined);
  return { body, keep: keep.join(' AND ') };
}

/**
 * Row totals of a pivoted `main` statement: `totals` is the same query grouped by the row
 * dimensions only (its SELECT: the row dimensions, then the measures). Joined to the distinct
 * rows the main statement keeps; a NULL row dimension matches a NULL.
 */
export function rowTotalsStatement(dialect: Dialect, ctes: ReadonlyMap<string, string>, main: Statement, totals: Statement, columns: readonly string[]): string {
  const p = main.pivot!;
  const grouped = build(ctes, totals);
  if (p.rowColumns.length === 0) return [...(grouped.head ? [grouped.head] : []), ...grouped.lines].join('\n');
  const q = dialect.quoteIdentifier.bind(dialect);
  const t = q('z___row_totals');
  const k = q('z___kept');
  const r = ranked(build(ctes, main).lines, main, p);
  const on = p.rowColumns.map((c) => `(${t}.${c} = ${k}.${c} OR (${t}.${c} IS NULL AND ${k}.${c} IS NULL))`);
  return [
    ...(grouped.head ? [grouped.head] : []),
    `SELECT ${columns.map((c) => `${t}.${c}`).join(', ')}`,
    `FROM (${grouped.lines.join('\n')}) AS ${t}`,
    `INNER JOIN (SELECT DISTINCT ${p.rowColumns.join(', ')}`,
    `FROM (${r.body}) AS ${q('z___pivoted')}`,
    `WHERE ${r.keep}) AS ${k}`,
    `ON ${on.join(' AND ')}`,
  ].join('\n');
}

/**
 * Column totals per pivot value: `totals` is the query grouped by the pivot dimensions (its
 * SELECT: the pivot dimensions, then the measures). In pivot order and cut to `column_limit`
 * values like the main statement's columns; without the cut when HAVING could drop whole pivot
 * values from the main statement and so shift which values it keeps.
 */
export function pivotTotalsStatement(dialect: Dialect, ctes: ReadonlyMap<string, string>, main: Statement, totals: Statement): string {
  const p = main.pivot!;
  const orderBy = p.pivotDesc.map((desc, i) => `${i + 1}${desc ? ' DESC' : ''}`);
  const limit = main.having.length === 0 ? p.columnLimit : null;
  return assemble(dialect, ctes, { ...totals, orderBy, limit });
}

/**
 * Whether a query's `row_total` asks for row totals: Looker's values are `right` and `left`; a
 * LookML dashboard may say `row_total: false`, which arrives as the text "false".
 */
export function rowTotalsRequested(rowTotal: string | null | undefined): boolean {
  if (rowTotal === null || rowTotal === undefined) return false;
  const t = rowTotal.trim().toLowerCase();
  return t !== '' && t !== 'false';
}
