/**
 * Shared by the real-browser suites: Debian's chromium-headless-shell driven by playwright-core
 * against a running server, one browser per test file and one context per simulated person (so
 * each has its own cookies, like another machine), sign-in through the login page, calls made from
 * inside a page (its cookie session and CSRF token), and screenshots for review.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { Looker40SDK } from '@looker/sdk';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { startQueryFixture, type QueryFixture } from './support.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SCREENSHOT_DIR = join(ROOT, 'test-output', 'screenshots');
/** How long a page may take to show what a step waits for. */
export const UI_TIMEOUT = 15_000;

/** `npm install` builds web/dist (prepare); a fresh checkout without it gets built here once. */
export function ensureWebBuilt(): void {
  if (existsSync(join(ROOT, 'web', 'dist', 'index.html'))) return;
  execFileSync('npm', ['run', 'build:web'], { cwd: ROOT, stdio: 'inherit' });
}

export async function launchBrowser(): Promise<Browser> {
  ensureWebBuilt();
  return chromium.launch({
    executablePath: process.env.OVERLOOK_CHROMIUM ?? '/usr/lib/chromium/chromium-headless-shell',
    args: ['--no-sandbox', '--disable-gpu', '--headless'],
  });
}

export interface Person {
  readonly context: BrowserContext;
  readonly page: Page;
}

/** A fresh browser profile (no cookies) with one page: another person, or the same person elsewhere. */
export async function newPerson(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<Person> {
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(UI_TIMEOUT);
  const page = await context.newPage();
  return { context, page };
}

/** Signs in through the login page and waits for the signed-in shell. */
export async function signIn(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('user-menu').waitFor();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/**
 * What page functions touch, typed structurally: the project's tsconfig has no DOM library (it is
 * server code), and functions passed to `page.evaluate` run in the browser, not here.
 */
interface DomElement {
  readonly outerHTML: string;
  readonly labels?: { readonly length: number } | null;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
}
interface DomWindow {
  readonly innerWidth: number;
  readonly document: {
    readonly cookie: string;
    readonly activeElement: (DomElement & { readonly tagName: string }) | null;
    readonly body: { readonly dataset: Record<string, string | undefined> };
    readonly documentElement: { readonly scrollWidth: number };
  };
  readonly __overlookIde?: { getText(): string; setText(s: string): void };
}

/** A call made by the page itself: its cookies, plus the CSRF header on writes like the UI sends. */
export async function pageApi(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  return page.evaluate(async ({ method, path, body }) => {
    const w = globalThis as unknown as DomWindow;
    const csrf = w.document.cookie.split(';').map((c) => c.trim().split('=')).find(([k]) => k === 'overlook_csrf')?.[1];
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && csrf !== undefined) headers['x-csrf-token'] = decodeURIComponent(csrf);
    const res = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed };
  }, { method, path, body });
}

/** The focused element's data-testid (its tag name when it has none, e.g. BODY). */
export function focusedTestId(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const active = (globalThis as unknown as DomWindow).document.activeElement;
    return active === null ? null : active.getAttribute('data-testid') ?? active.tagName;
  });
}

/** The renderer's marker: `true` once every tile (or the look/explore run) has finished. */
export function readyMarker(page: Page): Promise<string | null> {
  return page.evaluate(() => (globalThis as unknown as DomWindow).document.body.dataset.overlookReady ?? null);
}

/** The document's scroll width, or exactly the viewport width when nothing sticks out sideways (1 px slack). */
export function pageWidth(page: Page): Promise<number> {
  return page.evaluate(() => {
    const w = globalThis as unknown as DomWindow;
    const width = w.document.documentElement.scrollWidth;
    return width <= w.innerWidth + 1 ? w.innerWidth : width;
  });
}

/** Inputs, selects and textareas with neither a <label> nor aria-label / aria-labelledby (their markup). */
export function unnamedInputs(page: Page): Promise<string[]> {
  return page.locator('input:not([type=hidden]), select, textarea').evaluateAll((els: unknown[]) => (els as DomElement[])
    .filter((e) => (e.labels?.length ?? 0) === 0 && (e.getAttribute('aria-label') ?? '').trim() === '' && !e.hasAttribute('aria-labelledby'))
    .map((e) => e.outerHTML.slice(0, 160)));
}

/** The IDE editor's text, through the test bridge the IDE exposes (`window.__overlookIde`). */
export function editorText(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as DomWindow).__overlookIde?.getText() ?? '');
}

export async function setEditorText(page: Page, text: string): Promise<void> {
  await page.evaluate((t) => { (globalThis as unknown as DomWindow).__overlookIde?.setText(t); }, text);
  expect(await editorText(page)).toBe(text);
}

/** The workspace `GET /api/4.0/session` reports for the page's cookie session. */
export async function pageWorkspace(page: Page): Promise<unknown> {
  const res = await pageApi(page, 'GET', '/api/4.0/session');
  expect(res.status).toBe(200);
  return (res.body as { workspace_id?: unknown }).workspace_id;
}

/** Waits until the locator's text (trimmed) satisfies `expected`. */
export async function expectText(locator: Locator, expected: string | RegExp): Promise<void> {
  const read = async (): Promise<string> => ((await locator.textContent({ timeout: UI_TIMEOUT })) ?? '').trim();
  if (typeof expected === 'string') await expect.poll(read, { timeout: UI_TIMEOUT }).toBe(expected);
  else await expect.poll(read, { timeout: UI_TIMEOUT }).toMatch(expected);
}

export async function expectAttribute(locator: Locator, name: string, expected: string | null): Promise<void> {
  await expect.poll(() => locator.getAttribute(name, { timeout: UI_TIMEOUT }), { timeout: UI_TIMEOUT }).toBe(expected);
}

/** The cells of the results table's first body row (without the row number). */
export async function firstRow(page: Page): Promise<string[]> {
  const cells = page.getByTestId('results-table').locator('tbody tr').first().locator('td:not(.row-num)');
  return (await cells.allTextContents()).map((t) => t.trim());
}

export interface Account {
  readonly id: string;
  readonly email: string;
  readonly password: string;
}

/** A user with one built-in role and an email/password login, made through the official SDK. */
export async function makeUser(admin: Looker40SDK, role: 'Developer' | 'User' | 'Viewer', first: string, last: string): Promise<Account> {
  const roles = await admin.ok(admin.all_roles({}));
  const roleId = roles.find((r) => r.name === role)?.id ?? null;
  if (roleId === null) throw new Error(`no built-in role ${role}`);
  const user = await admin.ok(admin.create_user({ first_name: first, last_name: last }));
  const id = user.id ?? '';
  await admin.ok(admin.set_user_roles(id, [roleId]));
  const email = `${first.toLowerCase()}.${last.toLowerCase()}@example.com`;
  const password = `${first} password 123`;
  // Looker sets passwords in its UI; Overlook also takes `password` on this body.
  await admin.ok(admin.create_user_credentials_email(id, { email, password } as { email: string }));
  return { id, email, password };
}

/** One test file's browser world: a query fixture's server, one browser, its admin SDK, and the people opened. */
export interface BrowserSuite {
  readonly f: QueryFixture;
  readonly browser: Browser;
  readonly admin: Looker40SDK;
  readonly base: string;
  /** A new person (browser context), closed with the suite. */
  person(viewport?: { width: number; height: number }): Promise<Person>;
}

/** Registers the file's beforeAll/afterAll: server and browser up before its tests, all closed after. */
export function browserSuite(): BrowserSuite {
  let f: QueryFixture | undefined;
  let browser: Browser | undefined;
  let admin: Looker40SDK | undefined;
  const people: Person[] = [];
  const ready = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('browserSuite used before its beforeAll ran');
    return v;
  };
  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    [f, browser] = await Promise.all([startQueryFixture('sqlite', 'unused', { connection: true }), launchBrowser()]);
    admin = f.sdk();
  });
  afterAll(async () => {
    for (const p of people) await p.context.close();
    await browser?.close();
    await f?.close();
  });
  return {
    get f() { return ready(f); },
    get browser() { return ready(browser); },
    get admin() { return ready(admin); },
    get base() { return ready(f).server.url; },
    async person(viewport) {
      const p = await newPerson(ready(browser), viewport);
      people.push(p);
      return p;
    },
  };
}
