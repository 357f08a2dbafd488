import { parseLookml } from './src/lookml/index.ts';
import { pairsToParams } from './src/lookml/plain.ts';
const cases: Record<string, string> = {
recov: `view: orders {
  dimension: a {
    type: string
    sql: \${TABLE}.a ;;
  }
  dimension: b {
    type: = number
    label: "B"
  }
  dimension c {
    sql: \${TABLE}.c ;;
  }
  measure: total {
    type: sum
    sql: \${TABLE}.amount ;;
  }
}
explore: orders {}
`,
str: `view: v {
  dimension: a { label: "abc }
  dimension: b {
    label: "x"
  }
}
`,
strEof: `view: v {
  dimension: a { label: "abc
  }
}
`,
sqlBrace: `view: v {
  dimension: a {
    sql: \${TABLE}.a
  }
  dimension: b { sql: b ;; }
}`,
unclosed: `view: v {
  dimension: a {
    type: number
}`,
extra: `view: v { }
}
explore: e {}`,
list: `x: [a b, {c: d}, "q", [z], ]
y: [a,
z: 1`,
missing: `view: v {
  label:
  type: number
  foo
  bar: 1
  baz }
`,
quoted: `dimension: "foo" { type: number }`,
};
for (const [k, src] of Object.entries(cases)) {
  const f = parseLookml(src, 'x.lkml');
  console.log('==', k);
  for (const d of f.diagnostics) console.log(`  ${d.line}:${d.column} ${d.code} ${d.message}`);
  console.log(JSON.stringify(pairsToParams(f.pairs)));
}
