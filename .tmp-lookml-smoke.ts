import { parseLookml } from './src/lookml/index.ts';
import { pairsToParams } from './src/lookml/plain.ts';
const src = `# header
view: +orders {
  sql_table_name: @{SCHEMA}.orders ;;
  dimension: id { primary_key: yes type: number sql: \${TABLE}.id ;; }
  dimension: broken {
    type: string
    sql: \${TABLE}.x
  }
  measure: total {
    type: sum
    filters: [orders.status: "complete", users.age: ">10",]
    html: "<b>{{ value }}</b>" 
    drill_fields: [, id, "a\\"b", detail*, -users.email,]
  }
}
`;
const f = parseLookml(src, 'x.view.lkml');
console.log(JSON.stringify(f.diagnostics, null, 1));
console.log(JSON.stringify(pairsToParams(f.pairs), null, 1));
