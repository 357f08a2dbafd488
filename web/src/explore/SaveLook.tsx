// "Save as Look": a title and a folder (the user's personal folder by default) → POST /looks.
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api.ts';
import { messageOf, useLoad } from '../load.ts';
import type { ApiUser, FolderBase, Look, Query } from '../looker.ts';
import { Dialog } from '../shell/Dialog.tsx';

interface Props {
  /** Makes the query to save (the explore's current state). */
  makeQuery: () => Promise<Query>;
  onClose: () => void;
}

export function SaveLookDialog({ makeQuery, onClose }: Props) {
  const navigate = useNavigate();
  const [folders] = useLoad<FolderBase[]>('/folders');
  const [user] = useLoad<ApiUser>('/user');
  const [title, setTitle] = useState('');
  const [folderChoice, setFolderChoice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const writable = folders.state === 'ready' ? folders.value.filter((f) => f.can.edit_content === true) : [];
  const folderId = folderChoice ?? (user.state === 'ready' ? user.value.personal_folder_id : null) ?? writable[0]?.id ?? '';

  const save = async (e: { preventDefault(): void }): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const query = await makeQuery();
      const look = await api<Look>('POST', '/looks', { title: title.trim(), query_id: query.id, folder_id: folderId });
      onClose();
      void navigate(`/looks/${encodeURIComponent(look.id)}`);
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };

  return (
    <Dialog title="Save as Look" testId="save-look-dialog" onClose={onClose}>
      <form onSubmit={(e) => { void save(e); }} className="form-stack">
        <label className="field-label" htmlFor="save-look-title">Title</label>
        <input id="save-look-title" data-testid="save-look-title" required value={title} autoFocus
          onChange={(e) => { setTitle(e.target.value); }} />
        <label className="field-label" htmlFor="save-look-folder">Folder</label>
        <select id="save-look-folder" data-testid="save-look-folder" value={folderId} onChange={(e) => { setFolderChoice(e.target.value); }}>
          {writable.map((f) => <option key={f.id} value={f.id}>{f.name}</option>)}
        </select>
        {folders.state === 'error' && <p className="error small">{folders.message}</p>}
        {error !== null && <p className="error" role="alert" data-testid="save-look-error">{error}</p>}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" data-testid="save-look-submit" disabled={busy || title.trim() === '' || folderId === ''}>Save</button>
        </div>
      </form>
    </Dialog>
  );
}
