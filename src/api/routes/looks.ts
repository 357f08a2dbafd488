/** Looks (`/looks…`): saved queries in folders; `run_look` runs the look's query in the caller's workspace. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Viewer } from '../../content/access.ts';
import type { Folders } from '../../content/folders.ts';
import type { LookInput, Looks } from '../../content/looks.ts';
import type { CanonicalQuery } from '../../queries/canonical.ts';
import { runFormatted, type RunFlags } from '../../queries/execute.ts';
import type { QueryRunner } from '../../queries/runner.ts';
import type { LookRecord, Store } from '../../store/index.ts';
import { baseUrl } from '../core-routes.ts';
import { lookJson } from '../presenters/content.ts';
import { registerLookerRoute } from '../route.ts';
import { content, search, viewerOf } from './content-call.ts';
import { pick } from './folders.ts';
import { describeWith, formatOf, queryJson, runError } from './queries.ts';
import { callerOf, ws } from './workspace-call.ts';

export type LookPresenter = (request: FastifyRequest, viewer: Viewer, look: LookRecord, withQuery: boolean) => Promise<Record<string, unknown>>;

export function lookPresenter(store: Store, folders: Folders, publicUrl: string | undefined): LookPresenter {
  return async (request, viewer, look, withQuery) => {
    const base = baseUrl(request, publicUrl);
    const [query, folder, owner] = await Promise.all([
      store.queries.query(look.query_id),
      folders.get(viewer, look.folder_id).catch(() => null),
      look.user_id === null ? null : store.users.user(look.user_id),
    ]);
    const model = query ? (JSON.parse(query.body) as CanonicalQuery).model : null;
    return lookJson(look, {
      base, folder, modelName: model, userName: owner?.display_name ?? null, canEdit: folder?.access === 'edit',
      ...(withQuery && query ? { query: queryJson(query, base) } : {}),
    }, withQuery);
  };
}

type LookParams = { Params: { look_id: string } };

export function registerLookRoutes(app: FastifyInstance, store: Store, looks: Looks, present: LookPresenter, runner: QueryRunner, publicUrl: string | undefined): void {
  registerLookerRoute(app, {
    operationId: 'all_looks',
    handler: (request) => content(async () => {
      const viewer = viewerOf(request);
      return Promise.all((await looks.all(viewer)).map((l) => present(request, viewer, l, false)));
    }),
  });

  registerLookerRoute<LookParams>(app, {
    operationId: 'look',
    handler: (request) => content(async () => {
      const viewer = viewerOf(request);
      return present(request, viewer, await looks.get(viewer, request.params.look_id), true);
    }),
  });

  registerLookerRoute<{ Body: LookInput }>(app, {
    operationId: 'create_look',
    handler: (request) => content(async () => {
      const viewer = viewerOf(request, 'save_content');
      return present(request, viewer, await looks.create(viewer, request.body), true);
    }),
  });

  registerLookerRoute<LookParams & { Body: LookInput }>(app, {
    operationId: 'update_look',
    handler: (request) => content(async () => {
      const viewer = viewerOf(request);
      return present(request, viewer, await looks.update(viewer, request.params.look_id, request.body), true);
    }),
  });

  registerLookerRoute<LookParams>(app, {
    operationId: 'delete_look',
    handler: (request, reply) => content(async () => {
      await looks.delete(viewerOf(request), request.params.look_id);
      return reply.code(204).send();
    }),
  });

  registerLookerRoute<LookParams & { Querystring: { folder_id?: string } }>(app, {
    operationId: 'copy_look',
    handler: (request) => content(async () => {
      const viewer = viewerOf(request, 'save_content');
      return present(request, viewer, await looks.copy(viewer, request.params.look_id, request.query.folder_id), true);
    }),
  });

  registerLookerRoute<LookParams & { Querystring: { folder_id?: string } }>(app, {
    operationId: 'move_look',
    handler: (request) => content(async () => {
      const viewer = viewerOf(request, 'save_content');
      return present(request, viewer, await looks.move(viewer, request.params.look_id, request.query.folder_id ?? ''), true);
    }),
  });

  registerLookerRoute<{ Querystring: Record<string, unknown> }>(app, {
    operationId: 'search_looks',
    handler: (request) => content(async () => {
      const viewer = viewerOf(request);
      const q = request.query;
      const str = (k: string): string | undefined => (typeof q[k] === 'string' || typeof q[k] === 'number' || typeof q[k] === 'boolean' ? String(q[k]) : undefined);
      const rows = await Promise.all((await looks.all(viewer, { includeDeleted: q.deleted === true })).map((l) => present(request, viewer, l, false)));
      const num = (k: string): number | undefined => (typeof q[k] === 'number' ? q[k] : undefined);
      return search(rows, {
        filters: { id: str('id'), title: str('title'), description: str('description'), folder_id: str('folder_id'), user_id: str('user_id'), query_id: str('query_id'), deleted: str('deleted') },
        filterOr: q.filter_or === true,
        ...pick({
          ...(str('sorts') === undefined ? {} : { sorts: str('sorts') }),
          ...(num('limit') === undefined ? {} : { limit: num('limit') }), ...(num('offset') === undefined ? {} : { offset: num('offset') }),
          ...(num('page') === undefined ? {} : { page: num('page') }), ...(num('per_page') === undefined ? {} : { per_page: num('per_page') }),
        }),
      });
    }),
  });

  registerLookerRoute<LookParams & { Params: { result_format: string }; Querystring: RunFlags }>(app, {
    operationId: 'run_look',
    handler: async (request, reply) => {
      const format = formatOf(request.params.result_format);
      const look = await content(() => looks.get(viewerOf(request), request.params.look_id));
      const record = await store.queries.query(look.query_id);
      if (!record) throw runError(new Error(`Query ${look.query_id} of look ${look.id} is missing.`));
      try {
        const { formatted } = await ws(() => runFormatted(runner, callerOf(request, 'access_data'), JSON.parse(record.body) as CanonicalQuery, format, request.query, describeWith(baseUrl(request, publicUrl))));
        return await reply.code(formatted.status).header('content-type', formatted.contentType).send(formatted.body);
      } catch (e) {
        throw runError(e);
      }
    },
  });
}
