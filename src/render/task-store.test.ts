import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store/index.ts';
import { createTestDatabase, DIALECTS, testClock, type TestClock, type TestDatabase } from '../store/test-support.ts';
import { RenderTaskStore, type NewRenderTask } from './task-store.ts';

describe.each(DIALECTS)('render task queue on %s', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  let clock: TestClock;
  let tasks: RenderTaskStore;
  let userId = '';
  const input = (id: string, extra: Partial<NewRenderTask> = {}): NewRenderTask => ({
    userId, format: 'png', width: 640, height: 480, target: { kind: 'query', id }, options: {}, ...extra,
  });

  beforeAll(async () => {
    db = await createTestDatabase(dialect, 'render');
    clock = testClock();
    store = await db.open(clock.now);
    tasks = new RenderTaskStore(store);
    userId = (await store.users.createUser({ first_name: 'Rita', last_name: 'Render' })).id;
  });

  afterAll(async () => {
    await store.close();
    await db.cleanup();
  });

  it('creates a waiting task with its target and options, and reads it back', async () => {
    const t = await tasks.create(input('7', {
      format: 'pdf', target: { kind: 'lookml_dashboard', id: 'shop::overview' },
      options: { dashboard_filters: 'Status=complete', dashboard_style: 'tiled', pdf_paper_size: 'a4', pdf_landscape: true, long_tables: true },
    }));
    expect(t).toMatchObject({
      user_id: userId, result_format: 'pdf', width: 640, height: 480, status: 'enqueued_for_query', status_detail: null,
      target: { kind: 'lookml_dashboard', id: 'shop::overview' }, attempts: 0, node_id: null, finalized_at: null, commits: null,
      options: { dashboard_filters: 'Status=complete', dashboard_style: 'tiled', pdf_paper_size: 'a4', pdf_landscape: true, long_tables: true },
      created_at: '2024-01-01T00:00:00.000Z',
    });
    expect(t.id).toMatch(/^[0-9a-f]{32}$/);
    expect(await tasks.get(t.id)).toEqual(t);
    expect(await tasks.waiting()).toBe(1);
    expect(await tasks.delete(t.id)).toBe(true);
    expect(await tasks.get(t.id)).toBeNull();
  });

  it('hands out the oldest task first, each to one node only, and none when the queue is empty', async () => {
    const a = await tasks.create(input('1'));
    clock.advance(1);
    const b = await tasks.create(input('2'));
    clock.advance(1);
    const [first, second, third] = await Promise.all([tasks.claim('node-a', 60_000, 2), tasks.claim('node-b', 60_000, 2), tasks.claim('node-c', 60_000, 2)]);
    const claimed = [first, second, third].filter((t) => t !== null);
    expect(claimed.map((t) => t.id).sort()).toEqual([a.id, b.id].sort());
    expect(new Set(claimed.map((t) => t.node_id)).size).toBe(2);
    for (const t of claimed) expect(t).toMatchObject({ status: 'querying', attempts: 1, started_at: '2024-01-01T00:00:02.000Z', lease_until: '2024-01-01T00:01:02.000Z' });
    expect(await tasks.claim('node-d', 60_000, 2)).toBeNull();
    for (const t of claimed) await tasks.delete(t.id);
  });

  it('moves a held task forward, stores its bytes with the success, and serves them', async () => {
    const t = await tasks.create(input('3'));
    const claimed = await tasks.claim('node-a', 60_000, 2);
    expect(claimed?.id).toBe(t.id);
    expect(await tasks.advance(t.id, 'node-b', 'rendering')).toBe(false);
    expect(await tasks.advance(t.id, 'node-a', 'querying', { commits: { shop: 'abc123' } })).toBe(true);
    expect(await tasks.advance(t.id, 'node-a', 'rendering', { query_runtime: 0.5 })).toBe(true);
    expect(await tasks.held([t.id, 'nope'], 'node-a')).toEqual(new Set([t.id]));
    expect(await tasks.held([t.id], 'node-b')).toEqual(new Set());
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
    expect(await tasks.succeed(t.id, 'node-a', { contentType: 'image/png', bytes, detail: 'Rendered from production: shop@abc123.', times: { render_runtime: 0.25, runtime: 1 } })).toBe(true);
    expect(await tasks.get(t.id)).toMatchObject({
      status: 'success', status_detail: 'Rendered from production: shop@abc123.', commits: { shop: 'abc123' },
      query_runtime: 0.5, render_runtime: 0.25, runtime: 1, finalized_at: '2024-01-01T00:00:02.000Z', lease_until: null,
    });
    const result = await tasks.result(t.id);
    expect(result?.content_type).toBe('image/png');
    expect(Buffer.isBuffer(result?.bytes)).toBe(true);
    expect(result?.bytes.equals(bytes)).toBe(true);
    // Finished: no longer held, and a late failure does not overwrite it.
    expect(await tasks.held([t.id], 'node-a')).toEqual(new Set());
    expect(await tasks.fail(t.id, 'node-a', 'late')).toBe(false);
    expect(await tasks.fail(t.id, null, 'late')).toBe(false);
    await tasks.delete(t.id);
    expect(await tasks.result(t.id)).toBeNull();
  });

  it('records every status a task takes, with its time, once per change', async () => {
    const t = await tasks.create(input('11', { target: { kind: 'dashboard_element', id: 'shop::board::t0' } }));
    expect(t.target).toEqual({ kind: 'dashboard_element', id: 'shop::board::t0' });
    clock.advance(1);
    await tasks.claim('node-a', 60_000, 2);
    // Still querying (the commits are noted): no second `querying` step.
    await tasks.advance(t.id, 'node-a', 'querying', { commits: { shop: 'abc' } });
    clock.advance(1);
    await tasks.advance(t.id, 'node-a', 'enqueued_for_render', { query_runtime: 1 });
    clock.advance(1);
    await tasks.advance(t.id, 'node-a', 'rendering');
    clock.advance(1);
    // A crash puts it back; the retry goes through the steps again.
    await tasks.release(t.id, 'node-a', true);
    await tasks.claim('node-b', 60_000, 2);
    await tasks.fail(t.id, 'node-b', 'Broken.');
    const done = await tasks.get(t.id);
    const seconds = (at: string): number => (Date.parse(at) - Date.parse(t.created_at)) / 1000;
    expect(done?.status_history.map((h) => `${seconds(h.at)} ${h.status}`)).toEqual([
      '0 enqueued_for_query', '1 querying', '2 enqueued_for_render', '3 rendering', '4 enqueued_for_query', '4 querying', '4 failure',
    ]);
    await tasks.delete(t.id);
  });

  it('does not store the bytes of a task deleted while it rendered', async () => {
    const t = await tasks.create(input('4'));
    await tasks.claim('node-a', 60_000, 2);
    await tasks.delete(t.id);
    expect(await tasks.succeed(t.id, 'node-a', { contentType: 'image/png', bytes: Buffer.from('x'), detail: null, times: {} })).toBe(false);
    expect(await tasks.result(t.id)).toBeNull();
  });

  it('retakes a task whose node died (lease ran out) until its attempts are used, then fails it in the sweep', async () => {
    const t = await tasks.create(input('5'));
    expect((await tasks.claim('dead-1', 10_000, 2))?.id).toBe(t.id);
    expect(await tasks.claim('node-b', 10_000, 2)).toBeNull();
    clock.advance(11);
    const again = await tasks.claim('dead-2', 10_000, 2);
    expect(again).toMatchObject({ id: t.id, node_id: 'dead-2', attempts: 2 });
    expect(await tasks.advance(t.id, 'dead-1', 'rendering')).toBe(false);
    clock.advance(11);
    expect(await tasks.claim('node-b', 10_000, 2)).toBeNull();
    expect(await tasks.sweep(3_600_000, 2)).toEqual({ removed: 0, orphaned: 1 });
    expect(await tasks.get(t.id)).toMatchObject({ status: 'failure', status_detail: 'The render was interrupted 2 time(s): the server rendering it stopped.' });
    await tasks.delete(t.id);
  });

  it('keeps a task with its node while heartbeats renew the lease, and only the holder can renew', async () => {
    const t = await tasks.create(input('6'));
    expect((await tasks.claim('live', 10_000, 2))?.id).toBe(t.id);
    for (let i = 0; i < 3; i++) {
      clock.advance(8);
      expect(await tasks.renew([t.id], 'live', 10_000)).toEqual(new Set([t.id]));
      expect(await tasks.renew([t.id], 'other', 10_000)).toEqual(new Set());
    }
    // 24 s after the claim, past the first lease: still held, so nobody else takes it.
    expect(await tasks.claim('node-b', 10_000, 2)).toBeNull();
    clock.advance(11);
    expect(await tasks.claim('node-b', 10_000, 2)).toMatchObject({ id: t.id, node_id: 'node-b', attempts: 2 });
    expect(await tasks.renew([t.id], 'live', 10_000)).toEqual(new Set());
    await tasks.delete(t.id);
  });

  it('puts a released task back in the queue, giving the attempt back on shutdown', async () => {
    const t = await tasks.create(input('6'));
    await tasks.claim('node-a', 60_000, 2);
    expect(await tasks.release(t.id, 'node-b', true)).toBe(false);
    expect(await tasks.release(t.id, 'node-a', false)).toBe(true);
    expect(await tasks.get(t.id)).toMatchObject({ status: 'enqueued_for_query', node_id: null, attempts: 0 });
    await tasks.claim('node-a', 60_000, 2);
    expect(await tasks.release(t.id, 'node-a', true)).toBe(true);
    expect(await tasks.get(t.id)).toMatchObject({ status: 'enqueued_for_query', attempts: 1 });
    expect(await tasks.fail(t.id, null, 'Refused.')).toBe(true);
    expect(await tasks.get(t.id)).toMatchObject({ status: 'failure', status_detail: 'Refused.' });
    await tasks.delete(t.id);
  });

  it('removes finished tasks and their bytes once they are older than the result time', async () => {
    const done = await tasks.create(input('8'));
    await tasks.claim('node-a', 60_000, 2);
    await tasks.succeed(done.id, 'node-a', { contentType: 'image/png', bytes: Buffer.from('png'), detail: null, times: {} });
    const waiting = await tasks.create(input('9'));
    clock.advance(30);
    expect(await tasks.sweep(60_000, 2)).toEqual({ removed: 0, orphaned: 0 });
    clock.advance(31);
    expect(await tasks.sweep(60_000, 2)).toEqual({ removed: 1, orphaned: 0 });
    expect(await tasks.get(done.id)).toBeNull();
    expect(await tasks.result(done.id)).toBeNull();
    expect((await tasks.get(waiting.id))?.status).toBe('enqueued_for_query');
    await tasks.delete(waiting.id);
  });

  it('drops a user\'s tasks with the user', async () => {
    const other = await store.users.createUser({ first_name: 'Gone' });
    const t = await tasks.create({ ...input('10'), userId: other.id });
    await store.users.deleteUser(other.id);
    expect(await tasks.get(t.id)).toBeNull();
  });
});
