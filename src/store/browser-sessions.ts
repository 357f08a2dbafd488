/**
 * Cookie sessions of browsers: a person signed in to the web UI (`ui`), the renderer acting for a
 * user (`render`), an embed frame (`embed`).
 *
 * The cookie holds 256 random bits; the DB keeps their SHA-256 (as for API tokens) and the SHA-256
 * of a second secret, the CSRF token, which the page sends back in a header on state-changing calls.
 * A session has no workspace of its own: `ui` follows the user's sticky UI dev mode, the others are
 * production only (DESIGN rules 6–8). Binding to a User-Agent is optional (cookieless embed needs it).
 */
import { StoreError, idString, nowIso, parseId } from './context.ts';
import type { StoreContext } from './context.ts';
import { hashToken, randomToken } from './secrets.ts';

export const BROWSER_SESSION_KINDS = ['ui', 'render', 'embed'] as const;
export type BrowserSessionKind = (typeof BROWSER_SESSION_KINDS)[number];

export interface CreateBrowserSessionInput {
  userId: string;
  kind: BrowserSessionKind;
  /** Default: 24 h for `ui`, 5 min for `render`, 1 h for `embed`. */
  ttlSeconds?: number;
  /** When given, the session is only valid from a browser sending this User-Agent. */
  userAgent?: string;
}

export interface IssuedBrowserSession {
  /** The cookie value; shown once, never stored. */
  raw: string;
  /** The CSRF token the page echoes in `x-csrf-token`. */
  csrf: string;
  session_hash: string;
  expires_at: string;
}

export interface BrowserSessionRecord {
  session_hash: string;
  csrf_hash: string;
  user_id: string;
  kind: BrowserSessionKind;
  /** The user's sticky UI dev mode (read with the session: one query per request). */
  ui_dev_mode: boolean;
  user_agent_hash: string | null;
  expires_at: string;
}

export interface BrowserSessionsRepository {
  create(input: CreateBrowserSessionInput): Promise<IssuedBrowserSession>;
  /** The live session (not expired, not revoked, user enabled); null otherwise. */
  findByHash(sessionHash: string): Promise<BrowserSessionRecord | null>;
  revoke(sessionHash: string): Promise<boolean>;
  revokeUser(userId: string): Promise<number>;
  deleteDead(): Promise<number>;
}

const DEFAULT_TTL: Record<BrowserSessionKind, number> = { ui: 24 * 3600, render: 300, embed: 3600 };
const MAX_TTL_SECONDS = 30 * 24 * 3600;

function kindOf(value: string): BrowserSessionKind {
  // The CHECK constraint admits only these; narrow for the type system.
  return value === 'render' || value === 'embed' ? value : 'ui';
}

export function browserSessionsRepository(ctx: StoreContext): BrowserSessionsRepository {
  return {
    async create(input) {
      const ttl = input.ttlSeconds ?? DEFAULT_TTL[input.kind];
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS) {
        throw new StoreError('invalid', `ttlSeconds must be an integer from 1 to ${MAX_TTL_SECONDS}`, 'ttlSeconds');
      }
      const userId = parseId(input.userId);
      const user = userId === null ? undefined : await ctx.db.selectFrom('users').select('id')
        .where('id', '=', userId).where('is_disabled', '=', false).executeTakeFirst();
      if (userId === null || !user) throw new StoreError('not_found', 'User not found', 'userId');
      const raw = randomToken();
      const csrf = randomToken();
      const now = ctx.now();
      const expiresAt = new Date(now.getTime() + ttl * 1000).toISOString();
      const sessionHash = hashToken(raw);
      await ctx.db.insertInto('browser_sessions').values({
        session_hash: sessionHash, csrf_hash: hashToken(csrf), user_id: userId, kind: input.kind,
        user_agent_hash: input.userAgent === undefined ? null : hashToken(input.userAgent),
        created_at: now.toISOString(), expires_at: expiresAt, revoked_at: null,
      }).execute();
      return { raw, csrf, session_hash: sessionHash, expires_at: expiresAt };
    },

    async findByHash(sessionHash) {
      const row = await ctx.db.selectFrom('browser_sessions')
        .innerJoin('users', 'users.id', 'browser_sessions.user_id')
        .where('browser_sessions.session_hash', '=', sessionHash)
        .where('browser_sessions.revoked_at', 'is', null)
        .where('browser_sessions.expires_at', '>', nowIso(ctx))
        .where('users.is_disabled', '=', false)
        .select([
          'browser_sessions.session_hash', 'browser_sessions.csrf_hash', 'browser_sessions.user_id',
          'browser_sessions.kind', 'browser_sessions.user_agent_hash', 'browser_sessions.expires_at', 'users.ui_dev_mode',
        ])
        .executeTakeFirst();
      if (!row) return null;
      return {
        session_hash: row.session_hash, csrf_hash: row.csrf_hash, user_id: idString(row.user_id),
        kind: kindOf(row.kind), ui_dev_mode: Boolean(row.ui_dev_mode), user_agent_hash: row.user_agent_hash,
        expires_at: row.expires_at,
      };
    },

    async revoke(sessionHash) {
      const result = await ctx.db.updateTable('browser_sessions').set({ revoked_at: nowIso(ctx) })
        .where('session_hash', '=', sessionHash).where('revoked_at', 'is', null).executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async revokeUser(userId) {
      const id = parseId(userId);
      if (id === null) return 0;
      const result = await ctx.db.updateTable('browser_sessions').set({ revoked_at: nowIso(ctx) })
        .where('user_id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async deleteDead() {
      const result = await ctx.db.deleteFrom('browser_sessions')
        .where((eb) => eb.or([eb('expires_at', '<=', nowIso(ctx)), eb('revoked_at', 'is not', null)]))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
