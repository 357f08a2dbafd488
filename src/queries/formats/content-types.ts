/**
 * The Content-Type each result format is sent with.
 *
 * The official SDK decides how to read a body from this header alone
 * (`../shared/reference/looker-sdk-runtime.md`): any `charset=` or a `text/` / JSON / SQL type
 * is read as text, other `application/` and `image/` types as bytes. So binary formats never
 * carry a charset (a charset would make the SDK decode the bytes as text and corrupt them).
 * Spellings follow captured Looker responses where one exists (`application/json` in
 * Spectacles' cassettes; `text/plain;charset=utf-8`, `text/html;charset=utf-8`,
 * `application/sql`, `image/png` in sdk-codegen's run-it fixtures); `text/csv` and
 * `text/markdown` follow the same pattern (not captured).
 */
import type { ResultFormat } from './types.ts';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Error bodies are always JSON with this type, whatever the requested format. */
export const JSON_CONTENT_TYPE = 'application/json';

export const RESULT_CONTENT_TYPES: Readonly<Record<ResultFormat | 'png' | 'jpg', string>> = {
  json: JSON_CONTENT_TYPE,
  json_detail: JSON_CONTENT_TYPE,
  json_bi: JSON_CONTENT_TYPE,
  inline_json: JSON_CONTENT_TYPE,
  json_label: JSON_CONTENT_TYPE,
  csv: 'text/csv;charset=utf-8',
  txt: 'text/plain;charset=utf-8',
  html: 'text/html;charset=utf-8',
  md: 'text/markdown;charset=utf-8',
  sql: 'application/sql',
  xlsx: XLSX_CONTENT_TYPE,
  // Rendered visualizations; listed for the endpoints, not produced by this stage.
  png: 'image/png',
  jpg: 'image/jpeg',
};
