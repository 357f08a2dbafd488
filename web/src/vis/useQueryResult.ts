// Runs one saved query for a look or render page and reports it as page events.
import { useEffect, useRef, useState } from 'react';
import { emitPageEvent } from '../events.ts';
import { isAbort, messageOf } from '../load.ts';
import type { Query } from '../looker.ts';
import type { ResultTable } from './result.ts';
import { QueryFailure, runQuery } from './run.ts';

export type QueryResult =
  | { state: 'loading' }
  | { state: 'done'; table: ResultTable }
  | { state: 'error'; message: string };

export interface RunEvents {
  /** `look` → `look:run:start` / `look:run:complete`. */
  prefix: string;
  payload: Record<string, unknown>;
}

export function useQueryResult(query: Query | null, events?: RunEvents): QueryResult {
  const [result, setResult] = useState<{ id: string; result: QueryResult } | null>(null);
  const prefix = events?.prefix ?? null;
  // The payload only describes the page: a new object with the same query must not re-run it.
  const payloadRef = useRef<Record<string, unknown>>({});
  useEffect(() => { payloadRef.current = events?.payload ?? {}; });
  useEffect(() => {
    if (query === null) return;
    const payload = payloadRef.current;
    const controller = new AbortController();
    if (prefix !== null) emitPageEvent(`${prefix}:run:start`, payload);
    runQuery(query, controller.signal).then(
      (table) => {
        setResult({ id: query.id, result: { state: 'done', table } });
        if (prefix !== null) emitPageEvent(`${prefix}:run:complete`, { ...payload, status: 'complete', rows: table.rows.length });
      },
      (e: unknown) => {
        if (controller.signal.aborted || isAbort(e)) return;
        const message = e instanceof QueryFailure && e.details !== null ? `${e.message} ${e.details}` : messageOf(e);
        setResult({ id: query.id, result: { state: 'error', message } });
        if (prefix !== null) emitPageEvent(`${prefix}:run:complete`, { ...payload, status: 'error', message });
      },
    );
    return () => { controller.abort(); };
  }, [query, prefix]);
  if (query === null || result?.id !== query.id) return { state: 'loading' };
  return result.result;
}
