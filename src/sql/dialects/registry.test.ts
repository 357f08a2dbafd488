/**
 * Registry lookups, plus a registry-driven escaping check (after Malloy's escape.spec.ts):
 * every dialect's string literal and quoted identifier is re-read with that database's
 * lexical rules, and must end exactly where the output ends and decode to the input.
 */
import { describe, expect, it } from 'vitest';
import { HOSTILE_STRINGS } from './exec-cases.ts';
import { dialectNames, getDialect } from './registry.ts';

interface Lexer {
  /** Backslash escapes are active inside this kind of quote. */
  readonly backslash: boolean;
  /** A doubled quote stands for one quote. */
  readonly doubling: boolean;
}

/** How each database reads a quoted token. New dialects must be added here. */
const STRING_LEXERS: Readonly<Record<string, (text: string) => Lexer & { body: string }>> = {
  duckdb: (t) => ({ backslash: false, doubling: true, body: t }),
  trino: (t) => ({ backslash: false, doubling: true, body: t }),
  // E'…' strings process backslashes; plain ones do not (standard_conforming_strings).
  postgres: (t) => (t.startsWith("E'") ? { backslash: true, doubling: true, body: t.slice(1) } : { backslash: false, doubling: true, body: t }),
  bigquery_standard_sql: (t) => ({ backslash: true, doubling: false, body: t }),
  snowflake: (t) => ({ backslash: true, doubling: true, body: t }),
  redshift: (t) => ({ backslash: true, doubling: true, body: t }),
};

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"', '`': '`' };

/** Reads one quoted token from the start of `body`; returns the decoded value and where it ended. */
function readQuoted(body: string, quote: string, lex: Lexer): { value: string; end: number } {
  expect(body[0]).toBe(quote);
  let value = '';
  let i = 1;
  while (i < body.length) {
    const ch = body[i] ?? '';
    if (lex.backslash && ch === '\\') {
      const next = body[i + 1] ?? '';
      if (next === 'x') {
        value += String.fromCharCode(parseInt(body.slice(i + 2, i + 4), 16));
        i += 4;
        continue;
      }
      const simple = SIMPLE_ESCAPES[next];
      if (simple === undefined) throw new Error(`unknown escape \\${next}`);
      value += simple;
      i += 2;
      continue;
    }
    if (ch === quote) {
      if (lex.doubling && body[i + 1] === quote) {
        value += quote;
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += ch;
    i += 1;
  }
  throw new Error('unterminated');
}

/** Deterministic fuzz: strings built from characters that matter to SQL lexers. */
function fuzzStrings(count: number): string[] {
  const alphabet = ["'", '"', '`', '\\', ';', '-', '/', '*', '\n', '\r', '\t', '%', '_', '$', 'E', 'x', 'é', '😀', ' ', '\u0001', '\u007f'];
  let seed = 12345;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    let s = '';
    const len = 1 + (next() % 12);
    for (let k = 0; k < len; k++) s += alphabet[next() % alphabet.length] ?? '';
    out.push(s);
  }
  return out;
}

function hasControlChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 0x20) return true;
  return false;
}

const VALUES = [...HOSTILE_STRINGS, ...fuzzStrings(500)];

describe('registry', () => {
  it('lists the canonical dialect names', () => {
    expect(dialectNames()).toEqual(['bigquery_standard_sql', 'duckdb', 'postgres', 'redshift', 'snowflake', 'trino']);
  });

  it('resolves names and Looker aliases case-insensitively', () => {
    expect(getDialect('duckdb').name).toBe('duckdb');
    expect(getDialect('postgresql').name).toBe('postgres');
    expect(getDialect('PostgreSQL').name).toBe('postgres');
    expect(getDialect('bigquery').name).toBe('bigquery_standard_sql');
    expect(getDialect('bigquery_standard_sql').name).toBe('bigquery_standard_sql');
    expect(getDialect('starburst').name).toBe('trino');
  });

  it('names the known dialects when the name is unknown', () => {
    expect(() => getDialect('mysql')).toThrow(
      'Unknown SQL dialect "mysql"; known dialects: bigquery_standard_sql, duckdb, postgres, redshift, snowflake, trino',
    );
  });

  it('has a label and capability flags on every dialect', () => {
    for (const name of dialectNames()) {
      const d = getDialect(name);
      expect(d.label.length).toBeGreaterThan(0);
      expect(d.supportsSymmetricAggregates && d.supportsTimezones).toBe(true);
    }
  });
});

describe.each(dialectNames())('%s escaping', (name) => {
  const d = getDialect(name);
  const lexer = STRING_LEXERS[name];

  it('has a lexer profile in this test', () => {
    expect(lexer).toBeDefined();
  });

  it('string literals end where the output ends and decode to the input', () => {
    if (!lexer) return;
    for (const value of VALUES) {
      const sql = d.stringLiteral(value);
      const lex = lexer(sql);
      const read = readQuoted(lex.body, "'", lex);
      expect({ value: read.value, rest: lex.body.slice(read.end) }).toEqual({ value, rest: '' });
      if (name === 'bigquery_standard_sql') expect(hasControlChar(sql)).toBe(false);
    }
  });

  it('quoted identifiers end where the output ends and decode to the input', () => {
    const quote = name === 'bigquery_standard_sql' ? '`' : '"';
    const lex: Lexer = name === 'bigquery_standard_sql' ? { backslash: true, doubling: false } : { backslash: false, doubling: true };
    for (const value of VALUES) {
      const sql = d.quoteIdentifier(value);
      const read = readQuoted(sql, quote, lex);
      expect({ value: read.value, rest: sql.slice(read.end) }).toEqual({ value, rest: '' });
    }
  });

  it('LIKE patterns stay inside their literal', () => {
    if (!lexer) return;
    for (const value of VALUES) {
      const sql = d.like('col', value, false);
      expect(sql.startsWith('col LIKE ')).toBe(true);
      const lex = lexer(sql.slice('col LIKE '.length));
      const read = readQuoted(lex.body, "'", lex);
      expect(read.value).toBe(value);
      expect(lex.body.slice(read.end)).toMatch(/^( ESCAPE (E?'\\\\'|'\\'))?$/);
    }
  });

  it('rejects NUL and unpaired surrogates instead of emitting them', () => {
    expect(() => d.stringLiteral('\u0000')).toThrow(/NUL/);
    expect(() => d.stringLiteral('\udc00')).toThrow(/surrogate/);
    expect(() => d.quoteIdentifier('a\u0000')).toThrow(/NUL/);
    expect(() => d.quoteIdentifier('')).toThrow(/empty/);
  });
});
