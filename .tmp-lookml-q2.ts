import { parseLookml } from './src/lookml/index.ts';
const n = 40000;
const text = Array.from({ length: n }, (_, i) => `dimension: d${i} { sql: x${i}\n}`).join('\n');
for (let k = 0; k < 4; k++) {
  const t = performance.now();
  const c = process.cpuUsage();
  parseLookml(text, 'x');
  const d = process.cpuUsage(c);
  console.log(n, (performance.now() - t).toFixed(0), 'ms wall', ((d.user + d.system) / 1000).toFixed(0), 'ms cpu');
}
