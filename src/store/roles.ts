/**
 * Roles = permission set (what a user may do) + model set (on which models). Looker's
 * built-ins (Admin, Developer, User, Viewer; "All" models) are seeded by migration 0001.
 * A user holds their own roles and those of their groups (`groups.ts`): their permissions and
 * models are the union over both.
 */
import { ALL_PERMISSIONS } from './builtins.ts';
import { StoreError, changed, idString, inTransaction, mapConflict, parseId } from './context.ts';
import type { StoreContext } from './context.ts';
import { groupTables, userRoleIdsQuery } from './groups.ts';
import { bool } from './schema.ts';
import type { ModelSet, NewRole, PermissionSet, Role } from './types.ts';

export interface RolesRepository {
  allRoles(options?: { ids?: readonly string[] }): Promise<Role[]>;
  role(id: string): Promise<Role | null>;
  /** Throws invalid (unknown permission_set_id/model_set_id, empty name) or conflict (name taken). */
  createRole(input: NewRole): Promise<Role>;
  /** null when no such role; throws like createRole. */
  updateRole(id: string, patch: Partial<NewRole>): Promise<Role | null>;
  /** false when no such role; throws invalid for the Admin role. */
  deleteRole(id: string): Promise<boolean>;
  /** Replaces the user's roles atomically; null when no such user; throws invalid for unknown role ids. */
  setUserRoles(userId: string, roleIds: readonly string[]): Promise<Role[] | null>;
  /** Own roles and the roles of the user's groups (only the own with `directOnly`); null when no such user. */
  userRoles(userId: string, options?: { directOnly?: boolean }): Promise<Role[] | null>;
  /** Users holding the role themselves or (unless `directOnly`) through a group, ascending. */
  roleUserIds(roleId: string, options?: { directOnly?: boolean }): Promise<string[]>;
  allPermissionSets(): Promise<PermissionSet[]>;
  permissionSet(id: string): Promise<PermissionSet | null>;
  /** Throws invalid (unknown permission, empty name) or conflict (name taken). */
  createPermissionSet(input: { name: string; permissions: readonly string[] }): Promise<PermissionSet>;
  allModelSets(): Promise<ModelSet[]>;
  modelSet(id: string): Promise<ModelSet | null>;
  createModelSet(input: { name: string; models: readonly string[] }): Promise<ModelSet>;
  /**
   * Union over the user's roles, own and their groups'; every known permission when a role's set
   * has all_access. An embed user holds only permissions embed sessions may have, whatever a group
   * grants (DESIGN rule 8: never `develop`).
   */
  userPermissions(userId: string): Promise<Set<string>>;
  /** The models the user's roles (own and their groups') grant; null when one of them grants all models. */
  userModels(userId: string): Promise<Set<string> | null>;
}

const KNOWN_PERMISSIONS = new Set(ALL_PERMISSIONS);

/** What an embed user may hold (Looker's embed permission list); anything else is dropped. */
export const EMBED_USER_PERMISSIONS: readonly string[] = [
  'access_data', 'see_lookml_dashboards', 'see_looks', 'see_user_dashboards', 'explore', 'create_table_calculations',
  'create_custom_fields', 'can_create_forecast', 'save_content', 'send_outgoing_webhook', 'send_to_s3', 'send_to_sftp',
  'schedule_look_emails', 'schedule_external_look_emails', 'send_to_integration', 'create_alerts', 'download_with_limit',
  'download_without_limit', 'see_sql', 'clear_cache_refresh', 'see_drill_overlay', 'embed_browse_spaces', 'embed_save_shared_space',
];
const EMBED_ALLOWED = new Set(EMBED_USER_PERMISSIONS);

async function loadPermissionSets(ctx: StoreContext, ids?: readonly number[]): Promise<PermissionSet[]> {
  if (ids?.length === 0) return [];
  let query = ctx.db.selectFrom('permission_sets').selectAll().orderBy('id');
  if (ids) query = query.where('id', 'in', ids);
  const sets = await query.execute();
  let permissionQuery = ctx.db.selectFrom('permission_set_permissions').selectAll().orderBy('permission');
  if (ids) permissionQuery = permissionQuery.where('permission_set_id', 'in', ids);
  const permissions = await permissionQuery.execute();
  return sets.map((set) => ({
    id: idString(set.id),
    name: set.name,
    built_in: bool(set.built_in),
    all_access: bool(set.all_access),
    permissions: permissions.filter((row) => row.permission_set_id === set.id).map((row) => row.permission),
  }));
}

async function loadModelSets(ctx: StoreContext, ids?: readonly number[]): Promise<ModelSet[]> {
  if (ids?.length === 0) return [];
  let query = ctx.db.selectFrom('model_sets').selectAll().orderBy('id');
  if (ids) query = query.where('id', 'in', ids);
  const sets = await query.execute();
  let modelQuery = ctx.db.selectFrom('model_set_models').selectAll().orderBy('model');
  if (ids) modelQuery = modelQuery.where('model_set_id', 'in', ids);
  const models = await modelQuery.execute();
  return sets.map((set) => ({
    id: idString(set.id),
    name: set.name,
    built_in: bool(set.built_in),
    all_access: bool(set.all_access),
    models: models.filter((row) => row.model_set_id === set.id).map((row) => row.model),
  }));
}

async function loadRoles(ctx: StoreContext, ids?: readonly number[]): Promise<Role[]> {
  if (ids?.length === 0) return [];
  let query = ctx.db.selectFrom('roles').selectAll().orderBy('id');
  if (ids) query = query.where('id', 'in', ids);
  const roles = await query.execute();
  const permissionSets = await loadPermissionSets(ctx, [...new Set(roles.map((role) => role.permission_set_id))]);
  const modelSets = await loadModelSets(ctx, [...new Set(roles.map((role) => role.model_set_id))]);
  return roles.map((role) => {
    const permissionSet = permissionSets.find((set) => set.id === idString(role.permission_set_id));
    const modelSet = modelSets.find((set) => set.id === idString(role.model_set_id));
    if (!permissionSet || !modelSet) throw new Error(`role ${role.id} points at a missing set`);
    return { id: idString(role.id), name: role.name, permission_set: permissionSet, model_set: modelSet };
  });
}

function requireName(name: string | undefined): string {
  const trimmed = name?.trim() ?? '';
  if (trimmed === '' || trimmed.length > 255) throw new StoreError('invalid', 'A name of 1-255 characters is required', 'name');
  return trimmed;
}

/** Replaces the user's roles inside `ctx`'s transaction; unknown role ids are a 422. */
export async function replaceUserRoles(ctx: StoreContext, userId: number, roleIds: readonly string[]): Promise<void> {
  changed(ctx, 'roles');
  const ids = [...new Set(roleIds)].map((id) => {
    const parsed = parseId(id);
    if (parsed === null) throw new StoreError('invalid', `Role ${id} not found`, 'role_ids');
    return parsed;
  });
  if (ids.length > 0) {
    const found = await ctx.db.selectFrom('roles').select('id').where('id', 'in', ids).execute();
    const missing = ids.find((id) => !found.some((row) => row.id === id));
    if (missing !== undefined) throw new StoreError('invalid', `Role ${missing} not found`, 'role_ids');
  }
  await ctx.db.deleteFrom('user_roles').where('user_id', '=', userId).execute();
  if (ids.length > 0) {
    await ctx.db.insertInto('user_roles').values(ids.map((roleId) => ({ user_id: userId, role_id: roleId }))).execute();
  }
}

async function requireSet(ctx: StoreContext, table: 'permission_sets' | 'model_sets', id: string, field: string): Promise<number> {
  const parsed = parseId(id);
  const row = parsed === null ? undefined
    : await ctx.db.selectFrom(table).select('id').where('id', '=', parsed).executeTakeFirst();
  if (!row) throw new StoreError('invalid', `${field === 'model_set_id' ? 'Model' : 'Permission'} set ${id} not found`, field);
  return row.id;
}

const roleNameConflict = <T>(fn: () => Promise<T>): Promise<T> =>
  mapConflict('name', 'A role with this name already exists', fn);

export function rolesRepository(ctx: StoreContext): RolesRepository {
  async function userRoleIds(userId: number, directOnly: boolean): Promise<number[] | null> {
    const user = await ctx.db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
    if (!user) return null;
    const rows = await userRoleIdsQuery(ctx.db, userId, directOnly).execute();
    return [...new Set(rows.map((row) => row.role_id))];
  }

  return {
    async allRoles(options = {}) {
      if (options.ids === undefined) return loadRoles(ctx);
      return loadRoles(ctx, options.ids.map(parseId).filter((id): id is number => id !== null));
    },

    async role(id) {
      const roleId = parseId(id);
      return roleId === null ? null : (await loadRoles(ctx, [roleId]))[0] ?? null;
    },

    async createRole(input) {
      const name = requireName(input.name);
      return inTransaction(ctx, async (tx) => {
        const permissionSetId = await requireSet(tx, 'permission_sets', input.permission_set_id, 'permission_set_id');
        const modelSetId = await requireSet(tx, 'model_sets', input.model_set_id, 'model_set_id');
        const row = await roleNameConflict(() => tx.db.insertInto('roles')
          .values({ name, permission_set_id: permissionSetId, model_set_id: modelSetId })
          .returning('id').executeTakeFirstOrThrow());
        return (await loadRoles(tx, [row.id]))[0]!;
      });
    },

    async updateRole(id, patch) {
      const roleId = parseId(id);
      if (roleId === null) return null;
      return inTransaction(ctx, async (tx) => {
        const values: { name?: string; permission_set_id?: number; model_set_id?: number } = {};
        if (patch.name !== undefined) values.name = requireName(patch.name);
        if (patch.permission_set_id !== undefined) {
          values.permission_set_id = await requireSet(tx, 'permission_sets', patch.permission_set_id, 'permission_set_id');
        }
        if (patch.model_set_id !== undefined) {
          values.model_set_id = await requireSet(tx, 'model_sets', patch.model_set_id, 'model_set_id');
        }
        if (Object.keys(values).length > 0) {
          const result = await roleNameConflict(() => tx.db.updateTable('roles').set(values)
            .where('id', '=', roleId).executeTakeFirst());
          if (result.numUpdatedRows === 0n) return null;
          changed(tx, 'roles');
        }
        return (await loadRoles(tx, [roleId]))[0] ?? null;
      });
    },

    async deleteRole(id) {
      const roleId = parseId(id);
      if (roleId === null) return false;
      return inTransaction(ctx, async (tx) => {
        const role = await tx.db.selectFrom('roles').innerJoin('permission_sets', 'permission_sets.id', 'roles.permission_set_id')
          .select(['roles.id', 'roles.name', 'permission_sets.built_in']).where('roles.id', '=', roleId).executeTakeFirst();
        if (!role) return false;
        if (role.name === 'Admin' && bool(role.built_in)) throw new StoreError('invalid', 'The Admin role cannot be deleted', 'role_id');
        await groupTables(tx.db).deleteFrom('group_roles').where('role_id', '=', roleId).execute();
        await tx.db.deleteFrom('roles').where('id', '=', roleId).execute();
        changed(tx, 'roles');
        return true;
      });
    },

    async setUserRoles(userId, roleIds) {
      const id = parseId(userId);
      if (id === null) return null;
      return inTransaction(ctx, async (tx) => {
        const user = await tx.db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst();
        if (!user) return null;
        await replaceUserRoles(tx, id, roleIds);
        const rows = await tx.db.selectFrom('user_roles').select('role_id').where('user_id', '=', id).execute();
        return loadRoles(tx, rows.map((row) => row.role_id));
      });
    },

    async userRoles(userId, options = {}) {
      const id = parseId(userId);
      const roleIds = id === null ? null : await userRoleIds(id, options.directOnly === true);
      return roleIds === null ? null : loadRoles(ctx, roleIds);
    },

    async roleUserIds(roleId, options = {}) {
      const id = parseId(roleId);
      if (id === null) return [];
      const t = groupTables(ctx.db);
      const direct = t.selectFrom('user_roles').select('user_roles.user_id').where('user_roles.role_id', '=', id);
      const query = options.directOnly === true ? direct : direct.union(t.selectFrom('group_roles')
        .innerJoin('group_users', 'group_users.group_id', 'group_roles.group_id')
        .select('group_users.user_id as user_id').where('group_roles.role_id', '=', id));
      const rows = await query.execute();
      return [...new Set(rows.map((row) => row.user_id))].sort((a, b) => a - b).map(idString);
    },

    allPermissionSets: () => loadPermissionSets(ctx),

    async permissionSet(id) {
      const setId = parseId(id);
      return setId === null ? null : (await loadPermissionSets(ctx, [setId]))[0] ?? null;
    },

    async createPermissionSet(input) {
      const name = requireName(input.name);
      const permissions = [...new Set(input.permissions)];
      const unknown = permissions.find((permission) => !KNOWN_PERMISSIONS.has(permission));
      if (unknown !== undefined) throw new StoreError('invalid', `Unknown permission "${unknown}"`, 'permissions');
      return inTransaction(ctx, async (tx) => {
        const row = await mapConflict('name', 'A permission set with this name already exists', () =>
          tx.db.insertInto('permission_sets').values({ name }).returning('id').executeTakeFirstOrThrow());
        if (permissions.length > 0) {
          await tx.db.insertInto('permission_set_permissions')
            .values(permissions.map((permission) => ({ permission_set_id: row.id, permission }))).execute();
        }
        return (await loadPermissionSets(tx, [row.id]))[0]!;
      });
    },

    allModelSets: () => loadModelSets(ctx),

    async modelSet(id) {
      const setId = parseId(id);
      return setId === null ? null : (await loadModelSets(ctx, [setId]))[0] ?? null;
    },

    async createModelSet(input) {
      const name = requireName(input.name);
      const models = [...new Set(input.models)];
      const bad = models.find((model) => !/^[A-Za-z0-9_-]{1,255}$/.test(model));
      if (bad !== undefined) throw new StoreError('invalid', `Invalid model name "${bad}"`, 'models');
      return inTransaction(ctx, async (tx) => {
        const row = await mapConflict('name', 'A model set with this name already exists', () =>
          tx.db.insertInto('model_sets').values({ name }).returning('id').executeTakeFirstOrThrow());
        if (models.length > 0) {
          await tx.db.insertInto('model_set_models').values(models.map((model) => ({ model_set_id: row.id, model })))
            .execute();
        }
        return (await loadModelSets(tx, [row.id]))[0]!;
      });
    },

    async userModels(userId) {
      const id = parseId(userId);
      if (id === null) return new Set();
      const sets = await ctx.db.selectFrom('roles')
        .innerJoin('model_sets', 'model_sets.id', 'roles.model_set_id')
        .select(['model_sets.id', 'model_sets.all_access'])
        .where('roles.id', 'in', userRoleIdsQuery(ctx.db, id)).execute();
      if (sets.some((set) => bool(set.all_access))) return null;
      if (sets.length === 0) return new Set();
      const rows = await ctx.db.selectFrom('model_set_models').select('model')
        .where('model_set_id', 'in', sets.map((set) => set.id)).execute();
      return new Set(rows.map((row) => row.model));
    },

    async userPermissions(userId) {
      const id = parseId(userId);
      if (id === null) return new Set();
      const [sets, user] = await Promise.all([
        ctx.db.selectFrom('roles')
          .innerJoin('permission_sets', 'permission_sets.id', 'roles.permission_set_id')
          .select(['permission_sets.id', 'permission_sets.all_access'])
          .where('roles.id', 'in', userRoleIdsQuery(ctx.db, id)).execute(),
        ctx.db.selectFrom('users').select('embed_external_user_id').where('id', '=', id).executeTakeFirst(),
      ]);
      let permissions: Set<string>;
      if (sets.some((set) => bool(set.all_access))) permissions = new Set(ALL_PERMISSIONS);
      else if (sets.length === 0) permissions = new Set();
      else {
        const rows = await ctx.db.selectFrom('permission_set_permissions').select('permission')
          .where('permission_set_id', 'in', sets.map((set) => set.id)).execute();
        permissions = new Set(rows.map((row) => row.permission));
      }
      const embedUser = user !== undefined && user.embed_external_user_id !== null;
      return embedUser ? new Set([...permissions].filter((p) => EMBED_ALLOWED.has(p))) : permissions;
    },
  };
}
