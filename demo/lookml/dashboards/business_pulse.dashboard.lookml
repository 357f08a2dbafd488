- dashboard: business_pulse
  title: Business Pulse
  layout: newspaper
  preferred_viewer: dashboards-next
  description: "Sales, orders and customers at a glance."

  filters:
  - name: Date
    title: Date
    type: field_filter
    default_value: "2025"
    allow_multiple_values: true
    required: false
    ui_config:
      type: advanced
      display: popover
    model: thelook
    explore: order_items
    listens_to_filters: []
    field: order_items.created_date

  - name: Country
    title: Country
    type: field_filter
    default_value: ""
    allow_multiple_values: true
    required: false
    ui_config:
      type: tag_list
      display: popover
    model: thelook
    explore: order_items
    listens_to_filters: []
    field: users.country

  elements:
  - title: Total Sales
    name: total_sales
    model: thelook
    explore: order_items
    type: single_value
    fields: [order_items.total_sale_price]
    listen:
      Date: order_items.created_date
      Country: users.country
    row: 0
    col: 0
    width: 8
    height: 4

  - title: Orders
    name: orders
    model: thelook
    explore: order_items
    type: single_value
    fields: [order_items.order_count]
    listen:
      Date: order_items.created_date
      Country: users.country
    row: 0
    col: 8
    width: 8
    height: 4

  - title: Return Rate
    name: return_rate
    model: thelook
    explore: order_items
    type: single_value
    fields: [order_items.return_rate]
    listen:
      Date: order_items.created_date
      Country: users.country
    row: 0
    col: 16
    width: 8
    height: 4

  - title: Sales by Month
    name: sales_by_month
    model: thelook
    explore: order_items
    type: looker_line
    fields: [order_items.created_month, order_items.total_sale_price, order_items.order_count]
    sorts: [order_items.created_month]
    limit: 500
    listen:
      Date: order_items.created_date
      Country: users.country
    row: 4
    col: 0
    width: 16
    height: 8

  - title: Sales by Traffic Source
    name: sales_by_traffic_source
    model: thelook
    explore: order_items
    type: looker_pie
    fields: [users.traffic_source, order_items.total_sale_price]
    sorts: [order_items.total_sale_price desc]
    limit: 10
    listen:
      Date: order_items.created_date
      Country: users.country
    row: 4
    col: 16
    width: 8
    height: 8

  - title: Top Brands
    name: top_brands
    model: thelook
    explore: order_items
    type: looker_bar
    fields: [products.brand, order_items.total_sale_price, order_items.gross_margin_percent]
    sorts: [order_items.total_sale_price desc]
    limit: 10
    listen:
      Date: order_items.created_date
      Country: users.country
    row: 12
    col: 0
    width: 12
    height: 8

  - title: Orders by Status
    name: orders_by_status
    model: thelook
    explore: order_items
    type: looker_grid
    fields: [order_items.status, order_items.order_count, order_items.count, order_items.total_sale_price]
    sorts: [order_items.order_count desc]
    limit: 10
    listen:
      Date: order_items.created_date
      Country: users.country
    row: 12
    col: 12
    width: 12
    height: 8
