// Which tiles a dashboard filter updates: a tile listens through its result maker's `filterables`
// (`{dashboard_filter_name, field}` entries); saving a filter's "tiles to update" rewrites them.
import { api } from '../api.ts';
import type { DashboardElement, ListenEntry, Query } from '../looker.ts';

export const FILTER_TYPES = [
  { value: 'field_filter', label: 'Field' },
  { value: 'string_filter', label: 'Text' },
  { value: 'number_filter', label: 'Number' },
  { value: 'date_filter', label: 'Date' },
] as const;

export function filterTypeLabel(type: string | null): string {
  return FILTER_TYPES.find((t) => t.value === type)?.label ?? type ?? 'Filter';
}

/** The query a tile runs (its own, or its look's); null for text tiles. */
export function tileQuery(e: DashboardElement): Query | null {
  if (e.type === 'text') return null;
  return e.result_maker?.query ?? e.query ?? e.look?.query ?? null;
}

export function listenOf(e: DashboardElement): ListenEntry[] {
  return (e.result_maker?.filterables ?? []).flatMap((f) => f.listen);
}

/** Tiles on `model`/`explore`: the ones a new field filter on that explore updates by default. */
export function tilesOnExplore(elements: readonly DashboardElement[], model: string, explore: string): Set<string> {
  return new Set(elements.filter((e) => {
    const q = tileQuery(e);
    return q !== null && q.model === model && q.view === explore;
  }).map((e) => e.id));
}

export function tilesListeningTo(elements: readonly DashboardElement[], filterName: string): Set<string> {
  return new Set(elements.filter((e) => listenOf(e).some((l) => l.dashboard_filter_name === filterName)).map((e) => e.id));
}

function same(a: readonly ListenEntry[], b: readonly ListenEntry[]): boolean {
  const text = (list: readonly ListenEntry[]) => JSON.stringify(list.map((l) => [l.dashboard_filter_name, l.field]));
  return text(a) === text(b);
}

/**
 * Makes exactly the tiles in `listening` listen to filter `name` on `field` (null: none), after a
 * save that may have renamed it from `oldName` (the server renames existing entries itself).
 * Returns how many tiles changed.
 */
export async function saveTileListeners(
  elements: readonly DashboardElement[], name: string, oldName: string | null, field: string | null, listening: ReadonlySet<string>,
): Promise<number> {
  let changed = 0;
  for (const e of elements) {
    const q = tileQuery(e);
    if (q === null) continue;
    const current = listenOf(e).map((l) => (oldName !== null && l.dashboard_filter_name === oldName ? { ...l, dashboard_filter_name: name } : l));
    const others = current.filter((l) => l.dashboard_filter_name !== name);
    const next = field !== null && listening.has(e.id) ? [...others, { dashboard_filter_name: name, field }] : others;
    if (same(current, next)) continue;
    await api('PATCH', `/dashboard_elements/${encodeURIComponent(e.id)}`, {
      result_maker: { filterables: [{ model: q.model, view: q.view, listen: next }] },
    });
    changed += 1;
  }
  return changed;
}
