# Lifetime figures per customer, optionally counting only orders of some statuses
# (the Order Status filter below feeds the derived table's WHERE clause).
view: user_order_facts {
  derived_table: {
    sql:
      SELECT
        order_items.user_id AS user_id,
        COUNT(DISTINCT order_items.order_id) AS lifetime_orders,
        SUM(order_items.sale_price) AS lifetime_revenue,
        MIN(order_items.created_at) AS first_order_at,
        MAX(order_items.created_at) AS latest_order_at
      FROM order_items
      WHERE {% condition order_status %} order_items.status {% endcondition %}
      GROUP BY order_items.user_id ;;
  }

  filter: order_status {
    type: string
    suggestions: ["Cancelled", "Complete", "Processing", "Returned", "Shipped"]
  }

  dimension: user_id {
    primary_key: yes
    type: number
    hidden: yes
    sql: ${TABLE}.user_id ;;
  }

  dimension: lifetime_orders {
    type: number
    sql: ${TABLE}.lifetime_orders ;;
  }

  dimension: lifetime_orders_tier {
    type: tier
    tiers: [1, 2, 3, 5, 10]
    style: integer
    sql: ${lifetime_orders} ;;
  }

  dimension: lifetime_revenue {
    type: number
    sql: ${TABLE}.lifetime_revenue ;;
    value_format_name: usd
  }

  dimension: is_repeat_customer {
    type: yesno
    sql: ${lifetime_orders} > 1 ;;
  }

  dimension_group: first_order {
    type: time
    timeframes: [raw, date, month, year]
    sql: ${TABLE}.first_order_at ;;
  }

  dimension_group: latest_order {
    type: time
    timeframes: [raw, date, month, year]
    sql: ${TABLE}.latest_order_at ;;
  }

  measure: average_lifetime_orders {
    type: average
    sql: ${lifetime_orders} ;;
    value_format_name: decimal_2
  }

  measure: average_lifetime_revenue {
    type: average
    sql: ${lifetime_revenue} ;;
    value_format_name: usd
  }

  measure: total_lifetime_revenue {
    type: sum
    sql: ${lifetime_revenue} ;;
    value_format_name: usd
  }

  measure: repeat_customer_count {
    type: count
    filters: [is_repeat_customer: "yes"]
  }
}
