// Loading API resources into components, and turning failures into readable text.
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError } from './api.ts';

export type Loaded<T> = { state: 'loading' } | { state: 'error'; message: string; status: number | null } | { state: 'ready'; value: T };

/** A one-line explanation of a failed call, with 422 field details when they add something. */
export function messageOf(e: unknown): string {
  if (e instanceof ApiError) {
    const details = (e.body?.errors ?? [])
      .map((d) => d.message ?? '')
      .filter((m) => m !== '' && m !== e.message);
    return details.length === 0 ? e.message : `${e.message}: ${details.join('; ')}`;
  }
  return e instanceof Error ? e.message : String(e);
}

export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}

/** GETs `path` (null: nothing to load); `reload` fetches again, as does a new `version`. */
export function useLoad<T>(path: string | null, version = 0): [Loaded<T>, () => void] {
  const [load, setLoad] = useState<{ key: string | null; tick: number; result: Loaded<T> }>({ key: null, tick: -1, result: { state: 'loading' } });
  const key = path === null ? null : `${version}:${path}`;
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null || key === null) return;
    const controller = new AbortController();
    api<T>('GET', path, undefined, { signal: controller.signal }).then(
      (value) => { setLoad({ key, tick, result: { state: 'ready', value } }); },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setLoad({ key, tick, result: { state: 'error', message: messageOf(e), status: e instanceof ApiError ? e.status : null } });
      },
    );
    return () => { controller.abort(); };
  }, [path, key, tick]);
  const reload = useCallback(() => { setTick((t) => t + 1); }, []);
  // A result for another path is stale: show loading until this path's answer arrives.
  if (load.key !== key) return [{ state: 'loading' }, reload];
  return [load.result, reload];
}
