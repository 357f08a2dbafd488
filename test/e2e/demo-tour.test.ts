/**
 * The README's quick tour, run as written against `serve --demo` with the official SDK: login →
 * session → run_inline_query (json, csv) → update_session dev → edit in dev → the same query shows
 * the edit → a production token does not.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LookerNodeSDK, NodeSettingsIniFile } from '@looker/sdk-node';
import type { RunningServer } from '../../src/api/server.ts';
import { serve } from '../../src/cli/serve.ts';

describe('README quick tour on serve --demo', () => {
  let dir: string;
  let server: RunningServer;
  const lines: string[] = [];

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    dir = await mkdtemp(join(tmpdir(), 'overlook-tour-'));
    server = await serve({ port: 0, host: '127.0.0.1', dataDir: dir, handleSignals: false, demo: true, adminEnv: {}, log: (l) => lines.push(l) });
  });

  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the admin credentials and the demo it installed', () => {
    const text = lines.join('\n');
    expect(text).toMatch(/client_id: +\S+/);
    expect(text).toMatch(/client_secret: +\S+/);
    expect(text).toContain('Demo: project "thelook"');
  });

  it('ships two LookML dashboards and one user-defined dashboard', async () => {
    const sdk = LookerNodeSDK.init40(new NodeSettingsIniFile('', join(dir, 'looker.ini'), 'Looker'));
    const all = await sdk.ok(sdk.all_dashboards());
    expect(all.map((d) => d.id).filter((id) => id?.includes('::')).sort()).toEqual(['thelook::business_pulse', 'thelook::product_mix']);
    const exec = all.find((d) => d.title === 'Executive Overview');
    expect(exec).toBeDefined();
    const elements = await sdk.ok(sdk.dashboard_dashboard_elements(exec!.id!));
    expect(elements.map((e) => e.type).sort()).toEqual(['text', 'vis', 'vis']);
    const byCountry = elements.find((e) => e.title === 'Revenue by Country')!;
    const rows = await sdk.ok(sdk.run_query({ query_id: byCountry.query_id!, result_format: 'json' })) as unknown as Record<string, unknown>[];
    expect(rows.length).toBeGreaterThan(5);
    const lookml = await sdk.ok(sdk.dashboard('thelook::product_mix'));
    expect(lookml.dashboard_elements?.map((e) => e.title)).toEqual(['Sales by Category', 'Top Brands']);
  });

  it('runs the tour with looker.ini', async () => {
    const ini = join(dir, 'looker.ini');
    expect(await readFile(ini, 'utf8')).toContain(`base_url=${server.url}`);
    const sdk = LookerNodeSDK.init40(new NodeSettingsIniFile('', ini, 'Looker'));
    expect((await sdk.ok(sdk.session())).workspace_id).toBe('production');
    const query = { model: 'thelook', view: 'order_items', fields: ['users.state', 'order_items.total_sale_price'], sorts: ['order_items.total_sale_price desc'], limit: '3' };
    const rows = await sdk.ok(sdk.run_inline_query({ result_format: 'json', body: query })) as unknown as Record<string, unknown>[];
    expect(rows).toHaveLength(3);
    const csv = await sdk.ok(sdk.run_inline_query({ result_format: 'csv', body: query }));
    expect(csv.split('\n')[0]).toBe('Users State,Order Items Total Sale Price');

    // Dev mode: edit the users view in this user's dev copy; the same query shows the change.
    await sdk.ok(sdk.update_session({ workspace_id: 'dev' }));
    const token = (sdk.authSession as unknown as { activeToken: { access_token: string } }).activeToken.access_token;
    const file = await (await fetch(`${server.url}/api/4.0/projects/thelook/ide/file?path=views/users.view.lkml`, { headers: { authorization: `token ${token}` } })).json() as { content: string };
    const edited = file.content.replace(/dimension: state \{[^}]*\}/, 'dimension: state { type: string sql: UPPER(${TABLE}.state) ;; }');
    expect(edited).not.toBe(file.content);
    const put = await fetch(`${server.url}/api/4.0/projects/thelook/ide/file`, {
      method: 'PUT', headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ path: 'views/users.view.lkml', content: edited }),
    });
    expect(put.status).toBe(200);
    const devRows = await sdk.ok(sdk.run_inline_query({ result_format: 'json', body: query })) as unknown as Record<string, unknown>[];
    expect(devRows.map((r) => r['users.state'])).toEqual(rows.map((r) => String(r['users.state']).toUpperCase()));

    const prod = LookerNodeSDK.init40(new NodeSettingsIniFile('', ini, 'Looker'));
    expect(await prod.ok(prod.run_inline_query({ result_format: 'json', body: query }))).toEqual(rows);
  });
});
