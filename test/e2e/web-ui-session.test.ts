/**
 * Issue 7 in a real browser, the details around the main flows: a session that ends mid-use sends
 * the user to sign in and back to the page they were on; busy buttons in the IDE and admin pages
 * keep keyboard focus (aria-disabled, clicks ignored) while their request runs; the IDE makes the
 * editor read-only, with a notice, on a branch the user may not write to.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Looker40SDK } from '@looker/sdk';
import { ordersView, QUERY_ADMIN } from './support.ts';
import {
  editorText, expectAttribute, expectText, firstRow, focusedTestId, browserSuite, makeUser, pageApi, screenshot, signIn,
  type Person,
} from './browser-support.ts';

let admin: Looker40SDK;
let base = '';

const person = (): Promise<Person> => suite.person();

const suite = browserSuite();
beforeAll(() => {
  ({ admin, base } = suite);
});

/**
 * Holds the page's requests matching `url` and `method` until `release()`; counts them. What a
 * button shows while its request runs can be checked at leisure this way.
 */
async function holdRequests(page: Page, url: string, method: string): Promise<{ count: () => number; release: () => void }> {
  let count = 0;
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => { release = resolve; });
  await page.route(url, async (route) => {
    if (route.request().method() === method) {
      count += 1;
      await gate;
    }
    await route.continue();
  });
  return { count: () => count, release: () => { release(); } };
}

describe('web UI sessions, busy buttons and read-only branches in a real browser', () => {
  it('sends a user whose session ended mid-use to sign in, then back to the page they were on', async () => {
    const user = await makeUser(admin, 'User', 'Eve', 'Expired');
    const { context, page } = await person();
    await signIn(page, base, user.email, user.password);
    const path = '/explore/shop/orders?fields=orders.status,orders.count&sorts=orders.status';
    await page.goto(`${base}${path}`);
    await page.getByTestId('results-table').waitFor();
    expect(await firstRow(page)).toEqual(['complete', '33']);

    // Another tab of the same browser signs out: this tab's cookie session is gone.
    const other = await context.newPage();
    await other.goto(`${base}/browse`);
    expect((await pageApi(other, 'POST', '/x-overlook/ui/logout')).status).toBe(204);
    await other.close();

    // The next call this page makes answers 401: no raw error, but the sign-in page with a notice.
    await page.getByTestId('explore-run').click();
    await expectText(page.getByTestId('login-expired'), 'Your session has ended. Sign in again to continue where you were.');
    const login = new URL(page.url());
    expect({ path: login.pathname, returnTo: login.searchParams.get('return_to') }).toEqual({ path: '/login', returnTo: path });
    expect(await page.getByTestId('explore-run-error').count()).toBe(0);
    await screenshot(page, 'login-expired-1280');

    await page.getByTestId('login-email').fill(user.email);
    await page.getByTestId('login-password').fill(user.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('results-table').waitFor();
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(path);
    expect(await firstRow(page)).toEqual(['complete', '33']);
    // A normal sign-in page (no session yet) does not talk about an ended session.
    const fresh = await person();
    await fresh.page.goto(`${base}/browse`);
    await fresh.page.getByTestId('login-email').waitFor();
    expect(await fresh.page.getByTestId('login-expired').count()).toBe(0);
  });

  it('keeps focus on the IDE Save button while it saves (aria-disabled, a second press ignored)', async () => {
    const dev = await makeUser(admin, 'Developer', 'Fay', 'Focus');
    const { page } = await person();
    await signIn(page, base, dev.email, dev.password);
    await page.getByTestId('dev-mode-toggle').click();
    await page.getByTestId('dev-mode-banner').waitFor();
    await page.goto(`${base}/projects/shop/ide?file=orders.view.lkml`);
    await expectAttribute(page.getByTestId('ide-editor'), 'data-path', 'orders.view.lkml');
    await expect.poll(() => editorText(page)).toBe(ordersView('prod'));
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('# focus test\n');

    const held = await holdRequests(page, '**/api/4.0/projects/shop/ide/file*', 'PUT');
    const save = page.getByTestId('ide-save');
    await save.focus();
    await page.keyboard.press('Enter');
    await expectAttribute(save, 'aria-disabled', 'true');
    expect(await focusedTestId(page)).toBe('ide-save');
    await page.keyboard.press('Enter');
    // A mouse click too (forced: Playwright itself will not click an aria-disabled button).
    await save.click({ force: true });
    held.release();
    await expectText(page.getByTestId('ide-status'), 'Saved orders.view.lkml.');
    await expectAttribute(save, 'aria-disabled', 'false');
    expect(await focusedTestId(page)).toBe('ide-save');
    expect(held.count()).toBe(1);
    await page.unroute('**/api/4.0/projects/shop/ide/file*');
  });

  it('keeps focus on the admin Save roles button while it saves', async () => {
    const target = await makeUser(admin, 'Viewer', 'Rob', 'Roles');
    const { page } = await person();
    await signIn(page, base, QUERY_ADMIN.OVERLOOK_ADMIN_EMAIL, QUERY_ADMIN.OVERLOOK_ADMIN_PASSWORD);
    await page.goto(`${base}/admin/users`);
    await page.getByTestId(`admin-user-roles-${target.id}`).click();
    const roles = await admin.ok(admin.all_roles({}));
    const userRole = roles.find((r) => r.name === 'User')?.id ?? '';
    await page.getByTestId(`admin-user-${target.id}-role-${userRole}`).check();

    const held = await holdRequests(page, `**/api/4.0/users/${target.id}/roles`, 'PUT');
    const save = page.getByTestId('admin-roles-save');
    await save.focus();
    await page.keyboard.press('Space');
    await expectAttribute(save, 'aria-disabled', 'true');
    expect(await focusedTestId(page)).toBe('admin-roles-save');
    await page.keyboard.press('Space');
    held.release();
    await expectText(page.getByTestId('admin-status'), 'Roles of Rob Roles: User, Viewer.');
    await expectAttribute(save, 'aria-disabled', 'false');
    expect(await focusedTestId(page)).toBe('admin-roles-save');
    expect(held.count()).toBe(1);
    expect((await admin.ok(admin.user_roles({ user_id: target.id }))).map((r) => r.name).sort()).toEqual(['User', 'Viewer']);
  });

  it('makes the editor read-only with a notice on a branch the developer may not write to', async () => {
    const dev = await makeUser(admin, 'Developer', 'Rita', 'Readonly');
    const { page } = await person();
    await signIn(page, base, dev.email, dev.password);
    await page.getByTestId('dev-mode-toggle').click();
    await page.getByTestId('dev-mode-banner').waitFor();
    await page.goto(`${base}/projects/shop/ide?file=orders.view.lkml`);
    await page.getByTestId('ide-save').waitFor();
    const own = ((await page.getByTestId('ide-current-branch').textContent()) ?? '').trim();
    expect(own).toMatch(/^dev-rita-readonly-/);
    expect(await page.getByTestId('ide-readonly-notice').count()).toBe(0);

    // The production branch, checked out in dev mode: readable, not writable.
    await page.getByTestId('ide-branch-menu').click();
    await page.getByTestId('ide-branch-switch-main').click();
    await expectText(page.getByTestId('ide-current-branch'), 'main');
    await expectText(page.getByTestId('ide-readonly-notice'),
      /^Branch main is the production branch, so its files are read-only here\. Switch to your own branch or create a new one to edit\./);
    expect(await page.getByTestId('ide-save').count()).toBe(0);
    expect(await page.getByTestId('ide-commit').count()).toBe(0);
    await expectAttribute(page.getByTestId('ide-editor'), 'data-path', 'orders.view.lkml');
    await expect.poll(() => editorText(page)).toBe(ordersView('prod'));
    expect(await page.locator('.cm-content').getAttribute('contenteditable')).toBe('false');
    // The banner follows the branch the IDE switched to.
    await expectText(page.getByTestId('dev-branch'), 'main');
    await screenshot(page, 'ide-readonly-branch-1280');
    await page.locator('.cm-content').click();
    await page.keyboard.type('typed on a read-only branch');
    expect(await editorText(page)).toBe(ordersView('prod'));

    // One click back to the developer's own branch, where editing works again.
    await page.getByTestId('ide-switch-own-branch').click();
    await expectText(page.getByTestId('ide-current-branch'), own);
    await expectText(page.getByTestId('dev-branch'), own);
    await page.getByTestId('ide-save').waitFor();
    expect(await page.getByTestId('ide-readonly-notice').count()).toBe(0);
    expect(await page.locator('.cm-content').getAttribute('contenteditable')).toBe('true');
  });
});
