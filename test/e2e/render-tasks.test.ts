/**
 * Issue 8 end to end with the unmodified official SDK: render tasks against a real server with a
 * deployed project over DuckDB, rendered by Debian's chromium-headless-shell through the web UI's
 * render pages (web/dist). DESIGN rule 7: a tile whose value differs between production and a dev
 * branch renders the production value, whether the task comes from a token in dev on that branch or
 * from a web UI session in dev mode; a LookML dashboard only on the branch cannot be rendered.
 * Also looks and queries to PNG/JPEG at the requested size, results' content types, content access,
 * 8 tasks at once, deletion, and a killed browser replaced.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LookerNodeSDK, NodeSettingsIniFile } from '@looker/sdk-node';
import type { IRenderTask, Looker40SDK } from '@looker/sdk';
import { assertResponseMatchesSpec } from '../../src/api/spec-validate.ts';
import { DEFAULT_CHROMIUM } from '../../src/render/browser-pool.ts';
import { browserPids, jpegSize, pdfText, pngSize } from '../../src/render/test-pages.ts';
import { pushFiles } from '../../src/workspaces/test-support.ts';
import { QUERY_ADMIN, ordersView, startQueryFixture, type QueryFixture } from './support.ts';
import { RenderBrowser, board, renderBytes, waitForTask } from './render-support.ts';

const PROD = 'PRODMARK7';
const DEV = 'DEVMARK3';
const FEATURE_ONLY = '- dashboard: feature_only\n  title: Feature Only\n  layout: newspaper\n  elements:\n  - name: n\n    model: shop\n    explore: orders\n    type: single_value\n    fields: [orders.count]\n    row: 0\n    col: 0\n    width: 6\n    height: 4\n';

describe('render tasks', () => {
  let fx: QueryFixture;
  let admin: Looker40SDK;
  let dev: Looker40SDK;
  let n = 0;
  let dashboardId = '';
  let lookId = '';
  let queryId = '';
  let privateLookId = '';
  let deployed = '';
  let eve: Looker40SDK;

  const sdkFor = (clientId: string, secret: string): Looker40SDK => {
    const ini = join(fx.root, `render-${n++}.ini`);
    writeFileSync(ini, `[Looker]\nbase_url=${fx.server.url}\nclient_id=${clientId}\nclient_secret=${secret}\nverify_ssl=false\n`);
    return LookerNodeSDK.init40(new NodeSettingsIniFile('', ini, 'Looker'));
  };

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    fx = await startQueryFixture('sqlite', 'unused', { connection: true });
    deployed = await pushFiles(fx.root, fx.remote, 'main', { 'orders.view.lkml': ordersView(PROD), 'board.dashboard.lookml': board('board', 'Marker Board') });
    await pushFiles(fx.root, fx.remote, 'feature', { 'orders.view.lkml': ordersView(DEV), 'feature_only.dashboard.lookml': FEATURE_ONLY }, { base: 'main' });
    admin = fx.sdk();
    await admin.ok(admin.update_session({ workspace_id: 'dev' }));
    await admin.ok(admin.deploy_ref_to_production({ project_id: 'shop', branch: 'main' }));
    await admin.ok(admin.update_session({ workspace_id: 'production' }));

    const query = await admin.ok(admin.create_query({ model: 'shop', view: 'orders', fields: ['orders.label', 'orders.count'], sorts: ['orders.label'] }));
    queryId = query.id ?? '';
    const dash = await admin.ok(admin.create_dashboard({ title: 'Render Me', folder_id: '1' }));
    dashboardId = dash.id ?? '';
    for (const [title, type] of [['Label', 'looker_grid'], ['How many', 'single_value']] as const) {
      await admin.ok(admin.create_dashboard_element({ body: { dashboard_id: dashboardId, title, query_id: queryId, result_maker: { vis_config: { type } } } }));
    }
    const look = await admin.ok(admin.create_look({ title: 'Label look', query_id: queryId, folder_id: '1' }));
    lookId = look.id ?? '';
    const personal = (await admin.ok(admin.all_folders())).find((f) => f.is_personal === true);
    const secret = await admin.ok(admin.create_look({ title: 'Secret look', query_id: queryId, folder_id: personal?.id ?? '' }));
    privateLookId = secret.id ?? '';

    // A second admin session: a token in dev mode on the feature branch, where the tile says DEVMARK3.
    dev = fx.sdk();
    await dev.ok(dev.update_session({ workspace_id: 'dev' }));
    await dev.ok(dev.update_git_branch('shop', { name: 'feature' }));

    const viewer = (await admin.ok(admin.all_roles({}))).find((r) => r.name === 'Viewer');
    const user = await admin.ok(admin.create_user({ first_name: 'Eve', last_name: 'Outsider' }));
    await admin.ok(admin.set_user_roles(user.id ?? '', [viewer?.id ?? '']));
    const cred = await admin.ok(admin.create_user_credentials_api3(user.id ?? ''));
    eve = sdkFor(cred.client_id ?? '', cred.client_secret ?? '');
  });

  afterAll(async () => {
    await fx.close();
  });

  it('the dev token really sees the dev value (the premise of the next tests)', async () => {
    const rows = await dev.ok(dev.run_inline_query({ result_format: 'json', body: { model: 'shop', view: 'orders', fields: ['orders.label'], limit: '1' } }));
    expect(JSON.stringify(rows)).toContain(DEV);
    const prod = await admin.ok(admin.run_inline_query({ result_format: 'json', body: { model: 'shop', view: 'orders', fields: ['orders.label'], limit: '1' } }));
    expect(JSON.stringify(prod)).toContain(PROD);
  });

  it('renders a dashboard to a vector PDF from a dev token on the branch: production value, production commit', async () => {
    const task = await dev.ok(dev.create_dashboard_render_task({
      dashboard_id: dashboardId, result_format: 'pdf', width: 1000, height: 700, body: { dashboard_style: 'tiled', dashboard_filters: '' },
    }));
    assertResponseMatchesSpec('create_dashboard_render_task', 200, task, { rejectUnknown: true });
    expect(task).toMatchObject({ dashboard_id: dashboardId, lookml_dashboard_id: null, result_format: 'pdf', width: 1000, height: 700, status: 'enqueued_for_query', dashboard_style: 'tiled' });
    const done = await waitForTask(dev, task.id ?? '');
    assertResponseMatchesSpec('render_task', 200, done, { rejectUnknown: true });
    expect(done.status).toBe('success');
    expect(done.status_detail).toBe(`Rendered from production: shop@${deployed.slice(0, 12)}.`);
    expect(done.finalized_at).not.toBeNull();
    const pdf = await renderBytes(dev, done.id ?? '');
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(pdf);
    expect(text).toContain('Render Me');
    expect(text).toContain(PROD);
    expect(text).not.toContain(DEV);
  });

  it('renders the production value for a web UI user in dev mode too (cookie session, CSRF)', async () => {
    const browser = new RenderBrowser(fx.server.url);
    await browser.signIn({ email: QUERY_ADMIN.OVERLOOK_ADMIN_EMAIL, password: QUERY_ADMIN.OVERLOOK_ADMIN_PASSWORD });
    expect((await browser.call('PATCH', '/api/4.0/session', { workspace_id: 'dev' })).status).toBe(200);
    const created = await browser.call('POST', `/api/4.0/render_tasks/dashboards/${dashboardId}/pdf?width=900&height=600&pdf_paper_size=a4&pdf_landscape=true`, { dashboard_style: 'single_column' });
    expect(created.status).toBe(200);
    const id = (created.body as IRenderTask).id ?? '';
    const early = await browser.raw('GET', `/api/4.0/render_tasks/${id}/results`);
    if (early.status === 202) {
      expect(early.headers.get('content-type')).toBeNull();
      expect(await early.text()).toBe('');
    }
    let status = '';
    for (let i = 0; i < 300 && status !== 'success' && status !== 'failure'; i++) {
      status = ((await browser.call('GET', `/api/4.0/render_tasks/${id}`)).body as IRenderTask).status ?? '';
      if (status !== 'success') await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe('success');
    const res = await browser.raw('GET', `/api/4.0/render_tasks/${id}/results`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const text = pdfText(Buffer.from(await res.arrayBuffer()));
    expect(text).toContain(PROD);
    expect(text).not.toContain(DEV);
  });

  it('applies dashboard_filters to the tiles that listen to them', async () => {
    const dash = await admin.ok(admin.create_dashboard({ title: 'Filtered Board', folder_id: '1' }));
    const id = dash.id ?? '';
    await admin.ok(admin.create_dashboard_filter({ dashboard_id: id, name: 'Status', title: 'Order status', type: 'field_filter', default_value: 'pending', model: 'shop', explore: 'orders', dimension: 'orders.status' }));
    await admin.ok(admin.create_dashboard_element({
      body: {
        dashboard_id: id, title: 'By status', query: { model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'], sorts: ['orders.status'] },
        result_maker: { filterables: [{ model: 'shop', view: 'orders', listen: [{ dashboard_filter_name: 'Status', field: 'orders.status' }] }], vis_config: { type: 'looker_grid' } },
      },
    }));
    const texts: string[] = [];
    for (const filters of ['Status=complete', '']) {
      const task = await admin.ok(admin.create_dashboard_render_task({ dashboard_id: id, result_format: 'pdf', width: 800, height: 500, body: { dashboard_filters: filters } }));
      expect(task.dashboard_filters).toBe(filters);
      expect((await waitForTask(admin, task.id ?? '')).status).toBe('success');
      texts.push(pdfText(await renderBytes(admin, task.id ?? '')));
    }
    const [complete = '', byDefault = ''] = texts;
    expect(complete).toContain('complete');
    expect(complete).not.toContain('pending');
    // Without a value the filter's default applies.
    expect(byDefault).toContain('pending');
    expect(byDefault).not.toMatch(/\bcomplete\b/);
  });

  it('renders a LookML dashboard (model::name) from production, and refuses one only on the dev branch', async () => {
    const task = await dev.ok(dev.create_dashboard_render_task({ dashboard_id: 'shop::board', result_format: 'pdf', width: 800, height: 600, body: {} }));
    expect(task).toMatchObject({ dashboard_id: null, lookml_dashboard_id: 'shop::board' });
    const done = await waitForTask(dev, task.id ?? '');
    expect(done.status).toBe('success');
    const text = pdfText(await renderBytes(dev, task.id ?? ''));
    expect(text).toContain('Marker Board');
    expect(text).toContain(PROD);
    expect(text).not.toContain(DEV);

    // Visible to the dev token on its branch, yet renders always use production: a clear 404 at once.
    expect((await dev.ok(dev.dashboard('shop::feature_only'))).title).toBe('Feature Only');
    const refused = await fx.raw(dev, 'POST', '/render_tasks/dashboards/shop::feature_only/pdf?width=800&height=600', {});
    expect(refused.status).toBe(404);
    expect((await refused.json() as { message: string }).message).toBe(
      'LookML dashboard shop::feature_only exists only in your development workspace. Renders always use production: deploy the project to production to render it.',
    );
  });

  it('renders a look to PNG and a query to PNG and JPEG at the requested size, identical to a production render', async () => {
    const look = await dev.ok(dev.create_look_render_task(lookId, 'png', 640, 360));
    assertResponseMatchesSpec('create_look_render_task', 200, look, { rejectUnknown: true });
    expect(look).toMatchObject({ look_id: lookId, dashboard_id: null, query_id: null, result_format: 'png', width: 640, height: 360 });
    const query = await dev.ok(dev.create_query_render_task(queryId, 'png', 500, 300));
    const jpg = await dev.ok(dev.create_query_render_task(queryId, 'jpg', 420, 240));
    const reference = await admin.ok(admin.create_query_render_task(queryId, 'png', 500, 300));
    for (const t of [look, query, jpg]) expect((await waitForTask(dev, t.id ?? '')).status).toBe('success');
    expect((await waitForTask(admin, reference.id ?? '')).status).toBe('success');
    const lookPng = await renderBytes(dev, look.id ?? '');
    expect(pngSize(lookPng)).toEqual({ width: 640, height: 360 });
    const queryPng = await renderBytes(dev, query.id ?? '');
    expect(pngSize(queryPng)).toEqual({ width: 500, height: 300 });
    expect(jpegSize(await renderBytes(dev, jpg.id ?? ''))).toEqual({ width: 420, height: 240 });
    // The dev token's render is the production render, pixel for pixel.
    expect(queryPng.equals(await renderBytes(admin, reference.id ?? ''))).toBe(true);
    const raw = await fx.raw(dev, 'GET', `/render_tasks/${look.id ?? ''}/results`);
    expect(raw.headers.get('content-type')).toBe('image/png');
  });

  it('finishes 8 render tasks made at once', async () => {
    const made = await Promise.all([
      ...Array.from({ length: 3 }, () => admin.ok(admin.create_dashboard_render_task({ dashboard_id: dashboardId, result_format: 'pdf', width: 900, height: 600, body: {} }))),
      ...Array.from({ length: 3 }, (_, i) => admin.ok(admin.create_query_render_task(queryId, 'png', 400 + i, 300))),
      ...Array.from({ length: 2 }, () => admin.ok(admin.create_look_render_task(lookId, 'jpg', 500, 400))),
    ]);
    const done = await Promise.all(made.map((t) => waitForTask(admin, t.id ?? '')));
    expect(done.map((t) => t.status)).toEqual(Array(8).fill('success'));
    expect(pngSize(await renderBytes(admin, made[4]?.id ?? ''))).toEqual({ width: 401, height: 300 });
  });

  it('does not let a user render content they cannot see, nor see others\' tasks', async () => {
    const refused = await fx.raw(eve, 'POST', `/render_tasks/looks/${privateLookId}/png?width=400&height=300`);
    expect(refused.status).toBe(404);
    expect((await refused.json() as { message: string }).message).toBe(`Look ${privateLookId} not found.`);
    const mine = await admin.ok(admin.create_look_render_task(privateLookId, 'png', 400, 300));
    expect((await fx.raw(eve, 'GET', `/render_tasks/${mine.id ?? ''}`)).status).toBe(404);
    expect((await fx.raw(eve, 'GET', `/render_tasks/${mine.id ?? ''}/results`)).status).toBe(404);
    expect((await fx.raw(eve, 'DELETE', `/render_tasks/${mine.id ?? ''}`)).status).toBe(404);
    expect((await waitForTask(admin, mine.id ?? '')).status).toBe('success');
    // Eve's own render of a look she may see works.
    const hers = await eve.ok(eve.create_look_render_task(lookId, 'png', 300, 200));
    expect((await waitForTask(eve, hers.id ?? '')).status).toBe('success');
  });

  it('answers Looker-shaped 422s for bad formats and sizes', async () => {
    for (const [path, field] of [
      [`/render_tasks/looks/${lookId}/pdf?width=400&height=300`, 'result_format'],
      [`/render_tasks/queries/${queryId}/gif?width=400&height=300`, 'result_format'],
      [`/render_tasks/queries/${queryId}/png?width=0&height=300`, 'width'],
      [`/render_tasks/queries/${queryId}/png?width=400&height=99999`, 'height'],
      [`/render_tasks/dashboards/${dashboardId}/pdf?width=400&height=300&pdf_paper_size=b5`, 'pdf_paper_size'],
    ] as const) {
      const res = await fx.raw(admin, 'POST', path, {});
      expect(res.status).toBe(422);
      const body = await res.json() as { errors: { field: string }[] };
      expect(body.errors.map((e) => e.field)).toEqual([field]);
    }
  });

  it('deletes a task (Overlook extension), after which it is gone', async () => {
    const t = await admin.ok(admin.create_query_render_task(queryId, 'png', 300, 200));
    expect((await fx.raw(admin, 'DELETE', `/render_tasks/${t.id ?? ''}`)).status).toBe(204);
    expect((await fx.raw(admin, 'GET', `/render_tasks/${t.id ?? ''}`)).status).toBe(404);
  });

  it('replaces a killed Chromium', async () => {
    const warm = await admin.ok(admin.create_query_render_task(queryId, 'png', 300, 200));
    expect((await waitForTask(admin, warm.id ?? '')).status).toBe('success');
    const pids = browserPids(DEFAULT_CHROMIUM);
    expect(pids).toHaveLength(1);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    const after = await admin.ok(admin.create_query_render_task(queryId, 'png', 300, 200));
    expect((await waitForTask(admin, after.id ?? '')).status).toBe('success');
    const now = browserPids(DEFAULT_CHROMIUM);
    expect(now).toHaveLength(1);
    expect(now).not.toEqual(pids);
  });
});
