/**
 * Recursive-descent parser for Looker expressions. Precedence, loosest first:
 * OR, AND, NOT, comparison (non-associative), `+ -`, `* /`, unary minus, primary.
 * Keywords (AND, OR, NOT, yes, no, null) and function names are case-insensitive.
 */
import type { BinaryOp, Expr } from './ast.ts';
import { expressionError, tokenize, type Token } from './lexer.ts';

const COMPARISONS = new Set(['=', '!=', '<', '>', '<=', '>=']);
/** Deep nesting is never useful in a filter and would only exhaust the stack. */
const MAX_DEPTH = 200;

/**
 * Parse a whole expression. `label` names it in error messages (`filter_expression`, a
 * table calculation's name…). Throws `QueryError` (`query/bad-expression`) with a position.
 */
export function parseExpression(text: string, label = 'expression'): Expr {
  const p = new Parser(tokenize(text, label), label);
  if (p.peek().kind === 'eof') throw expressionError(label, 0, 'the expression is empty');
  const expr = p.or();
  const rest = p.peek();
  if (rest.kind !== 'eof') throw expressionError(label, rest.pos, `unexpected ${describe(rest)} after a complete expression`);
  return expr;
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof': return 'end of expression';
    case 'string': return 'string';
    case 'filter': return 'filter expression';
    case 'field': return `\${${t.text}}`;
    default: return `'${t.text}'`;
  }
}

function keyword(t: Token, word: string): boolean {
  return t.kind === 'ident' && t.text.toLowerCase() === word;
}

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[], private readonly label: string) {}

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  private isOp(text: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === text;
  }

  private expectOp(text: string, what: string): Token {
    const t = this.peek();
    if (t.kind !== 'op' || t.text !== text) throw expressionError(this.label, t.pos, `expected ${what}, found ${describe(t)}`);
    return this.next();
  }

  private binary(op: BinaryOp, left: Expr, right: Expr): Expr {
    return { kind: 'binary', op, left, right, pos: left.pos, end: right.end };
  }

  or(): Expr {
    this.depth++;
    if (this.depth > MAX_DEPTH) throw expressionError(this.label, this.peek().pos, `nesting deeper than ${MAX_DEPTH} levels`);
    let left = this.and();
    while (keyword(this.peek(), 'or')) {
      this.next();
      left = this.binary('or', left, this.and());
    }
    this.depth--;
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (keyword(this.peek(), 'and')) {
      this.next();
      left = this.binary('and', left, this.not());
    }
    return left;
  }

  private not(): Expr {
    const t = this.peek();
    if (keyword(t, 'not')) {
      this.next();
      this.depth++;
      if (this.depth > MAX_DEPTH) throw expressionError(this.label, t.pos, `nesting deeper than ${MAX_DEPTH} levels`);
      const operand = this.not();
      this.depth--;
      return { kind: 'unary', op: 'not', operand, pos: t.pos, end: operand.end };
    }
    return this.comparison();
  }

  private comparison(): Expr {
    const left = this.additive();
    const t = this.peek();
    if (t.kind !== 'op' || !COMPARISONS.has(t.text)) return left;
    this.next();
    const right = this.additive();
    const after = this.peek();
    if (after.kind === 'op' && COMPARISONS.has(after.text)) {
      throw expressionError(this.label, after.pos, `comparisons cannot be chained; combine them with AND`);
    }
    return this.binary(t.text as BinaryOp, left, right);
  }

  private additive(): Expr {
    let left = this.multiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().text as '+' | '-';
      left = this.binary(op, left, this.multiplicative());
    }
    return left;
  }

  private multiplicative(): Expr {
    let left = this.unary();
    while (this.isOp('*') || this.isOp('/')) {
      const op = this.next().text as '*' | '/';
      left = this.binary(op, left, this.unary());
    }
    return left;
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.kind === 'op' && t.text === '-') {
      this.next();
      const n = this.peek();
      // `-5` is a literal, so functions that need a constant (add_days(-1, …)) see one.
      if (n.kind === 'number' && n.pos === t.end) {
        this.next();
        return { kind: 'number', value: `-${n.text}`, pos: t.pos, end: n.end };
      }
      this.depth++;
      if (this.depth > MAX_DEPTH) throw expressionError(this.label, t.pos, `nesting deeper than ${MAX_DEPTH} levels`);
      const operand = this.unary();
      this.depth--;
      return { kind: 'unary', op: '-', operand, pos: t.pos, end: operand.end };
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'number': return { kind: 'number', value: t.text, pos: t.pos, end: t.end };
      case 'string': return { kind: 'string', value: t.text, pos: t.pos, end: t.end };
      case 'filter': return { kind: 'filter', text: t.text, pos: t.pos, end: t.end };
      case 'field': return { kind: 'field', name: t.text, pos: t.pos, end: t.end };
      case 'ident': return this.identifier(t);
      case 'op':
        if (t.text === '(') {
          const inner = this.or();
          const close = this.expectOp(')', "')'");
          return { ...inner, pos: t.pos, end: close.end };
        }
        throw expressionError(this.label, t.pos, `unexpected ${describe(t)}`);
      case 'eof':
        throw expressionError(this.label, t.pos, 'unexpected end of expression');
    }
  }

  private identifier(t: Token): Expr {
    const word = t.text.toLowerCase();
    if (this.isOp('(')) return this.call(t, word);
    switch (word) {
      case 'yes': return { kind: 'boolean', value: true, pos: t.pos, end: t.end };
      case 'no': return { kind: 'boolean', value: false, pos: t.pos, end: t.end };
      case 'null': return { kind: 'null', pos: t.pos, end: t.end };
      case 'and':
      case 'or':
      case 'not':
        throw expressionError(this.label, t.pos, `'${t.text}' needs an operand before it`);
      default:
        throw expressionError(this.label, t.pos, `unknown name '${t.text}' (fields are written \${view_name.field_name}, strings "in double quotes")`);
    }
  }

  private call(t: Token, name: string): Expr {
    this.expectOp('(', "'('");
    const args: Expr[] = [];
    if (!this.isOp(')')) {
      for (;;) {
        args.push(this.or());
        if (!this.isOp(',')) break;
        this.next();
      }
    }
    const close = this.expectOp(')', `',' or ')' in the arguments of ${name}`);
    return { kind: 'call', name, args, pos: t.pos, end: close.end };
  }
}
