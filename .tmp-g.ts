import { getDialect } from './src/sql/dialects/registry.ts';
const names = ['duckdb','postgres','bigquery','snowflake','redshift','trino'];
const show = (label: string, f: (d: ReturnType<typeof getDialect>) => string) => {
  console.log('== ' + label);
  for (const n of names) { const d = getDialect(n); let v: string; try { v = f(d); } catch (e) { v = 'THROW ' + (e as Error).message; } console.log(`  ${n}: ${JSON.stringify(v)}`); }
};
const o = { weekStartDay: 'sunday', fiscalMonthOffset: 3 } as const;
show('quote', (d) => d.quoteIdentifier('we"ird`name'));
show('str', (d) => d.stringLiteral("it's \\ ; -- /* é\n"));
show('ts', (d) => d.timestampLiteral('2024-01-15 10:00:00'));
show('cast', (d) => d.cast('x', 'number'));
show('toTs epoch', (d) => d.toTimestamp('x', 'epoch'));
show('toTs ymd', (d) => d.toTimestamp('x', 'yyyymmdd'));
show('tz', (d) => d.convertTz('x', 'UTC', 'America/New_York'));
show('now', (d) => d.now('America/New_York'));
show('trunc week sunday', (d) => d.truncate('x', 'week', 'sunday'));
show('trunc month', (d) => d.truncate('x', 'month', 'monday'));
show('add q', (d) => d.addInterval('x', 'quarter', -1));
for (const tf of ['time','date','week','month','quarter','year','hour6','minute15','millisecond','microsecond','day_of_week','day_of_week_index','week_of_year','month_name','fiscal_quarter'] as const) show('tf ' + tf, (d) => d.timeframe('x', tf, o));
show('dur hour', (d) => d.durationBetween('s', 'e', 'hour'));
show('dur month', (d) => d.durationBetween('s', 'e', 'month'));
show('pct', (d) => d.percentile('x', 0.9));
show('list', (d) => d.listAgg('x'));
show('sym', (d) => d.symmetricSum('v', 'k'));
show('like', (d) => d.like('x', 'a\\%b', false));
show('ilike', (d) => d.like('x', 'a\\%b', true));
show('limit', (d) => d.limitClause(10));
