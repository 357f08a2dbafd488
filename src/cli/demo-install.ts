/**
 * `overlook serve --demo`: the demo as a real deployment — the thelook DuckDB data as connection
 * `thelook`, and the demo LookML project in a git repository Overlook hosts, deployed to production.
 * Idempotent: a second start finds everything in place and changes nothing.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ensureDemoDatabase } from '../connections/demo-data.ts';
import { ADMIN_ROLE_ID, type Store } from '../store/index.ts';
import type { Workspaces } from '../workspaces/index.ts';
import { commitFiles, initHostedRepo, updateRef } from '../workspaces/git/index.ts';
import { resolveRef } from '../workspaces/git/mirror.ts';
import { canonicalQuery } from '../queries/canonical.ts';
import { DEMO_PROJECT_DIR } from './demo.ts';

export const DEMO_PROJECT = 'thelook';
export const DEMO_CONNECTION = 'thelook';

async function projectFiles(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out[relative(root, path).split(sep).join('/')] = await readFile(path, 'utf8');
    }
  };
  await walk(root);
  return out;
}

export async function installDemo(store: Store, workspaces: Workspaces, dataDir: string, log: (line: string) => void): Promise<void> {
  await mkdir(join(dataDir, 'demo'), { recursive: true });
  const database = await ensureDemoDatabase(log, join(dataDir, 'demo', 'thelook.duckdb'));
  if (!(await store.connections.connection(DEMO_CONNECTION))) {
    await store.connections.createConnection({
      name: DEMO_CONNECTION, dialect_name: 'duckdb', database, host: null, port: null, username: null, password: null, schema: null,
      max_connections: null, query_timezone: null, db_timezone: null, jdbc_additional_params: 'access_mode=read_only',
    }, null);
    log(`Demo: connection "${DEMO_CONNECTION}" → ${database}`);
  }
  if (await store.projects.project(DEMO_PROJECT)) return;
  const admin = (await store.users.allUsers()).find((u) => u.role_ids.includes(ADMIN_ROLE_ID));
  if (!admin) throw new Error('The demo needs an admin user (created on first start).');
  // The hosted repository is Overlook's own: seed its production branch with the demo project.
  const repo = workspaces.core.repos.hostedRepoPath(DEMO_PROJECT);
  const author = { name: 'Overlook demo', email: 'demo@overlook.invalid' };
  if (!workspaces.core.repos.hostedRepoExists(DEMO_PROJECT)) await initHostedRepo(repo, 'main', author);
  const base = await resolveRef(repo, 'refs/heads/main');
  const commit = await commitFiles(repo, { parent: base, files: await projectFiles(DEMO_PROJECT_DIR), message: 'The thelook demo project', author });
  await updateRef(repo, 'refs/heads/main', commit, base);
  const caller = { userId: admin.id, workspace: 'dev' as const };
  await workspaces.createProject(caller, { name: DEMO_PROJECT });
  await workspaces.deployRefToProduction(DEMO_PROJECT, caller, { branch: 'main' });
  log(`Demo: project "${DEMO_PROJECT}" (git repository hosted by Overlook) deployed to production.`);
  await installDemoDashboard(store, admin.id);
}

async function saveQuery(store: Store, body: Record<string, unknown>): Promise<string> {
  const parsed = canonicalQuery(body);
  if ('problems' in parsed) throw new Error(`demo query is invalid: ${parsed.problems.map((p) => p.message).join('; ')}`);
  return (await store.queries.saveQuery(JSON.stringify(parsed.query))).id;
}

/** A user-defined dashboard in the Shared folder, next to the project's two LookML dashboards. */
async function installDemoDashboard(store: Store, adminId: string): Promise<void> {
  const dashboard = await store.dashboards.createDashboard({
    title: 'Executive Overview', description: 'Revenue by country and month, filterable by country.', folder_id: '1', user_id: adminId,
    attrs: { preferred_viewer: 'dashboards-next' }, layout: { type: 'newspaper', column_width: null, width: null },
  });
  await store.dashboards.createFilter({
    dashboard_id: dashboard.id, name: 'Country',
    attrs: { title: 'Country', type: 'field_filter', default_value: '', model: 'thelook', explore: 'order_items', dimension: 'users.country', allow_multiple_values: true, required: false, row: 0, listens_to_filters: [] },
  });
  const listen = [{ dashboard_filter_name: 'Country', field: 'users.country' }];
  await store.dashboards.createElement({
    dashboard_id: dashboard.id, type: 'text', title: null, query_id: null, look_id: null,
    attrs: { title_text: 'Executive Overview', body_text: 'Sales of the demo shop. Use the **Country** filter to focus on one market.' },
  }, { row: 0, column: 0, width: 24, height: 2 });
  await store.dashboards.createElement({
    dashboard_id: dashboard.id, type: 'vis', title: 'Revenue by Country', look_id: null,
    query_id: await saveQuery(store, { model: 'thelook', view: 'order_items', fields: ['users.country', 'order_items.total_sale_price'], sorts: ['order_items.total_sale_price desc'], limit: '20', vis_config: { type: 'looker_bar' } }),
    attrs: { listen },
  }, { row: 2, column: 0, width: 12, height: 8 });
  await store.dashboards.createElement({
    dashboard_id: dashboard.id, type: 'vis', title: 'Monthly Revenue', look_id: null,
    query_id: await saveQuery(store, { model: 'thelook', view: 'order_items', fields: ['order_items.created_month', 'order_items.total_sale_price'], sorts: ['order_items.created_month'], limit: '500', vis_config: { type: 'looker_line' } }),
    attrs: { listen },
  }, { row: 2, column: 12, width: 12, height: 8 });
}
