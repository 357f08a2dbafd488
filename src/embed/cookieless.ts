/**
 * Cookieless embed (`/work/shared/reference/looker-embed.md` (b)): the embedding application's
 * server acquires a session for its user with the browser's User-Agent and keeps the session
 * reference token; the browser gets short-lived tokens: a one-time authentication token (30 s) to
 * start the frame, a navigation token (10 min) carried in embed page URLs, and an API token (10 min,
 * a real access token of the embed user, handed into the frame over postMessage). Everything is
 * bound to the User-Agent the session was acquired with.
 */
import type { Store } from '../store/index.ts';
import { hashToken, randomToken } from '../store/index.ts';
import { EmbedError } from './errors.ts';
import type { CookielessSessionRecord, EmbedRepository } from './repository.ts';
import { decodedTarget, type EmbedLogin, type EmbedService } from './service.ts';
import { DEFAULT_SESSION_LENGTH, attributeValues, checkSessionLength, type EmbedUserGrant } from './signing.ts';
import { parseEmbedTarget } from './targets.ts';
import { upsertEmbedUser } from './users.ts';

export const AUTHENTICATION_TOKEN_TTL = 30;
export const NAVIGATION_TOKEN_TTL = 600;
export const API_TOKEN_TTL = 600;
export const AUTHENTICATION_TOKEN_PARAM = 'embed_authentication_token';
export const NAVIGATION_TOKEN_PARAM = 'embed_navigation_token';

export interface AcquireRequest extends Partial<Omit<EmbedUserGrant, 'user_attributes'>> {
  readonly user_attributes?: unknown;
  readonly session_reference_token?: string | null;
  readonly embed_domain?: string | null;
}

export interface SessionTokens {
  navigation_token: string | null;
  navigation_token_ttl: number;
  api_token: string | null;
  api_token_ttl: number;
  session_reference_token: string;
  session_reference_token_ttl: number;
}

export interface AcquiredSession extends SessionTokens {
  authentication_token: string;
  authentication_token_ttl: number;
}

export interface GenerateRequest {
  readonly session_reference_token: string;
  readonly api_token?: string | null;
  readonly navigation_token?: string | null;
}

/** What ending a session leaves for the caller to revoke: access tokens and browser sessions (hashes). */
export interface EndedSession {
  readonly apiTokenHashes: readonly string[];
  readonly browserSessionHashes: readonly string[];
}

function requireUserAgent(userAgent: string | undefined): string {
  if (userAgent === undefined || userAgent.trim() === '') {
    throw new EmbedError('invalid_params', "A User-Agent header is required: cookieless embed sessions are bound to the browser's User-Agent, so forward the browser's.");
  }
  return userAgent;
}

export class CookielessSessions {
  readonly #service: EmbedService;
  readonly #store: Store;
  readonly #repo: EmbedRepository;

  constructor(service: EmbedService) {
    this.#service = service;
    this.#store = service.store;
    this.#repo = service.repo;
  }

  #remaining(session: CookielessSessionRecord): number {
    return Math.max(0, Math.round((Date.parse(session.expires_at) - this.#store.now().getTime()) / 1000));
  }

  async #issue(session: CookielessSessionRecord, referenceToken: string): Promise<SessionTokens> {
    const remaining = Math.max(1, this.#remaining(session));
    const now = this.#store.now().getTime();
    const navTtl = Math.min(NAVIGATION_TOKEN_TTL, remaining);
    const apiTtl = Math.min(API_TOKEN_TTL, remaining);
    const navigation = randomToken();
    await this.#repo.addToken({ raw: navigation, kind: 'navigation', sessionId: session.id, userId: session.user_id, expiresAt: new Date(now + navTtl * 1000).toISOString() });
    const api = await this.#store.tokens.issueToken({ userId: session.user_id, ttlSeconds: apiTtl });
    await this.#repo.addToken({ raw: api.access_token, kind: 'api', sessionId: session.id, userId: session.user_id, expiresAt: api.expires_at });
    return {
      navigation_token: navigation, navigation_token_ttl: navTtl, api_token: api.access_token, api_token_ttl: apiTtl,
      session_reference_token: referenceToken, session_reference_token_ttl: remaining,
    };
  }

  async #withAuthentication(session: CookielessSessionRecord, referenceToken: string): Promise<AcquiredSession> {
    const tokens = await this.#issue(session, referenceToken);
    const authTtl = Math.min(AUTHENTICATION_TOKEN_TTL, tokens.session_reference_token_ttl);
    const authentication = randomToken();
    await this.#repo.addToken({
      raw: authentication, kind: 'authentication', sessionId: session.id, userId: session.user_id,
      expiresAt: new Date(this.#store.now().getTime() + authTtl * 1000).toISOString(),
    });
    return { authentication_token: authentication, authentication_token_ttl: authTtl, ...tokens };
  }

  /**
   * `acquire_embed_cookieless_session`. A live reference token of the same embed user and browser
   * gets a new authentication token for the same session (not extended, user not updated); another
   * user's or browser's is a 404; an expired or unknown one is ignored and a new session starts.
   */
  async acquire(request: AcquireRequest, userAgentHeader: string | undefined): Promise<AcquiredSession> {
    await this.#service.requireEnabled('cookieless');
    const userAgent = requireUserAgent(userAgentHeader);
    const externalUserId = request.external_user_id;
    if (typeof externalUserId !== 'string' || externalUserId.trim() === '') {
      throw new EmbedError('missing_param', 'external_user_id is required to acquire a cookieless embed session.');
    }
    const reference = request.session_reference_token;
    if (typeof reference === 'string' && reference !== '') {
      const live = await this.#repo.liveCookielessSession(reference);
      if (live !== null) {
        const credentials = await this.#repo.credentials(live.user_id);
        if (credentials?.external_user_id !== externalUserId || live.user_agent_hash !== hashToken(userAgent)) {
          throw new EmbedError('not_found', 'The session reference token belongs to another embed user or browser.');
        }
        return this.#withAuthentication(live, reference);
      }
    }
    const grant: EmbedUserGrant = {
      ...request, external_user_id: externalUserId,
      session_length: checkSessionLength(request.session_length ?? DEFAULT_SESSION_LENGTH),
      permissions: request.permissions ?? [], models: request.models ?? [],
      user_attributes: request.user_attributes === undefined || request.user_attributes === null ? undefined : attributeValues(request.user_attributes),
    };
    const checked = await this.#service.checkedGrant(grant);
    if (request.embed_domain !== undefined && request.embed_domain !== null) await this.#service.allowDomain(request.embed_domain);
    const userId = await upsertEmbedUser(this.#store, this.#repo, grant, checked);
    const referenceToken = randomToken();
    const session = await this.#repo.createCookielessSession({ referenceToken, userId, userAgent, ttlSeconds: grant.session_length });
    return this.#withAuthentication(session, referenceToken);
  }

  /**
   * `generate_tokens_for_cookieless_session`: new navigation and API tokens for a live session; an
   * ended one answers `session_reference_token_ttl: 0` (what the embed SDK expects, not an error).
   */
  async generate(request: GenerateRequest, userAgentHeader: string | undefined): Promise<SessionTokens> {
    const userAgent = requireUserAgent(userAgentHeader);
    const session = await this.#repo.liveCookielessSession(request.session_reference_token);
    if (session === null) {
      return {
        navigation_token: null, navigation_token_ttl: 0, api_token: null, api_token_ttl: 0,
        session_reference_token: request.session_reference_token, session_reference_token_ttl: 0,
      };
    }
    if (session.user_agent_hash !== hashToken(userAgent)) {
      throw new EmbedError('wrong_browser', 'Invalid input tokens provided: this session belongs to another browser (User-Agent).');
    }
    for (const [raw, kind] of [[request.api_token, 'api'], [request.navigation_token, 'navigation']] as const) {
      if (raw === undefined || raw === null || raw === '') continue;
      const token = await this.#repo.anyToken(raw);
      // Tokens swept after expiry are simply unknown; a token of another session or kind is not.
      if (token !== null && (token.session_id !== session.id || token.kind !== kind)) {
        throw new EmbedError('invalid_params', `Invalid input tokens provided: the ${kind} token belongs to another session.`);
      }
    }
    return this.#issue(session, request.session_reference_token);
  }

  /** `delete_embed_cookieless_session`; null when there is no such live session. */
  async end(referenceToken: string): Promise<EndedSession | null> {
    const tokens = await this.#repo.revokeCookielessSession(referenceToken);
    if (tokens === null) return null;
    return {
      apiTokenHashes: tokens.filter((t) => t.kind === 'api').map((t) => t.token_hash),
      browserSessionHashes: tokens.filter((t) => t.kind === 'browser').map((t) => t.token_hash),
    };
  }

  /**
   * `GET /login/embed/<target>?embed_authentication_token=…`: spends the one-time token; the target
   * must carry a navigation token of the same session, and the browser must be the session's.
   */
  async login(authenticationToken: string, embedPath: string, userAgentHeader: string | undefined): Promise<EmbedLogin & { sessionId: number }> {
    await this.#service.requireEnabled('cookieless');
    const target = parseEmbedTarget(decodedTarget(embedPath));
    const token = await this.#repo.consumeToken(authenticationToken, 'authentication');
    if (token === null || token.session_id === null) {
      throw new EmbedError('bad_token', `The ${AUTHENTICATION_TOKEN_PARAM} is unknown, expired (it lasts ${AUTHENTICATION_TOKEN_TTL} seconds) or was used already.`);
    }
    const session = await this.#repo.cookielessSessionById(token.session_id);
    if (session === null) throw new EmbedError('bad_token', 'This cookieless embed session has ended.');
    if (session.user_agent_hash !== hashToken(userAgentHeader ?? '')) {
      throw new EmbedError('wrong_browser', 'This cookieless embed session belongs to another browser (User-Agent).');
    }
    const navigation = target.params.get(NAVIGATION_TOKEN_PARAM);
    const navToken = navigation === null ? null : await this.#repo.liveToken(navigation, 'navigation');
    if (navToken === null || navToken.session_id !== session.id) {
      throw new EmbedError('bad_token', `The embed target needs a live ${NAVIGATION_TOKEN_PARAM} of this session.`);
    }
    // The user's models: the session's grant and the roles of its groups.
    const models = target.model === null ? null : await this.#store.roles.userModels(session.user_id);
    if (target.model !== null && models !== null && !models.has(target.model)) {
      throw new EmbedError('bad_target', `The embed target uses model ${JSON.stringify(target.model)}, which this session does not grant.`);
    }
    return { userId: session.user_id, target, sessionLength: Math.max(1, this.#remaining(session)), forceLogoutLogin: true, sessionId: session.id };
  }

  /** Ties the browser session a login started to the cookieless session, so ending one ends the other. */
  async recordBrowserSession(sessionId: number, userId: string, rawCookie: string, expiresAt: string): Promise<void> {
    await this.#repo.addToken({ raw: rawCookie, kind: 'browser', sessionId, userId, expiresAt });
  }
}
