/**
 * The query path caches metadata (projects, connections, model configs) and compiled SQL. These tests
 * show that no cache ever answers for the wrong user or after a change: SQL that reads a user attribute
 * is compiled per user, a connection or model-config change is seen by the very next query, a deploy
 * moves production at once, and on PostgreSQL a second node learns of writes through NOTIFY.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Looker40SDK } from '@looker/sdk';
import { openStore, type Store } from '../../src/store/index.ts';
import { pushFiles } from '../../src/workspaces/test-support.ts';
import { pgSchemaUrl, SHOP_MODEL, startQueryFixture, type QueryFixture } from './support.ts';

const REGION_VIEW = `view: regional {
  sql_table_name: orders ;;
  dimension: id { primary_key: yes type: number sql: \${TABLE}.id ;; }
  dimension: status { type: string sql: \${TABLE}.status ;; }
  dimension: mine { type: yesno sql: \${TABLE}.status = '{{ _user_attributes['order_status'] }}' ;; }
  measure: count { type: count }
}
`;
const MODEL = `${SHOP_MODEL}explore: regional {}\n`;

describe.each(['sqlite', 'postgres'] as const)('metadata and compiled-SQL caches on %s', (metadata) => {
  let f: QueryFixture;
  let admin: Looker40SDK;

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    f = await startQueryFixture(metadata, 'e2e_metadata_caches', { connection: true });
    admin = f.sdk();
    await pushFiles(f.root, f.remote, 'main', { 'shop.model.lkml': MODEL, 'regional.view.lkml': REGION_VIEW });
    await admin.ok(admin.deploy_ref_to_production({ project_id: 'shop', branch: 'main' }));
    await admin.ok(admin.update_session({ workspace_id: 'production' }));
  });
  afterAll(async () => {
    await f.close();
  });

  const runSql = async (s: Looker40SDK, body: Record<string, unknown>): Promise<{ status: number; text: string }> => {
    const res = await f.raw(s, 'POST', '/queries/run/sql', body);
    return { status: res.status, text: await res.text() };
  };

  it('compiles SQL that reads a user attribute for each user, and shares the rest', async () => {
    const attribute = await admin.ok(admin.create_user_attribute({ name: 'order_status', label: 'Order status', type: 'string' }));
    const me = await admin.ok(admin.me());
    await admin.ok(admin.set_user_attribute_user_value(me.id!, attribute.id!, { value: 'complete' }));
    const other = await admin.ok(admin.create_user({ first_name: 'Other' }));
    const roles = await admin.ok(admin.all_roles({}));
    await admin.ok(admin.set_user_roles(other.id!, [roles.find((r) => r.name === 'User')!.id!]));
    await admin.ok(admin.set_user_attribute_user_value(other.id!, attribute.id!, { value: 'pending' }));
    const cred = await admin.ok(admin.create_user_credentials_api3(other.id!));
    const otherSdk = f.sdkFor(cred.client_id!, cred.client_secret!);

    const query = { model: 'shop', view: 'regional', fields: ['regional.mine', 'regional.count'] };
    const mine = await runSql(admin, query);
    const theirs = await runSql(otherSdk, query);
    expect(mine.text).toContain("= 'complete'");
    expect(theirs.text).toContain("= 'pending'");
    // Again (now from the caches): still per user.
    expect((await runSql(admin, query)).text).toBe(mine.text);
    expect((await runSql(otherSdk, query)).text).toBe(theirs.text);
    // A changed value is used by the next query.
    await admin.ok(admin.set_user_attribute_user_value(other.id!, attribute.id!, { value: 'complete' }));
    expect((await runSql(otherSdk, query)).text).toContain("= 'complete'");
    // Attribute-free SQL is the same for both.
    const plain = { model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'] };
    expect((await runSql(otherSdk, plain)).text).toBe((await runSql(admin, plain)).text);
  });

  it('sees connection and model-config changes with the next query', async () => {
    const query = { model: 'shop', view: 'orders', fields: ['orders.count'] };
    const before = await f.raw(admin, 'POST', '/queries/run/json', query);
    expect(await before.json()).toEqual([{ 'orders.count': 100 }]);
    await admin.ok(admin.update_lookml_model('shop', { allowed_db_connection_names: ['elsewhere'], unlimited_db_connections: false }));
    expect((await f.raw(admin, 'POST', '/queries/run/json', query)).status).toBe(403);
    await admin.ok(admin.update_lookml_model('shop', { allowed_db_connection_names: [], unlimited_db_connections: true }));
    expect((await f.raw(admin, 'POST', '/queries/run/json', query)).status).toBe(200);
    await admin.ok(admin.delete_connection('warehouse'));
    const gone = await f.raw(admin, 'POST', '/queries/run/json', query);
    expect(gone.status).toBe(422);
    expect(((await gone.json()) as { message: string }).message).toMatch(/Connection "warehouse" used by model "shop" does not exist/);
    await admin.ok(admin.create_connection({ name: 'warehouse', dialect_name: 'duckdb', database: f.duckPath }));
    expect((await f.raw(admin, 'POST', '/queries/run/json', query)).status).toBe(200);
  });

  it('moves production with a deploy, with no stale compiled SQL', async () => {
    const query = { model: 'shop', view: 'orders', fields: ['orders.status'], limit: '1' };
    const before = (await runSql(admin, query)).text;
    await pushFiles(f.root, f.remote, 'main', { 'orders.view.lkml': 'view: orders {\n  sql_table_name: orders ;;\n  dimension: status { type: string sql: upper(${TABLE}.status) ;; }\n}\n' });
    await admin.ok(admin.deploy_ref_to_production({ project_id: 'shop', branch: 'main' }));
    const after = (await runSql(admin, query)).text;
    expect(before).not.toContain('upper(');
    expect(after).toContain('upper(');
  });
});

describe('cross-node invalidation on PostgreSQL (LISTEN/NOTIFY)', () => {
  let a: Store;
  let b: Store;
  beforeAll(async () => {
    const url = await pgSchemaUrl('e2e_notify');
    a = await openStore({ dataDir: '/nonexistent', databaseUrl: url });
    b = await openStore({ dataDir: '/nonexistent', databaseUrl: url });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('bumps the other node\'s version after a committed write, and not before', async () => {
    const start = b.changes.version('connections');
    const own = a.changes.version('connections');
    await a.transaction(async (tx) => {
      await tx.connections.createConnection({ name: 'n1', dialect_name: 'duckdb', host: null, port: null, database: ':memory:', username: null, password: null, schema: null, max_connections: null, query_timezone: null, db_timezone: null, jdbc_additional_params: null }, null);
      // Inside the transaction nothing is announced yet, here or there.
      await new Promise((r) => setTimeout(r, 100));
      expect(a.changes.version('connections')).toBe(own);
      expect(b.changes.version('connections')).toBe(start);
    });
    expect(a.changes.version('connections')).toBe(own + 1);
    const deadline = Date.now() + 5000;
    while (b.changes.version('connections') === start && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(b.changes.version('connections')).toBe(start + 1);
    // The writer does not count its own announcement twice.
    await new Promise((r) => setTimeout(r, 100));
    expect(a.changes.version('connections')).toBe(own + 1);
  });
});
