view: inventory_items {
  sql_table_name: inventory_items ;;

  dimension: id {
    primary_key: yes
    type: number
    sql: ${TABLE}.id ;;
  }

  dimension: product_id {
    type: number
    hidden: yes
    sql: ${TABLE}.product_id ;;
  }

  dimension: cost {
    type: number
    sql: ${TABLE}.cost ;;
    value_format_name: usd
  }

  dimension: product_category {
    sql: ${TABLE}.product_category ;;
  }

  dimension: product_brand {
    sql: ${TABLE}.product_brand ;;
  }

  dimension: product_department {
    sql: ${TABLE}.product_department ;;
  }

  dimension_group: created {
    type: time
    timeframes: [raw, date, week, month, year]
    sql: ${TABLE}.created_at ;;
  }

  dimension_group: sold {
    type: time
    timeframes: [raw, date, week, month, year]
    sql: ${TABLE}.sold_at ;;
  }

  dimension: is_sold {
    type: yesno
    sql: ${TABLE}.sold_at IS NOT NULL ;;
  }

  # Gives `days_in_stock` and `weeks_in_stock` (NULL while unsold).
  dimension_group: in_stock {
    type: duration
    intervals: [day, week]
    sql_start: ${TABLE}.created_at ;;
    sql_end: ${TABLE}.sold_at ;;
  }

  measure: count {
    type: count
    drill_fields: [id, product_brand, product_category, cost, created_date, sold_date]
  }

  measure: sold_count {
    type: count
    filters: [is_sold: "yes"]
  }

  measure: sold_percent {
    type: number
    sql: 1.0 * ${sold_count} / NULLIF(${count}, 0) ;;
    value_format_name: percent_1
  }

  measure: total_cost {
    type: sum
    sql: ${cost} ;;
    value_format_name: usd
  }

  measure: average_cost {
    type: average
    sql: ${cost} ;;
    value_format_name: usd
  }

  measure: average_days_in_stock {
    type: average
    sql: ${days_in_stock} ;;
    value_format_name: decimal_1
  }
}
