/**
 * LookML models and explores (`/lookml_models…`) as the calling token's workspace defines them:
 * production tokens see deployed models; dev tokens see their dev copy (DESIGN rules 1–2).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Caller, Workspaces, WorkspaceModel } from '../../workspaces/index.ts';
import { ApiError } from '../errors.ts';
import { lookmlModelExploreJson } from '../presenters/lookml-explore.ts';
import { lookmlModelJson } from '../presenters/lookml-model.ts';
import { registerLookerRoute } from '../route.ts';
import { callerOf, ws } from './workspace-call.ts';

type ModelParams = { Params: { lookml_model_name: string } };

interface ModelBody {
  name?: string;
  project_name?: string;
  allowed_db_connection_names?: string[] | null;
  unlimited_db_connections?: boolean;
}

async function modelJson(workspaces: Workspaces, m: WorkspaceModel): Promise<Record<string, unknown>> {
  const config = await workspaces.core.store.projects.modelConfig(m.model.name);
  const restricted = config !== null && !config.unlimited_db_connections;
  return lookmlModelJson(m.model, {
    projectName: m.project.id,
    allowedConnections: restricted ? config.allowed_db_connection_names : null,
  });
}

/** 404 that says when the model exists only in the caller's dev copy (the usual "why can't I see it"). */
async function missingModel(workspaces: Workspaces, caller: Caller, name: string): Promise<ApiError> {
  if (caller.workspace === 'production') {
    const dev = await workspaces.model({ userId: caller.userId, workspace: 'dev' }, name).catch(() => null);
    if (dev) {
      return new ApiError('not_found', {
        message: `Model "${name}" exists only in development mode (project ${dev.project.id}); it is not deployed to production. Call update_session with {"workspace_id":"dev"} to use it.`,
      });
    }
  }
  return new ApiError('not_found', { message: `Model "${name}" not found in the ${caller.workspace} workspace.` });
}

function canSeeLookml(request: FastifyRequest): boolean {
  return request.auth?.permissions.has('see_lookml') === true || request.auth?.permissions.has('develop') === true;
}

export function registerLookmlModelRoutes(app: FastifyInstance, workspaces: Workspaces, publicUrl: string | undefined): void {
  registerLookerRoute<{ Querystring: { limit?: number; offset?: number; exclude_empty?: boolean; exclude_hidden?: boolean } }>(app, {
    operationId: 'all_lookml_models',
    handler: (request) => ws(async () => {
      const caller = callerOf(request);
      const models = await workspaces.models(caller);
      let out = await Promise.all(models.map((m) => modelJson(workspaces, m)));
      if (request.query.exclude_empty === true) out = out.filter((m) => Array.isArray(m.explores) && m.explores.length > 0);
      if (request.query.exclude_hidden === true) {
        out = out.map((m) => ({ ...m, explores: (m.explores as { hidden: boolean }[]).filter((e) => !e.hidden) }));
      }
      const offset = request.query.offset ?? 0;
      return request.query.limit === undefined ? out.slice(offset) : out.slice(offset, offset + request.query.limit);
    }),
  });

  registerLookerRoute<ModelParams>(app, {
    operationId: 'lookml_model',
    handler: (request) => ws(async () => {
      const caller = callerOf(request);
      const m = await workspaces.model(caller, request.params.lookml_model_name);
      if (!m) throw await missingModel(workspaces, caller, request.params.lookml_model_name);
      return modelJson(workspaces, m);
    }),
  });

  registerLookerRoute<{ Params: { lookml_model_name: string; explore_name: string } }>(app, {
    operationId: 'lookml_model_explore',
    handler: (request) => ws(async () => {
      const caller = callerOf(request);
      const m = await workspaces.model(caller, request.params.lookml_model_name);
      if (!m) throw await missingModel(workspaces, caller, request.params.lookml_model_name);
      const explore = m.model.explores[request.params.explore_name];
      if (!explore || explore.extension) {
        throw new ApiError('not_found', { message: `Explore "${request.params.explore_name}" not found in model "${m.model.name}".` });
      }
      const json = lookmlModelExploreJson(m.loaded.project, m.model, explore, {
        projectName: m.project.id, ...(publicUrl === undefined ? {} : { linkBase: publicUrl.replace(/\/+$/, '') }),
      });
      return canSeeLookml(request) ? json : hideSql(json);
    }),
  });

  registerLookerRoute<{ Body: ModelBody }>(app, {
    operationId: 'create_lookml_model',
    handler: (request) => ws(async () => {
      callerOf(request, 'manage_models');
      const { name, project_name } = request.body;
      if (typeof name !== 'string' || name === '' || typeof project_name !== 'string' || project_name === '') {
        throw new ApiError('validation_failed', { errors: [{ field: typeof name === 'string' && name !== '' ? 'project_name' : 'name', code: 'missing_field', message: 'name and project_name are required.' }] });
      }
      if (await workspaces.core.store.projects.modelConfig(name)) throw new ApiError('conflict', { message: `Model "${name}" is already configured.` });
      await workspaces.project(project_name);
      return configJson(await workspaces.core.store.projects.putModelConfig(configOf(name, project_name, request.body)));
    }),
  });

  registerLookerRoute<ModelParams & { Body: ModelBody }>(app, {
    operationId: 'update_lookml_model',
    handler: (request) => ws(async () => {
      const caller = callerOf(request, 'manage_models');
      const name = request.params.lookml_model_name;
      const existing = await workspaces.core.store.projects.modelConfig(name);
      const project = request.body.project_name ?? existing?.project_name ?? (await workspaces.model(caller, name))?.project.id;
      if (project === undefined) throw await missingModel(workspaces, caller, name);
      const merged = configOf(name, project, {
        allowed_db_connection_names: request.body.allowed_db_connection_names ?? existing?.allowed_db_connection_names.slice() ?? [],
        unlimited_db_connections: request.body.unlimited_db_connections ?? (request.body.allowed_db_connection_names !== undefined ? false : existing?.unlimited_db_connections ?? true),
      });
      await workspaces.core.store.projects.putModelConfig(merged);
      const m = await workspaces.model(caller, name);
      return m ? modelJson(workspaces, m) : configJson(merged);
    }),
  });

  registerLookerRoute<ModelParams>(app, {
    operationId: 'delete_lookml_model',
    handler: (request, reply) => ws(async () => {
      callerOf(request, 'manage_models');
      if (!(await workspaces.core.store.projects.deleteModelConfig(request.params.lookml_model_name))) {
        throw new ApiError('not_found', { message: `Model "${request.params.lookml_model_name}" has no configuration to delete.` });
      }
      return reply.code(204).send();
    }),
  });
}

function configOf(name: string, project: string, body: ModelBody): { name: string; project_name: string; allowed_db_connection_names: string[]; unlimited_db_connections: boolean; label: null } {
  const allowed = body.allowed_db_connection_names ?? [];
  return {
    name, project_name: project, allowed_db_connection_names: allowed,
    unlimited_db_connections: body.unlimited_db_connections ?? allowed.length === 0, label: null,
  };
}

function configJson(c: { name: string; project_name: string; allowed_db_connection_names: readonly string[]; unlimited_db_connections: boolean }): Record<string, unknown> {
  return {
    can: { index: true, show: true }, name: c.name, project_name: c.project_name, label: null, explores: [], has_content: false,
    allowed_db_connection_names: [...c.allowed_db_connection_names], unlimited_db_connections: c.unlimited_db_connections,
  };
}

/** Users without see_lookml get field metadata without the LookML SQL, as in Looker. */
function hideSql(explore: Record<string, unknown>): Record<string, unknown> {
  const fields = explore.fields as Record<string, Record<string, unknown>[]> | undefined;
  if (!fields) return explore;
  const strip = (list: Record<string, unknown>[] | undefined) => (list ?? []).map((f) => ({ ...f, sql: null, sql_case: null }));
  return {
    ...explore,
    sql_table_name: null,
    fields: { dimensions: strip(fields.dimensions), measures: strip(fields.measures), filters: strip(fields.filters), parameters: strip(fields.parameters) },
  };
}
