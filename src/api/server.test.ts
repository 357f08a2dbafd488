// Graceful shutdown: in-flight requests finish, new connections are refused, deps close last.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { registerLookerRoute } from './route.ts';
import { startServer } from './server.ts';
import { fakeDeps } from './test-support.ts';

describe('startServer', () => {
  it('close() lets an in-flight request finish, refuses new connections, then closes deps', async () => {
    const deps = fakeDeps();
    const token = deps.issue('1');
    const events: string[] = [];
    let release = (): void => undefined;
    let entered = (): void => undefined;
    const handlerEntered = new Promise<void>((resolve) => { entered = resolve; });
    const server = await startServer({
      port: 0,
      handleSignals: false,
      deps: { authenticate: (t) => deps.authenticate(t), close: () => { events.push('deps closed'); } },
      plugins: [
        (api) => {
          registerLookerRoute(api, {
            operationId: 'me',
            handler: async () => {
              entered();
              await new Promise<void>((resolve) => { release = resolve; });
              events.push('handler done');
              return { id: '1' };
            },
          });
        },
      ],
    });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const inflight = fetch(`${server.url}/api/4.0/user`, { headers: { authorization: `token ${token}` } });
    await handlerEntered;
    const closing = server.close();
    expect(server.close()).toBe(closing);
    await expect(fetch(`${server.url}/api/4.0/versions`)).rejects.toThrow('fetch failed');
    release();
    const res = await inflight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: '1' });
    await closing;
    expect(events).toEqual(['handler done', 'deps closed']);
  });

  it('SIGTERM drains the in-flight request, closes deps and exits 0', async () => {
    const script = fileURLToPath(new URL('./test-fixtures/slow-server.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, SLOW_MS: '400' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let onLine = (): void => undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      lines.push(...chunk.split('\n').filter((l) => l !== ''));
      onLine();
    });
    const waitFor = (pred: (l: string) => boolean): Promise<string> =>
      new Promise((resolve) => {
        const check = (): void => {
          const hit = lines.find(pred);
          if (hit !== undefined) resolve(hit);
        };
        onLine = check;
        check();
      });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const { url, token } = JSON.parse(await waitFor((l) => l.startsWith('{'))) as { url: string; token: string };
      const inflight = fetch(`${url}/api/4.0/user`, { headers: { authorization: `token ${token}` } });
      await waitFor((l) => l === 'handler started');
      child.kill('SIGTERM');
      const res = await inflight;
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ id: '1' });
      expect(await exited).toBe(0);
      expect(lines.slice(1)).toEqual(['handler started', 'deps closed']);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('answers malformed HTTP in Looker shape', async () => {
    const server = await startServer({ port: 0, handleSignals: false, deps: fakeDeps() });
    const { port } = new URL(server.url);
    const raw = (request: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.end(request));
        let text = '';
        socket.setEncoding('utf8').on('data', (d: string) => { text += d; }).on('end', () => { resolve(text); }).on('error', reject);
      });
    try {
      const garbage = await raw('NOT HTTP AT ALL\r\n\r\n');
      expect(garbage).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(garbage).toContain('Content-Type: application/json; charset=utf-8');
      expect(garbage.split('\r\n\r\n')[1]).toBe('{"message":"Malformed HTTP request.","documentation_url":"https://cloud.google.com/looker/docs/r/err/4.0/400"}');
      const huge = await raw(`GET /api/4.0/versions HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      expect(huge).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    } finally {
      await server.close();
    }
  });
});
