// "Add to dashboard": pick a dashboard the user may edit (or name a new one in the look's folder),
// add the look as a tile (POST /dashboard_elements) listening to the dashboard's filters on the
// look's explore, and open the dashboard.
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api.ts';
import { messageOf, useLoad } from '../load.ts';
import type { Dashboard, DashboardBase, ListenEntry, Look } from '../looker.ts';
import { Dialog } from '../shell/Dialog.tsx';

const NEW = '__new__';

export function listenFor(dashboard: Dashboard, model: string, explore: string): ListenEntry[] {
  return dashboard.dashboard_filters
    .filter((f) => f.model === model && f.explore === explore && f.dimension !== null && f.dimension !== '')
    .map((f) => ({ dashboard_filter_name: f.name, field: f.dimension ?? '' }));
}

export function AddToDashboardDialog({ look, onClose }: { look: Look; onClose: () => void }) {
  const navigate = useNavigate();
  const [dashboards] = useLoad<DashboardBase[]>('/dashboards');
  const editable = dashboards.state === 'ready' ? dashboards.value.filter((d) => !d.readonly && d.can?.update !== false) : [];
  const [choice, setChoice] = useState<string | null>(null);
  const [newTitle, setNewTitle] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const target = choice ?? editable[0]?.id ?? NEW;

  const add = async (e: { preventDefault(): void }): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const dashboardId = target === NEW
        ? (await api<Dashboard>('POST', '/dashboards', { title: newTitle.trim(), folder_id: look.folder_id })).id
        : target;
      const dashboard = await api<Dashboard>('GET', `/dashboards/${encodeURIComponent(dashboardId)}`);
      const q = look.query;
      const listen = q ? listenFor(dashboard, q.model, q.view) : [];
      await api('POST', '/dashboard_elements', {
        dashboard_id: dashboardId, look_id: look.id, type: 'vis', title: look.title,
        ...(q ? { result_maker: { filterables: [{ model: q.model, view: q.view, listen }] } } : {}),
      });
      onClose();
      void navigate(`/dashboards/${encodeURIComponent(dashboardId)}`);
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };

  return (
    <Dialog title="Add to dashboard" testId="add-to-dashboard-dialog" onClose={onClose}>
      <form className="form-stack" onSubmit={(e) => { void add(e); }}>
        <label className="field-label" htmlFor="add-dashboard-target">Dashboard</label>
        <select id="add-dashboard-target" data-testid="add-to-dashboard-select" value={target} onChange={(e) => { setChoice(e.target.value); }}>
          {editable.map((d) => <option key={d.id} value={d.id}>{d.title}</option>)}
          <option value={NEW}>New dashboard…</option>
        </select>
        {target === NEW && (
          <>
            <label className="field-label" htmlFor="add-dashboard-title">New dashboard title</label>
            <input id="add-dashboard-title" data-testid="add-to-dashboard-new-title" required value={newTitle}
              onChange={(e) => { setNewTitle(e.target.value); }} />
          </>
        )}
        {dashboards.state === 'error' && <p className="error small">{dashboards.message}</p>}
        {error !== null && <p className="error" role="alert" data-testid="add-to-dashboard-error">{error}</p>}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" data-testid="add-to-dashboard-submit"
            disabled={busy || (target === NEW && newTitle.trim() === '')}>Add</button>
        </div>
      </form>
    </Dialog>
  );
}
