// echarts is most of the web bundle, so it loads only where a chart is drawn: render frames of
// tables, single values and text never fetch it. A page that may draw a chart is not "done" (the
// renderer's ready marker) until the chart code is here, so no capture shows a chart still loading.
import { useEffect, useState } from 'react';
import type * as ChartModule from './Chart.tsx';
import type { VisType } from './types.ts';

export type ChartModuleType = typeof ChartModule;

let loaded: ChartModuleType | null = null;
let loading: Promise<ChartModuleType> | null = null;

export function loadChart(): Promise<ChartModuleType> {
  loading ??= import('./Chart.tsx').then((m) => {
    loaded = m;
    return m;
  }, (e: unknown) => {
    // A failed fetch may work on the next try (a page reload, a redeploy finished).
    loading = null;
    throw e;
  });
  return loading;
}

/** Whether this vis type is drawn by echarts. */
export function isChart(type: VisType): boolean {
  return type !== 'looker_grid' && type !== 'single_value';
}

export type ChartLoad = { state: 'idle' | 'loading' } | { state: 'ready'; module: ChartModuleType } | { state: 'error'; message: string };

/** The chart code when `needed`: starts loading at once (alongside the page's queries). */
export function useChartModule(needed: boolean): ChartLoad {
  const [load, setLoad] = useState<ChartLoad>(() => (loaded ? { state: 'ready', module: loaded } : { state: 'idle' }));
  useEffect(() => {
    if (!needed || load.state === 'ready' || load.state === 'error') return;
    let live = true;
    loadChart().then(
      (module) => { if (live) setLoad({ state: 'ready', module }); },
      (e: unknown) => { if (live) setLoad({ state: 'error', message: e instanceof Error ? e.message : String(e) }); },
    );
    return () => { live = false; };
  }, [needed, load.state]);
  if (!needed) return { state: 'idle' };
  return load.state === 'idle' ? { state: 'loading' } : load;
}

/** Whether a page that may draw charts can call itself done (the chart code is here, failed, or not needed). */
export function useChartSettled(needed: boolean): boolean {
  const load = useChartModule(needed);
  return !needed || load.state === 'ready' || load.state === 'error';
}
