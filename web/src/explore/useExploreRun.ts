// Running the explore's query: create the query object (POST /queries), run it as json_detail,
// and explain refusals — a 422 on a filter goes next to that filter.
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError } from '../api.ts';
import { emitPageEvent } from '../events.ts';
import { isAbort, messageOf } from '../load.ts';
import type { Query } from '../looker.ts';
import type { ResultTable } from '../vis/result.ts';
import { QueryFailure, runQuery } from '../vis/run.ts';
import { queryBody, type ExploreState } from './url-state.ts';

export type RunOutcome =
  | { seq: number; kind: 'done'; state: ExploreState; query: Query; table: ResultTable }
  | { seq: number; kind: 'error'; state: ExploreState; query: Query | null; message: string; details: string | null; filterErrors: Record<string, string> };

export interface ExploreRun {
  /** The latest outcome (the previous one stays while a new run is going). */
  outcome: RunOutcome | null;
  running: boolean;
  /** How many runs were asked for (0: none yet). */
  seq: number;
  run: (state: ExploreState) => void;
}

function explain(e: unknown, state: ExploreState): { message: string; details: string | null; filterErrors: Record<string, string> } {
  if (e instanceof QueryFailure) return { message: e.message, details: e.details, filterErrors: {} };
  const filterErrors: Record<string, string> = {};
  if (e instanceof ApiError && e.status === 422) {
    const rest: string[] = [];
    for (const d of e.body?.errors ?? []) {
      const field = d.field?.replace(/^filters\./, '') ?? '';
      if (field in state.filters) filterErrors[field] = d.message ?? e.message;
      else if (d.message !== undefined) rest.push(d.message);
    }
    if (Object.keys(filterErrors).length > 0) {
      return { message: rest.length > 0 ? rest.join('; ') : 'A filter is not valid: see the filter below.', details: null, filterErrors };
    }
  }
  return { message: messageOf(e), details: null, filterErrors };
}

export function useExploreRun(model: string, explore: string, initial: ExploreState | null): ExploreRun {
  const [request, setRequest] = useState<{ seq: number; state: ExploreState } | null>(() => (initial ? { seq: 1, state: initial } : null));
  const [outcome, setOutcome] = useState<RunOutcome | null>(null);

  useEffect(() => {
    if (request === null) return;
    const controller = new AbortController();
    const { seq, state } = request;
    const info = { explore: { model, explore, fields: state.fields } };
    emitPageEvent('explore:run:start', info);
    let query: Query | null = null;
    (async () => {
      query = await api<Query>('POST', '/queries', queryBody(model, explore, state), { signal: controller.signal });
      const table = await runQuery(query, controller.signal);
      setOutcome({ seq, kind: 'done', state, query, table });
      emitPageEvent('explore:run:complete', { ...info, status: 'complete', query_id: query.id, rows: table.rows.length });
    })().catch((e: unknown) => {
      if (controller.signal.aborted || isAbort(e)) return;
      const why = explain(e, state);
      setOutcome({ seq, kind: 'error', state, query, ...why });
      emitPageEvent('explore:run:complete', { ...info, status: 'error', message: why.message });
    });
    return () => { controller.abort(); };
  }, [request, model, explore]);

  const run = useCallback((state: ExploreState) => {
    setRequest((r) => ({ seq: (r?.seq ?? 0) + 1, state }));
  }, []);

  return { outcome, running: request !== null && outcome?.seq !== request.seq, seq: request?.seq ?? 0, run };
}
