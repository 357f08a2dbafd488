// The web UI's routes. Pages talk only to /api/4.0 and /x-overlook with the cookie session.
//
// Stable data-testids for browser tests (dynamic parts in <>):
//   login-email, login-password, login-submit, login-error
//   brand, nav-browse, explore-menu (+ explore-link-<model>-<explore>), develop-menu, nav-admin,
//   user-menu, logout, dev-mode-toggle (aria-pressed), dev-mode-banner, dev-branch, dev-mode-error
//   explore-page, explore-title, field-picker, field-search, view-<view label>, group-<group key>,
//   field-<view.field> (aria-pressed when selected), filter-field-<view.field>, selected-<f>,
//   pivot-<f>, remove-<f>, filter-input-<f>, filter-error-<f>, remove-filter-<f>, explore-run,
//   explore-limit, vis-picker, vis-<looker_column|looker_bar|looker_line|looker_area|looker_pie|
//   single_value|looker_grid>, results-tab, sql-tab, sql-text, results-table, results-vis,
//   vis-chart, single-value, sort-<f>, explore-run-error, share-button, share-link, share-expanded,
//   save-look, save-look-dialog, save-look-title, save-look-folder, save-look-submit, slug-error
//   browse-page, folder-link-<id>, folder-contents, folder-title, dashboard-link-<id>, look-link-<id>
//   look-page, look-title, look-vis, explore-from-here, add-to-dashboard, add-to-dashboard-dialog,
//   add-to-dashboard-select, add-to-dashboard-new-title, add-to-dashboard-submit
//   dashboard-page, dashboard-title, dashboard-filters, dashboard-filter-<filter name>,
//   dashboard-run, dashboard-tile (data-tile-id, data-overlook-tile-state), tile-error
//   dashboard-edit / dashboard-edit-done, dashboard-edit-status, dashboard-layout-status, dashboard-filter-editor,
//   filter-add, filter-row-<name>, filter-edit-<name>, filter-remove-<name>, filter-remove-confirm-<name>, filter-form,
//   filter-form-{title,name,type,model,explore,dimension,default,save,cancel,error}, filter-form-tile-<element id>,
//   tile-layout, tile-{up,down,left,right,narrower,wider,shorter,taller}, tile-placement (data-row/column/width/height)
//   login-expired (the session ended mid-use), ide-readonly-notice, ide-switch-own-branch
//   render-frame, embed-frame, render-query, render-element (data-element-id), auth-required
import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { BrowsePage } from './content/BrowsePage.tsx';
import { LookPage } from './content/LookPage.tsx';
import { RenderQueryPage } from './content/RenderQueryPage.tsx';
import { DashboardPage } from './dashboards/DashboardPage.tsx';
import { RenderElementPage } from './dashboards/RenderElementPage.tsx';
import { ExploreIndex } from './explore/ExploreIndex.tsx';
import { ExplorePage } from './explore/ExplorePage.tsx';
import { SlugRedirect } from './explore/SlugRedirect.tsx';
import { LoginPage } from './shell/Login.tsx';
import { Frame, NotFound, Shell } from './shell/Shell.tsx';

// The IDE (CodeMirror) and admin pages load on first use, so render and embed frames stay light.
const IdePage = lazy(async () => ({ default: (await import('./ide/IdePage.tsx')).IdePage }));
const AdminPage = lazy(async () => ({ default: (await import('./admin/AdminPage.tsx')).AdminPage }));

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<p className="page muted">Loading…</p>}>{children}</Suspense>;
}

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/render" element={<Frame mode="render" />}>
        <Route path="dashboards/:id" element={<DashboardPage />} />
        <Route path="looks/:id" element={<LookPage />} />
        <Route path="queries/:id" element={<RenderQueryPage />} />
        <Route path="dashboard_elements/:id" element={<RenderElementPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
      <Route path="/embed" element={<Frame mode="embed" />}>
        <Route path="dashboards/:id" element={<DashboardPage />} />
        <Route path="looks/:id" element={<LookPage />} />
        <Route path="explore/:model/:explore" element={<ExplorePage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
      <Route path="/" element={<Shell />}>
        <Route index element={<Navigate to="/browse" replace />} />
        <Route path="browse" element={<BrowsePage />} />
        <Route path="folders/:id" element={<BrowsePage />} />
        <Route path="explore" element={<ExploreIndex />} />
        <Route path="explore/:model/:explore" element={<ExplorePage />} />
        <Route path="x/:slug" element={<SlugRedirect />} />
        <Route path="looks/:id" element={<LookPage />} />
        <Route path="dashboards/:id" element={<DashboardPage />} />
        <Route path="projects" element={<Lazy><IdePage /></Lazy>} />
        <Route path="projects/:projectId/ide" element={<Lazy><IdePage /></Lazy>} />
        <Route path="admin/*" element={<Lazy><AdminPage /></Lazy>} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
