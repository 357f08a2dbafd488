/**
 * Looker's model sets: a role grants its permissions only on its model set's models. A model outside
 * the caller's sets does not exist for them: not listed, not explorable, not queryable (directly or
 * through a query task), while the same request from an all-models user works.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Looker40SDK } from '@looker/sdk';
import { startQueryFixture, type QueryFixture } from './support.ts';

describe('model sets restrict models for every API path', () => {
  let f: QueryFixture;
  let admin: Looker40SDK;
  let narrow: Looker40SDK;

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    f = await startQueryFixture('sqlite', 'e2e_model_sets', { connection: true });
    admin = f.sdk();
    await admin.ok(admin.update_session({ workspace_id: 'production' }));
    const sets = await admin.ok(admin.all_permission_sets());
    const userSet = sets.find((s) => s.name === 'User')!;
    const onlyOther = await admin.ok(admin.create_model_set({ name: 'Only other', models: ['other'] }));
    const role = await admin.ok(admin.create_role({ name: 'Other analyst', permission_set_id: userSet.id!, model_set_id: onlyOther.id! }));
    const user = await admin.ok(admin.create_user({ first_name: 'Nora' }));
    await admin.ok(admin.set_user_roles(user.id!, [role.id!]));
    const cred = await admin.ok(admin.create_user_credentials_api3(user.id!));
    narrow = f.sdkFor(cred.client_id!, cred.client_secret!);
  });
  afterAll(async () => {
    await f.close();
  });

  it('hides the model from listing and explores', async () => {
    expect((await admin.ok(admin.all_lookml_models({}))).map((m) => m.name)).toContain('shop');
    expect((await narrow.ok(narrow.all_lookml_models({}))).map((m) => m.name)).not.toContain('shop');
    expect((await f.raw(narrow, 'GET', '/lookml_models/shop/explores/orders')).status).toBe(404);
  });

  it('refuses queries and query tasks on it', async () => {
    const body = { model: 'shop', view: 'orders', fields: ['orders.count'] };
    expect((await f.raw(admin, 'POST', '/queries/run/json', body)).status).toBe(200);
    const refused = await f.raw(narrow, 'POST', '/queries/run/json', body);
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as { message: string }).message).toMatch(/Model "shop" not found/);
    const query = await admin.ok(admin.create_query(body));
    const task = await f.raw(narrow, 'POST', '/query_tasks', { query_id: query.id, result_format: 'json' });
    expect(task.status).toBe(422);
    expect((await f.raw(admin, 'POST', '/query_tasks', { query_id: query.id, result_format: 'json' })).status).toBe(200);
  });
});
