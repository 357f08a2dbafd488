/**
 * Issue 7, the LookML IDE in a real browser against a real server: read-only in production,
 * then in dev mode edit a view, save into the overlay, validate (an error at the right file and
 * line, clickable), fix it, commit and push, deploy, and another person's production browser
 * sees the change in Explore. Its own server: deploying changes production for everyone.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ordersView, startQueryFixture, type QueryFixture } from './support.ts';
import {
  editorText, expectAttribute, expectText, firstRow, launchBrowser, makeUser, newPerson, screenshot, setEditorText, signIn, type Person,
} from './browser-support.ts';

let f: QueryFixture;
let browser: Browser;
const people: Person[] = [];

beforeAll(async () => {
  vi.spyOn(console, 'debug').mockImplementation(() => undefined);
  [f, browser] = await Promise.all([startQueryFixture('sqlite', 'unused', { connection: true }), launchBrowser()]);
});

afterAll(async () => {
  for (const p of people) await p.context.close();
  await browser.close();
  await f.close();
});

/** orders.view.lkml with a dimension on line 6 that names a field the view does not have. */
const BROKEN = ordersView('ide-change').replace(
  '  dimension_group: created',
  '  dimension: broken { type: string sql: ${no_such_field} ;; }\n  dimension_group: created',
);

async function openFile(page: Page, path: string): Promise<void> {
  await page.getByTestId(`ide-file-${path}`).click();
  await expectAttribute(page.getByTestId('ide-editor'), 'data-path', path);
}

describe('LookML IDE in a real browser', () => {
  it('edits, validates, commits and deploys a view, and a production browser then sees the change', async () => {
    const admin = f.sdk();
    const dev = await makeUser(admin, 'Developer', 'Ida', 'Editor');
    const other = await makeUser(admin, 'User', 'Olga', 'Prod');
    const exploreUrl = `${f.server.url}/explore/shop/orders?fields=orders.label,orders.count`;
    const d = await newPerson(browser);
    const p = await newPerson(browser);
    people.push(d, p);
    await signIn(d.page, f.server.url, dev.email, dev.password);
    await signIn(p.page, f.server.url, other.email, other.password);
    const page = d.page;

    // Production: the files are there, read-only, with a way into dev mode.
    await page.goto(`${f.server.url}/projects/shop/ide`);
    await page.getByTestId('ide-readonly-notice').waitFor();
    expect(await page.getByTestId('ide-save').count()).toBe(0);
    await openFile(page, 'orders.view.lkml');
    await expect.poll(() => editorText(page)).toBe(ordersView('prod'));
    await page.getByTestId('ide-enter-dev').click();
    await page.getByTestId('dev-mode-banner').waitFor();
    await page.getByTestId('ide-save').waitFor();
    expect(await page.getByTestId('ide-readonly-notice').count()).toBe(0);
    await expectText(page.getByTestId('ide-current-branch'), /^dev-ida-editor-/);

    // An error: saved, validated, shown at its file and line; clicking it puts the cursor there.
    await openFile(page, 'orders.view.lkml');
    await expect.poll(() => editorText(page)).toBe(ordersView('prod'));
    await setEditorText(page, BROKEN);
    await page.getByTestId('ide-save').click();
    await expectText(page.getByTestId('ide-status'), 'Saved orders.view.lkml.');
    const change = page.getByTestId('ide-change-item');
    await expectAttribute(change, 'data-path', 'orders.view.lkml');
    expect(await change.getAttribute('data-action')).toBe('modify');
    await page.getByTestId('ide-validate').click();
    const problem = page.getByTestId('ide-error-item').first();
    await problem.waitFor();
    expect({ path: await problem.getAttribute('data-path'), line: await problem.getAttribute('data-line') }).toEqual({ path: 'orders.view.lkml', line: '6' });
    expect(await problem.textContent()).toMatch(/no_such_field/);
    await screenshot(page, 'ide-1280');
    await problem.click();
    await expectText(page.locator('.cm-activeLine'), 'dimension: broken { type: string sql: ${no_such_field} ;; }');

    // Fixed: no errors; committed and pushed; deployed.
    await setEditorText(page, ordersView('ide-change'));
    await page.getByTestId('ide-save').click();
    await expectText(page.getByTestId('ide-status'), 'Saved orders.view.lkml.');
    await page.getByTestId('ide-validate').click();
    await page.getByTestId('ide-no-errors').waitFor();
    expect(await page.getByTestId('ide-error-item').count()).toBe(0);
    await page.getByTestId('ide-commit-message').fill('Label the orders from the IDE');
    await page.getByTestId('ide-commit').click();
    await expectText(page.getByTestId('ide-status'), /^Committed [0-9a-f]{7} to dev-ida-editor-\w+ and pushed it\.$/);
    await change.waitFor({ state: 'detached' });
    // Production still has the old value until the deploy.
    await p.page.goto(exploreUrl);
    await p.page.getByTestId('results-table').waitFor();
    expect(await firstRow(p.page)).toEqual(['prod', '100']);

    const deploy = page.getByTestId('ide-deploy');
    const confirm = page.getByTestId('ide-deploy-confirm');
    await deploy.click();
    const status = page.getByTestId('ide-status');
    await status.or(confirm).first().waitFor();
    if (await confirm.isVisible()) await confirm.click();
    await expectText(status, /^Deployed dev-ida-editor-\w+ \([0-9a-f]{7}\) to production\.$/);

    await p.page.reload();
    await p.page.getByTestId('results-table').waitFor();
    expect(await firstRow(p.page)).toEqual(['ide-change', '100']);
    // The deployed commit is the one the developer pushed: the branch is now even with production.
    await expectText(page.getByTestId('ide-changes'), 'No uncommitted changes.');
  });
});
