/**
 * Looker expression → SQL for one dialect, type-checked on the way. Literals reach SQL
 * only through the dialect's literal functions; every composite node is parenthesised,
 * so the result can be ANDed into a WHERE/HAVING or nested anywhere without care.
 *
 * Date values are zone-less local timestamps in the query time zone (the compiler's time
 * model), so `date(…)`, `now()` and date fields compare directly.
 */
import type { Dialect, WeekDay } from '../dialects/dialect.ts';
import { SqlLiteralError } from '../dialects/literals.ts';
import type { CallExpr, Expr, ExprType, FieldExpr } from './ast.ts';
import { FUNCTIONS, NOT_SUPPORTED, TABLE_CALC_ONLY } from './functions.ts';
import { expressionError } from './lexer.ts';

export interface ExpressionContext {
  readonly dialect: Dialect;
  /** Query time zone (IANA) for `now()`. */
  readonly timezone: string;
  /** Pinned "now" (`YYYY-MM-DD HH:MM:SS`, local to `timezone`) for reproducible SQL. */
  readonly now?: string;
  readonly weekStartDay: WeekDay;
  /** Names the expression in error messages (`filter_expression`). */
  readonly label: string;
  /** SQL (self-contained: a name or parenthesised) and type of `${view.field}`. Throws for fields it cannot use. */
  field(ref: FieldExpr): CompiledExpr;
  /** `matches_filter(${field}, `filter`)` as a boolean SQL condition; `filterPos` locates the filter text. */
  matchesFilter(ref: FieldExpr, filter: string, filterPos: number): string;
}

export interface CompiledExpr {
  readonly sql: string;
  readonly type: ExprType;
}

/** What a function implementation in functions.ts may use. */
export interface FunctionApi {
  readonly ctx: ExpressionContext;
  readonly d: Dialect;
  /** Compile argument `i`, which must have one of `types` (a `null` literal is always accepted). */
  arg(call: CallExpr, i: number, ...types: ExprType[]): CompiledExpr;
  /** Compile an arbitrary expression (e.g. a `when(…)` branch). */
  compile(e: Expr): CompiledExpr;
  /** Argument `i` as a whole-number literal (`-3`, `12`). */
  intLiteral(call: CallExpr, i: number, what: string): number;
  /** Argument `i` as a string literal's value. */
  stringLiteral(call: CallExpr, i: number, what: string): string;
  /** The one type all `items` share, ignoring `null` literals (`null` if they are all null). */
  unify(items: readonly { readonly c: CompiledExpr; readonly at: Expr }[], what: string): ExprType;
  fail(pos: number, problem: string): never;
}

/** Compile any expression to SQL with its Looker type. */
export function compileExpression(expr: Expr, ctx: ExpressionContext): CompiledExpr {
  return new Compiler(ctx).compile(expr);
}

/** Compile an expression that must be a yes/no condition (a custom filter). */
export function compileCondition(expr: Expr, ctx: ExpressionContext): string {
  const c = compileExpression(expr, ctx);
  if (c.type !== 'boolean') {
    throw expressionError(ctx.label, expr.pos, `a filter must be a yes/no expression, but this is a ${typeName(c.type)}`);
  }
  return c.sql;
}

export function typeName(t: ExprType): string {
  return t === 'boolean' ? 'yes/no value' : t === 'null' ? 'null' : t;
}

const DATE_TEXT = /^(\d{4}-\d{2}-\d{2})(?: (\d{2}:\d{2}:\d{2}))?$/;

class Compiler implements FunctionApi {
  readonly d: Dialect;

  constructor(readonly ctx: ExpressionContext) {
    this.d = ctx.dialect;
  }

  fail(pos: number, problem: string): never {
    throw expressionError(this.ctx.label, pos, problem);
  }

  /** Literal helpers throw `SqlLiteralError` for values no SQL text can carry; report them at the literal. */
  private literal(pos: number, make: () => string): string {
    try {
      return make();
    } catch (e) {
      if (e instanceof SqlLiteralError) this.fail(pos, e.message);
      throw e;
    }
  }

  compile(e: Expr): CompiledExpr {
    switch (e.kind) {
      case 'number': return { sql: this.literal(e.pos, () => this.d.numberLiteral(e.value)), type: 'number' };
      case 'string': return { sql: this.literal(e.pos, () => this.d.stringLiteral(e.value)), type: 'string' };
      case 'boolean': return { sql: this.d.booleanLiteral(e.value), type: 'boolean' };
      case 'null': return { sql: 'NULL', type: 'null' };
      case 'filter': return this.fail(e.pos, 'a `backtick` filter expression can only be the second argument of matches_filter');
      case 'field': return this.ctx.field(e);
      case 'unary': {
        if (e.op === 'not') return { sql: `(NOT ${this.typed(e.operand, 'NOT', 'boolean').sql})`, type: 'boolean' };
        return { sql: `(- ${this.typed(e.operand, "unary '-'", 'number').sql})`, type: 'number' };
      }
      case 'binary': return this.binary(e);
      case 'call': return this.call(e);
    }
  }

  private typed(e: Expr, what: string, ...types: ExprType[]): CompiledExpr {
    const c = this.compile(e);
    if (c.type !== 'null' && !types.includes(c.type)) {
      this.fail(e.pos, `${what} needs ${types.map((t) => `a ${typeName(t)}`).join(' or ')}, not a ${typeName(c.type)}`);
    }
    return c;
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>): CompiledExpr {
    const op = e.op;
    if (op === 'and' || op === 'or') {
      const l = this.typed(e.left, op.toUpperCase(), 'boolean');
      const r = this.typed(e.right, op.toUpperCase(), 'boolean');
      return { sql: `(${l.sql} ${op.toUpperCase()} ${r.sql})`, type: 'boolean' };
    }
    if (op === '+' || op === '-' || op === '*' || op === '/') {
      const l = this.typed(e.left, `'${op}'`, 'number');
      const r = this.typed(e.right, `'${op}'`, 'number');
      // Looker divides as real numbers and gives null for a zero divisor.
      if (op === '/') return { sql: `(${this.d.cast(l.sql, 'number')} / NULLIF(${r.sql}, 0))`, type: 'number' };
      return { sql: `(${l.sql} ${op} ${r.sql})`, type: 'number' };
    }
    return this.comparison(e, op);
  }

  private comparison(e: Extract<Expr, { kind: 'binary' }>, op: '=' | '!=' | '<' | '>' | '<=' | '>='): CompiledExpr {
    if (e.left.kind === 'null' || e.right.kind === 'null') {
      if (op !== '=' && op !== '!=') this.fail(e.pos, `'${op}' cannot compare with null; use is_null(…)`);
      const other = e.left.kind === 'null' ? e.right : e.left;
      const c = this.compile(other);
      return { sql: `(${c.sql} IS ${op === '=' ? '' : 'NOT '}NULL)`, type: 'boolean' };
    }
    let l = this.compile(e.left);
    let r = this.compile(e.right);
    // A date compared with "2024-01-31" (or "2024-01-31 10:00:00") means that moment.
    if (l.type === 'date' && r.type === 'string' && e.right.kind === 'string') r = this.dateText(e.right);
    if (r.type === 'date' && l.type === 'string' && e.left.kind === 'string') l = this.dateText(e.left);
    if (l.type !== r.type) this.fail(e.pos, `cannot compare a ${typeName(l.type)} with a ${typeName(r.type)}`);
    if (l.type === 'boolean' && op !== '=' && op !== '!=') this.fail(e.pos, `yes/no values can only be compared with = or !=`);
    return { sql: `(${l.sql} ${op === '!=' ? '<>' : op} ${r.sql})`, type: 'boolean' };
  }

  private dateText(e: Extract<Expr, { kind: 'string' }>): CompiledExpr {
    const m = DATE_TEXT.exec(e.value);
    if (!m) this.fail(e.pos, `"${e.value}" is not a date; write date(2024, 1, 31) or "2024-01-31"`);
    const local = `${m[1]!} ${m[2] ?? '00:00:00'}`;
    return { sql: this.literal(e.pos, () => this.d.timestampLiteral(local)), type: 'date' };
  }

  private call(e: CallExpr): CompiledExpr {
    const fn = Object.hasOwn(FUNCTIONS, e.name) ? FUNCTIONS[e.name] : undefined;
    if (!fn) {
      if (TABLE_CALC_ONLY.has(e.name)) this.fail(e.pos, `${e.name}() is only available in table calculations, not in filters`);
      if (NOT_SUPPORTED.has(e.name)) this.fail(e.pos, `${e.name}() is not supported in Overlook filter expressions`);
      if (e.name === 'when') this.fail(e.pos, 'when(…) can only be an argument of case(…)');
      this.fail(e.pos, `unknown function '${e.name}'`);
    }
    const [min, max] = fn.args;
    if (e.args.length < min || e.args.length > max) {
      const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      this.fail(e.pos, `${e.name}() takes ${want} argument${min === 1 && max === 1 ? '' : 's'}, got ${e.args.length}`);
    }
    return fn.compile(e, this);
  }

  arg(call: CallExpr, i: number, ...types: ExprType[]): CompiledExpr {
    return this.typed(call.args[i]!, `argument ${i + 1} of ${call.name}()`, ...types);
  }

  intLiteral(call: CallExpr, i: number, what: string): number {
    const a = call.args[i]!;
    if (a.kind !== 'number' || !/^-?\d+$/.test(a.value) || !Number.isSafeInteger(Number(a.value))) {
      this.fail(a.pos, `${call.name}() needs ${what} as a whole number written in the expression`);
    }
    return Number(a.value);
  }

  stringLiteral(call: CallExpr, i: number, what: string): string {
    const a = call.args[i]!;
    if (a.kind !== 'string') this.fail(a.pos, `${call.name}() needs ${what} as a "string" written in the expression`);
    return a.value;
  }

  unify(items: readonly { readonly c: CompiledExpr; readonly at: Expr }[], what: string): ExprType {
    let type: ExprType = 'null';
    for (const { c, at } of items) {
      if (c.type === 'null') continue;
      if (type === 'null') type = c.type;
      else if (c.type !== type) this.fail(at.pos, `${what} must all have the same type: found a ${typeName(type)} and a ${typeName(c.type)}`);
    }
    return type;
  }
}
