import { describe, expect, it } from 'vitest';
import { paramLoc } from './ast-util.ts';
import { build, where } from './test-util.ts';
import { defaultTimeframes } from './timeframes.ts';

describe('dimension groups', () => {
  const p = build({
    'm.model.lkml': [
      'connection: "db"',
      'view: orders {',
      '  dimension_group: created {',
      '    type: time',
      '    timeframes: [raw, date, week, month, fiscal_quarter]',
      '    datatype: datetime',
      '    convert_tz: no',
      '    sql: ${TABLE}.created_at ;;',
      '    label: "Created"',
      '  }',
      '  dimension_group: shipped { type: time }',
      '  dimension_group: birth { type: time datatype: date }',
      '  dimension_group: processing {',
      '    type: duration',
      '    intervals: [day, hour]',
      '    sql_start: ${created_raw} ;;',
      '    sql_end: ${TABLE}.shipped_at ;;',
      '  }',
      '  dimension_group: age { type: duration sql_start: a ;; sql_end: b ;; }',
      '}',
    ],
  });
  const fields = p.models.m!.views.orders!.fields;

  it('expands type: time into <group>_<timeframe> with date_<timeframe> types', () => {
    const created = fields.filter((f) => f.group?.name === 'created');
    expect(created.map((f) => [f.name, f.type, f.sql, f.label])).toEqual([
      ['created_raw', 'date_raw', '${TABLE}.created_at', 'Created'],
      ['created_date', 'date_date', '${TABLE}.created_at', 'Created'],
      ['created_week', 'date_week', '${TABLE}.created_at', 'Created'],
      ['created_month', 'date_month', '${TABLE}.created_at', 'Created'],
      ['created_fiscal_quarter', 'date_fiscal_quarter', '${TABLE}.created_at', 'Created'],
    ]);
    expect(created[1]!.group).toEqual({ name: 'created', kind: 'time', timeframe: 'date', datatype: 'datetime', convertTz: false });
    expect(created[1]!.category).toBe('dimension');
  });

  it('uses the default timeframes when none are listed, and reads the column of the group name', () => {
    const shipped = fields.filter((f) => f.group?.name === 'shipped');
    expect(shipped.map((f) => f.group?.timeframe)).toEqual(defaultTimeframes('timestamp', 0));
    expect(shipped.slice(0, 8).map((f) => f.name)).toEqual([
      'shipped_raw', 'shipped_time', 'shipped_time_of_day', 'shipped_date', 'shipped_week',
      'shipped_month', 'shipped_quarter', 'shipped_year',
    ]);
    expect(shipped[0]!.sql).toBe('${TABLE}.shipped');
    const birth = fields.filter((f) => f.group?.name === 'birth').map((f) => f.group?.timeframe);
    expect(birth).toContain('date');
    expect(birth).not.toContain('hour');
    expect(birth).not.toContain('time');
    expect(defaultTimeframes('timestamp', 3)).toContain('fiscal_quarter');
    expect(defaultTimeframes('timestamp', 0)).not.toContain('fiscal_quarter');
  });

  it('expands type: duration into <interval>s_<group> with duration_<interval> types', () => {
    const processing = fields.filter((f) => f.group?.name === 'processing');
    expect(processing.map((f) => [f.name, f.type])).toEqual([
      ['days_processing', 'duration_day'],
      ['hours_processing', 'duration_hour'],
    ]);
    expect(processing[0]!.group).toEqual({
      name: 'processing', kind: 'duration', interval: 'day', datatype: 'timestamp', convertTz: true,
      sqlStart: '${created_raw}', sqlEnd: '${TABLE}.shipped_at',
    });
    expect(processing[0]!.sql).toBeUndefined();
    expect(fields.filter((f) => f.group?.name === 'age').map((f) => f.name)).toEqual([
      'days_age', 'hours_age', 'minutes_age', 'months_age', 'quarters_age', 'seconds_age', 'weeks_age', 'years_age',
    ]);
  });

  it('reports unknown timeframes, intervals and datatypes at the item', () => {
    const q = build({
      'm.model.lkml': [
        'connection: "db"',
        'view: v {',
        '  dimension_group: a { type: time timeframes: [date, fortnight] datatype: unix }',
        '  dimension_group: b { type: duration intervals: [day, decade] sql_start: x ;; sql_end: y ;; }',
        '}',
      ],
    });
    expect(where(q.diagnostics)).toEqual([
      ['model/unknown-datatype', 3, 75],
      ['model/unknown-timeframe', 3, 54],
      ['model/unknown-interval', 4, 56],
    ]);
    expect(q.models.m!.views.v!.fields.map((f) => f.name)).toEqual(['a_date', 'days_b']);
    // Each names the group it is in, as Looker's validator names the field it validates.
    expect(q.diagnostics.map((d) => [d.code, d.model, d.explore, d.field])).toEqual([
      ['model/unknown-datatype', undefined, undefined, 'v.a'],
      ['model/unknown-timeframe', undefined, undefined, 'v.a'],
      ['model/unknown-interval', undefined, undefined, 'v.b'],
    ]);
  });
});

describe('duplicate fields', () => {
  it('name the field, view.field, at both definitions and no model or explore (the view may be in several)', () => {
    const q = build({
      'a.model.lkml': ['connection: "db"', 'include: "v.view"', 'explore: v {}'],
      'b.model.lkml': ['connection: "db"', 'include: "v.view"', 'explore: w { from: v }'],
      'v.view.lkml': ['view: v {', '  dimension: id {}', '  dimension_group: at { type: time timeframes: [date] }', '  measure: at_date { type: count }', '  dimension: id {}', '}'],
    });
    expect(q.diagnostics.map((d) => [d.code, d.line, d.field])).toEqual([
      ['model/duplicate-field', 3, 'v.at_date'],
      ['model/duplicate-field', 4, 'v.at_date'],
      ['model/duplicate-field', 2, 'v.id'],
      ['model/duplicate-field', 5, 'v.id'],
    ]);
    for (const d of q.diagnostics) expect(Object.keys(d)).toEqual(['code', 'severity', 'message', 'file', 'line', 'column', 'field']);
  });
});

describe('fields', () => {
  const p = build({
    'm.model.lkml': [
      'connection: "db"',
      'named_value_format: euro { value_format: "€#,##0.00" }',
      'datagroup: nightly { sql_trigger: SELECT CURRENT_DATE ;; max_cache_age: "24 hours" }',
      'access_grant: finance { user_attribute: dept allowed_values: ["finance"] }',
      'week_start_day: sunday',
      'fiscal_month_offset: 3',
      'case_sensitive: no',
      'persist_with: nightly',
      'view: orders {',
      '  dimension: id { primary_key: yes type: number hidden: yes }',
      '  dimension: status { suggestions: ["open", "closed"] tags: ["pii"] drill_fields: [id] }',
      '  dimension: amount_tier { type: tier tiers: [0, 10, 100] style: integer sql: ${amount} ;; }',
      '  dimension: size {',
      '    case: {',
      '      when: { sql: ${amount} < 10 ;; label: "small" }',
      '      when: { sql: ${amount} >= 10 ;; label: "large" }',
      '      else: "unknown"',
      '    }',
      '  }',
      '  dimension: amount { type: number custom_key: "kept" }',
      '  measure: total { type: sum sql: ${amount} ;; filters: [status: "closed", amount: ">0"] value_format_name: euro }',
      '  measure: total_old {',
      '    type: sum',
      '    sql: ${amount} ;;',
      '    filters: { field: status value: "closed" }',
      '    filters: { field: amount value: ">0" }',
      '  }',
      '  measure: p90 { type: percentile percentile: 90 sql: ${amount} ;; }',
      '  measure: untyped { sql: MAX(${status}) ;; }',
      '  filter: status_filter { type: string suggest_dimension: status }',
      '  parameter: granularity {',
      '    type: unquoted',
      '    allowed_value: { label: "Day" value: "day" }',
      '    allowed_value: { value: "week" }',
      '    default_value: "day"',
      '  }',
      '  set: basics { fields: [id, status] }',
      '}',
    ],
  });
  const m = p.models.m!;
  const v = m.views.orders!;
  const f = (name: string) => v.fields.find((x) => x.name === name)!;

  it('applies defaults and reads every documented parameter', () => {
    expect(p.diagnostics).toEqual([]);
    expect([f('id').primaryKey, f('id').hidden, f('id').sql]).toEqual([true, true, '${TABLE}.id']);
    expect(f('status').type).toBe('string');
    expect([f('status').suggestions, f('status').tags, f('status').drillFields]).toEqual([['open', 'closed'], ['pii'], ['id']]);
    expect([f('amount_tier').tiers, f('amount_tier').style]).toEqual([[0, 10, 100], 'integer']);
    expect(f('size').caseWhen).toEqual({
      when: [
        { sql: '${amount} < 10', label: 'small' },
        { sql: '${amount} >= 10', label: 'large' },
      ],
      else: 'unknown',
    });
    expect(f('size').sql).toBeUndefined();
    expect(f('amount').params.custom_key).toBe('kept');
    expect([f('p90').percentile, f('untyped').type, f('untyped').category]).toEqual([90, 'string', 'measure']);
    expect([f('status_filter').category, f('status_filter').sql]).toEqual(['filter', undefined]);
    expect(f('granularity').allowedValues).toEqual([
      { label: 'Day', value: 'day' },
      { label: 'week', value: 'week' },
    ]);
    expect([f('granularity').category, f('granularity').type, f('granularity').defaultValue]).toEqual(['parameter', 'unquoted', 'day']);
    expect(v.sets).toEqual({ basics: ['id', 'status'] });
  });

  it('normalises both measure filters syntaxes', () => {
    const expected = [
      { field: 'status', expression: 'closed' },
      { field: 'amount', expression: '>0' },
    ];
    const strip = (name: string) => f(name).filters.map(({ field, expression }) => ({ field, expression }));
    expect(strip('total')).toEqual(expected);
    expect(strip('total_old')).toEqual(expected);
    expect(f('total').filters[1]!.loc).toEqual({ file: 'm.model.lkml', line: 21, column: 76 });
    expect(f('total_old').filters[1]!.loc).toEqual({ file: 'm.model.lkml', line: 26, column: 23 });
  });

  it('reads model settings', () => {
    expect([m.weekStartDay, m.fiscalMonthOffset, m.caseSensitive]).toEqual(['sunday', 3, false]);
    expect(m.namedValueFormats).toEqual({ euro: '€#,##0.00' });
    expect(m.datagroups).toEqual({ nightly: { sql_trigger: 'SELECT CURRENT_DATE', max_cache_age: '24 hours' } });
    expect(m.accessGrants).toEqual({ finance: { user_attribute: 'dept', allowed_values: ['finance'] } });
    expect(m.params.persist_with).toBe('nightly');
    expect(m.params.view).toBeUndefined();
  });
});

describe('views and explores', () => {
  const p = build({
    'm.model.lkml': [
      'connection: "db"',
      'view: facts {',
      '  derived_table: {',
      '    sql: SELECT * FROM ${orders.SQL_TABLE_NAME} ;;',
      '    datagroup_trigger: nightly',
      '    indexes: ["id"]',
      '  }',
      '}',
      'view: ndt {',
      '  derived_table: {',
      '    explore_source: orders {',
      '      column: id { field: orders.id }',
      '      column: status {}',
      '      derived_column: rank { sql: ROW_NUMBER() OVER () ;; }',
      '      filters: [orders.status: "closed"]',
      '      bind_filters: { from_field: orders.status to_field: orders.status }',
      '      bind_all_filters: yes',
      '      limit: 10',
      '      sorts: [orders.id: desc, status]',
      '    }',
      '    persist_for: "1 hour"',
      '  }',
      '}',
      'view: orders { sql_table_name: s.orders ;; dimension: id {} dimension: status {} }',
      'view: users { dimension: id {} }',
      'explore: orders {',
      '  label: "Orders" description: "d" group_label: "Sales" view_label: "O" hidden: no',
      '  fields: [ALL_FIELDS*]',
      '  sql_always_where: ${orders.status} <> \'x\' ;;',
      '  sql_always_having: 1=1 ;;',
      '  always_filter: { filters: [orders.status: "closed"] }',
      '  conditionally_filter: { filters: [orders.id: "1"] unless: [users.id] }',
      '  access_filter: { field: users.id user_attribute: uid }',
      '  always_join: [users]',
      '  symmetric_aggregates: no',
      '  join: buyer {',
      '    from: users',
      '    type: full_outer',
      '    relationship: one_to_one',
      '    sql_on: ${orders.id} = ${buyer.id} ;;',
      '    fields: [id]',
      '    required_joins: [users]',
      '    view_label: "Buyer"',
      '    sql_where: ${buyer.id} > 0 ;;',
      '  }',
      '  join: users { foreign_key: orders.id }',
      '}',
      'explore: customers { from: users }',
      'explore: shoppers { view_name: users }',
    ],
  });
  const m = p.models.m!;

  it('reads SQL and native derived tables, keeping persistence parameters', () => {
    expect(m.views.facts!.derivedTable).toEqual({
      sql: 'SELECT * FROM ${orders.SQL_TABLE_NAME}',
      persistence: { datagroup_trigger: 'nightly', indexes: ['id'] },
      paramLocs: expect.any(Object) as unknown,
    });
    const ndt = m.views.ndt!.derivedTable!;
    expect(ndt.persistence).toEqual({ persist_for: '1 hour' });
    expect({ ...ndt.exploreSource, filters: ndt.exploreSource!.filters.map((x) => x.field) }).toEqual({
      explore: 'orders',
      columns: [
        { name: 'id', field: 'orders.id', loc: { file: 'm.model.lkml', line: 12, column: 27 } },
        { name: 'status', loc: { file: 'm.model.lkml', line: 13, column: 15 } },
      ],
      derivedColumns: [{ name: 'rank', sql: 'ROW_NUMBER() OVER ()' }],
      filters: ['orders.status'],
      bindFilters: [{ fromField: 'orders.status', toField: 'orders.status' }],
      bindAllFilters: true,
      limit: 10,
      sorts: [{ field: 'orders.id', desc: true }, { field: 'status', desc: false }],
      loc: { file: 'm.model.lkml', line: 11, column: 21 },
    });
    expect(m.views.orders!.sqlTableName).toBe('s.orders');
  });

  it('reads explores and joins with Looker defaults', () => {
    const e = m.explores.orders!;
    expect([e.view, e.alias, e.label, e.description, e.groupLabel, e.viewLabel, e.hidden, e.symmetricAggregates]).toEqual([
      'orders', 'orders', 'Orders', 'd', 'Sales', 'O', false, false,
    ]);
    expect(e.fields).toEqual(['ALL_FIELDS*']);
    expect([e.sqlAlwaysWhere, e.sqlAlwaysHaving]).toEqual(["${orders.status} <> 'x'", '1=1']);
    expect(e.alwaysFilter.map((c) => [c.field, c.expression])).toEqual([['orders.status', 'closed']]);
    expect(e.conditionallyFilter!.unless).toEqual(['users.id']);
    expect(e.conditionallyFilter!.filters.map((c) => [c.field, c.expression])).toEqual([['orders.id', '1']]);
    expect(e.accessFilters).toEqual([{ field: 'users.id', userAttribute: 'uid' }]);
    expect(e.alwaysJoin).toEqual(['users']);
    const [buyer, users] = e.joins;
    expect(buyer).toMatchObject({
      name: 'buyer', view: 'users', type: 'full_outer', relationship: 'one_to_one',
      sqlOn: '${orders.id} = ${buyer.id}', fields: ['id'], requiredJoins: ['users'],
      viewLabel: 'Buyer', sqlWhere: '${buyer.id} > 0',
    });
    expect(users).toMatchObject({ name: 'users', view: 'users', type: 'left_outer', relationship: 'many_to_one', foreignKey: 'orders.id' });
    expect(users!.fields).toBeUndefined();
  });

  it('aliases from: as the explore name and view_name: as the view', () => {
    expect([m.explores.customers!.view, m.explores.customers!.alias]).toEqual(['users', 'customers']);
    expect([m.explores.shoppers!.view, m.explores.shoppers!.alias]).toEqual(['users', 'users']);
  });

  it('reports invalid join types and relationships', () => {
    const q = build({
      'm.model.lkml': ['connection: "db"', 'view: a {}', 'view: b {}', 'explore: a {', '  join: b { type: outer relationship: one_to_few }', '}'],
    });
    expect(where(q.diagnostics)).toEqual([
      ['model/invalid-type', 5, 19],
      ['model/invalid-relationship', 5, 39],
    ]);
    expect(q.models.m!.explores.a!.joins[0]).toMatchObject({ type: 'left_outer', relationship: 'many_to_one' });
  });
});

describe('parameter locations', () => {
  const wide = `${' '.repeat(5000)}label: "far right"`;
  const p = build({
    'm.model.lkml': ['connection: "db"', 'include: "*.view"', 'include: "r.lkml"'],
    'v.view.lkml': ['view: v {', '  dimension: a {', '    type: number', '    sql: ${TABLE}.a ;;', '    tags: [x, y]', '  }', '  dimension: b {', wide, '  }', '}'],
    'r.lkml': ['view: +v {', '  dimension: a { description: "refined" }', '}'],
  });
  const v = p.models.m!.views.v!;
  const field = (name: string) => v.fields.find((f) => f.name === name)!;

  it('reads back where each parameter and list item was written, in the field file or another', () => {
    expect(p.diagnostics).toEqual([]);
    const a = field('a');
    expect(paramLoc(a, 'type')).toEqual({ file: 'v.view.lkml', line: 3, column: 11 });
    expect(paramLoc(a, 'sql')).toEqual({ file: 'v.view.lkml', line: 4, column: 10 });
    expect(paramLoc(a, 'tags[1]')).toEqual({ file: 'v.view.lkml', line: 5, column: 15 });
    expect(paramLoc(a, 'description')).toEqual({ file: 'r.lkml', line: 2, column: 31 });
    expect(paramLoc(a, 'label')).toBeUndefined();
    // Past the packed range, a column is kept as written.
    expect(paramLoc(field('b'), 'label')).toEqual({ file: 'v.view.lkml', line: 8, column: 5008 });
  });

  it('keeps locations in the field file as numbers, others as locations', () => {
    const locs = field('a').paramLocs!;
    expect(typeof locs.type).toBe('number');
    expect(locs.description).toEqual({ file: 'r.lkml', line: 2, column: 31 });
    expect(field('b').paramLocs!.label).toEqual({ file: 'v.view.lkml', line: 8, column: 5008 });
  });
});
