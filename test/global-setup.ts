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
  // A directory and port per run, so concurrent runs on one machine never share a server.
  const env = {
    ...process.env,
    PGTEST_PORT: process.env.PGTEST_PORT ?? String(54329 + (process.pid % 500)),
    PGTEST_DIR: process.env.PGTEST_DIR ?? `/tmp/overlook-pgtest-${process.pid}`,
  };
  const url = execFileSync(script, ['start'], { env, encoding: 'utf8' }).trim();
  process.env.PGTEST_PORT = env.PGTEST_PORT;
  process.env.PGTEST_DIR = env.PGTEST_DIR;
  process.env.OVERLOOK_TEST_PG_URL = url;
  started = true;
}

export function teardown(): void {
  if (started) execFileSync(script, ['stop'], { env: process.env, stdio: 'inherit' });
}
