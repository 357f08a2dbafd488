// `/looks/:id` (also under /render and /embed): the look's title, its query run and drawn as the
// saved visualization, "Explore from here" and "Add to dashboard".
import { useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { emitPageEvent, setPageReady, usePageFailure } from '../events.ts';
import { explore as exploreUrlOf } from './links.ts';
import { useLoad } from '../load.ts';
import type { Look } from '../looker.ts';
import { pathPrefix, useLayoutMode } from '../mode.ts';
import { can, useMe } from '../session.tsx';
import { useQueryResult } from '../vis/useQueryResult.ts';
import { isChart, useChartSettled } from '../vis/lazy-chart.ts';
import { visType } from '../vis/types.ts';
import { Visualization } from '../vis/Visualization.tsx';
import { AddToDashboardDialog } from './AddToDashboard.tsx';

export function LookPage() {
  const { id = '' } = useParams();
  const [look] = useLoad<Look>(`/looks/${encodeURIComponent(id)}`);
  usePageFailure(look.state === 'error', 'look');
  if (look.state === 'loading') return <p className="page muted">Loading look…</p>;
  if (look.state === 'error') return <p className="page error" role="alert" data-testid="look-error">{look.message}</p>;
  return <LookView key={look.value.id} look={look.value} />;
}

function LookView({ look }: { look: Look }) {
  const mode = useLayoutMode();
  const me = useMe();
  const [adding, setAdding] = useState(false);
  const query = look.query ?? null;
  const info = useMemo(() => ({ look: { id: look.id, title: look.title } }), [look.id, look.title]);
  // Before the run starts: hosts see `look:ready` first.
  useEffect(() => { emitPageEvent('look:ready', info); }, [info]);
  const result = useQueryResult(query, { prefix: 'look', payload: info });
  const type = visType(query?.vis_config?.type ?? 'looker_grid');
  const chartSettled = useChartSettled(isChart(type));
  const done = result.state !== 'loading' && chartSettled;

  useEffect(() => {
    setPageReady(done);
    return () => { setPageReady(false); };
  }, [done]);

  return (
    <article className={`look-page ${mode === 'app' ? 'page' : 'frame-page'}`} data-testid="look-page">
      <header className="page-head">
        <h1 data-testid="look-title">{look.title}</h1>
        {mode !== 'render' && (
          <div className="page-actions">
            {query && can(me, 'explore') && (
              <Link className="button" to={exploreUrlOf(query, pathPrefix(mode))} data-testid="explore-from-here">Explore from here</Link>
            )}
            {mode === 'app' && can(me, 'save_content') && (
              <button type="button" data-testid="add-to-dashboard" onClick={() => { setAdding(true); }}>Add to dashboard</button>
            )}
          </div>
        )}
      </header>
      {look.description !== null && look.description !== '' && <p className="muted">{look.description}</p>}
      <div className="look-body" data-overlook-tile="" data-overlook-tile-state={result.state} data-testid="look-vis">
        {query === null && <p className="error" role="alert">This look has no query.</p>}
        {result.state === 'loading' && query !== null && <p className="muted" role="status">Running…</p>}
        {result.state === 'error' && <p className="error" role="alert" data-testid="look-run-error">{result.message}</p>}
        {result.state === 'done' && <div className={type === 'looker_grid' ? '' : 'vis-box'}><Visualization table={result.table} type={type} title={look.title} /></div>}
      </div>
      {adding && <AddToDashboardDialog look={look} onClose={() => { setAdding(false); }} />}
    </article>
  );
}
