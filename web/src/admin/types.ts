// The members of Looker API shapes the admin pages read (see src/api/routes/presenters.ts and
// connections.ts on the server).

export interface Api3Credential {
  id: string;
  client_id: string;
  created_at: string;
  is_disabled: boolean;
  purpose: string | null;
}

export interface User {
  id: string;
  display_name: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  is_disabled: boolean;
  role_ids: string[];
  credentials_email: { email: string; logged_in_at: string } | null;
  credentials_api3: Api3Credential[];
}

export interface Role {
  id: string;
  name: string;
  permission_set: { name: string; permissions: string[] };
  model_set: { name: string; models: string[] };
}

export interface Connection {
  name: string;
  dialect_name: string;
  dialect: { label: string } | null;
  host: string | null;
  port: string | null;
  database: string | null;
  username: string | null;
  has_password: boolean;
  schema: string | null;
  max_connections: number | null;
  query_timezone: string | null;
}

export interface DialectInfo {
  name: string;
  label: string;
  installed: boolean;
  default_port: string | null;
  label_for_database_equivalent: string;
}

export interface ConnectionTestResult {
  name: string;
  status: string;
  message: string;
}

export interface Project {
  id: string;
  name: string;
  git_remote_url: string | null;
  git_service_name: string | null;
  git_production_branch_name: string | null;
  has_production_counterpart: boolean;
}
