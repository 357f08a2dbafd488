/**
 * Reading a DuckDB result column into rows. Fixed-width numbers and booleans are read straight
 * from the vector's memory (through `@duckdb/node-bindings`, the C API that `@duckdb/node-api`
 * wraps): the generic `getItem` makes a BigInt per 64-bit integer and tests each row's validity
 * bit with BigInt arithmetic, which costs more than the conversion itself on large results. Every
 * other type goes through `getItem` and the shared value rules.
 *
 * Both ways give the same values (duckdb-columns.test.ts compares them over every type read here).
 */
import duckdb from '@duckdb/node-bindings';
import { DuckDBTypeId } from '@duckdb/node-api';
import type { DuckDBDataChunk, DuckDBValue } from '@duckdb/node-api';
import { floatValue, integerValue } from './values.ts';

type Row = Record<string, unknown>;
type CellValue = (value: DuckDBValue) => unknown;

/** Bytes per item of the types read from memory. */
const WIDTH: ReadonlyMap<DuckDBTypeId, number> = new Map([
  [DuckDBTypeId.BOOLEAN, 1], [DuckDBTypeId.TINYINT, 1], [DuckDBTypeId.UTINYINT, 1],
  [DuckDBTypeId.SMALLINT, 2], [DuckDBTypeId.USMALLINT, 2],
  [DuckDBTypeId.INTEGER, 4], [DuckDBTypeId.UINTEGER, 4], [DuckDBTypeId.FLOAT, 4],
  [DuckDBTypeId.BIGINT, 8], [DuckDBTypeId.UBIGINT, 8], [DuckDBTypeId.DOUBLE, 8],
]);

const TWO_32 = 4294967296;

/** Reads item `i` of a fixed-width vector's memory as a value by the shared rules. */
type Reader = (i: number) => unknown;

function reader(type: DuckDBTypeId, data: Uint8Array, size: number): Reader | null {
  const { buffer, byteOffset } = data;
  const width = WIDTH.get(type);
  // A typed array over the items needs their alignment; DuckDB's vectors have it, but never assume.
  if (width === undefined || byteOffset % width !== 0) return null;
  switch (type) {
    case DuckDBTypeId.BOOLEAN: return (i) => data[i] !== 0;
    case DuckDBTypeId.TINYINT: { const a = new Int8Array(buffer, byteOffset, size); return (i) => a[i]; }
    case DuckDBTypeId.UTINYINT: return (i) => data[i];
    case DuckDBTypeId.SMALLINT: { const a = new Int16Array(buffer, byteOffset, size); return (i) => a[i]; }
    case DuckDBTypeId.USMALLINT: { const a = new Uint16Array(buffer, byteOffset, size); return (i) => a[i]; }
    case DuckDBTypeId.INTEGER: { const a = new Int32Array(buffer, byteOffset, size); return (i) => a[i]; }
    case DuckDBTypeId.UINTEGER: { const a = new Uint32Array(buffer, byteOffset, size); return (i) => a[i]; }
    case DuckDBTypeId.FLOAT: { const a = new Float32Array(buffer, byteOffset, size); return (i) => floatValue(a[i]!); }
    case DuckDBTypeId.DOUBLE: { const a = new Float64Array(buffer, byteOffset, size); return (i) => floatValue(a[i]!); }
    case DuckDBTypeId.BIGINT: {
      // Two 32-bit halves (little-endian, as on every platform DuckDB ships for): exact below 2^53,
      // and any larger magnitude comes out ≥ 2^53, which is not a safe integer, so it is redone exactly.
      const w = new Int32Array(buffer, byteOffset, size * 2);
      return (i) => {
        const v = w[2 * i + 1]! * TWO_32 + (w[2 * i]! >>> 0);
        return Number.isSafeInteger(v) ? v : integerValue(new BigInt64Array(buffer, byteOffset, size)[i]!);
      };
    }
    case DuckDBTypeId.UBIGINT: {
      const w = new Uint32Array(buffer, byteOffset, size * 2);
      return (i) => {
        const v = w[2 * i + 1]! * TWO_32 + w[2 * i]!;
        return Number.isSafeInteger(v) ? v : integerValue(new BigUint64Array(buffer, byteOffset, size)[i]!);
      };
    }
    default: return null;
  }
}

/** The binding's types promise a mask, but it gives null when every row is valid. */
function validityMask(vector: duckdb.Vector, size: number): Uint8Array | null {
  const mask: Uint8Array | null = duckdb.vector_get_validity(vector, Math.ceil(size / 64) * 8);
  return mask;
}

/**
 * Sets column `col` (named `name`, of type `type`) of `chunk` on `rows[base …]`, one row per item.
 * `cell` converts a value for the types not read from memory.
 */
export function readColumn(chunk: DuckDBDataChunk, col: number, type: DuckDBTypeId, name: string, rows: Row[], base: number, cell: CellValue): void {
  const size = chunk.rowCount;
  const width = WIDTH.get(type);
  const vector = width === undefined ? null : duckdb.data_chunk_get_vector(chunk.chunk, col);
  const read = vector === null || width === undefined ? null : reader(type, duckdb.vector_get_data(vector, size * width), size);
  if (vector === null || read === null) {
    const values = chunk.getColumnVector(col);
    for (let r = 0; r < size; r++) rows[base + r]![name] = cell(values.getItem(r));
    return;
  }
  // The mask is 64-bit words of little-endian bits, so byte r >> 3 holds row r's bit.
  const mask = validityMask(vector, size);
  if (mask === null) {
    for (let r = 0; r < size; r++) rows[base + r]![name] = read(r);
    return;
  }
  for (let r = 0; r < size; r++) rows[base + r]![name] = (mask[r >> 3]! & (1 << (r & 7))) === 0 ? null : read(r);
}
