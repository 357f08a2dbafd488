/**
 * Tokens of a Looker expression, each with its character range. Anything the language
 * does not define (single quotes, `;`, `==`, control characters…) is rejected here, at its
 * position, so nothing unexpected can travel further toward SQL.
 */
import { QueryError } from '../errors.ts';

export type TokenKind = 'number' | 'string' | 'filter' | 'field' | 'ident' | 'op' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Numbers and operators as written; strings/filters unescaped; fields `view.field`; identifiers as written. */
  readonly text: string;
  readonly pos: number;
  readonly end: number;
}

/** `Invalid <label> at character N: problem` with the 0-based offset kept on the error. */
export function expressionError(label: string, pos: number, problem: string, field?: string): QueryError {
  return new QueryError('query/bad-expression', `Invalid ${label} at character ${pos + 1}: ${problem}`, field, pos);
}

const OPERATORS = ['<=', '>=', '!=', '<>', '(', ')', ',', '+', '-', '*', '/', '=', '<', '>'] as const;
const NUMBER = /\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?/y;
const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/;

function isControl(code: number): boolean {
  return (code < 32 && code !== 9 && code !== 10 && code !== 13) || code === 0x7f;
}

export function tokenize(text: string, label: string): Token[] {
  const tokens: Token[] = [];
  const fail = (pos: number, problem: string): never => {
    throw expressionError(label, pos, problem);
  };
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isControl(code)) fail(i, `control character U+${code.toString(16).toUpperCase().padStart(4, '0')} is not allowed`);
    // codePointAt yields a surrogate value only when it is not part of a well-formed pair.
    const cp = text.codePointAt(i) ?? 0;
    if (cp >= 0xd800 && cp <= 0xdfff) fail(i, 'unpaired UTF-16 surrogate (text cannot be stored in SQL)');
    if (cp > 0xffff) i++;
  }

  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    // Looker expressions allow `#` comments to the end of the line.
    if (ch === '#') {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? text.length : nl + 1;
      continue;
    }
    const start = i;
    if (ch === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) fail(start, 'unterminated string (missing closing ")');
        const c = text[i]!;
        if (c === '"') break;
        if (c === '\\') {
          if (i + 1 >= text.length) fail(start, 'unterminated string (missing closing ")');
          value += text[i + 1]!;
          i += 2;
          continue;
        }
        value += c;
        i++;
      }
      tokens.push({ kind: 'string', text: value, pos: start, end: i + 1 });
      i++;
      continue;
    }
    if (ch === '`') {
      const close = text.indexOf('`', i + 1);
      if (close === -1) fail(start, 'unterminated filter expression (missing closing `)');
      tokens.push({ kind: 'filter', text: text.slice(i + 1, close), pos: start, end: close + 1 });
      i = close + 1;
      continue;
    }
    if (ch === '$') {
      if (text[i + 1] !== '{') fail(start, "'$' must start a field reference like ${view.field}");
      const close = text.indexOf('}', i + 2);
      if (close === -1) fail(start, 'unterminated field reference (missing closing })');
      const name = text.slice(i + 2, close).trim();
      if (name.includes(':')) fail(start, `\${${name}}: totals and other field modifiers are only available in table calculations`);
      if (!FIELD_NAME.test(name)) fail(start, `\${${name}} is not a field reference; use \${view_name.field_name}`);
      tokens.push({ kind: 'field', text: name, pos: start, end: close + 1 });
      i = close + 1;
      continue;
    }
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(text);
    if (num) {
      i += num[0].length;
      if (i < text.length && /[A-Za-z_.]/.test(text[i]!)) fail(start, `malformed number '${text.slice(start, i + 1)}'`);
      tokens.push({ kind: 'number', text: num[0], pos: start, end: i });
      continue;
    }
    IDENT.lastIndex = i;
    const id = IDENT.exec(text);
    if (id) {
      i += id[0].length;
      tokens.push({ kind: 'ident', text: id[0], pos: start, end: i });
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      if (op === '=' && text[i + 1] === '=') fail(start, "'==' is not an operator; use '=' to compare");
      i += op.length;
      tokens.push({ kind: 'op', text: op === '<>' ? '!=' : op, pos: start, end: i });
      continue;
    }
    if (ch === "'") fail(start, 'strings use double quotes ("text"), not single quotes');
    fail(start, `unexpected character '${String.fromCodePoint(text.codePointAt(i) ?? 0)}'`);
  }
  tokens.push({ kind: 'eof', text: '', pos: text.length, end: text.length });
  return tokens;
}
