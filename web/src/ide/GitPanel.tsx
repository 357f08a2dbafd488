// Git actions of the dev copy: uncommitted changes (discard), commit & push, pull, deploy, resets.
import { useState, type SubmitEvent } from 'react';
import { ConfirmButton } from './ConfirmButton.tsx';
import type { FileChange, GitBranch } from './types.ts';
import { ActionButton } from '../shell/ActionButton.tsx';

interface GitPanelProps {
  changes: readonly FileChange[];
  branch: GitBranch | null;
  editable: boolean;
  canDeploy: boolean;
  busy: boolean;
  /** Files with edits not saved yet: they are not part of a commit. */
  unsavedCount: number;
  onOpen: (path: string) => void;
  onDiscard: (paths?: string[]) => void;
  onCommit: (message: string) => Promise<boolean>;
  onPull: () => void;
  onDeploy: () => void;
  onResetProduction: () => void;
  onResetRemote: () => void;
}

export function GitPanel(props: GitPanelProps) {
  const { changes, branch, editable, canDeploy, busy, unsavedCount } = props;
  const [message, setMessage] = useState('');

  const commit = (e: SubmitEvent) => {
    e.preventDefault();
    if (busy || changes.length === 0 || message.trim() === '') return;
    void props.onCommit(message.trim()).then((ok) => { if (ok) setMessage(''); });
  };

  return (
    <section className="ide-git" aria-label="Git">
      <h2 className="ide-panel-title">Uncommitted changes</h2>
      <ul className="ide-changes" data-testid="ide-changes">
        {changes.length === 0 ? <li className="ide-muted">No uncommitted changes.</li> : null}
        {changes.map((c) => (
          <li key={c.path} className="ide-change" data-testid="ide-change-item" data-path={c.path} data-action={c.action}>
            <span className={`ide-tree-status ide-tree-status-${c.action}`}>{c.action}</span>
            {c.action === 'delete'
              ? <span className="ide-change-path">{c.path}</span>
              : <button type="button" className="ide-link" onClick={() => { props.onOpen(c.path); }}>{c.path}</button>}
            {editable ? (
              <ActionButton data-testid={`ide-discard-${c.path}`} unavailable={busy} title={`Discard changes to ${c.path}`}
                onClick={() => { props.onDiscard([c.path]); }}>Discard</ActionButton>
            ) : null}
          </li>
        ))}
      </ul>
      {editable && changes.length > 0 ? (
        <ConfirmButton testId="ide-discard-all" question="Discard all uncommitted changes?" disabled={busy} onConfirm={() => { props.onDiscard(); }}>
          Discard all
        </ConfirmButton>
      ) : null}
      {editable ? (
        <form className="ide-commit-form" onSubmit={commit}>
          <label htmlFor="ide-commit-message">Commit message</label>
          <textarea id="ide-commit-message" data-testid="ide-commit-message" rows={3} value={message}
            placeholder={`Describe your change to ${branch?.name ?? 'this branch'}`} onChange={(e) => { setMessage(e.target.value); }} />
          {unsavedCount > 0 ? <p className="ide-warning">{unsavedCount} file(s) have unsaved edits; only saved changes are committed.</p> : null}
          <ActionButton submit className="ide-primary" data-testid="ide-commit" unavailable={busy || changes.length === 0 || message.trim() === ''}>
            Commit &amp; Push
          </ActionButton>
        </form>
      ) : null}
      {editable ? (
        <div className="ide-git-actions">
          <ActionButton data-testid="ide-pull" unavailable={busy} onClick={props.onPull}>Pull from remote</ActionButton>
          {canDeploy ? (
            <ActionButton data-testid="ide-deploy" unavailable={busy || changes.length > 0}
              title={changes.length > 0 ? 'Commit or discard your changes first' : `Deploy ${branch?.name ?? 'this branch'} to production`}
              onClick={props.onDeploy}>Deploy to production</ActionButton>
          ) : null}
          <ConfirmButton testId="ide-reset-production" question="Reset this branch to production? Uncommitted changes are lost." disabled={busy}
            onConfirm={props.onResetProduction}>Reset to production</ConfirmButton>
          <ConfirmButton testId="ide-reset-remote" question="Reset this branch to its remote? Uncommitted changes are lost." disabled={busy}
            onConfirm={props.onResetRemote}>Reset to remote</ConfirmButton>
        </div>
      ) : null}
    </section>
  );
}
