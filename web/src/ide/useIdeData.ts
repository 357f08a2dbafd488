// Everything the IDE shows about a project, loaded together: which workspace the user is in, what
// they may do, the files of their workspace, uncommitted changes and branches.
import { useCallback, useEffect, useState } from 'react';
import { api, type Me } from '../api.ts';
import { messageOf } from './problems.ts';
import type { ApiSession, FileChange, GitBranch, Project, ProjectFile } from './types.ts';

export interface IdeData {
  project: Project;
  /** The user's web UI workspace (their sticky dev mode). */
  workspace: 'production' | 'dev';
  permissions: ReadonlySet<string>;
  files: ProjectFile[];
  changes: FileChange[];
  branch: GitBranch | null;
  branches: GitBranch[];
}

export type IdeLoad = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; data: IdeData };

async function fetchIdeData(projectId: string, signal?: AbortSignal): Promise<IdeData> {
  const p = encodeURIComponent(projectId);
  const opts = signal ? { signal } : {};
  const [session, me, project, files, changes, branch, branches] = await Promise.all([
    api<ApiSession>('GET', '/session', undefined, opts),
    api<Me>('GET', '/x-overlook/ui/me', undefined, opts).catch(() => null),
    api<Project>('GET', `/projects/${p}`, undefined, opts),
    api<ProjectFile[]>('GET', `/projects/${p}/files`, undefined, opts),
    api<FileChange[]>('GET', `/projects/${p}/ide/changes`, undefined, opts),
    api<GitBranch>('GET', `/projects/${p}/git_branch`, undefined, opts).catch(() => null),
    api<GitBranch[]>('GET', `/projects/${p}/git_branches`, undefined, opts).catch(() => []),
  ]);
  return {
    project,
    workspace: session.workspace_id === 'dev' ? 'dev' : 'production',
    permissions: new Set(me?.permissions ?? []),
    files: [...files].sort((a, b) => a.path.localeCompare(b.path)),
    changes,
    branch,
    branches,
  };
}

export function useIdeData(projectId: string): { load: IdeLoad; refresh: () => Promise<void> } {
  const [load, setLoad] = useState<IdeLoad>({ state: 'loading' });
  const [loadedFor, setLoadedFor] = useState(projectId);
  // Another project: show loading again instead of the previous project's files.
  if (loadedFor !== projectId) {
    setLoadedFor(projectId);
    setLoad({ state: 'loading' });
  }

  useEffect(() => {
    const controller = new AbortController();
    fetchIdeData(projectId, controller.signal).then(
      (data) => { setLoad({ state: 'ready', data }); },
      (e: unknown) => { if (!controller.signal.aborted) setLoad({ state: 'error', message: messageOf(e) }); },
    );
    return () => { controller.abort(); };
  }, [projectId]);

  // A failed refresh keeps what is shown and throws, so the action that asked for it can say why.
  const refresh = useCallback(async () => {
    setLoad({ state: 'ready', data: await fetchIdeData(projectId) });
  }, [projectId]);

  return { load, refresh };
}
