import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { duckdbDialect as d } from './src/sql/dialects/duckdb.ts';
import { postgresDialect as p } from './src/sql/dialects/postgres.ts';
import type { Timeframe } from './src/sql/dialects/dialect.ts';
const tfs: Timeframe[] = ['raw','time','date','week','month','quarter','year','hour','hour6','minute','minute15','second','millisecond','millisecond250','microsecond','time_of_day','day_of_week','day_of_week_index','day_of_month','day_of_year','week_of_year','month_name','month_num','quarter_of_year','hour_of_day','minute_of_hour','yesno','fiscal_year','fiscal_quarter','fiscal_quarter_of_year','fiscal_month_num'];
const db = await DuckDBInstance.create(':memory:'); const c = await db.connect();
const client = new pg.Client(process.env.PGURL); await client.connect();
for (const [name, dia] of [['duck', d], ['pg', p]] as const) {
  const x = dia.timestampLiteral('2024-12-29 13:47:05.123456');
  const sels = tfs.map((tf) => `${dia.timeframe(x, tf, { weekStartDay: 'sunday', fiscalMonthOffset: 3 })} AS ${dia.quoteIdentifier(tf)}`);
  sels.push(`${dia.convertTz(dia.timestampLiteral('2024-03-10 07:30:00'), 'UTC', 'America/New_York')} AS tz`);
  sels.push(`${dia.durationBetween(dia.timestampLiteral('2024-01-31 10:00:00'), dia.timestampLiteral('2024-02-29 09:00:00'), 'month')} AS mon`);
  sels.push(`${dia.durationBetween(dia.timestampLiteral('2024-01-31 10:00:00'), dia.timestampLiteral('2024-02-29 09:00:00'), 'day')} AS days`);
  sels.push(`${dia.stringLiteral("a'b\\c\n--;/*é😀")} AS s`);
  sels.push(`${dia.toTimestamp('20240115', 'yyyymmdd')} AS ymd, ${dia.toTimestamp('1700000000.5', 'epoch')} AS ep`);
  sels.push(`${dia.now('America/New_York')} AS now`);
  const sql = `SELECT ${sels.join(',\n')}`;
  try {
    if (name === 'duck') { const r = await c.runAndReadAll(sql); console.log(name, r.getRowObjectsJson()[0]); }
    else { const r = await client.query(sql); console.log(name, r.rows[0]); }
  } catch (e) { console.log(name, (e as Error).message); console.log(sql); }
}
await client.end();
