/**
 * 0010: failed logins (issue 10). Throttling counts live in the metadata DB so every node of a
 * cluster sees the same failures: spreading guesses over nodes buys an attacker nothing.
 * Frozen once released.
 */
import type { Migration } from 'kysely';

type AnyKysely = Parameters<Migration['up']>[0];

export function loginFailuresMigration(): Migration {
  return {
    async up(db: AnyKysely): Promise<void> {
      await db.schema.createTable('login_failures')
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('login_failures_key_at').on('login_failures').columns(['key', 'at']).execute();
      // Pruning drops every key's old rows at once.
      await db.schema.createIndex('login_failures_at').on('login_failures').column('at').execute();
    },
  };
}
