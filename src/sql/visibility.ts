/**
 * Queries may only name fields the explore exposes (explore and join `fields:` lists);
 * LookML SQL may still reference hidden or excluded fields, as in Looker.
 */
import { exploreFields } from '../model/explore-fields.ts';
import type { Explore, Model } from '../model/types.ts';
import { QueryError } from './errors.ts';

const visibleCache = new WeakMap<Explore, ReadonlySet<string>>();

export function checkFieldsVisible(model: Model, explore: Explore, names: Iterable<string>): void {
  let visible = visibleCache.get(explore);
  if (!visible) {
    visible = new Set(exploreFields(model, explore).keys());
    visibleCache.set(explore, visible);
  }
  for (const name of names) {
    if (!visible.has(name)) {
      throw new QueryError('query/field-not-in-explore', `Field '${name}' is not available in explore '${explore.name}' (excluded by its fields: list).`, name);
    }
  }
}
