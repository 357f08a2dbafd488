import { describe, expect, it } from 'vitest';
import { parseFilterExpression } from './index.ts';
import type { FilterNode } from './index.ts';

function node(text: string, kind: 'string' | 'tier' = 'string'): FilterNode {
  const r = parseFilterExpression(kind, text);
  if (!r.ok) throw new Error(r.message);
  return r.node;
}

function error(text: string, kind: 'string' | 'tier' = 'string'): string {
  const r = parseFilterExpression(kind, text);
  if (r.ok) throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
  return r.message;
}

const eq = (...values: string[]): FilterNode => ({ type: 'string', op: 'equals', values });
const not = (child: FilterNode, orNull = true): FilterNode => ({ type: 'not', child, orNull });

describe('string filter parsing', () => {
  it('parses exact matches and comma lists (OR)', () => {
    expect(node('FOO')).toEqual(eq('FOO'));
    expect(node('FOO,BAR')).toEqual(eq('FOO', 'BAR'));
    expect(node('FOO,FOO')).toEqual(eq('FOO'));
  });

  it('parses contains, starts with, ends with', () => {
    expect(node('%FOO%')).toEqual({ type: 'string', op: 'contains', value: 'FOO' });
    expect(node('FOO%')).toEqual({ type: 'string', op: 'starts_with', value: 'FOO' });
    expect(node('%FOO')).toEqual({ type: 'string', op: 'ends_with', value: 'FOO' });
  });

  it('keeps other wildcard patterns as LIKE patterns with literals escaped', () => {
    expect(node('F%OD')).toEqual({ type: 'like', pattern: 'F%OD' });
    expect(node('_UF')).toEqual({ type: 'like', pattern: '_UF' });
    expect(node('%')).toEqual({ type: 'like', pattern: '%' });
    expect(node('%a^%b%c%')).toEqual({ type: 'like', pattern: '%a\\%b%c%' });
    expect(node('a\\_%')).toEqual({ type: 'like', pattern: 'a\\\\_%' });
  });

  it('negates with a leading "-", keeping NULL rows (orNull)', () => {
    expect(node('-FOO')).toEqual(not(eq('FOO')));
    expect(node('-FOO,-BAR')).toEqual(not(eq('FOO', 'BAR')));
    expect(node('-%FOO%')).toEqual(not({ type: 'string', op: 'contains', value: 'FOO' }));
    expect(node('-FOO%')).toEqual(not({ type: 'string', op: 'starts_with', value: 'FOO' }));
    expect(node('-%FOO')).toEqual(not({ type: 'string', op: 'ends_with', value: 'FOO' }));
  });

  it('parses EMPTY and NULL keywords and their negations (which exclude NULL)', () => {
    expect(node('EMPTY')).toEqual({ type: 'empty' });
    expect(node('empty')).toEqual({ type: 'empty' });
    expect(node('NULL')).toEqual({ type: 'null' });
    expect(node('null')).toEqual({ type: 'null' });
    expect(node('-EMPTY')).toEqual(not({ type: 'empty' }, false));
    expect(node('-NULL')).toEqual(not({ type: 'null' }, false));
    expect(node('-null')).toEqual(not({ type: 'null' }, false));
    // Mixed case is an ordinary value, as in Looker's grammar.
    expect(node('Null')).toEqual(eq('Null'));
  });

  it('ORs positives and ANDs negations, as Looker does', () => {
    expect(node('FOO%,BAR')).toEqual({ type: 'or', children: [eq('BAR'), { type: 'string', op: 'starts_with', value: 'FOO' }] });
    expect(node('FOO%,-FOOD')).toEqual({
      type: 'and',
      children: [{ type: 'string', op: 'starts_with', value: 'FOO' }, not(eq('FOOD'))],
    });
    expect(node('-%abc%,-EMPTY')).toEqual({
      type: 'and',
      children: [not({ type: 'string', op: 'contains', value: 'abc' }), not({ type: 'empty' }, false)],
    });
  });

  it('resolves ^ escapes', () => {
    expect(node('foo^,bar')).toEqual(eq('foo,bar'));
    expect(node('^%')).toEqual(eq('%'));
    expect(node('100^%')).toEqual(eq('100%'));
    expect(node('sub^_region')).toEqual(eq('sub_region'));
    expect(node('^-foo')).toEqual(eq('-foo'));
    expect(node('a^^b')).toEqual(eq('a^b'));
    expect(node('^"x^"')).toEqual(eq('"x"'));
    expect(node('%100^%^_^^ FOO%')).toEqual({ type: 'string', op: 'contains', value: '100%_^ FOO' });
  });

  it('treats "-" inside a value as a literal', () => {
    expect(node('t-shirt')).toEqual(eq('t-shirt'));
  });

  it('drops unescaped spaces around values and keeps escaped ones', () => {
    expect(node('  hello  ')).toEqual(eq('hello'));
    expect(node('foo, bar')).toEqual(eq('foo', 'bar'));
    expect(node('^ ^ hello^ ^ ')).toEqual(eq('  hello  '));
    expect(node('hello world')).toEqual(eq('hello world'));
    expect(node('- foo')).toEqual(not(eq('foo')));
  });

  it('parses quoted values literally (commas, wildcards, carets, dashes)', () => {
    expect(node('"t-shirt \\"new\\" style"')).toEqual(eq('t-shirt "new" style'));
    expect(node('"100% Silk, 50_50"')).toEqual(eq('100% Silk, 50_50'));
    expect(node('"Intentional^caret"')).toEqual(eq('Intentional^caret'));
    expect(node('"NULL"')).toEqual(eq('NULL'));
    expect(node('"EMPTY"')).toEqual(eq('EMPTY'));
    expect(node('"a\\\\b"')).toEqual(eq('a\\b'));
    expect(node('-"x,y"')).toEqual(not(eq('x,y')));
    expect(node(' "a" , b')).toEqual(eq('a', 'b'));
    expect(node('""')).toEqual(eq(''));
  });

  it('keeps hostile characters as plain data', () => {
    expect(node("O'Brien")).toEqual(eq("O'Brien"));
    expect(node("'; DROP TABLE t; --")).toEqual(eq("'; DROP TABLE t; --"));
    expect(node('/* x */')).toEqual(eq('/* x */'));
    expect(node('a\\b')).toEqual(eq('a\\b'));
    expect(node('ünï☃😀')).toEqual(eq('ünï☃😀'));
  });

  it('treats the empty expression as "any value"', () => {
    expect(node('')).toEqual({ type: 'all' });
    expect(node('   ')).toEqual({ type: 'all' });
  });

  it('parses tier filters with the string grammar', () => {
    expect(node('10 to 19,-Undefined', 'tier')).toEqual({ type: 'and', children: [eq('10 to 19'), not(eq('Undefined'))] });
  });

  it('rejects malformed input with exact messages', () => {
    expect(error('a^b')).toBe('Invalid string filter "a^b": "^b" is not an escape; "^" may only precede % _ , ^ - " or a space (write ^^ for a literal ^)');
    expect(error('abc^')).toBe('Invalid string filter "abc^": "^" at the end must be followed by the character it escapes (write ^^ for a literal ^)');
    expect(error('a,,b')).toBe('Invalid string filter "a,,b": empty value in the list (two commas in a row, or a comma at the start or end)');
    expect(error('a,')).toBe('Invalid string filter "a,": empty value in the list (two commas in a row, or a comma at the start or end)');
    expect(error('-')).toBe('Invalid string filter "-": expected a value after "-"');
    expect(error('"abc')).toBe('Invalid string filter "\\"abc": unterminated quoted value (missing closing ")');
    expect(error('"a" b')).toBe('Invalid string filter "\\"a\\" b": unexpected "b" after a closing quote (separate values with ",")');
    expect(error('a"b')).toBe('Invalid string filter "a\\"b": a literal " inside a value must be written ^"');
    expect(error('a,,b', 'tier')).toBe('Invalid tier filter "a,,b": empty value in the list (two commas in a row, or a comma at the start or end)');
  });
});
