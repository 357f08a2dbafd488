# Fields shared by `orders` and `order_items`: both tables carry an order's status and
# lifecycle timestamps. Not a view of its own; views extend it.
view: order_lifecycle {
  extension: required

  dimension: status {
    type: string
    sql: ${TABLE}.status ;;
    suggestions: ["Cancelled", "Complete", "Processing", "Returned", "Shipped"]
  }

  dimension_group: created {
    type: time
    timeframes: [raw, time, date, week, month, quarter, year, day_of_week, hour_of_day, month_name]
    sql: ${TABLE}.created_at ;;
  }

  dimension_group: shipped {
    type: time
    timeframes: [raw, date, week, month]
    sql: ${TABLE}.shipped_at ;;
  }

  dimension_group: delivered {
    type: time
    timeframes: [raw, date, week, month]
    sql: ${TABLE}.delivered_at ;;
  }

  dimension_group: returned {
    type: time
    timeframes: [raw, date, week, month]
    sql: ${TABLE}.returned_at ;;
  }

  # Gives `hours_fulfillment` and `days_fulfillment`: order placed to delivered.
  dimension_group: fulfillment {
    type: duration
    intervals: [hour, day]
    sql_start: ${TABLE}.created_at ;;
    sql_end: ${TABLE}.delivered_at ;;
  }

  dimension: is_returned {
    type: yesno
    sql: ${TABLE}.returned_at IS NOT NULL ;;
  }
}
