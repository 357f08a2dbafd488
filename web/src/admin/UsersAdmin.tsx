// `/admin/users`: list users, create one (user + email login + roles), change roles, manage API
// keys, disable/enable.
import { useState, type SubmitEvent } from 'react';
import { api } from '../api.ts';
import { ApiKeysPanel } from './ApiKeysPanel.tsx';
import type { Role, User } from './types.ts';
import { messageOf, useApi } from './useApi.ts';
import { RoleChecklist, UserRolesEditor } from './UserRolesEditor.tsx';
import { ActionButton } from '../shell/ActionButton.tsx';

type Panel = { userId: string; kind: 'roles' | 'keys' } | null;

interface Notice {
  kind: 'info' | 'error';
  text: string;
}

function CreateUserForm({ roles, onCreated, onNotice }: { roles: Role[]; onCreated: () => void; onNotice: (n: Notice) => void }) {
  const [first, setFirst] = useState('');
  const [last, setLast] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [roleIds, setRoleIds] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (busy || email.trim() === '') return;
    setBusy(true);
    let createdId: string | null = null;
    try {
      const user = await api<User>('POST', '/users', { first_name: first.trim(), last_name: last.trim() });
      createdId = user.id;
      await api<unknown>('POST', `/users/${user.id}/credentials_email`, { email: email.trim(), ...(password === '' ? {} : { password }) });
      if (roleIds.length > 0) await api<unknown>('PUT', `/users/${user.id}/roles`, roleIds);
      onNotice({ kind: 'info', text: `Created user ${user.id} (${email.trim()}).` });
      setFirst(''); setLast(''); setEmail(''); setPassword(''); setRoleIds([]);
    } catch (err) {
      const where = createdId === null ? 'Creating the user failed' : `User ${createdId} was created, but setting up the login or roles failed`;
      onNotice({ kind: 'error', text: `${where}: ${messageOf(err)}` });
    } finally {
      setBusy(false);
      onCreated();
    }
  };

  return (
    <form className="admin-form" onSubmit={(e) => void submit(e)} aria-label="Create user">
      <h2 className="admin-subtitle">New user</h2>
      <div className="admin-grid">
        <label>First name<input data-testid="admin-user-first-name" value={first} onChange={(e) => { setFirst(e.target.value); }} /></label>
        <label>Last name<input data-testid="admin-user-last-name" value={last} onChange={(e) => { setLast(e.target.value); }} /></label>
        <label>Email<input data-testid="admin-user-email" type="email" required value={email} onChange={(e) => { setEmail(e.target.value); }} /></label>
        <label>Password (optional)
          <input data-testid="admin-user-password" type="password" autoComplete="new-password" value={password}
            onChange={(e) => { setPassword(e.target.value); }} />
        </label>
      </div>
      <RoleChecklist roles={roles} selected={roleIds} onChange={setRoleIds} idPrefix="admin-user-new-role" />
      <ActionButton submit className="admin-primary" data-testid="admin-user-create" unavailable={busy || email.trim() === ''}>Create user</ActionButton>
    </form>
  );
}

export function UsersAdmin({ selfId }: { selfId: string }) {
  const [users, reloadUsers] = useApi<User[]>('/users');
  const [roles] = useApi<Role[]>('/roles');
  const [panel, setPanel] = useState<Panel>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState(false);
  const roleList = roles.state === 'ready' ? roles.value : [];
  const roleName = (id: string) => roleList.find((r) => r.id === id)?.name ?? `role ${id}`;

  const toggle = async (u: User) => {
    setBusy(true);
    try {
      await api<User>('PATCH', `/users/${u.id}`, { is_disabled: !u.is_disabled });
      setNotice({ kind: 'info', text: `${u.is_disabled ? 'Enabled' : 'Disabled'} ${u.display_name || u.id}.` });
    } catch (e) {
      setNotice({ kind: 'error', text: messageOf(e) });
    } finally {
      setBusy(false);
      reloadUsers();
    }
  };

  const togglePanel = (userId: string, kind: 'roles' | 'keys') => {
    setPanel(panel?.userId === userId && panel.kind === kind ? null : { userId, kind });
  };

  return (
    <section aria-label="Users">
      {notice !== null ? (
        <p className={`admin-notice admin-notice-${notice.kind}`} data-testid="admin-status" role={notice.kind === 'error' ? 'alert' : 'status'}>
          {notice.text}
        </p>
      ) : null}
      {users.state === 'loading' ? <p className="admin-muted">Loading users…</p> : null}
      {users.state === 'error' ? <p className="admin-error" role="alert">Cannot list users: {users.message}</p> : null}
      {users.state === 'ready' ? (
        <table className="admin-table" data-testid="admin-users">
          <thead><tr><th>ID</th><th>Name</th><th>Email</th><th>Roles</th><th>Status</th><th><span className="admin-sr-only">Actions</span></th></tr></thead>
          <tbody>
            {users.value.map((u) => (
              <UserRow key={u.id} u={u} self={u.id === selfId} roleNames={u.role_ids.map(roleName)} busy={busy} panel={panel}
                roles={roleList} onPanel={togglePanel} onToggle={(x) => void toggle(x)} onChanged={reloadUsers} onNotice={setNotice} />
            ))}
          </tbody>
        </table>
      ) : null}
      <CreateUserForm roles={roleList} onCreated={reloadUsers} onNotice={setNotice} />
    </section>
  );
}

interface UserRowProps {
  u: User;
  self: boolean;
  roleNames: string[];
  roles: Role[];
  busy: boolean;
  panel: Panel;
  onPanel: (userId: string, kind: 'roles' | 'keys') => void;
  onToggle: (u: User) => void;
  onChanged: () => void;
  onNotice: (n: Notice) => void;
}

function UserRow({ u, self, roleNames, roles, busy, panel, onPanel, onToggle, onChanged, onNotice }: UserRowProps) {
  const open = panel?.userId === u.id ? panel.kind : null;
  return (
    <>
      <tr data-testid={`admin-user-${u.id}`} className={u.is_disabled ? 'admin-row-disabled' : undefined}>
        <td>{u.id}</td>
        <td>{u.display_name}{self ? <span className="admin-badge">you</span> : null}</td>
        <td>{u.credentials_email?.email ?? u.email ?? <span className="admin-muted">no email login</span>}</td>
        <td>{roleNames.length === 0 ? <span className="admin-muted">none</span> : roleNames.join(', ')}</td>
        <td>{u.is_disabled ? 'Disabled' : 'Active'}</td>
        <td><div className="admin-actions">
          <button type="button" data-testid={`admin-user-roles-${u.id}`} aria-expanded={open === 'roles'} onClick={() => { onPanel(u.id, 'roles'); }}>Roles</button>
          <button type="button" data-testid={`admin-user-keys-${u.id}`} aria-expanded={open === 'keys'} onClick={() => { onPanel(u.id, 'keys'); }}>API keys</button>
          <ActionButton data-testid={`admin-user-toggle-${u.id}`} unavailable={busy || self}
            title={self ? 'You cannot disable yourself' : undefined} onClick={() => { onToggle(u); }}>
            {u.is_disabled ? 'Enable' : 'Disable'}
          </ActionButton>
        </div></td>
      </tr>
      {open !== null ? (
        <tr className="admin-panel-row">
          <td colSpan={6}>
            {open === 'roles'
              ? <UserRolesEditor user={u} roles={roles} onSaved={(text) => { onNotice({ kind: 'info', text }); onChanged(); }} />
              : <ApiKeysPanel user={u} onChanged={onChanged} />}
          </td>
        </tr>
      ) : null}
    </>
  );
}
