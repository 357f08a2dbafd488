// The members of the Looker API / x-overlook shapes the IDE reads (see src/api/routes/ide.ts,
// git.ts, projects.ts and src/api/presenters/projects.ts on the server).

export interface Project {
  id: string;
  name: string;
  git_remote_url: string | null;
  git_production_branch_name: string | null;
  git_service_name: string | null;
  has_production_counterpart: boolean;
  can?: Record<string, boolean>;
}

export interface ProjectFile {
  id: string;
  path: string;
  title: string;
  type: string;
  editable: boolean;
  git_status: { action: string; conflict: boolean; revertable: boolean; text: string } | null;
}

export interface FileContent {
  path: string;
  content: string;
  blob_id: string;
  source: 'git' | 'overlay';
}

export interface FileChange {
  path: string;
  action: 'add' | 'modify' | 'delete';
}

export interface GitBranch {
  name: string;
  personal: boolean;
  readonly: boolean;
  is_production: boolean;
  is_local: boolean;
  is_remote: boolean;
  owner_name: string | null;
  ahead_count: number | null;
  behind_count: number | null;
  ref: string | null;
  error: string | null;
}

export interface ProjectError {
  code: string | null;
  severity: string;
  message: string;
  file_path: string | null;
  line_number: number | null;
  params?: Record<string, unknown> | null;
}

export interface ProjectValidation {
  errors: ProjectError[];
  project_digest: string;
  computation_time: number;
}

export interface LookmlTestResult {
  model_name: string;
  test_name: string;
  assertions_count: number;
  assertions_failed: number;
  errors: ProjectError[];
  warnings: ProjectError[];
  success: boolean;
}

export interface ApiSession {
  workspace_id: string;
}

/** A problem to show in the errors list: where it is, and what it says. */
export interface IdeProblem {
  severity: string;
  message: string;
  path: string | null;
  line: number | null;
  column: number | null;
}

/** Where the editor should put the cursor; `seq` makes a repeated click on the same spot count. */
export interface GotoTarget {
  line: number;
  column: number;
  seq: number;
}
