/**
 * Running a merge query: each source query runs through the ordinary `QueryRunner` in the caller's
 * workspace (so dev/production, model access, user attributes, the result cache and the per-user
 * limit hold as for any query), concurrently, then the rows are merged in memory (`merge.ts`),
 * sorted, pivoted and limited by the merge's own settings, and formatted like a query's result.
 *
 * Totals (`total: true`): every source runs with totals and a measure column's total is its
 * source query's total (over the source's rows, not the merged ones: an inference; Looker does not
 * document how merged totals are computed).
 */
import type { Caller } from '../workspaces/index.ts';
import type { CanonicalQuery } from './canonical.ts';
import type { DescribeFields, RunFlags } from './execute.ts';
import {
  databaseErrorSummary, formatQueryError, formatResult, type FieldMeta, type FormattedBody, type QueryEcho, type ResultFormat,
} from './formats/index.ts';
import { pivotInput } from './formats/pivot.ts';
import type { QueryResultInput } from './formats/types.ts';
import {
  joinRows, limitOf, mergedColumns, sortRows, type MergeDefinition, type MergedColumn,
} from './merge.ts';
import type { PreparedQuery, QueryRunner, RunResult } from './runner.ts';

export interface MergeSourceRun {
  readonly prepared: PreparedQuery;
  readonly query: CanonicalQuery;
  readonly runtimeSeconds: number;
  readonly fromCache: boolean;
  readonly ranAt: string;
}

export type MergeRunResult =
  | { readonly kind: 'sql'; readonly sources: readonly PreparedQuery[] }
  | {
    readonly kind: 'rows';
    readonly columns: readonly MergedColumn[];
    /** Merged, sorted and limited; flat (pivoting is a formatting step). */
    readonly rows: readonly Record<string, unknown>[];
    readonly totals: Record<string, unknown> | null;
    readonly sources: readonly MergeSourceRun[];
  }
  | { readonly kind: 'error'; readonly source: number; readonly prepared: PreparedQuery; readonly message: string; readonly sources: readonly PreparedQuery[] };

export interface MergeRunOptions {
  readonly cache?: boolean;
  readonly forceProduction?: boolean;
  readonly sqlOnly?: boolean;
  readonly signal?: AbortSignal;
}

/**
 * Runs `queries` (`queries[i]` is `definition.source_queries[i]`'s query, possibly with dashboard
 * filters applied) and merges them. Refusals before any SQL ran (unknown model, forbidden, …)
 * throw the runner's `QueryRunError`; a database error of any source is a `kind: 'error'` result.
 */
export async function runMerge(runner: QueryRunner, caller: Caller, definition: MergeDefinition, queries: readonly CanonicalQuery[], options: MergeRunOptions = {}): Promise<MergeRunResult> {
  const runs = queries.map((q) => (definition.total && !q.total ? { ...q, total: true } : q));
  const results: RunResult[] = await Promise.all(runs.map((query) => runner.run(caller, {
    query,
    cache: options.cache !== false,
    forceProduction: options.forceProduction === true,
    sqlOnly: options.sqlOnly === true,
    ...(options.signal ? { signal: options.signal } : {}),
  })));
  const prepared = results.map((r) => r.prepared);
  if (options.sqlOnly === true) return { kind: 'sql', sources: prepared };
  const failed = results.findIndex((r) => r.kind === 'error');
  const failure = results[failed];
  if (failure?.kind === 'error') return { kind: 'error', source: failed, prepared: failure.prepared, message: failure.message, sources: prepared };

  const sources = definition.source_queries;
  const columns = mergedColumns(sources.map((s, i) => ({ fields: runs[i]?.fields ?? [], merge_fields: s.merge_fields })));
  const rowsOf = (i: number): readonly Record<string, unknown>[] => {
    const r = results[i];
    return r?.kind === 'rows' ? r.rows : [];
  };
  const joined = joinRows(sources.map((s, i) => ({ rows: rowsOf(i), merge_fields: s.merge_fields })), columns);
  const sorted = sortRows(joined, definition.sorts);
  // With pivots the limit counts pivoted rows; that happens when formatting.
  const limit = limitOf(definition.limit);
  const rows = limit === null || (definition.pivots ?? []).length > 0 ? sorted : sorted.slice(0, limit);
  let totals: Record<string, unknown> | null = null;
  if (definition.total) {
    totals = {};
    for (const col of columns) {
      const r = results[col.source];
      const isMeasure = r !== undefined && r.prepared.compiled.fields.some((f) => f.name === col.field && f.category === 'measure');
      if (isMeasure && r.kind === 'rows' && r.totals) totals[col.name] = r.totals[col.field] ?? null;
    }
  }
  const runsOut: MergeSourceRun[] = results.map((r, i) => ({
    prepared: r.prepared, query: runs[i]!,
    runtimeSeconds: r.kind === 'rows' ? r.runtimeSeconds : 0, fromCache: r.kind === 'rows' && r.fromCache, ranAt: r.kind === 'rows' ? r.ranAt : new Date().toISOString(),
  }));
  return { kind: 'rows', columns, rows, totals, sources: runsOut };
}

/** The SQL of every source, each under a comment naming it (there is no single statement). */
export function mergedSql(definition: MergeDefinition, sources: readonly PreparedQuery[]): string {
  return sources.map((p, i) => {
    const s = definition.source_queries[i];
    const name = s?.name ?? null;
    return `-- Source query ${i + 1}${name === null ? '' : ` (${name})`}: query ${s?.query_id ?? ''}\n${p.compiled.sql}`;
  }).join('\n\n');
}

/** The merged columns' metadata: each column's source field as the API describes it, under its merged name. */
export function mergedFieldMeta(definition: MergeDefinition, columns: readonly MergedColumn[], sources: readonly PreparedQuery[], describe: DescribeFields): FieldMeta[] {
  const described = sources.map((p) => new Map(describe(p).map((m) => [String(m.name), m])));
  return columns.map((col) => {
    const meta = described[col.source]?.get(col.field);
    const compiled = sources[col.source]?.compiled.fields.find((f) => f.name === col.field);
    const base: FieldMeta = meta ?? {
      name: col.field, label: compiled?.label ?? col.field, category: compiled?.category ?? 'dimension', type: compiled?.type ?? 'string',
      view: compiled?.view ?? null, sql: null,
    };
    if (col.name === col.field) return base;
    const sourceName = definition.source_queries[col.source]?.name ?? `query ${col.source + 1}`;
    const label = typeof base.label === 'string' ? base.label : col.field;
    return { ...base, name: col.name, label: `${label} (${sourceName})` };
  });
}

/** Keeps the first `n` pivot columns (`column_limit`) of a pivoted input. */
function limitPivotColumns(input: QueryResultInput, n: number | null): QueryResultInput {
  if (n === null || !input.pivots || input.pivots.columns.length <= n) return input;
  const columns = input.pivots.columns.slice(0, n);
  const keep = new Set(columns.map((c) => c.key));
  const measures = new Set(input.fields.filter((f) => f.category === 'measure').map((f) => String(f.name)));
  const rows = input.rows.map((row) => {
    const out: Record<string, unknown> = { ...row };
    for (const name of measures) {
      const v = row[name];
      if (v !== null && typeof v === 'object') out[name] = Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([k]) => keep.has(k)));
    }
    return out;
  });
  return { ...input, rows, pivots: { ...input.pivots, columns } };
}

/** A merge run in `format` (Looker's bodies: the same as a query's, built from the merged rows). */
export async function formatMerge(format: ResultFormat, definition: MergeDefinition, result: MergeRunResult, describe: DescribeFields, flags: Pick<RunFlags, 'apply_formatting' | 'apply_vis'> = {}): Promise<FormattedBody> {
  const primary = result.kind === 'rows' ? result.sources[0]?.prepared : result.sources[0];
  const sql = mergedSql(definition, result.kind === 'rows' ? result.sources.map((s) => s.prepared) : result.sources);
  if (result.kind === 'sql') return { status: 200, contentType: 'application/sql', body: sql };
  const primaryQuery = result.kind === 'rows' ? result.sources[0]?.query : undefined;
  const echo = (fields: readonly string[]): QueryEcho => ({
    model: primary?.model.name ?? primaryQuery?.model ?? '', view: primary?.explore.name ?? primaryQuery?.view ?? '', fields,
    pivots: definition.pivots, sorts: definition.sorts, limit: definition.limit, column_limit: definition.column_limit, total: definition.total,
  });
  if (result.kind === 'error') {
    return formatQueryError(format, {
      message: databaseErrorSummary(result.prepared.connection?.dialect_name ?? 'database'),
      messageDetails: `Source query ${result.source + 1} (query ${definition.source_queries[result.source]?.query_id ?? ''}): ${result.message}`,
      sql,
      query: echo([]),
    });
  }
  const fields = mergedFieldMeta(definition, result.columns, result.sources.map((s) => s.prepared), describe);
  const flat: QueryResultInput = {
    fields,
    rows: result.rows,
    sql,
    ...(result.totals ? { totals: result.totals } : {}),
    hasTotals: definition.total,
    query: echo(result.columns.map((c) => c.name)),
    runtimeSeconds: result.sources.reduce((max, s) => Math.max(max, s.runtimeSeconds), 0),
    applyFormatting: flags.apply_formatting === true,
    applyVis: flags.apply_vis === true,
    ranAt: result.sources[0]?.ranAt ?? new Date().toISOString(),
    fromCache: result.sources.every((s) => s.fromCache),
    ...(primary ? { timezone: primary.compiled.timezone } : {}),
  };
  let input = flat;
  if ((definition.pivots ?? []).length > 0) {
    const pivoted = limitPivotColumns(pivotInput(flat), limitOf(definition.column_limit));
    const limit = limitOf(definition.limit);
    input = limit === null ? pivoted : { ...pivoted, rows: pivoted.rows.slice(0, limit) };
  }
  return formatResult(format, input);
}
