/**
 * 0014: merge queries (Looker's merged results, `create_merge_query`). Frozen once released.
 *
 * Like query objects they are immutable and de-duplicated by a hash of their canonical content.
 * `id` is Looker's public handle (a 22-character base62 string, as in `/merge?mid=…`); `seq` is
 * the row's integer key, published as `result_maker_id`. Typed in `src/queries/merge-store.ts`.
 */
import type { ColumnDefinitionBuilder, Migration } from 'kysely';
import type { StoreDialect } from './migrations.ts';

type AnyKysely = Parameters<Migration['up']>[0];

export function mergeQueriesMigration(dialect: StoreDialect): Migration {
  const seq = (col: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    dialect === 'postgres' ? col.primaryKey().generatedByDefaultAsIdentity() : col.primaryKey().autoIncrement();
  return {
    async up(db: AnyKysely): Promise<void> {
      await db.schema.createTable('merge_queries')
        .addColumn('seq', 'integer', seq)
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('content_hash', 'text', (c) => c.notNull().unique())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
