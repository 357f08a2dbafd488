/**
 * 0013: groups, as far as embedding needs them (issue 9): named groups an embed URL's `group_ids`
 * may enrol its user in, the embed-exclusive group of an `external_group_id`, and memberships.
 * Frozen once released. Typed in `src/embed/groups.ts`.
 */
import type { ColumnDefinitionBuilder, Migration } from 'kysely';
import type { StoreDialect } from './migrations.ts';

type AnyKysely = Parameters<Migration['up']>[0];

export function embedMoreMigration(dialect: StoreDialect): Migration {
  const id = (col: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    dialect === 'postgres' ? col.primaryKey().generatedByDefaultAsIdentity() : col.primaryKey().autoIncrement();
  return {
    async up(db: AnyKysely): Promise<void> {
      const s = db.schema;
      await s.createTable('groups')
        .addColumn('id', 'integer', id)
        .addColumn('name', 'text', (c) => c.notNull().unique())
        // Set only on the group an embed URL's external_group_id stands for.
        .addColumn('external_group_id', 'text', (c) => c.unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await s.createTable('group_users')
        .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('group_users_pk', ['group_id', 'user_id'])
        .execute();
      await s.createIndex('group_users_user_id').on('group_users').column('user_id').execute();
    },
  };
}
