/**
 * Recursive-descent parser for the generic LookML grammar (see ast.ts).
 *
 * One pass, no backtracking beyond a single saved position when a bare word turns out to
 * be the next key. The tree is written to a tape (tape.ts) as it is read. Errors never throw: each is recorded as a diagnostic and the parser
 * resynchronises (next `key:` at the start of a line at the same nesting level, or the
 * enclosing `}`), so one broken field does not hide the rest of the file.
 */
import type { Diagnostic, Loc, LookmlFile, PairNode } from './ast.ts';
import {
  COLON,
  COMMA,
  HASH,
  LBRACE,
  LBRACKET,
  LF,
  QUOTE,
  RBRACE,
  RBRACKET,
  Scanner,
  isIdentStart,
  isSqlKey,
} from './lexer.ts';
import { BARE, BLOCK, LIST, SQL, STRING, TapeWriter, materialize, registerTape } from './tape.ts';

/** Deeper nesting is certainly not LookML; the limit keeps hostile input from overflowing the stack. */
const MAX_DEPTH = 64;

/** Stable diagnostic codes produced by the LookML parser. */
export const LookmlCodes = {
  unexpectedToken: 'lookml/unexpected-token',
  unterminatedString: 'lookml/unterminated-string',
  unterminatedSql: 'lookml/unterminated-sql',
  unclosedBlock: 'lookml/unclosed-block',
  unclosedList: 'lookml/unclosed-list',
  unexpectedClose: 'lookml/unexpected-close',
  missingColon: 'lookml/missing-colon',
  missingValue: 'lookml/missing-value',
  missingComma: 'lookml/missing-comma',
  blockInList: 'lookml/block-in-list',
  quotedBlockName: 'lookml/quoted-block-name',
  tooDeep: 'lookml/too-deep',
  legacyYaml: 'lookml/legacy-yaml',
} as const;

/** How messages name a block: `dimension: id`, or just `derived_table`. */
function blockLabel(key: string, name: string | undefined): string {
  return name === undefined ? key : `${key}: ${name}`;
}

export function parseLookml(text: string, path: string): LookmlFile {
  if (isLegacyYamlPath(path)) {
    const name = path.slice(path.lastIndexOf('/') + 1);
    return {
      path,
      pairs: [],
      diagnostics: [
        {
          code: LookmlCodes.legacyYaml,
          severity: 'error',
          message: `'${name}' is legacy YAML LookML, which Looker no longer supports: rewrite it as LookML in a .lkml file (e.g. ${name.replace(/\.lookml$/i, '.lkml')})`,
          file: path,
          line: 1,
          column: 1,
        },
      ],
    };
  }
  const parser = new Parser(text, path);
  parser.parseFile();
  const tape = parser.w.finish(path);
  let pairs: readonly PairNode[] | undefined;
  const file: LookmlFile = {
    path,
    // The object form is made on first read; the model stage reads the tape itself.
    get pairs(): readonly PairNode[] {
      return (pairs ??= materialize(tape));
    },
    diagnostics: parser.diagnostics,
  };
  registerTape(file, tape);
  return file;
}

/** `*.view.lookml`, `*.model.lookml` (any `.lookml` except YAML dashboards, which are still valid). */
export function isLegacyYamlPath(path: string): boolean {
  const lower = path.toLowerCase();
  return lower.endsWith('.lookml') && !lower.endsWith('.dashboard.lookml');
}

/** Whether a scalar's text uses a constant, which the model stage substitutes. */
function hasConstant(text: string): boolean {
  return text.includes('@{');
}

class Parser {
  readonly diagnostics: Diagnostic[] = [];
  readonly w = new TapeWriter();
  private readonly s: Scanner;
  private readonly file: string;
  /**
   * Blocks closed by a `}` on a later line that sits in the column of an enclosing block's
   * key rather than their own. When that enclosing block then reaches EOF unclosed, the
   * missing brace most likely belongs to the inner one.
   */
  private readonly misindented: { label: string; line: number; column: number; offset: number }[] = [];
  /** Key columns of the blocks being read, outermost first. */
  private readonly openColumns: number[] = [];

  constructor(text: string, path: string) {
    this.s = new Scanner(text, path);
    this.file = path;
  }

  parseFile(): void {
    const s = this.s;
    for (;;) {
      s.skipTrivia();
      if (s.eof) return;
      if (s.peek() === RBRACE) {
        this.error(LookmlCodes.unexpectedClose, "Unexpected '}': no block is open here; remove it", s.loc());
        s.pos++;
        continue;
      }
      this.parsePair(0);
    }
  }

  private error(code: string, message: string, loc: Loc): void {
    this.errorAt(code, message, loc.line, loc.column);
  }

  private errorAt(code: string, message: string, line: number, column: number): void {
    this.diagnostics.push({ code, severity: 'error', message, file: this.file, line, column });
  }

  private parsePair(depth: number): void {
    const s = this.s;
    const start = s.pos;
    if (!this.pairBody(depth)) s.skipToResyncPoint();
    // Callers only get here on a non-blank, non-`}` character: always make progress.
    if (s.pos === start) s.pos++;
  }

  /**
   * Reads one pair onto the tape; false when the input is too broken to go on without
   * resynchronising (nothing is written then).
   */
  private pairBody(depth: number): boolean {
    const s = this.s;
    if (!isIdentStart(s.peek())) {
      const where = depth > 0 ? " or a closing '}'" : '';
      this.error(LookmlCodes.unexpectedToken, `Unexpected ${s.describeToken()}: expected a key such as 'dimension:'${where}`, s.loc());
      return false;
    }
    const line = s.line;
    const column = s.column();
    const keyStart = s.pos;
    const key = s.scanIdentifier();
    const keyWord = s.wordId;
    if (s.atBareStart()) {
      s.pos = keyStart;
      this.errorAt(LookmlCodes.unexpectedToken, `Invalid key ${s.describeToken()}: keys are made of letters, digits and '_'`, line, column);
      return false;
    }
    s.skipInlineSpace();
    const c = s.peek();
    let missingColon = false;
    if (c === COLON) {
      s.pos++;
    } else {
      this.errorAt(LookmlCodes.missingColon, `Expected ':' after '${key}'`, line, column);
      // With a value on the same line, read on as if the colon were there.
      if (s.eof || c === LF || c === HASH || c === RBRACE) return true;
      missingColon = true;
    }
    return this.parseValue(key, keyWord, line, column, depth, missingColon);
  }

  /** The value of `key` (shared word `keyWord`, at `line`:`column`), cursor after the colon. */
  private parseValue(key: string, keyWord: number, line: number, column: number, depth: number, missingColon: boolean): boolean {
    const s = this.s;
    const w = this.w;
    if (isSqlKey(key)) {
      const sql = s.scanSql();
      if (sql !== null) {
        if (!s.sqlTerminated) {
          this.errorAt(LookmlCodes.unterminatedSql, `SQL block for '${key}' not terminated with ';;': add ';;' after the SQL`, line, column);
        }
        w.pair(key, keyWord, line, column, undefined, -1, 0, 0);
        w.scalar(SQL, sql, -1, s.sqlLine, s.sqlColumn, hasConstant(sql));
        return true;
      }
      // `html: "<b>x</b>"`: a plain string, read below.
    }
    s.skipTrivia();
    const c = s.peek();
    if (c === LBRACE) {
      w.pair(key, keyWord, line, column, undefined, -1, 0, 0);
      this.block(key, undefined, line, column, depth);
      return true;
    }
    if (c === LBRACKET) {
      w.pair(key, keyWord, line, column, undefined, -1, 0, 0);
      this.list(depth);
      return true;
    }
    if (c === QUOTE) {
      const vLine = s.line;
      const vColumn = s.column();
      const value = this.string(vLine, vColumn);
      s.skipTrivia();
      if (s.peek() === LBRACE) {
        this.errorAt(LookmlCodes.quotedBlockName, `Block names are not quoted: write ${key}: ${value} {`, vLine, vColumn);
        w.pair(key, keyWord, line, column, value, -1, vLine, vColumn);
        this.block(key, value, line, column, depth);
      } else {
        w.pair(key, keyWord, line, column, undefined, -1, 0, 0);
        w.scalar(STRING, value, -1, vLine, vColumn, hasConstant(value));
      }
      return true;
    }
    if (s.atBareStart()) {
      const vLine = s.line;
      const vColumn = s.column();
      const before = s.pos;
      const lineStart = s.lineStart;
      const value = s.scanBare();
      const valueWord = s.wordId;
      const constant = s.wordHasConstant;
      s.skipTrivia();
      const next = s.peek();
      if (next === LBRACE) {
        w.pair(key, keyWord, line, column, value, valueWord, vLine, vColumn);
        this.block(key, value, line, column, depth);
      } else if (next === COLON) {
        // `label:` with nothing after it: the word is the next key.
        s.pos = before;
        s.line = vLine;
        s.lineStart = lineStart;
        if (!missingColon) this.errorAt(LookmlCodes.missingValue, `Expected a value after '${key}:'`, line, column);
      } else {
        w.pair(key, keyWord, line, column, undefined, -1, 0, 0);
        w.scalar(BARE, value, valueWord, vLine, vColumn, constant);
      }
      return true;
    }
    if (s.eof || c === RBRACE) {
      if (!missingColon) this.errorAt(LookmlCodes.missingValue, `Expected a value after '${key}:'`, line, column);
      return true;
    }
    this.error(LookmlCodes.unexpectedToken, `Unexpected ${s.describeToken()} after '${key}:': expected a value`, s.loc());
    return false;
  }

  /** The quoted string at the cursor, which is at `line`:`column`. */
  private string(line: number, column: number): string {
    const value = this.s.scanString();
    if (!this.s.stringClosed) this.errorAt(LookmlCodes.unterminatedString, 'String not closed: add a closing "', line, column);
    return value;
  }

  /** `{ … }` at the cursor, as the value of `key` (named when `name` is set; its key is at `keyLine`:`keyColumn`). */
  private block(key: string, name: string | undefined, keyLine: number, keyColumn: number, depth: number): void {
    const s = this.s;
    const at = this.w.open(BLOCK, s.line, s.column());
    if (depth >= MAX_DEPTH) {
      const label = blockLabel(key, name);
      this.errorAt(LookmlCodes.tooDeep, `Block '${label}' is nested more than ${MAX_DEPTH} levels deep; its content is ignored`, keyLine, keyColumn);
      s.skipBalanced(LBRACE, RBRACE);
    } else {
      const openOffset = s.pos;
      s.pos++;
      this.openColumns.push(keyColumn);
      for (;;) {
        s.skipTrivia();
        if (s.eof) {
          this.reportUnclosed(blockLabel(key, name), keyLine, keyColumn, openOffset);
          break;
        }
        if (s.peek() === RBRACE) {
          const column = s.column();
          if (s.line > keyLine && column < keyColumn && this.openColumns.lastIndexOf(column, -2) >= 0) {
            this.misindented.push({ label: blockLabel(key, name), line: keyLine, column: keyColumn, offset: openOffset });
          }
          s.pos++;
          break;
        }
        this.parsePair(depth + 1);
      }
      this.openColumns.pop();
    }
    this.w.close(at);
  }

  private reportUnclosed(label: string, line: number, column: number, openOffset: number): void {
    const last = this.misindented[this.misindented.length - 1];
    const culprit = last && last.offset > openOffset ? this.misindented.pop() : undefined;
    const which = culprit ?? { label, line, column };
    this.errorAt(LookmlCodes.unclosedBlock, `Block '${which.label}' is not closed: add a closing '}'`, which.line, which.column);
  }

  /** `[a, "b", c]` or a map-list `[f: "v", g: w]`; commas may lead, trail or repeat. */
  private list(depth: number): void {
    const s = this.s;
    const w = this.w;
    const line = s.line;
    const column = s.column();
    const at = w.open(LIST, line, column);
    s.pos++;
    let expectItem = true;
    for (;;) {
      s.skipTrivia();
      if (s.eof) {
        this.errorAt(LookmlCodes.unclosedList, "List not closed: add a closing ']'", line, column);
        break;
      }
      const c = s.peek();
      if (c === RBRACKET) {
        s.pos++;
        break;
      }
      if (c === COMMA) {
        s.pos++;
        expectItem = true;
        continue;
      }
      if (c === RBRACE) {
        this.errorAt(LookmlCodes.unclosedList, "List not closed: add a closing ']'", line, column);
        break;
      }
      if (c === LBRACE) {
        this.error(LookmlCodes.blockInList, 'A list cannot contain blocks: list items are values such as [a, "b"] or field: "value"', s.loc());
        s.skipBalanced(LBRACE, RBRACE);
        continue;
      }
      if (c === LBRACKET) {
        this.error(LookmlCodes.unexpectedToken, "Unexpected '[': lists cannot contain lists", s.loc());
        s.skipBalanced(LBRACKET, RBRACKET);
        continue;
      }
      const itemLine = s.line;
      const itemColumn = s.column();
      if (c === QUOTE) {
        const value = this.string(itemLine, itemColumn);
        w.scalar(STRING, value, -1, itemLine, itemColumn, hasConstant(value));
      } else if (s.atBareStart()) {
        const value = s.scanBare();
        const word = s.wordId;
        const constant = s.wordHasConstant;
        s.skipTrivia();
        if (s.peek() === COLON) {
          s.pos++;
          this.mapItem(value, word, itemLine, itemColumn, depth);
        } else {
          w.scalar(BARE, value, word, itemLine, itemColumn, constant);
        }
      } else {
        this.error(LookmlCodes.unexpectedToken, `Unexpected ${s.describeToken()} in a list`, s.loc());
        s.pos++;
        continue;
      }
      if (!expectItem) this.errorAt(LookmlCodes.missingComma, "Expected ',' between list items", itemLine, itemColumn);
      expectItem = false;
    }
    w.close(at);
  }

  /**
   * The value of `key:` inside a map-list (shared word `keyWord`, at `keyLine`:`keyColumn`);
   * nothing is written without one.
   */
  private mapItem(key: string, keyWord: number, keyLine: number, keyColumn: number, depth: number): void {
    const s = this.s;
    const w = this.w;
    s.skipTrivia();
    const c = s.peek();
    const line = s.line;
    const column = s.column();
    if (c === QUOTE) {
      const value = this.string(line, column);
      w.pair(key, keyWord, keyLine, keyColumn, undefined, -1, 0, 0);
      w.scalar(STRING, value, -1, line, column, hasConstant(value));
      return;
    }
    if (c === LBRACKET && depth < MAX_DEPTH) {
      w.pair(key, keyWord, keyLine, keyColumn, undefined, -1, 0, 0);
      this.list(depth + 1);
      return;
    }
    if (s.atBareStart()) {
      const value = s.scanBare();
      w.pair(key, keyWord, keyLine, keyColumn, undefined, -1, 0, 0);
      w.scalar(BARE, value, s.wordId, line, column, s.wordHasConstant);
      return;
    }
    this.errorAt(LookmlCodes.missingValue, `Expected a value after '${key}:'`, keyLine, keyColumn);
  }
}
