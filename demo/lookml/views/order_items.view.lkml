view: order_items {
  extends: [order_lifecycle]
  sql_table_name: order_items ;;
  drill_fields: [detail*]

  dimension: id {
    primary_key: yes
    type: number
    sql: ${TABLE}.id ;;
  }

  dimension: order_id {
    type: number
    sql: ${TABLE}.order_id ;;
  }

  dimension: user_id {
    type: number
    hidden: yes
    sql: ${TABLE}.user_id ;;
  }

  dimension: product_id {
    type: number
    hidden: yes
    sql: ${TABLE}.product_id ;;
  }

  dimension: inventory_item_id {
    type: number
    hidden: yes
    sql: ${TABLE}.inventory_item_id ;;
  }

  dimension: sale_price {
    type: number
    sql: ${TABLE}.sale_price ;;
    value_format_name: usd
  }

  dimension: sale_price_tier {
    type: tier
    tiers: [10, 25, 50, 100, 200]
    style: integer
    sql: ${sale_price} ;;
  }

  # Needs the stock record: available where inventory_items is joined.
  dimension: gross_margin {
    type: number
    sql: ${sale_price} - ${inventory_items.cost} ;;
    value_format_name: usd
  }

  dimension: fulfillment_stage {
    case: {
      when: {
        sql: ${status} IN ('Complete', 'Returned') ;;
        label: "Delivered"
      }
      when: {
        sql: ${status} = 'Shipped' ;;
        label: "In transit"
      }
      when: {
        sql: ${status} = 'Processing' ;;
        label: "Being prepared"
      }
      else: "Cancelled"
    }
  }

  parameter: sales_metric {
    type: unquoted
    label: "Sales Metric"
    allowed_value: {
      label: "Total Sale Price"
      value: "total"
    }
    allowed_value: {
      label: "Average Sale Price"
      value: "average"
    }
    allowed_value: {
      label: "Completed Sales"
      value: "complete"
    }
    default_value: "total"
  }

  measure: selected_sales_metric {
    type: number
    label_from_parameter: sales_metric
    sql:
      {% if sales_metric._parameter_value == 'average' %}
        ${average_sale_price}
      {% elsif sales_metric._parameter_value == 'complete' %}
        ${total_sale_price_complete}
      {% else %}
        ${total_sale_price}
      {% endif %} ;;
    value_format_name: usd
  }

  measure: count {
    type: count
    drill_fields: [detail*]
  }

  measure: order_count {
    type: count_distinct
    sql: ${order_id} ;;
  }

  measure: total_sale_price {
    type: sum
    sql: ${sale_price} ;;
    value_format_name: usd
  }

  measure: average_sale_price {
    type: average
    sql: ${sale_price} ;;
    value_format_name: usd
  }

  measure: median_sale_price {
    type: median
    sql: ${sale_price} ;;
    value_format_name: usd
  }

  measure: min_sale_price {
    type: min
    sql: ${sale_price} ;;
    value_format_name: usd
  }

  measure: max_sale_price {
    type: max
    sql: ${sale_price} ;;
    value_format_name: usd
  }

  measure: total_sale_price_complete {
    label: "Completed Sales"
    type: sum
    sql: ${sale_price} ;;
    filters: [status: "Complete"]
    value_format_name: usd
  }

  measure: returned_count {
    type: count
    filters: {
      field: is_returned
      value: "yes"
    }
  }

  measure: return_rate {
    type: number
    sql: 1.0 * ${returned_count} / NULLIF(${count}, 0) ;;
    value_format_name: percent_2
  }

  measure: total_gross_margin {
    type: sum
    sql: ${gross_margin} ;;
    value_format_name: usd
  }

  measure: gross_margin_percent {
    type: number
    sql: 1.0 * ${total_gross_margin} / NULLIF(${total_sale_price}, 0) ;;
    value_format_name: percent_2
  }

  measure: average_items_per_order {
    type: number
    sql: 1.0 * ${count} / NULLIF(${order_count}, 0) ;;
    value_format_name: decimal_2
  }

  # Each order's item count once per order, however many item rows the query has.
  measure: items_ordered {
    type: sum_distinct
    sql: ${orders.num_of_item} ;;
    sql_distinct_key: ${order_id} ;;
  }

  measure: statuses {
    type: list
    list_field: status
  }

  measure: first_sale_date {
    type: date
    sql: MIN(${created_raw}) ;;
  }

  set: detail {
    fields: [id, order_id, status, created_date, sale_price, users.full_name, users.email]
  }
}
