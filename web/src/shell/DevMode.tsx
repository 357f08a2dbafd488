// The Development Mode switch (button and Ctrl/Cmd+Shift+D) and the banner shown while in dev.
// Dev mode is the user's sticky setting on the server; switching reloads every page's data.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useLocation } from 'react-router';
import { api } from '../api.ts';
import { messageOf } from '../load.ts';
import type { GitBranch, Project } from '../looker.ts';
import { can, useMe, useSession } from '../session.tsx';

export function DevModeToggle() {
  const me = useMe();
  const { setDevMode } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const dev = me?.workspace_id === 'dev';
  const allowed = me !== null && me.kind === 'ui' && (dev || can(me, 'develop'));
  const busyRef = useRef(false);

  const toggle = useCallback(async () => {
    if (busyRef.current) return;
    busyRef.current = true;
    setBusy(true);
    setError(null);
    try {
      await setDevMode(!dev);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  }, [dev, setDevMode]);

  useEffect(() => {
    if (!allowed) return;
    const onKey = (e: KeyboardEvent): void => {
      if ((e.ctrlKey || e.metaKey) && e.shiftKey && !e.altKey && e.key.toLowerCase() === 'd') {
        e.preventDefault();
        void toggle();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => { window.removeEventListener('keydown', onKey); };
  }, [allowed, toggle]);

  if (!allowed) return null;
  return (
    <div className="dev-toggle-wrap">
      <button type="button" className={`dev-toggle ${dev ? 'on' : ''}`} aria-pressed={dev} data-testid="dev-mode-toggle"
        aria-disabled={busy} title="Development Mode (Ctrl+Shift+D)" aria-keyshortcuts="Control+Shift+D Meta+Shift+D"
        onClick={() => { void toggle(); }}>
        <span className="switch" aria-hidden="true"><span className="knob" /></span>
        <span className="dev-toggle-label">Development Mode</span>
      </button>
      {error !== null && <span className="error small" role="alert" data-testid="dev-mode-error">{error}</span>}
    </div>
  );
}

type BranchInfo = { project: string; branch: string } | { error: string } | null;

const BRANCH_CHANGED = 'overlook:branch-changed';

/** Tells the banner to look up the branch again (the IDE switched or created one). */
export function announceBranchChange(): void {
  window.dispatchEvent(new Event(BRANCH_CHANGED));
}

export function DevBanner() {
  const me = useMe();
  const { dataVersion } = useSession();
  const { pathname } = useLocation();
  const dev = me?.workspace_id === 'dev';
  const [info, setInfo] = useState<BranchInfo>(null);
  const [branchTick, setBranchTick] = useState(0);

  useEffect(() => {
    const bump = (): void => { setBranchTick((t) => t + 1); };
    window.addEventListener(BRANCH_CHANGED, bump);
    return () => { window.removeEventListener(BRANCH_CHANGED, bump); };
  }, []);

  // Looked up again after navigation too: the IDE can switch branches.
  useEffect(() => {
    if (!dev) return;
    const controller = new AbortController();
    const opts = { signal: controller.signal };
    (async (): Promise<BranchInfo> => {
      const projects = await api<Project[]>('GET', '/projects', undefined, opts);
      const first = projects[0];
      if (!first) return null;
      const branch = await api<GitBranch>('GET', `/projects/${encodeURIComponent(first.id)}/git_branch`, undefined, opts);
      return { project: first.id, branch: branch.name };
    })().then((v) => { setInfo(v); }, (e: unknown) => { if (!controller.signal.aborted) setInfo({ error: messageOf(e) }); });
    return () => { controller.abort(); };
  }, [dev, dataVersion, pathname, branchTick]);

  if (!dev) return null;
  return (
    <div className="dev-banner" role="status" data-testid="dev-mode-banner">
      <strong>You are in Development Mode</strong>
      {info !== null && 'branch' in info && (
        <span> — project <code>{info.project}</code>, branch <code data-testid="dev-branch">{info.branch}</code></span>
      )}
      {info !== null && 'error' in info && <span className="small"> (branch unknown: {info.error})</span>}
    </div>
  );
}
