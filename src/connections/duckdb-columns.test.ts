import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBMaterializedResult } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readColumn } from './duckdb-columns.ts';
import { duckdbCellValue } from './duckdb.ts';

type Row = Record<string, unknown>;

/** Every cell through `getItem` and the shared rules: what readColumn must agree with. */
function generic(result: DuckDBMaterializedResult): Row[] {
  const columns = result.columnNames();
  const rows: Row[] = [];
  for (let c = 0; c < result.chunkCount; c++) {
    const chunk = result.getChunk(c);
    for (let r = 0; r < chunk.rowCount; r++) {
      const row: Row = {};
      columns.forEach((name, col) => { row[name] = duckdbCellValue(chunk.getColumnVector(col).getItem(r)); });
      rows.push(row);
    }
  }
  return rows;
}

function viaReadColumn(result: DuckDBMaterializedResult): Row[] {
  const columns = result.columnNames();
  const rows: Row[] = [];
  for (let c = 0; c < result.chunkCount; c++) {
    const chunk = result.getChunk(c);
    const base = rows.length;
    for (let r = 0; r < chunk.rowCount; r++) rows.push({});
    columns.forEach((name, col) => { readColumn(chunk, col, result.columnTypeId(col), name, rows, base, duckdbCellValue); });
  }
  return rows;
}

/** Each type's extremes, zero and neighbours of 2^53, cast from HUGEINT so no literal is rounded first. */
const EDGES: Readonly<Record<string, readonly string[]>> = {
  TINYINT: ['-128', '127', '0', '-1'],
  UTINYINT: ['0', '255', '1'],
  SMALLINT: ['-32768', '32767', '-2'],
  USMALLINT: ['0', '65535'],
  INTEGER: ['-2147483648', '2147483647', '-7'],
  UINTEGER: ['0', '4294967295', '2147483648'],
  BIGINT: [
    '-9223372036854775808', '9223372036854775807', '9007199254740991', '9007199254740992', '9007199254740993',
    '-9007199254740991', '-9007199254740992', '-9007199254740993', '4294967296', '4294967295', '-4294967296', '-1', '0',
  ],
  UBIGINT: ['0', '18446744073709551615', '9007199254740991', '9007199254740992', '4294967296'],
};

describe('readColumn (fixed-width columns read from vector memory)', () => {
  let instance: DuckDBInstance;
  let conn: DuckDBConnection;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    conn = await instance.connect();
  });
  afterAll(() => {
    conn.closeSync();
    instance.closeSync();
  });

  it('gives what getItem and the shared rules give for every integer width at its edges, NULL included', async () => {
    for (const [type, edges] of Object.entries(EDGES)) {
      const values = [...edges.map((v) => `(${v})::HUGEINT::${type}`), `NULL::${type}`].map((v) => `(${v})`).join(', ');
      const result = await conn.run(`SELECT v FROM (VALUES ${values}) t(v)`);
      const rows = viaReadColumn(result);
      expect(rows, type).toEqual(generic(await conn.run(`SELECT v FROM (VALUES ${values}) t(v)`)));
      expect(rows.at(-1), type).toEqual({ v: null });
    }
    // The exact answers, not just agreement: unsafe integers are exact strings, safe ones numbers.
    const big = viaReadColumn(await conn.run(`SELECT v FROM (VALUES ${EDGES.BIGINT!.map((v) => `((${v})::HUGEINT::BIGINT)`).join(', ')}) t(v)`));
    expect(big.map((r) => r.v)).toEqual([
      '-9223372036854775808', '9223372036854775807', 9007199254740991, '9007199254740992', '9007199254740993',
      -9007199254740991, '-9007199254740992', '-9007199254740993', 4294967296, 4294967295, -4294967296, -1, 0,
    ]);
  });

  it('reads floats, doubles (NaN and infinities as strings) and booleans as the generic path does', async () => {
    const sql = `SELECT d, f, b FROM (VALUES
      (1.5::DOUBLE, 0.1::FLOAT, TRUE), ('NaN'::DOUBLE, 'Infinity'::FLOAT, FALSE), ('-Infinity'::DOUBLE, -2.5::FLOAT, NULL),
      (NULL, NULL, TRUE), (-0.0::DOUBLE, 3.4028235e38::FLOAT, FALSE), (5e-324::DOUBLE, 1e-45::FLOAT, TRUE)) t(d, f, b)`;
    const rows = viaReadColumn(await conn.run(sql));
    expect(rows).toEqual(generic(await conn.run(sql)));
    expect(rows.slice(0, 4)).toEqual([
      { d: 1.5, f: Math.fround(0.1), b: true }, { d: 'NaN', f: 'Infinity', b: false }, { d: '-Infinity', f: -2.5, b: null }, { d: null, f: null, b: true },
    ]);
  });

  it('keeps rows apart over several chunks, with and without NULLs, next to columns read the generic way', async () => {
    // 5,000 rows span three chunks of at most 2,048; `n` has no NULLs (no validity mask), `m` every seventh row NULL.
    const sql = `SELECT i::INTEGER AS n, CASE WHEN i % 7 = 0 THEN NULL ELSE i * 1000000007 END::BIGINT AS m,
      i / 3 AS x, 'r' || i AS label, i % 2 = 0 AS even FROM range(5000) t(i)`;
    const result = await conn.run(sql);
    expect(result.chunkCount).toBeGreaterThan(2);
    const rows = viaReadColumn(result);
    expect(rows).toEqual(generic(await conn.run(sql)));
    expect(rows[4999]).toEqual({ n: 4999, m: 4999 * 1000000007, x: 4999 / 3, label: 'r4999', even: false });
    expect(rows[4998]!.m).toBeNull();
    expect(rows.filter((r) => r.m === null)).toHaveLength(Math.ceil(5000 / 7));
  });
});
