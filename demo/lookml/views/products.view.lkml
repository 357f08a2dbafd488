view: products {
  sql_table_name: products ;;

  dimension: id {
    primary_key: yes
    type: number
    sql: ${TABLE}.id ;;
  }

  dimension: item_name {
    sql: ${TABLE}.name ;;
  }

  dimension: brand {
    sql: ${TABLE}.brand ;;
    drill_fields: [item_name]
  }

  dimension: category {
    sql: ${TABLE}.category ;;
    drill_fields: [brand, item_name]
  }

  dimension: department {
    sql: ${TABLE}.department ;;
  }

  dimension: sku {
    sql: ${TABLE}.sku ;;
  }

  dimension: distribution_center_id {
    type: number
    hidden: yes
    sql: ${TABLE}.distribution_center_id ;;
  }

  dimension: retail_price {
    type: number
    sql: ${TABLE}.retail_price ;;
    value_format_name: usd
  }

  dimension: cost {
    type: number
    sql: ${TABLE}.cost ;;
    value_format_name: usd
  }

  # Pick brands here; Brand Comparison keeps them and groups every other brand together.
  filter: brand_select {
    type: string
    suggest_dimension: brand
  }

  dimension: brand_comparison {
    sql:
      CASE
        WHEN {% condition brand_select %} ${brand} {% endcondition %} THEN ${brand}
        ELSE 'All Other Brands'
      END ;;
  }

  measure: count {
    type: count
    drill_fields: [id, item_name, brand, category, retail_price]
  }

  measure: brand_count {
    type: count_distinct
    sql: ${brand} ;;
  }

  measure: average_retail_price {
    type: average
    sql: ${retail_price} ;;
    value_format_name: usd
  }
}
