/**
 * 0009: leases on query tasks (issue 10). Frozen once released.
 *
 * A node holds a task it runs until `lease_until` and extends that while it runs; a task whose
 * lease ran out belonged to a node that died, and another node takes it again (`attempts` counts
 * the takes, bounded by the nodes' maxAttempts). An `added` task with no lease is a deferred one
 * nobody has asked results of yet.
 */
import type { Migration } from 'kysely';

type AnyKysely = Parameters<Migration['up']>[0];

export function queryTaskLeasesMigration(): Migration {
  return {
    async up(db: AnyKysely): Promise<void> {
      await db.schema.alterTable('query_tasks').addColumn('lease_until', 'text').execute();
      await db.schema.alterTable('query_tasks').addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      // Every node looks for active tasks with lapsed leases about once a second.
      await db.schema.createIndex('query_tasks_lease').on('query_tasks').columns(['status', 'lease_until']).execute();
    },
  };
}
