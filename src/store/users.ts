/**
 * Users: create (with email credential and roles in one transaction), read, list, update,
 * delete. Deleting a user removes it and everything hanging off it (credentials, tokens and
 * their sessions, role grants, attribute values), as Looker's `delete_user` does; disabling
 * is `updateUser(id, { is_disabled: true })`.
 */
import { sql } from 'kysely';
import type { Selectable, Updateable } from 'kysely';
import { insertEmailCredential, normalizeEmail, toApi3, toEmailCredential } from './credentials.ts';
import { StoreError, idString, inTransaction, mapConflict, nowIso, parseId } from './context.ts';
import type { StoreContext } from './context.ts';
import { replaceUserRoles } from './roles.ts';
import { bool } from './schema.ts';
import type { CredentialsApi3Table, UsersTable } from './schema.ts';
import { hashPassword } from './secrets.ts';
import type { Api3Credential, ListUsersOptions, NewUser, User, UserPatch } from './types.ts';

export interface UsersRepository {
  createUser(input: NewUser): Promise<User>;
  /** null when no such user (or the id is not an integer string). */
  user(id: string): Promise<User | null>;
  allUsers(options?: ListUsersOptions): Promise<User[]>;
  /** Case-insensitive, via the email credential. */
  userByEmail(email: string): Promise<User | null>;
  userByEmbedExternalId(externalUserId: string): Promise<User | null>;
  /** null when no such user. */
  updateUser(id: string, patch: UserPatch): Promise<User | null>;
  /** false when no such user. */
  deleteUser(id: string): Promise<boolean>;
  countUsers(): Promise<number>;
}

const SORTABLE: Record<string, string> = {
  id: 'users.id',
  first_name: 'users.first_name',
  last_name: 'users.last_name',
  email: 'credentials_email.email_key',
  created_at: 'users.created_at',
  is_disabled: 'users.is_disabled',
  locale: 'users.locale',
};

interface SortTerm {
  readonly column: string;
  readonly direction: 'asc' | 'desc';
}

/** Parses Looker's `sorts` ("last_name, id desc"); unknown fields are a 422, not SQL. */
export function parseUserSorts(sorts: string): SortTerm[] {
  const terms: SortTerm[] = [];
  for (const part of sorts.split(',')) {
    const words = part.trim().split(/\s+/).filter((word) => word !== '');
    if (words.length === 0) continue;
    const column = SORTABLE[words[0]!.toLowerCase()];
    const direction = (words[1] ?? 'asc').toLowerCase();
    if (!column || words.length > 2 || (direction !== 'asc' && direction !== 'desc')) {
      throw new StoreError('invalid', `Cannot sort users by "${part.trim()}"`, 'sorts');
    }
    terms.push({ column, direction });
  }
  return terms;
}

type UserRow = Selectable<UsersTable> & {
  ce_user_id: number | null;
  ce_email: string | null;
  ce_password_hash: string | null;
  ce_forced: boolean | number | null;
  ce_created_at: string | null;
  ce_logged_in_at: string | null;
};

function baseQuery(ctx: StoreContext) {
  return ctx.db.selectFrom('users')
    .leftJoin('credentials_email', 'credentials_email.user_id', 'users.id')
    .selectAll('users')
    .select([
      'credentials_email.user_id as ce_user_id',
      'credentials_email.email as ce_email',
      'credentials_email.password_hash as ce_password_hash',
      'credentials_email.forced_password_reset_at_next_login as ce_forced',
      'credentials_email.created_at as ce_created_at',
      'credentials_email.logged_in_at as ce_logged_in_at',
    ]);
}

function emailPart(row: UserRow): Parameters<typeof toEmailCredential>[0] | null {
  if (row.ce_user_id === null || row.ce_email === null || row.ce_created_at === null) return null;
  return {
    user_id: row.ce_user_id, email: row.ce_email,
    password_hash: row.ce_password_hash, forced_password_reset_at_next_login: row.ce_forced ?? false,
    created_at: row.ce_created_at, logged_in_at: row.ce_logged_in_at,
  };
}

/** Turns rows into `User`s with two more queries (roles, API3 credentials) for the whole batch. */
async function hydrate(ctx: StoreContext, rows: UserRow[]): Promise<User[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const roleRows = await ctx.db.selectFrom('user_roles').select(['user_id', 'role_id'])
    .where('user_id', 'in', ids).orderBy('role_id').execute();
  const api3Rows = await ctx.db.selectFrom('credentials_api3').selectAll()
    .where('user_id', 'in', ids).orderBy('id').execute();
  const rolesByUser = new Map<number, string[]>();
  for (const row of roleRows) {
    const list = rolesByUser.get(row.user_id) ?? [];
    list.push(idString(row.role_id));
    rolesByUser.set(row.user_id, list);
  }
  const api3ByUser = new Map<number, Api3Credential[]>();
  for (const row of api3Rows as Selectable<CredentialsApi3Table>[]) {
    const list = api3ByUser.get(row.user_id) ?? [];
    list.push(toApi3(row));
    api3ByUser.set(row.user_id, list);
  }
  return rows.map((row) => {
    const email = emailPart(row);
    return {
      id: idString(row.id),
      first_name: row.first_name,
      last_name: row.last_name,
      display_name: [row.first_name, row.last_name].filter((part) => part !== null && part !== '').join(' '),
      email: email?.email ?? null,
      is_disabled: bool(row.is_disabled),
      locale: row.locale,
      created_at: row.created_at,
      home_folder_id: row.home_folder_id,
      personal_folder_id: row.personal_folder_id,
      ui_dev_mode: bool(row.ui_dev_mode),
      embed_external_user_id: row.embed_external_user_id,
      embed_external_group_id: row.embed_external_group_id,
      role_ids: rolesByUser.get(row.id) ?? [],
      credentials_email: email ? toEmailCredential(email) : null,
      credentials_api3: api3ByUser.get(row.id) ?? [],
    };
  });
}

export async function loadUser(ctx: StoreContext, id: number): Promise<User | null> {
  const rows = await baseQuery(ctx).where('users.id', '=', id).execute();
  return (await hydrate(ctx, rows))[0] ?? null;
}

export async function userExists(ctx: StoreContext, id: number): Promise<boolean> {
  return (await ctx.db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

function patchValues(patch: UserPatch): Updateable<UsersTable> {
  const values: Updateable<UsersTable> = {};
  if (patch.first_name !== undefined) values.first_name = patch.first_name;
  if (patch.last_name !== undefined) values.last_name = patch.last_name;
  if (patch.locale !== undefined) values.locale = patch.locale;
  if (patch.is_disabled !== undefined) values.is_disabled = patch.is_disabled;
  if (patch.home_folder_id !== undefined) values.home_folder_id = patch.home_folder_id;
  if (patch.personal_folder_id !== undefined) values.personal_folder_id = patch.personal_folder_id;
  if (patch.ui_dev_mode !== undefined) values.ui_dev_mode = patch.ui_dev_mode;
  if (patch.embed_external_user_id !== undefined) values.embed_external_user_id = patch.embed_external_user_id;
  if (patch.embed_external_group_id !== undefined) values.embed_external_group_id = patch.embed_external_group_id;
  return values;
}

function embedConflict<T>(fn: () => Promise<T>): Promise<T> {
  return mapConflict('embed_external_user_id', 'An embed user with this external_user_id already exists', fn);
}

export function usersRepository(ctx: StoreContext): UsersRepository {
  return {
    async createUser(input) {
      if (input.password !== undefined && input.email === undefined) {
        throw new StoreError('invalid', 'A password needs an email credential', 'password');
      }
      const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
      return inTransaction(ctx, async (tx) => {
        const inserted = await embedConflict(() => tx.db.insertInto('users')
          .values({ ...patchValues(input), created_at: nowIso(tx) })
          .returning('id').executeTakeFirstOrThrow());
        if (input.email !== undefined) {
          await insertEmailCredential(tx, inserted.id, input.email, passwordHash);
        }
        if (input.role_ids !== undefined) await replaceUserRoles(tx, inserted.id, input.role_ids);
        const user = await loadUser(tx, inserted.id);
        if (!user) throw new Error('created user vanished inside its own transaction');
        return user;
      });
    },

    async user(id) {
      const userId = parseId(id);
      return userId === null ? null : loadUser(ctx, userId);
    },

    async allUsers(options = {}) {
      let query = baseQuery(ctx);
      if (options.ids !== undefined) {
        const ids = options.ids.map(parseId).filter((id): id is number => id !== null);
        if (ids.length === 0) return [];
        query = query.where('users.id', 'in', ids);
      }
      for (const term of parseUserSorts(options.sorts ?? '')) {
        query = query.orderBy(sql.ref(term.column), term.direction);
      }
      query = query.orderBy('users.id');
      if (options.limit !== undefined) query = query.limit(options.limit);
      if (options.offset !== undefined) {
        // SQLite accepts OFFSET only after a LIMIT; -1 means "no limit" there.
        if (options.limit === undefined && ctx.dialect === 'sqlite') query = query.limit(-1);
        query = query.offset(options.offset);
      }
      return hydrate(ctx, await query.execute());
    },

    async userByEmail(email) {
      const rows = await baseQuery(ctx).where('credentials_email.email_key', '=', normalizeEmail(email)).execute();
      return (await hydrate(ctx, rows))[0] ?? null;
    },

    async userByEmbedExternalId(externalUserId) {
      const rows = await baseQuery(ctx).where('users.embed_external_user_id', '=', externalUserId).execute();
      return (await hydrate(ctx, rows))[0] ?? null;
    },

    async updateUser(id, patch) {
      const userId = parseId(id);
      if (userId === null) return null;
      const values = patchValues(patch);
      if (Object.keys(values).length > 0) {
        const result = await embedConflict(() => ctx.db.updateTable('users').set(values)
          .where('id', '=', userId).executeTakeFirst());
        if (result.numUpdatedRows === 0n) return null;
      }
      return loadUser(ctx, userId);
    },

    async deleteUser(id) {
      const userId = parseId(id);
      if (userId === null) return false;
      return inTransaction(ctx, async (tx) => {
        // The foreign keys cascade; sessions hang off tokens, so they go with them.
        const result = await tx.db.deleteFrom('users').where('id', '=', userId).executeTakeFirst();
        return result.numDeletedRows > 0n;
      });
    },

    async countUsers() {
      const row = await ctx.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
