import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { formatResult } from './index.ts';
import { FIELDS, fixture } from './test-fixture.ts';
import type { QueryResultInput } from './types.ts';

async function workbook(input: QueryResultInput): Promise<ExcelJS.Worksheet> {
  const res = await formatResult('xlsx', input);
  expect(res.status).toBe(200);
  expect(res.contentType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  expect(Buffer.isBuffer(res.body)).toBe(true);
  const body = res.body as Buffer;
  expect(body.subarray(0, 2).toString('latin1')).toBe('PK');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  const sheet = wb.getWorksheet('Sheet1');
  if (!sheet) throw new Error('no sheet');
  return sheet;
}

function row(sheet: ExcelJS.Worksheet, n: number): { value: ExcelJS.CellValue; type: ExcelJS.ValueType; numFmt: string | undefined }[] {
  const out: { value: ExcelJS.CellValue; type: ExcelJS.ValueType; numFmt: string | undefined }[] = [];
  for (let c = 1; c <= FIELDS.length; c++) {
    const cell = sheet.getRow(n).getCell(c);
    out.push({ value: cell.value, type: cell.type, numFmt: cell.numFmt });
  }
  return out;
}

const { Number: NUM, String: STR, Date: DATE, Boolean: BOOL, Null: NULL } = ExcelJS.ValueType;

describe('xlsx', () => {
  it('writes a bold header of labels and typed cells', async () => {
    const sheet = await workbook(fixture());
    expect(sheet.rowCount).toBe(4);
    expect(row(sheet, 1).map((c) => c.value)).toEqual(FIELDS.map((f) => f.label));
    expect(sheet.getRow(1).getCell(1).font.bold).toBe(true);

    expect(row(sheet, 2)).toEqual([
      { value: 'Ann "Annie" O\'Neil', type: STR, numFmt: undefined },
      { value: 'Paris, FR', type: STR, numFmt: undefined },
      { value: new Date(Date.UTC(2024, 0, 5)), type: DATE, numFmt: 'yyyy-mm-dd' },
      { value: new Date(Date.UTC(2024, 0, 5, 13, 45, 0)), type: DATE, numFmt: 'yyyy-mm-dd hh:mm:ss' },
      { value: true, type: BOOL, numFmt: undefined },
      { value: 1169, type: NUM, numFmt: undefined },
      { value: 1234.5, type: NUM, numFmt: undefined },
      { value: 0.1234, type: NUM, numFmt: undefined },
    ]);
    expect(row(sheet, 3).map((c) => [c.value, c.type])).toEqual([
      ['Bob\nSmith', STR], ['Zürich 🏔 <b>&', STR], [null, NULL], [null, NULL], [false, BOOL], [962, NUM], [-20, NUM], [null, NULL],
    ]);
    expect(row(sheet, 4).map((c) => [c.value, c.type])).toEqual([
      ['', STR], [null, NULL], [new Date(Date.UTC(2023, 11, 31)), DATE], [new Date(Date.UTC(2023, 11, 31, 23, 59, 59, 500)), DATE],
      [null, NULL], [0, NUM], [12345678.905, NUM], [1, NUM],
    ]);
  });

  it('puts the value format on numeric cells with apply_formatting, keeping numbers', async () => {
    const sheet = await workbook(fixture({ applyFormatting: true }));
    const cells = row(sheet, 2);
    expect(cells[6]).toEqual({ value: 1234.5, type: NUM, numFmt: '$#,##0.00' });
    expect(cells[7]).toEqual({ value: 0.1234, type: NUM, numFmt: '0.0%' });
    expect(cells[5]).toEqual({ value: 1169, type: NUM, numFmt: undefined });
  });

  it('reads numeric strings of numeric fields as numbers unless they exceed 2^53', async () => {
    const fields = [FIELDS[5]!, FIELDS[0]!, FIELDS[2]!];
    const sheet = await workbook(fixture({
      fields,
      rows: [
        { 'orders.count': '42', 'users.name': '42', 'orders.created_date': '2024-02' },
        { 'orders.count': '123456789012345678', 'users.name': 'x', 'orders.created_date': 'not a date' },
      ],
    }));
    const get = (r: number, c: number): [ExcelJS.CellValue, ExcelJS.ValueType] => {
      const cell = sheet.getRow(r).getCell(c);
      return [cell.value, cell.type];
    };
    expect(get(2, 1)).toEqual([42, NUM]);
    expect(get(2, 2)).toEqual(['42', STR]);
    expect(get(2, 3)).toEqual(['2024-02', STR]);
    expect(get(3, 1)).toEqual(['123456789012345678', STR]);
    expect(get(3, 3)).toEqual(['not a date', STR]);
  });
});
