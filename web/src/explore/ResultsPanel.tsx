// The explore's output: visualization picker, chart, results table and the SQL tab.
import { useState } from 'react';
import { DataTable } from '../vis/DataTable.tsx';
import { VIS_TYPES, type VisType } from '../vis/types.ts';
import { Visualization } from '../vis/Visualization.tsx';
import { SqlPanel } from './SqlPanel.tsx';
import type { ExploreState } from './url-state.ts';
import type { RunOutcome } from './useExploreRun.ts';

interface Props {
  state: ExploreState;
  outcome: RunOutcome | null;
  running: boolean;
  canSeeSql: boolean;
  onVis: (vis: VisType) => void;
  onSort: (field: string, additive: boolean) => void;
}

export function ResultsPanel({ state, outcome, running, canSeeSql, onVis, onSort }: Props) {
  const [tab, setTab] = useState<'results' | 'sql'>('results');
  const shownTab = canSeeSql ? tab : 'results';
  return (
    <div className="results" data-testid="explore-results" aria-busy={running}>
      <fieldset className="vis-picker" data-testid="vis-picker">
        <legend className="sr-only">Visualization</legend>
        {VIS_TYPES.map((v) => (
          <label key={v.type} className={`vis-option ${state.vis === v.type ? 'checked' : ''}`}>
            <input type="radio" name="vis" value={v.type} checked={state.vis === v.type} data-testid={`vis-${v.type}`}
              onChange={() => { onVis(v.type); }} />
            {v.label}
          </label>
        ))}
      </fieldset>
      <div className="tabs" role="tablist" aria-label="Output">
        <button type="button" role="tab" id="tab-results" aria-selected={shownTab === 'results'} aria-controls="panel-results"
          data-testid="results-tab" onClick={() => { setTab('results'); }}>Results</button>
        {canSeeSql && (
          <button type="button" role="tab" id="tab-sql" aria-selected={shownTab === 'sql'} aria-controls="panel-sql"
            data-testid="sql-tab" onClick={() => { setTab('sql'); }}>SQL</button>
        )}
        {running && <span className="muted small running" role="status">Running…</span>}
      </div>
      {outcome === null && !running && <p className="muted" data-testid="results-none">Run the query to see results.</p>}
      {outcome?.kind === 'error' && (
        <div className="error-box" role="alert" data-testid="explore-run-error">
          <p>{outcome.message}</p>
          {outcome.details !== null && <pre className="small">{outcome.details}</pre>}
        </div>
      )}
      {shownTab === 'results' && outcome?.kind === 'done' && (
        <div id="panel-results" role="tabpanel" aria-labelledby="tab-results" className={running ? 'stale' : undefined}>
          {state.vis !== 'looker_grid' && (
            <div className="vis-box" data-testid="results-vis"><Visualization table={outcome.table} type={state.vis} /></div>
          )}
          <DataTable table={outcome.table} onSort={onSort} caption="Query results" />
        </div>
      )}
      {shownTab === 'sql' && outcome?.query && (
        <div id="panel-sql" role="tabpanel" aria-labelledby="tab-sql"><SqlPanel queryId={outcome.query.id} /></div>
      )}
    </div>
  );
}
