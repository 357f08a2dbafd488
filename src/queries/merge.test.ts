import { describe, expect, it } from 'vitest';
import { canonicalQuery, type CanonicalQuery } from './canonical.ts';
import {
  joinRows, limitOf, matchKey, mergedColumns, mergeInput, mergeProblems, parseSort, sortRows, type MergeDefinition, type MergeField,
} from './merge.ts';

function query(body: Record<string, unknown>): CanonicalQuery {
  const parsed = canonicalQuery({ model: 'shop', view: 'orders', ...body });
  if ('problems' in parsed) throw new Error('bad test query');
  return parsed.query;
}

function definition(sources: { query_id: string; merge_fields?: MergeField[] }[], extra: Partial<MergeDefinition> = {}): MergeDefinition {
  return {
    source_queries: sources.map((s) => ({ query_id: s.query_id, name: null, merge_fields: s.merge_fields ?? [] })),
    pivots: null, sorts: null, limit: null, column_limit: null, total: false, dynamic_fields: null, vis_config: null, ...extra,
  };
}

const byStatus: MergeField[] = [{ field_name: 'orders.status', source_field_name: 'users.state' }];

describe('mergeInput', () => {
  it('refuses an empty or missing source list', () => {
    const problem = { field: 'source_queries', code: 'missing_field', message: 'A merge query needs at least one source query.' };
    expect(mergeInput({ source_queries: [] })).toEqual({ problems: [problem] });
    expect(mergeInput({})).toEqual({ problems: [problem] });
  });

  it('canonicalizes: numbers as strings, merge_fields null as [], vis_config keys sorted, defaults explicit', () => {
    const parsed = mergeInput({
      source_queries: [{ query_id: 7, name: 'Orders' }, { query_slug: 'abc', merge_fields: [{ field_name: 'a.x', source_field_name: 'b.x' }] }],
      limit: 10, vis_config: { type: 'table', b: '1' },
    });
    expect(parsed).toEqual({
      input: {
        source_queries: [
          { query_id: '7', query_slug: null, name: 'Orders', merge_fields: [] },
          { query_id: null, query_slug: 'abc', name: null, merge_fields: [{ field_name: 'a.x', source_field_name: 'b.x' }] },
        ],
        pivots: null, sorts: null, limit: '10', column_limit: null, total: false, dynamic_fields: null, vis_config: { b: '1', type: 'table' },
      },
    });
    expect(Object.keys((parsed as { input: { vis_config: object } }).input.vis_config)).toEqual(['b', 'type']);
  });

  it('reports every malformed member with its path', () => {
    expect(mergeInput({ source_queries: [{ merge_fields: [{ field_name: '' }] }, 3], limit: 'ten', total: 'yes' })).toEqual({
      problems: [
        { field: 'source_queries[0].query_id', code: 'missing_field', message: 'source_queries[0] needs a query_id (or query_slug).' },
        { field: 'source_queries[0].merge_fields[0].field_name', code: 'missing_field', message: 'source_queries[0].merge_fields[0].field_name is required.' },
        { field: 'source_queries[0].merge_fields[0].source_field_name', code: 'missing_field', message: 'source_queries[0].merge_fields[0].source_field_name is required.' },
        { field: 'source_queries[1]', code: 'invalid', message: 'source_queries[1] must be an object.' },
        { field: 'total', code: 'invalid', message: 'total must be a boolean.' },
        { field: 'limit', code: 'invalid', message: 'limit must be a non-negative integer.' },
      ],
    });
  });
});

describe('mergeProblems', () => {
  const primary = query({ fields: ['orders.status', 'orders.count'] });
  const users = query({ view: 'users', fields: ['users.state', 'users.count'] });

  it('accepts a valid definition', () => {
    expect(mergeProblems(definition([{ query_id: '1' }, { query_id: '2', merge_fields: byStatus }], { sorts: ['users.count desc'], pivots: ['orders.status'] }), [primary, users])).toEqual([]);
  });

  it('names unknown queries', () => {
    expect(mergeProblems(definition([{ query_id: '1' }, { query_id: '99', merge_fields: byStatus }]), [primary, null])).toEqual([
      { field: 'source_queries[1].query_id', code: 'invalid', message: 'Query 99 not found.' },
    ]);
  });

  it('names merge fields that are not fields of their queries, and secondaries without merge fields', () => {
    const bad: MergeField[] = [{ field_name: 'orders.nope', source_field_name: 'users.zip' }];
    expect(mergeProblems(definition([{ query_id: '1' }, { query_id: '2', merge_fields: bad }, { query_id: '3' }]), [primary, users, users])).toEqual([
      { field: 'source_queries[1].merge_fields[0].field_name', code: 'invalid', message: 'Merge field "orders.nope" is not a field of the primary query (query 1).' },
      { field: 'source_queries[1].merge_fields[0].source_field_name', code: 'invalid', message: 'Merge field "users.zip" is not a field of source query 2 (query 2).' },
      { field: 'source_queries[2].merge_fields', code: 'missing_field', message: 'Source query 3 (query 3) needs at least one merge field matching it to the primary query.' },
    ]);
  });

  it('names sorts and pivots that are not merged columns (a source\'s merge field is not one)', () => {
    expect(mergeProblems(definition([{ query_id: '1' }, { query_id: '2', merge_fields: byStatus }], { sorts: ['users.state'], pivots: ['x.y'] }), [primary, users])).toEqual([
      { field: 'sorts[0]', code: 'invalid', message: 'Sort field "users.state" is not a column of the merged results.' },
      { field: 'pivots[0]', code: 'invalid', message: 'Pivot field "x.y" is not a column of the merged results.' },
    ]);
  });

  it('refuses an empty source list', () => {
    expect(mergeProblems(definition([]), [])).toEqual([{ field: 'source_queries', code: 'missing_field', message: 'A merge query needs at least one source query.' }]);
  });
});

describe('mergedColumns', () => {
  it('lists the primary fields, then each source\'s non-merge fields, renaming taken names with the source position', () => {
    expect(mergedColumns([
      { fields: ['orders.status', 'orders.count'], merge_fields: [] },
      { fields: ['orders.status', 'orders.count', 'orders.total'], merge_fields: [{ field_name: 'orders.status', source_field_name: 'orders.status' }] },
      { fields: ['users.state', 'orders.count'], merge_fields: byStatus },
    ])).toEqual([
      { name: 'orders.status', source: 0, field: 'orders.status' },
      { name: 'orders.count', source: 0, field: 'orders.count' },
      { name: 'orders.count_2', source: 1, field: 'orders.count' },
      { name: 'orders.total', source: 1, field: 'orders.total' },
      { name: 'orders.count_3', source: 2, field: 'orders.count' },
    ]);
  });
});

describe('joinRows', () => {
  const primaryRows = [
    { 'orders.status': 'complete', 'orders.count': 3 },
    { 'orders.status': 'pending', 'orders.count': 2 },
    { 'orders.status': null, 'orders.count': 1 },
    { 'orders.status': 'lost', 'orders.count': 9 },
  ];
  const userRows = [
    { 'users.state': 'pending', 'users.count': 20 },
    { 'users.state': 'complete', 'users.count': 10 },
    { 'users.state': 'complete', 'users.count': 11 },
    { 'users.state': null, 'users.count': 99 },
    { 'users.state': 'unmatched', 'users.count': 5 },
  ];

  it('left-joins on the merge fields: every primary row kept, one row per match, NULL matching nothing', () => {
    const sources = [{ fields: ['orders.status', 'orders.count'], merge_fields: [] }, { fields: ['users.state', 'users.count'], merge_fields: byStatus }];
    const columns = mergedColumns(sources);
    expect(joinRows([{ rows: primaryRows, merge_fields: [] }, { rows: userRows, merge_fields: byStatus }], columns)).toEqual([
      { 'orders.status': 'complete', 'orders.count': 3, 'users.count': 10 },
      { 'orders.status': 'complete', 'orders.count': 3, 'users.count': 11 },
      { 'orders.status': 'pending', 'orders.count': 2, 'users.count': 20 },
      { 'orders.status': null, 'orders.count': 1, 'users.count': null },
      { 'orders.status': 'lost', 'orders.count': 9, 'users.count': null },
    ]);
  });

  it('matches on several fields, numbers by value whatever their JSON type, and chains several sources', () => {
    const two: MergeField[] = [{ field_name: 'a.year', source_field_name: 'b.year' }, { field_name: 'a.amount', source_field_name: 'b.amount' }];
    const third: MergeField[] = [{ field_name: 'a.year', source_field_name: 'c.y' }];
    const sources = [
      { fields: ['a.year', 'a.amount'], merge_fields: [] },
      { fields: ['b.year', 'b.amount', 'b.n'], merge_fields: two },
      { fields: ['c.y', 'c.label'], merge_fields: third },
    ];
    const rows = joinRows([
      { rows: [{ 'a.year': 2024, 'a.amount': '12.50' }, { 'a.year': 2025, 'a.amount': 1 }], merge_fields: [] },
      { rows: [{ 'b.year': '2024', 'b.amount': 12.5, 'b.n': 'x' }, { 'b.year': 2025n, 'b.amount': '1.0', 'b.n': 'y' }, { 'b.year': 2025, 'b.amount': 2, 'b.n': 'z' }], merge_fields: two },
      { rows: [{ 'c.y': 2024, 'c.label': 'first' }], merge_fields: third },
    ], mergedColumns(sources));
    expect(rows).toEqual([
      { 'a.year': 2024, 'a.amount': '12.50', 'b.n': 'x', 'c.label': 'first' },
      { 'a.year': 2025, 'a.amount': 1, 'b.n': 'y', 'c.label': null },
    ]);
  });

  it('a single source is its own rows', () => {
    const columns = mergedColumns([{ fields: ['orders.status'], merge_fields: [] }]);
    expect(joinRows([{ rows: [{ 'orders.status': 'x', extra: 1 }], merge_fields: [] }], columns)).toEqual([{ 'orders.status': 'x' }]);
  });
});

describe('matchKey', () => {
  it('normalizes numbers and numeric text, keeps other text exact', () => {
    expect([matchKey(1), matchKey('1.00'), matchKey(1n), matchKey('001')]).toEqual(['n:1', 'n:1', 'n:1', 'n:1']);
    expect([matchKey(-0.5), matchKey('-0.50')]).toEqual(['n:-0.5', 'n:-0.5']);
    expect([matchKey('Pending'), matchKey('pending'), matchKey(true), matchKey(null), matchKey(undefined)]).toEqual(['s:Pending', 's:pending', 'b:true', null, null]);
  });
});

describe('sorting and limits', () => {
  const rows = [{ s: 'b', n: 2 }, { s: null, n: 10 }, { s: 'a', n: '9' }, { s: 'b', n: null }];

  it('sorts by several fields, numbers numerically, NULLs last ascending and first descending, stable', () => {
    expect(sortRows(rows, ['s', 'n desc'])).toEqual([{ s: 'a', n: '9' }, { s: 'b', n: null }, { s: 'b', n: 2 }, { s: null, n: 10 }]);
    expect(sortRows(rows, ['n'])).toEqual([{ s: 'b', n: 2 }, { s: 'a', n: '9' }, { s: null, n: 10 }, { s: 'b', n: null }]);
    expect(sortRows(rows, null)).toEqual(rows);
  });

  it('parses sort strings and limits', () => {
    expect(parseSort(' orders.count  DESC ')).toEqual({ field: 'orders.count', desc: true });
    expect(parseSort('orders.count asc')).toEqual({ field: 'orders.count', desc: false });
    expect([limitOf(null), limitOf('5'), limitOf(' '), limitOf('x')]).toEqual([null, 5, null, null]);
  });
});
