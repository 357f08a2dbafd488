/**
 * Totals of pivoted queries executed on real DuckDB and PostgreSQL, compared with hand-written SQL
 * over the same tables: row totals of a count_distinct, an average and a symmetric average (a
 * joined view's measure across the fan-out) cover every pivot value, also those past
 * `column_limit`, and are not sums of the cells; per-pivot column totals and the grand total; the
 * row totals are computed for exactly the rows the main statement returns; pivot columns descending.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../connections/driver.ts';
import { build } from '../model/test-util.ts';
import { getDialect } from './dialects/registry.ts';
import { compileQuery, type CompiledQuery, type LookerQuery } from './index.ts';
import { openTestWarehouse } from '../connections/test-support.ts';

const SCHEMA = 'pivot_totals';
const FILES: Readonly<Record<string, string>> = {
  'shop.model.lkml': `
connection: "db"
include: "/views/*.view"
explore: orders {
  join: users { sql_on: \${orders.user_id} = \${users.id} ;; relationship: many_to_one }
}`,
  'views/orders.view.lkml': `
view: orders {
  sql_table_name: orders ;;
  dimension: id { primary_key: yes type: number sql: \${TABLE}.id ;; }
  dimension: user_id { type: number sql: \${TABLE}.user_id ;; }
  dimension: status { sql: \${TABLE}.status ;; }
  dimension_group: created { type: time timeframes: [raw, date, month] sql: \${TABLE}.created_at ;; }
  measure: count { type: count }
  measure: buyers { type: count_distinct sql: \${user_id} ;; }
  measure: average_amount { type: average sql: \${TABLE}.amount ;; }
}`,
  'views/users.view.lkml': `
view: users {
  sql_table_name: users ;;
  dimension: id { primary_key: yes type: number sql: \${TABLE}.id ;; }
  dimension: age { type: number sql: \${TABLE}.age ;; }
  measure: average_age { type: average sql: \${age} ;; }
}`,
};

const DDL = [
  'CREATE TABLE users (id INTEGER PRIMARY KEY, age INTEGER)',
  'INSERT INTO users VALUES (1, 20), (2, 30), (3, 40), (4, NULL)',
  'CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER, status VARCHAR(20), amount DECIMAL(12,2), created_at TIMESTAMP)',
  // Four months; with column_limit 2 and the months descending only 2024-04 and 2024-03 are columns.
  // 'returned' has orders only in 2024-01, so the main statement returns no row for it.
  `INSERT INTO orders VALUES
    (1, 3, 'complete', 10, TIMESTAMP '2024-01-05 10:00:00'),
    (2, 2, 'complete', 20, TIMESTAMP '2024-02-05 10:00:00'),
    (3, 1, 'complete', 30, TIMESTAMP '2024-03-05 10:00:00'),
    (4, 1, 'complete', 40, TIMESTAMP '2024-04-05 10:00:00'),
    (5, 3, 'pending', 5, TIMESTAMP '2024-01-10 10:00:00'),
    (6, 3, 'pending', 7, TIMESTAMP '2024-04-10 10:00:00'),
    (7, 2, 'pending', NULL, TIMESTAMP '2024-04-11 10:00:00'),
    (8, 4, NULL, 100, TIMESTAMP '2024-02-01 10:00:00'),
    (9, 2, NULL, 50, TIMESTAMP '2024-04-20 10:00:00'),
    (10, 3, 'returned', 1, TIMESTAMP '2024-01-30 10:00:00')`,
];

const model = build(FILES).models.shop!;
const MEASURES = ['orders.count', 'orders.buyers', 'orders.average_amount', 'users.average_age'];
const QUERY: Partial<LookerQuery> = {
  fields: ['orders.status', 'orders.created_month', ...MEASURES],
  pivots: ['orders.created_month'], sorts: ['orders.status', 'orders.created_month desc'],
  column_limit: 2, limit: -1, total: true, row_total: 'right',
};

/** Direct SQL: the measures per status over all months (what a row total must be). */
const DIRECT_BY_STATUS = `
SELECT o.status, COUNT(*) AS count, COUNT(DISTINCT o.user_id) AS buyers, AVG(o.amount) AS average_amount,
  (SELECT AVG(u.age) FROM users u WHERE u.id IN (SELECT o2.user_id FROM orders o2 WHERE o2.status = o.status OR (o2.status IS NULL AND o.status IS NULL))) AS average_age
FROM orders o GROUP BY o.status`;
/** Direct SQL: the measures per month over all statuses. */
const DIRECT_BY_MONTH = `
SELECT m.month, COUNT(*) AS count, COUNT(DISTINCT m.user_id) AS buyers, AVG(m.amount) AS average_amount,
  (SELECT AVG(u.age) FROM users u WHERE u.id IN (SELECT m2.user_id FROM (SELECT user_id, %MONTH% AS month FROM orders) m2 WHERE m2.month = m.month)) AS average_age
FROM (SELECT user_id, amount, %MONTH% AS month FROM orders) m GROUP BY m.month`;
const DIRECT_ALL = `SELECT COUNT(*) AS count, COUNT(DISTINCT user_id) AS buyers, AVG(amount) AS average_amount,
  (SELECT AVG(u.age) FROM users u WHERE u.id IN (SELECT user_id FROM orders)) AS average_age FROM orders`;

interface Target {
  readonly name: 'duckdb' | 'postgres';
  readonly month: string;
  driver?: Driver;
}

const targets: Target[] = [
  { name: 'duckdb', month: "strftime(created_at, '%Y-%m')" },
  { name: 'postgres', month: "TO_CHAR(created_at, 'YYYY-MM')" },
];

beforeAll(async () => {
  for (const t of targets) t.driver = await openTestWarehouse(t.name, SCHEMA, DDL);
});

afterAll(async () => {
  for (const t of targets) await t.driver?.close();
});

/** Numbers rounded to 6 decimals (drivers return DECIMAL and DOUBLE differently), other values as they are. */
function norm(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(v) ? Number(v) : undefined;
  return n === undefined ? v : Math.round(n * 1e6) / 1e6;
}

function compiled(t: Target, q: Partial<LookerQuery> = {}): CompiledQuery {
  return compileQuery(model, { model: 'shop', view: 'orders', fields: [], ...QUERY, ...q }, { dialect: getDialect(t.name) });
}

/** Rows of `sql`, keyed by field name for the compiled query's fields present in the result. */
async function rowsOf(t: Target, c: CompiledQuery, sql: string): Promise<Record<string, unknown>[]> {
  const res = await t.driver!.run(sql);
  return res.rows.map((r) => Object.fromEntries(c.fields.filter((f) => f.alias in r).map((f) => [f.name, norm(r[f.alias])])));
}

/** A direct SQL result as `{key → [count, buyers, average_amount, average_age]}`. */
async function direct(t: Target, sql: string, key: string): Promise<Map<unknown, unknown[]>> {
  const res = await t.driver!.run(sql.replaceAll('%MONTH%', t.month));
  return new Map(res.rows.map((r) => [r[key] ?? null, ['count', 'buyers', 'average_amount', 'average_age'].map((m) => norm(r[m]))]));
}

const measuresOf = (r: Record<string, unknown>): unknown[] => MEASURES.map((m) => r[m]);

describe.each(targets)('pivoted totals on $name', (t) => {
  it('row totals cover every pivot value (beyond column_limit) for count_distinct and averages, as direct SQL computes them', async () => {
    const c = compiled(t);
    const main = await rowsOf(t, c, c.sql);
    // The main statement keeps two months, newest first, and the rows that have data in them.
    expect([...new Set(main.map((r) => r['orders.created_month']))]).toEqual(['2024-04', '2024-03']);
    const statuses = [...new Set(main.map((r) => r['orders.status']))];
    expect(new Set(statuses)).toEqual(new Set(['complete', 'pending', null]));

    const rowTotals = await rowsOf(t, c, c.rowTotalsSql!);
    const want = await direct(t, DIRECT_BY_STATUS, 'status');
    expect(rowTotals).toHaveLength(3);
    for (const r of rowTotals) expect({ status: r['orders.status'], values: measuresOf(r) }).toEqual({ status: r['orders.status'], values: want.get(r['orders.status']) });
    expect(new Set(rowTotals.map((r) => r['orders.status']))).toEqual(new Set(statuses));

    // complete: 4 orders by users 3, 2, 1, 1 — 3 buyers, though the two visible cells hold 1 each.
    const complete = rowTotals.find((r) => r['orders.status'] === 'complete')!;
    expect(measuresOf(complete)).toEqual([4, 3, 25, 30]);
    const visibleBuyers = main.filter((r) => r['orders.status'] === 'complete').reduce((n, r) => n + Number(r['orders.buyers']), 0);
    expect(visibleBuyers).toBe(2);
  });

  it('column totals per pivot value, in pivot order and cut to column_limit, and the ungrouped grand total', async () => {
    const c = compiled(t);
    const byMonth = await rowsOf(t, c, c.pivotTotalsSql!);
    const want = await direct(t, DIRECT_BY_MONTH, 'month');
    expect(byMonth.map((r) => r['orders.created_month'])).toEqual(['2024-04', '2024-03']);
    for (const r of byMonth) expect(measuresOf(r)).toEqual(want.get(r['orders.created_month']));
    const [grand] = await rowsOf(t, c, c.totalsSql!);
    expect(measuresOf(grand!)).toEqual([...(await direct(t, DIRECT_ALL, 'none')).values()][0]);
  });

  it('computes row totals only for the rows within the row limit', async () => {
    const c = compiled(t, { limit: 1 });
    expect(new Set((await rowsOf(t, c, c.sql)).map((r) => r['orders.status']))).toEqual(new Set(['complete']));
    const rowTotals = await rowsOf(t, c, c.rowTotalsSql!);
    expect(rowTotals.map((r) => [r['orders.status'], ...measuresOf(r)])).toEqual([['complete', 4, 3, 25, 30]]);
  });

  it('without row dimensions the row total is the grand total', async () => {
    const c = compiled(t, { fields: ['orders.created_month', ...MEASURES] });
    expect(await rowsOf(t, c, c.rowTotalsSql!)).toEqual(await rowsOf(t, c, c.totalsSql!));
    expect(measuresOf((await rowsOf(t, c, c.rowTotalsSql!))[0]!)).toEqual([10, 4, 29.222222, 30]);
  });
});
