/**
 * A small fixed result shared by the format tests: strings with commas, quotes, newlines
 * and non-ASCII text, NULLs, an empty string, numbers (one needing rounding), dates,
 * timestamps (one with a fraction), booleans, and value formats on measures.
 */
import type { FieldMeta, QueryResultInput } from './types.ts';

function dim(name: string, label: string, type: string, extra: Record<string, unknown> = {}): FieldMeta {
  const [view = '', short = ''] = name.split('.');
  const viewLabel = view === 'users' ? 'Users' : 'Orders';
  return {
    name, label, label_short: label.slice(viewLabel.length + 1), view, view_label: viewLabel, category: 'dimension', type,
    is_numeric: false, value_format: null, value_format_name: null, sql: `\${TABLE}.${short}`, hidden: false, ...extra,
  };
}

function measure(name: string, label: string, type: string, extra: Record<string, unknown> = {}): FieldMeta {
  return dim(name, label, type, { category: 'measure', is_numeric: true, sql: null, ...extra });
}

export const FIELDS: readonly FieldMeta[] = [
  dim('users.name', 'Users Name', 'string'),
  dim('users.city', 'Users City, Country', 'string'),
  dim('orders.created_date', 'Orders Created Date', 'date_date', { is_timeframe: true, dimension_group: 'orders.created' }),
  dim('orders.created_time', 'Orders Created Time', 'date_time', { is_timeframe: true, dimension_group: 'orders.created' }),
  dim('users.is_active', 'Users Is Active (Yes / No)', 'yesno'),
  measure('orders.count', 'Orders Count', 'count'),
  measure('orders.total_amount', 'Orders Total Amount', 'sum', { value_format_name: 'usd' }),
  measure('orders.average_discount', 'Orders Average Discount', 'average', { value_format: '0.0%' }),
];

export const ROWS: readonly Record<string, unknown>[] = [
  {
    'users.name': 'Ann "Annie" O\'Neil', 'users.city': 'Paris, FR', 'orders.created_date': '2024-01-05',
    'orders.created_time': '2024-01-05 13:45:00', 'users.is_active': true,
    'orders.count': 1169, 'orders.total_amount': 1234.5, 'orders.average_discount': 0.1234,
  },
  {
    'users.name': 'Bob\nSmith', 'users.city': 'Zürich 🏔 <b>&', 'orders.created_date': null,
    'orders.created_time': null, 'users.is_active': false,
    'orders.count': 962, 'orders.total_amount': -20, 'orders.average_discount': null,
  },
  {
    'users.name': '', 'users.city': null, 'orders.created_date': '2023-12-31',
    'orders.created_time': '2023-12-31 23:59:59.5', 'users.is_active': null,
    'orders.count': 0, 'orders.total_amount': 12345678.905, 'orders.average_discount': 1,
  },
];

export function fixture(over: Partial<QueryResultInput> = {}): QueryResultInput {
  return {
    fields: FIELDS,
    rows: ROWS,
    sql: 'SELECT\n    users.name AS "users.name"\nFROM users\nLIMIT 500',
    query: {
      model: 'shop', view: 'orders', fields: FIELDS.map((f) => String(f.name)),
      filters: { 'users.city': '-NULL' }, sorts: ['orders.count desc 0'], limit: '500',
    },
    runtimeSeconds: 0.1234,
    ranAt: new Date(Date.UTC(2024, 0, 5, 13, 45, 7, 321)),
    resultId: '0123456789abcdef0123456789abcdef',
    ...over,
  };
}
