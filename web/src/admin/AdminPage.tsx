// Route element for `/admin/*`: users, connections and projects, for users with the admin role
// (the `administer` permission). Everyone else gets a clear refusal instead of broken pages.
import { NavLink, Navigate, Route, Routes } from 'react-router';
import type { Me } from '../api.ts';
import { ConnectionsAdmin } from './ConnectionsAdmin.tsx';
import { ProjectsAdmin } from './ProjectsAdmin.tsx';
import { useApi } from './useApi.ts';
import { UsersAdmin } from './UsersAdmin.tsx';
import './admin.css';

const SECTIONS = [
  { path: 'users', label: 'Users' },
  { path: 'connections', label: 'Connections' },
  { path: 'projects', label: 'Projects' },
] as const;

export function AdminPage() {
  const [me] = useApi<Me>('/x-overlook/ui/me');
  if (me.state === 'loading') return <p className="admin-muted admin-page">Loading…</p>;
  if (me.state === 'error') return <p className="admin-page admin-error" role="alert">Cannot load your account: {me.message}</p>;
  if (!me.value.permissions.includes('administer')) {
    return (
      <div className="admin-page" data-testid="admin-not-allowed">
        <h1 className="admin-title">Admin</h1>
        <p role="alert" className="admin-error">
          You are not allowed to use the Admin pages: they need the Admin role. Ask an administrator if you need access.
        </p>
      </div>
    );
  }
  return (
    <div className="admin-page">
      <h1 className="admin-title">Admin</h1>
      <nav className="admin-nav" aria-label="Admin sections">
        {SECTIONS.map((s) => (
          <NavLink key={s.path} to={`/admin/${s.path}`} data-testid={`admin-nav-${s.path}`}
            className={({ isActive }) => `admin-nav-link${isActive ? ' admin-nav-active' : ''}`}>{s.label}</NavLink>
        ))}
      </nav>
      <Routes>
        <Route index element={<Navigate to="/admin/users" replace />} />
        <Route path="users" element={<UsersAdmin selfId={me.value.user.id} />} />
        <Route path="connections" element={<ConnectionsAdmin />} />
        <Route path="projects" element={<ProjectsAdmin workspace={me.value.workspace_id} />} />
        <Route path="*" element={<p className="admin-error">No such admin page.</p>} />
      </Routes>
    </div>
  );
}
