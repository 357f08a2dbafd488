/**
 * A database error in each result format's error shape.
 *
 * Status semantics. Looker reports a query that reached the database and failed there as a
 * *successful* response carrying the error in the body, not as an HTTP error:
 * - `json` / `inline_json` / `json_label`: `200`, `[{"looker_error": "…"}]` — verified by
 *   clients that call `raise_for_status()` and then look for `looker_error` in `rows[0]`
 *   (Fonz, Spectacles' predecessor; several ingestion scripts);
 * - `json_detail`: the full json_detail object with `data: []` and
 *   `errors: [{message, message_details, params, edit_url, error_pos, level, sql_error_loc}]`
 *   — verified in captured `query_tasks/multi_results` answers (task `status: "error"`,
 *   HTTP 200), which Spectacles parses into `{id, runtime, sql, errors}`;
 * - `json_bi`: `{metadata: {fields, sql, …}, rows: [{looker_error}]}` — the shape Spectacles
 *   parses (not captured from Looker itself);
 * - `csv`, `txt`, `md`, `sql`: `200` with the error text, `html` the same text escaped —
 *   unverified, chosen so text clients see the message;
 * - `xlsx`: a text body under a spreadsheet Content-Type would corrupt the download, and the
 *   SDK reads binary error bodies as an opaque blob, so this is the one format answered with
 *   an HTTP error: `400` and Looker's JSON error `{message, documentation_url}`.
 * Errors found before running (bad field, unknown explore) are 4xx JSON errors raised by
 * the endpoint, not by this stage.
 */
import { JSON_CONTENT_TYPE, RESULT_CONTENT_TYPES } from './content-types.ts';
import { jsonBiMetadata } from './json-bi.ts';
import { jsonDetailObject, type JsonDetailError } from './json-detail.ts';
import { defaultResultId, runtimeText } from './metadata.ts';
import type { FormattedBody, QueryErrorInput, ResultFormat } from './types.ts';

const DIALECT_NAMES: Readonly<Record<string, string>> = { duckdb: 'DuckDB', postgres: 'PostgreSQL' };

/** Looker's summary line: "The PostgreSQL database encountered an error while running this query." */
export function databaseErrorSummary(dialect: string): string {
  return `The ${DIALECT_NAMES[dialect] ?? dialect} database encountered an error while running this query.`;
}

/** The one-line text of an error (summary and database message). */
export function errorText(err: QueryErrorInput): string {
  return [err.message, err.messageDetails ?? ''].filter((s) => s !== '').join(' ');
}

function detailError(err: QueryErrorInput): JsonDetailError {
  const base = {
    message: err.message,
    message_details: err.messageDetails ?? null,
    params: err.sql ?? null,
    edit_url: null,
    error_pos: null,
    level: 'error' as const,
  };
  const loc = err.sqlErrorLoc;
  if (!loc) return base;
  const where = loc.character === undefined ? { line: loc.line, column: loc.column } : { line: loc.line, column: loc.column, character: loc.character };
  return { ...base, sql_error_loc: where };
}

function jsonDetailErrorBody(err: QueryErrorInput): Record<string, unknown> {
  const id = err.id ?? defaultResultId(err.sql);
  if (err.query) {
    return jsonDetailObject(
      { fields: err.fields ?? [], rows: [], sql: err.sql ?? '', query: err.query, runtimeSeconds: err.runtimeSeconds ?? 0, resultId: id },
      [detailError(err)],
    );
  }
  return { id, runtime: runtimeText(err.runtimeSeconds), sql: err.sql ?? null, errors: [detailError(err)] };
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * The response for a query that failed in the database, in `format`'s error shape.
 * `documentationUrl` is only used by the JSON error of binary formats.
 */
export function formatQueryError(format: ResultFormat, err: QueryErrorInput, documentationUrl = 'https://cloud.google.com/looker/docs/r/err/4.0/400'): FormattedBody {
  const contentType = RESULT_CONTENT_TYPES[format];
  const text = errorText(err);
  switch (format) {
    case 'json':
    case 'inline_json':
    case 'json_label':
      return { status: 200, contentType, body: JSON.stringify([{ looker_error: text }]) };
    case 'json_detail':
      return { status: 200, contentType, body: JSON.stringify(jsonDetailErrorBody(err)) };
    case 'json_bi': {
      const pivotNames = new Set(err.query?.pivots ?? []);
      const fields = err.fields ?? [];
      const metadata = jsonBiMetadata({
        fields: fields.filter((f) => !pivotNames.has(String(f.name))),
        pivotFields: [...pivotNames].flatMap((n) => fields.filter((f) => f.name === n)),
        hasTotals: false, sql: err.sql ?? null, ...(err.query ? { query: err.query } : {}),
      });
      return { status: 200, contentType, body: JSON.stringify({ metadata, rows: [{ looker_error: text }] }) };
    }
    case 'html':
      return { status: 200, contentType, body: text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c) };
    case 'csv':
    case 'txt':
    case 'md':
    case 'sql':
      return { status: 200, contentType, body: text };
    case 'xlsx':
      return { status: 400, contentType: JSON_CONTENT_TYPE, body: JSON.stringify({ message: text, documentation_url: documentationUrl }) };
  }
}
