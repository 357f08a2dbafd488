import { describe, expect, it } from 'vitest';
import { canonicalDecimal, decimalValue, floatValue, integerValue, parsePgArray, plainNumberString } from './values.ts';

describe('integerValue', () => {
  it('returns numbers inside the safe range and exact strings outside it', () => {
    expect(integerValue(42n)).toBe(42);
    expect(integerValue('-17')).toBe(-17);
    expect(integerValue(9007199254740991n)).toBe(9007199254740991);
    expect(integerValue(-9007199254740991n)).toBe(-9007199254740991);
    expect(integerValue(9007199254740992n)).toBe('9007199254740992');
    expect(integerValue('-9007199254740993')).toBe('-9007199254740993');
    expect(integerValue(170141183460469231731687303715884105727n)).toBe('170141183460469231731687303715884105727');
  });
});

describe('decimalValue', () => {
  it('returns a number for ordinary decimals', () => {
    expect(decimalValue('12.50')).toBe(12.5);
    expect(decimalValue('0.10000000000000000')).toBe(0.1);
    expect(decimalValue('-0.00')).toBe(0);
    expect(decimalValue('007.000')).toBe(7);
    expect(decimalValue('123456789012.34')).toBe(123456789012.34);
    expect(decimalValue('0.0000001')).toBe(1e-7);
    expect(decimalValue('100000000000000000000000')).toBe(1e23);
  });

  it('rounds long fractions to the nearest double, as JSON clients read them', () => {
    expect(decimalValue('0.12345678901234567890')).toBe(0.12345678901234568);
    expect(decimalValue('-45.1234567890123456')).toBe(-45.123456789012344);
    expect(decimalValue('59.5653251011207926')).toBe(59.56532510112079);
  });

  it('keeps the canonical decimal string when a number would change the integer part', () => {
    expect(decimalValue('12345678901234567.89')).toBe('12345678901234567.89');
    expect(decimalValue('9007199254740993')).toBe('9007199254740993');
  });

  it('passes through values that are not plain decimals', () => {
    expect(decimalValue('NaN')).toBe('NaN');
    expect(decimalValue('Infinity')).toBe('Infinity');
  });
});

describe('helpers', () => {
  it('canonicalises decimals', () => {
    expect(canonicalDecimal('+0012.3400')).toBe('12.34');
    expect(canonicalDecimal('-0.000')).toBe('0');
    expect(canonicalDecimal('.5')).toBe('0.5');
    expect(canonicalDecimal('.')).toBeNull();
    expect(canonicalDecimal('1e5')).toBeNull();
  });

  it('expands exponent notation', () => {
    expect(plainNumberString(1e-7)).toBe('0.0000001');
    expect(plainNumberString(1.5e-7)).toBe('0.00000015');
    expect(plainNumberString(1e21)).toBe('1000000000000000000000');
    expect(plainNumberString(-1.25e22)).toBe('-12500000000000000000000');
    expect(plainNumberString(12.5)).toBe('12.5');
  });

  it('keeps non-finite floats as strings', () => {
    expect(floatValue(1.5)).toBe(1.5);
    expect(floatValue(Number.NaN)).toBe('NaN');
    expect(floatValue(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(floatValue(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
  });
});

describe('parsePgArray', () => {
  it('parses flat, quoted, NULL and nested arrays', () => {
    expect(parsePgArray('{}')).toEqual([]);
    expect(parsePgArray('{1,2,NULL}')).toEqual(['1', '2', null]);
    expect(parsePgArray('{"a b","c\\"d","NULL",e\\\\f}')).toEqual(['a b', 'c"d', 'NULL', 'e\\\\f']);
    expect(parsePgArray('{"back\\\\slash"}')).toEqual(['back\\slash']);
    expect(parsePgArray('{{1,2},{3,4}}')).toEqual([['1', '2'], ['3', '4']]);
    expect(parsePgArray('[0:1]={7,8}')).toEqual(['7', '8']);
  });

  it('rejects malformed input', () => {
    expect(() => parsePgArray('1,2')).toThrow('Malformed array literal: 1,2');
  });
});
