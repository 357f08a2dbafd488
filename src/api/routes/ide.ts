/**
 * Overlook extensions for the LookML IDE (tag `x-overlook` in openapi.json): read a file with its
 * content, write/delete/rename files in the caller's dev overlay, list and discard uncommitted
 * changes, commit, pull from remote, and delete a project. Declared in the spec's own shape so they
 * are validated and documented like Looker's operations.
 */
import type { FastifyInstance } from 'fastify';
import type { Workspaces } from '../../workspaces/index.ts';
import { EXTENSION_TAG } from '../openapi.ts';
import { registerLookerRoute } from '../route.ts';
import type { OasOperation, OasSchema, SpecOperation } from '../spec.ts';
import { callerOf, ws } from './workspace-call.ts';

const ERROR = { $ref: '#/components/schemas/Error' };
const VALIDATION_ERROR = { $ref: '#/components/schemas/ValidationError' };
const PROJECT_ID = { name: 'project_id', in: 'path' as const, required: true, schema: { type: 'string' }, description: 'Project Id' };

function json(schema: OasSchema): { content: Record<string, { schema: OasSchema }> } {
  return { content: { 'application/json': { schema } } };
}

const FILE_CONTENT: OasSchema = {
  type: 'object',
  properties: {
    path: { type: 'string', readOnly: true },
    content: { type: 'string', readOnly: true },
    blob_id: { type: 'string', readOnly: true, description: 'git blob id of the content (its content key)' },
    source: { type: 'string', readOnly: true, description: '"git" (committed) or "overlay" (uncommitted edit)' },
  },
};

const CHANGE: OasSchema = {
  type: 'object',
  properties: { path: { type: 'string', readOnly: true }, action: { type: 'string', readOnly: true, description: 'add, modify or delete' } },
};

function op(operationId: string, method: string, specPath: string, summary: string, rest: Partial<OasOperation>): SpecOperation {
  const operation: OasOperation = {
    operationId,
    tags: [EXTENSION_TAG],
    summary,
    parameters: [PROJECT_ID],
    responses: {
      '400': { description: 'Bad Request', ...json(ERROR) },
      '404': { description: 'Not Found', ...json(ERROR) },
      ...rest.responses,
    },
    ...Object.fromEntries(Object.entries(rest).filter(([k]) => k !== 'responses')),
  };
  return { operationId, method, specPath, operation };
}

const PATH_QUERY = { name: 'path', in: 'query' as const, required: true, schema: { type: 'string' }, description: 'File path relative to the project root' };

export const IDE_OPERATIONS = {
  readFile: op('overlook_project_file_content', 'GET', '/projects/{project_id}/ide/file', 'Read a file of the session workspace, with its content', {
    parameters: [PROJECT_ID, PATH_QUERY],
    responses: { '200': { description: 'File', ...json(FILE_CONTENT) } },
  }),
  writeFile: op('overlook_write_project_file', 'PUT', '/projects/{project_id}/ide/file', 'Create or replace a file in your dev overlay (dev mode)', {
    requestBody: { required: true, ...json({ type: 'object', required: ['path', 'content'], properties: { path: { type: 'string' }, content: { type: 'string' } } }) },
    responses: { '200': { description: 'File', ...json(FILE_CONTENT) }, '403': { description: 'Read-only branch', ...json(ERROR) }, '422': { description: 'Invalid path', ...json(VALIDATION_ERROR) } },
  }),
  deleteFile: op('overlook_delete_project_file', 'DELETE', '/projects/{project_id}/ide/file', 'Delete a file in your dev overlay (dev mode)', {
    parameters: [PROJECT_ID, PATH_QUERY],
    responses: { '204': { description: 'Deleted' }, '422': { description: 'Invalid path', ...json(VALIDATION_ERROR) } },
  }),
  renameFile: op('overlook_rename_project_file', 'POST', '/projects/{project_id}/ide/rename', 'Rename a file in your dev overlay (dev mode)', {
    requestBody: { required: true, ...json({ type: 'object', required: ['path', 'new_path'], properties: { path: { type: 'string' }, new_path: { type: 'string' } } }) },
    responses: { '204': { description: 'Renamed' }, '409': { description: 'Target exists', ...json(ERROR) }, '422': { description: 'Invalid path', ...json(VALIDATION_ERROR) } },
  }),
  changes: op('overlook_project_changes', 'GET', '/projects/{project_id}/ide/changes', 'Uncommitted changes of your dev copy', {
    responses: { '200': { description: 'Changes', ...json({ type: 'array', items: CHANGE }) } },
  }),
  discard: op('overlook_discard_project_changes', 'POST', '/projects/{project_id}/ide/discard', 'Discard uncommitted changes (all, or the given paths)', {
    requestBody: { required: false, ...json({ type: 'object', properties: { paths: { type: 'array', items: { type: 'string' } } } }) },
    responses: { '204': { description: 'Discarded' } },
  }),
  commit: op('overlook_commit_project_changes', 'POST', '/projects/{project_id}/ide/commit', 'Commit your uncommitted changes to your current branch and push them', {
    requestBody: { required: true, ...json({ type: 'object', required: ['message'], properties: { message: { type: 'string' } } }) },
    responses: {
      '200': { description: 'Commit', ...json({ type: 'object', properties: { commit: { type: 'string', readOnly: true } } }) },
      '409': { description: 'Remote moved: pull first', ...json(ERROR) },
      '422': { description: 'LookML errors', ...json(VALIDATION_ERROR) },
    },
  }),
  pull: op('overlook_pull_project', 'POST', '/projects/{project_id}/ide/pull', 'Merge the remote branch into your dev copy (conflicts are reported, nothing is lost)', {
    responses: {
      '200': { description: 'Pulled', ...json({ type: 'object', properties: { status: { type: 'string', readOnly: true }, head: { type: 'string', readOnly: true } } }) },
      '409': { description: 'Conflicts or uncommitted changes', ...json(ERROR) },
    },
  }),
  deleteProject: op('overlook_delete_project', 'DELETE', '/projects/{project_id}', 'Delete a project (dev mode; a hosted repository is deleted too, a remote is left untouched)', {
    responses: { '204': { description: 'Deleted' } },
  }),
} satisfies Record<string, SpecOperation>;

type ProjectParams = { Params: { project_id: string } };

export function registerIdeRoutes(app: FastifyInstance, workspaces: Workspaces): void {
  const fileBody = async (projectId: string, request: Parameters<typeof callerOf>[0], path: string): Promise<Record<string, unknown>> => {
    const file = await workspaces.readFile(projectId, callerOf(request), path);
    return { path: file.path, content: file.content, blob_id: file.blob, source: file.source };
  };

  registerLookerRoute<ProjectParams & { Querystring: { path: string } }>(app, {
    operationId: IDE_OPERATIONS.readFile.operationId,
    extension: IDE_OPERATIONS.readFile,
    handler: (request) => ws(async () => {
      callerOf(request, 'see_lookml');
      return fileBody(request.params.project_id, request, request.query.path);
    }),
  });

  registerLookerRoute<ProjectParams & { Body: { path: string; content: string } }>(app, {
    operationId: IDE_OPERATIONS.writeFile.operationId,
    extension: IDE_OPERATIONS.writeFile,
    bodyLimit: 8 * 1024 * 1024,
    handler: (request) => ws(async () => {
      await workspaces.writeFile(request.params.project_id, callerOf(request, 'develop'), request.body.path, request.body.content);
      return fileBody(request.params.project_id, request, request.body.path);
    }),
  });

  registerLookerRoute<ProjectParams & { Querystring: { path: string } }>(app, {
    operationId: IDE_OPERATIONS.deleteFile.operationId,
    extension: IDE_OPERATIONS.deleteFile,
    handler: (request, reply) => ws(async () => {
      await workspaces.deleteFile(request.params.project_id, callerOf(request, 'develop'), request.query.path);
      return reply.code(204).send();
    }),
  });

  registerLookerRoute<ProjectParams & { Body: { path: string; new_path: string } }>(app, {
    operationId: IDE_OPERATIONS.renameFile.operationId,
    extension: IDE_OPERATIONS.renameFile,
    handler: (request, reply) => ws(async () => {
      await workspaces.renameFile(request.params.project_id, callerOf(request, 'develop'), request.body.path, request.body.new_path);
      return reply.code(204).send();
    }),
  });

  registerLookerRoute<ProjectParams>(app, {
    operationId: IDE_OPERATIONS.changes.operationId,
    extension: IDE_OPERATIONS.changes,
    handler: (request) => ws(async () => (await workspaces.listFiles(request.params.project_id, callerOf(request, 'see_lookml'))).changes),
  });

  registerLookerRoute<ProjectParams & { Body: { paths?: string[] } | undefined }>(app, {
    operationId: IDE_OPERATIONS.discard.operationId,
    extension: IDE_OPERATIONS.discard,
    handler: (request, reply) => ws(async () => {
      await workspaces.discardChanges(request.params.project_id, callerOf(request, 'develop'), request.body?.paths);
      return reply.code(204).send();
    }),
  });

  registerLookerRoute<ProjectParams & { Body: { message: string } }>(app, {
    operationId: IDE_OPERATIONS.commit.operationId,
    extension: IDE_OPERATIONS.commit,
    handler: (request) => ws(async () => ({
      commit: await workspaces.commit(request.params.project_id, callerOf(request, 'develop'), request.body.message),
    })),
  });

  registerLookerRoute<ProjectParams>(app, {
    operationId: IDE_OPERATIONS.pull.operationId,
    extension: IDE_OPERATIONS.pull,
    handler: (request) => ws(async () => workspaces.pull(request.params.project_id, callerOf(request, 'develop'))),
  });

  registerLookerRoute<ProjectParams>(app, {
    operationId: IDE_OPERATIONS.deleteProject.operationId,
    extension: IDE_OPERATIONS.deleteProject,
    handler: (request, reply) => ws(async () => {
      await workspaces.deleteProject(callerOf(request, 'develop'), request.params.project_id);
      return reply.code(204).send();
    }),
  });
}
