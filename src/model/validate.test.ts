import { describe, expect, it } from 'vitest';
import { build, pos, type Files } from './test-util.ts';
import { validateProject } from './validate.ts';
import { foreignKeySqlOn } from './explore-fields.ts';

function check(files: Files): [string, string, number, number][] {
  return validateProject(build(files)).map((d) => [d.code, d.file, d.line, d.column]);
}

const clean: Files = {
  'manifest.lkml': ['project_name: "shop"', 'constant: SCHEMA { value: "s" }'],
  'shop.model.lkml': [
    'connection: "warehouse"',
    'include: "/views/*.view"',
    'explore: orders {',
    '  sql_always_where: ${orders.status} <> \'test\' ;;',
    '  always_filter: { filters: [orders.created_date: "last 30 days"] }',
    '  join: users { sql_on: ${orders.user_id} = ${users.id} ;; relationship: many_to_one fields: [users.public*] }',
    '  join: buyer { from: users foreign_key: user_id }',
    '  join: items { sql_on: ${items.order_id} = ${orders.id} ;; relationship: one_to_many }',
    '}',
    'explore: users { fields: [ALL_FIELDS*, -users.email] }',
  ],
  'views/orders.view.lkml': [
    'view: orders {',
    '  sql_table_name: @{SCHEMA}.orders ;;',
    '  dimension: id { primary_key: yes type: number }',
    '  dimension: user_id { type: number }',
    '  dimension: status {}',
    '  dimension: is_big { type: yesno sql: ${amount} > 100 ;; }',
    '  dimension: amount { type: number }',
    '  dimension_group: created { type: time timeframes: [raw, date, month] sql: ${TABLE}.created_at ;; }',
    '  dimension_group: shipping { type: duration intervals: [day] sql_start: ${created_raw} ;; sql_end: ${TABLE}.shipped_at ;; }',
    '  dimension: buyer_name { sql: ${users.name} ;; }',
    '  measure: count { type: count drill_fields: [id, users.name] }',
    '  measure: total { type: sum sql: ${amount} ;; filters: [status: "complete", is_big: "yes"] }',
    '  measure: average_order { type: number sql: ${total} / NULLIF(${count}, 0) ;; }',
    '}',
  ],
  'views/users.view.lkml': [
    'view: users {',
    '  dimension: id { primary_key: yes }',
    '  dimension: name {}',
    '  dimension: email {}',
    '  set: public { fields: [id, name] }',
    '}',
  ],
  'views/items.view.lkml': [
    'view: items {',
    '  derived_table: { sql: SELECT * FROM ${orders.SQL_TABLE_NAME} ;; }',
    '  dimension: order_id {}',
    '}',
    'view: order_facts {',
    '  derived_table: {',
    '    explore_source: orders {',
    '      column: id { field: orders.id }',
    '      column: total { field: orders.total }',
    '      filters: [orders.status: "complete"]',
    '    }',
    '  }',
    '  dimension: id { primary_key: yes }',
    '}',
  ],
};

describe('validateProject', () => {
  it('reports nothing for a clean project', () => {
    expect(validateProject(build(clean))).toEqual([]);
  });

  it('computes the sql_on a foreign_key join stands for', () => {
    const m = build(clean).models.shop!;
    const e = m.explores.orders!;
    expect(foreignKeySqlOn(m, e, e.joins[1]!)).toBe('${orders.user_id} = ${buyer.id}');
  });

  it('reports unknown ${} references at the reference, explaining dimension groups', () => {
    const v = [
      'view: v {',
      '  dimension: a { sql: ${nope} + ${TABLE}.x ;; }',
      '  dimension: b { sql: ${created} ;; }',
      '  dimension: c {',
      '    sql: CASE',
      '      WHEN ${created_date} IS NULL THEN ${processing}',
      '    END ;;',
      '  }',
      '  dimension_group: created { type: time timeframes: [date] }',
      '  dimension_group: processing { type: duration sql_start: a ;; sql_end: b ;; }',
      '}',
    ];
    const diags = validateProject(build({ 'm.model.lkml': ['connection: "db"', 'include: "v.view"', 'explore: v {}'], 'v.view.lkml': v }));
    expect(diags.map((d) => [d.code, d.line, d.column])).toEqual([
      ['model/unknown-reference', ...pos(v, '${nope}')],
      ['model/unknown-reference', ...pos(v, '${created}')],
      ['model/unknown-reference', ...pos(v, '${processing}')],
    ]);
    expect(pos(v, '${processing}')).toEqual([6, 41]);
    expect(diags.map((d) => d.message)).toEqual([
      'Unknown field ${nope}: view "v" has no field "nope"; check the spelling or define the field',
      '${created} refers to dimension_group "created", which is not a field itself; reference one of its timeframes, like ${created_date}',
      '${processing} refers to dimension_group "processing", which is not a field itself; reference one of its intervals, like ${days_processing}',
    ]);
  });

  it('checks cross-view references in each explore, once per problem', () => {
    const model = [
      'connection: "db"',
      'include: "*.view"',
      'explore: orders {',
      '  join: users { sql_on: ${orders.user_id} = ${users.id} AND ${ghost.id} = 1 ;; }',
      '}',
      'explore: lonely { view_name: orders }',
      'explore: lonely_too { from: orders }',
    ];
    const orders = [
      'view: orders {',
      '  dimension: user_id {}',
      '  dimension: user_name { sql: ${users.name} ;; }',
      '  dimension: bad { sql: ${users.nickname} ;; }',
      '}',
    ];
    const diags = validateProject(build({ 'm.model.lkml': model, 'orders.view.lkml': orders, 'users.view.lkml': ['view: users { dimension: id {} dimension: name {} }'] }));
    expect(diags.map((d) => [d.code, d.file, d.line, d.column])).toEqual([
      ['model/unknown-reference', 'm.model.lkml', ...pos(model, '${ghost.id}')],
      ['model/view-not-joined', 'orders.view.lkml', ...pos(orders, '${users.name}')],
      ['model/unknown-reference', 'orders.view.lkml', ...pos(orders, '${users.nickname}')],
    ]);
    expect(diags[0]!.message).toBe('Join "users": Unknown reference ${ghost.id}: there is no view or join named "ghost"');
    expect(diags[1]!.message).toBe(
      '${users.name} references view "users", which is not joined in explores "lonely", "lonely_too"; add a join for "users" or reference a joined view',
    );
    expect(diags[2]!.message).toBe(
      'Unknown field ${users.nickname}: view "users" has no field "nickname"; check the spelling or define the field',
    );
  });

  it('reports missing views, unknown from:, duplicate joins, missing primary keys and connections', () => {
    const model = [
      'include: "*.view"',
      'explore: ghost {}',
      'explore: orders {',
      '  join: customers { from: clients }',
      '  join: users { sql_on: ${customers.id} = ${users.id} ;; }',
      '  join: users { type: inner }',
      '  join: payments { foreign_key: id }',
      '}',
      'explore: base { extension: required view_name: nothing }',
      'explore: ext { view_name: abstract }',
    ];
    expect(
      check({
        'm.model.lkml': model,
        'orders.view.lkml': [
          'view: orders { dimension: id {} }',
          'view: users { dimension: id {} }',
          'view: payments { dimension: id {} }',
          'view: abstract { extension: required }',
        ],
      }),
    ).toEqual([
      ['model/no-connection', 'm.model.lkml', 1, 1],
      ['model/unknown-view', 'm.model.lkml', ...pos(model, 'ghost')],
      ['model/unknown-view', 'm.model.lkml', ...pos(model, 'clients')],
      ['model/duplicate-join', 'm.model.lkml', ...pos(model, 'users', 2)],
      ['model/foreign-key-without-primary-key', 'm.model.lkml', ...pos(model, 'id }')],
      ['model/extension-used', 'm.model.lkml', ...pos(model, 'abstract')],
    ]);
  });

  it('reports bad types, references between measures and dimensions, and cycles', () => {
    const v = [
      'view: v {',
      '  dimension: id { primary_key: yes type: nubmer }',
      '  dimension: id2 { primary_key: yes }',
      '  measure: count { type: count }',
      '  measure: bad_sum { type: sum sql: ${count} ;; }',
      '  measure: typo { type: summ sql: ${id} ;; }',
      '  measure: ratio { type: number sql: ${count} * 2 ;; filters: [id: "1"] }',
      '  dimension: uses_measure { sql: ${count} ;; }',
      '  dimension: a { sql: ${b} ;; }',
      '  dimension: b { sql: ${c} ;; }',
      '  dimension: c { sql: ${a} ;; }',
      '  dimension: self { sql: ${self} ;; }',
      '  filter: f { type: string }',
      '  parameter: p { type: lookup }',
      '}',
    ];
    const diags = validateProject(build({ 'm.model.lkml': ['connection: "db"', 'include: "v.view"', 'explore: v {}'], 'v.view.lkml': v }));
    expect(diags.map((d) => [d.code, d.line, d.column])).toEqual([
      ['model/unknown-type', ...pos(v, 'nubmer')],
      ['model/multiple-primary-keys', ...pos(v, 'yes', 1)],
      ['model/aggregate-references-measure', ...pos(v, '${count}')],
      ['model/unknown-type', ...pos(v, 'summ')],
      ['model/filters-on-non-aggregate', ...pos(v, '[id: "1"]')],
      ['model/dimension-references-measure', ...pos(v, '${count}', 2)],
      ['model/circular-reference', ...pos(v, '${a}')],
      ['model/circular-reference', ...pos(v, '${self}')],
      ['model/unknown-type', ...pos(v, 'lookup')],
    ]);
    expect(diags.find((d) => d.code === 'model/aggregate-references-measure')!.message).toBe(
      'Measure "bad_sum" of type sum references measure ${count}; aggregate measures can reference only dimensions — use type: number to combine measures',
    );
    expect(diags.find((d) => d.code === 'model/circular-reference')!.message).toBe(
      'Circular reference: v.a → v.b → v.c → v.a; a field cannot depend on itself',
    );
  });

  it('reports duplicate fields at both definitions, once even when extended', () => {
    const diags = validateProject(
      build({
        'm.model.lkml': [
          'connection: "db"',
          'view: base {',
          '  dimension: x {}',
          '  measure: x { type: count }',
          '}',
          'view: child { extends: [base] }',
          'explore: child {}',
        ],
      }),
    );
    expect(diags.map((d) => [d.code, d.line, d.column])).toEqual([
      ['model/duplicate-field', 3, 14],
      ['model/duplicate-field', 4, 12],
    ]);
    expect(diags[0]!.message).toBe(
      'Field "x" is defined more than once in view "base" (also at m.model.lkml:4:12); rename or remove one definition',
    );
  });

  it('checks fields lists, filters, always_join and native derived tables', () => {
    const model = [
      'connection: "db"',
      'view: orders { dimension: id {} set: s { fields: [id] } }',
      'view: ndt {',
      '  derived_table: {',
      '    explore_source: orders { column: id { field: orders.idd } }',
      '  }',
      '}',
      'view: ndt2 { derived_table: { explore_source: nowhere { column: a {} } } }',
      'explore: orders {',
      '  fields: [orders.id, orders.nope, orders.s*, orders.t*, other.x]',
      '  always_filter: { filters: [orders.zzz: "1"] }',
      '  always_join: [ghost]',
      '}',
    ];
    expect(check({ 'm.model.lkml': model })).toEqual([
      ['model/unknown-field', 'm.model.lkml', ...pos(model, 'orders.idd')],
      ['model/unknown-explore', 'm.model.lkml', ...pos(model, 'nowhere')],
      ['model/unknown-field', 'm.model.lkml', ...pos(model, 'orders.nope')],
      ['model/unknown-field', 'm.model.lkml', ...pos(model, 'orders.t*')],
      ['model/unknown-field', 'm.model.lkml', ...pos(model, 'other.x')],
      ['model/unknown-field', 'm.model.lkml', ...pos(model, 'orders.zzz')],
      ['model/unknown-join', 'm.model.lkml', ...pos(model, 'ghost')],
    ]);
  });

  it('does not check extension: required objects on their own', () => {
    expect(
      check({
        'm.model.lkml': [
          'connection: "db"',
          'view: template { extension: required dimension: total { sql: ${amount} * 2 ;; } }',
          'view: impl { extends: [template] dimension: amount {} }',
          'explore: impl {}',
          'explore: template_explore { extension: required view_name: missing }',
        ],
      }),
    ).toEqual([]);
  });
});

/** What Looker's validator reports with each error: the model, explore and field being validated. */
function context(files: Files): [string, string, number, number, string?, string?, string?][] {
  return validateProject(build(files)).map((d) => [d.code, d.file, d.line, d.column, d.model, d.explore, d.field]);
}

describe('validateProject: where each problem was found', () => {
  it('names the field whose sql makes an unknown reference, its model and explore', () => {
    const orders = [
      'view: orders {',
      '  dimension: amount { type: number }',
      '  measure: total { type: sum sql: ${amont} ;; }',
      '  dimension: buyer_email { sql: ${buyer.emial} ;; }',
      '}',
    ];
    const files: Files = {
      'shop.model.lkml': [
        'connection: "db"',
        'include: "*.view"',
        'explore: orders { join: buyer { from: users sql_on: ${orders.amount} = ${buyer.id} ;; } }',
      ],
      'orders.view.lkml': orders,
      'users.view.lkml': ['view: users { dimension: id {} dimension: email {} }'],
    };
    expect(context(files)).toEqual([
      ['model/unknown-reference', 'orders.view.lkml', ...pos(orders, '${amont}'), 'shop', 'orders', 'orders.total'],
      // Inside an explore a joined view's fields go by the join's name, as in Looker's field_name.
      ['model/unknown-reference', 'orders.view.lkml', ...pos(orders, '${buyer.emial}'), 'shop', 'orders', 'orders.buyer_email'],
    ]);
  });

  it("names the explore and model of a join's problems, with no field", () => {
    const model = [
      'connection: "db"',
      'include: "*.view"',
      'explore: orders {',
      '  join: users { sql_on: ${orders.user_id} = ${users.idd} ;; relationship: many_to_one }',
      '  join: shipments { from: shipment }',
      '}',
    ];
    const diags = validateProject(build({
      'shop.model.lkml': model,
      'orders.view.lkml': ['view: orders { dimension: user_id {} }'],
      'users.view.lkml': ['view: users { dimension: id {} }'],
    }));
    expect(diags.map((d) => [d.code, d.line, d.column, d.model, d.explore, d.field])).toEqual([
      ['model/unknown-reference', ...pos(model, '${users.idd}'), 'shop', 'orders', undefined],
      ['model/unknown-view', ...pos(model, 'shipment }'), 'shop', 'orders', undefined],
    ]);
    // Absent, not undefined: stored and served JSON carries only what is known.
    expect(Object.keys(diags[0]!)).toEqual(['code', 'severity', 'message', 'file', 'line', 'column', 'model', 'explore']);
  });

  it('reports a view problem once for each model that includes the view, never twice in one model', () => {
    const orders = [
      'view: orders {',
      '  dimension: id { primary_key: yes type: nubmer }',
      '  dimension: user_id {}',
      '  dimension: total { sql: ${nope} ;; }',
      '}',
    ];
    const files: Files = {
      'a.model.lkml': ['connection: "db"', 'include: "orders.view"', 'explore: orders {}', 'explore: orders_again { from: orders }'],
      'b.model.lkml': ['connection: "db"', 'include: "orders.view"', 'include: "users.view"', 'explore: users { join: orders { sql_on: ${users.id} = ${orders.user_id} ;; } }'],
      'c.model.lkml': ['connection: "db"', 'include: "users.view"', 'explore: users {}'],
      'orders.view.lkml': orders,
      'users.view.lkml': ['view: users { dimension: id {} }'],
    };
    expect(context(files)).toEqual([
      ['model/unknown-type', 'orders.view.lkml', ...pos(orders, 'nubmer'), 'a', 'orders', 'orders.id'],
      ['model/unknown-type', 'orders.view.lkml', ...pos(orders, 'nubmer'), 'b', 'users', 'orders.id'],
      ['model/unknown-reference', 'orders.view.lkml', ...pos(orders, '${nope}'), 'a', 'orders', 'orders.total'],
      ['model/unknown-reference', 'orders.view.lkml', ...pos(orders, '${nope}'), 'b', 'users', 'orders.total'],
    ]);
  });

  it('names the model of a view no explore uses, and of a file problem by the model that includes the file', () => {
    const unused = ['view: unused {', '  dimension: a { sql: ${b} ;; }', '}'];
    const broken = ['view: broken {', '  dimension: a {}', '  dimension: a {}', '}'];
    const diags = validateProject(build({
      'shop.model.lkml': ['connection: "db"', 'include: "unused.view"', 'include: "broken.view"', 'explore: broken {}', 'explore: nothing {}'],
      'unused.view.lkml': unused,
      'broken.view.lkml': broken,
      'orphan.view.lkml': ['view: orphan {', '  dimension: a {}', '  dimension: a {}', '}'],
    }));
    expect(diags.map((d) => [d.code, d.file, d.line, d.model, d.explore, d.field])).toEqual([
      ['model/duplicate-field', 'broken.view.lkml', 2, 'shop', undefined, 'broken.a'],
      ['model/duplicate-field', 'broken.view.lkml', 3, 'shop', undefined, 'broken.a'],
      ['model/unknown-view', 'shop.model.lkml', 5, 'shop', 'nothing', undefined],
      ['model/unknown-reference', 'unused.view.lkml', 2, 'shop', undefined, 'unused.a'],
    ]);
  });

  it('reports a cycle in a shared view under each model, at the field that closes it', () => {
    const files: Files = {
      'a.model.lkml': ['connection: "db"', 'include: "v.view"', 'explore: v {}'],
      'b.model.lkml': ['connection: "db"', 'include: "v.view"', 'explore: w { from: v }'],
      'v.view.lkml': ['view: v {', '  dimension: x { sql: ${y} ;; }', '  dimension: y { sql: ${x} ;; }', '}'],
    };
    const once = validateProject(build(files));
    expect(once.map((d) => [d.code, d.model, d.explore, d.field])).toEqual([
      ['model/circular-reference', 'a', 'v', 'v.y'],
      ['model/circular-reference', 'b', 'w', 'v.y'],
    ]);
    expect(validateProject(build(files))).toEqual(once);
  });
});
