// Who is calling: resolved once per request from the Authorization header by `ApiDeps.authenticate`
// and attached as `request.auth`. Handlers narrow it with `requireAuth` / `requirePermission`.
import type { FastifyRequest } from 'fastify';
import { ApiError } from './errors.ts';

/** How the caller proved who they are: an API token, or a browser session of one of three kinds. */
export type AuthVia = 'token' | 'ui' | 'render' | 'embed';

export interface AuthContext {
  /** The user the token acts as (the sudo target when sudo is active). */
  userId: string;
  /** Hash of the access token (or browser session): the key of the per-token API session. */
  tokenHash: string;
  /**
   * Absent means `token`. For `ui` the workspace is the user's sticky UI dev mode; `render` and
   * `embed` are pinned to production (DESIGN rules 6–8).
   */
  via?: AuthVia;
  /** The real (admin) user when this token was obtained through `POST /login/{user_id}`. */
  sudoUserId?: string;
  permissions: ReadonlySet<string>;
  /** The models the user's roles grant; absent when they grant every model. */
  models?: ReadonlySet<string>;
  /** The token's API session workspace (`production` | `dev`), read with the token itself. */
  workspaceId?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on authenticated routes; null on public routes and 404s. */
    auth: AuthContext | null;
  }
}

/**
 * The access token from `Authorization: token X` (Looker's documented form) or `Bearer X` (what the
 * Node/Python SDKs send); the scheme is case-insensitive. Anything else → null.
 */
export function tokenFromAuthorization(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^\s*(token|bearer)\s+(\S+)\s*$/i.exec(header);
  return match?.[2] ?? null;
}

export function requireAuth(request: FastifyRequest): AuthContext {
  if (request.auth === null) throw new ApiError('unauthorized');
  return request.auth;
}

export function requirePermission(request: FastifyRequest, permission: string): AuthContext {
  const auth = requireAuth(request);
  if (!auth.permissions.has(permission)) {
    throw new ApiError('forbidden', { message: `Requires permission: ${permission}.` });
  }
  return auth;
}
