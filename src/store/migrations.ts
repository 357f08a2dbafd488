/**
 * The metadata DB's migrations: one list for both dialects, run at open (see `open.ts`).
 *
 * Migrations are frozen once released: never edit one, add the next (`0002_…`). They get the
 * dialect because the only DDL that differs is how an integer id is generated.
 */
import { sql } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely, Migration, MigrationProvider } from 'kysely';
import {
  BUILT_IN_MODEL_SETS, BUILT_IN_PERMISSION_SETS, BUILT_IN_ROLES, SYSTEM_USER_ATTRIBUTES,
} from './builtins.ts';
import { projectsMigration } from './migrations-0002.ts';
import { connectionsAndQueriesMigration } from './migrations-0003.ts';
import { queryTasksMigration } from './migrations-0004.ts';
import { contentMigration } from './migrations-0005.ts';
import { browserSessionsMigration } from './migrations-0006.ts';
import { embedMigration } from './migrations-0007.ts';
import { renderMigration } from './migrations-0008.ts';
import { queryTaskLeasesMigration } from './migrations-0009.ts';
import { loginFailuresMigration } from './migrations-0010.ts';
import { renderElementsMigration } from './migrations-0012.ts';
import { embedMoreMigration } from './migrations-0013.ts';
import { mergeQueriesMigration } from './migrations-0014.ts';
import { groupRolesMigration } from './migrations-0015.ts';
import { dataTestsRequiredMigration } from './migrations-0016.ts';

export type StoreDialect = 'sqlite' | 'postgres';

/** The migrator's own tables, named after the project so they stand out in a shared database. */
export const MIGRATION_TABLE = 'overlook_migration';
export const MIGRATION_LOCK_TABLE = 'overlook_migration_lock';

/** The tables as the seed in 0001 writes them; later migrations must not depend on `schema.ts`. */
interface SeedTables {
  permission_sets: { id: number; name: string; built_in: boolean; all_access: boolean };
  permission_set_permissions: { permission_set_id: number; permission: string };
  model_sets: { id: number; name: string; built_in: boolean; all_access: boolean };
  roles: { id: number; name: string; permission_set_id: number; model_set_id: number };
  user_attributes: {
    name: string; label: string; type: string; default_value: string | null; value_is_hidden: boolean;
    user_can_view: boolean; user_can_edit: boolean; is_system: boolean; is_permanent: boolean;
  };
}

// The migrator hands every migration an untyped `Kysely`; each migration narrows it to the
// tables it knows, so old migrations keep compiling as `schema.ts` moves on.
type AnyKysely = Parameters<Migration['up']>[0];

function initial(dialect: StoreDialect): Migration {
  const id = (col: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    dialect === 'postgres' ? col.primaryKey().generatedByDefaultAsIdentity() : col.primaryKey().autoIncrement();
  const flag = (col: ColumnDefinitionBuilder): ColumnDefinitionBuilder => col.notNull().defaultTo(false);

  return {
    async up(anyDb: AnyKysely): Promise<void> {
      const db = anyDb as Kysely<SeedTables>;
      const schema = db.schema;
      await schema.createTable('users')
        .addColumn('id', 'integer', id)
        .addColumn('first_name', 'text')
        .addColumn('last_name', 'text')
        .addColumn('is_disabled', 'boolean', flag)
        .addColumn('locale', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('home_folder_id', 'text')
        .addColumn('personal_folder_id', 'text')
        .addColumn('ui_dev_mode', 'boolean', flag)
        .addColumn('embed_external_user_id', 'text', (c) => c.unique())
        .addColumn('embed_external_group_id', 'text')
        .execute();

      await schema.createTable('credentials_email')
        .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('email_key', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text')
        .addColumn('forced_password_reset_at_next_login', 'boolean', flag)
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('logged_in_at', 'text')
        .execute();

      await schema.createTable('credentials_api3')
        .addColumn('id', 'integer', id)
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('client_id', 'text', (c) => c.notNull().unique())
        .addColumn('client_secret_hash', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text')
        .addColumn('is_disabled', 'boolean', flag)
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('logged_in_at', 'text')
        .execute();
      await schema.createIndex('credentials_api3_user_id').on('credentials_api3').column('user_id').execute();

      await schema.createTable('access_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('sudo_user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
        .addColumn('api3_credential_id', 'integer', (c) => c.references('credentials_api3.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute();
      await schema.createIndex('access_tokens_user_id').on('access_tokens').column('user_id').execute();
      await schema.createIndex('access_tokens_expires_at').on('access_tokens').column('expires_at').execute();

      await schema.createTable('sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey().references('access_tokens.token_hash').onDelete('cascade'))
        .addColumn('workspace_id', 'text', (c) => c.notNull().defaultTo('production'))
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addCheckConstraint('sessions_workspace_id_check', sql`workspace_id in ('production', 'dev')`)
        .execute();

      await schema.createTable('permission_sets')
        .addColumn('id', 'integer', id)
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('built_in', 'boolean', flag)
        .addColumn('all_access', 'boolean', flag)
        .execute();
      await schema.createTable('permission_set_permissions')
        .addColumn('permission_set_id', 'integer', (c) => c.notNull().references('permission_sets.id').onDelete('cascade'))
        .addColumn('permission', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('permission_set_permissions_pk', ['permission_set_id', 'permission'])
        .execute();

      await schema.createTable('model_sets')
        .addColumn('id', 'integer', id)
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('built_in', 'boolean', flag)
        .addColumn('all_access', 'boolean', flag)
        .execute();
      await schema.createTable('model_set_models')
        .addColumn('model_set_id', 'integer', (c) => c.notNull().references('model_sets.id').onDelete('cascade'))
        .addColumn('model', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('model_set_models_pk', ['model_set_id', 'model'])
        .execute();

      await schema.createTable('roles')
        .addColumn('id', 'integer', id)
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('permission_set_id', 'integer', (c) => c.notNull().references('permission_sets.id'))
        .addColumn('model_set_id', 'integer', (c) => c.notNull().references('model_sets.id'))
        .execute();
      await schema.createTable('user_roles')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('role_id', 'integer', (c) => c.notNull().references('roles.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('user_roles_pk', ['user_id', 'role_id'])
        .execute();
      await schema.createIndex('user_roles_role_id').on('user_roles').column('role_id').execute();

      await schema.createTable('user_attributes')
        .addColumn('id', 'integer', id)
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('default_value', 'text')
        .addColumn('value_is_hidden', 'boolean', flag)
        .addColumn('user_can_view', 'boolean', (c) => c.notNull().defaultTo(true))
        .addColumn('user_can_edit', 'boolean', flag)
        .addColumn('hidden_value_domain_whitelist', 'text')
        .addColumn('is_system', 'boolean', flag)
        .addColumn('is_permanent', 'boolean', flag)
        .execute();
      await schema.createTable('user_attribute_values')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('user_attribute_id', 'integer', (c) => c.notNull().references('user_attributes.id').onDelete('cascade'))
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_attribute_values_pk', ['user_id', 'user_attribute_id'])
        .execute();
      await schema.createIndex('user_attribute_values_attribute')
        .on('user_attribute_values').column('user_attribute_id').execute();

      await schema.createTable('metadata')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();

      await seed(db, dialect);
    },
  };
}

async function seed(db: Kysely<SeedTables>, dialect: StoreDialect): Promise<void> {
  await db.insertInto('permission_sets').values(BUILT_IN_PERMISSION_SETS.map((set) => ({
    id: set.id, name: set.name, built_in: set.builtIn, all_access: set.allAccess,
  }))).execute();
  await db.insertInto('permission_set_permissions').values(BUILT_IN_PERMISSION_SETS.flatMap((set) =>
    set.permissions.map((permission) => ({ permission_set_id: set.id, permission })))).execute();
  await db.insertInto('model_sets').values(BUILT_IN_MODEL_SETS.map((set) => ({
    id: set.id, name: set.name, built_in: set.builtIn, all_access: set.allAccess,
  }))).execute();
  await db.insertInto('roles').values(BUILT_IN_ROLES.map((role) => ({
    id: role.id, name: role.name, permission_set_id: role.permissionSetId, model_set_id: role.modelSetId,
  }))).execute();
  await db.insertInto('user_attributes').values(SYSTEM_USER_ATTRIBUTES.map((attribute) => ({
    name: attribute.name, label: attribute.label, type: 'string', default_value: attribute.defaultValue,
    value_is_hidden: false, user_can_view: true, user_can_edit: false, is_system: true, is_permanent: true,
  }))).execute();
  if (dialect === 'postgres') {
    // Explicit ids do not advance identity sequences; move them past the seeded rows.
    for (const table of ['permission_sets', 'model_sets', 'roles'] as const) {
      await sql`select setval(pg_get_serial_sequence(${table}, 'id'), (select max(id) from ${sql.table(table)}))`
        .execute(db);
    }
  }
}

/** In-code provider: migrations ship inside the package, no files to find at run time. */
export function migrationProvider(dialect: StoreDialect): MigrationProvider {
  return {
    getMigrations: () => Promise.resolve({
      '0001_initial': initial(dialect),
      '0002_projects': projectsMigration(),
      '0003_connections_queries': connectionsAndQueriesMigration(dialect),
      '0004_query_tasks': queryTasksMigration(),
      '0005_content': contentMigration(dialect),
      '0006_browser_sessions': browserSessionsMigration(),
      '0007_embed': embedMigration(dialect),
      '0008_render': renderMigration(dialect),
      '0009_query_task_leases': queryTaskLeasesMigration(),
      '0010_login_failures': loginFailuresMigration(),
      '0012_render_elements': renderElementsMigration(),
      '0013_embed_more': embedMoreMigration(dialect),
      '0014_merge_queries': mergeQueriesMigration(dialect),
      '0015_group_roles': groupRolesMigration(),
      '0016_data_tests_required': dataTestsRequiredMigration(),
    }),
  };
}
