/**
 * Users and their credentials: `me`, `user`, `all_users`, `create_user`, `update_user`,
 * `delete_user`, email credentials and API3 credentials (the secret is returned only at creation).
 * Managing other users needs `administer`; reading them needs `see_users`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Store, User, UserPatch } from '../../store/index.ts';
import { requireAuth, requirePermission, type AuthContext } from '../auth-context.ts';
import { ApiError } from '../errors.ts';
import { registerLookerRoute } from '../route.ts';
import { baseUrl } from '../core-routes.ts';
import { userEmbedJson } from './embed-users.ts';
import { credentialsApi3Json, credentialsEmailJson, roleJson, userJson } from './presenters.ts';
import { found, store as call } from './store-errors.ts';

type UserParams = { Params: { user_id: string } };

/** Reading another user needs see_users; a user may always read themselves. */
function canRead(request: FastifyRequest, userId: string): AuthContext {
  const auth = requireAuth(request);
  if (auth.userId !== userId) requirePermission(request, 'see_users');
  return auth;
}

const str = (v: unknown): string | null | undefined => (v === null ? null : typeof v === 'string' ? v : undefined);

/** The writable members of Looker's `User` body that Overlook stores. */
function userPatch(body: Record<string, unknown>): UserPatch {
  const patch: Record<string, unknown> = {};
  for (const k of ['first_name', 'last_name', 'locale', 'home_folder_id', 'personal_folder_id'] as const) {
    const v = str(body[k]);
    if (v !== undefined) patch[k] = v;
  }
  if (typeof body.is_disabled === 'boolean') patch.is_disabled = body.is_disabled;
  return patch;
}

/** `onUserChanged`: the user's roles, credentials or status changed; cached auth for them must go. */
export function registerUserRoutes(app: FastifyInstance, store: Store, publicUrl: string | undefined, onUserChanged: (userId: string) => void): void {
  const base = (r: FastifyRequest): string => baseUrl(r, publicUrl);
  const manages = (auth: AuthContext): boolean => auth.permissions.has('administer');
  /** `userJson` with the embed credential and group memberships that live in embedding's tables. */
  const present = async (request: FastifyRequest, users: readonly User[], auth: AuthContext): Promise<Record<string, unknown>[]> => {
    const extra = await userEmbedJson(store.db, users.map((u) => u.id), base(request));
    return users.map((u) => ({ ...userJson(u, base(request), manages(auth)), ...extra.get(u.id) }));
  };
  const presentOne = async (request: FastifyRequest, user: User, auth: AuthContext): Promise<Record<string, unknown>> =>
    (await present(request, [user], auth))[0] ?? {};

  registerLookerRoute(app, {
    operationId: 'me',
    handler: async (request) => {
      const auth = requireAuth(request);
      return presentOne(request, found(await call(() => store.users.user(auth.userId))), auth);
    },
  });

  registerLookerRoute<UserParams>(app, {
    operationId: 'user',
    handler: async (request) => {
      const auth = canRead(request, request.params.user_id);
      return presentOne(request, found(await call(() => store.users.user(request.params.user_id))), auth);
    },
  });

  registerLookerRoute<{ Querystring: { limit?: number; offset?: number; sorts?: string; ids?: string[] } }>(app, {
    operationId: 'all_users',
    handler: async (request) => {
      const auth = requirePermission(request, 'see_users');
      const q = request.query;
      const users = await call(() => store.users.allUsers({
        ...(q.ids ? { ids: q.ids } : {}), ...(q.limit !== undefined ? { limit: q.limit } : {}),
        ...(q.offset !== undefined ? { offset: q.offset } : {}), ...(q.sorts ? { sorts: q.sorts } : {}),
      }));
      return present(request, users, auth);
    },
  });

  registerLookerRoute<{ Body: Record<string, unknown> }>(app, {
    operationId: 'create_user',
    handler: async (request) => {
      const auth = requirePermission(request, 'administer');
      const created = await call(() => store.users.createUser(userPatch(request.body)));
      return userJson(created, base(request), manages(auth));
    },
  });

  registerLookerRoute<UserParams & { Body: Record<string, unknown> }>(app, {
    operationId: 'update_user',
    handler: async (request) => {
      const auth = requirePermission(request, 'administer');
      const updated = found(await call(() => store.users.updateUser(request.params.user_id, userPatch(request.body))));
      onUserChanged(updated.id);
      return presentOne(request, updated, auth);
    },
  });

  registerLookerRoute<UserParams>(app, {
    operationId: 'delete_user',
    handler: async (request, reply) => {
      const auth = requirePermission(request, 'administer');
      if (request.params.user_id === auth.userId) throw new ApiError('forbidden', { message: 'You cannot delete yourself.' });
      found((await call(() => store.users.deleteUser(request.params.user_id))) || null);
      onUserChanged(request.params.user_id);
      return reply.code(204).send();
    },
  });

  registerLookerRoute<UserParams>(app, {
    operationId: 'user_credentials_email',
    handler: async (request) => {
      canRead(request, request.params.user_id);
      return credentialsEmailJson(found(await call(() => store.credentials.emailCredentials(request.params.user_id))), base(request));
    },
  });

  const writeEmail = async (request: FastifyRequest<UserParams & { Body: Record<string, unknown> }>): Promise<Record<string, unknown>> => {
    requirePermission(request, 'administer');
    const email = request.body.email;
    if (typeof email !== 'string') throw new ApiError('validation_failed', { errors: [{ field: 'email', code: 'missing_field', message: 'email is required' }] });
    const password = typeof request.body.password === 'string' ? request.body.password : undefined;
    const cred = await call(() => store.credentials.setEmailCredentials(request.params.user_id, { email, ...(password !== undefined ? { password } : {}) }));
    return credentialsEmailJson(cred, base(request));
  };
  registerLookerRoute(app, { operationId: 'create_user_credentials_email', handler: writeEmail });
  registerLookerRoute(app, { operationId: 'update_user_credentials_email', handler: writeEmail });

  registerLookerRoute<UserParams>(app, {
    operationId: 'delete_user_credentials_email',
    handler: async (request, reply) => {
      requirePermission(request, 'administer');
      found((await call(() => store.credentials.deleteEmailCredentials(request.params.user_id))) || null);
      return reply.code(204).send();
    },
  });

  /** API3 keys: admins for anyone, users for themselves (Looker's `can_manage_api3_creds`). */
  const manageApi3 = (request: FastifyRequest, userId: string): void => {
    const auth = requireAuth(request);
    if (auth.userId !== userId) requirePermission(request, 'administer');
  };

  registerLookerRoute<UserParams & { Body: Record<string, unknown> | undefined }>(app, {
    operationId: 'create_user_credentials_api3',
    handler: async (request) => {
      manageApi3(request, request.params.user_id);
      const purpose = typeof request.body?.purpose === 'string' ? request.body.purpose : undefined;
      const created = await call(() => store.credentials.createApi3(request.params.user_id, purpose !== undefined ? { purpose } : {}));
      return { ...credentialsApi3Json(created, base(request)), client_secret: created.client_secret };
    },
  });

  registerLookerRoute<UserParams>(app, {
    operationId: 'all_user_credentials_api3s',
    handler: async (request) => {
      manageApi3(request, request.params.user_id);
      found(await call(() => store.users.user(request.params.user_id)));
      return (await call(() => store.credentials.allApi3(request.params.user_id))).map((c) => credentialsApi3Json(c, base(request)));
    },
  });

  type Api3Params = { Params: { user_id: string; credentials_api3_id: string } };
  registerLookerRoute<Api3Params>(app, {
    operationId: 'user_credentials_api3',
    handler: async (request) => {
      manageApi3(request, request.params.user_id);
      return credentialsApi3Json(found(await call(() => store.credentials.api3(request.params.user_id, request.params.credentials_api3_id))), base(request));
    },
  });

  registerLookerRoute<Api3Params>(app, {
    operationId: 'delete_user_credentials_api3',
    handler: async (request, reply) => {
      manageApi3(request, request.params.user_id);
      found((await call(() => store.credentials.deleteApi3(request.params.user_id, request.params.credentials_api3_id))) || null);
      onUserChanged(request.params.user_id);
      return reply.code(204).send();
    },
  });

  registerLookerRoute<UserParams>(app, {
    operationId: 'user_roles',
    handler: async (request) => {
      canRead(request, request.params.user_id);
      // Looker's `direct_association_only`: leave out the roles the user has only through a group.
      const raw = (request.query as { direct_association_only?: unknown } | undefined)?.direct_association_only;
      const directOnly = raw === true || raw === 'true';
      return found(await call(() => store.roles.userRoles(request.params.user_id, { directOnly }))).map((r) => roleJson(r, base(request)));
    },
  });

  registerLookerRoute<UserParams & { Body: unknown }>(app, {
    operationId: 'set_user_roles',
    handler: async (request) => {
      requirePermission(request, 'administer');
      const ids = request.body;
      if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string' || typeof x === 'number')) {
        throw new ApiError('validation_failed', { errors: [{ field: 'body', code: 'invalid', message: 'Body must be an array of role ids.' }] });
      }
      const roles = found(await call(() => store.roles.setUserRoles(request.params.user_id, ids.map(String))));
      onUserChanged(request.params.user_id);
      return roles.map((r) => roleJson(r, base(request)));
    },
  });
}
