// `/render/queries/:id`: one saved query drawn as `?vis=` (or its vis_config), for the renderer.
import { useEffect, useMemo } from 'react';
import { useLocation, useParams } from 'react-router';
import { setPageReady, usePageFailure } from '../events.ts';
import { useLoad } from '../load.ts';
import type { Query } from '../looker.ts';
import { useQueryResult } from '../vis/useQueryResult.ts';
import { isChart, useChartSettled } from '../vis/lazy-chart.ts';
import { visFromParam, visType } from '../vis/types.ts';
import { Visualization } from '../vis/Visualization.tsx';

export function RenderQueryPage() {
  const { id = '' } = useParams();
  const location = useLocation();
  const [query] = useLoad<Query>(`/queries/${encodeURIComponent(id)}`);
  const q = query.state === 'ready' ? query.value : null;
  const result = useQueryResult(q);
  const vis = useMemo(() => visFromParam(new URLSearchParams(location.search).get('vis')), [location.search]);
  const type = vis ?? visType(q?.vis_config?.type ?? 'looker_grid');
  const chartSettled = useChartSettled(q !== null && isChart(type));
  const done = result.state !== 'loading' && chartSettled;
  usePageFailure(query.state === 'error', 'query');
  useEffect(() => {
    setPageReady(done);
    return () => { setPageReady(false); };
  }, [done]);
  if (query.state === 'error') return <p className="error" role="alert">{query.message}</p>;
  return (
    <div className="frame-page render-query" data-overlook-tile="" data-overlook-tile-state={result.state} data-testid="render-query">
      {result.state === 'loading' && <p className="muted">Running…</p>}
      {result.state === 'error' && <p className="error" role="alert">{result.message}</p>}
      {result.state === 'done' && <div className={type === 'looker_grid' ? '' : 'vis-box'}><Visualization table={result.table} type={type} /></div>}
    </div>
  );
}
