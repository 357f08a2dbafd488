/**
 * Recursive-descent parser for the generic LookML grammar (see ast.ts).
 *
 * One pass, no backtracking beyond a single saved position when a bare word turns out to
 * be the next key. Errors never throw: each is recorded as a diagnostic and the parser
 * resynchronises (next `key:` at the start of a line at the same nesting level, or the
 * enclosing `}`), so one broken field does not hide the rest of the file.
 */
import type { BareNode, Diagnostic, ListNode, Loc, LookmlFile, PairNode, ScalarNode, StringNode } from './ast.ts';
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
  const pairs = parser.parseFile();
  return { path, pairs, diagnostics: parser.diagnostics };
}

/** `*.view.lookml`, `*.model.lookml` (any `.lookml` except YAML dashboards, which are still valid). */
export function isLegacyYamlPath(path: string): boolean {
  const lower = path.toLowerCase();
  return lower.endsWith('.lookml') && !lower.endsWith('.dashboard.lookml');
}

class Parser {
  readonly diagnostics: Diagnostic[] = [];
  private readonly s: Scanner;
  /**
   * Blocks closed by a `}` on a later line that sits in the column of an enclosing block's
   * key rather than their own. When that enclosing block then reaches EOF unclosed, the
   * missing brace most likely belongs to the inner one.
   */
  private readonly misindented: { label: string; loc: Loc; offset: number }[] = [];
  /** Key columns of the blocks being read, outermost first. */
  private readonly openColumns: number[] = [];

  constructor(text: string, path: string) {
    this.s = new Scanner(text, path);
  }

  parseFile(): PairNode[] {
    const s = this.s;
    const pairs: PairNode[] = [];
    for (;;) {
      s.skipTrivia();
      if (s.eof) return pairs;
      if (s.peek() === RBRACE) {
        this.error(LookmlCodes.unexpectedClose, "Unexpected '}': no block is open here; remove it", s.loc());
        s.pos++;
        continue;
      }
      this.parsePair(pairs, 0);
    }
  }

  private error(code: string, message: string, loc: Loc): void {
    this.diagnostics.push({ code, severity: 'error', message, file: loc.file, line: loc.line, column: loc.column });
  }

  private parsePair(out: PairNode[], depth: number): void {
    const s = this.s;
    const start = s.pos;
    if (!this.pairBody(out, depth)) s.skipToResyncPoint();
    // Callers only get here on a non-blank, non-`}` character: always make progress.
    if (s.pos === start) s.pos++;
  }

  /** Reads one pair into `out`; false when the input is too broken to go on without resynchronising. */
  private pairBody(out: PairNode[], depth: number): boolean {
    const s = this.s;
    if (!isIdentStart(s.peek())) {
      const where = depth > 0 ? " or a closing '}'" : '';
      this.error(LookmlCodes.unexpectedToken, `Unexpected ${s.describeToken()}: expected a key such as 'dimension:'${where}`, s.loc());
      return false;
    }
    const keyLoc = s.loc();
    const keyStart = s.pos;
    const key = s.scanIdentifier();
    if (s.atBareStart()) {
      s.pos = keyStart;
      this.error(LookmlCodes.unexpectedToken, `Invalid key ${s.describeToken()}: keys are made of letters, digits and '_'`, keyLoc);
      return false;
    }
    s.skipInlineSpace();
    const c = s.peek();
    let missingColon = false;
    if (c === COLON) {
      s.pos++;
    } else {
      this.error(LookmlCodes.missingColon, `Expected ':' after '${key}'`, keyLoc);
      // With a value on the same line, read on as if the colon were there.
      if (s.eof || c === LF || c === HASH || c === RBRACE) return true;
      missingColon = true;
    }
    return this.parseValue(out, key, keyLoc, depth, missingColon);
  }

  private parseValue(out: PairNode[], key: string, keyLoc: Loc, depth: number, missingColon: boolean): boolean {
    const s = this.s;
    if (isSqlKey(key)) {
      const sql = s.scanSql();
      if (sql) {
        if (!sql.terminated) {
          this.error(LookmlCodes.unterminatedSql, `SQL block for '${key}' not terminated with ';;': add ';;' after the SQL`, keyLoc);
        }
        out.push({ kind: 'pair', key, value: { kind: 'sql', value: sql.value, loc: sql.loc }, loc: keyLoc });
        return true;
      }
      // `html: "<b>x</b>"`: a plain string, read below.
    }
    s.skipTrivia();
    // Locations are taken only where they are kept: every object allocated here then
    // outlives the parse, which lets V8 allocate them straight into the old generation.
    const c = s.peek();
    if (c === LBRACE) {
      out.push(this.block(key, undefined, undefined, keyLoc, depth));
      return true;
    }
    if (c === LBRACKET) {
      out.push({ kind: 'pair', key, value: this.list(depth), loc: keyLoc });
      return true;
    }
    if (c === QUOTE) {
      const str = this.string();
      s.skipTrivia();
      if (s.peek() === LBRACE) {
        this.error(LookmlCodes.quotedBlockName, `Block names are not quoted: write ${key}: ${str.value} {`, str.loc);
        out.push(this.block(key, str.value, str.loc, keyLoc, depth));
      } else {
        out.push({ kind: 'pair', key, value: str, loc: keyLoc });
      }
      return true;
    }
    if (s.atBareStart()) {
      const vLoc = s.loc();
      const before = s.pos;
      const line = s.line;
      const lineStart = s.lineStart;
      const value = s.scanBare();
      s.skipTrivia();
      const next = s.peek();
      if (next === LBRACE) {
        out.push(this.block(key, value, vLoc, keyLoc, depth));
      } else if (next === COLON) {
        // `label:` with nothing after it: the word is the next key.
        s.pos = before;
        s.line = line;
        s.lineStart = lineStart;
        if (!missingColon) this.error(LookmlCodes.missingValue, `Expected a value after '${key}:'`, keyLoc);
      } else {
        const bare: BareNode = { kind: 'bare', value, loc: vLoc };
        out.push({ kind: 'pair', key, value: bare, loc: keyLoc });
      }
      return true;
    }
    if (s.eof || c === RBRACE) {
      if (!missingColon) this.error(LookmlCodes.missingValue, `Expected a value after '${key}:'`, keyLoc);
      return true;
    }
    this.error(LookmlCodes.unexpectedToken, `Unexpected ${s.describeToken()} after '${key}:': expected a value`, s.loc());
    return false;
  }

  private string(): StringNode {
    const s = this.s;
    const loc = s.loc();
    const scan = s.scanString();
    if (!scan.closed) this.error(LookmlCodes.unterminatedString, 'String not closed: add a closing "', loc);
    return { kind: 'string', value: scan.value, loc };
  }

  /** `{ … }` at the cursor, as the value of `key` (named when `name` is set). */
  private block(key: string, name: string | undefined, nameLoc: Loc | undefined, keyLoc: Loc, depth: number): PairNode {
    const s = this.s;
    const bLoc = s.loc();
    const pairs: PairNode[] = [];
    if (depth >= MAX_DEPTH) {
      const label = blockLabel(key, name);
      this.error(LookmlCodes.tooDeep, `Block '${label}' is nested more than ${MAX_DEPTH} levels deep; its content is ignored`, keyLoc);
      s.skipBalanced(LBRACE, RBRACE);
    } else {
      const openOffset = s.pos;
      s.pos++;
      this.openColumns.push(keyLoc.column);
      for (;;) {
        s.skipTrivia();
        if (s.eof) {
          this.reportUnclosed(blockLabel(key, name), keyLoc, openOffset);
          break;
        }
        if (s.peek() === RBRACE) {
          const column = s.pos - s.lineStart + 1;
          if (s.line > keyLoc.line && column < keyLoc.column && this.openColumns.lastIndexOf(column, -2) >= 0) {
            this.misindented.push({ label: blockLabel(key, name), loc: keyLoc, offset: openOffset });
          }
          s.pos++;
          break;
        }
        this.parsePair(pairs, depth + 1);
      }
      this.openColumns.pop();
    }
    const value = { kind: 'block', pairs, loc: bLoc } as const;
    return name === undefined ? { kind: 'pair', key, value, loc: keyLoc } : { kind: 'pair', key, name, value, loc: keyLoc, nameLoc };
  }

  private reportUnclosed(label: string, keyLoc: Loc, openOffset: number): void {
    const last = this.misindented[this.misindented.length - 1];
    const culprit = last && last.offset > openOffset ? this.misindented.pop() : undefined;
    const which = culprit ?? { label, loc: keyLoc };
    this.error(LookmlCodes.unclosedBlock, `Block '${which.label}' is not closed: add a closing '}'`, which.loc);
  }

  /** `[a, "b", c]` or a map-list `[f: "v", g: w]`; commas may lead, trail or repeat. */
  private list(depth: number): ListNode {
    const s = this.s;
    const loc = s.loc();
    const items: (ScalarNode | PairNode)[] = [];
    s.pos++;
    let expectItem = true;
    for (;;) {
      s.skipTrivia();
      if (s.eof) {
        this.error(LookmlCodes.unclosedList, "List not closed: add a closing ']'", loc);
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
        this.error(LookmlCodes.unclosedList, "List not closed: add a closing ']'", loc);
        break;
      }
      let item: ScalarNode | PairNode | null;
      let itemLoc: Loc;
      if (c === LBRACE) {
        this.error(LookmlCodes.blockInList, 'A list cannot contain blocks: list items are values such as [a, "b"] or field: "value"', s.loc());
        s.skipBalanced(LBRACE, RBRACE);
        continue;
      } else if (c === LBRACKET) {
        this.error(LookmlCodes.unexpectedToken, "Unexpected '[': lists cannot contain lists", s.loc());
        s.skipBalanced(LBRACKET, RBRACKET);
        continue;
      } else if (c === QUOTE) {
        item = this.string();
        itemLoc = item.loc;
      } else if (s.atBareStart()) {
        itemLoc = s.loc();
        const value = s.scanBare();
        s.skipTrivia();
        if (s.peek() === COLON) {
          s.pos++;
          item = this.mapItem(value, itemLoc, depth);
        } else {
          item = { kind: 'bare', value, loc: itemLoc };
        }
      } else {
        this.error(LookmlCodes.unexpectedToken, `Unexpected ${s.describeToken()} in a list`, s.loc());
        s.pos++;
        continue;
      }
      if (!expectItem) this.error(LookmlCodes.missingComma, "Expected ',' between list items", itemLoc);
      expectItem = false;
      if (item) items.push(item);
    }
    return { kind: 'list', items, loc };
  }

  /** The value of `key:` inside a map-list. */
  private mapItem(key: string, keyLoc: Loc, depth: number): PairNode | null {
    const s = this.s;
    s.skipTrivia();
    const c = s.peek();
    if (c === QUOTE) return { kind: 'pair', key, value: this.string(), loc: keyLoc };
    if (c === LBRACKET && depth < MAX_DEPTH) return { kind: 'pair', key, value: this.list(depth + 1), loc: keyLoc };
    if (s.atBareStart()) {
      const vLoc = s.loc();
      return { kind: 'pair', key, value: { kind: 'bare', value: s.scanBare(), loc: vLoc }, loc: keyLoc };
    }
    this.error(LookmlCodes.missingValue, `Expected a value after '${key}:'`, keyLoc);
    return null;
  }
}
