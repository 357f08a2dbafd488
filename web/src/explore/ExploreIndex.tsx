// `/explore`: every model's explores, for when the Explore menu is not at hand (narrow screens).
import { Link } from 'react-router';
import { useLoad } from '../load.ts';
import type { LookmlModel } from '../looker.ts';

export function ExploreIndex() {
  const [models] = useLoad<LookmlModel[]>('/lookml_models');
  return (
    <div className="page" data-testid="explore-index">
      <h1>Explore</h1>
      {models.state === 'loading' && <p className="muted">Loading…</p>}
      {models.state === 'error' && <p className="error" role="alert">{models.message}</p>}
      {models.state === 'ready' && models.value.map((m) => (
        <section key={m.name} className="card">
          <h2>{m.label}</h2>
          <ul className="link-list">
            {m.explores.filter((e) => !e.hidden).map((e) => (
              <li key={e.name}>
                <Link to={`/explore/${encodeURIComponent(m.name)}/${encodeURIComponent(e.name)}`}>{e.label}</Link>
                {e.description !== null && <span className="muted small"> — {e.description}</span>}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
