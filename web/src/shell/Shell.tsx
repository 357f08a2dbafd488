// The signed-in app: top bar, dev-mode banner and the page. Pages remount when the workspace
// changes (dev mode on/off), so every one of them loads its data again from the new workspace.
import { useEffect, type ReactNode } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { LayoutModeContext, type LayoutMode } from '../mode.ts';
import { useSession } from '../session.tsx';
import { DevBanner } from './DevMode.tsx';
import { TopBar } from './TopBar.tsx';

function SessionGate({ children, redirect }: { children: ReactNode; redirect: boolean }) {
  const { state } = useSession();
  const location = useLocation();
  const refused = !redirect && state.status === 'signed-out';
  // The renderer waits for a marker; tell it at once that this frame has no session.
  useEffect(() => {
    if (!refused) return;
    document.body.dataset.overlookError = 'unauthenticated';
    return () => { delete document.body.dataset.overlookError; };
  }, [refused]);
  if (state.status === 'loading') return <p className="page muted" data-testid="session-loading">Loading…</p>;
  if (state.status === 'error') return <p className="page error" role="alert">Cannot reach the server: {state.message}</p>;
  if (state.status === 'signed-out') {
    if (redirect) {
      const expired = state.expired === true ? '&expired=1' : '';
      return <Navigate to={`/login?return_to=${encodeURIComponent(location.pathname + location.search)}${expired}`} replace />;
    }
    return <p className="page error" role="alert" data-testid="auth-required">This page needs a signed-in session.</p>;
  }
  return children;
}

export function Shell() {
  const { dataVersion } = useSession();
  return (
    <SessionGate redirect>
      <div className="app">
        <a className="skip-link" href="#main">Skip to content</a>
        <TopBar />
        <DevBanner />
        <main id="main" className="app-main" tabIndex={-1}>
          <Outlet key={dataVersion} />
        </main>
      </div>
    </SessionGate>
  );
}

/** Render-only and embed frames: no top bar, no dev-mode UI; pages adapt through the layout mode. */
export function Frame({ mode }: { mode: Exclude<LayoutMode, 'app'> }) {
  return (
    <LayoutModeContext value={mode}>
      <SessionGate redirect={false}>
        <main className={`frame frame-${mode}`} data-testid={`${mode}-frame`}>
          <Outlet />
        </main>
      </SessionGate>
    </LayoutModeContext>
  );
}

export function NotFound() {
  return (
    <div className="page">
      <h1>Not found</h1>
      <p className="muted">There is no page at this address.</p>
    </div>
  );
}
