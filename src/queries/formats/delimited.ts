/**
 * `csv` and `txt` (tab-separated): a header line of field labels, then one line per row,
 * every line ending in `\n` (the SDK's own test counts `rows + 1` newlines in a csv body).
 *
 * Quoting is RFC 4180's: a value containing the delimiter, `"`, CR or LF is wrapped in
 * double quotes with inner quotes doubled. As Ruby's CSV writer does (Looker's server is
 * Ruby), an empty string is written `""` while NULL is written as nothing, so the two stay
 * distinguishable. `txt` uses the same rule with a tab as the delimiter.
 * With `apply_formatting` cells carry the formatted value ("$1,234.50"), otherwise the raw
 * value (numbers without exponent notation, dates as the drivers return them). Totals rows
 * are not written (Looker only adds them with visualization options applied). A pivoted query
 * gets one header line per pivot field above the labels (table-layout.ts).
 */
import { cellText } from './render.ts';
import { columnValue, tableLayout } from './table-layout.ts';
import type { QueryResultInput } from './types.ts';

function quote(text: string, delimiter: string): string {
  if (text === '' || text.includes(delimiter) || /["\r\n]/.test(text)) return `"${text.replace(/"/g, '""')}"`;
  return text;
}

function formatDelimited(input: QueryResultInput, delimiter: string): string {
  const fmt = input.applyFormatting === true;
  const { header, columns } = tableLayout(input);
  const lines: string[] = header.map((line) => line.map((text) => (text === '' ? '' : quote(text, delimiter))).join(delimiter));
  for (const row of input.rows) {
    const cells = columns.map((c) => {
      const value = columnValue(c, row);
      return value === null || value === undefined ? '' : quote(cellText(c.meta, value, fmt), delimiter);
    });
    lines.push(cells.join(delimiter));
  }
  return lines.map((l) => `${l}\n`).join('');
}

export function formatCsv(input: QueryResultInput): string {
  return formatDelimited(input, ',');
}

export function formatTxt(input: QueryResultInput): string {
  return formatDelimited(input, '\t');
}
