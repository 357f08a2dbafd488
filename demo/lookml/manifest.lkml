project_name: "thelook"

# The shop's name, used in labels so a rebrand is a one-line change.
constant: BRAND_NAME {
  value: "TheLook"
}
