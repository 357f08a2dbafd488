/**
 * The embed tables (migration 0007), typed for `store.db.withTables<EmbedTables>()`: they live outside
 * `src/store/schema.ts` because only `src/embed` reads or writes them.
 */
import type { ColumnType, Generated } from 'kysely';

type Bool = ColumnType<boolean | number, boolean, boolean>;

export interface EmbedSecretsTable {
  id: Generated<number>;
  /** `v1:<iv>:<tag>:<ciphertext>` (AES-256-GCM, base64url parts); never the plain secret. */
  secret_ciphertext: string;
  /** `hmac/sha-1` or `hmac/sha-256`. */
  algorithm: string;
  /** `SSO` or `JWT`. */
  secret_type: string;
  enabled: Bool;
  user_id: number | null;
  created_at: string;
}

/** Nonces of signed URLs already used, kept until their URL could no longer pass the time check. */
export interface EmbedNoncesTable {
  /** SHA-256 of the nonce as sent (JSON, quotes included): bounded size whatever the signer sent. */
  nonce_hash: string;
  expires_at: string;
}

/** One row per embed user: what their last login granted (Looker's `credentials_embed`). */
export interface EmbedCredentialsTable {
  id: Generated<number>;
  user_id: number;
  external_user_id: string;
  external_group_id: string | null;
  /** JSON arrays as granted (after filtering to the permissions embed users may have). */
  permissions: string;
  models: string;
  user_timezone: string | null;
  is_disabled: Bool;
  created_at: string;
  logged_in_at: string | null;
}

/** Origins allowed to receive an embed frame's JavaScript events (Looker's embed domain allowlist). */
export interface EmbedDomainsTable {
  domain: string;
  created_at: string;
}

/** A cookieless embed session: the server-held reference token and the browser it is bound to. */
export interface EmbedCookielessSessionsTable {
  id: Generated<number>;
  reference_hash: string;
  user_id: number;
  user_agent_hash: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

/**
 * Short-lived tokens: `authentication` (one use, cookieless), `navigation`, `api` (the hash is also
 * the access token's `token_hash`), `browser` (the cookie session a login started, to end it with
 * the embed session), `login` (one-time URL of `create_embed_url_as_me`).
 */
export interface EmbedTokensTable {
  token_hash: string;
  kind: string;
  session_id: number | null;
  user_id: number;
  /** `login` tokens: the session length the URL grants. */
  session_length: number | null;
  expires_at: string;
  used_at: string | null;
}

// A type alias, not an interface: `withTables` needs an index-signature-compatible type.
export type EmbedTables = {
  embed_secrets: EmbedSecretsTable;
  embed_nonces: EmbedNoncesTable;
  embed_credentials: EmbedCredentialsTable;
  embed_domains: EmbedDomainsTable;
  embed_cookieless_sessions: EmbedCookielessSessionsTable;
  embed_tokens: EmbedTokensTable;
};
