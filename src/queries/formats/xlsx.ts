/**
 * `xlsx`: a real Office Open XML workbook (exceljs), one sheet "Sheet1" with a bold header
 * row of field labels and one row per result row, cells typed:
 * - numbers as numbers (numeric strings of numeric fields too, unless beyond 2^53, which
 *   stay text so no digit is lost);
 * - `YYYY-MM-DD` / `YYYY-MM-DD HH:MM:SS[.fff]` values of time fields as Excel dates
 *   (number formats `yyyy-mm-dd` / `yyyy-mm-dd hh:mm:ss`), wall-clock time kept as is;
 * - booleans as booleans, NULL as an empty cell, everything else as text.
 * With `apply_formatting`, a numeric field's value format becomes the cell's number format
 * (Excel renders the same Excel-style format Looker uses), so values stay numbers.
 * A pivoted query gets the tabular layout of table-layout.ts: one bold header line per pivot
 * field above the bold label line, a column per pivot value and measure.
 */
import ExcelJS from 'exceljs';
import { fieldFormat, isTimeField, numericText } from './render.ts';
import { columnValue, tableLayout } from './table-layout.ts';
import type { FieldMeta, QueryResultInput } from './types.ts';

const DATE_VALUE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?)?$/;

interface TypedCell {
  readonly value: ExcelJS.CellValue;
  readonly numFmt?: string;
}

function dateCell(text: string): TypedCell | null {
  const m = DATE_VALUE.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac] = m;
  const ms = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  // Excel dates have no zone: build the wall-clock time in UTC so exceljs writes it unchanged.
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), ms));
  if (Number.isNaN(date.getTime())) return null;
  return { value: date, numFmt: h === undefined ? 'yyyy-mm-dd' : 'yyyy-mm-dd hh:mm:ss' };
}

function typedCell(meta: FieldMeta, value: unknown, applyFormatting: boolean): TypedCell {
  if (value === null || value === undefined) return { value: null };
  if (typeof value === 'boolean') return { value };
  const format = applyFormatting && meta.is_numeric === true ? fieldFormat(meta) : undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { value: String(value) };
    return format === undefined ? { value } : { value, numFmt: format };
  }
  if (typeof value === 'string') {
    if (isTimeField(meta)) {
      const date = dateCell(value);
      if (date) return date;
    }
    if (meta.is_numeric === true && numericText(value) !== null) {
      const n = Number(value);
      if (Math.abs(n) <= Number.MAX_SAFE_INTEGER) {
        return format === undefined ? { value: n } : { value: n, numFmt: format };
      }
    }
    return { value };
  }
  return { value: JSON.stringify(value) };
}

export async function formatXlsx(input: QueryResultInput): Promise<Buffer> {
  const fmt = input.applyFormatting === true;
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Sheet1');
  const { header, columns } = tableLayout(input);
  const labels = header[header.length - 1] ?? [];
  sheet.columns = labels.map((label) => ({ width: Math.min(60, Math.max(10, label.length + 2)) }));
  for (const line of header) {
    // Empty cells stay empty (not ""), as over the dimensions of a pivot line.
    const added = sheet.addRow(line.map((text) => (text === '' ? null : text)));
    added.font = { bold: true };
  }
  for (const row of input.rows) {
    const typed = columns.map((c) => typedCell(c.meta, columnValue(c, row), fmt));
    const added = sheet.addRow(typed.map((t) => t.value));
    typed.forEach((t, i) => {
      if (t.numFmt !== undefined) added.getCell(i + 1).numFmt = t.numFmt;
    });
  }
  const out = await workbook.xlsx.writeBuffer();
  return Buffer.isBuffer(out) ? out : Buffer.from(out);
}
