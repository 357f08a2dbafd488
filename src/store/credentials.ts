/**
 * Login credentials: email/password (one per user) and API3 client id/secret pairs (many per
 * user). Secrets are stored only as hashes (see `secrets.ts` for which hash and why).
 */
import type { Selectable } from 'kysely';
import { StoreError, idString, inTransaction, mapConflict, nowIso, parseId } from './context.ts';
import type { StoreContext } from './context.ts';
import { bool } from './schema.ts';
import type { CredentialsApi3Table, CredentialsEmailTable } from './schema.ts';
import {
  burnPasswordCheck, hashClientSecret, hashPassword, passwordNeedsRehash, randomClientId, randomClientSecret,
  verifyClientSecret, verifyPassword,
} from './secrets.ts';
import type { Api3Credential, CreatedApi3Credential, EmailCredential } from './types.ts';

export interface CreateApi3Options {
  /** Use these instead of generated values (bootstrap from OVERLOOK_ADMIN_CLIENT_ID/SECRET). */
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly purpose?: string | null;
}

export interface VerifiedLogin {
  readonly user_id: string;
  /** For API3 logins: the credential used (tokens record it). */
  readonly credential_id: string | null;
}

export interface CredentialsRepository {
  /** Creates or replaces the user's email (and, when given, password). Throws not_found/conflict/invalid. */
  setEmailCredentials(userId: string, input: { email: string; password?: string }): Promise<EmailCredential>;
  emailCredentials(userId: string): Promise<EmailCredential | null>;
  deleteEmailCredentials(userId: string): Promise<boolean>;
  /** false when the user has no email credential. */
  setPassword(userId: string, password: string): Promise<boolean>;
  /**
   * The user when email (any case) and password match and the user is enabled; null otherwise,
   * after the same amount of hashing work whichever part was wrong. Records `logged_in_at`.
   */
  verifyEmailLogin(email: string, password: string): Promise<VerifiedLogin | null>;
  /** Throws not_found (user), conflict (client_id taken), invalid (bad given id/secret). */
  createApi3(userId: string, options?: CreateApi3Options): Promise<CreatedApi3Credential>;
  allApi3(userId: string): Promise<Api3Credential[]>;
  api3(userId: string, credentialId: string): Promise<Api3Credential | null>;
  /** Also ends the tokens issued through it. false when no such credential for that user. */
  deleteApi3(userId: string, credentialId: string): Promise<boolean>;
  /** The login when client_id/secret match and both credential and user are enabled. */
  verifyApi3(clientId: string, clientSecret: string): Promise<VerifiedLogin | null>;
}

/** Emails compare trimmed, NFC-normalized and lower-cased, computed here so both DBs agree. */
export function normalizeEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase();
}

function validateEmail(email: string): string {
  const trimmed = email.trim();
  if (trimmed.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(trimmed)) {
    throw new StoreError('invalid', 'Invalid email address', 'email');
  }
  return trimmed;
}

type EmailRow = Pick<Selectable<CredentialsEmailTable>,
  'user_id' | 'email' | 'password_hash' | 'forced_password_reset_at_next_login' | 'created_at' | 'logged_in_at'>;

export function toEmailCredential(row: EmailRow): EmailCredential {
  return {
    user_id: idString(row.user_id),
    email: row.email,
    has_password: row.password_hash !== null,
    forced_password_reset_at_next_login: bool(row.forced_password_reset_at_next_login),
    created_at: row.created_at,
    logged_in_at: row.logged_in_at,
  };
}

export function toApi3(row: Selectable<CredentialsApi3Table>): Api3Credential {
  return {
    id: idString(row.id),
    user_id: idString(row.user_id),
    client_id: row.client_id,
    purpose: row.purpose,
    is_disabled: bool(row.is_disabled),
    created_at: row.created_at,
    logged_in_at: row.logged_in_at,
  };
}

const emailConflict = <T>(fn: () => Promise<T>): Promise<T> =>
  mapConflict('email', 'Another user already has this email address', fn);

export async function insertEmailCredential(
  ctx: StoreContext, userId: number, email: string, passwordHash: string | null,
): Promise<void> {
  const clean = validateEmail(email);
  await emailConflict(() => ctx.db.insertInto('credentials_email').values({
    user_id: userId, email: clean, email_key: normalizeEmail(clean), password_hash: passwordHash,
    created_at: nowIso(ctx),
  }).execute());
}

async function userIsEnabled(ctx: StoreContext, userId: number): Promise<boolean> {
  const row = await ctx.db.selectFrom('users').select('is_disabled').where('id', '=', userId).executeTakeFirst();
  return row !== undefined && !bool(row.is_disabled);
}

const CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

export function credentialsRepository(ctx: StoreContext): CredentialsRepository {
  async function emailRow(userId: number) {
    return ctx.db.selectFrom('credentials_email').selectAll().where('user_id', '=', userId).executeTakeFirst();
  }

  return {
    async setEmailCredentials(userId, input) {
      const id = parseId(userId);
      const clean = validateEmail(input.email);
      const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
      return inTransaction(ctx, async (tx) => {
        if (id === null || !(await tx.db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst())) {
          throw new StoreError('not_found', 'User not found');
        }
        const existing = await tx.db.selectFrom('credentials_email').select('user_id')
          .where('user_id', '=', id).executeTakeFirst();
        if (existing) {
          await emailConflict(() => tx.db.updateTable('credentials_email').set({
            email: clean, email_key: normalizeEmail(clean),
            ...(passwordHash === undefined ? {} : { password_hash: passwordHash }),
          }).where('user_id', '=', id).execute());
        } else {
          await insertEmailCredential(tx, id, clean, passwordHash ?? null);
        }
        const row = await tx.db.selectFrom('credentials_email').selectAll().where('user_id', '=', id)
          .executeTakeFirstOrThrow();
        return toEmailCredential(row);
      });
    },

    async emailCredentials(userId) {
      const id = parseId(userId);
      const row = id === null ? undefined : await emailRow(id);
      return row ? toEmailCredential(row) : null;
    },

    async deleteEmailCredentials(userId) {
      const id = parseId(userId);
      if (id === null) return false;
      const result = await ctx.db.deleteFrom('credentials_email').where('user_id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async setPassword(userId, password) {
      const id = parseId(userId);
      if (id === null) return false;
      const passwordHash = await hashPassword(password);
      const result = await ctx.db.updateTable('credentials_email').set({ password_hash: passwordHash })
        .where('user_id', '=', id).executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async verifyEmailLogin(email, password) {
      const row = await ctx.db.selectFrom('credentials_email').selectAll()
        .where('email_key', '=', normalizeEmail(email)).executeTakeFirst();
      if (!row?.password_hash) {
        await burnPasswordCheck(password);
        return null;
      }
      if (!(await verifyPassword(password, row.password_hash))) return null;
      if (!(await userIsEnabled(ctx, row.user_id))) return null;
      const rehash = passwordNeedsRehash(row.password_hash) ? await hashPassword(password) : undefined;
      await ctx.db.updateTable('credentials_email')
        .set({ logged_in_at: nowIso(ctx), ...(rehash === undefined ? {} : { password_hash: rehash }) })
        .where('user_id', '=', row.user_id).execute();
      return { user_id: idString(row.user_id), credential_id: null };
    },

    async createApi3(userId, options = {}) {
      const id = parseId(userId);
      const clientId = options.clientId ?? randomClientId();
      const clientSecret = options.clientSecret ?? randomClientSecret();
      if (!CLIENT_ID_PATTERN.test(clientId)) {
        throw new StoreError('invalid', 'client_id must be 1-128 letters, digits, "_" or "-"', 'client_id');
      }
      if (clientSecret.length < 16 || clientSecret.length > 256) {
        throw new StoreError('invalid', 'client_secret must be 16-256 characters', 'client_secret');
      }
      return inTransaction(ctx, async (tx) => {
        if (id === null || !(await tx.db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst())) {
          throw new StoreError('not_found', 'User not found');
        }
        const row = await mapConflict('client_id', 'This client_id is already in use', () =>
          tx.db.insertInto('credentials_api3').values({
            user_id: id, client_id: clientId, client_secret_hash: hashClientSecret(clientSecret),
            purpose: options.purpose ?? null, created_at: nowIso(tx),
          }).returningAll().executeTakeFirstOrThrow());
        return { ...toApi3(row), client_secret: clientSecret };
      });
    },

    async allApi3(userId) {
      const id = parseId(userId);
      if (id === null) return [];
      const rows = await ctx.db.selectFrom('credentials_api3').selectAll().where('user_id', '=', id)
        .orderBy('id').execute();
      return rows.map(toApi3);
    },

    async api3(userId, credentialId) {
      const id = parseId(userId);
      const credential = parseId(credentialId);
      if (id === null || credential === null) return null;
      const row = await ctx.db.selectFrom('credentials_api3').selectAll()
        .where('user_id', '=', id).where('id', '=', credential).executeTakeFirst();
      return row ? toApi3(row) : null;
    },

    async deleteApi3(userId, credentialId) {
      const id = parseId(userId);
      const credential = parseId(credentialId);
      if (id === null || credential === null) return false;
      return inTransaction(ctx, async (tx) => {
        // Tokens issued through the credential (and their sessions) cascade away with it.
        const result = await tx.db.deleteFrom('credentials_api3')
          .where('user_id', '=', id).where('id', '=', credential).executeTakeFirst();
        return result.numDeletedRows > 0n;
      });
    },

    async verifyApi3(clientId, clientSecret) {
      const row = await ctx.db.selectFrom('credentials_api3').selectAll()
        .where('client_id', '=', clientId).executeTakeFirst();
      if (!row || !verifyClientSecret(clientSecret, row.client_secret_hash)) return null;
      if (bool(row.is_disabled) || !(await userIsEnabled(ctx, row.user_id))) return null;
      await ctx.db.updateTable('credentials_api3').set({ logged_in_at: nowIso(ctx) })
        .where('id', '=', row.id).execute();
      return { user_id: idString(row.user_id), credential_id: idString(row.id) };
    },
  };
}
