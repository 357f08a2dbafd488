/**
 * 0016: the project setting "Require data tests to pass before deploying to production" (Looker's
 * project settings page has it; its API does not, so Overlook's update_project takes it as
 * `data_tests_required`). Frozen once released.
 */
import type { Migration } from 'kysely';

type AnyKysely = Parameters<Migration['up']>[0];

export function dataTestsRequiredMigration(): Migration {
  return {
    async up(db: AnyKysely): Promise<void> {
      await db.schema.alterTable('projects').addColumn('data_tests_required', 'boolean', (c) => c.notNull().defaultTo(false)).execute();
    },
  };
}
