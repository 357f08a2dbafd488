/**
 * The render tables (migration 0008), typed for `store.db.withTables<RenderTables>()`: they live
 * outside `src/store/schema.ts` because only `src/render` reads or writes them.
 */
import type { ColumnType } from 'kysely';

export const RENDER_STATUSES = ['enqueued_for_query', 'querying', 'enqueued_for_render', 'rendering', 'success', 'failure'] as const;
export type RenderStatus = (typeof RENDER_STATUSES)[number];

/** Statuses of a task some node is working on (it holds a lease on it). */
export const ACTIVE_STATUSES: readonly RenderStatus[] = ['querying', 'enqueued_for_render', 'rendering'];

// Type aliases, not interfaces: `withTables` needs index-signature-compatible types.
export type RenderTasksTable = {
  id: string;
  user_id: number;
  /** pdf | png | jpg */
  result_format: string;
  width: number;
  height: number;
  /** Exactly one of the five content ids is set (a LookML dashboard uses `lookml_dashboard_id`). */
  dashboard_id: string | null;
  lookml_dashboard_id: string | null;
  look_id: string | null;
  query_id: string | null;
  /** Migration 0012: one tile (`create_dashboard_element_render_task`), as the client named it. */
  dashboard_element_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** dashboard_filters, dashboard_style, pdf_paper_size, pdf_landscape, long_tables, theme (JSON). */
  options: ColumnType<string, string | undefined, string>;
  status: string;
  status_detail: string | null;
  /** The node rendering it, and until when its claim holds (a dead node's task is taken over after). */
  node_id: string | null;
  lease_until: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  /** `{ project_id: deployed commit }` of the production projects the render used (JSON). */
  commits: string | null;
  created_at: string;
  started_at: string | null;
  finalized_at: string | null;
  query_runtime: number | null;
  render_runtime: number | null;
  runtime: number | null;
  /** Migration 0012: every status the task took, one `<iso time> <status>` line each, oldest first. */
  status_history: ColumnType<string | null, string | null | undefined, string | null>;
};

/** A finished render's bytes, apart from the task row so polling the status never reads them. */
export type RenderResultsTable = {
  task_id: string;
  content_type: string;
  bytes: Buffer;
  created_at: string;
};

export type RenderTables = {
  render_tasks: RenderTasksTable;
  render_results: RenderResultsTable;
};
