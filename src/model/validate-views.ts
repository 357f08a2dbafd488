/**
 * Checks that need only one view: field types, primary keys, local `${field}`
 * references, what may reference what (measures/dimensions), circular references
 * and derived-table references. Shared helpers for explore checks live here too.
 */
import type { Diagnostic, Loc } from '../lookml/ast.ts';
import type { Field, Model, Params, View } from './types.ts';
import { scanRefs, splitRef } from './refs.ts';
import { diag, offsetLoc } from './ast-util.ts';
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
): LocatedRef[] {
  const out: LocatedRef[] = [];
  for (const key of keys) {
    const text = params[key];
    if (typeof text !== 'string') continue;
    const at = locs?.[key];
    const node = at ? { kind: key.startsWith('sql') ? ('sql' as const) : ('string' as const), value: text, loc: at } : undefined;
    for (const r of scanRefs(text)) {
      const { view, field } = splitRef(r.ref);
      const loc = node ? offsetLoc(node, r.start) : fallback;
      out.push(view === undefined ? { ref: r.ref, field, loc } : { ref: r.ref, view, field, loc });
    }
  }
  return out;
}

const fieldRefCache = new WeakMap<Field, LocatedRef[]>();

/** The `${…}` references of a field's SQL parameters (computed once per field). */
export function fieldRefs(f: Field): LocatedRef[] {
  let refs = fieldRefCache.get(f);
  if (!refs) {
    refs = refsIn(f.params, f.paramLocs, FIELD_SQL_KEYS, f.loc);
    fieldRefCache.set(f, refs);
  }
  return refs;
}

export interface ViewIndex {
  readonly view: View;
  readonly byName: ReadonlyMap<string, Field>;
  /** Dimension group names → kind, to explain `${created}`-style references. */
  readonly groups: ReadonlyMap<string, 'time' | 'duration'>;
}

export function indexView(view: View): ViewIndex {
  const byName = new Map<string, Field>();
  const groups = new Map<string, 'time' | 'duration'>();
  for (const f of view.fields) {
    byName.set(f.name, f);
    if (f.group) groups.set(f.group.name, f.group.kind);
  }
  return { view, byName, groups };
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
    if (!f.group) {
      const allowed = TYPES_BY_CATEGORY[f.category];
      if (!allowed.has(f.type)) {
        out.push(
          diag('model/unknown-type', 'error', `Unknown ${f.category} type "${f.type}" for "${f.name}"`, f.paramLocs?.type ?? f.loc),
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
            f.paramLocs?.primary_key ?? f.loc,
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
          f.paramLocs?.filters ?? f.loc,
        ),
      );
    }
  }
}

/** References a field makes to its own view (`${x}` or `${own_view.x}`). */
function isLocal(r: LocatedRef, view: View): boolean {
  return r.view === undefined || r.view === view.name;
}

function checkLocalRefs(model: Model, vi: ViewIndex, out: Diagnostic[]): void {
  const view = vi.view;
  for (const f of view.fields) {
    for (const r of fieldRefs(f)) {
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
          diag('model/unknown-reference', 'error', `Filter on unknown field "${cond.field}" in measure "${f.name}"; view "${view.name}" has no field "${field}"`, cond.loc ?? f.paramLocs?.filters ?? f.loc),
        );
      }
    }
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
function checkCycles(index: ReadonlyMap<string, ViewIndex>, out: Diagnostic[]): void {
  const edges = new Map<string, { to: string; loc: Loc }[]>();
  for (const vi of index.values()) {
    for (const f of vi.view.fields) {
      const key = `${vi.view.name}.${f.name}`;
      const list: { to: string; loc: Loc }[] = [];
      for (const r of fieldRefs(f)) {
        const viewName = r.view ?? vi.view.name;
        if (index.get(viewName)?.byName.has(r.field)) list.push({ to: `${viewName}.${r.field}`, loc: r.loc });
      }
      edges.set(key, list);
    }
  }
  const state = new Map<string, 1 | 2>();
  const reported = new Set<string>();
  const stack: string[] = [];
  const visit = (key: string): void => {
    state.set(key, 1);
    stack.push(key);
    for (const e of edges.get(key) ?? []) {
      const s = state.get(e.to);
      if (s === 1) {
        const cycle = stack.slice(stack.indexOf(e.to));
        const id = [...cycle].sort().join('|');
        if (!reported.has(id)) {
          reported.add(id);
          const path = [...cycle, e.to].join(' → ');
          out.push(
            diag('model/circular-reference', 'error', `Circular reference: ${path}; a field cannot depend on itself`, e.loc),
          );
        }
      } else if (s === undefined) {
        visit(e.to);
      }
    }
    stack.pop();
    state.set(key, 2);
  };
  for (const key of edges.keys()) if (!state.has(key)) visit(key);
}

/** Every check that needs one view at a time, for the non-extension views of a model. */
export function checkViews(model: Model, index: ReadonlyMap<string, ViewIndex>, out: Diagnostic[]): void {
  for (const vi of index.values()) {
    if (vi.view.extension) continue;
    checkTypes(vi, out);
    checkLocalRefs(model, vi, out);
    checkViewSql(model, vi.view, out);
  }
  const concrete = new Map([...index].filter(([, vi]) => !vi.view.extension));
  checkCycles(concrete, out);
}
