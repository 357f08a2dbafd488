/**
 * Render a parsed filter as a boolean SQL condition. Every user value reaches SQL only
 * through the dialect's literal/LIKE helpers; every condition is fully parenthesised so
 * the caller can AND it into a WHERE or a CASE WHEN without caring about precedence.
 *
 * Date ranges are half-open `[start, end)` on the field, which is a zone-less local
 * timestamp in `ctx.timezone`; relative bounds are built from `ctx.dialect.now(tz)`, or
 * from `ctx.now` as a literal when pinned, so the same SQL path runs in tests and production.
 */
import type { FilterSqlContext } from './index.ts';
import { escapeLike } from './parse-string.ts';
import type { DateMoment, FilterNode } from './types.ts';

const PINNED_NOW = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
/** A plain or quoted (optionally qualified) identifier needs no parentheses of its own. */
const BARE_NAME = /^(?:"(?:[^"]|"")*"|`[^`]*`|[A-Za-z_][\w$]*)(?:\.(?:"(?:[^"]|"")*"|`[^`]*`|[A-Za-z_][\w$]*))*$/;

/**
 * `fieldSql` is the field's SQL expression. For `yesno` it must be the boolean condition
 * (Looker filters the condition itself; `no` also matches NULL, which Looker displays as No).
 */
export function filterToSql(node: FilterNode, fieldSql: string, ctx: FilterSqlContext): string {
  if (ctx.now !== undefined && !PINNED_NOW.test(ctx.now)) {
    throw new Error(`FilterSqlContext.now must be "YYYY-MM-DD HH:MM:SS", got ${JSON.stringify(ctx.now)}`);
  }
  const field = BARE_NAME.test(fieldSql.trim()) ? fieldSql.trim() : `(${fieldSql})`;
  return render(node, field, ctx);
}

function render(node: FilterNode, f: string, ctx: FilterSqlContext): string {
  const d = ctx.dialect;
  const ci = !ctx.caseSensitive;
  switch (node.type) {
    case 'all':
      return '(1 = 1)';
    case 'and':
    case 'or':
      return `(${node.children.map((c) => render(c, f, ctx)).join(node.type === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return renderNot(node.child, node.orNull, f, ctx);
    case 'null':
      return `(${f} IS NULL)`;
    case 'empty':
      return `(${f} IS NULL OR ${f} = ${d.stringLiteral('')})`;
    case 'string':
      if (node.op === 'equals') {
        if (ci) return `(${node.values.map((v) => `(${d.like(f, escapeLike(v), true)})`).join(' OR ')})`;
        return `(${inList(f, node.values.map((v) => d.stringLiteral(v)), false)})`;
      }
      return `(${d.like(f, likePattern(node.op, node.value), ci)})`;
    case 'like':
      return `(${d.like(f, node.pattern, ci)})`;
    case 'number_equals':
      return `(${inList(f, node.values.map((v) => d.numberLiteral(v)), false)})`;
    case 'number_compare':
      return `(${f} ${node.op} ${d.numberLiteral(node.value)})`;
    case 'number_between':
      return `(${f} ${node.lowInclusive ? '>=' : '>'} ${d.numberLiteral(node.low)} AND ${f} ${node.highInclusive ? '<=' : '<'} ${d.numberLiteral(node.high)})`;
    case 'date_range': {
      const parts: string[] = [];
      if (node.start) parts.push(`${f} >= ${moment(node.start, ctx)}`);
      if (node.end) parts.push(`${f} < ${moment(node.end, ctx)}`);
      return parts.length === 0 ? '(1 = 1)' : `(${parts.join(' AND ')})`;
    }
    case 'yesno':
      return node.value ? `(${f})` : `(NOT COALESCE(${f}, ${d.booleanLiteral(false)}))`;
  }
}

function renderNot(child: FilterNode, orNull: boolean, f: string, ctx: FilterSqlContext): string {
  const d = ctx.dialect;
  const withNull = (cond: string): string => (orNull ? `(${cond} OR ${f} IS NULL)` : `(${cond})`);
  switch (child.type) {
    case 'null':
      return orNull ? '(1 = 1)' : `(${f} IS NOT NULL)`;
    case 'empty':
      return withNull(`${f} IS NOT NULL AND ${f} <> ${d.stringLiteral('')}`);
    case 'number_equals':
      return withNull(inList(f, child.values.map((v) => d.numberLiteral(v)), true));
    case 'string':
      if (child.op === 'equals' && ctx.caseSensitive) {
        return withNull(inList(f, child.values.map((v) => d.stringLiteral(v)), true));
      }
      return withNull(`NOT ${render(child, f, ctx)}`);
    default:
      return withNull(`NOT ${render(child, f, ctx)}`);
  }
}

/** `f = x` / `f IN (x, y)` (or the negations), without outer parentheses. */
function inList(f: string, literals: readonly string[], negated: boolean): string {
  if (literals.length === 1) return `${f} ${negated ? '<>' : '='} ${literals[0]!}`;
  return `${f} ${negated ? 'NOT IN' : 'IN'} (${literals.join(', ')})`;
}

function likePattern(op: 'contains' | 'starts_with' | 'ends_with', value: string): string {
  const v = escapeLike(value);
  if (op === 'contains') return `%${v}%`;
  if (op === 'starts_with') return `${v}%`;
  return `%${v}`;
}

/**
 * `{% date_start f %}` / `{% date_end f %}`: the SQL of a date filter's lower or upper bound,
 * or `NULL` when the filter is not a single date range or that side is open (as in Looker).
 */
export function dateBoundSql(node: FilterNode, which: 'start' | 'end', ctx: FilterSqlContext): string {
  if (node.type !== 'date_range') return 'NULL';
  const m = which === 'start' ? node.start : node.end;
  return m ? moment(m, ctx) : 'NULL';
}

function moment(m: DateMoment, ctx: FilterSqlContext): string {
  const d = ctx.dialect;
  if (m.type === 'absolute') return d.timestampLiteral(m.local);
  let sql = ctx.now !== undefined ? d.timestampLiteral(ctx.now) : d.now(ctx.timezone);
  if (m.truncate) sql = d.truncate(sql, m.truncate.unit, m.truncate.weekStart ?? ctx.weekStartDay);
  for (const s of m.shifts) sql = d.addInterval(sql, s.unit, s.n);
  return sql;
}
