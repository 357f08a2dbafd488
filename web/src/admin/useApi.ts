// Loading one API resource for an admin page, and turning failures into readable text.
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError } from '../api.ts';

export type Loaded<T> = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; value: T };

/** A one-line explanation of a failed call, with the 422 field details when there are any. */
export function messageOf(e: unknown): string {
  if (e instanceof ApiError) {
    const details = (e.body?.errors ?? [])
      .map((d) => (d.message === undefined ? '' : d.field !== undefined && d.field !== '' ? `${d.field}: ${d.message}` : d.message))
      .filter((m) => m !== '' && m !== e.message);
    return details.length === 0 ? e.message : `${e.message} (${details.join('; ')})`;
  }
  return e instanceof Error ? e.message : String(e);
}

/** GETs `path`; `reload` fetches again while the current value stays on screen. */
export function useApi<T>(path: string): [Loaded<T>, () => void] {
  const [load, setLoad] = useState<Loaded<T>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    api<T>('GET', path, undefined, { signal: controller.signal }).then(
      (value) => { setLoad({ state: 'ready', value }); },
      (e: unknown) => { if (!controller.signal.aborted) setLoad({ state: 'error', message: messageOf(e) }); },
    );
    return () => { controller.abort(); };
  }, [path, tick]);
  const reload = useCallback(() => { setTick((t) => t + 1); }, []);
  return [load, reload];
}
