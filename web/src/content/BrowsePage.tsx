// `/browse` and `/folders/:id`: the folder tree on the left, the folder's subfolders, looks and
// dashboards on the right. LookML dashboards live in the virtual folder `lookml`.
import { Link, NavLink, useParams } from 'react-router';
import { useLoad } from '../load.ts';
import type { DashboardBase, FolderBase, Look } from '../looker.ts';
import { can, useMe } from '../session.tsx';

const LOOKML_FOLDER: FolderBase = {
  id: 'lookml', name: 'LookML Dashboards', parent_id: null, child_count: 0, is_personal: false, is_shared_root: false, is_users_root: false, can: {},
};

function FolderTree({ folders, parentId, depth, currentId }: { folders: readonly FolderBase[]; parentId: string | null; depth: number; currentId: string | null }) {
  // The virtual LookML folder goes last, after the real roots.
  const children = folders.filter((f) => f.parent_id === parentId)
    .sort((a, b) => Number(a.id === LOOKML_FOLDER.id) - Number(b.id === LOOKML_FOLDER.id) || a.name.localeCompare(b.name));
  if (children.length === 0) return null;
  return (
    <ul className={depth === 0 ? 'tree' : 'tree nested'}>
      {children.map((f) => (
        <li key={f.id}>
          <NavLink to={`/folders/${encodeURIComponent(f.id)}`} className={f.id === currentId ? 'tree-link active' : 'tree-link'}
            {...(f.id === currentId ? { 'aria-current': 'page' as const } : {})} data-testid={`folder-link-${f.id}`}>
            <span aria-hidden="true">{f.is_personal ? '◔' : '▭'}</span> {f.name}
          </NavLink>
          <FolderTree folders={folders} parentId={f.id} depth={depth + 1} currentId={currentId} />
        </li>
      ))}
    </ul>
  );
}

function Breadcrumbs({ folders, id }: { folders: readonly FolderBase[]; id: string }) {
  const chain: FolderBase[] = [];
  let at = folders.find((f) => f.id === id);
  while (at && chain.length < 20) {
    chain.unshift(at);
    const parent = at.parent_id;
    at = parent === null ? undefined : folders.find((f) => f.id === parent);
  }
  if (chain.length < 2) return null;
  return (
    <nav aria-label="Breadcrumb" className="breadcrumbs">
      {chain.slice(0, -1).map((f) => <span key={f.id}><Link to={`/folders/${encodeURIComponent(f.id)}`}>{f.name}</Link> / </span>)}
    </nav>
  );
}

function FolderContents({ folder, folders }: { folder: FolderBase; folders: readonly FolderBase[] }) {
  const base = `/folders/${encodeURIComponent(folder.id)}`;
  const lookml = folder.id === 'lookml';
  const [looks] = useLoad<Look[]>(lookml ? null : `${base}/looks`);
  const [dashboards] = useLoad<DashboardBase[]>(`${base}/dashboards`);
  const subfolders = folders.filter((f) => f.parent_id === folder.id).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <div className="folder-contents" data-testid="folder-contents" data-folder-id={folder.id}>
      <Breadcrumbs folders={folders} id={folder.id} />
      <h1 data-testid="folder-title">{folder.name}</h1>
      {subfolders.length > 0 && (
        <section className="card">
          <h2>Folders</h2>
          <ul className="link-list">
            {subfolders.map((f) => <li key={f.id}><Link to={`/folders/${encodeURIComponent(f.id)}`}>{f.name}</Link></li>)}
          </ul>
        </section>
      )}
      <section className="card" data-testid="folder-dashboards">
        <h2>Dashboards</h2>
        {dashboards.state === 'loading' && <p className="muted small">Loading…</p>}
        {dashboards.state === 'error' && <p className="error small">{dashboards.message}</p>}
        {dashboards.state === 'ready' && dashboards.value.length === 0 && <p className="muted small">No dashboards.</p>}
        {dashboards.state === 'ready' && (
          <ul className="link-list">
            {dashboards.value.map((d) => (
              <li key={d.id}>
                <Link to={`/dashboards/${encodeURIComponent(d.id)}`} data-testid={`dashboard-link-${d.id}`}>{d.title}</Link>
                {d.description !== null && d.description !== '' && <span className="muted small"> — {d.description}</span>}
              </li>
            ))}
          </ul>
        )}
      </section>
      {!lookml && (
        <section className="card" data-testid="folder-looks">
          <h2>Looks</h2>
          {looks.state === 'loading' && <p className="muted small">Loading…</p>}
          {looks.state === 'error' && <p className="error small">{looks.message}</p>}
          {looks.state === 'ready' && looks.value.length === 0 && <p className="muted small">No looks.</p>}
          {looks.state === 'ready' && (
            <ul className="link-list">
              {looks.value.map((l) => (
                <li key={l.id}><Link to={`/looks/${encodeURIComponent(l.id)}`} data-testid={`look-link-${l.id}`}>{l.title}</Link></li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}

export function BrowsePage() {
  const { id } = useParams();
  const me = useMe();
  const [folders] = useLoad<FolderBase[]>('/folders');
  if (folders.state === 'loading') return <p className="page muted">Loading folders…</p>;
  if (folders.state === 'error') return <p className="page error" role="alert">{folders.message}</p>;
  const all = can(me, 'see_lookml_dashboards') ? [...folders.value, LOOKML_FOLDER] : folders.value;
  const current = all.find((f) => f.id === id) ?? (id === undefined ? all.find((f) => f.is_shared_root) ?? all[0] : undefined);
  return (
    <div className="browse" data-testid="browse-page">
      <nav className="browse-side" aria-label="Folders">
        <h2 className="side-title">Folders</h2>
        <FolderTree folders={all} parentId={null} depth={0} currentId={current?.id ?? null} />
      </nav>
      <div className="browse-main">
        {current ? <FolderContents key={current.id} folder={current} folders={all} />
          : <p className="error" role="alert" data-testid="folder-missing">Folder {id} was not found, or you cannot see it.</p>}
      </div>
    </div>
  );
}
