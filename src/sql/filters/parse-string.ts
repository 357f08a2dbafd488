/**
 * String (and tier) filter expressions: `FOO`, `FOO,BAR`, `%FOO%`, `FOO%`, `%FOO`, `F%OD`,
 * `_UF`, `-FOO`, `EMPTY`, `NULL`, `-EMPTY`, `-NULL`, `"quoted, value"`.
 *
 * Escapes follow Looker: `^` before `%` `_` `,` `^` `-` `"` or a space makes it literal.
 * Unescaped spaces around each value are dropped (Looker's UI writes `^ ` to keep one).
 */
import { combineTerms, FilterSyntaxError, invalid } from './combine.ts';
import type { FilterNode, FilterParseResult } from './types.ts';

/** One character of a value; `literal` ones are never wildcards, signs or trimmable space. */
interface Unit {
  readonly ch: string;
  readonly literal: boolean;
}

interface RawItem {
  readonly units: Unit[];
  quoted: boolean;
  negated: boolean;
}

const ESCAPABLE = new Set(['%', '_', ',', '^', '-', '"', ' ']);
const KEYWORDS = new Map<string, 'empty' | 'null'>([
  ['EMPTY', 'empty'], ['empty', 'empty'], ['NULL', 'null'], ['null', 'null'],
]);

export function parseStringFilter(text: string, kind: 'string' | 'tier' = 'string'): FilterParseResult {
  if (text.trim() === '') return { ok: true, node: { type: 'all' } };
  let items: RawItem[];
  try {
    items = splitItems(text);
  } catch (e) {
    if (e instanceof FilterSyntaxError) return invalid(kind, text, e.message);
    throw e;
  }
  const positives: FilterNode[] = [];
  const negatives: FilterNode[] = [];
  const equals: string[] = [];
  const notEquals: string[] = [];
  for (const item of items) {
    const units = item.quoted ? item.units : trimUnits(item.units);
    if (!item.quoted && units.length === 0) {
      return invalid(kind, text, item.negated ? 'expected a value after "-"' : 'empty value in the list (two commas in a row, or a comma at the start or end)');
    }
    const term = classify(units, item.quoted);
    if (term.type === 'string' && term.op === 'equals') {
      (item.negated ? notEquals : equals).push(...term.values);
    } else if (!item.negated) {
      positives.push(term);
    } else {
      // "is not null"/"is not empty" exclude NULL rows; every other "is not" keeps them.
      const orNull = term.type !== 'null' && term.type !== 'empty';
      negatives.push({ type: 'not', child: term, orNull });
    }
  }
  if (equals.length > 0) positives.unshift({ type: 'string', op: 'equals', values: unique(equals) });
  if (notEquals.length > 0) {
    negatives.unshift({ type: 'not', child: { type: 'string', op: 'equals', values: unique(notEquals) }, orNull: true });
  }
  return { ok: true, node: combineTerms(positives, negatives) };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** Split on unescaped commas, resolving `^` escapes and `"…"` quoting. */
function splitItems(text: string): RawItem[] {
  const chars = Array.from(text);
  const items: RawItem[] = [];
  let cur: RawItem = { units: [], quoted: false, negated: false };
  let closedQuote = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (closedQuote) {
      if (ch === ',') {
        items.push(cur);
        cur = { units: [], quoted: false, negated: false };
        closedQuote = false;
      } else if (!isSpace(ch)) {
        throw new FilterSyntaxError(`unexpected ${JSON.stringify(ch)} after a closing quote (separate values with ",")`);
      }
      continue;
    }
    if (ch === '^') {
      const next = chars[i + 1];
      if (next === undefined) throw new FilterSyntaxError('"^" at the end must be followed by the character it escapes (write ^^ for a literal ^)');
      if (!ESCAPABLE.has(next)) {
        throw new FilterSyntaxError(`"^${next}" is not an escape; "^" may only precede % _ , ^ - " or a space (write ^^ for a literal ^)`);
      }
      cur.units.push({ ch: next, literal: true });
      i++;
    } else if (ch === ',') {
      items.push(cur);
      cur = { units: [], quoted: false, negated: false };
    } else if (ch === '"') {
      const lead = trimUnits(cur.units);
      const onlySign = lead.length === 1 && !lead[0]!.literal && lead[0]!.ch === '-';
      if (lead.length > 0 && !onlySign) {
        throw new FilterSyntaxError('a literal " inside a value must be written ^"');
      }
      const end = readQuoted(chars, i + 1);
      cur.units.length = 0;
      cur.quoted = true;
      cur.negated = onlySign;
      for (const c of end.value) cur.units.push({ ch: c, literal: true });
      i = end.next - 1;
      closedQuote = true;
    } else {
      cur.units.push({ ch, literal: false });
    }
  }
  items.push(cur);
  for (const item of items) {
    if (item.quoted) continue;
    const units = trimUnits(item.units);
    if (units.length > 0 && !units[0]!.literal && units[0]!.ch === '-') {
      item.negated = true;
      item.units.splice(0, item.units.length, ...trimUnits(units.slice(1)));
    }
  }
  return items;
}

/** Read a quoted value starting after its opening quote; `\"`, `\\` and `^x` escapes apply. */
function readQuoted(chars: readonly string[], start: number): { value: string[]; next: number } {
  const value: string[] = [];
  for (let i = start; i < chars.length; i++) {
    const ch = chars[i]!;
    const next = chars[i + 1];
    if (ch === '"') return { value, next: i + 1 };
    if ((ch === '\\' && (next === '"' || next === '\\')) || (ch === '^' && next !== undefined && ESCAPABLE.has(next))) {
      value.push(next);
      i++;
    } else {
      value.push(ch);
    }
  }
  throw new FilterSyntaxError('unterminated quoted value (missing closing ")');
}

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

function trimUnits(units: readonly Unit[]): Unit[] {
  let start = 0;
  let end = units.length;
  while (start < end && !units[start]!.literal && isSpace(units[start]!.ch)) start++;
  while (end > start && !units[end - 1]!.literal && isSpace(units[end - 1]!.ch)) end--;
  return units.slice(start, end);
}

const isWildcard = (u: Unit): boolean => !u.literal && (u.ch === '%' || u.ch === '_');
const join = (units: readonly Unit[]): string => units.map((u) => u.ch).join('');

function classify(units: readonly Unit[], quoted: boolean): FilterNode {
  if (quoted) return { type: 'string', op: 'equals', values: [join(units)] };
  if (units.every((u) => !u.literal)) {
    const keyword = KEYWORDS.get(join(units));
    if (keyword) return { type: keyword };
  }
  if (!units.some(isWildcard)) return { type: 'string', op: 'equals', values: [join(units)] };
  const first = units[0]!;
  const last = units[units.length - 1]!;
  const isPct = (u: Unit): boolean => !u.literal && u.ch === '%';
  if (units.length >= 3 && isPct(first) && isPct(last)) {
    const inner = units.slice(1, -1);
    if (!inner.some(isWildcard)) return { type: 'string', op: 'contains', value: join(inner) };
  }
  if (units.length >= 2 && isPct(last)) {
    const inner = units.slice(0, -1);
    if (!inner.some(isWildcard)) return { type: 'string', op: 'starts_with', value: join(inner) };
  }
  if (units.length >= 2 && isPct(first)) {
    const inner = units.slice(1);
    if (!inner.some(isWildcard)) return { type: 'string', op: 'ends_with', value: join(inner) };
  }
  const pattern = units.map((u) => (isWildcard(u) ? u.ch : escapeLike(u.ch))).join('');
  return { type: 'like', pattern };
}

/** Escape one literal for a LIKE pattern in the `dialect.like` convention (`\` escapes). */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
