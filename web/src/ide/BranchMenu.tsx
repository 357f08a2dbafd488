// The branch menu: the current branch, personal and shared branches to switch to, a new branch from
// the current one, and deleting a shared branch. Changing branches is for dev mode only.
import { useEffect, useRef, useState, type SubmitEvent } from 'react';
import { ConfirmButton } from './ConfirmButton.tsx';
import type { GitBranch } from './types.ts';
import { ActionButton } from '../shell/ActionButton.tsx';

interface BranchMenuProps {
  current: GitBranch | null;
  branches: readonly GitBranch[];
  canChange: boolean;
  busy: boolean;
  onSwitch: (name: string) => void;
  onCreate: (name: string) => void;
  onDelete: (name: string) => void;
}

function BranchRow({ b, props, close }: { b: GitBranch; props: BranchMenuProps; close: () => void }) {
  const { current, canChange, busy, onSwitch, onDelete } = props;
  const isCurrent = current?.name === b.name;
  const deletable = canChange && !isCurrent && !b.personal && !b.is_production;
  const counts = [
    b.ahead_count !== null && b.ahead_count > 0 ? `${b.ahead_count} ahead` : '',
    b.behind_count !== null && b.behind_count > 0 ? `${b.behind_count} behind` : '',
  ].filter((s) => s !== '').join(', ');
  return (
    <li className={`ide-branch-row${isCurrent ? ' ide-branch-current' : ''}`} data-testid={`ide-branch-${b.name}`}>
      <span className="ide-branch-name">{b.name}</span>
      {b.is_production ? <span className="ide-badge">production</span> : null}
      {b.personal && b.owner_name !== null ? <span className="ide-muted">{b.owner_name}{b.readonly ? ' (read-only)' : ''}</span> : null}
      {counts !== '' ? <span className="ide-muted">{counts}</span> : null}
      {isCurrent ? <span className="ide-badge">current</span> : null}
      {canChange && !isCurrent ? (
        <ActionButton data-testid={`ide-branch-switch-${b.name}`} unavailable={busy} onClick={() => { close(); onSwitch(b.name); }}>
          Switch
        </ActionButton>
      ) : null}
      {deletable ? (
        <ConfirmButton testId={`ide-branch-delete-${b.name}`} question={`Delete branch ${b.name} (also on the remote)?`} disabled={busy}
          onConfirm={() => { onDelete(b.name); }}>Delete</ConfirmButton>
      ) : null}
    </li>
  );
}

export function BranchMenu(props: BranchMenuProps) {
  const { current, branches, canChange, busy, onCreate } = props;
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const personal = branches.filter((b) => b.personal);
  const shared = branches.filter((b) => !b.personal);
  const close = () => { setOpen(false); };
  const rootRef = useRef<HTMLDivElement>(null);

  // A click anywhere outside the menu closes it, like any dropdown.
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (rootRef.current !== null && e.target instanceof Node && !rootRef.current.contains(e.target)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => { document.removeEventListener('mousedown', onDown); };
  }, [open]);

  const create = (e: SubmitEvent) => {
    e.preventDefault();
    if (busy || name.trim() === '') return;
    onCreate(name.trim());
    setName('');
    setOpen(false);
  };

  return (
    <div className="ide-branch" ref={rootRef}>
      <button type="button" className="ide-branch-button" data-testid="ide-branch-menu" aria-expanded={open} aria-controls="ide-branch-panel"
        onClick={() => { setOpen(!open); }}>
        <span className="ide-muted">Branch:</span> <span data-testid="ide-current-branch">{current?.name ?? '—'}</span> ▾
      </button>
      {open ? (
        <div id="ide-branch-panel" className="ide-branch-panel" role="dialog" aria-label="Git branches"
          onKeyDown={(e) => { if (e.key === 'Escape') close(); }}>
          {!canChange ? <p className="ide-muted">Enter Development Mode to switch or create branches.</p> : null}
          <h3>Personal branches</h3>
          <ul className="ide-branch-list">{personal.map((b) => <BranchRow key={b.name} b={b} props={props} close={close} />)}</ul>
          <h3>Shared branches</h3>
          <ul className="ide-branch-list">{shared.map((b) => <BranchRow key={b.name} b={b} props={props} close={close} />)}</ul>
          {canChange ? (
            <form onSubmit={create} className="ide-inline-form">
              <label htmlFor="ide-branch-new-name">New branch from {current?.name ?? 'the current branch'}</label>
              <input id="ide-branch-new-name" data-testid="ide-branch-new-name" value={name} placeholder="feature/my-change"
                onChange={(e) => { setName(e.target.value); }} />
              <ActionButton submit data-testid="ide-branch-create" unavailable={busy || name.trim() === ''}>Create</ActionButton>
            </form>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
