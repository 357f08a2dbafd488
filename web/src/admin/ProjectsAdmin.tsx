// `/admin/projects`: LookML projects, creating one (Development Mode only, as in Looker), deleting
// one, and links into the IDE.
import { useState, type SubmitEvent } from 'react';
import { Link } from 'react-router';
import { api } from '../api.ts';
import type { Project } from './types.ts';
import { messageOf, useApi } from './useApi.ts';
import { ActionButton } from '../shell/ActionButton.tsx';

export function ProjectsAdmin({ workspace }: { workspace: 'production' | 'dev' }) {
  const [projects, reload] = useApi<Project[]>('/projects');
  const [name, setName] = useState('');
  const [remote, setRemote] = useState('');
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  const inDev = workspace === 'dev';

  const act = async (fn: () => Promise<string>) => {
    setBusy(true);
    try {
      setNotice({ kind: 'info', text: await fn() });
    } catch (e) {
      setNotice({ kind: 'error', text: messageOf(e) });
    } finally {
      setBusy(false);
      reload();
    }
  };

  const create = (e: SubmitEvent) => {
    e.preventDefault();
    if (!inDev || busy || name.trim() === '') return;
    void act(async () => {
      const body = { name: name.trim(), ...(remote.trim() === '' ? {} : { git_remote_url: remote.trim() }) };
      const project = await api<Project>('POST', '/projects', body);
      setName('');
      setRemote('');
      return `Created project ${project.id}.`;
    });
  };

  const remove = (id: string) => void act(async () => {
    setConfirming(null);
    await api<null>('DELETE', `/projects/${encodeURIComponent(id)}`);
    return `Deleted project ${id}.`;
  });

  const enterDev = () => void act(async () => {
    await api<unknown>('PATCH', '/session', { workspace_id: 'dev' });
    window.location.reload();
    return 'Entering Development Mode…';
  });

  return (
    <section aria-label="Projects">
      {notice !== null ? (
        <p className={`admin-notice admin-notice-${notice.kind}`} data-testid="admin-status" role={notice.kind === 'error' ? 'alert' : 'status'}>{notice.text}</p>
      ) : null}
      {projects.state === 'loading' ? <p className="admin-muted">Loading projects…</p> : null}
      {projects.state === 'error' ? <p className="admin-error" role="alert">Cannot list projects: {projects.message}</p> : null}
      {projects.state === 'ready' ? (
        <table className="admin-table" data-testid="admin-projects">
          <thead><tr><th>Project</th><th>Git remote</th><th>Production branch</th><th>Deployed</th><th><span className="admin-sr-only">Actions</span></th></tr></thead>
          <tbody>
            {projects.value.length === 0 ? <tr><td colSpan={5} className="admin-muted">No projects yet.</td></tr> : null}
            {projects.value.map((p) => (
              <tr key={p.id} data-testid={`admin-project-${p.id}`}>
                <td>{p.name}</td>
                <td className="admin-mono">{p.git_remote_url ?? (p.git_service_name === 'bare' ? 'hosted by Overlook' : '—')}</td>
                <td className="admin-mono">{p.git_production_branch_name ?? '—'}</td>
                <td>{p.has_production_counterpart ? 'yes' : 'not yet'}</td>
                <td><div className="admin-actions">
                  <Link to={`/projects/${encodeURIComponent(p.id)}/ide`} data-testid={`admin-project-ide-${p.id}`}>Open in IDE</Link>
                  {inDev && confirming !== p.id ? (
                    <ActionButton data-testid={`admin-project-delete-${p.id}`} unavailable={busy} onClick={() => { setConfirming(p.id); }}>Delete</ActionButton>
                  ) : null}
                  {inDev && confirming === p.id ? (
                    <>
                      <span>Delete {p.id}? A repository hosted by Overlook is deleted too.</span>
                      <ActionButton autoFocus className="admin-danger" data-testid={`admin-project-delete-confirm-${p.id}`} unavailable={busy}
                        onClick={() => { remove(p.id); }}>Yes, delete</ActionButton>
                      <button type="button" onClick={() => { setConfirming(null); }}>Cancel</button>
                    </>
                  ) : null}
                </div></td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <form className="admin-form" onSubmit={create} aria-label="New project">
        <h2 className="admin-subtitle">New project</h2>
        {!inDev ? (
          <p className="admin-hint" data-testid="admin-project-dev-hint">
            Creating a project needs Development Mode (as in Looker).{' '}
            <ActionButton data-testid="admin-project-enter-dev" unavailable={busy} onClick={enterDev}>Enter Development Mode</ActionButton>
          </p>
        ) : null}
        <div className="admin-grid">
          <label>Name<input data-testid="admin-project-name" required value={name} disabled={!inDev} onChange={(e) => { setName(e.target.value); }} /></label>
          <label>Git remote URL (optional)
            <input data-testid="admin-project-remote" value={remote} disabled={!inDev} placeholder="empty: Overlook hosts the repository"
              onChange={(e) => { setRemote(e.target.value); }} />
          </label>
        </div>
        <ActionButton submit className="admin-primary" data-testid="admin-project-create" unavailable={!inDev || busy || name.trim() === ''}>Create project</ActionButton>
      </form>
    </section>
  );
}
