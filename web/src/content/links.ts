// Links into the explore for saved queries.
import { exploreUrl, stateFromQuery } from '../explore/url-state.ts';
import type { Query } from '../looker.ts';

export function explore(query: Query, prefix = ''): string {
  return exploreUrl(query.model, query.view, stateFromQuery(query), prefix);
}
