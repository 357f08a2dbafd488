/**
 * Fields of one view: dimensions, measures, filter and parameter fields, and
 * dimension groups expanded into their members.
 *
 * `type: time` members are `<group>_<timeframe>` with type `date_<timeframe>`;
 * `type: duration` members are `<interval>s_<group>` with type `duration_<interval>`
 * (the interval is a prefix there, unlike timeframes). A dimension or time group
 * without `sql` reads the column of its own name, as Looker does (not `case:`,
 * `location` or `distance` dimensions, which are built from other parameters).
 *
 * Large projects have tens of thousands of fields, so this is a hot path: each field
 * block is indexed once (`lastByKey`) instead of being scanned once per parameter, and
 * every `Field` is one object literal of the same shape (members that do not apply are
 * `undefined`, which JSON drops), which is far cheaper to build and copy than objects
 * grown key by key, and keeps property reads monomorphic for the SQL compiler.
 */
import type { Diagnostic, PairNode } from '../lookml/ast.ts';
import { pairsToParams } from '../lookml/plain.ts';
import type { TimeDatatype } from '../sql/dialects/dialect.ts';
import type { Field, FieldCategory, FilterCondition, GroupInfo } from './types.ts';
import {
  EMPTY, allPairs, body, diag, isScalar, lastByKey, lastPair, listItems, listText, locsOf, nameLoc, numText,
  scalarText, str, textAt, yesNoText,
} from './ast-util.ts';
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

export function isFieldKey(key: string): boolean {
  return key in FIELD_KEYS;
}

/** `filters: [f: "v", …]` and repeated `filters: { field: f value: "v" }` blocks, in order. */
export function readFilters(pairs: readonly PairNode[], key = 'filters'): readonly FilterCondition[] {
  let out: FilterCondition[] | undefined;
  for (const p of pairs) {
    if (p.key !== key) continue;
    out ??= [];
    if (p.value.kind === 'list') {
      for (const item of p.value.items) {
        if (item.kind === 'pair' && isScalar(item.value)) out.push({ field: item.key, expression: item.value.value, loc: item.loc });
      }
    } else if (p.value.kind === 'block') {
      const fieldPair = lastPair(p.value.pairs, 'field');
      const field = scalarText(fieldPair);
      const value = str(p.value.pairs, 'value');
      if (field !== undefined) out.push({ field, expression: value ?? '', loc: fieldPair?.value.loc ?? p.loc });
    }
  }
  // Most fields have no filters: share one empty list rather than allocate one per field.
  return out && out.length > 0 ? out : EMPTY;
}

function numbers(p: PairNode | undefined): number[] | undefined {
  return listText(p)?.map(Number).filter((n) => Number.isFinite(n));
}

function caseWhen(c: PairNode | undefined): Field['caseWhen'] {
  if (!c) return undefined;
  const b = body(c);
  const when = allPairs(b, 'when').map((w) => ({ sql: str(body(w), 'sql') ?? '', label: str(body(w), 'label') ?? '' }));
  const otherwise = str(b, 'else');
  return otherwise === undefined ? { when } : { when, else: otherwise };
}

function allowedValues(pairs: readonly PairNode[]): Field['allowedValues'] {
  let out: { label: string; value: string }[] | undefined;
  for (const p of pairs) {
    if (p.key !== 'allowed_value') continue;
    const b = body(p);
    const value = str(b, 'value') ?? '';
    (out ??= []).push({ label: str(b, 'label') ?? value, value });
  }
  return out ?? EMPTY;
}

/** Everything a field reads from its own block (`at` indexes `b`), shared by plain fields and group members. */
function baseField(
  view: string,
  name: string,
  category: FieldCategory,
  type: string,
  b: readonly PairNode[],
  at: ReadonlyMap<string, PairNode>,
  def: PairNode,
): Field {
  // Key order is the order the IR has always had (JSON output), `group` last.
  return {
    view,
    name,
    category,
    type,
    sql: textAt(at, 'sql'),
    primaryKey: yesNoText(textAt(at, 'primary_key')) ?? false,
    hidden: yesNoText(textAt(at, 'hidden')) ?? false,
    label: textAt(at, 'label'),
    viewLabel: textAt(at, 'view_label'),
    groupLabel: textAt(at, 'group_label'),
    groupItemLabel: textAt(at, 'group_item_label'),
    description: textAt(at, 'description'),
    valueFormat: textAt(at, 'value_format'),
    valueFormatName: textAt(at, 'value_format_name'),
    filters: at.has('filters') ? readFilters(b) : EMPTY,
    sqlDistinctKey: textAt(at, 'sql_distinct_key'),
    percentile: numText(textAt(at, 'percentile')),
    listField: textAt(at, 'list_field'),
    precision: numText(textAt(at, 'precision')),
    tiers: numbers(at.get('tiers')),
    style: textAt(at, 'style'),
    caseWhen: caseWhen(at.get('case')),
    allowedValues: at.has('allowed_value') ? allowedValues(b) : EMPTY,
    defaultValue: textAt(at, 'default_value'),
    suggestions: listText(at.get('suggestions')) ?? EMPTY,
    drillFields: listText(at.get('drill_fields')) ?? EMPTY,
    tags: listText(at.get('tags')) ?? EMPTY,
    orderByField: textAt(at, 'order_by_field'),
    requiredFields: listText(at.get('required_fields')) ?? EMPTY,
    html: textAt(at, 'html'),
    loc: nameLoc(def),
    params: pairsToParams(b),
    paramLocs: locsOf(b),
    group: undefined,
  };
}

/**
 * `f` with another name, type, SQL and group: dimension group members, and dimensions that
 * read their own column. A literal rather than a spread, which V8 copies far more slowly.
 */
function variant(f: Field, name: string, type: string, sql: string | undefined, group: GroupInfo | undefined): Field {
  return {
    view: f.view,
    name,
    category: f.category,
    type,
    sql,
    primaryKey: f.primaryKey,
    hidden: f.hidden,
    label: f.label,
    viewLabel: f.viewLabel,
    groupLabel: f.groupLabel,
    groupItemLabel: f.groupItemLabel,
    description: f.description,
    valueFormat: f.valueFormat,
    valueFormatName: f.valueFormatName,
    filters: f.filters,
    sqlDistinctKey: f.sqlDistinctKey,
    percentile: f.percentile,
    listField: f.listField,
    precision: f.precision,
    tiers: f.tiers,
    style: f.style,
    caseWhen: f.caseWhen,
    allowedValues: f.allowedValues,
    defaultValue: f.defaultValue,
    suggestions: f.suggestions,
    drillFields: f.drillFields,
    tags: f.tags,
    orderByField: f.orderByField,
    requiredFields: f.requiredFields,
    html: f.html,
    loc: f.loc,
    params: f.params,
    paramLocs: f.paramLocs,
    group,
  };
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
  const at = lastByKey(b);
  const kind = textAt(at, 'type') ?? 'time';
  const datatype = datatypeOf(at.get('datatype'), diagnostics);
  const convertTz = yesNoText(textAt(at, 'convert_tz')) ?? true;
  const seen = new Set<string>();
  // Members differ only in name, type, sql and group info: read the block once.
  const common = baseField(view, group, 'dimension', kind, b, at, def);
  if (kind === 'duration') {
    const p = at.get('intervals');
    const intervals = p ? listItems(p.value) : DURATION_INTERVALS.map((v) => ({ value: v, loc: def.loc }));
    const sqlStart = textAt(at, 'sql_start');
    const sqlEnd = textAt(at, 'sql_end');
    for (const item of intervals) {
      const interval = item.value;
      if (!isDurationInterval(interval)) {
        diagnostics.push(
          diag('model/unknown-interval', 'error', `Unknown duration interval "${interval}" in dimension_group "${group}"; use ${DURATION_INTERVALS.join(', ')}`, item.loc),
        );
        continue;
      }
      if (seen.has(interval)) continue;
      seen.add(interval);
      const info: GroupInfo = { name: group, kind: 'duration', interval, datatype, convertTz, sqlStart, sqlEnd };
      out.push(variant(common, `${interval}s_${group}`, INTERVAL_TYPES.get(interval)!, common.sql, info));
    }
    return;
  }
  if (kind !== 'time') {
    diagnostics.push(
      diag('model/unknown-type', 'error', `Unknown dimension_group type "${kind}"; use time or duration`, at.get('type')?.value.loc ?? nameLoc(def)),
    );
    return;
  }
  const p = at.get('timeframes');
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
    if (seen.has(timeframe)) continue;
    seen.add(timeframe);
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
    const b = body(p);
    const at = lastByKey(b);
    const type = textAt(at, 'type') ?? 'string';
    const f = baseField(view, p.name, category, type, b, at, p);
    const readsColumn = category === 'dimension' && f.sql === undefined && !f.caseWhen && !NO_COLUMN_TYPES.has(type);
    fields.push(readsColumn ? variant(f, f.name, type, `\${TABLE}.${p.name}`, undefined) : f);
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
    const message = (other: Field): string =>
      `Field "${f.name}" is defined more than once in view "${view}" (also at ${describeLoc(other)}); rename or remove one definition`;
    diagnostics.push(diag('model/duplicate-field', 'error', message(f), first.loc));
    diagnostics.push(diag('model/duplicate-field', 'error', message(first), f.loc));
  }
  return unique;
}
