/**
 * Result formats: turn a query's result into the body and Content-Type Looker answers
 * `run_query` / `run_inline_query` / query tasks with. Pure: no I/O, no HTTP; the endpoint
 * sends `status`, `contentType` and `body` as they are.
 */
import { RESULT_CONTENT_TYPES } from './content-types.ts';
import { formatCsv, formatTxt } from './delimited.ts';
import { formatJson, formatJsonLabel } from './json.ts';
import { formatJsonBi } from './json-bi.ts';
import { formatJsonDetail } from './json-detail.ts';
import { formatHtml, formatMd } from './markup.ts';
import { pivotInput } from './pivot.ts';
import { RESULT_FORMATS, type FormattedBody, type QueryResultInput, type ResultFormat } from './types.ts';
import { formatXlsx } from './xlsx.ts';

export { RESULT_CONTENT_TYPES, XLSX_CONTENT_TYPE, JSON_CONTENT_TYPE } from './content-types.ts';
export { formatQueryError, databaseErrorSummary, errorText } from './errors.ts';
export { formatDecimal } from './excel-format.ts';
export { NAMED_VALUE_FORMATS, renderedText, fieldFormat } from './render.ts';
export { jsonDetailObject } from './json-detail.ts';
export { RESULT_FORMATS } from './types.ts';
export type {
  FieldMeta, FormattedBody, PivotColumn, PivotInfo, QueryEcho, QueryErrorInput, QueryResultInput, ResultFormat, ResultRow,
} from './types.ts';

type Formatter = (input: QueryResultInput) => string | Buffer | Promise<string | Buffer>;

const FORMATTERS: Readonly<Record<ResultFormat, Formatter>> = {
  json: formatJson,
  // Looker's inline_json is not documented beyond its name; it is served as `json`.
  inline_json: formatJson,
  json_label: formatJsonLabel,
  json_detail: formatJsonDetail,
  json_bi: formatJsonBi,
  csv: formatCsv,
  txt: formatTxt,
  html: formatHtml,
  md: formatMd,
  sql: (input) => input.sql,
  xlsx: formatXlsx,
};

const FORMAT_NAMES: ReadonlySet<string> = new Set(RESULT_FORMATS);

export function isResultFormat(name: string): name is ResultFormat {
  return FORMAT_NAMES.has(name);
}

/**
 * The response for a successful result in `format` (always status 200). A query with `pivots`
 * whose rows arrive flat is pivoted first (pivot.ts), so every format shows the pivoted columns.
 */
export async function formatResult(format: ResultFormat, input: QueryResultInput): Promise<FormattedBody> {
  const body = await FORMATTERS[format](format === 'sql' ? input : pivotInput(input));
  return { status: 200, contentType: RESULT_CONTENT_TYPES[format], body };
}
