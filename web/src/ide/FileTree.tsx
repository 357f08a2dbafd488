// The files of the user's workspace as folders and files, with each file's uncommitted (A/M/D) and
// unsaved (•) state, plus new/rename/delete in dev mode.
import { useState, type SubmitEvent } from 'react';
import { ConfirmButton } from './ConfirmButton.tsx';
import type { ProjectFile } from './types.ts';
import { ActionButton } from '../shell/ActionButton.tsx';

interface Folder {
  name: string;
  path: string;
  folders: Map<string, Folder>;
  files: ProjectFile[];
}

function buildTree(files: readonly ProjectFile[]): Folder {
  const root: Folder = { name: '', path: '', folders: new Map(), files: [] };
  for (const file of files) {
    const parts = file.path.split('/');
    let folder = root;
    for (const part of parts.slice(0, -1)) {
      let next = folder.folders.get(part);
      if (!next) {
        next = { name: part, path: folder.path === '' ? part : `${folder.path}/${part}`, folders: new Map(), files: [] };
        folder.folders.set(part, next);
      }
      folder = next;
    }
    folder.files.push(file);
  }
  return root;
}

const STATUS_MARK: Record<string, string> = { add: 'A', modify: 'M', delete: 'D' };

interface FileTreeProps {
  files: readonly ProjectFile[];
  selected: string | null;
  dirty: ReadonlySet<string>;
  editable: boolean;
  busy: boolean;
  onOpen: (path: string) => void;
  onCreate: (path: string) => void;
  onRename: (path: string, newPath: string) => void;
  onDelete: (path: string) => void;
}

function FolderView({ folder, props }: { folder: Folder; props: FileTreeProps }) {
  const { selected, dirty, onOpen } = props;
  return (
    <ul className="ide-tree-list">
      {[...folder.folders.values()].sort((a, b) => a.name.localeCompare(b.name)).map((sub) => (
        <li key={sub.path}>
          <details open>
            <summary className="ide-tree-folder">{sub.name}/</summary>
            <FolderView folder={sub} props={props} />
          </details>
        </li>
      ))}
      {folder.files.map((file) => {
        const action = file.git_status?.action ?? null;
        const deleted = action === 'delete';
        const name = file.path.slice(file.path.lastIndexOf('/') + 1);
        return (
          <li key={file.path}>
            <button type="button" data-testid={`ide-file-${file.path}`} disabled={deleted} aria-current={selected === file.path ? 'true' : undefined}
              className={`ide-tree-file${selected === file.path ? ' ide-tree-file-selected' : ''}${deleted ? ' ide-tree-file-deleted' : ''}`}
              title={file.git_status?.text ?? file.path} onClick={() => { onOpen(file.path); }}>
              <span className="ide-tree-name">{name}</span>
              {dirty.has(file.path) ? <span className="ide-tree-unsaved" title="Unsaved edits" aria-label="unsaved">•</span> : null}
              {action !== null ? <span className={`ide-tree-status ide-tree-status-${action}`} aria-label={action}>{STATUS_MARK[action] ?? '?'}</span> : null}
            </button>
          </li>
        );
      })}
    </ul>
  );
}

export function FileTree(props: FileTreeProps) {
  const { files, selected, editable, busy, onCreate, onRename, onDelete } = props;
  const [newPath, setNewPath] = useState('');
  const [renameTo, setRenameTo] = useState<string | null>(null);
  const tree = buildTree(files);

  const create = (e: SubmitEvent) => {
    e.preventDefault();
    const path = newPath.trim();
    if (busy || path === '') return;
    onCreate(path);
    setNewPath('');
  };
  const rename = (e: SubmitEvent) => {
    e.preventDefault();
    if (busy || selected === null || renameTo === null || renameTo.trim() === '') return;
    onRename(selected, renameTo.trim());
    setRenameTo(null);
  };

  return (
    <nav className="ide-tree" aria-label="Project files">
      <div data-testid="ide-file-tree">
        {files.length === 0 ? <p className="ide-muted">This project has no files yet.</p> : <FolderView folder={tree} props={props} />}
      </div>
      {editable ? (
        <div className="ide-tree-actions">
          <form onSubmit={create} className="ide-inline-form">
            <label htmlFor="ide-new-file-path" className="ide-sr-only">New file path</label>
            <input id="ide-new-file-path" data-testid="ide-new-file-path" placeholder="views/new.view.lkml" value={newPath}
              onChange={(e) => { setNewPath(e.target.value); }} />
            <ActionButton submit data-testid="ide-new-file" unavailable={busy || newPath.trim() === ''}>New file</ActionButton>
          </form>
          {selected !== null && renameTo === null ? (
            <div className="ide-inline-form">
              <ActionButton data-testid="ide-rename-file" unavailable={busy} onClick={() => { setRenameTo(selected); }}>Rename…</ActionButton>
              <ConfirmButton testId="ide-delete-file" question={`Delete ${selected}?`} disabled={busy} onConfirm={() => { onDelete(selected); }}>
                Delete
              </ConfirmButton>
            </div>
          ) : null}
          {selected !== null && renameTo !== null ? (
            <form onSubmit={rename} className="ide-inline-form">
              <label htmlFor="ide-rename-path" className="ide-sr-only">New name for {selected}</label>
              <input id="ide-rename-path" data-testid="ide-rename-path" value={renameTo} onChange={(e) => { setRenameTo(e.target.value); }} />
              <ActionButton submit unavailable={busy}>Rename</ActionButton>
              <button type="button" onClick={() => { setRenameTo(null); }}>Cancel</button>
            </form>
          ) : null}
        </div>
      ) : null}
    </nav>
  );
}
