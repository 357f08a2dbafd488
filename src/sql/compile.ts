/**
 * Looker query → one SQL statement for the connection's dialect.
 *
 * Two passes over the same builder: the first learns which joins the query touches
 * (fields, filters, Liquid branches, ON clauses); the second knows the joins, so it can
 * tell which measures fan out and must use symmetric aggregates.
 */
import type { Explore, Field, Model, View } from '../model/types.ts';
import { scanRefs, splitRef } from '../model/refs.ts';
import type { Dialect } from './dialects/dialect.ts';
import { QueryError } from './errors.ts';
import { Expander, wrap, type FanoutOracle } from './expand.ts';
import { fanoutOracle, type JoinNode } from './fanout.ts';
import { filterExpressionSql, prepareFilterExpression, type PreparedFilterExpression } from './expressions/index.ts';
import { isDateTimeframe, POST_SQL_MEASURES } from './kinds.ts';
import { makeHost } from './host.ts';
import type { CompiledField, CompiledQuery, CompileOptions, LookerQuery } from './query.ts';
import { aliasesOf, baseAliasOf, lookupField, splitFieldName, type AliasInfo, type QueryScope } from './scope.ts';
import { checkFieldsVisible } from './visibility.ts';
import { assemble, pivotTotalsStatement, rowTotalsRequested, rowTotalsStatement, type PivotPlan, type Statement } from './statement.ts';

export const DEFAULT_LIMIT = 500;
/** Looker's default number of pivot columns. */
export const DEFAULT_COLUMN_LIMIT = 50;
const MAX_NESTING = 8;

interface Selected {
  readonly name: string;
  readonly alias: AliasInfo;
  readonly field: Field;
  readonly isPivot: boolean;
}

interface Sort {
  readonly name: string;
  readonly desc: boolean;
}

/** Result column name for `view.field`: Looker's `view.field`, or `view_field` where dots are not allowed. */
export function columnAlias(dialect: Dialect, name: string): string {
  return dialect.name.startsWith('bigquery') ? name.replace('.', '_') : name;
}

export function parseLimit(limit: LookerQuery['limit']): number | null {
  if (limit === undefined || limit === null || limit === '') return DEFAULT_LIMIT;
  const s = String(limit).trim();
  if (!/^-?\d+$/.test(s)) throw new QueryError('query/bad-limit', `Invalid limit '${s}': use a whole number, or -1 for no limit.`);
  const n = Number(s);
  if (n === -1) return null;
  if (n < -1) throw new QueryError('query/bad-limit', `Invalid limit '${s}': use a whole number, or -1 for no limit.`);
  // Past 2^53 the number is no longer the one given; no database returns that many rows anyway.
  if (!Number.isSafeInteger(n)) throw new QueryError('query/bad-limit', `Invalid limit '${s}': too large; use -1 for no limit.`);
  return n;
}

export function parseSort(text: string): Sort {
  const parts = text.trim().split(/\s+/);
  const name = parts[0] ?? '';
  const dir = (parts[1] ?? 'asc').toLowerCase();
  if (!name || (dir !== 'asc' && dir !== 'desc') || parts.length > 3 || (parts[2] !== undefined && !/^\d+$/.test(parts[2]))) {
    throw new QueryError('query/bad-sort', `Invalid sort '${text}': use 'view.field' or 'view.field desc'.`);
  }
  return { name, desc: dir === 'desc' };
}

/** Constructing Intl.DateTimeFormat is slow; a zone checked once stays valid. */
const knownTimezones = new Set<string>(['UTC']);

function checkTimezone(tz: string): string {
  if (knownTimezones.has(tz)) return tz;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new QueryError('query/bad-timezone', `Unknown time zone '${tz}': use an IANA name such as 'UTC' or 'America/New_York'.`);
  }
  if (knownTimezones.size < 1000) knownTimezones.add(tz);
  return tz;
}

export function findExplore(model: Model, name: string): Explore {
  const explore = Object.hasOwn(model.explores, name) ? model.explores[name] : undefined;
  if (!explore || explore.extension) {
    throw new QueryError('query/unknown-explore', `Explore '${name}' not found in model '${model.name}'.`);
  }
  return explore;
}

export function compileQuery(model: Model, query: LookerQuery, options: CompileOptions): CompiledQuery {
  return compileAt(model, query, options, 0);
}

function compileAt(model: Model, query: LookerQuery, options: CompileOptions, depth: number): CompiledQuery {
  if (depth > MAX_NESTING) throw new QueryError('query/circular-reference', `Native derived tables nest more than ${MAX_NESTING} deep (circular explore_source?).`);
  const explore = findExplore(model, query.view);
  const aliases = aliasesOf(model, explore);
  const dialect = options.dialect;
  const databaseTimezone = options.databaseTimezone ?? 'UTC';
  const timezone = checkTimezone(query.query_timezone || options.defaultQueryTimezone || databaseTimezone);
  const limit = parseLimit(query.limit);
  const scopeBase = { model, explore, aliases };

  // Filters: explicit, then always_filter defaults, conditionally_filter, each checked against the explore.
  const filters = new Map<string, string>();
  for (const [name, expr] of Object.entries(query.filters ?? {})) {
    lookupField(scopeBase, name);
    if (typeof expr !== 'string' || expr.trim() === '') continue;
    rejectControlChars(expr, `filter on ${name}`);
    filters.set(name, expr);
  }
  for (const af of explore.alwaysFilter) {
    const name = qualify(explore, af.field);
    if (!filters.has(name)) filters.set(name, af.expression);
  }
  if (explore.conditionallyFilter) {
    const unless = explore.conditionallyFilter.unless.map((u) => qualify(explore, u));
    if (!unless.some((u) => filters.has(u))) {
      for (const c of explore.conditionallyFilter.filters) {
        const name = qualify(explore, c.field);
        if (!filters.has(name)) filters.set(name, c.expression);
      }
    }
  }

  // Looker's words: clients (Spectacles among them) recognise this refusal by its text.
  if (query.fields.length === 0) throw new QueryError('query/no-fields', 'Must query at least one dimension or measure.');
  const pivots = new Set(query.pivots ?? []);
  const selected: Selected[] = [];
  const seen = new Set<string>();
  for (const name of query.fields) {
    if (seen.has(name)) continue;
    seen.add(name);
    const { alias, field } = lookupField(scopeBase, name);
    if (field.category === 'filter' || field.category === 'parameter') {
      throw new QueryError('query/unknown-field', `Field '${name}' is a ${field.category}-only field and cannot be selected; use it as a filter.`, name);
    }
    selected.push({ name, alias, field, isPivot: pivots.has(name) });
  }
  for (const p of pivots) {
    if (!seen.has(p)) throw new QueryError('query/unknown-field', `Pivot '${p}' must also be in the query's fields.`, p);
  }
  const fx = prepareFilterExpression(query.filter_expression, scopeBase);
  checkFieldsVisible(model, explore, [...seen, ...filters.keys(), ...(fx?.fields ?? [])]);
  const sorts = (query.sorts ?? []).map(parseSort);
  for (const s of sorts) lookupField(scopeBase, s.name);

  for (const [k, v] of Object.entries(options.userAttributes ?? {})) rejectControlChars(v, `user attribute '${k}'`);
  const inQuery = new Set<string>([...seen, ...filters.keys(), ...sorts.map((s) => s.name), ...(fx?.fields ?? [])]);
  const scope: QueryScope = {
    model, explore, query, dialect, aliases, baseAlias: baseAliasOf(explore), timezone, databaseTimezone,
    weekStartDay: model.weekStartDay, userAttributes: options.userAttributes ?? {}, filters,
    selected: seen, inQuery, ...(options.now !== undefined ? { now: options.now } : {}),
  };

  const compileNdt = (view: View): string => compileExploreSource(model, view, scope, options, depth);
  const run = (fanout: FanoutOracle): { ex: Expander; parts: Parts } => {
    const ex: Expander = new Expander({ scope, host: makeHost(scope, (): Expander => ex), fanout, compileExploreSource: compileNdt });
    return { ex, parts: buildParts(ex, scope, selected, sorts, fx) };
  };

  const first = run(() => false);
  const joins = closeJoins(first.ex, scope);
  const oracle = fanoutOracle(baseAliasOf(explore), joins.map((j) => j.node));
  const second = run(oracle);
  const joinSql = closeJoins(second.ex, scope).map((j) => j.sql);

  const from = `${second.ex.tableSql(aliases.get(baseAliasOf(explore))!.view)} AS ${baseAliasOf(explore)}`;
  const fields = selected.map((s) => describe(dialect, s));
  const p = second.parts;
  const ctes = second.ex.ctes;
  const main: Statement = {
    select: p.select, from, joins: joinSql, where: p.where, groupBy: p.groupBy, having: p.having,
    orderBy: p.orderBy, limit, ...(p.pivot ? { pivot: { ...p.pivot, columnLimit: parseColumnLimit(query.column_limit) } } : {}),
  };
  const sql = assemble(dialect, ctes, main);
  // Totals statements: the measures over the same FROM/WHERE, grouped by `dims` leading SELECT lines.
  const totalsOf = (dims: readonly string[]): Statement => ({
    select: [...dims, ...p.measureSelect], from, joins: joinSql, where: p.where, groupBy: dims.length, having: [], orderBy: [], limit: null,
  });
  const extra: { totalsSql?: string; pivotTotalsSql?: string; rowTotalsSql?: string } = {};
  if (query.total && p.measureSelect.length > 0) {
    extra.totalsSql = assemble(dialect, ctes, totalsOf([]));
    if (p.pivot) extra.pivotTotalsSql = pivotTotalsStatement(dialect, ctes, main, totalsOf(p.pivot.pivotSelect));
  }
  // Without pivots Looker ignores row_total.
  if (p.pivot && rowTotalsRequested(query.row_total) && p.measureSelect.length > 0) {
    extra.rowTotalsSql = rowTotalsStatement(dialect, ctes, main, totalsOf(p.pivot.rowSelect), [...p.pivot.rowColumns, ...p.measureColumns]);
  }
  return { sql, fields, warnings: second.ex.warnings, timezone, weekStartDay: model.weekStartDay, ...extra };
}

/** Control characters (other than tab and newlines) have no meaning in filter values and would collide with internal markers. */
function hasControlChars(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 32 && c !== 9 && c !== 10 && c !== 13) return true;
  }
  return false;
}

function rejectControlChars(value: string, what: string): void {
  if (hasControlChars(value)) throw new QueryError('query/bad-filter', `The ${what} contains control characters; remove them.`);
}

/** `field` or `view.field` in an explore's always_filter etc. → `alias.field`. */
function qualify(explore: Explore, name: string): string {
  return name.includes('.') ? name : `${baseAliasOf(explore)}.${name}`;
}

interface Parts {
  /** With pivots: the ranking plan (less column_limit), and the SELECT lines of the row and of the pivot dimensions. */
  readonly pivot?: Omit<PivotPlan, 'columnLimit'> & { readonly rowSelect: readonly string[]; readonly pivotSelect: readonly string[] };
  readonly select: string[];
  /** SELECT lines of the measures computed in SQL (totals leave out post-SQL measures), and their result columns. */
  readonly measureSelect: string[];
  readonly measureColumns: string[];
  readonly where: string[];
  readonly having: string[];
  readonly groupBy: number;
  readonly orderBy: string[];
}

function buildParts(ex: Expander, scope: QueryScope, selected: readonly Selected[], sorts: readonly Sort[], fx: PreparedFilterExpression | undefined): Parts {
  const d = scope.dialect;
  // A field's own view is joined even when its SQL never says ${TABLE} (e.g. a count).
  for (const s of selected) ex.used.add(s.alias.alias);
  for (const name of scope.filters.keys()) ex.used.add(splitFieldName(name)!.alias);
  const dims = selected.filter((s) => s.field.category !== 'measure');
  const measures = selected.filter((s) => s.field.category === 'measure');
  const ordered = [...dims, ...measures];
  const column = (s: Selected): string => d.quoteIdentifier(columnAlias(d, s.name));
  const selectLine = (s: Selected): string => `    ${ex.fieldSql(s.alias, s.field.name, 'select')} AS ${column(s)}`;
  const select = ordered.map(selectLine);
  const sqlMeasures = measures.filter((s) => !POST_SQL_MEASURES.has(s.field.type));
  const measureSelect = sqlMeasures.map(selectLine);
  const measureColumns = sqlMeasures.map(column);

  const where: string[] = [];
  const having: string[] = [];
  for (const [name, expr] of scope.filters) {
    const { alias, field } = lookupField(scope, name);
    if (field.category === 'parameter') continue;
    if (field.category === 'filter') {
      // A filter-only field acts through its own `sql:` (usually a {% condition %}) or through Liquid elsewhere.
      if (field.sql !== undefined) where.push(ex.sql(field.sql, alias));
      continue;
    }
    const cond = ex.condition(alias, field, expr, name);
    (field.category === 'measure' ? having : where).push(cond);
  }
  if (fx) {
    const c = filterExpressionSql(ex, scope, fx);
    (c.aggregate ? having : where).push(c.sql);
  }
  const base = scope.aliases.get(scope.baseAlias)!;
  for (const af of scope.explore.accessFilters) {
    const name = qualify(scope.explore, af.field);
    const value = scope.userAttributes[af.userAttribute];
    if (value === undefined) {
      throw new QueryError('query/missing-user-attribute', `Explore '${scope.explore.name}' has an access_filter on user attribute '${af.userAttribute}', which has no value for this user.`);
    }
    const { alias, field } = lookupField(scope, name);
    where.push(ex.condition(alias, field, value, name));
  }
  if (scope.explore.sqlAlwaysWhere !== undefined) where.push(ex.sql(scope.explore.sqlAlwaysWhere, base));
  if (scope.explore.sqlAlwaysHaving !== undefined) having.push(ex.sql(scope.explore.sqlAlwaysHaving, base));

  const orderBy: string[] = [];
  const position = new Map(ordered.map((s, i) => [s.name, i + 1]));
  const effective = sorts.length > 0 ? sorts.filter((s) => position.has(s.name)) : defaultSort(ordered);
  for (const s of effective) {
    const sel = ordered.find((o) => o.name === s.name)!;
    const obf = sel.field.orderByField;
    const target = obf !== undefined ? ex.fieldSql(sel.alias, obf.includes('.') ? obf.slice(obf.indexOf('.') + 1) : obf, 'select') : String(position.get(s.name));
    orderBy.push(`${target}${s.desc ? ' DESC' : ''}`);
  }
  let pivot: Parts['pivot'];
  const pivoted = dims.filter((s) => s.isPivot);
  if (pivoted.length > 0) {
    // Looker limits a pivoted query to `limit` distinct rows and `column_limit` distinct pivot values.
    const expr = (s: Selected): string => ex.fieldSql(s.alias, s.field.name, 'select');
    const rowDims = dims.filter((s) => !s.isPivot);
    const rowOrder = effective
      .map((s) => ({ s, sel: rowDims.find((o) => o.name === s.name) }))
      .filter((x) => x.sel !== undefined)
      .map((x) => `${expr(x.sel!)}${x.s.desc ? ' DESC' : ''}`);
    for (const r of rowDims) if (!effective.some((s) => s.name === r.name)) rowOrder.push(expr(r));
    // Pivot columns follow the query's own sorts (not the implicit default sort): `desc` puts the highest value first.
    const pivotDesc = pivoted.map((s) => sorts.find((x) => x.name === s.name)?.desc === true);
    pivot = {
      rowOrder, pivotOrder: pivoted.map((s, i) => `${expr(s)}${pivotDesc[i] ? ' DESC' : ''}`), pivotDesc,
      columns: ordered.map(column), rowColumns: rowDims.map(column), rowSelect: rowDims.map(selectLine), pivotSelect: pivoted.map(selectLine),
    };
  }
  return { select, measureSelect, measureColumns, where, having, groupBy: measures.length > 0 || dims.length > 0 ? dims.length : 0, orderBy, ...(pivot ? { pivot } : {}) };
}

/** Looker's default sort: the first date-like dimension descending, else the first measure descending, else the first dimension. */
function defaultSort(ordered: readonly Selected[]): Sort[] {
  const date = ordered.find((s) => s.field.category === 'dimension' && s.field.group?.timeframe !== undefined && isDateTimeframe(s.field.group.timeframe));
  if (date) return [{ name: date.name, desc: true }];
  const measure = ordered.find((s) => s.field.category === 'measure');
  if (measure) return [{ name: measure.name, desc: true }];
  const first = ordered[0];
  return first ? [{ name: first.name, desc: false }] : [];
}

interface PlannedJoin {
  readonly node: JoinNode;
  readonly sql: string;
}

/** Adds every join the used aliases depend on (ON clauses, foreign keys, required_joins), in explore order. */
function closeJoins(ex: Expander, scope: QueryScope): PlannedJoin[] {
  const { explore, aliases } = scope;
  for (const a of explore.alwaysJoin) ex.used.add(a);
  const planned = new Map<string, PlannedJoin>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const alias of [...ex.used]) {
      if (alias === baseAliasOf(explore) || planned.has(alias)) continue;
      const info = aliases.get(alias);
      if (!info?.join) throw new QueryError('query/unknown-reference', `'${alias}' is not a join of explore '${explore.name}'.`);
      const refs = new Set<string>();
      const sql = joinSql(ex, scope, info, refs);
      for (const r of info.join.requiredJoins) refs.add(r);
      refs.delete(alias);
      for (const r of refs) ex.used.add(r);
      const parent = [...refs].filter((r) => aliases.has(r)).sort((x, y) => aliases.get(y)!.order - aliases.get(x)!.order)[0] ?? baseAliasOf(explore);
      planned.set(alias, { node: { alias, parent, relationship: info.join.relationship }, sql });
      changed = true;
    }
  }
  return [...planned.values()].sort((x, y) => aliases.get(x.node.alias)!.order - aliases.get(y.node.alias)!.order);
}

function joinSql(ex: Expander, scope: QueryScope, info: AliasInfo, refs: Set<string>): string {
  const join = info.join!;
  if (join.sql !== undefined) return ex.sql(join.sql, info, refs);
  const table = join.sqlTableName !== undefined ? ex.sql(join.sqlTableName, info, new Set()) : ex.tableSql(info.view);
  const kind = { left_outer: 'LEFT JOIN', inner: 'INNER JOIN', full_outer: 'FULL OUTER JOIN', cross: 'CROSS JOIN' }[join.type];
  if (join.type === 'cross') return `${kind} ${table} AS ${info.alias}`;
  let on: string;
  if (join.sqlOn !== undefined) on = ex.sql(join.sqlOn, info, refs);
  else if (join.foreignKey !== undefined) on = foreignKeyOn(ex, scope, info, join.foreignKey, refs);
  else throw new QueryError('query/unsupported', `Join '${info.alias}' in explore '${scope.explore.name}' needs sql_on, foreign_key or sql.`);
  if (join.sqlWhere !== undefined) ex.sql(join.sqlWhere, info, refs);
  return `${kind} ${table} AS ${info.alias} ON ${on}`;
}

/** `foreign_key: dim` — the dimension (of the base, or `view.dim`) equals the joined view's primary key. */
function foreignKeyOn(ex: Expander, scope: QueryScope, info: AliasInfo, fk: string, refs: Set<string>): string {
  const pk = info.view.fields.find((f) => f.primaryKey);
  if (!pk) throw new QueryError('query/unsupported', `Join '${info.alias}' uses foreign_key but view '${info.view.name}' has no primary_key.`);
  const { view } = splitRef(fk);
  const ref = view === undefined ? `${scope.baseAlias}.${fk}` : fk;
  return `${ex.sql(`\${${ref}}`, info, refs)} = ${wrap(ex.fieldSql(info, pk.name, 'ref'))}`;
}

function describe(dialect: Dialect, s: Selected): CompiledField {
  const f = s.field;
  const label = f.label ?? f.name.replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
  const of = POST_SQL_MEASURES.has(f.type) ? postSqlTarget(f) : undefined;
  return {
    name: s.name, alias: columnAlias(dialect, s.name), category: f.category === 'measure' ? 'measure' : 'dimension',
    type: f.type, view: s.alias.alias, label, isPivot: s.isPivot,
    ...(f.valueFormat !== undefined ? { valueFormat: f.valueFormat } : {}),
    ...(of !== undefined ? { postSql: { kind: f.type, of } } : {}),
  };
}

function postSqlTarget(f: Field): string {
  const ref = f.sql !== undefined ? scanRefs(f.sql)[0]?.ref : undefined;
  return ref ?? f.name;
}

export function parseColumnLimit(limit: LookerQuery['column_limit']): number {
  if (limit === undefined || limit === null || limit === '') return DEFAULT_COLUMN_LIMIT;
  const s = String(limit).trim();
  if (!/^\d+$/.test(s) || Number(s) < 1 || !Number.isSafeInteger(Number(s))) throw new QueryError('query/bad-column-limit', `Invalid column_limit '${s}': use a positive whole number.`);
  return Number(s);
}

/** A native derived table: compile its explore_source query and expose the named columns. */
function compileExploreSource(model: Model, view: View, outer: QueryScope, options: CompileOptions, depth: number): string {
  const es = view.derivedTable!.exploreSource!;
  const explore = findExplore(model, es.explore);
  const fieldOf = (c: { name: string; field?: string }): string => c.field ?? `${baseAliasOf(explore)}.${c.name}`;
  const filters: Record<string, string> = {};
  for (const f of es.filters) filters[qualify(explore, f.field)] = f.expression;
  for (const b of es.bindFilters) {
    const v = outer.filters.get(b.fromField);
    if (v !== undefined) filters[qualify(explore, b.toField)] = v;
  }
  if (es.bindAllFilters) {
    for (const [k, v] of outer.filters) if (splitFieldName(k)?.alias !== undefined && aliasesOf(model, explore).has(splitFieldName(k)!.alias)) filters[k] = v;
  }
  const inner = compileAt(model, {
    model: model.name, view: explore.name, fields: es.columns.map(fieldOf), filters,
    // NDT sorts may name a column (`sorts: [lifetime_amount: desc]`) or a field of the source explore.
    sorts: es.sorts.map((s) => {
      const col = es.columns.find((c) => c.name === s.field);
      return `${col ? fieldOf(col) : qualify(explore, s.field)}${s.desc ? ' desc' : ''}`;
    }),
    limit: es.limit ?? -1,
    ...(outer.query.query_timezone ? { query_timezone: outer.query.query_timezone } : {}),
  }, options, depth + 1);
  const d = options.dialect;
  const cols = es.columns.map((c, i) => `${d.quoteIdentifier(inner.fields.find((f) => f.name === fieldOf(c))?.alias ?? inner.fields[i]!.alias)} AS ${c.name}`);
  let sql = `SELECT ${cols.join(', ')} FROM (${inner.sql}) AS ${d.quoteIdentifier(`${view.name}_source`)}`;
  if (es.derivedColumns.length > 0) {
    const derived = es.derivedColumns.map((c) => `(${c.sql}) AS ${c.name}`);
    sql = `SELECT *, ${derived.join(', ')} FROM (${sql}) AS ${d.quoteIdentifier(`${view.name}_columns`)}`;
  }
  return sql;
}
