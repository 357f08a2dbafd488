import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from './index.ts';
import type { NewQueryTask, QueryTaskOutcome } from './query-tasks.ts';
import { createTestDatabase, DIALECTS, testClock, type TestClock, type TestDatabase } from './test-support.ts';

const outcome = (result: string): QueryTaskOutcome => ({ status: 'complete', result, content_type: 'application/json', message: null, runtime: 0.5 });
const details = { sql: 'SELECT 1', connection_name: 'warehouse', dialect: 'duckdb' };

describe.each(DIALECTS)('query task leases on %s', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  let clock: TestClock;
  let userId = '';
  const input = (extra: Partial<NewQueryTask> = {}): NewQueryTask => ({
    user_id: userId, query_id: '7', result_format: 'json', workspace_id: 'production', options: {}, source: null,
    node_id: 'node-a', lease_ms: 10_000, ...extra,
  });

  beforeAll(async () => {
    db = await createTestDatabase(dialect, 'qtasks');
    clock = testClock();
    store = await db.open(clock.now);
    userId = (await store.users.createUser({ first_name: 'Quinn', last_name: 'Task' })).id;
  });

  afterAll(async () => {
    await store.close();
    await db.cleanup();
  });

  it('creates a task held by its node, or a deferred one nobody holds', async () => {
    const t = await store.queryTasks.createTask(input());
    expect(t).toMatchObject({ status: 'added', node_id: 'node-a', attempts: 1, lease_until: '2024-01-01T00:00:10.000Z', created_at: '2024-01-01T00:00:00.000Z' });
    const d = await store.queryTasks.createTask(input({ lease_ms: null, options: { deferred: true } }));
    expect(d).toMatchObject({ status: 'added', node_id: 'node-a', attempts: 0, lease_until: null, options: { deferred: true } });
    // Neither is a dead node's: the poll finds nothing; a held task cannot be taken by id either.
    expect(await store.queryTasks.claim('next', 'node-b', 10_000, 3)).toBeNull();
    expect(await store.queryTasks.claim({ id: t.id }, 'node-b', 10_000, 3)).toBeNull();
    // The deferred one goes to the first node asked for its results, once.
    clock.advance(1);
    expect(await store.queryTasks.claim({ id: d.id }, 'node-b', 10_000, 3)).toMatchObject({ id: d.id, node_id: 'node-b', attempts: 1, lease_until: '2024-01-01T00:00:11.000Z' });
    expect(await store.queryTasks.claim({ id: d.id }, 'node-c', 10_000, 3)).toBeNull();
    expect(await store.queryTasks.finishTask(t.id, 'node-a', outcome('[]'))).toBe(true);
    expect(await store.queryTasks.finishTask(d.id, 'node-b', outcome('[]'))).toBe(true);
    expect(await store.queryTasks.task(t.id)).toMatchObject({ status: 'complete', lease_until: null, completed_at: '2024-01-01T00:00:01.000Z' });
  });

  it('extends the leases of the tasks a node holds, and only those', async () => {
    const t = await store.queryTasks.createTask(input());
    const other = await store.queryTasks.createTask(input({ node_id: 'node-b' }));
    clock.advance(5);
    expect(await store.queryTasks.heartbeat([t.id, other.id, 'nope'], 'node-a', 10_000)).toEqual(new Set([t.id]));
    expect((await store.queryTasks.task(t.id))?.lease_until).toBe('2024-01-01T00:00:16.000Z');
    expect((await store.queryTasks.task(other.id))?.lease_until).toBe('2024-01-01T00:00:11.000Z');
    expect(await store.queryTasks.held([t.id, other.id], 'node-b')).toEqual(new Set([other.id]));
    expect(await store.queryTasks.heartbeat([], 'node-a', 10_000)).toEqual(new Set());
    clock.advance(8);
    // node-b stopped beating: its task is taken; node-a's is not.
    const taken = await store.queryTasks.claim('next', 'node-c', 10_000, 3);
    expect(taken).toMatchObject({ id: other.id, node_id: 'node-c', attempts: 2 });
    expect(await store.queryTasks.claim('next', 'node-c', 10_000, 3)).toBeNull();
    for (const id of [t.id, other.id]) await store.queryTasks.killTask(id);
  });

  it("retries a dead node's task on another node; the old node can neither start nor finish it afterwards", async () => {
    const t = await store.queryTasks.createTask(input());
    expect(await store.queryTasks.startTask(t.id, 'node-b', details)).toBe(false);
    expect(await store.queryTasks.startTask(t.id, 'node-a', details)).toBe(true);
    expect(await store.queryTasks.task(t.id)).toMatchObject({ status: 'running', node_id: 'node-a', sql: 'SELECT 1' });
    clock.advance(11);
    const retried = await store.queryTasks.claim('next', 'node-b', 10_000, 3);
    expect(retried).toMatchObject({ id: t.id, status: 'running', node_id: 'node-b', attempts: 2 });
    expect(await store.queryTasks.held([t.id], 'node-a')).toEqual(new Set());
    expect(await store.queryTasks.heartbeat([t.id], 'node-a', 10_000)).toEqual(new Set());
    expect(await store.queryTasks.startTask(t.id, 'node-b', details)).toBe(true);
    expect(await store.queryTasks.finishTask(t.id, 'node-a', outcome('"from a"'))).toBe(false);
    expect(await store.queryTasks.finishTask(t.id, 'node-b', outcome('"from b"'))).toBe(true);
    expect(await store.queryTasks.finishTask(t.id, 'node-a', outcome('"from a, later"'))).toBe(false);
    expect(await store.queryTasks.finishTask(t.id, 'node-b', outcome('"from b, again"'))).toBe(false);
    expect(await store.queryTasks.task(t.id)).toMatchObject({ status: 'complete', result: '"from b"', node_id: 'node-b', lease_until: null });
    clock.advance(11);
    expect(await store.queryTasks.claim('next', 'node-c', 10_000, 3)).toBeNull();
    expect(await store.queryTasks.claim({ id: t.id }, 'node-c', 10_000, 3)).toBeNull();
  });

  it('lets a kill win over the holder and over retries', async () => {
    const t = await store.queryTasks.createTask(input());
    await store.queryTasks.startTask(t.id, 'node-a', details);
    expect(await store.queryTasks.killTask(t.id)).toBe(true);
    expect(await store.queryTasks.held([t.id], 'node-a')).toEqual(new Set());
    expect(await store.queryTasks.finishTask(t.id, 'node-a', outcome('[]'))).toBe(false);
    clock.advance(11);
    expect(await store.queryTasks.claim('next', 'node-b', 10_000, 3)).toBeNull();
    expect(await store.queryTasks.claim({ id: t.id }, 'node-b', 10_000, 3)).toBeNull();
    expect(await store.queryTasks.exhausted(1)).toEqual([]);
    expect(await store.queryTasks.task(t.id)).toMatchObject({ status: 'killed', message: 'Query killed.', result: null, lease_until: null });
    expect(await store.queryTasks.killTask(t.id)).toBe(false);
  });

  it('stops retrying after maxAttempts and fails the task once', async () => {
    const t = await store.queryTasks.createTask(input());
    clock.advance(11);
    expect(await store.queryTasks.exhausted(2)).toEqual([]);
    expect(await store.queryTasks.claim('next', 'node-b', 10_000, 2)).toMatchObject({ id: t.id, attempts: 2 });
    clock.advance(11);
    expect(await store.queryTasks.claim('next', 'node-c', 10_000, 2)).toBeNull();
    expect(await store.queryTasks.claim({ id: t.id }, 'node-c', 10_000, 2)).toBeNull();
    const exhausted = await store.queryTasks.exhausted(2);
    expect(exhausted.map((x) => [x.id, x.attempts])).toEqual([[t.id, 2]]);
    const failure: QueryTaskOutcome = { status: 'error', result: '[{"looker_error":"stopped"}]', content_type: 'application/json', message: 'stopped', runtime: null };
    // With a higher bound the task is not exhausted (that node would take it instead).
    expect(await store.queryTasks.failExhausted(t.id, 3, failure)).toBe(false);
    expect(await store.queryTasks.failExhausted(t.id, 2, failure)).toBe(true);
    expect(await store.queryTasks.failExhausted(t.id, 2, failure)).toBe(false);
    expect(await store.queryTasks.task(t.id)).toMatchObject({ status: 'error', message: 'stopped', result: '[{"looker_error":"stopped"}]', lease_until: null, runtime: null });
    expect(await store.queryTasks.exhausted(2)).toEqual([]);
  });

  it('takes a running task left without a lease (from before leases) but leaves a waiting deferred one alone', async () => {
    const running = await store.queryTasks.createTask(input());
    await store.db.updateTable('query_tasks').set({ status: 'running', lease_until: null }).where('id', '=', running.id).execute();
    const deferred = await store.queryTasks.createTask(input({ lease_ms: null }));
    expect(await store.queryTasks.claim('next', 'node-b', 10_000, 3)).toMatchObject({ id: running.id, node_id: 'node-b', attempts: 2 });
    expect(await store.queryTasks.claim('next', 'node-b', 10_000, 3)).toBeNull();
    for (const id of [running.id, deferred.id]) await store.queryTasks.killTask(id);
  });

  it('hands each task of dead nodes to exactly one of many concurrent claimers, oldest first', async () => {
    const second = dialect === 'postgres' ? await db.open(clock.now) : store;
    try {
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) {
        ids.push((await store.queryTasks.createTask(input({ node_id: 'dead' }))).id);
        clock.advance(0.001);
      }
      clock.advance(11);
      const claimer = async (s: Store, node: string): Promise<string[]> => {
        const got: string[] = [];
        for (;;) {
          const t = await s.queryTasks.claim('next', node, 10_000, 3);
          if (!t) return got;
          expect(t).toMatchObject({ node_id: node, attempts: 2 });
          got.push(t.id);
        }
      };
      const results = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => claimer(i % 2 === 0 ? store : second, `node-${i}`)));
      const all = results.flat();
      expect(all.length).toBe(30);
      expect(new Set(all)).toEqual(new Set(ids));
      // Each claimer took its tasks in creation order.
      for (const got of results) expect(got).toEqual(ids.filter((id) => got.includes(id)));
      if (dialect === 'postgres') expect(results.filter((r) => r.length > 0).length).toBeGreaterThan(1);
      for (const id of ids) await store.queryTasks.killTask(id);
    } finally {
      if (second !== store) await second.close();
    }
  });
  it('sweeps finished tasks older than the cutoff, never unfinished ones', async () => {
    const oldDone = await store.queryTasks.createTask(input());
    expect(await store.queryTasks.finishTask(oldDone.id, 'node-a', outcome('[1]'))).toBe(true);
    const oldRunning = await store.queryTasks.createTask(input());
    clock.advance(7200);
    const newDone = await store.queryTasks.createTask(input());
    expect(await store.queryTasks.finishTask(newDone.id, 'node-a', outcome('[2]'))).toBe(true);
    const cutoff = new Date(clock.now().getTime() - 3600_000).toISOString();
    expect(await store.queryTasks.deleteTasksBefore(cutoff)).toBeGreaterThanOrEqual(1);
    expect(await store.queryTasks.task(oldDone.id)).toBeNull();
    expect(await store.queryTasks.task(oldRunning.id)).toMatchObject({ status: 'added' });
    expect(await store.queryTasks.task(newDone.id)).toMatchObject({ status: 'complete', result: '[2]' });
  });
});
