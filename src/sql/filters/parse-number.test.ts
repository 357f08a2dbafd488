import { describe, expect, it } from 'vitest';
import { parseFilterExpression } from './index.ts';
import type { FilterNode } from './index.ts';
import { normalizeNumber } from './parse-number.ts';

function node(text: string): FilterNode {
  const r = parseFilterExpression('number', text);
  if (!r.ok) throw new Error(r.message);
  return r.node;
}

function error(text: string): string {
  const r = parseFilterExpression('number', text);
  if (r.ok) throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
  return r.message;
}

const eq = (...values: string[]): FilterNode => ({ type: 'number_equals', values });
const not = (child: FilterNode, orNull = true): FilterNode => ({ type: 'not', child, orNull });
const between = (low: string, high: string, lowInclusive: boolean, highInclusive: boolean): FilterNode =>
  ({ type: 'number_between', low, high, lowInclusive, highInclusive });
const cmp = (op: '>' | '>=' | '<' | '<=', value: string): FilterNode => ({ type: 'number_compare', op, value });

describe('number filter parsing', () => {
  it('parses single values, negatives and decimals', () => {
    expect(node('5')).toEqual(eq('5'));
    expect(node('-5')).toEqual(eq('-5'));
    expect(node('5.5')).toEqual(eq('5.5'));
    expect(node('.5')).toEqual(eq('0.5'));
    expect(node('=5')).toEqual(eq('5'));
    expect(node('  7  ')).toEqual(eq('7'));
  });

  it('normalises exponents to plain decimals', () => {
    expect(node('1.5e3')).toEqual(eq('1500'));
    expect(node('1.5e-3')).toEqual(eq('0.0015'));
    expect(normalizeNumber('-2.50E+2')).toBe('-250');
    expect(normalizeNumber('-0e5')).toBe('0');
    expect(normalizeNumber('.5e1')).toBe('5');
    expect(normalizeNumber('12e-1')).toBe('1.2');
  });

  it('parses NOT, <> and != (NULL rows kept, as Looker does)', () => {
    expect(node('NOT 5')).toEqual(not(eq('5')));
    expect(node('not 5')).toEqual(not(eq('5')));
    expect(node('<>5')).toEqual(not(eq('5')));
    expect(node('<> 5')).toEqual(not(eq('5')));
    expect(node('!=5')).toEqual(not(eq('5')));
    expect(node('!=-5')).toEqual(not(eq('-5')));
  });

  it('parses comparisons', () => {
    expect(node('>=10')).toEqual(cmp('>=', '10'));
    expect(node('> 10')).toEqual(cmp('>', '10'));
    expect(node('<10')).toEqual(cmp('<', '10'));
    expect(node('<=-1.5')).toEqual(cmp('<=', '-1.5'));
  });

  it('parses AND ranges in either order', () => {
    expect(node('>=1 AND <=10')).toEqual(between('1', '10', true, true));
    expect(node('>= 5.5 and <10')).toEqual(between('5.5', '10', true, false));
    expect(node('<=80.44 AND >.1')).toEqual(between('0.1', '80.44', false, true));
  });

  it('parses "to" ranges, open on either side', () => {
    expect(node('1 to 10')).toEqual(between('1', '10', true, true));
    expect(node('5.5 TO 10')).toEqual(between('5.5', '10', true, true));
    expect(node('1 to')).toEqual(cmp('>=', '1'));
    expect(node('to 100')).toEqual(cmp('<=', '100'));
    expect(node('NOT 3 to 80.44')).toEqual(not(between('3', '80.44', true, true)));
  });

  it('parses interval notation with inf and empty bounds', () => {
    expect(node('[1,10]')).toEqual(between('1', '10', true, true));
    expect(node('(1,10]')).toEqual(between('1', '10', false, true));
    expect(node('[1, 10)')).toEqual(between('1', '10', true, false));
    expect(node('( 1 , 10 )')).toEqual(between('1', '10', false, false));
    expect(node('[1, inf)')).toEqual(cmp('>=', '1'));
    expect(node('(1, inf)')).toEqual(cmp('>', '1'));
    expect(node('(-inf, 5)')).toEqual(cmp('<', '5'));
    expect(node('(-INF, 5]')).toEqual(cmp('<=', '5'));
    expect(node('(1,)')).toEqual(cmp('>', '1'));
    expect(node('[,10]')).toEqual(cmp('<=', '10'));
    expect(node('NOT [30,40]')).toEqual(not(between('30', '40', true, true)));
  });

  it('parses NULL forms (negated NULL excludes NULL rows)', () => {
    expect(node('NULL')).toEqual({ type: 'null' });
    expect(node('null')).toEqual({ type: 'null' });
    expect(node('NOT NULL')).toEqual(not({ type: 'null' }, false));
    expect(node('-NULL')).toEqual(not({ type: 'null' }, false));
  });

  it('parses lists with "," and OR; negations AND onto the alternatives', () => {
    expect(node('1,3,5')).toEqual(eq('1', '3', '5'));
    expect(node('1, 3, 5, 7')).toEqual(eq('1', '3', '5', '7'));
    expect(node('>10 AND <=20 OR 90')).toEqual({ type: 'or', children: [eq('90'), between('10', '20', false, true)] });
    expect(node('<3 OR >80.44')).toEqual({ type: 'or', children: [cmp('<', '3'), cmp('>', '80.44')] });
    expect(node('[0,9],[20,29]')).toEqual({ type: 'or', children: [between('0', '9', true, true), between('20', '29', true, true)] });
    expect(node('NOT 10,[1,5)')).toEqual({ type: 'and', children: [between('1', '5', true, false), not(eq('10'))] });
    expect(node('23,NOT NULL')).toEqual({ type: 'and', children: [eq('23'), not({ type: 'null' }, false)] });
  });

  it('lets a leading NOT cover the run of plain values after it', () => {
    expect(node('NOT 1,2')).toEqual(not(eq('1', '2')));
    expect(node('NOT 66, 99, 4')).toEqual(not(eq('66', '99', '4')));
    expect(node('NOT 66, >100')).toEqual({ type: 'and', children: [cmp('>', '100'), not(eq('66'))] });
    expect(node('23, NOT 42, 43')).toEqual({ type: 'and', children: [eq('23'), not(eq('42', '43'))] });
  });

  it('treats the empty expression as "any value"', () => {
    expect(node('')).toEqual({ type: 'all' });
  });

  it('rejects malformed input with exact messages', () => {
    expect(error('>=abc')).toBe('Invalid number filter ">=abc": expected a number after ">=" but found "abc"');
    expect(error('abc')).toBe('Invalid number filter "abc": expected a number but found "abc"');
    expect(error('5abc')).toBe('Invalid number filter "5abc": expected a number but found "5abc"');
    expect(error('1.2.3')).toBe('Invalid number filter "1.2.3": expected a number but found "1.2.3"');
    expect(error('NaN')).toBe('Invalid number filter "NaN": "NaN" is not a number (use a range like [1, inf) for open bounds)');
    expect(error('Infinity')).toBe('Invalid number filter "Infinity": "Infinity" is not a number (use a range like [1, inf) for open bounds)');
    expect(error('inf')).toBe('Invalid number filter "inf": "inf" is not a number (use a range like [1, inf) for open bounds)');
    expect(error('1e400')).toBe('Invalid number filter "1e400": "1e400" is out of range');
    expect(error('1,000')).toBe('Invalid number filter "1,000": "000" is not a valid number (leading zero; note that "," separates values)');
    expect(error('5 6')).toBe('Invalid number filter "5 6": unexpected "6" (separate values with "," or OR)');
    expect(error('1,')).toBe('Invalid number filter "1,": expected a value after "," but found the end of the expression');
    expect(error('NOT')).toBe('Invalid number filter "NOT": expected a value after "NOT" but found the end of the expression');
    expect(error('to')).toBe('Invalid number filter "to": expected a number after "to" but found the end of the expression');
    expect(error('>')).toBe('Invalid number filter ">": expected a number after ">" but found the end of the expression');
    expect(error('>1 AND >5')).toBe('Invalid number filter ">1 AND >5": expected "<" or "<=" after AND but found ">"');
    expect(error('<1 AND 5')).toBe('Invalid number filter "<1 AND 5": expected ">" or ">=" after AND but found "5"');
    expect(error('[1,10')).toBe('Invalid number filter "[1,10": expected a number, inf, "]" or ")" to close the range but found the end of the expression');
    expect(error('[1 10]')).toBe('Invalid number filter "[1 10]": expected "," between the bounds of a range but found "10"');
    expect(error('[inf,5]')).toBe('Invalid number filter "[inf,5]": expected a number, -inf or "," after "[" but found "inf"');
    expect(error('(,)')).toBe('Invalid number filter "(,)": a range needs at least one numeric bound');
    expect(error('- 5')).toBe('Invalid number filter "- 5": expected a number but found "-"');
    expect(error('5; DROP TABLE t')).toBe('Invalid number filter "5; DROP TABLE t": expected a number but found "5;"');
    expect(error("1' OR '1'='1")).toBe('Invalid number filter "1\' OR \'1\'=\'1": expected a number but found "1\'"');
  });
});
