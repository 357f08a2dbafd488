/**
 * Starts one throwaway PostgreSQL for the whole test run (unless OVERLOOK_TEST_PG_URL
 * points at one) and stops it afterwards. Tests read the URL from the environment.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../scripts/pg-test.sh', import.meta.url));
let started = false;

export function setup(): void {
  if (process.env.OVERLOOK_TEST_PG_URL) return;
  const env = { ...process.env, PGTEST_PORT: process.env.PGTEST_PORT ?? String(54329 + (process.pid % 500)) };
  const url = execFileSync(script, ['start'], { env, encoding: 'utf8' }).trim();
  process.env.PGTEST_PORT = env.PGTEST_PORT;
  process.env.OVERLOOK_TEST_PG_URL = url;
  started = true;
}

export function teardown(): void {
  if (started) execFileSync(script, ['stop'], { env: process.env, stdio: 'inherit' });
}
