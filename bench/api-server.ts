/**
 * The server side of the API benchmark, in a process of its own so that the load generator
 * (autocannon, in the task process) never shares the server's event loop:
 *
 *   node --import tsx bench/api-server.ts overlook <data-dir>   `overlook serve` on the SQLite store
 *   node --import tsx bench/api-server.ts bare [sql-json]        Fastify with no plugins, two routes
 *                                                                (and `POST /bare/sql`, answers from the file)
 *   node --import tsx bench/api-server.ts duckdb <file>          Fastify with `POST /bare/rows`: runs the
 *                                                                body's SQL on the DuckDB file, answers JSON rows
 *
 * The admin's API3 credentials come from OVERLOOK_ADMIN_CLIENT_ID / _SECRET in the environment.
 * Prints `LISTENING <url>` once ready and serves until its stdin closes, so it never outlives the
 * task that started it, even when that task crashes.
 */
import { readFileSync } from 'node:fs';
import { DuckDBInstance, type DuckDBMaterializedResult, type DuckDBPreparedStatement } from '@duckdb/node-api';
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

/** Rows of a materialized result, numbers as numbers (the bench's columns are integers and doubles). */
function plainRows(result: DuckDBMaterializedResult): Record<string, unknown>[] {
  const columns = result.columnNames();
  const rows: Record<string, unknown>[] = [];
  for (let c = 0; c < result.chunkCount; c++) {
    const chunk = result.getChunk(c);
    const base = rows.length;
    for (let r = 0; r < chunk.rowCount; r++) rows.push({});
    columns.forEach((name, col) => {
      const vector = chunk.getColumnVector(col);
      for (let r = 0; r < chunk.rowCount; r++) {
        const v = vector.getItem(r);
        rows[base + r]![name] = typeof v === 'bigint' ? Number(v) : v;
      }
    });
  }
  return rows;
}

/**
 * The floor of any server answering a query over HTTP with JSON: the same SQL on the same DuckDB
 * file as a kept prepared statement, the rows as JSON text, nothing else (no auth, no model, no cache).
 */
async function startDuckdbBare(file: string): Promise<Running> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY', autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const conn = await instance.connect();
  await conn.run(`SET TimeZone = 'UTC'`);
  const statements = new Map<string, DuckDBPreparedStatement>();
  const app = Fastify({ logger: false });
  app.post<{ Body: { sql?: unknown } | null }>('/bare/rows', async (request, reply) => {
    const sql = request.body?.sql;
    if (typeof sql !== 'string') return reply.code(422).send({ message: 'sql must be a string' });
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = await conn.prepare(sql);
      statements.set(sql, statement);
    }
    const rows = plainRows(await statement.run());
    return reply.header('content-type', 'application/json').send(JSON.stringify(rows));
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    close: async () => {
      await app.close();
      conn.closeSync();
      instance.closeSync();
    },
  };
}

async function startOverlook(dataDir: string): Promise<Running> {
  const env = process.env;
  return serve({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    // PostgreSQL metadata when the task asks for it (the isolation soak runs on both stores).
    ...(env.OVERLOOK_DATABASE_URL ? { databaseUrl: env.OVERLOOK_DATABASE_URL } : {}),
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
} else if (kind === 'duckdb' && arg !== undefined) {
  server = await startDuckdbBare(arg);
} else if (kind === 'overlook' && arg !== undefined) {
  server = await startOverlook(arg);
} else {
  process.stderr.write('usage: api-server.ts overlook <data-dir> | bare [sql-json] | duckdb <file>\n');
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
