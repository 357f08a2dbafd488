/**
 * One benchmark task per process: `node --import tsx bench/worker.ts <task> [path] [sql-file]`,
 * where `<path>` is the synthetic project folder (parse tasks) or the demo database (compile and
 * run tasks; the API, workspace and query tasks take none); `run-duckdb` also runs the SQL in `[sql-file]`
 * (Malloy's) once to check it returns the same data. `workspaces-users` needs node's --expose-gc.
 * Prints one `BENCH_RESULT {json}` line; a failure is reported the same way, as data, so the
 * run can still print the rest of the table.
 */
import { readFileSync } from 'node:fs';
import { RESULT_PREFIX, TASKS } from './protocol.ts';
import type { TaskFailure, TaskName, TaskResult } from './protocol.ts';

function isTask(name: string | undefined): name is TaskName {
  return TASKS.some((t) => t === name);
}

function required(path: string | undefined, task: TaskName): string {
  if (path === undefined) throw new Error(`${task} needs a path argument`);
  return path;
}

async function runTask(task: TaskName, maybePath: string | undefined, extra: string | undefined): Promise<TaskResult> {
  const pathArg = (): string => required(maybePath, task);
  // Imported per task so the Malloy process never loads Overlook's DuckDB binding and vice versa.
  switch (task) {
    case 'parse-overlook':
      return (await import('./tasks/parse.ts')).parseOverlook(pathArg());
    case 'parse-peer':
      return (await import('./tasks/parse.ts')).parsePeer(pathArg());
    case 'compile-overlook':
      return (await import('./tasks/compile.ts')).compileOverlook();
    case 'compile-malloy':
      return (await import('./tasks/malloy.ts')).compileMalloy(pathArg());
    case 'run-duckdb':
      return (await import('./tasks/run-duckdb.ts')).runDuckDB(pathArg(), extra === undefined ? undefined : readFileSync(extra, 'utf8'));
    case 'api-overlook':
      return (await import('./tasks/api.ts')).apiOverlook();
    case 'api-bare':
      return (await import('./tasks/api.ts')).apiBare();
    case 'workspaces-branches':
      return (await import('./tasks/workspaces.ts')).workspacesBranches();
    case 'workspaces-users':
      return (await import('./tasks/workspaces.ts')).workspacesUsers();
    case 'queries-inline':
      return (await import('./tasks/queries.ts')).queriesInline();
    case 'queries-sql':
      return (await import('./tasks/queries.ts')).queriesSql();
    case 'queries-isolation':
      return (await import('./tasks/isolation.ts')).queriesIsolation(maybePath === 'postgres' ? 'postgres' : 'sqlite');
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.split('\n').slice(0, 3).join(' / ');
  return String(error);
}

const [task, path, extra] = process.argv.slice(2);
if (!isTask(task)) {
  process.stderr.write(`usage: worker.ts <${TASKS.join('|')}> [path] [malloy-sql-file]\n`);
  process.exit(2);
}
let out: TaskResult | TaskFailure;
try {
  out = await runTask(task, path, extra);
} catch (error) {
  out = { task, error: describe(error) };
}
process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(out)}\n`);
// Native handles (DuckDB, Malloy's pools) must not keep a finished task alive.
process.exit(0);
