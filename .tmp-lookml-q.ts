import { parseLookml } from './src/lookml/index.ts';
for (const n of [5000, 10000, 20000, 40000]) {
  const text = Array.from({ length: n }, (_, i) => `dimension: d${i} { sql: x${i}\n}`).join('\n');
  const t = performance.now();
  parseLookml(text, 'x');
  console.log(n, (performance.now() - t).toFixed(0), 'ms');
}
