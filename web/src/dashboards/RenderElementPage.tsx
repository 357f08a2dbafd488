// `/render/dashboard_elements/:id`: one dashboard tile on its own, filling the renderer's viewport
// (create_dashboard_element_render_task). It runs with its dashboard's default filter values.
import { useMemo } from 'react';
import { useParams } from 'react-router';
import { usePageFailure } from '../events.ts';
import { useLoad } from '../load.ts';
import type { DashboardElement } from '../looker.ts';
import { Tile } from './Tile.tsx';
import { useDashboardRun, type Filters } from './useDashboardRun.ts';

const NO_FILTERS: Filters = {};

export function RenderElementPage() {
  const { id = '' } = useParams();
  const [element] = useLoad<DashboardElement>(`/dashboard_elements/${encodeURIComponent(id)}`);
  usePageFailure(element.state === 'error', 'dashboard element');
  if (element.state === 'loading') return <p className="page muted">Loading tile…</p>;
  if (element.state === 'error') {
    return <div className="page"><p className="error" role="alert" data-testid="element-error">{element.message}</p></div>;
  }
  return <ElementView key={element.value.id} element={element.value} />;
}

function ElementView({ element }: { element: DashboardElement }) {
  const dashboard = useMemo(() => ({ id: element.dashboard_id, title: element.title ?? '', dashboard_elements: [element] }), [element]);
  const { results, stateOf } = useDashboardRun(dashboard, NO_FILTERS);
  return (
    <div className="render-element" data-testid="render-element" data-element-id={element.id}>
      <Tile element={element} placement={null} state={stateOf(element)} result={results.get(element.id)} />
    </div>
  );
}
