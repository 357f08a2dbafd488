/**
 * The resolved model: what `src/model` hands to the SQL compiler and the API.
 *
 * Plain, JSON-serialisable data (no classes, no functions, no Maps) so it can be cached
 * by content key, sent between stages and snapshotted in tests. Everything here is
 * *after* constants, includes, extends and refinements have been applied; `${…}`
 * references inside SQL are kept verbatim — the compiler substitutes them per query.
 */
import type { Diagnostic, Loc } from '../lookml/ast.ts';
import type { TimeDatatype, Timeframe, TimeUnit, WeekDay } from '../sql/dialects/dialect.ts';

/** A LookML value as plain JSON: scalars as strings (`yes`/`no` too), lists as arrays, blocks as objects. */
export type Plain = string | Plain[] | { [key: string]: Plain };

/** Every parameter of a LookML object as written (after merging), for the API and for unknown keys. */
export type Params = Readonly<Record<string, Plain>>;

export interface FilterCondition {
  /** Field reference as written: `view.field` or `field` (same view). */
  readonly field: string;
  /** Looker filter expression, e.g. `"-closed"`, `">0"`, `"last 7 days"`. */
  readonly expression: string;
  /** Where the condition's field was written (set by `buildProject`). */
  readonly loc?: Loc;
}

export type FieldCategory = 'dimension' | 'measure' | 'filter' | 'parameter';

/** How a field came out of a `dimension_group`. */
export interface GroupInfo {
  /** The dimension group's name (`created` for `created_date`). */
  readonly name: string;
  readonly kind: 'time' | 'duration';
  /** `type: time` members. */
  readonly timeframe?: Timeframe;
  /** `type: duration` members (`days_processing` → `day`). */
  readonly interval?: TimeUnit;
  readonly datatype: TimeDatatype;
  /** `convert_tz` (default yes). */
  readonly convertTz: boolean;
  /** `type: duration`: start/end SQL. */
  readonly sqlStart?: string;
  readonly sqlEnd?: string;
}

export interface Field {
  /** The view (or join alias' view) this field was defined in. */
  readonly view: string;
  /** Local name: `id`, `created_date`, `days_processing`. */
  readonly name: string;
  readonly category: FieldCategory;
  /**
   * Looker's field type: dimensions `string|number|yesno|tier|date|time|zipcode|location|…`;
   * group members `date_<timeframe>` / `duration_<interval>`; measures `count|sum|…`.
   * Defaults applied (`string`).
   */
  readonly type: string;
  readonly sql?: string;
  readonly primaryKey: boolean;
  readonly hidden: boolean;
  readonly label?: string;
  readonly viewLabel?: string;
  readonly groupLabel?: string;
  readonly groupItemLabel?: string;
  readonly description?: string;
  readonly valueFormat?: string;
  readonly valueFormatName?: string;
  readonly group?: GroupInfo;
  /** Measures: `filters: [f: "expr"]` (both syntaxes normalised). */
  readonly filters: readonly FilterCondition[];
  readonly sqlDistinctKey?: string;
  /** `type: percentile`: 0–100 as written. */
  readonly percentile?: number;
  readonly listField?: string;
  readonly precision?: number;
  /** `type: tier`. */
  readonly tiers?: readonly number[];
  readonly style?: string;
  /** `case: { when: { sql: … label: … } else: … }`. */
  readonly caseWhen?: { readonly when: readonly { readonly sql: string; readonly label: string }[]; readonly else?: string };
  /** `parameter` / `filter` fields. */
  readonly allowedValues: readonly { readonly label: string; readonly value: string }[];
  readonly defaultValue?: string;
  readonly suggestions: readonly string[];
  readonly drillFields: readonly string[];
  readonly tags: readonly string[];
  readonly orderByField?: string;
  readonly requiredFields: readonly string[];
  readonly html?: string;
  readonly loc: Loc;
  /**
   * The parameters as written (after extends/refinements merging) that have no member of their
   * own above: `link`, `timeframes`, `sql_latitude`, `can_filter`, unknown keys… Most fields have
   * none, and a second copy of every `type` and `sql` was most of what a large model weighed.
   */
  readonly params: Params;
  /**
   * Where each parameter's value was written (`sql`, `filters`, `drill_fields[2]`, …), for
   * diagnostics; read it with `paramLoc` (ast-util.ts). Usually a packed number (see `ParamLoc`).
   */
  readonly paramLocs?: Readonly<Record<string, ParamLoc>>;
}

/**
 * Where a field's parameter was written: a `Loc`, or, for the common case of a parameter
 * written in the same file as the field's name, `line * LOC_COLUMNS + column` in that file.
 * A large model has some hundred thousand of these, and a number costs no object to make,
 * keep or collect.
 */
export type ParamLoc = Loc | number;

export interface ExploreSourceColumn {
  readonly name: string;
  readonly field?: string;
  /** Where the column's `field:` (or, without one, its name) was written. */
  readonly loc?: Loc;
}

export interface DerivedTable {
  readonly sql?: string;
  /** Native derived table (`explore_source: name { … }`). */
  readonly exploreSource?: {
    readonly explore: string;
    readonly columns: readonly ExploreSourceColumn[];
    readonly derivedColumns: readonly { readonly name: string; readonly sql: string }[];
    readonly filters: readonly FilterCondition[];
    readonly bindFilters: readonly { readonly fromField: string; readonly toField: string }[];
    readonly bindAllFilters: boolean;
    readonly limit?: number;
    readonly sorts: readonly { readonly field: string; readonly desc: boolean }[];
    /** Where the `explore_source: name` was written. */
    readonly loc?: Loc;
  };
  /** `datagroup_trigger`, `persist_for`, `sql_trigger_value`, `increment_key`, … kept as written. */
  readonly persistence: Params;
  /** Where each `derived_table` parameter's value was written. */
  readonly paramLocs?: Readonly<Record<string, Loc>>;
}

export interface View {
  readonly name: string;
  readonly file: string;
  readonly loc: Loc;
  readonly label?: string;
  /** `sql_table_name`; absent with no derived table means the table is the view's name. */
  readonly sqlTableName?: string;
  readonly derivedTable?: DerivedTable;
  /** `extension: required` — usable only through `extends`. */
  readonly extension: boolean;
  /** Fields in definition order, dimension groups expanded. Names are unique (duplicates are diagnosed). */
  readonly fields: readonly Field[];
  /** `set: name { fields: [...] }` as written. */
  readonly sets: Readonly<Record<string, readonly string[]>>;
  readonly params: Params;
  readonly paramLocs?: Readonly<Record<string, Loc>>;
}

export type JoinType = 'left_outer' | 'inner' | 'full_outer' | 'cross';
export type Relationship = 'many_to_one' | 'one_to_many' | 'one_to_one' | 'many_to_many';

export interface Join {
  /** The alias the join is known by (`join: buyer`). */
  readonly name: string;
  /** The view it reads (`from:`, default the join name). */
  readonly view: string;
  readonly type: JoinType;
  readonly relationship: Relationship;
  readonly sqlOn?: string;
  /** A raw `sql:` join (the whole JOIN clause as written). */
  readonly sql?: string;
  readonly foreignKey?: string;
  readonly sqlWhere?: string;
  readonly sqlTableName?: string;
  /** `fields:` as written (`ALL_FIELDS*`, `set*`, `-view.field`); absent means all. */
  readonly fields?: readonly string[];
  readonly requiredJoins: readonly string[];
  readonly viewLabel?: string;
  readonly loc: Loc;
  readonly params: Params;
  readonly paramLocs?: Readonly<Record<string, Loc>>;
}

export interface Explore {
  readonly name: string;
  readonly file: string;
  readonly loc: Loc;
  readonly label?: string;
  readonly description?: string;
  readonly groupLabel?: string;
  readonly viewLabel?: string;
  readonly hidden: boolean;
  readonly extension: boolean;
  /** The base view (`from:`/`view_name:`, default the explore's name). */
  readonly view: string;
  /**
   * The base view's alias in SQL and in field names: `view_name:` when set (Looker names the
   * fields after it), otherwise the explore's name (so `from:` aliases the view as the explore).
   * Always set by `buildProject`; absent only in hand-made IR, meaning the explore name.
   */
  readonly alias?: string;
  readonly joins: readonly Join[];
  readonly fields?: readonly string[];
  readonly sqlAlwaysWhere?: string;
  readonly sqlAlwaysHaving?: string;
  readonly alwaysFilter: readonly FilterCondition[];
  readonly conditionallyFilter?: { readonly filters: readonly FilterCondition[]; readonly unless: readonly string[] };
  readonly accessFilters: readonly { readonly field: string; readonly userAttribute: string }[];
  readonly alwaysJoin: readonly string[];
  readonly symmetricAggregates: boolean;
  readonly params: Params;
  readonly paramLocs?: Readonly<Record<string, Loc>>;
}

export interface Model {
  readonly name: string;
  readonly file: string;
  readonly connection?: string;
  readonly label?: string;
  readonly weekStartDay: WeekDay;
  readonly fiscalMonthOffset: number;
  readonly caseSensitive: boolean;
  /** Views visible to this model (through its includes), by name. */
  readonly views: Readonly<Record<string, View>>;
  readonly explores: Readonly<Record<string, Explore>>;
  readonly namedValueFormats: Readonly<Record<string, string>>;
  readonly datagroups: Readonly<Record<string, Params>>;
  /** Project-relative paths this model included, in include order. */
  readonly includedFiles: readonly string[];
  /** `*.dashboard.lookml` files the model included (recorded, not parsed here). */
  readonly dashboards?: readonly string[];
  /** `access_grant: name { user_attribute: … allowed_values: […] }`. */
  readonly accessGrants?: Readonly<Record<string, Params>>;
  readonly params: Params;
}

export interface Manifest {
  readonly projectName?: string;
  readonly constants: Readonly<Record<string, { readonly value: string; readonly export?: string }>>;
  readonly localDependencies: readonly { readonly projectName: string; readonly path?: string }[];
  readonly remoteDependencies: readonly { readonly name: string; readonly url?: string; readonly ref?: string }[];
}

export interface Project {
  readonly manifest: Manifest;
  readonly models: Readonly<Record<string, Model>>;
  readonly diagnostics: readonly Diagnostic[];
}
