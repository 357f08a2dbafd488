/**
 * Groups as far as embedding needs them (migration 0013): named groups an admin creates, which an
 * embed URL's `group_ids` enrol its user in; the embed-exclusive group Looker keeps for each
 * `external_group_id`; and memberships. Groups carry no roles and no content grants in Overlook
 * yet, so membership is recorded and reported (`group_ids` of a user, `all_group_users`) but
 * grants nothing by itself.
 */
import type { Generated, Kysely } from 'kysely';
import type { Database, Store } from '../store/index.ts';
import { StoreError } from '../store/index.ts';
import { isUniqueViolation, parseId } from '../store/context.ts';
import { EmbedError } from './errors.ts';

export interface GroupsTable {
  id: Generated<number>;
  name: string;
  external_group_id: string | null;
  created_at: string;
}

export interface GroupUsersTable {
  group_id: number;
  user_id: number;
}

// A type alias, not an interface: `withTables` needs an index-signature-compatible type.
export type GroupTables = {
  groups: GroupsTable;
  group_users: GroupUsersTable;
};

export interface GroupRecord {
  readonly id: string;
  readonly name: string;
  readonly external_group_id: string | null;
  readonly user_count: number;
  readonly created_at: string;
}

type Db = Kysely<Database & GroupTables>;
const tables = (db: Kysely<Database>): Db => db.withTables<GroupTables>();

async function records(db: Db, where: (q: ReturnType<typeof base>) => ReturnType<typeof base>): Promise<GroupRecord[]> {
  const rows = await where(base(db)).orderBy('groups.id').execute();
  return rows.map((r) => ({ id: String(r.id), name: r.name, external_group_id: r.external_group_id, user_count: Number(r.user_count), created_at: r.created_at }));
}

function base(db: Db) {
  return db.selectFrom('groups')
    .select(['groups.id', 'groups.name', 'groups.external_group_id', 'groups.created_at'])
    .select((eb) => eb.selectFrom('group_users').whereRef('group_users.group_id', '=', 'groups.id')
      .select((e) => e.fn.countAll<number | string | bigint>().as('n')).as('user_count'));
}

/** `name`: 1 to 255 characters after trimming; a taken name is a `conflict`. */
export async function createGroup(store: Store, name: string): Promise<GroupRecord> {
  const clean = name.trim();
  if (clean === '' || clean.length > 255) throw new StoreError('invalid', 'name must be 1 to 255 characters.', 'name');
  try {
    const row = await tables(store.db).insertInto('groups').values({ name: clean, external_group_id: null, created_at: store.now().toISOString() })
      .returning(['id', 'name', 'external_group_id', 'created_at']).executeTakeFirstOrThrow();
    return { id: String(row.id), name: row.name, external_group_id: row.external_group_id, user_count: 0, created_at: row.created_at };
  } catch (error) {
    if (isUniqueViolation(error)) throw new StoreError('conflict', `A group named ${JSON.stringify(clean)} already exists.`, 'name');
    throw error;
  }
}

export async function group(store: Store, id: string): Promise<GroupRecord | null> {
  const groupId = parseId(id);
  if (groupId === null) return null;
  return (await records(tables(store.db), (q) => q.where('groups.id', '=', groupId)))[0] ?? null;
}

export async function allGroups(store: Store, ids?: readonly string[]): Promise<GroupRecord[]> {
  if (ids === undefined) return records(tables(store.db), (q) => q);
  const wanted = ids.map(parseId).filter((n): n is number => n !== null);
  return wanted.length === 0 ? [] : records(tables(store.db), (q) => q.where('groups.id', 'in', wanted));
}

export async function deleteGroup(store: Store, id: string): Promise<boolean> {
  const groupId = parseId(id);
  if (groupId === null) return false;
  // Memberships go explicitly, whether or not the DB enforces the foreign key's cascade.
  return store.transaction(async (tx) => {
    const t = tables(tx.db);
    await t.deleteFrom('group_users').where('group_id', '=', groupId).execute();
    const result = await t.deleteFrom('groups').where('id', '=', groupId).executeTakeFirst();
    return result.numDeletedRows > 0n;
  });
}

/** Member user ids of a group, ascending. */
export async function groupUserIds(store: Store, groupId: string): Promise<string[]> {
  const id = parseId(groupId);
  if (id === null) return [];
  const rows = await tables(store.db).selectFrom('group_users').select('user_id').where('group_id', '=', id).orderBy('user_id').execute();
  return rows.map((r) => String(r.user_id));
}

/** user id → ids of the groups they belong to (ascending), for every given user (empty when none). */
export async function groupIdsOfUsers(db: Kysely<Database>, userIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(userIds.map((id) => [id, []]));
  const ids = userIds.map(parseId).filter((n): n is number => n !== null);
  if (ids.length === 0) return out;
  const rows = await tables(db).selectFrom('group_users').select(['user_id', 'group_id']).where('user_id', 'in', ids).orderBy('group_id').execute();
  for (const r of rows) out.get(String(r.user_id))?.push(String(r.group_id));
  return out;
}

/** The ids among `ids` that name no group (in the order given). */
export async function unknownGroups(store: Store, ids: readonly string[]): Promise<string[]> {
  const numeric = ids.map(parseId).filter((n): n is number => n !== null);
  const found = numeric.length === 0 ? [] : await tables(store.db).selectFrom('groups').select('id').where('id', 'in', numeric).execute();
  const known = new Set(found.map((r) => String(r.id)));
  return ids.filter((id) => !known.has(String(parseId(id))));
}

/**
 * The embed-exclusive group of an `external_group_id`, made on first use. Outside any transaction:
 * a concurrent login that made it first wins the unique index and this one reads its row.
 */
export async function externalGroup(store: Store, externalGroupId: string): Promise<string> {
  const db = tables(store.db);
  const find = async (): Promise<string | null> => {
    const row = await db.selectFrom('groups').select('id').where('external_group_id', '=', externalGroupId).executeTakeFirst();
    return row ? String(row.id) : null;
  };
  const existing = await find();
  if (existing !== null) return existing;
  const name = `Embed group ${externalGroupId}`;
  try {
    const row = await db.insertInto('groups').values({ name, external_group_id: externalGroupId, created_at: store.now().toISOString() })
      .returning('id').executeTakeFirstOrThrow();
    return String(row.id);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const raced = await find();
    if (raced !== null) return raced;
    throw new EmbedError('invalid_params', `'external_group_id' ${JSON.stringify(externalGroupId)} needs a group named ${JSON.stringify(name)}, and another group already has that name.`);
  }
}

/** Replaces the user's memberships (an embed login replaces its grants). */
export async function setUserGroups(db: Kysely<Database>, userId: string, groupIds: readonly string[]): Promise<void> {
  const user = parseId(userId);
  if (user === null) throw new Error(`bad user id ${userId}`);
  const t = tables(db);
  await t.deleteFrom('group_users').where('user_id', '=', user).execute();
  const ids = [...new Set(groupIds.map(parseId).filter((n): n is number => n !== null))];
  if (ids.length > 0) await t.insertInto('group_users').values(ids.map((group_id) => ({ group_id, user_id: user }))).execute();
}
