/**
 * `POST /login` (API3 client credentials → access token), `POST /login/{user_id}` (sudo),
 * `DELETE /logout`. Every login makes a new token, and every new token starts in production.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FailureLimiter } from '../../auth/rate-limit.ts';
import type { Store } from '../../store/index.ts';
import { requireAuth, requirePermission } from '../auth-context.ts';
import { ApiError } from '../errors.ts';
import { clearBrowserCookies } from '../browser-session.ts';
import { registerLookerRoute } from '../route.ts';
import { found, store as call } from './store-errors.ts';

export interface AccessToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: null;
}

export interface AuthRouteOptions {
  /** Seconds a token lives (Looker: 3600). */
  readonly tokenTtlSeconds?: number;
  /** Failed logins allowed per client_id and per address within a minute. */
  readonly maxFailuresPerClient?: number;
  readonly maxFailuresPerAddress?: number;
}

function loginParams(request: FastifyRequest<{ Body?: Record<string, unknown>; Querystring?: Record<string, unknown> }>): { clientId: string; clientSecret: string } {
  const pick = (k: string): unknown => request.body?.[k] ?? request.query?.[k];
  const clientId = pick('client_id');
  const clientSecret = pick('client_secret');
  if (typeof clientId !== 'string' || typeof clientSecret !== 'string' || clientId === '' || clientSecret === '') {
    throw new ApiError('bad_request', { message: 'client_id and client_secret are required (form body or query string).' });
  }
  return { clientId, clientSecret };
}

/** `onTokenRevoked` drops the token (or browser session) from this node's cache as soon as it is logged out. */
export function registerAuthRoutes(app: FastifyInstance, store: Store, options: AuthRouteOptions = {}, onTokenRevoked: (tokenHash: string) => void = () => undefined): void {
  const ttl = options.tokenTtlSeconds ?? 3600;
  const byClient = new FailureLimiter(store.db, { maxFailures: options.maxFailuresPerClient ?? 10, windowMs: 60_000 });
  const byAddress = new FailureLimiter(store.db, { maxFailures: options.maxFailuresPerAddress ?? 50, windowMs: 60_000 });
  const tokenJson = (t: { access_token: string; expires_in: number }): AccessToken => ({
    access_token: t.access_token, token_type: 'Bearer', expires_in: t.expires_in, refresh_token: null,
  });

  registerLookerRoute<{ Body: Record<string, unknown>; Querystring: Record<string, unknown> }>(app, {
    operationId: 'login',
    auth: false,
    handler: async (request) => {
      const { clientId, clientSecret } = loginParams(request);
      const clientKey = `client:${clientId}`;
      const addressKey = `ip:${request.ip}`;
      const wait = Math.max(...(await Promise.all([byClient.retryAfterSeconds(clientKey), byAddress.retryAfterSeconds(addressKey)])));
      if (wait > 0) {
        throw new ApiError('too_many_requests', { message: 'Too many failed logins. Try again later.', headers: { 'retry-after': String(wait) } });
      }
      const cred = await call(() => store.credentials.verifyApi3(clientId, clientSecret));
      if (!cred) {
        await Promise.all([byClient.recordFailure(clientKey), byAddress.recordFailure(addressKey)]);
        throw new ApiError('not_found', { message: 'Not found' });
      }
      await byClient.reset(clientKey);
      const issued = await call(() => store.tokens.issueToken({ userId: cred.user_id, ...(cred.credential_id !== null ? { credentialId: cred.credential_id } : {}), ttlSeconds: ttl }));
      return tokenJson(issued);
    },
  });

  registerLookerRoute<{ Params: { user_id: string } }>(app, {
    operationId: 'login_user',
    handler: async (request) => {
      const auth = requirePermission(request, 'sudo');
      if (auth.sudoUserId !== undefined) throw new ApiError('forbidden', { message: 'A sudo session cannot sudo again; log in as the API user.' });
      const target = found(await call(() => store.users.user(request.params.user_id)));
      if (target.is_disabled) throw new ApiError('not_found');
      // The new token acts as the target user and records who is behind it; it starts in production.
      const issued = await call(() => store.tokens.issueToken({ userId: target.id, sudoByUserId: auth.userId, ttlSeconds: ttl }));
      return tokenJson(issued);
    },
  });

  registerLookerRoute(app, {
    operationId: 'logout',
    handler: async (request, reply) => {
      const auth = requireAuth(request);
      if ((auth.via ?? 'token') === 'token') await call(() => store.tokens.revokeTokenByHash(auth.tokenHash));
      else {
        await call(() => store.browserSessions.revoke(auth.tokenHash));
        clearBrowserCookies(reply);
      }
      onTokenRevoked(auth.tokenHash);
      return reply.code(204).send();
    },
  });
}
