/**
 * The dashboards service on a real store and real git workspaces: user-defined dashboards with
 * query/text tiles, filters and listeners, layouts, copies, search and access; LookML dashboards
 * resolved per workspace and imported into user-defined ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalQuery } from '../queries/canonical.ts';
import { dev, newUser, prod, pushFiles, setupEnv, type Env } from '../workspaces/test-support.ts';
import { ContentAccess } from './access.ts';
import { DashboardParts } from './dashboards-parts.ts';
import { Dashboards, type Who } from './dashboards.ts';
import { ContentError } from './errors.ts';
import { Folders } from './folders.ts';

const MODEL = 'connection: "duckdb"\ninclude: "/views/*.view.lkml"\ninclude: "/dashboards/*.dashboard.lookml"\nexplore: orders {}\n';
const VIEW = `view: orders {
  sql_table_name: orders ;;
  dimension: status { sql: \${TABLE}.status ;; }
  dimension: region { sql: \${TABLE}.region ;; }
  measure: count { type: count }
}
`;
const OVERVIEW = `- dashboard: overview
  title: Overview
  layout: newspaper
  refresh: 1 hour
  filters:
  - name: Status
    title: Order status
    type: field_filter
    default_value: complete
    model: shop
    explore: orders
    field: orders.status
  elements:
  - name: header
    type: text
    title_text: Orders
    body_text: "**All** orders"
    row: 0
    col: 0
    width: 24
    height: 2
  - title: By status
    name: by_status
    model: shop
    explore: orders
    type: looker_bar
    fields: [orders.status, orders.count]
    sorts: [orders.count desc]
    limit: 50
    filters:
      orders.region: EU
    listen:
      Status: orders.status
    show_value_labels: true
    row: 2
    col: 0
    width: 12
    height: 6
`;
const pulse = (title: string, body: string): string => `- dashboard: pulse\n  title: ${title}\n  layout: newspaper\n${body}`;
const PULSE_V1 = pulse('Pulse', `  filters:
  - name: Status
    title: Status
    type: field_filter
    default_value: complete
    model: shop
    explore: orders
    field: orders.status
  elements:
  - name: count
    title: Count
    model: shop
    explore: orders
    type: single_value
    fields: [orders.count]
    listen:
      Status: orders.status
    row: 0
    col: 0
    width: 6
    height: 4
  - name: old_note
    type: text
    body_text: Going away
    row: 0
    col: 6
    width: 6
    height: 4
`);
const PULSE_V2 = pulse('Pulse 2', `  filters:
  - name: Status
    title: Status
    type: field_filter
    default_value: pending
    model: shop
    explore: orders
    field: orders.status
  - name: Region
    title: Region
    type: field_filter
    model: shop
    explore: orders
    field: orders.region
  elements:
  - name: count
    title: Orders
    model: shop
    explore: orders
    type: single_value
    fields: [orders.count]
    listen:
      Status: orders.status
      Region: orders.region
    row: 4
    col: 0
    width: 12
    height: 4
  - name: by_region
    title: By region
    model: shop
    explore: orders
    type: looker_bar
    fields: [orders.region, orders.count]
    row: 0
    col: 0
    width: 24
    height: 4
`);
const DRAFT = '- dashboard: draft\n  title: Draft\n  elements:\n  - name: n\n    model: shop\n    explore: orders\n    type: single_value\n    fields: [orders.count]\n';

let env: Env;
let dashboards: Dashboards;
let parts: DashboardParts;
let alice: Who;
let bob: Who;
let viewer: Who;
const ALL = new Set(['access_data', 'see_user_dashboards', 'see_lookml_dashboards', 'save_content', 'see_lookml']);

async function refusal(promise: Promise<unknown>): Promise<ContentError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ContentError) return error;
    throw error;
  }
  throw new Error('expected a ContentError');
}

beforeAll(async () => {
  env = await setupEnv({ 'shop.model.lkml': MODEL, 'views/orders.view.lkml': VIEW, 'dashboards/overview.dashboard.lookml': OVERVIEW });
  const a = await newUser(env.store, 'Alice', 'A');
  const b = await newUser(env.store, 'Bob', 'B');
  const c = await newUser(env.store, 'Vic', 'V');
  alice = { ...dev(a), permissions: ALL };
  bob = { ...dev(b), permissions: ALL };
  viewer = { ...prod(c), permissions: new Set(['access_data', 'see_user_dashboards', 'see_lookml_dashboards']) };
  await env.workspaces.createProject(dev(a), { name: 'shop', git_remote_url: env.remote });
  await env.workspaces.deployRefToProduction('shop', prod(a), { branch: 'main' });
  const access = new ContentAccess(env.store);
  dashboards = new Dashboards(env.store, access, new Folders(env.store, access), env.workspaces);
  parts = new DashboardParts(dashboards);
});

afterAll(async () => {
  await env.cleanup();
});

describe('user-defined dashboards', () => {
  it('builds a dashboard of query and text tiles placed on the grid, with a filter the query tile listens to', async () => {
    const d = await dashboards.create(alice, { title: 'Orders', folder_id: '1', description: 'All of them', refresh_interval: '5 minutes', show_title: false });
    expect(d.record).toMatchObject({ title: 'Orders', folder_id: '1', user_id: alice.userId, attrs: { refresh_interval: '5 minutes', show_title: false } });
    const filter = await parts.createFilter(alice, { dashboard_id: d.record.id, name: 'Status', title: 'Status', type: 'field_filter', default_value: 'complete', model: 'shop', explore: 'orders', dimension: 'orders.status' });
    expect(filter.attrs).toEqual({ allow_multiple_values: true, required: false, listens_to_filters: [], row: 0, title: 'Status', type: 'field_filter', default_value: 'complete', model: 'shop', explore: 'orders', dimension: 'orders.status' });
    const tile = await parts.createElement(alice, {
      dashboard_id: d.record.id, title: 'By status',
      query: { model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'], filters: { 'orders.region': 'EU' } },
      result_maker: { filterables: [{ model: 'shop', view: 'orders', listen: [{ dashboard_filter_name: 'Status', field: 'orders.status' }] }], vis_config: { type: 'looker_bar' } },
    });
    expect(tile.record).toMatchObject({ type: 'vis', title: 'By status', look_id: null, attrs: { result_maker: { vis_config: { type: 'looker_bar' } } } });
    expect(tile.listen).toEqual([{ dashboard_filter_name: 'Status', field: 'orders.status' }]);
    expect(JSON.parse(tile.query?.body ?? '{}')).toMatchObject({ model: 'shop', view: 'orders', filters: { 'orders.region': 'EU' } });
    const text = await parts.createElement(alice, { dashboard_id: d.record.id, body_text: '# Hi', title_text: 'Notes' });
    expect(text.record).toMatchObject({ type: 'text', query_id: null, attrs: { body_text: '# Hi', title_text: 'Notes' } });
    const detail = await dashboards.detail(alice, d.record.id);
    expect(detail.layouts).toHaveLength(1);
    expect(detail.layouts[0]?.components.map((c) => [c.dashboard_element_id, c.attrs])).toEqual([
      [tile.record.id, { row: 0, column: 0, width: 8, height: 6 }], [text.record.id, { row: 0, column: 8, width: 8, height: 6 }],
    ]);

    const withDefault = await parts.elementQuery(alice, tile.record.id);
    expect(withDefault.values).toEqual({ Status: 'complete' });
    expect(withDefault.query.filters).toEqual({ 'orders.region': 'EU', 'orders.status': 'complete' });
    expect(JSON.parse(withDefault.stored.body)).toEqual(withDefault.query);
    const given = await parts.elementQuery(alice, tile.record.id, { Status: 'pending' });
    expect(given.query.filters).toEqual({ 'orders.region': 'EU', 'orders.status': 'pending' });
    expect(given.stored.id).not.toBe(withDefault.stored.id);
    const anyValue = await parts.elementQuery(alice, tile.record.id, { Status: '' });
    expect(anyValue.stored.id).toBe(tile.record.query_id);
    expect((await refusal(parts.elementQuery(alice, text.record.id))).code).toBe('invalid');
  });

  it('refuses tiles without content and text tiles with a query', async () => {
    const d = await dashboards.create(alice, { title: 'Strict', folder_id: '1' });
    const none = await refusal(parts.createElement(alice, { dashboard_id: d.record.id, title: 'nothing' }));
    expect([none.code, none.field, none.message]).toEqual(['invalid', 'type', 'Must provide either a look_id, query_id, or merge_result_id for non-text dashboard element']);
    const q = await env.store.queries.saveQuery(JSON.stringify({ model: 'shop', view: 'orders' }));
    expect((await refusal(parts.createElement(alice, { dashboard_id: d.record.id, type: 'text', query_id: q.id }))).field).toBe('type');
    expect((await refusal(parts.createElement(alice, { dashboard_id: d.record.id, query_id: '99999' }))).field).toBe('query_id');
    expect((await refusal(parts.createElement(alice, { dashboard_id: d.record.id, query: { model: 'shop' } }))).field).toBe('query.view');
  });

  it('listens to matching field filters when asked to apply them, and keeps listeners through a filter rename and delete', async () => {
    const d = await dashboards.create(alice, { title: 'Auto', folder_id: '1' });
    const f = await parts.createFilter(alice, { dashboard_id: d.record.id, name: 'S', title: 'S', type: 'field_filter', model: 'shop', explore: 'orders', dimension: 'orders.status' });
    await parts.createFilter(alice, { dashboard_id: d.record.id, name: 'Elsewhere', title: 'E', type: 'field_filter', model: 'other', explore: 'x', dimension: 'x.y' });
    expect((await refusal(parts.createFilter(alice, { dashboard_id: d.record.id, name: 'S', title: 'S', type: 'field_filter' }))).code).toBe('conflict');
    const tile = await parts.createElement(alice, { dashboard_id: d.record.id, query: { model: 'shop', view: 'orders', fields: ['orders.count'] } }, { applyFilters: true });
    expect(tile.listen).toEqual([{ dashboard_filter_name: 'S', field: 'orders.status' }]);
    await parts.updateFilter(alice, f.id, { name: 'State', default_value: 'pending' });
    expect((await parts.element(alice, tile.record.id)).element.listen).toEqual([{ dashboard_filter_name: 'State', field: 'orders.status' }]);
    expect((await parts.elementQuery(alice, tile.record.id)).query.filters).toEqual({ 'orders.status': 'pending' });
    await parts.deleteFilter(alice, f.id);
    expect((await parts.element(alice, tile.record.id)).element.listen).toEqual([]);
    const updated = await parts.updateElement(alice, tile.record.id, { result_maker: { filterables: [{ listen: [{ dashboard_filter_name: 'Elsewhere', field: 'orders.region' }] }] } });
    expect(updated.listen).toEqual([{ dashboard_filter_name: 'Elsewhere', field: 'orders.region' }]);
  });

  it('moves tiles on the layout and removes their components with them', async () => {
    const d = await dashboards.create(alice, { title: 'Layout', folder_id: '1' });
    const a = await parts.createElement(alice, { dashboard_id: d.record.id, body_text: 'a' });
    const b = await parts.createElement(alice, { dashboard_id: d.record.id, body_text: 'b' });
    const detail = await dashboards.detail(alice, d.record.id);
    const componentOf = (id: string): string => detail.layouts[0]?.components.find((c) => c.dashboard_element_id === id)?.id ?? '';
    const moved = await parts.updateComponent(alice, componentOf(a.record.id), { row: 10, width: 24 });
    expect(moved.attrs).toEqual({ row: 10, column: 0, width: 24, height: 6 });
    expect((await refusal(parts.updateComponent(alice, componentOf(b.record.id), { width: -1 }))).field).toBe('width');
    expect((await refusal(parts.updateComponent(alice, componentOf(b.record.id), { height: 0 }))).field).toBe('height');
    const c = await parts.createElement(alice, { dashboard_id: d.record.id, body_text: 'c' });
    const after = await dashboards.detail(alice, d.record.id);
    expect(after.layouts[0]?.components.find((x) => x.dashboard_element_id === c.record.id)?.attrs).toEqual({ row: 0, column: 0, width: 8, height: 6 });
    await parts.deleteElement(alice, a.record.id);
    const final = await dashboards.detail(alice, d.record.id);
    expect(final.elements.map((e) => e.record.id)).toEqual([b.record.id, c.record.id]);
    expect(final.layouts[0]?.components.map((x) => x.dashboard_element_id)).toEqual([b.record.id, c.record.id]);
  });

  it('adds layouts placed like the active one, switches the active layout, and places new tiles per layout', async () => {
    const d = await dashboards.create(alice, { title: 'Two layouts', folder_id: '1' });
    const a = await parts.createElement(alice, { dashboard_id: d.record.id, body_text: 'a' });
    const b = await parts.createElement(alice, { dashboard_id: d.record.id, body_text: 'b' });
    const first = (await dashboards.detail(alice, d.record.id)).layouts[0];
    const firstId = first?.layout.id ?? '';
    const componentIn = async (layoutId: string, elementId: string): Promise<string> =>
      (await parts.layout(alice, layoutId)).layout.components.find((c) => c.dashboard_element_id === elementId)?.id ?? '';
    await parts.updateComponent(alice, await componentIn(firstId, a.record.id), { row: 10, width: 24 });

    const second = await parts.createLayout(alice, { dashboard_id: d.record.id, label: 'Phone', column_width: 4 });
    expect(second).toMatchObject({ dashboard_id: d.record.id, active: false, attrs: { type: 'newspaper', label: 'Phone', column_width: 4 } });
    expect((await parts.layout(alice, second.id)).layout.components.map((c) => [c.dashboard_element_id, c.attrs])).toEqual([
      [a.record.id, { row: 10, column: 0, width: 24, height: 6 }], [b.record.id, { row: 0, column: 8, width: 8, height: 6 }],
    ]);
    for (const [input, field] of [[{ type: 'masonry' }, 'type'], [{ width: 0 }, 'width'], [{ active: 'yes' }, 'active'], [{ order: 1.5 }, 'order'], [{}, 'dashboard_id']] as const) {
      const refused = await refusal(parts.createLayout(alice, { ...(field === 'dashboard_id' ? {} : { dashboard_id: d.record.id }), ...input }));
      expect([refused.code, refused.field]).toEqual(['invalid', field]);
    }

    const activated = await parts.updateLayout(alice, second.id, { active: true, label: 'Mobile' });
    expect(activated).toMatchObject({ active: true, attrs: { label: 'Mobile', column_width: 4 } });
    expect((await dashboards.detail(alice, d.record.id)).layouts.map((l) => [l.layout.id, l.layout.active])).toEqual([[firstId, false], [second.id, true]]);
    await parts.updateComponent(alice, await componentIn(second.id, b.record.id), { row: 0, column: 0, width: 24 });
    const c = await parts.createElement(alice, { dashboard_id: d.record.id, body_text: 'c' });
    const placedIn = async (layoutId: string): Promise<unknown> =>
      (await parts.layout(alice, layoutId)).layout.components.find((x) => x.dashboard_element_id === c.record.id)?.attrs;
    expect(await placedIn(firstId)).toEqual({ row: 0, column: 0, width: 8, height: 6 });
    expect(await placedIn(second.id)).toEqual({ row: 16, column: 0, width: 8, height: 6 });

    const off = await refusal(parts.updateLayout(alice, second.id, { active: false }));
    expect([off.code, off.field]).toEqual(['invalid', 'active']);
    const moved = await refusal(parts.updateLayout(alice, second.id, { dashboard_id: '99999' }));
    expect([moved.code, moved.field]).toEqual(['invalid', 'dashboard_id']);
    const activeGone = await refusal(parts.deleteLayout(alice, second.id));
    expect([activeGone.code, activeGone.field]).toEqual(['invalid', 'active']);
    expect((await refusal(parts.updateLayout(viewer, second.id, { label: 'x' }))).code).toBe('forbidden');
    expect((await refusal(parts.deleteLayout(bob, '99999'))).code).toBe('not_found');
    await parts.deleteLayout(alice, firstId);
    expect((await dashboards.detail(alice, d.record.id)).layouts.map((l) => l.layout.id)).toEqual([second.id]);
    expect((await refusal(parts.layout(alice, firstId))).code).toBe('not_found');
  });

  it('copies with Looker\'s titles, keeps titles unique per folder, and searches', async () => {
    const d = await dashboards.create(alice, { title: 'Weekly', folder_id: '1' });
    await parts.createElement(alice, { dashboard_id: d.record.id, body_text: 'x' });
    expect((await refusal(dashboards.create(alice, { title: 'weekly', folder_id: '1' }))).code).toBe('conflict');
    const copy = await dashboards.copy(alice, d.record.id);
    expect(copy.record).toMatchObject({ title: 'Weekly (copy)', folder_id: '1' });
    expect((await dashboards.detail(alice, copy.record.id)).elements).toHaveLength(1);
    expect((await dashboards.copy(alice, d.record.id)).record.title).toBe('Weekly (copy 2)');
    await dashboards.update(alice, copy.record.id, { deleted: true });
    expect((await dashboards.search(alice, { title: 'weekly%', sorts: 'title desc' })).map((v) => v.record.title)).toEqual(['Weekly (copy 2)', 'Weekly']);
    expect((await dashboards.search(alice, { title: 'Weekly%', deleted: 'true' })).map((v) => v.record.title)).toEqual(['Weekly (copy)']);
    expect((await dashboards.search(alice, { title: 'W_ekly', limit: 1 })).map((v) => v.record.title)).toEqual(['Weekly']);
    expect((await refusal(dashboards.search(alice, { sorts: 'colour' }))).field).toBe('sorts');
    await dashboards.delete(alice, copy.record.id);
    expect((await refusal(dashboards.get(alice, copy.record.id))).code).toBe('not_found');
  });

  it('hides dashboards in someone else\'s personal folder and refuses changes without edit access', async () => {
    const personal = await dashboards.folders.personalFolder(alice.userId);
    const mine = await dashboards.create(alice, { title: 'Private', folder_id: personal.id });
    expect((await dashboards.get(alice, mine.record.id)).access).toBe('edit');
    expect((await dashboards.get(alice, mine.record.slug)).record.id).toBe(mine.record.id);
    expect((await refusal(dashboards.get(bob, mine.record.id))).code).toBe('not_found');
    expect((await refusal(dashboards.get(bob, mine.record.slug))).code).toBe('not_found');
    expect((await refusal(parts.createElement(bob, { dashboard_id: mine.record.id, body_text: 'x' }))).code).toBe('not_found');
    expect((await dashboards.all(bob)).map((v) => v.record.id)).not.toContain(mine.record.id);
    expect((await dashboards.search(bob, { title: 'Private' }))).toEqual([]);
    expect((await refusal(dashboards.create(bob, { title: 'Intruder', folder_id: personal.id }))).code).toBe('not_found');
    const shared = await dashboards.create(alice, { title: 'Shared one', folder_id: '1' });
    expect((await dashboards.get(viewer, shared.record.id)).access).toBe('view');
    expect((await refusal(dashboards.update(viewer, shared.record.id, { title: 'Mine now' }))).code).toBe('forbidden');
  });
});

describe('LookML dashboards', () => {
  it('lists production LookML dashboards as <model>::<name> in the lookml folder, read-only', async () => {
    const all = await dashboards.all(viewer);
    const lookml = all.filter((v) => v.kind === 'lookml');
    expect(lookml.map((v) => [v.record.id, v.record.title, v.record.folder_id, v.access])).toEqual([['shop::overview', 'Overview', 'lookml', 'view']]);
    expect(lookml[0]?.lookml).toEqual({ projectId: 'shop', model: 'shop', name: 'overview', file: 'dashboards/overview.dashboard.lookml', line: 1 });
    expect(lookml[0]?.record.attrs).toEqual({ refresh_interval: '1 hour' });
    const refused = await refusal(dashboards.update(alice, 'shop::overview', { title: 'x' }));
    expect([refused.code, refused.field]).toEqual(['invalid', 'dashboard_id']);
  });

  it('builds elements with stored queries, filters and the newspaper layout from the file', async () => {
    const detail = await dashboards.detail(viewer, 'shop::overview');
    expect(detail.elements.map((e) => [e.record.id, e.record.type, e.record.title])).toEqual([
      ['shop::overview::element::header', 'text', null], ['shop::overview::element::by_status', 'vis', 'By status'],
    ]);
    const [header, byStatus] = detail.elements;
    expect(header?.record.attrs).toMatchObject({ title_text: 'Orders', body_text: '**All** orders', lookml_link_id: 'header' });
    const q = JSON.parse(byStatus?.query?.body ?? '{}') as CanonicalQuery;
    expect(q).toMatchObject({
      model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'], sorts: ['orders.count desc'], limit: '50',
      filters: { 'orders.region': 'EU' }, vis_config: { show_value_labels: true, type: 'looker_bar' },
    });
    expect(byStatus?.listen).toEqual([{ dashboard_filter_name: 'Status', field: 'orders.status' }]);
    expect(byStatus?.record.query_id).toBe((await dashboards.detail(viewer, 'shop::overview')).elements[1]?.record.query_id);
    expect(detail.filters.map((f) => [f.id, f.name, f.attrs.dimension, f.attrs.default_value])).toEqual([['shop::overview::filter::Status', 'Status', 'orders.status', 'complete']]);
    expect(detail.layouts[0]?.components.map((c) => c.attrs)).toEqual([
      { row: 0, column: 0, width: 24, height: 2 }, { row: 2, column: 0, width: 12, height: 6 },
    ]);
    const run = await parts.elementQuery(viewer, 'shop::overview::element::by_status', { Status: 'pending' });
    expect(run.query.filters).toEqual({ 'orders.region': 'EU', 'orders.status': 'pending' });
    expect((await parts.component(viewer, 'shop::overview::component::by_status')).component.attrs).toMatchObject({ width: 12 });
    expect((await refusal(parts.element(viewer, 'shop::overview::element::nope'))).code).toBe('not_found');
  });

  it('shows a dashboard that exists only in a developer\'s workspace to that developer in dev mode only', async () => {
    await env.workspaces.writeFile('shop', dev(alice.userId), 'dashboards/draft.dashboard.lookml', DRAFT);
    expect((await dashboards.get(alice, 'shop::draft')).record.title).toBe('Draft');
    expect((await dashboards.all(alice)).map((v) => v.record.id)).toContain('shop::draft');
    const inProduction = await refusal(dashboards.get({ ...alice, workspace: 'production' }, 'shop::draft'));
    expect(inProduction.code).toBe('not_found');
    expect(inProduction.message).toMatch(/^LookML dashboard shop::draft not found\. It is not in production: .*dev mode/);
    expect((await refusal(dashboards.get(bob, 'shop::draft'))).code).toBe('not_found');
    expect((await dashboards.all(viewer)).map((v) => v.record.id)).not.toContain('shop::draft');
  });

  it('imports a LookML dashboard into a folder as an editable dashboard with the same tiles, listeners and positions', async () => {
    const imported = await dashboards.importLookml(alice, 'shop::overview', '1', {});
    expect(imported.record).toMatchObject({ title: 'Overview', folder_id: '1', user_id: alice.userId, attrs: { lookml_link_id: 'shop::overview', refresh_interval: '1 hour' } });
    const detail = await dashboards.detail(alice, imported.record.id);
    expect(detail.elements.map((e) => [e.record.type, e.record.title, e.listen])).toEqual([
      ['text', null, []], ['vis', 'By status', [{ dashboard_filter_name: 'Status', field: 'orders.status' }]],
    ]);
    expect(detail.filters.map((f) => [f.name, f.attrs.default_value])).toEqual([['Status', 'complete']]);
    expect(detail.layouts[0]?.components.map((c) => c.attrs)).toEqual([{ row: 0, column: 0, width: 24, height: 2 }, { row: 2, column: 0, width: 12, height: 6 }]);
    const tile = detail.elements[1]?.record.id ?? '';
    expect((await parts.elementQuery(alice, tile)).query.filters).toEqual({ 'orders.region': 'EU', 'orders.status': 'complete' });
    expect((await dashboards.importLookml(alice, 'shop::overview', '1', {})).record.title).toBe('Overview (copy)');
    expect((await dashboards.importLookml(alice, 'shop::overview', '1', { title: 'Mine' })).record.title).toBe('Mine');
    expect((await refusal(dashboards.importLookml(alice, 'shop::nope', '1', {}))).code).toBe('not_found');
    const lookmlLayout = await refusal(parts.updateLayout(alice, 'shop::overview::layout', { label: 'x' }));
    expect([lookmlLayout.code, lookmlLayout.field]).toEqual(['invalid', 'dashboard_id']);
    expect((await refusal(parts.createLayout(alice, { dashboard_id: 'shop::overview' }))).field).toBe('dashboard_id');
  });

  it('syncs linked dashboards the caller may edit to the production LookML dashboard, keeping ids of what still exists', async () => {
    await pushFiles(env.root, env.remote, 'main', { 'dashboards/pulse.dashboard.lookml': PULSE_V1 });
    await env.workspaces.deployRefToProduction('shop', prod(alice.userId), { branch: 'main' });
    const inProduction = (who: Who): Who => ({ ...who, workspace: 'production' });
    const a = await dashboards.importLookml(inProduction(alice), 'shop::pulse', '1', {});
    const mine = await dashboards.importLookml(inProduction(alice), 'shop::pulse', (await dashboards.folders.personalFolder(alice.userId)).id, { title: 'My pulse' });
    const bobs = await dashboards.importLookml(inProduction(bob), 'shop::pulse', (await dashboards.folders.personalFolder(bob.userId)).id, {});
    await dashboards.create(alice, { title: 'Pulse 2', folder_id: '1' });
    const before = await dashboards.detail(alice, a.record.id);
    const [count, note] = before.elements;
    const status = before.filters[0];
    await parts.createElement(alice, { dashboard_id: a.record.id, body_text: 'a tile of my own' });
    // A draft on Alice's branch: sync must not take it.
    await env.workspaces.writeFile('shop', dev(alice.userId), 'dashboards/pulse.dashboard.lookml', pulse('Draft pulse', '  elements: []\n'));
    await pushFiles(env.root, env.remote, 'main', { 'dashboards/pulse.dashboard.lookml': PULSE_V2 });
    await env.workspaces.deployRefToProduction('shop', prod(alice.userId), { branch: 'main' });

    expect(await dashboards.syncLookml(alice, 'shop::pulse')).toEqual([a.record.id, mine.record.id]);
    const after = await dashboards.detail(alice, a.record.id);
    expect(after.view.record).toMatchObject({ title: 'Pulse', attrs: { lookml_link_id: 'shop::pulse' } });
    expect(after.elements.map((e) => [e.record.title, e.record.attrs.lookml_link_id, e.listen.map((l) => l.dashboard_filter_name)])).toEqual([
      ['Orders', 'count', ['Status', 'Region']], ['By region', 'by_region', []],
    ]);
    expect(after.elements[0]?.record.id).toBe(count?.record.id);
    expect(after.elements.map((e) => e.record.id)).not.toContain(note?.record.id);
    expect(after.filters.map((f) => [f.name, f.attrs.default_value])).toEqual([['Status', 'pending'], ['Region', null]]);
    expect(after.filters[0]?.id).toBe(status?.id);
    expect(after.layouts[0]?.components.map((c) => c.attrs)).toEqual([{ row: 4, column: 0, width: 12, height: 4 }, { row: 0, column: 0, width: 24, height: 4 }]);
    expect((await parts.elementQuery(alice, count?.record.id ?? '', { Region: 'EU' })).query.filters).toEqual({ 'orders.region': 'EU', 'orders.status': 'pending' });
    expect((await dashboards.get(alice, mine.record.id)).record.title).toBe('Pulse 2');
    expect((await dashboards.detail(bob, bobs.record.id)).elements.map((e) => e.record.title)).toEqual(['Count', null]);

    expect(await dashboards.syncLookml(bob, 'shop::pulse', [bobs.record.id, a.record.id])).toEqual([a.record.id, bobs.record.id]);
    expect((await dashboards.detail(bob, bobs.record.id)).elements.map((e) => e.record.title)).toEqual(['Orders', 'By region']);
    expect(await dashboards.syncLookml(viewer, 'shop::pulse')).toEqual([]);
    await dashboards.update(alice, a.record.id, { lookml_link_id: null });
    expect(await dashboards.syncLookml(alice, 'shop::pulse')).toEqual([mine.record.id]);
    expect((await refusal(dashboards.syncLookml(alice, 'shop::draft'))).code).toBe('not_found');
    expect((await refusal(dashboards.syncLookml(alice, 'pulse'))).field).toBe('lookml_dashboard_id');
  });
});
