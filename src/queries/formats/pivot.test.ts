import { describe, it, expect } from 'vitest';
import { formatResult } from './index.ts';
import { pivotInput, ROW_TOTAL_KEY } from './pivot.ts';
import type { FieldMeta, QueryResultInput, ResultRow } from './types.ts';

function field(name: string, category: 'dimension' | 'measure', type: string, extra: Record<string, unknown> = {}): FieldMeta {
  return { name, label: name, label_short: name, category, type, is_numeric: category === 'measure', value_format: null, value_format_name: null, ...extra };
}

const STATUS = field('orders.status', 'dimension', 'string');
const MONTH = field('orders.created_month', 'dimension', 'date_month', { is_timeframe: true });
const BIG = field('orders.is_big', 'dimension', 'yesno');
const COUNT = field('orders.count', 'measure', 'count');
const AMOUNT = field('orders.total_amount', 'measure', 'sum', { value_format_name: 'usd' });

/** Rows as the pivoted SQL returns them: by row rank, then pivot column rank. */
const ROWS: ResultRow[] = [
  { 'orders.status': 'complete', 'orders.created_month': '2024-01', 'orders.count': 10, 'orders.total_amount': 100.5 },
  { 'orders.status': 'complete', 'orders.created_month': '2024-03', 'orders.count': 1200, 'orders.total_amount': 7 },
  { 'orders.status': 'pending', 'orders.created_month': '2024-02', 'orders.count': 11, 'orders.total_amount': 5 },
  { 'orders.status': 'pending', 'orders.created_month': '2024-03', 'orders.count': 12, 'orders.total_amount': 6 },
];

function input(over: Partial<QueryResultInput> = {}): QueryResultInput {
  return {
    fields: [STATUS, MONTH, COUNT, AMOUNT],
    rows: ROWS,
    sql: 'SELECT 1',
    query: { model: 'shop', view: 'orders', fields: ['orders.status', 'orders.created_month', 'orders.count', 'orders.total_amount'], pivots: ['orders.created_month'], limit: '500' },
    runtimeSeconds: 0.5,
    ranAt: '2024-01-05T13:45:07+00:00',
    resultId: 'r',
    ...over,
  };
}

async function detail(i: QueryResultInput): Promise<Record<string, unknown>> {
  return JSON.parse(String((await formatResult('json_detail', i)).body)) as Record<string, unknown>;
}

describe('json_detail pivoting', () => {
  it('moves the pivot field to fields.pivots, lists the pivot columns in order and keys measures by pivot', async () => {
    const body = await detail(input());
    const fields = body.fields as Record<string, { name: string }[]>;
    expect(fields.dimensions!.map((f) => f.name)).toEqual(['orders.status']);
    expect(fields.measures!.map((f) => f.name)).toEqual(['orders.count', 'orders.total_amount']);
    expect(fields.pivots!.map((f) => f.name)).toEqual(['orders.created_month']);
    expect(body.pivots).toEqual([
      { key: '2024-01', data: { 'orders.created_month': '2024-01' }, sort_values: { 'orders.created_month': '2024-01' }, is_total: false },
      { key: '2024-02', data: { 'orders.created_month': '2024-02' }, sort_values: { 'orders.created_month': '2024-02' }, is_total: false },
      { key: '2024-03', data: { 'orders.created_month': '2024-03' }, sort_values: { 'orders.created_month': '2024-03' }, is_total: false },
    ]);
    expect(body.data).toEqual([
      {
        'orders.status': { value: 'complete' },
        'orders.count': { '2024-01': { value: 10 }, '2024-02': { value: null }, '2024-03': { value: 1200, rendered: '1,200' } },
        'orders.total_amount': { '2024-01': { value: 100.5, rendered: '$100.50' }, '2024-02': { value: null }, '2024-03': { value: 7, rendered: '$7.00' } },
      },
      {
        'orders.status': { value: 'pending' },
        'orders.count': { '2024-01': { value: null }, '2024-02': { value: 11 }, '2024-03': { value: 12 } },
        'orders.total_amount': { '2024-01': { value: null }, '2024-02': { value: 5, rendered: '$5.00' }, '2024-03': { value: 6, rendered: '$6.00' } },
      },
    ]);
    expect(Object.keys(body).indexOf('pivots')).toBe(Object.keys(body).indexOf('data') - 1);
  });

  it('keeps the database order of pivot values (from each row\'s sequence), not the text order', () => {
    // Descending numbers: text order would put "10" before "9".
    const tier = field('orders.tier', 'dimension', 'number');
    const rows: ResultRow[] = [
      { 'orders.status': 'a', 'orders.tier': 9, 'orders.count': 1 },
      { 'orders.status': 'a', 'orders.tier': 10, 'orders.count': 2 },
      { 'orders.status': 'b', 'orders.tier': 10, 'orders.count': 3 },
      { 'orders.status': 'b', 'orders.tier': 11, 'orders.count': 4 },
      { 'orders.status': 'c', 'orders.tier': null, 'orders.count': 5 },
    ];
    const out = pivotInput(input({ fields: [STATUS, tier, COUNT], rows, query: { model: 'shop', view: 'orders', fields: [], pivots: ['orders.tier'] } }));
    expect(out.pivots?.columns.map((c) => c.key)).toEqual(['9', '10', '11', '∅']);
    expect(out.rows).toEqual([
      { 'orders.status': 'a', 'orders.count': { 9: 1, 10: 2, 11: null, '∅': null } },
      { 'orders.status': 'b', 'orders.count': { 9: null, 10: 3, 11: 4, '∅': null } },
      { 'orders.status': 'c', 'orders.count': { 9: null, 10: null, 11: null, '∅': 5 } },
    ]);
    // NULLs sort first where the dialect sorts them low.
    const low = pivotInput(input({ fields: [STATUS, tier, COUNT], rows: [rows[4]!, rows[0]!], nullSortTreatment: 'low', query: { model: 'shop', view: 'orders', fields: [], pivots: ['orders.tier'] } }));
    expect(low.pivots?.columns.map((c) => c.key)).toEqual(['∅', '9']);
  });

  it('joins several pivot values with |FIELD| and shows yes/no values as Yes and No', () => {
    const rows: ResultRow[] = [
      { 'orders.created_month': '2024-01', 'orders.is_big': false, 'orders.count': 1 },
      { 'orders.created_month': '2024-01', 'orders.is_big': true, 'orders.count': 2 },
    ];
    const out = pivotInput(input({
      fields: [MONTH, BIG, COUNT], rows, query: { model: 'shop', view: 'orders', fields: [], pivots: ['orders.created_month', 'orders.is_big'] },
    }));
    expect(out.fields.map((f) => f.name)).toEqual(['orders.count']);
    expect(out.pivots?.columns.map((c) => [c.key, c.data])).toEqual([
      ['2024-01|FIELD|No', { 'orders.created_month': '2024-01', 'orders.is_big': false }],
      ['2024-01|FIELD|Yes', { 'orders.created_month': '2024-01', 'orders.is_big': true }],
    ]);
    // No row dimensions: one row holding every pivot column.
    expect(out.rows).toEqual([{ 'orders.count': { '2024-01|FIELD|No': 1, '2024-01|FIELD|Yes': 2 } }]);
  });

  it('answers an empty pivoted result with an empty pivots list, and leaves unpivoted or pre-pivoted input alone', async () => {
    const empty = await detail(input({ rows: [] }));
    expect(empty.pivots).toEqual([]);
    expect(empty.data).toEqual([]);
    expect((empty.fields as { pivots: { name: string }[] }).pivots.map((f) => f.name)).toEqual(['orders.created_month']);
    const plain = input({ query: { model: 'shop', view: 'orders', fields: [] } });
    expect(pivotInput(plain)).toBe(plain);
    const done = input({ pivots: { fields: [], columns: [] } });
    expect(pivotInput(done)).toBe(done);
    const flat = await detail(plain);
    expect('pivots' in flat).toBe(false);
  });

  it('pivots when the result columns leave the pivot field out (as the API describes them), naming it from the query', () => {
    const out = pivotInput(input({ fields: [STATUS, COUNT] }));
    expect(out.pivots?.fields).toEqual([
      { name: 'orders.created_month', view: 'orders', category: 'dimension', label: 'orders.created_month', label_short: 'created_month', sql: null },
    ]);
    expect(out.pivots?.columns.map((c) => c.key)).toEqual(['2024-01', '2024-02', '2024-03']);
    expect(out.rows[1]).toEqual({ 'orders.status': 'pending', 'orders.count': { '2024-01': null, '2024-02': 11, '2024-03': 12 } });
    // Metadata of a filtered field is used when the caller has it.
    expect(pivotInput(input({ fields: [STATUS, COUNT], filterFields: [MONTH] })).pivots?.fields).toEqual([MONTH]);
    // Rows without the pivot values cannot be pivoted: left as they are.
    const noValues = input({ fields: [STATUS, COUNT], rows: [{ 'orders.status': 'a', 'orders.count': 1 }] });
    expect(pivotInput(noValues)).toBe(noValues);
  });

  it('counts distinct rows, not pivot cells, for truncated', async () => {
    expect((await detail(input({ query: { ...input().query, limit: 2 } }))).truncated).toBe(true);
    expect((await detail(input({ query: { ...input().query, limit: 3 } }))).truncated).toBeUndefined();
  });
});

describe('pivoted totals and sort direction', () => {
  /** Row totals as the row-totals statement returns them: by row dimensions, in no particular order. */
  const ROW_TOTALS: ResultRow[] = [
    { 'orders.status': 'pending', 'orders.count': 23, 'orders.total_amount': 11 },
    { 'orders.status': 'complete', 'orders.count': 1300, 'orders.total_amount': 150 },
  ];
  const PIVOT_TOTALS: ResultRow[] = [
    { 'orders.created_month': '2024-03', 'orders.count': 1212, 'orders.total_amount': 13 },
    { 'orders.created_month': '2024-01', 'orders.count': 10, 'orders.total_amount': 100.5 },
    { 'orders.created_month': '2024-02', 'orders.count': 11, 'orders.total_amount': 5 },
  ];
  const withTotals = (over: Partial<QueryResultInput> = {}): QueryResultInput => input({
    query: { ...input().query, row_total: 'right', total: true },
    rowTotals: ROW_TOTALS, pivotTotals: PIVOT_TOTALS, totals: { 'orders.count': 1323, 'orders.total_amount': 161 }, hasTotals: true, ...over,
  });

  it('adds each row\'s total under $$$_row_total_$$$ (from SQL, not a sum of cells) and a final is_total pivot', () => {
    const out = pivotInput(withTotals());
    expect(out.hasRowTotals).toBe(true);
    expect(out.rows).toEqual([
      { 'orders.status': 'complete', 'orders.count': { '2024-01': 10, '2024-02': null, '2024-03': 1200, [ROW_TOTAL_KEY]: 1300 }, 'orders.total_amount': { '2024-01': 100.5, '2024-02': null, '2024-03': 7, [ROW_TOTAL_KEY]: 150 } },
      { 'orders.status': 'pending', 'orders.count': { '2024-01': null, '2024-02': 11, '2024-03': 12, [ROW_TOTAL_KEY]: 23 }, 'orders.total_amount': { '2024-01': null, '2024-02': 5, '2024-03': 6, [ROW_TOTAL_KEY]: 11 } },
    ]);
    expect(out.pivots?.columns.at(-1)).toEqual({ key: '$$$_row_total_$$$', data: {}, sort_values: {}, is_total: true });
    expect(out.pivots?.columns.map((c) => c.key)).toEqual(['2024-01', '2024-02', '2024-03', '$$$_row_total_$$$']);
  });

  it('keys column totals per measure by pivot key, the grand total under $$$_row_total_$$$ only with row totals', () => {
    expect(pivotInput(withTotals()).totals).toEqual({
      'orders.count': { '2024-01': 10, '2024-02': 11, '2024-03': 1212, [ROW_TOTAL_KEY]: 1323 },
      'orders.total_amount': { '2024-01': 100.5, '2024-02': 5, '2024-03': 13, [ROW_TOTAL_KEY]: 161 },
    });
    const noRowTotals = pivotInput(withTotals({ query: { ...input().query, total: true } }));
    expect(noRowTotals.hasRowTotals).toBeUndefined();
    expect(noRowTotals.pivots?.columns.some((c) => c.is_total)).toBe(false);
    expect(noRowTotals.totals).toEqual({
      'orders.count': { '2024-01': 10, '2024-02': 11, '2024-03': 1212 },
      'orders.total_amount': { '2024-01': 100.5, '2024-02': 5, '2024-03': 13 },
    });
    // A pivot value the totals statement did not return (e.g. cut by its own column limit) has a null total.
    expect(pivotInput(withTotals({ pivotTotals: PIVOT_TOTALS.slice(1) })).totals?.['orders.count']).toEqual({ '2024-01': 10, '2024-02': 11, '2024-03': null, [ROW_TOTAL_KEY]: 1323 });
  });

  it('matches row totals by the row dimensions (NULL with NULL, 1 not "1"); a row without one gets null', () => {
    const tier = field('orders.tier', 'dimension', 'number');
    const rows: ResultRow[] = [
      { 'orders.tier': 1, 'orders.created_month': '2024-01', 'orders.count': 1 },
      { 'orders.tier': null, 'orders.created_month': '2024-01', 'orders.count': 2 },
      { 'orders.tier': 3, 'orders.created_month': '2024-01', 'orders.count': 3 },
    ];
    const out = pivotInput(input({
      fields: [tier, MONTH, COUNT], rows, query: { model: 'shop', view: 'orders', fields: [], pivots: ['orders.created_month'], row_total: 'left' },
      rowTotals: [{ 'orders.tier': null, 'orders.count': 20 }, { 'orders.tier': '1', 'orders.count': 99 }, { 'orders.tier': 1, 'orders.count': 10 }],
    }));
    expect(out.rows.map((r) => (r['orders.count'] as Record<string, unknown>)[ROW_TOTAL_KEY])).toEqual([10, 20, null]);
  });

  it('leaves row totals out when row_total is blank or "false", or when no row totals were computed', () => {
    for (const rowTotal of ['', 'false', null]) {
      const out = pivotInput(withTotals({ query: { ...input().query, row_total: rowTotal } }));
      expect(out.hasRowTotals).toBeUndefined();
      expect(Object.keys(out.rows[0]!['orders.count'] as object)).toEqual(['2024-01', '2024-02', '2024-03']);
    }
    expect(pivotInput({ ...withTotals(), rowTotals: undefined }).pivots?.columns.map((c) => c.key)).toEqual(['2024-01', '2024-02', '2024-03']);
  });

  it('orders pivot columns descending when the query sorts the pivot field desc', () => {
    // Each row holds a single pivot value, so only the values' comparison orders the columns.
    const rows: ResultRow[] = [
      { 'orders.status': 'a', 'orders.created_month': '2024-01', 'orders.count': 1 },
      { 'orders.status': 'b', 'orders.created_month': '2024-03', 'orders.count': 3 },
      { 'orders.status': 'c', 'orders.created_month': null, 'orders.count': 4 },
      { 'orders.status': 'd', 'orders.created_month': '2024-02', 'orders.count': 2 },
    ];
    const query = { model: 'shop', view: 'orders', fields: [], pivots: ['orders.created_month'] };
    const keys = (sorts: string[], nulls: 'high' | 'low' = 'high'): string[] | undefined =>
      pivotInput(input({ fields: [STATUS, MONTH, COUNT], rows, nullSortTreatment: nulls, query: { ...query, sorts } })).pivots?.columns.map((c) => c.key);
    expect(keys([])).toEqual(['2024-01', '2024-02', '2024-03', '∅']);
    expect(keys(['orders.created_month desc'])).toEqual(['∅', '2024-03', '2024-02', '2024-01']);
    expect(keys(['orders.status', 'orders.created_month DESC 1'], 'low')).toEqual(['2024-03', '2024-02', '2024-01', '∅']);
    expect(keys(['orders.created_month asc'])).toEqual(['2024-01', '2024-02', '2024-03', '∅']);
  });

  it('a second pivot field sorted desc orders within the first one ascending', () => {
    const rows: ResultRow[] = [
      { 'orders.created_month': '2024-01', 'orders.is_big': false, 'orders.count': 1 },
      { 'orders.created_month': '2024-02', 'orders.is_big': true, 'orders.count': 2 },
      { 'orders.created_month': '2024-01', 'orders.is_big': true, 'orders.count': 3 },
    ].map((r) => ({ ...r, 'orders.status': String(r['orders.count']) }));
    const out = pivotInput(input({
      fields: [STATUS, MONTH, BIG, COUNT], rows,
      query: { model: 'shop', view: 'orders', fields: [], pivots: ['orders.created_month', 'orders.is_big'], sorts: ['orders.is_big desc'] },
    }));
    expect(out.pivots?.columns.map((c) => c.key)).toEqual(['2024-01|FIELD|Yes', '2024-01|FIELD|No', '2024-02|FIELD|Yes']);
  });
});
