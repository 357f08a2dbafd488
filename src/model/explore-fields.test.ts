import { describe, expect, it } from 'vitest';
import { build } from './test-util.ts';
import { exploreFields, requiredJoins, resolveJoinPath } from './explore-fields.ts';

const model = [
  'connection: "db"',
  'view: orders {',
  '  dimension: id {}',
  '  dimension: user_id {}',
  '  dimension: secret {}',
  '  dimension_group: created { type: time timeframes: [date, month] }',
  '  measure: count { type: count }',
  '  set: basics { fields: [id, created*, count] }',
  '  set: with_date { fields: [basics*, created] }',
  '}',
  'view: users {',
  '  dimension: id {}',
  '  dimension: name {}',
  '  dimension: email {}',
  '  set: public { fields: [id, name] }',
  '}',
  'view: items { dimension: order_id {} dimension: product_id {} }',
  'view: products { dimension: id {} }',
  'explore: all_of_it {',
  '  view_name: orders',
  '  join: users { sql_on: ${orders.user_id} = ${users.id} ;; }',
  '}',
  'explore: trimmed {',
  '  from: orders',
  '  fields: [ALL_FIELDS*, -trimmed.secret, -buyer.email]',
  '  join: buyer { from: users sql_on: ${trimmed.user_id} = ${buyer.id} ;; }',
  '}',
  'explore: by_sets {',
  '  view_name: orders',
  '  fields: [orders.with_date*, users.public*]',
  '  join: users { sql_on: ${orders.user_id} = ${users.id} ;; fields: [name, email] }',
  '}',
  'explore: only_exclusions {',
  '  view_name: orders',
  '  fields: [-orders.created]',
  '}',
  'explore: chain {',
  '  view_name: orders',
  '  always_join: [users]',
  '  join: products { sql_on: ${items.product_id} = ${products.id} ;; }',
  '  join: items { sql_on: ${items.order_id} = ${orders.id} ;; relationship: one_to_many }',
  '  join: users { foreign_key: user_id }',
  '  join: extra { from: users sql: LEFT JOIN x ON 1=1 ;; required_joins: [products] }',
  '  join: by_key { from: users foreign_key: items.product_id }',
  '}',
];

describe('exploreFields', () => {
  const m = build({ 'm.model.lkml': model }).models.m!;
  const keys = (name: string): string[] => [...exploreFields(m, m.explores[name]!).keys()];

  it('exposes every field of every alias when no fields: list is given', () => {
    expect(keys('all_of_it')).toEqual([
      'orders.id', 'orders.user_id', 'orders.secret', 'orders.created_date', 'orders.created_month', 'orders.count',
      'users.id', 'users.name', 'users.email',
    ]);
    const f = exploreFields(m, m.explores.all_of_it!).get('users.name')!;
    expect([f.alias, f.view, f.field.name]).toEqual(['users', 'users', 'name']);
  });

  it('applies ALL_FIELDS* with exclusions, using aliases', () => {
    expect(keys('trimmed')).toEqual([
      'trimmed.id', 'trimmed.user_id', 'trimmed.created_date', 'trimmed.created_month', 'trimmed.count',
      'buyer.id', 'buyer.name',
    ]);
    expect(exploreFields(m, m.explores.trimmed!).get('buyer.id')!.view).toBe('users');
  });

  it('expands nested sets and group names, after the join fields: list', () => {
    expect(keys('by_sets')).toEqual([
      'orders.id', 'orders.created_date', 'orders.created_month', 'orders.count', 'users.name',
    ]);
  });

  it('treats a list of exclusions only as all fields but those', () => {
    expect(keys('only_exclusions')).toEqual(['orders.id', 'orders.user_id', 'orders.secret', 'orders.count']);
  });
});

describe('join paths', () => {
  const m = build({ 'm.model.lkml': model }).models.m!;
  const chain = m.explores.chain!;
  const names = (list: readonly { name: string }[]) => list.map((j) => j.name);

  it('follows sql_on references, dependencies first', () => {
    expect(names(resolveJoinPath(chain, 'products'))).toEqual(['items', 'products']);
    expect(names(resolveJoinPath(chain, 'items'))).toEqual(['items']);
    expect(resolveJoinPath(chain, 'orders')).toEqual([]);
  });

  it('follows required_joins and foreign_key (bare names refer to the base view)', () => {
    expect(names(resolveJoinPath(chain, 'extra'))).toEqual(['items', 'products', 'extra']);
    expect(names(resolveJoinPath(chain, 'users'))).toEqual(['users']);
    expect(names(resolveJoinPath(chain, 'by_key'))).toEqual(['items', 'by_key']);
  });

  it('adds always_join when resolving a whole query', () => {
    expect(names(requiredJoins(chain, ['products']))).toEqual(['items', 'products', 'users']);
    expect(names(requiredJoins(chain, ['products'], false))).toEqual(['items', 'products']);
  });
});
