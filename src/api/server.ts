// Listening server with graceful shutdown: on close (or SIGTERM/SIGINT) stop accepting connections,
// let in-flight requests finish (Fastify close()), then release the dependencies (DB pools).
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { ApiDeps, AppOptions } from './app.ts';

export interface StartServerOptions extends AppOptions {
  port: number;
  /** Default 127.0.0.1; pass 0.0.0.0 / :: to listen on all interfaces. */
  host?: string;
  deps: ApiDeps;
  /** Install SIGTERM/SIGINT handlers that close gracefully (default true). */
  handleSignals?: boolean;
}

export interface RunningServer {
  /** e.g. `http://127.0.0.1:43117` (`https://` with TLS) — the SDK's base_url (no `/api/4.0`). */
  url: string;
  app: FastifyInstance;
  /** Idempotent; resolves once requests have drained and `deps.close` has finished. */
  close(): Promise<void>;
}

function urlFor(address: AddressInfo, scheme: 'http' | 'https'): string {
  const host = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { port, host = '127.0.0.1', deps, handleSignals = true, ...appOptions } = options;
  const app = buildApp(deps, appOptions);
  await app.listen({ port, host });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('server is not listening on a TCP port');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      try {
        await app.close();
      } finally {
        await deps.close?.();
      }
    })();
    return closing;
  };
  function onSignal(signal: NodeJS.Signals): void {
    if (closing !== undefined) {
      // A second signal while draining: the operator wants out now.
      app.log.warn({ signal }, 'forced exit during shutdown');
      process.exit(1);
    }
    app.log.info({ signal }, 'shutting down');
    close().catch((err: unknown) => {
      app.log.error({ err }, 'shutdown failed');
      process.exitCode = 1;
    });
  }
  if (handleSignals) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  return { url: urlFor(address, appOptions.https === undefined ? 'http' : 'https'), app, close };
}
