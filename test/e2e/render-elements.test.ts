/**
 * Issue 8's remaining render-task surface with the unmodified official SDK: one dashboard element
 * to PNG/JPEG (create_dashboard_element_render_task, user-defined and LookML elements, always from
 * production), the statuses a task goes through (querying → enqueued_for_render → rendering, read
 * back from the metadata DB's history and through render_task), `theme` (Looker's built-in theme
 * applied, any other name refused), `tab_ids` and `dashboard_style`.
 *
 * The server takes one capture at a time (OVERLOOK_RENDER_CAPTURE_CONCURRENCY=1), so renders whose
 * pages are ready together queue for it in `enqueued_for_render`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LookerNodeSDK, NodeSettingsIniFile } from '@looker/sdk-node';
import type { IRenderTask, Looker40SDK } from '@looker/sdk';
import { assertResponseMatchesSpec } from '../../src/api/spec-validate.ts';
import { RenderTaskStore } from '../../src/render/task-store.ts';
import { jpegSize, pdfInfo, pdfText, pngSize, pngTopLeft } from '../../src/render/test-pages.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { pushFiles } from '../../src/workspaces/test-support.ts';
import { ordersView, startQueryFixture, type QueryFixture } from './support.ts';
import { board, renderBytes, waitForTask } from './render-support.ts';

const PROD = 'PRODMARK5';
const DEV = 'DEVMARK8';
const FEATURE_ONLY = '- dashboard: feature_only\n  title: Feature Only\n  layout: newspaper\n  elements:\n  - name: n\n    model: shop\n    explore: orders\n    type: single_value\n    fields: [orders.count]\n    row: 0\n    col: 0\n    width: 6\n    height: 4\n';

describe('render tasks of dashboard elements, statuses, themes', () => {
  let fx: QueryFixture;
  let admin: Looker40SDK;
  let dev: Looker40SDK;
  let eve: Looker40SDK;
  let store: Store;
  let tasks: RenderTaskStore;
  let dashboardId = '';
  let elementIds: string[] = [];
  let privateElementId = '';
  let deployed = '';

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    const saved = process.env.OVERLOOK_RENDER_CAPTURE_CONCURRENCY;
    process.env.OVERLOOK_RENDER_CAPTURE_CONCURRENCY = '1';
    try {
      fx = await startQueryFixture('sqlite', 'unused', { connection: true });
    } finally {
      if (saved === undefined) delete process.env.OVERLOOK_RENDER_CAPTURE_CONCURRENCY;
      else process.env.OVERLOOK_RENDER_CAPTURE_CONCURRENCY = saved;
    }
    deployed = await pushFiles(fx.root, fx.remote, 'main', { 'orders.view.lkml': ordersView(PROD), 'board.dashboard.lookml': board('board', 'Marker Board', 2) });
    await pushFiles(fx.root, fx.remote, 'feature', { 'orders.view.lkml': ordersView(DEV), 'feature_only.dashboard.lookml': FEATURE_ONLY }, { base: 'main' });
    admin = fx.sdk();
    await admin.ok(admin.update_session({ workspace_id: 'dev' }));
    await admin.ok(admin.deploy_ref_to_production({ project_id: 'shop', branch: 'main' }));
    await admin.ok(admin.update_session({ workspace_id: 'production' }));

    const query = await admin.ok(admin.create_query({ model: 'shop', view: 'orders', fields: ['orders.label', 'orders.count'], sorts: ['orders.label'] }));
    const dash = await admin.ok(admin.create_dashboard({ title: 'Element Board', folder_id: '1' }));
    dashboardId = dash.id ?? '';
    elementIds = [];
    for (const [title, type] of [['Label grid', 'looker_grid'], ['How many', 'single_value']] as const) {
      const e = await admin.ok(admin.create_dashboard_element({ body: { dashboard_id: dashboardId, title, query_id: query.id ?? '', result_maker: { vis_config: { type } } } }));
      elementIds.push(e.id ?? '');
    }
    const personal = (await admin.ok(admin.all_folders())).find((f) => f.is_personal === true);
    const secret = await admin.ok(admin.create_dashboard({ title: 'Secret Board', folder_id: personal?.id ?? '' }));
    privateElementId = (await admin.ok(admin.create_dashboard_element({ body: { dashboard_id: secret.id ?? '', title: 'Secret', query_id: query.id ?? '' } }))).id ?? '';

    // A token in dev mode on the feature branch, where the label says DEVMARK8.
    dev = fx.sdk();
    await dev.ok(dev.update_session({ workspace_id: 'dev' }));
    await dev.ok(dev.update_git_branch('shop', { name: 'feature' }));

    const viewer = (await admin.ok(admin.all_roles({}))).find((r) => r.name === 'Viewer');
    const user = await admin.ok(admin.create_user({ first_name: 'Eve', last_name: 'Outsider' }));
    await admin.ok(admin.set_user_roles(user.id ?? '', [viewer?.id ?? '']));
    const cred = await admin.ok(admin.create_user_credentials_api3(user.id ?? ''));
    const ini = join(fx.root, 'eve.ini');
    writeFileSync(ini, `[Looker]\nbase_url=${fx.server.url}\nclient_id=${cred.client_id ?? ''}\nclient_secret=${cred.client_secret ?? ''}\nverify_ssl=false\n`);
    eve = LookerNodeSDK.init40(new NodeSettingsIniFile('', ini, 'Looker'));

    // The server's own metadata DB, read beside it: each task's status history.
    store = await openStore({ dataDir: join(fx.root, 'data') });
    tasks = new RenderTaskStore(store);
  });

  afterAll(async () => {
    await store.close();
    await fx.close();
  });

  it('renders one user-defined dashboard element to PNG and JPEG at the requested size, from production', async () => {
    const [grid = ''] = elementIds;
    const task = await dev.ok(dev.create_dashboard_element_render_task(grid, 'png', 480, 320));
    assertResponseMatchesSpec('create_dashboard_element_render_task', 200, task, { rejectUnknown: true });
    expect(task).toMatchObject({
      dashboard_element_id: grid, dashboard_id: null, lookml_dashboard_id: null, look_id: null, query_id: null,
      result_format: 'png', width: 480, height: 320, status: 'enqueued_for_query', dashboard_filters: null, dashboard_style: null,
    });
    const jpg = await dev.ok(dev.create_dashboard_element_render_task(grid, 'jpg', 300, 200));
    const reference = await admin.ok(admin.create_dashboard_element_render_task(grid, 'png', 480, 320));
    const done = await waitForTask(dev, task.id ?? '');
    assertResponseMatchesSpec('render_task', 200, done, { rejectUnknown: true });
    expect(done).toMatchObject({ status: 'success', status_detail: `Rendered from production: shop@${deployed.slice(0, 12)}.`, dashboard_element_id: grid });
    expect((await waitForTask(dev, jpg.id ?? '')).status).toBe('success');
    expect((await waitForTask(admin, reference.id ?? '')).status).toBe('success');
    const png = await renderBytes(dev, task.id ?? '');
    expect(pngSize(png)).toEqual({ width: 480, height: 320 });
    expect(jpegSize(await renderBytes(dev, jpg.id ?? ''))).toEqual({ width: 300, height: 200 });
    // The dev token's render is the production render, pixel for pixel.
    expect(png.equals(await renderBytes(admin, reference.id ?? ''))).toBe(true);
    const raw = await fx.raw(dev, 'GET', `/render_tasks/${task.id ?? ''}/results`);
    expect(raw.headers.get('content-type')).toBe('image/png');
  });

  it('records querying → enqueued_for_render → rendering for every render; render_task shows them in that order', async () => {
    const made = await Promise.all([...elementIds, ...elementIds].map((id, i) => admin.ok(admin.create_dashboard_element_render_task(id, 'png', 400 + i, 300))));
    // Statuses as a client polling render_task sees them.
    const seen = new Map<string, string[]>(made.map((t) => [t.id ?? '', []]));
    for (let i = 0; i < 2000; i++) {
      const now = await Promise.all(made.map((t) => admin.ok(admin.render_task(t.id ?? ''))));
      for (const t of now) {
        const list = seen.get(t.id ?? '') ?? [];
        if (list.at(-1) !== t.status) list.push(t.status ?? '');
      }
      if (now.every((t) => t.status === 'success' || t.status === 'failure')) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const order = ['enqueued_for_query', 'querying', 'enqueued_for_render', 'rendering', 'success'];
    for (const t of made) {
      const record = await tasks.get(t.id ?? '');
      expect(record?.status_history.map((h) => h.status)).toEqual(order);
      const times = record?.status_history.map((h) => Date.parse(h.at)) ?? [];
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      // What the client saw is the same life, in the same order (it may miss short steps).
      const observed = seen.get(t.id ?? '') ?? [];
      expect(observed.at(-1)).toBe('success');
      expect(observed.filter((s) => order.includes(s)).map((s) => order.indexOf(s))).toEqual(observed.map((s) => order.indexOf(s)).sort((a, b) => a - b));
    }
    expect(pngSize(await renderBytes(admin, made[3]?.id ?? ''))).toEqual({ width: 403, height: 300 });
  });

  it('renders a LookML dashboard element, named as dashboard_element answers it or as Looker\'s spec writes it', async () => {
    const elements = await admin.ok(admin.dashboard_dashboard_elements('shop::board'));
    expect(elements.map((e) => e.id)).toEqual(['shop::board::element::t0', 'shop::board::element::t1']);
    const long = await dev.ok(dev.create_dashboard_element_render_task('shop::board::element::t0', 'png', 500, 260));
    const short = await dev.ok(dev.create_dashboard_element_render_task('shop::board::t0', 'png', 500, 260));
    expect(short).toMatchObject({ dashboard_element_id: 'shop::board::t0', lookml_dashboard_id: null, dashboard_id: null });
    for (const t of [long, short]) {
      expect(await waitForTask(dev, t.id ?? '')).toMatchObject({ status: 'success', status_detail: `Rendered from production: shop@${deployed.slice(0, 12)}.` });
    }
    const a = await renderBytes(dev, long.id ?? '');
    expect(pngSize(a)).toEqual({ width: 500, height: 260 });
    expect(a.equals(await renderBytes(dev, short.id ?? ''))).toBe(true);
  });

  it('refuses elements that are not there in production, not the requester\'s to see, or in a format an element has not', async () => {
    expect((await dev.ok(dev.dashboard_dashboard_elements('shop::feature_only'))).map((e) => e.id)).toEqual(['shop::feature_only::element::n']);
    const devOnly = await fx.raw(dev, 'POST', '/render_tasks/dashboard_elements/shop::feature_only::element::n/png?width=400&height=300');
    expect(devOnly.status).toBe(404);
    expect((await devOnly.json() as { message: string }).message).toBe(
      'Dashboard element shop::feature_only::element::n exists only in your development workspace. Renders always use production: deploy the project to production to render it.',
    );
    const missing = await fx.raw(admin, 'POST', '/render_tasks/dashboard_elements/99999/png?width=400&height=300');
    expect(missing.status).toBe(404);
    expect((await missing.json() as { message: string }).message).toBe('Dashboard element 99999 not found.');
    const hidden = await fx.raw(eve, 'POST', `/render_tasks/dashboard_elements/${privateElementId}/png?width=400&height=300`);
    expect(hidden.status).toBe(404);
    expect((await hidden.json() as { message: string }).message).toBe(`Dashboard element ${privateElementId} not found.`);
    const pdf = await fx.raw(admin, 'POST', `/render_tasks/dashboard_elements/${elementIds[0] ?? ''}/pdf?width=400&height=300`);
    expect(pdf.status).toBe(422);
    expect((await pdf.json() as { errors: { field: string; message: string }[] }).errors).toEqual([
      expect.objectContaining({ field: 'result_format', message: "result_format must be one of: png, jpg (got 'pdf')." }),
    ]);
  });

  it('applies Looker\'s built-in theme to a dashboard render, and refuses a theme that does not exist', async () => {
    const plain = await admin.ok(admin.create_dashboard_render_task({ dashboard_id: dashboardId, result_format: 'png', width: 800, height: 500, body: {} }));
    const themed = await admin.ok(admin.create_dashboard_render_task({ dashboard_id: dashboardId, result_format: 'png', width: 800, height: 500, theme: 'Looker', body: {} }));
    const themedPdf = await admin.ok(admin.create_dashboard_render_task({ dashboard_id: dashboardId, result_format: 'pdf', width: 800, height: 500, theme: 'Looker', body: {} }));
    for (const t of [plain, themed, themedPdf]) expect((await waitForTask(admin, t.id ?? '')).status).toBe('success');
    expect(pngTopLeft(await renderBytes(admin, plain.id ?? ''))).toBe('#ffffff');
    // The theme's background_color.
    expect(pngTopLeft(await renderBytes(admin, themed.id ?? ''))).toBe('#f6f8fa');
    const text = pdfText(await renderBytes(admin, themedPdf.id ?? ''));
    expect(text).toContain('Element Board');
    expect(text).toContain(PROD);

    const refused = await fx.raw(admin, 'POST', `/render_tasks/dashboards/${dashboardId}/png?width=800&height=500&theme=Midnight`, {});
    expect(refused.status).toBe(422);
    expect((await refused.json() as { errors: unknown[] }).errors).toEqual([
      { field: 'theme', code: 'not_found', message: "Theme 'Midnight' not found. The themes are: Looker.", documentation_url: expect.any(String) as string },
    ]);
  });

  it('renders with no tab_ids (or an empty list) and refuses tab ids, as Overlook dashboards have no tabs', async () => {
    const none = await admin.ok(admin.create_dashboard_render_task({ dashboard_id: dashboardId, result_format: 'png', width: 400, height: 300, body: { tab_ids: [] } }));
    expect((await waitForTask(admin, none.id ?? '')).status).toBe('success');
    const refused = await fx.raw(admin, 'POST', `/render_tasks/dashboards/${dashboardId}/png?width=400&height=300`, { tab_ids: ['2'] });
    expect(refused.status).toBe(422);
    expect((await refused.json() as { errors: { field: string; message: string }[] }).errors).toEqual([
      expect.objectContaining({ field: 'tab_ids', message: `Dashboard ${dashboardId} has no tabs '2': its tiles are on one page, rendered without tab_ids.` }),
    ]);
  });

  it('waits for the chart code (loaded on demand) before capturing a chart tile', async () => {
    const dash = await admin.ok(admin.create_dashboard({ title: 'Chart Board', folder_id: '1' }));
    await admin.ok(admin.create_dashboard_element({
      body: { dashboard_id: dash.id ?? '', title: 'Column tile', query: { model: 'shop', view: 'orders', fields: ['orders.label', 'orders.count'] }, result_maker: { vis_config: { type: 'looker_column' } } },
    }));
    const task = await admin.ok(admin.create_dashboard_render_task({ dashboard_id: dash.id ?? '', result_format: 'pdf', width: 900, height: 500, body: {} }));
    expect((await waitForTask(admin, task.id ?? '')).status).toBe('success');
    const text = pdfText(await renderBytes(admin, task.id ?? ''));
    expect(text).toContain('Column tile');
    // Only the chart's category axis (vector SVG text) shows the label.
    expect(text).toContain(PROD);
  });

  it('lays tiles side by side when tiled and one under the other in single_column', async () => {
    const made: IRenderTask[] = [];
    for (const style of ['tiled', 'single_column']) {
      made.push(await admin.ok(admin.create_dashboard_render_task({ dashboard_id: dashboardId, result_format: 'pdf', width: 900, height: 300, body: { dashboard_style: style } })));
    }
    const [tiled, single] = await Promise.all(made.map(async (t) => {
      expect((await waitForTask(admin, t.id ?? '')).status).toBe('success');
      const pdf = await renderBytes(admin, t.id ?? '');
      return { info: pdfInfo(pdf), lines: pdfText(pdf).split('\n') };
    }));
    // Tiled: both titles on one line of the page; single column: each on its own, and a longer page.
    expect(tiled?.lines.some((l) => l.includes('Label grid') && l.includes('How many'))).toBe(true);
    expect(single?.lines.some((l) => l.includes('Label grid') && l.includes('How many'))).toBe(false);
    expect(single?.lines.some((l) => l.includes('How many'))).toBe(true);
    expect(single?.info.height).toBeGreaterThan((tiled?.info.height ?? 0) + 100);
  });
});
