/**
 * Roles, permission sets and model sets (Looker's built-in Admin, Developer, User and Viewer
 * come from the store's migration), the groups and users holding a role (`set_role_groups`: every
 * member of those groups holds it), and user attributes with per-user values.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ALL_PERMISSIONS, type NewUserAttribute, type Store, type UserAttribute } from '../../store/index.ts';
import { requireAuth, requirePermission } from '../auth-context.ts';
import { ApiError } from '../errors.ts';
import { registerLookerRoute } from '../route.ts';
import { baseUrl } from '../core-routes.ts';
import { API_PREFIX } from '../route.ts';
import { groupJson, userEmbedJson } from './embed-users.ts';
import { modelSetJson, permissionSetJson, roleJson, userJson } from './presenters.ts';
import { found, store as call } from './store-errors.ts';

function attributeJson(a: UserAttribute, base: string): Record<string, unknown> {
  return { can: {}, ...a, needed_for_ci_run: false, value_for_ci_run: null, url: `${base}${API_PREFIX}/user_attributes/${a.id}` };
}

export function registerRoleRoutes(app: FastifyInstance, store: Store, publicUrl: string | undefined): void {
  const base = (r: FastifyRequest): string => baseUrl(r, publicUrl);

  registerLookerRoute<{ Querystring: { ids?: string[] } }>(app, {
    operationId: 'all_roles',
    handler: async (request) => {
      requireAuth(request);
      const roles = await call(() => store.roles.allRoles(request.query.ids ? { ids: request.query.ids } : {}));
      return roles.map((r) => roleJson(r, base(request)));
    },
  });

  registerLookerRoute<{ Params: { role_id: string } }>(app, {
    operationId: 'role',
    handler: async (request) => {
      requireAuth(request);
      return roleJson(found(await call(() => store.roles.role(request.params.role_id))), base(request));
    },
  });

  registerLookerRoute<{ Body: { name?: unknown; permission_set_id?: unknown; model_set_id?: unknown } }>(app, {
    operationId: 'create_role',
    handler: async (request) => {
      requirePermission(request, 'administer');
      const b = request.body;
      if (typeof b.name !== 'string' || typeof b.permission_set_id !== 'string' || typeof b.model_set_id !== 'string') {
        throw new ApiError('validation_failed', { errors: [{ field: 'body', code: 'missing_field', message: 'name, permission_set_id and model_set_id are required.' }] });
      }
      const input = { name: b.name, permission_set_id: b.permission_set_id, model_set_id: b.model_set_id };
      return roleJson(await call(() => store.roles.createRole(input)), base(request));
    },
  });

  const groupsOfRole = async (request: FastifyRequest, roleId: string, userId: string): Promise<Record<string, unknown>[]> => {
    const ids = found(await store.groups.roleGroupIds(roleId));
    const mine = new Set((await store.groups.groupIdsOfUsers([userId])).get(userId) ?? []);
    return (await store.groups.allGroups(ids)).map((g) => groupJson(g, mine.has(g.id)));
  };

  registerLookerRoute<{ Params: { role_id: string } }>(app, {
    operationId: 'role_groups',
    handler: async (request) => {
      const auth = requirePermission(request, 'see_users');
      return groupsOfRole(request, request.params.role_id, auth.userId);
    },
  });

  registerLookerRoute<{ Params: { role_id: string }; Body: unknown }>(app, {
    operationId: 'set_role_groups',
    handler: async (request) => {
      const auth = requirePermission(request, 'administer');
      const body = request.body;
      if (!Array.isArray(body) || !body.every((id): id is string | number => typeof id === 'string' || typeof id === 'number')) {
        throw new ApiError('validation_failed', { errors: [{ field: 'body', code: 'invalid', message: 'The body must be a list of group ids.' }] });
      }
      const ids = body.map(String);
      found(await call(() => store.groups.setRoleGroups(request.params.role_id, ids)));
      return groupsOfRole(request, request.params.role_id, auth.userId);
    },
  });

  registerLookerRoute<{ Params: { role_id: string }; Querystring: { direct_association_only?: boolean } }>(app, {
    operationId: 'role_users',
    handler: async (request) => {
      const auth = requirePermission(request, 'see_users');
      found(await call(() => store.roles.role(request.params.role_id)));
      const ids = await store.roles.roleUserIds(request.params.role_id, { directOnly: request.query.direct_association_only === true });
      const users = ids.length === 0 ? [] : await call(() => store.users.allUsers({ ids }));
      const extra = await userEmbedJson(store.db, ids, base(request));
      return users.map((u) => ({ ...userJson(u, base(request), auth.permissions.has('administer')), ...extra.get(u.id) }));
    },
  });

  registerLookerRoute(app, {
    operationId: 'all_permission_sets',
    handler: async (request) => {
      requireAuth(request);
      return (await call(() => store.roles.allPermissionSets())).map((p) => permissionSetJson(p, base(request)));
    },
  });

  registerLookerRoute<{ Params: { permission_set_id: string } }>(app, {
    operationId: 'permission_set',
    handler: async (request) => {
      requireAuth(request);
      return permissionSetJson(found(await call(() => store.roles.permissionSet(request.params.permission_set_id))), base(request));
    },
  });

  registerLookerRoute(app, {
    operationId: 'all_permissions',
    handler: (request) => {
      requireAuth(request);
      return ALL_PERMISSIONS.map((p) => ({ can: {}, permission: p, parent: null, description: p.replace(/_/g, ' ') }));
    },
  });

  registerLookerRoute(app, {
    operationId: 'all_model_sets',
    handler: async (request) => {
      requireAuth(request);
      return (await call(() => store.roles.allModelSets())).map((m) => modelSetJson(m, base(request)));
    },
  });

  registerLookerRoute<{ Body: { name?: unknown; models?: unknown } }>(app, {
    operationId: 'create_model_set',
    handler: async (request) => {
      requirePermission(request, 'administer');
      const { name, models } = request.body;
      if (typeof name !== 'string' || !Array.isArray(models) || !models.every((m): m is string => typeof m === 'string')) {
        throw new ApiError('validation_failed', { errors: [{ field: 'body', code: 'missing_field', message: 'name and models (a list of model names) are required.' }] });
      }
      return modelSetJson(await call(() => store.roles.createModelSet({ name, models })), base(request));
    },
  });

  registerLookerRoute<{ Params: { model_set_id: string } }>(app, {
    operationId: 'model_set',
    handler: async (request) => {
      requireAuth(request);
      return modelSetJson(found(await call(() => store.roles.modelSet(request.params.model_set_id))), base(request));
    },
  });

  registerLookerRoute<{ Querystring: { sorts?: string } }>(app, {
    operationId: 'all_user_attributes',
    handler: async (request) => {
      requireAuth(request);
      const list = await call(() => store.attributes.allUserAttributes(request.query.sorts ? { sorts: request.query.sorts } : {}));
      return list.map((a) => attributeJson(a, base(request)));
    },
  });

  registerLookerRoute<{ Params: { user_attribute_id: string } }>(app, {
    operationId: 'user_attribute',
    handler: async (request) => {
      requireAuth(request);
      return attributeJson(found(await call(() => store.attributes.userAttribute(request.params.user_attribute_id))), base(request));
    },
  });

  registerLookerRoute<{ Body: Record<string, unknown> }>(app, {
    operationId: 'create_user_attribute',
    handler: async (request) => {
      requirePermission(request, 'administer');
      const b = request.body;
      if (typeof b.name !== 'string' || typeof b.label !== 'string' || typeof b.type !== 'string') {
        throw new ApiError('validation_failed', { errors: [{ field: 'body', code: 'missing_field', message: 'name, label and type are required.' }] });
      }
      const input: NewUserAttribute = {
        name: b.name, label: b.label, type: b.type,
        ...(typeof b.default_value === 'string' ? { default_value: b.default_value } : {}),
        ...(typeof b.value_is_hidden === 'boolean' ? { value_is_hidden: b.value_is_hidden } : {}),
        ...(typeof b.user_can_view === 'boolean' ? { user_can_view: b.user_can_view } : {}),
        ...(typeof b.user_can_edit === 'boolean' ? { user_can_edit: b.user_can_edit } : {}),
      };
      return attributeJson(await call(() => store.attributes.createUserAttribute(input)), base(request));
    },
  });

  type ValueParams = { Params: { user_id: string; user_attribute_id: string } };
  registerLookerRoute<ValueParams & { Body: { value?: unknown } }>(app, {
    operationId: 'set_user_attribute_user_value',
    handler: async (request) => {
      requirePermission(request, 'administer');
      if (typeof request.body.value !== 'string') {
        throw new ApiError('validation_failed', { errors: [{ field: 'value', code: 'missing_field', message: 'value is required.' }] });
      }
      const value = request.body.value;
      return { can: {}, ...(await call(() => store.attributes.setUserAttributeValue(request.params.user_id, request.params.user_attribute_id, value))) };
    },
  });

  registerLookerRoute<ValueParams>(app, {
    operationId: 'delete_user_attribute_user_value',
    handler: async (request, reply) => {
      requirePermission(request, 'administer');
      await call(() => store.attributes.deleteUserAttributeValue(request.params.user_id, request.params.user_attribute_id));
      return reply.code(204).send();
    },
  });

  registerLookerRoute<{ Params: { user_id: string } }>(app, {
    operationId: 'user_attribute_user_values',
    handler: async (request) => {
      const auth = requireAuth(request);
      if (auth.userId !== request.params.user_id) requirePermission(request, 'see_users');
      return found(await call(() => store.attributes.userAttributeValues(request.params.user_id))).map((v) => ({ can: {}, ...v }));
    },
  });
}
