/**
 * Child process for the concurrent-open test: waits until a shared start time (so every
 * child opens at once), opens the store (running migrations), reports, closes.
 * Usage: node --import tsx open-store.ts '<OpenStoreOptions JSON>' <startAtEpochMs>
 */
import { sql } from 'kysely';
import { openStore } from '../index.ts';
import type { OpenStoreOptions } from '../index.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as OpenStoreOptions;
const startAt = Number(process.argv[3] ?? 0);
await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
const store = await openStore(options);
const migrations = await sql<{ name: string }>`select name from overlook_migration order by name`.execute(store.db);
const roles = await store.roles.allRoles();
process.stdout.write(JSON.stringify({
  migrations: migrations.rows.map((row) => row.name),
  roles: roles.map((role) => role.name),
}));
await store.close();
