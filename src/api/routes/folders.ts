/** Folders (`/folders…`): the tree the caller may see, personal folders, create/move/rename/delete. */
import type { FastifyInstance } from 'fastify';
import { ContentError } from '../../content/errors.ts';
import type { Folders } from '../../content/folders.ts';
import type { Looks } from '../../content/looks.ts';
import { folderBaseJson, folderJson } from '../presenters/content.ts';
import { registerLookerRoute } from '../route.ts';
import { content, search, viewerOf } from './content-call.ts';
import type { LookPresenter } from './looks.ts';

type FolderParams = { Params: { folder_id: string } };
type Paging = { limit?: number; offset?: number; page?: number; per_page?: number; sorts?: string };

export function registerFolderRoutes(app: FastifyInstance, folders: Folders, looks: Looks, presentLook: LookPresenter): void {
  registerLookerRoute(app, {
    operationId: 'all_folders',
    handler: (request) => content(async () => (await folders.all(viewerOf(request))).map((v) => folderJson(v))),
  });

  registerLookerRoute<FolderParams>(app, {
    operationId: 'folder',
    handler: (request) => content(async () => {
      const viewer = viewerOf(request);
      const v = await folders.get(viewer, request.params.folder_id);
      const inFolder = await looks.all(viewer, { folderId: v.folder.id });
      return folderJson(v, await Promise.all(inFolder.map((l) => presentLook(request, viewer, l, false))));
    }),
  });

  registerLookerRoute<{ Body: { name?: unknown; parent_id?: unknown } }>(app, {
    operationId: 'create_folder',
    handler: (request) => content(async () => folderJson(await folders.create(viewerOf(request), request.body))),
  });

  registerLookerRoute<FolderParams & { Body: { name?: unknown; parent_id?: unknown } }>(app, {
    operationId: 'update_folder',
    handler: (request) => content(async () => folderJson(await folders.update(viewerOf(request), request.params.folder_id, request.body))),
  });

  registerLookerRoute<FolderParams>(app, {
    operationId: 'delete_folder',
    handler: (request, reply) => content(async () => {
      await folders.delete(viewerOf(request), request.params.folder_id);
      return reply.code(204).send();
    }),
  });

  registerLookerRoute<FolderParams & { Querystring: Paging }>(app, {
    operationId: 'folder_children',
    handler: (request) => content(async () => {
      const q = request.query;
      const rows = (await folders.children(viewerOf(request), request.params.folder_id)).map((v) => folderJson(v));
      return search(rows, { filters: {}, ...pick(q) });
    }),
  });

  registerLookerRoute<FolderParams>(app, {
    operationId: 'folder_ancestors',
    handler: (request) => content(async () => (await folders.ancestors(viewerOf(request), request.params.folder_id)).map((v) => folderJson(v))),
  });

  registerLookerRoute<FolderParams & { Querystring: { sorts?: string; name?: string } }>(app, {
    operationId: 'folder_children_search',
    handler: (request) => content(async () => {
      const rows = (await folders.children(viewerOf(request), request.params.folder_id)).map((v) => folderJson(v));
      return search(rows, { filters: { name: request.query.name }, ...(request.query.sorts === undefined ? {} : { sorts: request.query.sorts }) });
    }),
  });

  registerLookerRoute<FolderParams>(app, {
    operationId: 'folder_parent',
    handler: (request) => content(async () => {
      const viewer = viewerOf(request);
      const folder = await folders.get(viewer, request.params.folder_id);
      const parentId = folder.folder.parent_id;
      if (parentId === null) throw new ContentError('not_found', `Folder ${request.params.folder_id} has no parent.`);
      return folderJson(await folders.get(viewer, parentId));
    }),
  });

  registerLookerRoute<FolderParams>(app, {
    operationId: 'folder_looks',
    handler: (request) => content(async () => {
      const viewer = viewerOf(request);
      await folders.get(viewer, request.params.folder_id);
      const list = await looks.all(viewer, { folderId: request.params.folder_id });
      return Promise.all(list.map((l) => presentLook(request, viewer, l, true)));
    }),
  });

  registerLookerRoute<{ Querystring: Paging & { name?: string; id?: string; parent_id?: string; creator_id?: string; filter_or?: boolean; is_shared_root?: boolean; is_users_root?: boolean } }>(app, {
    operationId: 'search_folders',
    handler: (request) => content(async () => {
      const q = request.query;
      const rows = (await folders.all(viewerOf(request))).map((v) => folderBaseJson(v));
      return search(rows, {
        filters: {
          name: q.name, id: q.id, parent_id: q.parent_id, creator_id: q.creator_id,
          is_shared_root: q.is_shared_root === undefined ? undefined : String(q.is_shared_root),
          is_users_root: q.is_users_root === undefined ? undefined : String(q.is_users_root),
        },
        ...(q.filter_or === undefined ? {} : { filterOr: q.filter_or }),
        ...pick(q),
      });
    }),
  });
}

export function pick(q: Paging): { sorts?: string; limit?: number; offset?: number; page?: number; perPage?: number } {
  return {
    ...(q.sorts === undefined ? {} : { sorts: q.sorts }),
    ...(q.limit === undefined ? {} : { limit: q.limit }),
    ...(q.offset === undefined ? {} : { offset: q.offset }),
    ...(q.page === undefined ? {} : { page: q.page }),
    ...(q.per_page === undefined ? {} : { perPage: q.per_page }),
  };
}
