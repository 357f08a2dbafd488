import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ContentError } from '../content/errors.ts';
import { hashToken, type Store } from '../store/index.ts';
import { createTestDatabase, type TestDatabase } from '../store/test-support.ts';
import { BrowserPool, DEFAULT_CHROMIUM } from './browser-pool.ts';
import type { RenderTarget } from './task-store.ts';
import { RenderTaskStore, type RenderTaskRecord } from './task-store.ts';
import { browserPids, pngSize, startTestPages, type TestPages } from './test-pages.ts';
import { RenderWorker, type WorkerOptions } from './worker.ts';

const OPTIONS: WorkerOptions = { concurrency: 4, timeoutMs: 20_000, resultTtlMs: 3_600_000, pollMs: 200, maxAttempts: 2, cancelCheckMs: 100, leaseMs: 30_000 };

describe('the render worker', () => {
  let db: TestDatabase;
  let store: Store;
  let pages: TestPages;
  let tasks: RenderTaskStore;
  let pool: BrowserPool;
  let userId = '';
  const refused = new Set<string>();
  const content = {
    check: async (_who: unknown, target: RenderTarget): Promise<string[]> => {
      await Promise.resolve();
      if (refused.has(target.id)) throw new ContentError('not_found', `Query ${target.id} not found.`);
      return ['shop'];
    },
    commits: async (): Promise<Record<string, string>> => {
      await Promise.resolve();
      return { shop: '0123456789abcdef0123' };
    },
  };
  const workers: RenderWorker[] = [];
  const worker = (options: Partial<WorkerOptions> = {}): RenderWorker => {
    const w = new RenderWorker({ store, tasks, pool, content }, { ...OPTIONS, ...options });
    workers.push(w);
    w.setBaseUrl(`${pages.url}/`);
    return w;
  };
  const queue = (id: string): Promise<RenderTaskRecord> => tasks.create({ userId, format: 'png', width: 500, height: 300, target: { kind: 'query', id }, options: {} });
  const settled = async (id: string, timeoutMs = 20_000): Promise<RenderTaskRecord> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const t = await tasks.get(id);
      if (!t) throw new Error(`task ${id} is gone`);
      if (t.status === 'success' || t.status === 'failure') return t;
      if (Date.now() > until) throw new Error(`task ${id} still ${t.status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase('sqlite', 'render-worker');
    store = await db.open();
    tasks = new RenderTaskStore(store);
    pages = await startTestPages();
    pool = new BrowserPool({ executablePath: DEFAULT_CHROMIUM });
    userId = (await store.users.createUser({ first_name: 'Wanda', last_name: 'Worker' })).id;
  });

  afterEach(async () => {
    for (const w of workers.splice(0)) await w.close();
    pages.check = null;
  });

  afterAll(async () => {
    await pool.close();
    await pages.close();
    await store.close();
    await db.cleanup();
  });

  it('renders as the requesting user through a production-only render session, then revokes it', async () => {
    const sessions: { kind: string; user: string; hash: string }[] = [];
    pages.check = async (hit) => {
      const raw = hit.cookies.overlook_session ?? '';
      const found = await store.browserSessions.findByHash(hashToken(raw));
      if (found) sessions.push({ kind: found.kind, user: found.user_id, hash: found.session_hash });
      return null;
    };
    const t = await queue('11');
    worker();
    const done = await settled(t.id);
    expect(done).toMatchObject({
      status: 'success', status_detail: 'Rendered from production: shop@0123456789ab.', commits: { shop: '0123456789abcdef0123' }, attempts: 1,
    });
    expect(done.query_runtime).toBeGreaterThan(0);
    expect(done.render_runtime).toBeGreaterThan(0);
    expect(done.runtime).toBeGreaterThanOrEqual(done.render_runtime ?? 0);
    expect(pngSize((await tasks.result(t.id))?.bytes ?? Buffer.alloc(0))).toEqual({ width: 500, height: 300 });
    expect(sessions).toEqual([{ kind: 'render', user: userId, hash: expect.any(String) as string }]);
    expect(await store.browserSessions.findByHash(sessions[0]?.hash ?? '')).toBeNull();
    expect(pages.hits.at(-1)?.path).toBe('/render/queries/11');
  });

  it('goes querying → enqueued_for_render (page ready, waiting for a capture slot) → rendering → success', async () => {
    const w = worker({ concurrency: 2, captureConcurrency: 1 });
    // Every capture slot is taken (as by another render's capture): a ready page has to wait.
    const hold = new AbortController();
    const release = await w.captureSlots.acquire(hold.signal);
    const t = await queue('slow-100');
    const seen: string[] = [];
    for (let i = 0; i < 250; i++) {
      const status = (await tasks.get(t.id))?.status ?? 'gone';
      if (seen.at(-1) !== status) seen.push(status);
      if (status === 'enqueued_for_render') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(seen.at(-1)).toBe('enqueued_for_render');
    // It stays there while the slot is held: its page is ready, its capture has not started.
    await new Promise((r) => setTimeout(r, 300));
    expect(await tasks.get(t.id)).toMatchObject({ status: 'enqueued_for_render', finalized_at: null });
    expect(w.captureSlots.waiting).toBe(1);
    release();
    const done = await settled(t.id);
    expect(done.status).toBe('success');
    expect(done.status_history.map((h) => h.status)).toEqual(['enqueued_for_query', 'querying', 'enqueued_for_render', 'rendering', 'success']);
    const at = (s: string): number => Date.parse(done.status_history.find((h) => h.status === s)?.at ?? '');
    expect(at('rendering') - at('enqueued_for_render')).toBeGreaterThanOrEqual(300);
    expect(w.captureSlots.used).toBe(0);
  });

  it('gives a waiting render\'s place in the capture line back when it times out', async () => {
    const w = worker({ concurrency: 2, captureConcurrency: 1, timeoutMs: 1500 });
    const hold = new AbortController();
    const release = await w.captureSlots.acquire(hold.signal);
    const t = await queue('12');
    const failed = await settled(t.id);
    expect(failed.status).toBe('failure');
    expect(failed.status_detail).toMatch(/^The render took longer than the render timeout \(1\.5 s\) and was stopped/);
    expect(failed.status_history.map((h) => h.status)).toEqual(['enqueued_for_query', 'querying', 'enqueued_for_render', 'failure']);
    expect(w.captureSlots.waiting).toBe(0);
    release();
    expect(w.captureSlots.used).toBe(0);
  });

  it('finishes 8 tasks queued at once, never more than its concurrency at a time', async () => {
    const before = pages.maxOpen();
    expect(before).toBeLessThanOrEqual(1);
    const made = await Promise.all(Array.from({ length: 8 }, (_, i) => queue(`slow-${300 + i}`)));
    const w = worker({ concurrency: 4 });
    const done = await Promise.all(made.map((t) => settled(t.id)));
    expect(done.map((t) => t.status)).toEqual(Array(8).fill('success'));
    expect(pages.maxOpen()).toBeLessThanOrEqual(4);
    expect(pages.maxOpen()).toBeGreaterThanOrEqual(2);
    expect(w.running).toBe(0);
  });

  it('fails a render that runs past the timeout, with the reason, and frees its slot for the next task', async () => {
    const slow = await queue('never');
    const next = await queue('12');
    const w = worker({ concurrency: 1, timeoutMs: 1500 });
    const failed = await settled(slow.id);
    expect(failed.status).toBe('failure');
    expect(failed.status_detail).toBe('The render took longer than the render timeout (1.5 s) and was stopped (1 of 3 tiles had finished)');
    expect(failed.runtime).toBeGreaterThanOrEqual(1.5);
    expect(failed.finalized_at).not.toBeNull();
    expect(await tasks.result(slow.id)).toBeNull();
    expect((await settled(next.id)).status).toBe('success');
    expect(w.running).toBe(0);
  });

  it('stops the render of a deleted task and takes the next one', async () => {
    const doomed = await queue('never');
    const w = worker({ concurrency: 1 });
    for (let i = 0; i < 200 && (await tasks.get(doomed.id))?.status === 'enqueued_for_query'; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    expect(w.running).toBe(1);
    expect(await tasks.delete(doomed.id)).toBe(true);
    for (let i = 0; i < 100 && w.running > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(w.running).toBe(0);
    const next = await queue('13');
    expect((await settled(next.id)).status).toBe('success');
  });

  it('fails a task whose content is no longer there in production, with the reason', async () => {
    refused.add('404');
    const t = await queue('404');
    worker();
    expect(await settled(t.id)).toMatchObject({ status: 'failure', status_detail: 'Query 404 not found.' });
  });

  it('renders again in a new browser when the browser is killed mid-render', async () => {
    const t = await queue('slow-1500');
    worker();
    for (let i = 0; i < 200 && !pages.hits.some((h) => h.path === '/render/queries/slow-1500'); i++) await new Promise((r) => setTimeout(r, 20));
    const launches = pool.launches;
    const pids = browserPids(DEFAULT_CHROMIUM);
    expect(pids).toHaveLength(1);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    const done = await settled(t.id);
    expect(done).toMatchObject({ status: 'success', attempts: 2 });
    expect(pool.launches).toBe(launches + 1);
    expect(pages.hits.filter((h) => h.path === '/render/queries/slow-1500')).toHaveLength(2);
  });

  it('gives running tasks back to the queue when it shuts down', async () => {
    const t = await queue('never');
    const w = worker();
    for (let i = 0; i < 200 && w.running === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await w.close();
    expect(await tasks.get(t.id)).toMatchObject({ status: 'enqueued_for_query', node_id: null, attempts: 0 });
    await tasks.delete(t.id);
  });

  it('leaves the queue to other nodes when it has no browser', async () => {
    const t = await queue('15');
    const w = new RenderWorker({ store, tasks, pool: new BrowserPool({ executablePath: '/nonexistent/chromium' }), content }, OPTIONS);
    workers.push(w);
    w.setBaseUrl(pages.url);
    await new Promise((r) => setTimeout(r, 500));
    expect((await tasks.get(t.id))?.status).toBe('enqueued_for_query');
    await tasks.delete(t.id);
  });

  it('waits for its address before taking any job', async () => {
    const t = await queue('14');
    const w = new RenderWorker({ store, tasks, pool, content }, OPTIONS);
    workers.push(w);
    w.start();
    w.kick();
    await new Promise((r) => setTimeout(r, 300));
    expect((await tasks.get(t.id))?.status).toBe('enqueued_for_query');
    w.setBaseUrl(pages.url);
    expect((await settled(t.id)).status).toBe('success');
  });
});
