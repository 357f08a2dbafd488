view: users {
  sql_table_name: users ;;
  drill_fields: [detail*]

  dimension: id {
    primary_key: yes
    type: number
    sql: ${TABLE}.id ;;
  }

  dimension: first_name {
    sql: ${TABLE}.first_name ;;
  }

  dimension: last_name {
    sql: ${TABLE}.last_name ;;
  }

  dimension: full_name {
    sql: ${first_name} || ' ' || ${last_name} ;;
  }

  dimension: email {
    sql: ${TABLE}.email ;;
  }

  dimension: age {
    type: number
    sql: ${TABLE}.age ;;
  }

  dimension: age_tier {
    type: tier
    tiers: [18, 25, 35, 45, 55, 65]
    style: integer
    sql: ${age} ;;
  }

  parameter: age_bucket_size {
    type: number
    allowed_value: {
      label: "5 years"
      value: "5"
    }
    allowed_value: {
      label: "10 years"
      value: "10"
    }
    allowed_value: {
      label: "20 years"
      value: "20"
    }
    default_value: "10"
  }

  dimension: age_bucket {
    type: number
    description: "Age rounded down to a multiple of Age Bucket Size"
    sql: FLOOR(${age} / {% parameter age_bucket_size %}) * {% parameter age_bucket_size %} ;;
  }

  dimension: gender {
    sql: ${TABLE}.gender ;;
  }

  dimension: city {
    sql: ${TABLE}.city ;;
  }

  dimension: state {
    sql: ${TABLE}.state ;;
    map_layer_name: us_states
    drill_fields: [city]
  }

  dimension: country {
    sql: ${TABLE}.country ;;
    map_layer_name: countries
    drill_fields: [state, city]
  }

  dimension: is_us_customer {
    label: "Is US Customer"
    type: yesno
    sql: ${country} = 'United States' ;;
  }

  dimension: location {
    type: location
    sql_latitude: ${TABLE}.latitude ;;
    sql_longitude: ${TABLE}.longitude ;;
  }

  dimension: traffic_source {
    sql: ${TABLE}.traffic_source ;;
  }

  # No timeframes listed: every timeframe Looker offers.
  dimension_group: created {
    type: time
    sql: ${TABLE}.created_at ;;
  }

  measure: count {
    type: count
    drill_fields: [detail*]
  }

  measure: us_customer_count {
    label: "US Customers"
    type: count
    filters: [country: "United States"]
  }

  measure: average_age {
    type: average
    sql: ${age} ;;
    value_format_name: decimal_1
  }

  measure: median_age {
    type: median
    sql: ${age} ;;
  }

  measure: youngest_age {
    type: min
    sql: ${age} ;;
  }

  measure: oldest_age {
    type: max
    sql: ${age} ;;
  }

  set: detail {
    fields: [id, full_name, email, city, state, country, created_date]
  }
}
