/**
 * Input and output of the result-format stage: a query's result in, Looker's response body
 * and Content-Type out. Plain data only; nothing here runs SQL or touches the network.
 */

/**
 * One result column's metadata as the API presents it: a `LookmlModelExploreField`
 * (`src/api/presenters/lookml-field.ts`): `name` ("view.field"), `label`, `label_short`,
 * `view_label`, `view`, `type`, `category`, `is_numeric`, `value_format`,
 * `value_format_name`, `sql`, `hidden`, `description`, `dimension_group`, … Kept as an open
 * record because json_detail echoes every key the presenter produced.
 */
export type FieldMeta = Readonly<Record<string, unknown>>;

/** A result row keyed by field name ("view.field"), values as the drivers return them. */
export type ResultRow = Readonly<Record<string, unknown>>;

export const RESULT_FORMATS = [
  'json', 'json_detail', 'json_bi', 'inline_json', 'json_label',
  'csv', 'txt', 'html', 'md', 'sql', 'xlsx',
] as const;

export type ResultFormat = (typeof RESULT_FORMATS)[number];

/** The query as created (`Query` of API 4.0), echoed into json_detail / json_bi metadata. */
export interface QueryEcho {
  readonly model: string;
  /** The explore name. */
  readonly view: string;
  readonly fields: readonly string[];
  readonly pivots?: readonly string[] | null;
  readonly fill_fields?: readonly string[] | null;
  readonly filters?: Readonly<Record<string, string>> | null;
  readonly filter_expression?: string | null;
  /** `"view.field"`, `"view.field desc"`, `"view.field desc 0"`. */
  readonly sorts?: readonly string[] | null;
  readonly limit?: string | number | null;
  readonly column_limit?: string | number | null;
  readonly total?: boolean | null;
  readonly row_total?: string | null;
  readonly subtotals?: readonly string[] | null;
  readonly query_timezone?: string | null;
}

/** One pivot column (json_bi `JsonBiPivots`, json_detail `pivots[]`). */
export interface PivotColumn {
  /** Looker's pivot key: the pivot values joined by `|FIELD|`; `$$$_row_total_$$$` for the row totals (`is_total`). */
  readonly key: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly sort_values?: Readonly<Record<string, unknown>>;
  readonly is_total: boolean;
}

/**
 * Pivot information (pivot.ts builds it from flat rows). The JSON metadata formats list pivot
 * fields under `fields.pivots` and the columns under `pivots`; a measure value given as an
 * object keyed by pivot key becomes one cell per key in json_detail, stays that object in
 * json/json_label/json_bi, and becomes one column per pivot value in csv/txt/html/md/xlsx
 * (table-layout.ts).
 */
export interface PivotInfo {
  readonly fields: readonly FieldMeta[];
  readonly columns: readonly PivotColumn[];
}

/** Everything a formatter may read. Only `fields`, `rows`, `sql`, `query`, `runtimeSeconds` are required. */
export interface QueryResultInput {
  /** Result columns in SELECT order; a query's pivot fields may be among them (pivot.ts moves them to `pivots`). */
  readonly fields: readonly FieldMeta[];
  readonly rows: readonly ResultRow[];
  /**
   * Every row has exactly the fields' names as keys, in `fields` order, and no undefined values
   * (the query runner's rows): json and json_bi can send them as they are.
   */
  readonly rowsByField?: boolean;
  /** The generated SQL text. */
  readonly sql: string;
  /** The column totals row (`total: true`), keyed like `rows`. */
  readonly totals?: ResultRow;
  /** Whether the query asked for totals; defaults to `totals !== undefined`. */
  readonly hasTotals?: boolean;
  /**
   * A pivoted query with `total: true`: the column totals per pivot value, flat (keyed like flat
   * `rows`: the pivot fields and the measures). pivot.ts turns them into `totals` keyed per measure
   * by pivot key; `totals` (flat, one value per measure) is then the grand total.
   */
  readonly pivotTotals?: readonly ResultRow[];
  /**
   * A pivoted query with `row_total`: per row, the measures over all pivot values, flat (keyed by
   * the row dimensions and the measures). pivot.ts adds them to each row's measure objects under
   * `$$$_row_total_$$$`.
   */
  readonly rowTotals?: readonly ResultRow[];
  /** Whether the pivoted rows carry row totals (pivot.ts sets it). */
  readonly hasRowTotals?: boolean;
  readonly pivots?: PivotInfo;
  readonly query: QueryEcho;
  readonly runtimeSeconds: number;
  /** `apply_formatting`: value formats replace raw values in json/csv/txt/html/md/xlsx. */
  readonly applyFormatting?: boolean;
  /**
   * `apply_vis`: accepted and ignored. Looker would apply the vis_config's column labels,
   * hidden fields and value formats; Overlook has no visualizations (documented gap).
   */
  readonly applyVis?: boolean;

  /** json_detail `id` (Looker: the query task id / result cache key). Default: MD5 of the SQL. */
  readonly resultId?: string;
  /** json_detail `ran_at`; default: now. */
  readonly ranAt?: Date | string;
  readonly fromCache?: boolean;
  /** The query's time zone for json_detail `timezone`; default `query.query_timezone`, else UTC. */
  readonly timezone?: string;
  /** json_detail `explore`; default name = `query.view`, label = the name title-cased. */
  readonly explore?: { readonly name: string; readonly label: string; readonly description: string | null };
  /** How the dialect sorts NULLs ascending: `high` (PostgreSQL, DuckDB, Snowflake) or `low`. */
  readonly nullSortTreatment?: 'high' | 'low';
  /** Parameters Looker added to the query (the implicit sort when none was given). */
  readonly addedParams?: { readonly sorts?: readonly string[] };
  /** Metadata of filtered fields that are not result columns (for json_detail `applied_filters`). */
  readonly filterFields?: readonly FieldMeta[];
}

/** What an endpoint sends: the status, the Content-Type header and the body. */
export interface FormattedBody {
  readonly status: number;
  readonly contentType: string;
  /** Text for every format but xlsx, whose body is the workbook's bytes. */
  readonly body: string | Buffer;
}

/** A database (or run-time) error to report in a format's error shape. */
export interface QueryErrorInput {
  /** Looker's summary, e.g. "The PostgreSQL database encountered an error while running this query." */
  readonly message: string;
  /** The database's own message (json_detail `message_details`). */
  readonly messageDetails?: string | null;
  readonly sql?: string | null;
  /** Where the database located the error (1-based line/column; `character` when known). */
  readonly sqlErrorLoc?: { readonly line: number; readonly column: number; readonly character?: number } | null;
  /** json_detail `id`; default: MD5 of the SQL (Spectacles requires a string id). */
  readonly id?: string;
  readonly runtimeSeconds?: number;
  /** Result columns, for json_bi `metadata.fields` (empty lists when absent). */
  readonly fields?: readonly FieldMeta[];
  readonly query?: QueryEcho;
}
