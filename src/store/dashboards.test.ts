import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from './index.ts';
import { DIALECTS, createTestDatabase, storeError, testClock } from './test-support.ts';
import type { TestDatabase } from './test-support.ts';

describe.each(DIALECTS)('dashboards repository on %s', (dialect) => {
  let database: TestDatabase;
  let store: Store;
  let userId = '';
  let folderB = '';
  let queryId = '';
  const clock = testClock('2024-03-01T10:00:00.000Z');

  beforeAll(async () => {
    database = await createTestDatabase(dialect, 'dashboards');
    store = await database.open(clock.now);
    userId = (await store.users.createUser({ first_name: 'Dee' })).id;
    folderB = (await store.folders.createFolder({ name: 'B', parent_id: '1', creator_id: userId })).id;
    queryId = (await store.queries.saveQuery('{"model":"shop","view":"orders"}')).id;
  });
  afterAll(async () => {
    await store.close();
    await database.cleanup();
  });

  const cmParent = async (cmId: string): Promise<number | null> =>
    (await store.db.selectFrom('content_metadata').select('parent_id').where('id', '=', Number(cmId)).executeTakeFirstOrThrow()).parent_id;

  it('creates a dashboard with a random 22-character slug, content metadata under its folder and one active layout', async () => {
    const d = await store.dashboards.createDashboard({ title: 'Sales', description: 'd', folder_id: '1', user_id: userId, attrs: { hidden: false } });
    expect(d).toMatchObject({
      title: 'Sales', description: 'd', folder_id: '1', user_id: userId, deleted: false, deleted_at: null, attrs: { hidden: false },
      created_at: '2024-03-01T10:00:00.000Z', updated_at: '2024-03-01T10:00:00.000Z',
    });
    expect(d.slug).toMatch(/^[A-Za-z0-9]{22}$/);
    expect(await cmParent(d.content_metadata_id)).toBe(1);
    const layouts = await store.dashboards.layouts(d.id);
    expect(layouts.map((l) => [l.dashboard_id, l.active, l.attrs])).toEqual([[d.id, true, { type: 'newspaper' }]]);
    expect(await store.dashboards.dashboardBySlug(d.slug)).toEqual(d);
    const other = await store.dashboards.createDashboard({ title: 'Other', description: null, folder_id: '1', user_id: null, attrs: {} });
    expect(other.slug).not.toBe(d.slug);
  });

  it('keeps chosen slugs unique', async () => {
    const d = await store.dashboards.createDashboard({ title: 'Slugged', description: null, folder_id: '1', user_id: userId, attrs: {}, slug: 'my-slug' });
    expect(d.slug).toBe('my-slug');
    const e = await storeError(store.dashboards.createDashboard({ title: 'Again', description: null, folder_id: '1', user_id: userId, attrs: {}, slug: 'my-slug' }));
    expect([e.code, e.field]).toEqual(['conflict', 'slug']);
    const other = await store.dashboards.createDashboard({ title: 'Other slug', description: null, folder_id: '1', user_id: userId, attrs: {} });
    expect((await storeError(store.dashboards.updateDashboard(other.id, { slug: 'my-slug' }))).code).toBe('conflict');
    expect((await store.dashboards.updateDashboard(d.id, { slug: 'my-slug' }))?.slug).toBe('my-slug');
    expect((await storeError(store.dashboards.createDashboard({ title: 'x', description: null, folder_id: '999', user_id: null, attrs: {} }))).field).toBe('folder_id');
  });

  it('moves a dashboard (its content metadata follows the folder) and soft-deletes it', async () => {
    const d = await store.dashboards.createDashboard({ title: 'Movable', description: null, folder_id: '1', user_id: userId, attrs: {} });
    clock.advance(60);
    const moved = await store.dashboards.updateDashboard(d.id, { folder_id: folderB, title: 'Moved', attrs: { show_title: false } });
    expect(moved).toMatchObject({ folder_id: folderB, title: 'Moved', attrs: { show_title: false }, updated_at: '2024-03-01T10:01:00.000Z' });
    const folder = await store.folders.folder(folderB);
    expect(await cmParent(d.content_metadata_id)).toBe(Number(folder?.content_metadata_id));
    const trashed = await store.dashboards.updateDashboard(d.id, { deleted: true });
    expect(trashed).toMatchObject({ deleted: true, deleted_at: '2024-03-01T10:01:00.000Z' });
    expect((await store.dashboards.allDashboards({ folderId: folderB })).map((x) => x.id)).not.toContain(d.id);
    expect((await store.dashboards.allDashboards({ folderId: folderB, includeDeleted: true })).map((x) => x.id)).toContain(d.id);
    expect(await store.dashboards.updateDashboard(d.id, { deleted: false })).toMatchObject({ deleted: false, deleted_at: null });
  });

  it('gives every element a component in each layout, and removes the components with the element', async () => {
    const d = await store.dashboards.createDashboard({ title: 'Tiles', description: null, folder_id: '1', user_id: userId, attrs: {} });
    const [layout] = await store.dashboards.layouts(d.id);
    const vis = await store.dashboards.createElement({ dashboard_id: d.id, type: 'vis', title: 'Count', query_id: queryId, look_id: null, attrs: { listen: [] } },
      { row: 0, column: 0, width: 8, height: 6 });
    const text = await store.dashboards.createElement({ dashboard_id: d.id, type: 'text', title: null, query_id: null, look_id: null, attrs: { body_text: 'hi' } },
      { row: 0, column: 8, width: 8, height: 6 });
    expect(vis).toMatchObject({ dashboard_id: d.id, type: 'vis', title: 'Count', query_id: queryId, look_id: null });
    const components = await store.dashboards.layoutComponents(layout?.id ?? '');
    expect(components.map((c) => [c.dashboard_element_id, c.attrs])).toEqual([
      [vis.id, { row: 0, column: 0, width: 8, height: 6 }], [text.id, { row: 0, column: 8, width: 8, height: 6 }],
    ]);
    const moved = await store.dashboards.updateLayoutComponent(components[1]?.id ?? '', { row: 6, column: 0, width: 24, height: 2 });
    expect(moved?.attrs).toEqual({ row: 6, column: 0, width: 24, height: 2 });
    expect(await store.dashboards.updateElement(text.id, { attrs: { body_text: 'bye' }, title: 'T' })).toMatchObject({ title: 'T', attrs: { body_text: 'bye' } });
    expect(await store.dashboards.deleteElement(vis.id)).toBe(true);
    expect(await store.dashboards.deleteElement(vis.id)).toBe(false);
    expect((await store.dashboards.layoutComponents(layout?.id ?? '')).map((c) => c.dashboard_element_id)).toEqual([text.id]);
    expect((await store.dashboards.elements(d.id)).map((e) => e.id)).toEqual([text.id]);
  });

  it('stores filters', async () => {
    const d = await store.dashboards.createDashboard({ title: 'Filtered', description: null, folder_id: '1', user_id: userId, attrs: {} });
    const f = await store.dashboards.createFilter({ dashboard_id: d.id, name: 'Status', attrs: { title: 'Status', type: 'field_filter' } });
    expect(await store.dashboards.filter(f.id)).toEqual({ id: f.id, dashboard_id: d.id, name: 'Status', attrs: { title: 'Status', type: 'field_filter' } });
    expect(await store.dashboards.updateFilter(f.id, { name: 'State', attrs: { title: 'State' } })).toMatchObject({ name: 'State', attrs: { title: 'State' } });
    expect((await store.dashboards.filters(d.id)).map((x) => x.name)).toEqual(['State']);
    expect(await store.dashboards.deleteFilter(f.id)).toBe(true);
    expect(await store.dashboards.filters(d.id)).toEqual([]);
  });

  it('copies a dashboard with elements, filters and layouts, components pointing at the copied elements', async () => {
    const d = await store.dashboards.createDashboard({ title: 'Source', description: 'src', folder_id: '1', user_id: userId, attrs: { title_color: '#123456' } });
    const a = await store.dashboards.createElement({ dashboard_id: d.id, type: 'vis', title: 'A', query_id: queryId, look_id: null, attrs: { listen: [{ dashboard_filter_name: 'S', field: 'orders.status' }] } },
      { row: 0, column: 0, width: 8, height: 6 });
    await store.dashboards.createFilter({ dashboard_id: d.id, name: 'S', attrs: { type: 'field_filter' } });
    const copy = await store.dashboards.copyDashboard(d.id, { folder_id: folderB, title: 'Source (copy)', user_id: null });
    expect(copy).toMatchObject({ title: 'Source (copy)', description: 'src', folder_id: folderB, user_id: null, attrs: { title_color: '#123456' } });
    expect(copy.slug).not.toBe(d.slug);
    expect(copy.content_metadata_id).not.toBe(d.content_metadata_id);
    const [element] = await store.dashboards.elements(copy.id);
    expect(element).toMatchObject({ type: 'vis', title: 'A', query_id: queryId, attrs: a.attrs });
    expect(element?.id).not.toBe(a.id);
    expect((await store.dashboards.filters(copy.id)).map((f) => f.name)).toEqual(['S']);
    const [layout] = await store.dashboards.layouts(copy.id);
    expect(layout?.active).toBe(true);
    const components = await store.dashboards.layoutComponents(layout?.id ?? '');
    expect(components.map((c) => [c.dashboard_element_id, c.attrs])).toEqual([[element?.id, { row: 0, column: 0, width: 8, height: 6 }]]);
    expect((await storeError(store.dashboards.copyDashboard('9999', { folder_id: '1', title: 'x', user_id: null }))).code).toBe('not_found');
  });

  it('adds layouts with a component per element, keeps exactly one active, and deletes a layout with its components', async () => {
    const d = await store.dashboards.createDashboard({ title: 'Layouts', description: null, folder_id: '1', user_id: userId, attrs: {} });
    const [first] = await store.dashboards.layouts(d.id);
    const a = await store.dashboards.createElement({ dashboard_id: d.id, type: 'text', title: null, query_id: null, look_id: null, attrs: {} }, { row: 0, column: 0, width: 8, height: 6 });
    const b = await store.dashboards.createElement({ dashboard_id: d.id, type: 'text', title: null, query_id: null, look_id: null, attrs: {} }, { row: 0, column: 8, width: 8, height: 6 });
    const second = await store.dashboards.createLayout({ dashboard_id: d.id, active: false, attrs: { type: 'newspaper', label: 'Phone' } },
      new Map([[a.id, { row: 0, column: 0, width: 24, height: 4 }]]));
    expect(second).toMatchObject({ dashboard_id: d.id, active: false, attrs: { type: 'newspaper', label: 'Phone' } });
    expect((await store.dashboards.layoutComponents(second.id)).map((c) => [c.dashboard_element_id, c.attrs])).toEqual([
      [a.id, { row: 0, column: 0, width: 24, height: 4 }], [b.id, {}],
    ]);
    const c = await store.dashboards.createElement({ dashboard_id: d.id, type: 'text', title: null, query_id: null, look_id: null, attrs: {} },
      { row: 9, column: 0, width: 8, height: 6 }, new Map([[second.id, { row: 4, column: 0, width: 24, height: 4 }]]));
    expect((await store.dashboards.layoutComponents(first?.id ?? '')).find((x) => x.dashboard_element_id === c.id)?.attrs).toEqual({ row: 9, column: 0, width: 8, height: 6 });
    expect((await store.dashboards.layoutComponents(second.id)).find((x) => x.dashboard_element_id === c.id)?.attrs).toEqual({ row: 4, column: 0, width: 24, height: 4 });

    expect(await store.dashboards.updateLayout(second.id, { active: true, attrs: { type: 'newspaper', label: 'Mobile' } })).toMatchObject({ active: true, attrs: { label: 'Mobile' } });
    expect((await store.dashboards.layouts(d.id)).map((l) => [l.id, l.active])).toEqual([[first?.id, false], [second.id, true]]);
    const third = await store.dashboards.createLayout({ dashboard_id: d.id, active: true, attrs: {} }, new Map());
    expect((await store.dashboards.layouts(d.id)).map((l) => l.active)).toEqual([false, false, true]);
    expect(await store.dashboards.updateLayout('9999', { active: true })).toBeNull();

    expect(await store.dashboards.deleteLayout(second.id)).toBe(true);
    expect(await store.dashboards.deleteLayout(second.id)).toBe(false);
    expect(await store.dashboards.layoutComponents(second.id)).toEqual([]);
    expect((await store.dashboards.layouts(d.id)).map((l) => l.id)).toEqual([first?.id, third.id]);
    expect((await store.dashboards.layoutComponents(third.id)).map((x) => x.dashboard_element_id)).toEqual([a.id, b.id, c.id]);
  });

  it('syncs a dashboard to a plan: filters by name and elements by link keep their ids, the rest goes, new ones get components everywhere', async () => {
    const d = await store.dashboards.createDashboard({ title: 'Linked', description: 'old', folder_id: '1', user_id: userId, attrs: { hidden: true, lookml_link_id: 'shop::x' } });
    const [active] = await store.dashboards.layouts(d.id);
    const keep = await store.dashboards.createElement({ dashboard_id: d.id, type: 'vis', title: 'Old', query_id: queryId, look_id: null, attrs: { lookml_link_id: 'kept' } }, { row: 0, column: 0, width: 8, height: 6 });
    const mine = await store.dashboards.createElement({ dashboard_id: d.id, type: 'text', title: null, query_id: null, look_id: null, attrs: { body_text: 'mine' } }, { row: 0, column: 8, width: 8, height: 6 });
    const gone = await store.dashboards.createElement({ dashboard_id: d.id, type: 'text', title: null, query_id: null, look_id: null, attrs: { lookml_link_id: 'gone' } }, {});
    const status = await store.dashboards.createFilter({ dashboard_id: d.id, name: 'Status', attrs: { default_value: 'old' } });
    await store.dashboards.createFilter({ dashboard_id: d.id, name: 'Extra', attrs: {} });
    const other = await store.dashboards.createLayout({ dashboard_id: d.id, active: false, attrs: {} }, new Map());

    await store.dashboards.syncDashboard(d.id, {
      description: 'new', attrs: { lookml_link_id: 'shop::x', refresh_interval: '1 hour' }, layout: { type: 'newspaper', lookml_link_id: 'x' },
      filters: [{ name: 'Status', attrs: { default_value: 'complete' } }, { name: 'Region', attrs: { default_value: 'EU' } }],
      elements: [
        { link: 'kept', type: 'vis', title: 'New', query_id: queryId, attrs: { lookml_link_id: 'kept', listen: [] }, component: { row: 2, column: 0, width: 12, height: 6 } },
        { link: 'added', type: 'text', title: null, query_id: null, attrs: { lookml_link_id: 'added', body_text: 'hi' }, component: { row: 0, column: 0, width: 24, height: 2 } },
      ],
    });
    expect(await store.dashboards.dashboard(d.id)).toMatchObject({ title: 'Linked', description: 'new', attrs: { lookml_link_id: 'shop::x', refresh_interval: '1 hour' } });
    expect((await store.dashboards.filters(d.id)).map((f) => [f.id === status.id, f.name, f.attrs])).toEqual([
      [true, 'Status', { default_value: 'complete' }], [false, 'Region', { default_value: 'EU' }],
    ]);
    const elements = await store.dashboards.elements(d.id);
    expect(elements.map((e) => [e.title, e.attrs.lookml_link_id])).toEqual([['New', 'kept'], [null, 'added']]);
    expect(elements[0]?.id).toBe(keep.id);
    expect(await store.dashboards.element(mine.id)).toBeNull();
    expect(await store.dashboards.element(gone.id)).toBeNull();
    const added = elements[1]?.id;
    expect((await store.dashboards.layout(active?.id ?? ''))?.attrs).toEqual({ type: 'newspaper', lookml_link_id: 'x' });
    expect((await store.dashboards.layoutComponents(active?.id ?? '')).map((c) => [c.dashboard_element_id, c.attrs])).toEqual([
      [keep.id, { row: 2, column: 0, width: 12, height: 6 }], [added, { row: 0, column: 0, width: 24, height: 2 }],
    ]);
    expect((await store.dashboards.layoutComponents(other.id)).map((c) => [c.dashboard_element_id, c.attrs])).toEqual([
      [keep.id, {}], [added, { row: 0, column: 0, width: 24, height: 2 }],
    ]);
    await store.dashboards.syncDashboard(d.id, { title: 'Renamed', description: null, attrs: {}, layout: {}, filters: [], elements: [] });
    expect(await store.dashboards.dashboard(d.id)).toMatchObject({ title: 'Renamed', description: null, attrs: {} });
    expect(await store.dashboards.elements(d.id)).toEqual([]);
    expect(await store.dashboards.filters(d.id)).toEqual([]);
  });

  it('deletes a dashboard with everything in it', async () => {
    const d = await store.dashboards.createDashboard({ title: 'Doomed', description: null, folder_id: '1', user_id: userId, attrs: {} });
    const e = await store.dashboards.createElement({ dashboard_id: d.id, type: 'vis', title: null, query_id: queryId, look_id: null, attrs: {} }, {});
    const f = await store.dashboards.createFilter({ dashboard_id: d.id, name: 'F', attrs: {} });
    const [layout] = await store.dashboards.layouts(d.id);
    expect(await store.dashboards.deleteDashboard(d.id)).toBe(true);
    expect(await store.dashboards.deleteDashboard(d.id)).toBe(false);
    expect(await store.dashboards.dashboard(d.id)).toBeNull();
    expect(await store.dashboards.element(e.id)).toBeNull();
    expect(await store.dashboards.filter(f.id)).toBeNull();
    expect(await store.dashboards.layout(layout?.id ?? '')).toBeNull();
    expect(await store.db.selectFrom('content_metadata').select('id').where('id', '=', Number(d.content_metadata_id)).executeTakeFirst()).toBeUndefined();
    expect(await store.dashboards.dashboard('abc')).toBeNull();
  });
});
