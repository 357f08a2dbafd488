/**
 * Checks that need only one view: field types, primary keys, local `${field}`
 * references, what may reference what (measures/dimensions), circular references
 * and derived-table references. Shared helpers for explore checks live here too.
 */
import type { Diagnostic, Loc } from '../lookml/ast.ts';
import type { Field, FilterCondition, Model, Params, Plain, View } from './types.ts';
import { scanRefs, splitRef } from './refs.ts';
import { EMPTY, diag, inContext, offsetLoc, paramLoc, withContext } from './ast-util.ts';
import { ALL_TIMEFRAMES, DURATION_INTERVALS } from './timeframes.ts';

export const AGGREGATE_MEASURES: ReadonlySet<string> = new Set([
  'average', 'average_distinct', 'count', 'count_distinct', 'list', 'max', 'median', 'median_distinct',
  'min', 'percentile', 'percentile_distinct', 'sum', 'sum_distinct',
]);

const MEASURE_TYPES: ReadonlySet<string> = new Set([
  ...AGGREGATE_MEASURES,
  'number', 'string', 'date', 'yesno', 'int', 'date_time', 'time',
  'percent_of_total', 'percent_of_previous', 'running_total', 'period_over_period',
]);

const DIMENSION_TYPES: ReadonlySet<string> = new Set([
  'bin', 'date', 'date_time', 'distance', 'duration', 'location', 'number', 'string', 'tier', 'time',
  'unquoted', 'yesno', 'zipcode', 'int',
  ...ALL_TIMEFRAMES.map((t) => `date_${t}`),
  ...DURATION_INTERVALS.map((i) => `duration_${i}`),
]);

const PARAMETER_TYPES: ReadonlySet<string> = new Set(['string', 'number', 'unquoted', 'yesno', 'date', 'date_time']);

const TYPES_BY_CATEGORY: Readonly<Record<Field['category'], ReadonlySet<string>>> = {
  dimension: DIMENSION_TYPES,
  measure: MEASURE_TYPES,
  filter: DIMENSION_TYPES,
  parameter: PARAMETER_TYPES,
};

/** Field parameters whose `${…}` references Looker resolves. */
export const FIELD_SQL_KEYS = ['sql', 'sql_start', 'sql_end', 'sql_distinct_key', 'sql_latitude', 'sql_longitude'] as const;

export interface LocatedRef {
  /** As written inside `${…}`. */
  readonly ref: string;
  readonly view?: string;
  readonly field: string;
  readonly loc: Loc;
}

/** Every `${…}` in `params[key]` for `keys`, each located in the source. */
export function refsIn(
  params: Params,
  locs: Readonly<Record<string, Loc>> | undefined,
  keys: readonly string[],
  fallback: Loc,
): readonly LocatedRef[] {
  return refsOf((key) => params[key], (key) => locs?.[key], keys, fallback);
}

/**
 * `refsIn` of a field's SQL parameters as written: `sql` and `sql_distinct_key` are members of
 * their own (a dimension without `sql` reads its column, which was not written), the rest are in
 * `params`.
 */
function fieldRefs(f: Field): readonly LocatedRef[] {
  return refsOf(
    (key) => (key === 'sql' ? (f.paramLocs?.sql === undefined ? undefined : f.sql) : key === 'sql_distinct_key' ? f.sqlDistinctKey : f.params[key]),
    (key) => paramLoc(f, key),
    FIELD_SQL_KEYS,
    f.loc,
  );
}

function refsOf(
  textOf: (key: string) => Plain | undefined,
  locOf: (key: string) => Loc | undefined,
  keys: readonly string[],
  fallback: Loc,
): readonly LocatedRef[] {
  let out: LocatedRef[] | undefined;
  for (const key of keys) {
    const text = textOf(key);
    // Most SQL has no `${`: skip the scan and the allocations.
    if (typeof text !== 'string' || !text.includes('${')) continue;
    const at = locOf(key);
    const node = at ? { kind: key.startsWith('sql') ? ('sql' as const) : ('string' as const), value: text, loc: at } : undefined;
    for (const r of scanRefs(text)) {
      const { view, field } = splitRef(r.ref);
      const loc = node ? offsetLoc(node, r.start) : fallback;
      (out ??= []).push(view === undefined ? { ref: r.ref, field, loc } : { ref: r.ref, view, field, loc });
    }
  }
  return out ?? EMPTY;
}

/** A field's reference or filter that names another view, checked in each explore that joins the view. */
export interface CrossViewItem {
  readonly field: Field;
  readonly ref?: LocatedRef;
  readonly filter?: FilterCondition;
}

export interface ViewIndex {
  readonly view: View;
  readonly byName: ReadonlyMap<string, Field>;
  /** Dimension group names → kind, to explain `${created}`-style references. */
  readonly groups: ReadonlyMap<string, 'time' | 'duration'>;
  /** The `${…}` references of each field's SQL parameters, by position in `view.fields`. */
  readonly refs: readonly (readonly LocatedRef[])[];
  /**
   * References and measure filters naming another view, in field order: the only parts of
   * a view that explores must check, so each explore skips the view's other fields.
   */
  readonly crossView: readonly CrossViewItem[];
}

/** Index a view once per validation: every check below reads fields through it. */
export function indexView(view: View): ViewIndex {
  const byName = new Map<string, Field>();
  const groups = new Map<string, 'time' | 'duration'>();
  const refs: (readonly LocatedRef[])[] = [];
  const crossView: CrossViewItem[] = [];
  let prev: Field | undefined;
  let prevRefs: readonly LocatedRef[] = EMPTY;
  for (const f of view.fields) {
    byName.set(f.name, f);
    if (f.group) groups.set(f.group.name, f.group.kind);
    // Members of a dimension group share their group's parameters: scan them once.
    const same = prev !== undefined && f.params === prev.params && f.paramLocs === prev.paramLocs && f.loc === prev.loc;
    const own = same ? prevRefs : fieldRefs(f);
    refs.push(own);
    prev = f;
    prevRefs = own;
    for (const r of own) if (r.view !== undefined && r.view !== view.name) crossView.push({ field: f, ref: r });
    for (const cond of f.filters) {
      const dot = cond.field.indexOf('.');
      if (dot !== -1 && cond.field.slice(0, dot) !== view.name) crossView.push({ field: f, filter: cond });
    }
  }
  return { view, byName, groups, refs, crossView };
}

export function unknownFieldMessage(ref: string, field: string, vi: ViewIndex, via?: string): string {
  const group = vi.groups.get(field);
  const where = via !== undefined && via !== vi.view.name ? `view "${vi.view.name}" (joined as "${via}")` : `view "${vi.view.name}"`;
  if (group === 'time') {
    return `\${${ref}} refers to dimension_group "${field}", which is not a field itself; reference one of its timeframes, like \${${ref}_date}`;
  }
  if (group === 'duration') {
    return `\${${ref}} refers to dimension_group "${field}", which is not a field itself; reference one of its intervals, like \${days_${field}}`;
  }
  return `Unknown field \${${ref}}: ${where} has no field "${field}"; check the spelling or define the field`;
}

/** What a field may reference: aggregate measures only dimensions, dimensions no measures. */
export function checkTarget(source: Field, target: Field, r: LocatedRef, out: Diagnostic[]): void {
  if (target.category !== 'measure') return;
  if (source.category === 'measure' && AGGREGATE_MEASURES.has(source.type)) {
    out.push(
      diag(
        'model/aggregate-references-measure',
        'error',
        `Measure "${source.name}" of type ${source.type} references measure \${${r.ref}}; aggregate measures can reference only dimensions — use type: number to combine measures`,
        r.loc,
      ),
    );
  } else if (source.category === 'dimension') {
    out.push(
      diag(
        'model/dimension-references-measure',
        'error',
        `Dimension "${source.name}" references measure \${${r.ref}}; dimensions cannot reference measures — make "${source.name}" a measure or reference a dimension`,
        r.loc,
      ),
    );
  }
}

function checkTypes(vi: ViewIndex, out: Diagnostic[]): void {
  let pk: Field | undefined;
  for (const f of vi.view.fields) {
    const at = out.length;
    if (!f.group) {
      const allowed = TYPES_BY_CATEGORY[f.category];
      if (!allowed.has(f.type)) {
        out.push(
          diag('model/unknown-type', 'error', `Unknown ${f.category} type "${f.type}" for "${f.name}"`, paramLoc(f, 'type') ?? f.loc),
        );
      }
    }
    if (f.primaryKey) {
      if (pk && pk.loc !== f.loc) {
        out.push(
          diag(
            'model/multiple-primary-keys',
            'error',
            `View "${vi.view.name}" has more than one primary key ("${pk.name}" and "${f.name}"); keep primary_key: yes on one field`,
            paramLoc(f, 'primary_key') ?? f.loc,
          ),
        );
      }
      pk ??= f;
    }
    if (f.filters.length > 0 && f.category === 'measure' && !AGGREGATE_MEASURES.has(f.type)) {
      out.push(
        diag(
          'model/filters-on-non-aggregate',
          'warning',
          `Measure "${f.name}" of type ${f.type} has filters, which only aggregate measures apply; move the filters to the measures it references`,
          paramLoc(f, 'filters') ?? f.loc,
        ),
      );
    }
    if (out.length !== at) withContext(out, at, { field: `${vi.view.name}.${f.name}` });
  }
}

/** References a field makes to its own view (`${x}` or `${own_view.x}`). */
function isLocal(r: LocatedRef, view: View): boolean {
  return r.view === undefined || r.view === view.name;
}

function checkLocalRefs(model: Model, vi: ViewIndex, out: Diagnostic[]): void {
  const view = vi.view;
  const fields = view.fields;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const at = out.length;
    for (const r of vi.refs[i]!) {
      if (r.ref === 'TABLE') continue;
      if (r.ref === 'EXTENDED') {
        out.push(
          diag('model/unknown-reference', 'error', `\${EXTENDED} in "${f.name}" has nothing to extend: the view it extends has no value for this parameter`, r.loc),
        );
        continue;
      }
      if (r.field === 'SQL_TABLE_NAME') {
        if (r.view !== undefined && !model.views[r.view]) {
          out.push(diag('model/unknown-view', 'error', `\${${r.ref}}: no view named "${r.view}" is included in model "${model.name}"`, r.loc));
        }
        continue;
      }
      if (!isLocal(r, view)) continue;
      const target = vi.byName.get(r.field);
      if (!target) {
        out.push(diag('model/unknown-reference', 'error', unknownFieldMessage(r.ref, r.field, vi), r.loc));
        continue;
      }
      checkTarget(f, target, r, out);
    }
    for (const cond of f.filters) {
      const { view: v, field } = splitRef(cond.field);
      if ((v === undefined || v === view.name) && !vi.byName.has(field)) {
        out.push(
          diag('model/unknown-reference', 'error', `Filter on unknown field "${cond.field}" in measure "${f.name}"; view "${view.name}" has no field "${field}"`, cond.loc ?? paramLoc(f, 'filters') ?? f.loc),
        );
      }
    }
    if (out.length !== at) withContext(out, at, { field: `${view.name}.${f.name}` });
  }
}

function checkViewSql(model: Model, view: View, out: Diagnostic[]): void {
  const checks: { text: string | undefined; loc: Loc | undefined }[] = [
    { text: view.sqlTableName, loc: view.paramLocs?.sql_table_name },
    { text: view.derivedTable?.sql, loc: view.derivedTable?.paramLocs?.sql },
  ];
  for (const { text, loc } of checks) {
    if (text === undefined) continue;
    const params: Params = { sql: text };
    for (const r of refsIn(params, loc ? { sql: loc } : undefined, ['sql'], view.loc)) {
      if (r.field === 'SQL_TABLE_NAME' && r.view !== undefined && !model.views[r.view]) {
        out.push(diag('model/unknown-view', 'error', `\${${r.ref}}: no view named "${r.view}" is included in model "${model.name}"`, r.loc));
      } else if (r.ref === 'EXTENDED') {
        out.push(diag('model/unknown-reference', 'error', `\${EXTENDED} in view "${view.name}" has nothing to extend`, r.loc));
      }
    }
  }
  const es = view.derivedTable?.exploreSource;
  if (es && !model.explores[es.explore]) {
    out.push(
      diag('model/unknown-explore', 'error', `explore_source "${es.explore}" is not an explore of model "${model.name}"`, es.loc ?? view.loc),
    );
  }
}

/**
 * Circular `${}` references, following local references and `${view.field}` by view
 * name. Each cycle is reported once, at the first of its fields in definition order.
 */
function checkCycles(index: ReadonlyMap<string, ViewIndex>, out: Diagnostic[], exploreOf: ExploreOf): void {
  // Fields themselves are the graph's nodes (not `view.field` strings: there are tens of
  // thousands of fields and few references between them); names are made only for messages.
  const edges = new Map<Field, { to: Field; loc: Loc }[]>();
  for (const vi of index.values()) {
    const fields = vi.view.fields;
    for (let i = 0; i < fields.length; i++) {
      let list: { to: Field; loc: Loc }[] | undefined;
      for (const r of vi.refs[i]!) {
        const to = (r.view === undefined ? vi : index.get(r.view))?.byName.get(r.field);
        if (to) (list ??= []).push({ to, loc: r.loc });
      }
      if (list) edges.set(fields[i]!, list);
    }
  }
  const state = new Map<Field, 1 | 2>();
  const reported = new Set<string>();
  const stack: Field[] = [];
  const visit = (node: Field): void => {
    state.set(node, 1);
    stack.push(node);
    for (const e of edges.get(node) ?? []) {
      const s = state.get(e.to);
      if (s === 1) {
        const cycle = stack.slice(stack.indexOf(e.to)).map(fieldKey);
        const id = [...cycle].sort().join('|');
        if (!reported.has(id)) {
          reported.add(id);
          const path = [...cycle, fieldKey(e.to)].join(' → ');
          // Reported at `node`'s reference that closes the cycle: `node` is the field being validated.
          const ctx = { explore: exploreOf(node.view), field: fieldKey(node) };
          out.push(
            inContext(diag('model/circular-reference', 'error', `Circular reference: ${path}; a field cannot depend on itself`, e.loc), ctx),
          );
        }
      } else if (s === undefined) {
        visit(e.to);
      }
    }
    stack.pop();
    state.set(node, 2);
  };
  // Fields without references cannot be on a cycle: start from the others, in definition order.
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
}

function fieldKey(f: Field): string {
  return `${f.view}.${f.name}`;
}

/** The explore a view's own problems are reported under (see `checkViews`). */
export type ExploreOf = (view: string) => string | undefined;

/**
 * Every check that needs one view at a time, for the non-extension views of a model. Looker
 * validates views through the explores that use them, so a view's problems name the model's
 * first explore using the view (none when no explore does).
 */
export function checkViews(model: Model, index: ReadonlyMap<string, ViewIndex>, out: Diagnostic[], exploreOf: ExploreOf): void {
  for (const vi of index.values()) {
    if (vi.view.extension) continue;
    const at = out.length;
    checkTypes(vi, out);
    checkLocalRefs(model, vi, out);
    checkViewSql(model, vi.view, out);
    if (out.length !== at) withContext(out, at, { explore: exploreOf(vi.view.name) });
  }
  const concrete = new Map([...index].filter(([, vi]) => !vi.view.extension));
  checkCycles(concrete, out, exploreOf);
}
