connection: "thelook"
label: "@{BRAND_NAME} E-Commerce"

include: "/views/*.view.lkml"
include: "/refinements/*.lkml"
include: "/dashboards/*.dashboard.lookml"

week_start_day: monday

datagroup: thelook_default {
  sql_trigger: SELECT MAX(created_at) FROM order_items ;;
  max_cache_age: "24 hours"
}

persist_with: thelook_default

# One row per item sold; orders, customers, products and stock hang off it.
explore: order_items {
  label: "@{BRAND_NAME} Order Items"
  description: "Every item sold, with its order, customer, product and stock record."

  # Row-level restriction: users whose `country` attribute is set (and not "all") see only
  # that country's customers; everyone else sees everything.
  sql_always_where:
    {% if _user_attributes['country'] != blank and _user_attributes['country'] != "all" %}
      ${users.country} = '{{ _user_attributes['country'] }}'
    {% else %}
      1 = 1
    {% endif %} ;;

  join: orders {
    type: left_outer
    sql_on: ${order_items.order_id} = ${orders.order_id} ;;
    relationship: many_to_one
  }

  join: users {
    type: left_outer
    sql_on: ${order_items.user_id} = ${users.id} ;;
    relationship: many_to_one
  }

  join: inventory_items {
    type: left_outer
    sql_on: ${order_items.inventory_item_id} = ${inventory_items.id} ;;
    relationship: one_to_one
  }

  join: products {
    type: left_outer
    sql_on: ${order_items.product_id} = ${products.id} ;;
    relationship: many_to_one
  }

  join: user_order_facts {
    view_label: "Users"
    type: left_outer
    sql_on: ${users.id} = ${user_order_facts.user_id} ;;
    relationship: many_to_one
  }
}

# One row per order. Joining the items fans the orders out, so order measures need
# symmetric aggregates here.
explore: orders {
  label: "@{BRAND_NAME} Orders"

  # Cancelled orders are left out unless the user changes this filter.
  always_filter: {
    filters: [orders.status: "-Cancelled"]
  }

  # Margin fields need the stock record, which this explore does not join.
  fields: [ALL_FIELDS*, -order_items.gross_margin, -order_items.total_gross_margin, -order_items.gross_margin_percent]

  join: order_items {
    type: left_outer
    sql_on: ${orders.order_id} = ${order_items.order_id} ;;
    relationship: one_to_many
  }

  join: users {
    type: left_outer
    sql_on: ${orders.user_id} = ${users.id} ;;
    relationship: many_to_one
  }
}

# One row per customer, including customers who never ordered.
explore: users {
  label: "@{BRAND_NAME} Customers"

  join: orders {
    type: left_outer
    sql_on: ${users.id} = ${orders.user_id} ;;
    relationship: one_to_many
  }

  join: user_order_facts {
    type: left_outer
    sql_on: ${users.id} = ${user_order_facts.user_id} ;;
    relationship: one_to_one
  }
}
