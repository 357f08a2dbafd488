/**
 * 0006: browser sessions (issue 7): the cookie sessions of the web UI, the renderer and embed
 * frames. Frozen once released.
 *
 * Separate from API tokens on purpose: a browser session's workspace is not its own row but the
 * user's sticky UI dev mode (`users.ui_dev_mode`, kind `ui`) or pinned to production (kinds
 * `render` and `embed`), so no browser action can move an API token's workspace or vice versa.
 */
import { sql, type Migration } from 'kysely';

type AnyKysely = Parameters<Migration['up']>[0];

export function browserSessionsMigration(): Migration {
  return {
    async up(db: AnyKysely): Promise<void> {
      await db.schema.createTable('browser_sessions')
        .addColumn('session_hash', 'text', (c) => c.primaryKey())
        .addColumn('csrf_hash', 'text', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('user_agent_hash', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .addCheckConstraint('browser_sessions_kind_check', sql`kind in ('ui', 'render', 'embed')`)
        .execute();
      await db.schema.createIndex('browser_sessions_user').on('browser_sessions').column('user_id').execute();
    },
  };
}
