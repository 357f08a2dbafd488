// Page events and host commands between a page and whoever hosts it. The embed frame relays both
// over postMessage; the renderer and browser tests listen on window directly.
import { useEffect } from 'react';

export const PAGE_EVENT = 'overlook:page-event';
export const HOST_COMMAND = 'overlook:host-command';

export interface HostCommand {
  type: string;
  [k: string]: unknown;
}

export function emitPageEvent(type: string, payload: Record<string, unknown>): void {
  window.dispatchEvent(new CustomEvent(PAGE_EVENT, { detail: { type, ...payload } }));
}

/** Calls `handler` for every host command; returns the unsubscribe function. */
export function onHostCommand(handler: (cmd: HostCommand) => void): () => void {
  const listener = (event: Event): void => {
    if (!(event instanceof CustomEvent)) return;
    const detail: unknown = event.detail;
    if (typeof detail !== 'object' || detail === null) return;
    const type = (detail as { type?: unknown }).type;
    if (typeof type === 'string') handler({ ...(detail as Record<string, unknown>), type });
  };
  window.addEventListener(HOST_COMMAND, listener);
  return () => { window.removeEventListener(HOST_COMMAND, listener); };
}

/** The renderer's "everything has drawn" marker on <body>. */
export function setPageReady(ready: boolean): void {
  if (ready) document.body.dataset.overlookReady = 'true';
  else delete document.body.dataset.overlookReady;
}

/** While `failed`, tells the renderer the page is finished (ready) but broken (`data-overlook-error`). */
export function usePageFailure(failed: boolean, what: string): void {
  useEffect(() => {
    if (!failed) return;
    document.body.dataset.overlookError = what;
    setPageReady(true);
    return () => {
      delete document.body.dataset.overlookError;
      setPageReady(false);
    };
  }, [failed, what]);
}
