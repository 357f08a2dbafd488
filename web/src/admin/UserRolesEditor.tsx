// Role checkboxes, and the per-user editor that replaces the user's roles (`PUT /users/{id}/roles`).
import { useState } from 'react';
import { api } from '../api.ts';
import type { Role, User } from './types.ts';
import { messageOf } from './useApi.ts';
import { ActionButton } from '../shell/ActionButton.tsx';

export function RoleChecklist({ roles, selected, onChange, idPrefix }: {
  roles: Role[]; selected: readonly string[]; onChange: (ids: string[]) => void; idPrefix: string;
}) {
  const toggle = (id: string, on: boolean) => {
    onChange(on ? [...selected, id] : selected.filter((x) => x !== id));
  };
  return (
    <fieldset className="admin-roles">
      <legend>Roles</legend>
      {roles.map((r) => (
        <label key={r.id} className="admin-check" title={r.permission_set.permissions.join(', ')}>
          <input type="checkbox" data-testid={`${idPrefix}-${r.id}`} checked={selected.includes(r.id)}
            onChange={(e) => { toggle(r.id, e.target.checked); }} />
          {r.name} <span className="admin-muted">({r.permission_set.name}, models: {r.model_set.name})</span>
        </label>
      ))}
    </fieldset>
  );
}

export function UserRolesEditor({ user, roles, onSaved }: { user: User; roles: Role[]; onSaved: (message: string) => void }) {
  const [selected, setSelected] = useState<string[]>(user.role_ids);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const result = await api<Role[]>('PUT', `/users/${user.id}/roles`, selected);
      onSaved(`Roles of ${user.display_name || user.id}: ${result.map((r) => r.name).join(', ') || 'none'}.`);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="admin-panel" data-testid="admin-roles-editor">
      <RoleChecklist roles={roles} selected={selected} onChange={setSelected} idPrefix={`admin-user-${user.id}-role`} />
      {error !== null ? <p className="admin-error" role="alert">{error}</p> : null}
      <ActionButton className="admin-primary" data-testid="admin-roles-save" unavailable={busy} onClick={() => void save()}>Save roles</ActionButton>
    </div>
  );
}
