import { describe, expect, it } from 'vitest';
import type { TimeUnit, WeekDay } from '../dialects/dialect.ts';
import { parseFilterExpression } from './index.ts';
import type { FilterNode } from './index.ts';
import type { DateMoment, DateShift } from './types.ts';

function node(text: string): FilterNode {
  const r = parseFilterExpression('date', text);
  if (!r.ok) throw new Error(r.message);
  return r.node;
}

function error(text: string): string {
  const r = parseFilterExpression('date', text);
  if (r.ok) throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
  return r.message;
}

/** now truncated to `unit`, then the given shifts. */
const p = (unit: TimeUnit, ...shifts: [TimeUnit, number][]): DateMoment => ({
  type: 'now',
  truncate: { unit },
  shifts: shifts.map(([u, n]): DateShift => ({ unit: u, n })),
});
const wk = (weekStart: WeekDay, ...shifts: [TimeUnit, number][]): DateMoment => ({
  type: 'now',
  truncate: { unit: 'week', weekStart },
  shifts: shifts.map(([u, n]): DateShift => ({ unit: u, n })),
});
const abs = (local: string): DateMoment => ({ type: 'absolute', local });
const range = (start: DateMoment | null, end: DateMoment | null): FilterNode => ({ type: 'date_range', start, end });
const NOW: DateMoment = { type: 'now', truncate: null, shifts: [] };

describe('date filter parsing: relative periods', () => {
  it('parses today, yesterday, tomorrow', () => {
    expect(node('today')).toEqual(range(p('day'), p('day', ['day', 1])));
    expect(node('Yesterday')).toEqual(range(p('day', ['day', -1]), p('day')));
    expect(node('tomorrow')).toEqual(range(p('day', ['day', 1]), p('day', ['day', 2])));
  });

  it('parses this/last/next for every unit, singular or plural, any case', () => {
    for (const unit of ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'] as const) {
      expect(node(`this ${unit}`)).toEqual(range(p(unit), p(unit, [unit, 1])));
      expect(node(`last ${unit}`)).toEqual(range(p(unit, [unit, -1]), p(unit)));
      expect(node(`NEXT ${unit.toUpperCase()}S`)).toEqual(range(p(unit, [unit, 1]), p(unit, [unit, 2])));
    }
  });

  it('parses "N units" and "last N units" as the current unit and the N-1 before it', () => {
    expect(node('7 days')).toEqual(range(p('day', ['day', -6]), p('day', ['day', 1])));
    expect(node('last 7 days')).toEqual(node('7 days'));
    expect(node('1 day')).toEqual(range(p('day'), p('day', ['day', 1])));
    expect(node('2 weeks')).toEqual(range(p('week', ['week', -1]), p('week', ['week', 1])));
    expect(node('last 3 months')).toEqual(range(p('month', ['month', -2]), p('month', ['month', 1])));
  });

  it('parses "N units ago" and "from now", optionally "for M units"', () => {
    expect(node('7 days ago')).toEqual(range(p('day', ['day', -7]), p('day', ['day', -6])));
    expect(node('1 day ago')).toEqual(node('yesterday'));
    expect(node('7 days ago for 7 days')).toEqual(range(p('day', ['day', -7]), p('day')));
    expect(node('3 months ago for 2 days')).toEqual(range(p('month', ['month', -3]), p('month', ['month', -3], ['day', 2])));
    expect(node('3 months from now')).toEqual(range(p('month', ['month', 3]), p('month', ['month', 4])));
    expect(node('3 days from now for 2 weeks')).toEqual(range(p('day', ['day', 3]), p('day', ['day', 3], ['week', 2])));
  });

  it('parses day keywords and weekdays with "for"', () => {
    expect(node('today for 7 days')).toEqual(range(p('day'), p('day', ['day', 7])));
    expect(node('yesterday for 2 days')).toEqual(range(p('day', ['day', -1]), p('day', ['day', 1])));
    expect(node('monday')).toEqual(range(wk('monday'), wk('monday', ['day', 1])));
    expect(node('Sunday for 2 weeks')).toEqual(range(wk('sunday'), wk('sunday', ['week', 2])));
  });

  it('parses "this X to Y"', () => {
    expect(node('this year to second')).toEqual(range(p('year'), p('second', ['second', 1])));
    expect(node('this year to day')).toEqual(range(p('year'), p('day', ['day', 1])));
  });

  it('parses before/after relative points (after is inclusive)', () => {
    expect(node('before 7 days ago')).toEqual(range(null, p('day', ['day', -7])));
    expect(node('after 7 days ago')).toEqual(range(p('day', ['day', -7]), null));
    expect(node('after 2 weeks from now')).toEqual(range(p('week', ['week', 2]), null));
    expect(node('before now')).toEqual(range(null, NOW));
    expect(node('after now')).toEqual(range(NOW, null));
    expect(node('before this week')).toEqual(range(null, p('week')));
    expect(node('after next month')).toEqual(range(p('month', ['month', 1]), null));
    expect(node('before last year')).toEqual(range(null, p('year', ['year', -1])));
    expect(node('after today')).toEqual(range(p('day'), null));
    expect(node('before monday')).toEqual(range(null, wk('monday')));
  });
});

describe('date filter parsing: absolute dates', () => {
  it('parses years, months, quarters, days and times at their own precision', () => {
    expect(node('2024')).toEqual(range(abs('2024-01-01 00:00:00'), abs('2025-01-01 00:00:00')));
    expect(node('2024-03')).toEqual(range(abs('2024-03-01 00:00:00'), abs('2024-04-01 00:00:00')));
    expect(node('2024/12')).toEqual(range(abs('2024-12-01 00:00:00'), abs('2025-01-01 00:00:00')));
    expect(node('2024-Q4')).toEqual(range(abs('2024-10-01 00:00:00'), abs('2025-01-01 00:00:00')));
    expect(node('2024-03-05')).toEqual(range(abs('2024-03-05 00:00:00'), abs('2024-03-06 00:00:00')));
    expect(node('2024/02/29')).toEqual(range(abs('2024-02-29 00:00:00'), abs('2024-03-01 00:00:00')));
    expect(node('2024-03-05 10:30')).toEqual(range(abs('2024-03-05 10:30:00'), abs('2024-03-05 10:31:00')));
    expect(node('2024-03-05 10:30:15')).toEqual(range(abs('2024-03-05 10:30:15'), abs('2024-03-05 10:30:16')));
    expect(node('2024-12-31 23:59:59')).toEqual(range(abs('2024-12-31 23:59:59'), abs('2025-01-01 00:00:00')));
    expect(node('0050-01-01')).toEqual(range(abs('0050-01-01 00:00:00'), abs('0050-01-02 00:00:00')));
  });

  it('parses "A to B" as [A, B) and "A for N units"', () => {
    expect(node('2024-01-01 to 2024-02-01')).toEqual(range(abs('2024-01-01 00:00:00'), abs('2024-02-01 00:00:00')));
    expect(node('2018-05-18 12:00:00 to 2018-05-18 14:00:00')).toEqual(range(abs('2018-05-18 12:00:00'), abs('2018-05-18 14:00:00')));
    expect(node('2024/01/01 for 3 days')).toEqual(range(abs('2024-01-01 00:00:00'), abs('2024-01-04 00:00:00')));
    expect(node('2024-01-31 for 1 month')).toEqual(range(abs('2024-01-31 00:00:00'), abs('2024-02-29 00:00:00')));
    expect(node('2018/05 for 2 months')).toEqual(range(abs('2018-05-01 00:00:00'), abs('2018-07-01 00:00:00')));
    expect(node('2018/05/10 05:00 for 5 hours')).toEqual(range(abs('2018-05-10 05:00:00'), abs('2018-05-10 10:00:00')));
    expect(node('2024-12-30 for 1 week')).toEqual(range(abs('2024-12-30 00:00:00'), abs('2025-01-06 00:00:00')));
  });

  it('parses before/after absolute times', () => {
    expect(node('before 2024-01-01')).toEqual(range(null, abs('2024-01-01 00:00:00')));
    expect(node('before 2018-01-01 12:00:00')).toEqual(range(null, abs('2018-01-01 12:00:00')));
    expect(node('after 2018-10-05')).toEqual(range(abs('2018-10-05 00:00:00'), null));
    expect(node('after 2018')).toEqual(range(abs('2018-01-01 00:00:00'), null));
  });
});

describe('date filter parsing: NULL, lists, empty', () => {
  it('parses NULL, NOT NULL and -NULL', () => {
    expect(node('NULL')).toEqual({ type: 'null' });
    expect(node('not null')).toEqual({ type: 'not', child: { type: 'null' }, orNull: false });
    expect(node('-NULL')).toEqual({ type: 'not', child: { type: 'null' }, orNull: false });
  });

  it('ORs comma-separated terms', () => {
    expect(node('yesterday, tomorrow')).toEqual({
      type: 'or',
      children: [range(p('day', ['day', -1]), p('day')), range(p('day', ['day', 1]), p('day', ['day', 2]))],
    });
    expect(node('2024,NOT NULL')).toEqual({
      type: 'and',
      children: [range(abs('2024-01-01 00:00:00'), abs('2025-01-01 00:00:00')), { type: 'not', child: { type: 'null' }, orNull: false }],
    });
  });

  it('treats the empty expression as "any time"', () => {
    expect(node(' ')).toEqual({ type: 'all' });
  });
});

describe('date filter parsing: errors', () => {
  it('rejects malformed input with exact messages', () => {
    const what = 'expected a date (2024-03-05), a relative period (today, last 7 days, 3 days ago, this month …), before/after, NULL or NOT NULL';
    expect(error('foo')).toBe(`Invalid date filter "foo": ${what} but found "foo"`);
    expect(error("2024-01-01'; DROP TABLE t; --")).toBe('Invalid date filter "2024-01-01\'; DROP TABLE t; --": "2024-01-01\';" is not a valid date (use YYYY-MM-DD)');
    expect(error('7 dayz')).toBe('Invalid date filter "7 dayz": expected a time unit (second, minute, hour, day, week, month, quarter or year) after "7" but found "dayz"');
    expect(error('7')).toBe('Invalid date filter "7": expected a time unit (second, minute, hour, day, week, month, quarter or year) after "7" but found the end of the value');
    expect(error('0 days')).toBe('Invalid date filter "0 days": "0" must be between 1 and 100000');
    expect(error('last')).toBe('Invalid date filter "last": expected a time unit (second, minute, hour, day, week, month, quarter or year) after "last" but found the end of the value');
    expect(error('last 3 complete weeks')).toBe('Invalid date filter "last 3 complete weeks": "complete" is not supported; write "3 weeks ago for 3 weeks" for the last 3 complete weeks');
    expect(error('3 days ago for')).toBe('Invalid date filter "3 days ago for": expected a whole number but found the end of the value');
    expect(error('3 days from')).toBe('Invalid date filter "3 days from": expected "now" after "from" but found the end of the value');
    expect(error('3 days later')).toBe('Invalid date filter "3 days later": unexpected "later"');
    expect(error('2024-02-30')).toBe('Invalid date filter "2024-02-30": "2024-02-30" is not a valid date');
    expect(error('2023-02-29')).toBe('Invalid date filter "2023-02-29": "2023-02-29" is not a valid date');
    expect(error('2024-13')).toBe('Invalid date filter "2024-13": "2024-13" is not a valid month');
    expect(error('2024-03-05 24:00')).toBe('Invalid date filter "2024-03-05 24:00": "24:00" is not a valid time');
    expect(error('2024-03-05 10:3')).toBe('Invalid date filter "2024-03-05 10:3": "10:3" is not a valid time (use HH:MM or HH:MM:SS)');
    expect(error('2024-03-05 10:30 UTC')).toBe('Invalid date filter "2024-03-05 10:30 UTC": unexpected "UTC"');
    expect(error('2024-01-01 to')).toBe('Invalid date filter "2024-01-01 to": expected a date after "to" but found the end of the value');
    expect(error('before')).toBe('Invalid date filter "before": expected a date or relative time after "before" but found the end of the value');
    expect(error('before 3 days')).toBe('Invalid date filter "before 3 days": expected "from" or "ago" after "3 days" but found the end of the value');
    expect(error('after banana')).toBe('Invalid date filter "after banana": expected a date, "now", or a relative time like "3 days ago" after "after" but found "banana"');
    expect(error('NOT 2024')).toBe('Invalid date filter "NOT 2024": expected "null" after "not" (only NOT NULL is supported) but found "2024"');
    expect(error('FY2018')).toBe('Invalid date filter "FY2018": fiscal periods are not supported');
    expect(error('this fiscal year')).toBe('Invalid date filter "this fiscal year": fiscal periods are not supported');
    expect(error('today,')).toBe('Invalid date filter "today,": empty value in the list (two commas in a row, or a comma at the start or end)');
    expect(error('now')).toBe(`Invalid date filter "now": ${what} but found "now"`);
  });
});
