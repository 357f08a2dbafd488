/**
 * Issue 8, the render queue's limits end to end (official SDK): a render that runs past the render
 * timeout fails with a clear reason and gives its slot to the next task (its query is cancelled
 * with the page); a deleted task stops its render; a server without Chromium still starts and its
 * render endpoints say how to install it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LookerNodeSDK, NodeSettingsIniFile } from '@looker/sdk-node';
import type { Looker40SDK } from '@looker/sdk';
import { serve } from '../../src/cli/serve.ts';
import { pngSize } from '../../src/render/test-pages.ts';
import { QUERY_ADMIN, startQueryFixture, type QueryFixture } from './support.ts';
import { renderBytes, waitForTask } from './render-support.ts';

/** Sets environment variables for the servers a block starts (each reads them at start). */
function withEnv(vars: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) Reflect.deleteProperty(process.env, k);
      else process.env[k] = v;
    }
  };
}

describe('render timeout and cancellation', () => {
  let fx: QueryFixture;
  let admin: Looker40SDK;
  let slowQuery = '';
  let quickQuery = '';

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    const restore = withEnv({ OVERLOOK_RENDER_TIMEOUT_SECONDS: '5', OVERLOOK_RENDER_CONCURRENCY: '2' });
    try {
      fx = await startQueryFixture('sqlite', 'unused', { connection: true });
    } finally {
      restore();
    }
    admin = fx.sdk();
    slowQuery = (await admin.ok(admin.create_query({ model: 'shop', view: 'slow', fields: ['slow.x'] }))).id ?? '';
    quickQuery = (await admin.ok(admin.create_query({ model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'] }))).id ?? '';
  });

  afterAll(async () => {
    await fx.close();
  });

  it('fails renders that run past the timeout with the reason, and the next task gets their slots', async () => {
    const started = Date.now();
    const slow = await Promise.all([1, 2].map(() => admin.ok(admin.create_query_render_task(slowQuery, 'png', 400, 300))));
    const quick = await admin.ok(admin.create_query_render_task(quickQuery, 'png', 400, 300));
    for (const t of slow) {
      const done = await waitForTask(admin, t.id ?? '');
      expect(done.status).toBe('failure');
      expect(done.status_detail).toBe('The render took longer than the render timeout (5 s) and was stopped (0 of 1 tiles had finished)');
      expect(done.runtime).toBeGreaterThanOrEqual(5);
      expect(done.finalized_at).not.toBeNull();
      const res = await fx.raw(admin, 'GET', `/render_tasks/${t.id ?? ''}/results`);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        message: `Render task ${t.id ?? ''} failed: The render took longer than the render timeout (5 s) and was stopped (0 of 1 tiles had finished)`,
        documentation_url: 'https://cloud.google.com/looker/docs/r/err/4.0/400/get/render_tasks/:render_task_id/results',
      });
    }
    // Both slots were taken by the slow renders: the quick one ran only once they had been stopped.
    const done = await waitForTask(admin, quick.id ?? '');
    expect(done.status).toBe('success');
    expect(Date.now() - started).toBeGreaterThanOrEqual(5000);
    expect(pngSize(await renderBytes(admin, quick.id ?? ''))).toEqual({ width: 400, height: 300 });
    // The stopped pages' queries were cancelled with them: nothing is left running.
    for (let i = 0; i < 50 && (await admin.ok(admin.all_running_queries())).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await admin.ok(admin.all_running_queries())).toEqual([]);
  });

  it('stops the render of a task deleted while it runs, freeing its slot', async () => {
    const slow = await admin.ok(admin.create_query_render_task(slowQuery, 'png', 400, 300));
    for (let i = 0; i < 100 && (await admin.ok(admin.render_task(slow.id ?? ''))).status === 'enqueued_for_query'; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await fx.raw(admin, 'DELETE', `/render_tasks/${slow.id ?? ''}`)).status).toBe(204);
    const second = await admin.ok(admin.create_query_render_task(slowQuery, 'png', 400, 300));
    const started = Date.now();
    const quick = await admin.ok(admin.create_query_render_task(quickQuery, 'png', 400, 300));
    expect((await waitForTask(admin, quick.id ?? '')).status).toBe('success');
    // Well before the 5 s timeout: the deleted task's slot was free.
    expect(Date.now() - started).toBeLessThan(4000);
    await fx.raw(admin, 'DELETE', `/render_tasks/${second.id ?? ''}`);
  });
});

describe('a server without Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'overlook-render-nochrome-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts, and its render endpoints say how to install the browser', async () => {
    const restore = withEnv({ OVERLOOK_CHROMIUM: join(dir, 'no-such-chromium') });
    const server = await serve({ port: 0, host: '127.0.0.1', dataDir: join(dir, 'data'), adminEnv: QUERY_ADMIN, handleSignals: false, log: () => undefined })
      .finally(restore);
    try {
      const ini = join(dir, 'sdk.ini');
      writeFileSync(ini, `[Looker]\nbase_url=${server.url}\nclient_id=${QUERY_ADMIN.OVERLOOK_ADMIN_CLIENT_ID}\nclient_secret=${QUERY_ADMIN.OVERLOOK_ADMIN_CLIENT_SECRET}\nverify_ssl=false\n`);
      const sdk = LookerNodeSDK.init40(new NodeSettingsIniFile('', ini, 'Looker'));
      expect((await sdk.ok(sdk.me())).email).toBe(QUERY_ADMIN.OVERLOOK_ADMIN_EMAIL);
      const made = await sdk.create_query_render_task('1', 'png', 400, 300);
      expect(made.ok).toBe(false);
      const error = made.ok ? null : made.error as { message?: string; documentation_url?: string };
      expect(error?.message).toBe(`Rendering needs Chromium's headless shell, but ${join(dir, 'no-such-chromium')} is missing or not executable. `
        + 'Install it with `apt-get install chromium-headless-shell` (Debian/Ubuntu; it puts the browser at /usr/lib/chromium/chromium-headless-shell), '
        + 'or set OVERLOOK_CHROMIUM to the path of a chromium-headless-shell or chromium binary, then restart the server.');
      expect(error?.documentation_url).toBe('https://cloud.google.com/looker/docs/r/err/4.0/503/post/render_tasks/queries/:query_id/:result_format');
    } finally {
      await server.close();
    }
  });
});
