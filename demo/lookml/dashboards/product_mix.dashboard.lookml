- dashboard: product_mix
  title: Product Mix
  layout: newspaper
  preferred_viewer: dashboards-next
  description: "Which departments, categories and brands sell."

  filters:
  - name: Department
    title: Department
    type: field_filter
    default_value: ""
    allow_multiple_values: true
    required: false
    ui_config:
      type: button_group
      display: inline
    model: thelook
    explore: order_items
    listens_to_filters: []
    field: products.department

  elements:
  - title: Sales by Category
    name: sales_by_category
    model: thelook
    explore: order_items
    type: looker_bar
    fields: [products.category, order_items.total_sale_price]
    sorts: [order_items.total_sale_price desc]
    limit: 30
    listen:
      Department: products.department
    row: 0
    col: 0
    width: 12
    height: 8

  - title: Top Brands
    name: top_brands
    model: thelook
    explore: order_items
    type: looker_grid
    fields: [products.brand, order_items.total_sale_price, order_items.count]
    sorts: [order_items.total_sale_price desc]
    limit: 10
    listen:
      Department: products.department
    row: 0
    col: 12
    width: 12
    height: 8
