/**
 * Render tasks (`/render_tasks…`): dashboards (user-defined or LookML `model::name`) to PDF/PNG/JPG,
 * one dashboard element, looks and queries to PNG/JPG, always from production. A task belongs to the user who made it;
 * its results are the bytes with their image/PDF content type, 202 while it is not done.
 * One Overlook extension: deleting a task, which also stops its render.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { dashboardTarget, type Requester } from '../../render/content.ts';
import { PAPER_SIZES } from '../../render/page-render.ts';
import { RenderRefusal, type Renderer } from '../../render/renderer.ts';
import type { RenderFormat, RenderTarget, RenderTaskRecord } from '../../render/task-store.ts';
import { THEMES, themeSettings } from '../../render/themes.ts';
import { requireAuth } from '../auth-context.ts';
import { ApiError, validationFailed } from '../errors.ts';
import { EXTENSION_TAG } from '../openapi.ts';
import { registerLookerRoute } from '../route.ts';
import type { OasSchema, SpecOperation } from '../spec.ts';
import { content } from './content-call.ts';

/** Chromium's largest viewport/screenshot side. */
export const MAX_RENDER_SIDE = 16_384;

const json = (schema: OasSchema): { content: Record<string, { schema: OasSchema }> } => ({ content: { 'application/json': { schema } } });

export const DELETE_RENDER_TASK_OPERATION: SpecOperation = {
  operationId: 'overlook_delete_render_task',
  method: 'DELETE',
  specPath: '/render_tasks/{render_task_id}',
  operation: {
    operationId: 'overlook_delete_render_task',
    tags: [EXTENSION_TAG],
    summary: 'Delete a render task',
    description: 'Deletes the render task and its results; a render of it in progress stops and frees its slot.',
    parameters: [{ name: 'render_task_id', in: 'path', required: true, schema: { type: 'string' }, description: 'Id of render task' }],
    responses: {
      '204': { description: 'Deleted' },
      '404': { description: 'Not Found', ...json({ $ref: '#/components/schemas/Error' }) },
    },
  },
};

export function renderTaskJson(t: RenderTaskRecord): Record<string, unknown> {
  const isDashboard = t.target.kind === 'dashboard' || t.target.kind === 'lookml_dashboard';
  return {
    can: {}, id: t.id, created_at: t.created_at, finalized_at: t.finalized_at, status: t.status, status_detail: t.status_detail,
    result_format: t.result_format, width: t.width, height: t.height, user_id: t.user_id,
    dashboard_id: t.target.kind === 'dashboard' ? t.target.id : null,
    lookml_dashboard_id: t.target.kind === 'lookml_dashboard' ? t.target.id : null,
    look_id: t.target.kind === 'look' ? t.target.id : null,
    query_id: t.target.kind === 'query' ? t.target.id : null,
    dashboard_element_id: t.target.kind === 'dashboard_element' ? t.target.id : null,
    dashboard_filters: isDashboard ? t.options.dashboard_filters ?? null : null,
    dashboard_style: isDashboard ? t.options.dashboard_style ?? null : null,
    query_runtime: t.query_runtime, render_runtime: t.render_runtime, runtime: t.runtime,
  };
}

function requesterOf(request: FastifyRequest): Requester {
  const auth = requireAuth(request);
  return { userId: auth.userId, permissions: auth.permissions, workspace: auth.workspaceId === 'dev' ? 'dev' : 'production', ...(auth.models === undefined ? {} : { models: auth.models }) };
}

function formatOf(value: string, allowed: readonly RenderFormat[]): RenderFormat {
  const f = value.toLowerCase() === 'jpeg' ? 'jpg' : value.toLowerCase();
  const hit = allowed.find((a) => a === f);
  if (hit === undefined) {
    throw validationFailed([{ field: 'result_format', code: 'invalid', message: `result_format must be one of: ${allowed.join(', ')} (got '${value}').` }]);
  }
  return hit;
}

function sizeOf(query: { width?: unknown; height?: unknown }): { width: number; height: number } {
  const out: Record<'width' | 'height', number> = { width: 0, height: 0 };
  for (const side of ['width', 'height'] as const) {
    const v = query[side];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_RENDER_SIDE) {
      throw validationFailed([{ field: side, code: 'invalid', message: `${side} must be a whole number of pixels from 1 to ${MAX_RENDER_SIDE}.` }]);
    }
    out[side] = v;
  }
  return out;
}

/** `theme`: Looker renders the embedded, themed dashboard with a theme's name; a name that is no theme is refused. */
function themeOf(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  if (themeSettings(value) === null) {
    throw validationFailed([{ field: 'theme', code: 'not_found', message: `Theme '${value}' not found. The themes are: ${Object.keys(THEMES).join(', ')}.` }]);
  }
  return value;
}

/**
 * `tab_ids`: the tabs to render. Overlook's dashboards (user-defined and LookML) are one page with
 * no tabs, so an empty list or none renders that page and any id names a tab that does not exist.
 */
function checkTabs(value: unknown, dashboardId: string): void {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw validationFailed([{ field: 'tab_ids', code: 'invalid', message: 'tab_ids must be a list of tab ids.' }]);
  }
  if (value.length > 0) {
    throw validationFailed([{ field: 'tab_ids', code: 'not_found', message: `Dashboard ${dashboardId} has no tabs ${value.map((v) => `'${v}'`).join(', ')}: its tiles are on one page, rendered without tab_ids.` }]);
  }
}

export function registerRenderTaskRoutes(app: FastifyInstance, renderer: Renderer): void {
  const create = async (request: FastifyRequest, target: RenderTarget, format: RenderFormat, size: { width: number; height: number }, options: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const who = requesterOf(request);
    try {
      const task = await content(() => renderer.create(who, { target, format, ...size, options }));
      return renderTaskJson(task);
    } catch (error) {
      if (!(error instanceof RenderRefusal)) throw error;
      throw error.code === 'unavailable'
        ? new ApiError('service_unavailable', { message: error.message })
        : new ApiError('too_many_requests', { message: error.message, headers: { 'retry-after': '5' } });
    }
  };

  const own = async (request: FastifyRequest, id: string): Promise<RenderTaskRecord> => {
    const auth = requireAuth(request);
    const task = await renderer.get(id);
    if (!task || (task.user_id !== auth.userId && !auth.permissions.has('administer'))) {
      throw new ApiError('not_found', { message: `Render task ${id} not found.` });
    }
    return task;
  };

  type DashboardQuery = { width?: unknown; height?: unknown; pdf_paper_size?: unknown; pdf_landscape?: unknown; long_tables?: unknown; theme?: unknown };
  type DashboardBody = { dashboard_style?: unknown; dashboard_filters?: unknown; tab_ids?: unknown } | undefined;
  registerLookerRoute<{ Params: { dashboard_id: string; result_format: string }; Querystring: DashboardQuery; Body: DashboardBody }>(app, {
    operationId: 'create_dashboard_render_task',
    handler: async (request) => {
      const format = formatOf(request.params.result_format, ['pdf', 'png', 'jpg']);
      const size = sizeOf(request.query);
      const q = request.query;
      const body = request.body ?? {};
      const paper = typeof q.pdf_paper_size === 'string' && q.pdf_paper_size !== '' ? q.pdf_paper_size.toLowerCase() : null;
      if (paper !== null && PAPER_SIZES[paper] === undefined) {
        throw validationFailed([{ field: 'pdf_paper_size', code: 'invalid', message: `pdf_paper_size must be one of: ${Object.keys(PAPER_SIZES).join(', ')}.` }]);
      }
      const style = typeof body.dashboard_style === 'string' && body.dashboard_style !== '' ? body.dashboard_style : null;
      if (style !== null && style !== 'tiled' && style !== 'single_column') {
        throw validationFailed([{ field: 'dashboard_style', code: 'invalid', message: 'dashboard_style must be tiled or single_column.' }]);
      }
      const filters = typeof body.dashboard_filters === 'string' ? body.dashboard_filters.replace(/^\?/, '') : null;
      const theme = themeOf(q.theme);
      checkTabs(body.tab_ids, request.params.dashboard_id);
      return create(request, dashboardTarget(request.params.dashboard_id), format, size, {
        dashboard_filters: filters, dashboard_style: style, pdf_paper_size: paper, pdf_landscape: q.pdf_landscape === true,
        long_tables: q.long_tables === true, theme,
      });
    },
  });

  registerLookerRoute<{ Params: { dashboard_element_id: string; result_format: string }; Querystring: { width?: unknown; height?: unknown } }>(app, {
    operationId: 'create_dashboard_element_render_task',
    handler: async (request) => create(request, { kind: 'dashboard_element', id: request.params.dashboard_element_id },
      formatOf(request.params.result_format, ['png', 'jpg']), sizeOf(request.query), {}),
  });

  registerLookerRoute<{ Params: { look_id: string; result_format: string }; Querystring: { width?: unknown; height?: unknown } }>(app, {
    operationId: 'create_look_render_task',
    handler: async (request) => create(request, { kind: 'look', id: request.params.look_id }, formatOf(request.params.result_format, ['png', 'jpg']), sizeOf(request.query), {}),
  });

  registerLookerRoute<{ Params: { query_id: string; result_format: string }; Querystring: { width?: unknown; height?: unknown } }>(app, {
    operationId: 'create_query_render_task',
    handler: async (request) => create(request, { kind: 'query', id: request.params.query_id }, formatOf(request.params.result_format, ['png', 'jpg']), sizeOf(request.query), {}),
  });

  registerLookerRoute<{ Params: { render_task_id: string } }>(app, {
    operationId: 'render_task',
    handler: async (request) => renderTaskJson(await own(request, request.params.render_task_id)),
  });

  registerLookerRoute<{ Params: { render_task_id: string } }>(app, {
    operationId: 'render_task_results',
    handler: async (request, reply) => {
      const task = await own(request, request.params.render_task_id);
      if (task.status === 'failure') {
        throw new ApiError('bad_request', { message: `Render task ${task.id} failed: ${task.status_detail ?? 'no reason was recorded'}` });
      }
      if (task.status !== 'success') return reply.code(202).send();
      const result = await renderer.result(task.id);
      if (!result) throw new ApiError('not_found', { message: `Render task ${task.id} has no results any more (they expire).` });
      return reply.code(200).header('content-type', result.content_type).send(result.bytes);
    },
  });

  registerLookerRoute<{ Params: { render_task_id: string } }>(app, {
    operationId: DELETE_RENDER_TASK_OPERATION.operationId,
    extension: DELETE_RENDER_TASK_OPERATION,
    handler: async (request, reply) => {
      const task = await own(request, request.params.render_task_id);
      await renderer.delete(task.id);
      return reply.code(204).send();
    },
  });

  // The renderer opens this server's own pages: the listening address is the one it can always reach.
  app.addHook('onListen', (done) => {
    const address = app.server.address();
    if (renderer.baseUrl === null && address !== null && typeof address === 'object') {
      const host = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
      renderer.setBaseUrl(`http://${host.includes(':') ? `[${host}]` : host}:${address.port}`);
    }
    done();
  });
  app.addHook('onClose', async () => {
    await renderer.close();
  });
}
