// Editing where tiles sit: a move shows at once, then its layout components are saved in order
// (update_dashboard_layout_component); a failed save puts those tiles back and says why.
import { useCallback, useMemo, useRef, useState } from 'react';
import { api } from '../api.ts';
import { messageOf } from '../load.ts';
import type { Dashboard } from '../looker.ts';
import { componentIds, placedElements, type PlacedElement, type Placement } from './layout.ts';
import { applyAction, changedPlacements, settle, type LayoutAction } from './layout-edit.ts';

export interface LayoutStatus {
  kind: 'saving' | 'saved' | 'error';
  text: string;
}

export interface LayoutEditor {
  placed: PlacedElement[];
  status: LayoutStatus | null;
  /** Whether the tile has a layout component to save its place into. */
  movable: (elementId: string) => boolean;
  move: (elementId: string, action: LayoutAction) => void;
}

export function useLayoutEditor(dashboard: Dashboard): LayoutEditor {
  const [overrides, setOverrides] = useState<ReadonlyMap<string, Placement>>(new Map());
  const [status, setStatus] = useState<LayoutStatus | null>(null);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const pending = useRef(0);
  const placed = useMemo(() => placedElements(dashboard, overrides), [dashboard, overrides]);
  const ids = useMemo(() => componentIds(dashboard), [dashboard]);

  const movable = useCallback((elementId: string) => ids.has(elementId), [ids]);

  const move = useCallback((elementId: string, action: LayoutAction) => {
    const before = new Map<string, Placement>();
    for (const p of placed) if (p.placement !== null && ids.has(p.element.id)) before.set(p.element.id, p.placement);
    const from = before.get(elementId);
    const to = from === undefined ? null : applyAction(from, action);
    if (to === null) return;
    const changes = changedPlacements(before, settle(before, elementId, to));
    setOverrides((prev) => new Map([...prev, ...changes]));
    pending.current += 1;
    setStatus({ kind: 'saving', text: 'Saving the layout…' });
    queue.current = queue.current.then(async () => {
      try {
        for (const [id, p] of changes) {
          const componentId = ids.get(id);
          if (componentId === undefined) continue;
          await api('PATCH', `/dashboard_layout_components/${encodeURIComponent(componentId)}`, { row: p.row, column: p.column, width: p.width, height: p.height });
        }
        pending.current -= 1;
        if (pending.current === 0) setStatus({ kind: 'saved', text: 'Layout saved.' });
      } catch (e) {
        pending.current -= 1;
        setStatus({ kind: 'error', text: `The layout could not be saved: ${messageOf(e)}` });
        setOverrides((prev) => {
          const next = new Map(prev);
          for (const [id] of changes) {
            const b = before.get(id);
            if (b !== undefined) next.set(id, b);
          }
          return next;
        });
      }
    });
  }, [placed, ids]);

  return { placed, status, movable, move };
}
