/** Shared by the render end-to-end suites: polling a task, its bytes, a cookie browser, a marker dashboard. */
import type { IRenderTask, Looker40SDK } from '@looker/sdk';

/** A LookML dashboard whose tiles show `orders.label` (the marker that differs per workspace). */
export function board(name: string, title: string, tiles = 1): string {
  const elements = Array.from({ length: tiles }, (_, i) => `  - name: t${i}
    title: Tile ${i}
    model: shop
    explore: orders
    type: ${i % 2 === 0 ? 'looker_grid' : 'single_value'}
    fields: [orders.label, orders.count]
    sorts: [orders.label]
    row: ${Math.floor(i / 2) * 4}
    col: ${(i % 2) * 12}
    width: 12
    height: 4
`).join('');
  return `- dashboard: ${name}\n  title: ${title}\n  layout: newspaper\n  elements:\n${elements}`;
}

export async function waitForTask(sdk: Looker40SDK, id: string, timeoutMs = 60_000): Promise<IRenderTask> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const t = await sdk.ok(sdk.render_task(id));
    if (t.status === 'success' || t.status === 'failure') return t;
    if (Date.now() > until) throw new Error(`render task ${id} still ${String(t.status)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The finished task's bytes, through the SDK: the Node SDK hands binary content types (no charset)
 * back as a "binary" (latin1) string, one character per byte.
 */
export async function renderBytes(sdk: Looker40SDK, id: string): Promise<Buffer> {
  const body: unknown = await sdk.ok(sdk.render_task_results(id));
  if (typeof body === 'string') return Buffer.from(body, 'binary');
  throw new Error(`render_task_results gave ${typeof body}, not bytes`);
}

/** One browser's cookies, sent back like a browser would (same origin), with the CSRF header on writes. */
export class RenderBrowser {
  readonly cookies = new Map<string, string>();
  readonly #base: string;

  constructor(base: string) {
    this.#base = base;
  }

  async raw(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie !== '') headers.cookie = cookie;
    const csrf = this.cookies.get('overlook_csrf');
    if (csrf !== undefined && method !== 'GET') headers['x-csrf-token'] = csrf;
    const res = await fetch(`${this.#base}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return res;
  }

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const res = await this.raw(method, path, body);
    const text = await res.text();
    return { status: res.status, body: text === '' ? null : JSON.parse(text) as unknown };
  }

  async signIn(who: { email: string; password: string }): Promise<void> {
    const res = await this.call('POST', '/x-overlook/ui/login', who);
    if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
}
