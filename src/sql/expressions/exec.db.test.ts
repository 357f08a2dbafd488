/**
 * filter_expression executed on real DuckDB and PostgreSQL: the values the SQL selects,
 * hostile string literals matched byte for byte (and the database left intact), `1=2`
 * returning nothing, and measure expressions filtering groups.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../../connections/driver.ts';
import { build } from '../../model/test-util.ts';
import { getDialect } from '../dialects/registry.ts';
import { compileQuery, type LookerQuery } from '../index.ts';
import { SHOP_FILES } from '../test-fixture.ts';
import { openTestWarehouse } from '../../connections/test-support.ts';

const SCHEMA = 'expr_values';
/** The shop model, reading unqualified tables so each database keeps them in this test's own schema. */
const FILES = Object.fromEntries(Object.entries(SHOP_FILES).map(([k, v]) => [k, v.replaceAll('shop.orders', 'orders')]));
const model = build(FILES).models.shop!;

/** Stored as order statuses (ids 100+) and matched back through expression string literals. */
const HOSTILE = [
  "'; DROP TABLE users; --", "x' OR '1'='1", 'a\\b', "\\'", '\\', 'say "hi"', "O'Reilly \\ \"q\" `b` ; -- /* */",
  '%_', 'a%b', '${users.email}', '$$', '日本語 😀', 'é\u2028ü', 'tab\there', 'line1\nline2', '#not a comment', ')) OR ((1=1',
];

const BASE_DDL = [
  'CREATE TABLE users (id INTEGER PRIMARY KEY, state VARCHAR(10), email VARCHAR(50), age INTEGER)',
  `INSERT INTO users VALUES (1, 'CA', 'a@x', 30), (2, 'NY', 'b@x', 40), (3, 'CA', 'c@x', 50), (4, 'TX', NULL, NULL)`,
  'CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER, status VARCHAR(60), shipping DECIMAL(12,2), created_at TIMESTAMP)',
  `INSERT INTO orders VALUES
    (1, 1, 'complete', 10.5, TIMESTAMP '2024-01-15 10:00:00'),
    (2, 1, 'shipped', 20.25, TIMESTAMP '2024-02-29 23:30:00'),
    (3, 2, 'complete', 5, TIMESTAMP '2023-12-31 23:59:59'),
    (4, 3, 'O''Brien', NULL, TIMESTAMP '2024-07-04 12:00:00'),
    (5, 3, 'complete', 30, TIMESTAMP '2024-03-10 03:00:00')`,
];

interface Target {
  readonly name: 'duckdb' | 'postgres';
  driver?: Driver;
}

const targets: Target[] = [{ name: 'duckdb' }, { name: 'postgres' }];

beforeAll(async () => {
  for (const t of targets) {
    const d = getDialect(t.name);
    const hostileRows = HOSTILE.map((s, i) => `(${100 + i}, NULL, ${d.stringLiteral(s)}, NULL, NULL)`).join(', ');
    t.driver = await openTestWarehouse(t.name, SCHEMA, [...BASE_DDL, `INSERT INTO orders VALUES ${hostileRows}`]);
  }
});

afterAll(async () => {
  for (const t of targets) await t.driver?.close();
});

/** A Looker expression string literal for any text. */
function lexpString(s: string): string {
  return `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

async function run(t: Target, q: Partial<LookerQuery>): Promise<Record<string, unknown>[]> {
  const compiled = compileQuery(model, { model: 'shop', view: 'orders', fields: [], limit: -1, ...q }, { dialect: getDialect(t.name), now: '2024-03-13 15:30:00' });
  const res = await t.driver!.run(compiled.sql);
  return res.rows.map((r) => Object.fromEntries(compiled.fields.map((f) => [f.name, r[f.alias]])));
}

async function ids(t: Target, filterExpression: string, q: Partial<LookerQuery> = {}): Promise<number[]> {
  const rows = await run(t, { fields: ['orders.id'], sorts: ['orders.id'], filter_expression: filterExpression, ...q });
  return rows.map((r) => Number(r['orders.id']));
}

describe.each(targets)('filter_expression values on $name', (t) => {
  it('1=2 returns zero rows for every dimension, with limit 0 and without', async () => {
    const fields = ['orders.id', 'orders.status', 'orders.created_date', 'orders.is_big', 'users.state', 'users.age'];
    expect(await run(t, { fields, filter_expression: '1=2', limit: 0 })).toEqual([]);
    expect(await run(t, { fields, filter_expression: '1=2' })).toEqual([]);
    expect(await ids(t, '1=1 AND yes')).toHaveLength(5 + HOSTILE.length);
  });

  it('matches hostile string literals exactly and leaves the database intact', async () => {
    for (const [i, s] of HOSTILE.entries()) {
      expect({ s, ids: await ids(t, `\${orders.status} = ${lexpString(s)}`) }).toEqual({ s, ids: [100 + i] });
    }
    expect(await ids(t, '${orders.status} = "O\'Brien"')).toEqual([4]);
    expect(await ids(t, 'contains(${orders.status}, "%_")')).toEqual([100 + HOSTILE.indexOf('%_')]);
    expect(await ids(t, 'starts_with(${orders.status}, "a%")')).toEqual([100 + HOSTILE.indexOf('a%b')]);
    expect(await ids(t, 'ends_with(${orders.status}, "\\\\")')).toEqual([100 + HOSTILE.indexOf('\\')]);
    expect(await ids(t, 'matches_filter(${orders.status}, `\'; DROP TABLE users; --`)')).toEqual([100]);
    const users = await t.driver!.run('SELECT COUNT(*) AS n FROM users');
    expect(Number(users.rows[0]!.n)).toBe(4);
  });

  it('filters rows by dimensions, joining what the expression references', async () => {
    expect(await ids(t, '${users.state} = "CA" AND ${users.age} >= 50')).toEqual([4, 5]);
    expect(await ids(t, '${orders.created_date} >= date(2024, 1, 1) AND ${orders.created_date} < "2024-03-01"')).toEqual([1, 2]);
    expect(await ids(t, 'trunc_days(${orders.created_raw}) = date(2024, 3, 9)', { query_timezone: 'America/New_York' })).toEqual([5]);
    expect(await ids(t, '${orders.is_big} AND NOT ${orders.status} = "shipped"')).toEqual([1, 5]);
    expect(await ids(t, 'if(${orders.is_big}, "big", "small") = "small" AND ${orders.id} < 100')).toEqual([3, 4]);
  });

  it('evaluates functions in the database', async () => {
    expect(await ids(t, 'mod(${orders.id}, 2) = 0 AND ${orders.id} < 100')).toEqual([2, 4]);
    expect(await ids(t, 'length(${orders.status}) = 7 AND upper(substring(${orders.status}, 1, 2)) = "O\'"')).toEqual([4]);
    expect(await ids(t, 'round(${users.age} / 3, 1) = 13.3')).toEqual([3]);
    expect(await ids(t, 'coalesce(${users.age}, 0) * 2 > 70 AND abs(-1) = 1 AND power(2, 3) = 8 AND log(100) = 2 AND floor(2.7) + ceiling(2.1) = 5')).toEqual([3, 4, 5]);
    expect(await ids(t, 'concat(${orders.status}, "#", ${orders.id}) = "shipped#2"')).toEqual([2]);
    expect(await ids(t, 'replace(lower(${orders.status}), "o\'", "x") = "xbrien"')).toEqual([4]);
    expect(await ids(t, 'matches_filter(${orders.created_date}, `2024-02`)')).toEqual([2]);
    expect(await ids(t, 'extract_seconds(${orders.created_raw}) = 59 OR extract_months(${orders.created_raw}) = 7')).toEqual([3, 4]);
    expect(await ids(t, 'extract_years(${orders.created_raw}) = 2024 AND extract_days(${orders.created_raw}) = 10 AND extract_hours(${orders.created_raw}) = 3')).toEqual([5]);
    expect(await ids(t, 'add_days(1, ${orders.created_date}) = date(2024, 1, 16) OR add_months(-1, ${orders.created_raw}) = date_time(2024, 1, 29, 23, 30, 0)')).toEqual([1, 2]);
    expect(await ids(t, 'diff_days(${orders.created_date}, now()) >= 0 AND diff_days(${orders.created_date}, now()) < 10')).toEqual([5]);
    // Whole months elapsed: Feb 29 23:30 → Mar 13 15:30 is not yet a month.
    expect(await ids(t, 'diff_months(${orders.created_raw}, now()) = 0 AND diff_years(date(2020, 1, 1), now()) = 4')).toEqual([2, 5]);
    expect(await ids(t, 'is_null(${users.state}) = no AND case(when(${users.state} = "NY", "east"), "west") = "east"')).toEqual([3]);
    expect(await ids(t, '${orders.created_date} > now()')).toEqual([4]);
  });

  it('filters groups with measure expressions in HAVING', async () => {
    const grouped = async (fe: string): Promise<unknown[][]> => {
      const rows = await run(t, { fields: ['users.state', 'orders.count'], filters: { 'orders.id': '<100' }, sorts: ['users.state'], filter_expression: fe });
      return rows.map((r) => [r['users.state'], Number(r['orders.count'])]);
    };
    expect(await grouped('${orders.count} > 1')).toEqual([['CA', 4]]);
    expect(await grouped('${orders.count} > 1 OR ${users.state} = "NY"')).toEqual([['CA', 4], ['NY', 1]]);
    // CA: 60.75 / 4 = 15.1875; NY: 5 / 1.
    expect(await grouped('${orders.total_shipping} / ${orders.count} >= 15')).toEqual([['CA', 4]]);
    expect(await grouped('matches_filter(${orders.count}, `[1, 2]`)')).toEqual([['NY', 1]]);
  });
});
