/**
 * `overlook serve`: the Looker API 4.0 server on one port, with the metadata store in the data
 * dir (SQLite) or in PostgreSQL (OVERLOOK_DATABASE_URL). First start creates the admin.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { lookerApi, type LookerApiOptions } from '../api/looker-api.ts';
import { startServer, type RunningServer } from '../api/server.ts';
import { findWebRoot } from '../api/web-ui.ts';
import { bootstrapAdmin, type BootstrapEnv } from '../auth/bootstrap.ts';
import { openStore } from '../store/index.ts';
import { installDemo } from './demo-install.ts';

export interface ServeOptions {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl?: string;
  readonly publicUrl?: string;
  readonly logger?: boolean;
  readonly handleSignals?: boolean;
  /** Install the demo connection and project (deployed) if missing. */
  readonly demo?: boolean;
  /** OVERLOOK_ADMIN_* values for the first start (default: the process environment). */
  readonly adminEnv?: BootstrapEnv;
  /** Extra API options (token lifetime, login throttling) — for tests and tuning. */
  readonly api?: Omit<LookerApiOptions, 'dataDir'>;
  /** The built web UI to serve (default: web/dist of the package). */
  readonly webRoot?: string;
  /** Serve HTTPS with this PEM certificate and key (contents, not paths). */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** Where to print what the operator must know (admin credentials on first start). */
  readonly log?: (line: string) => void;
}

export async function serve(options: ServeOptions): Promise<RunningServer> {
  const log = options.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const store = await openStore({ dataDir, ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}) });
  try {
    const api = lookerApi(store, { ...options.api, dataDir, ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}) });
    const web = findWebRoot(options.webRoot);
    if ('missing' in web) log(`${web.missing} Serving the API only.`);
    const server = await startServer({
      port: options.port, host: options.host, deps: api.deps, plugins: api.plugins,
      ...(options.tls ? { https: { cert: options.tls.cert, key: options.tls.key } } : {}),
      ...('root' in web ? { webRoot: web.root } : {}),
      logger: options.logger ?? false, handleSignals: options.handleSignals ?? true,
      ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    });
    const base = options.publicUrl ?? server.url;
    const boot = await bootstrapAdmin(store, dataDir, base, options.adminEnv ?? process.env);
    log(`Overlook is listening on ${server.url} (web UI at ${server.url}/, API at ${server.url}/api/4.0, metadata in ${options.databaseUrl ? 'PostgreSQL' : dataDir})`);
    if (boot.created) {
      log('First start: created the admin user.');
      log(`  email:         ${boot.email}${boot.generatedPassword ? `\n  password:      ${boot.generatedPassword}` : ''}`);
      log(`  client_id:     ${boot.clientId}${boot.generatedClientSecret ? `\n  client_secret: ${boot.generatedClientSecret}` : ''}`);
      log(`  SDK settings written to ${boot.iniPath} (shown only this once; keep it private).`);
    }
    if (options.demo === true) {
      try {
        await installDemo(store, api.workspaces, dataDir, log);
      } catch (error) {
        await server.close();
        throw error;
      }
    }
    return server;
  } catch (e) {
    await store.close();
    throw e;
  }
}
