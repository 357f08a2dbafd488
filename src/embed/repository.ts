/**
 * Rows of the embed tables (migration 0007) as plain data: secrets (sealed), used nonces, embed
 * credentials, the domain allowlist, cookieless sessions and embed tokens (stored as SHA-256 only).
 */
import type { Kysely } from 'kysely';
import type { Store } from '../store/index.ts';
import { hashToken } from '../store/index.ts';
import { parseId } from '../store/context.ts';
import { bool } from '../store/schema.ts';
import type { Database } from '../store/schema.ts';
import type { SecretBox } from './secret-box.ts';
import type { EmbedSigningAlgorithm } from './signing.ts';
import type { EmbedTables } from './tables.ts';

export interface EmbedSecretRecord {
  readonly id: string;
  readonly algorithm: EmbedSigningAlgorithm;
  readonly secret_type: 'SSO' | 'JWT';
  readonly enabled: boolean;
  readonly user_id: string | null;
  readonly created_at: string;
}

export interface UsableSecret {
  readonly id: string;
  readonly secret: string;
  readonly algorithm: EmbedSigningAlgorithm;
}

export interface EmbedCredentialRecord {
  readonly id: string;
  readonly user_id: string;
  readonly external_user_id: string;
  readonly external_group_id: string | null;
  readonly permissions: readonly string[];
  readonly models: readonly string[];
  readonly user_timezone: string | null;
  readonly is_disabled: boolean;
  readonly created_at: string;
  readonly logged_in_at: string | null;
}

export interface CookielessSessionRecord {
  readonly id: number;
  readonly user_id: string;
  readonly user_agent_hash: string;
  readonly expires_at: string;
}

export type EmbedTokenKind = 'authentication' | 'navigation' | 'api' | 'browser' | 'login';

export interface EmbedTokenRecord {
  readonly token_hash: string;
  readonly kind: EmbedTokenKind;
  readonly session_id: number | null;
  readonly user_id: string;
  readonly session_length: number | null;
  readonly expires_at: string;
  readonly used_at: string | null;
}

type Db = Kysely<Database & EmbedTables>;

const algorithmOf = (v: string): EmbedSigningAlgorithm => (v === 'hmac/sha-256' ? 'hmac/sha-256' : 'hmac/sha-1');
const stringList = (text: string): string[] => {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
};
const kindOf = (v: string): EmbedTokenKind =>
  v === 'authentication' || v === 'navigation' || v === 'api' || v === 'browser' ? v : 'login';

function credentialRecord(row: { id: number; user_id: number; external_user_id: string; external_group_id: string | null; permissions: string; models: string; user_timezone: string | null; is_disabled: boolean | number; created_at: string; logged_in_at: string | null }): EmbedCredentialRecord {
  return {
    id: String(row.id), user_id: String(row.user_id), external_user_id: row.external_user_id, external_group_id: row.external_group_id,
    permissions: stringList(row.permissions), models: stringList(row.models), user_timezone: row.user_timezone,
    is_disabled: bool(row.is_disabled), created_at: row.created_at, logged_in_at: row.logged_in_at,
  };
}

/** user id → embed credential, for those of `userIds` that have one (no secrets involved). */
export async function embedCredentialsOf(db: Kysely<Database>, userIds: readonly string[]): Promise<Map<string, EmbedCredentialRecord>> {
  const ids = userIds.map(parseId).filter((n): n is number => n !== null);
  if (ids.length === 0) return new Map();
  const rows = await db.withTables<EmbedTables>().selectFrom('embed_credentials').selectAll().where('user_id', 'in', ids).execute();
  return new Map(rows.map((row) => [String(row.user_id), credentialRecord(row)]));
}

export class EmbedRepository {
  readonly #store: Store;
  readonly #box: SecretBox;

  constructor(store: Store, box: SecretBox) {
    this.#store = store;
    this.#box = box;
  }

  get #db(): Db {
    return this.#store.db.withTables<EmbedTables>();
  }

  #now(): string {
    return this.#store.now().toISOString();
  }

  // Secrets

  async createSecret(input: { secret: string; algorithm: EmbedSigningAlgorithm; secretType: 'SSO' | 'JWT'; enabled: boolean; userId: string | null }): Promise<EmbedSecretRecord> {
    const row = await this.#db.insertInto('embed_secrets').values({
      secret_ciphertext: this.#box.seal(input.secret), algorithm: input.algorithm, secret_type: input.secretType,
      enabled: input.enabled, user_id: input.userId === null ? null : parseId(input.userId), created_at: this.#now(),
    }).returning(['id', 'algorithm', 'secret_type', 'enabled', 'user_id', 'created_at']).executeTakeFirstOrThrow();
    return {
      id: String(row.id), algorithm: algorithmOf(row.algorithm), secret_type: row.secret_type === 'JWT' ? 'JWT' : 'SSO',
      enabled: bool(row.enabled), user_id: row.user_id === null ? null : String(row.user_id), created_at: row.created_at,
    };
  }

  async deleteSecret(id: string): Promise<boolean> {
    const secretId = parseId(id);
    if (secretId === null) return false;
    const result = await this.#db.deleteFrom('embed_secrets').where('id', '=', secretId).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Enabled SSO secrets, newest first; secrets sealed with another key are skipped. */
  async usableSecrets(): Promise<UsableSecret[]> {
    const rows = await this.#db.selectFrom('embed_secrets').select(['id', 'secret_ciphertext', 'algorithm'])
      .where('enabled', '=', true).where('secret_type', '=', 'SSO').orderBy('id', 'desc').execute();
    const out: UsableSecret[] = [];
    for (const row of rows) {
      const secret = this.#box.open(row.secret_ciphertext);
      if (secret !== null) out.push({ id: String(row.id), secret, algorithm: algorithmOf(row.algorithm) });
    }
    return out;
  }

  // Nonces

  /**
   * Records a nonce as used; false when it already was (a replay). A row past its expiry no longer
   * counts: by then a URL carrying it fails the time check anyway.
   */
  async useNonce(nonce: string, ttlSeconds: number): Promise<boolean> {
    const now = this.#store.now();
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000).toISOString();
    const result = await this.#db.insertInto('embed_nonces').values({ nonce_hash: hashToken(nonce), expires_at: expiresAt })
      .onConflict((oc) => oc.column('nonce_hash').doUpdateSet({ expires_at: expiresAt }).where('embed_nonces.expires_at', '<=', now.toISOString()))
      .executeTakeFirst();
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  /** Whether a nonce is spent (and still remembered), without spending it. */
  async nonceUsed(nonce: string): Promise<boolean> {
    const row = await this.#db.selectFrom('embed_nonces').select('nonce_hash').where('nonce_hash', '=', hashToken(nonce))
      .where('expires_at', '>', this.#now()).executeTakeFirst();
    return row !== undefined;
  }

  // Credentials

  async credentials(userId: string): Promise<EmbedCredentialRecord | null> {
    const id = parseId(userId);
    if (id === null) return null;
    const row = await this.#db.selectFrom('embed_credentials').selectAll().where('user_id', '=', id).executeTakeFirst();
    return row ? credentialRecord(row) : null;
  }

  /** `loggedIn: false` (create_embed_user) records the credential without a login time. */
  async saveCredentials(db: Kysely<Database>, input: { userId: string; externalUserId: string; externalGroupId: string | null; permissions: readonly string[]; models: readonly string[]; userTimezone: string | null; loggedIn?: boolean }): Promise<void> {
    const now = this.#now();
    const userId = parseId(input.userId);
    if (userId === null) throw new Error(`bad user id ${input.userId}`);
    const values = {
      external_user_id: input.externalUserId, external_group_id: input.externalGroupId, permissions: JSON.stringify(input.permissions),
      models: JSON.stringify(input.models), user_timezone: input.userTimezone, logged_in_at: input.loggedIn === false ? null : now,
    };
    await db.withTables<EmbedTables>().insertInto('embed_credentials').values({ ...values, user_id: userId, is_disabled: false, created_at: now })
      .onConflict((oc) => oc.column('user_id').doUpdateSet(values)).execute();
  }

  async deleteCredentials(userId: string): Promise<boolean> {
    const id = parseId(userId);
    if (id === null) return false;
    const result = await this.#db.deleteFrom('embed_credentials').where('user_id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  // Domain allowlist

  async addDomain(origin: string): Promise<void> {
    await this.#db.insertInto('embed_domains').values({ domain: origin, created_at: this.#now() })
      .onConflict((oc) => oc.column('domain').doNothing()).execute();
  }

  /** Every allowlist entry (origins and `*.` wildcard origins), oldest first. */
  async allDomains(): Promise<string[]> {
    const rows = await this.#db.selectFrom('embed_domains').select('domain').orderBy('created_at').orderBy('domain').execute();
    return rows.map((r) => r.domain);
  }

  /** Makes the allowlist exactly `entries` (already canonical); entries kept keep their age. */
  async replaceDomains(db: Kysely<Database>, entries: readonly string[]): Promise<void> {
    const t = db.withTables<EmbedTables>();
    const keep = [...new Set(entries)];
    if (keep.length === 0) await t.deleteFrom('embed_domains').execute();
    else await t.deleteFrom('embed_domains').where('domain', 'not in', keep).execute();
    const now = this.#now();
    for (const domain of keep) {
      await t.insertInto('embed_domains').values({ domain, created_at: now }).onConflict((oc) => oc.column('domain').doNothing()).execute();
    }
  }

  // Cookieless sessions

  async createCookielessSession(input: { referenceToken: string; userId: string; userAgent: string; ttlSeconds: number }): Promise<CookielessSessionRecord> {
    const now = this.#store.now();
    const expiresAt = new Date(now.getTime() + input.ttlSeconds * 1000).toISOString();
    const userId = parseId(input.userId);
    if (userId === null) throw new Error(`bad user id ${input.userId}`);
    const row = await this.#db.insertInto('embed_cookieless_sessions').values({
      reference_hash: hashToken(input.referenceToken), user_id: userId, user_agent_hash: hashToken(input.userAgent),
      created_at: now.toISOString(), expires_at: expiresAt, revoked_at: null,
    }).returning('id').executeTakeFirstOrThrow();
    return { id: row.id, user_id: input.userId, user_agent_hash: hashToken(input.userAgent), expires_at: expiresAt };
  }

  /** The live (unexpired, unrevoked) session of a reference token. */
  async liveCookielessSession(referenceToken: string): Promise<CookielessSessionRecord | null> {
    const row = await this.#db.selectFrom('embed_cookieless_sessions').select(['id', 'user_id', 'user_agent_hash', 'expires_at'])
      .where('reference_hash', '=', hashToken(referenceToken)).where('revoked_at', 'is', null).where('expires_at', '>', this.#now())
      .executeTakeFirst();
    return row ? { id: row.id, user_id: String(row.user_id), user_agent_hash: row.user_agent_hash, expires_at: row.expires_at } : null;
  }

  async cookielessSessionById(id: number): Promise<CookielessSessionRecord | null> {
    const row = await this.#db.selectFrom('embed_cookieless_sessions').select(['id', 'user_id', 'user_agent_hash', 'expires_at'])
      .where('id', '=', id).where('revoked_at', 'is', null).where('expires_at', '>', this.#now()).executeTakeFirst();
    return row ? { id: row.id, user_id: String(row.user_id), user_agent_hash: row.user_agent_hash, expires_at: row.expires_at } : null;
  }

  /** Ends the session; returns the tokens hanging off it (for the caller to revoke elsewhere), or null when unknown. */
  async revokeCookielessSession(referenceToken: string): Promise<EmbedTokenRecord[] | null> {
    const row = await this.#db.selectFrom('embed_cookieless_sessions').select('id').where('reference_hash', '=', hashToken(referenceToken))
      .where('revoked_at', 'is', null).executeTakeFirst();
    if (!row) return null;
    await this.#db.updateTable('embed_cookieless_sessions').set({ revoked_at: this.#now() }).where('id', '=', row.id).execute();
    const tokens = await this.#db.selectFrom('embed_tokens').selectAll().where('session_id', '=', row.id).execute();
    await this.#db.deleteFrom('embed_tokens').where('session_id', '=', row.id).execute();
    return tokens.map((t) => ({ ...t, kind: kindOf(t.kind), user_id: String(t.user_id) }));
  }

  // Tokens

  async addToken(input: { raw: string; kind: EmbedTokenKind; sessionId: number | null; userId: string; expiresAt: string; sessionLength?: number }): Promise<void> {
    const userId = parseId(input.userId);
    if (userId === null) throw new Error(`bad user id ${input.userId}`);
    await this.#db.insertInto('embed_tokens').values({
      token_hash: hashToken(input.raw), kind: input.kind, session_id: input.sessionId, user_id: userId,
      session_length: input.sessionLength ?? null, expires_at: input.expiresAt, used_at: null,
    }).execute();
  }

  /** A live token of `kind` (raw value); null when unknown, expired or of another kind. */
  async liveToken(raw: string, kind: EmbedTokenKind): Promise<EmbedTokenRecord | null> {
    const row = await this.#db.selectFrom('embed_tokens').selectAll().where('token_hash', '=', hashToken(raw))
      .where('kind', '=', kind).where('expires_at', '>', this.#now()).executeTakeFirst();
    return row ? { ...row, kind: kindOf(row.kind), user_id: String(row.user_id) } : null;
  }

  /** Any token of this raw value, live or not (to tell a stranger's token from an old one of the session). */
  async anyToken(raw: string): Promise<EmbedTokenRecord | null> {
    const row = await this.#db.selectFrom('embed_tokens').selectAll().where('token_hash', '=', hashToken(raw)).executeTakeFirst();
    return row ? { ...row, kind: kindOf(row.kind), user_id: String(row.user_id) } : null;
  }

  /** Marks a one-time token used; false when it is unknown, expired or was used already (atomic). */
  async consumeToken(raw: string, kind: EmbedTokenKind): Promise<EmbedTokenRecord | null> {
    const now = this.#now();
    const record = await this.liveToken(raw, kind);
    if (record === null || record.used_at !== null) return null;
    const result = await this.#db.updateTable('embed_tokens').set({ used_at: now })
      .where('token_hash', '=', record.token_hash).where('used_at', 'is', null).executeTakeFirst();
    return result.numUpdatedRows > 0n ? record : null;
  }

  /** Sweeps what can no longer be used: expired nonces and tokens, dead cookieless sessions. */
  async deleteDead(): Promise<void> {
    const now = this.#now();
    await this.#db.deleteFrom('embed_nonces').where('expires_at', '<=', now).execute();
    await this.#db.deleteFrom('embed_tokens').where('expires_at', '<=', now).execute();
    await this.#db.deleteFrom('embed_cookieless_sessions')
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('revoked_at', 'is not', null)])).execute();
  }
}

