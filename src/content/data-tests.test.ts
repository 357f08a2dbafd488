import { describe, expect, it } from 'vitest';
import { parseLookml } from '../lookml/index.ts';
import { buildProject } from '../model/index.ts';
import { assertLabel, dataTestQuery, DATA_TEST_ROW_LIMIT, findDataTests, queryUrlParams, type DataTest } from './data-tests.ts';

const ORDERS_VIEW = `view: orders {
  sql_table_name: main.orders ;;
  dimension: id { primary_key: yes type: number sql: \${TABLE}.id ;; }
  dimension: status { sql: \${TABLE}.status ;; }
  measure: count { type: count }
}
`;

function scan(files: Record<string, string>): ReturnType<typeof findDataTests> {
  const parsed = Object.entries(files).map(([path, text]) => parseLookml(text, path));
  return findDataTests(parsed, buildProject(parsed, { projectName: 'shop' }));
}

function only(tests: readonly DataTest[], name: string): DataTest {
  const found = tests.filter((t) => t.name === name);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('finding data tests', () => {
  const files = {
    'shop.model.lkml': [
      'connection: "warehouse"',
      'include: "*.view.lkml"',
      'include: "tests/*.lkml"',
      'explore: orders {}',
      'test: in_model {',
      '  explore_source: orders {',
      '    column: count { field: orders.count }',
      '  }',
      '  assert: positive { expression: ${orders.count} > 0 ;; }',
      '}',
    ].join('\n'),
    'other.model.lkml': 'connection: "warehouse"\ninclude: "*.view.lkml"\nexplore: orders {}\n',
    'orders.view.lkml': ORDERS_VIEW,
    'tests/orders_tests.lkml': [
      'test: status_known {',
      '  explore_source: orders {',
      '    column: status {}',
      '    column: n { field: orders.count }',
      '    filters: [orders.status: "-NULL", id: ">3"]',
      '    filters: { field: orders.count value: ">0" }',
      '    sorts: [n: desc, status]',
      '    limit: 20',
      '    timezone: "Europe/Paris"',
      '  }',
      '  assert: status_is_known {',
      '    expression: ${orders.status} = "complete" OR ${orders.status} = "pending" ;;',
      '  }',
      '  assert: has_orders { expression: ${orders.count} >= 1 ;; }',
      '}',
    ].join('\n'),
    'stray.lkml': 'test: nobody_runs_me {\n  explore_source: orders { column: id {} }\n  assert: a { expression: yes ;; }\n}\n',
  };

  it('finds tests in model files and in files the models include, each with the models it belongs to', () => {
    const { tests, diagnostics } = scan(files);
    expect(tests.map((t) => [t.name, t.file, t.loc.line, t.models])).toEqual([
      ['in_model', 'shop.model.lkml', 5, ['shop']],
      ['nobody_runs_me', 'stray.lkml', 1, []],
      ['status_known', 'tests/orders_tests.lkml', 1, ['shop']],
    ]);
    expect(diagnostics).toEqual([{
      code: 'data-test/not-included', severity: 'warning', file: 'stray.lkml', line: 1, column: 1,
      message: 'Data test "nobody_runs_me" is in stray.lkml, which no model includes, so it never runs',
    }]);
  });

  it('lists a test under every model that includes its file', () => {
    const { tests } = scan({ ...files, 'other.model.lkml': 'connection: "warehouse"\ninclude: "*.view.lkml"\ninclude: "/tests/orders_tests.lkml"\nexplore: orders {}\n' });
    expect(only(tests, 'status_known').models).toEqual(['other', 'shop']);
  });

  it('reads the explore_source query and the asserts', () => {
    const test = only(scan(files).tests, 'status_known');
    expect(test).toMatchObject({
      explore: 'orders',
      columns: [{ name: 'status', loc: { line: 3, column: 13 } }, { name: 'n', field: 'orders.count', loc: { line: 4, column: 24 } }],
      filters: [{ field: 'orders.status', expression: '-NULL' }, { field: 'id', expression: '>3' }, { field: 'orders.count', expression: '>0' }],
      sorts: [{ field: 'n', desc: true }, { field: 'status', desc: false }],
      limit: 20,
      timezone: 'Europe/Paris',
      problems: [],
    });
    expect(test.asserts.map((a) => [a.name, a.expression, a.loc.line, a.expr?.kind])).toEqual([
      ['status_is_known', '${orders.status} = "complete" OR ${orders.status} = "pending"', 11, 'binary'],
      ['has_orders', '${orders.count} >= 1', 14, 'binary'],
    ]);
  });

  it('builds the query the test runs: unqualified names belong to the base view, sorts may name columns', () => {
    const parsed = Object.entries(files).map(([path, text]) => parseLookml(text, path));
    const project = buildProject(parsed, { projectName: 'shop' });
    const test = only(findDataTests(parsed, project).tests, 'status_known');
    expect(dataTestQuery(test, project.models.shop, 'shop')).toMatchObject({
      model: 'shop',
      view: 'orders',
      fields: ['orders.status', 'orders.count'],
      filters: { 'orders.count': '>0', 'orders.id': '>3', 'orders.status': '-NULL' },
      sorts: ['orders.count desc', 'orders.status'],
      limit: '20',
      query_timezone: 'Europe/Paris',
      filter_expression: null,
      pivots: null,
    });
    const inModel = only(findDataTests(parsed, project).tests, 'in_model');
    expect(dataTestQuery(inModel, project.models.shop, 'shop')).toMatchObject({ fields: ['orders.count'], filters: {}, sorts: null, limit: String(DATA_TEST_ROW_LIMIT) });
  });

  it('names unqualified columns after the explore\'s view_name alias', () => {
    const parsed = [
      parseLookml('connection: "w"\ninclude: "*.view.lkml"\nexplore: sales { view_name: orders }\ntest: t { explore_source: sales { column: id {} } assert: a { expression: ${orders.id} > 0 ;; } }\n', 'm.model.lkml'),
      parseLookml(ORDERS_VIEW, 'orders.view.lkml'),
    ];
    const project = buildProject(parsed);
    const test = only(findDataTests(parsed, project).tests, 't');
    expect(dataTestQuery(test, project.models.m, 'm')).toMatchObject({ view: 'sales', fields: ['orders.id'] });
  });
});

describe('query_url_params', () => {
  it('has Looker\'s shape: fields, limit (Explore default 500) and the asserts as looker_assert_ table calculations', () => {
    const parsed = [
      parseLookml([
        'connection: "w"',
        'include: "*.view.lkml"',
        'explore: users {}',
        'test: users_age_should_be_in_expected_range {',
        '  explore_source: users { column: age { field: users.age } }',
        '  assert: age_should_be_greater_than_zero { expression: ${users.age} > 0 ;; }',
        '  assert: age_should_be_less_than_130 { expression: ${users.age} < 130 ;; }',
        '}',
      ].join('\n'), 'eye_exam.model.lkml'),
      parseLookml('view: users { dimension: age { type: number } }', 'users.view.lkml'),
    ];
    const project = buildProject(parsed);
    const test = only(findDataTests(parsed, project).tests, 'users_age_should_be_in_expected_range');
    const params = queryUrlParams(test, project.models.eye_exam);
    // What Looker answered for the same test (Spectacles' recorded cassette), less Ruby's \u003e
    // escapes and the expression's trailing space.
    expect(params).toBe('fields=users.age&limit=500&dynamic_fields=%5B%7B%22table_calculation%22%3A%22looker_assert_age_should_be_greater_than_zero%22%2C%22label%22%3A%22Age+Should+Be+Greater+Than+Zero%22%2C%22expression%22%3A%22%24%7Busers.age%7D+%3E+0%22%7D%2C%7B%22table_calculation%22%3A%22looker_assert_age_should_be_less_than_130%22%2C%22label%22%3A%22Age+Should+Be+Less+Than+130%22%2C%22expression%22%3A%22%24%7Busers.age%7D+%3C+130%22%7D%5D');
    const looker = 'fields=users.age&limit=500&dynamic_fields=%5B%7B%22table_calculation%22%3A%22looker_assert_age_should_be_greater_than_zero%22%2C%22label%22%3A%22Age+Should+Be+Greater+Than+Zero%22%2C%22expression%22%3A%22%24%7Busers.age%7D+%5Cu003e+0+%22%7D%2C%7B%22table_calculation%22%3A%22looker_assert_age_should_be_less_than_130%22%2C%22label%22%3A%22Age+Should+Be+Less+Than+130%22%2C%22expression%22%3A%22%24%7Busers.age%7D+%5Cu003c+130+%22%7D%5D';
    const decode = (s: string): unknown => {
      const p = new URLSearchParams(s);
      return { fields: p.get('fields'), limit: p.get('limit'), calcs: (JSON.parse(p.get('dynamic_fields')!) as { expression: string }[]).map((c) => ({ ...c, expression: c.expression.trim() })) };
    };
    expect(decode(params)).toEqual(decode(looker));
  });

  it('carries filters, sorts and an explicit limit', () => {
    const parsed = [
      parseLookml('connection: "w"\ninclude: "*.view.lkml"\nexplore: orders {}\ntest: t {\n  explore_source: orders {\n    column: id {}\n    column: n { field: orders.count }\n    filters: [orders.status: "complete, pending"]\n    sorts: [n: desc]\n    limit: 7\n  }\n  assert: a { expression: ${orders.id} > 0 ;; }\n}\n', 'm.model.lkml'),
      parseLookml(ORDERS_VIEW, 'orders.view.lkml'),
    ];
    const project = buildProject(parsed);
    const params = queryUrlParams(only(findDataTests(parsed, project).tests, 't'), project.models.m);
    expect(params.split('&dynamic_fields=')[0]).toBe('fields=orders.id,orders.count&f[orders.status]=complete%2C+pending&sorts=orders.count+desc&limit=7');
  });

  it('labels asserts as Looker does', () => {
    expect(assertLabel('users__fail_first_name_should_be_in_caps')).toBe('Users Fail First Name Should Be In Caps');
  });
});

describe('malformed data tests', () => {
  const lines = [
    'connection: "warehouse"',                                   // 1
    'include: "*.view.lkml"',                                    // 2
    'explore: orders {}',                                        // 3
    'test: no_source {',                                         // 4
    '  assert: a { expression: yes ;; }',                        // 5
    '}',                                                         // 6
    'test: empty {',                                             // 7
    '  explore_source: orders {',                                // 8
    '    derived_column: x { sql: 1 ;; }',                       // 9
    '    limit: -3',                                             // 10
    '    colour: red',                                           // 11
    '  }',                                                       // 12
    '  expected: 1',                                             // 13
    '}',                                                         // 14
    'test: broken_assert {',                                     // 15
    '  explore_source: orders { column: id {} }',                // 16
    '  assert: no_expr { }',                                     // 17
    '  assert: bad {',                                           // 18
    '    expression:',                                           // 19
    '      ${orders.id} >',                                      // 20
    '      AND yes ;;',                                          // 21
    '  }',                                                       // 22
    '}',                                                         // 23
    'test: broken_assert {',                                     // 24
    '  explore_source: orders { column: id {} }',                // 25
    '  assert: fine { expression: ${orders.id} > 0 ;; }',        // 26
    '}',                                                         // 27
    'test: { explore_source: orders { column: id {} } }',       // 28
  ];

  it('reports each problem at its file, line and column', () => {
    const { tests, diagnostics } = scan({ 'shop.model.lkml': lines.join('\n'), 'orders.view.lkml': ORDERS_VIEW });
    expect(diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ['data-test/missing-explore-source', 4, 7],
      ['data-test/unsupported', 9, 5],
      ['data-test/bad-limit', 10, 12],
      ['data-test/unknown-parameter', 11, 5],
      ['data-test/missing-column', 8, 19],
      ['data-test/unknown-parameter', 13, 3],
      ['data-test/missing-assert', 7, 7],
      ['data-test/missing-expression', 17, 11],
      ['data-test/bad-expression', 21, 7],
      ['data-test/duplicate', 24, 1],
      ['data-test/syntax', 28, 1],
    ].sort((a, b) => (a[1] as number) - (b[1] as number) || (a[2] as number) - (b[2] as number)));
    expect(diagnostics.find((d) => d.code === 'data-test/bad-expression')).toEqual({
      code: 'data-test/bad-expression', severity: 'error', file: 'shop.model.lkml', line: 21, column: 7,
      message: 'Invalid expression of assert "bad" at character 22: \'AND\' needs an operand before it',
    });
    expect(diagnostics.find((d) => d.code === 'data-test/unsupported')?.message).toBe('derived_column is not supported in the explore_source of a data test ("empty")');
    expect(diagnostics.find((d) => d.code === 'data-test/duplicate')?.message).toBe('Data test "broken_assert" on explore "orders" is already defined at shop.model.lkml:15; data tests with the same explore_source need different names');
    // Tests with a name and an explore are listed (running them reports their problems); the rest are not.
    expect(tests.map((t) => [t.name, t.problems.length])).toEqual([['empty', 6], ['broken_assert', 2], ['broken_assert', 1]]);
  });
});
