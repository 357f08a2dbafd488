/**
 * One shared string per spelling for the short words LookML repeats endlessly: keys
 * (`type`, `sql`), bare values (`number`, `yes`) and common names (`id`, `count`).
 *
 * Why: a large project's syntax tree holds hundreds of thousands of these. Sharing them
 * keeps the tree small, and a smaller tree is cheaper for the garbage collector, which
 * otherwise copies every fresh string the tree keeps. The shared copies are V8's own
 * canonical ones (see `internalize`), so the model stage compares them with string
 * literals by identity and uses them as object keys without hashing them again.
 *
 * The table is looked up straight from the source text, so a word seen before costs
 * no allocation at all. It is bounded: unusual inputs cannot grow it without limit.
 */

export const SLOTS = 1 << 14;
/** Half full at most, so probe sequences stay short; later new words are simply not shared. */
const MAX_ENTRIES = SLOTS >> 1;
/** Longer words are rarely repeated (generated names, expressions): not worth hashing. */
const MAX_LENGTH = 40;

const words: string[] = new Array<string>(SLOTS).fill('');
const hashes = new Int32Array(SLOTS);
let entries = 0;

/**
 * The hash `internSlice` expects: fold each char code in, starting from 0. The scanners
 * compute it while they read the word, so no second pass over it is needed.
 */
export function wordHash(h: number, c: number): number {
  return (Math.imul(h, 31) + c) | 0;
}

/** `src.slice(start, end)`, shared with every earlier occurrence of the same word; `h` is its `wordHash`. */
export function internSlice(src: string, start: number, end: number, h: number): string {
  const id = internId(src, start, end, h);
  return id < 0 ? src.slice(start, end) : words[id]!;
}

/**
 * The table slot of the word `src.slice(start, end)` (added if new), or -1 when it is not
 * shared (too long, or the table is full). Slots never change: `wordAt` reads them back, so
 * a syntax tree can store a small number instead of the string.
 */
export function internId(src: string, start: number, end: number, h: number): number {
  const len = end - start;
  if (len > MAX_LENGTH || len === 0) return -1;
  let slot = h & (SLOTS - 1);
  for (;;) {
    const w = words[slot]!;
    if (w === '') break;
    if (hashes[slot] === h && w.length === len && sameChars(w, src, start)) return slot;
    slot = (slot + 1) & (SLOTS - 1);
  }
  if (entries >= MAX_ENTRIES) return -1;
  words[slot] = internalize(src.slice(start, end));
  hashes[slot] = h;
  entries++;
  return slot;
}

/** The word in slot `id` (from `internId`). */
export function wordAt(id: number): string {
  return words[id]!;
}

function sameChars(word: string, src: string, start: number): boolean {
  for (let k = 0; k < word.length; k++) if (word.charCodeAt(k) !== src.charCodeAt(start + k)) return false;
  return true;
}

/**
 * V8's canonical copy of `s`: the engine keeps one copy of every string used as a
 * property name, and reading a name back returns that copy.
 */
function internalize(s: string): string {
  const o: Record<string, true> = {};
  o[s] = true;
  // `__proto__` is not stored as a key; integer-like names come back as fresh strings: both fine.
  return Object.keys(o)[0] ?? s;
}
