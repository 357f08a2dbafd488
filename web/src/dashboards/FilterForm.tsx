// Adding or editing one dashboard filter: name, title, type, the field it filters on (model,
// explore, dimension) for field filters, its default value, and which tiles it updates.
import { useState, type SubmitEvent } from 'react';
import { api } from '../api.ts';
import { messageOf, useLoad } from '../load.ts';
import type { Dashboard, DashboardFilter, LookmlExplore, LookmlModel } from '../looker.ts';
import { ActionButton } from '../shell/ActionButton.tsx';
import { tileTitle } from './layout.ts';
import { FILTER_TYPES, saveTileListeners, tileQuery, tilesListeningTo, tilesOnExplore } from './filter-listen.ts';

interface Props {
  dashboard: Dashboard;
  /** The filter to edit; null adds a new one. */
  filter: DashboardFilter | null;
  onSaved: (message: string) => void;
  onCancel: () => void;
}

interface Draft {
  name: string;
  title: string;
  type: string;
  model: string;
  explore: string;
  dimension: string;
  defaultValue: string;
}

function initialDraft(f: DashboardFilter | null): Draft {
  return {
    name: f?.name ?? '', title: f?.title ?? '', type: f?.type ?? 'field_filter', model: f?.model ?? '', explore: f?.explore ?? '',
    dimension: f?.dimension ?? '', defaultValue: f?.default_value ?? '',
  };
}

export function FilterForm({ dashboard, filter, onSaved, onCancel }: Props) {
  const [draft, setDraft] = useState<Draft>(() => initialDraft(filter));
  // Until the user picks tiles, a field filter updates the tiles on its explore (as Looker does).
  const [pickedTiles, setPickedTiles] = useState<ReadonlySet<string> | null>(() => (filter === null ? null : tilesListeningTo(dashboard.dashboard_elements, filter.name)));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [models] = useLoad<LookmlModel[]>('/lookml_models');
  const isField = draft.type === 'field_filter';
  const modelList = models.state === 'ready' ? models.value : [];
  const model = draft.model !== '' ? draft.model : modelList[0]?.name ?? '';
  const explores = (modelList.find((m) => m.name === model)?.explores ?? []).filter((e) => !e.hidden);
  const explore = draft.explore !== '' ? draft.explore : explores[0]?.name ?? '';
  const [exploreInfo] = useLoad<LookmlExplore>(isField && model !== '' && explore !== ''
    ? `/lookml_models/${encodeURIComponent(model)}/explores/${encodeURIComponent(explore)}` : null);
  const dimensions = exploreInfo.state === 'ready' ? exploreInfo.value.fields.dimensions.filter((d) => !d.hidden) : [];
  const queryTiles = dashboard.dashboard_elements.filter((e) => tileQuery(e) !== null);
  const tiles = pickedTiles ?? tilesOnExplore(dashboard.dashboard_elements, model, explore);
  const set = (patch: Partial<Draft>) => { setDraft((d) => ({ ...d, ...patch })); };

  const missing = (): string | null => {
    if (draft.title.trim() === '') return 'Give the filter a title.';
    if (isField && (model === '' || explore === '' || draft.dimension === '')) return 'Pick the model, explore and field the filter applies to.';
    return null;
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (busy) return;
    const problem = missing();
    if (problem !== null) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError(null);
    const name = draft.name.trim() === '' ? draft.title.trim() : draft.name.trim();
    const body = {
      name, title: draft.title.trim(), type: draft.type, default_value: draft.defaultValue.trim() === '' ? null : draft.defaultValue.trim(),
      model: isField ? model : null, explore: isField ? explore : null, dimension: isField ? draft.dimension : null,
    };
    try {
      if (filter === null) await api<DashboardFilter>('POST', '/dashboard_filters', { ...body, dashboard_id: dashboard.id });
      else await api<DashboardFilter>('PATCH', `/dashboard_filters/${encodeURIComponent(filter.id)}`, body);
      const changed = await saveTileListeners(dashboard.dashboard_elements, name, filter?.name ?? null, isField ? draft.dimension : null, tiles);
      const verb = filter === null ? 'Added' : 'Saved';
      onSaved(`${verb} filter ${body.title}${changed > 0 ? `; ${changed} tile(s) updated` : ''}.`);
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };

  return (
    <form className="filter-form" data-testid="filter-form" aria-label={filter === null ? 'New dashboard filter' : `Edit filter ${filter.title}`}
      onSubmit={(e) => { void submit(e); }}>
      <h3>{filter === null ? 'New filter' : `Edit filter ${filter.title}`}</h3>
      <div className="filter-form-grid">
        <label>Title
          <input data-testid="filter-form-title" value={draft.title} required onChange={(e) => { set({ title: e.target.value }); }} />
        </label>
        <label>Name in URLs
          <input data-testid="filter-form-name" value={draft.name} placeholder={draft.title === '' ? 'the title' : draft.title}
            title="The filter's key in dashboard URLs and tile listeners; empty: the title" onChange={(e) => { set({ name: e.target.value }); }} />
        </label>
        <label>Type
          <select data-testid="filter-form-type" value={draft.type} onChange={(e) => { set({ type: e.target.value }); }}>
            {FILTER_TYPES.map((t) => <option key={t.value} value={t.value}>{t.label}</option>)}
          </select>
        </label>
        {isField && (
          <>
            <label>Model
              <select data-testid="filter-form-model" value={model} onChange={(e) => { set({ model: e.target.value, explore: '', dimension: '' }); }}>
                {modelList.map((m) => <option key={m.name} value={m.name}>{m.label}</option>)}
              </select>
            </label>
            <label>Explore
              <select data-testid="filter-form-explore" value={explore} onChange={(e) => { set({ explore: e.target.value, dimension: '' }); }}>
                {explores.map((x) => <option key={x.name} value={x.name}>{x.label}</option>)}
              </select>
            </label>
            <label>Field
              <select data-testid="filter-form-dimension" value={draft.dimension} onChange={(e) => { set({ dimension: e.target.value }); }}>
                <option value="">Pick a field…</option>
                {dimensions.map((d) => <option key={d.name} value={d.name}>{d.view_label} {d.label_short}</option>)}
              </select>
            </label>
          </>
        )}
        <label>Default value
          <input data-testid="filter-form-default" value={draft.defaultValue} placeholder="e.g. complete, >10, last 7 days"
            onChange={(e) => { set({ defaultValue: e.target.value }); }} />
        </label>
      </div>
      {isField && queryTiles.length > 0 && (
        <fieldset className="filter-form-tiles" data-testid="filter-form-tiles">
          <legend>Tiles to update (on {draft.dimension === '' ? 'the chosen field' : draft.dimension})</legend>
          {queryTiles.map((e) => (
            <label key={e.id} className="check">
              <input type="checkbox" data-testid={`filter-form-tile-${e.id}`} checked={tiles.has(e.id)}
                onChange={(ev) => {
                  const next = new Set(tiles);
                  if (ev.target.checked) next.add(e.id);
                  else next.delete(e.id);
                  setPickedTiles(next);
                }} />
              {tileTitle(e) === '' ? `Tile ${e.id}` : tileTitle(e)}
            </label>
          ))}
        </fieldset>
      )}
      {error !== null && <p className="error" role="alert" data-testid="filter-form-error">{error}</p>}
      <div className="form-actions">
        <ActionButton submit className="primary" data-testid="filter-form-save" unavailable={busy}>{busy ? 'Saving…' : 'Save filter'}</ActionButton>
        <button type="button" data-testid="filter-form-cancel" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
