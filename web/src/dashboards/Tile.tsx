// One dashboard tile: a visualization, table, single value or text. The root carries the markers
// the renderer and embed SDK wait on (`data-overlook-tile`, `data-overlook-tile-state`).
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { explore } from '../content/links.ts';
import type { DashboardElement } from '../looker.ts';
import { pathPrefix, useLayoutMode } from '../mode.ts';
import { Visualization } from '../vis/Visualization.tsx';
import { gridStyle, tileTitle, tileVisType, type Placement } from './layout.ts';
import type { TileResult, TileState } from './useDashboardRun.ts';

interface Props {
  element: DashboardElement;
  placement: Placement | null;
  state: TileState;
  result: TileResult | undefined;
  /** Controls shown above the tile's content (the dashboard's edit mode). */
  toolbar?: ReactNode;
}

function TextTile({ element }: { element: DashboardElement }) {
  return (
    <div className="text-tile">
      {element.title_text !== null && element.title_text !== '' && <h3>{element.title_text}</h3>}
      {element.subtitle_text !== null && element.subtitle_text !== '' && <p className="muted">{element.subtitle_text}</p>}
      {/* body_text_as_html is the server's escaped Markdown rendering: no author markup gets through. */}
      {element.body_text_as_html !== null && <div className="text-body" dangerouslySetInnerHTML={{ __html: element.body_text_as_html }} />}
    </div>
  );
}

export function Tile({ element, placement, state, result, toolbar }: Props) {
  const mode = useLayoutMode();
  const title = tileTitle(element);
  const text = element.type === 'text';
  const type = result?.vis ?? tileVisType(element);
  const query = result?.query ?? element.result_maker?.query ?? element.query ?? null;
  return (
    <section className={`tile tile-${text ? 'text' : type} ${state === 'loading' && result ? 'stale' : ''}`} style={gridStyle(placement)}
      data-overlook-tile="" data-overlook-tile-state={state} data-testid="dashboard-tile" data-tile-id={element.id}
      aria-label={title === '' ? 'Tile' : title} aria-busy={state === 'loading'}>
      {toolbar}
      {!text && !element.title_hidden && title !== '' && (
        <header className="tile-head">
          <h2 className="tile-title" title={title}>{title}</h2>
          {mode === 'app' && query !== null && (
            <Link className="tile-explore small" to={explore(query, pathPrefix(mode))} aria-label={`Explore ${title}`}>Explore</Link>
          )}
        </header>
      )}
      <div className="tile-body">
        {text && <TextTile element={element} />}
        {!text && state === 'loading' && !result && <p className="muted small" role="status">Loading…</p>}
        {!text && result?.state === 'error' && <p className="error small" role="alert" data-testid="tile-error">{result.message}</p>}
        {!text && result?.state === 'done' && result.table !== null && (
          <Visualization table={result.table} type={type} title={title} />
        )}
      </div>
    </section>
  );
}
