/**
 * Run a query and format its result: the one path shared by the synchronous run endpoints and async
 * query tasks. Field metadata comes from the caller (the API's presenters), so this stage does not
 * reach into the HTTP layer.
 */
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

/** Looker field metadata for the result columns of a prepared query. */
export type DescribeFields = (prepared: PreparedQuery) => FieldMeta[];

export interface Executed {
  readonly result: RunResult;
  readonly formatted: FormattedBody;
}

export async function runFormatted(
  runner: QueryRunner, caller: Caller, query: CanonicalQuery, format: ResultFormat, flags: RunFlags,
  describe: DescribeFields, signal?: AbortSignal,
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
  const fields = describe(prepared);
  const echo = { ...query, limit: flags.limit ?? query.limit };
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
    sql: prepared.compiled.sql,
    ...(result.totals ? { totals: result.totals } : {}),
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
