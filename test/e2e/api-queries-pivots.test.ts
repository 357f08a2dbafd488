/**
 * Pivoted queries in every result format, end to end: the official @looker/sdk-node against a real
 * server over a real DuckDB file whose pivot column holds a NULL; one pivot field with row
 * dimensions, two pivot fields without; exact bodies for json, json_label, json_bi, json_detail,
 * csv, txt, html, md and xlsx.
 */
import ExcelJS from 'exceljs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { LookerNodeSDK, NodeSettingsIniFile } from '@looker/sdk-node';
import type { Looker40SDK } from '@looker/sdk';
import type { RunningServer } from '../../src/api/server.ts';
import { serve } from '../../src/cli/serve.ts';
import { makeRemote } from '../../src/workspaces/git/test-helpers.ts';
import { QUERY_ADMIN } from './support.ts';

const MODEL = 'connection: "warehouse"\ninclude: "*.view.lkml"\nexplore: sales {}\n';
const VIEW = `view: sales {
  sql_table_name: main.sales ;;
  dimension: id { primary_key: yes type: number sql: \${TABLE}.id ;; }
  dimension: region { type: string sql: \${TABLE}.region ;; }
  dimension: channel { type: string sql: \${TABLE}.channel ;; }
  dimension: is_big { type: yesno sql: \${TABLE}.amount > 6 ;; }
  measure: count { type: count }
  measure: total_amount { type: sum sql: \${TABLE}.amount ;; value_format_name: usd }
  measure: parities { type: count_distinct sql: \${TABLE}.id % 2 ;; }
  measure: average_amount { type: average sql: \${TABLE}.amount ;; }
}
`;

/** One pivot field (with a NULL value) under the region rows. */
const BY_CHANNEL = { model: 'shop', view: 'sales', fields: ['sales.region', 'sales.channel', 'sales.count', 'sales.total_amount'], pivots: ['sales.channel'], sorts: ['sales.region'] };
/**
 * Row totals and totals, pivot columns descending (DuckDB puts NULL last either way) and cut to two
 * of the three channels: East's row total still counts its sale with no channel.
 */
const WITH_TOTALS = {
  model: 'shop', view: 'sales', fields: ['sales.region', 'sales.channel', 'sales.count', 'sales.parities', 'sales.average_amount'],
  pivots: ['sales.channel'], sorts: ['sales.region', 'sales.channel desc'], column_limit: '2', total: true, row_total: 'right',
};
/** Two pivot fields and no row dimension. */
const BY_CHANNEL_AND_SIZE = { model: 'shop', view: 'sales', fields: ['sales.channel', 'sales.is_big', 'sales.count'], pivots: ['sales.channel', 'sales.is_big'] };

const CSV =
  'Sales Channel,store,store,web,web,∅,∅\n' +
  'Sales Region,Sales Count,Sales Total Amount,Sales Count,Sales Total Amount,Sales Count,Sales Total Amount\n' +
  'East,1,20,1,10.5,1,5\n' +
  'North,1,7,,,,\n' +
  'West,,,2,1002.25,,\n';

describe('pivoted queries in every result format', () => {
  let root = '';
  let server: RunningServer;
  let admin: Looker40SDK;
  /** The totals computed by direct DuckDB SQL: by region, by channel (key ∅ for NULL), and over everything. */
  const direct: Record<'region' | 'channel' | 'all', Record<string, number[]>> = { region: {}, channel: {}, all: {} };

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    root = await mkdtemp(join(tmpdir(), 'overlook-e2e-pivots-'));
    const duckPath = join(root, 'warehouse.duckdb');
    const instance = await DuckDBInstance.create(duckPath);
    const conn = await instance.connect();
    await conn.run(`CREATE TABLE sales AS SELECT * FROM (VALUES
      (1, 'East', 'web', 10.5::DOUBLE), (2, 'East', 'store', 20), (3, 'East', NULL, 5), (4, 'West', 'web', 1000), (5, 'West', 'web', 2.25), (6, 'North', 'store', 7)
    ) t(id, region, channel, amount)`);
    for (const by of ['region', 'channel', 'all'] as const) {
      const key = by === 'all' ? "'all'" : `COALESCE(${by}, '∅')`;
      const reader = await conn.runAndReadAll(`SELECT ${key} AS k, COUNT(*) AS n, COUNT(DISTINCT id % 2) AS p, AVG(amount) AS a FROM sales GROUP BY 1`);
      for (const r of reader.getRowObjectsJson()) direct[by][r.k as string] = [Number(r.n), Number(r.p), Number(r.a)];
    }
    conn.closeSync();
    instance.closeSync();
    await mkdir(join(root, 'remote'));
    const remote = await makeRemote(join(root, 'remote'), { 'shop.model.lkml': MODEL, 'sales.view.lkml': VIEW });
    server = await serve({ port: 0, host: '127.0.0.1', dataDir: join(root, 'data'), adminEnv: QUERY_ADMIN, handleSignals: false, log: () => undefined });
    const ini = join(root, 'sdk.ini');
    writeFileSync(ini, `[Looker]\nbase_url=${server.url}\nclient_id=${QUERY_ADMIN.OVERLOOK_ADMIN_CLIENT_ID}\nclient_secret=${QUERY_ADMIN.OVERLOOK_ADMIN_CLIENT_SECRET}\nverify_ssl=false\n`);
    admin = LookerNodeSDK.init40(new NodeSettingsIniFile('', ini, 'Looker'));
    await admin.ok(admin.update_session({ workspace_id: 'dev' }));
    await admin.ok(admin.create_project({ name: 'shop', git_remote_url: remote }));
    await admin.ok(admin.deploy_ref_to_production({ project_id: 'shop', branch: 'main' }));
    await admin.ok(admin.create_connection({ name: 'warehouse', dialect_name: 'duckdb', database: duckPath }));
    await admin.ok(admin.update_session({ workspace_id: 'production' }));
  });

  afterAll(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  const run = async (format: string, body: object, flags = ''): Promise<string> => {
    const token = (admin.authSession as unknown as { activeToken: { access_token: string } }).activeToken.access_token;
    const res = await fetch(`${server.url}/api/4.0/queries/run/${format}${flags}`, {
      method: 'POST', headers: { authorization: `token ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return res.text();
  };

  it('json / inline_json: per measure an object keyed by pivot key, NULL as ∅, in pivot order', async () => {
    const json = await admin.ok(admin.run_inline_query({ result_format: 'json', body: BY_CHANNEL }));
    expect(json).toEqual([
      { 'sales.region': 'East', 'sales.count': { store: 1, web: 1, '∅': 1 }, 'sales.total_amount': { store: 20, web: 10.5, '∅': 5 } },
      { 'sales.region': 'North', 'sales.count': { store: 1, web: null, '∅': null }, 'sales.total_amount': { store: 7, web: null, '∅': null } },
      { 'sales.region': 'West', 'sales.count': { store: null, web: 2, '∅': null }, 'sales.total_amount': { store: null, web: 1002.25, '∅': null } },
    ]);
    expect(Object.keys((json as unknown as Record<string, Record<string, unknown>>[])[0]!['sales.count']!)).toEqual(['store', 'web', '∅']);
    expect(await run('inline_json', BY_CHANNEL)).toBe(JSON.stringify(json));
    expect((JSON.parse(await run('json', BY_CHANNEL, '?apply_formatting=true')) as unknown[])[2]).toEqual({
      'sales.region': 'West', 'sales.count': { store: null, web: '2', '∅': null }, 'sales.total_amount': { store: null, web: '$1,002.25', '∅': null },
    });
  });

  it('json_detail with row_total and total (official SDK): row totals over every pivot value, totals per pivot, values as direct SQL', async () => {
    const raw = await admin.ok(admin.run_inline_query({ result_format: 'json_detail', body: WITH_TOTALS }));
    const detail = (typeof raw === 'string' ? JSON.parse(raw) : raw) as {
      has_row_totals: boolean; has_totals: boolean; pivots: unknown[];
      data: Record<string, { value: unknown } | Record<string, { value: unknown }>>[];
      totals_data: Record<string, Record<string, { value: unknown }>>;
    };
    expect([detail.has_row_totals, detail.has_totals]).toEqual([true, true]);
    expect(detail.pivots).toEqual([
      { key: 'web', data: { 'sales.channel': 'web' }, sort_values: { 'sales.channel': 'web' }, is_total: false },
      { key: 'store', data: { 'sales.channel': 'store' }, sort_values: { 'sales.channel': 'store' }, is_total: false },
      { key: '$$$_row_total_$$$', data: {}, sort_values: {}, is_total: true },
    ]);
    const measures = ['sales.count', 'sales.parities', 'sales.average_amount'];
    const values = (cells: Record<string, { value: unknown }>[], key: string): number[] => cells.map((c) => Number(c[key]?.value));
    const regions = detail.data.map((row) => (row['sales.region'] as { value: unknown }).value);
    expect(regions).toEqual(['East', 'North', 'West']);
    for (const row of detail.data) {
      const cells = measures.map((m) => row[m] as Record<string, { value: unknown }>);
      expect(cells.map((c) => Object.keys(c))).toEqual(measures.map(() => ['web', 'store', '$$$_row_total_$$$']));
      const region = String((row['sales.region'] as { value: unknown }).value);
      const got = values(cells, '$$$_row_total_$$$');
      direct.region[region]!.forEach((v, i) => { expect(got[i]).toBeCloseTo(v, 6); });
    }
    // East's row total counts its three sales, one of them with no channel: a column left out by column_limit.
    const east = measures.map((m) => detail.data[0]![m] as Record<string, { value: unknown }>);
    expect([values(east, 'web')[0], values(east, 'store')[0], values(east, '$$$_row_total_$$$')[0]]).toEqual([1, 1, 3]);
    const totals = measures.map((m) => detail.totals_data[m]!);
    expect(totals.map((t) => Object.keys(t))).toEqual(measures.map(() => ['web', 'store', '$$$_row_total_$$$']));
    for (const key of ['web', 'store']) direct.channel[key]!.forEach((v, i) => { expect(values(totals, key)[i]).toBeCloseTo(v, 6); });
    direct.all.all!.forEach((v, i) => { expect(values(totals, '$$$_row_total_$$$')[i]).toBeCloseTo(v, 6); });
  });

  it('csv with row totals: a Row Total column per measure', async () => {
    const csv = await run('csv', { ...WITH_TOTALS, fields: ['sales.region', 'sales.channel', 'sales.count'] });
    expect(csv).toBe(
      'Sales Channel,web,store,Row Total\n' +
      'Sales Region,Sales Count,Sales Count,Sales Count\n' +
      `East,1,1,${direct.region.East![0]}\n` +
      `North,,1,${direct.region.North![0]}\n` +
      `West,2,,${direct.region.West![0]}\n`,
    );
  });

  it('json with two pivot fields: keys join the values with |FIELD|', async () => {
    expect(await run('json', BY_CHANNEL_AND_SIZE)).toBe(
      '[{"sales.count":{"store|FIELD|Yes":2,"web|FIELD|No":1,"web|FIELD|Yes":2,"∅|FIELD|No":1}}]',
    );
  });

  it('json_label keys rows by label, pivot keys unchanged', async () => {
    expect((JSON.parse(await run('json_label', BY_CHANNEL)) as unknown[])[1]).toEqual({
      'Sales Region': 'North', 'Sales Count': { store: 1, web: null, '∅': null }, 'Sales Total Amount': { store: 7, web: null, '∅': null },
    });
  });

  it('json_bi: fields.pivots with the pivot fields\' metadata, metadata.pivots, json rows', async () => {
    const bi = JSON.parse(await run('json_bi', BY_CHANNEL_AND_SIZE)) as { metadata: Record<string, unknown> & { fields: Record<string, Record<string, unknown>[]> }; rows: unknown[] };
    expect(bi.metadata.fields.dimensions).toEqual([]);
    expect(bi.metadata.fields.measures!.map((f) => f.name)).toEqual(['sales.count']);
    expect(bi.metadata.fields.pivots!.map((f) => [f.name, f.label, f.type, f.category])).toEqual([
      ['sales.channel', 'Sales Channel', 'string', 'dimension'], ['sales.is_big', 'Sales Is Big', 'yesno', 'dimension'],
    ]);
    expect(bi.metadata.pivots).toEqual([
      ['store', 'Yes'], ['web', 'No'], ['web', 'Yes'], [null, 'No'],
    ].map(([channel, big]) => {
      const data = { 'sales.channel': channel, 'sales.is_big': big };
      return { key: `${channel ?? '∅'}|FIELD|${big}`, data, sort_values: data, is_total: false };
    }));
    expect(bi.rows).toEqual(JSON.parse(await run('json', BY_CHANNEL_AND_SIZE)));
  });

  it('json_detail: fields.pivots is the pivot field as the API describes it, pivots[] and cells per pivot key', async () => {
    const detail = JSON.parse(await run('json_detail', BY_CHANNEL)) as Record<string, unknown> & { fields: Record<string, Record<string, unknown>[]> };
    expect(detail.fields.pivots!.map((f) => [f.name, f.label, f.label_short, f.view])).toEqual([['sales.channel', 'Sales Channel', 'Channel', 'sales']]);
    expect(detail.fields.dimensions!.map((f) => f.name)).toEqual(['sales.region']);
    expect(detail.pivots).toEqual([
      { key: 'store', data: { 'sales.channel': 'store' }, sort_values: { 'sales.channel': 'store' }, is_total: false },
      { key: 'web', data: { 'sales.channel': 'web' }, sort_values: { 'sales.channel': 'web' }, is_total: false },
      { key: '∅', data: { 'sales.channel': null }, sort_values: { 'sales.channel': null }, is_total: false },
    ]);
    expect((detail.data as unknown[])[2]).toEqual({
      'sales.region': { value: 'West' },
      'sales.count': { store: { value: null }, web: { value: 2 }, '∅': { value: null } },
      'sales.total_amount': { store: { value: null }, web: { value: 1002.25, rendered: '$1,002.25' }, '∅': { value: null } },
    });
  });

  it('csv / txt: a header line per pivot field above the labels, measures grouped under each pivot value', async () => {
    expect(await admin.ok(admin.run_inline_query({ result_format: 'csv', body: BY_CHANNEL }))).toBe(CSV);
    expect(await run('txt', BY_CHANNEL)).toBe(CSV.replace(/,/g, '\t'));
    expect(await run('csv', BY_CHANNEL, '?apply_formatting=true')).toBe(
      'Sales Channel,store,store,web,web,∅,∅\n' +
      'Sales Region,Sales Count,Sales Total Amount,Sales Count,Sales Total Amount,Sales Count,Sales Total Amount\n' +
      'East,1,$20.00,1,$10.50,1,$5.00\n' +
      'North,1,$7.00,,,,\n' +
      'West,,,2,"$1,002.25",,\n',
    );
    expect(await run('csv', BY_CHANNEL_AND_SIZE)).toBe(
      'store,web,web,∅\n' +
      'Yes,No,Yes,No\n' +
      'Sales Count,Sales Count,Sales Count,Sales Count\n' +
      '2,1,2,1\n',
    );
  });

  it('html and md: the same header lines', async () => {
    expect(await run('html', BY_CHANNEL_AND_SIZE)).toBe(
      '<table>\n' +
      '<tr><th>store</th><th>web</th><th>web</th><th>∅</th></tr>\n' +
      '<tr><th>Yes</th><th>No</th><th>Yes</th><th>No</th></tr>\n' +
      '<tr><th>Sales Count</th><th>Sales Count</th><th>Sales Count</th><th>Sales Count</th></tr>\n' +
      '<tr><td>2</td><td>1</td><td>2</td><td>1</td></tr>\n' +
      '</table>',
    );
    expect(await run('md', BY_CHANNEL)).toBe(
      '| Sales Channel | store | store | web | web | ∅ | ∅ |\n' +
      '| --- | --- | --- | --- | --- | --- | --- |\n' +
      '| Sales Region | Sales Count | Sales Total Amount | Sales Count | Sales Total Amount | Sales Count | Sales Total Amount |\n' +
      '| East | 1 | 20 | 1 | 10.5 | 1 | 5 |\n' +
      '| North | 1 | 7 |  |  |  |  |\n' +
      '| West |  |  | 2 | 1002.25 |  |  |\n',
    );
  });

  it('xlsx: the same grid with numbers as numbers', async () => {
    const token = (admin.authSession as unknown as { activeToken: { access_token: string } }).activeToken.access_token;
    const res = await fetch(`${server.url}/api/4.0/queries/run/xlsx`, {
      method: 'POST', headers: { authorization: `token ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(BY_CHANNEL),
    });
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const sheet = wb.getWorksheet('Sheet1')!;
    const grid = Array.from({ length: sheet.rowCount }, (_, r) => Array.from({ length: 7 }, (__, c) => sheet.getRow(r + 1).getCell(c + 1).value));
    expect(grid).toEqual([
      ['Sales Channel', 'store', 'store', 'web', 'web', '∅', '∅'],
      ['Sales Region', 'Sales Count', 'Sales Total Amount', 'Sales Count', 'Sales Total Amount', 'Sales Count', 'Sales Total Amount'],
      ['East', 1, 20, 1, 10.5, 1, 5],
      ['North', 1, 7, null, null, null, null],
      ['West', null, null, 2, 1002.25, null, null],
    ]);
  });
});
