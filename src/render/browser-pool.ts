/**
 * One warm headless Chromium per node, shared by every render: launching costs ~100–700 ms, a
 * fresh context (its own cookies, cache and storage) per render costs a few. When the browser dies
 * (crash, OOM kill, someone's `kill`), the next render launches a new one; the renders that were
 * running in it fail and are retried by the worker.
 *
 * Debian's `chromium-headless-shell` is used as installed (no browser download): it makes no
 * external requests and renders about twice as fast as full Chromium.
 */
import { accessSync, constants } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const DEFAULT_CHROMIUM = '/usr/lib/chromium/chromium-headless-shell';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // /dev/shm is tiny in containers; a render that runs out of it crashes the renderer.
  '--disable-dev-shm-usage',
];

/** Thrown when rendering cannot work on this node at all (no browser). */
export class RendererUnavailableError extends Error {
  override readonly name = 'RendererUnavailableError';
}

export function missingBrowserMessage(path: string): string {
  return `Rendering needs Chromium's headless shell, but ${path} is missing or not executable. `
    + 'Install it with `apt-get install chromium-headless-shell` (Debian/Ubuntu; it puts the browser at '
    + `${DEFAULT_CHROMIUM}), or set OVERLOOK_CHROMIUM to the path of a chromium-headless-shell or chromium binary, then restart the server.`;
}

/** A fresh context with its one page, not used by any render before. */
export interface FreshPage {
  readonly context: BrowserContext;
  readonly page: Page;
}

export interface BrowserPoolOptions {
  /** Default: OVERLOOK_CHROMIUM, else /usr/lib/chromium/chromium-headless-shell. */
  readonly executablePath?: string;
  readonly args?: readonly string[];
  /** How long a launch may take before it counts as failed (ms). */
  readonly launchTimeoutMs?: number;
}

export class BrowserPool {
  readonly executablePath: string;
  readonly #args: readonly string[];
  readonly #launchTimeoutMs: number;
  #browser: Browser | null = null;
  /** The next render's context and page, made ahead (opening a page costs ~70–150 ms). */
  #spare: Promise<FreshPage> | null = null;
  #launching: Promise<Browser> | null = null;
  #closed = false;
  /** Launches so far (the first one included): a number above 1 means the browser was replaced. */
  launches = 0;

  constructor(options: BrowserPoolOptions = {}) {
    this.executablePath = options.executablePath ?? process.env.OVERLOOK_CHROMIUM ?? DEFAULT_CHROMIUM;
    this.#args = options.args ?? CHROMIUM_ARGS;
    this.#launchTimeoutMs = options.launchTimeoutMs ?? 30_000;
  }

  /** Null when the browser can be launched; otherwise why not (and how to fix it). */
  unavailable(): string | null {
    try {
      accessSync(this.executablePath, constants.X_OK);
      return null;
    } catch {
      return missingBrowserMessage(this.executablePath);
    }
  }

  get connected(): boolean {
    return this.#browser?.isConnected() === true;
  }

  /** The running browser, launching one when there is none (or it died). */
  async browser(): Promise<Browser> {
    if (this.#closed) throw new RendererUnavailableError('The renderer is shutting down.');
    if (this.#browser?.isConnected() === true) return this.#browser;
    this.#launching ??= this.#launch().finally(() => {
      this.#launching = null;
    });
    return this.#launching;
  }

  async #launch(): Promise<Browser> {
    const why = this.unavailable();
    if (why !== null) throw new RendererUnavailableError(why);
    const browser = await chromium.launch({ executablePath: this.executablePath, args: [...this.#args], timeout: this.#launchTimeoutMs });
    this.launches++;
    browser.on('disconnected', () => {
      if (this.#browser === browser) this.#browser = null;
    });
    if (this.#closed) {
      await browser.close().catch(() => undefined);
      throw new RendererUnavailableError('The renderer is shutting down.');
    }
    this.#browser = browser;
    return browser;
  }

  async #fresh(): Promise<FreshPage> {
    const browser = await this.browser();
    // A page being opened when the browser dies never settles on its own: end the wait on disconnect.
    let onGone = (): void => undefined;
    const gone = new Promise<never>((_, reject) => {
      onGone = () => { reject(new Error('The browser exited while a page was being opened.')); };
      browser.once('disconnected', onGone);
    });
    gone.catch(() => undefined);
    let context: BrowserContext | null = null;
    try {
      if (!browser.isConnected()) onGone();
      context = await Promise.race([
        browser.newContext({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1, acceptDownloads: false, serviceWorkers: 'block' }), gone,
      ]);
      return { context, page: await Promise.race([context.newPage(), gone]) };
    } catch (error) {
      if (context) void context.close().catch(() => undefined);
      throw error;
    } finally {
      browser.off('disconnected', onGone);
    }
  }

  /**
   * A fresh context (own cookies, cache and storage) with one page, used for one render only; the
   * caller closes the context. The next one is made right away, so it is ready for the next render.
   */
  async page(): Promise<FreshPage> {
    const spare = this.#spare;
    this.#spare = null;
    let fresh: FreshPage | null = spare ? await spare.catch(() => null) : null;
    if (fresh && fresh.context.browser()?.isConnected() !== true) {
      await fresh.context.close().catch(() => undefined);
      fresh = null;
    }
    if (!fresh) {
      try {
        fresh = await this.#fresh();
      } catch (error) {
        // The browser died between the check and the call: one relaunch, then give up.
        if (this.connected || error instanceof RendererUnavailableError) throw error;
        fresh = await this.#fresh();
      }
    }
    this.#prepare();
    return fresh;
  }

  /** Makes the spare page now (at start-up, so the first render finds the browser warm). */
  warm(): void {
    if (this.unavailable() === null) this.#prepare();
  }

  #prepare(): void {
    if (this.#closed || this.#spare !== null) return;
    const spare = this.#fresh();
    spare.catch(() => {
      if (this.#spare === spare) this.#spare = null;
    });
    this.#spare = spare;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const spare = this.#spare;
    this.#spare = null;
    if (spare) await spare.then((f) => f.context.close(), () => undefined).catch(() => undefined);
    const launching = this.#launching;
    const browser = this.#browser;
    this.#browser = null;
    if (launching) await launching.then((b) => b.close(), () => undefined).catch(() => undefined);
    if (browser) await browser.close().catch(() => undefined);
  }
}
