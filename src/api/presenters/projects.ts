/**
 * Workspace data → Looker's Project, GitBranch, ProjectFile, ProjectValidation and Manifest JSON.
 */
import type { Diagnostic } from '../../lookml/ast.ts';
import type { Manifest } from '../../model/types.ts';
import type { ProjectRecord } from '../../store/index.ts';
import type { BranchView, FileChange, SnapshotFile } from '../../workspaces/index.ts';

export function projectJson(p: ProjectRecord, productionBranch: string, canDevelop: boolean): Record<string, unknown> {
  return {
    can: { show: true, update: canDevelop, deploy: canDevelop },
    id: p.id,
    name: p.id,
    uses_git: true,
    is_git_dev_locked: false,
    // A hosted project's remote is a path inside Overlook's data dir: not something to show users.
    git_remote_url: p.hosted ? null : p.git_remote_url,
    git_username: null,
    git_production_branch_name: productionBranch,
    use_git_cookie_auth: false,
    git_username_user_attribute: null,
    git_password_user_attribute: null,
    git_service_name: p.hosted ? 'bare' : null,
    git_application_server_http_port: null,
    git_application_server_http_scheme: null,
    pull_request_mode: p.pull_request_mode,
    validation_required: p.validation_required,
    git_release_mgmt_enabled: p.git_release_mgmt_enabled,
    allow_warnings: p.allow_warnings,
    is_example: false,
    has_production_counterpart: p.deployed_commit !== null,
    dependency_status: null,
    // Overlook's member (not in Looker's schema): deploys run the commit's data tests first.
    data_tests_required: p.data_tests_required,
  };
}

export function branchJson(b: BranchView): Record<string, unknown> {
  return {
    can: {},
    name: b.name,
    remote: b.is_remote ? 'origin' : null,
    remote_name: b.is_remote ? b.name : null,
    error: b.error,
    message: b.message,
    owner_name: b.owner_name,
    readonly: b.readonly,
    personal: b.personal,
    is_local: b.is_local,
    is_remote: b.is_remote,
    is_production: b.is_production,
    ahead_count: b.ahead_count,
    behind_count: b.behind_count,
    commit_at: b.commit_at,
    ref: b.ref,
    remote_ref: b.remote_ref,
  };
}

const FILE_TYPES: readonly [RegExp, string, string][] = [
  [/\.model\.lkml$/, 'model', '.model.lkml'],
  [/\.view\.lkml$/, 'view', '.view.lkml'],
  [/\.explore\.lkml$/, 'explore', '.explore.lkml'],
  [/\.dashboard\.(?:lookml|lkml)$/, 'dashboard', '.dashboard.lookml'],
  [/^manifest\.lkml$/, 'manifest', '.lkml'],
  [/\.lkml$/, 'lookml', '.lkml'],
  [/\.md$/, 'document', '.md'],
  [/\.json$/, 'json', '.json'],
];

export function fileJson(f: SnapshotFile, change: FileChange | undefined, editable: boolean): Record<string, unknown> {
  const base = f.path.slice(f.path.lastIndexOf('/') + 1);
  const [, type, extension] = FILE_TYPES.find(([re]) => re.test(f.path)) ?? [null, 'other', base.includes('.') ? base.slice(base.indexOf('.')) : ''];
  const title = extension !== '' && base.endsWith(extension) ? base.slice(0, base.length - extension.length) : base;
  return {
    can: {},
    id: f.path,
    path: f.path,
    title,
    type,
    extension,
    mime_type: type === 'json' ? 'application/json' : type === 'document' ? 'text/markdown' : 'text/plain',
    editable,
    git_status: change ? { action: change.action, conflict: false, revertable: true, text: `${change.action} (uncommitted)` } : null,
  };
}

/** A deleted file still listed as a change (Looker lists it until committed). */
export function deletedFileJson(path: string): Record<string, unknown> {
  return fileJson({ path, blob: '', source: 'overlay' }, { path, action: 'delete' }, true);
}

function modelOf(file: string): string | null {
  const m = /(?:^|\/)([^/]+)\.model\.lkml$/.exec(file);
  return m?.[1] ?? null;
}

/**
 * One LookML validator error. `model_id`, `explore` and `field_name` say where the validator found
 * it (Spectacles groups its report by them); a problem of a file's text names the model file it is in.
 */
export function projectErrorJson(d: Diagnostic): Record<string, unknown> {
  return {
    code: d.code,
    severity: d.severity,
    kind: d.code.split('/')[0] ?? d.code,
    message: d.message,
    field_name: d.field ?? null,
    file_path: d.file,
    line_number: d.line,
    model_id: d.model ?? modelOf(d.file),
    explore: d.explore ?? null,
    help_url: null,
    params: { column: d.column },
    sanitized_message: d.message,
  };
}

export function validationJson(diagnostics: readonly Diagnostic[], digest: string, seconds: number, stale?: boolean): Record<string, unknown> {
  return {
    errors: diagnostics.map(projectErrorJson),
    project_digest: digest,
    models_not_validated: [],
    computation_time: seconds,
    ...(stale === undefined ? {} : { stale }),
  };
}

export function manifestJson(projectId: string, manifest: Manifest): Record<string, unknown> {
  return {
    can: {},
    name: manifest.projectName ?? projectId,
    imports: [
      ...manifest.localDependencies.map((d) => ({ name: d.projectName, url: null, ref: null, is_remote: false })),
      ...manifest.remoteDependencies.map((d) => ({ name: d.name, url: d.url ?? null, ref: d.ref ?? null, is_remote: true })),
    ],
    localization_settings: { default_locale: null, localization_level: null },
  };
}
