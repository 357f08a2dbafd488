// Temporary scratch check (deleted after use): compile every field of every explore, run it on DuckDB and PostgreSQL.
import { fileURLToPath } from 'node:url';
import { loadProjectDir } from './src/workspaces/directory.ts';
import { exploreFields } from './src/model/explore-fields.ts';
import { compileQuery } from './src/sql/index.ts';
import { getDialect } from './src/sql/dialects/registry.ts';
import { createDuckDBDriver } from './src/connections/duckdb.ts';
import { createPostgresDriver } from './src/connections/postgres.ts';
import { loadDemoIntoPostgres } from './src/connections/demo-postgres.ts';
import { DEFAULT_DEMO_DATABASE } from './src/connections/demo-data.ts';
const url = 'postgres://postgres@127.0.0.1:54901/postgres';
await loadDemoIntoPostgres(url, 'scratch_demo');
const loaded = await loadProjectDir(fileURLToPath(new URL('./demo/lookml', import.meta.url)));
for (const d of loaded.diagnostics) console.log('DIAG', d.severity, d.message, JSON.stringify(d).slice(0, 200));
const model = loaded.project.models.thelook!;
const duck = createDuckDBDriver({ path: DEFAULT_DEMO_DATABASE, readOnly: true });
const pgd = createPostgresDriver({ connectionString: url, schema: 'scratch_demo' });
let ok = 0, bad = 0;
for (const explore of Object.values(model.explores)) {
  const fields = exploreFields(model, explore);
  for (const [key, f] of fields) {
    if (f.field.category === 'filter' || f.field.category === 'parameter') continue;
    const q = { model: 'thelook', view: explore.name, fields: f.field.category === 'measure' ? ['users.gender', key] : [key], sorts: [key], limit: 3 };
    if (explore.name === 'orders' && f.field.category === 'measure') q.fields = ['orders.status', key];
    const out: unknown[] = [];
    for (const [name, drv] of [['duckdb', duck], ['postgres', pgd]] as const) {
      try {
        const c = compileQuery(model, q, { dialect: getDialect(name) });
        out.push((await drv.run(c.sql)).rows);
      } catch (e) { out.push(`ERR ${String(e).slice(0, 300)}`); }
    }
    if (JSON.stringify(out[0]) !== JSON.stringify(out[1]) || String(out[0]).startsWith('ERR')) { bad++; console.log(explore.name, key, JSON.stringify(out).slice(0, 600)); } else ok++;
  }
}
console.log({ ok, bad });
await duck.close(); await pgd.close();
