/**
 * Excel-style number formats, as LookML's `value_format` takes them ("$#,##0.00",
 * "0.0,,\"M\"", "0%", "#,##0;(#,##0)", "[>=1000]0.0,\"K\";0").
 *
 * Supported: digit placeholders `0 # ?`, the decimal point, thousands separators, scaling
 * commas (each trailing `,` divides by 1000), `%` (×100), quoted and `\`-escaped literals,
 * other non-letter characters as literals, `_x` (a space) and `*x` (ignored), up to four
 * `;` sections (positive; negative; zero; text), `[>=n]`-style conditions, `[$€-407]`
 * currency literals, colour codes (ignored) and `General`.
 * Not supported (the caller falls back to the raw value): date/time codes, scientific
 * notation (`0.00E+00`), fractions (`# ?/?`), `@` text sections applied to numbers.
 *
 * Numbers are handled as decimal strings, so values beyond 2^53 format exactly, and
 * rounding is half away from zero on the decimal digits (`1.005` → `1.01` with `0.00`).
 */

type Token =
  | { readonly kind: 'lit'; readonly text: string }
  | { readonly kind: 'digit'; readonly ch: '0' | '#' | '?' }
  | { readonly kind: 'point' }
  | { readonly kind: 'comma' }
  | { readonly kind: 'percent' }
  | { readonly kind: 'general' };

interface Condition {
  readonly op: '<' | '<=' | '>' | '>=' | '=' | '<>';
  readonly value: number;
}

interface Section {
  readonly condition?: Condition;
  readonly tokens: readonly Token[];
}

const UNSUPPORTED = Symbol('unsupported');

function splitSections(format: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  let bracket = false;
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]!;
    if (quoted) {
      if (ch === '"') quoted = false;
      current += ch;
    } else if (ch === '\\' && i + 1 < format.length) {
      current += ch + format[i + 1]!;
      i++;
    } else if (ch === '"') {
      quoted = true;
      current += ch;
    } else if (ch === '[') {
      bracket = true;
      current += ch;
    } else if (ch === ']') {
      bracket = false;
      current += ch;
    } else if (ch === ';' && !bracket) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out;
}

const CONDITION = /^(<=|>=|<>|<|>|=)\s*(-?\d+(?:\.\d+)?)$/;

/** Letters that are date/time or exponent codes when unquoted. */
const CODE_LETTERS = /[dmyhse]/i;

function parseSection(text: string): Section | typeof UNSUPPORTED {
  const tokens: Token[] = [];
  let condition: Condition | undefined;
  const lit = (t: string): void => {
    const last = tokens.at(-1);
    if (last?.kind === 'lit') tokens[tokens.length - 1] = { kind: 'lit', text: last.text + t };
    else tokens.push({ kind: 'lit', text: t });
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') {
      const end = text.indexOf('"', i + 1);
      const stop = end === -1 ? text.length : end;
      lit(text.slice(i + 1, stop));
      i = stop;
    } else if (ch === '\\') {
      if (i + 1 < text.length) lit(text[i + 1]!);
      i++;
    } else if (ch === '[') {
      const end = text.indexOf(']', i + 1);
      const inner = text.slice(i + 1, end === -1 ? text.length : end).trim();
      i = end === -1 ? text.length : end;
      const cond = CONDITION.exec(inner);
      if (cond) condition = { op: cond[1] as Condition['op'], value: Number(cond[2]) };
      else if (inner.startsWith('$')) lit(inner.slice(1).split('-')[0] ?? '');
      else if (/^[hms]+$/i.test(inner)) return UNSUPPORTED;
      // Anything else is a colour or locale code: no effect on the text.
    } else if (ch === '0' || ch === '#' || ch === '?') tokens.push({ kind: 'digit', ch });
    else if (ch === '.') tokens.push({ kind: 'point' });
    else if (ch === ',') tokens.push({ kind: 'comma' });
    else if (ch === '%') tokens.push({ kind: 'percent' });
    else if (ch === '_') {
      lit(' ');
      i++;
    } else if (ch === '*') i++;
    else if (ch === '@' || ch === '/') return UNSUPPORTED;
    else if (/^general/i.test(text.slice(i))) {
      tokens.push({ kind: 'general' });
      i += 'general'.length - 1;
    } else if (CODE_LETTERS.test(ch)) return UNSUPPORTED;
    else lit(ch);
  }
  return condition ? { condition, tokens } : { tokens };
}

const cache = new Map<string, readonly Section[] | null>();

function parseFormat(format: string): readonly Section[] | null {
  const hit = cache.get(format);
  if (hit !== undefined) return hit;
  const sections: Section[] = [];
  let result: readonly Section[] | null = sections;
  for (const text of splitSections(format).slice(0, 4)) {
    const section = parseSection(text);
    if (section === UNSUPPORTED) {
      result = null;
      break;
    }
    sections.push(section);
  }
  if (cache.size > 1000) cache.clear();
  cache.set(format, result);
  return result;
}

// ---------------------------------------------------------------------------------------
// Decimal-string arithmetic (non-negative values)

function splitDecimal(text: string): { int: string; frac: string } {
  const [int = '0', frac = ''] = text.split('.');
  return { int: int.replace(/^0+(?=\d)/, '') || '0', frac };
}

/** Multiply a non-negative decimal string by 10^shift. */
export function shiftDecimal(text: string, shift: number): string {
  const { int, frac } = splitDecimal(text);
  const digits = int + frac;
  let point = int.length + shift;
  let padded = digits;
  if (point < 0) {
    padded = '0'.repeat(-point) + padded;
    point = 0;
  }
  if (point > padded.length) padded += '0'.repeat(point - padded.length);
  const newInt = padded.slice(0, point).replace(/^0+(?=\d)/, '') || '0';
  const newFrac = padded.slice(point).replace(/0+$/, '');
  return newFrac === '' ? newInt : `${newInt}.${newFrac}`;
}

/** Round a non-negative decimal string to exactly `places` decimals, half away from zero. */
export function roundDecimal(text: string, places: number): { int: string; frac: string } {
  const { int, frac } = splitDecimal(text);
  if (frac.length <= places) return { int, frac: frac.padEnd(places, '0') };
  const keep = int + frac.slice(0, places);
  const roundUp = frac.charCodeAt(places) >= 53; // '5'
  let digits = keep;
  if (roundUp) {
    const arr = keep.split('');
    let i = arr.length - 1;
    while (i >= 0) {
      if (arr[i] === '9') {
        arr[i] = '0';
        i--;
      } else {
        arr[i] = String(Number(arr[i]) + 1);
        break;
      }
    }
    digits = (i < 0 ? '1' : '') + arr.join('');
  }
  const intLen = digits.length - places;
  return { int: digits.slice(0, intLen).replace(/^0+(?=\d)/, '') || '0', frac: digits.slice(intLen) };
}

function group(int: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

// ---------------------------------------------------------------------------------------

function matches(c: Condition, v: number): boolean {
  switch (c.op) {
    case '<': return v < c.value;
    case '<=': return v <= c.value;
    case '>': return v > c.value;
    case '>=': return v >= c.value;
    case '=': return v === c.value;
    case '<>': return v !== c.value;
  }
}

/** Which section formats `v`, and whether a minus sign must be added in front. */
function pickSection(sections: readonly Section[], v: number): { section: Section; sign: boolean } | null {
  if (sections.some((s) => s.condition)) {
    for (const s of sections) {
      if (s.condition && matches(s.condition, v)) return { section: s, sign: v < 0 && !s.condition.op.startsWith('<') };
    }
    const fallback = sections.find((s) => !s.condition);
    return fallback ? { section: fallback, sign: v < 0 } : null;
  }
  const [pos, neg, zero] = sections;
  if (!pos) return null;
  if (v < 0 && neg) return { section: neg, sign: false };
  if (v === 0 && zero) return { section: zero, sign: false };
  return { section: pos, sign: v < 0 };
}

function literalText(tokens: readonly Token[]): string {
  return tokens.map((t) => (t.kind === 'lit' ? t.text : t.kind === 'percent' ? '%' : t.kind === 'point' ? '.' : '')).join('');
}

function slots(tokens: readonly Token[]): ('0' | '#' | '?')[] {
  const out: ('0' | '#' | '?')[] = [];
  for (const t of tokens) if (t.kind === 'digit') out.push(t.ch);
  return out;
}

/** Lay out the non-negative decimal `abs` in one section. */
function renderSection(tokens: readonly Token[], abs: string): string {
  const general = tokens.findIndex((t) => t.kind === 'general');
  if (general !== -1) {
    return literalText(tokens.slice(0, general)) + abs + literalText(tokens.slice(general + 1));
  }
  const firstDigit = tokens.findIndex((t) => t.kind === 'digit');
  if (firstDigit === -1) return literalText(tokens);
  // ".00": the point before the first placeholder still starts the number.
  const leadPoint = tokens.findIndex((t) => t.kind === 'point');
  const first = leadPoint !== -1 && leadPoint < firstDigit ? leadPoint : firstDigit;
  let last = tokens.length - 1;
  while (tokens[last]?.kind !== 'digit') last--;
  const prefix = tokens.slice(0, first);
  const suffix = tokens.slice(last + 1);
  const middle = tokens.slice(first, last + 1);
  const pointAt = middle.findIndex((t) => t.kind === 'point');
  const intPart = pointAt === -1 ? middle : middle.slice(0, pointAt);
  const decPart = pointAt === -1 ? [] : middle.slice(pointAt + 1);

  const percents = tokens.filter((t) => t.kind === 'percent').length;
  const scale = suffix.filter((t) => t.kind === 'comma').length;
  const grouping = intPart.some((t) => t.kind === 'comma');
  const decSlots = slots(decPart);
  const intSlots = slots(intPart);

  const scaled = shiftDecimal(abs, 2 * percents - 3 * scale);
  const rounded = roundDecimal(scaled, decSlots.length);

  // Fraction: trailing zeros under `#` vanish, under `?` become spaces.
  const fracChars = rounded.frac.split('');
  for (let i = fracChars.length - 1; i >= 0 && fracChars[i] === '0' && decSlots[i] !== '0'; i--) {
    fracChars[i] = decSlots[i] === '?' ? ' ' : '';
  }
  let fracOut = '';
  let fracIndex = 0;
  for (const t of decPart) {
    if (t.kind === 'digit') fracOut += fracChars[fracIndex++] ?? '';
    else if (t.kind === 'lit') fracOut += t.text;
  }

  // Integer: the leftmost `0` fixes the minimum number of digits.
  const firstZero = intSlots.findIndex((c) => c === '0');
  const minDigits = firstZero === -1 ? 0 : intSlots.length - firstZero;
  let digits = rounded.int === '0' ? '' : rounded.int;
  if (digits.length < minDigits) digits = digits.padStart(minDigits, '0');
  const hasInnerLiterals = intPart.some((t) => t.kind === 'lit');
  let intOut: string;
  if (grouping || !hasInnerLiterals) {
    const padSpaces = intSlots.slice(0, Math.max(0, intSlots.length - digits.length)).filter((c) => c === '?').length;
    intOut = ' '.repeat(padSpaces) + (grouping ? group(digits) : digits);
  } else {
    // Fill placeholders right to left so literals keep their place ("000-0000").
    const parts: string[] = [];
    let remaining = digits;
    let slotsLeft = intSlots.length;
    for (let i = intPart.length - 1; i >= 0; i--) {
      const t = intPart[i]!;
      if (t.kind === 'lit') parts.unshift(t.text);
      else if (t.kind === 'digit') {
        slotsLeft--;
        const take = slotsLeft === 0 ? remaining : remaining.slice(-1);
        remaining = slotsLeft === 0 ? '' : remaining.slice(0, -1);
        parts.unshift(take !== '' ? take : t.ch === '?' ? ' ' : '');
      }
    }
    intOut = parts.join('');
  }

  const body = fracOut.trim() === '' && !decSlots.includes('?') ? intOut : `${intOut}.${fracOut}`;
  return literalText(prefix) + body + literalText(suffix.filter((t) => t.kind !== 'comma'));
}

const PLAIN = /^-?\d+(\.\d+)?$/;

/**
 * Format a plain decimal string (`-1234.5`) with an Excel-style format. Returns undefined
 * when the format uses something unsupported or `text` is not a plain decimal.
 */
export function formatDecimal(text: string, format: string): string | undefined {
  if (!PLAIN.test(text)) return undefined;
  const sections = parseFormat(format);
  if (!sections) return undefined;
  const negative = text.startsWith('-');
  const abs = negative ? text.slice(1) : text;
  const value = Number(text);
  const picked = pickSection(sections, value);
  if (!picked) return undefined;
  const out = renderSection(picked.section.tokens, abs);
  // No "-0.00": a negative value that rounds to zero loses its sign.
  return picked.sign && /[1-9]/.test(out) ? `-${out}` : out;
}

/** Thousands separators on a plain decimal string; the fraction is kept as is. */
export function groupDecimal(text: string): string {
  const negative = text.startsWith('-');
  const { int, frac } = splitDecimal(negative ? text.slice(1) : text);
  return (negative ? '-' : '') + group(int) + (frac === '' ? '' : `.${frac}`);
}
