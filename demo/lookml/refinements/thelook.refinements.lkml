# Layered on top of the base views and explores, as a team would add to a shared project
# without editing its files.

view: +users {
  dimension: email_domain {
    sql: SUBSTRING(${email} FROM POSITION('@' IN ${email}) + 1) ;;
  }

  measure: email_domain_count {
    type: count_distinct
    sql: ${email_domain} ;;
  }
}

explore: +order_items {
  description: "Every item sold, with its order, customer, product, stock record and shipping warehouse."

  join: distribution_centers {
    type: left_outer
    sql_on: ${products.distribution_center_id} = ${distribution_centers.id} ;;
    relationship: many_to_one
  }
}
