/**
 * Number filter expressions: `5`, `NOT 5`, `<>5`, `!=5`, `-5` (minus five), `>=10`,
 * `>=1 AND <=10`, `1 to 10`, `1 to`, `to 10`, `[1,10]`, `(1,10]`, `[1, inf)`, `(-inf, 5)`,
 * `NULL`, `NOT NULL`, `-NULL`, lists with `,` or `OR`: `1,3,5`, `>10 AND <=20 OR 90`.
 *
 * `NOT 66, 99, 4` negates the whole run of plain values after it, as Looker documents
 * ("is not one of the values 66, 99, or 4").
 */
import { combineTerms, FilterSyntaxError, invalid } from './combine.ts';
import type { FilterNode, FilterParseResult } from './types.ts';

type Token =
  | { readonly t: 'num'; readonly text: string }
  | { readonly t: 'op'; readonly text: '>' | '>=' | '<' | '<=' | '=' | '<>' | '!=' }
  | { readonly t: 'punct'; readonly text: '(' | ')' | '[' | ']' | ',' }
  /** Lower-cased word: not, and, or, to, null, inf, -inf, -null, or anything else. */
  | { readonly t: 'word'; readonly text: string; readonly raw: string }
  | { readonly t: 'other'; readonly text: string };

const NUMBER_RE = /^-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const op = /^(>=|<=|<>|!=|>|<|=)/.exec(rest);
    if (op) {
      tokens.push({ t: 'op', text: op[0] as '>' });
      i += op[0].length;
      continue;
    }
    const c = rest[0]!;
    if (c === '(' || c === ')' || c === '[' || c === ']' || c === ',') {
      tokens.push({ t: 'punct', text: c });
      i++;
      continue;
    }
    const signedWord = /^-(inf|null)(?![\w.])/i.exec(rest);
    if (signedWord) {
      tokens.push({ t: 'word', text: signedWord[0].toLowerCase(), raw: signedWord[0] });
      i += signedWord[0].length;
      continue;
    }
    const num = NUMBER_RE.exec(rest);
    if (num) {
      // A number glued to letters or more dots (`5abc`, `1.2.3`) is one bad word, not two tokens.
      const glued = /^[^\s,()[\]<>=!]+/.exec(rest)![0];
      if (glued.length > num[0].length) tokens.push({ t: 'word', text: glued.toLowerCase(), raw: glued });
      else tokens.push({ t: 'num', text: num[0] });
      i += glued.length > num[0].length ? glued.length : num[0].length;
      continue;
    }
    const word = /^[^\s,()[\]<>=!]+/.exec(rest);
    if (word) {
      tokens.push({ t: 'word', text: word[0].toLowerCase(), raw: word[0] });
      i += word[0].length;
      continue;
    }
    tokens.push({ t: 'other', text: c });
    i++;
  }
  return tokens;
}

function describe(tok: Token | undefined): string {
  if (!tok) return 'the end of the expression';
  return JSON.stringify(tok.t === 'word' ? tok.raw : tok.text);
}

/** `-1.5e3` → `-1500`; `.5` → `0.5`. Rejects leading zeros (`000` is usually a `1,000` typo) and overflow. */
export function normalizeNumber(text: string): string {
  const m = /^(-?)(\d*)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) throw new FilterSyntaxError(`expected a number but found ${JSON.stringify(text)}`);
  const [, sign = '', intPart = '', fracPart = '', expPart] = m;
  if (intPart.length > 1 && intPart.startsWith('0')) {
    throw new FilterSyntaxError(`${JSON.stringify(text)} is not a valid number (leading zero; note that "," separates values)`);
  }
  if (!Number.isFinite(Number(text))) throw new FilterSyntaxError(`${JSON.stringify(text)} is out of range`);
  if (expPart === undefined) return `${sign}${intPart === '' ? '0' : intPart}${fracPart === '' ? '' : `.${fracPart}`}`;
  // Shift the decimal point by the exponent on the digit string, exactly (no float rounding).
  const digits = intPart + fracPart;
  let point = intPart.length + Number(expPart);
  let all = digits;
  if (point <= 0) {
    all = '0'.repeat(1 - point) + all;
    point = 1;
  } else if (point > all.length) {
    all = all + '0'.repeat(point - all.length);
  }
  let whole = all.slice(0, point).replace(/^0+(?=\d)/, '');
  let frac = all.slice(point).replace(/0+$/, '');
  if (whole === '') whole = '0';
  const isZero = /^0*$/.test(whole + frac);
  if (frac.length > 0) frac = `.${frac}`;
  return `${isZero ? '' : sign}${whole}${frac}`;
}

class NumberParser {
  private pos = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }
  private next(): Token | undefined {
    return this.tokens[this.pos++];
  }
  private isWord(w: string): boolean {
    const tok = this.peek();
    return tok?.t === 'word' && tok.text === w;
  }
  private isPunct(p: string): boolean {
    const tok = this.peek();
    return tok?.t === 'punct' && tok.text === p;
  }

  private expectNumber(after: string): string {
    const tok = this.peek();
    if (tok?.t !== 'num') throw new FilterSyntaxError(`expected a number after ${after} but found ${describe(tok)}`);
    this.pos++;
    return normalizeNumber(tok.text);
  }

  parse(): FilterNode {
    const positives: FilterNode[] = [];
    const negatives: FilterNode[] = [];
    const equals: string[] = [];
    const notEquals: string[] = [];
    let stickyNot = false;
    for (;;) {
      const { node, negated, plainValue } = this.term(stickyNot);
      stickyNot = negated && plainValue;
      if (node.type === 'number_equals') {
        (negated ? notEquals : equals).push(...node.values);
      } else if (!negated) {
        positives.push(node);
      } else {
        negatives.push({ type: 'not', child: node, orNull: node.type !== 'null' });
      }
      const tok = this.peek();
      if (tok === undefined) break;
      if (this.isPunct(',') || this.isWord('or')) {
        this.pos++;
        if (this.peek() === undefined) throw new FilterSyntaxError(`expected a value after ${describe(tok)} but found the end of the expression`);
        continue;
      }
      throw new FilterSyntaxError(`unexpected ${describe(tok)} (separate values with "," or OR)`);
    }
    if (equals.length > 0) positives.unshift({ type: 'number_equals', values: [...new Set(equals)] });
    if (notEquals.length > 0) {
      negatives.unshift({ type: 'not', child: { type: 'number_equals', values: [...new Set(notEquals)] }, orNull: true });
    }
    return combineTerms(positives, negatives);
  }

  private term(stickyNot: boolean): { node: FilterNode; negated: boolean; plainValue: boolean } {
    let negated = false;
    const tok = this.peek();
    if (tok?.t === 'word' && tok.text === 'not') {
      this.pos++;
      negated = true;
    } else if (tok?.t === 'op' && (tok.text === '<>' || tok.text === '!=')) {
      this.pos++;
      negated = true;
    } else if (tok?.t === 'word' && tok.text === '-null') {
      this.pos++;
      return { node: { type: 'null' }, negated: true, plainValue: false };
    }
    if (negated && this.peek() === undefined) {
      throw new FilterSyntaxError(`expected a value after ${describe(tok)} but found the end of the expression`);
    }
    const { node, plainValue } = this.core();
    return { node, negated: negated || (stickyNot && plainValue), plainValue };
  }

  private core(): { node: FilterNode; plainValue: boolean } {
    const tok = this.peek();
    if (tok === undefined) throw new FilterSyntaxError('expected a number but found the end of the expression');
    if (tok.t === 'word' && tok.text === 'null') {
      this.pos++;
      return { node: { type: 'null' }, plainValue: false };
    }
    if (tok.t === 'punct' && (tok.text === '(' || tok.text === '[')) return { node: this.interval(), plainValue: false };
    if (tok.t === 'op' && tok.text !== '<>' && tok.text !== '!=') {
      this.pos++;
      const value = this.expectNumber(JSON.stringify(tok.text));
      if (tok.text === '=') return { node: { type: 'number_equals', values: [value] }, plainValue: false };
      if (this.isWord('and')) return { node: this.andRange(tok.text, value), plainValue: false };
      return { node: { type: 'number_compare', op: tok.text, value }, plainValue: false };
    }
    if (tok.t === 'num') {
      this.pos++;
      const value = normalizeNumber(tok.text);
      if (this.isWord('to')) {
        this.pos++;
        const end = this.peek();
        if (end?.t !== 'num') return { node: { type: 'number_compare', op: '>=', value }, plainValue: false };
        const high = this.expectNumber('"to"');
        return { node: { type: 'number_between', low: value, high, lowInclusive: true, highInclusive: true }, plainValue: false };
      }
      return { node: { type: 'number_equals', values: [value] }, plainValue: true };
    }
    if (tok.t === 'word' && tok.text === 'to') {
      this.pos++;
      const value = this.expectNumber('"to"');
      return { node: { type: 'number_compare', op: '<=', value }, plainValue: false };
    }
    if (tok.t === 'word' && (tok.text === 'nan' || tok.text === 'infinity' || tok.text === '-infinity' || tok.text === 'inf' || tok.text === '-inf')) {
      throw new FilterSyntaxError(`${describe(tok)} is not a number (use a range like [1, inf) for open bounds)`);
    }
    throw new FilterSyntaxError(`expected a number but found ${describe(tok)}`);
  }

  /** `>=1 AND <=10` (either order) is a range; both sides must bound opposite ends. */
  private andRange(firstOp: '>' | '>=' | '<' | '<=', firstValue: string): FilterNode {
    this.pos++;
    const tok = this.next();
    const lowerFirst = firstOp === '>' || firstOp === '>=';
    const wanted = lowerFirst ? ['<', '<='] : ['>', '>='];
    if (tok?.t !== 'op' || !wanted.includes(tok.text)) {
      throw new FilterSyntaxError(`expected ${wanted.map((w) => JSON.stringify(w)).join(' or ')} after AND but found ${describe(tok)}`);
    }
    const secondValue = this.expectNumber(JSON.stringify(tok.text));
    const [lowOp, low, highOp, high] = lowerFirst
      ? [firstOp, firstValue, tok.text, secondValue]
      : [tok.text, secondValue, firstOp, firstValue];
    return { type: 'number_between', low, high, lowInclusive: lowOp === '>=', highInclusive: highOp === '<=' };
  }

  /** `[1,10]`, `(1,10]`, `[1, inf)`, `(-inf, 5)`, `(1,)`, `[,10]`. */
  private interval(): FilterNode {
    const open = this.next() as { text: '(' | '[' };
    let low: string | null = null;
    const lowTok = this.peek();
    if (lowTok?.t === 'num') low = this.expectNumber(JSON.stringify(open.text));
    else if (lowTok?.t === 'word' && lowTok.text === '-inf') this.pos++;
    else if (!this.isPunct(',')) throw new FilterSyntaxError(`expected a number, -inf or "," after ${JSON.stringify(open.text)} but found ${describe(lowTok)}`);
    const comma = this.next();
    if (comma?.t !== 'punct' || comma.text !== ',') throw new FilterSyntaxError(`expected "," between the bounds of a range but found ${describe(comma)}`);
    let high: string | null = null;
    const highTok = this.peek();
    if (highTok?.t === 'num') high = this.expectNumber('","');
    else if (highTok?.t === 'word' && highTok.text === 'inf') this.pos++;
    const close = this.next();
    if (close?.t !== 'punct' || (close.text !== ')' && close.text !== ']')) {
      throw new FilterSyntaxError(`expected a number, inf, "]" or ")" to close the range but found ${describe(close)}`);
    }
    const lowInclusive = open.text === '[';
    const highInclusive = close.text === ']';
    if (low !== null && high !== null) return { type: 'number_between', low, high, lowInclusive, highInclusive };
    if (low !== null) return { type: 'number_compare', op: lowInclusive ? '>=' : '>', value: low };
    if (high !== null) return { type: 'number_compare', op: highInclusive ? '<=' : '<', value: high };
    throw new FilterSyntaxError('a range needs at least one numeric bound');
  }
}

export function parseNumberFilter(text: string): FilterParseResult {
  if (text.trim() === '') return { ok: true, node: { type: 'all' } };
  try {
    return { ok: true, node: new NumberParser(tokenize(text)).parse() };
  } catch (e) {
    if (e instanceof FilterSyntaxError) return invalid('number', text, e.message);
    throw e;
  }
}
