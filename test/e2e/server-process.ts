/**
 * The real `overlook serve` as a child process: what crash and cluster tests kill with SIGKILL and
 * start again. Each process has its own port and data dir; `env` adds OVERLOOK_* settings (e.g.
 * OVERLOOK_DATABASE_URL to share one PostgreSQL between several of them).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/overlook.js', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => { resolve(port); });
    });
  });
}

export class ServerProcess {
  child: ChildProcess | null = null;
  /** Everything the server printed, for failure messages. */
  output = '';
  readonly url: string;
  readonly dataDir: string;
  readonly #port: number;
  readonly #env: Readonly<Record<string, string>>;
  readonly #args: readonly string[];

  constructor(dataDir: string, port: number, env: Readonly<Record<string, string>>, args: readonly string[] = []) {
    this.dataDir = dataDir;
    this.#port = port;
    this.#env = env;
    this.#args = args;
    this.url = `http://127.0.0.1:${port}`;
  }

  static async create(dataDir: string, env: Readonly<Record<string, string>>, args: readonly string[] = []): Promise<ServerProcess> {
    return new ServerProcess(dataDir, await freePort(), env, args);
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', String(this.#port), '--host', '127.0.0.1', '--data-dir', this.dataDir, '--log', ...this.#args], {
      env: { ...process.env, ...this.#env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => { reject(new Error(`server did not start: ${out}`)); }, 120_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString('utf8');
        this.output += c.toString('utf8');
        if (out.includes('is listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.stderr.on('data', (c: Buffer) => {
        out += c.toString('utf8');
        this.output += c.toString('utf8');
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${String(code)}: ${out}`));
      });
    });
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null;
  }

  /** SIGKILL: no shutdown hooks, no lease release; what a crashed machine looks like to the others. */
  async kill(): Promise<void> {
    await this.#stop('SIGKILL');
  }

  /** SIGTERM: the server's own graceful shutdown. */
  async stop(): Promise<void> {
    await this.#stop('SIGTERM');
  }

  async #stop(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => { resolve(); });
      child.kill(signal);
    });
  }
}
