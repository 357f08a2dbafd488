/**
 * Issue 7 in a real browser: editing a dashboard (add, change and remove a filter with the tiles it
 * updates; move and resize tiles, other tiles pushed down, all saved through the API) and pivoted
 * results drawn from the server's json_detail pivots.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { Looker40SDK } from '@looker/sdk';
import {
  expectAttribute, expectText, firstRow, focusedTestId, browserSuite, makeUser, pageApi, readyMarker, screenshot, signIn,
} from './browser-support.ts';

let admin: Looker40SDK;
let base = '';

const suite = browserSuite();
beforeAll(() => {
  ({ admin, base } = suite);
});

async function signedInUser(first: string, last: string): Promise<{ page: Page; folderId: string }> {
  const user = await makeUser(admin, 'User', first, last);
  const p = await suite.person();
  await signIn(p.page, base, user.email, user.password);
  const me = await pageApi(p.page, 'GET', '/api/4.0/user');
  return { page: p.page, folderId: String((me.body as { personal_folder_id: unknown }).personal_folder_id) };
}

function tile(page: Page, title: string): Locator {
  return page.locator('[data-testid=dashboard-tile]', { hasText: title });
}

async function placement(t: Locator): Promise<number[]> {
  const p = t.getByTestId('tile-placement');
  return Promise.all(['data-row', 'data-column', 'data-width', 'data-height'].map(async (a) => Number(await p.getAttribute(a))));
}

/** Placements the server stores for the dashboard's active layout, by element title. */
async function storedPlacements(dashboardId: string): Promise<Record<string, number[]>> {
  const d = await admin.ok(admin.dashboard(dashboardId));
  const layout = d.dashboard_layouts?.find((l) => l.active);
  const out: Record<string, number[]> = {};
  for (const c of layout?.dashboard_layout_components ?? []) out[c.element_title ?? ''] = [c.row ?? -1, c.column ?? -1, c.width ?? -1, c.height ?? -1];
  return out;
}

describe('dashboard editing and pivots in a real browser', () => {
  it('adds, changes and removes a dashboard filter with the tiles it updates', async () => {
    const { page, folderId } = await signedInUser('Fil', 'Ters');
    const byStatus = await admin.ok(admin.create_query({ model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'], sorts: ['orders.status'], vis_config: { type: 'looker_grid' } }));
    const total = await admin.ok(admin.create_query({ model: 'shop', view: 'orders', fields: ['orders.count'], vis_config: { type: 'single_value' } }));
    const board = await admin.ok(admin.create_dashboard({ title: 'Filter editing', folder_id: folderId }));
    const boardId = board.id ?? '';
    await admin.ok(admin.create_dashboard_element({ body: { dashboard_id: boardId, type: 'vis', title: 'By status', query_id: byStatus.id ?? '' } }));
    const totalTile = await admin.ok(admin.create_dashboard_element({ body: { dashboard_id: boardId, type: 'vis', title: 'Total', query_id: total.id ?? '' } }));

    await page.goto(`${base}/dashboards/${boardId}`);
    await expectText(tile(page, 'Total').locator('.single-value-number'), '100');
    expect(await page.getByTestId('dashboard-filters').count()).toBe(0);
    await page.getByTestId('dashboard-edit').click();
    await page.getByTestId('dashboard-filter-editor').waitFor();

    // A field filter on orders.status, default "complete": both tiles are on orders, so both listen.
    await page.getByTestId('filter-add').click();
    await page.getByTestId('filter-form-title').fill('Status');
    await expect.poll(() => page.getByTestId('filter-form-model').inputValue()).toBe('shop');
    await page.getByTestId('filter-form-dimension').selectOption('orders.status');
    await page.getByTestId('filter-form-default').fill('complete');
    expect(await page.getByTestId(`filter-form-tile-${totalTile.id ?? ''}`).isChecked()).toBe(true);
    await screenshot(page, 'dashboard-edit-filter-1280');
    await page.getByTestId('filter-form-save').click();
    await expectText(page.getByTestId('dashboard-edit-status'), 'Added filter Status; 2 tile(s) updated.');
    await expectText(tile(page, 'Total').locator('.single-value-number'), '33');
    expect(await page.getByTestId('dashboard-filter-Status').inputValue()).toBe('complete');
    await expect.poll(() => readyMarker(page)).toBe('true');
    expect(await tile(page, 'By status').locator('tbody tr').count()).toBe(1);
    const [made] = await admin.ok(admin.dashboard_dashboard_filters(boardId));
    expect({ name: made?.name, title: made?.title, type: made?.type, model: made?.model, explore: made?.explore, dimension: made?.dimension, default_value: made?.default_value })
      .toEqual({ name: 'Status', title: 'Status', type: 'field_filter', model: 'shop', explore: 'orders', dimension: 'orders.status', default_value: 'complete' });

    // Edited: another default, and the Total tile no longer listens.
    await page.getByTestId('filter-edit-Status').click();
    await page.getByTestId('filter-form-default').fill('pending');
    await page.getByTestId(`filter-form-tile-${totalTile.id ?? ''}`).uncheck();
    await page.getByTestId('filter-form-save').click();
    await expectText(page.getByTestId('dashboard-edit-status'), 'Saved filter Status; 1 tile(s) updated.');
    expect(await page.getByTestId('dashboard-filter-Status').inputValue()).toBe('pending');
    await expect.poll(() => readyMarker(page)).toBe('true');
    await expectText(tile(page, 'Total').locator('.single-value-number'), '100');
    expect(await firstRowOf(tile(page, 'By status'))).toEqual(['pending', '34']);
    const totalElement = await admin.ok(admin.dashboard_element(totalTile.id ?? ''));
    expect(totalElement.result_maker?.filterables?.flatMap((x) => x.listen ?? [])).toEqual([]);

    // Removed after a confirmation: the filter bar goes, the tiles show everything again.
    await page.getByTestId('filter-remove-Status').click();
    await page.getByTestId('filter-remove-confirm-Status').click();
    await expectText(page.getByTestId('dashboard-edit-status'), 'Removed filter Status.');
    await page.getByTestId('dashboard-filters').waitFor({ state: 'detached' });
    await expect.poll(() => readyMarker(page)).toBe('true');
    expect(await tile(page, 'By status').locator('tbody tr').count()).toBe(3);
    expect(await admin.ok(admin.dashboard_dashboard_filters(boardId))).toEqual([]);
    await page.getByTestId('dashboard-edit-done').click();
    await page.getByTestId('dashboard-filter-editor').waitFor({ state: 'detached' });
    expect(await page.getByTestId('tile-layout').count()).toBe(0);
  });

  it('moves and resizes tiles from the keyboard, pushing an overlapped tile down, and saves the layout', async () => {
    const { page, folderId } = await signedInUser('Lay', 'Out');
    const count = await admin.ok(admin.create_query({ model: 'shop', view: 'orders', fields: ['orders.count'], vis_config: { type: 'single_value' } }));
    const board = await admin.ok(admin.create_dashboard({ title: 'Layout editing', folder_id: folderId }));
    const boardId = board.id ?? '';
    for (const title of ['Left', 'Right']) {
      await admin.ok(admin.create_dashboard_element({ body: { dashboard_id: boardId, type: 'vis', title, query_id: count.id ?? '' } }));
    }
    expect(await storedPlacements(boardId)).toEqual({ Left: [0, 0, 8, 6], Right: [0, 8, 8, 6] });

    await page.goto(`${base}/dashboards/${boardId}`);
    await expect.poll(() => readyMarker(page)).toBe('true');
    await page.getByTestId('dashboard-edit').click();
    const left = tile(page, 'Left');
    const right = tile(page, 'Right');
    expect(await placement(left)).toEqual([0, 0, 8, 6]);
    // At the grid's edge the button cannot act, but stays focusable.
    await expectAttribute(left.getByTestId('tile-left'), 'aria-disabled', 'true');
    await expectAttribute(left.getByTestId('tile-up'), 'aria-disabled', 'true');

    // Right by one: Left now overlaps Right, which goes down below it. Focus stays on the button.
    const moveRight = left.getByTestId('tile-right');
    await moveRight.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => placement(left)).toEqual([0, 1, 8, 6]);
    expect(await placement(right)).toEqual([6, 8, 8, 6]);
    expect(await focusedTestId(page)).toBe('tile-right');
    await page.keyboard.press('Enter');
    await expect.poll(() => placement(left)).toEqual([0, 2, 8, 6]);
    // Wider twice, taller once, from the same keyboard.
    await left.getByTestId('tile-wider').focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await left.getByTestId('tile-taller').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => placement(left)).toEqual([0, 2, 10, 7]);
    // Right was pushed below Left's new height as well.
    expect(await placement(right)).toEqual([7, 8, 8, 6]);
    await expectText(page.getByTestId('dashboard-layout-status'), 'Layout saved.');
    await screenshot(page, 'dashboard-edit-layout-1280');
    await expect.poll(() => storedPlacements(boardId)).toEqual({ Left: [0, 2, 10, 7], Right: [7, 8, 8, 6] });

    // Saved for everyone: a reload draws the tiles where they were left.
    await page.getByTestId('dashboard-edit-done').click();
    await page.reload();
    await expect.poll(() => readyMarker(page)).toBe('true');
    const style = await left.getAttribute('style');
    expect(style).toContain('grid-area: 1 / 3 / span 7 / span 10');
  });

  it('shows a pivoted explore from the server\'s json_detail pivots', async () => {
    const { page } = await signedInUser('Piv', 'Ot');
    const detail = await admin.ok(admin.run_inline_query({
      result_format: 'json_detail',
      body: { model: 'shop', view: 'orders', fields: ['orders.status', 'orders.created_month', 'orders.count'], pivots: ['orders.created_month'], sorts: ['orders.status'] },
    })) as unknown as { pivots: { key: string }[]; data: Record<string, unknown>[]; fields: { pivots: { name: string }[] } };
    expect(detail.fields.pivots.map((p) => p.name)).toEqual(['orders.created_month']);
    expect(detail.pivots.map((p) => p.key)).toEqual(['2024-01', '2024-02', '2024-03', '2024-04']);
    expect(detail.data[0]).toEqual({
      'orders.status': { value: 'complete' },
      'orders.count': { '2024-01': { value: 10 }, '2024-02': { value: 9 }, '2024-03': { value: 11 }, '2024-04': { value: 3 } },
    });

    await page.goto(`${base}/explore/shop/orders?fields=orders.status,orders.created_month,orders.count&pivots=orders.created_month&sorts=orders.status`);
    await page.getByTestId('results-table').waitFor();
    const headers = (await page.getByTestId('results-table').locator('thead .pivot-label').allTextContents()).map((t) => t.trim());
    expect(headers).toEqual(['2024-01', '2024-02', '2024-03', '2024-04']);
    expect(await firstRow(page)).toEqual(['complete', '10', '9', '11', '3']);
    expect(await page.getByTestId('results-table').locator('tbody tr').count()).toBe(3);
    await screenshot(page, 'explore-pivot-1280');
  });
});

async function firstRowOf(t: Locator): Promise<string[]> {
  return (await t.locator('tbody tr').first().locator('td:not(.row-num)').allTextContents()).map((s) => s.trim());
}
