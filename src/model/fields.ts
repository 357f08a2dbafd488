/**
 * Fields of one view: dimensions, measures, filter and parameter fields, and
 * dimension groups expanded into their members.
 *
 * `type: time` members are `<group>_<timeframe>` with type `date_<timeframe>`;
 * `type: duration` members are `<interval>s_<group>` with type `duration_<interval>`
 * (the interval is a prefix there, unlike timeframes). A dimension or time group
 * without `sql` reads the column of its own name, as Looker does (not `case:`,
 * `location` or `distance` dimensions, which are built from other parameters).
 */
import type { Diagnostic, PairNode } from '../lookml/ast.ts';
import { pairsToParams } from '../lookml/plain.ts';
import type { TimeDatatype } from '../sql/dialects/dialect.ts';
import type { Field, FieldCategory, FilterCondition, GroupInfo } from './types.ts';
import {
  allPairs, body, compact, diag, isScalar, lastPair, list, listItems, locsOf, nameLoc, num, str, yesNo,
} from './ast-util.ts';
import {
  DURATION_INTERVALS, defaultTimeframes, isDatatype, isDurationInterval, isTimeframe,
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

export function isFieldKey(key: string): boolean {
  return key in FIELD_KEYS;
}

/** `filters: [f: "v", …]` and repeated `filters: { field: f value: "v" }` blocks, in order. */
export function readFilters(pairs: readonly PairNode[], key = 'filters'): FilterCondition[] {
  const out: FilterCondition[] = [];
  for (const p of allPairs(pairs, key)) {
    if (p.value.kind === 'list') {
      for (const item of p.value.items) {
        if (item.kind === 'pair' && isScalar(item.value)) out.push({ field: item.key, expression: item.value.value, loc: item.loc });
      }
    } else if (p.value.kind === 'block') {
      const fieldPair = lastPair(p.value.pairs, 'field');
      const field = str(p.value.pairs, 'field');
      const value = str(p.value.pairs, 'value');
      if (field !== undefined) out.push({ field, expression: value ?? '', loc: fieldPair?.value.loc ?? p.loc });
    }
  }
  return out;
}

function numbers(pairs: readonly PairNode[], key: string): number[] | undefined {
  const items = list(pairs, key);
  return items?.map(Number).filter((n) => Number.isFinite(n));
}

function caseWhen(pairs: readonly PairNode[]): Field['caseWhen'] {
  const c = allPairs(pairs, 'case').at(-1);
  if (!c) return undefined;
  const b = body(c);
  const when = allPairs(b, 'when').map((w) => ({ sql: str(body(w), 'sql') ?? '', label: str(body(w), 'label') ?? '' }));
  const otherwise = str(b, 'else');
  return otherwise === undefined ? { when } : { when, else: otherwise };
}

function allowedValues(pairs: readonly PairNode[]): Field['allowedValues'] {
  return allPairs(pairs, 'allowed_value').map((p) => {
    const b = body(p);
    const value = str(b, 'value') ?? '';
    return { label: str(b, 'label') ?? value, value };
  });
}

/** Everything a field reads from its own block, shared by plain fields and group members. */
function baseField(view: string, name: string, category: FieldCategory, type: string, b: readonly PairNode[], def: PairNode): Field {
  return compact<Field>({
    view,
    name,
    category,
    type,
    sql: str(b, 'sql'),
    primaryKey: yesNo(b, 'primary_key') ?? false,
    hidden: yesNo(b, 'hidden') ?? false,
    label: str(b, 'label'),
    viewLabel: str(b, 'view_label'),
    groupLabel: str(b, 'group_label'),
    groupItemLabel: str(b, 'group_item_label'),
    description: str(b, 'description'),
    valueFormat: str(b, 'value_format'),
    valueFormatName: str(b, 'value_format_name'),
    filters: readFilters(b),
    sqlDistinctKey: str(b, 'sql_distinct_key'),
    percentile: num(b, 'percentile'),
    listField: str(b, 'list_field'),
    precision: num(b, 'precision'),
    tiers: numbers(b, 'tiers'),
    style: str(b, 'style'),
    caseWhen: caseWhen(b),
    allowedValues: allowedValues(b),
    defaultValue: str(b, 'default_value'),
    suggestions: list(b, 'suggestions') ?? [],
    drillFields: list(b, 'drill_fields') ?? [],
    tags: list(b, 'tags') ?? [],
    orderByField: str(b, 'order_by_field'),
    requiredFields: list(b, 'required_fields') ?? [],
    html: str(b, 'html'),
    loc: nameLoc(def),
    params: pairsToParams(b),
    paramLocs: locsOf(b),
  });
}

function datatypeOf(b: readonly PairNode[], diagnostics: Diagnostic[]): TimeDatatype {
  const p = allPairs(b, 'datatype').at(-1);
  if (!p || !isScalar(p.value)) return 'timestamp';
  const v = p.value.value;
  if (isDatatype(v)) return v;
  diagnostics.push(
    diag('model/unknown-datatype', 'error', `Unknown datatype "${v}"; use one of timestamp, datetime, date, epoch, yyyymmdd`, p.value.loc),
  );
  return 'timestamp';
}

function expandGroup(view: string, def: PairNode, fiscalMonthOffset: number, diagnostics: Diagnostic[]): Field[] {
  const group = def.name!;
  const b = body(def);
  const kind = str(b, 'type') ?? 'time';
  const datatype = datatypeOf(b, diagnostics);
  const convertTz = yesNo(b, 'convert_tz') ?? true;
  const out: Field[] = [];
  const seen = new Set<string>();
  // Members differ only in name, type, sql and group info: read the block once.
  const common = baseField(view, group, 'dimension', kind, b, def);
  if (kind === 'duration') {
    const p = allPairs(b, 'intervals').at(-1);
    const intervals = p ? listItems(p.value) : undefined;
    const sqlStart = str(b, 'sql_start');
    const sqlEnd = str(b, 'sql_end');
    for (const item of intervals ?? DURATION_INTERVALS.map((v) => ({ value: v, loc: def.loc }))) {
      const interval = item.value;
      if (!isDurationInterval(interval)) {
        diagnostics.push(
          diag('model/unknown-interval', 'error', `Unknown duration interval "${interval}" in dimension_group "${group}"; use ${DURATION_INTERVALS.join(', ')}`, item.loc),
        );
        continue;
      }
      if (seen.has(interval)) continue;
      seen.add(interval);
      const info: GroupInfo = compact<GroupInfo>({ name: group, kind: 'duration', interval, datatype, convertTz, sqlStart, sqlEnd });
      out.push({ ...common, name: `${interval}s_${group}`, type: `duration_${interval}`, group: info });
    }
    return out;
  }
  if (kind !== 'time') {
    diagnostics.push(
      diag('model/unknown-type', 'error', `Unknown dimension_group type "${kind}"; use time or duration`, allPairs(b, 'type').at(-1)?.value.loc ?? nameLoc(def)),
    );
    return out;
  }
  const p = allPairs(b, 'timeframes').at(-1);
  const items = p ? listItems(p.value) : defaultTimeframes(datatype, fiscalMonthOffset).map((v) => ({ value: v, loc: def.loc }));
  const sql = str(b, 'sql') ?? `\${TABLE}.${group}`;
  for (const item of items) {
    const timeframe = item.value;
    if (!isTimeframe(timeframe)) {
      diagnostics.push(
        diag('model/unknown-timeframe', 'error', `Unknown timeframe "${timeframe}" in dimension_group "${group}"`, item.loc),
      );
      continue;
    }
    if (seen.has(timeframe)) continue;
    seen.add(timeframe);
    const info: GroupInfo = { name: group, kind: 'time', timeframe, datatype, convertTz };
    out.push({ ...common, name: `${group}_${timeframe}`, type: `date_${timeframe}`, sql, group: info });
  }
  return out;
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
      fields.push(...expandGroup(view, p, fiscalMonthOffset, diagnostics));
      continue;
    }
    const b = body(p);
    const type = str(b, 'type') ?? 'string';
    const f = baseField(view, p.name, category, type, b, p);
    const readsColumn = category === 'dimension' && f.sql === undefined && !f.caseWhen && !NO_COLUMN_TYPES.has(type);
    fields.push(readsColumn ? { ...f, sql: `\${TABLE}.${p.name}` } : f);
  }
  const byName = new Map<string, Field>();
  const unique: Field[] = [];
  for (const f of fields) {
    const first = byName.get(f.name);
    if (!first) {
      byName.set(f.name, f);
      unique.push(f);
      continue;
    }
    if (first.group && f.group && first.group.name === f.group.name) continue;
    const at = (x: Field): string => `${x.loc.file}:${x.loc.line}:${x.loc.column}`;
    const msg = (other: Field): string =>
      `Field "${f.name}" is defined more than once in view "${view}" (also at ${at(other)}); rename or remove one definition`;
    diagnostics.push(diag('model/duplicate-field', 'error', msg(f), first.loc));
    diagnostics.push(diag('model/duplicate-field', 'error', msg(first), f.loc));
  }
  return unique;
}
