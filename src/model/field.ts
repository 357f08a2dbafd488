/**
 * One `Field` from its block: the parameters that become typed members, read in one pass.
 *
 * Large projects have tens of thousands of fields, each reading some thirty parameters,
 * so this is the model stage's hottest path. The block is read from the parser's tape
 * (tape-read.ts) and walked once with a switch over the known keys (the last occurrence of
 * a key wins, as with every one-value reader in ast-util), rather than searched once per
 * parameter or indexed into a Map per field.
 * Every `Field` is one object literal of the same shape (members that do not apply are
 * `undefined`, which JSON drops): far cheaper to build and copy than objects grown key by
 * key, and property reads stay monomorphic for the validator and the SQL compiler.
 */
import type { PairNode } from '../lookml/ast.ts';
import { tapeParams } from '../lookml/plain.ts';
import { KeyCodes, PAIR_SIZE, keyAt, nextRecord, sourcePair } from '../lookml/tape.ts';
import type { Field, FieldCategory, FilterCondition, GroupInfo, Params } from './types.ts';
import { EMPTY, allPairs, body, isScalar, lastPair, nameLoc, numText, scalarText, str, yesNoText } from './ast-util.ts';
import { blockFilters, fieldLocs, findValue, innerBlock, listAt, scalarAt, type TapeBlock } from './tape-read.ts';

/** The parameters `readField` reads, as codes for its `switch` (see `KeyCodes`). */
const K = {
  type: 0,
  sql: 1,
  primary_key: 2,
  hidden: 3,
  label: 4,
  view_label: 5,
  group_label: 6,
  group_item_label: 7,
  description: 8,
  value_format: 9,
  value_format_name: 10,
  filters: 11,
  sql_distinct_key: 12,
  percentile: 13,
  list_field: 14,
  precision: 15,
  tiers: 16,
  style: 17,
  case: 18,
  allowed_value: 19,
  default_value: 20,
  suggestions: 21,
  drill_fields: 22,
  tags: 23,
  order_by_field: 24,
  required_fields: 25,
  html: 26,
} as const;
const FIELD_KEYS = new KeyCodes(Object.keys(K));

/** `params` of the many fields whose every parameter has a member of its own. */
const NO_PARAMS: Params = Object.freeze(Object.setPrototypeOf({}, null) as Params);

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

function numbers(texts: readonly string[] | undefined): number[] | undefined {
  if (texts === undefined) return undefined;
  const out: number[] = [];
  for (let i = 0; i < texts.length; i++) {
    const n = Number(texts[i]);
    if (Number.isFinite(n)) out.push(n);
  }
  return out;
}

function caseWhen(c: PairNode | undefined): Field['caseWhen'] {
  if (!c) return undefined;
  const b = body(c);
  const when = allPairs(b, 'when').map((w) => ({ sql: str(body(w), 'sql') ?? '', label: str(body(w), 'label') ?? '' }));
  const otherwise = str(b, 'else');
  return otherwise === undefined ? { when } : { when, else: otherwise };
}

function allowedValues(b: TapeBlock): Field['allowedValues'] {
  const { src, start, end } = b;
  const t = src.tape.t;
  let out: { label: string; value: string }[] | undefined;
  for (let j = start; j < end; j = nextRecord(t, j)) {
    if (keyAt(src.tape, j) !== 'allowed_value') continue;
    const inner = innerBlock(src, j + PAIR_SIZE);
    const value = scalarAt(src, findValue(inner, 'value')) ?? '';
    (out ??= []).push({ label: scalarAt(src, findValue(inner, 'label')) ?? value, value });
  }
  return out ?? EMPTY;
}

/**
 * The field `name` defined by `def`, whose body is `b`; `type` applies when the block sets none.
 * Each parameter is remembered by the tape record of its value (-1: not set).
 */
export function readField(
  view: string,
  name: string,
  category: FieldCategory,
  defaultType: string,
  b: TapeBlock,
  def: PairNode,
): Field {
  const { src, start, end } = b;
  const t = src.tape.t;
  let type = -1, sql = -1, primaryKey = -1, hidden = -1, label = -1, viewLabel = -1, groupLabel = -1, groupItemLabel = -1;
  let description = -1, valueFormat = -1, valueFormatName = -1, sqlDistinctKey = -1, percentile = -1, listField = -1;
  let precision = -1, tiers = -1, style = -1, defaultValue = -1, suggestions = -1, drillFields = -1, tags = -1;
  let orderByField = -1, requiredFields = -1, html = -1;
  let filters = false, allowedValue = false, other = false;
  let caseBlock = -1;
  for (let j = start; j < end; j = nextRecord(t, j)) {
    const v = j + PAIR_SIZE;
    switch (FIELD_KEYS.at(src.tape, j)) {
      case K.type: type = v; break;
      case K.sql: sql = v; break;
      case K.primary_key: primaryKey = v; break;
      case K.hidden: hidden = v; break;
      case K.label: label = v; break;
      case K.view_label: viewLabel = v; break;
      case K.group_label: groupLabel = v; break;
      case K.group_item_label: groupItemLabel = v; break;
      case K.description: description = v; break;
      case K.value_format: valueFormat = v; break;
      case K.value_format_name: valueFormatName = v; break;
      case K.filters: filters = true; break;
      case K.sql_distinct_key: sqlDistinctKey = v; break;
      case K.percentile: percentile = v; break;
      case K.list_field: listField = v; break;
      case K.precision: precision = v; break;
      case K.tiers: tiers = v; break;
      case K.style: style = v; break;
      case K.case: caseBlock = j; break;
      case K.allowed_value: allowedValue = true; break;
      case K.default_value: defaultValue = v; break;
      case K.suggestions: suggestions = v; break;
      case K.drill_fields: drillFields = v; break;
      case K.tags: tags = v; break;
      case K.order_by_field: orderByField = v; break;
      case K.required_fields: requiredFields = v; break;
      case K.html: html = v; break;
      default: other = true; break;
    }
  }
  const defLoc = nameLoc(def);
  // Key order is the order the IR has always had (JSON output), `group` last.
  return {
    view,
    name,
    category,
    type: scalarAt(src, type) ?? defaultType,
    sql: scalarAt(src, sql),
    primaryKey: yesNoText(scalarAt(src, primaryKey)) ?? false,
    hidden: yesNoText(scalarAt(src, hidden)) ?? false,
    label: scalarAt(src, label),
    viewLabel: scalarAt(src, viewLabel),
    groupLabel: scalarAt(src, groupLabel),
    groupItemLabel: scalarAt(src, groupItemLabel),
    description: scalarAt(src, description),
    valueFormat: scalarAt(src, valueFormat),
    valueFormatName: scalarAt(src, valueFormatName),
    filters: filters ? blockFilters(b) : EMPTY,
    sqlDistinctKey: scalarAt(src, sqlDistinctKey),
    percentile: numText(scalarAt(src, percentile)),
    listField: scalarAt(src, listField),
    precision: numText(scalarAt(src, precision)),
    tiers: numbers(listAt(src, tiers)),
    style: scalarAt(src, style),
    caseWhen: caseBlock < 0 ? undefined : caseWhen(sourcePair(src, caseBlock)),
    allowedValues: allowedValue ? allowedValues(b) : EMPTY,
    defaultValue: scalarAt(src, defaultValue),
    suggestions: listAt(src, suggestions) ?? EMPTY,
    drillFields: listAt(src, drillFields) ?? EMPTY,
    tags: listAt(src, tags) ?? EMPTY,
    orderByField: scalarAt(src, orderByField),
    requiredFields: listAt(src, requiredFields) ?? EMPTY,
    html: scalarAt(src, html),
    loc: defLoc,
    params: other ? tapeParams(src, start, end, FIELD_KEYS) : NO_PARAMS,
    paramLocs: fieldLocs(b, defLoc.file),
    group: undefined,
  };
}

/**
 * `f` with another name, type, SQL and group: dimension group members, and dimensions that
 * read their own column. A literal rather than a spread, which V8 copies far more slowly.
 */
export function variant(f: Field, name: string, type: string, sql: string | undefined, group: GroupInfo | undefined): Field {
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
