import { createRequire } from 'node:module';
import { generateProject } from './bench/synthetic.ts';
import { parseLookml } from './src/lookml/index.ts';
const require = createRequire(import.meta.url);
const lp = require('lookml-parser') as { parse: (s: string) => unknown };
const files = generateProject().filter((f) => f.path.endsWith('.lkml'));
const bytes = files.reduce((a, f) => a + f.text.length, 0);
function cpu(fn: () => void): number { const c = process.cpuUsage(); fn(); const d = process.cpuUsage(c); return (d.user + d.system) / 1000; }
let diags = 0;
for (const f of files) diags += parseLookml(f.text, f.path).diagnostics.length;
console.log(files.length, 'files', (bytes / 1e6).toFixed(2), 'MB; diagnostics', diags);
const mine: number[] = [];
for (let i = 0; i < 7; i++) mine.push(cpu(() => { for (const f of files) parseLookml(f.text, f.path); }));
mine.sort((a, b) => a - b);
const theirs: number[] = [];
for (let i = 0; i < 2; i++) theirs.push(cpu(() => { for (const f of files) { try { lp.parse(f.text); } catch { /* */ } } }));
theirs.sort((a, b) => a - b);
console.log('overlook ms min', mine[0]!.toFixed(0), 'median', mine[3]!.toFixed(0), '→', (files.length / mine[0]! * 1000).toFixed(0), 'files/s');
console.log('lookml-parser ms min', theirs[0]!.toFixed(0), '→', (files.length / theirs[0]! * 1000).toFixed(0), 'files/s; ratio', (theirs[0]! / mine[0]!).toFixed(1));
