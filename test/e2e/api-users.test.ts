/**
 * Users, credentials, roles and user attributes through the official SDK against `overlook serve`
 * (SQLite store), with bodies checked against Looker's spec; plus first-start bootstrap and
 * failed-login throttling.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LookerNodeSDK, NodeSettingsIniFile } from '@looker/sdk-node';
import type { Looker40SDK } from '@looker/sdk';
import type { RunningServer } from '../../src/api/server.ts';
import { assertResponseMatchesSpec } from '../../src/api/spec-validate.ts';
import { serve } from '../../src/cli/serve.ts';

const dir = mkdtempSync(join(tmpdir(), 'overlook-e2e-users-'));
let server: RunningServer;
let admin: Looker40SDK;
const printed: string[] = [];

function sdkWith(clientId: string, clientSecret: string): Looker40SDK {
  const ini = join(dir, `sdk-${clientId}.ini`);
  writeFileSync(ini, `[Looker]\nbase_url=${server.url}\nclient_id=${clientId}\nclient_secret=${clientSecret}\nverify_ssl=false\n`);
  return LookerNodeSDK.init40(new NodeSettingsIniFile('', ini, 'Looker'));
}

beforeAll(async () => {
  vi.spyOn(console, 'debug').mockImplementation(() => undefined);
  server = await serve({
    port: 0, host: '127.0.0.1', dataDir: dir, adminEnv: {}, handleSignals: false, log: (l) => printed.push(l),
    api: { maxFailuresPerClient: 3 },
  });
  // The generated admin credentials are usable exactly as written to <data-dir>/looker.ini.
  admin = LookerNodeSDK.init40(new NodeSettingsIniFile('', join(dir, 'looker.ini'), 'Looker'));
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('first start', () => {
  it('creates an admin, prints its generated secrets once and writes a private looker.ini', async () => {
    expect(printed.join('\n')).toMatch(/password: +\S{12,}/);
    expect(printed.join('\n')).toMatch(/client_secret: +\S{20,}/);
    expect(statSync(join(dir, 'looker.ini')).mode & 0o777).toBe(0o600);
    const me = await admin.ok(admin.me());
    expect(me).toMatchObject({ email: 'admin@overlook.local', role_ids: ['2'] });
  });
});

describe('users and credentials', () => {
  it('creates, reads, updates, lists and deletes users', async () => {
    const created = await admin.ok(admin.create_user({ first_name: 'Ada', last_name: 'Lovelace', locale: 'en' }));
    assertResponseMatchesSpec('create_user', 200, created);
    expect(created).toMatchObject({ first_name: 'Ada', display_name: 'Ada Lovelace', is_disabled: false });
    const updated = await admin.ok(admin.update_user(created.id!, { last_name: 'King' }));
    expect(updated.display_name).toBe('Ada King');
    const listed = await admin.ok(admin.all_users({ fields: 'id,display_name' }));
    expect(listed).toContainEqual({ id: created.id, display_name: 'Ada King' });
    const email = await admin.ok(admin.create_user_credentials_email(created.id!, { email: 'ada@example.com' }));
    assertResponseMatchesSpec('create_user_credentials_email', 200, email);
    expect((await admin.ok(admin.user(created.id!))).email).toBe('ada@example.com');
    await admin.ok(admin.delete_user(created.id!));
    const gone = await admin.user(created.id!);
    expect(gone.ok).toBe(false);
    if (!gone.ok) expect(gone.error).toMatchObject({ message: 'Not found' });
  });

  it('shows an API3 secret once, logs in with it, and ends its tokens when deleted', async () => {
    const user = await admin.ok(admin.create_user({ first_name: 'Key', last_name: 'Holder' }));
    const cred = await admin.ok(admin.create_user_credentials_api3(user.id!));
    assertResponseMatchesSpec('create_user_credentials_api3', 200, cred);
    expect(cred.client_secret).toMatch(/\S{20,}/);
    const listed = await admin.ok(admin.all_user_credentials_api3s(user.id!));
    expect(listed).toHaveLength(1);
    expect(listed[0]).not.toHaveProperty('client_secret');
    const holder = sdkWith(cred.client_id!, cred.client_secret!);
    expect((await holder.ok(holder.me())).id).toBe(user.id);
    await admin.ok(admin.delete_user_credentials_api3(user.id!, cred.id!));
    const after = await holder.me();
    expect(after.ok).toBe(false);
  });

  it('accepts the query-string login form and lists the workspaces', async () => {
    const user = await admin.ok(admin.create_user({ first_name: 'Query', last_name: 'Login' }));
    const cred = await admin.ok(admin.create_user_credentials_api3(user.id!));
    const res = await fetch(`${server.url}/api/4.0/login?client_id=${cred.client_id!}&client_secret=${encodeURIComponent(cred.client_secret!)}`, { method: 'POST' });
    const token = (await res.json()) as Record<string, unknown>;
    expect(token).toMatchObject({ token_type: 'Bearer', expires_in: 3600, refresh_token: null });
    assertResponseMatchesSpec('login', 200, token);
    const workspaces = await admin.ok(admin.all_workspaces());
    expect(workspaces.map((w) => w.id)).toEqual(['production', 'dev']);
    expect((await admin.ok(admin.workspace('dev'))).id).toBe('dev');
    expect((await admin.workspace('staging')).ok).toBe(false);
  });

  it('throttles repeated failed logins with 429 in Looker\'s shape', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${server.url}/api/4.0/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'client_id=guess&client_secret=wrong' });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(await res.json()).toMatchObject({ message: expect.stringContaining('Too many') as unknown });
      }
    }
    expect(statuses).toEqual([404, 404, 404, 429, 429]);
  });
});

describe('roles and user attributes', () => {
  it("lists Looker's built-in roles and permission sets", async () => {
    const roles = await admin.ok(admin.all_roles({}));
    expect(roles.map((r) => r.name)).toEqual(expect.arrayContaining(['Admin', 'Developer', 'User', 'Viewer']));
    for (const r of roles) assertResponseMatchesSpec('role', 200, r);
    const dev = roles.find((r) => r.name === 'Developer')!;
    expect(dev.permission_set?.permissions).toEqual(expect.arrayContaining(['develop', 'see_lookml', 'access_data']));
    expect(roles.find((r) => r.name === 'Viewer')!.permission_set?.permissions).not.toContain('develop');
    const sets = await admin.ok(admin.all_model_sets());
    expect(sets.map((s) => s.name)).toContain('All');
  });

  it('creates an attribute, sets a user value and reports it with defaults', async () => {
    const attr = await admin.ok(admin.create_user_attribute({ name: 'region', label: 'Region', type: 'string', default_value: 'EU' }));
    assertResponseMatchesSpec('create_user_attribute', 200, attr);
    const me = await admin.ok(admin.me());
    let values = await admin.ok(admin.user_attribute_user_values({ user_id: me.id! }));
    expect(values.find((v) => v.name === 'region')).toMatchObject({ value: 'EU', source: 'default' });
    expect(values.find((v) => v.name === 'email')).toMatchObject({ value: 'admin@overlook.local' });
    await admin.ok(admin.set_user_attribute_user_value(me.id!, attr.id!, { value: "O'Hara; --" }));
    values = await admin.ok(admin.user_attribute_user_values({ user_id: me.id! }));
    expect(values.find((v) => v.name === 'region')).toMatchObject({ value: "O'Hara; --", source: 'user' });
  });
});
