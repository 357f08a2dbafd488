/**
 * Browser-only routes of the web UI (not part of the Looker API): sign in with email and password
 * into a cookie session, sign out, and "who am I" with the user's sticky UI dev mode. Everything
 * else the UI does goes through the Looker API with that cookie.
 */
import type { FastifyInstance } from 'fastify';
import { FailureLimiter } from '../../auth/rate-limit.ts';
import type { Store } from '../../store/index.ts';
import { requireAuth } from '../auth-context.ts';
import { clearBrowserCookies, startBrowserSession } from '../browser-session.ts';
import { ApiError, validationFailed } from '../errors.ts';
import { found, store as call } from './store-errors.ts';

export const UI_PREFIX = '/x-overlook/ui';

export interface UiRouteOptions {
  /** Seconds a web UI session lives (default 24 h). */
  readonly uiSessionTtlSeconds?: number;
  readonly maxFailuresPerClient?: number;
  readonly maxFailuresPerAddress?: number;
}

export interface UiMe {
  user: { id: string; display_name: string; email: string | null; first_name: string | null; last_name: string | null };
  permissions: string[];
  workspace_id: 'production' | 'dev';
  kind: 'ui' | 'render' | 'embed';
}

function credentialsFrom(body: unknown): { email: string; password: string } {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const problems: { field: string; code: string; message: string }[] = [];
  if (typeof b.email !== 'string' || b.email.trim() === '') problems.push({ field: 'email', code: 'missing', message: 'Enter your email address.' });
  if (typeof b.password !== 'string' || b.password === '') problems.push({ field: 'password', code: 'missing', message: 'Enter your password.' });
  if (problems.length > 0) throw validationFailed(problems);
  return { email: b.email as string, password: b.password as string };
}

/** `onSessionEnded` drops the session from this node's cache as soon as it is signed out. */
export function registerUiRoutes(app: FastifyInstance, store: Store, options: UiRouteOptions, onSessionEnded: (sessionHash: string) => void): void {
  // Same throttling as the API's `POST /login`: per account and per address, per minute.
  const byAccount = new FailureLimiter(store.db, { maxFailures: options.maxFailuresPerClient ?? 10, windowMs: 60_000 });
  const byAddress = new FailureLimiter(store.db, { maxFailures: options.maxFailuresPerAddress ?? 50, windowMs: 60_000 });

  app.post(`${UI_PREFIX}/login`, { config: { lookerAuth: false } }, async (request, reply) => {
    const { email, password } = credentialsFrom(request.body);
    const accountKey = `email:${email.trim().toLowerCase()}`;
    const addressKey = `ip:${request.ip}`;
    const wait = Math.max(...(await Promise.all([byAccount.retryAfterSeconds(accountKey), byAddress.retryAfterSeconds(addressKey)])));
    if (wait > 0) throw new ApiError('too_many_requests', { message: 'Too many failed sign-ins. Try again in a minute.', headers: { 'retry-after': String(wait) } });
    const login = await call(() => store.credentials.verifyEmailLogin(email, password));
    if (!login) {
      await Promise.all([byAccount.recordFailure(accountKey), byAddress.recordFailure(addressKey)]);
      throw new ApiError('unauthorized', { message: 'Wrong email or password.' });
    }
    await byAccount.reset(accountKey);
    const user = found(await call(() => store.users.user(login.user_id)));
    const session = await call(() => startBrowserSession(request, reply, store, {
      userId: user.id, kind: 'ui', ...(options.uiSessionTtlSeconds === undefined ? {} : { ttlSeconds: options.uiSessionTtlSeconds }),
    }));
    return { user_id: user.id, csrf_token: session.csrf, workspace_id: user.ui_dev_mode ? 'dev' : 'production' };
  });

  app.post(`${UI_PREFIX}/logout`, { config: { lookerAuth: true } }, async (request, reply) => {
    const auth = requireAuth(request);
    if (auth.via === undefined || auth.via === 'token') throw new ApiError('bad_request', { message: 'Sign-out ends a browser session; API tokens use DELETE /api/4.0/logout.' });
    await call(() => store.browserSessions.revoke(auth.tokenHash));
    onSessionEnded(auth.tokenHash);
    clearBrowserCookies(reply);
    return reply.code(204).send();
  });

  app.get(`${UI_PREFIX}/me`, { config: { lookerAuth: true } }, async (request): Promise<UiMe> => {
    const auth = requireAuth(request);
    const user = found(await call(() => store.users.user(auth.userId)));
    return {
      user: { id: user.id, display_name: user.display_name, email: user.email, first_name: user.first_name, last_name: user.last_name },
      permissions: [...auth.permissions].sort(),
      workspace_id: auth.workspaceId === 'dev' ? 'dev' : 'production',
      kind: auth.via === 'render' || auth.via === 'embed' ? auth.via : 'ui',
    };
  });
}
