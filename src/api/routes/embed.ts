/**
 * Embedding over HTTP: embed secrets, signed and "as me" embed URLs, cookieless embed sessions,
 * embed credentials of users (Looker API 4.0), and `GET /login/embed/<target>`, where a signed URL,
 * an "as me" URL or a cookieless authentication token becomes an embed browser session (always
 * production, DESIGN rule 8) and a redirect to the embed page. A refused login gets a plain error
 * page and no session. The embed settings, URL validation and embed users are in `embed-admin.ts`,
 * the framing policy of UI pages in `embed-frames.ts`; all share one `EmbedService`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hashToken, type Store } from '../../store/index.ts';
import type { Workspaces } from '../../workspaces/index.ts';
import { CookielessSessions, AUTHENTICATION_TOKEN_PARAM, type AcquireRequest } from '../../embed/cookieless.ts';
import { EmbedError } from '../../embed/errors.ts';
import { EmbedService, LOGIN_TOKEN_PARAM, type EmbedLogin, type ServerAddress, type SsoUrlRequest } from '../../embed/service.ts';
import { requireAuth, requirePermission } from '../auth-context.ts';
import { SESSION_COOKIE, startBrowserSession } from '../browser-session.ts';
import { ApiError } from '../errors.ts';
import { registerLookerRoute } from '../route.ts';
import { embedCall, LOGIN_STATUS } from './embed-errors.ts';
import { credentialsEmbedJson } from './embed-users.ts';
import { found, store as call } from './store-errors.ts';

export const EMBED_LOGIN_PREFIX = '/login/embed/';

export interface EmbedRouteOptions {
  readonly publicUrl?: string;
  /** A user's roles changed (an embed login replaces its grants): drop cached permissions. */
  readonly onUserChanged: (userId: string) => void;
  /** A token or browser session was revoked: drop it from this node's caches. */
  readonly onSessionEnded: (hash: string) => void;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function errorPage(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status)
    .header('cache-control', 'no-store')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
    .type('text/html; charset=utf-8')
    .send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Embed login failed</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f6f7f9;color:#1f2430}
main{max-width:34rem;padding:2rem;background:#fff;border:1px solid #dde1e7;border-radius:8px}h1{font-size:1.15rem;margin:0 0 .5rem}p{margin:.5rem 0}code{font-size:.85em}</style></head>
<body><main><h1>This embedded content could not be opened</h1><p id="reason">${escapeHtml(message)}</p>
<p>No session was started. If you embed Overlook, check how the embed URL is made; otherwise ask the site's administrator.</p></main></body></html>
`);
}

/** Production model names (a production workspace does not depend on who asks). */
async function productionModels(workspaces: Workspaces): Promise<ReadonlySet<string>> {
  const models = await workspaces.models({ userId: '0', workspace: 'production' });
  return new Set(models.map((m) => m.model.name));
}

/** The embedding service of a server: its secrets sealed with the key of `dataDir` (or OVERLOOK_SECRET_KEY). */
export function embedServiceFor(store: Store, workspaces: Workspaces, options: { dataDir?: string; env?: Readonly<Record<string, string | undefined>> } = {}): EmbedService {
  return new EmbedService({
    store, productionModels: () => productionModels(workspaces),
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }), ...(options.env === undefined ? {} : { env: options.env }),
  });
}

export function registerEmbedRoutes(app: FastifyInstance, embed: EmbedService, options: EmbedRouteOptions): void {
  const store = embed.store;
  const cookieless = new CookielessSessions(embed);
  const sweeper = setInterval(() => {
    embed.repo.deleteDead().catch(() => undefined);
  }, 3600_000);
  sweeper.unref();
  app.addHook('onClose', (_instance, done) => {
    clearInterval(sweeper);
    done();
  });

  const publicUrl = options.publicUrl?.replace(/\/+$/, '');
  /** Where browsers reach this server: the public URL when configured, else this request's scheme and Host. */
  const address = (request: FastifyRequest): ServerAddress => {
    if (publicUrl !== undefined) {
      const url = new URL(publicUrl);
      return { origin: url.origin, host: url.host };
    }
    return { origin: `${request.protocol}://${request.host}`, host: request.host };
  };
  const hostLines = (request: FastifyRequest): string[] => {
    const lines = [request.host];
    if (publicUrl !== undefined) lines.push(new URL(publicUrl).host);
    return [...new Set(lines)];
  };
  // Third-party frames only keep cookies marked SameSite=None; Secure, which need HTTPS.
  const crossSite = (request: FastifyRequest): boolean => request.protocol === 'https' || publicUrl?.startsWith('https:') === true;

  // Secrets

  registerLookerRoute<{ Body: { algorithm?: string | null; secret_type?: string | null; enabled?: boolean | null } | undefined }>(app, {
    operationId: 'create_embed_secret',
    handler: async (request) => {
      const auth = requirePermission(request, 'administer');
      const created = await embedCall(() => embed.createSecret(auth.userId, request.body ?? {}));
      return { algorithm: created.algorithm, created_at: created.created_at, enabled: created.enabled, id: created.id, secret: created.secret, user_id: created.user_id, secret_type: created.secret_type };
    },
  });

  registerLookerRoute<{ Params: { embed_secret_id: string } }>(app, {
    operationId: 'delete_embed_secret',
    handler: async (request, reply) => {
      requirePermission(request, 'administer');
      found((await call(() => embed.deleteSecret(request.params.embed_secret_id))) || null);
      return reply.code(204).send();
    },
  });

  // URLs

  registerLookerRoute<{ Body: SsoUrlRequest }>(app, {
    operationId: 'create_sso_embed_url',
    handler: async (request) => {
      const auth = requirePermission(request, 'administer');
      return { url: await embedCall(() => embed.createSsoUrl(request.body, address(request), auth.userId)) };
    },
  });

  registerLookerRoute<{ Body: { target_url: string; session_length?: number | null } }>(app, {
    operationId: 'create_embed_url_as_me',
    handler: async (request) => {
      const auth = requireAuth(request);
      return { url: await embedCall(() => embed.createUrlAsMe(auth.userId, request.body, address(request))) };
    },
  });

  // Cookieless

  registerLookerRoute<{ Body: AcquireRequest }>(app, {
    operationId: 'acquire_embed_cookieless_session',
    handler: async (request) => {
      requirePermission(request, 'administer');
      const acquired = await embedCall(() => cookieless.acquire(request.body, request.headers['user-agent']));
      const user = await store.users.userByEmbedExternalId(request.body.external_user_id ?? '');
      if (user) options.onUserChanged(user.id);
      return acquired;
    },
  });

  registerLookerRoute<{ Body: { session_reference_token: string; api_token?: string | null; navigation_token?: string | null } }>(app, {
    operationId: 'generate_tokens_for_cookieless_session',
    handler: async (request) => {
      requirePermission(request, 'administer');
      return embedCall(() => cookieless.generate(request.body, request.headers['user-agent']));
    },
  });

  registerLookerRoute<{ Params: { session_reference_token: string } }>(app, {
    operationId: 'delete_embed_cookieless_session',
    handler: async (request, reply) => {
      requirePermission(request, 'administer');
      const ended = found(await embedCall(() => cookieless.end(request.params.session_reference_token)));
      for (const hash of ended.apiTokenHashes) {
        await store.tokens.revokeTokenByHash(hash);
        options.onSessionEnded(hash);
      }
      for (const hash of ended.browserSessionHashes) {
        await store.browserSessions.revoke(hash);
        options.onSessionEnded(hash);
      }
      return reply.code(204).send();
    },
  });

  // Embed credentials of users

  const credentialJson = async (request: FastifyRequest, userId: string): Promise<Record<string, unknown> | null> => {
    const c = await embed.repo.credentials(userId);
    return c === null ? null : credentialsEmbedJson(c, publicUrl ?? `${request.protocol}://${request.host}`);
  };
  const readUser = (request: FastifyRequest, userId: string): void => {
    const auth = requireAuth(request);
    if (auth.userId !== userId) requirePermission(request, 'see_users');
  };

  registerLookerRoute<{ Params: { user_id: string } }>(app, {
    operationId: 'all_user_credentials_embeds',
    handler: async (request) => {
      readUser(request, request.params.user_id);
      found(await call(() => store.users.user(request.params.user_id)));
      const one = await credentialJson(request, request.params.user_id);
      return one === null ? [] : [one];
    },
  });

  registerLookerRoute<{ Params: { user_id: string; credentials_embed_id: string } }>(app, {
    operationId: 'user_credentials_embed',
    handler: async (request) => {
      readUser(request, request.params.user_id);
      if (request.params.credentials_embed_id !== request.params.user_id) throw new ApiError('not_found');
      return found(await credentialJson(request, request.params.user_id));
    },
  });

  registerLookerRoute<{ Params: { user_id: string; credentials_embed_id: string } }>(app, {
    operationId: 'delete_user_credentials_embed',
    handler: async (request, reply) => {
      requirePermission(request, 'administer');
      if (request.params.credentials_embed_id !== request.params.user_id) throw new ApiError('not_found');
      found((await embed.repo.deleteCredentials(request.params.user_id)) || null);
      // Without its credential the embed user can no longer be signed in; end what it has open,
      // here and in this node's caches at once.
      const userId = Number(request.params.user_id);
      const open = [
        ...(await store.db.selectFrom('browser_sessions').select('session_hash as hash').where('user_id', '=', userId).where('revoked_at', 'is', null).execute()),
        ...(await store.db.selectFrom('access_tokens').select('token_hash as hash').where('user_id', '=', userId).where('revoked_at', 'is', null).execute()),
      ];
      await store.browserSessions.revokeUser(request.params.user_id);
      await store.tokens.revokeUserTokens(request.params.user_id);
      for (const { hash } of open) options.onSessionEnded(hash);
      options.onUserChanged(request.params.user_id);
      return reply.code(204).send();
    },
  });

  // The embed frame asks whether its host page may receive its events (Looker's domain allowlist).
  app.get<{ Querystring: { embed_domain?: string } }>('/x-overlook/embed/domain', { config: { lookerAuth: false } }, async (request) => {
    const domain = request.query.embed_domain;
    return { allowed: typeof domain === 'string' && (await embed.domainAllowed(domain)) };
  });

  // What an embed frame enforces itself (no secret: any frame may ask).
  app.get('/x-overlook/embed/config', { config: { lookerAuth: false } }, async (_request, reply) => {
    const flags = await embed.flags();
    return reply.header('cache-control', 'no-store').send({ hide_look_navigation: flags.hide_look_navigation });
  });

  // The login

  app.get(`${EMBED_LOGIN_PREFIX}*`, { config: { lookerAuth: false } }, async (request, reply) => {
    const raw = request.raw.url ?? '';
    const q = raw.indexOf('?');
    const embedPath = q < 0 ? raw : raw.slice(0, q);
    const search = q < 0 ? '' : raw.slice(q);
    let login: EmbedLogin;
    let cookielessSession: number | null = null;
    try {
      const params = new URLSearchParams(search);
      const authentication = params.get(AUTHENTICATION_TOKEN_PARAM);
      const asMe = params.get(LOGIN_TOKEN_PARAM);
      if (authentication !== null) {
        if ([...params.keys()].length !== 1) throw new EmbedError('invalid_params', `This request includes invalid params: only ${AUTHENTICATION_TOKEN_PARAM} goes with a cookieless login.`);
        const result = await cookieless.login(authentication, embedPath, request.headers['user-agent']);
        cookielessSession = result.sessionId;
        login = result;
      } else if (asMe !== null) {
        if ([...params.keys()].length !== 1) throw new EmbedError('invalid_params', `This request includes invalid params: only ${LOGIN_TOKEN_PARAM} goes with this URL.`);
        login = await embed.tokenLogin(asMe, embedPath);
      } else {
        login = await embed.signedLogin({ hosts: hostLines(request), embedPath, search });
      }
    } catch (error) {
      if (error instanceof EmbedError) {
        request.log.info({ code: error.code }, 'embed login refused');
        return errorPage(reply, LOGIN_STATUS[error.code], error.message);
      }
      throw error;
    }
    options.onUserChanged(login.userId);
    const cookieHeader = request.headers.cookie;
    const current = cookieHeader === undefined ? undefined : app.parseCookie(cookieHeader)[SESSION_COOKIE];
    if (login.forceLogoutLogin && current !== undefined && current !== '') {
      // Looker's force_logout_login: whatever this browser was signed in as ends here.
      const hash = hashToken(current);
      await store.browserSessions.revoke(hash);
      options.onSessionEnded(hash);
    }
    const userAgent = request.headers['user-agent'];
    const session = await startBrowserSession(request, reply, store, {
      userId: login.userId, kind: 'embed', ttlSeconds: login.sessionLength, crossSite: crossSite(request),
      ...(cookielessSession !== null && userAgent !== undefined ? { userAgent } : {}),
    });
    if (cookielessSession !== null) await cookieless.recordBrowserSession(cookielessSession, login.userId, session.raw, session.expires_at);
    return reply.header('cache-control', 'no-store').redirect(login.target.url, 302);
  });
}
