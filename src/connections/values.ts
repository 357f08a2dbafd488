/**
 * Value rules shared by every driver, so DuckDB and PostgreSQL return identical JSON for
 * the same data (see driver.ts):
 *
 * - Integers (any width): a JS number when `Number.isSafeInteger`, else the exact decimal string.
 * - Exact decimals (DECIMAL / NUMERIC): a JS number, as Looker's JSON gives them (averages and
 *   ratios come back from PostgreSQL as long NUMERICs; every JSON client reads them as doubles
 *   anyway). Only when the integer part is beyond 2^53 and a number would change it is the exact
 *   decimal string kept (`12345678901234567.89`). NaN/Infinity stay strings.
 * - Floating point: a JS number; NaN and ±Infinity (not representable in JSON) as strings.
 * - Dates `YYYY-MM-DD`, timestamps `YYYY-MM-DD HH:MM:SS[.fraction]` with the fraction only when
 *   non-zero, zone-aware timestamps rendered in UTC in the same format.
 * - Lists, arrays, structs, maps: JSON text of their converted elements.
 */

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** An integer given as a bigint or a decimal string. */
export function integerValue(value: bigint | string): number | string {
  const big = typeof value === 'bigint' ? value : BigInt(value);
  if (big >= MIN_SAFE && big <= MAX_SAFE) return Number(big);
  return big.toString();
}

/** A floating-point number, with the values JSON cannot hold kept as strings. */
export function floatValue(value: number): number | string {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

const PLAIN_DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/**
 * Canonical spelling of a plain decimal string: no `+`, no leading integer zeros, no trailing
 * fractional zeros, `-0` → `0`. Returns null for anything that is not a plain decimal.
 */
export function canonicalDecimal(text: string): string | null {
  const match = PLAIN_DECIMAL.exec(text.trim());
  if (!match) return null;
  const sign = match[1] ?? '';
  const intPart = (match[2] ?? '').replace(/^0+/, '') || '0';
  const fracPart = (match[3] ?? '').replace(/0+$/, '');
  if (match[2] === '' && (match[3] ?? '') === '') return null;
  const body = fracPart === '' ? intPart : `${intPart}.${fracPart}`;
  return sign === '-' && body !== '0' ? `-${body}` : body;
}

/** Expand JS's exponent notation (`1e-7`, `1.5e+21`) into a plain decimal. */
export function plainNumberString(value: number): string {
  const text = String(value);
  const exp = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!exp) return text;
  const sign = exp[1] ?? '';
  const digits = (exp[2] ?? '') + (exp[3] ?? '');
  const pointAt = (exp[2] ?? '').length + Number(exp[4]);
  if (pointAt <= 0) return `${sign}0.${'0'.repeat(-pointAt)}${digits}`;
  if (pointAt >= digits.length) return `${sign}${digits}${'0'.repeat(pointAt - digits.length)}`;
  return `${sign}${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}

/** An exact decimal as text (`-12.50`): a number, unless that would change its integer part. */
export function decimalValue(text: string): number | string {
  const canonical = canonicalDecimal(text);
  if (canonical === null) return text;
  const num = Number(canonical);
  if (!Number.isFinite(num)) return canonical;
  if (Math.abs(num) <= Number.MAX_SAFE_INTEGER) return num;
  return canonicalDecimal(plainNumberString(num)) === canonical ? num : canonical;
}

/** JSON text of a nested value whose leaves were already converted by the rules above. */
export function nestedValue(value: unknown): string {
  return JSON.stringify(value);
}

/**
 * Parse a PostgreSQL array literal (`{1,2,NULL}`, `{"a b","c\"d"}`, `{{1,2},{3,4}}`) into
 * nested arrays of element strings (or null), for the element parser to convert.
 */
export function parsePgArray(text: string): unknown[] {
  let pos = 0;
  // A lower-bound prefix such as `[0:1]={...}` only says where indexes start; the values follow.
  if (text.startsWith('[')) pos = text.indexOf('=') + 1;

  const parseLevel = (): unknown[] => {
    if (text[pos] !== '{') throw new Error(`Malformed array literal: ${text}`);
    pos++;
    const items: unknown[] = [];
    if (text[pos] === '}') {
      pos++;
      return items;
    }
    for (;;) {
      const ch = text[pos];
      if (ch === '{') {
        items.push(parseLevel());
      } else if (ch === '"') {
        pos++;
        let out = '';
        while (pos < text.length && text[pos] !== '"') {
          if (text[pos] === '\\') pos++;
          out += text[pos] ?? '';
          pos++;
        }
        pos++;
        items.push(out);
      } else {
        let end = pos;
        while (end < text.length && text[end] !== ',' && text[end] !== '}') end++;
        const raw = text.slice(pos, end).trim();
        items.push(raw === 'NULL' ? null : raw);
        pos = end;
      }
      const sep = text[pos];
      pos++;
      if (sep === '}') return items;
      if (sep !== ',') throw new Error(`Malformed array literal: ${text}`);
    }
  };
  return parseLevel();
}
