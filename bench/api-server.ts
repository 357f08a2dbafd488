/**
 * The server side of the API benchmark, in a process of its own so that the load generator
 * (autocannon, in the task process) never shares the server's event loop:
 *
 *   node --import tsx bench/api-server.ts overlook <data-dir>   `overlook serve` on the SQLite store
 *   node --import tsx bench/api-server.ts bare                   Fastify with no plugins, two routes
 *
 * The admin's API3 credentials come from OVERLOOK_ADMIN_CLIENT_ID / _SECRET in the environment.
 * Prints `LISTENING <url>` once ready and serves until its stdin closes, so it never outlives the
 * task that started it, even when that task crashes.
 */
import Fastify from 'fastify';
import { serve } from '../src/cli/serve.ts';
import { LISTENING_PREFIX } from './protocol.ts';

interface Running {
  readonly url: string;
  close(): Promise<void>;
}

/** Same shape and bytes as Overlook's `GET /session` answer for the admin's token. */
function sessionBody(workspaceId: string): { can: Record<string, boolean>; workspace_id: string; sudo_user_id: null } {
  return { can: { view: true, update: true }, workspace_id: workspaceId, sudo_user_id: null };
}

async function startBare(): Promise<Running> {
  const app = Fastify({ logger: false });
  app.get('/bare', () => sessionBody('production'));
  app.patch<{ Body: { workspace_id?: unknown } }>('/bare', async (request, reply) => {
    const ws = request.body.workspace_id;
    if (typeof ws !== 'string') return reply.code(422).send({ message: 'workspace_id must be a string' });
    return sessionBody(ws);
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

async function startOverlook(dataDir: string): Promise<Running> {
  const env = process.env;
  return serve({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    adminEnv: {
      OVERLOOK_ADMIN_EMAIL: 'bench@example.com',
      ...(env.OVERLOOK_ADMIN_CLIENT_ID ? { OVERLOOK_ADMIN_CLIENT_ID: env.OVERLOOK_ADMIN_CLIENT_ID } : {}),
      ...(env.OVERLOOK_ADMIN_CLIENT_SECRET ? { OVERLOOK_ADMIN_CLIENT_SECRET: env.OVERLOOK_ADMIN_CLIENT_SECRET } : {}),
    },
    handleSignals: false,
    log: () => undefined,
  });
}

const [kind, dataDir] = process.argv.slice(2);
let server: Running;
if (kind === 'bare') {
  server = await startBare();
} else if (kind === 'overlook' && dataDir !== undefined) {
  server = await startOverlook(dataDir);
} else {
  process.stderr.write('usage: api-server.ts overlook <data-dir> | bare\n');
  process.exit(2);
}
process.stdin.resume();
process.stdin.on('end', () => {
  server.close().then(() => process.exit(0), (error: unknown) => {
    process.stderr.write(`[api-server] close failed: ${String(error)}\n`);
    process.exit(1);
  });
});
process.stdout.write(`${LISTENING_PREFIX}${server.url}\n`);
