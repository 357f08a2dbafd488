/**
 * Dashboards as LookML through the unmodified official SDK: search_lookml_dashboards (production's
 * LookML dashboards, whatever the token's workspace), dashboard_lookml of a user-defined dashboard
 * (Looker's `.dashboard.lookml` export with preferred_slug, checked by parsing it back) and of a
 * LookML dashboard, and import_dashboard_from_lookml: a new dashboard from the text (its tiles run
 * the same rows), an overwrite of the dashboard with the text's preferred_slug, merged-results
 * tiles both ways, and bad LookML refused in Looker's 422 shape.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { IDashboard } from '@looker/sdk';
import { parseDashboardFile } from '../../src/lookml/dashboard.ts';
import { pushFiles } from '../../src/workspaces/test-support.ts';
import { startQueryFixture, type QueryFixture } from './support.ts';

const OVERVIEW = `- dashboard: overview
  title: Orders Overview
  layout: newspaper
  elements:
  - name: total
    title: Total
    model: shop
    explore: orders
    type: single_value
    fields: [orders.count]
    row: 0
    col: 0
    width: 6
    height: 4
`;
const DRAFT = '- dashboard: draft\n  title: Draft Orders\n  layout: newspaper\n  elements: []\n';

describe('dashboards as LookML', () => {
  let fx: QueryFixture;

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    fx = await startQueryFixture('sqlite', 'unused', { connection: true });
    await pushFiles(fx.root, fx.remote, 'main', { 'overview.dashboard.lookml': OVERVIEW });
    await pushFiles(fx.root, fx.remote, 'feature', { 'draft.dashboard.lookml': DRAFT }, { base: 'main' });
    const admin = fx.sdk();
    await admin.ok(admin.update_session({ workspace_id: 'dev' }));
    await admin.ok(admin.deploy_ref_to_production({ project_id: 'shop', branch: 'main' }));
    await admin.ok(admin.update_session({ workspace_id: 'production' }));
  });

  afterAll(async () => {
    await fx.close();
  });

  it('searches production LookML dashboards, even from a dev token on a branch that has another', async () => {
    const dev = fx.sdk();
    await dev.ok(dev.update_session({ workspace_id: 'dev' }));
    await dev.ok(dev.update_git_branch('shop', { name: 'feature' }));
    // The dev workspace sees both; the search answers production's only, as Looker documents.
    const all = await dev.ok(dev.all_dashboards('id'));
    expect(all.map((d) => d.id)).toEqual(expect.arrayContaining(['shop::overview', 'shop::draft']));
    const found = (await dev.ok(dev.search_lookml_dashboards({}))) as unknown as IDashboard[];
    expect(found.map((d) => [d.id, d.title, d.folder_id])).toEqual([['shop::overview', 'Orders Overview', 'lookml']]);
    expect(((await dev.ok(dev.search_lookml_dashboards({ title: 'orders%' }))) as unknown as IDashboard[]).map((d) => d.id)).toEqual(['shop::overview']);
    expect(await dev.ok(dev.search_lookml_dashboards({ title: 'draft%' }))).toEqual([]);
    const fields = (await dev.ok(dev.search_lookml_dashboards({ fields: 'id,title' }))) as unknown as Record<string, unknown>[];
    expect(fields).toEqual([{ id: 'shop::overview', title: 'Orders Overview' }]);
    const badSort = await fx.raw(dev, 'GET', '/dashboards/lookml/search?sorts=nope');
    expect(badSort.status).toBe(422);
    await dev.ok(dev.update_session({ workspace_id: 'production' }));
  });

  it("exports a user-defined dashboard as Looker's dashboard LookML and imports it back, overwriting by preferred_slug", async () => {
    const admin = fx.sdk();
    const board = await admin.ok(admin.create_dashboard({ title: 'Status Board', folder_id: '1', description: 'By status' }));
    const id = board.id ?? '';
    await admin.ok(admin.create_dashboard_filter({
      dashboard_id: id, name: 'Status', title: 'Order status', type: 'field_filter', default_value: 'complete', model: 'shop', explore: 'orders', dimension: 'orders.status',
    }));
    const tile = await admin.ok(admin.create_dashboard_element({
      body: {
        dashboard_id: id, title: 'By status', query: { model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'], sorts: ['orders.status'], limit: '500' },
        result_maker: { filterables: [{ model: 'shop', view: 'orders', listen: [{ dashboard_filter_name: 'Status', field: 'orders.status' }] }], vis_config: { type: 'looker_grid', show_row_numbers: true } },
      },
    }));
    await admin.ok(admin.create_dashboard_element({ body: { dashboard_id: id, type: 'text', title_text: 'About', body_text: 'Orders since 2024.' } }));

    const exported = await admin.ok(admin.dashboard_lookml(id));
    expect(exported).toMatchObject({ dashboard_id: id, folder_id: '1' });
    const text = exported.lookml ?? '';
    expect(text).toContain('- dashboard: status_board\n');
    expect(text).toContain('  fields: [orders.status, orders.count]\n');
    const parsed = parseDashboardFile(text, 'export.dashboard.lookml');
    expect(parsed.diagnostics).toEqual([]);
    const [dash] = parsed.dashboards;
    expect(dash?.raw).toMatchObject({ dashboard: 'status_board', title: 'Status Board', layout: 'newspaper', preferred_viewer: 'dashboards-next', description: 'By status', preferred_slug: board.slug });
    expect(dash?.elements).toEqual([
      {
        title: 'By status', name: 'By status', model: 'shop', explore: 'orders', type: 'looker_grid', fields: ['orders.status', 'orders.count'], sorts: ['orders.status'],
        limit: 500, show_row_numbers: true, listen: { Status: 'orders.status' }, row: 0, col: 0, width: 8, height: 6,
      },
      { name: 'About', type: 'text', title_text: 'About', body_text: 'Orders since 2024.', row: 0, col: 8, width: 8, height: 6 },
    ]);
    expect(dash?.filters).toEqual([{
      name: 'Status', title: 'Order status', type: 'field_filter', default_value: 'complete', allow_multiple_values: true, required: false,
      model: 'shop', explore: 'orders', listens_to_filters: [], field: 'orders.status',
    }]);

    // Without preferred_slug: a new dashboard in the caller's personal folder, whose tile runs the same rows.
    const copyText = text.replace(/^ {2}preferred_slug: .*\n/m, '').replace('title: Status Board', 'title: Status Board Copy');
    const copy = await admin.ok(admin.import_dashboard_from_lookml({ lookml: copyText }));
    expect(copy.id).not.toBe(id);
    expect(copy.folder?.is_personal).toBe(true);
    expect(copy.title).toBe('Status Board Copy');
    expect(copy.dashboard_filters?.map((f) => [f.name, f.default_value, f.dimension])).toEqual([['Status', 'complete', 'orders.status']]);
    const copiedTile = copy.dashboard_elements?.find((e) => e.title === 'By status');
    expect(copiedTile?.result_maker?.filterables?.[0]?.listen).toEqual([{ dashboard_filter_name: 'Status', field: 'orders.status' }]);
    expect(copiedTile?.query).toMatchObject({ model: 'shop', view: 'orders', fields: tile.query?.fields, sorts: tile.query?.sorts, limit: '500' });
    expect(copy.dashboard_elements?.find((e) => e.type === 'text')?.body_text).toBe('Orders since 2024.');
    const rows = await admin.ok(admin.run_query({ query_id: copiedTile?.query_id ?? '', result_format: 'json' }));
    const direct = await fx.direct('SELECT status AS "orders.status", COUNT(*) AS "orders.count" FROM orders GROUP BY 1 ORDER BY 1');
    expect(rows).toEqual(direct.map((r) => ({ 'orders.status': r['orders.status'], 'orders.count': Number(r['orders.count']) })));

    // With the original's preferred_slug: the same dashboard, overwritten (one tile fewer) and moved.
    const folder = await admin.ok(admin.create_folder({ name: 'Imported', parent_id: '1' }));
    const overwriteText = text.replace(/ {2}- name: About\n(?: {4}.*\n)+/, '').replace('title: Status Board', 'title: Status Board v2');
    const overwritten = await admin.ok(admin.import_dashboard_from_lookml({ lookml: overwriteText, folder_id: folder.id ?? '' }));
    expect(overwritten.id).toBe(id);
    expect(overwritten.title).toBe('Status Board v2');
    expect(overwritten.folder_id).toBe(folder.id);
    expect(overwritten.dashboard_elements?.map((e) => e.type)).toEqual(['vis']);
    // The deprecated twin does the same.
    const twin = await admin.ok(admin.create_dashboard_from_lookml({ lookml: copyText.replace('Status Board Copy', 'Status Board Twin'), folder_id: folder.id ?? '' }));
    expect(twin).toMatchObject({ title: 'Status Board Twin', folder_id: folder.id });
  });

  it('exports and imports merged-results tiles as merged_queries', async () => {
    const admin = fx.sdk();
    const counts = await admin.ok(admin.create_query({ model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'] }));
    const amounts = await admin.ok(admin.create_query({ model: 'shop', view: 'orders', fields: ['orders.status', 'orders.total_amount'] }));
    const merge = await admin.ok(admin.create_merge_query({
      source_queries: [
        { query_id: counts.id ?? '', merge_fields: [] },
        { query_id: amounts.id ?? '', merge_fields: [{ field_name: 'orders.status', source_field_name: 'orders.status' }] },
      ],
      vis_config: { type: 'looker_grid' },
    }));
    const board = await admin.ok(admin.create_dashboard({ title: 'Merged Board', folder_id: '1' }));
    const tile = await admin.ok(admin.create_dashboard_element({ body: { dashboard_id: board.id ?? '', type: 'vis', title: 'Counts and amounts', merge_result_id: merge.id ?? '' } }));
    // Its result_maker names the merge query, draws as its vis_config and has one filterable per source.
    expect(tile.result_maker).toMatchObject({
      merge_result_id: merge.id, query_id: null, vis_config: { type: 'looker_grid' },
      filterables: [{ model: 'shop', view: 'orders', listen: [] }, { model: 'shop', view: 'orders', listen: [] }],
    });
    expect(tile.result_maker_id).toBe(tile.id);
    const text = (await admin.ok(admin.dashboard_lookml(board.id ?? ''))).lookml ?? '';
    const [dash] = parseDashboardFile(text, 'm.dashboard.lookml').dashboards;
    expect(dash?.elements[0]).toMatchObject({
      title: 'Counts and amounts', type: 'looker_grid',
      merged_queries: [
        { model: 'shop', explore: 'orders', fields: ['orders.status', 'orders.count'], join_fields: [] },
        { model: 'shop', explore: 'orders', fields: ['orders.status', 'orders.total_amount'], join_fields: [{ field_name: 'orders.status', source_field_name: 'orders.status' }] },
      ],
    });
    const imported = await admin.ok(admin.import_dashboard_from_lookml({ lookml: text.replace(/^ {2}preferred_slug: .*\n/m, '').replace('title: Merged Board', 'title: Merged Again') }));
    const element = imported.dashboard_elements?.[0];
    expect(element?.merge_result_id).toBeTruthy();
    const again = await admin.ok(admin.merge_query(element?.merge_result_id ?? ''));
    const sources = [];
    for (const s of again.source_queries ?? []) sources.push([(await admin.ok(admin.query(s.query_id ?? ''))).fields, s.merge_fields]);
    expect(sources).toEqual([
      [counts.fields, []],
      [amounts.fields, [{ field_name: 'orders.status', source_field_name: 'orders.status' }]],
    ]);
  });

  it("answers a LookML dashboard's own LookML, and refuses bad LookML with 422", async () => {
    const admin = fx.sdk();
    const own = await admin.ok(admin.dashboard_lookml('shop::overview'));
    expect(own).toMatchObject({ dashboard_id: 'shop::overview', folder_id: 'lookml' });
    expect(parseDashboardFile(own.lookml ?? '', 'o.dashboard.lookml').dashboards[0]?.raw).toMatchObject({ dashboard: 'overview', title: 'Orders Overview' });

    const missing = await fx.raw(admin, 'POST', '/dashboards/lookml', { folder_id: '1' });
    expect(missing.status).toBe(422);
    expect(await missing.json()).toMatchObject({ errors: [{ field: 'lookml' }] });
    const broken = await fx.raw(admin, 'POST', '/dashboards/lookml', { lookml: '- dashboard: x\n  elements: [\n' });
    expect(broken.status).toBe(422);
    expect(((await broken.json()) as { message: string }).message).toMatch(/line \d+, column \d+/);
    const noFolder = await fx.raw(admin, 'POST', '/dashboards/lookml', { lookml: '- dashboard: y\n  title: Y\n', folder_id: '999999' });
    expect(noFolder.status).toBe(404);
    const notFound = await fx.raw(admin, 'GET', '/dashboards/lookml/999999');
    expect(notFound.status).toBe(404);
  });
});
