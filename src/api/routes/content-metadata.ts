/**
 * Content access (`/content_metadata…`, `/content_metadata_access…`): who may view or edit a folder's
 * content, granted to a user or to a group (for each of its members). Changing access needs edit access to that content (admins always have it). Turning off
 * inheritance keeps the caller in the list (as edit), so nobody locks themselves out by accident.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ContentAccess, Viewer } from '../../content/access.ts';
import type { Store } from '../../store/index.ts';
import { bool } from '../../store/schema.ts';
import { ApiError, validationFailed } from '../errors.ts';
import { specShape } from '../presenters/spec-shape.ts';
import { registerLookerRoute } from '../route.ts';
import { viewerOf } from './content-call.ts';

interface Owner {
  readonly cmId: number;
  readonly folderId: number;
  readonly kind: 'space' | 'look' | 'dashboard';
  readonly name: string;
  readonly id: number;
  readonly parentId: number | null;
  readonly inherits: boolean;
}

export function registerContentMetadataRoutes(app: FastifyInstance, store: Store, access: ContentAccess): void {
  const db = store.db;

  const owner = async (cmId: number): Promise<Owner | null> => {
    const cm = await db.selectFrom('content_metadata').selectAll().where('id', '=', cmId).executeTakeFirst();
    if (!cm) return null;
    const base = { cmId, parentId: cm.parent_id, inherits: bool(cm.inherits) };
    const folder = await db.selectFrom('folders').select(['id', 'name']).where('content_metadata_id', '=', cmId).executeTakeFirst();
    if (folder) return { ...base, folderId: folder.id, kind: 'space', name: folder.name, id: folder.id };
    const look = await db.selectFrom('looks').select(['id', 'title', 'folder_id']).where('content_metadata_id', '=', cmId).executeTakeFirst();
    if (look) return { ...base, folderId: look.folder_id, kind: 'look', name: look.title, id: look.id };
    const dashboard = await db.selectFrom('dashboards').select(['id', 'title', 'folder_id']).where('content_metadata_id', '=', cmId).executeTakeFirst();
    if (dashboard) return { ...base, folderId: dashboard.folder_id, kind: 'dashboard', name: dashboard.title, id: dashboard.id };
    return null;
  };

  const visible = async (viewer: Viewer, raw: string | number, needEdit: boolean): Promise<Owner> => {
    const cmId = Number(raw);
    const o = Number.isSafeInteger(cmId) ? await owner(cmId) : null;
    const level = o ? await access.folderAccess(viewer, o.folderId) : 'none';
    if (!o || level === 'none') throw new ApiError('not_found', { message: `Content metadata ${String(raw)} not found.` });
    if (needEdit && level !== 'edit') throw new ApiError('forbidden', { message: 'Changing who can see this content needs edit access to it.' });
    return o;
  };

  const metaJson = (o: Owner): Record<string, unknown> => specShape('ContentMeta', {
    can: {}, id: String(o.cmId), name: o.name, parent_id: o.parentId === null ? null : String(o.parentId),
    dashboard_id: o.kind === 'dashboard' ? String(o.id) : null, look_id: o.kind === 'look' ? String(o.id) : null,
    folder_id: o.kind === 'space' ? String(o.id) : null, content_type: o.kind, inherits: o.inherits,
    inheriting_id: o.inherits && o.parentId !== null ? String(o.parentId) : null, slug: null,
  });

  const grantJson = (g: { id: number; content_metadata_id: number; permission_type: string; user_id: number | null; group_id: number | null }): Record<string, unknown> =>
    specShape('ContentMetaGroupUser', {
      can: {}, id: String(g.id), content_metadata_id: String(g.content_metadata_id), permission_type: g.permission_type,
      group_id: g.group_id === null ? null : String(g.group_id), user_id: g.user_id === null ? null : String(g.user_id),
    });

  const permissionOf = (value: unknown): 'view' | 'edit' => {
    if (value !== 'view' && value !== 'edit') throw validationFailed([{ field: 'permission_type', code: 'invalid', message: 'permission_type must be "view" or "edit".' }]);
    return value;
  };

  registerLookerRoute<{ Params: { content_metadata_id: string } }>(app, {
    operationId: 'content_metadata',
    handler: async (request) => metaJson(await visible(viewerOf(request), request.params.content_metadata_id, false)),
  });

  registerLookerRoute<{ Querystring: { parent_id: number } }>(app, {
    operationId: 'all_content_metadatas',
    handler: async (request) => {
      const viewer = viewerOf(request);
      const rows = await db.selectFrom('content_metadata').select('id').where('parent_id', '=', request.query.parent_id).orderBy('id').execute();
      const out: Record<string, unknown>[] = [];
      for (const r of rows) {
        const o = await owner(r.id);
        if (o && (await access.folderAccess(viewer, o.folderId)) !== 'none') out.push(metaJson(o));
      }
      return out;
    },
  });

  registerLookerRoute<{ Params: { content_metadata_id: string }; Body: Record<string, unknown> }>(app, {
    operationId: 'update_content_metadata',
    handler: async (request) => {
      const viewer = viewerOf(request);
      const o = await visible(viewer, request.params.content_metadata_id, true);
      const inherits = request.body.inherits;
      if (typeof inherits !== 'boolean') throw validationFailed([{ field: 'inherits', code: 'invalid', message: 'inherits must be a boolean.' }]);
      await store.transaction(async (tx) => {
        await tx.db.updateTable('content_metadata').set({ inherits }).where('id', '=', o.cmId).execute();
        const grants = await tx.db.selectFrom('content_metadata_access').select('id').where('content_metadata_id', '=', o.cmId).execute();
        if (!inherits && grants.length === 0) {
          await tx.db.insertInto('content_metadata_access').values({ content_metadata_id: o.cmId, permission_type: 'edit', user_id: Number(viewer.userId), group_id: null }).execute();
        }
      });
      return metaJson({ ...o, inherits });
    },
  });

  registerLookerRoute<{ Querystring: { content_metadata_id: number } }>(app, {
    operationId: 'all_content_metadata_accesses',
    handler: async (request) => {
      const o = await visible(viewerOf(request), request.query.content_metadata_id, false);
      const rows = await db.selectFrom('content_metadata_access').selectAll().where('content_metadata_id', '=', o.cmId).orderBy('id').execute();
      return rows.map(grantJson);
    },
  });

  // The spec marks every member of ContentMetaGroupUser read-only, yet these are what a grant is made of.
  const grantBody = (request: FastifyRequest): Record<string, unknown> => {
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError('body_required');
    return body as Record<string, unknown>;
  };

  /** The id in `value` when it names an existing user or group, else a 422 about `field`. */
  const existing = async (field: 'user_id' | 'group_id', value: unknown, exists: (id: string) => Promise<boolean>): Promise<number> => {
    const id = Number(value);
    if ((typeof value !== 'string' && typeof value !== 'number') || !Number.isSafeInteger(id) || !(await exists(String(id)))) {
      throw validationFailed([{ field, code: 'invalid', message: `${field} must name ${field === 'user_id' ? 'a user' : 'a group'}.` }]);
    }
    return id;
  };

  registerLookerRoute(app, {
    operationId: 'create_content_metadata_access',
    schema: { body: false },
    handler: async (request) => {
      const viewer = viewerOf(request);
      const body = grantBody(request);
      const o = await visible(viewer, typeof body.content_metadata_id === 'string' || typeof body.content_metadata_id === 'number' ? body.content_metadata_id : '', true);
      const permission = permissionOf(body.permission_type);
      const given = (v: unknown): boolean => v !== undefined && v !== null && v !== '';
      if (given(body.user_id) === given(body.group_id)) {
        throw validationFailed([{ field: 'user_id', code: 'invalid', message: 'Give exactly one of user_id or group_id: whom the access is for.' }]);
      }
      // A group's grant counts for each of its members (see ContentAccess).
      const grantee = given(body.group_id)
        ? { user_id: null, group_id: await existing('group_id', body.group_id, async (id) => (await store.groups.group(id)) !== null) }
        : { user_id: await existing('user_id', body.user_id, async (id) => (await store.users.user(id)) !== null), group_id: null };
      const row = await db.insertInto('content_metadata_access').values({ content_metadata_id: o.cmId, permission_type: permission, ...grantee })
        .returningAll().executeTakeFirstOrThrow();
      return grantJson(row);
    },
  });

  const grantOf = async (request: FastifyRequest, raw: string): Promise<{ id: number; content_metadata_id: number }> => {
    const id = Number(raw);
    const grant = Number.isSafeInteger(id) ? await db.selectFrom('content_metadata_access').select(['id', 'content_metadata_id']).where('id', '=', id).executeTakeFirst() : undefined;
    if (!grant) throw new ApiError('not_found', { message: `Content metadata access ${raw} not found.` });
    await visible(viewerOf(request), grant.content_metadata_id, true);
    return grant;
  };

  registerLookerRoute<{ Params: { content_metadata_access_id: string } }>(app, {
    operationId: 'update_content_metadata_access',
    schema: { body: false },
    handler: async (request) => {
      const grant = await grantOf(request, request.params.content_metadata_access_id);
      const permission = permissionOf(grantBody(request).permission_type);
      const row = await db.updateTable('content_metadata_access').set({ permission_type: permission }).where('id', '=', grant.id).returningAll().executeTakeFirstOrThrow();
      return grantJson(row);
    },
  });

  registerLookerRoute<{ Params: { content_metadata_access_id: string } }>(app, {
    operationId: 'delete_content_metadata_access',
    handler: async (request, reply) => {
      const grant = await grantOf(request, request.params.content_metadata_access_id);
      await db.deleteFrom('content_metadata_access').where('id', '=', grant.id).execute();
      return reply.code(204).send();
    },
  });
}
