/**
 * Date/time filter expressions, each normalised to a half-open range `[start, end)`.
 *
 * Relative periods count whole units from "now" truncated to the unit (Looker's rule):
 *   `this week` [week+0, week+1) · `last week` [week-1, week+0) · `next week` [week+1, week+2)
 *   `7 days` = `last 7 days` [day-6, day+1) (today included) · `3 days ago` [day-3, day-2)
 *   `3 days ago for 2 days` [day-3, day-3 + 2 days) · `2 weeks from now` [week+2, week+3)
 *   `before X` (< start of X) · `after X` (>= start of X, "on or after")
 *   `this year to second` [year+0, second+1) · `monday` = the latest Monday up to today
 * Absolute: `2024` `2024-03` `2024-Q1` `2024-03-05` `2024-03-05 10:30[:15]` (`/` or `-`),
 *   each covering its own precision; `A to B` [A, B); `A for 3 days` [A, A + 3 days).
 * Also `today` `yesterday` `tomorrow` (+ `for N units`), `NULL`, `NOT NULL`, `-NULL`,
 * and comma lists (alternatives).
 */
import type { TimeUnit, WeekDay } from '../dialects/dialect.ts';
import { addCalendar, daysInMonth, formatLocal, type LocalParts } from './calendar.ts';
import { combineTerms, FilterSyntaxError, invalid } from './combine.ts';
import type { DateMoment, DateShift, FilterNode, FilterParseResult } from './types.ts';

const UNITS = new Map<string, TimeUnit>();
for (const u of ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'] as const) {
  UNITS.set(u, u);
  UNITS.set(`${u}s`, u);
}
const WEEKDAYS: readonly WeekDay[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const DAY_OFFSETS = new Map([['today', 0], ['yesterday', -1], ['tomorrow', 1]]);
const MAX_COUNT = 100_000;
const UNIT_LIST = 'second, minute, hour, day, week, month, quarter or year';

interface Range {
  readonly start: DateMoment | null;
  readonly end: DateMoment | null;
}

/** An absolute date as written: where it starts and how long its own precision lasts. */
interface Absolute {
  readonly parts: LocalParts;
  readonly unit: TimeUnit;
  readonly n: number;
}

/** Now, truncated to `unit`, plus `offset` units. */
function period(unit: TimeUnit, offset: number, extra: readonly DateShift[] = []): DateMoment {
  const shifts: DateShift[] = offset === 0 ? [] : [{ unit, n: offset }];
  return { type: 'now', truncate: { unit }, shifts: [...shifts, ...extra] };
}

/** Append a shift, folding it into a trailing shift of the same unit (`-7 days + 7 days` = none). */
function shifted(m: DateMoment, unit: TimeUnit, n: number): DateMoment {
  if (m.type === 'absolute') throw new Error('absolute moments are shifted in JS');
  const last = m.shifts[m.shifts.length - 1];
  if (last?.unit !== unit) return { ...m, shifts: [...m.shifts, { unit, n }] };
  const total = last.n + n;
  const rest = m.shifts.slice(0, -1);
  return { ...m, shifts: total === 0 ? rest : [...rest, { unit, n: total }] };
}

const absolute = (p: LocalParts): DateMoment => ({ type: 'absolute', local: formatLocal(p) });

class DateTermParser {
  private pos = 0;
  private readonly words: readonly string[];

  constructor(private readonly raw: readonly string[]) {
    this.words = raw.map((w) => w.toLowerCase());
  }

  private peek(offset = 0): string | undefined {
    return this.words[this.pos + offset];
  }
  private rawAt(i: number): string {
    return this.raw[i] ?? '';
  }
  private found(): string {
    return this.pos < this.raw.length ? JSON.stringify(this.rawAt(this.pos)) : 'the end of the value';
  }
  private accept(word: string): boolean {
    if (this.peek() !== word) return false;
    this.pos++;
    return true;
  }
  private expect(word: string, context: string): void {
    if (!this.accept(word)) throw new FilterSyntaxError(`expected "${word}" ${context} but found ${this.found()}`);
  }

  parse(): FilterNode {
    const node = this.term();
    if (this.pos < this.words.length) throw new FilterSyntaxError(`unexpected ${this.found()}`);
    return node;
  }

  private term(): FilterNode {
    const w = this.peek();
    if (w === undefined) throw new FilterSyntaxError('empty value in the list (two commas in a row, or a comma at the start or end)');
    if (w === 'null') return this.single({ type: 'null' });
    if (w === '-null') return this.single({ type: 'not', child: { type: 'null' }, orNull: false });
    if (w === 'not') {
      this.pos++;
      this.expect('null', 'after "not" (only NOT NULL is supported)');
      return { type: 'not', child: { type: 'null' }, orNull: false };
    }
    if (w === 'before' || w === 'after') {
      this.pos++;
      const point = this.point(w);
      return range(w === 'before' ? { start: null, end: point } : { start: point, end: null });
    }
    if (w === 'this' || w === 'next' || w === 'last') return range(this.thisNextLast(w));
    if (w === 'fy' || w.startsWith('fy') || w === 'fiscal') throw new FilterSyntaxError('fiscal periods are not supported');
    const day = this.dayKeyword();
    if (day) return range(this.withFor(day));
    if (this.startsCount()) return range(this.counted());
    const abs = this.absolute();
    if (abs) return range(this.absoluteRange(abs));
    throw new FilterSyntaxError(
      `expected a date (2024-03-05), a relative period (today, last 7 days, 3 days ago, this month …), before/after, NULL or NOT NULL but found ${this.found()}`,
    );
  }

  /** `7 days…` rather than the year `2024` (a 4-digit number counts only when a unit follows). */
  private startsCount(): boolean {
    const w = this.peek();
    if (w === undefined || !/^\d+$/.test(w)) return false;
    const next = this.peek(1);
    return w.length !== 4 || (next !== undefined && (UNITS.has(next) || next === 'fiscal'));
  }

  private single(node: FilterNode): FilterNode {
    this.pos++;
    return node;
  }

  private count(): number {
    const w = this.peek();
    if (w === undefined || !/^\d+$/.test(w)) throw new FilterSyntaxError(`expected a whole number but found ${this.found()}`);
    const n = Number(w);
    if (n < 1 || n > MAX_COUNT) throw new FilterSyntaxError(`${JSON.stringify(this.rawAt(this.pos))} must be between 1 and ${MAX_COUNT}`);
    this.pos++;
    return n;
  }

  private unit(after: string): TimeUnit {
    const w = this.peek();
    if (w === 'fiscal') throw new FilterSyntaxError('fiscal periods are not supported');
    const unit = w === undefined ? undefined : UNITS.get(w);
    if (!unit) throw new FilterSyntaxError(`expected a time unit (${UNIT_LIST}) after ${after} but found ${this.found()}`);
    this.pos++;
    return unit;
  }

  /** `today`, `yesterday`, `tomorrow`, or a weekday: the start of that day. */
  private dayKeyword(): Range | null {
    const w = this.peek()!;
    const offset = DAY_OFFSETS.get(w);
    if (offset !== undefined) {
      this.pos++;
      return { start: period('day', offset), end: period('day', offset + 1) };
    }
    const weekday = WEEKDAYS.find((d) => d === w);
    if (weekday) {
      this.pos++;
      // Truncating to a week that starts on that weekday gives its latest occurrence up to today.
      const start: DateMoment = { type: 'now', truncate: { unit: 'week', weekStart: weekday }, shifts: [] };
      return { start, end: shifted(start, 'day', 1) };
    }
    return null;
  }

  /** Optional `for N units` after a relative start: replaces the default length. */
  private withFor(r: Range): Range {
    if (!this.accept('for')) return r;
    const n = this.count();
    const unit = this.unit(`"${n}"`);
    return { start: r.start, end: shifted(r.start!, unit, n) };
  }

  private thisNextLast(w: 'this' | 'next' | 'last'): Range {
    this.pos++;
    if (w === 'last' && this.peek() !== undefined && /^\d+$/.test(this.peek()!)) return this.past();
    const unit = this.unit(`"${w}"`);
    const offset = w === 'this' ? 0 : w === 'next' ? 1 : -1;
    if (w === 'this' && this.accept('to')) {
      const endUnit = this.unit('"to"');
      return { start: period(unit, 0), end: period(endUnit, 1) };
    }
    return { start: period(unit, offset), end: period(unit, offset + 1) };
  }

  /** `N units`, `last N units`: the current unit and the N-1 before it. */
  private past(): Range {
    const n = this.count();
    if (this.peek() === 'complete') throw new FilterSyntaxError('"complete" is not supported; write "3 weeks ago for 3 weeks" for the last 3 complete weeks');
    const unit = this.unit(`"${n}"`);
    return { start: period(unit, -(n - 1)), end: period(unit, 1) };
  }

  /** `N units`, `N units ago [for M units]`, `N units from now [for M units]`. */
  private counted(): Range {
    const start = this.pos;
    const n = this.count();
    const unit = this.unit(`"${n}"`);
    let offset: number;
    if (this.accept('ago')) offset = -n;
    else if (this.peek() === 'from') {
      this.pos++;
      this.expect('now', 'after "from"');
      offset = n;
    } else {
      this.pos = start;
      return this.past();
    }
    return this.withFor({ start: period(unit, offset), end: period(unit, offset + 1) });
  }

  /** What `before`/`after` compare with: the start of a period, an absolute time, or now. */
  private point(prefix: string): DateMoment {
    const w = this.peek();
    if (w === undefined) throw new FilterSyntaxError(`expected a date or relative time after "${prefix}" but found the end of the value`);
    if (this.accept('now')) return { type: 'now', truncate: null, shifts: [] };
    if (w === 'this' || w === 'next' || w === 'last') {
      this.pos++;
      const unit = this.unit(`"${w}"`);
      return period(unit, w === 'this' ? 0 : w === 'next' ? 1 : -1);
    }
    const day = this.dayKeyword();
    if (day) return day.start!;
    if (this.startsCount()) {
      const n = this.count();
      const unit = this.unit(`"${n}"`);
      if (this.accept('ago')) return period(unit, -n);
      this.expect('from', `or "ago" after "${n} ${this.rawAt(this.pos - 1)}"`);
      this.expect('now', 'after "from"');
      return period(unit, n);
    }
    const abs = this.absolute();
    if (abs) return absolute(abs.parts);
    throw new FilterSyntaxError(`expected a date, "now", or a relative time like "3 days ago" after "${prefix}" but found ${this.found()}`);
  }

  private absoluteRange(abs: Absolute): Range {
    const start = absolute(abs.parts);
    if (this.accept('to')) {
      const end = this.absolute();
      if (!end) throw new FilterSyntaxError(`expected a date after "to" but found ${this.found()}`);
      return { start, end: absolute(end.parts) };
    }
    if (this.accept('for')) {
      const n = this.count();
      const unit = this.unit(`"${n}"`);
      return { start, end: absolute(addCalendar(abs.parts, unit, n)) };
    }
    return { start, end: absolute(addCalendar(abs.parts, abs.unit, abs.n)) };
  }

  /** `2024`, `2024-03`, `2024-Q1`, `2024-03-05`, then an optional `HH:MM[:SS]` token. */
  private absolute(): Absolute | null {
    const w = this.peek();
    if (w === undefined) return null;
    const base = { month: 1, day: 1, hour: 0, minute: 0, second: 0 };
    let m = /^(\d{4})$/.exec(w);
    if (m) {
      this.pos++;
      return { parts: { ...base, year: Number(m[1]) }, unit: 'year', n: 1 };
    }
    m = /^(\d{4})[-/]q([1-4])$/.exec(w);
    if (m) {
      this.pos++;
      return { parts: { ...base, year: Number(m[1]), month: (Number(m[2]) - 1) * 3 + 1 }, unit: 'quarter', n: 1 };
    }
    m = /^(\d{4})[-/](\d{1,2})$/.exec(w);
    if (m) {
      const month = Number(m[2]);
      if (month < 1 || month > 12) throw new FilterSyntaxError(`${JSON.stringify(this.rawAt(this.pos))} is not a valid month`);
      this.pos++;
      return { parts: { ...base, year: Number(m[1]), month }, unit: 'month', n: 1 };
    }
    m = /^(\d{4})([-/])(\d{1,2})\2(\d{1,2})$/.exec(w);
    if (!m) {
      if (/^\d{4}[-/]/.test(w)) throw new FilterSyntaxError(`${JSON.stringify(this.rawAt(this.pos))} is not a valid date (use YYYY-MM-DD)`);
      return null;
    }
    const year = Number(m[1]);
    const month = Number(m[3]);
    const day = Number(m[4]);
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
      throw new FilterSyntaxError(`${JSON.stringify(this.rawAt(this.pos))} is not a valid date`);
    }
    this.pos++;
    const date = { ...base, year, month, day };
    const t = this.peek() === undefined ? null : /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(this.peek()!);
    if (!t) {
      if (this.peek() !== undefined && /^\d+:/.test(this.peek()!)) {
        throw new FilterSyntaxError(`${JSON.stringify(this.rawAt(this.pos))} is not a valid time (use HH:MM or HH:MM:SS)`);
      }
      return { parts: date, unit: 'day', n: 1 };
    }
    const hour = Number(t[1]);
    const minute = Number(t[2]);
    const second = t[3] === undefined ? null : Number(t[3]);
    if (hour > 23 || minute > 59 || (second ?? 0) > 59) {
      throw new FilterSyntaxError(`${JSON.stringify(this.rawAt(this.pos))} is not a valid time`);
    }
    this.pos++;
    return { parts: { ...date, hour, minute, second: second ?? 0 }, unit: second === null ? 'minute' : 'second', n: 1 };
  }
}

function range(r: Range): FilterNode {
  return { type: 'date_range', start: r.start, end: r.end };
}

export function parseDateFilter(text: string): FilterParseResult {
  if (text.trim() === '') return { ok: true, node: { type: 'all' } };
  const positives: FilterNode[] = [];
  const negatives: FilterNode[] = [];
  try {
    for (const item of text.split(',')) {
      const node = new DateTermParser(item.trim().split(/\s+/).filter((w) => w !== '')).parse();
      // NOT NULL narrows; every other date term is an alternative.
      (node.type === 'not' ? negatives : positives).push(node);
    }
  } catch (e) {
    if (e instanceof FilterSyntaxError) return invalid('date', text, e.message);
    throw e;
  }
  return { ok: true, node: combineTerms(positives, negatives) };
}
