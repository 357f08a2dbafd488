/**
 * Issue 9, the embed frame over HTTPS in headless Chromium with the unmodified @looker/embed-sdk:
 * - in-frame navigation keeps the frame's embed parameters (`embed_domain`, `sdk`, `theme`): from an
 *   embedded dashboard the host loads a Look (`connection.loadLook`, Looker 25+ `page:load`, enabled by
 *   the `lookerVersion` the frame reports), the Look's "Explore from here" leads on inside the frame,
 *   a reload there still talks to the host, and the host brings the dashboard back;
 * - every `embed_config` member is enforced or refused by name (`set_setting` through @looker/sdk-node):
 *   `strict_sameorigin_for_login` decides whether another site may frame the login page (app pages
 *   never, embed pages always), `hide_look_navigation` keeps dashboards and explores from leading to
 *   Looks, and the unsupported ones answer 422 naming the member.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, DEFAULT_CHROMIUM } from '../../src/render/browser-pool.ts';
import { httpsCall, startTlsFixture, type TlsFixture } from './embed-fixture.ts';

const SDK_BUNDLE = join(import.meta.dirname, '..', '..', 'node_modules', '@looker', 'embed-sdk', 'dist', 'main.js');
const EMBED_USER = {
  external_user_id: 'frames-customer', session_length: 600, models: ['shop'],
  permissions: ['access_data', 'explore', 'see_looks', 'see_user_dashboards', 'see_lookml_dashboards'],
};

interface Recorded { name: string; event: { page?: { url?: string; lookerVersion?: string } } }

/** What the in-frame scripts use of the frame's window (the test files have no DOM types). */
interface Styled { href: string; textContent: string; append(child: Styled): void; hasAttribute(name: string): boolean }
interface FrameWindow {
  location: { pathname: string; search: string; reload(): void };
  history: { pushState(data: unknown, unused: string, url: string): void };
  document: { documentElement: Styled; body: Styled; createElement(tag: string): Styled };
  getComputedStyle(element: Styled): { display: string };
}

describe('the embed frame: navigation keeps its embed parameters; embed settings enforced or refused', () => {
  let fx: TlsFixture;
  let browser: Browser;
  let hostServer: Server;
  let hostOrigin = '';
  let dashboardId = '';
  let lookId = '';
  const cleanup: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    fx = await startTlsFixture();
    cleanup.push(() => fx.close());
    const { admin } = fx;
    await admin.ok(admin.update_session({ workspace_id: 'production' }));
    const dashboard = await admin.ok(admin.create_dashboard({ title: 'Orders', folder_id: '1' }));
    dashboardId = dashboard.id ?? '';
    await admin.ok(admin.create_dashboard_element({
      body: { dashboard_id: dashboardId, title: 'Count', query: { model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'] }, result_maker: { vis_config: { type: 'looker_grid' } } },
    }));
    const query = await admin.ok(admin.create_query({ model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'], vis_config: { type: 'looker_grid' } }));
    lookId = (await admin.ok(admin.create_look({ title: 'Orders by status', folder_id: '1', query_id: query.id ?? '' }))).id ?? '';

    const page = (kind: string): string => `<!doctype html><html><head><meta charset="utf-8"><title>Host</title><script src="/embed-sdk.js"></script></head>
<body><div id="embed" style="height:700px"></div>
<script>
  const sdk = LookerEmbedSDK.getEmbedSDK();
  sdk.init(${JSON.stringify(fx.host)}, '/auth');
  window.recorded = [];
  const record = (name) => (event) => { window.recorded.push({ name, event }); };
  let builder = (${JSON.stringify(kind)} === 'look' ? sdk.createLookWithId(${JSON.stringify(lookId)}) : sdk.createDashboardWithId(${JSON.stringify(dashboardId)})).withTheme('Looker').appendTo('#embed');
  for (const name of ['page:changed', 'dashboard:run:complete', 'look:ready', 'look:run:complete', 'explore:ready']) builder = builder.on(name, record(name));
  builder.build().connect().then((connection) => { window.connection = connection; }).catch((error) => { window.connectError = String(error); });
</script></body></html>`;
    hostServer = createServer((req, res) => {
      const url = new URL(req.url ?? '/', hostOrigin);
      const reply = (status: number, type: string, body: string): void => {
        res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
        res.end(body);
      };
      if (url.pathname === '/embed-sdk.js') reply(200, 'text/javascript', readFileSync(SDK_BUNDLE, 'utf8'));
      else if (url.pathname === '/frame-login') reply(200, 'text/html', `<!doctype html><iframe id="login" src="${fx.server.url}/login" style="width:600px;height:500px"></iframe>`);
      else if (url.pathname === '/auth') {
        fx.api('POST', '/embed/sso_url', { ...EMBED_USER, target_url: url.searchParams.get('src') ?? '', embed_domain: hostOrigin })
          .then((made) => { reply(made.status, 'application/json', JSON.stringify(made.body)); }, (error: unknown) => { reply(500, 'text/plain', String(error)); });
      } else reply(200, 'text/html', page(url.searchParams.get('kind') ?? 'dashboard'));
    });
    await new Promise<void>((resolve) => { hostServer.listen(0, '127.0.0.1', resolve); });
    const address = hostServer.address();
    if (address === null || typeof address === 'string') throw new Error('host app is not listening');
    hostOrigin = `http://127.0.0.1:${address.port}`;
    cleanup.push(() => new Promise<void>((resolve) => { hostServer.close(() => { resolve(); }); }));
    browser = await chromium.launch({ executablePath: process.env.OVERLOOK_CHROMIUM ?? DEFAULT_CHROMIUM, args: [...CHROMIUM_ARGS, '--ignore-certificate-errors'] });
    cleanup.push(() => browser.close());
  });

  afterAll(async () => {
    for (const undo of cleanup.reverse()) await undo();
  });

  const recorded = (page: Page): Promise<Recorded[]> => page.evaluate(() => (globalThis as unknown as { recorded: Recorded[] }).recorded);
  const waitFor = (page: Page, name: string, count: number, fragment = ''): Promise<unknown> => page.waitForFunction(([n, c, f]) => {
    const w = globalThis as unknown as { recorded?: Recorded[]; connectError?: string };
    if (w.connectError !== undefined) throw new Error(w.connectError);
    return (w.recorded ?? []).filter((r) => r.name === n && (f === '' || (r.event.page?.url ?? '').includes(f))).length >= c;
  }, [name, count, fragment] as const, { timeout: 30_000 });
  const pages = async (page: Page): Promise<string[]> => (await recorded(page)).filter((r) => r.name === 'page:changed').map((r) => r.event.page?.url ?? '');
  const embedFrame = (page: Page): Frame => {
    const frame = page.frames().find((f) => f.url().includes('/embed/'));
    if (frame === undefined) throw new Error('no embed frame');
    return frame;
  };
  /** A frame URL's path and the embed parameters it carries. */
  const embedParams = (url: string): { path: string; embed_domain: string | null; sdk: string | null; theme: string | null } => {
    const u = new URL(url, 'https://frame.invalid');
    return { path: u.pathname, embed_domain: u.searchParams.get('embed_domain'), sdk: u.searchParams.get('sdk'), theme: u.searchParams.get('theme') };
  };
  const kept = (path: string): ReturnType<typeof embedParams> => ({ path, embed_domain: hostOrigin, sdk: '3', theme: 'Looker' });

  it('dashboard → Look (host loadLook) → Explore from here → reload → dashboard: every page keeps embed_domain, sdk and theme, and the host hears each', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    try {
      const page = await context.newPage();
      await page.goto(`${hostOrigin}/?kind=dashboard`);
      await waitFor(page, 'dashboard:run:complete', 1);
      const first = (await recorded(page)).find((r) => r.name === 'page:changed');
      expect(embedParams(first?.event.page?.url ?? '')).toEqual(kept(`/embed/dashboards/${dashboardId}`));
      // The frame reports a Looker release, so the SDK's load* calls use page:load.
      expect(first?.event.page?.lookerVersion).toMatch(/^\d+\.\d+/);

      await page.evaluate((id) => (globalThis as unknown as { connection: { loadLook(id: string): Promise<unknown> } }).connection.loadLook(id), lookId);
      await waitFor(page, 'look:run:complete', 1);
      await waitFor(page, 'page:changed', 1, `/embed/looks/${lookId}`);
      expect(embedParams((await pages(page)).at(-1) ?? '')).toEqual(kept(`/embed/looks/${lookId}`));

      await embedFrame(page).getByTestId('explore-from-here').click();
      await waitFor(page, 'page:changed', 1, '/embed/explore/shop/orders');
      const explore = (await pages(page)).at(-1) ?? '';
      // The explore's own state as it writes it, then the frame's parameters.
      expect(explore).toMatch(/^\/embed\/explore\/shop\/orders\?fields=orders\.status,orders\.count&/);
      expect(embedParams(explore)).toEqual(kept('/embed/explore/shop/orders'));
      expect(await embedFrame(page).evaluate(() => {
        const w = globalThis as unknown as FrameWindow;
        return w.location.pathname + w.location.search;
      })).toBe(explore);

      // A reload of the explore still knows its host: the bridge reconnects and announces the page again.
      const before = (await pages(page)).length;
      await embedFrame(page).evaluate(() => { (globalThis as unknown as FrameWindow).location.reload(); });
      await waitFor(page, 'page:changed', before + 1);
      expect((await pages(page)).at(-1)).toBe(explore);
      await waitFor(page, 'explore:ready', 2);

      await page.evaluate((id) => (globalThis as unknown as { connection: { loadDashboard(id: string): Promise<unknown> } }).connection.loadDashboard(id), dashboardId);
      await waitFor(page, 'dashboard:run:complete', 2);
      expect(embedParams((await pages(page)).at(-1) ?? '')).toEqual(kept(`/embed/dashboards/${dashboardId}`));
    } finally {
      await context.close();
    }
  });

  it('set_setting: unsupported embed_config members are refused by name; what GET answers can be sent back', async () => {
    const current = await fx.admin.ok(fx.admin.get_setting());
    expect(current.embed_config).toMatchObject({ look_filters: false, embed_content_navigation: false, embed_content_management: false, alert_url_allowlist: [], strict_sameorigin_for_login: true, hide_look_navigation: false });
    await fx.admin.ok(fx.admin.set_setting({ embed_config: current.embed_config ?? {} }));
    for (const [member, value, why] of [
      ['look_filters', true, 'embedded Looks show no filters in Overlook'],
      ['embed_content_navigation', true, 'embed frames have no content navigation in Overlook'],
      ['embed_content_management', true, 'embed frames have no content management in Overlook'],
      ['alert_url_allowlist', ['https://app.example/alerts'], 'Overlook sends no alerts or scheduled deliveries to link from'],
      ['alert_url_label', 'Open in app', 'Overlook sends no alerts or scheduled deliveries to link from'],
    ] as const) {
      const refused = await fx.api('PATCH', '/setting', { embed_config: { [member]: value } });
      expect(refused.status).toBe(422);
      const body = refused.body as { errors: { field: string; message: string }[] };
      expect(body.errors[0]?.field).toBe(`embed_config.${member}`);
      expect(body.errors[0]?.message).toContain(why);
    }
    expect((await fx.admin.ok(fx.admin.get_setting())).embed_config).toEqual(current.embed_config);
  });

  it('strict_sameorigin_for_login: app pages never framed elsewhere, embed pages always, the login page only when it is off', async () => {
    const framing = async (path: string): Promise<string | undefined> => {
      const got = await httpsCall(`${fx.server.url}${path}`, 'GET');
      expect(got.status).toBe(200);
      return got.headers['content-security-policy'] as string | undefined;
    };
    const loginShown = async (): Promise<boolean> => {
      const context = await browser.newContext({ ignoreHTTPSErrors: true });
      try {
        const page = await context.newPage();
        await page.goto(`${hostOrigin}/frame-login`);
        const frame = await (await page.waitForSelector('#login')).contentFrame();
        if (frame === null) return false;
        await frame.waitForLoadState('load');
        return (await frame.locator('[data-testid="login-email"]').count().catch(() => 0)) > 0
          || (await frame.locator('[data-testid="login-email"]').waitFor({ timeout: 5000 }).then(() => true, () => false));
      } finally {
        await context.close();
      }
    };
    expect(await framing('/login')).toBe("frame-ancestors 'self'");
    expect(await framing('/browse')).toBe("frame-ancestors 'self'");
    expect(await framing(`/embed/dashboards/${dashboardId}`)).toBeUndefined();
    expect(await loginShown()).toBe(false);

    await fx.admin.ok(fx.admin.set_setting({ embed_config: { strict_sameorigin_for_login: false } }));
    try {
      expect(await framing('/login')).toBeUndefined();
      expect(await framing('/browse')).toBe("frame-ancestors 'self'");
      expect(await loginShown()).toBe(true);
    } finally {
      await fx.admin.ok(fx.admin.set_setting({ embed_config: { strict_sameorigin_for_login: true } }));
    }
    expect(await framing('/login')).toBe("frame-ancestors 'self'");
  });

  it('hide_look_navigation: an embedded dashboard neither shows nor follows links to Looks; off, it does', async () => {
    const tryLookLink = async (hiding: boolean): Promise<{ display: string; path: string }> => {
      const context = await browser.newContext({ ignoreHTTPSErrors: true });
      try {
        const page = await context.newPage();
        await page.goto(`${hostOrigin}/?kind=dashboard`);
        await waitFor(page, 'dashboard:run:complete', 1);
        // The frame asks for the setting once, as it starts.
        if (hiding) {
          await embedFrame(page).waitForFunction(() => (globalThis as unknown as FrameWindow).document.documentElement.hasAttribute('data-overlook-hide-look-nav'));
        }
        return await embedFrame(page).evaluate((id) => {
          const w = globalThis as unknown as FrameWindow;
          const link = w.document.createElement('a');
          link.href = `/embed/looks/${id}`;
          link.textContent = 'Look';
          w.document.body.append(link);
          const display = w.getComputedStyle(link).display;
          w.history.pushState(null, '', `/embed/looks/${id}`);
          return { display, path: w.location.pathname + w.location.search };
        }, lookId);
      } finally {
        await context.close();
      }
    };
    await fx.admin.ok(fx.admin.set_setting({ embed_config: { hide_look_navigation: true } }));
    try {
      const hidden = await tryLookLink(true);
      expect(hidden.display).toBe('none');
      expect(embedParams(hidden.path)).toEqual(kept(`/embed/dashboards/${dashboardId}`));
    } finally {
      await fx.admin.ok(fx.admin.set_setting({ embed_config: { hide_look_navigation: false } }));
    }
    const shown = await tryLookLink(false);
    expect(shown.display).toBe('inline');
    expect(embedParams(shown.path)).toEqual(kept(`/embed/looks/${lookId}`));
  });
});
