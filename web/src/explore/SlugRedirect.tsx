// `/x/:slug`: a short link → the expanded explore URL of its query.
import { Navigate, useParams } from 'react-router';
import { useLoad } from '../load.ts';
import type { Query } from '../looker.ts';
import { exploreUrl, stateFromQuery } from './url-state.ts';

export function SlugRedirect() {
  const { slug = '' } = useParams();
  const [query] = useLoad<Query>(`/queries/slug/${encodeURIComponent(slug)}`);
  if (query.state === 'loading') return <p className="page muted">Opening shared query…</p>;
  if (query.state === 'error') return <p className="page error" role="alert" data-testid="slug-error">{query.message}</p>;
  return <Navigate to={exploreUrl(query.value.model, query.value.view, stateFromQuery(query.value))} replace />;
}

