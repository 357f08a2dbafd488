/**
 * Filters compiled to SQL and run on real DuckDB and PostgreSQL: each case asserts which
 * rows match. Hostile strings must match literally and never break the statement.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dialect } from '../dialects/dialect.ts';
import { getDialect } from '../dialects/registry.ts';
import { filterToSql, parseFilterExpression } from './index.ts';
import type { FilterKind, FilterSqlContext } from './index.ts';

interface Db {
  readonly dialect: Dialect;
  ids(sql: string): Promise<number[]>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

async function openDuckDb(): Promise<Db> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn: DuckDBConnection = await instance.connect();
  await conn.run('SET autoinstall_known_extensions=false');
  return {
    dialect: getDialect('duckdb'),
    async ids(sql) {
      const reader = await conn.runAndReadAll(sql);
      return reader.getRowObjectsJson().map((r) => Number(r.id));
    },
    async exec(sql) {
      await conn.run(sql);
    },
    close() {
      conn.closeSync();
      instance.closeSync();
      return Promise.resolve();
    },
  };
}

async function openPostgres(): Promise<Db> {
  const url = process.env.OVERLOOK_TEST_PG_URL;
  if (!url) throw new Error('OVERLOOK_TEST_PG_URL is not set (test/global-setup.ts starts PostgreSQL)');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const schema = `filters_sql_${process.pid}`;
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}; SET search_path TO ${schema}`);
  return {
    dialect: getDialect('postgres'),
    async ids(sql) {
      const res = await client.query<{ id: number }>(sql);
      return res.rows.map((r) => r.id);
    },
    async exec(sql) {
      await client.query(sql);
    },
    async close() {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

// ---- fixtures -------------------------------------------------------------------------

const STRINGS: readonly (string | null)[] = [
  /* 1 */ 'foo', /* 2 */ 'bar', /* 3 */ 'Foo', /* 4 */ 'food', /* 5 */ 'buffoon', /* 6 */ 'fast foo',
  /* 7 */ '', /* 8 */ null, /* 9 */ 'foo,bar', /* 10 */ '%abc', /* 11 */ '_uf', /* 12 */ "O'Brien",
  /* 13 */ 'a\\b', /* 14 */ "x';--y", /* 15 */ '/*c*/', /* 16 */ 'ünï☃😀', /* 17 */ '-foo', /* 18 */ '^caret',
  /* 19 */ ' padded ', /* 20 */ 'a"b', /* 21 */ '100%', /* 22 */ 'zuf', /* 23 */ "'; DROP TABLE strs; --",
  /* 24 */ 'tab\there', /* 25 */ '\\%_\\',
];
const ALL_STRINGS = STRINGS.map((_, i) => i + 1);

const NUMBERS: readonly (string | null)[] = [
  /* 1 */ '1', /* 2 */ '2', /* 3 */ '3', /* 4 */ '5', /* 5 */ '5.5', /* 6 */ '10', /* 7 */ '-5', /* 8 */ '0',
  /* 9 */ null, /* 10 */ '100', /* 11 */ '0.0015',
];
const ALL_NUMBERS = NUMBERS.map((_, i) => i + 1);

/** Pinned now: Wednesday 2024-03-13 15:30:00. */
const NOW = '2024-03-13 15:30:00';
const TIMES: readonly (string | null)[] = [
  /* 1 */ '2024-03-13 00:00:00', /* 2 */ '2024-03-13 15:29:59', /* 3 */ '2024-03-13 23:59:59',
  /* 4 */ '2024-03-14 00:00:00', /* 5 */ '2024-03-12 12:00:00', /* 6 */ '2024-03-07 00:00:00',
  /* 7 */ '2024-03-06 23:59:59', /* 8 */ '2024-03-11 00:00:00', /* 9 */ '2024-03-10 23:59:59',
  /* 10 */ '2024-03-04 00:00:00', /* 11 */ '2024-02-29 12:00:00', /* 12 */ '2024-01-01 00:00:00',
  /* 13 */ '2023-12-31 23:59:59', /* 14 */ '2024-06-13 10:00:00', /* 15 */ null,
  /* 16 */ '2024-04-01 00:00:00', /* 17 */ '2024-03-05 10:30:30', /* 18 */ '2024-03-05 10:31:00',
  /* 19 */ '2999-01-01 00:00:00',
];
const ALL_TIMES = TIMES.map((_, i) => i + 1);
const YEAR_2024 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 17, 18];

const except = (all: readonly number[], ...gone: number[]): number[] => all.filter((id) => !gone.includes(id));

/** Write a value as a string filter that matches exactly it (Looker's ^ escapes). */
const escapeValue = (v: string): string => v.replace(/[\^%_,"]/g, (c) => `^${c}`).replace(/^-/, '^-').replace(/^ | $/g, '^ ');

async function createTables(db: Db): Promise<void> {
  const d = db.dialect;
  const rows = (values: readonly (string | null)[], lit: (v: string) => string): string =>
    values.map((v, i) => `(${i + 1}, ${v === null ? 'NULL' : lit(v)})`).join(', ');
  await db.exec('CREATE TABLE strs (id INTEGER, s VARCHAR(100))');
  await db.exec(`INSERT INTO strs VALUES ${rows(STRINGS, (v) => d.stringLiteral(v))}`);
  await db.exec('CREATE TABLE nums (id INTEGER, n DECIMAL(12,4))');
  await db.exec(`INSERT INTO nums VALUES ${rows(NUMBERS, (v) => d.numberLiteral(v))}`);
  await db.exec('CREATE TABLE times (id INTEGER, ts TIMESTAMP)');
  await db.exec(`INSERT INTO times VALUES ${rows(TIMES, (v) => d.timestampLiteral(v))}`);
  await db.exec('CREATE TABLE flags (id INTEGER, b BOOLEAN)');
  await db.exec('INSERT INTO flags VALUES (1, TRUE), (2, FALSE), (3, NULL)');
}

// ---- cases ------------------------------------------------------------------------------

type Case = readonly [expression: string, expected: readonly number[], ctx?: Partial<FilterSqlContext>];

const STRING_CASES: readonly Case[] = [
  ['foo', [1]],
  ['foo,bar', [1, 2]],
  ['%foo%', [1, 4, 5, 6, 9, 17]],
  ['foo%', [1, 4, 9]],
  ['%foo', [1, 6, 17]],
  ['f%d', [4]],
  ['_uf', [11, 22]],
  ['^_uf', [11]],
  ['-foo', except(ALL_STRINGS, 1)],
  ['-foo,-bar', except(ALL_STRINGS, 1, 2)],
  ['-%foo%', except(ALL_STRINGS, 1, 4, 5, 6, 9, 17)],
  ['-foo%', except(ALL_STRINGS, 1, 4, 9)],
  ['foo%,-food', [1, 9]],
  ['foo%,bar', [1, 2, 4, 9]],
  ['EMPTY', [7, 8]],
  ['-EMPTY', except(ALL_STRINGS, 7, 8)],
  ['NULL', [8]],
  ['-NULL', except(ALL_STRINGS, 8)],
  ['foo^,bar', [9]],
  ['"foo,bar"', [9]],
  ['^%abc', [10]],
  ['%^%%', [10, 21, 25]],
  ['%^_%', [11, 25]],
  ['^-foo', [17]],
  ['^^caret', [18]],
  ['^ padded^ ', [19]],
  ['  padded  ', []],
  ['%padded%', [19]],
  ['a^"b', [20]],
  ['%\\%', [13, 25]],
  ['%;--%', [14]],
  ['', ALL_STRINGS],
  ['FOO', []],
  ['FOO', [1, 3], { caseSensitive: false }],
  ['%FOO%', [1, 3, 4, 5, 6, 9, 17], { caseSensitive: false }],
  ['-foo', except(ALL_STRINGS, 1, 3), { caseSensitive: false }],
  ['ÜNÏ☃😀', [16], { caseSensitive: false }],
  // Every fixture value, escaped, matches exactly its own row.
  ...STRINGS.flatMap((v, i): Case[] => (v === null || v === '' ? [] : [[escapeValue(v), [i + 1]]])),
];

const NUMBER_CASES: readonly Case[] = [
  ['5', [4]],
  ['NOT 5', except(ALL_NUMBERS, 4)],
  ['<>5', except(ALL_NUMBERS, 4)],
  ['!=5', except(ALL_NUMBERS, 4)],
  ['-5', [7]],
  ['>=10', [6, 10]],
  ['<0', [7]],
  ['>=1 AND <=10', [1, 2, 3, 4, 5, 6]],
  ['1 to 10', [1, 2, 3, 4, 5, 6]],
  ['[1,10]', [1, 2, 3, 4, 5, 6]],
  ['(1,10]', [2, 3, 4, 5, 6]],
  ['[1,10)', [1, 2, 3, 4, 5]],
  ['[5, inf)', [4, 5, 6, 10]],
  ['(-inf, 1)', [7, 8, 11]],
  ['10 to', [6, 10]],
  ['to 0', [7, 8]],
  ['NULL', [9]],
  ['NOT NULL', except(ALL_NUMBERS, 9)],
  ['-NULL', except(ALL_NUMBERS, 9)],
  ['1,3,5', [1, 3, 4]],
  ['NOT 1,2', except(ALL_NUMBERS, 1, 2)],
  ['>5 AND <=10 OR 1', [1, 5, 6]],
  ['<3 OR >80', [1, 2, 7, 8, 10, 11]],
  ['NOT 3 to 100', [1, 2, 7, 8, 9, 11]],
  ['1.5e-3', [11]],
  ['5.50', [5]],
  ['NOT 10,[1,5)', [1, 2, 3]],
  ['', ALL_NUMBERS],
];

const DATE_CASES: readonly Case[] = [
  ['today', [1, 2, 3]],
  ['yesterday', [5]],
  ['tomorrow', [4]],
  ['this week', [1, 2, 3, 4, 5, 8]],
  ['this week', [1, 2, 3, 4, 5, 8, 9], { weekStartDay: 'sunday' }],
  ['last week', [6, 7, 9, 10, 17, 18]],
  ['next week', []],
  ['this month', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 17, 18]],
  ['last month', [11]],
  ['next month', [16]],
  ['this quarter', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 17, 18]],
  ['next quarter', [14, 16]],
  ['this year', YEAR_2024],
  ['last year', [13]],
  ['7 days', [1, 2, 3, 5, 6, 8, 9]],
  ['last 7 days', [1, 2, 3, 5, 6, 8, 9]],
  ['7 days ago', [7]],
  ['7 days ago for 7 days', [5, 6, 7, 8, 9]],
  ['last 2 hours', [2]],
  ['3 months from now', [14]],
  ['1 month from now for 2 months', [16]],
  ['today for 2 days', [1, 2, 3, 4]],
  ['monday', [8]],
  ['sunday', [9]],
  ['wednesday', [1, 2, 3]],
  ['this year to second', [1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 17, 18]],
  ['before 2024-01-01', [13]],
  ['after 2024-03-14', [4, 14, 16, 19]],
  ['before 7 days ago', [10, 11, 12, 13, 17, 18]],
  ['after 7 days ago', [1, 2, 3, 4, 5, 6, 7, 8, 9, 14, 16, 19]],
  ['before now', [1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 13, 17, 18]],
  ['after now', [3, 4, 14, 16, 19]],
  ['before this week', [6, 7, 9, 10, 11, 12, 13, 17, 18]],
  ['after next week', [14, 16, 19]],
  ['2024', YEAR_2024],
  ['2024-03', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 17, 18]],
  ['2024-Q2', [14, 16]],
  ['2024-03-05', [17, 18]],
  ['2024-03-05 10:30', [17]],
  ['2024-03-05 10:30:30', [17]],
  ['2024-01-01 to 2024-02-01', [12]],
  ['2024/03/10 for 2 days', [8, 9]],
  ['yesterday, tomorrow', [4, 5]],
  ['NULL', [15]],
  ['NOT NULL', except(ALL_TIMES, 15)],
  ['', ALL_TIMES],
  // The database's own clock (the machine's date is well past 2024, before 2999).
  ['before now', except(ALL_TIMES, 15, 19), { now: undefined }],
  ['after 1 day ago', [19], { now: undefined, timezone: 'Pacific/Kiritimati' }],
  ['this year', [], { now: undefined, timezone: 'America/Los_Angeles' }],
];

const FLAG_CASES: readonly Case[] = [
  ['yes', [1]],
  ['No', [2, 3]],
];

// ---- runner -----------------------------------------------------------------------------

const rows = (cases: readonly Case[]): { expression: string; expected: readonly number[]; ctx: Partial<FilterSqlContext> }[] =>
  cases.map(([expression, expected, ctx = {}]) => ({ expression, expected, ctx }));

const TABLES: Readonly<Record<FilterKind, { table: string; column: string } | undefined>> = {
  string: { table: 'strs', column: 's' },
  tier: undefined,
  number: { table: 'nums', column: 'n' },
  date: { table: 'times', column: 'ts' },
  yesno: { table: 'flags', column: 'b' },
};

async function matching(db: Db, kind: FilterKind, expression: string, extra: Partial<FilterSqlContext> = {}): Promise<number[]> {
  const parsed = parseFilterExpression(kind, expression);
  if (!parsed.ok) throw new Error(parsed.message);
  const ctx: FilterSqlContext = { dialect: db.dialect, timezone: 'UTC', now: NOW, weekStartDay: 'monday', caseSensitive: true, ...extra };
  const { table, column } = TABLES[kind]!;
  const where = filterToSql(parsed.node, `${table}.${column}`, ctx);
  return db.ids(`SELECT id FROM ${table} WHERE ${where} ORDER BY id`);
}

for (const [name, open] of [['duckdb', openDuckDb], ['postgres', openPostgres]] as const) {
  describe(`filters executed on ${name}`, () => {
    let db: Db;
    beforeAll(async () => {
      db = await open();
      await createTables(db);
    });
    afterAll(async () => {
      await db.close();
    });

    for (const [kind, cases] of [['string', STRING_CASES], ['number', NUMBER_CASES], ['date', DATE_CASES], ['yesno', FLAG_CASES]] as const) {
      it.each(rows(cases))(`${kind} $expression matches $expected`, async ({ expression, expected, ctx }) => {
        expect(await matching(db, kind, expression, ctx)).toEqual(expected);
      });
    }

    it('leaves the tables intact after hostile filters', async () => {
      for (const v of STRINGS) if (v !== null && v !== '') await matching(db, 'string', `%${escapeValue(v)}%`);
      expect(await db.ids('SELECT CAST(COUNT(*) AS INTEGER) AS id FROM strs')).toEqual([STRINGS.length]);
    });
  });
}
