/**
 * Result rows for the terminal: an aligned text table, JSON or CSV.
 */

type Row = Readonly<Record<string, unknown>>;

function cell(v: unknown): string {
  if (v === null || v === undefined) return '∅';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

export function formatTable(headers: readonly string[], keys: readonly string[], rows: readonly Row[]): string {
  const body = rows.map((r) => keys.map((k) => cell(r[k])));
  const widths = headers.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join(' │ ').trimEnd();
  const sep = widths.map((w) => '─'.repeat(w)).join('─┼─');
  return [line(headers), sep, ...body.map(line)].join('\n');
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = cell(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function formatCsv(headers: readonly string[], keys: readonly string[], rows: readonly Row[]): string {
  return [headers.map(csvCell).join(','), ...rows.map((r) => keys.map((k) => csvCell(r[k])).join(','))].join('\n');
}
