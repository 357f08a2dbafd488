/**
 * Groups (migrations 0013 and 0015): named sets of users that carry roles and content access.
 * A member holds the group's roles on top of their own (`set_role_groups`), so permissions and
 * models are the union over both (Looker's `direct_association_only` tells them apart); content
 * access lists may name a group (`content_metadata_access.group_id`). Embed URLs enrol their users
 * by `group_ids`, and in the group kept for each `external_group_id` (externally managed: only embed
 * logins change its members). Every change to who holds which role through a group bumps the
 * `roles` change topic, which empties the permission caches of every node.
 */
import type { Generated, Kysely } from 'kysely';
import { StoreError, changed, idString, inTransaction, isUniqueViolation, parseId } from './context.ts';
import type { StoreContext } from './context.ts';
import type { Database } from './schema.ts';
import { bool } from './schema.ts';

export interface GroupsTable {
  id: Generated<number>;
  name: string;
  /** Set only on the group an embed URL's external_group_id stands for. */
  external_group_id: string | null;
  created_at: string;
}

export interface GroupUsersTable {
  group_id: number;
  user_id: number;
}

export interface GroupRolesTable {
  group_id: number;
  role_id: number;
}

// A type alias, not an interface: `withTables` needs an index-signature-compatible type.
export type GroupTables = {
  groups: GroupsTable;
  group_users: GroupUsersTable;
  group_roles: GroupRolesTable;
};

export type GroupsDb = Kysely<Database & GroupTables>;

/** The metadata DB with the group tables typed (only groups, roles and access checks read them). */
export const groupTables = (db: Kysely<Database>): GroupsDb => db.withTables<GroupTables>();

export interface GroupRecord {
  readonly id: string;
  readonly name: string;
  readonly external_group_id: string | null;
  readonly user_count: number;
  readonly created_at: string;
}

export interface GroupsRepository {
  /** Every group, or those among `ids` (unknown ids are skipped), by id. */
  allGroups(ids?: readonly string[]): Promise<GroupRecord[]>;
  group(id: string): Promise<GroupRecord | null>;
  /** `name`: 1 to 255 characters after trimming; throws invalid, or conflict when taken. */
  createGroup(name: string): Promise<GroupRecord>;
  /** null when no such group; throws like createGroup. */
  renameGroup(id: string, name: string): Promise<GroupRecord | null>;
  /** Its memberships, roles and content grants go with it. false when no such group. */
  deleteGroup(id: string): Promise<boolean>;
  /** Direct member user ids, ascending. */
  groupUserIds(groupId: string): Promise<string[]>;
  /** user id → ids of the groups they belong to (ascending), for every given user. */
  groupIdsOfUsers(userIds: readonly string[]): Promise<Map<string, string[]>>;
  /** false when the group or the user does not exist; adding a member twice is no change. */
  addGroupUser(groupId: string, userId: string): Promise<boolean>;
  /** false when the user was no member. */
  removeGroupUser(groupId: string, userId: string): Promise<boolean>;
  /** Replaces the user's memberships (an embed login replaces its grants); unknown group ids are skipped. */
  setUserGroups(userId: string, groupIds: readonly string[]): Promise<void>;
  /** The ids among `ids` that name no group, in the order given. */
  unknownGroups(ids: readonly string[]): Promise<string[]>;
  /** The models the roles of these groups grant; null when one of them grants all models. */
  groupModels(groupIds: readonly string[]): Promise<Set<string> | null>;
  /** The group of an embed `external_group_id`, if one was made. */
  findExternalGroup(externalGroupId: string): Promise<string | null>;
  /** Ids of the groups holding the role, ascending; null when no such role. */
  roleGroupIds(roleId: string): Promise<string[] | null>;
  /** Replaces the groups holding the role; null when no such role; throws invalid for unknown group ids. */
  setRoleGroups(roleId: string, groupIds: readonly string[]): Promise<GroupRecord[] | null>;
  /**
   * The group of an embed `external_group_id`, made on first use (outside any transaction, so a
   * concurrent first login that made it wins the unique index and this one reads its row). Throws
   * conflict when a group of the name it needs exists already.
   */
  externalGroup(externalGroupId: string): Promise<string>;
}

const toRecord = (r: { id: number; name: string; external_group_id: string | null; created_at: string; user_count: unknown }): GroupRecord => ({
  id: idString(r.id), name: r.name, external_group_id: r.external_group_id, user_count: Number(r.user_count), created_at: r.created_at,
});

function base(db: GroupsDb) {
  return db.selectFrom('groups')
    .select(['groups.id', 'groups.name', 'groups.external_group_id', 'groups.created_at'])
    .select((eb) => eb.selectFrom('group_users').whereRef('group_users.group_id', '=', 'groups.id')
      .select((e) => e.fn.countAll<number | string | bigint>().as('n')).as('user_count'));
}

function requireName(name: string): string {
  const clean = name.trim();
  if (clean === '' || clean.length > 255) throw new StoreError('invalid', 'name must be 1 to 255 characters.', 'name');
  return clean;
}

const ids = (raw: readonly string[]): number[] => [...new Set(raw.map(parseId).filter((n): n is number => n !== null))];

export function groupsRepository(ctx: StoreContext): GroupsRepository {
  const db = (): GroupsDb => groupTables(ctx.db);
  const recordsIn = async (d: GroupsDb, wanted?: readonly number[]): Promise<GroupRecord[]> => {
    if (wanted?.length === 0) return [];
    let q = base(d);
    if (wanted !== undefined) q = q.where('groups.id', 'in', wanted);
    return (await q.orderBy('groups.id').execute()).map(toRecord);
  };
  const records = (wanted?: readonly number[]): Promise<GroupRecord[]> => recordsIn(db(), wanted);
  const findExternal = async (externalGroupId: string): Promise<string | null> => {
    const row = await db().selectFrom('groups').select('id').where('external_group_id', '=', externalGroupId).executeTakeFirst();
    return row ? idString(row.id) : null;
  };
  const nameTaken = (name: string): StoreError => new StoreError('conflict', `A group named ${JSON.stringify(name)} already exists.`, 'name');

  return {
    allGroups: (wanted) => records(wanted === undefined ? undefined : ids(wanted)),

    async group(id) {
      const groupId = parseId(id);
      return groupId === null ? null : (await records([groupId]))[0] ?? null;
    },

    async createGroup(name) {
      const clean = requireName(name);
      try {
        const row = await db().insertInto('groups').values({ name: clean, external_group_id: null, created_at: ctx.now().toISOString() })
          .returning(['id', 'name', 'external_group_id', 'created_at']).executeTakeFirstOrThrow();
        return toRecord({ ...row, user_count: 0 });
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(clean);
        throw error;
      }
    },

    async renameGroup(id, name) {
      const groupId = parseId(id);
      if (groupId === null) return null;
      const clean = requireName(name);
      try {
        const result = await db().updateTable('groups').set({ name: clean }).where('id', '=', groupId).executeTakeFirst();
        if (result.numUpdatedRows === 0n) return null;
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(clean);
        throw error;
      }
      return (await records([groupId]))[0] ?? null;
    },

    async deleteGroup(id) {
      const groupId = parseId(id);
      if (groupId === null) return false;
      return inTransaction(ctx, async (tx) => {
        const t = groupTables(tx.db);
        // Explicitly, whether or not the DB enforces the foreign keys' cascades; access grants name
        // groups without a foreign key (0005 predates groups).
        await t.deleteFrom('group_users').where('group_id', '=', groupId).execute();
        await t.deleteFrom('group_roles').where('group_id', '=', groupId).execute();
        await t.deleteFrom('content_metadata_access').where('group_id', '=', groupId).execute();
        const result = await t.deleteFrom('groups').where('id', '=', groupId).executeTakeFirst();
        changed(tx, 'roles');
        return result.numDeletedRows > 0n;
      });
    },

    async groupUserIds(groupId) {
      const id = parseId(groupId);
      if (id === null) return [];
      const rows = await db().selectFrom('group_users').select('user_id').where('group_id', '=', id).orderBy('user_id').execute();
      return rows.map((r) => idString(r.user_id));
    },

    groupIdsOfUsers: (userIds) => groupIdsOfUsers(ctx.db, userIds),

    async addGroupUser(groupId, userId) {
      const group = parseId(groupId);
      const user = parseId(userId);
      if (group === null || user === null) return false;
      return inTransaction(ctx, async (tx) => {
        const t = groupTables(tx.db);
        const [g, u] = await Promise.all([
          t.selectFrom('groups').select('id').where('id', '=', group).executeTakeFirst(),
          t.selectFrom('users').select('id').where('id', '=', user).executeTakeFirst(),
        ]);
        if (!g || !u) return false;
        const member = await t.selectFrom('group_users').select('user_id').where('group_id', '=', group).where('user_id', '=', user).executeTakeFirst();
        if (!member) {
          await t.insertInto('group_users').values({ group_id: group, user_id: user }).execute();
          changed(tx, 'roles');
        }
        return true;
      });
    },

    async removeGroupUser(groupId, userId) {
      const group = parseId(groupId);
      const user = parseId(userId);
      if (group === null || user === null) return false;
      const result = await db().deleteFrom('group_users').where('group_id', '=', group).where('user_id', '=', user).executeTakeFirst();
      if (result.numDeletedRows === 0n) return false;
      changed(ctx, 'roles');
      return true;
    },

    async setUserGroups(userId, groupIds) {
      const user = parseId(userId);
      if (user === null) throw new StoreError('invalid', `User ${userId} not found`, 'user_id');
      await inTransaction(ctx, async (tx) => {
        const t = groupTables(tx.db);
        const wanted = ids(groupIds);
        const existing = wanted.length === 0 ? [] : await t.selectFrom('groups').select('id').where('id', 'in', wanted).execute();
        await t.deleteFrom('group_users').where('user_id', '=', user).execute();
        if (existing.length > 0) await t.insertInto('group_users').values(existing.map((g) => ({ group_id: g.id, user_id: user }))).execute();
        changed(tx, 'roles');
      });
    },

    async unknownGroups(wanted) {
      const numeric = ids(wanted);
      const found = numeric.length === 0 ? [] : await db().selectFrom('groups').select('id').where('id', 'in', numeric).execute();
      const known = new Set(found.map((r) => r.id));
      return wanted.filter((id) => {
        const n = parseId(id);
        return n === null || !known.has(n);
      });
    },

    async groupModels(groupIds) {
      const wanted = ids(groupIds);
      if (wanted.length === 0) return new Set();
      const t = db();
      const sets = await t.selectFrom('group_roles').innerJoin('roles', 'roles.id', 'group_roles.role_id')
        .innerJoin('model_sets', 'model_sets.id', 'roles.model_set_id')
        .select(['model_sets.id', 'model_sets.all_access']).where('group_roles.group_id', 'in', wanted).execute();
      if (sets.some((set) => bool(set.all_access))) return null;
      if (sets.length === 0) return new Set();
      const rows = await t.selectFrom('model_set_models').select('model').where('model_set_id', 'in', sets.map((set) => set.id)).execute();
      return new Set(rows.map((row) => row.model));
    },

    findExternalGroup: findExternal,

    async roleGroupIds(roleId) {
      const role = parseId(roleId);
      if (role === null) return null;
      const t = db();
      if (!(await t.selectFrom('roles').select('id').where('id', '=', role).executeTakeFirst())) return null;
      const rows = await t.selectFrom('group_roles').select('group_id').where('role_id', '=', role).orderBy('group_id').execute();
      return rows.map((r) => idString(r.group_id));
    },

    async setRoleGroups(roleId, groupIds) {
      const role = parseId(roleId);
      if (role === null) return null;
      return inTransaction(ctx, async (tx) => {
        const t = groupTables(tx.db);
        if (!(await t.selectFrom('roles').select('id').where('id', '=', role).executeTakeFirst())) return null;
        const wanted = [...new Set(groupIds)];
        const numeric = ids(wanted);
        const found = new Set(numeric.length === 0 ? [] : (await t.selectFrom('groups').select('id').where('id', 'in', numeric).execute()).map((r) => r.id));
        const missing = wanted.find((id) => {
          const n = parseId(id);
          return n === null || !found.has(n);
        });
        if (missing !== undefined) throw new StoreError('invalid', `Group ${missing} not found`, 'group_ids');
        await t.deleteFrom('group_roles').where('role_id', '=', role).execute();
        if (found.size > 0) await t.insertInto('group_roles').values([...found].map((group_id) => ({ group_id, role_id: role }))).execute();
        changed(tx, 'roles');
        return recordsIn(t, [...found]);
      });
    },

    async externalGroup(externalGroupId) {
      const find = (): Promise<string | null> => findExternal(externalGroupId);
      const existing = await find();
      if (existing !== null) return existing;
      const name = `Embed group ${externalGroupId}`;
      try {
        const row = await db().insertInto('groups').values({ name, external_group_id: externalGroupId, created_at: ctx.now().toISOString() })
          .returning('id').executeTakeFirstOrThrow();
        return idString(row.id);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const raced = await find();
        if (raced !== null) return raced;
        throw new StoreError('conflict', `'external_group_id' ${JSON.stringify(externalGroupId)} needs a group named ${JSON.stringify(name)}, and another group already has that name.`, 'external_group_id');
      }
    },
  };
}

/** user id → ids of the groups they belong to (ascending), for every given user (empty when none). */
export async function groupIdsOfUsers(db: Kysely<Database>, userIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(userIds.map((id) => [id, []]));
  const wanted = ids(userIds);
  if (wanted.length === 0) return out;
  const rows = await groupTables(db).selectFrom('group_users').select(['user_id', 'group_id']).where('user_id', 'in', wanted).orderBy('group_id').execute();
  for (const r of rows) out.get(idString(r.user_id))?.push(idString(r.group_id));
  return out;
}

/**
 * The ids of the roles a user holds: their own and, unless `directOnly`, their groups'. A query to
 * use as a subquery (`where('roles.id', 'in', …)`).
 */
export function userRoleIdsQuery(db: Kysely<Database>, userId: number, directOnly = false) {
  const t = groupTables(db);
  const direct = t.selectFrom('user_roles').select('user_roles.role_id').where('user_roles.user_id', '=', userId);
  if (directOnly) return direct;
  return direct.union(t.selectFrom('group_users').innerJoin('group_roles', 'group_roles.group_id', 'group_users.group_id')
    .select('group_roles.role_id as role_id').where('group_users.user_id', '=', userId));
}
