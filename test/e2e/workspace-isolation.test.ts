/**
 * Issue 5 isolation under load: 200 tokens of 8 users run queries whose result reveals the workspace
 * they were answered from, while every token switches between production and dev and every user's
 * dev copy switches branches. A production token must always see production; a dev token only its
 * own user's dev copy. Zero wrong answers in 20,000 requests.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ordersView, startQueryFixture, type QueryFixture } from './support.ts';

const USERS = 8;
const TOKENS_PER_USER = 25;
const REQUESTS = 20_000;

describe('workspace isolation under load', () => {
  let fx: QueryFixture;
  const users: { id: string; clientId: string; secret: string; personal: string; branch: string }[] = [];

  const http = async (token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    const res = await fetch(`${fx.server.url}/api/4.0${path}`, {
      method,
      headers: { authorization: `token ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) as unknown : null };
  };
  const login = async (clientId: string, secret: string): Promise<string> => {
    const res = await fetch(`${fx.server.url}/api/4.0/login`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `client_id=${clientId}&client_secret=${secret}`,
    });
    return ((await res.json()) as { access_token: string }).access_token;
  };

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    fx = await startQueryFixture('sqlite', 'unused', { connection: true });
    const admin = fx.sdk();
    const developer = (await admin.ok(admin.all_roles({}))).find((r) => r.name === 'Developer')!;
    for (let u = 0; u < USERS; u++) {
      const user = await admin.ok(admin.create_user({ first_name: `User${u}`, last_name: 'Load' }));
      await admin.ok(admin.set_user_roles(user.id!, [developer.id!]));
      const cred = await admin.ok(admin.create_user_credentials_api3(user.id!));
      const token = await login(cred.client_id!, cred.client_secret!);
      await http(token, 'PATCH', '/session', { workspace_id: 'dev' });
      const personal = ((await http(token, 'GET', '/projects/shop/git_branch')).json as { name: string }).name;
      expect((await http(token, 'PUT', '/projects/shop/ide/file', { path: 'orders.view.lkml', content: ordersView(`u${u}-personal`) })).status).toBe(200);
      const branch = `load-u${u}`;
      expect((await http(token, 'POST', '/projects/shop/git_branch', { name: branch })).status).toBe(200);
      expect((await http(token, 'PUT', '/projects/shop/ide/file', { path: 'orders.view.lkml', content: ordersView(`u${u}-branch`) })).status).toBe(200);
      users.push({ id: user.id!, clientId: cred.client_id!, secret: cred.client_secret!, personal, branch });
    }
  }, 120_000);

  afterAll(async () => {
    await fx.close();
  });

  it('answers 20,000 requests from 200 switching tokens with zero wrong workspaces', async () => {
    const tokens: { user: number; token: string; dev: boolean }[] = [];
    for (let u = 0; u < USERS; u++) {
      const { clientId, secret } = users[u]!;
      const made = await Promise.all(Array.from({ length: TOKENS_PER_USER }, () => login(clientId, secret)));
      for (const token of made) tokens.push({ user: u, token, dev: false });
    }
    // One token per user keeps switching that user's checked-out branch (the dev copy is per user).
    const branchers = users.map((u) => ({ ...u, token: '' }));
    for (const b of branchers) {
      b.token = await login(b.clientId, b.secret);
      await http(b.token, 'PATCH', '/session', { workspace_id: 'dev' });
    }
    const body = { model: 'shop', view: 'orders', fields: ['orders.label'], limit: '1' };
    let sent = 0;
    let wrong = 0;
    const failures: string[] = [];
    let stop = false;
    const switching = Promise.all(branchers.map(async (b) => {
      let onPersonal = true;
      while (!stop) {
        onPersonal = !onPersonal;
        const res = await http(b.token, 'PUT', '/projects/shop/git_branch', { name: onPersonal ? b.personal : b.branch });
        if (res.status !== 200) failures.push(`branch switch ${res.status}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }));
    const worker = async (t: (typeof tokens)[number]): Promise<void> => {
      while (sent < REQUESTS) {
        sent++;
        if (Math.random() < 0.1) {
          t.dev = !t.dev;
          const res = await http(t.token, 'PATCH', '/session', { workspace_id: t.dev ? 'dev' : 'production' });
          if ((res.json as { workspace_id?: string }).workspace_id !== (t.dev ? 'dev' : 'production')) failures.push('session switch');
          continue;
        }
        const res = await http(t.token, 'POST', '/queries/run/json', body);
        const label = (res.json as { 'orders.label'?: string }[] | null)?.[0]?.['orders.label'];
        const ok = t.dev ? label === `u${t.user}-personal` || label === `u${t.user}-branch` : label === 'prod';
        if (!ok) {
          wrong++;
          if (failures.length < 10) failures.push(`user ${t.user} ${t.dev ? 'dev' : 'production'} saw ${String(label)} (${res.status})`);
        }
      }
    };
    await Promise.all(tokens.map(worker));
    stop = true;
    await switching;
    expect(failures).toEqual([]);
    expect(wrong).toBe(0);
    expect(sent).toBeGreaterThanOrEqual(REQUESTS);
  }, 400_000);
});
