/**
 * Groups, as far as embedding needs them: `create_group`, `all_groups`, `group`, `delete_group`
 * and `all_group_users`. Embed URLs enrol their users in groups by id (`group_ids`) and in the
 * group of their `external_group_id`; admins make the named groups here. Memberships of other
 * users, roles and content access by group are not supported yet.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Store } from '../../store/index.ts';
import { allGroups, createGroup, deleteGroup, group, groupUserIds } from '../../embed/groups.ts';
import { requirePermission } from '../auth-context.ts';
import { baseUrl } from '../core-routes.ts';
import { validationFailed } from '../errors.ts';
import { registerLookerRoute } from '../route.ts';
import { userEmbedJson, groupJson } from './embed-users.ts';
import { userJson } from './presenters.ts';
import { found, store as call } from './store-errors.ts';

type GroupParams = { Params: { group_id: string } };

export function registerGroupRoutes(app: FastifyInstance, store: Store, publicUrl: string | undefined): void {
  const base = (r: FastifyRequest): string => baseUrl(r, publicUrl);
  const members = async (groupId: string): Promise<Set<string>> => new Set(await groupUserIds(store, groupId));

  registerLookerRoute<{ Body: { name?: unknown } }>(app, {
    operationId: 'create_group',
    handler: async (request) => {
      requirePermission(request, 'administer');
      const name = request.body.name;
      if (typeof name !== 'string') throw validationFailed([{ field: 'name', code: 'missing_field', message: 'name is required.' }]);
      return groupJson(await call(() => createGroup(store, name)), false);
    },
  });

  registerLookerRoute<{ Querystring: { ids?: string[] } }>(app, {
    operationId: 'all_groups',
    handler: async (request) => {
      const auth = requirePermission(request, 'see_users');
      const groups = await allGroups(store, request.query.ids);
      const mine = new Set((await userEmbedJson(store.db, [auth.userId], base(request))).get(auth.userId)?.group_ids ?? []);
      return groups.map((g) => groupJson(g, mine.has(g.id)));
    },
  });

  registerLookerRoute<GroupParams>(app, {
    operationId: 'group',
    handler: async (request) => {
      const auth = requirePermission(request, 'see_users');
      const g = found(await group(store, request.params.group_id));
      return groupJson(g, (await members(g.id)).has(auth.userId));
    },
  });

  registerLookerRoute<GroupParams>(app, {
    operationId: 'delete_group',
    handler: async (request, reply) => {
      requirePermission(request, 'administer');
      found((await deleteGroup(store, request.params.group_id)) || null);
      return reply.code(204).send();
    },
  });

  registerLookerRoute<GroupParams>(app, {
    operationId: 'all_group_users',
    handler: async (request) => {
      const auth = requirePermission(request, 'see_users');
      const g = found(await group(store, request.params.group_id));
      const ids = [...(await members(g.id))];
      const users = ids.length === 0 ? [] : await call(() => store.users.allUsers({ ids }));
      const extra = await userEmbedJson(store.db, ids, base(request));
      const manages = auth.permissions.has('administer');
      return users.map((u) => ({ ...userJson(u, base(request), manages), ...extra.get(u.id) }));
    },
  });
}
