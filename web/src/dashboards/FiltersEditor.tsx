// The dashboard's filters in edit mode: each with Edit and Remove (asked once more inline), and Add.
import { useEffect, useRef, useState } from 'react';
import { api } from '../api.ts';
import { messageOf } from '../load.ts';
import type { Dashboard, DashboardFilter } from '../looker.ts';
import { ActionButton } from '../shell/ActionButton.tsx';
import { filterTypeLabel } from './filter-listen.ts';
import { FilterForm } from './FilterForm.tsx';

interface Props {
  dashboard: Dashboard;
  /** After a change saved on the server: the page reloads the dashboard and shows `message`. */
  onChanged: (message: string) => void;
  onError: (message: string) => void;
}

type Editing = { kind: 'new' } | { kind: 'edit'; filter: DashboardFilter } | null;

function describe(f: DashboardFilter): string {
  const on = f.type === 'field_filter' && f.dimension !== null ? ` on ${f.dimension}` : '';
  const value = f.default_value !== null && f.default_value !== '' ? `, default “${f.default_value}”` : ', no default';
  return `${filterTypeLabel(f.type)}${on}${value}`;
}

function FilterRow({ f, onEdit, onChanged, onError }: { f: DashboardFilter; onEdit: () => void } & Omit<Props, 'dashboard'>) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const removeRef = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);

  // Back on the Remove button after "Cancel", so keyboard users stay in place.
  useEffect(() => {
    if (!confirming && wasConfirming.current) removeRef.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  const remove = async () => {
    if (busy) return;
    setBusy(true);
    try {
      await api<null>('DELETE', `/dashboard_filters/${encodeURIComponent(f.id)}`);
      onChanged(`Removed filter ${f.title}.`);
    } catch (e) {
      onError(`Could not remove filter ${f.title}: ${messageOf(e)}`);
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <li className="filter-edit-row" data-testid={`filter-row-${f.name}`}>
      <span><strong>{f.title}</strong> <span className="muted small">{describe(f)}</span></span>
      {confirming ? (
        <span role="group" aria-label={`Remove filter ${f.title}?`} className="inline-confirm">
          <span>Remove this filter? Tiles stop listening to it.</span>
          <ActionButton autoFocus className="danger" data-testid={`filter-remove-confirm-${f.name}`} unavailable={busy} onClick={() => void remove()}>
            Remove
          </ActionButton>
          <button type="button" onClick={() => { setConfirming(false); }}>Cancel</button>
        </span>
      ) : (
        <span className="filter-edit-actions">
          <button type="button" data-testid={`filter-edit-${f.name}`} onClick={onEdit}>Edit</button>
          <button type="button" ref={removeRef} data-testid={`filter-remove-${f.name}`} onClick={() => { setConfirming(true); }}>Remove</button>
        </span>
      )}
    </li>
  );
}

export function FiltersEditor({ dashboard, onChanged, onError }: Props) {
  const [editing, setEditing] = useState<Editing>(null);
  const saved = (message: string) => {
    setEditing(null);
    onChanged(message);
  };
  return (
    <section className="dashboard-editor card" aria-labelledby="filters-editor-title" data-testid="dashboard-filter-editor">
      <h2 id="filters-editor-title">Filters</h2>
      {dashboard.dashboard_filters.length === 0 && <p className="muted small">No filters yet.</p>}
      <ul className="filter-edit-list">
        {dashboard.dashboard_filters.map((f) => (editing?.kind === 'edit' && editing.filter.id === f.id
          ? <li key={f.id}><FilterForm dashboard={dashboard} filter={f} onSaved={saved} onCancel={() => { setEditing(null); }} /></li>
          : <FilterRow key={f.id} f={f} onEdit={() => { setEditing({ kind: 'edit', filter: f }); }} onChanged={onChanged} onError={onError} />))}
      </ul>
      {editing?.kind === 'new'
        ? <FilterForm dashboard={dashboard} filter={null} onSaved={saved} onCancel={() => { setEditing(null); }} />
        : <button type="button" data-testid="filter-add" onClick={() => { setEditing({ kind: 'new' }); }}>Add filter</button>}
    </section>
  );
}
