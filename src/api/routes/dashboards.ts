/**
 * Dashboards (`/dashboards…`): user-defined dashboards in folders (folder access decides who sees
 * and changes them; invisible ones are 404) and the LookML dashboards of the caller's workspace
 * (`<model>::<name>`, read-only). Elements, filters and layouts are in `dashboards-parts.ts`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ContentAccess } from '../../content/access.ts';
import type { DashboardDetail } from '../../content/dashboards-types.ts';
import { DashboardParts } from '../../content/dashboards-parts.ts';
import { Dashboards, type Who } from '../../content/dashboards.ts';
import { Folders } from '../../content/folders.ts';
import { isLookmlDashboardId } from '../../content/lookml-dashboards.ts';
import type { QueryRunner } from '../../queries/runner.ts';
import type { Store } from '../../store/index.ts';
import type { Workspaces } from '../../workspaces/index.ts';
import { requirePermission } from '../auth-context.ts';
import { ApiError } from '../errors.ts';
import { dashboardBaseJson, dashboardJson } from '../presenters/dashboards.ts';
import { registerLookerRoute } from '../route.ts';
import { content, jsonContext, readPermission, whoOf, type DashboardRouteDeps } from './dashboards-context.ts';
import { registerDashboardPartRoutes } from './dashboards-parts.ts';

function lookmlReadOnly(id: string, method: string): ApiError {
  return new ApiError('method_not_allowed', {
    message: `LookML dashboard ${id} is read-only (${method} is not allowed): change its .dashboard.lookml file, or import_lookml_dashboard to get an editable copy.`,
    headers: { allow: 'GET' },
  });
}

export function registerDashboardRoutes(app: FastifyInstance, store: Store, workspaces: Workspaces, runner: QueryRunner, publicUrl: string | undefined): void {
  const access = new ContentAccess(store);
  const folders = new Folders(store, access);
  const dashboards = new Dashboards(store, access, folders, workspaces);
  const deps: DashboardRouteDeps = { store, workspaces, runner, publicUrl, dashboards, parts: new DashboardParts(dashboards) };
  const full = async (request: FastifyRequest, who: Who, detail: DashboardDetail): Promise<Record<string, unknown>> =>
    dashboardJson(detail, await jsonContext(deps, request, who, [], [detail]));

  registerLookerRoute(app, {
    operationId: 'all_dashboards',
    handler: async (request) => {
      const who = whoOf(request, 'access_data');
      const views = await content(() => dashboards.all(who));
      const ctx = await jsonContext(deps, request, who, views);
      return views.map((v) => dashboardBaseJson(v, ctx));
    },
  });

  registerLookerRoute<{ Params: { folder_id: string } }>(app, {
    operationId: 'folder_dashboards',
    handler: async (request) => {
      const who = whoOf(request, 'access_data');
      const views = await content(() => dashboards.inFolder(who, request.params.folder_id));
      const details = await content(async () => Promise.all(views.map((v) => dashboards.detail(who, v.record.id))));
      const ctx = await jsonContext(deps, request, who, [], details);
      return details.map((d) => dashboardJson(d, ctx));
    },
  });

  registerLookerRoute<{ Params: { dashboard_id: string } }>(app, {
    operationId: 'dashboard',
    handler: async (request) => {
      const id = request.params.dashboard_id;
      const who = whoOf(request, readPermission(id));
      return full(request, who, await content(() => dashboards.detail(who, id)));
    },
  });

  registerLookerRoute<{ Querystring: Record<string, unknown> }>(app, {
    operationId: 'search_dashboards',
    handler: async (request) => {
      const who = whoOf(request, 'see_user_dashboards');
      const views = await content(() => dashboards.search(who, request.query));
      const details = await content(async () => Promise.all(views.map((v) => dashboards.detail(who, v.record.id))));
      const ctx = await jsonContext(deps, request, who, [], details);
      return details.map((d) => dashboardJson(d, ctx));
    },
  });

  registerLookerRoute<{ Body: Record<string, unknown> | undefined }>(app, {
    operationId: 'create_dashboard',
    handler: async (request) => {
      const who = whoOf(request, 'save_content');
      const made = await content(() => dashboards.create(who, request.body ?? {}));
      return full(request, who, await content(() => dashboards.detail(who, made.record.id)));
    },
  });

  registerLookerRoute<{ Params: { dashboard_id: string }; Body: Record<string, unknown> | undefined }>(app, {
    operationId: 'update_dashboard',
    handler: async (request) => {
      const id = request.params.dashboard_id;
      if (isLookmlDashboardId(id)) throw lookmlReadOnly(id, 'PATCH');
      const who = whoOf(request, 'save_content');
      const updated = await content(() => dashboards.update(who, id, request.body ?? {}));
      return full(request, who, await content(() => dashboards.detail(who, updated.record.id)));
    },
  });

  registerLookerRoute<{ Params: { dashboard_id: string } }>(app, {
    operationId: 'delete_dashboard',
    handler: async (request, reply) => {
      const id = request.params.dashboard_id;
      if (isLookmlDashboardId(id)) throw lookmlReadOnly(id, 'DELETE');
      const who = whoOf(request, 'save_content');
      await content(() => dashboards.delete(who, id));
      return reply.code(204).send();
    },
  });

  registerLookerRoute<{ Params: { dashboard_id: string }; Querystring: { folder_id: string } }>(app, {
    operationId: 'move_dashboard',
    handler: async (request) => {
      const id = request.params.dashboard_id;
      if (isLookmlDashboardId(id)) throw lookmlReadOnly(id, 'PATCH');
      const who = whoOf(request, 'save_content');
      const moved = await content(() => dashboards.move(who, id, request.query.folder_id));
      return full(request, who, await content(() => dashboards.detail(who, moved.record.id)));
    },
  });

  registerLookerRoute<{ Params: { dashboard_id: string }; Querystring: { folder_id?: string } }>(app, {
    operationId: 'copy_dashboard',
    handler: async (request) => {
      const who = whoOf(request, 'save_content');
      const copy = await content(() => dashboards.copy(who, request.params.dashboard_id, request.query.folder_id));
      return full(request, who, await content(() => dashboards.detail(who, copy.record.id)));
    },
  });

  registerLookerRoute<{ Params: { lookml_dashboard_id: string; space_id: string }; Body: Record<string, unknown> | undefined }>(app, {
    operationId: 'import_lookml_dashboard',
    handler: async (request) => {
      const who = whoOf(request, 'save_content');
      if (!who.permissions.has('see_lookml_dashboards')) throw new ApiError('forbidden', { message: 'Requires permission: see_lookml_dashboards.' });
      const made = await content(() => dashboards.importLookml(who, request.params.lookml_dashboard_id, request.params.space_id, request.body ?? {}));
      return full(request, who, await content(() => dashboards.detail(who, made.record.id)));
    },
  });

  registerLookerRoute<{ Params: { lookml_dashboard_id: string }; Querystring: { dashboard_ids?: string[] } }>(app, {
    operationId: 'sync_lookml_dashboard',
    handler: async (request) => {
      const who = whoOf(request, 'save_content');
      if (!who.permissions.has('see_lookml_dashboards')) throw new ApiError('forbidden', { message: 'Requires permission: see_lookml_dashboards.' });
      const synced = await content(() => dashboards.syncLookml(who, request.params.lookml_dashboard_id, request.query.dashboard_ids ?? []));
      return synced.map(Number);
    },
  });

  registerLookerRoute<{ Querystring: Record<string, unknown> }>(app, {
    operationId: 'search_lookml_dashboards',
    handler: async (request) => {
      // Looker answers an array of dashboards here (its spec says one DashboardLookml; the SDKs pass the array through).
      const who = whoOf(request, 'see_lookml_dashboards');
      const views = await content(() => dashboards.searchLookml(who, request.query));
      const production: Who = { ...who, workspace: 'production' };
      const details = await content(async () => Promise.all(views.map((v) => dashboards.detail(production, v.record.id))));
      const ctx = await jsonContext(deps, request, production, [], details);
      return details.map((d) => dashboardJson(d, ctx));
    },
  });

  registerLookerRoute<{ Params: { dashboard_id: string } }>(app, {
    operationId: 'dashboard_lookml',
    handler: async (request) => {
      const id = request.params.dashboard_id;
      const who = whoOf(request, readPermission(id));
      requirePermission(request, 'see_lookml');
      return content(() => dashboards.lookml(who, id));
    },
  });

  for (const operationId of ['import_dashboard_from_lookml', 'create_dashboard_from_lookml'] as const) {
    registerLookerRoute<{ Body: Record<string, unknown> | undefined }>(app, {
      operationId,
      handler: async (request) => {
        const who = whoOf(request, 'save_content');
        const made = await content(() => dashboards.importFromLookml(who, request.body ?? {}));
        return full(request, who, await content(() => dashboards.detail(who, made.record.id)));
      },
    });
  }

  registerDashboardPartRoutes(app, deps);
}
