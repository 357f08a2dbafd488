/**
 * How one value of one field is shown: the raw text the delimited formats write, and the
 * formatted ("rendered") text Looker derives from the field's value format.
 *
 * Looker's rules as far as observed:
 * - `value_format` (Excel-style) wins over `value_format_name`; the presenter already
 *   resolves a model's `named_value_format` into `value_format`, so only the built-in names
 *   remain to map here (`decimal_0`…`4`, `usd`, `usd_0`, `gbp`, `gbp_0`, `eur`, `eur_0`,
 *   `percent_0`…`4`, `id`; examples from Looker's `value_format_name` reference:
 *   1234.56789 → decimal_0 "1,235", usd "$1,234.57", id "1235"; 0.123456 → percent_2 "12.35%");
 * - a numeric measure without a format still gets thousands separators (json_detail from a
 *   real Looker: `{"value": 1169, "rendered": "1,169"}` for a count, and no `rendered` for
 *   962), dimensions without a format are shown as they are;
 * - formats apply to numeric fields only (Looker: custom formats need a numeric type);
 * - `rendered` is only sent when it differs from the value's own text.
 * Not applied: the `number_format` user attribute (locale separators), `html:` params.
 */
import { plainNumberString } from '../../connections/values.ts';
import { formatDecimal, groupDecimal } from './excel-format.ts';
import type { FieldMeta } from './types.ts';

export const NAMED_VALUE_FORMATS: Readonly<Record<string, string>> = {
  decimal_0: '#,##0',
  decimal_1: '#,##0.0',
  decimal_2: '#,##0.00',
  decimal_3: '#,##0.000',
  decimal_4: '#,##0.0000',
  usd_0: '$#,##0',
  usd: '$#,##0.00',
  gbp_0: '£#,##0',
  gbp: '£#,##0.00',
  eur_0: '€#,##0',
  eur: '€#,##0.00',
  percent_0: '0%',
  percent_1: '0.0%',
  percent_2: '0.00%',
  percent_3: '0.000%',
  percent_4: '0.0000%',
  id: '0',
};

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function fieldName(meta: FieldMeta): string {
  return str(meta.name) ?? '';
}

/** The column header Looker writes in csv/txt/html/md/xlsx: the field's full label. */
export function fieldLabel(meta: FieldMeta): string {
  return str(meta.label) ?? fieldName(meta);
}

/** The Excel-style format that applies to the field, if any. */
export function fieldFormat(meta: FieldMeta): string | undefined {
  const own = str(meta.value_format);
  if (own !== undefined && own.trim() !== '') return own;
  const name = str(meta.value_format_name);
  return name === undefined ? undefined : NAMED_VALUE_FORMATS[name];
}

const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

/** The value as a plain decimal string, when it is a finite number or a numeric string. */
export function numericText(value: unknown): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? plainNumberString(value) : null;
  if (typeof value === 'string' && PLAIN_DECIMAL.test(value)) return value;
  return null;
}

/** Dimension-group members and `type: date|time` fields (their values are dates or timestamps). */
export function isTimeField(meta: FieldMeta): boolean {
  const type = str(meta.type) ?? '';
  return meta.is_timeframe === true || type.startsWith('date_') || type === 'date' || type === 'time';
}

/** The unformatted text of a value (csv/txt/html/md cells). */
export function rawText(meta: FieldMeta, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? plainNumberString(value) : String(value);
  if (typeof value === 'boolean') {
    if (meta.type === 'yesno') return value ? 'Yes' : 'No';
    return value ? 'true' : 'false';
  }
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}

/**
 * The value formatted by the field's value format (or the default thousands separators of
 * a numeric measure); undefined when no format applies to it.
 */
export function formattedText(meta: FieldMeta, value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const num = numericText(value);
  if (num === null) return undefined;
  // Looker applies value formats to numeric fields only (a string field keeps "00123").
  if (meta.is_numeric !== true) return undefined;
  const format = fieldFormat(meta);
  if (format !== undefined) return formatDecimal(num, format);
  return meta.category === 'measure' ? groupDecimal(num) : undefined;
}

/** json_detail's `rendered`: the formatted text, only when it differs from the raw text. */
export function renderedText(meta: FieldMeta, value: unknown): string | undefined {
  const out = formattedText(meta, value);
  return out === undefined || out === rawText(meta, value) ? undefined : out;
}

/** The text a delimited/markup cell shows: formatted with `apply_formatting`, raw otherwise. */
export function cellText(meta: FieldMeta, value: unknown, applyFormatting: boolean): string {
  return (applyFormatting ? formattedText(meta, value) : undefined) ?? rawText(meta, value);
}

/**
 * The JSON value of a cell in json/json_label/json_bi rows: with `apply_formatting`, every
 * value of a formatted field becomes its formatted text, so a column keeps one JSON type.
 */
export function jsonValue(meta: FieldMeta, value: unknown, applyFormatting: boolean): unknown {
  if (value === undefined) return null;
  return (applyFormatting ? formattedText(meta, value) : undefined) ?? value;
}
