/** PostgreSQL for the bench tasks that need one (the cluster, the isolation soak on PostgreSQL metadata). */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PG_SCRIPT = fileURLToPath(new URL('../scripts/pg-test.sh', import.meta.url));

/**
 * A throwaway PostgreSQL (scripts/pg-test.sh) on a port and folder of this process's own, or the one
 * OVERLOOK_TEST_PG_URL names (then left running).
 */
export function startPostgres(): { url: string; stop: () => void } {
  const given = process.env.OVERLOOK_TEST_PG_URL;
  if (given !== undefined) return { url: given, stop: () => undefined };
  const env = { ...process.env, PGTEST_PORT: String(55329 + (process.pid % 500)), PGTEST_DIR: `/tmp/overlook-pgbench-${process.pid}` };
  const url = execFileSync(PG_SCRIPT, ['start'], { env, encoding: 'utf8' }).trim();
  return { url, stop: () => { execFileSync(PG_SCRIPT, ['stop'], { env, stdio: 'ignore' }); } };
}
