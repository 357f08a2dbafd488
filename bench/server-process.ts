/**
 * A benchmark server in its own process (bench/api-server.ts), so the load generator never shares
 * its event loop. It prints `LISTENING <url>` when ready and stops when its stdin closes.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { LISTENING_PREFIX } from './protocol.ts';

const SERVER_ENTRY = join(dirname(fileURLToPath(import.meta.url)), 'api-server.ts');
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

export interface ServerProcess {
  readonly url: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export function startServer(args: readonly string[], env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  // OVERLOOK_BENCH_SERVER_FLAGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles the server side only.
  const extra = (process.env.OVERLOOK_BENCH_SERVER_FLAGS ?? '').split(' ').filter((f) => f !== '');
  const child = spawn(process.execPath, [...process.execArgv, ...extra, SERVER_ENTRY, ...args], { stdio: ['pipe', 'pipe', 'inherit'], env });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    // Closing stdin asks for a graceful close; a server stuck in it is killed.
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`the ${args[0] ?? ''} server did not start within ${START_TIMEOUT_MS / 1000} s`));
      void stop();
    }, START_TIMEOUT_MS);
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith(LISTENING_PREFIX)) return;
      clearTimeout(timer);
      resolve({ url: line.slice(LISTENING_PREFIX.length), pid: child.pid, stop });
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the ${args[0] ?? ''} server exited before listening (${String(code ?? signal)})`));
    });
  });
}
