/**
 * One benchmark task per process: `node --import tsx bench/worker.ts <task> <path> [sql-file]`,
 * where `<path>` is the synthetic project folder (parse tasks) or the demo database (the others);
 * `run-duckdb` also runs the SQL in `[sql-file]` (Malloy's) once to check it returns the same data.
 * Prints one `BENCH_RESULT {json}` line; a failure is reported the same way, as data, so the
 * run can still print the rest of the table.
 */
import { readFileSync } from 'node:fs';
import { RESULT_PREFIX, TASKS } from './protocol.ts';
import type { TaskFailure, TaskName, TaskResult } from './protocol.ts';

function isTask(name: string | undefined): name is TaskName {
  return TASKS.some((t) => t === name);
}

async function runTask(task: TaskName, path: string, extra: string | undefined): Promise<TaskResult> {
  // Imported per task so the Malloy process never loads Overlook's DuckDB binding and vice versa.
  switch (task) {
    case 'parse-overlook':
      return (await import('./tasks/parse.ts')).parseOverlook(path);
    case 'parse-peer':
      return (await import('./tasks/parse.ts')).parsePeer(path);
    case 'compile-overlook':
      return (await import('./tasks/compile.ts')).compileOverlook();
    case 'compile-malloy':
      return (await import('./tasks/malloy.ts')).compileMalloy(path);
    case 'run-duckdb':
      return (await import('./tasks/run-duckdb.ts')).runDuckDB(path, extra === undefined ? undefined : readFileSync(extra, 'utf8'));
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.split('\n').slice(0, 3).join(' / ');
  return String(error);
}

const [task, path, extra] = process.argv.slice(2);
if (!isTask(task) || path === undefined) {
  process.stderr.write(`usage: worker.ts <${TASKS.join('|')}> <path> [malloy-sql-file]\n`);
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
