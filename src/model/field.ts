/**
 * One `Field` from its block: the parameters that become typed members, read in one pass.
 *
 * Large projects have tens of thousands of fields, each reading some thirty parameters,
 * so this is the model stage's hottest path. The block is walked once with a switch over
 * the known keys (the last occurrence of a key wins, as with every one-value reader in
 * ast-util), rather than searched once per parameter or indexed into a Map per field.
 * Every `Field` is one object literal of the same shape (members that do not apply are
 * `undefined`, which JSON drops): far cheaper to build and copy than objects grown key by
 * key, and property reads stay monomorphic for the validator and the SQL compiler.
 */
import type { PairNode } from '../lookml/ast.ts';
import { pairsToParams } from '../lookml/plain.ts';
import type { Field, FieldCategory, FilterCondition, GroupInfo } from './types.ts';
import {
  EMPTY, allPairs, body, isScalar, lastPair, listText, locsOf, nameLoc, numText, scalarText, str, yesNoText,
} from './ast-util.ts';

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

/** The field `name` defined by `def` (whose body is `b`); `type` applies when the block sets none. */
export function readField(
  view: string,
  name: string,
  category: FieldCategory,
  defaultType: string,
  b: readonly PairNode[],
  def: PairNode,
): Field {
  let type, sql, primaryKey, hidden, label, viewLabel, groupLabel, groupItemLabel, description: PairNode | undefined;
  let valueFormat, valueFormatName, filters, sqlDistinctKey, percentile, listField, precision, tiers: PairNode | undefined;
  let style, caseBlock, allowedValue, defaultValue, suggestions, drillFields, tags, orderByField: PairNode | undefined;
  let requiredFields, html: PairNode | undefined;
  for (const p of b) {
    switch (p.key) {
      case 'type': type = p; break;
      case 'sql': sql = p; break;
      case 'primary_key': primaryKey = p; break;
      case 'hidden': hidden = p; break;
      case 'label': label = p; break;
      case 'view_label': viewLabel = p; break;
      case 'group_label': groupLabel = p; break;
      case 'group_item_label': groupItemLabel = p; break;
      case 'description': description = p; break;
      case 'value_format': valueFormat = p; break;
      case 'value_format_name': valueFormatName = p; break;
      case 'filters': filters = p; break;
      case 'sql_distinct_key': sqlDistinctKey = p; break;
      case 'percentile': percentile = p; break;
      case 'list_field': listField = p; break;
      case 'precision': precision = p; break;
      case 'tiers': tiers = p; break;
      case 'style': style = p; break;
      case 'case': caseBlock = p; break;
      case 'allowed_value': allowedValue = p; break;
      case 'default_value': defaultValue = p; break;
      case 'suggestions': suggestions = p; break;
      case 'drill_fields': drillFields = p; break;
      case 'tags': tags = p; break;
      case 'order_by_field': orderByField = p; break;
      case 'required_fields': requiredFields = p; break;
      case 'html': html = p; break;
      default: break;
    }
  }
  // Key order is the order the IR has always had (JSON output), `group` last.
  return {
    view,
    name,
    category,
    type: scalarText(type) ?? defaultType,
    sql: scalarText(sql),
    primaryKey: yesNoText(scalarText(primaryKey)) ?? false,
    hidden: yesNoText(scalarText(hidden)) ?? false,
    label: scalarText(label),
    viewLabel: scalarText(viewLabel),
    groupLabel: scalarText(groupLabel),
    groupItemLabel: scalarText(groupItemLabel),
    description: scalarText(description),
    valueFormat: scalarText(valueFormat),
    valueFormatName: scalarText(valueFormatName),
    filters: filters !== undefined ? readFilters(b) : EMPTY,
    sqlDistinctKey: scalarText(sqlDistinctKey),
    percentile: numText(scalarText(percentile)),
    listField: scalarText(listField),
    precision: numText(scalarText(precision)),
    tiers: numbers(tiers),
    style: scalarText(style),
    caseWhen: caseWhen(caseBlock),
    allowedValues: allowedValue !== undefined ? allowedValues(b) : EMPTY,
    defaultValue: scalarText(defaultValue),
    suggestions: listText(suggestions) ?? EMPTY,
    drillFields: listText(drillFields) ?? EMPTY,
    tags: listText(tags) ?? EMPTY,
    orderByField: scalarText(orderByField),
    requiredFields: listText(requiredFields) ?? EMPTY,
    html: scalarText(html),
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
