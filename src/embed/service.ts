/**
 * Embedding as one service over the store: embed secrets, signed URLs (made and verified), one-time
 * "as me" URLs, and the logins they lead to. Cookieless sessions are in `cookieless.ts`. The HTTP
 * layer (`src/api/routes/embed.ts`) turns results into cookies and redirects and refusals into pages.
 */
import { randomBytes } from 'node:crypto';
import type { Store, User } from '../store/index.ts';
import { randomToken } from '../store/index.ts';
import { EMBED_CONFIG_KEY, applyFlags, embedConfigJson, parseFlags, type EmbedFlags } from './config.ts';
import { domainMatches, normalizeDomainEntry } from './domains.ts';
import { EmbedError } from './errors.ts';
import { EmbedRepository, type EmbedSecretRecord } from './repository.ts';
import { loadSecretKey, secretBox } from './secret-box.ts';
import {
  DEFAULT_SESSION_LENGTH, EMBED_ALGORITHMS, attributeValues, checkSessionLength, createSignedEmbedUrl, embedPathFor, verifySignedLogin,
  type EmbedSigningAlgorithm, type EmbedUserGrant,
} from './signing.ts';
import { parseEmbedTarget, targetFromApi, type EmbedTarget } from './targets.ts';
import { checkGrant, createEmbedUser, upsertEmbedUser, type CheckedGrant } from './users.ts';

export interface EmbedServiceOptions {
  readonly store: Store;
  /** Where the key that seals embed secrets lives when OVERLOOK_SECRET_KEY is not set. */
  readonly dataDir?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Names of the models production serves (an embed URL may only grant those). */
  readonly productionModels: () => Promise<ReadonlySet<string>>;
}

/** Where the browser reaches this server: `origin` for URLs, `host` for the string to sign. */
export interface ServerAddress {
  readonly origin: string;
  readonly host: string;
}

/** A login that passed every check: whom to start an embed session for, for how long, and where to go. */
export interface EmbedLogin {
  readonly userId: string;
  readonly target: EmbedTarget;
  readonly sessionLength: number;
  readonly forceLogoutLogin: boolean;
}

export interface SsoUrlRequest extends Partial<Omit<EmbedUserGrant, 'user_attributes'>> {
  readonly target_url: string;
  /** As the API body has it: checked and stringified by `attributeValues`. */
  readonly user_attributes?: unknown;
  readonly secret_id?: string | null;
  readonly embed_domain?: string | null;
}

/** `as me` URLs must be used within 5 minutes (spec `create_embed_url_as_me`). */
const AS_ME_TTL_SECONDS = 300;
/** Used nonces are remembered for an hour, well past the 5-minute window of `time`. */
const NONCE_TTL_SECONDS = 3600;
export const LOGIN_TOKEN_PARAM = 'embed_login_token';

/** `http(s)://host[:port]` of an embed domain, lowercased; null for anything else. */
export function embedOrigin(domain: string): string | null {
  try {
    const url = new URL(domain.trim());
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') return null;
    return url.origin.toLowerCase();
  } catch {
    return null;
  }
}

export class EmbedService {
  readonly store: Store;
  readonly repo: EmbedRepository;
  readonly #productionModels: () => Promise<ReadonlySet<string>>;

  constructor(options: EmbedServiceOptions) {
    this.store = options.store;
    this.repo = new EmbedRepository(options.store, secretBox(loadSecretKey(options.dataDir, options.env)));
    this.#productionModels = options.productionModels;
  }

  nowSeconds(): number {
    return Math.floor(this.store.now().getTime() / 1000);
  }

  // Secrets

  /** A new secret (returned in clear this once): 32 random bytes as hex, like Looker's. */
  async createSecret(userId: string, input: { algorithm?: string | null; secret_type?: string | null; enabled?: boolean | null }): Promise<EmbedSecretRecord & { secret: string }> {
    const algorithm = (input.algorithm ?? 'hmac/sha-256').toLowerCase();
    if (!(EMBED_ALGORITHMS as readonly string[]).includes(algorithm)) {
      throw new EmbedError('invalid_params', `algorithm must be one of ${EMBED_ALGORITHMS.join(', ')}.`);
    }
    const secretType = (input.secret_type ?? 'SSO').toUpperCase();
    if (secretType !== 'SSO' && secretType !== 'JWT') throw new EmbedError('invalid_params', 'secret_type must be "SSO" or "JWT".');
    const secret = randomBytes(32).toString('hex');
    const record = await this.repo.createSecret({ secret, algorithm: algorithm as EmbedSigningAlgorithm, secretType, enabled: input.enabled ?? true, userId });
    return { ...record, secret };
  }

  deleteSecret(id: string): Promise<boolean> {
    return this.repo.deleteSecret(id);
  }

  // Signed URLs

  /** What a grant names, checked against this server (production models, attributes). */
  async checkedGrant(grant: EmbedUserGrant): Promise<CheckedGrant> {
    return checkGrant(this.store, grant, await this.#productionModels());
  }

  /** `create_sso_embed_url`: the URL signed with the chosen (or newest, or a new default) secret. */
  async createSsoUrl(request: SsoUrlRequest, address: ServerAddress, creatorId: string): Promise<string> {
    await this.requireEnabled('sso');
    const target = targetFromApi(request.target_url);
    const externalUserId = request.external_user_id;
    if (typeof externalUserId !== 'string' || externalUserId.trim() === '') {
      throw new EmbedError('missing_param', 'external_user_id is required to sign an embed URL.');
    }
    if ((request.group_ids ?? []).length === 0 && (request.models === undefined || request.permissions === undefined)) {
      throw new EmbedError('missing_param', 'Provide group_ids, or both models and permissions.');
    }
    const sessionLength = checkSessionLength(request.session_length ?? DEFAULT_SESSION_LENGTH);
    const secrets = await this.repo.usableSecrets();
    let secret = request.secret_id === undefined || request.secret_id === null ? secrets[0] : secrets.find((s) => s.id === request.secret_id);
    if (secret === undefined && request.secret_id !== undefined && request.secret_id !== null) {
      throw new EmbedError('not_found', `Embed secret ${JSON.stringify(request.secret_id)} does not exist or is disabled.`);
    }
    // Looker: "If there is no active secret for signing embed urls, a default secret will be created."
    secret ??= await this.createSecret(creatorId, {});
    if (request.embed_domain !== undefined && request.embed_domain !== null) await this.allowDomain(request.embed_domain);
    const user: EmbedUserGrant = {
      external_user_id: externalUserId, session_length: sessionLength,
      permissions: request.permissions ?? [], models: request.models ?? [],
      ...(request.first_name !== undefined ? { first_name: request.first_name } : {}),
      ...(request.last_name !== undefined ? { last_name: request.last_name } : {}),
      ...(request.force_logout_login !== undefined ? { force_logout_login: request.force_logout_login } : {}),
      ...(request.group_ids !== undefined ? { group_ids: request.group_ids } : {}),
      ...(request.external_group_id !== undefined ? { external_group_id: request.external_group_id } : {}),
      ...(request.user_attributes !== undefined && request.user_attributes !== null ? { user_attributes: attributeValues(request.user_attributes) } : {}),
      ...(request.user_timezone !== undefined ? { user_timezone: request.user_timezone } : {}),
    };
    return createSignedEmbedUrl({
      origin: address.origin, host: address.host, target: target.url, user,
      secret: secret.secret, algorithm: secret.algorithm, time: this.nowSeconds(),
    });
  }

  /**
   * `GET /login/embed/<target>?…signature=…`: every check of the signed URL, then the nonce is
   * spent and the embed user created or updated. `hosts` are the host lines this server accepts.
   */
  async signedLogin(input: { hosts: readonly string[]; embedPath: string; search: string }): Promise<EmbedLogin> {
    const { login, target, checked } = await this.#checkSigned(input);
    if (!(await this.repo.useNonce(login.nonce, NONCE_TTL_SECONDS))) {
      throw new EmbedError('replayed_nonce', "'nonce' param has already been used: a signed embed URL works only once.");
    }
    const userId = await upsertEmbedUser(this.store, this.repo, login, checked);
    return { userId, target, sessionLength: login.session_length, forceLogoutLogin: login.force_logout_login };
  }

  /** Every check of a signed login that leaves no trace (the nonce is the caller's). */
  async #checkSigned(input: { hosts: readonly string[]; embedPath: string; search: string }) {
    await this.requireEnabled('sso');
    const login = verifySignedLogin({ ...input, secrets: await this.repo.usableSecrets(), nowSeconds: this.nowSeconds() });
    const target = parseEmbedTarget(decodedTarget(input.embedPath));
    const checked = await this.checkedGrant(login);
    if (target.model !== null && !checked.models.includes(target.model) && !(await this.#groupsGrantModel(checked.groupIds, login.external_group_id, target.model))) {
      throw new EmbedError('bad_target', `The embed target uses model ${JSON.stringify(target.model)}, which neither the 'models' param nor the roles of the URL's groups grant.`);
    }
    return { login, target, checked };
  }

  /** Whether the roles of these groups (and of the external group, when it exists) grant `model`. */
  async #groupsGrantModel(groupIds: readonly string[], externalGroupId: string | null | undefined, model: string): Promise<boolean> {
    const external = externalGroupId === undefined || externalGroupId === null || externalGroupId === '' ? null : await this.store.groups.findExternalGroup(externalGroupId);
    const models = await this.store.groups.groupModels(external === null ? groupIds : [...groupIds, external]);
    return models === null || models.has(model);
  }

  /**
   * `validate_embed_url`: everything the login would check of this signed URL, against the host it
   * names, without spending its nonce or touching any user.
   */
  async validateSignedUrl(url: string): Promise<void> {
    let parsed: URL;
    try {
      parsed = new URL(url.trim());
    } catch {
      throw new EmbedError('invalid_params', 'url must be a complete signed embed URL (https://host/login/embed/...).');
    }
    if (!parsed.pathname.startsWith('/login/embed/')) throw new EmbedError('bad_target', 'url is no embed login URL: its path must start with /login/embed/.');
    if (parsed.searchParams.has(LOGIN_TOKEN_PARAM) || parsed.searchParams.has('embed_authentication_token')) {
      throw new EmbedError('invalid_params', 'url is a one-time token URL, not a signed embed URL: only signed URLs can be validated.');
    }
    const { login } = await this.#checkSigned({ hosts: [parsed.host], embedPath: parsed.pathname, search: parsed.search });
    if (await this.repo.nonceUsed(login.nonce)) {
      throw new EmbedError('replayed_nonce', "'nonce' param has already been used: a signed embed URL works only once.");
    }
  }

  /** `create_embed_user`. */
  createEmbedUser(externalUserId: string): Promise<User> {
    return createEmbedUser(this.store, this.repo, externalUserId);
  }

  // Settings

  async flags(): Promise<EmbedFlags> {
    return parseFlags(await this.store.settings.getSetting(EMBED_CONFIG_KEY));
  }

  /** Refuses when signed (`sso`: signed and "as me" URLs) or cookieless embedding is switched off. */
  async requireEnabled(kind: 'sso' | 'cookieless'): Promise<void> {
    const flags = await this.flags();
    if (kind === 'sso' && !flags.sso_auth_enabled) {
      throw new EmbedError('disabled', 'Signed embedding is disabled on this server (embed_config.sso_auth_enabled is false).');
    }
    if (kind === 'cookieless' && !flags.embed_cookieless_v2) {
      throw new EmbedError('disabled', 'Cookieless embedding is disabled on this server (embed_config.embed_cookieless_v2 is false).');
    }
  }

  /** The embed members of Looker's `Setting`. */
  async settingJson(): Promise<Record<string, unknown>> {
    const flags = await this.flags();
    return { embed_enabled: true, embed_cookieless_v2: flags.embed_cookieless_v2, embed_config: embedConfigJson(flags, await this.repo.allDomains()) };
  }

  /**
   * `set_setting` for the embed members: `embed_config` (its `domain_allowlist` replaces the list)
   * and the deprecated top-level `embed_cookieless_v2`, which `embed_config.embed_cookieless_v2`
   * overrides. Everything is checked before anything is written.
   */
  async updateSetting(patch: { embed_config?: unknown; embed_cookieless_v2?: unknown }): Promise<void> {
    const config = patch.embed_config;
    if (config !== undefined && config !== null && (typeof config !== 'object' || Array.isArray(config))) {
      throw new EmbedError('invalid_params', 'embed_config must be an object.');
    }
    const body = (config ?? {}) as Record<string, unknown>;
    let flags = await this.flags();
    if (patch.embed_cookieless_v2 !== undefined) flags = applyFlags(flags, { embed_cookieless_v2: patch.embed_cookieless_v2 });
    flags = applyFlags(flags, body);
    const list = body.domain_allowlist;
    let domains: string[] | undefined;
    if (list !== undefined) {
      if (list !== null && !Array.isArray(list)) throw new EmbedError('invalid_params', 'embed_config.domain_allowlist must be a list of origins.');
      domains = (list ?? []).map((entry: unknown) => {
        if (typeof entry !== 'string') throw new EmbedError('invalid_params', 'embed_config.domain_allowlist entries must be strings.');
        return normalizeDomainEntry(entry);
      });
    }
    await this.store.transaction(async (tx) => {
      await tx.settings.setSetting(EMBED_CONFIG_KEY, JSON.stringify(flags));
      if (domains !== undefined) await this.repo.replaceDomains(tx.db, domains);
    });
  }

  // "As me" URLs

  /** `create_embed_url_as_me`: a one-time URL (5 minutes) that opens `target_url` as the caller. */
  async createUrlAsMe(userId: string, request: { target_url: string; session_length?: number | null }, address: ServerAddress): Promise<string> {
    await this.requireEnabled('sso');
    const target = targetFromApi(request.target_url);
    const sessionLength = checkSessionLength(request.session_length ?? DEFAULT_SESSION_LENGTH);
    const raw = randomToken();
    const expiresAt = new Date(this.store.now().getTime() + AS_ME_TTL_SECONDS * 1000).toISOString();
    await this.repo.addToken({ raw, kind: 'login', sessionId: null, userId, expiresAt, sessionLength });
    return `${address.origin}${embedPathFor(target.url)}?${LOGIN_TOKEN_PARAM}=${encodeURIComponent(raw)}`;
  }

  async tokenLogin(raw: string, embedPath: string): Promise<EmbedLogin> {
    await this.requireEnabled('sso');
    const target = parseEmbedTarget(decodedTarget(embedPath));
    const token = await this.repo.consumeToken(raw, 'login');
    if (token === null) throw new EmbedError('bad_token', 'This embed URL is unknown, expired (they last 5 minutes) or was used already.');
    const user = await this.store.users.user(token.user_id);
    if (!user || user.is_disabled) throw new EmbedError('user_disabled', 'The user of this embed URL no longer exists or is disabled.');
    return { userId: token.user_id, target, sessionLength: token.session_length ?? DEFAULT_SESSION_LENGTH, forceLogoutLogin: true };
  }

  // Domains

  async allowDomain(domain: string): Promise<string> {
    const origin = embedOrigin(domain);
    if (origin === null) throw new EmbedError('invalid_params', `embed_domain must be an http(s) origin such as https://app.example.com (got ${JSON.stringify(domain.slice(0, 200))}).`);
    await this.repo.addDomain(origin);
    return origin;
  }

  /** Whether the embed domain allowlist has an entry (origin or wildcard) matching `domain`. */
  async domainAllowed(domain: string): Promise<boolean> {
    const origin = embedOrigin(domain);
    if (origin === null) return false;
    return (await this.repo.allDomains()).some((entry) => domainMatches(entry, origin));
  }
}

/** The target inside `/login/embed/<encoded target>`. */
export function decodedTarget(embedPath: string): string {
  const encoded = embedPath.slice('/login/embed/'.length);
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new EmbedError('bad_target', 'The embed target is not correctly URL-encoded.');
  }
}
