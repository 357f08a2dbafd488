/**
 * Which measures need symmetric aggregates: the rows of a view repeat in the joined result
 * when some join on the query can match one of its rows many times.
 *
 * Joins form a tree: each join hangs off the alias its ON clause references that was joined
 * last (the base when none). `relationship` is read relative to that parent, as Looker does.
 */
import type { Relationship } from '../model/types.ts';

export interface JoinNode {
  readonly alias: string;
  readonly parent: string;
  readonly relationship: Relationship;
}

/**
 * Returns the oracle for one query: `alias` → must its measures be symmetric?
 * `joins` are the joins present in the query (never the base).
 */
export function fanoutOracle(baseAlias: string, joins: readonly JoinNode[]): (alias: string) => boolean {
  const byAlias = new Map(joins.map((j) => [j.alias, j]));
  const memo = new Map<string, boolean>();

  const pathOf = (alias: string): Set<string> => {
    const path = new Set<string>();
    let cur = byAlias.get(alias);
    while (cur && !path.has(cur.alias)) {
      path.add(cur.alias);
      cur = byAlias.get(cur.parent);
    }
    return path;
  };

  return (alias: string): boolean => {
    const hit = memo.get(alias);
    if (hit !== undefined) return hit;
    let repeats = false;
    const path = alias === baseAlias ? new Set<string>() : pathOf(alias);
    // Rows of this alias repeat when it, or a join between it and the base, is the "one" side of many.
    for (const a of path) {
      const rel = byAlias.get(a)?.relationship;
      if (rel === 'many_to_one' || rel === 'many_to_many') repeats = true;
    }
    // …or when any other join (not between it and the base) multiplies rows.
    for (const j of joins) {
      if (path.has(j.alias)) continue;
      if (j.relationship === 'one_to_many' || j.relationship === 'many_to_many') repeats = true;
    }
    memo.set(alias, repeats);
    return repeats;
  };
}
