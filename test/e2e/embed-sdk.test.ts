/**
 * Issue 9 end to end: the unmodified @looker/embed-sdk in headless Chromium, on a host page this
 * test serves, embeds an Overlook dashboard over HTTPS, signed (`create_sso_embed_url`), "as me"
 * (`create_embed_url_as_me`, the very user whose own workspace and UI are in dev mode) and
 * cookieless. The dashboard reads a dimension the admin changed on their dev branch: every frame
 * shows the production value. The SDK receives dashboard:loaded and dashboard:run:complete, and a
 * filter set from the host changes the result. An embedded explore announces each in-frame URL
 * change with page:changed; a wildcard allowlist entry lets *.localhost host pages hear the frame,
 * while a host page not on the list gets the content but no events.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, DEFAULT_CHROMIUM } from '../../src/render/browser-pool.ts';
import { httpsCall, startTlsFixture, type TlsFixture } from './embed-fixture.ts';
import { ordersView } from './support.ts';

const SDK_BUNDLE = join(import.meta.dirname, '..', '..', 'node_modules', '@looker', 'embed-sdk', 'dist', 'main.js');
const EMBED_USER = { external_user_id: 'sdk-customer', first_name: 'Sam', last_name: 'Host', session_length: 600, permissions: ['access_data', 'explore', 'see_user_dashboards', 'see_lookml_dashboards'], models: ['shop'] };

interface Recorded { name: string; event: { dashboard?: { dashboard_filters?: Record<string, string> }; page?: { url?: string } } }

interface HostApp {
  readonly server: Server;
  /** Requests the host's server side answered, in order (`GET /auth`, …). */
  readonly calls: string[];
  readonly origin: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The embedding application: its page, the embed SDK, and its server side (sign / acquire / generate). */
async function startHostApp(fx: TlsFixture, dashboardId: string): Promise<HostApp> {
  const calls: string[] = [];
  let reference: string | null = null;
  let origin = '';
  const page = (): string => `<!doctype html><html><head><meta charset="utf-8"><title>Host</title><script src="/embed-sdk.js"></script></head>
<body><h1>Embedding application</h1><div id="embed" style="height:700px"></div>
<script>
  const mode = new URLSearchParams(location.search).get('mode');
  const sdk = LookerEmbedSDK.getEmbedSDK();
  if (mode === 'cookieless') sdk.initCookieless(${JSON.stringify(fx.host)}, '/acquire-embed-session', '/generate-embed-tokens');
  else sdk.init(${JSON.stringify(fx.host)}, { url: '/auth', params: [{ name: 'mode', value: mode }] });
  window.recorded = [];
  const record = (name) => (event) => { window.recorded.push({ name, event }); };
  const explore = new URLSearchParams(location.search).get('kind') === 'explore';
  let builder = (explore ? sdk.createExploreWithId('shop::orders') : sdk.createDashboardWithId(${JSON.stringify(dashboardId)})).appendTo('#embed');
  for (const name of ['dashboard:loaded', 'dashboard:run:start', 'dashboard:run:complete', 'dashboard:filters:changed', 'explore:ready', 'page:changed', 'session:tokens:request']) builder = builder.on(name, record(name));
  builder.build().connect().then((connection) => { window.connection = connection; }).catch((error) => { window.connectError = String(error); });
</script></body></html>`;
  const send = (res: ServerResponse, status: number, type: string, body: string): void => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };
  const readBody = async (req: IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  /** Calls Overlook's API as the admin, forwarding the browser's User-Agent (cookieless sessions are bound to it). */
  const overlook = async (req: IncomingMessage, method: string, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
    const got = await httpsCall(`${fx.server.url}/api/4.0${path}`, method, {
      authorization: `token ${await fx.token()}`, 'content-type': 'application/json', 'user-agent': req.headers['user-agent'] ?? '',
    }, JSON.stringify(body));
    return { status: got.status, body: JSON.parse(got.body) as Record<string, unknown> };
  };
  type Reply = [status: number, type: string, body: string];
  const json = (status: number, body: unknown): Reply => [status, 'application/json', JSON.stringify(body)];
  const handle = async (req: IncomingMessage): Promise<Reply> => {
    const url = new URL(req.url ?? '/', origin);
    calls.push(`${req.method ?? ''} ${url.pathname}${url.pathname === '/auth' ? `?mode=${url.searchParams.get('mode') ?? ''}` : ''}`);
    switch (url.pathname) {
      case '/':
        return [200, 'text/html', page()];
      case '/embed-sdk.js':
        return [200, 'text/javascript', readFileSync(SDK_BUNDLE, 'utf8')];
      case '/auth': {
        const src = url.searchParams.get('src') ?? '';
        const mode = url.searchParams.get('mode');
        // "bare": the embedding app leaves the allowlist to the admin (no embed_domain to add).
        const made = mode === 'as-me'
          ? await fx.api('POST', '/embed/token_url/me', { target_url: src, session_length: 600 })
          : await fx.api('POST', '/embed/sso_url', { ...EMBED_USER, target_url: src, ...(mode === 'bare' ? {} : { embed_domain: origin }) });
        return json(made.status, made.body);
      }
      case '/acquire-embed-session': {
        const got = await overlook(req, 'POST', '/embed/cookieless_session/acquire',
          { ...EMBED_USER, external_user_id: 'sdk-cookieless', embed_domain: origin, ...(reference === null ? {} : { session_reference_token: reference }) });
        reference = typeof got.body.session_reference_token === 'string' ? got.body.session_reference_token : null;
        // The reference token stays on the embedding application's server.
        delete got.body.session_reference_token;
        return json(got.status, got.body);
      }
      case '/generate-embed-tokens': {
        const sent = JSON.parse(await readBody(req)) as Record<string, unknown>;
        const got = await overlook(req, 'PUT', '/embed/cookieless_session/generate_tokens', { ...sent, session_reference_token: reference });
        delete got.body.session_reference_token;
        return json(got.status, got.body);
      }
      default:
        return [404, 'text/plain', 'not found'];
    }
  };
  const server = createServer((req, res) => {
    handle(req).then(([status, type, body]) => { send(res, status, type, body); }, (error: unknown) => { send(res, 500, 'text/plain', String(error)); });
  });
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve); });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('host app is not listening');
  origin = `http://127.0.0.1:${address.port}`;
  return {
    server, calls, origin, port: address.port,
    close: () => new Promise<void>((resolve) => { server.close(() => { resolve(); }); }),
  };
}

describe('embedding a dashboard with the unmodified @looker/embed-sdk', () => {
  let fx: TlsFixture;
  let host: HostApp;
  let browser: Browser;
  /** Undone in reverse order, whatever beforeAll got to. */
  const cleanup: (() => Promise<void>)[] = [];
  let dashboardId = '';

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    fx = await startTlsFixture();
    cleanup.push(() => fx.close());
    const { admin } = fx;
    // The admin's dev branch changes what the dashboard shows; production still says "prod".
    expect((await fx.api('PUT', '/projects/shop/ide/file', { path: 'orders.view.lkml', content: ordersView('dev-edit') })).status).toBe(200);
    // …and the admin's own web UI is in dev mode too.
    const login = await httpsCall(`${fx.server.url}/x-overlook/ui/login`, 'POST', { 'content-type': 'application/json' }, JSON.stringify({ email: 'root@example.com', password: 'correct horse battery' }));
    const cookies = ([] as string[]).concat(login.headers['set-cookie'] ?? []).map((c) => c.split(';')[0] ?? '');
    const csrf = cookies.find((c) => c.startsWith('overlook_csrf='))?.slice('overlook_csrf='.length) ?? '';
    const toDev = await httpsCall(`${fx.server.url}/api/4.0/session`, 'PATCH', { cookie: cookies.join('; '), 'x-csrf-token': csrf, 'content-type': 'application/json' }, '{"workspace_id":"dev"}');
    expect(JSON.parse(toDev.body)).toMatchObject({ workspace_id: 'dev' });

    const dashboard = await admin.ok(admin.create_dashboard({ title: 'Orders by label', folder_id: '1' }));
    dashboardId = dashboard.id ?? '';
    await admin.ok(admin.create_dashboard_filter({ dashboard_id: dashboardId, name: 'Status', title: 'Status', type: 'field_filter', default_value: 'complete', model: 'shop', explore: 'orders', dimension: 'orders.status' }));
    await admin.ok(admin.create_dashboard_element({
      body: {
        dashboard_id: dashboardId, title: 'Orders', query: { model: 'shop', view: 'orders', fields: ['orders.label', 'orders.count'] },
        result_maker: { filterables: [{ model: 'shop', view: 'orders', listen: [{ dashboard_filter_name: 'Status', field: 'orders.status' }] }], vis_config: { type: 'looker_grid' } },
      },
    }));
    // What the admin's dev workspace computes for the same tile: not what the embed may show.
    const dev = await fx.api('POST', '/queries/run/json', { model: 'shop', view: 'orders', fields: ['orders.label', 'orders.count'], filters: { 'orders.status': 'complete' } });
    expect(dev.body).toEqual([{ 'orders.label': 'dev-edit', 'orders.count': 33 }]);

    host = await startHostApp(fx, dashboardId);
    cleanup.push(() => host.close());
    browser = await chromium.launch({ executablePath: process.env.OVERLOOK_CHROMIUM ?? DEFAULT_CHROMIUM, args: [...CHROMIUM_ARGS, '--ignore-certificate-errors'] });
    cleanup.push(() => browser.close());
  });

  afterAll(async () => {
    for (const undo of cleanup.reverse()) await undo();
  });

  const recorded = (page: Page): Promise<Recorded[]> => page.evaluate(() => (globalThis as unknown as { recorded: Recorded[] }).recorded);

  async function waitForRuns(page: Page, count: number): Promise<void> {
    await page.waitForFunction((n) => {
      const w = globalThis as unknown as { recorded?: { name: string }[]; connectError?: string };
      if (w.connectError !== undefined) throw new Error(w.connectError);
      return (w.recorded ?? []).filter((r) => r.name === 'dashboard:run:complete').length >= n;
    }, count, { timeout: 30_000 });
  }

  const tileText = async (page: Page): Promise<string> => (await page.frameLocator('#embed iframe').locator('[data-testid="dashboard-tile"]').first().innerText()).replace(/\s+/g, ' ');

  it.each(['signed', 'as-me', 'cookieless'] as const)('%s: production values, SDK events, host filters', async (mode) => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    try {
      const page = await context.newPage();
      await page.goto(`${host.origin}/?mode=${mode}`);
      await waitForRuns(page, 1);
      const first = await tileText(page);
      expect(first).toContain('prod');
      expect(first).toContain('33');
      expect(first).not.toContain('dev-edit');

      const names = (await recorded(page)).map((r) => r.name);
      expect(names).toContain('page:changed');
      expect(names.indexOf('dashboard:loaded')).toBeGreaterThanOrEqual(0);
      expect(names.indexOf('dashboard:loaded')).toBeLessThan(names.indexOf('dashboard:run:complete'));
      expect(names).toContain('dashboard:run:start');
      if (mode === 'cookieless') expect(names).toContain('session:tokens:request');

      await page.evaluate(() => {
        const w = globalThis as unknown as { connection: { asDashboardConnection(): { updateFilters(f: Record<string, string>): void; run(): void } } };
        w.connection.asDashboardConnection().updateFilters({ Status: 'pending' });
        w.connection.asDashboardConnection().run();
      });
      await waitForRuns(page, 2);
      const second = await tileText(page);
      expect(second).toContain('prod');
      expect(second).toContain('34');
      const events = await recorded(page);
      expect(events.filter((r) => r.name === 'dashboard:filters:changed').at(-1)?.event.dashboard?.dashboard_filters).toMatchObject({ Status: 'pending' });
      expect(events.filter((r) => r.name === 'dashboard:run:complete').at(-1)?.event.dashboard?.dashboard_filters).toMatchObject({ Status: 'pending' });
    } finally {
      await context.close();
    }
  });

  it('page:changed follows every in-frame navigation (an embedded explore writes its state to the URL)', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    try {
      const page = await context.newPage();
      await page.goto(`${host.origin}/?mode=signed&kind=explore`);
      const pages = async (): Promise<string[]> => (await recorded(page)).filter((r) => r.name === 'page:changed').map((r) => r.event.page?.url ?? '');
      const waitForPage = (fragment: string): Promise<unknown> => page.waitForFunction((f) => {
        const w = globalThis as unknown as { recorded?: Recorded[]; connectError?: string };
        if (w.connectError !== undefined) throw new Error(w.connectError);
        return (w.recorded ?? []).some((r) => r.name === 'page:changed' && (r.event.page?.url ?? '').includes(f));
      }, fragment, { timeout: 30_000 });
      await waitForPage('/embed/explore/shop/orders');
      const frame = page.frameLocator('#embed iframe');
      await frame.getByTestId('field-search').fill('status');
      await frame.getByTestId('field-orders.status').click();
      await waitForPage('fields=orders.status');
      await frame.getByTestId('field-search').fill('count');
      await frame.getByTestId('field-orders.count').click();
      await waitForPage('fields=orders.status,orders.count');
      const urls = await pages();
      expect(urls[0]).toMatch(/^\/embed\/explore\/shop\/orders\?embed_domain=/);
      // The explore's own state, then the frame's embed parameters, kept on every in-frame URL.
      expect(urls.at(-1)).toBe(`/embed/explore/shop/orders?fields=orders.status,orders.count&limit=500&vis=looker_grid&embed_domain=${host.origin}&sdk=3`);
      // One event per distinct URL.
      expect(new Set(urls).size).toBe(urls.length);
      expect((await recorded(page)).map((r) => r.name)).toContain('explore:ready');
    } finally {
      await context.close();
    }
  });

  it('the embed domain allowlist: a wildcard entry lets *.localhost hosts receive events; a host not on it gets none', async () => {
    const current = (await fx.admin.ok(fx.admin.get_setting())).embed_config?.domain_allowlist ?? [];
    await fx.admin.ok(fx.admin.set_setting({ embed_config: { domain_allowlist: [...current, `http://*.localhost:${host.port}`] } }));
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    // A slow allowlist answer: the dashboard loads (dashboard:loaded) before the frame knows it
    // may talk to the host, and that event must still reach it.
    await context.route('**/x-overlook/embed/domain?*', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    });
    try {
      const allowed = await context.newPage();
      await allowed.goto(`http://app.localhost:${host.port}/?mode=bare`);
      await waitForRuns(allowed, 1);
      expect(await tileText(allowed)).toContain('prod');
      expect((await recorded(allowed)).map((r) => r.name)).toContain('dashboard:loaded');

      const refused = await context.newPage();
      const warned = refused.waitForEvent('console', { predicate: (m) => m.text().includes('is not on the embed domain allowlist'), timeout: 30_000 });
      await refused.goto(`http://localhost:${host.port}/?mode=bare`);
      expect((await warned).text()).toBe(`Overlook embed: http://localhost:${host.port} is not on the embed domain allowlist, so this frame sends it no events.`);
      // The content itself is shown; only the host page hears nothing.
      await refused.frameLocator('#embed iframe').getByTestId('dashboard-tile').first().getByText('prod').waitFor({ timeout: 30_000 });
      expect(await recorded(refused)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the host app did the signing and token work on its server side', () => {
    expect(host.calls).toEqual(expect.arrayContaining(['GET /auth?mode=signed', 'GET /auth?mode=as-me', 'GET /acquire-embed-session']));
  });
});
