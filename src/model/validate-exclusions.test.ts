import { describe, expect, it } from 'vitest';
import { validateProject } from './index.ts';
import { build } from './test-util.ts';

const files = (fields: string): Record<string, string> => ({
  'm.model.lkml': `connection: "db"\ninclude: "*.view.lkml"\nexplore: orders {\n  ${fields}\n}\nexplore: items { join: orders { sql_on: \${items.order_id} = \${orders.id} ;; relationship: many_to_one } join: stock { sql_on: \${items.id} = \${stock.id} ;; relationship: one_to_one } }`,
  'orders.view.lkml': 'view: orders {\n  dimension: id { primary_key: yes }\n  dimension: margin { sql: ${TABLE}.price - ${stock.cost} ;; }\n}',
  'items.view.lkml': 'view: items { dimension: id { primary_key: yes } dimension: order_id {} }',
  'stock.view.lkml': 'view: stock { dimension: id { primary_key: yes } dimension: cost {} }',
});

describe('explore fields: exclusions and the validator', () => {
  it('reports a field that reaches a view its explore does not join', () => {
    expect(validateProject(build(files(''))).map((d) => d.code)).toEqual(['model/view-not-joined']);
  });

  it('accepts it when the explore leaves that field out, as Looker does', () => {
    expect(validateProject(build(files('fields: [ALL_FIELDS*, -orders.margin]')))).toEqual([]);
  });
});
