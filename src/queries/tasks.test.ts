import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionManager } from '../connections/manager.ts';
import type { QueryTaskRecord, Store } from '../store/index.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../store/test-support.ts';
import { Workspaces, type Caller } from '../workspaces/index.ts';
import type { FieldMeta } from './formats/index.ts';
import { QueryRunner, type PreparedQuery, type RunRequest, type RunResult } from './runner.ts';
import { QueryTasks, type QueryTasksOptions } from './tasks.ts';

/** What the task code reads of a prepared query; the rest of the model is not needed here. */
const PREPARED = {
  connection: { name: 'warehouse', dialect_name: 'duckdb' },
  compiled: { sql: 'SELECT COUNT(*) AS "orders.count" FROM orders', fields: [], warnings: [], timezone: 'UTC', weekStartDay: 'monday' },
} as unknown as PreparedQuery;
const FIELDS: FieldMeta[] = [{ name: 'orders.count', label: 'Orders Count', category: 'measure', type: 'count', is_numeric: true }];

type RunImpl = (request: RunRequest) => Promise<RunResult>;

/** A runner whose statements the test controls (what they answer, when, and whether they heed aborts). */
class ScriptedRunner extends QueryRunner {
  readonly #impl: RunImpl;
  calls = 0;

  constructor(store: Store, impl: RunImpl) {
    super(store, new Workspaces(store, { dataDir: join(tmpdir(), 'overlook-tasks-test-unused') }), new ConnectionManager());
    this.#impl = impl;
  }

  override prepare(): Promise<PreparedQuery> {
    return Promise.resolve(PREPARED);
  }

  override run(_caller: Caller, request: RunRequest): Promise<RunResult> {
    this.calls++;
    return this.#impl(request);
  }
}

const rows = (count: number): RunResult => ({
  kind: 'rows', prepared: PREPARED, rows: [{ 'orders.count': count }], totals: null, ranAt: '2024-01-01T00:00:00.000Z', runtimeSeconds: 0.01, fromCache: false,
});
const answer = (count: number, delayMs = 0): RunImpl => () => new Promise((resolve) => setTimeout(() => { resolve(rows(count)); }, delayMs));
/** A statement that never ends, not even when aborted: its node is stuck (or gone). */
const never: RunImpl = () => new Promise<RunResult>(() => undefined);

function gate<T>(): { promise: Promise<T>; open: (value: T) => void } {
  let open: (value: T) => void = () => undefined;
  const promise = new Promise<T>((resolve) => { open = resolve; });
  return { promise, open };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const eventually = async (check: () => boolean, timeoutMs = 2000): Promise<boolean> => {
  const end = Date.now() + timeoutMs;
  while (!check() && Date.now() < end) await sleep(10);
  return check();
};
/** Short leases so a dead node's task is retried within the test; heartbeats well inside them. */
const FAST: QueryTasksOptions = { leaseMs: 1000, heartbeatMs: 150, pollMs: 50, maxAttempts: 3 };
/** A node that stopped polling (stalled, or partitioned from the DB): it neither beats nor checks. */
const STALLED: QueryTasksOptions = { ...FAST, pollMs: 3_600_000 };

describe.each(DIALECTS)('query tasks across nodes on %s', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  let caller: Caller;
  let queryId = '';
  const nodes: QueryTasks[] = [];
  const node = (impl: RunImpl, options: QueryTasksOptions = FAST): { tasks: QueryTasks; runner: ScriptedRunner } => {
    const runner = new ScriptedRunner(store, impl);
    const tasks = new QueryTasks(store, runner, () => FIELDS, options);
    nodes.push(tasks);
    return { tasks, runner };
  };
  const create = (tasks: QueryTasks, deferred = false): Promise<QueryTaskRecord> =>
    tasks.create(caller, { queryId, format: 'json', source: 'test', deferred, flags: { cache: false } });
  const current = async (id: string): Promise<QueryTaskRecord> => {
    const t = await store.queryTasks.task(id);
    if (!t) throw new Error(`task ${id} is gone`);
    return t;
  };
  const until = async (id: string, done: (t: QueryTaskRecord) => boolean, timeoutMs = 10_000): Promise<QueryTaskRecord> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const t = await current(id);
      if (done(t)) return t;
      if (Date.now() > end) throw new Error(`task ${id} still ${t.status} on ${t.node_id}`);
      await sleep(20);
    }
  };
  const settled = (id: string): Promise<QueryTaskRecord> => until(id, (t) => t.status !== 'added' && t.status !== 'running');
  /** Waits until the runner's statement is under way (its abort listener is in place). */
  const statementStarted = async (runner: ScriptedRunner): Promise<void> => {
    for (let i = 0; i < 500 && runner.calls === 0; i++) await sleep(10);
    expect(runner.calls).toBe(1);
  };

  beforeAll(async () => {
    db = await createTestDatabase(dialect, 'qtask_nodes');
    store = await db.open();
    const user = await store.users.createUser({ first_name: 'Nora', last_name: 'Node' });
    caller = { userId: user.id, workspace: 'production' };
    queryId = (await store.queries.saveQuery(JSON.stringify({ model: 'shop', view: 'orders', fields: ['orders.count'] }))).id;
  });

  afterEach(() => {
    for (const n of nodes.splice(0)) n.close();
  });

  afterAll(async () => {
    await store.close();
    await db.cleanup();
  });

  it('runs a task at once on the node that accepted it, and keeps it there past the lease with heartbeats', async () => {
    const a = node(answer(42, 2500));
    const b = node(answer(7));
    const t = await create(a.tasks);
    expect(t).toMatchObject({ status: 'added', node_id: a.tasks.nodeId, attempts: 1 });
    const done = await settled(t.id);
    expect(done).toMatchObject({ status: 'complete', result: '[{"orders.count":42}]', content_type: 'application/json', node_id: a.tasks.nodeId, attempts: 1, lease_until: null });
    expect(b.runner.calls).toBe(0);
  });

  it('retries the task of a node that died on another node, which writes the result', async () => {
    const a = node(never);
    const t = await create(a.tasks);
    await until(t.id, (x) => x.status === 'running');
    a.tasks.close();
    const b = node(answer(42));
    // B does not take it while A's lease lasts.
    await sleep(300);
    expect(await current(t.id)).toMatchObject({ status: 'running', node_id: a.tasks.nodeId, attempts: 1 });
    expect(b.runner.calls).toBe(0);
    const done = await settled(t.id);
    expect(done).toMatchObject({ status: 'complete', result: '[{"orders.count":42}]', node_id: b.tasks.nodeId, attempts: 2, message: null });
    expect(b.runner.calls).toBe(1);
  });

  it('does not let a stalled node that finishes late overwrite the result of the node that took over', async () => {
    const late = gate<RunResult>();
    const a = node(() => late.promise, STALLED);
    const t = await create(a.tasks);
    await until(t.id, (x) => x.status === 'running');
    const b = node(answer(42));
    const done = await settled(t.id);
    expect(done).toMatchObject({ status: 'complete', result: '[{"orders.count":42}]', node_id: b.tasks.nodeId, attempts: 2 });
    late.open(rows(999));
    expect(await eventually(() => a.tasks.running === 0)).toBe(true);
    expect(await current(t.id)).toEqual(done);
  });

  it('stops the statement on the running node when another node kills the task, and never retries it', async () => {
    let aborted = false;
    const a = node((request) => new Promise<RunResult>((_resolve, reject) => {
      request.signal?.addEventListener('abort', () => {
        aborted = true;
        reject(new Error('Query cancelled.'));
      });
    }));
    const b = node(answer(42));
    const t = await create(a.tasks);
    await statementStarted(a.runner);
    expect(await b.tasks.kill(t.id)).toBe(true);
    expect(await eventually(() => aborted)).toBe(true);
    expect(await eventually(() => a.tasks.running === 0)).toBe(true);
    await sleep(1300);
    expect(await current(t.id)).toMatchObject({ status: 'killed', message: 'Query killed.', result: null, attempts: 1 });
    expect(b.runner.calls).toBe(0);
    expect(await b.tasks.kill(t.id)).toBe(false);
  });

  it('lets a kill win over a retry of a dead node’s task', async () => {
    const a = node(never);
    const t = await create(a.tasks);
    await until(t.id, (x) => x.status === 'running');
    a.tasks.close();
    let aborted = false;
    const b = node((request) => new Promise<RunResult>(() => {
      request.signal?.addEventListener('abort', () => { aborted = true; });
    }));
    await statementStarted(b.runner);
    const c = node(answer(42));
    expect(await c.tasks.kill(t.id)).toBe(true);
    expect(await eventually(() => aborted)).toBe(true);
    expect(await current(t.id)).toMatchObject({ status: 'killed', result: null, attempts: 2 });
    expect(c.runner.calls).toBe(0);
  });

  it('fails a task whose nodes kept dying once its attempts are used', async () => {
    const options = { ...FAST, maxAttempts: 2 };
    const a = node(never, options);
    const t = await create(a.tasks);
    await until(t.id, (x) => x.status === 'running');
    a.tasks.close();
    const b = node(never, options);
    await until(t.id, (x) => x.node_id === b.tasks.nodeId && x.status === 'running');
    b.tasks.close();
    const c = node(answer(42), options);
    const done = await settled(t.id);
    expect(done).toMatchObject({
      status: 'error', message: 'The node running this query stopped; tried 2 times.', content_type: 'application/json',
      node_id: b.tasks.nodeId, attempts: 2, lease_until: null,
    });
    expect(JSON.parse(done.result ?? '')).toEqual([{ looker_error: 'The node running this query stopped; tried 2 times.' }]);
    expect(c.runner.calls).toBe(0);
  });

  it('runs a deferred task on whichever node is first asked for its results', async () => {
    const a = node(answer(1));
    const b = node(answer(42));
    const t = await create(a.tasks, true);
    expect(t).toMatchObject({ status: 'added', attempts: 0, lease_until: null });
    await sleep(300);
    expect(await current(t.id)).toMatchObject({ status: 'added', attempts: 0, lease_until: null });
    await b.tasks.touch([await current(t.id)]);
    await a.tasks.touch([await current(t.id)]);
    const done = await settled(t.id);
    expect(done).toMatchObject({ status: 'complete', result: '[{"orders.count":42}]', node_id: b.tasks.nodeId, attempts: 1 });
    expect(a.runner.calls).toBe(0);
    expect(b.runner.calls).toBe(1);
  });

  it('leaves a task to be retried when its node closes, instead of failing it', async () => {
    let aborted = false;
    const a = node((request) => new Promise<RunResult>((_resolve, reject) => {
      request.signal?.addEventListener('abort', () => {
        aborted = true;
        reject(new Error('Query cancelled.'));
      });
    }));
    const t = await create(a.tasks);
    await statementStarted(a.runner);
    a.tasks.close();
    await sleep(100);
    expect(aborted).toBe(true);
    expect(await current(t.id)).toMatchObject({ status: 'running', node_id: a.tasks.nodeId, result: null });
    const b = node(answer(42));
    expect(await settled(t.id)).toMatchObject({ status: 'complete', result: '[{"orders.count":42}]', node_id: b.tasks.nodeId, attempts: 2 });
  });
});
