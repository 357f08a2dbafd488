// `fields=` response filtering. Looker's spec only says "Requested fields"; observed behaviour
// (API 3.1/4.0: `fields=name,id,looks(id,title)`) is a comma-separated list of property names where
// `name(sub,…)` narrows a nested object or each object of a nested array. Unknown names are ignored.
import { ApiError } from './errors.ts';

/** Selected names → sub-selection (null = the whole value). */
export type FieldSelection = Map<string, FieldSelection | null>;

export function parseFields(text: string): FieldSelection | null {
  let pos = 0;
  const fail = (why: string): never => {
    throw new ApiError('bad_fields', { args: [why] });
  };
  const parseList = (depth: number): FieldSelection => {
    const selection: FieldSelection = new Map();
    for (;;) {
      const start = pos;
      while (pos < text.length && !',()'.includes(text.charAt(pos))) pos++;
      const name = text.slice(start, pos).trim();
      let sub: FieldSelection | null = null;
      if (text.charAt(pos) === '(') {
        if (name === '') fail(`'(' without a field name at position ${pos + 1}`);
        pos++;
        sub = parseList(depth + 1);
        if (text.charAt(pos) !== ')') fail(`missing ')' for '${name}'`);
        pos++;
        while (pos < text.length && text.charAt(pos).trim() === '') pos++;
      }
      if (name !== '') selection.set(name, mergeSelection(selection.get(name), sub));
      // At the end of a nested list the caller reports the missing ')' with the field's name.
      if (pos >= text.length) return selection;
      const c = text.charAt(pos);
      if (c === ')') {
        if (depth === 0) fail(`unexpected ')' at position ${pos + 1}`);
        return selection;
      }
      if (c !== ',') fail(`unexpected '${c}' at position ${pos + 1}`);
      pos++;
    }
  };
  const selection = parseList(0);
  return selection.size === 0 ? null : selection;
}

// `fields=a,a(b)` asks for all of `a`: a whole-value request wins over a narrower one.
function mergeSelection(previous: FieldSelection | null | undefined, next: FieldSelection | null): FieldSelection | null {
  if (previous === undefined) return next;
  if (previous === null || next === null) return null;
  const merged: FieldSelection = new Map(previous);
  for (const [k, v] of next) merged.set(k, mergeSelection(merged.get(k), v));
  return merged;
}

export function applyFields(value: unknown, selection: FieldSelection): unknown {
  if (Array.isArray(value)) return value.map((item) => applyFields(item, selection));
  if (typeof value !== 'object' || value === null) return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, sub] of selection) {
    if (name === '__proto__' || !Object.hasOwn(source, name)) continue;
    const v = source[name];
    out[name] = sub === null ? v : applyFields(v, sub);
  }
  return out;
}
