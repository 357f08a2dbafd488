/**
 * Fields of one view: dimensions, measures, filter and parameter fields, and
 * dimension groups expanded into their members.
 *
 * `type: time` members are `<group>_<timeframe>` with type `date_<timeframe>`;
 * `type: duration` members are `<interval>s_<group>` with type `duration_<interval>`
 * (the interval is a prefix there, unlike timeframes). A dimension or time group
 * without `sql` reads the column of its own name, as Looker does (not `case:`,
 * `location` or `distance` dimensions, which are built from other parameters).
 * Each field is read from its block by `readField` (field.ts).
 */
import type { Diagnostic, PairNode } from '../lookml/ast.ts';
import type { TimeDatatype } from '../sql/dialects/dialect.ts';
import type { Field, FieldCategory, GroupInfo } from './types.ts';
import { body, diag, isScalar, lastPair, listItems, nameLoc, str, yesNo } from './ast-util.ts';
import { readField, variant } from './field.ts';
import {
  ALL_TIMEFRAMES, DURATION_INTERVALS, defaultTimeframes, isDatatype, isDurationInterval, isTimeframe,
} from './timeframes.ts';

const FIELD_KEYS: Readonly<Record<string, FieldCategory>> = {
  dimension: 'dimension',
  dimension_group: 'dimension',
  measure: 'measure',
  filter: 'filter',
  parameter: 'parameter',
};

/** Dimensions computed from other parameters (`sql_latitude`…), never from a column of their name. */
const NO_COLUMN_TYPES: ReadonlySet<string> = new Set(['location', 'distance']);

/** Member types, made once: every view's `created_date` shares one `date_date` string. */
const TIMEFRAME_TYPES: ReadonlyMap<string, string> = new Map(ALL_TIMEFRAMES.map((t) => [t, `date_${t}`]));
const INTERVAL_TYPES: ReadonlyMap<string, string> = new Map(DURATION_INTERVALS.map((i) => [i, `duration_${i}`]));

export { readFilters } from './field.ts';

export function isFieldKey(key: string): boolean {
  return key in FIELD_KEYS;
}

function datatypeOf(p: PairNode | undefined, diagnostics: Diagnostic[]): TimeDatatype {
  if (!p || !isScalar(p.value)) return 'timestamp';
  const v = p.value.value;
  if (isDatatype(v)) return v;
  diagnostics.push(
    diag('model/unknown-datatype', 'error', `Unknown datatype "${v}"; use one of timestamp, datetime, date, epoch, yyyymmdd`, p.value.loc),
  );
  return 'timestamp';
}

function expandGroup(view: string, def: PairNode, fiscalMonthOffset: number, diagnostics: Diagnostic[], out: Field[]): void {
  const group = def.name!;
  const b = body(def);
  const datatype = datatypeOf(lastPair(b, 'datatype'), diagnostics);
  const convertTz = yesNo(b, 'convert_tz') ?? true;
  // A handful of members: a small list is cheaper than a Set per group.
  const seen: string[] = [];
  // Members differ only in name, type, sql and group info: read the block once.
  const common = readField(view, group, 'dimension', 'time', b, def);
  const kind = common.type;
  if (kind === 'duration') {
    const p = lastPair(b, 'intervals');
    const intervals = p ? listItems(p.value) : DURATION_INTERVALS.map((v) => ({ value: v, loc: def.loc }));
    const sqlStart = str(b, 'sql_start');
    const sqlEnd = str(b, 'sql_end');
    for (const item of intervals) {
      const interval = item.value;
      if (!isDurationInterval(interval)) {
        diagnostics.push(
          diag('model/unknown-interval', 'error', `Unknown duration interval "${interval}" in dimension_group "${group}"; use ${DURATION_INTERVALS.join(', ')}`, item.loc),
        );
        continue;
      }
      if (seen.includes(interval)) continue;
      seen.push(interval);
      const info: GroupInfo = { name: group, kind: 'duration', interval, datatype, convertTz, sqlStart, sqlEnd };
      out.push(variant(common, `${interval}s_${group}`, INTERVAL_TYPES.get(interval)!, common.sql, info));
    }
    return;
  }
  if (kind !== 'time') {
    diagnostics.push(
      diag('model/unknown-type', 'error', `Unknown dimension_group type "${kind}"; use time or duration`, lastPair(b, 'type')?.value.loc ?? nameLoc(def)),
    );
    return;
  }
  const p = lastPair(b, 'timeframes');
  const items = p ? listItems(p.value) : defaultTimeframes(datatype, fiscalMonthOffset).map((v) => ({ value: v, loc: def.loc }));
  const sql = common.sql ?? `\${TABLE}.${group}`;
  for (const item of items) {
    const timeframe = item.value;
    if (!isTimeframe(timeframe)) {
      diagnostics.push(
        diag('model/unknown-timeframe', 'error', `Unknown timeframe "${timeframe}" in dimension_group "${group}"`, item.loc),
      );
      continue;
    }
    if (seen.includes(timeframe)) continue;
    seen.push(timeframe);
    const info: GroupInfo = { name: group, kind: 'time', timeframe, datatype, convertTz };
    out.push(variant(common, `${group}_${timeframe}`, TIMEFRAME_TYPES.get(timeframe)!, sql, info));
  }
}

function describeLoc(f: Field): string {
  return `${f.loc.file}:${f.loc.line}:${f.loc.column}`;
}

/**
 * The fields of a view's final (merged) parameters, in definition order.
 * Names that collide are reported at both definitions; the first one is kept.
 */
export function buildFields(
  view: string,
  pairs: readonly PairNode[],
  fiscalMonthOffset: number,
  diagnostics: Diagnostic[],
): Field[] {
  const fields: Field[] = [];
  for (const p of pairs) {
    const category = FIELD_KEYS[p.key];
    if (category === undefined || p.name === undefined) continue;
    if (p.key === 'dimension_group') {
      expandGroup(view, p, fiscalMonthOffset, diagnostics, fields);
      continue;
    }
    const f = readField(view, p.name, category, 'string', body(p), p);
    const readsColumn = category === 'dimension' && f.sql === undefined && !f.caseWhen && !NO_COLUMN_TYPES.has(f.type);
    fields.push(readsColumn ? variant(f, f.name, f.type, `\${TABLE}.${p.name}`, undefined) : f);
  }
  // Names are almost always unique: a set of names finds the rare clash, and only then is
  // the first definition looked up.
  const names = new Set<string>();
  const unique: Field[] = [];
  for (const f of fields) {
    if (!names.has(f.name)) {
      names.add(f.name);
      unique.push(f);
      continue;
    }
    const first = unique.find((u) => u.name === f.name)!;
    if (first.group && f.group && first.group.name === f.group.name) continue;
    const message = (other: Field): string =>
      `Field "${f.name}" is defined more than once in view "${view}" (also at ${describeLoc(other)}); rename or remove one definition`;
    diagnostics.push(diag('model/duplicate-field', 'error', message(f), first.loc));
    diagnostics.push(diag('model/duplicate-field', 'error', message(first), f.loc));
  }
  return unique;
}
