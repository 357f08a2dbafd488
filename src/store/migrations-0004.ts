/**
 * 0004: async query tasks and SQL Runner queries (issue 5). Frozen once released.
 *
 * - `query_tasks`: one row per `create_query_task`, so any node can answer `query_task`,
 *   `query_task_results` and `multi_results`; the node that took the task runs it (`node_id`) and
 *   writes the formatted result (`result`, `content_type`) when done. `kill_requested` lets another
 *   node ask the running node to cancel.
 * - `sql_queries`: SQL Runner queries by slug (raw SQL on a named connection).
 */
import type { Migration } from 'kysely';

type AnyKysely = Parameters<Migration['up']>[0];

export function queryTasksMigration(): Migration {
  return {
    async up(db: AnyKysely): Promise<void> {
      await db.schema.createTable('query_tasks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('query_id', 'integer', (c) => c.notNull())
        .addColumn('result_format', 'text', (c) => c.notNull())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('options', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('source', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('node_id', 'text', (c) => c.notNull())
        .addColumn('kill_requested', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('sql', 'text')
        .addColumn('connection_name', 'text')
        .addColumn('dialect', 'text')
        .addColumn('result', 'text')
        .addColumn('content_type', 'text')
        .addColumn('message', 'text')
        .addColumn('runtime', 'double precision')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('completed_at', 'text')
        .execute();
      await db.schema.createIndex('query_tasks_status').on('query_tasks').columns(['status', 'node_id']).execute();
      await db.schema.createIndex('query_tasks_created_at').on('query_tasks').column('created_at').execute();

      await db.schema.createTable('sql_queries')
        .addColumn('slug', 'text', (c) => c.primaryKey())
        .addColumn('connection_name', 'text', (c) => c.notNull())
        .addColumn('model_name', 'text')
        .addColumn('sql', 'text', (c) => c.notNull())
        .addColumn('vis_config', 'text')
        .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('run_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_run_at', 'text')
        .addColumn('last_runtime', 'double precision')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
