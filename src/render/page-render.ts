/**
 * One render in the browser: a fresh context carrying the requesting user's render-session cookies,
 * the web UI's render page opened at the requested viewport, a wait until the page says every tile
 * is done (`document.body.dataset.overlookReady === 'true'`; `dataset.overlookError` reports a page
 * that cannot show the content), then a vector PDF (`page.pdf()`) or a PNG/JPEG screenshot.
 *
 * The render stops when `signal` aborts (timeout, cancellation): the context is closed, which
 * aborts the page's pending API calls (and so the queries they run).
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { BrowserPool } from './browser-pool.ts';
import type { RenderFormat } from './task-store.ts';

export interface PageCookie {
  readonly name: string;
  readonly value: string;
  readonly httpOnly: boolean;
}

export interface PageJob {
  /** The render page, absolute (`http://127.0.0.1:port/render/...`). */
  readonly url: string;
  /** Set for the page's origin before it is opened. */
  readonly cookies: readonly PageCookie[];
  readonly format: RenderFormat;
  readonly width: number;
  readonly height: number;
  /** Looker's paper names (letter, legal, tabloid, a0–a5); absent: one page the size of the content. */
  readonly paperSize?: string | null;
  readonly landscape?: boolean;
  readonly signal: AbortSignal;
  /** Called once the page is ready, before the PDF/screenshot is taken. */
  readonly onReady?: () => Promise<void>;
}

export interface PageOutput {
  readonly bytes: Buffer;
  readonly contentType: 'application/pdf' | 'image/png' | 'image/jpeg';
  /** Page load until every tile finished (the queries), and the capture itself, in seconds. */
  readonly querySeconds: number;
  readonly renderSeconds: number;
}

/** A render that did not produce output; `retry` when it was the browser's fault, not the content's. */
export class RenderFailure extends Error {
  override readonly name = 'RenderFailure';
  readonly retry: boolean;

  constructor(message: string, retry = false) {
    super(message);
    this.retry = retry;
  }
}

/** Paper sizes in CSS inches (portrait), as Looker names them. */
export const PAPER_SIZES: Readonly<Record<string, { readonly format: string; readonly width: number; readonly height: number }>> = {
  letter: { format: 'Letter', width: 8.5, height: 11 },
  legal: { format: 'Legal', width: 8.5, height: 14 },
  tabloid: { format: 'Tabloid', width: 11, height: 17 },
  a0: { format: 'A0', width: 33.1, height: 46.8 },
  a1: { format: 'A1', width: 23.4, height: 33.1 },
  a2: { format: 'A2', width: 16.54, height: 23.4 },
  a3: { format: 'A3', width: 11.7, height: 16.54 },
  a4: { format: 'A4', width: 8.27, height: 11.7 },
  a5: { format: 'A5', width: 5.83, height: 8.27 },
};

const PDF_MARGIN_IN = 0.4;

/**
 * `page.pdf()` lays the page out at the paper's width divided by `scale`: choose the scale that
 * lays it out at the requested width, so the PDF shows what a screen that wide shows.
 */
export function pdfScale(paper: string, landscape: boolean, width: number): number {
  const size = PAPER_SIZES[paper];
  if (!size) return 1;
  const printable = ((landscape ? size.height : size.width) - 2 * PDF_MARGIN_IN) * 96;
  return Math.min(2, Math.max(0.1, printable / width));
}

interface PageState {
  readonly ready: boolean;
  /** `data-overlook-error`: what could not be shown (the web UI puts the page kind there). */
  readonly error: string | null;
  /** The page's visible alert, when it shows one (e.g. the API's "Look 5 not found."). */
  readonly detail?: string;
}

// Page-side code is passed as source text: this package is compiled without the DOM library.
const READY_WAIT = `new Promise((resolve) => {
  const probe = () => {
    const d = document.body && document.body.dataset;
    if (!d) return null;
    if (d.overlookError) {
      const alert = document.querySelector('[role=alert]');
      return { ready: false, error: d.overlookError, detail: alert && alert.textContent ? alert.textContent.trim() : '' };
    }
    return d.overlookReady === 'true' ? { ready: true, error: null } : null;
  };
  const now = probe();
  if (now) return resolve(now);
  const observer = new MutationObserver(() => {
    const state = probe();
    if (state) {
      observer.disconnect();
      resolve(state);
    }
  });
  observer.observe(document.documentElement, { attributes: true, childList: true, subtree: true, attributeFilter: ['data-overlook-ready', 'data-overlook-error'] });
})`;
const TILE_PROBE = `(() => {
  const states = [...document.querySelectorAll('[data-overlook-tile-state]')].map((e) => e.getAttribute('data-overlook-tile-state') || '');
  return { total: states.length, done: states.filter((s) => s === 'done' || s === 'error').length };
})()`;
const FONTS_READY = 'document.fonts.ready.then(() => true)';
const CONTENT_HEIGHT = 'Math.ceil(Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0))';

/** Resolves as soon as the page sets its ready or error marker (a mutation observer, no polling). */
function waitForReady(page: Page): Promise<PageState> {
  return page.evaluate<PageState>(READY_WAIT);
}

/** What the tiles were doing when the render was stopped (for the failure message). */
async function tileProgress(page: Page): Promise<string> {
  const probe = page.evaluate<{ total: number; done: number }>(TILE_PROBE);
  const timeout = new Promise<null>((resolve) => { setTimeout(() => { resolve(null); }, 500).unref(); });
  const p = await Promise.race([probe.catch(() => null), timeout]);
  return p === null ? '' : ` (${p.done} of ${p.total} tiles had finished)`;
}

async function capture(page: Page, job: PageJob): Promise<Buffer> {
  if (job.format === 'png' || job.format === 'jpg') {
    return page.screenshot({ type: job.format === 'png' ? 'png' : 'jpeg', ...(job.format === 'jpg' ? { quality: 90 } : {}), animations: 'disabled' });
  }
  // The screen's look, not a print stylesheet's: what the user sees is what the PDF shows.
  await page.emulateMedia({ media: 'screen' });
  const paper = job.paperSize?.toLowerCase();
  if (paper !== undefined && PAPER_SIZES[paper] !== undefined) {
    const size = PAPER_SIZES[paper];
    const margin = `${PDF_MARGIN_IN}in`;
    return page.pdf({
      format: size.format, landscape: job.landscape === true, printBackground: true,
      scale: pdfScale(paper, job.landscape === true, job.width), margin: { top: margin, bottom: margin, left: margin, right: margin },
    });
  }
  // No paper: one page as wide as requested and as long as the content (at least the requested height).
  const contentHeight = Number(await page.evaluate(CONTENT_HEIGHT));
  const height = Math.max(job.height, contentHeight);
  return page.pdf({ width: `${job.width}px`, height: `${height + 1}px`, printBackground: true, pageRanges: '1' });
}

const isAborted = (signal: AbortSignal): boolean => signal.aborted;

const CONTENT_TYPES = { pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg' } as const;

export async function renderPage(pool: BrowserPool, job: PageJob): Promise<PageOutput> {
  const reason = (): string => (job.signal.reason instanceof Error ? job.signal.reason.message : String(job.signal.reason));
  if (job.signal.aborted) throw new RenderFailure(reason());
  let context: BrowserContext | null = null;
  const listeners: (() => void)[] = [];
  const onAbort = (f: () => void): void => {
    job.signal.addEventListener('abort', f, { once: true });
    listeners.push(() => { job.signal.removeEventListener('abort', f); });
  };
  const origin = new URL(job.url).origin;
  try {
    // Launching the browser or opening the page may be what takes too long.
    const opening = pool.page();
    const early = new Promise<never>((_, reject) => { onAbort(() => { reject(new RenderFailure(reason())); }); });
    early.catch(() => undefined);
    const fresh = await Promise.race([opening, early]).catch((error: unknown) => {
      void opening.then((f) => f.context.close()).catch(() => undefined);
      throw error;
    });
    context = fresh.context;
    const ctx = context;
    const current = fresh.page;
    // From here every wait is raced against this: an abort, a crashed page, a browser gone.
    const aborted = new Promise<never>((_, reject) => {
      onAbort(() => {
        // Ask the page how far it got before closing it: the failure says where the time went.
        void tileProgress(current).then((progress) => {
          reject(new RenderFailure(`${reason()}${progress}`));
          return ctx.close();
        }).catch(() => undefined);
      });
      current.once('crash', () => { reject(new RenderFailure('The browser page crashed while rendering.', true)); });
      const browser = ctx.browser();
      const gone = (): void => { reject(new RenderFailure('The browser exited during the render.', true)); };
      if (browser && !browser.isConnected()) gone();
      browser?.once('disconnected', gone);
      listeners.push(() => { browser?.off('disconnected', gone); });
    });
    aborted.catch(() => undefined);
    await Promise.race([current.setViewportSize({ width: job.width, height: job.height }), aborted]);
    await Promise.race([ctx.addCookies(job.cookies.map((c) => ({ name: c.name, value: c.value, url: origin, httpOnly: c.httpOnly, sameSite: 'Lax' as const }))), aborted]);
    const started = performance.now();
    const response = await Promise.race([current.goto(job.url, { waitUntil: 'load', timeout: 0 }), aborted]);
    if (response !== null && response.status() >= 400) {
      throw new RenderFailure(`The render page ${new URL(job.url).pathname} answered HTTP ${response.status()}: is the web UI built (npm run build:web)?`);
    }
    const state = await Promise.race([waitForReady(current), aborted]);
    if (state.error !== null) {
      throw new RenderFailure(state.detail !== undefined && state.detail !== ''
        ? `The render page could not show the ${state.error}: ${state.detail}`
        : `The render page reported an error: ${state.error}`);
    }
    await Promise.race([current.evaluate(FONTS_READY), aborted]);
    const querySeconds = (performance.now() - started) / 1000;
    if (job.onReady) await Promise.race([job.onReady(), aborted]);
    const captureStarted = performance.now();
    const bytes = await Promise.race([capture(current, job), aborted]);
    return { bytes, contentType: CONTENT_TYPES[job.format], querySeconds, renderSeconds: (performance.now() - captureStarted) / 1000 };
  } catch (error) {
    if (error instanceof RenderFailure) throw error;
    // (Read through a call: TypeScript narrowed `aborted` to false at the top.)
    if (isAborted(job.signal)) throw new RenderFailure(reason());
    // Playwright's errors when the browser went away mid-render: not the content's fault, try again.
    if (!pool.connected || /Target (page, context or browser )?(has been )?closed|Browser has been closed|browser has disconnected/i.test(String(error))) {
      throw new RenderFailure('The browser exited during the render.', true);
    }
    throw new RenderFailure(`The render failed: ${error instanceof Error ? error.message.split('\n')[0] ?? error.name : String(error)}`);
  } finally {
    for (const off of listeners) off();
    // Closing takes a few tens of ms and nothing waits for it: the result is ready now.
    if (context) void context.close().catch(() => undefined);
  }
}
