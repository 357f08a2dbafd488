/**
 * A query's `filter_expression` (Looker custom filter): parsed and checked against the
 * explore before SQL generation, then compiled with the query's Expander so referenced
 * fields expand (and join) exactly as query filters do. An expression that references a
 * measure filters groups (HAVING); otherwise it filters rows (WHERE).
 */
import type { Field } from '../../model/types.ts';
import type { TimeUnit, Timeframe } from '../dialects/dialect.ts';
import { QueryError } from '../errors.ts';
import { wrap, type Expander } from '../expand.ts';
import { filterKind, POST_SQL_MEASURES } from '../kinds.ts';
import { lookupField, type AliasInfo, type QueryScope } from '../scope.ts';
import { fieldRefs, type Expr, type ExprType, type FieldExpr } from './ast.ts';
import { parseExpression } from './parser.ts';
import { compileCondition, type CompiledExpr, type ExpressionContext } from './to-sql.ts';

const LABEL = 'filter_expression';

export interface PreparedFilterExpression {
  readonly expr: Expr;
  /** Distinct `view.field` names it references, in first-use order. */
  readonly fields: readonly string[];
}

/** Parse and resolve a query's `filter_expression`; undefined when absent or blank. */
export function prepareFilterExpression(
  text: string | null | undefined,
  scope: Pick<QueryScope, 'aliases' | 'explore'>,
): PreparedFilterExpression | undefined {
  if (text === undefined || text === null) return undefined;
  // The API hands over parsed JSON, so the declared type is not a guarantee.
  if (typeof text !== 'string') throw new QueryError('query/bad-expression', `Invalid ${LABEL}: expected a string, got ${typeof text}.`);
  if (text.trim() === '') return undefined;
  const expr = parseExpression(text, LABEL);
  const fields: string[] = [];
  for (const ref of fieldRefs(expr)) {
    const field = resolve(scope, ref).field;
    if (field.category === 'filter' || field.category === 'parameter') {
      throw refError(ref, `${ref.name} is a ${field.category}-only field and has no value to compare`);
    }
    if (!fields.includes(ref.name)) fields.push(ref.name);
  }
  return { expr, fields };
}

function refError(ref: FieldExpr, problem: string): QueryError {
  return new QueryError('query/bad-expression', `Invalid ${LABEL} at character ${ref.pos + 1}: ${problem}`, ref.name, ref.pos);
}

function resolve(scope: Pick<QueryScope, 'aliases' | 'explore'>, ref: FieldExpr): { alias: AliasInfo; field: Field } {
  try {
    return lookupField(scope, ref.name);
  } catch (e) {
    if (e instanceof QueryError && e.code === 'query/unknown-field') {
      throw new QueryError('query/unknown-field', `Unknown field '${ref.name}' in ${LABEL} at character ${ref.pos + 1} (explore '${scope.explore.name}').`, ref.name, ref.pos);
    }
    throw e;
  }
}

/** The expression as one SQL condition and the clause it belongs to. */
export function filterExpressionSql(ex: Expander, scope: QueryScope, fx: PreparedFilterExpression): { sql: string; aggregate: boolean } {
  const refs = fieldRefs(fx.expr).map((ref) => ({ ref, ...resolve(scope, ref) }));
  const aggregate = refs.some((r) => r.field.category === 'measure');
  if (aggregate) {
    // In HAVING a dimension is only defined when the query groups by it.
    const loose = refs.find((r) => r.field.category !== 'measure' && !scope.selected.has(r.ref.name));
    if (loose) throw refError(loose.ref, `${loose.ref.name} is used together with measures, so it must also be one of the query's fields`);
  }
  const d = scope.dialect;
  const ctx: ExpressionContext = {
    dialect: d,
    timezone: scope.timezone,
    weekStartDay: scope.weekStartDay,
    label: LABEL,
    ...(scope.now !== undefined ? { now: scope.now } : {}),
    field(ref) {
      const { alias, field } = resolve(scope, ref);
      ex.used.add(alias.alias);
      if (field.category === 'measure' && POST_SQL_MEASURES.has(field.type)) {
        throw refError(ref, `${ref.name} (type: ${field.type}) is computed from the result rows and cannot be used in SQL`);
      }
      return fieldValue(ex, scope, alias, field);
    },
    matchesFilter(ref, filter, filterPos) {
      const { alias, field } = resolve(scope, ref);
      ex.used.add(alias.alias);
      try {
        return ex.condition(alias, field, filter, ref.name);
      } catch (e) {
        if (e instanceof QueryError && e.code === 'query/bad-filter') {
          throw new QueryError('query/bad-expression', `Invalid ${LABEL} at character ${filterPos + 1}: ${e.message}`, ref.name, filterPos);
        }
        throw e;
      }
    },
  };
  return { sql: compileCondition(fx.expr, ctx), aggregate };
}

/** Date timeframes compare as the start of their period (a `_date` is its day at midnight). */
const TRUNCATE: Partial<Record<Timeframe, TimeUnit>> = {
  time: 'second', second: 'second', millisecond: 'millisecond', minute: 'minute', hour: 'hour',
  date: 'day', week: 'week', month: 'month', quarter: 'quarter', year: 'year',
};

const TYPE_OF_KIND: Readonly<Record<ReturnType<typeof filterKind>, ExprType>> = {
  string: 'string', tier: 'string', number: 'number', date: 'date', yesno: 'boolean',
};

/** A field as an expression value: the same SQL filters use (yes/no as a condition, dates as local timestamps). */
function fieldValue(ex: Expander, scope: QueryScope, alias: AliasInfo, field: Field): CompiledExpr {
  const type = TYPE_OF_KIND[filterKind(field)];
  if (field.category === 'measure') return { sql: wrap(ex.fieldSql(alias, field.name, 'ref')), type };
  const sql = ex.fieldSql(alias, field.name, 'filter');
  if (type !== 'date') return { sql: wrap(sql), type };
  const d = scope.dialect;
  const tf = field.group?.timeframe;
  if (tf === undefined) return { sql: d.toTimestamp(sql, 'timestamp'), type };
  const unit = TRUNCATE[tf];
  return { sql: unit !== undefined ? d.truncate(sql, unit, scope.weekStartDay) : wrap(sql), type };
}
