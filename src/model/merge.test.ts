import { describe, expect, it } from 'vitest';
import { paramLoc } from './ast-util.ts';
import { build, where } from './test-util.ts';
import type { Field } from './types.ts';

const views = [
  'view: base {',
  '  extension: required',
  '  sql_table_name: s.base ;;',
  '  label: "Base"',
  '  dimension: id { primary_key: yes type: number }',
  '  dimension: name {',
  '    label: "Name"',
  '    sql: ${TABLE}.name ;;',
  '    link: { label: "a" url: "https://a" }',
  '  }',
  '  measure: count { type: count }',
  '}',
  'view: mid {',
  '  extends: [base]',
  '  label: "Mid"',
  '  dimension: name {',
  '    sql: UPPER(${EXTENDED}) ;;',
  '    link: { label: "b" url: "https://b" }',
  '  }',
  '  dimension: mid_only {}',
  '}',
  'view: leaf {',
  '  extends: [mid]',
  '  sql_table_name: s.leaf ;;',
  '  dimension: id { hidden: yes }',
  '}',
];

function field(fields: readonly Field[], name: string): Field {
  const f = fields.find((x) => x.name === name);
  if (!f) throw new Error(`no field ${name}`);
  return f;
}

describe('extends', () => {
  const p = build({ 'm.model.lkml': ['connection: "db"', 'include: "*.view"'], 'v.view.lkml': views });
  const leaf = p.models.m!.views.leaf!;

  it('merges multi-level extends parameter by parameter, the extending object winning', () => {
    expect(p.diagnostics).toEqual([]);
    expect(leaf.extension).toBe(false);
    expect(p.models.m!.views.base!.extension).toBe(true);
    expect(leaf.sqlTableName).toBe('s.leaf');
    expect(leaf.label).toBe('Mid');
    expect(leaf.fields.map((f) => f.name)).toEqual(['id', 'name', 'count', 'mid_only']);
    const id = field(leaf.fields, 'id');
    expect([id.primaryKey, id.hidden, id.type, id.view]).toEqual([true, true, 'number', 'leaf']);
    // Every parameter has a member of its own, so none is kept a second time as written.
    expect(id.params).toEqual({});
    expect(Object.keys(id.paramLocs!)).toEqual(['primary_key', 'type', 'hidden']);
  });

  it('replaces ${EXTENDED} with the inherited value and adds up links', () => {
    const name = field(leaf.fields, 'name');
    expect(name.sql).toBe('UPPER(${TABLE}.name)');
    expect(name.label).toBe('Name');
    expect(name.params.link).toEqual([
      { label: 'a', url: 'https://a' },
      { label: 'b', url: 'https://b' },
    ]);
  });

  it('keeps the location of the file that wrote each field', () => {
    expect(field(leaf.fields, 'id').loc).toEqual({ file: 'v.view.lkml', line: 5, column: 14 });
    expect(field(leaf.fields, 'mid_only').loc).toEqual({ file: 'v.view.lkml', line: 20, column: 14 });
    expect(leaf.loc).toEqual({ file: 'v.view.lkml', line: 22, column: 7 });
  });

  it('applies several parents left to right', () => {
    const q = build({
      'm.model.lkml': [
        'connection: "db"',
        'view: p1 { label: "P1" dimension: a { label: "from p1" } dimension: b {} }',
        'view: p2 { label: "P2" dimension: a { description: "from p2" } dimension: c {} }',
        'view: child { extends: [p1, p2] dimension: d {} }',
      ],
    });
    const child = q.models.m!.views.child!;
    expect(child.label).toBe('P2');
    expect(child.fields.map((f) => f.name)).toEqual(['a', 'b', 'c', 'd']);
    const a = child.fields[0]!;
    expect([a.label, a.description]).toEqual(['from p1', 'from p2']);
    expect(Object.keys(a.paramLocs!)).toEqual(['label', 'description']);
  });

  it('reports circular and unknown extends at the offending list item', () => {
    const q = build({
      'm.model.lkml': [
        'connection: "db"',
        'view: x { extends: [y] }',
        'view: y { extends: [x] }',
        'view: z { extends: [nowhere] }',
      ],
    });
    expect(where(q.diagnostics)).toEqual([
      ['model/extends-cycle', 3, 21],
      ['model/unknown-extends', 4, 21],
    ]);
    expect(q.diagnostics[0]!.message).toBe('Circular extends: x → y → x; remove one of these extends');
  });

  it('merges explores and their joins by name', () => {
    const q = build({
      'm.model.lkml': [
        'connection: "db"',
        'view: orders { dimension: id {} dimension: user_id {} }',
        'view: users { dimension: id {} }',
        'view: items { dimension: order_id {} }',
        'explore: orders_base {',
        '  extension: required',
        '  view_name: orders',
        '  access_filter: { field: orders.id user_attribute: a }',
        '  join: users { sql_on: ${orders.user_id} = ${users.id} ;; relationship: many_to_one }',
        '}',
        'explore: orders_plus {',
        '  extends: [orders_base]',
        '  access_filter: { field: users.id user_attribute: b }',
        '  join: users { type: inner }',
        '  join: items { sql_on: ${items.order_id} = ${orders.id} ;; relationship: one_to_many }',
        '}',
      ],
    });
    const e = q.models.m!.explores.orders_plus!;
    expect([e.view, e.alias, e.extension]).toEqual(['orders', 'orders', false]);
    expect(e.joins.map((j) => [j.name, j.type, j.relationship, j.sqlOn])).toEqual([
      ['users', 'inner', 'many_to_one', '${orders.user_id} = ${users.id}'],
      ['items', 'left_outer', 'one_to_many', '${items.order_id} = ${orders.id}'],
    ]);
    expect(e.accessFilters).toEqual([
      { field: 'orders.id', userAttribute: 'a' },
      { field: 'users.id', userAttribute: 'b' },
    ]);
    expect(q.models.m!.explores.orders_base!.extension).toBe(true);
  });
});

describe('refinements', () => {
  const files = {
    'm.model.lkml': [
      'connection: "db"',
      'include: "/views/*.view"',
      'include: "/refinements/r2.lkml"',
      'include: "/refinements/r1.lkml"',
      'view: +leaf { dimension: model_level {} }',
    ],
    'views/v.view.lkml': views,
    'refinements/r1.lkml': [
      'view: +leaf {',
      '  label: "R1"',
      '  dimension: name { label: "R1 name" }',
      '}',
      'view: +base {',
      '  measure: count { label: "Refined count" }',
      '}',
    ],
    'refinements/r2.lkml': ['view: +leaf {', '  label: "R2"', '  dimension: name { label: "R2 name" description: "r2" }', '  dimension: added {}', '}'],
  };
  const p = build(files);
  const leaf = p.models.m!.views.leaf!;

  it('layers refinements in include order, later ones winning', () => {
    expect(p.diagnostics).toEqual([]);
    expect(leaf.label).toBe('R1');
    const name = field(leaf.fields, 'name');
    expect(name.label).toBe('R1 name');
    expect(name.description).toBe('r2');
    expect(name.loc).toEqual({ file: 'views/v.view.lkml', line: 6, column: 14 });
    expect(name.sql).toBe('UPPER(${TABLE}.name)');
    expect(Object.keys(name.paramLocs!)).toEqual(['label', 'sql', 'link', 'description']);
    expect(name.params).toEqual({
      link: [
        { label: 'a', url: 'https://a' },
        { label: 'b', url: 'https://b' },
      ],
    });
    expect(leaf.params).toEqual({ label: 'R1', sql_table_name: 's.leaf', extends: ['mid'] });
    expect(leaf.fields.map((f) => f.name)).toEqual(['id', 'name', 'count', 'mid_only', 'added', 'model_level']);
  });

  it('refines an object before it is extended, so extenders see the refinement', () => {
    expect(field(leaf.fields, 'count').label).toBe('Refined count');
    expect(paramLoc(field(leaf.fields, 'count'), 'label')).toEqual({ file: 'refinements/r1.lkml', line: 6, column: 27 });
  });

  it('lets a refinement add extends', () => {
    const q = build({
      'm.model.lkml': [
        'connection: "db"',
        'view: mixin { extension: required dimension: audit {} }',
        'view: plain { dimension: a {} }',
        'view: +plain { extends: [mixin] }',
      ],
    });
    expect(q.models.m!.views.plain!.fields.map((f) => f.name)).toEqual(['audit', 'a']);
    expect(q.diagnostics).toEqual([]);
  });

  it('refines explores', () => {
    const q = build({
      'm.model.lkml': [
        'connection: "db"',
        'view: a {}',
        'explore: a { label: "A" }',
        'explore: +a { label: "A+" hidden: yes }',
      ],
    });
    expect(q.models.m!.explores.a!.label).toBe('A+');
    expect(q.models.m!.explores.a!.hidden).toBe(true);
  });

  it('reports refinements without a base, after final: yes, and duplicate definitions', () => {
    const q = build({
      'm.model.lkml': [
        'connection: "db"',
        'view: +ghost { label: "x" }',
        'view: locked { final: yes }',
        'view: +locked { label: "no" }',
        'view: twice {}',
        'view: twice {}',
      ],
    });
    expect(where(q.diagnostics)).toEqual([
      ['model/duplicate-view', 5, 7],
      ['model/duplicate-view', 6, 7],
      ['model/refinement-after-final', 4, 7],
      ['model/refinement-without-base', 2, 7],
    ]);
    expect(q.diagnostics[0]!.message).toBe(
      'view "twice" is defined more than once (also at m.model.lkml:6:7); rename or remove one of them, or use view: +twice to refine it',
    );
  });
});
