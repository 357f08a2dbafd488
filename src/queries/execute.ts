/**
 * Run a query and format its result: the one path shared by the synchronous run endpoints and async
 * query tasks. Field metadata comes from the caller (the API's presenters), so this stage does not
 * reach into the HTTP layer.
 */
import type { CancelSignal } from '../connections/driver.ts';
import type { CompiledQuery } from '../sql/query.ts';
import type { CanonicalQuery } from './canonical.ts';
import { databaseErrorSummary, formatQueryError, formatResult, type FieldMeta, type FormattedBody, type ResultFormat } from './formats/index.ts';
import type { PreparedQuery, QueryRunner, RunResult } from './runner.ts';
import type { Caller } from '../workspaces/index.ts';

export interface RunFlags {
  readonly limit?: string | number;
  readonly apply_formatting?: boolean;
  readonly apply_vis?: boolean;
  readonly cache?: boolean;
  readonly force_production?: boolean;
}

/**
 * Looker field metadata for the result columns of a prepared query. Must depend only on the
 * prepared query (and on what the function itself was made with): results are reused, see below.
 */
export type DescribeFields = (prepared: PreparedQuery) => FieldMeta[];

/**
 * Described fields by describer and compiled query. The runner reuses a compiled query object for
 * as long as its workspace, dialect, time zones and query stay the same (each compilation that reads
 * user attributes is a new object), so the same object always has the same model, explore and
 * fields, and describing them again on every run would give the same answer.
 */
const described = new WeakMap<DescribeFields, WeakMap<CompiledQuery, Described>>();

interface Described {
  readonly fields: readonly FieldMeta[];
  /** The described fields are the compiled ones, in order: the runner's rows are keyed exactly by them. */
  readonly rowsByField: boolean;
}

function sameNames(described: readonly FieldMeta[], compiled: readonly { readonly name: string }[]): boolean {
  if (described.length !== compiled.length) return false;
  for (let i = 0; i < compiled.length; i++) if (described[i]!.name !== compiled[i]!.name) return false;
  return true;
}

function describeOnce(describe: DescribeFields, prepared: PreparedQuery): Described {
  let byQuery = described.get(describe);
  if (byQuery === undefined) {
    byQuery = new WeakMap();
    described.set(describe, byQuery);
  }
  let out = byQuery.get(prepared.compiled);
  if (out === undefined) {
    const fields = describe(prepared);
    out = { fields, rowsByField: sameNames(fields, prepared.compiled.fields) };
    byQuery.set(prepared.compiled, out);
  }
  return out;
}

export interface Executed {
  readonly result: RunResult;
  readonly formatted: FormattedBody;
}

export async function runFormatted(
  runner: QueryRunner, caller: Caller, query: CanonicalQuery, format: ResultFormat, flags: RunFlags,
  describe: DescribeFields, signal?: CancelSignal,
): Promise<Executed> {
  const result = await runner.run(caller, {
    query,
    ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
    cache: flags.cache !== false,
    forceProduction: flags.force_production === true,
    sqlOnly: format === 'sql',
    ...(signal ? { signal } : {}),
  });
  const { prepared } = result;
  if (result.kind === 'sql') return { result, formatted: { status: 200, contentType: 'application/sql', body: prepared.compiled.sql } };
  const { fields, rowsByField } = describeOnce(describe, prepared);
  // The query as run: a copy only when the run call overrides its limit.
  const echo = flags.limit === undefined ? query : { ...query, limit: flags.limit };
  if (result.kind === 'error') {
    const formatted = formatQueryError(format, {
      message: databaseErrorSummary(prepared.connection?.dialect_name ?? 'database'),
      messageDetails: result.message,
      sql: prepared.compiled.sql,
      fields,
      query: echo,
    });
    return { result, formatted };
  }
  const formatted = await formatResult(format, {
    fields,
    rows: result.rows,
    // The runner's rows hold exactly the compiled fields, in order: json sends them as they are when those are the described fields.
    rowsByField,
    sql: prepared.compiled.sql,
    ...(result.totals ? { totals: result.totals } : {}),
    ...(result.pivotTotals ? { pivotTotals: result.pivotTotals } : {}),
    ...(result.rowTotals ? { rowTotals: result.rowTotals } : {}),
    hasTotals: query.total,
    query: echo,
    runtimeSeconds: result.runtimeSeconds,
    applyFormatting: flags.apply_formatting === true,
    applyVis: flags.apply_vis === true,
    ranAt: result.ranAt,
    fromCache: result.fromCache,
    timezone: prepared.compiled.timezone,
  });
  return { result, formatted };
}
