// `/dashboards/:id` (numeric or `model::name`), also under /render and /embed: the dashboard's
// tiles on its layout's 24-column grid, with its filters (from the URL, else their defaults).
import { useMemo, useState } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router';
import { usePageFailure } from '../events.ts';
import { useLoad } from '../load.ts';
import type { Dashboard } from '../looker.ts';
import { useLayoutMode } from '../mode.ts';
import { FilterBar } from './FilterBar.tsx';
import { placedElements } from './layout.ts';
import { themeFromParams } from './theme.ts';
import { Tile } from './Tile.tsx';
import { useDashboardRun, type Filters } from './useDashboardRun.ts';

export function DashboardPage() {
  const { id = '' } = useParams();
  const [dashboard] = useLoad<Dashboard>(`/dashboards/${encodeURIComponent(id)}`);
  usePageFailure(dashboard.state === 'error', 'dashboard');
  if (dashboard.state === 'loading') return <p className="page muted">Loading dashboard…</p>;
  if (dashboard.state === 'error') {
    return <div className="page"><p className="error" role="alert" data-testid="dashboard-error">{dashboard.message}</p></div>;
  }
  return <DashboardView key={dashboard.value.id} dashboard={dashboard.value} />;
}

function DashboardView({ dashboard }: { dashboard: Dashboard }) {
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
  const placed = useMemo(() => placedElements(dashboard), [dashboard]);
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
    <article className={`dashboard dashboard-${mode} ${style === 'single_column' ? 'single-column' : 'tiled'}${theme ? ' themed' : ''}`}
      data-testid="dashboard-page" data-dashboard-id={dashboard.id} data-run-seq={run.seq} data-theme={theme?.name}
      style={{ ...sized, ...theme?.style }}>
      {(theme?.showTitle ?? true) && (
        <header className="dashboard-head">
          <h1 data-testid="dashboard-title">{dashboard.title}</h1>
          {dashboard.description !== null && dashboard.description !== '' && mode !== 'render' && <p className="muted">{dashboard.description}</p>}
        </header>
      )}
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
          <Tile key={element.id} element={element} placement={placement} state={stateOf(element)} result={results.get(element.id)} />
        ))}
      </div>
    </article>
  );
}
