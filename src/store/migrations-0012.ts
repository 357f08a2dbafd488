/**
 * 0012: render tasks of one dashboard element, and each task's status history (issue 8).
 * Frozen once released.
 *
 * `dashboard_element_id` is the fifth kind of render target (create_dashboard_element_render_task);
 * `status_history` keeps every status a task went through with its time (one `<iso> <status>` line
 * each), so where a render spent its time stays visible after it finished.
 */
import type { Migration } from 'kysely';

type AnyKysely = Parameters<Migration['up']>[0];

export function renderElementsMigration(): Migration {
  return {
    async up(db: AnyKysely): Promise<void> {
      await db.schema.alterTable('render_tasks').addColumn('dashboard_element_id', 'text').execute();
      await db.schema.alterTable('render_tasks').addColumn('status_history', 'text').execute();
    },
  };
}
