/**
 * 0007: embedding (issue 9): embed secrets (encrypted), used nonces of signed URLs, embed users'
 * credentials, the embed domain allowlist, cookieless embed sessions and their short-lived tokens.
 * Frozen once released. Typed in `src/embed/tables.ts` (only `src/embed` uses these tables).
 */
import type { ColumnDefinitionBuilder, Migration } from 'kysely';
import type { StoreDialect } from './migrations.ts';

type AnyKysely = Parameters<Migration['up']>[0];

export function embedMigration(dialect: StoreDialect): Migration {
  const id = (col: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    dialect === 'postgres' ? col.primaryKey().generatedByDefaultAsIdentity() : col.primaryKey().autoIncrement();
  return {
    async up(db: AnyKysely): Promise<void> {
      const s = db.schema;
      await s.createTable('embed_secrets')
        .addColumn('id', 'integer', id)
        .addColumn('secret_ciphertext', 'text', (c) => c.notNull())
        .addColumn('algorithm', 'text', (c) => c.notNull())
        .addColumn('secret_type', 'text', (c) => c.notNull())
        .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
        .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await s.createTable('embed_nonces')
        .addColumn('nonce_hash', 'text', (c) => c.primaryKey())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await s.createIndex('embed_nonces_expires_at').on('embed_nonces').column('expires_at').execute();

      await s.createTable('embed_credentials')
        .addColumn('id', 'integer', id)
        .addColumn('user_id', 'integer', (c) => c.notNull().unique().references('users.id').onDelete('cascade'))
        .addColumn('external_user_id', 'text', (c) => c.notNull().unique())
        .addColumn('external_group_id', 'text')
        .addColumn('permissions', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('models', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('user_timezone', 'text')
        .addColumn('is_disabled', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('logged_in_at', 'text')
        .execute();

      await s.createTable('embed_domains')
        .addColumn('domain', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await s.createTable('embed_cookieless_sessions')
        .addColumn('id', 'integer', id)
        .addColumn('reference_hash', 'text', (c) => c.notNull().unique())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('user_agent_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute();
      await s.createIndex('embed_cookieless_sessions_user').on('embed_cookieless_sessions').column('user_id').execute();

      await s.createTable('embed_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('session_id', 'integer', (c) => c.references('embed_cookieless_sessions.id').onDelete('cascade'))
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('session_length', 'integer')
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .execute();
      await s.createIndex('embed_tokens_session').on('embed_tokens').column('session_id').execute();
      await s.createIndex('embed_tokens_expires_at').on('embed_tokens').column('expires_at').execute();
    },
  };
}
