import { describe, expect, it } from 'vitest';
import { formatResult } from './index.ts';
import { FIELDS, fixture } from './test-fixture.ts';

const ROW_0 = {
  'users.name': 'Ann "Annie" O\'Neil', 'users.city': 'Paris, FR', 'orders.created_date': '2024-01-05',
  'orders.created_time': '2024-01-05 13:45:00', 'users.is_active': true,
  'orders.count': 1169, 'orders.total_amount': 1234.5, 'orders.average_discount': 0.1234,
};

async function text(format: Parameters<typeof formatResult>[0], input = fixture()): Promise<string> {
  const res = await formatResult(format, input);
  expect(res.status).toBe(200);
  expect(res.contentType).toBe('application/json');
  if (typeof res.body !== 'string') throw new Error('expected text');
  return res.body;
}

describe('json', () => {
  it('is an array of row objects keyed by field name in SELECT order', async () => {
    expect(await text('json')).toBe(
      '[{"users.name":"Ann \\"Annie\\" O\'Neil","users.city":"Paris, FR","orders.created_date":"2024-01-05","orders.created_time":"2024-01-05 13:45:00","users.is_active":true,"orders.count":1169,"orders.total_amount":1234.5,"orders.average_discount":0.1234},' +
        '{"users.name":"Bob\\nSmith","users.city":"Zürich 🏔 <b>&","orders.created_date":null,"orders.created_time":null,"users.is_active":false,"orders.count":962,"orders.total_amount":-20,"orders.average_discount":null},' +
        '{"users.name":"","users.city":null,"orders.created_date":"2023-12-31","orders.created_time":"2023-12-31 23:59:59.5","users.is_active":null,"orders.count":0,"orders.total_amount":12345678.905,"orders.average_discount":1}]',
    );
  });

  it('keeps only the result fields, filling missing ones with null', async () => {
    const body = await text('json', fixture({ fields: FIELDS.slice(0, 2), rows: [{ 'users.name': 'a', extra: 1 }] }));
    expect(body).toBe('[{"users.name":"a","users.city":null}]');
  });

  it('sends rows the runner keyed by field (rowsByField) as they are, and formats them with apply_formatting', async () => {
    const rows = [{ 'users.name': 'a', 'users.city': null }, { 'users.name': 'b', 'users.city': 'Rome' }];
    const input = fixture({ fields: FIELDS.slice(0, 2), rows, rowsByField: true });
    expect(await text('json', input)).toBe(JSON.stringify(rows));
    expect(await text('json', fixture({ ...input, rowsByField: false }))).toBe(JSON.stringify(rows));
    const counts = [{ 'orders.count': 1169 }];
    const formatted = fixture({ fields: FIELDS.filter((f) => f.name === 'orders.count'), rows: counts, rowsByField: true, applyFormatting: true });
    expect(await text('json', formatted)).toBe('[{"orders.count":"1,169"}]');
  });

  it('turns every value of a formatted field into its text with apply_formatting', async () => {
    const rows = JSON.parse(await text('json', fixture({ applyFormatting: true }))) as Record<string, unknown>[];
    expect(rows.map((r) => [r['orders.count'], r['orders.total_amount'], r['orders.average_discount'], r['users.is_active']])).toEqual([
      ['1,169', '$1,234.50', '12.3%', true],
      ['962', '-$20.00', null, false],
      ['0', '$12,345,678.91', '100.0%', null],
    ]);
  });

  it('passes pivoted measure objects through', async () => {
    const fields = [FIELDS[0]!, FIELDS[5]!];
    const body = await text('json', fixture({ fields, rows: [{ 'users.name': 'a', 'orders.count': { Yes: 1000, No: null } }], applyFormatting: true }));
    expect(body).toBe('[{"users.name":"a","orders.count":{"Yes":"1,000","No":null}}]');
  });

  it('serves inline_json as json', async () => {
    expect(await text('inline_json')).toBe(await text('json'));
  });
});

describe('json_label', () => {
  it('keys rows by field label', async () => {
    const rows = JSON.parse(await text('json_label')) as Record<string, unknown>[];
    expect(Object.keys(rows[0]!)).toEqual([
      'Users Name', 'Users City, Country', 'Orders Created Date', 'Orders Created Time', 'Users Is Active (Yes / No)',
      'Orders Count', 'Orders Total Amount', 'Orders Average Discount',
    ]);
    expect(rows[0]).toEqual(Object.fromEntries(FIELDS.map((f) => [f.label, ROW_0[String(f.name) as keyof typeof ROW_0]])));
    expect(rows[2]!['Users City, Country']).toBeNull();
  });
});

describe('json_bi', () => {
  it('is {metadata, rows} with JsonBiField metadata and json rows', async () => {
    const body = JSON.parse(await text('json_bi', fixture({ rows: fixture().rows.slice(0, 1) }))) as Record<string, unknown>;
    const biField = (name: string, label: string, view: string, viewLabel: string, category: string, type: string, sql: string | null, group: string | null = null): unknown => ({
      sql, view, dimension_group: group, category, field_group_label: null, name, type, view_label: viewLabel, label,
      field_group_variant: null, hidden: false, description: null,
    });
    expect(body).toEqual({
      metadata: {
        big_query_metadata: null,
        fields: {
          dimensions: [
            biField('users.name', 'Users Name', 'users', 'Users', 'dimension', 'string', '${TABLE}.name'),
            biField('users.city', 'Users City, Country', 'users', 'Users', 'dimension', 'string', '${TABLE}.city'),
            biField('orders.created_date', 'Orders Created Date', 'orders', 'Orders', 'dimension', 'date_date', '${TABLE}.created_date', 'orders.created'),
            biField('orders.created_time', 'Orders Created Time', 'orders', 'Orders', 'dimension', 'date_time', '${TABLE}.created_time', 'orders.created'),
            biField('users.is_active', 'Users Is Active (Yes / No)', 'users', 'Users', 'dimension', 'yesno', '${TABLE}.is_active'),
          ],
          measures: [
            biField('orders.count', 'Orders Count', 'orders', 'Orders', 'measure', 'count', null),
            biField('orders.total_amount', 'Orders Total Amount', 'orders', 'Orders', 'measure', 'sum', null),
            biField('orders.average_discount', 'Orders Average Discount', 'orders', 'Orders', 'measure', 'average', null),
          ],
          pivots: [],
          table_calculations: [],
        },
        pivots: [],
        has_subtotals: false,
        has_totals: false,
        columns_truncated: false,
        filter_expression: null,
        filters: { 'users.city': '-NULL' },
        sql: 'SELECT\n    users.name AS "users.name"\nFROM users\nLIMIT 500',
      },
      rows: [ROW_0],
    });
    expect(Object.keys(body.metadata as object)).toEqual([
      'big_query_metadata', 'fields', 'pivots', 'has_subtotals', 'has_totals', 'columns_truncated', 'filter_expression', 'filters', 'sql',
    ]);
  });

  it('lists pivot fields and columns', async () => {
    const pivots = { fields: [FIELDS[4]!], columns: [{ key: 'Yes', data: { 'users.is_active': 'Yes' }, is_total: false }] };
    const body = JSON.parse(await text('json_bi', fixture({ rows: [], pivots, query: { ...fixture().query, filter_expression: '1=2' } }))) as {
      metadata: { fields: { pivots: { name: string }[] }; pivots: unknown[]; filter_expression: string };
      rows: unknown[];
    };
    expect(body.metadata.fields.pivots.map((f) => f.name)).toEqual(['users.is_active']);
    expect(body.metadata.pivots).toEqual([{ key: 'Yes', data: { 'users.is_active': 'Yes' }, sort_values: {}, is_total: false }]);
    expect(body.metadata.filter_expression).toBe('1=2');
    expect(body.rows).toEqual([]);
  });
});
