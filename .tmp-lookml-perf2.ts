import { readFileSync } from 'node:fs';
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
const times: number[] = [];
for (let i = 0; i < 15; i++) {
  const c = process.cpuUsage();
  parseLookml(text, 'big.view.lkml');
  const d = process.cpuUsage(c);
  times.push((d.user + d.system) / 1000);
}
times.sort((a, b) => a - b);
console.log('100k lines', (text.length/1e6).toFixed(2), 'MB; cpu ms min', times[0]!.toFixed(0), 'median', times[7]!.toFixed(0));
