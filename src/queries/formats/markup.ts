/**
 * `html` ("simple html") and `md` ("simple markdown") tables: a header row of field labels,
 * then one row per result row; NULL is an empty cell; `apply_formatting` as for csv.
 *
 * The html layout is the one in sdk-codegen's captured Looker response
 * (`<table>\n<tr><th>…</th></tr>\n<tr><td>…</td></tr>\n</table>`, no trailing newline), with
 * `& < > " '` escaped. The markdown layout is a GitHub-style pipe table (`| a | b |`, a
 * `| --- |` separator), `|` escaped as `\|` and line breaks as `<br>`; Looker's exact md
 * spacing was not captured. A pivoted query's extra header lines (table-layout.ts) are more
 * `<th>` rows in html; markdown has a single header row, so there the pivot lines head the table
 * and the label line follows as the first body row.
 */
import { cellText } from './render.ts';
import { columnValue, tableLayout } from './table-layout.ts';
import type { QueryResultInput } from './types.ts';

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

function tableCells(input: QueryResultInput): { header: readonly (readonly string[])[]; rows: string[][] } {
  const fmt = input.applyFormatting === true;
  const { header, columns } = tableLayout(input);
  return {
    header,
    rows: input.rows.map((row) => columns.map((c) => cellText(c.meta, columnValue(c, row), fmt))),
  };
}

export function formatHtml(input: QueryResultInput): string {
  const { header, rows } = tableCells(input);
  const lines = ['<table>', ...header.map((line) => `<tr>${line.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`)];
  for (const row of rows) lines.push(`<tr>${row.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`);
  lines.push('</table>');
  return lines.join('\n');
}

function escapeMd(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r\n|\r|\n/g, '<br>');
}

export function formatMd(input: QueryResultInput): string {
  const { header, rows } = tableCells(input);
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |\n`;
  const [first = [], ...more] = header;
  return (
    line(first.map(escapeMd)) +
    line(first.map(() => '---')) +
    [...more, ...rows].map((r) => line(r.map(escapeMd))).join('')
  );
}
