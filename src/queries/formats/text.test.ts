import { describe, expect, it } from 'vitest';
import { RESULT_CONTENT_TYPES, formatResult, isResultFormat } from './index.ts';
import { fixture } from './test-fixture.ts';

const HEADER = 'Users Name,"Users City, Country",Orders Created Date,Orders Created Time,Users Is Active (Yes / No),Orders Count,Orders Total Amount,Orders Average Discount\n';

describe('csv', () => {
  it('writes labels, RFC 4180 quoting, NULL as nothing and an empty string as ""', async () => {
    const res = await formatResult('csv', fixture());
    expect(res).toEqual({
      status: 200,
      contentType: 'text/csv;charset=utf-8',
      body:
        HEADER +
        '"Ann ""Annie"" O\'Neil","Paris, FR",2024-01-05,2024-01-05 13:45:00,Yes,1169,1234.5,0.1234\n' +
        '"Bob\nSmith",Zürich 🏔 <b>&,,,No,962,-20,\n' +
        '"",,2023-12-31,2023-12-31 23:59:59.5,,0,12345678.905,1\n',
    });
  });

  it('applies value formats with apply_formatting', async () => {
    const res = await formatResult('csv', fixture({ applyFormatting: true }));
    expect(res.body).toBe(
      HEADER +
        '"Ann ""Annie"" O\'Neil","Paris, FR",2024-01-05,2024-01-05 13:45:00,Yes,"1,169","$1,234.50",12.3%\n' +
        '"Bob\nSmith",Zürich 🏔 <b>&,,,No,962,-$20.00,\n' +
        '"",,2023-12-31,2023-12-31 23:59:59.5,,0,"$12,345,678.91",100.0%\n',
    );
  });

  it('ends every line with a newline (rows + 1 newlines, as the SDK test counts)', async () => {
    const body = (await formatResult('csv', fixture({ rows: [{ 'orders.count': 1 }, { 'orders.count': 2 }] }))).body as string;
    expect(body.split('\n')).toHaveLength(4);
    expect(body.endsWith(',,,,,1,,\n,,,,,2,,\n')).toBe(true);
  });

  it('writes only the header for an empty result', async () => {
    expect((await formatResult('csv', fixture({ rows: [] }))).body).toBe(HEADER);
  });
});

describe('txt', () => {
  it('is tab-separated with the same quoting rule', async () => {
    const res = await formatResult('txt', fixture());
    expect(res.contentType).toBe('text/plain;charset=utf-8');
    expect(res.body).toBe(
      'Users Name\tUsers City, Country\tOrders Created Date\tOrders Created Time\tUsers Is Active (Yes / No)\tOrders Count\tOrders Total Amount\tOrders Average Discount\n' +
        '"Ann ""Annie"" O\'Neil"\tParis, FR\t2024-01-05\t2024-01-05 13:45:00\tYes\t1169\t1234.5\t0.1234\n' +
        '"Bob\nSmith"\tZürich 🏔 <b>&\t\t\tNo\t962\t-20\t\n' +
        '""\t\t2023-12-31\t2023-12-31 23:59:59.5\t\t0\t12345678.905\t1\n',
    );
  });

  it('quotes a value containing a tab', async () => {
    const res = await formatResult('txt', fixture({ fields: fixture().fields.slice(0, 1), rows: [{ 'users.name': 'a\tb' }] }));
    expect(res.body).toBe('Users Name\n"a\tb"\n');
  });
});

describe('html', () => {
  it('is a simple escaped table', async () => {
    const res = await formatResult('html', fixture());
    expect(res.contentType).toBe('text/html;charset=utf-8');
    expect(res.body).toBe(
      '<table>\n' +
        '<tr><th>Users Name</th><th>Users City, Country</th><th>Orders Created Date</th><th>Orders Created Time</th><th>Users Is Active (Yes / No)</th><th>Orders Count</th><th>Orders Total Amount</th><th>Orders Average Discount</th></tr>\n' +
        '<tr><td>Ann &quot;Annie&quot; O&#39;Neil</td><td>Paris, FR</td><td>2024-01-05</td><td>2024-01-05 13:45:00</td><td>Yes</td><td>1169</td><td>1234.5</td><td>0.1234</td></tr>\n' +
        '<tr><td>Bob\nSmith</td><td>Zürich 🏔 &lt;b&gt;&amp;</td><td></td><td></td><td>No</td><td>962</td><td>-20</td><td></td></tr>\n' +
        '<tr><td></td><td></td><td>2023-12-31</td><td>2023-12-31 23:59:59.5</td><td></td><td>0</td><td>12345678.905</td><td>1</td></tr>\n' +
        '</table>',
    );
  });

  it('matches the layout of a captured Looker html response', async () => {
    const fields = [
      { name: 'orders.created_date', label: 'Orders Created Date', category: 'dimension', type: 'date_date' },
      { name: 'orders.count', label: 'Orders Count', category: 'measure', type: 'count', is_numeric: true },
    ];
    const res = await formatResult('html', fixture({ fields, rows: [{ 'orders.created_date': '2019-12-22', 'orders.count': 39 }] }));
    expect(res.body).toBe(
      '<table>\n<tr><th>Orders Created Date</th><th>Orders Count</th></tr>\n<tr><td>2019-12-22</td><td>39</td></tr>\n</table>',
    );
  });
});

describe('md', () => {
  it('is a pipe table with pipes and line breaks escaped', async () => {
    const res = await formatResult('md', fixture({ applyFormatting: true }));
    expect(res.contentType).toBe('text/markdown;charset=utf-8');
    expect(res.body).toBe(
      '| Users Name | Users City, Country | Orders Created Date | Orders Created Time | Users Is Active (Yes / No) | Orders Count | Orders Total Amount | Orders Average Discount |\n' +
        '| --- | --- | --- | --- | --- | --- | --- | --- |\n' +
        '| Ann "Annie" O\'Neil | Paris, FR | 2024-01-05 | 2024-01-05 13:45:00 | Yes | 1,169 | $1,234.50 | 12.3% |\n' +
        '| Bob<br>Smith | Zürich 🏔 <b>& |  |  | No | 962 | -$20.00 |  |\n' +
        '|  |  | 2023-12-31 | 2023-12-31 23:59:59.5 |  | 0 | $12,345,678.91 | 100.0% |\n',
    );
    const piped = await formatResult('md', fixture({ fields: fixture().fields.slice(0, 1), rows: [{ 'users.name': 'a|b\\c' }] }));
    expect(piped.body).toBe('| Users Name |\n| --- |\n| a\\|b\\\\c |\n');
  });
});

describe('sql and the Content-Type table', () => {
  it('returns the SQL text as application/sql', async () => {
    const res = await formatResult('sql', fixture());
    expect(res).toEqual({ status: 200, contentType: 'application/sql', body: 'SELECT\n    users.name AS "users.name"\nFROM users\nLIMIT 500' });
  });

  it('lists every format, with no charset on binary types', () => {
    expect(RESULT_CONTENT_TYPES).toEqual({
      json: 'application/json',
      json_detail: 'application/json',
      json_bi: 'application/json',
      inline_json: 'application/json',
      json_label: 'application/json',
      csv: 'text/csv;charset=utf-8',
      txt: 'text/plain;charset=utf-8',
      html: 'text/html;charset=utf-8',
      md: 'text/markdown;charset=utf-8',
      sql: 'application/sql',
      xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      png: 'image/png',
      jpg: 'image/jpeg',
    });
  });

  it('recognises format names', () => {
    expect(isResultFormat('json_bi')).toBe(true);
    expect(isResultFormat('png')).toBe(false);
    expect(isResultFormat('JSON')).toBe(false);
  });
});
