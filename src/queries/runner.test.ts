// The runner's side of the request path: compiled queries reach the driver marked reusable (so DuckDB
// keeps their plans), and a repeated query is compiled once, whatever object it arrives in.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver, RunOptions } from '../connections/driver.ts';
import { createDuckDBDriver, type DuckDBDriver } from '../connections/duckdb.ts';
import { ConnectionManager } from '../connections/manager.ts';
import { parseLookml } from '../lookml/index.ts';
import { buildProject } from '../model/index.ts';
import type { ConnectionRecord, ProjectRecord, Store } from '../store/index.ts';
import { createTestDatabase, type TestDatabase } from '../store/test-support.ts';
import { Workspaces, type Caller, type LoadedWorkspace, type WorkspaceModel } from '../workspaces/index.ts';
import { canonicalQuery, type CanonicalQuery } from './canonical.ts';
import { QueryRunError, QueryRunner, type QueryObserver } from './runner.ts';

const MODEL = 'connection: "warehouse"\ninclude: "*.view.lkml"\nexplore: orders {}\n';
const VIEW = `view: orders {
  sql_table_name: orders ;;
  dimension: id { primary_key: yes type: number sql: \${TABLE}.id ;; }
  dimension: status { sql: \${TABLE}.status ;; }
  measure: count { type: count }
}
`;

/** One DuckDB driver for every connection record; remembers the options of each run. */
class RecordingManager extends ConnectionManager {
  readonly runs: { sql: string; options: RunOptions | undefined }[] = [];
  readonly duck: DuckDBDriver = createDuckDBDriver({ path: ':memory:', maxConnections: 1 });

  override driver(connection: ConnectionRecord): Driver {
    expect(connection.name).toBe('warehouse');
    return {
      dialect: 'duckdb',
      run: (sql, options) => {
        this.runs.push({ sql, options });
        return this.duck.run(sql, options);
      },
      close: () => this.duck.close(),
    };
  }
}

function query(body: Record<string, unknown>): CanonicalQuery {
  const parsed = canonicalQuery({ model: 'shop', view: 'orders', ...body });
  if ('problems' in parsed) throw new Error(JSON.stringify(parsed.problems));
  return parsed.query;
}

let db: TestDatabase;
let store: Store;
let manager: RecordingManager;
let runner: QueryRunner;
let source: WorkspaceModel;
const lookups: { cache: string; hit: boolean }[] = [];
const caller: Caller = { userId: '1', workspace: 'production' };

beforeAll(async () => {
  db = await createTestDatabase('sqlite', 'runner_reuse');
  store = await db.open();
  await store.connections.createConnection({
    name: 'warehouse', dialect_name: 'duckdb', host: null, port: null, database: ':memory:', username: null, password: null,
    schema: null, max_connections: null, query_timezone: null, db_timezone: null, jdbc_additional_params: null,
  }, null);
  manager = new RecordingManager();
  await manager.duck.run(`CREATE TABLE orders AS SELECT range AS id, CASE WHEN range % 2 = 0 THEN 'done' ELSE 'open' END AS status FROM range(1, 7)`);
  const observer: QueryObserver = { statement: () => undefined, cacheLookup: (cache, hit) => { lookups.push({ cache, hit }); } };
  runner = new QueryRunner(store, new Workspaces(store, { dataDir: join(tmpdir(), 'overlook-runner-test-unused') }), manager, { observer });
  const project = buildProject([parseLookml(MODEL, 'shop.model.lkml'), parseLookml(VIEW, 'orders.view.lkml')], { projectName: 'shop' });
  const model = project.models.shop;
  if (model === undefined) throw new Error('model shop not built');
  // Only what the runner reads of a workspace: its identity (the compiled-SQL cache's key) and the model.
  source = { project: { id: 'shop' } as ProjectRecord, loaded: {} as LoadedWorkspace, model };
});

afterAll(async () => {
  await manager.duck.close();
  await store.close();
  await db.cleanup();
});

describe('QueryRunner', () => {
  it('runs compiled queries as reusable statements, so the driver keeps their plans', async () => {
    manager.runs.length = 0;
    const body = { fields: ['orders.status', 'orders.count'], sorts: ['orders.status'] };
    for (let i = 0; i < 3; i++) {
      const result = await runner.run(caller, { query: query(body), cache: false, source });
      expect(result.kind === 'rows' && result.rows).toEqual([{ 'orders.status': 'done', 'orders.count': 3 }, { 'orders.status': 'open', 'orders.count': 3 }]);
    }
    expect(manager.runs).toHaveLength(3);
    expect(manager.runs.every((r) => r.options?.reusable === true && r.sql === manager.runs[0]?.sql)).toBe(true);
    expect(manager.duck.keptStatements()).toBe(1);
  });

  it('keys rows by field in the query\'s field order, also when the SQL selects dimensions first', async () => {
    const measureFirst = await runner.run(caller, { query: query({ fields: ['orders.count', 'orders.status'], sorts: ['orders.status'] }), cache: false, source });
    if (measureFirst.kind !== 'rows') throw new Error('expected rows');
    expect(measureFirst.prepared.compiled.sql.indexOf('AS "orders.status"')).toBeLessThan(measureFirst.prepared.compiled.sql.indexOf('AS "orders.count"'));
    expect(measureFirst.rows.map((r) => Object.keys(r))).toEqual([['orders.count', 'orders.status'], ['orders.count', 'orders.status']]);
    expect(measureFirst.rows[0]).toEqual({ 'orders.count': 3, 'orders.status': 'done' });
    // Columns already in the fields' order and named by them: the same rows, NULLs as null.
    const inOrder = await runner.run(caller, { query: query({ fields: ['orders.status', 'orders.id'], filters: { 'orders.id': '1,2' }, sorts: ['orders.id'] }), cache: false, source });
    if (inOrder.kind !== 'rows') throw new Error('expected rows');
    expect(inOrder.rows.map((r) => Object.keys(r))).toEqual([['orders.status', 'orders.id'], ['orders.status', 'orders.id']]);
    expect(inOrder.rows).toEqual([{ 'orders.status': 'open', 'orders.id': 1 }, { 'orders.status': 'done', 'orders.id': 2 }]);
  });

  it('names the body member a bad query is about (the 422\'s errors[].field), never failing past the compiler', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ fields: ['orders.id'], limit: '99999999999999999999' }, 'limit'],
      [{ fields: ['orders.id'], limit: 'ten' }, 'limit'],
      [{ fields: ['orders.id', 'orders.count'], pivots: ['orders.id'], column_limit: '99999999999999999999' }, 'column_limit'],
      [{ fields: ['orders.id'], sorts: ['orders.id sideways'] }, 'sorts'],
      [{ fields: ['orders.id'], query_timezone: 'Mars/Base' }, 'query_timezone'],
      [{ fields: ['orders.id'], filter_expression: '${orders.id} >' }, 'filter_expression'],
      [{ fields: ['orders.nope'] }, 'orders.nope'],
    ];
    // A query selecting nothing is a plain 400 in Looker, not a validation error.
    const empty = await runner.run(caller, { query: query({ fields: [] }), source, sqlOnly: true }).then(() => null, (e: unknown) => e);
    expect([(empty as QueryRunError).code, (empty as QueryRunError).message]).toEqual(['bad_request', 'Must query at least one dimension or measure.']);
    for (const [body, member] of cases) {
      const error = await runner.run(caller, { query: query(body), source, sqlOnly: true }).then(() => null, (e: unknown) => e);
      expect(error, JSON.stringify(body)).toBeInstanceOf(QueryRunError);
      expect([(error as QueryRunError).code, (error as QueryRunError).field], JSON.stringify(body)).toEqual(['invalid', member]);
    }
  });

  it('compiles an equal query once, and a different one again', async () => {
    lookups.length = 0;
    const body = { fields: ['orders.id'], filters: { 'orders.status': 'done', 'orders.id': '>1' }, sorts: ['orders.id'] };
    await runner.run(caller, { query: query(body), source, sqlOnly: true });
    await runner.run(caller, { query: query({ ...body, filters: { 'orders.id': '>1', 'orders.status': 'done' } }), source, sqlOnly: true });
    const other = await runner.run(caller, { query: query({ ...body, filters: { 'orders.status': 'open' } }), source, sqlOnly: true });
    await runner.run(caller, { query: query(body), limit: '2', source, sqlOnly: true });
    expect(lookups.filter((l) => l.cache === 'compiled_sql').map((l) => l.hit)).toEqual([false, true, false, false]);
    expect(other.prepared.compiled.sql).toContain(`WHERE (orders.status = 'open')`);
  });
});
