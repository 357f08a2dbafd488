import { describe, expect, it } from 'vitest';
import { canonicalQuery, type CanonicalQuery } from '../queries/canonical.ts';
import {
  copyTitle, elementQueryWithFilters, listenFromLookml, listenFromResultMaker, markdownHtml, nextPlacement, parseDashboardFilters,
  refreshIntervalMs, renameListen, resolveFilterValues,
} from './dashboards-logic.ts';

function query(body: Record<string, unknown>): CanonicalQuery {
  const parsed = canonicalQuery({ model: 'shop', view: 'orders', ...body });
  if ('problems' in parsed) throw new Error(JSON.stringify(parsed.problems));
  return parsed.query;
}

describe('listen entries', () => {
  it('reads result_maker.filterables[].listen[], dropping malformed entries', () => {
    expect(listenFromResultMaker({
      filterables: [
        { model: 'shop', view: 'orders', listen: [{ dashboard_filter_name: 'Status', field: 'orders.status' }, { dashboard_filter_name: 'X' }, 'junk'] },
        { listen: [{ dashboard_filter_name: 'Date', field: 'orders.created_date' }, { dashboard_filter_name: '', field: 'orders.id' }] },
        { listen: null },
      ],
    })).toEqual([
      { dashboard_filter_name: 'Status', field: 'orders.status' },
      { dashboard_filter_name: 'Date', field: 'orders.created_date' },
    ]);
    expect(listenFromResultMaker(null)).toEqual([]);
    expect(listenFromResultMaker({ filterables: 'x' })).toEqual([]);
  });

  it('reads a LookML listen map in both forms', () => {
    expect(listenFromLookml({ Date: 'order_items.created_date', Country: { field: 'users.country' }, Bad: 3 })).toEqual([
      { dashboard_filter_name: 'Date', field: 'order_items.created_date' },
      { dashboard_filter_name: 'Country', field: 'users.country' },
    ]);
    expect(listenFromLookml(['x'])).toEqual([]);
  });

  it('renames a filter in listen entries', () => {
    expect(renameListen([{ dashboard_filter_name: 'A', field: 'v.a' }, { dashboard_filter_name: 'B', field: 'v.b' }], 'A', 'Z'))
      .toEqual([{ dashboard_filter_name: 'Z', field: 'v.a' }, { dashboard_filter_name: 'B', field: 'v.b' }]);
  });
});

describe('elementQueryWithFilters', () => {
  const own = query({ fields: ['orders.status', 'orders.count'], filters: { 'orders.status': '-pending', 'orders.id': '>10' }, limit: '10' });
  const listen = [
    { dashboard_filter_name: 'Status', field: 'orders.status' },
    { dashboard_filter_name: 'Date', field: 'orders.created_date' },
  ];

  it('puts each listened filter value on its field, replacing the tile\'s own filter there', () => {
    const merged = elementQueryWithFilters({ query: own, listen }, { Status: 'complete', Date: '2024' });
    expect(merged.filters).toEqual({ 'orders.created_date': '2024', 'orders.id': '>10', 'orders.status': 'complete' });
    expect(Object.keys(merged.filters ?? {})).toEqual(['orders.created_date', 'orders.id', 'orders.status']);
    expect(merged).toMatchObject({ model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'], limit: '10' });
    expect(own.filters).toEqual({ 'orders.id': '>10', 'orders.status': '-pending' });
  });

  it('keeps the tile\'s filter when the dashboard filter is empty ("is any value") or absent', () => {
    expect(elementQueryWithFilters({ query: own, listen }, { Status: '', Date: '  ' })).toBe(own);
    expect(elementQueryWithFilters({ query: own, listen }, {})).toBe(own);
    expect(elementQueryWithFilters({ query: own, listen: [] }, { Status: 'complete' })).toBe(own);
  });

  it('ignores filters the element does not listen to, and lets the later of two listeners on one field win', () => {
    const q = query({ fields: ['orders.count'] });
    const merged = elementQueryWithFilters({
      query: q,
      listen: [{ dashboard_filter_name: 'A', field: 'orders.status' }, { dashboard_filter_name: 'B', field: 'orders.status' }],
    }, { A: 'pending', B: 'complete', C: 'x' });
    expect(merged.filters).toEqual({ 'orders.status': 'complete' });
  });

  it('stays canonical: the merged query equals the one create_query would store', () => {
    const merged = elementQueryWithFilters({ query: own, listen }, { Status: 'complete' });
    const direct = query({ fields: ['orders.status', 'orders.count'], filters: { 'orders.status': 'complete', 'orders.id': '>10' }, limit: '10' });
    expect(JSON.stringify(merged)).toBe(JSON.stringify(direct));
  });
});

describe('filter values', () => {
  it('takes defaults, then the given values by name; unknown names are ignored', () => {
    const filters = [{ name: 'Status', default_value: 'complete' }, { name: 'Date', default_value: null }, { name: 'Region', default_value: 'EU' }];
    expect(resolveFilterValues(filters)).toEqual({ Status: 'complete', Region: 'EU' });
    expect(resolveFilterValues(filters, { Status: 'pending', Date: '2024', Other: 'x', Region: '' })).toEqual({ Status: 'pending', Date: '2024', Region: '' });
  });

  it('parses dashboard_filters in URL query format', () => {
    expect(parseDashboardFilters('Date=last%207%20days&Country=US%2CCA&Empty=')).toEqual({ Date: 'last 7 days', Country: 'US,CA', Empty: '' });
    expect(parseDashboardFilters('?Status=complete')).toEqual({ Status: 'complete' });
    expect(parseDashboardFilters('')).toEqual({});
    expect(parseDashboardFilters(undefined)).toEqual({});
  });
});

describe('layout placement', () => {
  it('fills the 24-column grid left to right, then the next free row', () => {
    const placed: ReturnType<typeof nextPlacement>[] = [];
    for (let i = 0; i < 4; i++) placed.push(nextPlacement(placed));
    expect(placed).toEqual([
      { row: 0, column: 0, width: 8, height: 6 }, { row: 0, column: 8, width: 8, height: 6 },
      { row: 0, column: 16, width: 8, height: 6 }, { row: 6, column: 0, width: 8, height: 6 },
    ]);
  });

  it('uses a gap left by a moved tile and clamps sizes to the grid', () => {
    const existing = [{ row: 0, column: 0, width: 8, height: 6 }, { row: 0, column: 16, width: 8, height: 6 }, { row: 6, column: 0, width: 24, height: 4 }];
    expect(nextPlacement(existing)).toEqual({ row: 0, column: 8, width: 8, height: 6 });
    expect(nextPlacement(existing, { width: 40, height: 0 })).toEqual({ row: 10, column: 0, width: 24, height: 1 });
  });
});

describe('small helpers', () => {
  it('names copies as Looker does', () => {
    expect(copyTitle('Sales', [])).toBe('Sales');
    expect(copyTitle('Sales', ['sales'])).toBe('Sales (copy)');
    expect(copyTitle('Sales', ['Sales', 'Sales (copy)', 'Sales (copy 2)'])).toBe('Sales (copy 3)');
  });

  it('reads refresh intervals as milliseconds', () => {
    expect(refreshIntervalMs('2 hours 30 minutes')).toBe(9_000_000);
    expect(refreshIntervalMs('1 day, 1 second')).toBe(86_401_000);
    expect(refreshIntervalMs('90')).toBe(90_000);
    expect(refreshIntervalMs('soon')).toBeNull();
    expect(refreshIntervalMs('5 minutes and 2 parsecs')).toBeNull();
    expect(refreshIntervalMs(null)).toBeNull();
  });

  it('renders text-tile Markdown and escapes everything else', () => {
    expect(markdownHtml('# Sales\n\nThe **big** numbers, *daily*.\nSee [docs](https://example.com/a?b=1).\n\n- one\n- `two`'))
      .toBe('<h1>Sales</h1>\n<p>The <strong>big</strong> numbers, <em>daily</em>.<br>See <a href="https://example.com/a?b=1">docs</a>.</p>\n<ul><li>one</li><li><code>two</code></li></ul>');
    expect(markdownHtml('<script>alert(1)</script> [x](javascript:alert(1))')).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1))</p>');
    expect(markdownHtml(null)).toBeNull();
  });
});
