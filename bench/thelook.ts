/**
 * The query-compile and run fixture, on the demo tables (src/connections/demo-sql.ts): a
 * LookML model and a Malloy source with the same tables, joins, measures and filters, plus one
 * query in Looker's and in Malloy's form. Both ask for the same 10 fields over the same 3 joins
 * with the same 4 filters, so the two compilers do the same job.
 */
import type { LookerQuery } from '../src/sql/index.ts';

export const LOOKML_FILES: readonly { readonly path: string; readonly text: string }[] = [
  {
    path: 'thelook.model.lkml',
    text: `connection: "duckdb"
include: "/views/*.view.lkml"

explore: order_items {
  join: users {
    type: left_outer
    relationship: many_to_one
    sql_on: \${order_items.user_id} = \${users.id} ;;
  }
  join: inventory_items {
    type: left_outer
    relationship: many_to_one
    sql_on: \${order_items.inventory_item_id} = \${inventory_items.id} ;;
  }
  join: products {
    type: left_outer
    relationship: many_to_one
    sql_on: \${inventory_items.product_id} = \${products.id} ;;
  }
}
`,
  },
  {
    path: 'views/order_items.view.lkml',
    text: `view: order_items {
  sql_table_name: order_items ;;
  dimension: id {
    primary_key: yes
    type: number
    sql: \${TABLE}.id ;;
  }
  dimension: order_id {
    type: number
    sql: \${TABLE}.order_id ;;
  }
  dimension: user_id {
    type: number
    hidden: yes
    sql: \${TABLE}.user_id ;;
  }
  dimension: inventory_item_id {
    type: number
    hidden: yes
    sql: \${TABLE}.inventory_item_id ;;
  }
  dimension: sale_price {
    type: number
    sql: \${TABLE}.sale_price ;;
  }
  dimension: status {
    type: string
    sql: \${TABLE}.status ;;
  }
  dimension_group: created {
    type: time
    timeframes: [raw, time, date, week, month, quarter, year]
    sql: \${TABLE}.created_at ;;
  }
  measure: count {
    type: count
  }
  measure: total_sale_price {
    type: sum
    sql: \${sale_price} ;;
    value_format_name: usd
  }
  measure: average_sale_price {
    type: average
    sql: \${sale_price} ;;
    value_format_name: usd
  }
}
`,
  },
  {
    path: 'views/users.view.lkml',
    text: `view: users {
  sql_table_name: users ;;
  dimension: id {
    primary_key: yes
    type: number
    sql: \${TABLE}.id ;;
  }
  dimension: email {
    sql: \${TABLE}.email ;;
  }
  dimension: age {
    type: number
    sql: \${TABLE}.age ;;
  }
  dimension: gender {
    sql: \${TABLE}.gender ;;
  }
  dimension: state {
    sql: \${TABLE}.state ;;
  }
  dimension: country {
    sql: \${TABLE}.country ;;
  }
  dimension: traffic_source {
    sql: \${TABLE}.traffic_source ;;
  }
  dimension_group: created {
    type: time
    timeframes: [raw, date, month, year]
    sql: \${TABLE}.created_at ;;
  }
  measure: count {
    type: count
  }
}
`,
  },
  {
    path: 'views/inventory_items.view.lkml',
    text: `view: inventory_items {
  sql_table_name: inventory_items ;;
  dimension: id {
    primary_key: yes
    type: number
    sql: \${TABLE}.id ;;
  }
  dimension: product_id {
    type: number
    hidden: yes
    sql: \${TABLE}.product_id ;;
  }
  dimension: cost {
    type: number
    sql: \${TABLE}.cost ;;
  }
  measure: total_cost {
    type: sum
    sql: \${cost} ;;
  }
}
`,
  },
  {
    path: 'views/products.view.lkml',
    text: `view: products {
  sql_table_name: products ;;
  dimension: id {
    primary_key: yes
    type: number
    sql: \${TABLE}.id ;;
  }
  dimension: category {
    sql: \${TABLE}.category ;;
  }
  dimension: brand {
    sql: \${TABLE}.brand ;;
  }
  dimension: name {
    sql: \${TABLE}.name ;;
  }
  dimension: department {
    sql: \${TABLE}.department ;;
  }
  dimension: retail_price {
    type: number
    sql: \${TABLE}.retail_price ;;
  }
  measure: count {
    type: count
  }
}
`,
  },
];

/** 10 fields (6 dimensions, 4 measures — one of them on a joined view, so symmetric), 3 joins, 4 filters. */
export const LOOKER_QUERY: LookerQuery = {
  model: 'thelook',
  view: 'order_items',
  fields: [
    'users.state',
    'users.gender',
    'products.category',
    'products.brand',
    'order_items.created_month',
    'order_items.status',
    'order_items.count',
    'order_items.total_sale_price',
    'order_items.average_sale_price',
    'users.count',
  ],
  filters: {
    'order_items.status': 'Complete,Shipped',
    'users.country': 'United States',
    'order_items.sale_price': '>10',
    'order_items.created_date': 'after 2023/01/01',
  },
  sorts: ['order_items.total_sale_price desc'],
  limit: 500,
};

export const MALLOY_SOURCE = `
source: users is duckdb.table('users') extend {
  primary_key: id
  measure: user_count is count()
}

source: inventory_items is duckdb.table('inventory_items') extend {
  primary_key: id
}

source: products is duckdb.table('products') extend {
  primary_key: id
}

source: order_items is duckdb.table('order_items') extend {
  primary_key: id
  join_one: users with user_id
  join_one: inventory_items with inventory_item_id
  join_one: products on inventory_items.product_id = products.id
  dimension: created_month is created_at.month
  measure:
    order_count is count()
    total_sale_price is sale_price.sum()
    average_sale_price is sale_price.avg()
}
`;

export const MALLOY_QUERY = `
run: order_items -> {
  where:
    status = 'Complete' | 'Shipped',
    users.country = 'United States',
    sale_price > 10,
    created_at >= @2023-01-01
  group_by: users.state, users.gender, products.category, products.brand, created_month, status
  aggregate: order_count, total_sale_price, average_sale_price, users.user_count
  order_by: total_sale_price desc
  limit: 500
}
`;
