import { describe, expect, it } from 'vitest';
import type { Caller } from '../workspaces/index.ts';
import { canonicalQuery, type CanonicalQuery } from './canonical.ts';
import { runFormatted, type DescribeFields } from './execute.ts';
import type { FieldMeta } from './formats/index.ts';
import type { PreparedQuery, QueryRunner, RunRequest, RunResult } from './runner.ts';

const caller: Caller = { userId: '1', workspace: 'production' };
const FIELDS: FieldMeta[] = [{ name: 'orders.count', label: 'Orders Count', category: 'measure', type: 'count', is_numeric: true }];

/** What runFormatted reads of a prepared query: each object stands for one compiled query. */
function prepared(): PreparedQuery {
  return {
    connection: { name: 'warehouse', dialect_name: 'duckdb' },
    compiled: { sql: 'SELECT COUNT(*) AS "orders.count" FROM orders', fields: [], warnings: [], timezone: 'UTC', weekStartDay: 'monday' },
  } as unknown as PreparedQuery;
}

/** A runner answering every run with the given prepared query and one row; it records the requests. */
function runnerFor(p: PreparedQuery, requests: RunRequest[] = []): QueryRunner {
  const run = (_caller: Caller, request: RunRequest): Promise<RunResult> => {
    requests.push(request);
    return Promise.resolve({ kind: 'rows', prepared: p, rows: [{ 'orders.count': 3 }], totals: null, ranAt: '2024-01-01T00:00:00.000Z', runtimeSeconds: 0.01, fromCache: false });
  };
  return { run } as unknown as QueryRunner;
}

function query(body: Record<string, unknown>): CanonicalQuery {
  const parsed = canonicalQuery({ model: 'shop', view: 'orders', fields: ['orders.count'], ...body });
  if ('problems' in parsed) throw new Error(JSON.stringify(parsed.problems));
  return parsed.query;
}

describe('runFormatted', () => {
  it('describes the fields of a compiled query once per describer, and again for another query or describer', async () => {
    let described = 0;
    const describe: DescribeFields = () => {
      described++;
      return FIELDS;
    };
    const p = prepared();
    const runner = runnerFor(p);
    const q = query({});
    for (let i = 0; i < 3; i++) {
      const { formatted } = await runFormatted(runner, caller, q, 'json', {}, describe);
      expect(formatted).toEqual({ status: 200, contentType: 'application/json', body: '[{"orders.count":3}]' });
    }
    expect(described).toBe(1);
    await runFormatted(runnerFor(prepared()), caller, q, 'json', {}, describe);
    expect(described).toBe(2);
    const other: DescribeFields = () => {
      described++;
      return FIELDS;
    };
    await runFormatted(runner, caller, q, 'json', {}, other);
    expect(described).toBe(3);
  });

  it('formats with the run call\'s limit over the query\'s, and passes the limit and the cache flag to the runner', async () => {
    const requests: RunRequest[] = [];
    const runner = runnerFor(prepared(), requests);
    const q = query({ limit: '10' });
    const describe: DescribeFields = () => FIELDS;
    // json_detail marks a result as truncated when it has as many rows as the limit allows.
    const limited = await runFormatted(runner, caller, q, 'json_detail', { limit: '1', cache: false }, describe);
    expect(JSON.parse(String(limited.formatted.body))).toMatchObject({ truncated: true, data: [{ 'orders.count': { value: 3 } }] });
    const plain = await runFormatted(runner, caller, q, 'json_detail', {}, describe);
    expect(JSON.parse(String(plain.formatted.body))).not.toHaveProperty('truncated');
    expect(requests.map((r) => [r.limit, r.cache, r.sqlOnly])).toEqual([['1', false, false], [undefined, true, false]]);
  });
});
