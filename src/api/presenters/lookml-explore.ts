/**
 * An explore of the resolved model → Looker API 4.0 `LookmlModelExplore`
 * (`GET /lookml_models/{model}/explores/{explore}`).
 *
 * Every key of the schema is present, null where Overlook has no value. Fields are the
 * ones the explore exposes through its joins after `fields:` lists (explore and joins),
 * hidden ones included with `hidden: true` as Looker returns them to API users; each
 * category is sorted by name, as Looker lists them.
 */
import type { Diagnostic } from '../../lookml/ast.ts';
import { aliasViews, baseAlias, exploreFields, type ExploreField } from '../../model/explore-fields.ts';
import type { Explore, FilterCondition, Model, Project } from '../../model/types.ts';
import { lookmlFieldJson, qualify, type FieldContext, type Json } from './lookml-field.ts';
import { aliasViewLabel, exploreLabel, lookmlLink, modelLabel, projectFilePath } from './lookml-labels.ts';

export interface ExploreJsonOptions {
  readonly projectName: string;
  /** Prefix for `lookml_link` (e.g. the server's base URL); default '' (host-relative, as Looker). */
  readonly linkBase?: string;
  /** The connection's dialect (`postgres`, `duckdb`, …), when the caller knows it. */
  readonly dialectName?: string | null;
}

const NUMERIC = ['count_distinct', 'sum', 'average', 'min', 'max', 'median'];
const LISTABLE = ['count_distinct', 'list'];
const DISTINCT = ['count_distinct'];

/**
 * Which custom measures the Explore UI offers per dimension type. Fixed in Looker (the
 * same for every explore), so it is data here, in the order Looker lists it.
 */
const SUPPORTED_MEASURE_TYPES: readonly (readonly [string, readonly string[]])[] = [
  ['number', NUMERIC], ['distance', NUMERIC], ['string', LISTABLE], ['unquoted', LISTABLE], ['yesno', LISTABLE],
  ['location', LISTABLE], ['location_bin_level', LISTABLE], ['zipcode', LISTABLE], ['time', DISTINCT],
  ['date', DISTINCT], ['date_date', DISTINCT], ['date_day_of_year', NUMERIC], ['date_day_of_month', NUMERIC],
  ['date_day_of_week', LISTABLE], ['date_day_of_week_index', NUMERIC], ['date_hour', DISTINCT],
  ['date_hour_of_day', NUMERIC], ['date_minute', DISTINCT], ['date_month', DISTINCT], ['date_month_num', NUMERIC],
  ['date_month_number', NUMERIC], ['date_fiscal_month_num', NUMERIC], ['date_fiscal_month_number', NUMERIC],
  ['date_month_name', LISTABLE], ['date_mweek', DISTINCT], ['date_quarter', DISTINCT], ['date_fiscal_quarter', DISTINCT],
  ['date_quarter_of_year', LISTABLE], ['date_fiscal_quarter_of_year', LISTABLE], ['date_raw', DISTINCT],
  ['datetime', DISTINCT], ['date_time', DISTINCT], ['date_second', DISTINCT], ['date_millisecond', DISTINCT],
  ['date_microsecond', DISTINCT], ['date_time_of_day', LISTABLE], ['date_week', DISTINCT], ['date_week_of_year', NUMERIC],
  ...[2, 3, 4, 6, 8, 12].map((n) => [`date_hour${n}`, DISTINCT] as const),
  ...[2, 3, 4, 5, 6, 10, 12, 15, 20, 30].map((n) => [`date_minute${n}`, DISTINCT] as const),
  ...[2, 4, 5, 8, 10, 20, 25, 40, 50, 100, 125, 200, 250, 500].map((n) => [`date_millisecond${n}`, DISTINCT] as const),
  ['date_year', DISTINCT], ['date_fiscal_year', DISTINCT], ['duration', NUMERIC],
  ...['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second'].map((u) => [`duration_${u}`, NUMERIC] as const),
  ['tier', LISTABLE],
];

/** How the dialect orders NULLs in an ascending sort (`high`: after every value). */
const NULL_SORT: Readonly<Record<string, string>> = {
  postgres: 'high', redshift: 'high', snowflake: 'high', duckdb: 'high', oracle: 'high', trino: 'high', presto: 'high',
  bigquery: 'low', bigquery_standard_sql: 'low', mysql: 'low', mssql: 'low', sqlserver: 'low', databricks: 'low',
};

function conditions(list: readonly FilterCondition[], alias: string): Json[] {
  return list.map((c) => ({ name: qualify(alias, c.field), value: c.expression }));
}

/** `alias:` on a field: old names keep working, reported as old name → current name. */
function aliases(fields: Iterable<ExploreField>): Json[] {
  const out: Json[] = [];
  for (const ef of fields) {
    const f = ef.field;
    const raw = f.params.alias;
    const olds = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
    for (const old of olds) {
      // On a dimension group the alias renames the group: each member keeps its suffix/prefix.
      const oldName = f.group ? f.name.replace(f.group.name, old) : old;
      out.push({ name: `${ef.alias}.${oldName}`, value: `${ef.alias}.${f.name}` });
    }
  }
  return out;
}

function sets(model: Model, explore: Explore): Json[] {
  const out: Json[] = [];
  for (const [alias, viewName] of aliasViews(explore)) {
    const view = model.views[viewName];
    if (!view) continue;
    for (const [name, items] of Object.entries(view.sets)) {
      out.push({ name: `${alias}.${name}`, value: items.map((i) => (i.startsWith('-') ? `-${qualify(alias, i.slice(1))}` : qualify(alias, i))) });
    }
  }
  return out;
}

function joins(explore: Explore): Json[] {
  return explore.joins.map((j) => ({
    name: j.name,
    dependent_fields: [],
    fields: j.fields ? [...j.fields] : null,
    foreign_key: j.foreignKey ?? null,
    from: j.view === j.name ? null : j.view,
    outer_only: false,
    relationship: j.relationship,
    required_joins: [...j.requiredJoins],
    sql_foreign_key: null,
    sql_on: j.sqlOn ?? null,
    sql_table_name: j.sqlTableName ?? null,
    type: j.type,
    view_label: j.viewLabel ?? null,
  }));
}

/** Files the explore is built from: its own, the model's, and every view it reaches. */
function sourceFiles(model: Model, explore: Explore): string[] {
  const out = [explore.file, model.file];
  for (const viewName of aliasViews(explore).values()) {
    const file = model.views[viewName]?.file;
    if (file !== undefined) out.push(file);
  }
  return [...new Set(out)].map((f) => projectFilePath(f).path);
}

/**
 * The errors of this explore. `project.diagnostics` holds the build's diagnostics (parse errors,
 * constants, includes, resolving and building the model), not the validator's. One that names an
 * explore is this explore's only when it names this one, in this model (a diagnostic naming no
 * model is this model's when its file is one the model reads); any other is the explore's when it
 * is in a file the explore reads, and not of another model. Field-level problems are marked as
 * Looker marks them.
 */
function errors(diagnostics: readonly Diagnostic[], model: Model, explore: Explore): Json[] {
  const files = new Set([explore.file, model.file]);
  for (const viewName of aliasViews(explore).values()) {
    const file = model.views[viewName]?.file;
    if (file !== undefined) files.add(file);
  }
  let modelFiles: Set<string> | undefined;
  const mine = (d: Diagnostic): boolean => {
    if (d.severity !== 'error' || (d.model !== undefined && d.model !== model.name)) return false;
    if (d.explore === undefined) return files.has(d.file);
    if (d.explore !== explore.name) return false;
    return d.model !== undefined || (modelFiles ??= new Set([model.file, ...model.includedFiles])).has(d.file);
  };
  return diagnostics
    .filter(mine)
    .map((d) => ({
      message: d.message, details: null, error_pos: `${projectFilePath(d.file).path}:${d.line}:${d.column}`, field_error: d.field !== undefined,
    }));
}

function tags(explore: Explore): string[] {
  const raw = explore.params.tags;
  if (typeof raw === 'string') return [raw];
  return Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
}

function byName(a: Json, b: Json): number {
  const x = String(a.name), y = String(b.name);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function lookmlModelExploreJson(
  project: Project,
  model: Model,
  explore: Explore,
  opts: ExploreJsonOptions,
): Record<string, unknown> {
  const linkBase = opts.linkBase ?? '';
  const views = aliasViews(explore);
  const aliasLabels = new Map<string, string>();
  for (const [alias, viewName] of views) aliasLabels.set(alias, aliasViewLabel(explore, alias, model.views[viewName]));
  const ctx: FieldContext = { model, explore, projectName: opts.projectName, linkBase, aliasLabels };
  const visible = exploreFields(model, explore);
  const buckets: Record<'dimension' | 'measure' | 'filter' | 'parameter', Json[]> = { dimension: [], measure: [], filter: [], parameter: [] };
  for (const ef of visible.values()) buckets[ef.field.category].push(lookmlFieldJson(ctx, ef));
  for (const list of Object.values(buckets)) list.sort(byName);
  const base = baseAlias(explore);
  const baseView = model.views[explore.view];
  const label = exploreLabel(explore);
  const dialect = opts.dialectName ?? null;
  return {
    id: `${model.name}::${explore.name}`,
    name: explore.name,
    description: explore.description ?? null,
    label,
    title: label,
    scopes: [...views.entries()].filter(([, v]) => model.views[v] !== undefined).map(([a]) => a),
    can_total: true,
    can_develop: true,
    can_see_lookml: true,
    lookml_link: lookmlLink(linkBase, opts.projectName, explore.file, explore.loc.line),
    can_save: true,
    can_explain: true,
    can_pivot_in_db: true,
    can_subtotal: true,
    has_timezone_support: true,
    self_service_explore_data: null,
    supports_cost_estimate: false,
    connection_name: model.connection ?? null,
    dialect_name: dialect,
    null_sort_treatment: dialect === null ? null : (NULL_SORT[dialect] ?? null),
    files: sourceFiles(model, explore),
    source_file: projectFilePath(explore.file).path,
    project_name: opts.projectName,
    model_name: model.name,
    view_name: explore.view,
    hidden: explore.hidden,
    // Without `sql_table_name` or a derived table, a view reads the table of its own name.
    sql_table_name: baseView?.sqlTableName ?? (baseView && !baseView.derivedTable ? baseView.name : null),
    access_filter_fields: explore.accessFilters.map((a) => qualify(base, a.field)),
    access_filters: explore.accessFilters.map((a) => ({ field: qualify(base, a.field), user_attribute: a.userAttribute })),
    aliases: aliases(visible.values()),
    always_filter: conditions(explore.alwaysFilter, base),
    conditionally_filter: conditions(explore.conditionallyFilter?.filters ?? [], base),
    index_fields: [],
    sets: sets(model, explore),
    tags: tags(explore),
    errors: errors(project.diagnostics, model, explore),
    fields: {
      dimensions: buckets.dimension,
      measures: buckets.measure,
      filters: buckets.filter,
      parameters: buckets.parameter,
    },
    joins: joins(explore),
    group_label: explore.groupLabel ?? modelLabel(model),
    supported_measure_types: SUPPORTED_MEASURE_TYPES.map(([d, m]) => ({ dimension_type: d, measure_types: [...m] })),
    always_join: [...explore.alwaysJoin],
  };
}

/**
 * Field metadata for the columns of a query result (json_detail / json_bi `fields`), in the order
 * given; names the explore does not expose are skipped (the compiler has already refused them).
 */
export function resultFieldsJson(model: Model, explore: Explore, names: readonly string[], opts: ExploreJsonOptions): Json[] {
  const views = aliasViews(explore);
  const aliasLabels = new Map<string, string>();
  for (const [alias, viewName] of views) aliasLabels.set(alias, aliasViewLabel(explore, alias, model.views[viewName]));
  const ctx: FieldContext = { model, explore, projectName: opts.projectName, linkBase: opts.linkBase ?? '', aliasLabels };
  const visible = exploreFields(model, explore);
  const out: Json[] = [];
  for (const name of names) {
    const ef = visible.get(name);
    if (ef) out.push(lookmlFieldJson(ctx, ef));
  }
  return out;
}
