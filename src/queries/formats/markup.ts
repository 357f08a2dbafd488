/**
 * `html` ("simple html") and `md` ("simple markdown") tables: a header row of field labels,
 * then one row per result row; NULL is an empty cell; `apply_formatting` as for csv.
 *
 * The html layout is the one in sdk-codegen's captured Looker response
 * (`<table>\n<tr><th>…</th></tr>\n<tr><td>…</td></tr>\n</table>`, no trailing newline), with
 * `& < > " '` escaped. The markdown layout is a GitHub-style pipe table (`| a | b |`, a
 * `| --- |` separator), `|` escaped as `\|` and line breaks as `<br>`; Looker's exact md
 * spacing was not captured.
 */
import { cellText, fieldLabel, fieldName } from './render.ts';
import type { QueryResultInput } from './types.ts';

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

function tableCells(input: QueryResultInput): { header: string[]; rows: string[][] } {
  const fmt = input.applyFormatting === true;
  return {
    header: input.fields.map(fieldLabel),
    rows: input.rows.map((row) => input.fields.map((f) => cellText(f, row[fieldName(f)], fmt))),
  };
}

export function formatHtml(input: QueryResultInput): string {
  const { header, rows } = tableCells(input);
  const lines = ['<table>', `<tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`];
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
  return (
    line(header.map(escapeMd)) +
    line(header.map(() => '---')) +
    rows.map((r) => line(r.map(escapeMd))).join('')
  );
}
