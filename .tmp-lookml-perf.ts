import { parseLookml } from './src/lookml/index.ts';
const parts: string[] = [];
let n = 0;
while (parts.length < 100000) {
  parts.push(`view: v${n} {`, `  sql_table_name: public.t${n} ;;`, `  # a comment`,
  `  dimension: id { primary_key: yes type: number sql: \${TABLE}.id ;; }`,
  `  dimension_group: created {`, `    type: time`, `    timeframes: [raw, date, week, month, year]`, `    sql: \${TABLE}.created_at ;;`, `  }`,
  `  dimension: status {`, `    label: "Order \\"Status\\""`, `    sql: CASE WHEN \${TABLE}.s = 'a' THEN 'x'`, `      ELSE 'y' END ;;`, `  }`,
  `  measure: total { type: sum sql: \${amount} ;; filters: [status: "complete", created_date: "last 7 days"] value_format_name: usd }`,
  `}`);
  n++;
}
const text = parts.join('\n');
console.log('lines', parts.length, 'bytes', text.length);
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  const f = parseLookml(text, 'big.view.lkml');
  console.log((performance.now() - t).toFixed(1), 'ms', f.pairs.length, f.diagnostics.length);
}
