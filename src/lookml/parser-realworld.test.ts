import { describe, it, expect } from 'vitest';
import { parseLookml } from './parser.ts';
import { pairsToParams } from './plain.ts';
import type { PairNode } from './ast.ts';

function clean(src: string, path: string) {
  const f = parseLookml(src, path);
  expect(f.diagnostics).toEqual([]);
  return { pairs: f.pairs, plain: pairsToParams(f.pairs) };
}

function find(pairs: readonly PairNode[], key: string, name?: string): PairNode {
  const p = pairs.find((q) => q.key === key && (name === undefined || q.name === name));
  if (!p) throw new Error(`no ${key} ${name ?? ''}`);
  return p;
}

function body(p: PairNode): readonly PairNode[] {
  if (p.value.kind !== 'block') throw new Error('not a block');
  return p.value.pairs;
}

const MANIFEST = `project_name: "thelook"

# Connection and schema differ per environment
constant: CONNECTION {
  value: "thelook_pg"
  export: override_optional
}
constant: SCHEMA {
  value: "public"
}
local_dependency: {
  project: "shared_views"
  override_constant: SCHEMA {
    value: "analytics"
  }
}
`;

const VIEW = `include: "/views/base/*.view"

view: order_items {
  sql_table_name: @{SCHEMA}.order_items ;;
  extends: [base_audit]
  drill_fields: [detail*]

  dimension: id {
    primary_key: yes
    hidden: yes
    type: number
    sql: \${TABLE}."id" ;;
  }

  dimension_group: created {
    type: time
    timeframes: [
      raw,
      time,
      date,
      week,
      month, # monthly reporting
      quarter,
      year
    ]
    convert_tz: no
    datatype: timestamp
    sql: \${TABLE}.created_at ;;
  }

  dimension_group: shipping {
    type: duration
    intervals: [day, hour]
    sql_start: \${created_raw} ;;
    sql_end: \${shipped_raw} ;;
  }

  dimension: status {
    label: "Order Status"
    description: "Status of the \\"order\\" line"
    sql: \${TABLE}.status ;;
    html: {% if value == 'complete' %}<b style="color: green">{{ rendered_value }}</b>{% else %}{{ rendered_value }}{% endif %} ;;
    link: {
      label: "Google"
      url: "https://www.google.com/search?q={{ value | url_encode }}"
      icon_url: "https://google.com/favicon.ico"
    }
    link: {
      label: "Status dashboard"
      url: "/dashboards/thelook::status?Status={{ value }}"
    }
  }

  parameter: metric_selector {
    type: unquoted
    allowed_value: { label: "Revenue" value: "sale_price" }
    allowed_value: { label: "Cost" value: "cost" }
    default_value: "sale_price"
  }

  dimension: age_tier {
    type: tier
    tiers: [0, 10, 20, 30, 40, 50, 60, 70]
    style: integer
    sql: \${users.age} ;;
  }

  dimension: location {
    type: location
    sql_latitude: \${TABLE}.lat ;;
    sql_longitude: \${TABLE}.lon ;;
  }

  measure: total_sale_price {
    type: sum
    value_format_name: usd
    sql: \${sale_price} ;;
    drill_fields: [id, users.email, -users.age]
  }

  measure: completed_revenue {
    type: sum_distinct
    sql_distinct_key: \${id} ;;
    sql: {% parameter metric_selector %} ;;
    filters: [status: "complete", created_date: "last 30 days", users.age: ">=18"]
  }

  measure: legacy_filtered {
    type: count
    filters: {
      field: status
      value: "-cancelled"
    }
  }

  set: detail {
    fields: [id, status, created_date, users.name]
  }
}
`;

const MODEL = `connection: "@{CONNECTION}"
include: "/views/**/*.view.lkml"
include: "/dashboards/*.dashboard"
week_start_day: monday

datagroup: nightly {
  sql_trigger: SELECT CURRENT_DATE ;;
  max_cache_age: "24 hours"
}

persist_with: nightly

explore: order_items {
  label: "Orders"
  sql_always_where: {% condition order_items.status %} \${order_items.status} {% endcondition %} ;;
  always_filter: {
    filters: [order_items.created_date: "last 7 days"]
  }
  join: users {
    type: left_outer
    relationship: many_to_one
    sql_on: \${order_items.user_id} = \${users.id} ;;
  }
  join: buyer {
    from: users
    fields: [ALL_FIELDS*, -buyer.email]
    relationship: many_to_one
    sql_on: \${order_items.buyer_id} = \${buyer.id} ;;
  }
  join: order_tags {
    sql: LEFT JOIN UNNEST(\${order_items.tags}) AS order_tags ;;
    relationship: one_to_many
  }
  aggregate_table: daily {
    query: {
      dimensions: [created_date]
      measures: [total_sale_price]
      timezone: America/Los_Angeles
    }
    materialization: {
      datagroup_trigger: nightly
    }
  }
}

explore: +order_items {
  hidden: no
}
`;

const REFINEMENT = `view: +order_items {
  dimension: status {
    label: "Status (refined)"
  }
  measure: count { type: count drill_fields: [detail*] }
}

view: user_facts {
  derived_table: {
    explore_source: order_items {
      column: user_id { field: users.id }
      column: lifetime { field: order_items.total_sale_price }
      derived_column: rank { sql: RANK() OVER (ORDER BY lifetime DESC) ;; }
      filters: [order_items.status: "complete"]
      bind_filters: { from_field: users.state to_field: users.state }
    }
    datagroup_trigger: nightly
  }
  dimension: user_id { primary_key: yes }
}
`;

describe('real-world LookML', () => {
  it('reads a manifest with constants and overrides', () => {
    expect(clean(MANIFEST, 'manifest.lkml').plain).toEqual({
      project_name: 'thelook',
      constant: { CONNECTION: { value: 'thelook_pg', export: 'override_optional' }, SCHEMA: { value: 'public' } },
      local_dependency: { project: 'shared_views', override_constant: { SCHEMA: { value: 'analytics' } } },
    });
  });

  it('reads a view with dimension groups, Liquid html, links, parameters and filtered measures', () => {
    const { pairs, plain } = clean(VIEW, 'views/order_items.view.lkml');
    expect(plain.include).toBe('/views/base/*.view');
    const view = find(pairs, 'view', 'order_items');
    expect(view.loc).toEqual({ file: 'views/order_items.view.lkml', line: 3, column: 1 });
    const v = pairsToParams(body(view));
    expect(v.sql_table_name).toBe('@{SCHEMA}.order_items');
    expect(v.extends).toEqual(['base_audit']);
    expect(v.dimension_group).toEqual({
      created: {
        type: 'time',
        timeframes: ['raw', 'time', 'date', 'week', 'month', 'quarter', 'year'],
        convert_tz: 'no',
        datatype: 'timestamp',
        sql: '${TABLE}.created_at',
      },
      shipping: { type: 'duration', intervals: ['day', 'hour'], sql_start: '${created_raw}', sql_end: '${shipped_raw}' },
    });
    expect(v.dimension).toMatchObject({
      id: { primary_key: 'yes', hidden: 'yes', type: 'number', sql: '${TABLE}."id"' },
      status: {
        label: 'Order Status',
        description: 'Status of the "order" line',
        html: "{% if value == 'complete' %}<b style=\"color: green\">{{ rendered_value }}</b>{% else %}{{ rendered_value }}{% endif %}",
        link: [
          { label: 'Google', url: 'https://www.google.com/search?q={{ value | url_encode }}', icon_url: 'https://google.com/favicon.ico' },
          { label: 'Status dashboard', url: '/dashboards/thelook::status?Status={{ value }}' },
        ],
      },
      age_tier: { type: 'tier', tiers: ['0', '10', '20', '30', '40', '50', '60', '70'], style: 'integer', sql: '${users.age}' },
      location: { type: 'location', sql_latitude: '${TABLE}.lat', sql_longitude: '${TABLE}.lon' },
    });
    expect(v.parameter).toEqual({
      metric_selector: {
        type: 'unquoted',
        allowed_value: [
          { label: 'Revenue', value: 'sale_price' },
          { label: 'Cost', value: 'cost' },
        ],
        default_value: 'sale_price',
      },
    });
    expect(v.measure).toEqual({
      total_sale_price: { type: 'sum', value_format_name: 'usd', sql: '${sale_price}', drill_fields: ['id', 'users.email', '-users.age'] },
      completed_revenue: {
        type: 'sum_distinct',
        sql_distinct_key: '${id}',
        sql: '{% parameter metric_selector %}',
        filters: { status: 'complete', created_date: 'last 30 days', 'users.age': '>=18' },
      },
      legacy_filtered: { type: 'count', filters: { field: 'status', value: '-cancelled' } },
    });
    expect(v.set).toEqual({ detail: { fields: ['id', 'status', 'created_date', 'users.name'] } });
    const measure = find(body(view), 'measure', 'completed_revenue');
    expect([measure.loc.line, measure.nameLoc?.column]).toEqual([81, 12]);
  });

  it('reads a model with a datagroup, explores, joins and aggregate tables', () => {
    const { pairs, plain } = clean(MODEL, 'thelook.model.lkml');
    expect(plain.connection).toBe('@{CONNECTION}');
    expect(plain.include).toEqual(['/views/**/*.view.lkml', '/dashboards/*.dashboard']);
    expect(plain.datagroup).toEqual({ nightly: { sql_trigger: 'SELECT CURRENT_DATE', max_cache_age: '24 hours' } });
    expect(plain.explore).toEqual({
      order_items: {
        label: 'Orders',
        sql_always_where: '{% condition order_items.status %} ${order_items.status} {% endcondition %}',
        always_filter: { filters: { 'order_items.created_date': 'last 7 days' } },
        join: {
          users: { type: 'left_outer', relationship: 'many_to_one', sql_on: '${order_items.user_id} = ${users.id}' },
          buyer: { from: 'users', fields: ['ALL_FIELDS*', '-buyer.email'], relationship: 'many_to_one', sql_on: '${order_items.buyer_id} = ${buyer.id}' },
          order_tags: { sql: 'LEFT JOIN UNNEST(${order_items.tags}) AS order_tags', relationship: 'one_to_many' },
        },
        aggregate_table: {
          daily: {
            query: { dimensions: ['created_date'], measures: ['total_sale_price'], timezone: 'America/Los_Angeles' },
            materialization: { datagroup_trigger: 'nightly' },
          },
        },
      },
      '+order_items': { hidden: 'no' },
    });
    const refinement = pairs.filter((p) => p.key === 'explore')[1]!;
    expect([refinement.name, refinement.loc.line, refinement.nameLoc?.column]).toEqual(['+order_items', 46, 10]);
  });

  it('reads refinements and native derived tables', () => {
    const { pairs, plain } = clean(REFINEMENT, 'views/refinements.lkml');
    expect(pairs.map((p) => p.name)).toEqual(['+order_items', 'user_facts']);
    expect(plain.view).toEqual({
      '+order_items': {
        dimension: { status: { label: 'Status (refined)' } },
        measure: { count: { type: 'count', drill_fields: ['detail*'] } },
      },
      user_facts: {
        derived_table: {
          explore_source: {
            order_items: {
              column: { user_id: { field: 'users.id' }, lifetime: { field: 'order_items.total_sale_price' } },
              derived_column: { rank: { sql: 'RANK() OVER (ORDER BY lifetime DESC)' } },
              filters: { 'order_items.status': 'complete' },
              bind_filters: { from_field: 'users.state', to_field: 'users.state' },
            },
          },
          datagroup_trigger: 'nightly',
        },
        dimension: { user_id: { primary_key: 'yes' } },
      },
    });
  });

  it('gives the same tree for CRLF and LF checkouts', () => {
    const lf = parseLookml(VIEW, 'v.lkml');
    const crlf = parseLookml(VIEW.replace(/\n/g, '\r\n'), 'v.lkml');
    expect(crlf).toEqual(lf);
  });
});
