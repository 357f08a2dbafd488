/**
 * "Require data tests to pass before deploying to production", Looker's project setting (which its
 * API does not expose; Overlook's `update_project` takes it as `data_tests_required`): every data
 * test of the commit being deployed runs against the warehouse, with that commit's models, and a
 * single failure keeps production where it was. Problems come back as data for the 422's `errors[]`.
 */
import { DriverError } from '../connections/driver.ts';
import type { ConnectionManager } from '../connections/manager.ts';
import { knownDialects } from '../connections/registry.ts';
import type { Diagnostic } from '../lookml/ast.ts';
import type { PreparedQuery, QueryRunner } from '../queries/runner.ts';
import { getDialect } from '../sql/dialects/registry.ts';
import type { CompiledQuery } from '../sql/query.ts';
import type { Caller, DeployGate, LoadedWorkspace, WorkspaceModel } from '../workspaces/index.ts';
import { findDataTests } from './data-tests.ts';
import { runDataTest, type DataTestQueries, type DataTestResult } from './data-tests-run.ts';

/** Statement timeout of a test query (the query runner's default). */
const TEST_QUERY_TIMEOUT_MS = 3600_000;

/**
 * What running data tests needs, from the query runner: compile in the caller's workspace (or, with
 * `source`, against that model: a commit being deployed) and run on the model's connection.
 */
export function runnerTestQueries(runner: QueryRunner, drivers: ConnectionManager, caller: Caller, source?: (model: string) => WorkspaceModel | undefined): (model: string) => DataTestQueries<PreparedQuery> {
  return (modelName) => ({
    prepare: (query) => {
      const pinned = source?.(modelName);
      return runner.prepare(caller, { query, ...(pinned === undefined ? {} : { source: pinned }) });
    },
    dialect: (prepared) => getDialect(prepared.connection?.dialect_name ?? 'duckdb'),
    async execute(prepared, sql) {
      const connection = prepared.connection;
      if (!connection || !knownDialects().includes(connection.dialect_name)) {
        throw new DriverError('connection', connection?.dialect_name ?? '', `Overlook cannot run queries on ${connection?.dialect_name ?? 'this'} connection (no driver).`);
      }
      return (await drivers.driver(connection).run(sql, { timeoutMs: TEST_QUERY_TIMEOUT_MS })).rows;
    },
  });
}

/** The deploy gate: the commit's failing data tests as diagnostics at the test (file:line). */
export function dataTestDeployGate(runner: QueryRunner, drivers: ConnectionManager): DeployGate {
  return async ({ project, loaded, caller }) => {
    const source = (model: string): WorkspaceModel | undefined => {
      const m = loaded.project.models[model];
      return m === undefined ? undefined : { project, loaded, model: m };
    };
    const failed = await failingDataTests(loaded, runnerTestQueries(runner, drivers, caller, source));
    return failed.map((f): Diagnostic => ({
      code: 'data-test/failed', severity: 'error', file: f.file, line: f.line, column: 1,
      message: `Data test "${f.test}" (model ${f.model}) failed: ${f.message}`,
    }));
  };
}

export interface FailedDataTest {
  readonly test: string;
  readonly model: string;
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** Runs every (model, test) pair of `loaded`; the failed ones, in model, file and line order. */
export async function failingDataTests<P extends { readonly compiled: CompiledQuery }>(
  loaded: LoadedWorkspace, queriesFor: (modelName: string) => DataTestQueries<P>,
): Promise<FailedDataTest[]> {
  const scan = findDataTests(loaded.files, loaded.project);
  const pairs = scan.tests.flatMap((test) => test.models.map((model) => ({ test, model })))
    .sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
  const failed: FailedDataTest[] = [];
  // One at a time, as run_lookml_test does: the tests share the deployer's query budget.
  for (const { test, model } of pairs) {
    const result: DataTestResult = await runDataTest(test, loaded.project.models[model], model, queriesFor(model));
    if (result.success) continue;
    const first = result.errors[0];
    failed.push({
      test: test.name, model, file: first?.file ?? test.file, line: first?.line ?? test.loc.line,
      message: first?.message ?? `Data test "${test.name}" failed.`,
    });
  }
  return failed;
}
