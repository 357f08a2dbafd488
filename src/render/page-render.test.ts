import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool, DEFAULT_CHROMIUM, RendererUnavailableError, missingBrowserMessage } from './browser-pool.ts';
import { RenderFailure, pdfScale, renderPage, type PageJob } from './page-render.ts';
import { browserPids, jpegSize, pdfInfo, pdfText, pngSize, startTestPages, type TestPages } from './test-pages.ts';

describe('rendering a page in the warm browser', () => {
  let pages: TestPages;
  let pool: BrowserPool;
  const job = (path: string, extra: Partial<PageJob> = {}): PageJob => ({
    url: pages.url + path, cookies: [{ name: 'overlook_session', value: 'raw-secret', httpOnly: true }, { name: 'overlook_csrf', value: 'csrf-1', httpOnly: false }],
    format: 'png', width: 640, height: 400, signal: new AbortController().signal, ...extra,
  });

  beforeAll(async () => {
    pages = await startTestPages();
    pool = new BrowserPool({ executablePath: DEFAULT_CHROMIUM });
  });

  afterAll(async () => {
    await pool.close();
    await pages.close();
  });

  it('takes a PNG at exactly the requested size, sending the session cookies to the page', async () => {
    let ready = false;
    const out = await renderPage(pool, job('/render/queries/42', { onReady: async () => { ready = true; await Promise.resolve(); } }));
    expect(out.contentType).toBe('image/png');
    expect(pngSize(out.bytes)).toEqual({ width: 640, height: 400 });
    expect(ready).toBe(true);
    expect(out.querySeconds).toBeGreaterThan(0);
    expect(out.renderSeconds).toBeGreaterThan(0);
    expect(pages.hits.at(-1)).toEqual({ path: '/render/queries/42', cookies: { overlook_session: 'raw-secret', overlook_csrf: 'csrf-1' } });
  });

  it('takes a JPEG at the requested size', async () => {
    const out = await renderPage(pool, job('/render/looks/7', { format: 'jpg', width: 333, height: 222 }));
    expect(out.contentType).toBe('image/jpeg');
    expect(jpegSize(out.bytes)).toEqual({ width: 333, height: 222 });
  });

  it('makes a vector PDF whose text can be extracted: one page the size of the content without paper', async () => {
    const out = await renderPage(pool, job('/render/dashboards/shop%3A%3Aoverview?Status=complete&dashboard_style=tiled', { format: 'pdf', width: 800, height: 300 }));
    expect(out.contentType).toBe('application/pdf');
    expect(out.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(out.bytes);
    expect(text).toContain('MARKER dashboards shop::overview');
    expect(text).toContain('QUERY ?Status=complete&dashboard_style=tiled');
    expect(text).toContain('row 12');
    const info = pdfInfo(out.bytes);
    expect(info.pages).toBe(1);
    // 800 CSS px = 600 pt wide; at least the content's height (taller than the 300 px asked for).
    expect(info.width).toBeCloseTo(600, 0);
    expect(info.height).toBeGreaterThan(300 * 0.75);
  });

  it('lays a PDF out on the paper asked for, landscape, scaled to the requested width', async () => {
    const out = await renderPage(pool, job('/render/dashboards/9', { format: 'pdf', width: 1200, height: 800, paperSize: 'a4', landscape: true }));
    const info = pdfInfo(out.bytes);
    // A4 landscape: 297 × 210 mm (Chromium rounds to its own inch sizes, within 2 pt).
    expect(Math.abs(info.width - 841.9)).toBeLessThan(2);
    expect(Math.abs(info.height - 595.3)).toBeLessThan(2);
    expect(pdfText(out.bytes)).toContain('MARKER dashboards 9');
    expect(pdfScale('a4', true, 1200)).toBeCloseTo(((11.7 - 0.8) * 96) / 1200, 5);
    expect(pdfScale('letter', false, 100)).toBe(2);
    expect(pdfScale('a0', false, 1)).toBe(2);
  });

  it('fails with the page\'s own message when the page cannot show the content', async () => {
    pages.check = () => Promise.resolve('Dashboard 5 not found.');
    try {
      await expect(renderPage(pool, job('/render/dashboards/5'))).rejects.toThrow(new RenderFailure('The render page reported an error: Dashboard 5 not found.'));
      pages.check = () => Promise.resolve('look');
      await expect(renderPage(pool, job('/render/looks/alert'))).rejects.toThrow(new RenderFailure('The render page could not show the look: look alert not found.'));
    } finally {
      pages.check = null;
    }
  });

  it('fails at once when the render page does not exist on the server', async () => {
    await expect(renderPage(pool, job('/render/nothing/1'))).rejects.toThrow('The render page /render/nothing/1 answered HTTP 404: is the web UI built (npm run build:web)?');
  });

  it('stops when aborted, saying how far the tiles got', async () => {
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => { controller.abort(new Error('Too slow')); }, 400);
    const error = await renderPage(pool, job('/render/queries/never', { signal: controller.signal })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RenderFailure);
    expect((error as RenderFailure).message).toBe('Too slow (1 of 3 tiles had finished)');
    expect((error as RenderFailure).retry).toBe(false);
    expect(performance.now() - started).toBeLessThan(2500);
  });

  it('replaces a killed browser on the next render', async () => {
    await renderPage(pool, job('/render/queries/1'));
    const before = pool.launches;
    const pids = browserPids(DEFAULT_CHROMIUM);
    expect(pids).toHaveLength(1);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100 && pool.connected; i++) await new Promise((r) => setTimeout(r, 20));
    expect(pool.connected).toBe(false);
    const out = await renderPage(pool, job('/render/queries/2'));
    expect(pngSize(out.bytes)).toEqual({ width: 640, height: 400 });
    expect(pool.launches).toBe(before + 1);
    expect(browserPids(DEFAULT_CHROMIUM)).not.toEqual(pids);
  });

  it('a render running when the browser dies fails as retryable', async () => {
    const rendering = renderPage(pool, job('/render/queries/slow-3000')).catch((e: unknown) => e);
    for (let i = 0; i < 100 && !pages.hits.some((h) => h.path === '/render/queries/slow-3000'); i++) await new Promise((r) => setTimeout(r, 20));
    for (const pid of browserPids(DEFAULT_CHROMIUM)) process.kill(pid, 'SIGKILL');
    const error = await rendering;
    expect(error).toBeInstanceOf(RenderFailure);
    expect(error).toMatchObject({ message: 'The browser exited during the render.', retry: true });
    // The spare page opened in the dead browser is dropped; the next render gets a new browser.
    const out = await renderPage(pool, job('/render/queries/after'));
    expect(pngSize(out.bytes)).toEqual({ width: 640, height: 400 });
  });
});

describe('a node without Chromium', () => {
  it('explains how to install it, and refuses to launch', async () => {
    const pool = new BrowserPool({ executablePath: '/nonexistent/chromium-headless-shell' });
    expect(pool.unavailable()).toBe(missingBrowserMessage('/nonexistent/chromium-headless-shell'));
    expect(pool.unavailable()).toContain('apt-get install chromium-headless-shell');
    expect(pool.unavailable()).toContain('OVERLOOK_CHROMIUM');
    await expect(pool.browser()).rejects.toBeInstanceOf(RendererUnavailableError);
    await pool.close();
  });

  it('takes the browser path from OVERLOOK_CHROMIUM', () => {
    const saved = process.env.OVERLOOK_CHROMIUM;
    process.env.OVERLOOK_CHROMIUM = '/opt/chrome/headless';
    try {
      expect(new BrowserPool().executablePath).toBe('/opt/chrome/headless');
    } finally {
      if (saved === undefined) delete process.env.OVERLOOK_CHROMIUM;
      else process.env.OVERLOOK_CHROMIUM = saved;
    }
    expect(new BrowserPool({ executablePath: '/x' }).executablePath).toBe('/x');
  });
});
