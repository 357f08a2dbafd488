/**
 * 0008: render tables (issue 8). Frozen once released.
 *
 * `render_tasks` is the queue every node takes jobs from (status + lease); `render_results` holds
 * the finished bytes apart, so polling a task's status never reads a PDF. Both go when the task is
 * deleted (cascade), when its results expire, or with their user.
 */
import { sql, type Migration } from 'kysely';
import type { StoreDialect } from './migrations.ts';

type AnyKysely = Parameters<Migration['up']>[0];

export function renderMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: AnyKysely): Promise<void> {
      const s = db.schema;
      await s.createTable('render_tasks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('result_format', 'text', (c) => c.notNull())
        .addColumn('width', 'integer', (c) => c.notNull())
        .addColumn('height', 'integer', (c) => c.notNull())
        .addColumn('dashboard_id', 'text')
        .addColumn('lookml_dashboard_id', 'text')
        .addColumn('look_id', 'text')
        .addColumn('query_id', 'text')
        .addColumn('options', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('status_detail', 'text')
        .addColumn('node_id', 'text')
        .addColumn('lease_until', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('commits', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('finalized_at', 'text')
        .addColumn('query_runtime', 'double precision')
        .addColumn('render_runtime', 'double precision')
        .addColumn('runtime', 'double precision')
        .addCheckConstraint('render_tasks_status_check',
          sql`status in ('enqueued_for_query', 'querying', 'enqueued_for_render', 'rendering', 'success', 'failure')`)
        .addCheckConstraint('render_tasks_format_check', sql`result_format in ('pdf', 'png', 'jpg')`)
        .execute();
      // The claim query: oldest waiting task first, and expired leases of active ones.
      await s.createIndex('render_tasks_queue').on('render_tasks').columns(['status', 'created_at']).execute();
      await s.createIndex('render_tasks_user').on('render_tasks').column('user_id').execute();

      await s.createTable('render_results')
        .addColumn('task_id', 'text', (c) => c.primaryKey().references('render_tasks.id').onDelete('cascade'))
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('bytes', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
