// A tile's move and resize buttons in the dashboard's edit mode. Buttons that cannot act (grid
// edge, minimum size) stay focusable (aria-disabled), so pressing one repeatedly never loses focus.
import { ActionButton } from '../shell/ActionButton.tsx';
import type { Placement } from './layout.ts';
import { ACTION_LABELS, LAYOUT_ACTIONS, applyAction, placementText, type LayoutAction } from './layout-edit.ts';

interface Props {
  title: string;
  placement: Placement | null;
  movable: boolean;
  onMove: (action: LayoutAction) => void;
}

export function TileLayoutControls({ title, placement, movable, onMove }: Props) {
  if (placement === null || !movable) {
    return <p className="tile-layout muted small" data-testid="tile-layout">This tile has no place in the layout to change.</p>;
  }
  const name = title === '' ? 'this tile' : title;
  return (
    <div className="tile-layout" role="group" aria-label={`Position and size of ${name}`} data-testid="tile-layout">
      {LAYOUT_ACTIONS.map((a) => (
        <ActionButton key={a} className="icon-button tile-layout-button" data-testid={`tile-${a}`} title={ACTION_LABELS[a].label}
          aria-label={`${ACTION_LABELS[a].label}: ${name}`} unavailable={applyAction(placement, a) === null} onClick={() => { onMove(a); }}>
          <span aria-hidden="true">{ACTION_LABELS[a].text}</span>
        </ActionButton>
      ))}
      <span className="small muted tile-placement" data-testid="tile-placement"
        data-row={placement.row} data-column={placement.column} data-width={placement.width} data-height={placement.height}>
        {placementText(placement)}
      </span>
    </div>
  );
}
