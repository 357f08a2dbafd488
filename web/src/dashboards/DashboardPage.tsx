// `/dashboards/:id` (numeric or `model::name`), also under /render and /embed: the dashboard's
// tiles on its layout's 24-column grid, with its filters (from the URL, else their defaults). In the
// app, someone who may edit the dashboard can switch to edit mode: add, change and remove filters,
// and move or resize tiles (saved through the dashboard filter and layout component endpoints).
import { useMemo, useState } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router';
import { usePageFailure } from '../events.ts';
import { useLoad } from '../load.ts';
import type { Dashboard } from '../looker.ts';
import { useLayoutMode } from '../mode.ts';
import { listenOf } from './filter-listen.ts';
import { FilterBar } from './FilterBar.tsx';
import { FiltersEditor } from './FiltersEditor.tsx';
import { themeFromParams } from './theme.ts';
import { Tile } from './Tile.tsx';
import { TileLayoutControls } from './TileLayoutControls.tsx';
import { tileTitle } from './layout.ts';
import { useDashboardRun, type Filters } from './useDashboardRun.ts';
import { useLayoutEditor } from './useLayoutEditor.ts';

interface Notice {
  kind: 'info' | 'error';
  text: string;
}

interface EditState {
  editing: boolean;
  setEditing: (on: boolean) => void;
  notice: Notice | null;
  onChanged: (message: string) => void;
  onError: (message: string) => void;
}

/**
 * What the tiles' results depend on besides the layout: the filters and who listens to them. The
 * view starts over (new filter values, tiles run again) when it changes after an edit.
 */
function runSignature(d: Dashboard): string {
  return JSON.stringify([
    d.dashboard_filters.map((f) => [f.name, f.type, f.default_value, f.model, f.explore, f.dimension]),
    d.dashboard_elements.map((e) => [e.id, listenOf(e)]),
  ]);
}

export function DashboardPage() {
  const { id = '' } = useParams();
  const [dashboard, reload] = useLoad<Dashboard>(`/dashboards/${encodeURIComponent(id)}`);
  const [editingId, setEditingId] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  // A change's message shows once the reloaded dashboard has arrived, so it and the page agree.
  const [changed, setChanged] = useState<{ text: string; before: Dashboard } | null>(null);
  usePageFailure(dashboard.state === 'error', 'dashboard');
  if (dashboard.state === 'loading') return <p className="page muted">Loading dashboard…</p>;
  if (dashboard.state === 'error') {
    return <div className="page"><p className="error" role="alert" data-testid="dashboard-error">{dashboard.message}</p></div>;
  }
  const d = dashboard.value;
  const edit: EditState = {
    editing: editingId === d.id,
    setEditing: (on) => { setEditingId(on ? d.id : null); setNotice(null); setChanged(null); },
    notice: changed === null ? notice : changed.before === d ? null : { kind: 'info', text: changed.text },
    onChanged: (text) => { setNotice(null); setChanged({ text, before: d }); reload(); },
    onError: (text) => { setChanged(null); setNotice({ kind: 'error', text }); },
  };
  return <DashboardView key={`${d.id}:${runSignature(d)}`} dashboard={d} edit={edit} />;
}

function DashboardView({ dashboard, edit }: { dashboard: Dashboard; edit: EditState }) {
  const mode = useLayoutMode();
  const location = useLocation();
  const navigate = useNavigate();
  const params = useMemo(() => new URLSearchParams(location.search), [location.search]);
  const [initialFilters] = useState<Filters>(() => {
    const out: Filters = {};
    for (const f of dashboard.dashboard_filters) out[f.name] = params.get(f.name) ?? f.default_value ?? '';
    return out;
  });
  const { values, setValues, run, results, stateOf, runNow } = useDashboardRun(dashboard, initialFilters);
  const layout = useLayoutEditor(dashboard);
  const canEdit = mode === 'app' && !dashboard.readonly && dashboard.can?.update === true;
  const editing = canEdit && edit.editing;
  // While editing, tiles keep the dashboard's element order in the page, so a moved tile keeps focus.
  const placed = editing
    ? dashboard.dashboard_elements.map((e) => layout.placed.find((p) => p.element.id === e.id) ?? { element: e, placement: null })
    : layout.placed;
  const style = params.get('dashboard_style') === 'single_column' ? 'single_column' : 'tiled';
  const width = Number(params.get('width'));
  // Themes apply where Looker applies them: rendered and embedded dashboards.
  const theme = useMemo(() => (mode === 'app' ? null : themeFromParams(params)), [mode, params]);
  const sized = mode === 'render' && Number.isFinite(width) && width > 0 ? { width: `${width}px` } : {};
  const running = dashboard.dashboard_elements.some((e) => stateOf(e) === 'loading');

  const onRun = (): void => {
    runNow();
    if (mode === 'app') {
      // Keep the applied filters in the address, so the URL reproduces what is shown.
      const next = new URLSearchParams(location.search);
      for (const [k, v] of Object.entries(values)) next.set(k, v);
      void navigate({ search: `?${next.toString()}` }, { replace: true });
    }
  };

  return (
    <article className={`dashboard dashboard-${mode} ${style === 'single_column' ? 'single-column' : 'tiled'}${theme ? ' themed' : ''}${editing ? ' editing' : ''}`}
      data-testid="dashboard-page" data-dashboard-id={dashboard.id} data-run-seq={run.seq} data-theme={theme?.name}
      style={{ ...sized, ...theme?.style }}>
      {(theme?.showTitle ?? true) && (
        <header className="dashboard-head">
          <div className="dashboard-title-row">
            <h1 data-testid="dashboard-title">{dashboard.title}</h1>
            {canEdit && (
              <button type="button" className={editing ? 'primary' : undefined} data-testid={editing ? 'dashboard-edit-done' : 'dashboard-edit'}
                aria-pressed={editing} onClick={() => { edit.setEditing(!editing); }}>{editing ? 'Done editing' : 'Edit dashboard'}</button>
            )}
          </div>
          {dashboard.description !== null && dashboard.description !== '' && mode !== 'render' && <p className="muted">{dashboard.description}</p>}
        </header>
      )}
      {editing && edit.notice !== null && (
        <p className={edit.notice.kind === 'error' ? 'error-box' : 'notice'} role={edit.notice.kind === 'error' ? 'alert' : 'status'}
          data-testid="dashboard-edit-status" data-kind={edit.notice.kind}>{edit.notice.text}</p>
      )}
      {editing && (
        <p className={layout.status?.kind === 'error' ? 'error-box' : 'muted small'} role={layout.status?.kind === 'error' ? 'alert' : 'status'}
          data-testid="dashboard-layout-status" data-kind={layout.status?.kind ?? 'idle'}>
          {layout.status?.text ?? 'Move and resize tiles with the arrow buttons on each tile; every change is saved at once.'}
        </p>
      )}
      {editing && <FiltersEditor dashboard={dashboard} onChanged={edit.onChanged} onError={edit.onError} />}
      {dashboard.dashboard_filters.length > 0 && mode !== 'render' && (theme?.showFilters ?? true) && (
        <FilterBar filters={dashboard.dashboard_filters} values={values} onChange={setValues} onRun={onRun} running={running} />
      )}
      {mode === 'render' && (theme?.showFilters ?? true) && dashboard.dashboard_filters.some((f) => (run.filters[f.name] ?? '') !== '') && (
        <p className="render-filters small">
          {dashboard.dashboard_filters.filter((f) => (run.filters[f.name] ?? '') !== '').map((f) => `${f.title}: ${run.filters[f.name] ?? ''}`).join(' · ')}
        </p>
      )}
      {placed.length === 0 && <p className="muted" data-testid="dashboard-empty">This dashboard has no tiles yet.</p>}
      <div className="dashboard-grid">
        {placed.map(({ element, placement }) => (
          <Tile key={element.id} element={element} placement={placement} state={stateOf(element)} result={results.get(element.id)}
            toolbar={editing ? (
              <TileLayoutControls title={tileTitle(element)} placement={placement} movable={layout.movable(element.id)}
                onMove={(a) => { layout.move(element.id, a); }} />
            ) : undefined} />
        ))}
      </div>
    </article>
  );
}
