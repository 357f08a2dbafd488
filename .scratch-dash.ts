import { loadProjectDir } from './src/workspaces/directory.ts';
const l = await loadProjectDir('/work/main/demo/lookml');
console.log(l.dashboards.map((d) => [d.loc, Object.keys(d)]), l.files.map(f => (f as {path?: string}).path ?? Object.keys(f)));
console.log(l.diagnostics);
