import { describe, expect, it } from 'vitest';
import { validateProject } from '../model/index.ts';
import { build } from '../model/test-util.ts';
import { SHOP_FILES as FILES } from './test-fixture.ts';
import type { Model } from '../model/types.ts';
import { getDialect } from './dialects/registry.ts';
import { QueryError } from './errors.ts';
import { compileQuery } from './index.ts';
import type { CompileOptions, LookerQuery } from './query.ts';

const project = build(FILES);
const model: Model = project.models.shop!;
const duckdb = getDialect('duckdb');
const sqlOf = (q: Partial<LookerQuery>, opts: Partial<CompileOptions> = {}): string =>
  compileQuery(model, { model: 'shop', view: 'orders', fields: [], ...q }, { dialect: duckdb, ...opts }).sql;
const errorOf = (f: () => unknown): QueryError => {
  try {
    f();
  } catch (e) {
    if (e instanceof QueryError) return e;
    throw e;
  }
  throw new Error('expected a QueryError');
};

describe('compileQuery', () => {
  it('loads the fixture without errors', () => {
    expect(validateProject(project)).toEqual([]);
  });

  it('compiles a simple query to Looker-shaped SQL', () => {
    expect(sqlOf({ fields: ['orders.status', 'orders.count'] })).toBe([
      'SELECT',
      '    orders.status AS "orders.status",',
      '    COUNT(*) AS "orders.count"',
      'FROM shop.orders AS orders',
      'GROUP BY',
      '    1',
      'ORDER BY',
      '    2 DESC',
      'LIMIT 500',
    ].join('\n'));
  });

  it('joins only what the query needs, following sql_on to intermediate joins', () => {
    const sql = sqlOf({ fields: ['products.brand', 'orders.count'] });
    expect(sql).toContain('LEFT JOIN order_items AS order_items ON');
    expect(sql).toContain('LEFT JOIN products AS products ON order_items.product_id = products.id');
    expect(sql).not.toContain('users');
    expect(sqlOf({ fields: ['orders.user_state'] })).toContain('LEFT JOIN users AS users ON orders.user_id = users.id');
  });

  it('uses symmetric aggregates exactly for the views the joins fan out', () => {
    const alone = sqlOf({ fields: ['orders.count', 'orders.total_shipping'] });
    expect(alone).toContain('COUNT(*) AS "orders.count"');
    expect(alone).toContain('COALESCE(SUM(orders.shipping), 0)');
    const fanned = sqlOf({ fields: ['orders.count', 'orders.total_shipping', 'order_items.total_price'] });
    expect(fanned).toContain('COUNT(DISTINCT orders.id) AS "orders.count"');
    expect(fanned).toContain('md5_number');
    // The many side of the one_to_many join is at the query's grain: plain SUM.
    expect(fanned).toContain('COALESCE(SUM(order_items.price), 0) AS "order_items.total_price"');
    // A many_to_one join repeats the joined view's rows.
    expect(sqlOf({ fields: ['users.count', 'orders.count'] })).toContain('COUNT(DISTINCT users.id) AS "users.count"');
  });

  it('puts dimension filters in WHERE and measure filters in HAVING, values escaped', () => {
    const sql = sqlOf({ fields: ['orders.status', 'orders.count'], filters: { 'orders.status': "O'Brien", 'orders.count': '>5' } });
    expect(sql).toContain(`WHERE (orders.status = 'O''Brien')`);
    expect(sql).toContain('HAVING ((COUNT(*)) > 5)');
  });

  it('compiles filtered measures and measures built on measures', () => {
    const sql = sqlOf({ fields: ['orders.completed_count', 'orders.shipping_per_order'] });
    expect(sql).toContain(`COUNT(CASE WHEN (orders.status = 'complete') THEN 1 ELSE NULL END) AS "orders.completed_count"`);
    expect(sql).toContain('(COALESCE(SUM(orders.shipping), 0)) / NULLIF((COUNT(*)), 0) AS "orders.shipping_per_order"');
  });

  it("applies Looker's default sort and explicit sorts", () => {
    expect(sqlOf({ fields: ['orders.status', 'orders.created_month'] })).toMatch(/ORDER BY\n {4}2 DESC/);
    expect(sqlOf({ fields: ['orders.status'] })).toMatch(/ORDER BY\n {4}1\n/);
    expect(sqlOf({ fields: ['orders.status', 'orders.count'], sorts: ['orders.status desc', 'orders.count'] })).toMatch(/ORDER BY\n {4}1 DESC, 2\n/);
  });

  it('handles limits as Looker does', () => {
    expect(sqlOf({ fields: ['orders.status'], limit: '10' })).toMatch(/LIMIT 10$/);
    expect(sqlOf({ fields: ['orders.status'], limit: -1 })).not.toContain('LIMIT');
    expect(sqlOf({ fields: ['orders.status'], limit: 0 })).toMatch(/LIMIT 0$/);
    expect(errorOf(() => sqlOf({ fields: ['orders.status'], limit: 'ten' })).code).toBe('query/bad-limit');
    // Beyond 2^53 the limit is no longer exact: refused as a query error, never a SQL-building failure.
    for (const limit of ['9007199254740993', '99999999999999999999']) {
      expect(errorOf(() => sqlOf({ fields: ['orders.status'], limit })).message).toBe(`Invalid limit '${limit}': too large; use -1 for no limit.`);
    }
    expect(sqlOf({ fields: ['orders.status'], limit: '9007199254740991' })).toMatch(/LIMIT 9007199254740991$/);
    expect(errorOf(() => sqlOf({ fields: ['orders.status'], pivots: ['orders.status'], column_limit: '99999999999999999999' })).code).toBe('query/bad-column-limit');
  });

  it('rejects unknown explores, fields and excluded fields with clear errors', () => {
    // Nothing to SELECT: Looker's own words, which clients such as Spectacles match on.
    expect([errorOf(() => sqlOf({ fields: [] })).code, errorOf(() => sqlOf({ fields: [] })).message]).toEqual(['query/no-fields', 'Must query at least one dimension or measure.']);
    expect(errorOf(() => sqlOf({ view: 'nope', fields: ['orders.id'] })).message).toBe("Explore 'nope' not found in model 'shop'.");
    const unknown = errorOf(() => sqlOf({ fields: ['orders.nope'] }));
    expect([unknown.code, unknown.field]).toEqual(['query/unknown-field', 'orders.nope']);
    expect(errorOf(() => sqlOf({ view: 'users_only', fields: ['users_only.email'] })).code).toBe('query/field-not-in-explore');
    expect(errorOf(() => sqlOf({ fields: ['orders.status'], filters: { 'orders.count': '>=abc' } })).code).toBe('query/bad-filter');
  });

  it('applies explore from:, sql_always_where and always_filter', () => {
    const sql = sqlOf({ view: 'users_only', fields: ['users_only.state', 'users_only.count'] });
    expect(sql).toContain('FROM users AS users_only');
    expect(sql).toContain(`(users_only.state <> 'XX')`);
    expect(sql).toContain('(users_only.age >= 18)');
    expect(sqlOf({ view: 'users_only', fields: ['users_only.state'], filters: { 'users_only.age': '>=21' } })).toContain('(users_only.age >= 21)');
  });

  it('renders Liquid: parameters, templated filters, _in_query and user attributes', () => {
    expect(sqlOf({ fields: ['orders.dynamic'] })).toContain('orders.shipping AS "orders.dynamic"');
    expect(sqlOf({ fields: ['orders.dynamic'], filters: { 'orders.metric': 'id' } })).toContain('orders.id AS "orders.dynamic"');
    expect(errorOf(() => sqlOf({ fields: ['orders.dynamic'], filters: { 'orders.metric': 'id; DROP TABLE x' } })).code).toBe('query/bad-parameter');
    expect(sqlOf({ fields: ['orders.status_matches'] })).toContain('CASE WHEN (1=1) THEN');
    expect(sqlOf({ fields: ['orders.status_matches'], filters: { 'orders.status_filter': 'shipped' } })).toContain(`CASE WHEN (((orders.status) = 'shipped')) THEN 'Yes'`);
    expect(sqlOf({ fields: ['orders.liquid_state'] })).not.toContain('JOIN');
    expect(sqlOf({ fields: ['orders.liquid_state', 'users.state'] })).toContain('LEFT JOIN users');
    expect(sqlOf({ fields: ['orders.country_attr'] }, { userAttributes: { country: "x' OR '1'='1" } })).toContain(`'x'' OR ''1''=''1' AS "orders.country_attr"`);
  });

  it('renders {% date_start %} and {% date_end %} from a date filter', () => {
    const sql = sqlOf({ fields: ['orders.period_start', 'orders.period_end'], filters: { 'orders.period': '2024-01-01 to 2024-02-01' } });
    expect(sql).toContain(`TIMESTAMP '2024-01-01 00:00:00' AS "orders.period_start"`);
    expect(sql).toContain(`TIMESTAMP '2024-02-01 00:00:00' AS "orders.period_end"`);
    expect(sqlOf({ fields: ['orders.period_start'] })).toContain('NULL AS "orders.period_start"');
  });

  it('never expands ${} that arrives in a filter value', () => {
    const sql = sqlOf({ fields: ['orders.status_matches'], filters: { 'orders.status_filter': '${users.email}' } });
    expect(sql).toContain(`'\${users.email}'`);
    expect(sql).not.toContain('JOIN');
  });

  it('enforces access filters from user attributes', () => {
    // view_name: keeps the view's own name as the alias (from: would use the explore's).
    const q = { view: 'with_params', fields: ['orders.status'] };
    expect(errorOf(() => sqlOf(q)).code).toBe('query/missing-user-attribute');
    expect(sqlOf(q, { userAttributes: { allowed_status: 'complete,shipped' } })).toContain(`orders.status IN ('complete', 'shipped')`);
  });

  it('emits derived tables as CTEs', () => {
    const sql = sqlOf({ fields: ['user_facts.lifetime_orders', 'orders.count'] });
    expect(sql.startsWith('WITH user_facts AS (SELECT user_id, COUNT(*) AS lifetime_orders FROM shop.orders GROUP BY 1)\nSELECT')).toBe(true);
    expect(sql).toContain('LEFT JOIN user_facts AS user_facts ON users.id = user_facts.user_id');
  });

  it('compiles tiers, yesno and dimension-group members', () => {
    const sql = sqlOf({ fields: ['orders.shipping_tier', 'orders.is_big', 'orders.created_date'], filters: { 'orders.created_year': '2024', 'orders.is_big': 'no' } });
    expect(sql).toContain(`WHEN orders.shipping < 10 THEN '0 to 9'`);
    expect(sql).toContain(`CASE WHEN (orders.shipping > 10) THEN 'Yes' ELSE 'No' END AS "orders.is_big"`);
    expect(sql).toContain(`>= TIMESTAMP '2024-01-01 00:00:00'`);
    expect(sql).toContain(`< TIMESTAMP '2025-01-01 00:00:00'`);
  });

  it('converts time zones for dimension groups when the query asks for one', () => {
    const sql = sqlOf({ fields: ['orders.created_date'], query_timezone: 'America/New_York' });
    expect(sql).toContain('America/New_York');
    expect(errorOf(() => sqlOf({ fields: ['orders.created_date'], query_timezone: 'Mars/Base' })).code).toBe('query/bad-timezone');
  });

  it('marks post-SQL measures and builds a totals statement', () => {
    const c = compileQuery(model, { model: 'shop', view: 'orders', fields: ['orders.status', 'orders.percent_of_orders'], total: true }, { dialect: duckdb });
    expect(c.fields.find((f) => f.name === 'orders.percent_of_orders')?.postSql).toEqual({ kind: 'percent_of_total', of: 'count' });
    expect(c.totalsSql).toBeUndefined();
    const t = compileQuery(model, { model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'], total: true }, { dialect: duckdb });
    expect(t.totalsSql).toBe('SELECT\n    COUNT(*) AS "orders.count"\nFROM shop.orders AS orders');
  });

  it('limits pivoted queries by distinct rows and pivot columns', () => {
    const sql = sqlOf({ fields: ['orders.status', 'orders.created_year', 'orders.count'], pivots: ['orders.created_year'], limit: 5, column_limit: 3 });
    expect(sql.split('\n')[0]).toBe('SELECT "orders.status", "orders.created_year", "orders.count"');
    expect(sql).toContain('DENSE_RANK() OVER (ORDER BY orders.status) AS z___min_rank');
    expect(sql).toContain('AS z___pivot_col_rank');
    expect(sql).toContain('WHERE z___min_rank <= 5 AND z___pivot_col_rank <= 3');
    expect(errorOf(() => sqlOf({ fields: ['orders.status', 'orders.count'], pivots: ['orders.created_year'] })).code).toBe('query/unknown-field');
  });

  it('adds row totals and per-pivot totals statements only where Looker computes them', () => {
    const compiled = (q: Partial<LookerQuery>) => compileQuery(model, { model: 'shop', view: 'orders', fields: ['orders.status', 'orders.created_year', 'orders.count', 'orders.percent_of_orders'], ...q }, { dialect: duckdb });
    const pivoted = { pivots: ['orders.created_year'], total: true, row_total: 'right' };
    const c = compiled(pivoted);
    expect(c.rowTotalsSql).toContain('INNER JOIN (SELECT DISTINCT "orders.status"');
    expect(c.pivotTotalsSql?.split('\n').slice(0, 3)).toEqual(['SELECT', '    year(CAST(orders.created_at AS TIMESTAMP)) AS "orders.created_year",', '    COUNT(*) AS "orders.count"']);
    expect(c.totalsSql).toBe('SELECT\n    COUNT(*) AS "orders.count"\nFROM shop.orders AS orders');
    // Without pivots row_total is ignored; "false" (a LookML dashboard's row_total: false) and blank mean none.
    expect(compiled({ row_total: 'right', total: true }).rowTotalsSql).toBeUndefined();
    expect(compiled({ row_total: 'right', total: true }).pivotTotalsSql).toBeUndefined();
    expect(compiled({ ...pivoted, row_total: 'false' }).rowTotalsSql).toBeUndefined();
    expect(compiled({ ...pivoted, row_total: ' ' }).rowTotalsSql).toBeUndefined();
    expect(compiled({ ...pivoted, total: false }).pivotTotalsSql).toBeUndefined();
    // No row dimension: the row total is the grand total of the returned rows' pivot values, ungrouped.
    expect(compiled({ ...pivoted, fields: ['orders.created_year', 'orders.count'] }).rowTotalsSql).toBe(c.totalsSql);
    // A measure filter could drop whole pivot values from the main statement: no column cut on the totals then.
    expect(c.pivotTotalsSql).toMatch(/LIMIT 50$/);
    expect(compiled({ ...pivoted, filters: { 'orders.count': '>1' } }).pivotTotalsSql).not.toContain('LIMIT');
  });

  it('ranks pivot columns descending when the query sorts a pivot field desc (not by the implicit default sort)', () => {
    const q = { fields: ['orders.status', 'orders.created_year', 'orders.count'], pivots: ['orders.created_year'] };
    expect(sqlOf({ ...q, sorts: ['orders.created_year desc'] })).toContain('DENSE_RANK() OVER (ORDER BY year(CAST(orders.created_at AS TIMESTAMP)) DESC) AS z___pivot_col_rank');
    expect(sqlOf({ ...q, sorts: ['orders.created_year'] })).toContain('DENSE_RANK() OVER (ORDER BY year(CAST(orders.created_at AS TIMESTAMP))) AS z___pivot_col_rank');
    expect(sqlOf(q)).toContain('DENSE_RANK() OVER (ORDER BY year(CAST(orders.created_at AS TIMESTAMP))) AS z___pivot_col_rank');
  });

  it('applies conditionally_filter unless a listed field is filtered, and sql_always_having', () => {
    const extra = build(FILES).models.extra!;
    const sql = (q: Partial<LookerQuery>): string => compileQuery(extra, { model: 'extra', view: 'cond_orders', fields: ['cond_orders.status'], ...q }, { dialect: duckdb }).sql;
    expect(sql({})).toContain(">= TIMESTAMP '2024-01-01 00:00:00'");
    expect(sql({ filters: { 'cond_orders.id': '1' } })).not.toContain('TIMESTAMP');
    expect(sql({})).toContain('HAVING (COUNT(*)) > 0');
  });

  it('joins by foreign_key, cross joins, and required_joins', () => {
    const extra = build(FILES).models.extra!;
    const sql = (fields: string[]): string => compileQuery(extra, { model: 'extra', view: 'cond_orders', fields, filters: { 'cond_orders.id': '>0' } }, { dialect: duckdb }).sql;
    expect(sql(['users.state'])).toContain('LEFT JOIN users AS users ON cond_orders.user_id = users.id');
    expect(sql(['products.brand'])).toContain('CROSS JOIN products AS products');
    const required = sql(['order_items.count']);
    expect(required).toContain('LEFT JOIN users AS users');
    expect(required.indexOf('JOIN users')).toBeLessThan(required.indexOf('JOIN order_items'));
  });

  it('is deterministic: the same query gives byte-identical SQL', () => {
    const q = { fields: ['users.state', 'orders.count', 'order_items.total_price', 'products.brand'], filters: { 'orders.created_date': 'last 7 days', 'users.state': 'CA,NY' } };
    expect(sqlOf(q)).toBe(sqlOf(q));
  });
});
