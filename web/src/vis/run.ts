// Running a saved query for display: json_detail, with database errors raised as QueryFailure.
import { api } from '../api.ts';
import type { JsonDetail, Query } from '../looker.ts';
import { pivotFlat, tableFromDetail, type ResultTable } from './result.ts';

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

export async function runQuery(query: Query, signal?: AbortSignal): Promise<ResultTable> {
  const opts = signal ? { signal } : {};
  const detail = await api<JsonDetail>('GET', `/queries/${encodeURIComponent(query.id)}/run/json_detail`, undefined, opts);
  failIfErrors(detail);
  const pivots = query.pivots ?? [];
  if (pivots.length === 0 || detail.pivots !== undefined) return tableFromDetail(detail);
  // The server answered without pivot columns: run the same query flat and pivot it here.
  const limit = query.limit === null ? 500 : Number(query.limit);
  const fields = [...query.fields, ...pivots.filter((p) => !query.fields.includes(p))];
  const flat = await api<JsonDetail>('POST', '/queries/run/json_detail', {
    model: query.model, view: query.view, fields, filters: query.filters ?? {}, sorts: query.sorts ?? [],
    filter_expression: query.filter_expression, limit: String(Math.min(Number.isFinite(limit) ? limit * 50 : 5000, 5000)),
  }, opts);
  failIfErrors(flat);
  return pivotFlat(flat, pivots, Number.isFinite(limit) ? limit : null);
}

export async function querySql(queryId: string, signal?: AbortSignal): Promise<string> {
  return api<string>('GET', `/queries/${encodeURIComponent(queryId)}/run/sql`, undefined, { text: true, ...(signal ? { signal } : {}) });
}
