/**
 * Browser sessions on the wire: the two cookies, the CSRF rule, and how a cookie becomes
 * `request.auth`. API clients never see any of this: an `Authorization` header always wins.
 *
 * CSRF: the session cookie is HttpOnly and SameSite; on top of that, every state-changing call made
 * with it must echo the second cookie's value in `x-csrf-token` (double submit, checked against the
 * hash kept with the session), so a form or script on another site cannot act with the cookie.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BrowserSessionKind, BrowserSessionRecord, Store } from '../store/index.ts';
import { hashToken } from '../store/index.ts';
import type { AuthContext } from './auth-context.ts';
import { ApiError } from './errors.ts';

export const SESSION_COOKIE = 'overlook_session';
export const CSRF_COOKIE = 'overlook_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface StartBrowserSessionOptions {
  userId: string;
  kind: BrowserSessionKind;
  ttlSeconds?: number;
  /** Bind the session to this User-Agent (cookieless embed). */
  userAgent?: string;
  /**
   * The page lives in a third-party frame (embed): cookies need `SameSite=None; Secure`, which
   * browsers accept only over HTTPS.
   */
  crossSite?: boolean;
}

function cookieOptions(request: FastifyRequest, crossSite: boolean, maxAgeSeconds: number, httpOnly: boolean) {
  const secure = crossSite || request.protocol === 'https';
  return { path: '/', httpOnly, secure, sameSite: crossSite ? 'none' as const : 'lax' as const, maxAge: maxAgeSeconds };
}

/** Creates the session and sets both cookies on the reply. */
export async function startBrowserSession(request: FastifyRequest, reply: FastifyReply, store: Store, options: StartBrowserSessionOptions): Promise<{ raw: string; csrf: string; expires_at: string }> {
  const issued = await store.browserSessions.create({
    userId: options.userId, kind: options.kind,
    ...(options.ttlSeconds === undefined ? {} : { ttlSeconds: options.ttlSeconds }),
    ...(options.userAgent === undefined ? {} : { userAgent: options.userAgent }),
  });
  const maxAge = Math.max(1, Math.round((Date.parse(issued.expires_at) - Date.now()) / 1000));
  const crossSite = options.crossSite === true;
  void reply.setCookie(SESSION_COOKIE, issued.raw, cookieOptions(request, crossSite, maxAge, true));
  void reply.setCookie(CSRF_COOKIE, issued.csrf, cookieOptions(request, crossSite, maxAge, false));
  return { raw: issued.raw, csrf: issued.csrf, expires_at: issued.expires_at };
}

export function clearBrowserCookies(reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { path: '/' });
  void reply.clearCookie(CSRF_COOKIE, { path: '/' });
}

/** What the auth hook hands to `ApiDeps.authenticateBrowser`. */
export interface BrowserCredentials {
  raw: string;
  /** The `x-csrf-token` header, required (and checked) when `stateChanging`. */
  csrf: string | undefined;
  stateChanging: boolean;
  userAgent: string | undefined;
}

export function browserCredentials(request: FastifyRequest, app: FastifyInstance): BrowserCredentials | null {
  const header = request.headers.cookie;
  if (header === undefined) return null;
  const raw = app.parseCookie(header)[SESSION_COOKIE];
  if (raw === undefined || raw === '') return null;
  const csrf = request.headers[CSRF_HEADER];
  return {
    raw,
    csrf: typeof csrf === 'string' ? csrf : undefined,
    stateChanging: !SAFE_METHODS.has(request.method),
    userAgent: request.headers['user-agent'],
  };
}

/** The session's stored bindings hold for this request (CSRF on writes, User-Agent when bound). */
export function bindingsHold(credentials: BrowserCredentials, csrfHash: string, userAgentHash: string | null): boolean {
  if (credentials.stateChanging && (credentials.csrf === undefined || hashToken(credentials.csrf) !== csrfHash)) return false;
  if (userAgentHash !== null && hashToken(credentials.userAgent ?? '') !== userAgentHash) return false;
  return true;
}

export interface BrowserAuthenticator {
  authenticate(credentials: BrowserCredentials): Promise<AuthContext | null>;
  /** This node's sessions of the user see a UI dev-mode change at once (others within the cache time). */
  uiDevModeChanged(userId: string, dev: boolean): void;
  forget(sessionHash: string): void;
}

/**
 * Browser sessions resolved like tokens: one query (session + the user's UI dev mode), reused for
 * `cacheMs`, kept in step by this node's own writes.
 */
/** What a user's roles grant: permissions, and the models (absent = every model). */
export interface Grants {
  permissions: ReadonlySet<string>;
  models?: ReadonlySet<string>;
}

export function browserAuthenticator(store: Store, grantsOf: (userId: string) => Promise<Grants>, cacheMs: number): BrowserAuthenticator {
  const cache = new Map<string, { at: number; rec: BrowserSessionRecord }>();
  return {
    async authenticate(credentials) {
      const hash = hashToken(credentials.raw);
      const now = Date.now();
      const hit = cache.get(hash);
      let rec: BrowserSessionRecord | null;
      if (hit && now - hit.at < cacheMs && Date.parse(hit.rec.expires_at) > now) rec = hit.rec;
      else {
        rec = await store.browserSessions.findByHash(hash);
        if (cache.size > 50_000) cache.clear();
        if (rec) cache.set(hash, { at: now, rec });
        else cache.delete(hash);
      }
      if (rec === null) return null;
      if (!bindingsHold(credentials, rec.csrf_hash, rec.user_agent_hash)) {
        throw new ApiError('forbidden', { message: 'Missing or wrong x-csrf-token header (or a session bound to another browser). Reload the page and try again.' });
      }
      return {
        userId: rec.user_id,
        tokenHash: rec.session_hash,
        via: rec.kind,
        ...(await grantsOf(rec.user_id)),
        workspaceId: rec.kind === 'ui' && rec.ui_dev_mode ? 'dev' : 'production',
      };
    },
    uiDevModeChanged(userId, dev) {
      for (const [hash, hit] of cache) if (hit.rec.user_id === userId) cache.set(hash, { at: hit.at, rec: { ...hit.rec, ui_dev_mode: dev } });
    },
    forget(sessionHash) {
      cache.delete(sessionHash);
    },
  };
}
