/**
 * One field of an explore → Looker API 4.0 `LookmlModelExploreField`.
 *
 * Every key of the schema is present (null where Overlook has no value), because clients
 * read them without checking: Spectacles, for one, crashes on a dimension without `name`,
 * `type`, `tags`, `sql`, `lookml_link` or `hidden`. `sql` is the LookML as written (with
 * `${…}` kept), which is what Looker shows users allowed to see LookML.
 */
import { aliasViews, type ExploreField } from '../../model/explore-fields.ts';
import type { Explore, Field, Model, Plain } from '../../model/types.ts';
import { fieldLabels, lookmlLink, projectFilePath } from './lookml-labels.ts';

export type Json = Record<string, unknown>;

export interface FieldContext {
  readonly model: Model;
  readonly explore: Explore;
  /** The project the explore belongs to (files of imported projects name their own). */
  readonly projectName: string;
  /** Prepended to every `lookml_link` (default: links relative to the host, as Looker's are). */
  readonly linkBase: string;
  /** Each alias' view label (see `aliasViewLabel`). */
  readonly aliasLabels: ReadonlyMap<string, string>;
}

const NUMERIC_MEASURES: ReadonlySet<string> = new Set([
  'count', 'count_distinct', 'sum', 'sum_distinct', 'average', 'average_distinct', 'median', 'median_distinct',
  'max', 'min', 'percentile', 'percentile_distinct', 'number', 'percent_of_total', 'percent_of_previous',
  'running_total', 'period_over_period',
]);

const NUMERIC_DIMENSIONS: ReadonlySet<string> = new Set(['number', 'distance']);

/** Measures Looker computes from the sorted result, so re-sorting means re-running the query. */
const SORT_DEPENDENT: ReadonlySet<string> = new Set(['running_total', 'percent_of_previous']);

/** Timeframes whose values form a continuous range (dimension fill can add the missing ones). */
const RANGE_TIMEFRAMES = /^(date|week|month|quarter|year|fiscal_year|fiscal_quarter|hour\d*|minute\d*)$/;

/** Timeframes with a small fixed set of values. */
const ENUM_TIMEFRAMES: ReadonlySet<string> = new Set([
  'day_of_week', 'day_of_week_index', 'month_name', 'month_num', 'quarter_of_year', 'hour_of_day',
  'fiscal_quarter_of_year', 'fiscal_month_num',
]);

const TIME_TYPES: ReadonlySet<string> = new Set(['date', 'time', 'date_time', 'datetime']);

function isNumeric(f: Field): boolean {
  if (f.category === 'measure') return NUMERIC_MEASURES.has(f.type);
  return NUMERIC_DIMENSIONS.has(f.type) || f.type.startsWith('duration_');
}

function isTimeframe(f: Field): boolean {
  return f.group?.kind === 'time' || f.type.startsWith('date_') || (f.category !== 'measure' && TIME_TYPES.has(f.type));
}

function str(v: Plain | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function yes(v: Plain | undefined): boolean | undefined {
  const s = str(v)?.trim().toLowerCase();
  if (s === 'yes' || s === 'true') return true;
  if (s === 'no' || s === 'false') return false;
  return undefined;
}

function strings(v: Plain | undefined): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

function userAttributeFilterTypes(f: Field, numeric: boolean, timeframe: boolean): string[] {
  if (timeframe) return ['datetime', 'advanced_filter_datetime'];
  if (numeric) return ['number', 'advanced_filter_number'];
  if (f.type === 'yesno') return ['yesno'];
  if (f.type === 'zipcode') return ['zipcode', 'advanced_filter_string'];
  return ['string', 'advanced_filter_string'];
}

function enumerations(f: Field): { label: string; value: string }[] | null {
  if (f.allowedValues.length > 0) return f.allowedValues.map((a) => ({ label: a.label, value: a.value }));
  if (f.caseWhen) {
    const labels = f.caseWhen.when.map((w) => w.label);
    if (f.caseWhen.else !== undefined) labels.push(f.caseWhen.else);
    return labels.map((l) => ({ label: l, value: l }));
  }
  if (f.type === 'yesno' && f.category === 'dimension') return [{ label: 'Yes', value: 'Yes' }, { label: 'No', value: 'No' }];
  return null;
}

function fillStyle(f: Field): string | null {
  if (f.category !== 'dimension') return null;
  const tf = f.group?.timeframe;
  if (tf !== undefined) {
    if (RANGE_TIMEFRAMES.test(tf)) return 'range';
    return ENUM_TIMEFRAMES.has(tf) ? 'enumeration' : null;
  }
  if (f.type === 'yesno' || f.type === 'tier' || f.caseWhen) return 'enumeration';
  return null;
}

/** The unit and count one value of a timeframe spans (`date` → 1 day, `minute15` → 15 minutes). */
function timeInterval(f: Field): { name: string; count: number } | null {
  const tf = f.group?.kind === 'time' ? f.group.timeframe : undefined;
  if (tf === undefined) return null;
  const fixed: Readonly<Record<string, string>> = {
    date: 'day', week: 'week', month: 'month', quarter: 'quarter', year: 'year',
    fiscal_year: 'year', fiscal_quarter: 'quarter', time: 'second', second: 'second', microsecond: 'microsecond',
  };
  const unit = fixed[tf];
  if (unit !== undefined) return { name: unit, count: 1 };
  const m = /^(hour|minute|millisecond)(\d*)$/.exec(tf);
  return m ? { name: m[1]!, count: m[2] === '' ? 1 : Number(m[2]) } : null;
}

function sqlCase(f: Field): { value: string; condition: string | null }[] | null {
  if (!f.caseWhen) return null;
  const out: { value: string; condition: string | null }[] = f.caseWhen.when.map((w) => ({ value: w.label, condition: w.sql }));
  if (f.caseWhen.else !== undefined) out.push({ value: f.caseWhen.else, condition: null });
  return out;
}

function links(f: Field): { label: string; url: string; icon_url: string | null }[] {
  const raw = f.params.link;
  const items = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const out: { label: string; url: string; icon_url: string | null }[] = [];
  for (const item of items) {
    if (typeof item !== 'object' || Array.isArray(item)) continue;
    out.push({ label: str(item.label) ?? '', url: str(item.url) ?? '', icon_url: str(item.icon_url) ?? null });
  }
  return out;
}

function periodOverPeriod(f: Field): Json | null {
  if (f.type !== 'period_over_period') return null;
  const p = f.params;
  return {
    based_on: str(p.based_on) ?? '',
    based_on_time: str(p.based_on_time) ?? '',
    period: str(p.period) ?? '',
    kind: str(p.kind) ?? 'previous',
    value_to_date: yes(p.value_to_date) ?? false,
  };
}

/** `alias.name` for a bare name; qualified names are kept. */
export function qualify(alias: string, ref: string): string {
  return ref.includes('.') ? ref : `${alias}.${ref}`;
}

/**
 * Drill fields as Looker reports them: qualified, sets expanded. A measure without its own
 * `drill_fields` uses its view's.
 */
function drillFields(ctx: FieldContext, ef: ExploreField): string[] {
  const view = ctx.model.views[ef.view];
  let items: readonly string[] = ef.field.drillFields;
  if (items.length === 0 && ef.field.category === 'measure') items = strings(view?.params.drill_fields);
  if (items.length === 0) return [];
  const aliases = aliasViews(ctx.explore);
  const out: string[] = [];
  const expand = (item: string, alias: string, viewName: string, seen: readonly string[]): void => {
    const text = item.trim();
    if (!text.endsWith('*')) {
      const q = qualify(alias, text);
      if (!out.includes(q)) out.push(q);
      return;
    }
    const ref = text.slice(0, -1);
    const dot = ref.indexOf('.');
    const setAlias = dot === -1 ? alias : ref.slice(0, dot);
    const setName = dot === -1 ? ref : ref.slice(dot + 1);
    const setView = dot === -1 ? viewName : (aliases.get(setAlias) ?? setAlias);
    const key = `${setAlias}.${setName}`;
    const members = ctx.model.views[setView]?.sets[setName];
    if (!members || seen.includes(key)) return;
    for (const m of members) expand(m, setAlias, setView, [...seen, key]);
  };
  for (const item of items) expand(item, ef.alias, ef.view, []);
  return out;
}

function suggestable(f: Field, numeric: boolean): boolean {
  const explicit = yes(f.params.suggestable);
  if (explicit !== undefined) return explicit;
  if (f.suggestions.length > 0 || f.allowedValues.length > 0) return true;
  if (f.category === 'measure' || f.group || numeric) return false;
  return !TIME_TYPES.has(f.type);
}

export function lookmlFieldJson(ctx: FieldContext, ef: ExploreField): Json {
  const f = ef.field;
  const name = `${ef.alias}.${f.name}`;
  const labels = fieldLabels(f, ctx.aliasLabels.get(ef.alias) ?? ef.alias);
  const numeric = isNumeric(f);
  const timeframe = isTimeframe(f);
  const drills = drillFields(ctx, ef);
  const fieldLinks = links(f);
  const file = projectFilePath(f.loc.file);
  const project = file.project ?? ctx.projectName;
  const valueFormat = f.valueFormat ?? (f.valueFormatName === undefined ? undefined : ctx.model.namedValueFormats[f.valueFormatName]);
  const group = f.group;
  return {
    align: numeric ? 'right' : 'left',
    available_custom_timeframes: null,
    timeframe_labels: null,
    can_filter: yes(f.params.can_filter) ?? true,
    category: f.category,
    default_filter_value: f.defaultValue ?? null,
    description: f.description ?? null,
    dimension_group: group ? `${ef.alias}.${group.name}` : null,
    drill_fields: drills,
    enumerations: enumerations(f),
    error: null,
    field_group_label: labels.fieldGroupLabel,
    field_group_variant: labels.fieldGroupVariant,
    fill_style: fillStyle(f),
    fiscal_month_offset: ctx.model.fiscalMonthOffset,
    has_allowed_values: f.allowedValues.length > 0,
    has_drills_metadata: drills.length > 0 || fieldLinks.length > 0,
    // `raw` members exist for LookML references and filters; Looker keeps them out of the field picker.
    hidden: f.hidden || group?.timeframe === 'raw',
    is_filter: f.category === 'filter',
    is_fiscal: group?.timeframe?.startsWith('fiscal_') ?? false,
    is_numeric: numeric,
    is_timeframe: timeframe,
    can_time_filter: f.category === 'filter' && TIME_TYPES.has(f.type),
    time_interval: timeInterval(f),
    label: labels.label,
    label_from_parameter: str(f.params.label_from_parameter) ?? null,
    label_short: labels.labelShort,
    lookml_link: lookmlLink(ctx.linkBase, ctx.projectName, f.loc.file, f.loc.line),
    links: fieldLinks,
    map_layer: null,
    measure: f.category === 'measure',
    name,
    strict_value_format: yes(f.params.strict_value_format) ?? false,
    parameter: f.category === 'parameter',
    period_over_period_params: periodOverPeriod(f),
    permanent: null,
    primary_key: f.primaryKey,
    project_name: project,
    requires_refresh_on_sort: f.category === 'measure' && SORT_DEPENDENT.has(f.type),
    scope: ef.alias,
    sortable: f.category === 'dimension' || f.category === 'measure',
    source_file: file.path,
    source_file_path: `${ctx.projectName}/${file.path}`,
    sql: f.sql ?? null,
    sql_case: sqlCase(f),
    filters: f.filters.length > 0 ? f.filters.map((c) => ({ field: c.field, condition: c.expression })) : null,
    suggest_dimension: qualify(ef.alias, str(f.params.suggest_dimension) ?? f.name),
    suggest_explore: str(f.params.suggest_explore) ?? ctx.explore.name,
    suggestable: suggestable(f, numeric),
    suggestions: f.suggestions.length > 0 ? [...f.suggestions] : null,
    synonyms: strings(f.params.synonyms),
    tags: [...f.tags],
    type: f.type,
    user_attribute_filter_types: userAttributeFilterTypes(f, numeric, timeframe),
    value_format: valueFormat ?? null,
    value_format_name: f.valueFormatName ?? null,
    view: ef.alias,
    view_label: labels.viewLabel,
    dynamic: false,
    week_start_day: ctx.model.weekStartDay,
    times_used: 0,
    original_view: ef.view,
    datatype: group?.datatype ?? str(f.params.datatype) ?? null,
    convert_tz: group?.kind === 'time' ? group.convertTz : null,
  };
}
