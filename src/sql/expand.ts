/**
 * Field SQL: `${}` substitution, Liquid, dimension groups, yesno/tier/case shapes and measure
 * aggregates, for one query. Memoised per (alias, field, form) and guarded against cycles.
 */
import type { Field, View } from '../model/types.ts';
import { replaceRefs, splitRef } from '../model/refs.ts';
import type { FilterSqlContext } from './filters/index.ts';
import { filterToSql, parseFilterExpression } from './filters/index.ts';
import { QueryError } from './errors.ts';
import { AGGREGATE_MEASURES, filterKind, isDateTimeframe } from './kinds.ts';
import type { QueryHost } from './host.ts';
import { hasLiquid, protectRefs, renderLiquid, replaceMarkers } from './liquid.ts';
import { fieldsOf, type AliasInfo, type QueryScope } from './scope.ts';

/** Decides, once the joins are known, whether a measure of `alias` must be symmetric. */
export type FanoutOracle = (alias: string) => boolean;

type Form = 'ref' | 'select' | 'filter';

const SIMPLE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$|^-?\d+(\.\d+)?$/;

/** Parenthesise substituted SQL unless it is a bare name or number. A `--` comment gets its own line. */
export function wrap(sql: string): string {
  if (SIMPLE.test(sql)) return sql;
  return sql.includes('--') ? `(${sql}\n)` : `(${sql})`;
}

export interface ExpanderOptions {
  readonly scope: QueryScope;
  readonly host: QueryHost;
  readonly fanout: FanoutOracle;
  /** Compiles a native derived table's `explore_source` to SQL (the compiler itself, recursively). */
  readonly compileExploreSource: (view: View) => string;
}

export class Expander {
  /** Aliases whose tables the expanded SQL touches. */
  readonly used = new Set<string>();
  /** Common table expressions (derived tables) by view name, in first-use order. */
  readonly ctes = new Map<string, string>();
  readonly warnings: string[] = [];
  private readonly memo = new Map<string, string>();
  private readonly stack: string[] = [];
  private readonly o: ExpanderOptions;
  readonly filterCtx: FilterSqlContext;

  constructor(options: ExpanderOptions) {
    this.o = options;
    const s = options.scope;
    this.filterCtx = {
      dialect: s.dialect,
      timezone: s.timezone,
      weekStartDay: s.weekStartDay,
      caseSensitive: s.model.caseSensitive,
      ...(s.now !== undefined ? { now: s.now } : {}),
    };
  }

  private get s(): QueryScope {
    return this.o.scope;
  }

  /**
   * Expand Liquid then `${}` in LookML SQL that belongs to `owner` (for `${TABLE}` and local names).
   * The author's `${}` are swapped for markers before Liquid runs, so only references in the
   * branches Liquid keeps are expanded (and join), and text produced from values is never scanned.
   */
  sql(text: string, owner: AliasInfo, used: Set<string> = this.used): string {
    return this.expandWith(text, owner, (ref) => this.ref(ref, owner, used));
  }

  private expandWith(text: string, owner: AliasInfo, resolve: (ref: string) => string): string {
    if (!hasLiquid(text)) return replaceRefs(text, (r) => resolve(r.ref));
    const { text: guarded, refs } = protectRefs(text);
    this.o.host.setOwner(owner.alias);
    return replaceMarkers(renderLiquid(guarded, this.o.host), (i) => resolve(refs[i]!));
  }

  private ref(ref: string, owner: AliasInfo, used: Set<string>): string {
    if (ref === 'TABLE') {
      used.add(owner.alias);
      return owner.alias;
    }
    const { view, field } = splitRef(ref);
    if (view === undefined) {
      if (field === 'SQL_TABLE_NAME') return this.tableSql(owner.view);
      used.add(owner.alias);
      return wrap(this.fieldSql(owner, field, 'ref'));
    }
    if (field === 'SQL_TABLE_NAME') {
      const v = this.s.model.views[view];
      if (!v) throw new QueryError('query/unknown-reference', `Unknown view '${view}' in \${${ref}}.`);
      return this.tableSql(v);
    }
    let target = this.s.aliases.get(view);
    // A view referring to itself by view name while joined under another alias.
    if (!target && view === owner.view.name) target = owner;
    if (!target) {
      throw new QueryError('query/unknown-reference',
        `\${${ref}} refers to '${view}', which is not joined in explore '${this.s.explore.name}'.`);
    }
    used.add(target.alias);
    return wrap(this.fieldSql(target, field, 'ref'));
  }

  /** The FROM/JOIN table expression of a view: its table name, or a CTE for a derived table. */
  tableSql(view: View): string {
    const dt = view.derivedTable;
    if (!dt) {
      if (view.sqlTableName === undefined) return view.name;
      return this.sql(view.sqlTableName, this.ownerFor(view), new Set());
    }
    if (!this.ctes.has(view.name)) {
      const key = `cte:${view.name}`;
      this.enter(key);
      let body: string;
      if (dt.sql !== undefined) body = this.derivedSql(dt.sql, this.ownerFor(view));
      else if (dt.exploreSource) body = this.o.compileExploreSource(view);
      else throw new QueryError('query/unsupported', `View '${view.name}' has a derived_table with neither sql nor explore_source.`);
      this.leave();
      // Nested CTEs referenced by this one were added first, so the WITH list stays in dependency order.
      this.ctes.set(view.name, body);
    }
    return view.name;
  }

  /** Derived-table SQL may only point at other tables; field references have no row context there. */
  private derivedSql(text: string, owner: AliasInfo): string {
    return this.expandWith(text, owner, (ref) => {
      const { view, field } = splitRef(ref);
      const v = view !== undefined && field === 'SQL_TABLE_NAME' ? this.s.model.views[view] : undefined;
      if (!v) throw new QueryError('query/unknown-reference', `Derived table SQL can reference other tables only as \${view.SQL_TABLE_NAME}; found \${${ref}}.`);
      return this.tableSql(v);
    });
  }

  private ownerFor(view: View): AliasInfo {
    for (const a of this.s.aliases.values()) if (a.view === view) return a;
    return { alias: view.name, view, order: 0 };
  }

  private enter(key: string): void {
    if (this.stack.includes(key)) {
      throw new QueryError('query/circular-reference', `Circular reference: ${[...this.stack, key].join(' → ')}.`);
    }
    this.stack.push(key);
  }

  private leave(): void {
    this.stack.pop();
  }

  /** SQL of `owner.field` in the given form, memoised. */
  fieldSql(owner: AliasInfo, name: string, form: Form): string {
    const field = fieldsOf(owner.view).get(name);
    if (!field) {
      throw new QueryError('query/unknown-reference', `Unknown field '${owner.alias}.${name}' (view '${owner.view.name}').`, `${owner.alias}.${name}`);
    }
    const key = `${owner.alias}.${name}#${form}`;
    const hit = this.memo.get(key);
    if (hit !== undefined) return hit;
    this.enter(`${owner.alias}.${name}`);
    const out = field.category === 'measure' ? this.measure(owner, field) : this.dimension(owner, field, form);
    this.leave();
    this.memo.set(key, out);
    return out;
  }

  private dimension(owner: AliasInfo, f: Field, form: Form): string {
    const d = this.s.dialect;
    const g = f.group;
    if (g?.kind === 'time' && g.timeframe) {
      const base = d.toTimestamp(this.sql(f.sql ?? `\${TABLE}.${g.name}`, owner), g.datatype);
      const convert = g.convertTz && g.datatype !== 'date' && g.datatype !== 'yyyymmdd';
      const local = convert ? d.convertTz(base, this.s.databaseTimezone, this.s.timezone) : base;
      if (g.timeframe === 'raw') return local;
      if (form === 'filter' && isDateTimeframe(g.timeframe)) return local;
      // yesno filters need a boolean condition, not the 'Yes'/'No' label.
      if (form !== 'select' && g.timeframe === 'yesno') return `${wrap(local)} IS NOT NULL`;
      return d.timeframe(local, g.timeframe, { weekStartDay: this.s.weekStartDay, fiscalMonthOffset: this.s.model.fiscalMonthOffset });
    }
    if (g?.kind === 'duration' && g.interval) {
      const start = d.toTimestamp(this.sql(g.sqlStart ?? 'NULL', owner), g.datatype);
      const end = d.toTimestamp(this.sql(g.sqlEnd ?? 'NULL', owner), g.datatype);
      return d.durationBetween(start, end, g.interval);
    }
    const raw = this.sql(f.sql ?? `\${TABLE}.${f.name}`, owner);
    switch (f.type) {
      case 'yesno':
        return form === 'ref' || form === 'filter' ? raw : `CASE WHEN ${wrap(raw)} THEN 'Yes' ELSE 'No' END`;
      case 'tier':
        return this.tier(raw, f);
      case 'location':
        return form === 'ref' ? raw : this.location(owner, f);
      default:
        if (f.caseWhen) return this.caseWhen(owner, f);
        return raw;
    }
  }

  private caseWhen(owner: AliasInfo, f: Field): string {
    const d = this.s.dialect;
    const c = f.caseWhen!;
    const whens = c.when.map((w) => `WHEN ${this.sql(w.sql, owner)} THEN ${d.stringLiteral(w.label)}`).join(' ');
    return `CASE ${whens} ELSE ${c.else !== undefined ? d.stringLiteral(c.else) : 'NULL'} END`;
  }

  private location(owner: AliasInfo, f: Field): string {
    const d = this.s.dialect;
    const lat = f.params.sql_latitude;
    const lng = f.params.sql_longitude;
    if (typeof lat !== 'string' || typeof lng !== 'string') return this.sql(f.sql ?? 'NULL', owner);
    const la = this.sql(lat, owner);
    const lo = this.sql(lng, owner);
    return `CASE WHEN ${wrap(la)} IS NOT NULL AND ${wrap(lo)} IS NOT NULL THEN ${d.cast(la, 'string')} || ',' || ${d.cast(lo, 'string')} END`;
  }

  /** Looker's tier labels: classic `T02 [10,20)`, integer `10 to 19`, interval `[10,20)`, relational `>= 10 and < 20`. */
  private tier(raw: string, f: Field): string {
    const d = this.s.dialect;
    const tiers = f.tiers ?? [];
    const style = f.style ?? 'classic';
    const x = wrap(raw);
    const label = (i: number, lo: number | undefined, hi: number | undefined): string => {
      const los = lo === undefined ? '-inf' : String(lo);
      const his = hi === undefined ? 'inf' : String(hi);
      switch (style) {
        case 'integer':
          if (lo === undefined) return `Below ${his}`;
          if (hi === undefined) return `${los} or Above`;
          return `${los} to ${hi - 1}`;
        case 'interval': return `[${los},${his})`;
        case 'relational':
          if (lo === undefined) return `< ${his}`;
          if (hi === undefined) return `>= ${los}`;
          return `>= ${los} and < ${his}`;
        default: return `T${String(i).padStart(2, '0')} [${los},${his})`;
      }
    };
    const parts: string[] = [];
    tiers.forEach((t, i) => {
      parts.push(`WHEN ${x} < ${d.numberLiteral(String(t))} THEN ${d.stringLiteral(label(i, i === 0 ? undefined : tiers[i - 1], t))}`);
    });
    const lastT = tiers[tiers.length - 1];
    parts.push(`WHEN ${x} >= ${d.numberLiteral(String(lastT ?? 0))} THEN ${d.stringLiteral(label(tiers.length, lastT, undefined))}`);
    return `CASE ${parts.join(' ')} ELSE 'Undefined' END`;
  }

  /** A measure's full aggregate SQL (symmetric when the oracle says the view fans out). */
  private measure(owner: AliasInfo, f: Field): string {
    const d = this.s.dialect;
    const type = f.type;
    const value = (): string => this.sql(f.sql ?? `\${TABLE}.${f.name}`, owner);
    if (!AGGREGATE_MEASURES.has(type)) return value();
    const cond = this.measureFilters(owner, f);
    const guard = (x: string): string => (cond ? `CASE WHEN ${cond} THEN ${x} ELSE NULL END` : x);
    const symmetric = this.o.scope.explore.symmetricAggregates && this.o.fanout(owner.alias);
    const pk = (): string | undefined => {
      const key = owner.view.fields.find((x) => x.primaryKey);
      return key ? this.fieldSql(owner, key.name, 'ref') : undefined;
    };
    const keyFor = (): string | undefined => (f.sqlDistinctKey !== undefined ? this.sql(f.sqlDistinctKey, owner) : pk());
    const noKey = (): void => {
      this.warnings.push(`Measure ${owner.alias}.${f.name} may be inaccurate: view '${owner.view.name}' has no primary_key, so symmetric aggregates cannot be used across the fan-out in this query.`);
    };
    const symSum = (v: string, key: string): string => d.symmetricSum(v, key);
    const symAvg = (v: string, key: string): string =>
      `${d.symmetricSum(v, key)} / NULLIF(COUNT(DISTINCT CASE WHEN ${v} IS NOT NULL THEN ${key} ELSE NULL END), 0)`;
    switch (type) {
      case 'count': {
        // A joined view's rows can be missing (outer joins) or repeated: count its keys, as Looker does.
        if (symmetric || owner.alias !== this.s.baseAlias) {
          const key = pk();
          if (key !== undefined) return `COUNT(DISTINCT ${guard(key)})`;
          if (symmetric) noKey();
        }
        return cond ? `COUNT(${guard('1')})` : 'COUNT(*)';
      }
      case 'count_distinct': return `COUNT(DISTINCT ${guard(value())})`;
      case 'sum': {
        const key = symmetric && d.supportsSymmetricAggregates ? pk() : undefined;
        if (symmetric && key === undefined) noKey();
        return key !== undefined ? symSum(guard(value()), key) : `COALESCE(SUM(${guard(value())}), 0)`;
      }
      case 'average': {
        const key = symmetric && d.supportsSymmetricAggregates ? pk() : undefined;
        if (symmetric && key === undefined) noKey();
        return key !== undefined ? symAvg(guard(value()), key) : `AVG(${guard(value())})`;
      }
      case 'sum_distinct':
      case 'average_distinct': {
        const key = keyFor();
        if (key === undefined || !d.supportsSymmetricAggregates) {
          noKey();
          return type === 'sum_distinct' ? `COALESCE(SUM(${guard(value())}), 0)` : `AVG(${guard(value())})`;
        }
        return type === 'sum_distinct' ? symSum(guard(value()), key) : symAvg(guard(value()), key);
      }
      case 'min': return `MIN(${guard(value())})`;
      case 'max': return `MAX(${guard(value())})`;
      case 'median':
      case 'median_distinct':
        if (symmetric || type === 'median_distinct') this.warnings.push(`Measure ${owner.alias}.${f.name}: median is computed over joined rows.`);
        return d.percentile(guard(value()), 0.5);
      case 'percentile':
      case 'percentile_distinct': {
        const p = f.percentile ?? 50;
        if (symmetric || type === 'percentile_distinct') this.warnings.push(`Measure ${owner.alias}.${f.name}: percentile is computed over joined rows.`);
        return d.percentile(guard(value()), p / 100);
      }
      case 'list': {
        const lf = f.listField ?? f.name;
        return d.listAgg(guard(wrap(this.fieldSql(owner, lf, 'ref'))));
      }
      default:
        return value();
    }
  }

  /** `filters: [f: "expr"]` of a measure as one SQL condition, or undefined. */
  private measureFilters(owner: AliasInfo, f: Field): string | undefined {
    if (f.filters.length === 0) return undefined;
    const parts = f.filters.map((c) => {
      const { view, field } = splitRef(c.field);
      const target = view === undefined || view === owner.alias || view === owner.view.name ? owner : this.s.aliases.get(view);
      const tf = target && fieldsOf(target.view).get(field);
      if (!target || !tf) {
        throw new QueryError('query/unknown-reference', `Measure ${owner.alias}.${f.name} filters on unknown field '${c.field}'.`);
      }
      return this.condition(target, tf, c.expression, `${owner.alias}.${f.name}`);
    });
    return parts.length === 1 ? parts[0] : parts.map((p) => `(${p})`).join(' AND ');
  }

  /** A filter expression applied to a field (dimension or measure). */
  condition(owner: AliasInfo, f: Field, expression: string, subject: string): string {
    const kind = filterKind(f);
    const parsed = parseFilterExpression(kind, expression);
    if (!parsed.ok) {
      throw new QueryError('query/bad-filter', `Invalid filter on ${subject}: ${parsed.message}`, subject);
    }
    const target = f.category === 'measure' ? this.fieldSql(owner, f.name, 'ref') : this.fieldSql(owner, f.name, 'filter');
    return filterToSql(parsed.node, target, this.filterCtx);
  }
}
