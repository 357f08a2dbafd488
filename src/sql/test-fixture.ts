/**
 * A small shop model used by the compiler's unit tests and the value tests on real databases.
 * Its explores exercise joins in every relationship, derived tables, Liquid and access filters.
 */
export const SHOP_FILES: Readonly<Record<string, string>> = {
  'shop.model.lkml': `
connection: "db"
include: "/views/*.view"
explore: orders {
  join: users { sql_on: \${orders.user_id} = \${users.id} ;; relationship: many_to_one }
  join: user_facts { sql_on: \${users.id} = \${user_facts.user_id} ;; relationship: one_to_one }
  join: order_items { sql_on: \${order_items.order_id} = \${orders.id} ;; relationship: one_to_many }
  join: products { sql_on: \${order_items.product_id} = \${products.id} ;; relationship: many_to_one }
}
explore: users_only {
  from: users
  fields: [ALL_FIELDS*, -users_only.email]
  sql_always_where: \${users_only.state} <> 'XX' ;;
  always_filter: { filters: [users_only.age: ">=18"] }
}
explore: with_params {
  view_name: orders
  access_filter: { field: orders.status user_attribute: allowed_status }
  join: users { sql_on: \${orders.user_id} = \${users.id} ;; relationship: many_to_one }
}
`,
  'extra.model.lkml': `
connection: "db"
include: "/views/*.view"
explore: cond_orders {
  from: orders
  conditionally_filter: { filters: [cond_orders.created_date: "2024"] unless: [cond_orders.id, cond_orders.status] }
  sql_always_having: \${cond_orders.count} > 0 ;;
  join: users { foreign_key: user_id relationship: many_to_one }
  join: products { type: cross relationship: many_to_many }
  join: order_items { sql_on: \${order_items.order_id} = \${cond_orders.id} ;; relationship: one_to_many required_joins: [users] }
}
`,
  'views/orders.view.lkml': `
view: orders {
  sql_table_name: shop.orders ;;
  dimension: id { primary_key: yes type: number sql: \${TABLE}.id ;; }
  dimension: user_id { type: number sql: \${TABLE}.user_id ;; }
  dimension: status { sql: \${TABLE}.status ;; }
  dimension: is_big { type: yesno sql: \${TABLE}.shipping > 10 ;; }
  dimension: shipping_tier { type: tier tiers: [0, 10, 20] style: integer sql: \${TABLE}.shipping ;; }
  dimension_group: created { type: time timeframes: [raw, date, month, year] sql: \${TABLE}.created_at ;; }
  dimension: user_state { sql: \${users.state} ;; }
  measure: count { type: count drill_fields: [id] }
  measure: total_shipping { type: sum sql: \${TABLE}.shipping ;; }
  measure: completed_count { type: count filters: [status: "complete"] }
  measure: shipping_per_order { type: number sql: \${total_shipping} / NULLIF(\${count}, 0) ;; }
  measure: percent_of_orders { type: percent_of_total sql: \${count} ;; }
  parameter: metric { type: unquoted allowed_value: { value: "shipping" } allowed_value: { value: "id" } default_value: "shipping" }
  dimension: dynamic { type: number sql: \${TABLE}.{% parameter metric %} ;; }
  filter: status_filter { type: string }
  dimension: status_matches { type: yesno sql: {% condition status_filter %} \${TABLE}.status {% endcondition %} ;; }
  dimension: liquid_state { sql: {% if users.state._in_query %}\${users.state}{% else %}'n/a'{% endif %} ;; }
  dimension: country_attr { sql: '{{ _user_attributes['country'] }}' ;; }
  filter: period { type: date }
  dimension: period_start { type: date sql: {% date_start period %} ;; }
  dimension: period_end { type: date sql: {% date_end period %} ;; }
}`,
  'views/users.view.lkml': `
view: users {
  dimension: id { primary_key: yes type: number }
  dimension: state {}
  dimension: email {}
  dimension: age { type: number }
  measure: count { type: count }
  measure: average_age { type: average sql: \${age} ;; }
}`,
  'views/user_facts.view.lkml': `
view: user_facts {
  derived_table: { sql: SELECT user_id, COUNT(*) AS lifetime_orders FROM shop.orders GROUP BY 1 ;; }
  dimension: user_id { primary_key: yes type: number }
  dimension: lifetime_orders { type: number }
}`,
  'views/order_items.view.lkml': `
view: order_items {
  dimension: id { primary_key: yes type: number }
  dimension: order_id { type: number }
  dimension: product_id { type: number }
  measure: total_price { type: sum sql: \${TABLE}.price ;; }
  measure: count { type: count }
}`,
  'views/products.view.lkml': `
view: products {
  dimension: id { primary_key: yes type: number }
  dimension: brand {}
}`,
};

