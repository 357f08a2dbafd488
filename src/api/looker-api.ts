/**
 * The composition of Overlook's Looker API: the store behind authentication and every route
 * plugin. `serve` and the end-to-end tests build the server through this one function.
 */
import { VersionedCache, hashToken, type Store, type TokenRecord } from '../store/index.ts';
import type { ApiDeps, RoutePlugin } from './app.ts';
import type { AuthContext } from './auth-context.ts';
import { ConnectionManager } from '../connections/manager.ts';
import { QueryRunner, type QueryRunnerOptions } from '../queries/runner.ts';
import { Workspaces } from '../workspaces/index.ts';
import { registerConnectionRoutes } from './routes/connections.ts';
import { registerDashboardRoutes } from './routes/dashboards.ts';
import { registerMergeQueryRoutes } from './routes/merge-queries.ts';
import { describeWith, registerQueryRoutes } from './routes/queries.ts';
import { registerQueryTaskRoutes } from './routes/query-tasks.ts';
import { registerSqlRunnerRoutes } from './routes/sql-runner.ts';
import { registerFolderRoutes } from './routes/folders.ts';
import { registerContentValidationRoutes } from './routes/content-validation.ts';
import { registerContentMetadataRoutes } from './routes/content-metadata.ts';
import { lookPresenter, registerLookRoutes } from './routes/looks.ts';
import { ContentAccess } from '../content/access.ts';
import { Folders } from '../content/folders.ts';
import { Looks } from '../content/looks.ts';
import { QueryTasks, type QueryTasksOptions } from '../queries/tasks.ts';
import { registerAuthRoutes, type AuthRouteOptions } from './routes/auth.ts';
import { registerGitRoutes } from './routes/git.ts';
import { registerIdeRoutes } from './routes/ide.ts';
import { registerLookmlModelRoutes } from './routes/lookml-models.ts';
import { registerLookmlTestRoutes } from './routes/lookml-tests.ts';
import { registerProjectRoutes } from './routes/projects.ts';
import { registerRoleRoutes } from './routes/roles.ts';
import { registerSessionRoutes } from './routes/session.ts';
import { registerUserRoutes } from './routes/users.ts';
import { registerUiRoutes, type UiRouteOptions } from './routes/ui.ts';
import { browserAuthenticator, type Grants } from './browser-session.ts';
import { embedServiceFor, registerEmbedRoutes } from './routes/embed.ts';
import { registerEmbedAdminRoutes } from './routes/embed-admin.ts';
import { embedFramingPolicy } from './routes/embed-frames.ts';
import { registerGroupRoutes } from './routes/groups.ts';
import { dataTestDeployGate } from '../content/deploy-gate.ts';
import { Renderer, envNumber, type RendererOptions } from '../render/renderer.ts';
import { registerRenderTaskRoutes } from './routes/render-tasks.ts';
import { Metrics, observability } from './observability.ts';

export interface LookerApiOptions extends AuthRouteOptions, UiRouteOptions {
  readonly publicUrl?: string;
  /** Where git mirrors and hosted project repositories live (the server's data dir). */
  readonly dataDir: string;
  /** Where projects created without a git remote get their repository; shared by every node of a cluster. */
  readonly hostedGitDir?: string;
  /** Per-user query concurrency, queue timeout, result cache. */
  readonly queries?: QueryRunnerOptions;
  /** How long a user's permissions are reused before the roles are read again (ms). */
  readonly permissionCacheMs?: number;
  /**
   * How long a token lookup is reused (ms). This node updates its entry on every workspace switch
   * and logout it performs, so the token that changed its workspace never sees a stale one here;
   * changes made through another node reach this one within this time. Default: 2000 on SQLite,
   * 0 (no cache) on PostgreSQL, where other nodes may share the tokens.
   */
  readonly tokenCacheMs?: number;
  /** Query task leases (default from OVERLOOK_QUERY_TASK_LEASE_SECONDS, 15 s). */
  readonly queryTasks?: QueryTasksOptions;
  /** Render tasks: browser path, concurrency, timeout, result lifetime (defaults from OVERLOOK_RENDER_* / OVERLOOK_CHROMIUM). */
  readonly render?: RendererOptions;
}

export interface LookerApi {
  readonly deps: ApiDeps;
  readonly workspaces: Workspaces;
  readonly drivers: ConnectionManager;
  readonly runner: QueryRunner;
  readonly plugins: RoutePlugin[];
  /** Takes this server's address from the listening socket; `renderer.setBaseUrl(url)` overrides it. */
  readonly renderer: Renderer;
  /** This app's Prometheus registry and the observers feeding it (served at /metrics). */
  readonly metrics: Metrics;
}

export function lookerApi(store: Store, options: LookerApiOptions): LookerApi {
  const metrics = new Metrics();
  const workspaces = new Workspaces(store, {
    dataDir: options.dataDir, onModelCacheLookup: metrics.modelCacheLookup, ...(options.hostedGitDir === undefined ? {} : { hostedGitDir: options.hostedGitDir }),
  });
  const drivers = new ConnectionManager();
  const runner = new QueryRunner(store, workspaces, drivers, { ...options.queries, observer: metrics });
  // Deploys of projects that require passing data tests run them through this node's query runner.
  workspaces.core.deployGate = dataTestDeployGate(runner, drivers);
  // Task results are stored for any node to serve, so their lookml_links use the configured public
  // URL (or stay host-relative, as Looker's are) rather than one request's host.
  const access = new ContentAccess(store);
  const folders = new Folders(store, access);
  const looks = new Looks(store, access);
  const presentLook = lookPresenter(store, folders, options.publicUrl);
  // OVERLOOK_QUERY_TASK_LEASE_SECONDS: how long a task of a node that stopped answering waits before
  // another node retries it (heartbeats every third of it).
  const leaseMs = envNumber('OVERLOOK_QUERY_TASK_LEASE_SECONDS', 15_000, 1000);
  const tasks = new QueryTasks(store, runner, describeWith(options.publicUrl?.replace(/\/+$/, '') ?? ''), options.queryTasks ?? { leaseMs, heartbeatMs: Math.max(100, Math.floor(leaseMs / 3)) });
  const renderer = new Renderer(store, workspaces, options.render ?? {});
  renderer.worker.onFinished = metrics.renderFinished;
  // Permissions change rarely and are not part of the per-token state, so a short cache saves two
  // queries per request. A role change anywhere bumps the `roles` version (other nodes hear it through
  // PostgreSQL NOTIFY), which empties it; `permissionCacheMs` bounds an entry's life should a
  // notification be lost.
  const permissionCache = new VersionedCache<Grants>(store.changes, ['roles'], { maxAgeMs: options.permissionCacheMs ?? 2000 });
  const grantsOf = (userId: string): Promise<Grants> => permissionCache.get(userId, async () => {
    const [permissions, models] = await Promise.all([store.roles.userPermissions(userId), store.roles.userModels(userId)]);
    return { permissions, ...(models === null ? {} : { models }) };
  });
  // A token's row carries its workspace, which PATCH /session on any node may change: with several
  // nodes on one PostgreSQL a cached row could answer from a workspace the DB already left, so there
  // every request reads it (one primary-key lookup). A SQLite store has exactly one process.
  const tokenTtl = options.tokenCacheMs ?? (store.dialect === 'postgres' ? 0 : 2000);
  /**
   * `auth` is the caller built from `rec` and `grants` (kept while the permission cache answers the
   * same grants object), so a cached token costs no allocation per request. Nothing mutates it.
   */
  interface TokenHit { readonly at: number; rec: TokenRecord; readonly expiresMs: number; grants?: Grants; auth?: AuthContext }
  const tokenCache = new Map<string, TokenHit>();
  const remember = (hash: string, at: number, rec: TokenRecord): void => {
    tokenCache.set(hash, { at, rec, expiresMs: Date.parse(rec.expires_at) });
  };
  // A token's SHA-256 is a pure function of it: tokens seen recently skip hashing (bounded, so
  // random junk tokens only churn it).
  const hashes = new Map<string, string>();
  const hashOf = (raw: string): string => {
    let hash = hashes.get(raw);
    if (hash === undefined) {
      hash = hashToken(raw);
      if (hashes.size >= 10_000) hashes.clear();
      hashes.set(raw, hash);
    }
    return hash;
  };
  const forget = (userId: string): void => {
    permissionCache.delete(userId);
    for (const [hash, hit] of tokenCache) if (hit.rec.user_id === userId) tokenCache.delete(hash);
  };
  const fetchToken = async (hash: string, now: number): Promise<TokenRecord | null> => {
    const rec = await store.tokens.findTokenByHash(hash);
    if (tokenCache.size > 50_000) tokenCache.clear();
    if (rec) remember(hash, now, rec);
    else tokenCache.delete(hash);
    return rec;
  };
  const authContext = (rec: TokenRecord, grants: Grants): AuthContext => ({
    userId: rec.user_id,
    tokenHash: rec.token_hash,
    ...(rec.sudo_user_id !== null ? { sudoUserId: rec.sudo_user_id } : {}),
    ...grants,
    workspaceId: rec.workspace_id,
  });

  const browsers = browserAuthenticator(store, grantsOf, tokenTtl);

  // Expired and revoked tokens and sessions are useless rows; sweep them hourly (any node may; idempotent).
  // Finished query tasks keep their results for OVERLOOK_QUERY_TASK_RESULT_TTL_SECONDS (default an hour).
  const taskResultTtlMs = envNumber('OVERLOOK_QUERY_TASK_RESULT_TTL_SECONDS', 3600_000, 1000);
  const sweeper = setInterval(() => {
    store.tokens.deleteDeadTokens().catch(() => undefined);
    store.browserSessions.deleteDead().catch(() => undefined);
    store.queryTasks.deleteTasksBefore(new Date(Date.now() - taskResultTtlMs).toISOString()).catch(() => undefined);
  }, Math.min(3600_000, taskResultTtlMs));
  sweeper.unref();

  const deps: ApiDeps = {
    // The token row carries its session's workspace: one query (or a cache hit kept in step by this
    // node's writes). Answered synchronously when both caches hold the caller.
    authenticate(raw): Promise<AuthContext | null> | AuthContext | null {
      const hash = hashOf(raw);
      const now = Date.now();
      const hit = tokenCache.get(hash);
      if (hit && now - hit.at < tokenTtl && hit.expiresMs > now) {
        const grants = permissionCache.peek(hit.rec.user_id);
        if (grants === undefined) return grantsOf(hit.rec.user_id).then((g) => authContext(hit.rec, g));
        if (hit.auth === undefined || hit.grants !== grants) {
          hit.grants = grants;
          hit.auth = authContext(hit.rec, grants);
        }
        return hit.auth;
      }
      return fetchToken(hash, now).then(async (rec) => (rec ? authContext(rec, await grantsOf(rec.user_id)) : null));
    },
    authenticateBrowser: (credentials) => browsers.authenticate(credentials),
    close: async () => {
      clearInterval(sweeper);
      tasks.close();
      await renderer.close();
      await workspaces.close();
      await drivers.close();
      await store.close();
    },
  };

  const embed = embedServiceFor(store, workspaces, { dataDir: options.dataDir });

  const plugins: RoutePlugin[] = [
    observability({ metrics, store, workspaces }),
    embedFramingPolicy(embed),
    (app) => {
      const ended = (hash: string): void => {
        tokenCache.delete(hash);
        browsers.forget(hash);
      };
      registerAuthRoutes(app, store, options, ended);
      registerUiRoutes(app, store, options, ended);
    },
    (app) => {
      registerSessionRoutes(app, store, {
        tokenWorkspaceChanged: (hash, workspaceId) => {
          const hit = tokenCache.get(hash);
          if (hit) {
            hit.rec = { ...hit.rec, workspace_id: workspaceId };
            hit.auth = undefined;
          }
        },
        uiDevModeChanged: (userId, dev) => {
          browsers.uiDevModeChanged(userId, dev);
        },
      });
    },
    (app) => {
      registerUserRoutes(app, store, options.publicUrl, forget);
    },
    (app) => {
      registerRoleRoutes(app, store, options.publicUrl);
      registerGroupRoutes(app, store, options.publicUrl);
    },
    (app) => {
      registerProjectRoutes(app, workspaces);
      registerGitRoutes(app, workspaces);
      registerIdeRoutes(app, workspaces);
      registerLookmlModelRoutes(app, workspaces, options.publicUrl);
    },
    (app) => {
      registerConnectionRoutes(app, store, drivers);
      registerQueryRoutes(app, store, runner, options.publicUrl);
      registerQueryTaskRoutes(app, store, tasks);
      registerSqlRunnerRoutes(app, store, workspaces, drivers, options.publicUrl);
      registerLookmlTestRoutes(app, workspaces, runner, drivers);
    },
    (app) => {
      registerDashboardRoutes(app, store, workspaces, runner, options.publicUrl);
      registerMergeQueryRoutes(app, store, workspaces, runner, options.publicUrl);
      registerRenderTaskRoutes(app, renderer);
    },
    (app) => {
      registerFolderRoutes(app, folders, looks, presentLook);
      registerLookRoutes(app, store, looks, presentLook, runner, options.publicUrl);
      registerContentValidationRoutes(app, store, workspaces, access);
      registerContentMetadataRoutes(app, store, access);
    },
    (app) => {
      registerEmbedRoutes(app, embed, {
        ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }), onUserChanged: forget,
        onSessionEnded: (hash) => {
          tokenCache.delete(hash);
          browsers.forget(hash);
        },
      });
      registerEmbedAdminRoutes(app, embed, options.publicUrl);
    },
  ];
  return { deps, workspaces, drivers, runner, plugins, renderer, metrics };
}
