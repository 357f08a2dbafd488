/**
 * Parts of a rebuilt view that equal the earlier build's, taken from it: a dev copy's edit to one
 * view leaves most of its fields as they were (same text, same place), and they are most of what
 * a view weighs. The IR is plain, immutable data, so an equal object serves as well as a copy.
 */
import type { Field, View } from './types.ts';

/** Same JSON: the same keys in the same order, and equal values (so sharing changes no output). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra);
  const kb = Object.keys(rb);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    if (k !== kb[i] || !sameJson(ra[k], rb[k])) return false;
  }
  return true;
}

/** `now`, or `was` when it is the same JSON. */
function either<T>(now: T, was: T | undefined): T {
  return was !== undefined && sameJson(now, was) ? was : now;
}

/** `view`, with each field (and its sets, parameters, derived table) equal to `before`'s taken from `before`. */
export function shareWith(view: View, before: View | undefined): View {
  if (before === undefined || before === view) return view;
  const old = new Map<string, Field>();
  for (const f of before.fields) old.set(f.name, f);
  const fields = view.fields.map((f) => either(f, old.get(f.name)));
  // Replacing members keeps their places, so the JSON is the same.
  return {
    ...view,
    fields,
    sets: either(view.sets, before.sets),
    params: either(view.params, before.params),
    ...(view.paramLocs === undefined ? {} : { paramLocs: either(view.paramLocs, before.paramLocs) }),
    ...(view.derivedTable === undefined ? {} : { derivedTable: either(view.derivedTable, before.derivedTable) }),
  };
}
