/**
 * The server side of the API benchmark, in a process of its own so that the load generator
 * (autocannon, in the task process) never shares the server's event loop:
 *
 *   node --import tsx bench/api-server.ts overlook <data-dir>   `overlook serve` on the SQLite store
 *   node --import tsx bench/api-server.ts bare [sql-json]        Fastify with no plugins, two routes
 *                                                                (and `POST /bare/sql`, answers from the file)
 *
 * The admin's API3 credentials come from OVERLOOK_ADMIN_CLIENT_ID / _SECRET in the environment.
 * Prints `LISTENING <url>` once ready and serves until its stdin closes, so it never outlives the
 * task that started it, even when that task crashes.
 */
import { readFileSync } from 'node:fs';
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

async function startBare(sqlFile: string | undefined): Promise<Running> {
  const app = Fastify({ logger: false });
  if (sqlFile !== undefined) {
    // The counterpart of `POST /queries/run/sql`: parse the same JSON body, answer the same text
    // (the file maps each query's explore to the SQL Overlook answered for it).
    const texts = new Map(Object.entries(JSON.parse(readFileSync(sqlFile, 'utf8')) as Record<string, string>));
    app.post<{ Body: { view?: unknown } | null }>('/bare/sql', async (request, reply) => {
      const view = request.body?.view;
      const sql = typeof view === 'string' ? texts.get(view) : undefined;
      if (sql === undefined) return reply.code(422).send({ message: 'unknown query' });
      return reply.header('content-type', 'application/sql').send(sql);
    });
  }
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

const [kind, arg] = process.argv.slice(2);
let server: Running;
if (kind === 'bare') {
  server = await startBare(arg);
} else if (kind === 'overlook' && arg !== undefined) {
  server = await startOverlook(arg);
} else {
  process.stderr.write('usage: api-server.ts overlook <data-dir> | bare [sql-json]\n');
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
