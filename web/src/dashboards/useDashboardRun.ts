// Running a dashboard's tiles with its filter values: each query tile asks the server for its query
// with the filters merged in (GET /dashboard_elements/{id}/query), then runs it; a merged-results
// tile (merge_result_id) has the server run its merge with the filters (GET
// /dashboard_elements/{id}/run/json_detail, x-overlook) and draws as its merge query's vis_config
// says. Reports page events, answers host commands and sets the renderer's ready marker when every
// tile has finished.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api.ts';
import { emitPageEvent, onHostCommand, setPageReady } from '../events.ts';
import { isAbort, messageOf } from '../load.ts';
import type { Dashboard, DashboardElement, Query } from '../looker.ts';
import { isChart, useChartSettled } from '../vis/lazy-chart.ts';
import type { ResultTable } from '../vis/result.ts';
import { QueryFailure, runDashboardElement, runQuery } from '../vis/run.ts';
import type { VisType } from '../vis/types.ts';
import { isRunnable, mergeResultId, tileTitle, tileVisType } from './layout.ts';

export type TileState = 'loading' | 'done' | 'error';

/** A tile's last run; `query` is null for merged results, `vis` set when the run told how to draw (merged results). */
export interface TileResult { seq: number; state: 'done' | 'error'; table: ResultTable | null; message: string | null; query: Query | null; vis: VisType | null }

export type Filters = Record<string, string>;

const CONCURRENCY = 4;

function filtersText(filters: Filters): string {
  return new URLSearchParams(Object.entries(filters)).toString();
}

async function runTile(e: DashboardElement, filters: Filters, signal: AbortSignal): Promise<{ query: Query | null; table: ResultTable; vis: VisType | null }> {
  if (mergeResultId(e) !== null) {
    // The element's result_maker carries the merge query's vis_config (tileVisType reads it).
    const table = await runDashboardElement(e.id, filtersText(filters), signal);
    return { query: null, table, vis: tileVisType(e) };
  }
  const query = await api<Query>('GET', `/dashboard_elements/${encodeURIComponent(e.id)}/query`, undefined, { query: { dashboard_filters: filtersText(filters) }, signal });
  return { query, table: await runQuery(query, signal), vis: null };
}

/** What running needs of a dashboard (a one-tile render page passes just that tile). */
export type RunnableDashboard = Pick<Dashboard, 'id' | 'title' | 'dashboard_elements'>;

export function useDashboardRun(dashboard: RunnableDashboard, initialFilters: Filters) {
  const [values, setValues] = useState<Filters>(initialFilters);
  const [run, setRun] = useState<{ seq: number; filters: Filters }>({ seq: 1, filters: initialFilters });
  const [results, setResults] = useState<ReadonlyMap<string, TileResult>>(new Map());
  const runnable = useMemo(() => dashboard.dashboard_elements.filter(isRunnable), [dashboard]);
  const info = useCallback((filters: Filters) => ({ dashboard: { id: dashboard.id, title: dashboard.title, dashboard_filters: filters } }), [dashboard]);

  // Declared before the run effect so `loaded` is reported before the first `run:start`.
  useEffect(() => { emitPageEvent('dashboard:loaded', info(initialFilters)); }, [info, initialFilters]);

  useEffect(() => {
    const controller = new AbortController();
    const { seq, filters } = run;
    emitPageEvent('dashboard:run:start', info(filters));
    const queue = [...runnable];
    const worker = async (): Promise<void> => {
      for (let e = queue.shift(); e !== undefined; e = queue.shift()) {
        const tile = { id: e.id, title: tileTitle(e) };
        emitPageEvent('dashboard:tile:start', { ...info(filters), tile });
        let result: TileResult;
        try {
          const { query, table, vis } = await runTile(e, filters, controller.signal);
          result = { seq, state: 'done', table, message: null, query, vis };
        } catch (err) {
          if (controller.signal.aborted || isAbort(err)) return;
          const message = err instanceof QueryFailure && err.details !== null ? `${err.message} ${err.details}` : messageOf(err);
          result = { seq, state: 'error', table: null, message, query: null, vis: null };
        }
        const id = e.id;
        setResults((prev) => new Map(prev).set(id, result));
        emitPageEvent('dashboard:tile:complete', { ...info(filters), tile: { ...tile, status: result.state === 'done' ? 'complete' : 'error', errors: result.message === null ? [] : [result.message] } });
      }
    };
    for (let i = 0; i < CONCURRENCY; i++) void worker();
    return () => { controller.abort(); };
  }, [run, runnable, info]);

  const stateOf = useCallback((e: DashboardElement): TileState => {
    if (!isRunnable(e)) return 'done';
    const r = results.get(e.id);
    return r?.seq === run.seq ? r.state : 'loading';
  }, [results, run.seq]);

  // Chart code starts loading with the queries; the page is done once both are.
  const chartsSettled = useChartSettled(runnable.some((e) => isChart(results.get(e.id)?.vis ?? tileVisType(e))));
  const allDone = chartsSettled && runnable.every((e) => results.get(e.id)?.seq === run.seq);
  const completed = useRef(0);
  useEffect(() => {
    setPageReady(allDone);
    if (allDone && completed.current !== run.seq) {
      completed.current = run.seq;
      const errors = runnable.filter((e) => results.get(e.id)?.state === 'error').length;
      emitPageEvent('dashboard:run:complete', { ...info(run.filters), status: errors > 0 ? 'error' : 'complete', tile_count: runnable.length, error_count: errors });
    }
  }, [allDone, run, runnable, results, info]);
  useEffect(() => () => { setPageReady(false); }, []);

  const valuesRef = useRef(values);
  useEffect(() => { valuesRef.current = values; }, [values]);

  const appliedRef = useRef(run.filters);
  useEffect(() => { appliedRef.current = run.filters; }, [run]);

  /** Runs every tile with the current filter values. */
  const runNow = useCallback(() => {
    const filters = { ...valuesRef.current };
    if (filtersText(appliedRef.current) !== filtersText(filters)) emitPageEvent('dashboard:filters:changed', info(filters));
    appliedRef.current = filters;
    setRun((prev) => ({ seq: prev.seq + 1, filters }));
  }, [info]);

  useEffect(() => onHostCommand((cmd) => {
    if (cmd.type === 'dashboard:run') runNow();
    if (cmd.type === 'dashboard:filters:update' && typeof cmd.filters === 'object' && cmd.filters !== null) {
      const patch: Filters = {};
      for (const [k, v] of Object.entries(cmd.filters as Record<string, unknown>)) if (typeof v === 'string' || typeof v === 'number') patch[k] = String(v);
      const next = { ...valuesRef.current, ...patch };
      valuesRef.current = next;
      setValues(next);
      emitPageEvent('dashboard:filters:changed', info(next));
    }
  }), [runNow, info]);

  return { values, setValues, run, results, stateOf, runNow };
}
