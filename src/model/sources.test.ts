/**
 * `buildProject` reads parsed files from their tapes and any other file from its pairs:
 * both must give the same project, diagnostics included.
 */
import { describe, expect, it } from 'vitest';
import type { LookmlFile } from '../lookml/ast.ts';
import { paramLoc } from './ast-util.ts';
import { parseAll, where } from './test-util.ts';
import { buildProject } from './index.ts';
import { validateProject } from './validate.ts';

const FILES = {
  'manifest.lkml': 'constant: schema { value: "analytics" }',
  'm.model.lkml': 'connection: "db"\ninclude: "/views/*.view"\ninclude: "/refinements/*.lkml"\nexplore: orders { join: users { sql_on: ${orders.user_id} = ${users.id} ;; relationship: many_to_one } }',
  'views/base.view.lkml': [
    'view: base {',
    '  extension: required',
    '  dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }',
    '  measure: count { type: count drill_fields: [id] }',
    '}',
  ].join('\n'),
  'views/orders.view.lkml': [
    'view: orders {',
    '  extends: [base]',
    '  sql_table_name: @{schema}.orders ;;',
    '  dimension: user_id { type: number sql: ${TABLE}.user_id ;; }',
    '  dimension: status { label: "Status" case: { when: { sql: ${TABLE}.s = 1 ;; label: "one" } else: "other" } }',
    '  dimension_group: created { type: time timeframes: [date, week, fortnight] sql: ${TABLE}.created_at ;; }',
    '  dimension_group: wait { type: duration intervals: [day, hour] sql_start: ${TABLE}.a ;; sql_end: ${TABLE}.b ;; }',
    '  parameter: pick { type: unquoted allowed_value: { label: "A" value: "a" } allowed_value: { value: "b" } }',
    '  measure: total { type: sum sql: ${TABLE}.amount ;; filters: [status: "done"] }',
    '  measure: late { type: count filters: { field: status value: "late" } }',
    '  dimension: oops { sql: @{missing} ;; }',
    '}',
  ].join('\n'),
  'views/users.view.lkml': 'view: users { sql_table_name: @{schema}.users ;; dimension: id { primary_key: yes } dimension: tier { type: tier tiers: [0, 10, x] sql: ${TABLE}.n ;; } }',
  'refinements/orders.lkml': 'view: +orders { dimension: status { label: "Order status" } measure: count { label: "Orders" } }',
};

function plainCopy(f: LookmlFile): LookmlFile {
  return { path: f.path, pairs: f.pairs, diagnostics: f.diagnostics };
}

describe('project sources', () => {
  it('builds the same project from parsed files and from their object form', () => {
    const fromTapes = buildProject(parseAll(FILES));
    const fromPairs = buildProject(parseAll(FILES).map(plainCopy));
    expect(fromPairs).toEqual(fromTapes);
    expect(JSON.stringify(fromPairs)).toBe(JSON.stringify(fromTapes));
    expect(validateProject(fromPairs)).toEqual(validateProject(fromTapes));
  });

  it('reads refined, extended and constant-using parameters with their locations', () => {
    const p = buildProject(parseAll(FILES));
    const orders = p.models.m!.views.orders!;
    expect(orders.sqlTableName).toBe('analytics.orders');
    const status = orders.fields.find((f) => f.name === 'status')!;
    expect(status.label).toBe('Order status');
    expect(paramLoc(status, 'label')).toEqual({ file: 'refinements/orders.lkml', line: 1, column: 44 });
    expect(status.caseWhen).toEqual({ when: [{ sql: '${TABLE}.s = 1', label: 'one' }], else: 'other' });
    expect(orders.fields.find((f) => f.name === 'count')!.label).toBe('Orders');
    expect(orders.fields.find((f) => f.name === 'id')!.loc).toEqual({ file: 'views/base.view.lkml', line: 3, column: 14 });
    expect(orders.fields.map((f) => f.name)).toEqual([
      'id', 'count', 'user_id', 'status', 'created_date', 'created_week', 'days_wait', 'hours_wait', 'pick', 'total', 'late', 'oops',
    ]);
    expect(orders.fields.find((f) => f.name === 'pick')!.allowedValues).toEqual([{ label: 'A', value: 'a' }, { label: 'b', value: 'b' }]);
    expect(orders.fields.find((f) => f.name === 'late')!.filters).toEqual([
      { field: 'status', expression: 'late', loc: { file: 'views/orders.view.lkml', line: 10, column: 49 } },
    ]);
    expect(p.models.m!.views.users!.fields.find((f) => f.name === 'tier')!.tiers).toEqual([0, 10]);
    expect(where(p.diagnostics)).toEqual([
      ['model/unknown-constant', 11, 26],
      ['model/unknown-timeframe', 6, 66],
    ]);
  });
});
