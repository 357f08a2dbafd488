/**
 * Character-level scanning for LookML: a cursor over the source with line tracking and
 * the primitive scans the parser needs (trivia, keys, bare scalars, strings, `;;` bodies).
 *
 * Everything works on char codes and `indexOf` hops, and values are sliced from the
 * source rather than built char by char: large generated projects have multi-megabyte
 * view files, and the loader must stay an order of magnitude faster than `lookml-parser`.
 */
import type { Loc } from './ast.ts';
import { internId, wordAt, wordHash } from './intern.ts';

export const TAB = 9;
export const LF = 10;
export const CR = 13;
export const SPACE = 32;
export const QUOTE = 34;
export const HASH = 35;
export const STAR = 42;
export const PLUS = 43;
export const COMMA = 44;
export const MINUS = 45;
export const DOT = 46;
export const SLASH = 47;
export const COLON = 58;
export const SEMI = 59;
export const AT = 64;
export const LBRACKET = 91;
export const BACKSLASH = 92;
export const RBRACKET = 93;
export const UNDERSCORE = 95;
export const LBRACE = 123;
export const RBRACE = 125;
export const PERCENT = 37;
export const NBSP = 0xa0;
export const BOM = 0xfeff;

const IDENT_START = 1;
const IDENT_PART = 2;
const BARE = 4;
const NAME = 8;

/** ASCII classes; every code point ≥ 128 (except NBSP/BOM) counts as a bare character. */
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === UNDERSCORE;
  const digit = c >= 48 && c <= 57;
  let f = 0;
  if (letter) f |= IDENT_START;
  if (letter || digit) f |= IDENT_PART | BARE | NAME;
  if (c === DOT || c === PLUS) f |= BARE | NAME;
  if (c === STAR || c === MINUS || c === SLASH) f |= BARE;
  CLASS[c] = f;
}

export function isIdentStart(c: number): boolean {
  return c < 128 && (CLASS[c]! & IDENT_START) !== 0;
}

export function isIdentPart(c: number): boolean {
  return c < 128 && (CLASS[c]! & IDENT_PART) !== 0;
}

export function isBareChar(c: number): boolean {
  // `c > 127` rather than `else`: charCodeAt past the end is NaN, which must not count.
  return c < 128 ? (CLASS[c]! & BARE) !== 0 : c > 127 && c !== NBSP && c !== BOM;
}

function isNameChar(c: number): boolean {
  return c < 128 && (CLASS[c]! & NAME) !== 0;
}

function isInlineSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === CR;
}

/** Keys whose value is raw text up to `;;` rather than a LookML value. */
export function isSqlKey(key: string): boolean {
  return key.startsWith('sql') || key === 'html' || key === 'expression';
}

function isSqlKeyAt(src: string, start: number, end: number): boolean {
  const n = end - start;
  if (n >= 3 && src.startsWith('sql', start)) return true;
  return (n === 4 && src.startsWith('html', start)) || (n === 10 && src.startsWith('expression', start));
}

/**
 * The text of a string between its quotes. Only `\"`, `\\` and `\n` are escapes; any other
 * backslash is kept as written (regexes, Liquid). `hasBackslash` spares a search on the
 * common escape-free path.
 */
export function decodeString(src: string, start: number, end: number, hasBackslash: boolean): string {
  if (!hasBackslash) return normalizeNewlines(src.slice(start, end));
  const parts: string[] = [];
  let chunk = start;
  for (let i = start; i < end - 1; i++) {
    if (src.charCodeAt(i) !== BACKSLASH) continue;
    const next = src.charCodeAt(i + 1);
    if (next === QUOTE || next === BACKSLASH || next === 110 /* n */) {
      parts.push(src.slice(chunk, i), next === 110 ? '\n' : next === QUOTE ? '"' : '\\');
      chunk = i + 2;
    }
    i++;
  }
  parts.push(src.slice(chunk, end));
  return normalizeNewlines(parts.join(''));
}

/** CRLF checkouts must not change SQL or labels: values always use `\n`. */
export function normalizeNewlines(s: string): string {
  return s.includes('\r') ? s.replace(/\r\n/g, '\n') : s;
}

export interface ScanState {
  pos: number;
  line: number;
  lineStart: number;
}

/** ECMAScript white space and line terminators: what `String.prototype.trim` removes. */
function isTrimmed(c: number): boolean {
  if (c <= SPACE) return c === SPACE || (c >= TAB && c <= CR);
  if (c < NBSP) return false;
  return c === NBSP || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029
    || c === 0x202f || c === 0x205f || c === 0x3000 || c === BOM;
}

/** `src.slice(start, end).trim()`, without making the untrimmed copy. */
function trimmedSlice(src: string, start: number, end: number): string {
  let s = start;
  let e = end;
  while (s < e && isTrimmed(src.charCodeAt(s))) s++;
  while (e > s && isTrimmed(src.charCodeAt(e - 1))) e--;
  return src.slice(s, e);
}

export class Scanner {
  readonly src: string;
  readonly file: string;
  readonly len: number;
  pos: number;
  line = 1;
  lineStart: number;
  /** The shared-word slot of the last identifier or bare word scanned (see intern.ts), or -1. */
  wordId = -1;
  /** Whether the last bare word scanned contains a `@{CONSTANT}`. */
  wordHasConstant = false;
  /** Whether the last `scanString` found the closing quote (else the value was cut at the end of its first line). */
  stringClosed = true;
  /** Where the last `scanSql` value starts (its first non-blank character, or `;;` when empty). */
  sqlLine = 0;
  sqlColumn = 0;
  /** Whether the last `scanSql` value ended with `;;`. */
  sqlTerminated = true;
  /** Memo for `nextDoubleSemi`: the last search start and its result. */
  private semiFrom = -1;
  private semiAt = -1;

  constructor(src: string, file: string) {
    this.src = src;
    this.file = file;
    this.len = src.length;
    // A BOM is not part of column 1.
    this.pos = src.charCodeAt(0) === BOM ? 1 : 0;
    this.lineStart = this.pos;
  }

  get eof(): boolean {
    return this.pos >= this.len;
  }

  peek(): number {
    return this.src.charCodeAt(this.pos);
  }

  loc(): Loc {
    return { file: this.file, line: this.line, column: this.pos - this.lineStart + 1 };
  }

  /** 1-based column of the cursor. */
  column(): number {
    return this.pos - this.lineStart + 1;
  }

  save(): ScanState {
    return { pos: this.pos, line: this.line, lineStart: this.lineStart };
  }

  restore(s: ScanState): void {
    this.pos = s.pos;
    this.line = s.line;
    this.lineStart = s.lineStart;
  }

  /** Moves forward to `end`, counting the line breaks on the way. */
  advanceTo(end: number): void {
    const src = this.src;
    let nl = src.indexOf('\n', this.pos);
    while (nl >= 0 && nl < end) {
      this.line++;
      this.lineStart = nl + 1;
      nl = src.indexOf('\n', nl + 1);
    }
    this.pos = end;
  }

  /**
   * Offset of the next `;;` at or after `p`, or -1. Memoised so that many unterminated SQL
   * values in one file do not each search to the end of the file.
   */
  nextDoubleSemi(p: number): number {
    if (this.semiFrom >= 0 && p >= this.semiFrom && (this.semiAt < 0 || p <= this.semiAt)) return this.semiAt;
    this.semiFrom = p;
    this.semiAt = this.src.indexOf(';;', p);
    return this.semiAt;
  }

  /** Whitespace, line breaks and `#` comments. */
  skipTrivia(): void {
    const src = this.src;
    const len = this.len;
    let p = this.pos;
    while (p < len) {
      const c = src.charCodeAt(p);
      if (c === SPACE || c === TAB || c === CR || c === NBSP || c === BOM) {
        p++;
      } else if (c === LF) {
        p++;
        this.line++;
        this.lineStart = p;
      } else if (c === HASH) {
        const nl = src.indexOf('\n', p);
        p = nl < 0 ? len : nl;
      } else {
        break;
      }
    }
    this.pos = p;
  }

  /** Spaces and tabs on the current line (no comments, no line breaks). */
  skipInlineSpace(): void {
    const src = this.src;
    let p = this.pos;
    while (p < this.len && isInlineSpace(src.charCodeAt(p))) p++;
    this.pos = p;
  }

  /** `[A-Za-z_][A-Za-z0-9_]*` at the cursor; the caller checked the first char. */
  scanIdentifier(): string {
    const src = this.src;
    const len = this.len;
    const start = this.pos;
    // Hashed on the way, for `internId`.
    let h = wordHash(0, src.charCodeAt(start));
    let p = start + 1;
    while (p < len) {
      const c = src.charCodeAt(p);
      if (!isIdentPart(c)) break;
      h = wordHash(h, c);
      p++;
    }
    this.pos = p;
    const id = internId(src, start, p, h);
    this.wordId = id;
    return id < 0 ? src.slice(start, p) : wordAt(id);
  }

  /** Whether a bare scalar can start at the cursor. */
  atBareStart(): boolean {
    const c = this.peek();
    return isBareChar(c) || (c === AT && this.src.charCodeAt(this.pos + 1) === LBRACE);
  }

  /** Identifiers, numbers, `orders.id`, `set*`, `-view.field`, `+refined`, `@{CONSTANT}` pieces. */
  scanBare(): string {
    const src = this.src;
    const len = this.len;
    const start = this.pos;
    let p = start;
    let h = 0;
    let constant = false;
    while (p < len) {
      const c = src.charCodeAt(p);
      if (isBareChar(c)) {
        h = wordHash(h, c);
        p++;
      } else if (c === AT && src.charCodeAt(p + 1) === LBRACE) {
        let close = p + 2;
        while (close < len && isIdentPart(src.charCodeAt(close))) close++;
        if (src.charCodeAt(close) !== RBRACE) break;
        p = close + 1;
        constant = true;
      } else {
        break;
      }
    }
    this.pos = p;
    // Words with constants are rewritten by the model stage anyway: not worth sharing.
    const id = constant ? -1 : internId(src, start, p, h);
    this.wordId = id;
    this.wordHasConstant = constant;
    return id < 0 ? src.slice(start, p) : wordAt(id);
  }

  /**
   * A quoted string at the cursor, decoded (see `stringClosed`). Strings may span lines, so a forgotten closing quote
   * would swallow the rest of the file; when the text past the first line looks like
   * LookML again (see `looksLikePairLine`) or the string never ends, it is cut at the
   * end of its first line instead and reported as not closed.
   */
  scanString(): string {
    const src = this.src;
    const len = this.len;
    // The opening position, kept in locals rather than a `save()` object: strings are hot.
    const openPos = this.pos;
    const openLine = this.line;
    const openLineStart = this.lineStart;
    const start = openPos + 1;
    let p = start;
    let escapes = false;
    while (p < len) {
      const c = src.charCodeAt(p);
      if (c === QUOTE) {
        if (this.line > openLine && this.keyPrefixBefore(p)) break;
        this.pos = p + 1;
        this.stringClosed = true;
        return decodeString(src, start, p, escapes);
      }
      if (c === BACKSLASH) {
        escapes = true;
        p += 2;
        if (src.charCodeAt(p - 1) === LF) {
          this.line++;
          this.lineStart = p;
        }
        continue;
      }
      p++;
      if (c === LF) {
        this.line++;
        this.lineStart = p;
        if (this.looksLikePairLine(p)) break;
      }
    }
    // Not closed: keep the first line only, minus a trailing ` }` that closes the block.
    this.pos = openPos;
    this.line = openLine;
    this.lineStart = openLineStart;
    const firstNl = src.indexOf('\n', start);
    let end = firstNl < 0 ? len : firstNl;
    for (;;) {
      while (end > start && isInlineSpace(src.charCodeAt(end - 1))) end--;
      if (end - 1 > start && src.charCodeAt(end - 1) === RBRACE && isInlineSpace(src.charCodeAt(end - 2))) end--;
      else break;
    }
    this.pos = end;
    this.stringClosed = false;
    return decodeString(src, start, end, true);
  }

  /**
   * The value of a `sql…:`/`html:`/`expression:` key (raw text up to `;;`, trimmed, CRLF
   * normalised), cursor just after the colon; `sqlLine`, `sqlColumn` and `sqlTerminated`
   * tell the rest. A value that is only a quoted string (`html: "<b>x</b>"`) is returned
   * as `null` with the cursor untouched, so the caller reads it as a string.
   */
  scanSql(): string | null {
    const src = this.src;
    const len = this.len;
    // Leading blanks (not comments: `#` and `--` belong to the SQL).
    let p = this.pos;
    for (;;) {
      const c = src.charCodeAt(p);
      if (c === LF) {
        this.line++;
        this.lineStart = p + 1;
      } else if (!(isInlineSpace(c) || c === NBSP)) break;
      p++;
    }
    this.pos = p;
    if (src.charCodeAt(p) === QUOTE && this.isLoneString(p)) return null;
    const startLine = this.line;
    const startLineStart = this.lineStart;
    const start = p;
    let end = this.nextDoubleSemi(p);
    let cut = -1;
    let nl = src.indexOf('\n', p);
    while (nl >= 0 && (end < 0 || nl < end)) {
      if (this.looksLikePairLine(nl + 1)) {
        cut = nl + 1;
        break;
      }
      nl = src.indexOf('\n', nl + 1);
    }
    if (cut < 0 && end >= 0) {
      const value = normalizeNewlines(trimmedSlice(src, start, end));
      this.advanceTo(end);
      // An empty value is located at its `;;`.
      this.sqlLine = value === '' ? this.line : startLine;
      this.sqlColumn = value === '' ? end - this.lineStart + 1 : start - startLineStart + 1;
      this.sqlTerminated = true;
      this.advanceTo(end + 2);
      return value;
    }
    // No `;;` before LookML resumes (or before EOF): stop before the closing braces too.
    end = this.backOffClosingLines(cut < 0 ? len : cut, start);
    this.advanceTo(end);
    this.sqlLine = startLine;
    this.sqlColumn = start - startLineStart + 1;
    this.sqlTerminated = false;
    return normalizeNewlines(trimmedSlice(src, start, end));
  }

  /**
   * `"…"` followed (after blanks on the same line) by a line end, `}`, `#` or EOF — and not
   * by `;;` on a later line. Anything else (`"schema"."table" ;;`) is SQL that starts with a quote.
   */
  private isLoneString(open: number): boolean {
    const src = this.src;
    const len = this.len;
    let p = open + 1;
    while (p < len) {
      const c = src.charCodeAt(p);
      if (c === BACKSLASH) p += 2;
      else if (c === QUOTE) break;
      else p++;
    }
    if (p >= len) return false;
    p++;
    while (p < len && isInlineSpace(src.charCodeAt(p))) p++;
    if (p >= len) return true;
    const c = src.charCodeAt(p);
    if (c === RBRACE || c === HASH) return true;
    if (c !== LF) return false;
    while (p < len) {
      const d = src.charCodeAt(p);
      if (d !== LF && !isInlineSpace(d)) break;
      p++;
    }
    return !(src.charCodeAt(p) === SEMI && src.charCodeAt(p + 1) === SEMI);
  }

  /** Moves `end` back over whole lines that are blank or only `}` (never before `floor`'s line). */
  private backOffClosingLines(end: number, floor: number): number {
    const src = this.src;
    let e = end;
    for (;;) {
      const lineEnd = e > 0 && src.charCodeAt(e - 1) === LF ? e - 1 : e;
      const s = src.lastIndexOf('\n', lineEnd - 1) + 1;
      if (s <= floor || lineEnd <= floor) return e;
      for (let i = s; i < lineEnd; i++) {
        const c = src.charCodeAt(i);
        if (c !== RBRACE && !isInlineSpace(c)) return e;
      }
      e = s;
    }
  }

  /**
   * Whether the line starting at `p` looks like LookML rather than SQL/text: a block opener
   * `key: name {` (not Liquid `{{`/`{%`) or another `sql…:`/`html:`/`expression:` key.
   * Used only to recover from a missing `;;` or closing quote.
   */
  looksLikePairLine(p: number): boolean {
    const src = this.src;
    const len = this.len;
    while (p < len && isInlineSpace(src.charCodeAt(p))) p++;
    if (!isIdentStart(src.charCodeAt(p))) return false;
    const keyStart = p;
    p++;
    while (p < len && isIdentPart(src.charCodeAt(p))) p++;
    const keyEnd = p;
    while (p < len && isInlineSpace(src.charCodeAt(p))) p++;
    if (src.charCodeAt(p) !== COLON) return false;
    p++;
    const after = src.charCodeAt(p);
    if (isSqlKeyAt(src, keyStart, keyEnd)) return p >= len || after === SPACE || after === TAB || after === LF || after === CR;
    if (after !== SPACE && after !== TAB) return false;
    while (p < len && isInlineSpace(src.charCodeAt(p))) p++;
    const nameStart = p;
    while (p < len && isNameChar(src.charCodeAt(p))) p++;
    if (p === nameStart) return false;
    while (p < len && isInlineSpace(src.charCodeAt(p))) p++;
    if (src.charCodeAt(p) !== LBRACE) return false;
    const next = src.charCodeAt(p + 1);
    return next !== LBRACE && next !== PERCENT;
  }

  /** Whether the text between the current line start and `quote` is just `key:` (a value's opening quote). */
  private keyPrefixBefore(quote: number): boolean {
    const src = this.src;
    let p = this.lineStart;
    while (p < quote && isInlineSpace(src.charCodeAt(p))) p++;
    if (!isIdentStart(src.charCodeAt(p))) return false;
    p++;
    while (p < quote && isIdentPart(src.charCodeAt(p))) p++;
    while (p < quote && isInlineSpace(src.charCodeAt(p))) p++;
    if (src.charCodeAt(p) !== COLON) return false;
    p++;
    while (p < quote && isInlineSpace(src.charCodeAt(p))) p++;
    return p === quote;
  }

  /**
   * Error recovery: skips to the next `identifier:` that starts a line at the current
   * nesting level, or to the `}` closing the current block (not consumed), or EOF.
   * Strings, comments and `;;` bodies are skipped whole so their braces do not count.
   */
  skipToResyncPoint(): void {
    const src = this.src;
    const len = this.len;
    let depth = 0;
    let atLineStart = false;
    while (this.pos < len) {
      const p = this.pos;
      const c = src.charCodeAt(p);
      if (c === LF) {
        this.pos++;
        this.line++;
        this.lineStart = this.pos;
        atLineStart = true;
        continue;
      }
      if (isInlineSpace(c)) {
        this.pos++;
        continue;
      }
      if (c === HASH) {
        const nl = src.indexOf('\n', p);
        this.pos = nl < 0 ? len : nl;
        continue;
      }
      const lineStartHere = atLineStart;
      atLineStart = false;
      if (c === QUOTE) {
        this.skipRawString();
      } else if (c === LBRACE) {
        depth++;
        this.pos++;
      } else if (c === RBRACE) {
        if (depth === 0) return;
        depth--;
        this.pos++;
      } else if (isIdentStart(c)) {
        const state = this.save();
        const key = this.scanIdentifier();
        this.skipInlineSpace();
        if (this.peek() === COLON) {
          if (lineStartHere && depth === 0) {
            this.restore(state);
            return;
          }
          this.pos++;
          if (isSqlKey(key)) {
            const end = this.nextDoubleSemi(this.pos);
            this.advanceTo(end < 0 ? len : end + 2);
          }
        }
      } else {
        this.pos++;
      }
    }
  }

  /** Skips a bracketed region (cursor on `open`) up to its matching `close`, strings and comments whole. */
  skipBalanced(open: number, close: number): void {
    const src = this.src;
    const len = this.len;
    let depth = 0;
    while (this.pos < len) {
      const c = src.charCodeAt(this.pos);
      if (c === QUOTE) {
        this.skipRawString();
        continue;
      }
      if (c === HASH) {
        const nl = src.indexOf('\n', this.pos);
        this.pos = nl < 0 ? len : nl;
        continue;
      }
      this.pos++;
      if (c === LF) {
        this.line++;
        this.lineStart = this.pos;
      } else if (c === open) {
        depth++;
      } else if (c === close) {
        depth--;
        if (depth === 0) return;
      }
    }
  }

  private skipRawString(): void {
    const src = this.src;
    let p = this.pos + 1;
    while (p < this.len) {
      const c = src.charCodeAt(p);
      if (c === QUOTE) {
        p++;
        break;
      }
      p += c === BACKSLASH ? 2 : 1;
    }
    this.advanceTo(Math.min(p, this.len));
  }

  /** Short text of the token at the cursor, for messages. */
  describeToken(): string {
    const src = this.src;
    const p = this.pos;
    if (p >= this.len) return 'end of file';
    const c = src.charCodeAt(p);
    if (c === SEMI && src.charCodeAt(p + 1) === SEMI) return "';;'";
    if (c === QUOTE) {
      let e = p + 1;
      while (e < this.len && e < p + 30) {
        const d = src.charCodeAt(e);
        if (d === LF) break;
        e++;
        if (d === QUOTE) break;
      }
      return `'${src.slice(p, e)}'`;
    }
    if (isBareChar(c)) {
      let e = p + 1;
      while (e < this.len && e < p + 30 && isBareChar(src.charCodeAt(e))) e++;
      return `'${src.slice(p, e)}'`;
    }
    const cp = src.codePointAt(p) ?? c;
    return `'${String.fromCodePoint(cp)}'`;
  }
}
