// The app's top bar: brand, Browse, Explore and Develop menus, Admin, dev-mode switch, user menu.
import { Link, NavLink, useLocation, useNavigate } from 'react-router';
import type { LookmlModel, Project } from '../looker.ts';
import { useLoad } from '../load.ts';
import { can, useMe, useSession } from '../session.tsx';
import { DevModeToggle } from './DevMode.tsx';
import { Menu } from './Menu.tsx';

function ExploreMenu() {
  const { dataVersion } = useSession();
  const [models] = useLoad<LookmlModel[]>('/lookml_models', dataVersion);
  return (
    <Menu label="Explore" testId="explore-menu">
      {(close) => (
        <div className="menu-list" data-testid="explore-menu-list">
          {models.state === 'loading' && <p className="muted small">Loading…</p>}
          {models.state === 'error' && <p className="error small">{models.message}</p>}
          {models.state === 'ready' && models.value.length === 0 && <p className="muted small">No models.</p>}
          {models.state === 'ready' && models.value.map((m) => (
            <div key={m.name} className="menu-group">
              <div className="menu-group-title">{m.label}</div>
              {m.explores.filter((e) => !e.hidden).map((e) => (
                <Link key={e.name} className="menu-item" to={`/explore/${encodeURIComponent(m.name)}/${encodeURIComponent(e.name)}`}
                  data-testid={`explore-link-${m.name}-${e.name}`} onClick={close}>{e.label}</Link>
              ))}
            </div>
          ))}
        </div>
      )}
    </Menu>
  );
}

function DevelopMenu() {
  const { dataVersion } = useSession();
  const [projects] = useLoad<Project[]>('/projects', dataVersion);
  return (
    <Menu label="Develop" testId="develop-menu">
      {(close) => (
        <div className="menu-list">
          <Link className="menu-item" to="/projects" onClick={close} data-testid="develop-projects">Projects</Link>
          {projects.state === 'ready' && projects.value.map((p) => (
            <Link key={p.id} className="menu-item" to={`/projects/${encodeURIComponent(p.id)}/ide`} onClick={close}
              data-testid={`develop-ide-${p.id}`}>{p.name} — LookML IDE</Link>
          ))}
        </div>
      )}
    </Menu>
  );
}

function UserMenu() {
  const me = useMe();
  const { signOut } = useSession();
  const navigate = useNavigate();
  if (!me) return null;
  return (
    <Menu label={<span className="user-name">{me.user.display_name}</span>} ariaLabel={`User menu for ${me.user.display_name}`} testId="user-menu" align="right">
      {(close) => (
        <div className="menu-list">
          <p className="muted small menu-note">{me.user.email}</p>
          <button type="button" className="menu-item" data-testid="logout" onClick={() => {
            close();
            void signOut().finally(() => { void navigate('/login'); });
          }}>Sign out</button>
        </div>
      )}
    </Menu>
  );
}

export function TopBar() {
  const me = useMe();
  const { pathname } = useLocation();
  return (
    <header className="top-bar">
      <Link to="/browse" className="brand" data-testid="brand">Overlook</Link>
      <nav className="top-nav" aria-label="Main">
        <NavLink to="/browse" className={({ isActive }) => (isActive || pathname.startsWith('/folders/') ? 'nav-link active' : 'nav-link')}
          data-testid="nav-browse">Browse</NavLink>
        {can(me, 'explore') || can(me, 'access_data') ? <ExploreMenu /> : null}
        {can(me, 'develop') && <DevelopMenu />}
        {(can(me, 'administer') || can(me, 'sudo')) && <NavLink to="/admin" className="nav-link" data-testid="nav-admin">Admin</NavLink>}
      </nav>
      <div className="top-right">
        <DevModeToggle />
        <UserMenu />
      </div>
    </header>
  );
}
