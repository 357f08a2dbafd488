/**
 * The web table's reading of json_detail (web/src/vis/result.ts) fed with the server's own
 * json_detail (src/queries/formats): row-total columns of a pivoted query, and the totals row per
 * pivot value and for unpivoted queries.
 */
import { describe, expect, it } from 'vitest';
import { jsonDetailObject, type FieldMeta, type QueryResultInput } from '../src/queries/formats/index.ts';
import type { JsonDetail } from '../web/src/looker.ts';
import { tableFromDetail } from '../web/src/vis/result.ts';

function field(name: string, label: string, category: 'dimension' | 'measure'): FieldMeta {
  return { name, label, label_short: label, category, type: category === 'measure' ? 'count' : 'string', is_numeric: category === 'measure', view: 'orders' };
}

const STATUS = field('orders.status', 'Status', 'dimension');
const CHANNEL = field('orders.channel', 'Channel', 'dimension');
const COUNT = field('orders.count', 'Count', 'measure');

const PIVOTED: QueryResultInput = {
  fields: [STATUS, CHANNEL, COUNT],
  rows: [
    { 'orders.status': 'complete', 'orders.channel': 'store', 'orders.count': 1 },
    { 'orders.status': 'complete', 'orders.channel': 'web', 'orders.count': 1200 },
    { 'orders.status': 'pending', 'orders.channel': 'web', 'orders.count': 3 },
  ],
  sql: 'SELECT 1',
  query: { model: 'shop', view: 'orders', fields: ['orders.status', 'orders.channel', 'orders.count'], pivots: ['orders.channel'], total: true, row_total: 'right' },
  rowTotals: [{ 'orders.status': 'complete', 'orders.count': 1201 }, { 'orders.status': 'pending', 'orders.count': 9 }],
  pivotTotals: [{ 'orders.channel': 'store', 'orders.count': 1 }, { 'orders.channel': 'web', 'orders.count': 1203 }],
  totals: { 'orders.count': 1210 },
  hasTotals: true,
  runtimeSeconds: 0,
};

const table = (input: QueryResultInput) => tableFromDetail(jsonDetailObject(input) as unknown as JsonDetail);

describe('web result table from json_detail', () => {
  it('adds a Row Total column per measure after the pivot columns', () => {
    const t = table(PIVOTED);
    expect(t.columns.map((c) => [c.key, c.pivotLabel, c.total])).toEqual([
      ['orders.status', null, false],
      ['orders.count|store', 'store', false],
      ['orders.count|web', 'web', false],
      ['orders.count|$$$_row_total_$$$', 'Row Total', true],
    ]);
    expect(t.rows.map((r) => r.map((c) => c.text))).toEqual([['complete', '1', '1,200', '1,201'], ['pending', '∅', '3', '9']]);
  });

  it('gives the totals row per pivot value, the grand total under Row Total, blank under dimensions', () => {
    expect(table(PIVOTED).totals?.map((c) => c.text)).toEqual(['', '1', '1,203', '1,210']);
    const noRowTotals = table({ ...PIVOTED, query: { ...PIVOTED.query, row_total: null } });
    expect(noRowTotals.columns.map((c) => c.key)).toEqual(['orders.status', 'orders.count|store', 'orders.count|web']);
    expect(noRowTotals.totals?.map((c) => c.text)).toEqual(['', '1', '1,203']);
  });

  it('unpivoted: one totals cell per measure; no totals row without totals', () => {
    const flat: QueryResultInput = {
      ...PIVOTED, fields: [STATUS, COUNT], rows: [{ 'orders.status': 'a', 'orders.count': 2 }],
      query: { model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'], total: true }, totals: { 'orders.count': 2000 },
    };
    expect(table(flat).totals?.map((c) => c.text)).toEqual(['', '2,000']);
    expect(table({ ...flat, totals: undefined, hasTotals: false }).totals).toBeNull();
  });
});
