/**
 * 0005: content (issue 6): folders, looks, dashboards with elements, filters and layouts, and content
 * access. Frozen once released.
 *
 * Writable attributes the server only stores and echoes (colours, vis settings, refresh intervals…)
 * live in each row's `attrs` JSON; columns are what is queried, joined or enforced. Every folder,
 * look and dashboard has a `content_metadata` row; `content_metadata_access` grants view/edit per
 * user (or group) on it, inherited down the folder tree unless `inherits` is off.
 */
import { sql, type ColumnDefinitionBuilder, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from './migrations.ts';

type AnyKysely = Parameters<Migration['up']>[0];

export function contentMigration(dialect: StoreDialect): Migration {
  const id = (col: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    dialect === 'postgres' ? col.primaryKey().generatedByDefaultAsIdentity() : col.primaryKey().autoIncrement();
  const flag = (col: ColumnDefinitionBuilder): ColumnDefinitionBuilder => col.notNull().defaultTo(false);
  const json = (col: ColumnDefinitionBuilder): ColumnDefinitionBuilder => col.notNull().defaultTo('{}');
  return {
    async up(db: AnyKysely): Promise<void> {
      const s = db.schema;
      await s.createTable('content_metadata')
        .addColumn('id', 'integer', id)
        .addColumn('parent_id', 'integer')
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('inherits', 'boolean', (c) => c.notNull().defaultTo(true))
        .execute();
      await s.createTable('content_metadata_access')
        .addColumn('id', 'integer', id)
        .addColumn('content_metadata_id', 'integer', (c) => c.notNull().references('content_metadata.id').onDelete('cascade'))
        .addColumn('permission_type', 'text', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
        .addColumn('group_id', 'integer')
        .execute();
      await s.createIndex('content_metadata_access_cm').on('content_metadata_access').column('content_metadata_id').execute();

      await s.createTable('folders')
        .addColumn('id', 'integer', id)
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('parent_id', 'integer')
        .addColumn('creator_id', 'integer')
        .addColumn('personal_user_id', 'integer', (c) => c.unique())
        .addColumn('is_shared_root', 'boolean', flag)
        .addColumn('is_users_root', 'boolean', flag)
        .addColumn('content_metadata_id', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await s.createIndex('folders_parent').on('folders').column('parent_id').execute();

      await s.createTable('looks')
        .addColumn('id', 'integer', id)
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('folder_id', 'integer', (c) => c.notNull())
        .addColumn('user_id', 'integer')
        .addColumn('query_id', 'integer', (c) => c.notNull())
        .addColumn('deleted', 'boolean', flag)
        .addColumn('deleted_at', 'text')
        .addColumn('attrs', 'text', json)
        .addColumn('content_metadata_id', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await s.createIndex('looks_folder').on('looks').column('folder_id').execute();

      await s.createTable('dashboards')
        .addColumn('id', 'integer', id)
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('folder_id', 'integer', (c) => c.notNull())
        .addColumn('user_id', 'integer')
        .addColumn('slug', 'text', (c) => c.notNull().unique())
        .addColumn('deleted', 'boolean', flag)
        .addColumn('deleted_at', 'text')
        .addColumn('attrs', 'text', json)
        .addColumn('content_metadata_id', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await s.createIndex('dashboards_folder').on('dashboards').column('folder_id').execute();

      await s.createTable('dashboard_elements')
        .addColumn('id', 'integer', id)
        .addColumn('dashboard_id', 'integer', (c) => c.notNull().references('dashboards.id').onDelete('cascade'))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('title', 'text')
        .addColumn('query_id', 'integer')
        .addColumn('look_id', 'integer')
        .addColumn('attrs', 'text', json)
        .execute();
      await s.createIndex('dashboard_elements_dashboard').on('dashboard_elements').column('dashboard_id').execute();

      await s.createTable('dashboard_filters')
        .addColumn('id', 'integer', id)
        .addColumn('dashboard_id', 'integer', (c) => c.notNull().references('dashboards.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('attrs', 'text', json)
        .execute();
      await s.createIndex('dashboard_filters_dashboard').on('dashboard_filters').column('dashboard_id').execute();

      await s.createTable('dashboard_layouts')
        .addColumn('id', 'integer', id)
        .addColumn('dashboard_id', 'integer', (c) => c.notNull().references('dashboards.id').onDelete('cascade'))
        .addColumn('active', 'boolean', flag)
        .addColumn('attrs', 'text', json)
        .execute();
      await s.createTable('dashboard_layout_components')
        .addColumn('id', 'integer', id)
        .addColumn('dashboard_layout_id', 'integer', (c) => c.notNull().references('dashboard_layouts.id').onDelete('cascade'))
        .addColumn('dashboard_element_id', 'integer', (c) => c.notNull().references('dashboard_elements.id').onDelete('cascade'))
        .addColumn('attrs', 'text', json)
        .execute();

      await seedFolders(db as Kysely<SeedTables>, dialect);
    },
  };
}

interface SeedTables {
  content_metadata: { id: number; parent_id: number | null; content_type: string; inherits: boolean };
  content_metadata_access: { content_metadata_id: number; permission_type: string; user_id: number | null; group_id: number | null };
  folders: { id: number; name: string; parent_id: number | null; is_shared_root: boolean; is_users_root: boolean; content_metadata_id: number; created_at: string };
}

/**
 * Looker's fixed roots: "Shared" (id 1, everyone may view) and "Users" (id 2, parent of personal
 * folders). Seeded with explicit ids, so the identity sequences move past them on PostgreSQL.
 */
async function seedFolders(db: Kysely<SeedTables>, dialect: StoreDialect): Promise<void> {
  const now = new Date().toISOString();
  await db.insertInto('content_metadata').values([
    { id: 1, parent_id: null, content_type: 'space', inherits: false },
    { id: 2, parent_id: null, content_type: 'space', inherits: false },
  ]).execute();
  await db.insertInto('folders').values([
    { id: 1, name: 'Shared', parent_id: null, is_shared_root: true, is_users_root: false, content_metadata_id: 1, created_at: now },
    { id: 2, name: 'Users', parent_id: null, is_shared_root: false, is_users_root: true, content_metadata_id: 2, created_at: now },
  ]).execute();
  if (dialect === 'postgres') {
    for (const table of ['content_metadata', 'folders'] as const) {
      await sql`select setval(pg_get_serial_sequence(${table}, 'id'), (select max(id) from ${sql.table(table)}))`.execute(db);
    }
  }
}
