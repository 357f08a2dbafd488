import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { formatQueryError, formatResult } from './index.ts';
import type { FieldMeta, QueryResultInput, ResultFormat, ResultRow } from './types.ts';

function field(name: string, label: string, category: 'dimension' | 'measure', type: string, extra: Record<string, unknown> = {}): FieldMeta {
  return { name, label, label_short: label.slice(7), view: 'orders', view_label: 'Orders', category, type, is_numeric: category === 'measure', value_format: null, value_format_name: null, sql: null, hidden: false, ...extra };
}

const STATUS = field('orders.status', 'Orders Status', 'dimension', 'string');
const CHANNEL = field('orders.channel', 'Orders Channel', 'dimension', 'string');
const BIG = field('orders.is_big', 'Orders Is Big (Yes / No)', 'dimension', 'yesno');
const COUNT = field('orders.count', 'Orders Count', 'measure', 'count');
const AMOUNT = field('orders.total_amount', 'Orders Total Amount', 'measure', 'sum', { value_format_name: 'usd' });

/** Flat rows as the pivoted SQL returns them (row rank, then pivot rank), one channel NULL. */
const ROWS: ResultRow[] = [
  { 'orders.status': 'complete', 'orders.channel': 'web', 'orders.count': 10, 'orders.total_amount': 100.5 },
  { 'orders.status': 'complete', 'orders.channel': null, 'orders.count': 1200, 'orders.total_amount': 7 },
  { 'orders.status': 'pending', 'orders.channel': 'store', 'orders.count': 11, 'orders.total_amount': 5 },
  { 'orders.status': 'pending', 'orders.channel': 'web', 'orders.count': 12, 'orders.total_amount': 6 },
];

function input(over: Partial<QueryResultInput> = {}): QueryResultInput {
  return {
    // The API describes pivot fields among the result columns (describeWith).
    fields: [STATUS, CHANNEL, COUNT, AMOUNT],
    rows: ROWS,
    sql: 'SELECT 1',
    query: { model: 'shop', view: 'orders', fields: ['orders.status', 'orders.channel', 'orders.count', 'orders.total_amount'], pivots: ['orders.channel'], limit: '500' },
    runtimeSeconds: 0.5,
    ranAt: '2024-01-05T13:45:07+00:00',
    resultId: 'r',
    ...over,
  };
}

/** Two pivot fields; no row dimension. */
const MULTI = input({
  fields: [CHANNEL, BIG, COUNT],
  rows: [
    { 'orders.channel': 'store', 'orders.is_big': false, 'orders.count': 3 },
    { 'orders.channel': 'store', 'orders.is_big': true, 'orders.count': 4 },
    { 'orders.channel': 'web', 'orders.is_big': true, 'orders.count': 5 },
  ],
  query: { model: 'shop', view: 'orders', fields: ['orders.channel', 'orders.is_big', 'orders.count'], pivots: ['orders.channel', 'orders.is_big'] },
});

async function body(format: ResultFormat, i: QueryResultInput = input()): Promise<string> {
  const res = await formatResult(format, i);
  expect(res.status).toBe(200);
  return String(res.body);
}

describe('pivoted results in the JSON formats', () => {
  it('json: measures as objects keyed by pivot key (NULL → ∅), pivot fields no longer columns', async () => {
    expect(JSON.parse(await body('json'))).toEqual([
      { 'orders.status': 'complete', 'orders.count': { store: null, web: 10, '∅': 1200 }, 'orders.total_amount': { store: null, web: 100.5, '∅': 7 } },
      { 'orders.status': 'pending', 'orders.count': { store: 11, web: 12, '∅': null }, 'orders.total_amount': { store: 5, web: 6, '∅': null } },
    ]);
    // Pivot keys keep the pivot order.
    expect(await body('json')).toBe(
      '[{"orders.status":"complete","orders.count":{"store":null,"web":10,"∅":1200},"orders.total_amount":{"store":null,"web":100.5,"∅":7}},' +
      '{"orders.status":"pending","orders.count":{"store":11,"web":12,"∅":null},"orders.total_amount":{"store":5,"web":6,"∅":null}}]',
    );
    expect(await body('inline_json')).toBe(await body('json'));
  });

  it('json with apply_formatting formats every pivoted value; json_label keys by label', async () => {
    expect((JSON.parse(await body('json', input({ applyFormatting: true }))) as unknown[])[0]).toEqual({
      'orders.status': 'complete', 'orders.count': { store: null, web: '10', '∅': '1,200' }, 'orders.total_amount': { store: null, web: '$100.50', '∅': '$7.00' },
    });
    expect((JSON.parse(await body('json_label')) as unknown[])[1]).toEqual({
      'Orders Status': 'pending', 'Orders Count': { store: 11, web: 12, '∅': null }, 'Orders Total Amount': { store: 5, web: 6, '∅': null },
    });
  });

  it('json with two pivot fields joins the values with |FIELD| and shows yes/no as Yes/No', async () => {
    expect(JSON.parse(await body('json', MULTI))).toEqual([
      { 'orders.count': { 'store|FIELD|No': 3, 'store|FIELD|Yes': 4, 'web|FIELD|Yes': 5 } },
    ]);
  });

  it('json_bi: pivot fields under fields.pivots, JsonBiPivots with text data, json rows', async () => {
    const bi = JSON.parse(await body('json_bi', MULTI)) as { metadata: Record<string, unknown> & { fields: Record<string, { name: string }[]> }; rows: unknown[] };
    expect(bi.metadata.fields.dimensions).toEqual([]);
    expect(bi.metadata.fields.measures!.map((f) => f.name)).toEqual(['orders.count']);
    expect(bi.metadata.fields.pivots!.map((f) => f.name)).toEqual(['orders.channel', 'orders.is_big']);
    expect(bi.metadata.pivots).toEqual([
      { key: 'store|FIELD|No', data: { 'orders.channel': 'store', 'orders.is_big': 'No' }, sort_values: { 'orders.channel': 'store', 'orders.is_big': 'No' }, is_total: false },
      { key: 'store|FIELD|Yes', data: { 'orders.channel': 'store', 'orders.is_big': 'Yes' }, sort_values: { 'orders.channel': 'store', 'orders.is_big': 'Yes' }, is_total: false },
      { key: 'web|FIELD|Yes', data: { 'orders.channel': 'web', 'orders.is_big': 'Yes' }, sort_values: { 'orders.channel': 'web', 'orders.is_big': 'Yes' }, is_total: false },
    ]);
    expect(bi.rows).toEqual(JSON.parse(await body('json', MULTI)));
    const nulls = JSON.parse(await body('json_bi')) as { metadata: { pivots: { key: string; data: unknown }[] } };
    expect(nulls.metadata.pivots.map((p) => [p.key, p.data])).toEqual([
      ['store', { 'orders.channel': 'store' }], ['web', { 'orders.channel': 'web' }], ['∅', { 'orders.channel': null }],
    ]);
  });

  it('json_detail takes the pivot field\'s own metadata from the result columns', async () => {
    const detail = JSON.parse(await body('json_detail')) as { fields: Record<string, FieldMeta[]>; pivots: { key: string }[] };
    expect(detail.fields.pivots).toEqual([CHANNEL]);
    expect(detail.fields.dimensions!.map((f) => f.name)).toEqual(['orders.status']);
    expect(detail.pivots.map((p) => p.key)).toEqual(['store', 'web', '∅']);
  });

  it('a database error in json_bi lists the pivot fields under fields.pivots', () => {
    const res = formatQueryError('json_bi', { message: 'boom', fields: [STATUS, CHANNEL, COUNT], query: input().query });
    const fields = (JSON.parse(String(res.body)) as { metadata: { fields: Record<string, { name: string }[]> } }).metadata.fields;
    expect([fields.dimensions!.map((f) => f.name), fields.pivots!.map((f) => f.name)]).toEqual([['orders.status'], ['orders.channel']]);
  });
});

describe('pivoted results in the tabular formats', () => {
  it('csv: a header line per pivot field, then labels; measures grouped under each pivot value', async () => {
    expect(await body('csv')).toBe(
      'Orders Channel,store,store,web,web,∅,∅\n' +
      'Orders Status,Orders Count,Orders Total Amount,Orders Count,Orders Total Amount,Orders Count,Orders Total Amount\n' +
      'complete,,,10,100.5,1200,7\n' +
      'pending,11,5,12,6,,\n',
    );
    expect(await body('csv', input({ applyFormatting: true }))).toBe(
      'Orders Channel,store,store,web,web,∅,∅\n' +
      'Orders Status,Orders Count,Orders Total Amount,Orders Count,Orders Total Amount,Orders Count,Orders Total Amount\n' +
      'complete,,,10,$100.50,"1,200",$7.00\n' +
      'pending,11,$5.00,12,$6.00,,\n',
    );
  });

  it('csv with two pivot fields and no row dimension; an empty pivoted result is its labels line', async () => {
    expect(await body('csv', MULTI)).toBe(
      'store,store,web\n' +
      'No,Yes,Yes\n' +
      'Orders Count,Orders Count,Orders Count\n' +
      '3,4,5\n',
    );
    expect(await body('csv', input({ rows: [] }))).toBe('Orders Channel\nOrders Status\n');
  });

  it('txt is the same layout tab-separated', async () => {
    expect(await body('txt')).toBe(
      'Orders Channel\tstore\tstore\tweb\tweb\t∅\t∅\n' +
      'Orders Status\tOrders Count\tOrders Total Amount\tOrders Count\tOrders Total Amount\tOrders Count\tOrders Total Amount\n' +
      'complete\t\t\t10\t100.5\t1200\t7\n' +
      'pending\t11\t5\t12\t6\t\t\n',
    );
  });

  it('html: the pivot lines are extra header rows', async () => {
    expect(await body('html', MULTI)).toBe(
      '<table>\n' +
      '<tr><th>store</th><th>store</th><th>web</th></tr>\n' +
      '<tr><th>No</th><th>Yes</th><th>Yes</th></tr>\n' +
      '<tr><th>Orders Count</th><th>Orders Count</th><th>Orders Count</th></tr>\n' +
      '<tr><td>3</td><td>4</td><td>5</td></tr>\n' +
      '</table>',
    );
  });

  it('md: the first pivot line heads the table, the other header lines follow as rows', async () => {
    expect(await body('md')).toBe(
      '| Orders Channel | store | store | web | web | ∅ | ∅ |\n' +
      '| --- | --- | --- | --- | --- | --- | --- |\n' +
      '| Orders Status | Orders Count | Orders Total Amount | Orders Count | Orders Total Amount | Orders Count | Orders Total Amount |\n' +
      '| complete |  |  | 10 | 100.5 | 1200 | 7 |\n' +
      '| pending | 11 | 5 | 12 | 6 |  |  |\n',
    );
  });

  it('xlsx: bold pivot and label lines, typed cells per pivot value and measure', async () => {
    const res = await formatResult('xlsx', input({ applyFormatting: true }));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('Sheet1')!;
    const values = (n: number): unknown[] => Array.from({ length: 7 }, (_, i) => sheet.getRow(n).getCell(i + 1).value);
    expect(sheet.rowCount).toBe(4);
    expect(values(1)).toEqual(['Orders Channel', 'store', 'store', 'web', 'web', '∅', '∅']);
    expect(values(2)).toEqual(['Orders Status', 'Orders Count', 'Orders Total Amount', 'Orders Count', 'Orders Total Amount', 'Orders Count', 'Orders Total Amount']);
    expect(values(3)).toEqual(['complete', null, null, 10, 100.5, 1200, 7]);
    expect(values(4)).toEqual(['pending', 11, 5, 12, 6, null, null]);
    expect([sheet.getRow(1).getCell(2).font.bold, sheet.getRow(2).getCell(1).font.bold]).toEqual([true, true]);
    expect(sheet.getRow(3).getCell(5).numFmt).toBe('$#,##0.00');
  });
});

describe('pivoted results with row totals', () => {
  /** Row totals per status as the row-totals statement returns them (SQL aggregates: not sums of the cells). */
  const TOTALS = input({
    query: { ...input().query, row_total: 'right' },
    rowTotals: [
      { 'orders.status': 'complete', 'orders.count': 1210, 'orders.total_amount': 107.5 },
      { 'orders.status': 'pending', 'orders.count': 23, 'orders.total_amount': 11 },
    ],
  });
  const MULTI_TOTALS = { ...MULTI, query: { ...MULTI.query, row_total: 'right' }, rowTotals: [{ 'orders.count': 12 }] };

  it('json / json_bi: the row total under $$$_row_total_$$$ after the pivot keys; json_bi lists the total pivot', async () => {
    expect(await body('json', TOTALS)).toBe(
      '[{"orders.status":"complete","orders.count":{"store":null,"web":10,"∅":1200,"$$$_row_total_$$$":1210},"orders.total_amount":{"store":null,"web":100.5,"∅":7,"$$$_row_total_$$$":107.5}},' +
      '{"orders.status":"pending","orders.count":{"store":11,"web":12,"∅":null,"$$$_row_total_$$$":23},"orders.total_amount":{"store":5,"web":6,"∅":null,"$$$_row_total_$$$":11}}]',
    );
    const bi = JSON.parse(await body('json_bi', MULTI_TOTALS)) as { metadata: { pivots: unknown[] }; rows: unknown[] };
    expect(bi.metadata.pivots.at(-1)).toEqual({ key: '$$$_row_total_$$$', data: {}, sort_values: {}, is_total: true });
    expect(bi.rows).toEqual([{ 'orders.count': { 'store|FIELD|No': 3, 'store|FIELD|Yes': 4, 'web|FIELD|Yes': 5, $$$_row_total_$$$: 12 } }]);
  });

  it('csv / txt: a Row Total column per measure at the right, headed on the first pivot line', async () => {
    expect(await body('csv', TOTALS)).toBe(
      'Orders Channel,store,store,web,web,∅,∅,Row Total,Row Total\n' +
      'Orders Status,Orders Count,Orders Total Amount,Orders Count,Orders Total Amount,Orders Count,Orders Total Amount,Orders Count,Orders Total Amount\n' +
      'complete,,,10,100.5,1200,7,1210,107.5\n' +
      'pending,11,5,12,6,,,23,11\n',
    );
    expect(await body('csv', { ...TOTALS, applyFormatting: true })).toContain('\ncomplete,,,10,$100.50,"1,200",$7.00,"1,210",$107.50\n');
    expect(await body('txt', MULTI_TOTALS)).toBe(
      'store\tstore\tweb\tRow Total\n' +
      'No\tYes\tYes\t\n' +
      'Orders Count\tOrders Count\tOrders Count\tOrders Count\n' +
      '3\t4\t5\t12\n',
    );
  });

  it('html / md / xlsx show the same Row Total column', async () => {
    expect(await body('html', MULTI_TOTALS)).toBe(
      '<table>\n' +
      '<tr><th>store</th><th>store</th><th>web</th><th>Row Total</th></tr>\n' +
      '<tr><th>No</th><th>Yes</th><th>Yes</th><th></th></tr>\n' +
      '<tr><th>Orders Count</th><th>Orders Count</th><th>Orders Count</th><th>Orders Count</th></tr>\n' +
      '<tr><td>3</td><td>4</td><td>5</td><td>12</td></tr>\n' +
      '</table>',
    );
    expect((await body('md', TOTALS)).split('\n')[0]).toBe('| Orders Channel | store | store | web | web | ∅ | ∅ | Row Total | Row Total |');
    const res = await formatResult('xlsx', TOTALS);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('Sheet1')!;
    expect([8, 9].map((c) => sheet.getRow(1).getCell(c).value)).toEqual(['Row Total', 'Row Total']);
    expect([3, 4].map((r) => [sheet.getRow(r).getCell(8).value, sheet.getRow(r).getCell(9).value])).toEqual([[1210, 107.5], [23, 11]]);
  });
});
