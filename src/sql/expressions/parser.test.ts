import { describe, expect, it } from 'vitest';
import { QueryError } from '../errors.ts';
import { fieldRefs, type Expr } from './ast.ts';
import { parseExpression } from './parser.ts';

/** A compact, position-free rendering of the tree: `(op a b)`, `fn(a, b)`. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'number': return e.value;
    case 'string': return JSON.stringify(e.value);
    case 'filter': return `\`${e.text}\``;
    case 'boolean': return e.value ? 'yes' : 'no';
    case 'null': return 'null';
    case 'field': return `\${${e.name}}`;
    case 'unary': return `(${e.op} ${show(e.operand)})`;
    case 'binary': return `(${e.op} ${show(e.left)} ${show(e.right)})`;
    case 'call': return `${e.name}(${e.args.map(show).join(', ')})`;
  }
}

function error(text: string): { message: string; position: number | undefined; code: string } {
  try {
    parseExpression(text, 'filter_expression');
  } catch (e) {
    if (e instanceof QueryError) return { message: e.message, position: e.position, code: e.code };
    throw e;
  }
  throw new Error(`parsed: ${text}`);
}

describe('parseExpression', () => {
  it.each([
    ['1=2', '(= 1 2)'],
    ['${orders.count} > 5', '(> ${orders.count} 5)'],
    ['${a.b} = "x" AND ${a.c} != "y" or not ${a.d}', '(or (and (= ${a.b} "x") (!= ${a.c} "y")) (not ${a.d}))'],
    ['${a.b} <> 1', '(!= ${a.b} 1)'],
    ['1 + 2 * 3 - 4 / 5', '(- (+ 1 (* 2 3)) (/ 4 5))'],
    ['(1 + 2) * 3', '(* (+ 1 2) 3)'],
    ['-5 + -${a.b}', '(+ -5 (- ${a.b}))'],
    ['2 - -3', '(- 2 -3)'],
    ['- 5', '(- 5)'],
    ['NOT NOT yes', '(not (not yes))'],
    ['not ${a.b} = 1', '(not (= ${a.b} 1))'],
    ['YES = No', '(= yes no)'],
    ['${a.b} = NULL', '(= ${a.b} null)'],
    ['IS_NULL( ${ a.b } )', 'is_null(${a.b})'],
    ['now()', 'now()'],
    ['add_days(-1, now()) < date(2024, 1, 31)', '(< add_days(-1, now()) date(2024, 1, 31))'],
    ['matches_filter(${o.created_date}, `last 7 days`)', 'matches_filter(${o.created_date}, `last 7 days`)'],
    ['"a \\"quoted\\" \\\\ word"', '"a \\"quoted\\" \\\\ word"'],
    ['1.5e3 <= .5', '(<= 1.5e3 .5)'],
    ['# the filter\n${a.b} = 1 # trailing\n', '(= ${a.b} 1)'],
    ['"日本語 😀" = "\u2028"', '(= "日本語 😀" "\u2028")'],
  ])('%s', (text, tree) => {
    expect(show(parseExpression(text))).toBe(tree);
  });

  it('keeps character ranges on nodes', () => {
    const e = parseExpression('  ${a.b} >= 10');
    expect(e).toMatchObject({ kind: 'binary', pos: 2, end: 14, left: { kind: 'field', pos: 2, end: 8 }, right: { pos: 12, end: 14 } });
    expect(fieldRefs(parseExpression('${a.b} = 1 or f(${c.d}, ${a.b})')).map((r) => [r.name, r.pos])).toEqual([['a.b', 0], ['c.d', 16], ['a.b', 24]]);
  });

  it('does not fold a minus separated from its number', () => {
    expect(parseExpression('- 5')).toMatchObject({ kind: 'unary', op: '-', operand: { kind: 'number', value: '5' } });
  });

  it.each([
    ['', 1, 'the expression is empty'],
    ['   # only a comment', 1, 'the expression is empty'],
    ['1 =', 4, 'unexpected end of expression'],
    ['${a.b} = 1 2', 12, "unexpected '2' after a complete expression"],
    ["${a.b} = 'x'", 10, 'strings use double quotes ("text"), not single quotes'],
    ['${a.b} == 1', 8, "'==' is not an operator; use '=' to compare"],
    ['${a.b} = "open', 10, 'unterminated string (missing closing ")'],
    ['matches_filter(${a.b}, `x)', 24, 'unterminated filter expression (missing closing `)'],
    ['${a.b', 1, 'unterminated field reference (missing closing })'],
    ['${ab} = 1', 1, '${ab} is not a field reference; use ${view_name.field_name}'],
    ['${a.b:total} > 1', 1, '${a.b:total}: totals and other field modifiers are only available in table calculations'],
    ['$a = 1', 1, "'$' must start a field reference like ${view.field}"],
    ['1 < 2 < 3', 7, 'comparisons cannot be chained; combine them with AND'],
    ['(1 = 1', 7, "expected ')', found end of expression"],
    ['f(1 2)', 5, "expected ',' or ')' in the arguments of f, found '2'"],
    ['status = 1', 1, 'unknown name \'status\' (fields are written ${view_name.field_name}, strings "in double quotes")'],
    ['AND yes', 1, "'AND' needs an operand before it"],
    ['1; DROP TABLE x', 2, "unexpected character ';'"],
    ['1.2.3 = 1', 1, "malformed number '1.2.'"],
    ['12abc = 1', 1, "malformed number '12a'"],
    ['"a\u0000b" = "x"', 3, 'control character U+0000 is not allowed'],
    ['"bad \ud800" = "x"', 6, 'unpaired UTF-16 surrogate (text cannot be stored in SQL)'],
  ])('rejects %j at character %i', (text, character, problem) => {
    expect(error(text)).toEqual({ code: 'query/bad-expression', position: character - 1, message: `Invalid filter_expression at character ${character}: ${problem}` });
  });

  it('limits nesting depth with a positioned error', () => {
    const deep = `${'('.repeat(300)}1${')'.repeat(300)}`;
    expect(error(deep)).toEqual({ code: 'query/bad-expression', position: 200, message: 'Invalid filter_expression at character 201: nesting deeper than 200 levels' });
    expect(show(parseExpression(`${'('.repeat(150)}1 = 1${')'.repeat(150)}`))).toBe('(= 1 1)');
  });

  it('names the expression as the caller labels it', () => {
    expect(() => parseExpression('1 +', 'table calculation "margin"')).toThrow('Invalid table calculation "margin" at character 4: unexpected end of expression');
  });
});
