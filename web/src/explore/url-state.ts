// An explore's query as URL state: `/explore/<model>/<explore>?fields=a,b&f[view.field]=expr&
// sorts=a desc&limit=500&pivots=b&vis=looker_column` — the expanded share URL that reproduces it.
import type { Query } from '../looker.ts';
import { visFromParam, visType, type VisType } from '../vis/types.ts';

export interface ExploreState {
  fields: string[];
  /** Field name → Looker filter expression, in the order the user added them. */
  filters: Record<string, string>;
  sorts: string[];
  pivots: string[];
  limit: string;
  vis: VisType;
}

export const DEFAULT_LIMIT = '500';

function list(value: string | null): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

export function stateFromSearch(params: URLSearchParams): ExploreState {
  const filters: Record<string, string> = {};
  for (const [k, v] of params) {
    const m = /^f\[(.+)\]$/.exec(k);
    if (m?.[1] !== undefined) filters[m[1]] = v;
  }
  return {
    fields: list(params.get('fields')),
    filters,
    sorts: list(params.get('sorts')),
    pivots: list(params.get('pivots')),
    limit: params.get('limit') ?? DEFAULT_LIMIT,
    vis: visFromParam(params.get('vis')) ?? 'looker_grid',
  };
}

/** Readable yet unambiguous: commas, brackets and colons stay as they are. */
function enc(text: string): string {
  return encodeURIComponent(text).replace(/%2C/g, ',').replace(/%5B/g, '[').replace(/%5D/g, ']').replace(/%3A/g, ':').replace(/%20/g, '+');
}

export function searchFromState(s: ExploreState): string {
  const parts: string[] = [];
  if (s.fields.length > 0) parts.push(`fields=${enc(s.fields.join(','))}`);
  for (const [k, v] of Object.entries(s.filters)) parts.push(`f[${enc(k)}]=${enc(v)}`);
  if (s.sorts.length > 0) parts.push(`sorts=${enc(s.sorts.join(','))}`);
  if (s.pivots.length > 0) parts.push(`pivots=${enc(s.pivots.join(','))}`);
  if (s.limit !== '') parts.push(`limit=${enc(s.limit)}`);
  parts.push(`vis=${enc(s.vis)}`);
  return parts.join('&');
}

export function exploreUrl(model: string, explore: string, s: ExploreState, prefix = ''): string {
  return `${prefix}/explore/${encodeURIComponent(model)}/${encodeURIComponent(explore)}?${searchFromState(s)}`;
}

export function stateFromQuery(q: Query): ExploreState {
  return {
    fields: [...q.fields],
    filters: { ...(q.filters ?? {}) },
    sorts: [...(q.sorts ?? [])],
    pivots: [...(q.pivots ?? [])],
    limit: q.limit ?? DEFAULT_LIMIT,
    vis: visType(q.vis_config?.type ?? 'looker_grid'),
  };
}

/** The body of `POST /queries` for this state. */
export function queryBody(model: string, explore: string, s: ExploreState): Record<string, unknown> {
  const pivots = s.pivots.filter((p) => s.fields.includes(p));
  return {
    model, view: explore, fields: s.fields, filters: s.filters,
    sorts: s.sorts.length > 0 ? s.sorts : null, pivots: pivots.length > 0 ? pivots : null,
    limit: s.limit === '' ? null : s.limit, vis_config: { type: s.vis },
  };
}

/** `field`, `field desc`: the field a sort entry names. */
export function sortField(entry: string): string {
  return entry.trim().split(/\s+/)[0] ?? '';
}

/**
 * Clicking a column header: an unsorted column becomes the only sort (descending for measures,
 * ascending otherwise); a sorted one flips. With `additive` the other sorts stay.
 */
export function nextSorts(sorts: readonly string[], field: string, isMeasure: boolean, additive: boolean): string[] {
  const current = sorts.find((s) => sortField(s) === field);
  const desc = current === undefined ? isMeasure : !/\sdesc\b/i.test(current);
  const entry = desc ? `${field} desc` : field;
  if (!additive) return [entry];
  return current === undefined ? [...sorts, entry] : sorts.map((s) => (s === current ? entry : s));
}
