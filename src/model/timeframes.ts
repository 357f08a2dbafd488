/**
 * The timeframes and intervals a `dimension_group` may list, and the defaults used
 * when it lists none.
 *
 * Looker's documentation does not spell out the default list; without `timeframes`
 * Looker offers every timeframe the dialect supports. We default to every
 * calendar and clock timeframe, minus sub-second ones (dialect-specific), `yesno`
 * (a newer opt-in) and the fiscal ones (meaningful only with `fiscal_month_offset`,
 * so they are added when the model sets it). `datatype: date`/`yyyymmdd` columns
 * have no time of day, so clock timeframes are left out for them.
 */
import type { TimeDatatype, Timeframe, TimeUnit } from '../sql/dialects/dialect.ts';

export const ALL_TIMEFRAMES: readonly Timeframe[] = [
  'raw', 'time', 'time_of_day', 'date', 'week', 'month', 'quarter', 'year',
  'hour', 'hour2', 'hour3', 'hour4', 'hour6', 'hour8', 'hour12',
  'minute', 'minute2', 'minute3', 'minute4', 'minute5', 'minute6', 'minute10',
  'minute12', 'minute15', 'minute20', 'minute30',
  'second', 'millisecond', 'millisecond2', 'millisecond4', 'millisecond5',
  'millisecond8', 'millisecond10', 'millisecond20', 'millisecond25', 'millisecond40',
  'millisecond50', 'millisecond100', 'millisecond125', 'millisecond200', 'millisecond250',
  'millisecond500', 'microsecond',
  'day_of_week', 'day_of_week_index', 'day_of_month', 'day_of_year',
  'week_of_year', 'month_name', 'month_num', 'quarter_of_year',
  'hour_of_day', 'minute_of_hour', 'yesno',
  'fiscal_year', 'fiscal_quarter', 'fiscal_quarter_of_year', 'fiscal_month_num',
];

const TIMEFRAME_SET: ReadonlySet<string> = new Set(ALL_TIMEFRAMES);

export function isTimeframe(s: string): s is Timeframe {
  return TIMEFRAME_SET.has(s);
}

const CLOCK: ReadonlySet<Timeframe> = new Set<Timeframe>([
  'time', 'time_of_day', 'hour', 'hour2', 'hour3', 'hour4', 'hour6', 'hour8', 'hour12',
  'minute', 'minute2', 'minute3', 'minute4', 'minute5', 'minute6', 'minute10', 'minute12',
  'minute15', 'minute20', 'minute30', 'second', 'hour_of_day', 'minute_of_hour',
]);

const FISCAL: ReadonlySet<Timeframe> = new Set<Timeframe>([
  'fiscal_year', 'fiscal_quarter', 'fiscal_quarter_of_year', 'fiscal_month_num',
]);

export function defaultTimeframes(datatype: TimeDatatype, fiscalMonthOffset: number): Timeframe[] {
  const dateOnly = datatype === 'date' || datatype === 'yyyymmdd';
  return ALL_TIMEFRAMES.filter((t) => {
    if (t.startsWith('millisecond') || t === 'microsecond' || t === 'yesno') return false;
    if (FISCAL.has(t)) return fiscalMonthOffset !== 0;
    return !(dateOnly && CLOCK.has(t));
  });
}

/** `type: duration` intervals Looker documents; also the default when `intervals` is absent. */
export const DURATION_INTERVALS: readonly TimeUnit[] = [
  'day', 'hour', 'minute', 'month', 'quarter', 'second', 'week', 'year',
];

export function isDurationInterval(s: string): s is TimeUnit {
  return (DURATION_INTERVALS as readonly string[]).includes(s);
}

export const DATATYPES: readonly TimeDatatype[] = ['timestamp', 'datetime', 'date', 'epoch', 'yyyymmdd'];

export function isDatatype(s: string): s is TimeDatatype {
  return (DATATYPES as readonly string[]).includes(s);
}
