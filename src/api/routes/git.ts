/**
 * Git branches, deploys and resets of a project (`/projects/{id}/git_branch…`, `deploy…`, `reset…`).
 * Reading works in both workspaces; changing branches needs the token in dev (DESIGN rule 3).
 */
import type { FastifyInstance } from 'fastify';
import type { Workspaces } from '../../workspaces/index.ts';
import { branchJson } from '../presenters/projects.ts';
import { registerLookerRoute } from '../route.ts';
import { callerOf, ws } from './workspace-call.ts';

type ProjectParams = { Params: { project_id: string } };
type BranchBody = { Body: { name?: string | null; ref?: string | null } };

export function registerGitRoutes(app: FastifyInstance, workspaces: Workspaces): void {
  registerLookerRoute<ProjectParams>(app, {
    operationId: 'git_branch',
    handler: (request) => ws(async () => branchJson(await workspaces.currentBranch(request.params.project_id, callerOf(request)))),
  });

  registerLookerRoute<ProjectParams>(app, {
    operationId: 'all_git_branches',
    handler: (request) => ws(async () => (await workspaces.allBranches(request.params.project_id, callerOf(request))).map(branchJson)),
  });

  registerLookerRoute<{ Params: { project_id: string; branch_name: string } }>(app, {
    operationId: 'find_git_branch',
    handler: (request) => ws(async () =>
      branchJson(await workspaces.findBranch(request.params.project_id, callerOf(request), request.params.branch_name))),
  });

  registerLookerRoute<ProjectParams & BranchBody>(app, {
    operationId: 'create_git_branch',
    handler: (request) => ws(async () => {
      const caller = callerOf(request, 'develop');
      const { name, ref } = request.body;
      return branchJson(await workspaces.createBranch(request.params.project_id, caller, name ?? '', ref ?? undefined));
    }),
  });

  registerLookerRoute<ProjectParams & BranchBody>(app, {
    operationId: 'update_git_branch',
    handler: (request) => ws(async () => {
      const caller = callerOf(request, 'develop');
      const { name, ref } = request.body;
      return branchJson(await workspaces.updateBranch(request.params.project_id, caller, name ?? undefined, ref ?? undefined));
    }),
  });

  registerLookerRoute<{ Params: { project_id: string; branch_name: string } }>(app, {
    operationId: 'delete_git_branch',
    handler: (request, reply) => ws(async () => {
      await workspaces.deleteBranch(request.params.project_id, callerOf(request, 'develop'), request.params.branch_name);
      return reply.code(204).send();
    }),
  });

  registerLookerRoute<ProjectParams>(app, {
    operationId: 'deploy_to_production',
    handler: (request, reply) => ws(async () => {
      await workspaces.deployToProduction(request.params.project_id, callerOf(request, 'deploy'));
      return reply.code(204).send();
    }),
  });

  registerLookerRoute<ProjectParams & { Querystring: { branch?: string; ref?: string } }>(app, {
    operationId: 'deploy_ref_to_production',
    handler: (request, reply) => ws(async () => {
      const { branch, ref } = request.query;
      await workspaces.deployRefToProduction(request.params.project_id, callerOf(request, 'deploy'), {
        ...(branch === undefined ? {} : { branch }), ...(ref === undefined ? {} : { ref }),
      });
      return reply.code(204).send();
    }),
  });

  registerLookerRoute<ProjectParams>(app, {
    operationId: 'reset_project_to_production',
    handler: (request, reply) => ws(async () => {
      await workspaces.resetToProduction(request.params.project_id, callerOf(request, 'develop'));
      return reply.code(204).send();
    }),
  });

  registerLookerRoute<ProjectParams>(app, {
    operationId: 'reset_project_to_remote',
    handler: (request, reply) => ws(async () => {
      await workspaces.resetToRemote(request.params.project_id, callerOf(request, 'develop'));
      return reply.code(204).send();
    }),
  });
}
