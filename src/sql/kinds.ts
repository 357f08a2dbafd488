/**
 * Which filter grammar and SQL form a field uses, decided from its Looker type alone.
 */
import type { Field } from '../model/types.ts';
import type { Timeframe } from './dialects/dialect.ts';
import type { FilterKind } from './filters/index.ts';

const NUMBER_TIMEFRAMES = new Set<string>([
  'day_of_week_index', 'day_of_month', 'day_of_year', 'hour_of_day', 'minute_of_hour',
  'month_num', 'week_of_year', 'fiscal_month_num',
]);
const STRING_TIMEFRAMES = new Set<string>([
  'day_of_week', 'month_name', 'quarter_of_year', 'time_of_day', 'fiscal_quarter_of_year',
]);

/** Timeframes whose values are points or periods in time, filtered as dates on the timestamp. */
export function isDateTimeframe(tf: Timeframe): boolean {
  return !NUMBER_TIMEFRAMES.has(tf) && !STRING_TIMEFRAMES.has(tf) && tf !== 'yesno';
}

const NUMERIC_MEASURES = new Set([
  'count', 'count_distinct', 'sum', 'average', 'min', 'max', 'median', 'percentile',
  'sum_distinct', 'average_distinct', 'median_distinct', 'percentile_distinct', 'number', 'int',
  'percent_of_total', 'percent_of_previous', 'running_total',
]);

export function filterKind(field: Field): FilterKind {
  const tf = field.group?.timeframe;
  if (tf !== undefined) {
    if (tf === 'yesno') return 'yesno';
    if (NUMBER_TIMEFRAMES.has(tf)) return 'number';
    if (STRING_TIMEFRAMES.has(tf)) return 'string';
    return 'date';
  }
  if (field.group?.kind === 'duration') return 'number';
  switch (field.type) {
    case 'number': case 'int': case 'distance': return 'number';
    case 'yesno': return 'yesno';
    case 'date': case 'date_time': case 'time': return 'date';
    case 'tier': return 'tier';
    default:
      if (field.category === 'measure') return NUMERIC_MEASURES.has(field.type) ? 'number' : field.type === 'date' ? 'date' : 'string';
      return 'string';
  }
}

export const AGGREGATE_MEASURES = new Set([
  'count', 'count_distinct', 'sum', 'average', 'min', 'max', 'median', 'percentile', 'list',
  'sum_distinct', 'average_distinct', 'median_distinct', 'percentile_distinct',
]);

export const POST_SQL_MEASURES = new Set(['percent_of_total', 'percent_of_previous', 'running_total']);
