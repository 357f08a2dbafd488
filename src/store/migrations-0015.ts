/**
 * 0015: roles granted to groups (Looker's `set_role_groups` / `role_groups`): every member of a group
 * holds the group's roles on top of their own. Frozen once released. Typed in `src/store/groups.ts`.
 */
import type { Migration } from 'kysely';

type AnyKysely = Parameters<Migration['up']>[0];

export function groupRolesMigration(): Migration {
  return {
    async up(db: AnyKysely): Promise<void> {
      await db.schema.createTable('group_roles')
        .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
        .addColumn('role_id', 'integer', (c) => c.notNull().references('roles.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('group_roles_pk', ['group_id', 'role_id'])
        .execute();
      await db.schema.createIndex('group_roles_role_id').on('group_roles').column('role_id').execute();
      // Access checks look up the grants naming a user's groups.
      await db.schema.createIndex('content_metadata_access_group').on('content_metadata_access').column('group_id').execute();
    },
  };
}
