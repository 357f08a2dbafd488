/**
 * 0003: connections and query objects (issue 5). Frozen once released.
 *
 * - `connections`: Looker's DBConnection by name. The password is kept as given because the driver
 *   must send it to the database (it is never returned by the API); everything beyond the columns
 *   the drivers read is kept in `extra` (JSON) and echoed back.
 * - `queries`: immutable query objects, de-duplicated by a hash of their canonical content (Looker
 *   returns the same id/slug for the same query); `slug` is the short public handle.
 */
import type { ColumnDefinitionBuilder, Migration } from 'kysely';
import type { StoreDialect } from './migrations.ts';

type AnyKysely = Parameters<Migration['up']>[0];

export function connectionsAndQueriesMigration(dialect: StoreDialect): Migration {
  const id = (col: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    dialect === 'postgres' ? col.primaryKey().generatedByDefaultAsIdentity() : col.primaryKey().autoIncrement();
  return {
    async up(db: AnyKysely): Promise<void> {
      await db.schema.createTable('connections')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('dialect_name', 'text', (c) => c.notNull())
        .addColumn('host', 'text')
        .addColumn('port', 'text')
        .addColumn('database', 'text')
        .addColumn('username', 'text')
        .addColumn('password', 'text')
        .addColumn('schema', 'text')
        .addColumn('max_connections', 'integer')
        .addColumn('query_timezone', 'text')
        .addColumn('db_timezone', 'text')
        .addColumn('jdbc_additional_params', 'text')
        .addColumn('extra', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('user_id', 'integer')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema.createTable('queries')
        .addColumn('id', 'integer', id)
        .addColumn('slug', 'text', (c) => c.notNull().unique())
        .addColumn('content_hash', 'text', (c) => c.notNull().unique())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
