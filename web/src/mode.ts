// Where a page is mounted: the full app, a render-only frame (PDF/PNG renderer) or an embed frame.
import { createContext, useContext } from 'react';

export type LayoutMode = 'app' | 'render' | 'embed';

export const LayoutModeContext = createContext<LayoutMode>('app');

export function useLayoutMode(): LayoutMode {
  return useContext(LayoutModeContext);
}

/** The path prefix pages of this mode link to (`/embed/looks/1` inside an embed frame). */
export function pathPrefix(mode: LayoutMode): string {
  return mode === 'app' ? '' : `/${mode}`;
}
