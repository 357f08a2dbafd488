/**
 * API access tokens and the session each one carries.
 *
 * A token is 256 random bits handed out once; the DB keeps only its SHA-256. Its session row
 * holds the workspace choice (`production` | `dev`) for that token alone: every new token,
 * sudo tokens included, starts in production (DESIGN rules 4 and 5), whatever the user's
 * other tokens or the UI's dev-mode preference (`users.ui_dev_mode`) say.
 */
import { CompiledQuery } from 'kysely';
import { StoreError, idString, inTransaction, nowIso, parseId } from './context.ts';
import type { StoreContext } from './context.ts';
import { hashToken, randomToken } from './secrets.ts';
import { WORKSPACE_IDS } from './types.ts';
import type { IssueTokenInput, IssuedToken, Session, TokenRecord, WorkspaceId } from './types.ts';

export interface TokensRepository {
  /** Token + production session in one transaction. Throws not_found (user, sudoer, credential) or invalid (ttl). */
  issueToken(input: IssueTokenInput): Promise<IssuedToken>;
  /** The live token (not expired, not revoked, user enabled) with its workspace; null otherwise. */
  findToken(raw: string): Promise<TokenRecord | null>;
  findTokenByHash(tokenHash: string): Promise<TokenRecord | null>;
  /** true when a live token was revoked. */
  revokeToken(raw: string): Promise<boolean>;
  revokeTokenByHash(tokenHash: string): Promise<boolean>;
  /** Revokes every live token acting as the user; returns how many. */
  revokeUserTokens(userId: string): Promise<number>;
  /** The live token's session; null when the token is unknown, expired or revoked. */
  getSession(tokenHash: string): Promise<Session | null>;
  /** Throws invalid (field `workspace_id`) for anything but production/dev; null when the token is not live. */
  setWorkspace(tokenHash: string, workspaceId: string): Promise<Session | null>;
  /**
   * `setWorkspace` in one statement (the API's hot path; on SQLite, switches requested in the same
   * event-loop turn share one commit): false when the token is not live.
   */
  switchWorkspace(tokenHash: string, workspaceId: WorkspaceId): Promise<boolean>;
  /** Deletes expired and revoked tokens with their sessions; returns how many. */
  deleteDeadTokens(): Promise<number>;
}

export const DEFAULT_TOKEN_TTL_SECONDS = 3600;
const MAX_TOKEN_TTL_SECONDS = 366 * 24 * 3600;
/** SQLite allows 32766 bound values; keep each group-commit statement far below. */
const MAX_SWITCHES_PER_STATEMENT = 200;

export function isWorkspaceId(value: unknown): value is WorkspaceId {
  return typeof value === 'string' && (WORKSPACE_IDS as readonly string[]).includes(value);
}

function workspace(value: string): WorkspaceId {
  // The CHECK constraint admits nothing else; this narrows the type for callers.
  return value === 'dev' ? 'dev' : 'production';
}

export function tokensRepository(ctx: StoreContext): TokensRepository {
  function liveTokens(now: string) {
    return ctx.db.selectFrom('access_tokens')
      .innerJoin('sessions', 'sessions.token_hash', 'access_tokens.token_hash')
      .innerJoin('users', 'users.id', 'access_tokens.user_id')
      .where('access_tokens.revoked_at', 'is', null)
      .where('access_tokens.expires_at', '>', now)
      .where('users.is_disabled', '=', false);
  }

  async function revokeByHash(tokenHash: string): Promise<boolean> {
    const now = nowIso(ctx);
    const result = await ctx.db.updateTable('access_tokens').set({ revoked_at: now })
      .where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).where('expires_at', '>', now)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  // Every PATCH /session runs this: a fixed, precompiled statement skips the query builder's per-call
  // work (the builder form measured ~2x slower on SQLite; compiling a sql`` template, ~3% of the request).
  const switchSql = ctx.dialect === 'postgres'
    ? `update sessions set workspace_id = $1, updated_at = $2 where token_hash = $3 and exists (select 1 from access_tokens where token_hash = $3 and revoked_at is null and expires_at > $2)`
    : `update sessions set workspace_id = ?1, updated_at = ?2 where token_hash = ?3 and exists (select 1 from access_tokens where token_hash = ?3 and revoked_at is null and expires_at > ?2)`;

  async function switchOne(tokenHash: string, workspaceId: WorkspaceId): Promise<boolean> {
    const result = await ctx.db.executeQuery(CompiledQuery.raw(switchSql, [workspaceId, nowIso(ctx), tokenHash]));
    return (result.numAffectedRows ?? 0n) > 0n;
  }

  /** Several tokens' switches in one statement (one commit); the hashes of the live tokens it switched. */
  async function switchMany(workspaces: ReadonlyMap<string, WorkspaceId>): Promise<Set<string>> {
    const live = new Set<string>();
    const entries = [...workspaces];
    for (let start = 0; start < entries.length; start += MAX_SWITCHES_PER_STATEMENT) {
      const chunk = entries.slice(start, start + MAX_SWITCHES_PER_STATEMENT);
      // ?1 is the time; each token then takes two slots: its hash, its workspace.
      const cases = chunk.map((_, i) => `when ?${2 * i + 2} then ?${2 * i + 3}`).join(' ');
      const hashes = chunk.map((_, i) => `?${2 * i + 2}`).join(', ');
      const text = `update sessions set workspace_id = case token_hash ${cases} end, updated_at = ?1 where token_hash in (${hashes})
        and exists (select 1 from access_tokens where access_tokens.token_hash = sessions.token_hash and revoked_at is null and expires_at > ?1)
        returning token_hash`;
      const result = await ctx.db.executeQuery<{ token_hash: string }>(CompiledQuery.raw(text, [nowIso(ctx), ...chunk.flat()]));
      for (const row of result.rows) live.add(row.token_hash);
    }
    return live;
  }

  /**
   * Group commit (SQLite): every SQLite commit pays its file locks and WAL write, most of a switch's
   * cost, and commits are serial anyway. Switches arriving in the same turn of the event loop (the
   * requests read from the sockets together) go out in one statement once that turn's I/O is done;
   * each caller still answers only after the commit carrying its change. A token switched twice in
   * one batch ends in its last request's workspace, as if the two had run in arrival order.
   */
  let queued: { readonly tokenHash: string; readonly workspaceId: WorkspaceId; resolve(live: boolean): void; reject(error: unknown): void }[] = [];
  async function flushSwitches(): Promise<void> {
    const batch = queued;
    queued = [];
    try {
      if (batch.length === 1 && batch[0] !== undefined) {
        batch[0].resolve(await switchOne(batch[0].tokenHash, batch[0].workspaceId));
        return;
      }
      const last = new Map<string, WorkspaceId>();
      for (const s of batch) last.set(s.tokenHash, s.workspaceId);
      const live = await switchMany(last);
      for (const s of batch) s.resolve(live.has(s.tokenHash));
    } catch (error) {
      for (const s of batch) s.reject(error);
    }
  }

  function switchWorkspace(tokenHash: string, workspaceId: WorkspaceId): Promise<boolean> {
    // PostgreSQL commits run in parallel on pooled connections; a transaction's caller wants its own.
    if (ctx.dialect !== 'sqlite' || ctx.db.isTransaction) return switchOne(tokenHash, workspaceId);
    return new Promise((resolve, reject) => {
      if (queued.length === 0) setImmediate(() => void flushSwitches());
      queued.push({ tokenHash, workspaceId, resolve, reject });
    });
  }

  async function findByHash(tokenHash: string): Promise<TokenRecord | null> {
    const row = await liveTokens(nowIso(ctx))
      .where('access_tokens.token_hash', '=', tokenHash)
      .select([
        'access_tokens.token_hash', 'access_tokens.user_id', 'access_tokens.sudo_user_id',
        'access_tokens.api3_credential_id', 'access_tokens.created_at', 'access_tokens.expires_at',
        'sessions.workspace_id', 'sessions.updated_at',
      ])
      .executeTakeFirst();
    if (!row) return null;
    return {
      token_hash: row.token_hash,
      user_id: idString(row.user_id),
      sudo_user_id: row.sudo_user_id === null ? null : idString(row.sudo_user_id),
      api3_credential_id: row.api3_credential_id === null ? null : idString(row.api3_credential_id),
      created_at: row.created_at,
      expires_at: row.expires_at,
      workspace_id: workspace(row.workspace_id),
      session_updated_at: row.updated_at,
    };
  }

  async function getSession(tokenHash: string): Promise<Session | null> {
    const row = await liveTokens(nowIso(ctx))
      .where('access_tokens.token_hash', '=', tokenHash)
      .select([
        'access_tokens.token_hash', 'access_tokens.user_id', 'access_tokens.sudo_user_id',
        'access_tokens.expires_at', 'sessions.workspace_id', 'sessions.updated_at',
      ])
      .executeTakeFirst();
    if (!row) return null;
    return {
      token_hash: row.token_hash,
      user_id: idString(row.user_id),
      sudo_user_id: row.sudo_user_id === null ? null : idString(row.sudo_user_id),
      workspace_id: workspace(row.workspace_id),
      updated_at: row.updated_at,
      expires_at: row.expires_at,
    };
  }

  return {
    async issueToken(input) {
      const ttl = input.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TOKEN_TTL_SECONDS) {
        throw new StoreError('invalid', `ttlSeconds must be an integer from 1 to ${MAX_TOKEN_TTL_SECONDS}`, 'ttlSeconds');
      }
      const userId = parseId(input.userId);
      const sudoUserId = input.sudoByUserId === undefined ? null : parseId(input.sudoByUserId);
      const credentialId = input.credentialId === undefined ? null : parseId(input.credentialId);
      const raw = randomToken();
      const tokenHash = hashToken(raw);
      const now = ctx.now();
      const expiresAt = new Date(now.getTime() + ttl * 1000).toISOString();
      await inTransaction(ctx, async (tx) => {
        const users = [userId, sudoUserId].filter((id): id is number => id !== null);
        const found = users.length === 0 ? [] : await tx.db.selectFrom('users').select('id')
          .where('id', 'in', users).execute();
        if (userId === null || !found.some((row) => row.id === userId)) {
          throw new StoreError('not_found', 'User not found', 'userId');
        }
        if (input.sudoByUserId !== undefined && (sudoUserId === null || !found.some((row) => row.id === sudoUserId))) {
          throw new StoreError('not_found', 'Sudo user not found', 'sudoByUserId');
        }
        if (input.credentialId !== undefined) {
          const credential = credentialId === null ? undefined : await tx.db.selectFrom('credentials_api3')
            .select('id').where('id', '=', credentialId).where('user_id', '=', userId).executeTakeFirst();
          if (!credential) throw new StoreError('not_found', 'API credential not found', 'credentialId');
        }
        await tx.db.insertInto('access_tokens').values({
          token_hash: tokenHash, user_id: userId, sudo_user_id: sudoUserId, api3_credential_id: credentialId,
          created_at: now.toISOString(), expires_at: expiresAt, revoked_at: null,
        }).execute();
        // Rule 4: a new token's session is production, never inherited from anything.
        await tx.db.insertInto('sessions').values({
          token_hash: tokenHash, workspace_id: 'production', updated_at: now.toISOString(),
        }).execute();
      });
      return { access_token: raw, token_hash: tokenHash, expires_in: ttl, expires_at: expiresAt };
    },

    findToken: (raw) => findByHash(hashToken(raw)),
    findTokenByHash: findByHash,

    revokeToken: (raw) => revokeByHash(hashToken(raw)),
    revokeTokenByHash: revokeByHash,

    async revokeUserTokens(userId) {
      const id = parseId(userId);
      if (id === null) return 0;
      const now = nowIso(ctx);
      const result = await ctx.db.updateTable('access_tokens').set({ revoked_at: now })
        .where('user_id', '=', id).where('revoked_at', 'is', null).where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    getSession,

    async setWorkspace(tokenHash, workspaceId) {
      if (!isWorkspaceId(workspaceId)) {
        throw new StoreError('invalid', 'workspace_id must be "production" or "dev"', 'workspace_id');
      }
      if (!(await switchWorkspace(tokenHash, workspaceId))) return null;
      return getSession(tokenHash);
    },

    switchWorkspace,

    async deleteDeadTokens() {
      const result = await ctx.db.deleteFrom('access_tokens')
        .where((eb) => eb.or([eb('expires_at', '<=', nowIso(ctx)), eb('revoked_at', 'is not', null)]))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
