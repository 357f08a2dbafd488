import { describe, expect, it } from 'vitest';
import { formatDecimal, groupDecimal, roundDecimal, shiftDecimal } from './excel-format.ts';
import { NAMED_VALUE_FORMATS, cellText, formattedText, rawText, renderedText } from './render.ts';

function named(name: string, value: string): string | undefined {
  const format = NAMED_VALUE_FORMATS[name];
  if (format === undefined) throw new Error(`no format ${name}`);
  return formatDecimal(value, format);
}

describe('value_format_name defaults (Looker reference examples)', () => {
  it.each([
    ['decimal_0', '1,235'], ['decimal_1', '1,234.6'], ['decimal_2', '1,234.57'], ['decimal_3', '1,234.568'],
    ['decimal_4', '1,234.5679'], ['usd_0', '$1,235'], ['usd', '$1,234.57'], ['gbp_0', '£1,235'], ['gbp', '£1,234.57'],
    ['eur_0', '€1,235'], ['eur', '€1,234.57'], ['id', '1235'],
  ])('%s of 1234.56789 is %s', (name, expected) => {
    expect(named(name, '1234.56789')).toBe(expected);
  });

  it.each([
    ['percent_0', '12%'], ['percent_1', '12.3%'], ['percent_2', '12.35%'], ['percent_3', '12.346%'], ['percent_4', '12.3456%'],
  ])('%s of 0.123456 is %s', (name, expected) => {
    expect(named(name, '0.123456')).toBe(expected);
  });

  it('formats negatives and ids beyond 2^53 exactly', () => {
    expect(named('usd', '-1234.5')).toBe('-$1,234.50');
    expect(named('id', '12345678901234567890')).toBe('12345678901234567890');
    expect(named('decimal_0', '12345678901234567890.5')).toBe('12,345,678,901,234,567,891');
  });
});

describe('Excel-style value_format strings (Looker custom-format examples)', () => {
  it.each([
    ['0', '123.4', '123'],
    ['00#', '1', '001'],
    ['0 "String"', '123', '123 String'],
    ['0.##', '1', '1'],
    ['0.##', '1.2', '1.2'],
    ['0.##', '1.234', '1.23'],
    ['0.00', '1.234', '1.23'],
    ['00#.00', '1.23', '001.23'],
    ['#,##0', '1234', '1,234'],
    ['#,##0.00', '1234', '1,234.00'],
    ['0.000,, "M"', '1234567890', '1234.568 M'],
    ['0.000, "K"', '1234', '1.234 K'],
    ['0.0,,"M"', '1500000', '1.5M'],
    ['$0', '123', '$123'],
    ['$0.00', '123', '$123.00'],
    ['"€"0', '123', '€123'],
    ['$#,##0.00', '1234', '$1,234.00'],
    ['$#.00;($#.00)', '-1234.5', '($1234.50)'],
    ['$#.00;($#.00)', '0.5', '$.50'],
    ['0\\%', '1', '1%'],
    ['0.00\\%', '1', '1.00%'],
    ['0%', '0.01', '1%'],
    ['0.00%', '0.01', '1.00%'],
    ['#,##0.00_);(#,##0.00)', '-1234.5', '(1,234.50)'],
    ['#,##0.00_);(#,##0.00)', '1234.5', '1,234.50 '],
    ['0;-0;"zero"', '0', 'zero'],
    ['000-000-0000', '5551234567', '555-123-4567'],
    ['[Red]0.0', '7', '7.0'],
    ['[$€-407]#,##0.00', '1234.5', '€1,234.50'],
    ['General', '3.50', '3.50'],
    ['.00', '12.5', '12.50'],
    ['#', '0', ''],
  ])('%s formats %s as %s', (format, value, expected) => {
    expect(formatDecimal(value, format)).toBe(expected);
  });

  it('picks conditional sections in order', () => {
    const f = '[>=1000000]0.0,,"M";[>=1000]0.0,"K";0';
    expect(formatDecimal('1500000', f)).toBe('1.5M');
    expect(formatDecimal('1500', f)).toBe('1.5K');
    expect(formatDecimal('15', f)).toBe('15');
  });

  it('rounds half away from zero on the decimal digits, never showing -0', () => {
    expect(formatDecimal('1.005', '0.00')).toBe('1.01');
    expect(formatDecimal('-1.005', '0.00')).toBe('-1.01');
    expect(formatDecimal('999.9999', '#,##0.00')).toBe('1,000.00');
    expect(formatDecimal('-0.001', '0.00')).toBe('0.00');
  });

  it('reports unsupported formats and non-numeric text as undefined', () => {
    expect(formatDecimal('1234.5', '0.00E+00')).toBeUndefined();
    expect(formatDecimal('44000', 'yyyy-mm-dd')).toBeUndefined();
    expect(formatDecimal('1.5', '# ?/?')).toBeUndefined();
    expect(formatDecimal('abc', '0.00')).toBeUndefined();
    expect(formatDecimal('1e5', '0.00')).toBeUndefined();
  });
});

describe('decimal helpers', () => {
  it('shifts the decimal point', () => {
    expect(shiftDecimal('123.45', 2)).toBe('12345');
    expect(shiftDecimal('123.45', -4)).toBe('0.012345');
    expect(shiftDecimal('0.5', 1)).toBe('5');
  });

  it('rounds with carries', () => {
    expect(roundDecimal('9.995', 2)).toEqual({ int: '10', frac: '00' });
    expect(roundDecimal('0.4', 0)).toEqual({ int: '0', frac: '' });
  });

  it('groups thousands keeping the fraction', () => {
    expect(groupDecimal('-1234567.891')).toBe('-1,234,567.891');
    expect(groupDecimal('962')).toBe('962');
  });
});

describe('field rendering', () => {
  const count = { name: 'o.count', category: 'measure', type: 'count', is_numeric: true };
  const id = { name: 'o.id', category: 'dimension', type: 'number', is_numeric: true };
  const usd = { ...count, value_format_name: 'usd' };
  const own = { ...usd, value_format: '0.0' };
  const yesno = { name: 'o.big', category: 'dimension', type: 'yesno', is_numeric: false };

  it('renders numeric measures with separators, dimensions as they are (json_detail observations)', () => {
    expect(renderedText(count, 1169)).toBe('1,169');
    expect(renderedText(count, 962)).toBeUndefined();
    expect(formattedText(count, 962)).toBe('962');
    expect(renderedText(id, 123456)).toBeUndefined();
    expect(renderedText(count, null)).toBeUndefined();
  });

  it('prefers value_format over value_format_name and formats numeric strings', () => {
    expect(renderedText(usd, '12345678901234567')).toBe('$12,345,678,901,234,567.00');
    expect(renderedText(own, 2.25)).toBe('2.3');
    expect(renderedText(usd, 'n/a')).toBeUndefined();
    const stringId = { name: 'o.code', category: 'dimension', type: 'string', is_numeric: false, value_format_name: 'id' };
    expect(formattedText(stringId, '00123')).toBeUndefined();
    expect(cellText(stringId, '00123', true)).toBe('00123');
    expect(renderedText({ ...id, value_format: '#,##0' }, 123456)).toBe('123,456');
  });

  it('writes raw text without exponents and yesno booleans as Yes/No', () => {
    expect(rawText(count, 1e21)).toBe('1000000000000000000000');
    expect(rawText(count, 1e-7)).toBe('0.0000001');
    expect(rawText(yesno, true)).toBe('Yes');
    expect(rawText(id, false)).toBe('false');
    expect(rawText(id, null)).toBe('');
    expect(rawText(id, { a: 1 })).toBe('{"a":1}');
    expect(cellText(usd, 3, true)).toBe('$3.00');
    expect(cellText(usd, 3, false)).toBe('3');
  });
});
