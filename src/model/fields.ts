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
import type { Diagnostic, Loc, PairNode } from '../lookml/ast.ts';
import { locAt, type TapeSource } from '../lookml/tape.ts';
import type { TimeDatatype } from '../sql/dialects/dialect.ts';
import type { Field, FieldCategory, GroupInfo } from './types.ts';
import { diag, inContext, nameLoc, yesNoText } from './ast-util.ts';
import { readField, variant } from './field.ts';
import { blockOf, findValue, listAt, scalarAt, scalarItemsAt } from './tape-read.ts';
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

/**
 * Names made of two parts (`created_date`, `days_processing`, `${TABLE}.status`), made once
 * per pair of parts: views repeat the same group and column names, and one shared string
 * is cheaper to keep and to hash than one per field. Bounded.
 */
class JoinedNames {
  private readonly byFirst = new Map<string, Map<string, string>>();
  private size = 0;

  constructor(private readonly join: (a: string, b: string) => string) {}

  get(a: string, b: string): string {
    let bySecond = this.byFirst.get(a);
    const hit = bySecond?.get(b);
    if (hit !== undefined) return hit;
    const name = this.join(a, b);
    if (this.size >= MAX_JOINED_NAMES) return name;
    if (!bySecond) this.byFirst.set(a, (bySecond = new Map<string, string>()));
    bySecond.set(b, name);
    this.size++;
    return name;
  }
}

const MAX_JOINED_NAMES = 50_000;
const timeMemberNames = new JoinedNames((group, timeframe) => `${group}_${timeframe}`);
const durationMemberNames = new JoinedNames((group, interval) => `${interval}s_${group}`);
const columnSql = new JoinedNames((_, column) => `\${TABLE}.${column}`);

/** A problem of field `view.name` (for a dimension group, the group's name: its members are made from it). */
function fieldProblem(d: Diagnostic, view: string, name: string): Diagnostic {
  return inContext(d, { field: `${view}.${name}` });
}

function datatypeOf(src: TapeSource, v: number, view: string, group: string, diagnostics: Diagnostic[]): TimeDatatype {
  const text = scalarAt(src, v);
  if (text === undefined) return 'timestamp';
  if (isDatatype(text)) return text;
  diagnostics.push(
    fieldProblem(diag('model/unknown-datatype', 'error', `Unknown datatype "${text}"; use one of timestamp, datetime, date, epoch, yyyymmdd`, locAt(src.tape, v)), view, group),
  );
  return 'timestamp';
}

/** The texts of the list (or lone scalar) value record `v`; `fallback` stands in for a missing value (-1). */
function itemTexts(src: TapeSource, v: number, fallback: readonly string[]): readonly string[] {
  return v < 0 ? fallback : (listAt(src, v) ?? fallback);
}

/** Where item `i` of the value record `v` is (the group itself for `fallback` items). */
function itemLoc(src: TapeSource, v: number, i: number, def: PairNode): Loc {
  return v < 0 ? def.loc : locAt(src.tape, scalarItemsAt(src, v)[i]!);
}

function expandGroup(view: string, def: PairNode, fiscalMonthOffset: number, diagnostics: Diagnostic[], out: Field[]): void {
  const group = def.name!;
  const b = blockOf(def);
  const src = b.src;
  const datatype = datatypeOf(src, findValue(b, 'datatype'), view, group, diagnostics);
  const convertTz = yesNoText(scalarAt(src, findValue(b, 'convert_tz'))) ?? true;
  // A handful of members: a small list is cheaper than a Set per group.
  const seen: string[] = [];
  // Members differ only in name, type, sql and group info: read the block once.
  const common = readField(view, group, 'dimension', 'time', b, def);
  const kind = common.type;
  if (kind === 'duration') {
    const v = findValue(b, 'intervals');
    const intervals = itemTexts(src, v, DURATION_INTERVALS);
    const sqlStart = scalarAt(src, findValue(b, 'sql_start'));
    const sqlEnd = scalarAt(src, findValue(b, 'sql_end'));
    for (let i = 0; i < intervals.length; i++) {
      const interval = intervals[i]!;
      if (!isDurationInterval(interval)) {
        diagnostics.push(
          fieldProblem(
            diag('model/unknown-interval', 'error', `Unknown duration interval "${interval}" in dimension_group "${group}"; use ${DURATION_INTERVALS.join(', ')}`, itemLoc(src, v, i, def)),
            view,
            group,
          ),
        );
        continue;
      }
      if (seen.includes(interval)) continue;
      seen.push(interval);
      const info: GroupInfo = { name: group, kind: 'duration', interval, datatype, convertTz, sqlStart, sqlEnd };
      out.push(variant(common, durationMemberNames.get(group, interval), INTERVAL_TYPES.get(interval)!, common.sql, info));
    }
    return;
  }
  if (kind !== 'time') {
    const typeValue = findValue(b, 'type');
    diagnostics.push(
      fieldProblem(
        diag('model/unknown-type', 'error', `Unknown dimension_group type "${kind}"; use time or duration`, typeValue < 0 ? nameLoc(def) : locAt(src.tape, typeValue)),
        view,
        group,
      ),
    );
    return;
  }
  const v = findValue(b, 'timeframes');
  const timeframes = itemTexts(src, v, v < 0 ? defaultTimeframes(datatype, fiscalMonthOffset) : []);
  const sql = common.sql ?? columnSql.get('', group);
  for (let i = 0; i < timeframes.length; i++) {
    const timeframe = timeframes[i]!;
    if (!isTimeframe(timeframe)) {
      diagnostics.push(
        fieldProblem(diag('model/unknown-timeframe', 'error', `Unknown timeframe "${timeframe}" in dimension_group "${group}"`, itemLoc(src, v, i, def)), view, group),
      );
      continue;
    }
    if (seen.includes(timeframe)) continue;
    seen.push(timeframe);
    const info: GroupInfo = { name: group, kind: 'time', timeframe, datatype, convertTz };
    out.push(variant(common, timeMemberNames.get(group, timeframe), TIMEFRAME_TYPES.get(timeframe)!, sql, info));
  }
}

/**
 * Field names seen in the view being built, as name → stamp of that view: one table for all
 * views (they share most names), so no set is grown and dropped per view. Bounded.
 */
const seenNames = new Map<string, number>();
let stampCounter = 0;

function nextStamp(): number {
  if (seenNames.size > 100_000 || stampCounter >= 0x3fffffff) {
    seenNames.clear();
    stampCounter = 0;
  }
  return ++stampCounter;
}

function fieldCategory(key: string): FieldCategory | undefined {
  switch (key) {
    case 'dimension':
    case 'dimension_group':
      return 'dimension';
    case 'measure':
      return 'measure';
    case 'filter':
      return 'filter';
    case 'parameter':
      return 'parameter';
    default:
      return undefined;
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
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i]!;
    const category = fieldCategory(p.key);
    if (category === undefined || p.name === undefined) continue;
    if (p.key === 'dimension_group') {
      expandGroup(view, p, fiscalMonthOffset, diagnostics, fields);
      continue;
    }
    const f = readField(view, p.name, category, 'string', blockOf(p), p);
    const readsColumn = category === 'dimension' && f.sql === undefined && !f.caseWhen && !NO_COLUMN_TYPES.has(f.type);
    fields.push(readsColumn ? variant(f, f.name, f.type, columnSql.get('', p.name), undefined) : f);
  }
  // Names are almost always unique: a table of names finds the rare clash, and only then is
  // the first definition looked up and a list without the later definitions made.
  const stamp = nextStamp();
  let unique: Field[] | undefined;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (seenNames.get(f.name) !== stamp) {
      seenNames.set(f.name, stamp);
      unique?.push(f);
      continue;
    }
    unique ??= fields.slice(0, i);
    const first = unique.find((u) => u.name === f.name)!;
    if (first.group && f.group && first.group.name === f.group.name) continue;
    const message = (other: Field): string =>
      `Field "${f.name}" is defined more than once in view "${view}" (also at ${describeLoc(other)}); rename or remove one definition`;
    diagnostics.push(fieldProblem(diag('model/duplicate-field', 'error', message(f), first.loc), view, f.name));
    diagnostics.push(fieldProblem(diag('model/duplicate-field', 'error', message(first), f.loc), view, f.name));
  }
  return unique ?? fields;
}
