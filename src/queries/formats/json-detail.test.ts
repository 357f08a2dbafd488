import { describe, expect, it } from 'vitest';
import { formatResult } from './index.ts';
import { FIELDS, fixture } from './test-fixture.ts';
import type { QueryResultInput } from './types.ts';

async function detail(input: QueryResultInput): Promise<Record<string, unknown>> {
  const res = await formatResult('json_detail', input);
  expect(res.status).toBe(200);
  expect(res.contentType).toBe('application/json');
  return JSON.parse(res.body as string) as Record<string, unknown>;
}

const SQL = 'SELECT\n    users.name AS "users.name"\nFROM users\nLIMIT 500';

describe('json_detail', () => {
  it('sends the keys of a captured Looker json_detail, in order', async () => {
    const body = await detail(fixture());
    expect(Object.keys(body)).toEqual([
      'from_cache', 'id', 'supports_pivot_in_db', 'null_sort_treatment', 'expired', 'ran_at', 'runtime', 'sql', 'sql_explain',
      'fields', 'fill_fields', 'has_totals', 'has_row_totals', 'applied_filters', 'applied_filter_expression', 'number_format',
      'explore', 'timezone', 'data', 'drill_menu_build_time', 'has_subtotals',
    ]);
    expect(body).toMatchObject({
      from_cache: false,
      id: '0123456789abcdef0123456789abcdef',
      supports_pivot_in_db: true,
      null_sort_treatment: 'high',
      expired: false,
      ran_at: '2024-01-05T13:45:07+00:00',
      runtime: '0.123',
      sql: SQL,
      sql_explain: `EXPLAIN ${SQL}`,
      fill_fields: [],
      has_totals: false,
      has_row_totals: false,
      applied_filter_expression: null,
      number_format: '1,234.56',
      explore: { name: 'orders', label: 'Orders', description: null },
      timezone: 'UTC',
      drill_menu_build_time: 0,
      has_subtotals: false,
    });
  });

  it('wraps values as {value, rendered?}, rendered only when it differs', async () => {
    const body = await detail(fixture());
    expect(body.data).toEqual([
      {
        'users.name': { value: 'Ann "Annie" O\'Neil' },
        'users.city': { value: 'Paris, FR' },
        'orders.created_date': { value: '2024-01-05' },
        'orders.created_time': { value: '2024-01-05 13:45:00' },
        'users.is_active': { value: true },
        'orders.count': { value: 1169, rendered: '1,169' },
        'orders.total_amount': { value: 1234.5, rendered: '$1,234.50' },
        'orders.average_discount': { value: 0.1234, rendered: '12.3%' },
      },
      {
        'users.name': { value: 'Bob\nSmith' },
        'users.city': { value: 'Zürich 🏔 <b>&' },
        'orders.created_date': { value: null },
        'orders.created_time': { value: null },
        'users.is_active': { value: false },
        'orders.count': { value: 962 },
        'orders.total_amount': { value: -20, rendered: '-$20.00' },
        'orders.average_discount': { value: null },
      },
      {
        'users.name': { value: '' },
        'users.city': { value: null },
        'orders.created_date': { value: '2023-12-31' },
        'orders.created_time': { value: '2023-12-31 23:59:59.5' },
        'users.is_active': { value: null },
        'orders.count': { value: 0 },
        'orders.total_amount': { value: 12345678.905, rendered: '$12,345,678.91' },
        'orders.average_discount': { value: 1, rendered: '100.0%' },
      },
    ]);
  });

  it('lists measures then dimensions with sql hidden and sort markers', async () => {
    const body = await detail(fixture());
    const fields = body.fields as Record<string, Record<string, unknown>[]>;
    expect(Object.keys(fields)).toEqual(['measures', 'dimensions', 'table_calculations', 'pivots']);
    expect(fields.measures!.map((f) => f.name)).toEqual(['orders.count', 'orders.total_amount', 'orders.average_discount']);
    expect(fields.dimensions!.map((f) => f.name)).toEqual(['users.name', 'users.city', 'orders.created_date', 'orders.created_time', 'users.is_active']);
    expect(fields.measures![0]).toEqual({ ...FIELDS[5], sql: null, sorted: { sort_index: 0, desc: true } });
    expect(fields.dimensions![0]).toEqual({ ...FIELDS[0], sql: null });
    expect(fields.table_calculations).toEqual([]);
    expect(fields.pivots).toEqual([]);
  });

  it('reports applied filters with their field', async () => {
    const body = await detail(fixture({ query: { ...fixture().query, filters: { 'users.city': '-NULL', 'users.name': '', 'users.state': 'CA' } } }));
    expect(body.applied_filters).toEqual({
      'users.city': { field: { ...FIELDS[1], sql: null }, value: '-NULL' },
      'users.state': { field: { name: 'users.state' }, value: 'CA' },
    });
  });

  it('marks truncated results, implicit sorts and Looker-added params like Looker', async () => {
    const body = await detail(fixture({
      rows: [], query: { model: 'shop', view: 'orders', fields: ['users.name'], limit: 0, filter_expression: '1=2', query_timezone: 'America/Los_Angeles' },
      fields: FIELDS.slice(0, 1), addedParams: { sorts: ['users.name'] }, fromCache: true, nullSortTreatment: 'low',
      explore: { name: 'orders', label: 'All Orders', description: 'Every order' }, runtimeSeconds: 0.9,
    }));
    expect(Object.keys(body).slice(0, 9)).toEqual([
      'from_cache', 'id', 'truncated', 'supports_pivot_in_db', 'null_sort_treatment', 'expired', 'ran_at', 'runtime', 'added_params',
    ]);
    expect(body).toMatchObject({
      from_cache: true, truncated: true, null_sort_treatment: 'low', runtime: '0.900', added_params: { sorts: ['users.name'] },
      applied_filter_expression: '1=2', timezone: 'America/Los_Angeles', data: [],
      explore: { name: 'orders', label: 'All Orders', description: 'Every order' },
    });
    expect((body.fields as { dimensions: Record<string, unknown>[] }).dimensions[0]!.sorted).toEqual({ sort_index: 0, desc: false });
    expect((await detail(fixture({ query: { ...fixture().query, limit: 3 } }))).truncated).toBe(true);
    expect((await detail(fixture({ query: { ...fixture().query, limit: '-1' } }))).truncated).toBeUndefined();
  });

  it('adds totals_data after data when the query has totals', async () => {
    const body = await detail(fixture({ rows: [], totals: { 'orders.count': 2131, 'orders.total_amount': 1214.5 } }));
    expect(body.has_totals).toBe(true);
    expect(Object.keys(body).slice(-4)).toEqual(['data', 'totals_data', 'drill_menu_build_time', 'has_subtotals']);
    expect(body.totals_data).toEqual({
      'orders.count': { value: 2131, rendered: '2,131' },
      'orders.total_amount': { value: 1214.5, rendered: '$1,214.50' },
    });
  });

  it('wraps pivoted measures per pivot key and lists the pivots', async () => {
    const pivots = {
      fields: [FIELDS[4]!],
      columns: [
        { key: 'Yes', data: { 'users.is_active': 'Yes' }, sort_values: { 'users.is_active': 'Yes' }, is_total: false },
        { key: 'No', data: { 'users.is_active': 'No' }, is_total: false },
      ],
    };
    const body = await detail(fixture({ fields: [FIELDS[0]!, FIELDS[5]!], rows: [{ 'users.name': 'a', 'orders.count': { Yes: 1500, No: null } }], pivots }));
    expect(body.pivots).toEqual(pivots.columns);
    expect(Object.keys(body).indexOf('pivots')).toBe(Object.keys(body).indexOf('data') - 1);
    expect(body.data).toEqual([{ 'users.name': { value: 'a' }, 'orders.count': { Yes: { value: 1500, rendered: '1,500' }, No: { value: null } } }]);
    expect((body.fields as { pivots: { name: string }[] }).pivots.map((f) => f.name)).toEqual(['users.is_active']);
  });

  it('pivoted with row totals and totals: has_row_totals, $$$_row_total_$$$ cells, the total pivot, totals_data per pivot key', async () => {
    const active = FIELDS[4]!;
    const count = FIELDS[5]!;
    const body = await detail(fixture({
      fields: [FIELDS[0]!, active, count],
      rows: [
        { 'users.name': 'a', 'users.is_active': false, 'orders.count': 2 },
        { 'users.name': 'a', 'users.is_active': true, 'orders.count': 1500 },
        { 'users.name': 'b', 'users.is_active': false, 'orders.count': 3 },
      ],
      query: { model: 'shop', view: 'orders', fields: ['users.name', 'users.is_active', 'orders.count'], pivots: ['users.is_active'], total: true, row_total: 'right' },
      rowTotals: [{ 'users.name': 'b', 'orders.count': 3 }, { 'users.name': 'a', 'orders.count': 1502 }],
      pivotTotals: [{ 'users.is_active': false, 'orders.count': 5 }, { 'users.is_active': true, 'orders.count': 1500 }],
      totals: { 'orders.count': 1505 },
      hasTotals: true,
    }));
    expect(body.has_row_totals).toBe(true);
    expect(body.has_totals).toBe(true);
    expect(body.pivots).toEqual([
      { key: 'No', data: { 'users.is_active': false }, sort_values: { 'users.is_active': false }, is_total: false },
      { key: 'Yes', data: { 'users.is_active': true }, sort_values: { 'users.is_active': true }, is_total: false },
      { key: '$$$_row_total_$$$', data: {}, sort_values: {}, is_total: true },
    ]);
    expect(body.data).toEqual([
      { 'users.name': { value: 'a' }, 'orders.count': { No: { value: 2 }, Yes: { value: 1500, rendered: '1,500' }, $$$_row_total_$$$: { value: 1502, rendered: '1,502' } } },
      { 'users.name': { value: 'b' }, 'orders.count': { No: { value: 3 }, Yes: { value: null }, $$$_row_total_$$$: { value: 3 } } },
    ]);
    expect(body.totals_data).toEqual({
      'orders.count': { No: { value: 5 }, Yes: { value: 1500, rendered: '1,500' }, $$$_row_total_$$$: { value: 1505, rendered: '1,505' } },
    });
    const plain = await detail(fixture({ fields: [FIELDS[0]!, count], rows: [], query: { ...fixture().query, row_total: 'right' }, rowTotals: [] }));
    // Without pivots Looker ignores row_total.
    expect(plain.has_row_totals).toBe(false);
  });

  it('derives a stable 32-hex id from the SQL when none is given', async () => {
    const a = await detail(fixture({ resultId: undefined }));
    const b = await detail(fixture({ resultId: undefined }));
    expect(a.id).toMatch(/^[0-9a-f]{32}$/);
    expect(a.id).toBe(b.id);
  });
});
