/**
 * `overlook sql <dir> --model M --explore E --fields a,b …`: print the SQL, or run it with --run.
 */
import type { Driver } from '../connections/driver.ts';
import { createDriver, postgresConfigFromUrl } from '../connections/registry.ts';
import { ensureDemoDatabase } from '../connections/demo-data.ts';
import { getDialect } from '../sql/dialects/registry.ts';
import { applyPostSql, compileQuery, QueryError, type LookerQuery } from '../sql/index.ts';
import { loadProjectDir } from '../workspaces/directory.ts';
import { formatCsv, formatTable } from './output.ts';
import { checkProjectDir, formatDiagnostic } from './validate.ts';

type Opts = Record<string, string | boolean | undefined>;

function list(v: string | boolean | undefined): string[] {
  return typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : [];
}

function parseJsonObject(v: string | boolean | undefined, what: string): Record<string, string> {
  if (typeof v !== 'string') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    throw new UsageError(`${what} must be a JSON object, e.g. '{"view.field": "value"}'.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`${what} must be a JSON object.`);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(parsed)) {
    if (typeof val !== 'string' && typeof val !== 'number' && typeof val !== 'boolean') throw new UsageError(`${what}: the value of '${k}' must be a string.`);
    out[k] = String(val);
  }
  return out;
}

class UsageError extends Error {}

export async function runSqlCommand(dir: string, opts: Opts): Promise<number> {
  const problem = await checkProjectDir(dir);
  if (problem) {
    process.stderr.write(`${problem}\n`);
    return 2;
  }
  let driver: Driver | undefined;
  try {
    const loaded = await loadProjectDir(dir);
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
    const modelName = String(opts.model);
    const model = loaded.project.models[modelName];
    if (!model) {
      const known = Object.keys(loaded.project.models);
      process.stderr.write(`Model '${modelName}' not found in ${dir}. Models: ${known.length ? known.join(', ') : '(none)'}.\n`);
      return 2;
    }
    if (errors.length > 0) {
      process.stderr.write(`Warning: the project has ${errors.length} LookML error(s); run 'overlook validate ${dir}'. First: ${formatDiagnostic(errors[0]!)}\n`);
    }
    const query: LookerQuery = {
      model: modelName,
      view: String(opts.explore),
      fields: list(opts.fields),
      filters: parseJsonObject(opts.filters, '--filters'),
      sorts: list(opts.sorts),
      pivots: list(opts.pivots),
      ...(typeof opts.limit === 'string' ? { limit: opts.limit } : {}),
      ...(typeof opts.timezone === 'string' ? { query_timezone: opts.timezone } : {}),
    };
    const userAttributes = parseJsonObject(opts.userAttributes, '--user-attributes');
    const postgres = typeof opts.postgres === 'string' ? opts.postgres : undefined;
    const dialectName = typeof opts.dialect === 'string' ? opts.dialect : postgres ? 'postgres' : 'duckdb';
    const dialect = getDialect(dialectName);
    const compiled = compileQuery(model, query, { dialect, userAttributes });
    for (const w of compiled.warnings) process.stderr.write(`Warning: ${w}\n`);
    if (!opts.run) {
      process.stdout.write(`${compiled.sql}\n`);
      return 0;
    }
    if (postgres) {
      driver = createDriver(postgresConfigFromUrl(postgres));
    } else {
      const file = typeof opts.duckdb === 'string' ? opts.duckdb : await ensureDemoDatabase((m) => process.stderr.write(`${m}\n`));
      driver = createDriver({ dialect_name: 'duckdb', database: file });
    }
    if (driver.dialect !== dialect.name) throw new UsageError(`--dialect ${dialect.name} does not match the ${driver.dialect} database.`);
    const started = performance.now();
    const result = await driver.run(compiled.sql);
    const rows = applyPostSql(result.rows, compiled.fields, (f) => f.alias);
    const headers = compiled.fields.map((f) => f.name);
    const keys = compiled.fields.map((f) => f.alias);
    const format = typeof opts.format === 'string' ? opts.format : 'table';
    if (format === 'json') process.stdout.write(`${JSON.stringify(rows.map((r) => Object.fromEntries(keys.map((k, i) => [headers[i]!, r[k] ?? null]))), null, 2)}\n`);
    else if (format === 'csv') process.stdout.write(`${formatCsv(headers, keys, rows)}\n`);
    else {
      process.stdout.write(`${formatTable(headers, keys, rows)}\n`);
      process.stderr.write(`${rows.length} row${rows.length === 1 ? '' : 's'} in ${(performance.now() - started).toFixed(0)} ms\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof QueryError || e instanceof UsageError) {
      process.stderr.write(`Error: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await driver?.close();
  }
}
