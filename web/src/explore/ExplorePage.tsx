// `/explore/:model/:explore` (and `/embed/explore/...`): build a query from the field picker,
// filters, sorts, limit and pivots, run it, and see it as a table, a chart and SQL. The URL always
// holds the expanded form of the query, so copying it reproduces the query.
import { useEffect, useMemo, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { api } from '../api.ts';
import { emitPageEvent, setPageReady } from '../events.ts';
import { useLoad } from '../load.ts';
import type { LookmlExplore, LookmlField, Query } from '../looker.ts';
import { useLayoutMode } from '../mode.ts';
import { can, useMe } from '../session.tsx';
import { FieldPicker } from './FieldPicker.tsx';
import { fieldIndex } from './field-groups.ts';
import { FilterList, SelectedFields } from './QueryControls.tsx';
import { ResultsPanel } from './ResultsPanel.tsx';
import { SaveLookDialog } from './SaveLook.tsx';
import { ShareButton } from './ShareButton.tsx';
import { nextSorts, queryBody, searchFromState, sortField, stateFromSearch, type ExploreState } from './url-state.ts';
import { useExploreRun } from './useExploreRun.ts';

export function ExplorePage() {
  const { model = '', explore = '' } = useParams();
  const [meta] = useLoad<LookmlExplore>(`/lookml_models/${encodeURIComponent(model)}/explores/${encodeURIComponent(explore)}`);
  if (meta.state === 'loading') return <p className="page muted">Loading explore…</p>;
  if (meta.state === 'error') {
    return (
      <div className="page">
        <h1>{explore}</h1>
        <p className="error" role="alert" data-testid="explore-error">{meta.message}</p>
      </div>
    );
  }
  return <ExploreWorkspace key={`${model}/${explore}`} model={model} explore={meta.value} />;
}

function withAlwaysFilters(state: ExploreState, explore: LookmlExplore): ExploreState {
  if (Object.keys(state.filters).length > 0 || state.fields.length > 0) return state;
  const filters: Record<string, string> = {};
  for (const c of explore.always_filter) filters[c.name] = c.value;
  return { ...state, filters };
}

function ExploreWorkspace({ model, explore }: { model: string; explore: LookmlExplore }) {
  const location = useLocation();
  const navigate = useNavigate();
  const mode = useLayoutMode();
  const me = useMe();
  const index = useMemo(() => fieldIndex(explore), [explore]);
  const [initial] = useState(() => withAlwaysFilters(stateFromSearch(new URLSearchParams(location.search)), explore));
  const { outcome, running, seq, run } = useExploreRun(model, explore.name, initial.fields.length > 0 ? initial : null);
  const [saving, setSaving] = useState(false);
  const urlState = useMemo(() => stateFromSearch(new URLSearchParams(location.search)), [location.search]);
  // Until the first URL update lands, the initial state (with always_filter values) is the truth.
  const state = location.search === '' ? initial : urlState;

  const update = (next: ExploreState, andRun = false): void => {
    void navigate({ search: `?${searchFromState(next)}` }, { replace: true });
    if (andRun) run(next);
  };

  useEffect(() => {
    emitPageEvent('explore:ready', { explore: { model, explore: explore.name, label: explore.label } });
  }, [model, explore]);

  useEffect(() => {
    const search = `?${searchFromState(initial)}`;
    if (location.search !== search && location.search === '') void navigate({ search }, { replace: true });
  }, [initial, location.search, navigate]);

  useEffect(() => {
    setPageReady(seq > 0 && !running);
    return () => { setPageReady(false); };
  }, [seq, running]);

  const toggleField = (f: LookmlField): void => {
    if (state.fields.includes(f.name)) {
      update({
        ...state, fields: state.fields.filter((n) => n !== f.name), pivots: state.pivots.filter((n) => n !== f.name),
        sorts: state.sorts.filter((s) => sortField(s) !== f.name),
      });
    } else {
      update({ ...state, fields: [...state.fields, f.name] });
    }
  };
  const toggleFilter = (f: LookmlField): void => {
    if (f.name in state.filters) {
      update({ ...state, filters: Object.fromEntries(Object.entries(state.filters).filter(([k]) => k !== f.name)) });
    } else {
      update({ ...state, filters: { ...state.filters, [f.name]: f.default_filter_value ?? '' } });
      // Focus the new filter's input once it exists.
      window.setTimeout(() => { document.getElementById(`filter-${f.name}`)?.focus(); }, 0);
    }
  };
  const makeQuery = (): Promise<Query> => api<Query>('POST', '/queries', queryBody(model, explore.name, state));
  const filterErrors = outcome?.kind === 'error' ? outcome.filterErrors : {};

  return (
    <div className={`explore ${mode !== 'app' ? 'explore-compact' : ''}`} data-testid="explore-page">
      <aside className="explore-side">
        <h1 className="explore-title" data-testid="explore-title">{explore.label}</h1>
        <FieldPicker explore={explore} selected={state.fields} filtered={Object.keys(state.filters)}
          onToggleField={toggleField} onFilterField={toggleFilter} />
      </aside>
      <section className="explore-main" aria-label="Query">
        <div className="toolbar">
          <button type="button" className="primary" data-testid="explore-run" disabled={state.fields.length === 0}
            onClick={() => { run(state); }} aria-busy={running}>{running ? 'Running…' : 'Run'}</button>
          <label className="inline-label">Row limit
            <input type="number" min={1} max={5000} className="limit-input" data-testid="explore-limit" value={state.limit}
              onChange={(e) => { update({ ...state, limit: e.target.value }); }}
              onKeyDown={(e) => { if (e.key === 'Enter') run(state); }} />
          </label>
          <span className="spacer" />
          {mode === 'app' && <ShareButton makeQuery={makeQuery} disabled={state.fields.length === 0} />}
          {mode === 'app' && can(me, 'save_content') && (
            <button type="button" data-testid="save-look" disabled={state.fields.length === 0} onClick={() => { setSaving(true); }}>Save as Look</button>
          )}
          {mode === 'embed' && <Link to={`/explore/${encodeURIComponent(model)}/${encodeURIComponent(explore.name)}${location.search}`} target="_blank">Open in Overlook</Link>}
        </div>
        <SelectedFields fields={state.fields} pivots={state.pivots} index={index}
          onRemove={(name) => { toggleField(index.get(name) ?? { name } as LookmlField); }}
          onPivot={(name) => {
            const pivots = state.pivots.includes(name) ? state.pivots.filter((p) => p !== name) : [...state.pivots, name];
            update({ ...state, pivots });
          }} />
        <FilterList filters={state.filters} errors={filterErrors} index={index}
          onChange={(name, value) => { update({ ...state, filters: { ...state.filters, [name]: value } }); }}
          onRemove={(name) => { const f = index.get(name); if (f) toggleFilter(f); else update({ ...state, filters: Object.fromEntries(Object.entries(state.filters).filter(([k]) => k !== name)) }); }}
          onSubmit={() => { if (state.fields.length > 0) run(state); }} />
        <ResultsPanel state={state} outcome={outcome} running={running} canSeeSql={can(me, 'see_sql')}
          onVis={(vis) => { update({ ...state, vis }); }}
          onSort={(field, additive) => {
            const measure = index.get(field)?.category === 'measure';
            update({ ...state, sorts: nextSorts(state.sorts, field, measure, additive) }, true);
          }} />
      </section>
      {saving && <SaveLookDialog makeQuery={makeQuery} onClose={() => { setSaving(false); }} />}
    </div>
  );
}
