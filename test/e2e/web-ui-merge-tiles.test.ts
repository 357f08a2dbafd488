/**
 * Merged-results tiles (dashboard elements with merge_result_id) in a real browser: the dashboard
 * runs them through the server's element run with its filter values, draws them as their merge
 * query's vis_config says (a table, a chart), marks them done for the renderer, and runs them
 * again when a dashboard filter changes. Values are checked against the same left join on DuckDB.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, Locator } from 'playwright-core';
import type { Looker40SDK } from '@looker/sdk';
import { QUERY_ADMIN, startQueryFixture, type QueryFixture } from './support.ts';
import { expectAttribute, launchBrowser, newPerson, readyMarker, screenshot, signIn, type Person } from './browser-support.ts';

const COUNTS = { model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'], sorts: ['orders.status'] };
const AMOUNTS = { model: 'shop', view: 'orders', fields: ['orders.status', 'orders.total_amount'], filters: { 'orders.id': '<=30' } };
const BY_STATUS = [{ field_name: 'orders.status', source_field_name: 'orders.status' }];
const LISTEN = { filterables: [{ model: 'shop', view: 'orders', listen: [{ dashboard_filter_name: 'Status', field: 'orders.status' }] }] };

/** The merge as SQL: counts per status LEFT JOIN amounts of orders 1..30, for one status. */
const joinedSql = (status: string): string => `
  WITH a AS (SELECT status, count(*)::INTEGER AS c FROM orders WHERE status = '${status}' GROUP BY 1),
       b AS (SELECT status, sum(amount)::DOUBLE AS s FROM orders WHERE id <= 30 AND status = '${status}' GROUP BY 1)
  SELECT a.status, a.c, b.s FROM a LEFT JOIN b ON a.status = b.status ORDER BY a.c DESC, a.status`;
const usd = (v: unknown): string => `$${Number(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

let f: QueryFixture;
let browser: Browser;
let admin: Looker40SDK;
let person: Person;

beforeAll(async () => {
  vi.spyOn(console, 'debug').mockImplementation(() => undefined);
  [f, browser] = await Promise.all([startQueryFixture('sqlite', 'unused', { connection: true }), launchBrowser()]);
  admin = f.sdk();
  await admin.ok(admin.update_session({ workspace_id: 'production' }));
  person = await newPerson(browser);
  await signIn(person.page, f.server.url, QUERY_ADMIN.OVERLOOK_ADMIN_EMAIL, QUERY_ADMIN.OVERLOOK_ADMIN_PASSWORD);
});

afterAll(async () => {
  await person.context.close();
  await browser.close();
  await f.close();
});

async function rows(t: Locator): Promise<string[][]> {
  const trs = await t.locator('tbody tr').all();
  return Promise.all(trs.map(async (tr) => (await tr.locator('td:not(.row-num)').allTextContents()).map((s) => s.trim())));
}

async function expected(status: string): Promise<string[][]> {
  return (await f.direct(joinedSql(status))).map((r) => [String(r.status), String(r.c), usd(r.s)]);
}

describe('merged-results tiles in a real browser', () => {
  it('runs a merge tile with the dashboard filters, draws it as a table or a chart, and runs it again on a filter change', async () => {
    const { page } = person;
    const counts = await admin.ok(admin.create_query(COUNTS));
    const amounts = await admin.ok(admin.create_query(AMOUNTS));
    const sources = [{ query_id: counts.id ?? '', name: 'Counts' }, { query_id: amounts.id ?? '', name: 'Amounts', merge_fields: BY_STATUS }];
    const table = await admin.ok(admin.create_merge_query({ source_queries: sources, sorts: ['orders.count desc', 'orders.status'], vis_config: { type: 'looker_grid' } }));
    const chart = await admin.ok(admin.create_merge_query({ source_queries: sources, sorts: ['orders.status'], vis_config: { type: 'looker_bar' } }));
    const board = await admin.ok(admin.create_dashboard({ title: 'Merged board', folder_id: '1' }));
    const boardId = board.id ?? '';
    await admin.ok(admin.create_dashboard_filter({
      dashboard_id: boardId, name: 'Status', title: 'Status', type: 'field_filter', default_value: 'pending', model: 'shop', explore: 'orders', dimension: 'orders.status',
    }));
    const tableTile = await admin.ok(admin.create_dashboard_element({ body: { dashboard_id: boardId, title: 'Merged table', merge_result_id: table.id ?? '', result_maker: LISTEN } }));
    await admin.ok(admin.create_dashboard_element({ body: { dashboard_id: boardId, title: 'Merged chart', merge_result_id: chart.id ?? '', result_maker: LISTEN } }));
    await admin.ok(admin.create_dashboard_element({ body: { dashboard_id: boardId, title: 'Plain counts', query_id: counts.id ?? '', result_maker: { ...LISTEN, vis_config: { type: 'looker_grid' } } } }));

    const requests: string[] = [];
    page.on('request', (r) => { if (r.url().includes('/run/json_detail')) requests.push(decodeURIComponent(r.url())); });
    await page.goto(`${f.server.url}/dashboards/${boardId}`);
    const tile = (title: string): Locator => page.locator('[data-testid=dashboard-tile]', { hasText: title });
    await expect.poll(() => readyMarker(page)).toBe('true');
    await expectAttribute(tile('Merged table'), 'data-overlook-tile-state', 'done');
    await expectAttribute(tile('Merged chart'), 'data-overlook-tile-state', 'done');

    // The filter's default applies to the merge: only pending orders, counts joined with amounts.
    const pending = await expected('pending');
    expect(pending).toHaveLength(1);
    expect(await rows(tile('Merged table'))).toEqual(pending);
    expect(await tile('Merged table').locator('thead th:not(.row-num)').allTextContents()).toEqual(['Status ▲', 'Count ▼', 'Total Amount']);
    // The merge query's vis_config draws the second tile as a bar chart, not a table.
    expect(await tile('Merged chart').getAttribute('class')).toContain('tile-looker_bar');
    await tile('Merged chart').locator('svg').first().waitFor();
    expect(await tile('Merged chart').getByTestId('results-table').count()).toBe(0);
    // A merged result has no single query to explore.
    expect(await tile('Merged table').locator('.tile-explore').count()).toBe(0);
    expect(await rows(tile('Plain counts'))).toEqual([['pending', pending[0]?.[1] ?? '']]);
    expect(requests.filter((u) => u.includes(`/dashboard_elements/${tableTile.id ?? ''}/run/json_detail?dashboard_filters=Status=pending`))).toHaveLength(1);
    await screenshot(page, 'dashboard-merge-tiles-1280');

    // A new filter value runs the merge again with it.
    await page.getByTestId('dashboard-filter-Status').fill('complete');
    await page.getByTestId('dashboard-run').click();
    const complete = await expected('complete');
    await expect.poll(() => rows(tile('Merged table'))).toEqual(complete);
    await expect.poll(() => readyMarker(page)).toBe('true');
    expect(await rows(tile('Plain counts'))).toEqual([['complete', complete[0]?.[1] ?? '']]);
    expect(requests.filter((u) => u.includes(`/dashboard_elements/${tableTile.id ?? ''}/run/json_detail?dashboard_filters=Status=complete`))).toHaveLength(1);

    // No value: every status, as the sources' own filters leave them.
    await page.getByTestId('dashboard-filter-Status').fill('');
    await page.getByTestId('dashboard-run').click();
    await expect.poll(async () => (await rows(tile('Merged table'))).length).toBe(3);
    await expect.poll(() => readyMarker(page)).toBe('true');
  });

  it('shows a merge tile whose merge query is gone as a tile error, and still finishes the page', async () => {
    const { page } = person;
    const board = await admin.ok(admin.create_dashboard({ title: 'Broken merge', folder_id: '1' }));
    await admin.ok(admin.create_dashboard_element({ body: { dashboard_id: board.id ?? '', title: 'Gone', merge_result_id: 'NoSuchMergeQuery0000000' } }));
    await page.goto(`${f.server.url}/dashboards/${board.id ?? ''}`);
    await expect.poll(() => readyMarker(page)).toBe('true');
    const gone = page.locator('[data-testid=dashboard-tile]', { hasText: 'Gone' });
    await expectAttribute(gone, 'data-overlook-tile-state', 'error');
    expect(await gone.getByTestId('tile-error').textContent()).toMatch(/^Merge query NoSuchMergeQuery0000000 of dashboard element \d+ not found\.$/);
  });
});
