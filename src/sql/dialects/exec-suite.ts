/**
 * One execution test suite, run by duckdb.test.ts and postgres.test.ts against the real
 * databases: every check executes dialect SQL and compares the VALUES.
 */
import { describe, expect, it } from 'vitest';
import type { Dialect } from './dialect.ts';
import {
  ALL_TIMEFRAMES, DURATION_CASES, HOSTILE_STRINGS, LIKE_CASES, LIKE_VALUES, TIMEFRAME_CASES, TZ_CASES,
  decimalToMicros, fanoutTruth, microsToDecimal, orderAmountSql,
} from './exec-cases.ts';
import { SqlLiteralError } from './literals.ts';

export type Row = Readonly<Record<string, string | null>>;

export interface ExecTarget {
  readonly dialect: Dialect;
  /** Runs SQL, every value as text (or null). */
  run(sql: string): Promise<Row[]>;
  /** A FROM item giving integers 1..n in column `col`. */
  series(n: number, alias: string, col: string): string;
}

async function one(t: ExecTarget, sql: string): Promise<Row> {
  const rows = await t.run(sql);
  expect(rows).toHaveLength(1);
  return rows[0] ?? {};
}

export function executionSuite(t: ExecTarget): void {
  const d = t.dialect;
  const q = (name: string): string => d.quoteIdentifier(name);

  describe('timeframes', () => {
    TIMEFRAME_CASES.forEach((c, i) => {
      it(`case ${i}: ${c.at} ${c.opts.weekStartDay} offset ${c.opts.fiscalMonthOffset}`, async () => {
        const x = d.timestampLiteral(c.at);
        const frames = Object.keys(c.expect) as (keyof typeof c.expect)[];
        const row = await one(t, `SELECT ${frames.map((tf) => `${d.timeframe(x, tf, c.opts)} AS ${q(tf)}`).join(', ')}`);
        expect(row).toEqual(c.expect);
      });
    });

    it('covers every timeframe of dialect.ts in case 0', () => {
      expect(Object.keys(TIMEFRAME_CASES[0]?.expect ?? {})).toEqual(ALL_TIMEFRAMES);
      expect(ALL_TIMEFRAMES).toHaveLength(58);
    });

    it('yesno is No for NULL', async () => {
      const x = d.cast('NULL', 'timestamp');
      const row = await one(t, `SELECT ${d.timeframe(x, 'yesno', { weekStartDay: 'monday', fiscalMonthOffset: 0 })} AS v`);
      expect(row.v).toBe('No');
    });
  });

  describe('time zones', () => {
    it.each(TZ_CASES)('$at $from → $to', async (c) => {
      const converted = d.convertTz(d.timestampLiteral(c.at), c.from, c.to);
      const opts = { weekStartDay: 'monday', fiscalMonthOffset: 0 } as const;
      const row = await one(t, `SELECT ${d.timeframe(converted, 'time', opts)} AS v, ${d.timeframe(converted, 'hour', opts)} AS h`);
      expect(row).toEqual({ v: c.expect, h: c.expect.slice(0, 13) });
    });

    it('now(tz) is the current wall time in that zone', async () => {
      const opts = { weekStartDay: 'monday', fiscalMonthOffset: 0 } as const;
      const row = await one(t, `SELECT ${d.timeframe(d.now('UTC'), 'time', opts)} AS utc, ${d.timeframe(d.now('Asia/Kolkata'), 'time', opts)} AS ist`);
      const utc = Date.parse(`${row.utc ?? ''}Z`);
      expect(Math.abs(utc - Date.now())).toBeLessThan(120_000);
      expect(Date.parse(`${row.ist ?? ''}Z`) - utc).toBeGreaterThanOrEqual(5.5 * 3_600_000 - 2_000);
      expect(Date.parse(`${row.ist ?? ''}Z`) - utc).toBeLessThanOrEqual(5.5 * 3_600_000 + 2_000);
    });
  });

  describe('toTimestamp, truncate, addInterval', () => {
    it('converts every datatype to a zone-less timestamp', async () => {
      const row = await one(t, `SELECT ${[
        `${d.toTimestamp('1700000000', 'epoch')} AS epoch`,
        `${d.toTimestamp('1700000000.5', 'epoch')} AS epoch_frac`,
        `${d.toTimestamp('20240115', 'yyyymmdd')} AS ymd`,
        `${d.toTimestamp(d.dateLiteral('2024-02-29'), 'date')} AS date`,
        `${d.toTimestamp(d.timestampLiteral('2024-02-29 10:11:12'), 'timestamp')} AS ts`,
        `${d.toTimestamp(d.timestampLiteral('2024-02-29 10:11:12'), 'datetime')} AS dt`,
      ].join(', ')}`);
      expect(row).toEqual({
        epoch: '2023-11-14 22:13:20', epoch_frac: '2023-11-14 22:13:20.5', ymd: '2024-01-15 00:00:00',
        date: '2024-02-29 00:00:00', ts: '2024-02-29 10:11:12', dt: '2024-02-29 10:11:12',
      });
    });

    it('truncates and adds intervals', async () => {
      const x = d.timestampLiteral('2024-01-31 10:20:30.456789');
      const row = await one(t, `SELECT ${[
        `${d.truncate(x, 'week', 'monday')} AS wk_mon`,
        `${d.truncate(x, 'week', 'sunday')} AS wk_sun`,
        `${d.truncate(x, 'week', 'wednesday')} AS wk_wed`,
        `${d.truncate(x, 'month', 'monday')} AS mon`,
        `${d.truncate(x, 'quarter', 'monday')} AS qtr`,
        `${d.truncate(x, 'year', 'monday')} AS yr`,
        `${d.truncate(x, 'second', 'monday')} AS sec`,
        `${d.truncate(x, 'millisecond', 'monday')} AS ms`,
        `${d.addInterval(x, 'month', 1)} AS plus_month`,
        `${d.addInterval(x, 'quarter', -1)} AS minus_quarter`,
        `${d.addInterval(x, 'year', 1)} AS plus_year`,
        `${d.addInterval(x, 'week', 2)} AS plus_2w`,
        `${d.addInterval(x, 'day', -31)} AS minus_31d`,
        `${d.addInterval(x, 'hour', 14)} AS plus_14h`,
        `${d.addInterval(x, 'minute', -21)} AS minus_21m`,
        `${d.addInterval(x, 'second', 30)} AS plus_30s`,
        `${d.addInterval(x, 'millisecond', 544)} AS plus_544ms`,
        `${d.addInterval(x, 'microsecond', 211)} AS plus_211us`,
      ].join(', ')}`);
      expect(row).toEqual({
        wk_mon: '2024-01-29 00:00:00', wk_sun: '2024-01-28 00:00:00', wk_wed: '2024-01-31 00:00:00',
        mon: '2024-01-01 00:00:00', qtr: '2024-01-01 00:00:00', yr: '2024-01-01 00:00:00',
        sec: '2024-01-31 10:20:30', ms: '2024-01-31 10:20:30.456',
        plus_month: '2024-02-29 10:20:30.456789', minus_quarter: '2023-10-31 10:20:30.456789',
        plus_year: '2025-01-31 10:20:30.456789', plus_2w: '2024-02-14 10:20:30.456789',
        minus_31d: '2023-12-31 10:20:30.456789', plus_14h: '2024-02-01 00:20:30.456789',
        minus_21m: '2024-01-31 09:59:30.456789', plus_30s: '2024-01-31 10:21:00.456789',
        plus_544ms: '2024-01-31 10:20:31.000789', plus_211us: '2024-01-31 10:20:30.457',
      });
    });
  });

  describe('durationBetween', () => {
    it.each(DURATION_CASES)('$unit from $start to $end = $expect', async (c) => {
      const row = await one(t, `SELECT ${d.durationBetween(d.timestampLiteral(c.start), d.timestampLiteral(c.end), c.unit)} AS v`);
      expect(row.v).toBe(c.expect);
    });
  });

  describe('literals', () => {
    it('round-trips hostile strings and leaves the statement intact', async () => {
      const cols = HOSTILE_STRINGS.map((s, i) => `${d.stringLiteral(s)} AS c${i}`).join(', ');
      const row = await one(t, `SELECT ${cols}, 'sentinel' AS tail`);
      expect(Object.keys(row)).toHaveLength(HOSTILE_STRINGS.length + 1);
      HOSTILE_STRINGS.forEach((s, i) => {
        expect(row[`c${i}`]).toBe(s);
      });
      expect(row.tail).toBe('sentinel');
    });

    it('compares equal inside predicates', async () => {
      const checks = HOSTILE_STRINGS.map((s) => `CASE WHEN ${d.stringLiteral(s)} = ${d.stringLiteral(s)} THEN 1 ELSE 0 END`).join(' + ');
      const row = await one(t, `SELECT ${checks} AS v`);
      expect(row.v).toBe(String(HOSTILE_STRINGS.length));
    });

    it('quotes hostile identifiers as exact column names', async () => {
      const names = HOSTILE_STRINGS.filter((s) => s !== '');
      for (const name of names) {
        const rows = await t.run(`SELECT 1 AS ${d.quoteIdentifier(name)}`);
        expect(Object.keys(rows[0] ?? {})).toEqual([name]);
      }
    });

    it('rejects NUL and lone surrogates deterministically', () => {
      expect(() => d.stringLiteral('a\u0000b')).toThrow(SqlLiteralError);
      expect(() => d.stringLiteral('bad \ud800 half')).toThrow(SqlLiteralError);
      expect(() => d.quoteIdentifier('x\u0000')).toThrow(SqlLiteralError);
    });

    it('writes numbers, booleans, dates, timestamps', async () => {
      const row = await one(t, `SELECT ${d.numberLiteral('-12.5')} + 0 AS n, CASE WHEN ${d.booleanLiteral(true)} AND NOT ${d.booleanLiteral(false)} THEN 'ok' END AS b, ${d.dateLiteral('2024-02-29')} AS dt, ${d.timestampLiteral('2024-02-29 23:59:59.5')} AS ts`);
      expect(row).toEqual({ n: '-12.5', b: 'ok', dt: '2024-02-29', ts: '2024-02-29 23:59:59.5' });
    });
  });

  describe('like', () => {
    it.each(LIKE_CASES)('$pattern (ci=$ci)', async (c) => {
      const values = LIKE_VALUES.map((v) => `(${d.stringLiteral(v)})`).join(', ');
      const rows = await t.run(`SELECT v FROM (VALUES ${values}) AS t(v) WHERE ${d.like('v', c.pattern, c.ci)}`);
      expect(rows.map((r) => r.v ?? '').sort()).toEqual([...c.expect].sort());
    });
  });

  describe('aggregates', () => {
    it('percentile and listAgg', async () => {
      const row = await one(t, `SELECT ${d.percentile('x', 0.5)} AS p50, ${d.percentile('x', 0.25)} AS p25 FROM ${t.series(5, 's', 'x')}`);
      expect(Number(row.p50)).toBe(3);
      expect(Number(row.p25)).toBe(2);
      const values = ["('b')", "('a')", "('b')", '(NULL)', "('c''d')"].join(', ');
      const list = await one(t, `SELECT ${d.listAgg('v')} AS l FROM (VALUES ${values}) AS t(v)`);
      expect(list.l).toBe("a, b, c'd");
    });

    const fanout = (n: number, value: string): string =>
      `WITH o AS (SELECT id, ${orderAmountSql('id')} AS amount FROM ${t.series(n, 's', 'id')}),
       j AS (SELECT o.id, o.amount, k FROM o JOIN ${t.series(5, 'f', 'k')} ON k <= o.id % 5 + 1)
       SELECT SUM(${value}) AS naive, ${d.symmetricSum(value, 'id')} AS sym, COUNT(*) AS n FROM j`;

    it('symmetricSum is exact over a fanned-out join (decimals, negatives, NULLs, 100k rows)', async () => {
      const n = 100_000;
      const truth = fanoutTruth(n);
      const row = await one(t, fanout(n, 'amount'));
      expect(decimalToMicros(row.naive ?? '')).toBe(truth.naiveSum);
      expect(truth.naiveSum).not.toBe(truth.trueSum);
      expect(microsToDecimal(decimalToMicros(row.sym ?? ''))).toBe(microsToDecimal(truth.trueSum));
      expect(row.n).toBe('300000');
    });

    it('symmetricSum is exact for floating-point values with 6 decimals', async () => {
      const n = 10_000;
      const truth = fanoutTruth(n);
      const row = await one(t, fanout(n, d.cast('amount', 'number')));
      expect(microsToDecimal(decimalToMicros(row.sym ?? ''))).toBe(microsToDecimal(truth.trueSum));
    });

    it('symmetricSum of no rows is 0', async () => {
      const row = await one(t, `SELECT ${d.symmetricSum('x', 'x')} AS v FROM ${t.series(3, 's', 'x')} WHERE x > 10`);
      expect(decimalToMicros(row.v ?? '')).toBe(0n);
    });
  });

  it('limitClause', async () => {
    const rows = await t.run(`SELECT x FROM ${t.series(10, 's', 'x')} ORDER BY x ${d.limitClause(3)}`);
    expect(rows.map((r) => r.x)).toEqual(['1', '2', '3']);
    expect(d.limitClause(null)).toBe('');
  });
}
