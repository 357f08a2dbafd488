import { parseDashboardFile } from './src/lookml/dashboard.ts';
console.log(parseDashboardFile('- dashboard: a\n  elements: [1,\n  title: x\n', 'p').diagnostics);
