import { describe, expect, it } from 'vitest';
import { databaseErrorSummary, formatQueryError } from './index.ts';
import { FIELDS, fixture } from './test-fixture.ts';
import type { QueryErrorInput } from './types.ts';

const SQL = 'SELECT\n\tusers.email AS "users.email"\nFROM users\nWHERE 1 = 2\nLIMIT 0';

const ERR: QueryErrorInput = {
  message: databaseErrorSummary('postgres'),
  messageDetails: 'ERROR: column users.email does not exist',
  sql: SQL,
  sqlErrorLoc: { line: 2, column: 2 },
  id: 'feedfacefeedfacefeedfacefeedface',
  runtimeSeconds: 0.0345,
};

const DETAIL_ERROR = {
  message: 'The PostgreSQL database encountered an error while running this query.',
  message_details: 'ERROR: column users.email does not exist',
  params: SQL,
  edit_url: null,
  error_pos: null,
  level: 'error',
  sql_error_loc: { line: 2, column: 2 },
};

function json(body: string | Buffer): unknown {
  return JSON.parse(body as string);
}

describe('formatQueryError', () => {
  it('names the dialect in Looker\'s summary line', () => {
    expect(databaseErrorSummary('duckdb')).toBe('The DuckDB database encountered an error while running this query.');
    expect(databaseErrorSummary('snowflake')).toBe('The snowflake database encountered an error while running this query.');
  });

  it('json family: 200 with [{looker_error}]', () => {
    const text = 'The PostgreSQL database encountered an error while running this query. ERROR: column users.email does not exist';
    for (const format of ['json', 'inline_json', 'json_label'] as const) {
      const res = formatQueryError(format, ERR);
      expect(res).toEqual({ status: 200, contentType: 'application/json', body: JSON.stringify([{ looker_error: text }]) });
    }
  });

  it('json_detail without query context: the {id, runtime, sql, errors} Spectacles parses', () => {
    const res = formatQueryError('json_detail', ERR);
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('application/json');
    expect(json(res.body)).toEqual({ id: ERR.id, runtime: '0.035', sql: SQL, errors: [DETAIL_ERROR] });
  });

  it('json_detail with query context: the whole json_detail object, data empty, errors after data', () => {
    const res = formatQueryError('json_detail', { ...ERR, fields: FIELDS.slice(0, 1), query: fixture().query });
    const body = json(res.body) as Record<string, unknown>;
    expect(Object.keys(body).slice(-4)).toEqual(['data', 'errors', 'drill_menu_build_time', 'has_subtotals']);
    expect(body).toMatchObject({ id: ERR.id, runtime: '0.035', sql: SQL, data: [], errors: [DETAIL_ERROR] });
    expect(body.truncated).toBeUndefined();
    expect((body.fields as { dimensions: { name: string }[] }).dimensions.map((f) => f.name)).toEqual(['users.name']);
  });

  it('json_detail: sql_error_loc carries character when known and is absent without a location', () => {
    const withChar = json(formatQueryError('json_detail', { ...ERR, sqlErrorLoc: { line: 2, column: 2, character: 9 } }).body) as { errors: Record<string, unknown>[] };
    expect(withChar.errors[0]!.sql_error_loc).toEqual({ line: 2, column: 2, character: 9 });
    const bare = json(formatQueryError('json_detail', { message: 'boom' }).body) as Record<string, unknown>;
    expect(bare).toEqual({
      id: 'd41d8cd98f00b204e9800998ecf8427e',
      runtime: '0.000',
      sql: null,
      errors: [{ message: 'boom', message_details: null, params: null, edit_url: null, error_pos: null, level: 'error' }],
    });
  });

  it('json_bi: metadata {fields, sql} and rows [{looker_error}]', () => {
    const res = formatQueryError('json_bi', { ...ERR, fields: FIELDS.slice(5, 6), query: fixture().query });
    expect(res.status).toBe(200);
    expect(json(res.body)).toEqual({
      metadata: {
        big_query_metadata: null,
        fields: {
          dimensions: [],
          measures: [{
            sql: null, view: 'orders', dimension_group: null, category: 'measure', field_group_label: null, name: 'orders.count',
            type: 'count', view_label: 'Orders', label: 'Orders Count', field_group_variant: null, hidden: false, description: null,
          }],
          pivots: [],
          table_calculations: [],
        },
        pivots: [],
        has_subtotals: false,
        has_totals: false,
        columns_truncated: false,
        filter_expression: null,
        filters: { 'users.city': '-NULL' },
        sql: SQL,
      },
      rows: [{ looker_error: 'The PostgreSQL database encountered an error while running this query. ERROR: column users.email does not exist' }],
    });
    const minimal = json(formatQueryError('json_bi', { message: 'boom' }).body) as { metadata: Record<string, unknown> };
    expect(minimal.metadata.fields).toEqual({ dimensions: [], measures: [], pivots: [], table_calculations: [] });
    expect(minimal.metadata.sql).toBeNull();
  });

  it('text formats: 200 with the message in the format\'s Content-Type', () => {
    expect(formatQueryError('csv', ERR)).toEqual({
      status: 200,
      contentType: 'text/csv;charset=utf-8',
      body: 'The PostgreSQL database encountered an error while running this query. ERROR: column users.email does not exist',
    });
    expect(formatQueryError('txt', { message: 'a' }).contentType).toBe('text/plain;charset=utf-8');
    expect(formatQueryError('md', { message: 'a' }).body).toBe('a');
    expect(formatQueryError('sql', { message: 'a' }).contentType).toBe('application/sql');
    expect(formatQueryError('html', { message: 'relation "x<y>" & co' })).toEqual({
      status: 200, contentType: 'text/html;charset=utf-8', body: 'relation &quot;x&lt;y&gt;&quot; &amp; co',
    });
  });

  it('xlsx: a 400 JSON error, never a body under the spreadsheet type', () => {
    const res = formatQueryError('xlsx', ERR, 'https://cloud.google.com/looker/docs/r/err/4.0/400/get/queries/:id/run/xlsx');
    expect(res).toEqual({
      status: 400,
      contentType: 'application/json',
      body: JSON.stringify({
        message: 'The PostgreSQL database encountered an error while running this query. ERROR: column users.email does not exist',
        documentation_url: 'https://cloud.google.com/looker/docs/r/err/4.0/400/get/queries/:id/run/xlsx',
      }),
    });
  });
});
