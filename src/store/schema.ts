/**
 * Table types of the metadata DB, as Kysely sees them.
 *
 * Conventions shared by both dialects (SQLite and PostgreSQL run the same migrations):
 * - Ids are integers in the DB (autoincrement / identity; never reused after a delete) and
 *   strings of those integers everywhere outside `src/store`, as Looker's API has them ("1").
 * - Timestamps are ISO-8601 UTC text written by `Date.toISOString()` (fixed width, so text
 *   order is time order and `expires_at > now` works identically on both dialects without
 *   per-driver date parsing).
 * - Booleans are `boolean` columns: PostgreSQL returns true/false, SQLite stores and returns
 *   1/0 (the SQLite wrapper in `open.ts` turns bound booleans into 1/0). Read them with `bool()`.
 */
import type { ColumnType, Generated } from 'kysely';

/** A boolean column: SQLite hands back 0/1, PostgreSQL true/false. */
export type Bool = ColumnType<boolean | number, boolean, boolean>;
export type GeneratedBool = ColumnType<boolean | number, boolean | undefined, boolean>;

export interface UsersTable {
  id: Generated<number>;
  first_name: string | null;
  last_name: string | null;
  is_disabled: GeneratedBool;
  locale: string | null;
  created_at: string;
  /** Folder ids are strings in Looker (LookML dashboards live in folder "lookml"). */
  home_folder_id: string | null;
  personal_folder_id: string | null;
  /** The interactive UI's sticky Development Mode choice (DESIGN rule 6); never read for API tokens. */
  ui_dev_mode: GeneratedBool;
  embed_external_user_id: string | null;
  embed_external_group_id: string | null;
}

export interface CredentialsEmailTable {
  user_id: number;
  email: string;
  /** `normalizeEmail(email)`; unique, so emails are unique case-insensitively on both dialects. */
  email_key: string;
  password_hash: string | null;
  forced_password_reset_at_next_login: GeneratedBool;
  created_at: string;
  logged_in_at: string | null;
}

export interface CredentialsApi3Table {
  id: Generated<number>;
  user_id: number;
  client_id: string;
  client_secret_hash: string;
  purpose: string | null;
  is_disabled: GeneratedBool;
  created_at: string;
  logged_in_at: string | null;
}

export interface AccessTokensTable {
  /** `hashToken(raw)`; the raw token is never stored. */
  token_hash: string;
  /** The user the token acts as. */
  user_id: number;
  /** For a sudo token: the admin who asked for it. */
  sudo_user_id: number | null;
  api3_credential_id: number | null;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface SessionsTable {
  token_hash: string;
  workspace_id: ColumnType<string, string | undefined, string>;
  updated_at: string;
}

/** Cookie sessions of the web UI, the renderer and embed frames (see migrations-0006.ts). */
export interface BrowserSessionsTable {
  session_hash: string;
  csrf_hash: string;
  user_id: number;
  kind: string;
  user_agent_hash: string | null;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface PermissionSetsTable {
  id: Generated<number>;
  name: string;
  built_in: GeneratedBool;
  all_access: GeneratedBool;
}

export interface PermissionSetPermissionsTable {
  permission_set_id: number;
  permission: string;
}

export interface ModelSetsTable {
  id: Generated<number>;
  name: string;
  built_in: GeneratedBool;
  all_access: GeneratedBool;
}

export interface ModelSetModelsTable {
  model_set_id: number;
  model: string;
}

export interface RolesTable {
  id: Generated<number>;
  name: string;
  permission_set_id: number;
  model_set_id: number;
}

export interface UserRolesTable {
  user_id: number;
  role_id: number;
}

export interface UserAttributesTable {
  id: Generated<number>;
  name: string;
  label: string;
  type: string;
  default_value: string | null;
  value_is_hidden: GeneratedBool;
  user_can_view: GeneratedBool;
  user_can_edit: GeneratedBool;
  hidden_value_domain_whitelist: string | null;
  /** Values come from the user record (email, first_name, …), not from user_attribute_values. */
  is_system: GeneratedBool;
  is_permanent: GeneratedBool;
}

export interface UserAttributeValuesTable {
  user_id: number;
  user_attribute_id: number;
  value: string;
}

export interface MetadataTable {
  key: string;
  value: string;
}

export interface ProjectsTable {
  /** The project name; Looker's project id is its name. */
  id: string;
  /** For a hosted project, the path of the bare repo Overlook keeps in its data dir. */
  git_remote_url: string;
  hosted: GeneratedBool;
  /** null: the remote's default branch. */
  git_production_branch_name: string | null;
  validation_required: GeneratedBool;
  allow_warnings: GeneratedBool;
  pull_request_mode: ColumnType<string, string | undefined, string>;
  git_release_mgmt_enabled: GeneratedBool;
  /** Deploys run the commit's data tests and are refused if one fails. */
  data_tests_required: GeneratedBool;
  deployed_commit: string | null;
  deployed_at: string | null;
  deployed_by: number | null;
  ref_generation: ColumnType<number, number | undefined, number>;
  created_at: string;
}

export interface DevCopiesTable {
  user_id: number;
  project_id: string;
  personal_branch: string;
  current_branch: string;
  created_at: string;
}

export interface DevBranchHeadsTable {
  user_id: number;
  project_id: string;
  branch: string;
  head: string;
  updated_at: string;
}

export interface OverlayFilesTable {
  user_id: number;
  project_id: string;
  branch: string;
  path: string;
  /** null: the file is deleted in the overlay. */
  content: string | null;
  /** git blob id of `content` (null when deleted): the file's content key. */
  blob_id: string | null;
  updated_at: string;
}

export interface ValidationResultsTable {
  project_id: string;
  /** `production` or `dev:<user id>`. */
  scope: string;
  workspace_key: string;
  result: string;
  computed_at: string;
}

export interface LookmlModelConfigsTable {
  name: string;
  project_name: string;
  /** JSON array of connection names. */
  allowed_db_connection_names: ColumnType<string, string | undefined, string>;
  unlimited_db_connections: GeneratedBool;
  label: string | null;
}

export interface ConnectionsTable {
  name: string;
  dialect_name: string;
  host: string | null;
  port: string | null;
  database: string | null;
  username: string | null;
  password: string | null;
  schema: string | null;
  max_connections: number | null;
  query_timezone: string | null;
  db_timezone: string | null;
  jdbc_additional_params: string | null;
  /** Other DBConnection members as given (JSON object). */
  extra: ColumnType<string, string | undefined, string>;
  user_id: number | null;
  created_at: string;
}

export interface QueriesTable {
  id: Generated<number>;
  slug: string;
  content_hash: string;
  /** The query's canonical JSON (model, view, fields, filters, …). */
  body: string;
  created_at: string;
}

export interface QueryTasksTable {
  id: string;
  user_id: number;
  query_id: number;
  result_format: string;
  /** The creating token's workspace (the task runs there even if the token switches later). */
  workspace_id: string;
  /** Run options (limit, apply_formatting, cache, force_production, …) as JSON. */
  options: ColumnType<string, string | undefined, string>;
  source: string | null;
  /** added | running | complete | error | killed | expired */
  status: string;
  /** The node holding the task (the creator until another node takes it over). */
  node_id: string;
  /** ISO time the holder's lease ends; null: nobody holds it yet (a deferred task not yet asked for). */
  lease_until: ColumnType<string | null, string | null | undefined, string | null>;
  /** How many times a node took the task. */
  attempts: ColumnType<number, number | undefined, number>;
  kill_requested: GeneratedBool;
  sql: string | null;
  connection_name: string | null;
  dialect: string | null;
  /** The formatted result body (text; xlsx as base64). */
  result: string | null;
  content_type: string | null;
  message: string | null;
  runtime: number | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
}

export interface SqlQueriesTable {
  slug: string;
  connection_name: string;
  model_name: string | null;
  sql: string;
  vis_config: string | null;
  user_id: number | null;
  run_count: ColumnType<number, number | undefined, number>;
  last_run_at: string | null;
  last_runtime: number | null;
  created_at: string;
}

export interface ContentMetadataTable {
  id: Generated<number>;
  parent_id: number | null;
  /** space | look | dashboard */
  content_type: string;
  inherits: ColumnType<boolean | number, boolean | undefined, boolean>;
}

export interface ContentMetadataAccessTable {
  id: Generated<number>;
  content_metadata_id: number;
  /** view | edit */
  permission_type: string;
  user_id: number | null;
  group_id: number | null;
}

export interface FoldersTable {
  id: Generated<number>;
  name: string;
  parent_id: number | null;
  creator_id: number | null;
  /** Set on a user's personal folder (one per user). */
  personal_user_id: number | null;
  is_shared_root: GeneratedBool;
  is_users_root: GeneratedBool;
  content_metadata_id: number;
  created_at: string;
}

export interface LooksTable {
  id: Generated<number>;
  title: string;
  description: string | null;
  folder_id: number;
  user_id: number | null;
  query_id: number;
  deleted: GeneratedBool;
  deleted_at: string | null;
  /** Other writable Look members (JSON object). */
  attrs: ColumnType<string, string | undefined, string>;
  content_metadata_id: number;
  created_at: string;
  updated_at: string;
}

export interface DashboardsTable {
  id: Generated<number>;
  title: string;
  description: string | null;
  folder_id: number;
  user_id: number | null;
  slug: string;
  deleted: GeneratedBool;
  deleted_at: string | null;
  attrs: ColumnType<string, string | undefined, string>;
  content_metadata_id: number;
  created_at: string;
  updated_at: string;
}

export interface DashboardElementsTable {
  id: Generated<number>;
  dashboard_id: number;
  /** vis | text | button | … (Looker's element type). */
  type: string;
  title: string | null;
  query_id: number | null;
  look_id: number | null;
  attrs: ColumnType<string, string | undefined, string>;
}

export interface DashboardFiltersTable {
  id: Generated<number>;
  dashboard_id: number;
  name: string;
  attrs: ColumnType<string, string | undefined, string>;
}

export interface DashboardLayoutsTable {
  id: Generated<number>;
  dashboard_id: number;
  active: GeneratedBool;
  attrs: ColumnType<string, string | undefined, string>;
}

export interface DashboardLayoutComponentsTable {
  id: Generated<number>;
  dashboard_layout_id: number;
  dashboard_element_id: number;
  attrs: ColumnType<string, string | undefined, string>;
}

export interface Database {
  users: UsersTable;
  credentials_email: CredentialsEmailTable;
  credentials_api3: CredentialsApi3Table;
  access_tokens: AccessTokensTable;
  sessions: SessionsTable;
  browser_sessions: BrowserSessionsTable;
  permission_sets: PermissionSetsTable;
  permission_set_permissions: PermissionSetPermissionsTable;
  model_sets: ModelSetsTable;
  model_set_models: ModelSetModelsTable;
  roles: RolesTable;
  user_roles: UserRolesTable;
  user_attributes: UserAttributesTable;
  user_attribute_values: UserAttributeValuesTable;
  metadata: MetadataTable;
  projects: ProjectsTable;
  dev_copies: DevCopiesTable;
  dev_branch_heads: DevBranchHeadsTable;
  overlay_files: OverlayFilesTable;
  validation_results: ValidationResultsTable;
  lookml_model_configs: LookmlModelConfigsTable;
  connections: ConnectionsTable;
  queries: QueriesTable;
  query_tasks: QueryTasksTable;
  sql_queries: SqlQueriesTable;
  content_metadata: ContentMetadataTable;
  content_metadata_access: ContentMetadataAccessTable;
  folders: FoldersTable;
  looks: LooksTable;
  dashboards: DashboardsTable;
  dashboard_elements: DashboardElementsTable;
  dashboard_filters: DashboardFiltersTable;
  dashboard_layouts: DashboardLayoutsTable;
  dashboard_layout_components: DashboardLayoutComponentsTable;
}

export function bool(value: boolean | number): boolean {
  return value === true || value === 1;
}
