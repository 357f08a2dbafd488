// Running a saved query for display: json_detail, with database errors raised as QueryFailure.
import { api } from '../api.ts';
import type { JsonDetail, Query } from '../looker.ts';
import { tableFromDetail, type ResultTable } from './result.ts';

export class QueryFailure extends Error {
  readonly details: string | null;
  constructor(message: string, details: string | null) {
    super(message);
    this.name = 'QueryFailure';
    this.details = details;
  }
}

function failIfErrors(detail: JsonDetail): void {
  const first = detail.errors?.[0];
  if (first) throw new QueryFailure(first.message, first.message_details ?? null);
}

/** Runs a saved query; a pivoted one comes back pivoted by the server (json_detail `pivots`). */
export async function runQuery(query: Query, signal?: AbortSignal): Promise<ResultTable> {
  const detail = await api<JsonDetail>('GET', `/queries/${encodeURIComponent(query.id)}/run/json_detail`, undefined, signal ? { signal } : {});
  failIfErrors(detail);
  return tableFromDetail(detail);
}

/**
 * Runs what a dashboard tile shows through the server's element run (x-overlook): a merged-results
 * tile runs its merge query, each source filtered by the tile's listeners. `dashboardFilters` is the
 * dashboard's filter values in URL query form (`Status=complete&Date=…`).
 */
export async function runDashboardElement(elementId: string, dashboardFilters: string, signal?: AbortSignal): Promise<ResultTable> {
  const detail = await api<JsonDetail>('GET', `/dashboard_elements/${encodeURIComponent(elementId)}/run/json_detail`, undefined,
    { query: { dashboard_filters: dashboardFilters }, ...(signal ? { signal } : {}) });
  failIfErrors(detail);
  return tableFromDetail(detail);
}

export async function querySql(queryId: string, signal?: AbortSignal): Promise<string> {
  return api<string>('GET', `/queries/${encodeURIComponent(queryId)}/run/sql`, undefined, { text: true, ...(signal ? { signal } : {}) });
}
