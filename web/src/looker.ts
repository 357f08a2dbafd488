// The subset of Looker API 4.0 shapes the web UI reads. The server sends more members; only what
// the pages use is typed here, so a new member on the server never breaks the UI.

export type FieldCategory = 'dimension' | 'measure' | 'filter' | 'parameter';

export interface LookmlField {
  name: string;
  label: string;
  label_short: string;
  view: string;
  view_label: string;
  category: FieldCategory;
  type: string;
  hidden: boolean;
  description: string | null;
  dimension_group: string | null;
  field_group_label: string | null;
  field_group_variant: string | null;
  is_numeric: boolean;
  can_filter: boolean;
  enumerations: { label: string; value: string }[] | null;
  default_filter_value: string | null;
  suggestions: string[] | null;
}

export interface LookmlExplore {
  id: string;
  name: string;
  label: string;
  description: string | null;
  model_name: string;
  always_filter: { name: string; value: string }[];
  conditionally_filter: { name: string; value: string }[];
  fields: { dimensions: LookmlField[]; measures: LookmlField[]; filters: LookmlField[]; parameters: LookmlField[] };
}

export interface LookmlModelNavExplore {
  name: string;
  label: string;
  description: string | null;
  hidden: boolean;
  group_label: string | null;
}

export interface LookmlModel {
  name: string;
  label: string;
  project_name: string;
  explores: LookmlModelNavExplore[];
}

export interface Query {
  id: string;
  slug: string | null;
  model: string;
  view: string;
  fields: string[];
  pivots: string[] | null;
  filters: Record<string, string> | null;
  filter_expression: string | null;
  sorts: string[] | null;
  limit: string | null;
  column_limit: string | null;
  total: boolean;
  vis_config: Record<string, unknown> | null;
  share_url?: string;
  url?: string;
}

export interface FolderBase {
  id: string;
  name: string;
  parent_id: string | null;
  child_count: number;
  is_personal: boolean;
  is_shared_root: boolean;
  is_users_root: boolean;
  can: Partial<Record<'edit_content' | 'update' | 'create', boolean>>;
}

export interface Look {
  id: string;
  title: string;
  description: string | null;
  folder_id: string;
  query_id: string;
  query?: Query | null;
  folder?: FolderBase | null;
  can?: Partial<Record<'update' | 'explore', boolean>>;
}

export interface DashboardBase {
  id: string;
  title: string;
  description: string | null;
  readonly: boolean;
  folder?: FolderBase | null;
  can?: Partial<Record<'update' | 'create', boolean>>;
}

export interface ListenEntry { dashboard_filter_name: string; field: string }

export interface ResultMaker {
  query_id: string | null;
  query: Query | null;
  vis_config: Record<string, unknown> | null;
  filterables: { model: string; view: string; name: string | null; listen: ListenEntry[] }[] | null;
}

export interface DashboardElement {
  id: string;
  dashboard_id: string;
  type: string;
  title: string | null;
  title_hidden: boolean;
  title_text: string | null;
  subtitle_text: string | null;
  body_text: string | null;
  body_text_as_html: string | null;
  note_text: string | null;
  look_id: string | null;
  query_id: string | null;
  look: Look | null;
  query: Query | null;
  result_maker: ResultMaker | null;
}

export interface DashboardFilter {
  id: string;
  dashboard_id: string;
  name: string;
  title: string;
  type: string | null;
  default_value: string | null;
  model: string | null;
  explore: string | null;
  dimension: string | null;
  field: LookmlField | null;
}

export interface DashboardLayoutComponent {
  id: string;
  dashboard_element_id: string;
  row: number | null;
  column: number | null;
  width: number | null;
  height: number | null;
  deleted: boolean;
}

export interface DashboardLayout {
  id: string;
  active: boolean;
  type: string;
  dashboard_layout_components: DashboardLayoutComponent[];
}

export interface Dashboard extends DashboardBase {
  dashboard_elements: DashboardElement[];
  dashboard_filters: DashboardFilter[];
  dashboard_layouts: DashboardLayout[];
}

/** One result column's metadata in json_detail (a LookmlModelExploreField plus `sorted`). */
export interface ResultField {
  name: string;
  label: string;
  label_short: string;
  view_label?: string;
  category?: string;
  is_numeric?: boolean;
  sorted?: { sort_index: number; desc: boolean };
}

export interface DetailCell { value: unknown; rendered?: string }

export interface PivotColumn {
  key: string;
  data: Record<string, unknown>;
  is_total: boolean;
}

/** GET /queries/{id}/run/json_detail */
export interface JsonDetail {
  sql: string | null;
  truncated?: boolean;
  fields: { dimensions: ResultField[]; measures: ResultField[]; pivots: ResultField[] };
  pivots?: PivotColumn[];
  data: Record<string, DetailCell | Record<string, DetailCell>>[];
  errors?: { message: string; message_details?: string | null }[];
}

export interface Project { id: string; name: string }
export interface GitBranch { name: string; ref: string | null; is_production: boolean; personal: boolean }
export interface ApiUser { id: string; personal_folder_id: string | null; home_folder_id: string | null }
