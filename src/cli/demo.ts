/**
 * `overlook demo`: build the bundled e-commerce data, load the demo LookML project and run a
 * few Looker queries on it — the quickest way to see the engine work end to end.
 */
import { fileURLToPath } from 'node:url';
import { ensureDemoDatabase } from '../connections/demo-data.ts';
import { createDriver } from '../connections/registry.ts';
import { getDialect } from '../sql/dialects/registry.ts';
import { applyPostSql, compileQuery, type LookerQuery } from '../sql/index.ts';
import { loadProjectDir } from '../workspaces/directory.ts';
import { formatTable } from './output.ts';

export const DEMO_PROJECT_DIR = fileURLToPath(new URL('../../demo/lookml', import.meta.url));

const QUERIES: readonly { title: string; query: LookerQuery }[] = [
  {
    title: 'Revenue by state (top 10)',
    query: { model: 'thelook', view: 'order_items', fields: ['users.state', 'order_items.total_sale_price', 'order_items.count'], sorts: ['order_items.total_sale_price desc'], limit: 10 },
  },
  {
    title: 'Orders per month in 2024, with user counts across a fan-out join (symmetric aggregates)',
    query: { model: 'thelook', view: 'orders', fields: ['orders.created_month', 'orders.count', 'users.count', 'order_items.count'], filters: { 'orders.created_year': '2024' }, limit: 12 },
  },
];

export async function runDemoCommand(): Promise<number> {
  const log = (m: string): void => {
    process.stderr.write(`${m}\n`);
  };
  const file = await ensureDemoDatabase(log);
  const loaded = await loadProjectDir(DEMO_PROJECT_DIR);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  log(`Demo LookML project: ${loaded.files.length} files, ${errors.length} errors.`);
  const model = loaded.project.models.thelook;
  if (!model) throw new Error('The demo project has no thelook model');
  const driver = createDriver({ dialect_name: 'duckdb', database: file });
  try {
    for (const { title, query } of QUERIES) {
      const compiled = compileQuery(model, query, { dialect: getDialect('duckdb') });
      const started = performance.now();
      const result = await driver.run(compiled.sql);
      const rows = applyPostSql(result.rows, compiled.fields, (f) => f.alias);
      process.stdout.write(`\n## ${title}\n\n${compiled.sql}\n\n`);
      process.stdout.write(`${formatTable(compiled.fields.map((f) => f.name), compiled.fields.map((f) => f.alias), rows)}\n`);
      log(`${rows.length} rows in ${(performance.now() - started).toFixed(0)} ms`);
    }
  } finally {
    await driver.close();
  }
  return 0;
}
