// LookML highlighting for CodeMirror 6 as a stream parser: `key:` names, the name after a block
// key (`dimension: revenue {`), strings, `#` comments, yes/no, and `;;`-terminated SQL/HTML blocks
// with `${...}` references and Liquid tags inside them.
import { StreamLanguage, type StringStream } from '@codemirror/language';

interface LookmlState {
  /** Inside a `sql:`-like block that runs until `;;`. */
  inBlock: boolean;
  /** Inside a double-quoted string that continues on the next line. */
  inString: boolean;
  /** The previous token was a key, so a bare word after it names the block. */
  afterKey: boolean;
}

const SQL_WORDS = new Set([
  'select', 'from', 'where', 'and', 'or', 'not', 'case', 'when', 'then', 'else', 'end', 'as', 'is', 'null', 'in',
  'like', 'between', 'join', 'left', 'right', 'inner', 'outer', 'on', 'group', 'by', 'order', 'having', 'limit',
  'distinct', 'count', 'sum', 'avg', 'min', 'max', 'cast', 'coalesce', 'union', 'all', 'with', 'over', 'partition',
]);

/** Keys whose value is raw SQL/HTML/expression text that runs until `;;` (possibly over many lines). */
const BLOCK_KEY = /^(sql\w*|\w+_sql|html|expression)$/;

function readString(stream: StringStream, state: LookmlState): string {
  let escaped = false;
  while (!stream.eol()) {
    const ch = stream.next();
    if (ch === '"' && !escaped) {
      state.inString = false;
      return 'string';
    }
    escaped = !escaped && ch === '\\';
  }
  state.inString = true;
  return 'string';
}

function blockToken(stream: StringStream, state: LookmlState): string | null {
  if (stream.match(';;')) {
    state.inBlock = false;
    return 'punctuation';
  }
  if (stream.match(/^\$\{[^}]*\}?/)) return 'variableName.special';
  if (stream.match(/^\{\{.*?(\}\}|$)/) || stream.match(/^\{%.*?(%\}|$)/)) return 'meta';
  if (stream.match(/^--.*?(?=;;|$)/)) return 'comment';
  if (stream.match(/^'(?:[^'\\]|\\.)*'?/)) return 'string';
  if (stream.match(/^\d+(\.\d+)?/)) return 'number';
  const word = stream.match(/^[A-Za-z_][\w]*/);
  if (Array.isArray(word)) return SQL_WORDS.has(word[0].toLowerCase()) ? 'keyword' : null;
  stream.next();
  return null;
}

export const lookmlLanguage = StreamLanguage.define<LookmlState>({
  name: 'lookml',
  startState: () => ({ inBlock: false, inString: false, afterKey: false }),
  copyState: (s) => ({ ...s }),
  token(stream, state) {
    if (state.inString) return readString(stream, state);
    if (state.inBlock) {
      if (stream.eatSpace()) return null;
      return blockToken(stream, state);
    }
    if (stream.eatSpace()) return null;
    const afterKey = state.afterKey;
    state.afterKey = false;
    if (stream.peek() === '#') {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.eat('"')) return readString(stream, state);
    // `sql: ... ;;`, `html: ... ;;`, `expression: ... ;;` and friends: anything whose value ends at `;;`.
    const key = stream.match(/^([A-Za-z_][\w]*)(\s*):/);
    if (Array.isArray(key)) {
      const rest = stream.string.slice(stream.pos);
      state.inBlock = BLOCK_KEY.test(key[1] ?? '') && !/^\s*[[{"]/.test(rest);
      state.afterKey = !state.inBlock;
      return 'propertyName';
    }
    if (stream.match(/^(yes|no)\b/)) return 'atom';
    if (stream.match(/^-?\d+(\.\d+)?\b/)) return 'number';
    if (stream.match(/^\$\{[^}]*\}?/)) return 'variableName.special';
    if (stream.match(/^[A-Za-z_][\w.+*-]*/)) return afterKey ? 'variableName.definition' : 'variableName';
    const ch = stream.next();
    if (ch === '{' || ch === '}' || ch === '[' || ch === ']') return 'bracket';
    return ch === ',' ? 'punctuation' : null;
  },
  languageData: { commentTokens: { line: '#' } },
});
