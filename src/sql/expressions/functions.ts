/**
 * The Looker functions a filter expression may use ("functions for any Looker expression"
 * in Looker's *Functions and operators* reference), each as SQL built from Dialect methods.
 * Functions that need a constant (interval counts, date parts, LIKE patterns) take it from
 * a literal in the expression, so no computed value ever shapes the SQL text.
 */
import type { TimeUnit } from '../dialects/dialect.ts';
import { SqlLiteralError } from '../dialects/literals.ts';
import { escapeLike } from '../filters/parse-string.ts';
import type { CallExpr, Expr } from './ast.ts';
import type { CompiledExpr, FunctionApi } from './to-sql.ts';

export interface FunctionSpec {
  /** Minimum and maximum argument counts. */
  readonly args: readonly [number, number];
  compile(call: CallExpr, api: FunctionApi): CompiledExpr;
}

const num = (sql: string): CompiledExpr => ({ sql, type: 'number' });
const str = (sql: string): CompiledExpr => ({ sql, type: 'string' });
const bool = (sql: string): CompiledExpr => ({ sql, type: 'boolean' });
const date = (sql: string): CompiledExpr => ({ sql, type: 'date' });

/** `NAME(number)` → number. */
function math1(name: string): FunctionSpec {
  return { args: [1, 1], compile: (c, api) => num(`${name}(${api.arg(c, 0, 'number').sql})`) };
}

function like(kind: 'contains' | 'starts_with' | 'ends_with'): FunctionSpec {
  return {
    args: [2, 2],
    compile: (c, api) => {
      const s = api.arg(c, 0, 'string');
      const v = escapeLike(api.stringLiteral(c, 1, 'the text to look for'));
      const pattern = kind === 'contains' ? `%${v}%` : kind === 'starts_with' ? `${v}%` : `%${v}`;
      return bool(`(${api.d.like(s.sql, pattern, false)})`);
    },
  };
}

function dateArg(c: CallExpr, api: FunctionApi, i: number): string {
  return api.arg(c, i, 'date').sql;
}

function add(unit: TimeUnit): FunctionSpec {
  return { args: [2, 2], compile: (c, api) => date(api.d.addInterval(dateArg(c, api, 1), unit, api.intLiteral(c, 0, 'the count'))) };
}

function diff(unit: TimeUnit): FunctionSpec {
  return { args: [2, 2], compile: (c, api) => num(api.d.durationBetween(dateArg(c, api, 0), dateArg(c, api, 1), unit)) };
}

function trunc(unit: TimeUnit): FunctionSpec {
  return { args: [1, 1], compile: (c, api) => date(api.d.truncate(dateArg(c, api, 0), unit, api.ctx.weekStartDay)) };
}

const EXTRACT_TIMEFRAME = { years: 'year', months: 'month_num', days: 'day_of_month', hours: 'hour_of_day', minutes: 'minute_of_hour' } as const;

function extract(part: keyof typeof EXTRACT_TIMEFRAME | 'seconds'): FunctionSpec {
  return {
    args: [1, 1],
    compile: (c, api) => {
      const x = dateArg(c, api, 0);
      const d = api.d;
      if (part === 'seconds') return num(d.durationBetween(d.truncate(x, 'minute', api.ctx.weekStartDay), x, 'second'));
      return num(d.timeframe(x, EXTRACT_TIMEFRAME[part], { weekStartDay: api.ctx.weekStartDay, fiscalMonthOffset: 0 }));
    },
  };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** `date(y, m, d)` / `date_time(y, m, d, h, mi, s)` from literals, validated by the dialect's timestamp literal. */
function makeDate(withTime: boolean): FunctionSpec {
  const names = ['the year', 'the month', 'the day', 'the hour', 'the minute', 'the second'];
  return {
    args: withTime ? [6, 6] : [3, 3],
    compile: (c, api) => {
      const parts = c.args.map((_, i) => api.intLiteral(c, i, names[i]!));
      const [y, mo, d, h = 0, mi = 0, s = 0] = parts as [number, number, number, number?, number?, number?];
      const local = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)} ${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}`;
      if (y < 1 || y > 9999 || parts.some((p) => p < 0)) api.fail(c.pos, `${c.name}(${parts.join(', ')}) is not a valid date`);
      try {
        return date(api.d.timestampLiteral(local));
      } catch (e) {
        if (e instanceof SqlLiteralError) api.fail(c.pos, `${c.name}(${parts.join(', ')}) is not a valid date`);
        throw e;
      }
    },
  };
}

function ifFn(): FunctionSpec {
  return {
    args: [3, 3],
    compile: (c, api) => {
      const cond = api.arg(c, 0, 'boolean');
      const a = api.compile(c.args[1]!);
      const b = api.compile(c.args[2]!);
      const type = api.unify([{ c: a, at: c.args[1]! }, { c: b, at: c.args[2]! }], 'the two results of if()');
      return { sql: `CASE WHEN ${cond.sql} THEN ${a.sql} ELSE ${b.sql} END`, type };
    },
  };
}

function caseFn(): FunctionSpec {
  return {
    args: [1, Infinity],
    compile: (c, api) => {
      const whens: string[] = [];
      const results: { c: CompiledExpr; at: Expr }[] = [];
      let elseSql: string | undefined;
      c.args.forEach((a, i) => {
        if (a.kind === 'call' && a.name === 'when') {
          if (elseSql !== undefined) api.fail(a.pos, 'the else value must be the last argument of case()');
          if (a.args.length !== 2) api.fail(a.pos, `when() takes 2 arguments, got ${a.args.length}`);
          const cond = api.arg(a, 0, 'boolean');
          const value = api.compile(a.args[1]!);
          results.push({ c: value, at: a.args[1]! });
          whens.push(`WHEN ${cond.sql} THEN ${value.sql}`);
        } else {
          if (i !== c.args.length - 1 || i === 0) api.fail(a.pos, 'case() takes when(condition, value) arguments and an optional else value last');
          const value = api.compile(a);
          results.push({ c: value, at: a });
          elseSql = value.sql;
        }
      });
      const type = api.unify(results, 'the results of case()');
      return { sql: `CASE ${whens.join(' ')}${elseSql !== undefined ? ` ELSE ${elseSql}` : ''} END`, type };
    },
  };
}

export const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  // Mathematical
  abs: math1('ABS'),
  ceiling: math1('CEIL'),
  floor: math1('FLOOR'),
  exp: math1('EXP'),
  ln: math1('LN'),
  sqrt: math1('SQRT'),
  log: { args: [1, 1], compile: (c, api) => num(api.d.log10(api.arg(c, 0, 'number').sql)) },
  power: { args: [2, 2], compile: (c, api) => num(`POWER(${api.arg(c, 0, 'number').sql}, ${api.arg(c, 1, 'number').sql})`) },
  mod: { args: [2, 2], compile: (c, api) => num(`MOD(${api.arg(c, 0, 'number').sql}, ${api.arg(c, 1, 'number').sql})`) },
  round: {
    args: [1, 2],
    compile: (c, api) => num(api.d.round(api.arg(c, 0, 'number').sql, c.args.length > 1 ? api.intLiteral(c, 1, 'the number of decimals') : 0)),
  },

  // String
  concat: {
    args: [1, Infinity],
    compile: (c, api) => {
      const parts = c.args.map((a) => {
        const x = api.compile(a);
        return x.type === 'string' ? x.sql : api.d.cast(x.sql, 'string');
      });
      return str(parts.length === 1 ? parts[0]! : `(${parts.join(' || ')})`);
    },
  },
  contains: like('contains'),
  starts_with: like('starts_with'),
  ends_with: like('ends_with'),
  length: { args: [1, 1], compile: (c, api) => num(`LENGTH(${api.arg(c, 0, 'string').sql})`) },
  lower: { args: [1, 1], compile: (c, api) => str(`LOWER(${api.arg(c, 0, 'string').sql})`) },
  upper: { args: [1, 1], compile: (c, api) => str(`UPPER(${api.arg(c, 0, 'string').sql})`) },
  substring: {
    args: [3, 3],
    compile: (c, api) => str(`SUBSTR(${api.arg(c, 0, 'string').sql}, ${api.arg(c, 1, 'number').sql}, ${api.arg(c, 2, 'number').sql})`),
  },
  replace: {
    args: [3, 3],
    compile: (c, api) => str(`REPLACE(${api.arg(c, 0, 'string').sql}, ${api.arg(c, 1, 'string').sql}, ${api.arg(c, 2, 'string').sql})`),
  },

  // Dates
  now: { args: [0, 0], compile: (_c, api) => date(api.ctx.now !== undefined ? api.d.timestampLiteral(api.ctx.now) : api.d.now(api.ctx.timezone)) },
  date: makeDate(false),
  date_time: makeDate(true),
  add_seconds: add('second'),
  add_minutes: add('minute'),
  add_hours: add('hour'),
  add_days: add('day'),
  add_months: add('month'),
  add_years: add('year'),
  diff_seconds: diff('second'),
  diff_minutes: diff('minute'),
  diff_hours: diff('hour'),
  diff_days: diff('day'),
  diff_months: diff('month'),
  diff_years: diff('year'),
  extract_seconds: extract('seconds'),
  extract_minutes: extract('minutes'),
  extract_hours: extract('hours'),
  extract_days: extract('days'),
  extract_months: extract('months'),
  extract_years: extract('years'),
  trunc_minutes: trunc('minute'),
  trunc_hours: trunc('hour'),
  trunc_days: trunc('day'),
  trunc_months: trunc('month'),
  trunc_years: trunc('year'),

  // Logical
  if: ifFn(),
  case: caseFn(),
  is_null: { args: [1, 1], compile: (c, api) => bool(`(${api.compile(c.args[0]!).sql} IS NULL)`) },
  coalesce: {
    args: [1, Infinity],
    compile: (c, api) => {
      const items = c.args.map((a) => ({ c: api.compile(a), at: a }));
      const type = api.unify(items, 'the arguments of coalesce()');
      return { sql: `COALESCE(${items.map((x) => x.c.sql).join(', ')})`, type };
    },
  },
  matches_filter: {
    args: [2, 2],
    compile: (c, api) => {
      const [field, filter] = c.args as [Expr, Expr];
      if (field.kind !== 'field') return api.fail(field.pos, 'matches_filter() needs a field reference like ${view.field} as its first argument');
      if (filter.kind !== 'filter') return api.fail(filter.pos, 'matches_filter() needs a `backtick` Looker filter expression as its second argument');
      return bool(api.ctx.matchesFilter(field, filter.text, filter.pos));
    },
  },
};

/** Documented Looker functions that work on result rows, not in SQL. */
export const TABLE_CALC_ONLY: ReadonlySet<string> = new Set([
  'count', 'max', 'mean', 'median', 'min', 'percentile', 'running_product', 'running_total', 'stddev_pop', 'stddev_samp',
  'sum', 'var_pop', 'var_samp', 'acos', 'asin', 'atan', 'beta_dist', 'beta_inv', 'binom_dist', 'chisq_dist', 'chisq_inv',
  'chisq_test', 'confidence_norm', 'confidence_t', 'correl', 'cos', 'covar_pop', 'covar_samp', 'degrees', 'expon_dist',
  'f_dist', 'f_inv', 'gamma_dist', 'gamma_inv', 'hypgeom_dist', 'intercept', 'kurtosis', 'lognorm_dist', 'lognorm_inv',
  'negbinom_dist', 'norm_dist', 'norm_inv', 'norm_s_dist', 'norm_s_inv', 'pi', 'poisson_dist', 'radians', 'rank',
  'rank_avg', 'rsq', 'skew', 'slope', 'sin', 'tan', 't_dist', 't_inv', 't_test', 'char', 'code', 'split', 'substitute',
  'to_string', 'to_number', 'to_date', 'to_yesno', 'date_format', 'offset', 'offset_list', 'index', 'lookup', 'row',
  'pivot_column', 'pivot_index', 'pivot_offset', 'pivot_offset_list', 'pivot_row', 'pivot_where', 'list', 'list_has',
  'choose', 'is_finite', 'match', 'round_down', 'round_up',
]);

/** Documented for custom filters but not (yet) translated to SQL here. */
export const NOT_SUPPORTED: ReadonlySet<string> = new Set([
  'rand', 'position', 'trim', 'extract_day_of_week', 'extract_day_of_year', 'extract_quarters', 'extract_weeks',
  'extract_unixtime', 'trunc_quarters', 'trunc_weeks', 'add_weeks', 'diff_weeks',
]);
