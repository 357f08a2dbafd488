// `/projects`: the LookML projects, each opening in the IDE.
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api.ts';
import { messageOf } from './problems.ts';
import type { Project } from './types.ts';

type Load = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; projects: Project[] };

export function ProjectList() {
  const [load, setLoad] = useState<Load>({ state: 'loading' });

  useEffect(() => {
    const controller = new AbortController();
    api<Project[]>('GET', '/projects', undefined, { signal: controller.signal }).then(
      (projects) => { setLoad({ state: 'ready', projects: [...projects].sort((a, b) => a.name.localeCompare(b.name)) }); },
      (e: unknown) => { if (!controller.signal.aborted) setLoad({ state: 'error', message: messageOf(e) }); },
    );
    return () => { controller.abort(); };
  }, []);

  return (
    <div className="ide-page ide-projects">
      <h1 className="ide-title">LookML projects</h1>
      {load.state === 'loading' ? <p className="ide-muted">Loading projects…</p> : null}
      {load.state === 'error' ? <p role="alert" className="ide-error-text">Cannot list projects: {load.message}</p> : null}
      {load.state === 'ready' && load.projects.length === 0 ? (
        <p className="ide-muted">No projects yet. An admin can create one under Admin → Projects (in Development Mode).</p>
      ) : null}
      {load.state === 'ready' && load.projects.length > 0 ? (
        <ul className="ide-project-list" data-testid="ide-project-list">
          {load.projects.map((project) => (
            <li key={project.id} className="ide-project">
              <Link to={`/projects/${encodeURIComponent(project.id)}/ide`} data-testid={`ide-project-${project.id}`}>{project.name}</Link>
              <span className="ide-muted">
                {project.git_remote_url ?? (project.git_service_name === 'bare' ? 'repository hosted by Overlook' : 'no remote')}
                {' · production branch '}{project.git_production_branch_name ?? '—'}
                {project.has_production_counterpart ? '' : ' · not deployed yet'}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
