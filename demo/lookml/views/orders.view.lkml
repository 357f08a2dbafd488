view: orders {
  extends: [order_lifecycle]
  sql_table_name: orders ;;

  dimension: order_id {
    primary_key: yes
    type: number
    sql: ${TABLE}.order_id ;;
  }

  dimension: user_id {
    type: number
    hidden: yes
    sql: ${TABLE}.user_id ;;
  }

  dimension: num_of_item {
    label: "Number of Items"
    type: number
    sql: ${TABLE}.num_of_item ;;
  }

  dimension: is_multi_item {
    type: yesno
    sql: ${num_of_item} > 1 ;;
  }

  # The detailed status when Status is in the query, two broad groups otherwise.
  dimension: status_group {
    sql:
      {% if orders.status._in_query %}
        ${status}
      {% else %}
        CASE WHEN ${status} IN ('Complete', 'Shipped', 'Returned') THEN 'Fulfilled' ELSE 'Open or Cancelled' END
      {% endif %} ;;
  }

  measure: count {
    type: count
    drill_fields: [detail*]
  }

  measure: customer_count {
    type: count_distinct
    sql: ${user_id} ;;
  }

  measure: total_items {
    type: sum
    sql: ${num_of_item} ;;
  }

  measure: average_items {
    type: average
    sql: ${num_of_item} ;;
    value_format_name: decimal_2
  }

  measure: cancelled_count {
    type: count
    filters: [status: "Cancelled"]
  }

  measure: cancellation_rate {
    type: number
    sql: 1.0 * ${cancelled_count} / NULLIF(${count}, 0) ;;
    value_format_name: percent_1
  }

  measure: average_days_to_deliver {
    type: average
    sql: ${days_fulfillment} ;;
    value_format_name: decimal_1
  }

  measure: latest_order_date {
    type: date
    sql: MAX(${created_raw}) ;;
  }

  set: detail {
    fields: [order_id, status, created_date, num_of_item, users.full_name, users.email]
  }
}
