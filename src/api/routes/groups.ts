/**
 * Groups: `create_group`, `all_groups`, `group`, `update_group`, `delete_group`, `all_group_users`,
 * `add_group_user` and `delete_group_user`. A group's roles (`set_role_groups`, in `roles.ts`) count
 * for its members and content access lists may name it (`create_content_metadata_access` with
 * `group_id`). The group of an embed `external_group_id` is externally managed: only embed logins
 * change its members. Groups within groups are not supported.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Store } from '../../store/index.ts';
import { requirePermission } from '../auth-context.ts';
import { baseUrl } from '../core-routes.ts';
import { ApiError, validationFailed } from '../errors.ts';
import { registerLookerRoute } from '../route.ts';
import { userEmbedJson, groupJson } from './embed-users.ts';
import { userJson } from './presenters.ts';
import { found, store as call } from './store-errors.ts';

type GroupParams = { Params: { group_id: string } };

export function registerGroupRoutes(app: FastifyInstance, store: Store, publicUrl: string | undefined): void {
  const base = (r: FastifyRequest): string => baseUrl(r, publicUrl);
  const members = async (groupId: string): Promise<Set<string>> => new Set(await store.groups.groupUserIds(groupId));
  const usersJson = async (request: FastifyRequest, ids: readonly string[], manages: boolean): Promise<Record<string, unknown>[]> => {
    const users = ids.length === 0 ? [] : await call(() => store.users.allUsers({ ids }));
    const extra = await userEmbedJson(store.db, ids, base(request));
    return users.map((u) => ({ ...userJson(u, base(request), manages), ...extra.get(u.id) }));
  };
  /** The group, refusing changes to the members of an embed group (its logins decide them). */
  const managedHere = async (groupId: string) => {
    const g = found(await store.groups.group(groupId));
    if (g.external_group_id !== null) {
      throw new ApiError('forbidden', { message: `Group ${g.id} is the embed group of external_group_id ${JSON.stringify(g.external_group_id)}: its members come from embed logins only.` });
    }
    return g;
  };

  registerLookerRoute<{ Body: { name?: unknown } }>(app, {
    operationId: 'create_group',
    handler: async (request) => {
      requirePermission(request, 'administer');
      const name = request.body.name;
      if (typeof name !== 'string') throw validationFailed([{ field: 'name', code: 'missing_field', message: 'name is required.' }]);
      return groupJson(await call(() => store.groups.createGroup(name)), false);
    },
  });

  registerLookerRoute<{ Querystring: { ids?: string[] } }>(app, {
    operationId: 'all_groups',
    handler: async (request) => {
      const auth = requirePermission(request, 'see_users');
      const groups = await store.groups.allGroups(request.query.ids);
      const mine = new Set((await store.groups.groupIdsOfUsers([auth.userId])).get(auth.userId) ?? []);
      return groups.map((g) => groupJson(g, mine.has(g.id)));
    },
  });

  registerLookerRoute<GroupParams>(app, {
    operationId: 'group',
    handler: async (request) => {
      const auth = requirePermission(request, 'see_users');
      const g = found(await store.groups.group(request.params.group_id));
      return groupJson(g, (await members(g.id)).has(auth.userId));
    },
  });

  registerLookerRoute<GroupParams & { Body: { name?: unknown } }>(app, {
    operationId: 'update_group',
    handler: async (request) => {
      const auth = requirePermission(request, 'administer');
      const name = request.body.name;
      const current = found(await store.groups.group(request.params.group_id));
      if (name === undefined) return groupJson(current, (await members(current.id)).has(auth.userId));
      if (typeof name !== 'string') throw validationFailed([{ field: 'name', code: 'invalid', message: 'name must be a string.' }]);
      if (current.external_group_id !== null && name.trim() !== current.name) {
        throw new ApiError('forbidden', { message: `Group ${current.id} is the embed group of external_group_id ${JSON.stringify(current.external_group_id)}: its name cannot change.` });
      }
      const g = found(await call(() => store.groups.renameGroup(current.id, name)));
      return groupJson(g, (await members(g.id)).has(auth.userId));
    },
  });

  registerLookerRoute<GroupParams>(app, {
    operationId: 'delete_group',
    handler: async (request, reply) => {
      requirePermission(request, 'administer');
      found((await store.groups.deleteGroup(request.params.group_id)) || null);
      return reply.code(204).send();
    },
  });

  registerLookerRoute<GroupParams>(app, {
    operationId: 'all_group_users',
    handler: async (request) => {
      const auth = requirePermission(request, 'see_users');
      const g = found(await store.groups.group(request.params.group_id));
      return usersJson(request, [...(await members(g.id))], auth.permissions.has('administer'));
    },
  });

  registerLookerRoute<GroupParams>(app, {
    operationId: 'add_group_user',
    // The spec marks `user_id` of GroupIdForGroupUserInclusion read-only, yet it is the whole request.
    schema: { body: false },
    handler: async (request) => {
      requirePermission(request, 'administer');
      const g = await managedHere(request.params.group_id);
      const body: unknown = request.body;
      const userId = typeof body === 'object' && body !== null ? (body as { user_id?: unknown }).user_id : undefined;
      if (typeof userId !== 'string' && typeof userId !== 'number') {
        throw validationFailed([{ field: 'user_id', code: 'missing_field', message: 'user_id is required: the user to add to the group.' }]);
      }
      const id = String(userId);
      if (!(await store.groups.addGroupUser(g.id, id))) throw new ApiError('not_found', { message: `User ${id} not found.` });
      return found((await usersJson(request, [id], true))[0]);
    },
  });

  registerLookerRoute<GroupParams & { Params: { user_id: string } }>(app, {
    operationId: 'delete_group_user',
    handler: async (request, reply) => {
      requirePermission(request, 'administer');
      const g = await managedHere(request.params.group_id);
      if (!(await store.groups.removeGroupUser(g.id, request.params.user_id))) {
        throw new ApiError('not_found', { message: `User ${request.params.user_id} is not a member of group ${g.id}.` });
      }
      return reply.code(204).send();
    },
  });
}
