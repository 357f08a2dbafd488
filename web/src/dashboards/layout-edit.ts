// Moving and resizing tiles on the 24-column grid, newspaper style: the tile that moved keeps its
// new place and any tile it now overlaps is pushed down (and so on below it). Plain functions.
import { GRID_COLUMNS, type Placement } from './layout.ts';

export const LAYOUT_ACTIONS = ['up', 'down', 'left', 'right', 'narrower', 'wider', 'shorter', 'taller'] as const;
export type LayoutAction = (typeof LAYOUT_ACTIONS)[number];

export const ACTION_LABELS: Readonly<Record<LayoutAction, { text: string; label: string }>> = {
  up: { text: '↑', label: 'Move up' },
  down: { text: '↓', label: 'Move down' },
  left: { text: '←', label: 'Move left' },
  right: { text: '→', label: 'Move right' },
  narrower: { text: '⇤', label: 'Narrower' },
  wider: { text: '⇥', label: 'Wider' },
  shorter: { text: '⤒', label: 'Shorter' },
  taller: { text: '⤓', label: 'Taller' },
};

/** The placement after `action`, or null when the tile cannot go that way (grid edge, minimum size). */
export function applyAction(p: Placement, action: LayoutAction): Placement | null {
  const next = { ...p };
  switch (action) {
    case 'up': next.row -= 1; break;
    case 'down': next.row += 1; break;
    case 'left': next.column -= 1; break;
    case 'right': next.column += 1; break;
    case 'narrower': next.width -= 1; break;
    case 'wider': next.width += 1; break;
    case 'shorter': next.height -= 1; break;
    case 'taller': next.height += 1; break;
  }
  const fits = next.row >= 0 && next.column >= 0 && next.width >= 1 && next.height >= 1 && next.column + next.width <= GRID_COLUMNS;
  return fits ? next : null;
}

export function overlaps(a: Placement, b: Placement): boolean {
  return a.column < b.column + b.width && b.column < a.column + a.width && a.row < b.row + b.height && b.row < a.row + a.height;
}

/**
 * All placements after tile `moved` took `to`: other tiles keep their places unless they overlap a
 * tile already settled (the moved one first, then the others top to bottom), in which case they go
 * down just below it.
 */
export function settle(placements: ReadonlyMap<string, Placement>, moved: string, to: Placement): Map<string, Placement> {
  const settled = new Map<string, Placement>([[moved, to]]);
  const others = [...placements.entries()]
    .filter(([id]) => id !== moved)
    .sort(([, a], [, b]) => a.row - b.row || a.column - b.column);
  for (const [id, original] of others) {
    const p = { ...original };
    for (let hit = [...settled.values()].find((s) => overlaps(s, p)); hit !== undefined; hit = [...settled.values()].find((s) => overlaps(s, p))) {
      p.row = hit.row + hit.height;
    }
    settled.set(id, p);
  }
  return settled;
}

/** The tiles whose placement differs between `before` and `after`. */
export function changedPlacements(before: ReadonlyMap<string, Placement>, after: ReadonlyMap<string, Placement>): [string, Placement][] {
  return [...after.entries()].filter(([id, p]) => {
    const b = before.get(id);
    return b === undefined || b.row !== p.row || b.column !== p.column || b.width !== p.width || b.height !== p.height;
  });
}

export function placementText(p: Placement): string {
  return `Row ${p.row + 1}, column ${p.column + 1}, ${p.width} wide, ${p.height} high`;
}
