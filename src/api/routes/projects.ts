/**
 * Projects (`/projects…`): CRUD, manifest, current workspace, files, validation — each answered
 * from the calling token's workspace.
 */
import type { FastifyInstance } from 'fastify';
import type { Workspaces } from '../../workspaces/index.ts';
import { ApiError } from '../errors.ts';
import { branchJson, deletedFileJson, fileJson, manifestJson, projectJson, validationJson } from '../presenters/projects.ts';
import { registerLookerRoute } from '../route.ts';
import { callerOf, ws } from './workspace-call.ts';

type ProjectParams = { Params: { project_id: string } };

interface ProjectBody {
  name?: string;
  git_remote_url?: string | null;
  git_production_branch_name?: string | null;
  validation_required?: boolean;
  allow_warnings?: boolean;
  pull_request_mode?: string;
  git_release_mgmt_enabled?: boolean;
  /** Overlook: Looker's "Require data tests to pass before deploying to production" project setting. */
  data_tests_required?: boolean;
}

export function registerProjectRoutes(app: FastifyInstance, workspaces: Workspaces): void {
  const present = async (id: string, canDevelop: boolean): Promise<Record<string, unknown>> => {
    const project = await workspaces.project(id);
    const repo = await workspaces.core.repo(project);
    return projectJson(project, workspaces.core.productionBranch(project, repo), canDevelop);
  };

  registerLookerRoute(app, {
    operationId: 'all_projects',
    handler: (request) => ws(async () => {
      const caller = callerOf(request);
      const canDevelop = request.auth?.permissions.has('develop') === true;
      const all = await workspaces.allProjects();
      return Promise.all(all.map((p) => present(p.id, canDevelop && caller.workspace === 'dev')));
    }),
  });

  registerLookerRoute<ProjectParams>(app, {
    operationId: 'project',
    handler: (request) => ws(async () => {
      const caller = callerOf(request);
      return present(request.params.project_id, caller.workspace === 'dev' && request.auth?.permissions.has('develop') === true);
    }),
  });

  registerLookerRoute<{ Body: ProjectBody }>(app, {
    operationId: 'create_project',
    handler: (request) => ws(async () => {
      const caller = callerOf(request, 'develop');
      const name = request.body.name;
      if (typeof name !== 'string' || name === '') {
        throw new ApiError('validation_failed', { errors: [{ field: 'name', code: 'missing_field', message: 'A project name is required.' }] });
      }
      const created = await workspaces.createProject(caller, { name, git_remote_url: request.body.git_remote_url ?? null });
      if (hasSettings(request.body)) await workspaces.updateProject(caller, created.id, settingsOf(request.body));
      return present(created.id, true);
    }),
  });

  registerLookerRoute<ProjectParams & { Body: ProjectBody }>(app, {
    operationId: 'update_project',
    handler: (request) => ws(async () => {
      const caller = callerOf(request, 'develop');
      const body = request.body;
      await workspaces.updateProject(caller, request.params.project_id, {
        ...settingsOf(body),
        ...(body.git_remote_url === undefined ? {} : { git_remote_url: body.git_remote_url }),
      });
      return present(request.params.project_id, caller.workspace === 'dev');
    }),
  });

  registerLookerRoute<ProjectParams>(app, {
    operationId: 'manifest',
    handler: (request) => ws(async () => {
      const caller = callerOf(request);
      const { loaded } = await workspaces.load(request.params.project_id, caller);
      return manifestJson(request.params.project_id, loaded.project.manifest);
    }),
  });

  registerLookerRoute<ProjectParams>(app, {
    operationId: 'project_workspace',
    handler: (request) => ws(async () => {
      const caller = callerOf(request);
      const resolved = await workspaces.resolve(request.params.project_id, caller);
      const branch = await workspaces.currentBranch(request.params.project_id, caller);
      return {
        can: {},
        project_id: request.params.project_id,
        workspace_id: caller.workspace,
        git_status: resolved.snapshot.changes.length > 0 ? 'uncommitted_changes' : 'ok',
        git_head: resolved.snapshot.commit,
        dependency_status: 'lock_optional',
        git_branch: branchJson(branch),
        lookml_type: 'lookml',
      };
    }),
  });

  registerLookerRoute<ProjectParams>(app, {
    operationId: 'all_project_files',
    handler: (request) => ws(async () => {
      const caller = callerOf(request, 'see_lookml');
      const { files, changes } = await workspaces.listFiles(request.params.project_id, caller);
      const byPath = new Map(changes.map((c) => [c.path, c]));
      const editable = caller.workspace === 'dev';
      return [
        ...files.map((f) => fileJson(f, byPath.get(f.path), editable)),
        ...changes.filter((c) => c.action === 'delete').map((c) => deletedFileJson(c.path)),
      ];
    }),
  });

  registerLookerRoute<ProjectParams & { Querystring: { file_id: string } }>(app, {
    operationId: 'project_file',
    handler: (request) => ws(async () => {
      const caller = callerOf(request, 'see_lookml');
      const { files, changes } = await workspaces.listFiles(request.params.project_id, caller);
      const file = files.find((f) => f.path === request.query.file_id);
      if (!file) throw new ApiError('not_found', { message: `File ${request.query.file_id} not found in project ${request.params.project_id}.` });
      return fileJson(file, changes.find((c) => c.path === file.path), caller.workspace === 'dev');
    }),
  });

  registerLookerRoute<ProjectParams>(app, {
    operationId: 'validate_project',
    handler: (request) => ws(async () => {
      const caller = callerOf(request);
      const outcome = await workspaces.validate(request.params.project_id, caller);
      return validationJson(outcome.diagnostics, outcome.workspaceKey, outcome.seconds);
    }),
  });

  registerLookerRoute<ProjectParams>(app, {
    operationId: 'project_validation_results',
    handler: (request, reply) => ws(async () => {
      const caller = callerOf(request);
      const outcome = await workspaces.validationResults(request.params.project_id, caller);
      if (outcome === null) return reply.code(204).send();
      return validationJson(outcome.diagnostics, outcome.workspaceKey, outcome.seconds, outcome.stale);
    }),
  });
}

function hasSettings(body: ProjectBody): boolean {
  return Object.keys(settingsOf(body)).length > 0;
}

function settingsOf(body: ProjectBody): Omit<ProjectBody, 'name' | 'git_remote_url'> {
  return {
    ...(body.git_production_branch_name === undefined ? {} : { git_production_branch_name: body.git_production_branch_name }),
    ...(body.validation_required === undefined ? {} : { validation_required: body.validation_required }),
    ...(body.allow_warnings === undefined ? {} : { allow_warnings: body.allow_warnings }),
    ...(body.pull_request_mode === undefined ? {} : { pull_request_mode: body.pull_request_mode }),
    ...(body.git_release_mgmt_enabled === undefined ? {} : { git_release_mgmt_enabled: body.git_release_mgmt_enabled }),
    ...(body.data_tests_required === undefined ? {} : { data_tests_required: body.data_tests_required }),
  };
}
