import { describe, expect, it } from 'vitest';
import { build, pos } from '../../model/test-util.ts';
import type { Project } from '../../model/types.ts';
import { SHOP_FILES } from '../../sql/test-fixture.ts';
import { validateValue } from '../schema-validate.ts';
import { lookerSpec } from '../spec.ts';
import { lookmlModelExploreJson } from './lookml-explore.ts';

type Json = Record<string, unknown>;

const MODEL = [
  'connection: "warehouse"',
  'label: "E-Commerce"',
  'include: "/views/*.view.lkml"',
  'named_value_format: big_money { value_format: "$#,##0" }',
  'explore: orders {',
  '  description: "All orders"',
  '  fields: [ALL_FIELDS*, -orders.internal_note]',
  '  always_filter: { filters: [orders.status: "-cancelled"] }',
  '  access_filter: { field: buyer.country user_attribute: country }',
  '  join: buyer {',
  '    from: users',
  '    view_label: "Customer"',
  '    fields: [buyer.id, buyer.name, buyer.created_date]',
  '    sql_on: ${orders.user_id} = ${buyer.id} ;;',
  '    relationship: many_to_one',
  '  }',
  '  join: shipments { foreign_key: orders.shipment_id relationship: one_to_one type: inner }',
  '}',
  'explore: extension_only { extension: required }',
  'explore: users { hidden: yes label: "People" group_label: "Admin" }',
];

const ORDERS = [
  'view: orders {',
  '  sql_table_name: public.orders ;;',
  '  label: "Purchases"',
  '  drill_fields: [detail*]',
  '  set: detail { fields: [id, status, buyer.name] }',
  '  dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }',
  '  dimension: user_id { type: number hidden: yes sql: ${TABLE}.user_id ;; }',
  '  dimension: shipment_id { type: number hidden: yes }',
  '  dimension: status {',
  '    description: "Order status"',
  '    tags: ["spectacles: ignore", "core"]',
  '    sql: CASE',
  '      WHEN ${TABLE}.status = \'x\' THEN ${user_id}',
  '      ELSE {% if buyer.name._in_query %}1{% else %}2{% endif %} END ;;',
  '  }',
  '  dimension: internal_note { sql: ${TABLE}.note ;; }',
  '  dimension: amount_usd { type: number label: "Amount (USD)" view_label: "Money" group_label: "Amounts" group_item_label: "USD" value_format_name: big_money sql: ${TABLE}.amount ;; }',
  '  dimension: size { case: { when: { sql: ${amount_usd} > 100 ;; label: "Large" } else: "Small" } }',
  '  dimension_group: created {',
  '    type: time',
  '    timeframes: [raw, date, week, month, day_of_week, hour3]',
  '    sql: ${TABLE}.created_at ;;',
  '  }',
  '  dimension_group: shipped {',
  '    type: time',
  '    label: "Dispatch"',
  '    group_label: "Logistics"',
  '    timeframes: [date]',
  '    datatype: date',
  '    convert_tz: no',
  '    alias: [sent]',
  '    sql: ${TABLE}.shipped_on ;;',
  '  }',
  '  dimension_group: processing {',
  '    type: duration',
  '    intervals: [day, hour]',
  '    sql_start: ${TABLE}.created_at ;;',
  '    sql_end: ${TABLE}.shipped_at ;;',
  '  }',
  '  measure: count { type: count }',
  '  measure: big_count { type: count filters: [amount_usd: ">100"] drill_fields: [id] }',
  '  measure: total { type: sum sql: ${amount_usd} ;; value_format: "0.00" }',
  '  measure: running { type: running_total sql: ${count} ;; }',
  '  filter: status_filter { type: string suggestions: ["open", "closed"] }',
  '  parameter: metric {',
  '    type: unquoted',
  '    allowed_value: { label: "By amount" value: "amount" }',
  '    allowed_value: { value: "count" }',
  '    default_value: "amount"',
  '  }',
  '}',
];

const USERS = [
  'view: users {',
  '  label: "Users View"',
  '  dimension: id { primary_key: yes type: number }',
  '  dimension: name {}',
  '  dimension: country {}',
  '  dimension_group: created { type: time timeframes: [date, month] sql: ${TABLE}.created_at ;; }',
  '}',
];

const SHIPMENTS = [
  'view: shipments {',
  '  derived_table: { sql: SELECT 1 AS id ;; }',
  '  dimension: id { primary_key: yes type: number }',
  '  dimension: carrier { link: { label: "Track" url: "https://t/{{ value }}" } }',
  '}',
];

const FILES = {
  'shop.model.lkml': MODEL,
  'views/orders.view.lkml': ORDERS,
  'views/users.view.lkml': USERS,
  'views/shipments.view.lkml': SHIPMENTS,
};

function project(): Project {
  return build(FILES);
}

function exploreJson(name = 'orders', linkBase?: string): Json {
  const p = project();
  const m = p.models.shop!;
  return lookmlModelExploreJson(p, m, m.explores[name]!, { projectName: 'ecom', ...(linkBase === undefined ? {} : { linkBase }) });
}

function fieldsOf(j: Json): Record<'dimensions' | 'measures' | 'filters' | 'parameters', Json[]> {
  return j.fields as Record<'dimensions' | 'measures' | 'filters' | 'parameters', Json[]>;
}

function field(j: Json, name: string): Json {
  const f = fieldsOf(j);
  const hit = [...f.dimensions, ...f.measures, ...f.filters, ...f.parameters].find((x) => x.name === name);
  if (!hit) throw new Error(`no field ${name}`);
  return hit;
}

function schemaKeys(name: string): string[] {
  const schema = lookerSpec().components.schemas[name];
  if (!schema?.properties) throw new Error(`no schema ${name}`);
  return Object.keys(schema.properties).sort();
}

function keys(o: unknown): string[] {
  return Object.keys(o as Json).sort();
}

function line(lines: readonly string[], needle: string, nth = 0): number {
  return pos(lines, needle, nth)[0];
}

describe('lookmlModelExploreJson: schema shape', () => {
  const j = exploreJson();
  const f = fieldsOf(j);
  const all = [...f.dimensions, ...f.measures, ...f.filters, ...f.parameters];

  it('has exactly the keys of LookmlModelExplore', () => {
    expect(keys(j)).toEqual(schemaKeys('LookmlModelExplore'));
    expect(keys(j.fields)).toEqual(schemaKeys('LookmlModelExploreFieldset'));
  });

  it('gives every field exactly the keys of LookmlModelExploreField', () => {
    expect(all.length).toBe(26);
    const expected = schemaKeys('LookmlModelExploreField');
    for (const x of all) expect(keys(x), String(x.name)).toEqual(expected);
  });

  it('gives nested objects the keys of their schemas', () => {
    const joins = j.joins as Json[];
    expect(joins).toHaveLength(2);
    for (const x of joins) expect(keys(x)).toEqual(schemaKeys('LookmlModelExploreJoins'));
    for (const x of j.supported_measure_types as Json[]) expect(keys(x)).toEqual(schemaKeys('LookmlModelExploreSupportedMeasureType'));
    for (const x of j.sets as Json[]) expect(keys(x)).toEqual(schemaKeys('LookmlModelExploreSet'));
    for (const x of j.aliases as Json[]) expect(keys(x)).toEqual(schemaKeys('LookmlModelExploreAlias'));
    for (const x of j.always_filter as Json[]) expect(keys(x)).toEqual(schemaKeys('LookmlModelExploreAlwaysFilter'));
    for (const x of j.access_filters as Json[]) expect(keys(x)).toEqual(schemaKeys('LookmlModelExploreAccessFilter'));
    expect(keys(field(j, 'orders.created_date').time_interval)).toEqual(schemaKeys('LookmlModelExploreFieldTimeInterval'));
    for (const e of field(j, 'orders.metric').enumerations as Json[]) expect(keys(e)).toEqual(schemaKeys('LookmlModelExploreFieldEnumeration'));
    for (const c of field(j, 'orders.size').sql_case as Json[]) expect(keys(c)).toEqual(schemaKeys('LookmlModelExploreFieldSqlCase'));
    for (const c of field(j, 'orders.big_count').filters as Json[]) expect(keys(c)).toEqual(schemaKeys('LookmlModelExploreFieldMeasureFilters'));
    for (const l of field(j, 'shipments.carrier').links as Json[]) expect(keys(l)).toEqual(schemaKeys('LookmlFieldLink'));
  });

  it('validates against the spec schema as a response', () => {
    const schema = lookerSpec().components.schemas.LookmlModelExplore!;
    // Looker's spec puts the item enum of `user_attribute_filter_types` on the array itself,
    // which no array can satisfy; its items are checked against that enum below instead.
    const issues = validateValue(schema, j, { mode: 'response', rejectUnknown: true }).issues
      .filter((i) => !i.path.endsWith('.user_attribute_filter_types'));
    expect(issues).toEqual([]);
    const allowed = lookerSpec().components.schemas.LookmlModelExploreField!.properties!.user_attribute_filter_types!.enum!;
    for (const x of all) for (const t of x.user_attribute_filter_types as string[]) expect(allowed).toContain(t);
  });

  it('gives Spectacles every dimension key it reads, typed', () => {
    for (const d of f.dimensions) {
      expect(typeof d.name).toBe('string');
      expect(typeof d.type).toBe('string');
      expect(Array.isArray(d.tags)).toBe(true);
      expect(d.sql === null || typeof d.sql === 'string').toBe(true);
      expect(typeof d.lookml_link).toBe('string');
      expect(typeof d.hidden).toBe('boolean');
    }
  });
});

describe('lookmlModelExploreJson: explore', () => {
  const j = exploreJson();

  it('describes the explore', () => {
    expect(j).toMatchObject({
      id: 'shop::orders',
      name: 'orders',
      description: 'All orders',
      label: 'Orders',
      title: 'Orders',
      scopes: ['orders', 'buyer', 'shipments'],
      connection_name: 'warehouse',
      dialect_name: null,
      null_sort_treatment: null,
      source_file: 'shop.model.lkml',
      files: ['shop.model.lkml', 'views/orders.view.lkml', 'views/users.view.lkml', 'views/shipments.view.lkml'],
      project_name: 'ecom',
      model_name: 'shop',
      view_name: 'orders',
      hidden: false,
      sql_table_name: 'public.orders',
      group_label: 'E-Commerce',
      always_join: [],
      index_fields: [],
      tags: [],
      errors: [],
    });
    expect(j.lookml_link).toBe(`/projects/ecom/files/shop.model.lkml?line=${line(MODEL, 'explore: orders')}`);
  });

  it('reports filters, access filters, sets and aliases qualified by alias', () => {
    expect(j.always_filter).toEqual([{ name: 'orders.status', value: '-cancelled' }]);
    expect(j.conditionally_filter).toEqual([]);
    expect(j.access_filters).toEqual([{ field: 'buyer.country', user_attribute: 'country' }]);
    expect(j.access_filter_fields).toEqual(['buyer.country']);
    expect(j.sets).toEqual([{ name: 'orders.detail', value: ['orders.id', 'orders.status', 'buyer.name'] }]);
    expect(j.aliases).toEqual([{ name: 'orders.sent_date', value: 'orders.shipped_date' }]);
  });

  it('reports joins as written', () => {
    expect(j.joins).toEqual([
      {
        name: 'buyer', dependent_fields: [], fields: ['buyer.id', 'buyer.name', 'buyer.created_date'], foreign_key: null,
        from: 'users', outer_only: false, relationship: 'many_to_one', required_joins: [], sql_foreign_key: null,
        sql_on: '${orders.user_id} = ${buyer.id}', sql_table_name: null, type: 'left_outer', view_label: 'Customer',
      },
      {
        name: 'shipments', dependent_fields: [], fields: null, foreign_key: 'orders.shipment_id', from: null,
        outer_only: false, relationship: 'one_to_one', required_joins: [], sql_foreign_key: null, sql_on: null,
        sql_table_name: null, type: 'inner', view_label: null,
      },
    ]);
  });

  it('lists the custom measure types Looker offers per dimension type', () => {
    const types = j.supported_measure_types as { dimension_type: string; measure_types: string[] }[];
    expect(types.find((t) => t.dimension_type === 'number')!.measure_types).toEqual(['count_distinct', 'sum', 'average', 'min', 'max', 'median']);
    expect(types.find((t) => t.dimension_type === 'string')!.measure_types).toEqual(['count_distinct', 'list']);
    expect(types.find((t) => t.dimension_type === 'date_date')!.measure_types).toEqual(['count_distinct']);
    expect(types.find((t) => t.dimension_type === 'duration_day')!.measure_types).toContain('sum');
    expect(types.find((t) => t.dimension_type === 'date_minute15')!.measure_types).toEqual(['count_distinct']);
  });

  it('uses the explore label, group label and hidden flag', () => {
    const u = exploreJson('users');
    expect(u).toMatchObject({ label: 'People', title: 'People', group_label: 'Admin', hidden: true, view_name: 'users', sql_table_name: 'users' });
  });

  it('maps the dialect to its null ordering when the caller knows it', () => {
    const p = project();
    const m = p.models.shop!;
    const pg = lookmlModelExploreJson(p, m, m.explores.orders!, { projectName: 'ecom', dialectName: 'postgres' });
    expect([pg.dialect_name, pg.null_sort_treatment]).toEqual(['postgres', 'high']);
    const bq = lookmlModelExploreJson(p, m, m.explores.orders!, { projectName: 'ecom', dialectName: 'bigquery' });
    expect(bq.null_sort_treatment).toBe('low');
  });

  it('prefixes lookml links with linkBase', () => {
    const k = exploreJson('orders', 'https://overlook.test');
    expect(k.lookml_link).toBe(`https://overlook.test/projects/ecom/files/shop.model.lkml?line=${line(MODEL, 'explore: orders')}`);
    expect(field(k, 'orders.id').lookml_link).toBe(`https://overlook.test/projects/ecom/files/views%2Forders.view.lkml?line=${line(ORDERS, 'dimension: id')}`);
  });

  it('reports build errors of the files the explore reads', () => {
    const p = build({ ...FILES, 'views/users.view.lkml': [...USERS.slice(0, -1), '  dimension: name {}', '}'] });
    const m = p.models.shop!;
    const j2 = lookmlModelExploreJson(p, m, m.explores.orders!, { projectName: 'ecom' });
    const errs = j2.errors as Json[];
    expect(errs.length).toBeGreaterThan(0);
    expect(errs[0]).toEqual({
      message: expect.stringContaining('Field "name" is defined more than once in view "users"') as unknown,
      details: null,
      error_pos: `views/users.view.lkml:${line(USERS, 'name')}:14`,
      field_error: true,
    });
  });

  describe('errors follow the explore and model a diagnostic names', () => {
    const shared = ['explore: orders {}', 'explore: users {}'];
    const modelA = ['connection: "db"', 'include: "*.view"', 'include: "shared.explore"', 'explore: orders { label: "Again" }'];
    const p = build({
      // a defines orders again: a's orders is duplicated, b's (the shared file's only) is not.
      'a.model.lkml': modelA,
      'b.model.lkml': ['connection: "db"', 'include: "*.view"', 'include: "shared.explore"'],
      'shared.explore.lkml': shared,
      'orders.view.lkml': ['view: orders { dimension: id {} }'],
      'users.view.lkml': ['view: users {', '  dimension: id {}', '  dimension: id {}', '}'],
    });
    const errorsOf = (model: string, explore: string): Json[] => {
      const m = p.models[model]!;
      return lookmlModelExploreJson(p, m, m.explores[explore]!, { projectName: 'ecom' }).errors as Json[];
    };
    const fieldErrors = [2, 3].map((n) => ({
      message: expect.stringContaining('Field "id" is defined more than once in view "users"') as unknown,
      details: null,
      error_pos: `users.view.lkml:${n}:14`,
      field_error: true,
    }));

    it("lists an explore's own field errors, marked field_error, and not another explore's errors in a file it shares", () => {
      // users is defined in shared.explore.lkml, where a's duplicate orders is reported.
      expect(errorsOf('a', 'users')).toEqual(fieldErrors);
      expect(errorsOf('b', 'users')).toEqual(fieldErrors);
    });

    it('lists the errors naming the explore in its model only', () => {
      expect(errorsOf('a', 'orders')).toEqual([
        {
          message: expect.stringContaining('explore "orders" is defined more than once') as unknown,
          details: null,
          error_pos: `shared.explore.lkml:${line(shared, 'orders')}:10`,
          field_error: false,
        },
        {
          message: expect.stringContaining('explore "orders" is defined more than once') as unknown,
          details: null,
          error_pos: `a.model.lkml:${line(modelA, 'explore: orders')}:10`,
          field_error: false,
        },
      ]);
      expect(errorsOf('b', 'orders')).toEqual([]);
    });
  });
});

describe('lookmlModelExploreJson: which fields', () => {
  const j = exploreJson();
  const names = (list: Json[]): unknown[] => list.map((x) => x.name);

  it('lists each category sorted by name, honouring explore and join fields lists', () => {
    const f = fieldsOf(j);
    expect(names(f.dimensions)).toEqual([
      'buyer.created_date', 'buyer.id', 'buyer.name',
      'orders.amount_usd', 'orders.created_date', 'orders.created_day_of_week', 'orders.created_hour3',
      'orders.created_month', 'orders.created_raw', 'orders.created_week', 'orders.days_processing',
      'orders.hours_processing', 'orders.id', 'orders.shipment_id', 'orders.shipped_date', 'orders.size',
      'orders.status', 'orders.user_id',
      'shipments.carrier', 'shipments.id',
    ]);
    expect(names(f.measures)).toEqual(['orders.big_count', 'orders.count', 'orders.running', 'orders.total']);
    expect(names(f.filters)).toEqual(['orders.status_filter']);
    expect(names(f.parameters)).toEqual(['orders.metric']);
  });

  it('keeps hidden fields, marked hidden (raw timeframes too)', () => {
    expect(field(j, 'orders.user_id').hidden).toBe(true);
    expect(field(j, 'orders.created_raw').hidden).toBe(true);
    expect(field(j, 'orders.id').hidden).toBe(false);
  });

  it('applies explore-level exclusions on the SHOP fixture', () => {
    const p = build(SHOP_FILES);
    const m = p.models.shop!;
    const u = lookmlModelExploreJson(p, m, m.explores.users_only!, { projectName: 'shop' });
    const dims = names(fieldsOf(u).dimensions);
    expect(dims).toEqual(['users_only.age', 'users_only.id', 'users_only.state']);
    expect(u.always_filter).toEqual([{ name: 'users_only.age', value: '>=18' }]);
    expect(field(u, 'users_only.id')).toMatchObject({ view: 'users_only', original_view: 'users', view_label: 'Users Only', label: 'Users Only ID' });
    const e = p.models.extra!;
    const c = lookmlModelExploreJson(p, e, e.explores.cond_orders!, { projectName: 'shop' });
    expect(c.conditionally_filter).toEqual([{ name: 'cond_orders.created_date', value: '2024' }]);
    expect((c.joins as Json[]).map((x) => [x.name, x.type, x.foreign_key, x.required_joins])).toEqual([
      ['users', 'left_outer', 'user_id', []], ['products', 'cross', null, []], ['order_items', 'left_outer', null, ['users']],
    ]);
  });
});

describe('lookmlModelExploreJson: fields', () => {
  const j = exploreJson();

  it('keeps SQL exactly as written, ${…} and Liquid included', () => {
    expect(field(j, 'orders.status').sql).toBe(
      "CASE\n      WHEN ${TABLE}.status = 'x' THEN ${user_id}\n      ELSE {% if buyer.name._in_query %}1{% else %}2{% endif %} END",
    );
    expect(field(j, 'orders.created_week').sql).toBe('${TABLE}.created_at');
    expect(field(j, 'orders.shipment_id').sql).toBe('${TABLE}.shipment_id');
    expect(field(j, 'orders.count').sql).toBeNull();
    expect(field(j, 'orders.total').sql).toBe('${amount_usd}');
  });

  it('links each field to the line it is defined on', () => {
    const link = (file: string, n: number): string => `/projects/ecom/files/${file}?line=${n}`;
    expect(field(j, 'orders.status').lookml_link).toBe(link('views%2Forders.view.lkml', line(ORDERS, 'dimension: status')));
    expect(field(j, 'orders.created_month').lookml_link).toBe(link('views%2Forders.view.lkml', line(ORDERS, 'dimension_group: created')));
    expect(field(j, 'orders.hours_processing').lookml_link).toBe(link('views%2Forders.view.lkml', line(ORDERS, 'dimension_group: processing')));
    expect(field(j, 'orders.metric').lookml_link).toBe(link('views%2Forders.view.lkml', line(ORDERS, 'parameter: metric')));
    expect(field(j, 'buyer.name').lookml_link).toBe(link('views%2Fusers.view.lkml', line(USERS, 'dimension: name')));
    expect(field(j, 'buyer.name')).toMatchObject({ source_file: 'views/users.view.lkml', source_file_path: 'ecom/views/users.view.lkml', project_name: 'ecom' });
  });

  it('labels plain fields like Looker', () => {
    expect(field(j, 'orders.id')).toMatchObject({
      label: 'Purchases ID', label_short: 'ID', view_label: 'Purchases', field_group_label: null, field_group_variant: 'ID',
      view: 'orders', original_view: 'orders', scope: 'orders', category: 'dimension', type: 'number', primary_key: true,
      align: 'right', is_numeric: true, suggestable: false, user_attribute_filter_types: ['number', 'advanced_filter_number'],
    });
    expect(field(j, 'orders.status')).toMatchObject({
      label: 'Purchases Status', label_short: 'Status', description: 'Order status', tags: ['spectacles: ignore', 'core'],
      align: 'left', is_numeric: false, suggestable: true, suggest_dimension: 'orders.status', suggest_explore: 'orders',
    });
    expect(field(j, 'orders.amount_usd')).toMatchObject({
      label: 'Money Amount (USD)', label_short: 'Amount (USD)', view_label: 'Money', field_group_label: 'Amounts',
      field_group_variant: 'USD', value_format_name: 'big_money', value_format: '$#,##0',
    });
  });

  it('labels joined fields with the join view_label', () => {
    expect(field(j, 'buyer.name')).toMatchObject({ label: 'Customer Name', view_label: 'Customer', view: 'buyer', original_view: 'users', scope: 'buyer' });
    expect(field(j, 'shipments.id')).toMatchObject({ label: 'Shipments ID', view_label: 'Shipments' });
  });

  it('reports time dimension-group members as Looker does', () => {
    expect(field(j, 'orders.created_date')).toMatchObject({
      type: 'date_date', label: 'Purchases Created Date', label_short: 'Created Date', dimension_group: 'orders.created',
      field_group_label: 'Created Date', field_group_variant: 'Date', is_timeframe: true, is_numeric: false,
      time_interval: { name: 'day', count: 1 }, datatype: 'timestamp', convert_tz: true, fill_style: 'range',
      suggestable: false, user_attribute_filter_types: ['datetime', 'advanced_filter_datetime'],
    });
    expect(field(j, 'orders.created_day_of_week')).toMatchObject({
      type: 'date_day_of_week', label_short: 'Created Day of Week', field_group_variant: 'Day of Week', time_interval: null, fill_style: 'enumeration',
    });
    expect(field(j, 'orders.created_hour3')).toMatchObject({ type: 'date_hour3', time_interval: { name: 'hour', count: 3 } });
    expect(field(j, 'orders.created_week').time_interval).toEqual({ name: 'week', count: 1 });
    expect(field(j, 'orders.created_raw').type).toBe('date_raw');
  });

  it('uses the group label, group_label and datatype of a labelled group', () => {
    expect(field(j, 'orders.shipped_date')).toMatchObject({
      type: 'date_date', label: 'Purchases Dispatch Date', label_short: 'Dispatch Date', field_group_label: 'Logistics',
      field_group_variant: 'Dispatch Date', datatype: 'date', convert_tz: false, dimension_group: 'orders.shipped',
    });
    expect(field(j, 'buyer.created_date')).toMatchObject({ label: 'Customer Created Date', original_view: 'users' });
  });

  it('reports duration members', () => {
    expect(field(j, 'orders.days_processing')).toMatchObject({
      type: 'duration_day', label_short: 'Days Processing', dimension_group: 'orders.processing', is_numeric: true,
      is_timeframe: false, time_interval: null, sql: null, align: 'right', convert_tz: null,
    });
    expect(field(j, 'orders.hours_processing').type).toBe('duration_hour');
  });

  it('reports measures with filters, drill fields and sort behaviour', () => {
    expect(field(j, 'orders.big_count')).toMatchObject({
      category: 'measure', measure: true, type: 'count', filters: [{ field: 'amount_usd', condition: '>100' }],
      drill_fields: ['orders.id'], has_drills_metadata: true, is_numeric: true, suggestable: false, sortable: true,
    });
    // Without its own drill_fields a measure drills into its view's, sets expanded.
    expect(field(j, 'orders.count').drill_fields).toEqual(['orders.id', 'orders.status', 'buyer.name']);
    expect(field(j, 'orders.total')).toMatchObject({ value_format: '0.00', requires_refresh_on_sort: false });
    expect(field(j, 'orders.running').requires_refresh_on_sort).toBe(true);
    expect(field(j, 'orders.id').drill_fields).toEqual([]);
  });

  it('reports case dimensions and links', () => {
    expect(field(j, 'orders.size')).toMatchObject({
      sql: null,
      sql_case: [{ value: 'Large', condition: '${amount_usd} > 100' }, { value: 'Small', condition: null }],
      enumerations: [{ label: 'Large', value: 'Large' }, { label: 'Small', value: 'Small' }],
      fill_style: 'enumeration',
    });
    expect(field(j, 'shipments.carrier')).toMatchObject({
      links: [{ label: 'Track', url: 'https://t/{{ value }}', icon_url: null }], has_drills_metadata: true,
    });
  });

  it('reports parameters with their allowed values and default', () => {
    expect(field(j, 'orders.metric')).toMatchObject({
      category: 'parameter', parameter: true, measure: false, is_filter: false, type: 'unquoted',
      has_allowed_values: true, default_filter_value: 'amount', sortable: false, suggestable: true,
      enumerations: [{ label: 'By amount', value: 'amount' }, { label: 'count', value: 'count' }],
    });
  });

  it('reports filter fields', () => {
    expect(field(j, 'orders.status_filter')).toMatchObject({
      category: 'filter', is_filter: true, type: 'string', suggestions: ['open', 'closed'], suggestable: true,
      has_allowed_values: false, enumerations: null, default_filter_value: null,
    });
  });

  it('carries model settings into every field', () => {
    const p = build({ ...FILES, 'shop.model.lkml': ['week_start_day: sunday', 'fiscal_month_offset: 3', ...MODEL] });
    const m = p.models.shop!;
    const k = lookmlModelExploreJson(p, m, m.explores.orders!, { projectName: 'ecom' });
    expect(field(k, 'orders.id')).toMatchObject({ week_start_day: 'sunday', fiscal_month_offset: 3 });
  });
});
