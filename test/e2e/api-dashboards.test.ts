/**
 * Dashboards end to end with the unmodified official SDK against a real server over a deployed
 * project and a DuckDB warehouse: user-defined dashboards with query and text tiles, a filter the
 * query tile listens to (run with the filter applied and checked against DuckDB directly), layouts,
 * copy and delete; LookML dashboards per workspace (one only on a dev branch) and their import;
 * access between two users.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LookerNodeSDK, NodeSettingsIniFile } from '@looker/sdk-node';
import type { IDashboardElement, Looker40SDK } from '@looker/sdk';
import { DelimArray } from '@looker/sdk-rtl';
import { assertResponseMatchesSpec } from '../../src/api/spec-validate.ts';
import { pushFiles } from '../../src/workspaces/test-support.ts';
import { startQueryFixture, type QueryFixture } from './support.ts';

const OVERVIEW = `- dashboard: overview
  title: Orders Overview
  layout: newspaper
  filters:
  - name: Status
    title: Status
    type: field_filter
    default_value: complete
    model: shop
    explore: orders
    field: orders.status
  elements:
  - title: Orders by status
    name: by_status
    model: shop
    explore: orders
    type: looker_column
    fields: [orders.status, orders.count]
    sorts: [orders.status]
    listen:
      Status: orders.status
    row: 0
    col: 0
    width: 12
    height: 6
  - name: note
    type: text
    title_text: About
    body_text: Orders since 2024.
    row: 0
    col: 12
    width: 12
    height: 6
`;
const DRAFT = '- dashboard: draft\n  title: Draft Board\n  layout: newspaper\n  elements:\n  - name: total\n    model: shop\n    explore: orders\n    type: single_value\n    fields: [orders.count]\n    row: 0\n    col: 0\n    width: 6\n    height: 4\n';

describe('dashboards through the API', () => {
  let fx: QueryFixture;
  let n = 0;
  const people = new Map<string, { id: string; clientId: string; secret: string }>();

  const as = (who: string): Looker40SDK => {
    const p = people.get(who);
    if (!p) throw new Error(`no user ${who}`);
    const ini = join(fx.root, `dash-${n++}.ini`);
    writeFileSync(ini, `[Looker]\nbase_url=${fx.server.url}\nclient_id=${p.clientId}\nclient_secret=${p.secret}\nverify_ssl=false\n`);
    return LookerNodeSDK.init40(new NodeSettingsIniFile('', ini, 'Looker'));
  };
  const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    fx = await startQueryFixture('sqlite', 'unused', { connection: true });
    await pushFiles(fx.root, fx.remote, 'main', { 'overview.dashboard.lookml': OVERVIEW });
    await pushFiles(fx.root, fx.remote, 'feature', { 'draft.dashboard.lookml': DRAFT }, { base: 'main' });
    const admin = fx.sdk();
    await admin.ok(admin.update_session({ workspace_id: 'dev' }));
    await admin.ok(admin.deploy_ref_to_production({ project_id: 'shop', branch: 'main' }));
    const developer = (await admin.ok(admin.all_roles({}))).find((r) => r.name === 'Developer');
    for (const first of ['Dot', 'Eve']) {
      const user = await admin.ok(admin.create_user({ first_name: first, last_name: 'Dash' }));
      await admin.ok(admin.set_user_roles(user.id ?? '', [developer?.id ?? '']));
      const cred = await admin.ok(admin.create_user_credentials_api3(user.id ?? ''));
      people.set(first.toLowerCase(), { id: user.id ?? '', clientId: cred.client_id ?? '', secret: cred.client_secret ?? '' });
    }
  });

  afterAll(async () => {
    await fx.close();
  });

  it('answers a create without a body with 400, not a crash', async () => {
    const res = await fx.raw(as('dot'), 'POST', '/dashboard_elements');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ message: 'A request body is required.' });
  });

  it('creates a dashboard with a query tile, a text tile and a filter, and reads it back spec-valid', async () => {
    const dot = as('dot');
    const created = await dot.ok(dot.create_dashboard({ title: 'Order Health', folder_id: '1', description: 'Daily', refresh_interval: '1 hour' }));
    assertResponseMatchesSpec('create_dashboard', 200, created);
    expect(created).toMatchObject({ title: 'Order Health', folder_id: '1', readonly: false, refresh_interval_to_i: 3_600_000, dashboard_elements: [], url: `/dashboards/${created.id}` });
    expect(created.slug).toMatch(/^[A-Za-z0-9]{22}$/);
    expect(created.folder).toMatchObject({ id: '1', name: 'Shared' });
    const id = created.id ?? '';

    const filter = await dot.ok(dot.create_dashboard_filter({
      dashboard_id: id, name: 'Status', title: 'Order status', type: 'field_filter', default_value: 'complete', model: 'shop', explore: 'orders', dimension: 'orders.status',
    }));
    assertResponseMatchesSpec('create_dashboard_filter', 200, filter);
    expect(filter).toMatchObject({ dashboard_id: id, name: 'Status', default_value: 'complete', allow_multiple_values: true, row: 0 });
    expect(filter.field).toMatchObject({ name: 'orders.status', type: 'string' });

    const tile = await dot.ok(dot.create_dashboard_element({
      body: {
        dashboard_id: id, title: 'By status', query: { model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count', 'orders.total_amount'], sorts: ['orders.status'] },
        result_maker: { filterables: [{ model: 'shop', view: 'orders', listen: [{ dashboard_filter_name: 'Status', field: 'orders.status' }] }], vis_config: { type: 'looker_grid' } },
      },
    }));
    assertResponseMatchesSpec('create_dashboard_element', 200, tile);
    expect(tile).toMatchObject({ type: 'vis', title: 'By status', dashboard_id: id, query: { model: 'shop', view: 'orders' } });
    expect(tile.result_maker?.filterables).toEqual([{ model: 'shop', view: 'orders', name: 'By status', listen: [{ dashboard_filter_name: 'Status', field: 'orders.status' }] }]);
    expect(tile.result_maker?.vis_config).toEqual({ type: 'looker_grid' });
    const text = await dot.ok(dot.create_dashboard_element({ body: { dashboard_id: id, title_text: 'Notes', body_text: 'Watch **pending** orders.' } }));
    assertResponseMatchesSpec('create_dashboard_element', 200, text);
    expect(text).toMatchObject({ type: 'text', query_id: null, result_maker: null, body_text_as_html: '<p>Watch <strong>pending</strong> orders.</p>' });

    const read = await dot.ok(dot.dashboard(id));
    assertResponseMatchesSpec('dashboard', 200, read, { rejectUnknown: true });
    expect(read.dashboard_elements?.map((e) => e.id)).toEqual([tile.id, text.id]);
    expect(read.dashboard_filters?.map((f) => f.name)).toEqual(['Status']);
    expect(read.dashboard_layouts).toHaveLength(1);
    const [layout] = read.dashboard_layouts ?? [];
    expect(layout).toMatchObject({ active: true, type: 'newspaper', dashboard_title: 'Order Health' });
    expect(layout?.dashboard_layout_components?.map((c) => [c.dashboard_element_id, c.row, c.column, c.width, c.height, c.vis_type])).toEqual([
      [tile.id, 0, 0, 8, 6, 'looker_grid'], [text.id, 0, 8, 8, 6, 'text'],
    ]);
    expect(JSON.stringify(read)).not.toContain('"folder_id":"lookml"');
    for (const [op, body] of [
      ['dashboard_dashboard_elements', await dot.ok(dot.dashboard_dashboard_elements(id))],
      ['dashboard_dashboard_filters', await dot.ok(dot.dashboard_dashboard_filters(id))],
      ['dashboard_dashboard_layouts', await dot.ok(dot.dashboard_dashboard_layouts(id))],
      ['dashboard_layout_dashboard_layout_components', await dot.ok(dot.dashboard_layout_dashboard_layout_components(layout?.id ?? ''))],
      ['dashboard_layout', await dot.ok(dot.dashboard_layout(layout?.id ?? ''))],
      ['dashboard_element', await dot.ok(dot.dashboard_element(tile.id ?? ''))],
      ['dashboard_filter', await dot.ok(dot.dashboard_filter(filter.id ?? ''))],
    ] as const) assertResponseMatchesSpec(op, 200, body, { rejectUnknown: true });
    const found = await dot.ok(dot.search_dashboard_elements({ dashboard_id: id, title: 'by%' }));
    assertResponseMatchesSpec('search_dashboard_elements', 200, found, { rejectUnknown: true });
    expect(found.map((e) => e.id)).toEqual([tile.id]);
    const narrow = await dot.ok(dot.dashboard(id, 'id,title'));
    expect(narrow).toEqual({ id, title: 'Order Health' });
  });

  it('runs a tile\'s query with the dashboard filter applied: values equal DuckDB\'s', async () => {
    const dot = as('dot');
    const [board] = await dot.ok(dot.search_dashboards({ title: 'Order Health' }));
    const tile = board?.dashboard_elements?.find((e) => e.type === 'vis') as IDashboardElement;
    const expected = async (status: string): Promise<Record<string, unknown>[]> => (await fx.direct(
      `SELECT status, count(*)::INTEGER AS c, sum(amount)::DOUBLE AS s FROM orders WHERE status = '${status}' GROUP BY 1 ORDER BY 1`,
    )).map((r) => ({ 'orders.status': r.status, 'orders.count': r.c, 'orders.total_amount': r.s }));

    const withDefault = await json<{ id: string; filters: Record<string, string> }>(await fx.raw(dot, 'GET', `/dashboard_elements/${tile.id}/query`));
    expect(withDefault.filters).toEqual({ 'orders.status': 'complete' });
    const defaultRows = await dot.ok(dot.run_query({ query_id: withDefault.id, result_format: 'json' }));
    expect(defaultRows).toEqual(await expected('complete'));

    const res = await fx.raw(dot, 'GET', `/dashboard_elements/${tile.id}/query?dashboard_filters=${encodeURIComponent('Status=pending')}`);
    expect(res.status).toBe(200);
    const filtered = await json<Record<string, unknown>>(res);
    assertResponseMatchesSpec('query', 200, filtered);
    expect(filtered).toMatchObject({ model: 'shop', view: 'orders', filters: { 'orders.status': 'pending' } });
    const rows = await dot.ok(dot.run_query({ query_id: String(filtered.id), result_format: 'json' }));
    expect(rows).toEqual(await expected('pending'));
    expect(rows).toHaveLength(1);
    // The tile's own query is unchanged.
    expect((await dot.ok(dot.query(tile.query_id ?? ''))).filters).toBeNull();
  });

  it('edits tiles, filters and layout, copies, then deletes', async () => {
    const dot = as('dot');
    const [board] = await dot.ok(dot.search_dashboards({ title: 'order%', sorts: 'title' }));
    const id = board?.id ?? '';
    const [tile, text] = board?.dashboard_elements ?? [];
    const [filter] = board?.dashboard_filters ?? [];

    const renamed = await dot.ok(dot.update_dashboard_element(tile?.id ?? '', { title: 'Orders by status' }));
    assertResponseMatchesSpec('update_dashboard_element', 200, renamed);
    expect(renamed.title).toBe('Orders by status');
    expect(renamed.result_maker?.filterables?.[0]?.listen).toEqual([{ dashboard_filter_name: 'Status', field: 'orders.status' }]);
    const f2 = await dot.ok(dot.update_dashboard_filter(filter?.id ?? '', { name: 'State', default_value: 'pending' }));
    assertResponseMatchesSpec('update_dashboard_filter', 200, f2);
    expect((await dot.ok(dot.dashboard_element(tile?.id ?? ''))).result_maker?.filterables?.[0]?.listen).toEqual([{ dashboard_filter_name: 'State', field: 'orders.status' }]);
    const component = board?.dashboard_layouts?.[0]?.dashboard_layout_components?.find((c) => c.dashboard_element_id === text?.id);
    const moved = await dot.ok(dot.update_dashboard_layout_component(component?.id ?? '', { row: 6, column: 0, width: 24, height: 2 }));
    assertResponseMatchesSpec('update_dashboard_layout_component', 200, moved);
    expect(moved).toMatchObject({ row: 6, column: 0, width: 24, height: 2, element_title: 'Notes', vis_type: 'text' });
    const updated = await dot.ok(dot.update_dashboard(id, { title: 'Order Health 2', show_title: false }));
    assertResponseMatchesSpec('update_dashboard', 200, updated);
    expect(updated).toMatchObject({ title: 'Order Health 2', show_title: false });

    const copy = await dot.ok(dot.copy_dashboard(id));
    assertResponseMatchesSpec('copy_dashboard', 200, copy);
    expect(copy).toMatchObject({ title: 'Order Health 2 (copy)', folder_id: '1' });
    expect(copy.dashboard_elements?.map((e) => e.title)).toEqual(['Orders by status', null]);
    expect(copy.dashboard_elements?.map((e) => e.id)).not.toContain(tile?.id);
    expect(copy.dashboard_layouts?.[0]?.dashboard_layout_components?.map((c) => [c.row, c.width])).toEqual([[0, 8], [6, 24]]);

    await dot.ok(dot.delete_dashboard_element(text?.id ?? ''));
    expect((await dot.ok(dot.dashboard_dashboard_elements(id))).map((e) => e.id)).toEqual([tile?.id]);
    expect((await dot.ok(dot.dashboard_layout_dashboard_layout_components(board?.dashboard_layouts?.[0]?.id ?? ''))).map((c) => c.dashboard_element_id)).toEqual([tile?.id]);
    await dot.ok(dot.delete_dashboard_filter(filter?.id ?? ''));
    expect(await dot.ok(dot.dashboard_dashboard_filters(id))).toEqual([]);
    const personal = (await dot.ok(dot.all_folders())).find((f) => f.is_personal);
    const movedBoard = await dot.ok(dot.move_dashboard(copy.id ?? '', personal?.id ?? ''));
    assertResponseMatchesSpec('move_dashboard', 200, movedBoard);
    expect(movedBoard.folder).toMatchObject({ id: personal?.id, is_personal: true });
    await dot.ok(dot.update_dashboard(copy.id ?? '', { deleted: true }));
    expect((await dot.ok(dot.all_dashboards())).map((d) => d.id)).not.toContain(copy.id);
    expect((await dot.ok(dot.search_dashboards({ deleted: 'true' }))).map((d) => d.id)).toContain(copy.id);
    await dot.ok(dot.delete_dashboard(copy.id ?? ''));
    const gone = await fx.raw(dot, 'GET', `/dashboards/${copy.id}`);
    expect(gone.status).toBe(404);
  });

  it('lists production LookML dashboards as model::name in the lookml folder, read-only, with elements, filters and a layout', async () => {
    const eve = as('eve');
    const all = await eve.ok(eve.all_dashboards());
    assertResponseMatchesSpec('all_dashboards', 200, all, { rejectUnknown: true });
    const lookml = all.filter((d) => d.folder?.id === 'lookml');
    expect(lookml.map((d) => [d.id, d.title, d.readonly, d.folder?.name, d.model?.id])).toEqual([['shop::overview', 'Orders Overview', true, 'LookML Dashboards', 'shop']]);
    expect(all.map((d) => d.id)).not.toContain('shop::draft');
    const board = await eve.ok(eve.dashboard('shop::overview'));
    assertResponseMatchesSpec('dashboard', 200, board, { rejectUnknown: true });
    expect(board).toMatchObject({ id: 'shop::overview', readonly: true, folder_id: 'lookml', edit_uri: '/projects/shop/files/overview.dashboard.lookml?line=1' });
    expect(board.dashboard_elements?.map((e) => [e.type, e.title, e.lookml_link_id])).toEqual([['vis', 'Orders by status', 'by_status'], ['text', null, 'note']]);
    const tile = board.dashboard_elements?.[0];
    expect(tile?.query).toMatchObject({ model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'], vis_config: { type: 'looker_column' } });
    expect(board.dashboard_filters?.map((f) => [f.name, f.dimension, f.default_value])).toEqual([['Status', 'orders.status', 'complete']]);
    expect(board.dashboard_layouts?.[0]?.dashboard_layout_components?.map((c) => [c.row, c.column, c.width, c.height])).toEqual([[0, 0, 12, 6], [0, 12, 12, 6]]);
    const rows = await eve.ok(eve.run_query({ query_id: tile?.query_id ?? '', result_format: 'json' }));
    expect(rows).toEqual((await fx.direct('SELECT status, count(*)::INTEGER AS c FROM orders GROUP BY 1 ORDER BY 1')).map((r) => ({ 'orders.status': r.status, 'orders.count': r.c })));
    const q = await json<{ id: string; filters: Record<string, string> }>(await fx.raw(eve, 'GET', `/dashboard_elements/${encodeURIComponent(tile?.id ?? '')}/query`));
    expect(q.filters).toEqual({ 'orders.status': 'complete' });
    expect(await eve.ok(eve.run_query({ query_id: q.id, result_format: 'json' }))).toEqual([{ 'orders.status': 'complete', 'orders.count': 33 }]);
    const refused = await fx.raw(eve, 'PATCH', '/dashboards/shop::overview', { title: 'x' });
    expect(refused.status).toBe(405);
  });

  it('shows a LookML dashboard that exists only on a dev branch only in that branch\'s dev workspace', async () => {
    const eve = as('eve');
    const missing = await fx.raw(eve, 'GET', '/dashboards/shop::draft');
    expect(missing.status).toBe(404);
    expect((await json<{ message: string }>(missing)).message).toMatch(/^LookML dashboard shop::draft not found\. It is not in production.*dev mode/);
    const dev = as('eve');
    await dev.ok(dev.update_session({ workspace_id: 'dev' }));
    await dev.ok(dev.update_git_branch('shop', { name: 'feature' }));
    const draft = await dev.ok(dev.dashboard('shop::draft'));
    assertResponseMatchesSpec('dashboard', 200, draft, { rejectUnknown: true });
    expect(draft).toMatchObject({ id: 'shop::draft', title: 'Draft Board', readonly: true });
    expect(draft.dashboard_layouts?.[0]?.dashboard_layout_components?.map((c) => [c.width, c.height])).toEqual([[6, 4]]);
    expect((await dev.ok(dev.all_dashboards('id'))).map((d) => d.id)).toEqual(expect.arrayContaining(['shop::overview', 'shop::draft']));
    expect((await fx.raw(eve, 'GET', '/dashboards/shop::draft')).status).toBe(404);
    expect((await fx.raw(as('dot'), 'GET', '/dashboards/shop::draft')).status).toBe(404);
  });

  it('imports a LookML dashboard into a folder as an editable dashboard', async () => {
    const eve = as('eve');
    const imported = await eve.ok(eve.import_lookml_dashboard('shop::overview', '1', {}));
    assertResponseMatchesSpec('import_lookml_dashboard', 200, imported, { rejectUnknown: true });
    expect(imported).toMatchObject({ title: 'Orders Overview', folder_id: '1', readonly: false, lookml_link_id: 'shop::overview' });
    expect(imported.dashboard_elements?.map((e) => [e.type, e.title, e.lookml_link_id])).toEqual([['vis', 'Orders by status', 'by_status'], ['text', null, 'note']]);
    expect(imported.dashboard_elements?.[0]?.result_maker?.filterables?.[0]?.listen).toEqual([{ dashboard_filter_name: 'Status', field: 'orders.status' }]);
    expect(imported.dashboard_filters?.map((f) => [f.name, f.default_value])).toEqual([['Status', 'complete']]);
    expect(imported.dashboard_layouts?.[0]?.dashboard_layout_components?.map((c) => [c.row, c.column, c.width])).toEqual([[0, 0, 12], [0, 12, 12]]);
    const renamed = await eve.ok(eve.update_dashboard(imported.id ?? '', { title: 'My Overview' }));
    expect(renamed.title).toBe('My Overview');
  });

  it('keeps a dashboard in one user\'s personal folder invisible to another', async () => {
    const dot = as('dot');
    const eve = as('eve');
    const personal = (await dot.ok(dot.all_folders())).find((f) => f.is_personal);
    const secret = await dot.ok(dot.create_dashboard({ title: 'Dot only', folder_id: personal?.id ?? '' }));
    expect(secret.folder).toMatchObject({ id: personal?.id, is_personal: true });
    await dot.ok(dot.create_dashboard_element({ body: { dashboard_id: secret.id ?? '', body_text: 'mine' } }));
    expect((await dot.ok(dot.dashboard(secret.id ?? ''))).title).toBe('Dot only');
    expect((await fx.raw(eve, 'GET', `/dashboards/${secret.id}`)).status).toBe(404);
    expect((await fx.raw(eve, 'GET', `/dashboards/${secret.slug}`)).status).toBe(404);
    expect((await fx.raw(eve, 'GET', `/dashboards/${secret.id}/dashboard_elements`)).status).toBe(404);
    expect((await fx.raw(eve, 'PATCH', `/dashboards/${secret.id}`, { title: 'mine now' })).status).toBe(404);
    expect((await fx.raw(eve, 'POST', `/dashboards/${secret.id}/copy?folder_id=1`)).status).toBe(404);
    expect((await eve.ok(eve.all_dashboards())).map((d) => d.id)).not.toContain(secret.id);
    expect(await eve.ok(eve.search_dashboards({ title: 'Dot only' }))).toEqual([]);
    const intrude = await fx.raw(eve, 'POST', '/dashboards', { title: 'Intruder', folder_id: personal?.id });
    expect(intrude.status).toBe(404);
    expect((await fx.raw(eve, 'POST', '/dashboard_elements', { dashboard_id: secret.id, body_text: 'x' })).status).toBe(404);
  });

  it('adds a second layout, switches the active one, places new tiles in every layout and refuses bad layout changes with 422', async () => {
    const dot = as('dot');
    const board = await dot.ok(dot.create_dashboard({ title: 'Two Layouts', folder_id: '1' }));
    const id = board.id ?? '';
    const a = await dot.ok(dot.create_dashboard_element({ body: { dashboard_id: id, body_text: 'a' } }));
    const [first] = board.dashboard_layouts ?? [];
    const second = await dot.ok(dot.create_dashboard_layout({ dashboard_id: id, type: 'newspaper', label: 'Phone', column_width: 4 }));
    assertResponseMatchesSpec('create_dashboard_layout', 200, second, { rejectUnknown: true });
    expect(second).toMatchObject({ dashboard_id: id, active: false, label: 'Phone', column_width: 4, dashboard_title: 'Two Layouts' });
    expect(second.dashboard_layout_components?.map((c) => [c.dashboard_element_id, c.row, c.column, c.width, c.height])).toEqual([[a.id, 0, 0, 8, 6]]);

    const activated = await dot.ok(dot.update_dashboard_layout(second.id ?? '', { active: true, label: 'Mobile' }));
    assertResponseMatchesSpec('update_dashboard_layout', 200, activated, { rejectUnknown: true });
    expect(activated).toMatchObject({ active: true, label: 'Mobile' });
    const b = await dot.ok(dot.create_dashboard_element({ body: { dashboard_id: id, body_text: 'b' } }));
    const read = await dot.ok(dot.dashboard(id));
    assertResponseMatchesSpec('dashboard', 200, read, { rejectUnknown: true });
    expect(read.dashboard_layouts?.map((l) => [l.id, l.active, l.dashboard_layout_components?.map((c) => [c.dashboard_element_id, c.column])])).toEqual([
      [first?.id, false, [[a.id, 0], [b.id, 8]]], [second.id, true, [[a.id, 0], [b.id, 8]]],
    ]);
    expect((await dot.ok(dot.dashboard_dashboard_layouts(id))).map((l) => l.id)).toEqual([first?.id, second.id]);

    const refusals: [string, string, unknown, string][] = [
      ['PATCH', `/dashboard_layouts/${second.id}`, { active: false }, 'active'],
      ['DELETE', `/dashboard_layouts/${second.id}`, undefined, 'active'],
      ['POST', '/dashboard_layouts', { dashboard_id: id, type: 'masonry' }, 'type'],
      ['POST', '/dashboard_layouts', { dashboard_id: 'shop::overview' }, 'dashboard_id'],
      ['PATCH', `/dashboard_layouts/${encodeURIComponent('shop::overview::layout')}`, { label: 'x' }, 'dashboard_id'],
    ];
    for (const [method, path, body, field] of refusals) {
      const res = await fx.raw(dot, method, path, body);
      expect([method, path, res.status]).toEqual([method, path, 422]);
      expect((await json<{ errors: { field: string }[] }>(res)).errors.map((e) => e.field)).toEqual([field]);
    }
    expect((await fx.raw(dot, 'GET', '/dashboard_layouts/99999')).status).toBe(404);
    expect((await fx.raw(as('eve'), 'GET', `/dashboard_layouts/${first?.id}`)).status).toBe(200);

    await dot.ok(dot.delete_dashboard_layout(first?.id ?? ''));
    expect((await fx.raw(dot, 'GET', `/dashboard_layouts/${first?.id}`)).status).toBe(404);
    expect((await dot.ok(dot.dashboard(id))).dashboard_layouts?.map((l) => l.id)).toEqual([second.id]);
  });

  it('syncs dashboards linked to a LookML dashboard to its new production version', async () => {
    const pulse = (title: string, extra: string): string => `- dashboard: pulse\n  title: ${title}\n  layout: newspaper\n  elements:\n`
      + '  - name: count\n    title: Count\n    model: shop\n    explore: orders\n    type: single_value\n    fields: [orders.count]\n    row: 0\n    col: 0\n    width: 6\n    height: 4\n'
      + extra;
    const admin = fx.sdk();
    await pushFiles(fx.root, fx.remote, 'main', { 'pulse.dashboard.lookml': pulse('Pulse', '') });
    await admin.ok(admin.deploy_ref_to_production({ project_id: 'shop', branch: 'main' }));
    const dot = as('dot');
    const eve = as('eve');
    const personal = (await eve.ok(eve.all_folders())).find((f) => f.is_personal);
    const shared = await dot.ok(dot.import_lookml_dashboard('shop::pulse', '1', {}));
    const eves = await eve.ok(eve.import_lookml_dashboard('shop::pulse', personal?.id ?? '', {}));
    const countId = shared.dashboard_elements?.[0]?.id;
    await pushFiles(fx.root, fx.remote, 'main', {
      'pulse.dashboard.lookml': pulse('Pulse Weekly', '  - name: by_status\n    title: By status\n    model: shop\n    explore: orders\n    type: looker_bar\n'
        + '    fields: [orders.status, orders.count]\n    sorts: [orders.status]\n    row: 4\n    col: 0\n    width: 24\n    height: 6\n'),
    });
    await admin.ok(admin.deploy_ref_to_production({ project_id: 'shop', branch: 'main' }));

    const synced = await dot.ok(dot.sync_lookml_dashboard({ lookml_dashboard_id: 'shop::pulse' }));
    assertResponseMatchesSpec('sync_lookml_dashboard', 200, synced);
    expect(synced).toEqual([Number(shared.id)]);
    const after = await dot.ok(dot.dashboard(shared.id ?? ''));
    expect(after).toMatchObject({ title: 'Pulse Weekly', lookml_link_id: 'shop::pulse' });
    expect(after.dashboard_elements?.map((e) => [e.id === countId, e.title, e.lookml_link_id])).toEqual([[true, 'Count', 'count'], [false, 'By status', 'by_status']]);
    expect(after.dashboard_layouts?.[0]?.dashboard_layout_components?.map((c) => [c.row, c.width])).toEqual([[0, 6], [4, 24]]);
    const rows = await dot.ok(dot.run_query({ query_id: after.dashboard_elements?.[1]?.query_id ?? '', result_format: 'json' }));
    expect(rows).toEqual((await fx.direct('SELECT status, count(*)::INTEGER AS c FROM orders GROUP BY 1 ORDER BY 1')).map((r) => ({ 'orders.status': r.status, 'orders.count': r.c })));
    expect((await eve.ok(eve.dashboard(eves.id ?? ''))).dashboard_elements).toHaveLength(1);

    // Dashboards the caller may not edit (here: cannot even see) are left alone.
    const both = new DelimArray<string>([eves.id ?? '', shared.id ?? '']);
    expect(await dot.ok(dot.sync_lookml_dashboard({ lookml_dashboard_id: 'shop::pulse', dashboard_ids: both }))).toEqual([Number(shared.id)]);
    expect((await eve.ok(eve.dashboard(eves.id ?? ''))).dashboard_elements).toHaveLength(1);
    expect(await eve.ok(eve.sync_lookml_dashboard({ lookml_dashboard_id: 'shop::pulse', dashboard_ids: new DelimArray<string>([eves.id ?? '']) }))).toEqual([Number(eves.id)]);
    expect((await eve.ok(eve.dashboard(eves.id ?? ''))).dashboard_elements?.map((e) => e.title)).toEqual(['Count', 'By status']);
    expect((await fx.raw(dot, 'PATCH', '/dashboards/shop::nope/sync')).status).toBe(404);
    const bad = await fx.raw(dot, 'PATCH', '/dashboards/pulse/sync');
    expect(bad.status).toBe(422);
    expect((await json<{ errors: { field: string }[] }>(bad)).errors.map((e) => e.field)).toEqual(['lookml_dashboard_id']);
  });
});
