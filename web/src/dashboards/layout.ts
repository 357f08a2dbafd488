// Where each tile goes: the active layout's components on Looker's 24-column grid; tiles without a
// component flow after the placed ones.
import type { Dashboard, DashboardElement, DashboardLayout } from '../looker.ts';
import { visType, type VisType } from '../vis/types.ts';

export interface Placement { row: number; column: number; width: number; height: number }

export interface PlacedElement { element: DashboardElement; placement: Placement | null }

export const GRID_COLUMNS = 24;

function n(v: number | null, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** The layout the dashboard shows (its active one). */
export function activeLayout(d: Dashboard): DashboardLayout | undefined {
  return d.dashboard_layouts.find((l) => l.active) ?? d.dashboard_layouts[0];
}

/** Layout component ids of the shown layout, by element id (what edits of a tile's place update). */
export function componentIds(d: Dashboard): Map<string, string> {
  return new Map((activeLayout(d)?.dashboard_layout_components ?? []).filter((c) => !c.deleted).map((c) => [c.dashboard_element_id, c.id]));
}

/** Tiles in reading order with their places; `overrides` (by element id) are unsaved or just-saved moves. */
export function placedElements(d: Dashboard, overrides?: ReadonlyMap<string, Placement>): PlacedElement[] {
  const layout = activeLayout(d);
  const byElement = new Map<string, Placement>();
  for (const c of layout?.dashboard_layout_components ?? []) {
    if (c.deleted) continue;
    const column = Math.min(Math.max(n(c.column, 0), 0), GRID_COLUMNS - 1);
    byElement.set(c.dashboard_element_id, {
      row: Math.max(n(c.row, 0), 0), column,
      width: Math.min(Math.max(n(c.width, 8), 1), GRID_COLUMNS - column), height: Math.max(n(c.height, 6), 1),
    });
  }
  const out = d.dashboard_elements.map((element) => ({ element, placement: overrides?.get(element.id) ?? byElement.get(element.id) ?? null }));
  // Reading order (row, then column) is also the order of the single-column layout.
  return out.sort((a, b) => {
    if (a.placement === null || b.placement === null) return (a.placement === null ? 1 : 0) - (b.placement === null ? 1 : 0);
    return a.placement.row - b.placement.row || a.placement.column - b.placement.column;
  });
}

export function gridStyle(p: Placement | null): Record<string, string> {
  if (p === null) return { gridColumn: 'span 12', gridRow: 'span 6', '--tile-rows': '6' };
  return {
    gridColumn: `${p.column + 1} / span ${p.width}`,
    gridRow: `${p.row + 1} / span ${p.height}`,
    '--tile-rows': String(p.height),
  };
}

/** The merge query a merged-results tile shows (`merge_result_id`), or null for other tiles. */
export function mergeResultId(e: DashboardElement): string | null {
  // Only tiles without a query or look of their own run their merge query (as the server does).
  if (e.query_id !== null || e.look_id !== null) return null;
  const id = (e as DashboardElement & { merge_result_id?: unknown }).merge_result_id;
  return typeof id === 'string' && id !== '' ? id : null;
}

/** Whether a tile runs a query or a merge query (text tiles do not). */
export function isRunnable(e: DashboardElement): boolean {
  if (e.type === 'text') return false;
  return (e.result_maker?.query_id ?? e.query_id ?? e.look?.query_id ?? e.look_id ?? mergeResultId(e)) !== null;
}

/** How a tile draws its result (a merged-results tile's result_maker carries its merge query's vis_config). */
export function tileVisType(e: DashboardElement): VisType {
  if (e.type === 'single_value') return 'single_value';
  if (e.type === 'table') return 'looker_grid';
  return visType(e.result_maker?.vis_config?.type ?? e.query?.vis_config?.type ?? e.look?.query?.vis_config?.type ?? 'looker_grid');
}

export function tileTitle(e: DashboardElement): string {
  return e.title ?? e.title_text ?? e.look?.title ?? '';
}
