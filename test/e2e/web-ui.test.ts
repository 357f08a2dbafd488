/**
 * Issue 7 in a real browser (chromium-headless-shell via playwright-core) against a real server:
 * the interactive user's dev mode is sticky and independent of API tokens (DESIGN rule 6), a dev
 * browser sees its branch's values while a production browser does not, explore → look →
 * dashboard with a working dashboard filter, keyboard and label basics, and screenshots of the
 * main pages at desktop and narrow widths. The IDE round trip is in web-ui-ide.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Looker40SDK } from '@looker/sdk';
import { ordersView, type QueryFixture } from './support.ts';
import {
  expectAttribute, expectText, firstRow, focusedTestId, browserSuite, makeUser, pageApi, pageWidth, pageWorkspace,
  readyMarker, screenshot, signIn, unnamedInputs, type Person,
} from './browser-support.ts';

let f: QueryFixture;
let admin: Looker40SDK;
let base = '';

const person = (width = 1280): Promise<Person> => suite.person({ width, height: 800 });

const suite = browserSuite();
beforeAll(() => {
  ({ f, admin, base } = suite);
});

/** Opens a dashboard and waits until every tile has finished (the renderer's ready marker). */
async function showDashboard(page: Page, id: string): Promise<void> {
  await page.goto(`${base}/dashboards/${id}`);
  await page.getByTestId('dashboard-title').waitFor();
  await expect.poll(() => readyMarker(page), { timeout: 15_000 }).toBe('true');
  const tiles = page.getByTestId('dashboard-tile');
  const states = await Promise.all((await tiles.all()).map((t) => t.getAttribute('data-overlook-tile-state')));
  expect(states).toEqual(['done', 'done', 'done']);
}

describe('web UI in a real browser', () => {
  it('keeps a developer\'s dev mode across sign-out and new browsers, apart from their API tokens', async () => {
    const dev = await makeUser(admin, 'Developer', 'Stella', 'Sticky');
    const first = await person();
    await signIn(first.page, base, dev.email, dev.password);
    const toggle = first.page.getByTestId('dev-mode-toggle');
    const banner = first.page.getByTestId('dev-mode-banner');
    await expectAttribute(toggle, 'aria-pressed', 'false');
    expect(await banner.count()).toBe(0);

    await toggle.click();
    await expectAttribute(toggle, 'aria-pressed', 'true');
    await expectText(banner.locator('strong'), 'You are in Development Mode');
    await expectText(first.page.getByTestId('dev-branch'), /^dev-stella-sticky-/);
    // The keyboard shortcut switches it off and on again.
    await first.page.keyboard.press('Control+Shift+D');
    await expectAttribute(toggle, 'aria-pressed', 'false');
    await banner.waitFor({ state: 'detached' });
    await first.page.keyboard.press('Control+Shift+D');
    await expectAttribute(toggle, 'aria-pressed', 'true');
    await banner.waitFor();
    expect(await pageWorkspace(first.page)).toBe('dev');

    await first.page.getByTestId('user-menu').click();
    await first.page.getByTestId('logout').click();
    await first.page.getByTestId('login-email').waitFor();
    expect((await pageApi(first.page, 'GET', '/x-overlook/ui/me')).status).toBe(401);

    // Another browser (no cookies from the first): the user is still in dev.
    const second = await person();
    await signIn(second.page, base, dev.email, dev.password);
    const toggle2 = second.page.getByTestId('dev-mode-toggle');
    await second.page.getByTestId('dev-mode-banner').waitFor();
    await expectAttribute(toggle2, 'aria-pressed', 'true');
    expect(await pageWorkspace(second.page)).toBe('dev');

    // An API token of the same user starts in production; moving it moves nothing in the browser.
    const creds = await admin.ok(admin.create_user_credentials_api3(dev.id));
    const api = f.sdkFor(creds.client_id ?? '', creds.client_secret ?? '');
    expect((await api.ok(api.session())).workspace_id).toBe('production');
    for (const workspace of ['dev', 'production']) {
      expect((await api.ok(api.update_session({ workspace_id: workspace }))).workspace_id).toBe(workspace);
      await second.page.reload();
      await second.page.getByTestId('dev-mode-banner').waitFor();
      await expectAttribute(toggle2, 'aria-pressed', 'true');
      expect(await pageWorkspace(second.page)).toBe('dev');
    }

    // And the browser leaving dev mode leaves the token where it was.
    await api.ok(api.update_session({ workspace_id: 'dev' }));
    await toggle2.click();
    await expectAttribute(toggle2, 'aria-pressed', 'false');
    await second.page.getByTestId('dev-mode-banner').waitFor({ state: 'detached' });
    expect(await pageWorkspace(second.page)).toBe('production');
    expect((await api.ok(api.session())).workspace_id).toBe('dev');

    // Production is sticky too: a third browser starts there.
    const third = await person();
    await signIn(third.page, base, dev.email, dev.password);
    await expectAttribute(third.page.getByTestId('dev-mode-toggle'), 'aria-pressed', 'false');
    expect(await pageWorkspace(third.page)).toBe('production');
  });

  it('shows a developer in dev their branch\'s values in Explore while another browser sees production', async () => {
    const dev = await makeUser(admin, 'Developer', 'Devon', 'Values');
    const other = await makeUser(admin, 'User', 'Paula', 'Prod');
    const url = `${base}/explore/shop/orders?fields=orders.label,orders.count&limit=10`;
    const d = await person();
    const p = await person();
    await signIn(d.page, base, dev.email, dev.password);
    await signIn(p.page, base, other.email, other.password);

    await d.page.getByTestId('dev-mode-toggle').click();
    await d.page.getByTestId('dev-mode-banner').waitFor();
    // The developer's uncommitted edit, made with their own cookie session like the IDE does.
    const put = await pageApi(d.page, 'PUT', '/api/4.0/projects/shop/ide/file', { path: 'orders.view.lkml', content: ordersView('devon-branch') });
    expect(put.status).toBe(200);

    await d.page.goto(url);
    await d.page.getByTestId('results-table').waitFor();
    expect(await firstRow(d.page)).toEqual(['devon-branch', '100']);
    await p.page.goto(url);
    await p.page.getByTestId('results-table').waitFor();
    expect(await firstRow(p.page)).toEqual(['prod', '100']);
    await screenshot(d.page, 'explore-dev-1280');

    // Leaving dev mode reloads the page's data from production.
    await d.page.getByTestId('dev-mode-toggle').click();
    await d.page.getByTestId('dev-mode-banner').waitFor({ state: 'detached' });
    await d.page.getByTestId('results-table').waitFor();
    await expect.poll(() => firstRow(d.page)).toEqual(['prod', '100']);
    // Back in dev, the branch's value is there again (the edit stayed in the dev workspace).
    await d.page.getByTestId('dev-mode-toggle').click();
    await d.page.getByTestId('dev-mode-banner').waitFor();
    await expect.poll(() => firstRow(d.page), { timeout: 15_000 }).toEqual(['devon-branch', '100']);
  });

  it('saves an explore as a look, adds it to a new dashboard, and a dashboard filter changes the tile', async () => {
    const user = await makeUser(admin, 'User', 'Dash', 'Builder');
    const { page } = await person();
    await signIn(page, base, user.email, user.password);
    await page.goto(`${base}/explore/shop/orders`);
    await page.getByTestId('field-orders.count').click();
    await expectAttribute(page.getByTestId('field-orders.count'), 'aria-pressed', 'true');
    // The radio is controlled by the URL, which React Router updates in a transition: Playwright's
    // check() reads the state right after its click, before the transition lands, so click and poll.
    await page.getByTestId('vis-single_value').click();
    await expect.poll(() => page.getByTestId('vis-single_value').isChecked(), { timeout: 5000 }).toBe(true);
    await page.getByTestId('explore-run').click();
    await expectText(page.getByTestId('results-vis').getByTestId('single-value').locator('.single-value-number'), '100');

    await page.getByTestId('save-look').click();
    await page.getByTestId('save-look-title').fill('Order count');
    await page.getByTestId('save-look-submit').click();
    await expectText(page.getByTestId('look-title'), 'Order count');
    await expectAttribute(page.getByTestId('look-vis'), 'data-overlook-tile-state', 'done');
    await expectText(page.getByTestId('look-vis').locator('.single-value-number'), '100');
    const lookId = /\/looks\/(\d+)$/.exec(new URL(page.url()).pathname)?.[1] ?? '';
    expect(lookId).not.toBe('');

    await page.getByTestId('add-to-dashboard').click();
    await page.getByTestId('add-to-dashboard-select').selectOption('__new__');
    await page.getByTestId('add-to-dashboard-new-title').fill('Orders at a glance');
    await page.getByTestId('add-to-dashboard-submit').click();
    await expectText(page.getByTestId('dashboard-title'), 'Orders at a glance');
    const tile = page.getByTestId('dashboard-tile');
    await expectAttribute(tile, 'data-overlook-tile-state', 'done');
    await expect.poll(() => readyMarker(page)).toBe('true');
    await expectText(tile.locator('.single-value-number'), '100');
    const dashboardId = /\/dashboards\/(\d+)$/.exec(new URL(page.url()).pathname)?.[1] ?? '';
    const dashboard = await admin.ok(admin.dashboard(dashboardId));
    expect(dashboard.dashboard_elements?.map((e) => [e.look_id, e.title])).toEqual([[lookId, 'Order count']]);

    // A filter on orders.status, and the tile listening to it (Looker's result_maker.filterables).
    await admin.ok(admin.create_dashboard_filter({
      dashboard_id: dashboardId, name: 'Status', title: 'Status', type: 'field_filter', model: 'shop', explore: 'orders', dimension: 'orders.status',
    }));
    const elementId = dashboard.dashboard_elements?.[0]?.id ?? '';
    await admin.ok(admin.update_dashboard_element(elementId, {
      result_maker: { filterables: [{ model: 'shop', view: 'orders', listen: [{ dashboard_filter_name: 'Status', field: 'orders.status' }] }] },
    }));
    await page.reload();
    await expectAttribute(tile, 'data-overlook-tile-state', 'done');
    await expectText(tile.locator('.single-value-number'), '100');
    await page.getByTestId('dashboard-filter-Status').fill('complete');
    await page.getByTestId('dashboard-run').click();
    await expectText(tile.locator('.single-value-number'), '33');
    await expectAttribute(tile, 'data-overlook-tile-state', 'done');
    await expect.poll(() => readyMarker(page)).toBe('true');
    expect(new URL(page.url()).searchParams.get('Status')).toBe('complete');
    await screenshot(page, 'dashboard-1280');
    // The address reproduces the filtered dashboard.
    await page.reload();
    await expectAttribute(tile, 'data-overlook-tile-state', 'done');
    await expectText(tile.locator('.single-value-number'), '33');
    expect(await page.getByTestId('dashboard-filter-Status').inputValue()).toBe('complete');
  });

  it('lets the keyboard reach the dev-mode switch and flip it with Enter and Space', async () => {
    const dev = await makeUser(admin, 'Developer', 'Kim', 'Keys');
    const { page } = await person();
    await signIn(page, base, dev.email, dev.password);

    // Tab from the top of the page reaches the switch; Enter and Space flip it.
    await page.goto(`${base}/browse`);
    await page.getByTestId('browse-page').waitFor();
    let reached = false;
    for (let i = 0; i < 20 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await focusedTestId(page) === 'dev-mode-toggle';
    }
    expect(reached).toBe(true);
    const toggle = page.getByTestId('dev-mode-toggle');
    await page.keyboard.press('Enter');
    await expectAttribute(toggle, 'aria-pressed', 'true');
    await page.getByTestId('dev-mode-banner').waitFor();
    // Focus stays on the switch after it toggled, so Space flips it back.
    await expect.poll(() => focusedTestId(page)).toBe('dev-mode-toggle');
    await page.keyboard.press('Space');
    await expectAttribute(toggle, 'aria-pressed', 'false');
    await page.getByTestId('dev-mode-banner').waitFor({ state: 'detached' });
  });

  it('operates the field picker from the keyboard and names every input of the login and explore pages', async () => {
    const user = await makeUser(admin, 'User', 'Lee', 'Labels');
    const { page } = await person();
    await page.goto(`${base}/login`);
    await page.getByTestId('login-email').waitFor();
    expect(await unnamedInputs(page)).toEqual([]);
    expect(await page.getByLabel('Email').getAttribute('data-testid')).toBe('login-email');
    expect(await page.getByLabel('Password').getAttribute('data-testid')).toBe('login-password');
    await signIn(page, base, user.email, user.password);

    // Field picker: Enter on a focused field selects it; arrows move between fields; Space selects.
    await page.goto(`${base}/explore/shop/orders`);
    const count = page.getByTestId('field-orders.count');
    await count.focus();
    await page.keyboard.press('Enter');
    await expectAttribute(count, 'aria-pressed', 'true');
    await expect.poll(() => new URL(page.url()).searchParams.get('fields')).toBe('orders.count');
    const id = page.getByTestId('field-orders.id');
    await id.focus();
    await page.keyboard.press('ArrowDown');
    expect(await focusedTestId(page)).toBe('filter-field-orders.id');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Space');
    await expectAttribute(id, 'aria-pressed', 'true');
    await expect.poll(() => new URL(page.url()).searchParams.get('fields')).toBe('orders.count,orders.id');
    // A filter input (added from the keyboard too) and the search, limit and vis inputs all have names.
    await page.getByTestId('filter-field-orders.status').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('filter-input-orders.status').waitFor();
    expect(await page.getByLabel('Orders Status', { exact: true }).getAttribute('data-testid')).toBe('filter-input-orders.status');
    await page.getByTestId('explore-run').press('Enter');
    await page.getByTestId('results-table').waitFor();
    expect(await unnamedInputs(page)).toEqual([]);
  });
  it('draws the main pages at 1280×800 and at a narrow 420×800 without sideways scrolling (screenshots for review)', async () => {
    const user = await makeUser(admin, 'User', 'Sam', 'Shots');
    const wide = await person();
    await wide.page.goto(`${base}/login`);
    await wide.page.getByTestId('login-email').waitFor();
    await screenshot(wide.page, 'login-1280');
    await signIn(wide.page, base, user.email, user.password);
    const me = await pageApi(wide.page, 'GET', '/api/4.0/user');
    const folderId = String((me.body as { personal_folder_id: unknown }).personal_folder_id);
    const byStatus = await admin.ok(admin.create_query({ model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'], sorts: ['orders.status'], vis_config: { type: 'looker_column' } }));
    const total = await admin.ok(admin.create_query({ model: 'shop', view: 'orders', fields: ['orders.total_amount'], vis_config: { type: 'single_value' } }));
    const board = await admin.ok(admin.create_dashboard({ title: 'Order review', folder_id: folderId }));
    const boardId = board.id ?? '';
    await admin.ok(admin.create_dashboard_element({ body: { dashboard_id: boardId, type: 'vis', title: 'Orders by status', query_id: byStatus.id ?? '' } }));
    await admin.ok(admin.create_dashboard_element({ body: { dashboard_id: boardId, type: 'vis', title: 'Revenue', query_id: total.id ?? '' } }));
    await admin.ok(admin.create_dashboard_element({ body: { dashboard_id: boardId, type: 'text', title_text: 'Notes', body_text: 'Orders from the **warehouse**.' } }));
    const exploreUrl = `${base}/explore/shop/orders?fields=orders.status,orders.count&sorts=orders.status&vis=looker_column`;

    await wide.page.goto(`${base}/folders/${folderId}`);
    await wide.page.getByTestId(`dashboard-link-${boardId}`).waitFor();
    await screenshot(wide.page, 'browse-1280');
    await wide.page.goto(exploreUrl);
    await wide.page.getByTestId('vis-chart').waitFor();
    expect(await firstRow(wide.page)).toEqual(['complete', '33']);
    await screenshot(wide.page, 'explore-1280');
    await showDashboard(wide.page, boardId);
    // 100 orders whose amounts are 0.25 + every residue of 7·i mod 100 once: 4,950 + 25.
    await expectText(wide.page.locator('[data-testid=dashboard-tile]', { hasText: 'Revenue' }).locator('.single-value-number'), '$4,975.00');
    await screenshot(wide.page, 'dashboard-review-1280');

    const narrow = await person(420);
    await signIn(narrow.page, base, user.email, user.password);
    await narrow.page.goto(exploreUrl);
    await narrow.page.getByTestId('vis-chart').waitFor();
    expect(await firstRow(narrow.page)).toEqual(['complete', '33']);
    await screenshot(narrow.page, 'explore-420');
    const exploreWidth = await pageWidth(narrow.page);
    await showDashboard(narrow.page, boardId);
    await screenshot(narrow.page, 'dashboard-420');
    const dashboardWidth = await pageWidth(narrow.page);
    expect({ explore: exploreWidth, dashboard: dashboardWidth }).toEqual({ explore: 420, dashboard: 420 });
  });
});
