/**
 * Running a data test: its query is compiled in the caller's workspace like any query, and every
 * assert is evaluated in the database over that query's rows — one statement counting, per
 * assert, the rows where the expression is not "Yes" (NULL counts as not yes):
 *
 *   SELECT COUNT(*) AS "rows", SUM(CASE WHEN COALESCE(<assert 1>, FALSE) THEN 0 ELSE 1 END) AS "a0", …
 *   FROM (<test query>) AS "q"
 *
 * A test passes when no assert has a failing row. Problems come back as data (Looker's
 * LookmlTestResult carries them), never as exceptions.
 */
import { DriverError } from '../connections/driver.ts';
import type { Diagnostic } from '../lookml/ast.ts';
import type { Model } from '../model/types.ts';
import type { CanonicalQuery } from '../queries/canonical.ts';
import { QueryRunError } from '../queries/runner.ts';
import type { Dialect } from '../sql/dialects/dialect.ts';
import { QueryError } from '../sql/errors.ts';
import { compileCondition, fieldRefs, type CompiledExpr, type Expr, type ExprType, type ExpressionContext } from '../sql/expressions/index.ts';
import type { CompiledField, CompiledQuery } from '../sql/query.ts';
import { columnFields, dataTestQuery, type DataTest } from './data-tests.ts';

/**
 * What running a test needs from the query layer; the API wires in the query runner's `prepare`
 * (its `PreparedQuery`) for the caller's workspace and the connection's driver.
 */
export interface DataTestQueries<P extends { readonly compiled: CompiledQuery }> {
  /** Compile the test's query (throws `QueryRunError` when it cannot). */
  prepare(query: CanonicalQuery): Promise<P>;
  /** Run SQL on the prepared query's connection (throws `DriverError` when the database fails). */
  execute(prepared: P, sql: string): Promise<readonly Record<string, unknown>[]>;
  dialect(prepared: P): Dialect;
}

export interface DataTestProblem {
  readonly message: string;
  /** The message without names or values (Looker's `sanitized_message`). */
  readonly sanitized: string;
  /** The assert it is about, if any. */
  readonly assert?: string;
  /** The field it is about (the assert's first field, or the query's first column). */
  readonly field?: string;
  readonly file: string;
  readonly line: number;
  /** Failing assert: rows whose expression was not yes, out of `rows`. */
  readonly failedRows?: number;
  readonly rows?: number;
}

export interface DataTestResult {
  readonly test: DataTest;
  readonly model: string;
  readonly assertionsCount: number;
  readonly assertionsFailed: number;
  readonly errors: readonly DataTestProblem[];
  readonly warnings: readonly DataTestProblem[];
  readonly success: boolean;
}

export interface AssertPlan {
  /** The counting statement; null when no assert compiled. */
  readonly sql: string | null;
  /** Result column of each compiled assert. */
  readonly columns: readonly { readonly assert: string; readonly column: string; readonly field?: string }[];
  /** Asserts whose expression cannot be evaluated over the query, with why. */
  readonly invalid: readonly { readonly assert: string; readonly message: string; readonly field?: string }[];
}

const ROWS = 'rows';

const NUMBER_TIMEFRAMES = new Set([
  'day_of_week_index', 'day_of_month', 'day_of_year', 'hour_of_day', 'minute_of_hour', 'month_num',
  'week_of_year', 'fiscal_month_num', 'year', 'fiscal_year',
]);
const NUMBER_MEASURES = new Set([
  'count', 'count_distinct', 'sum', 'average', 'min', 'max', 'median', 'percentile', 'sum_distinct',
  'average_distinct', 'median_distinct', 'percentile_distinct', 'number', 'int',
]);

/**
 * A result column as an expression value. Result columns hold display shapes (yes/no as
 * `'Yes'`/`'No'`, minutes as `YYYY-MM-DD HH:MM` text…), so some are turned back into values.
 */
function columnValue(d: Dialect, col: string, f: CompiledField): CompiledExpr {
  const tf = f.type.startsWith('date_') ? f.type.slice('date_'.length) : undefined;
  if (f.type === 'yesno' || tf === 'yesno') return { sql: `(${col} = 'Yes')`, type: 'boolean' };
  if (tf !== undefined) {
    if (NUMBER_TIMEFRAMES.has(tf)) return { sql: col, type: 'number' };
    switch (tf) {
      case 'raw': case 'time': case 'second': case 'millisecond': case 'microsecond':
        return { sql: d.cast(col, 'timestamp'), type: 'date' };
      case 'date': case 'week':
        return { sql: d.toTimestamp(col, 'date'), type: 'date' };
      case 'month': return { sql: d.cast(`(${col} || '-01')`, 'timestamp'), type: 'date' };
      case 'minute': return { sql: d.cast(`(${col} || ':00')`, 'timestamp'), type: 'date' };
      case 'hour': return { sql: d.cast(`(${col} || ':00:00')`, 'timestamp'), type: 'date' };
      default: return { sql: col, type: 'string' };
    }
  }
  if (f.type.startsWith('duration_')) return { sql: col, type: 'number' };
  const type: ExprType = f.category === 'measure'
    ? (NUMBER_MEASURES.has(f.type) ? 'number' : f.type === 'date' ? 'date' : 'string')
    : (['number', 'int', 'distance'].includes(f.type) ? 'number' : ['date', 'date_time', 'time'].includes(f.type) ? 'date' : 'string');
  return { sql: type === 'date' ? d.cast(col, 'timestamp') : col, type };
}

function badRef(label: string, pos: number, problem: string, field?: string): QueryError {
  return new QueryError('query/bad-expression', `Invalid ${label} at character ${pos + 1}: ${problem}`, field, pos);
}

/** The statement counting each assert's failing rows over the compiled test query. */
export function planAsserts(compiled: CompiledQuery, asserts: readonly { readonly name: string; readonly expr: Expr }[], d: Dialect): AssertPlan {
  const q = d.quoteIdentifier('q');
  const byName = new Map(compiled.fields.map((f) => [f.name, f]));
  const columns: { assert: string; column: string; field?: string }[] = [];
  const invalid: { assert: string; message: string; field?: string }[] = [];
  const selects: string[] = [`COUNT(*) AS ${d.quoteIdentifier(ROWS)}`];
  for (const a of asserts) {
    const label = `expression of assert "${a.name}"`;
    const first = fieldRefs(a.expr)[0]?.name;
    const ctx: ExpressionContext = {
      dialect: d,
      timezone: compiled.timezone,
      weekStartDay: compiled.weekStartDay,
      label,
      field(ref) {
        const f = byName.get(ref.name);
        if (!f) throw badRef(label, ref.pos, `\${${ref.name}} is not a column of the test's explore_source; add it as a column`, ref.name);
        if (f.postSql) throw badRef(label, ref.pos, `${ref.name} (type: ${f.postSql.kind}) is computed from the result rows and cannot be checked by an assert`, ref.name);
        return columnValue(d, `${q}.${d.quoteIdentifier(f.alias)}`, f);
      },
      matchesFilter(ref) {
        throw badRef(label, ref.pos, 'matches_filter is not supported in data test asserts', ref.name);
      },
    };
    try {
      const cond = compileCondition(a.expr, ctx);
      const column = `a${columns.length}`;
      selects.push(`SUM(CASE WHEN COALESCE(${cond}, ${d.booleanLiteral(false)}) THEN 0 ELSE 1 END) AS ${d.quoteIdentifier(column)}`);
      columns.push({ assert: a.name, column, ...(first === undefined ? {} : { field: first }) });
    } catch (e) {
      if (!(e instanceof QueryError)) throw e;
      invalid.push({ assert: a.name, message: e.message, ...(e.field === undefined ? {} : { field: e.field }) });
    }
  }
  const sql = columns.length === 0 ? null : `SELECT ${selects.join(', ')}\nFROM (${compiled.sql}) AS ${q}`;
  return { sql, columns, invalid };
}

function count(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return 0;
}

function problem(test: DataTest, message: string, sanitized: string, extra: Partial<DataTestProblem> = {}, line = test.loc.line): DataTestProblem {
  return { message, sanitized, file: test.file, line, ...extra };
}

function fromDiagnostic(test: DataTest, d: Diagnostic): DataTestProblem {
  return problem(test, d.message, 'The data test is invalid (?).', {}, d.line);
}

/** Runs one test against one model of the caller's workspace. */
export async function runDataTest<P extends { readonly compiled: CompiledQuery }>(
  test: DataTest, model: Model | undefined, modelName: string, queries: DataTestQueries<P>,
): Promise<DataTestResult> {
  const assertionsCount = test.asserts.length;
  const firstColumn = columnFields(test, model)[0];
  const done = (errors: DataTestProblem[], warnings: DataTestProblem[] = [], failed = assertionsCount): DataTestResult => ({
    test, model: modelName, assertionsCount, assertionsFailed: errors.length === 0 ? 0 : failed, errors, warnings, success: errors.length === 0,
  });
  const blocking = test.problems.filter((p) => p.severity === 'error');
  if (blocking.length > 0) return done(blocking.map((d) => fromDiagnostic(test, d)));

  let prepared: P;
  try {
    prepared = await queries.prepare(dataTestQuery(test, model, modelName));
  } catch (e) {
    if (!(e instanceof QueryRunError)) throw e;
    return done([problem(test, e.message, 'The data test query is invalid (?).', e.field === undefined ? {} : { field: e.field })]);
  }
  const plan = planAsserts(prepared.compiled, test.asserts.flatMap((a) => (a.expr ? [{ name: a.name, expr: a.expr }] : [])), queries.dialect(prepared));
  const errors: DataTestProblem[] = plan.invalid.map((i) => problem(test, i.message, `Assertion "(?)" is invalid.`, {
    assert: i.assert, ...((i.field ?? firstColumn) === undefined ? {} : { field: i.field ?? firstColumn }),
  }));
  if (plan.sql === null) return done(errors);

  let row: Record<string, unknown>;
  try {
    row = (await queries.execute(prepared, plan.sql))[0] ?? {};
  } catch (e) {
    if (!(e instanceof DriverError)) throw e;
    return done([...errors, problem(test, e.message, 'The data test query failed in the database (?).', firstColumn === undefined ? {} : { field: firstColumn })]);
  }
  const rows = count(row[ROWS]);
  for (const c of plan.columns) {
    const failedRows = count(row[c.column]);
    if (failedRows === 0) continue;
    const field = c.field ?? firstColumn;
    errors.push(problem(test, `Assertion "${c.assert}" failed: expression evaluated to "No".`, 'Assertion "(?)" failed: expression evaluated to "No".', {
      assert: c.assert, failedRows, rows, ...(field === undefined ? {} : { field }),
    }));
  }
  const warnings = rows === 0 ? [problem(test, `The query of data test "${test.name}" returned no rows, so its asserts checked nothing.`, 'The data test query returned no rows.')] : [];
  return done(errors, warnings, errors.length);
}
