/**
 * The metadata store: `openStore()` opens and migrates the DB and returns typed repositories
 * that take and return plain data (see `types.ts`). Errors the caller can act on are
 * `StoreError`s (`code`: not_found | conflict | invalid, plus the offending `field`).
 */
import type { Kysely } from 'kysely';
import { attributesRepository } from './attributes.ts';
import type { AttributesRepository } from './attributes.ts';
import type { StoreContext } from './context.ts';
import { withPendingChanges } from './context.ts';
import { StoreChanges } from './changes.ts';
import { shareChanges } from './notify.ts';
import { browserSessionsRepository } from './browser-sessions.ts';
import type { BrowserSessionsRepository } from './browser-sessions.ts';
import { credentialsRepository } from './credentials.ts';
import type { CredentialsRepository } from './credentials.ts';
import type { StoreDialect } from './migrations.ts';
import { openDatabase } from './open.ts';
import type { OpenStoreOptions } from './open.ts';
import { connectionsRepository } from './connections.ts';
import type { ConnectionsRepository } from './connections.ts';
import { dashboardsRepository } from './dashboards.ts';
import type { DashboardsRepository } from './dashboards.ts';
import { foldersRepository } from './folders.ts';
import type { FoldersRepository } from './folders.ts';
import { groupsRepository } from './groups.ts';
import type { GroupsRepository } from './groups.ts';
import { projectsRepository } from './projects.ts';
import type { ProjectsRepository } from './projects.ts';
import { queriesRepository } from './queries.ts';
import type { QueriesRepository } from './queries.ts';
import { queryTasksRepository } from './query-tasks.ts';
import type { QueryTasksRepository } from './query-tasks.ts';
import { rolesRepository } from './roles.ts';
import type { RolesRepository } from './roles.ts';
import type { Database } from './schema.ts';
import { settingsRepository } from './settings.ts';
import type { SettingsRepository } from './settings.ts';
import { tokensRepository } from './tokens.ts';
import type { TokensRepository } from './tokens.ts';
import { usersRepository } from './users.ts';
import type { UsersRepository } from './users.ts';

export interface StoreRepositories {
  readonly users: UsersRepository;
  readonly credentials: CredentialsRepository;
  readonly tokens: TokensRepository;
  readonly browserSessions: BrowserSessionsRepository;
  readonly roles: RolesRepository;
  readonly groups: GroupsRepository;
  readonly attributes: AttributesRepository;
  readonly settings: SettingsRepository;
  readonly projects: ProjectsRepository;
  readonly connections: ConnectionsRepository;
  readonly queries: QueriesRepository;
  readonly queryTasks: QueryTasksRepository;
  readonly folders: FoldersRepository;
  readonly dashboards: DashboardsRepository;
}

export interface StoreTransaction extends StoreRepositories {
  /** The transaction's handle, for queries of later issues' tables. */
  readonly db: Kysely<Database>;
}

export interface Store extends StoreRepositories {
  /** Typed query builder over the metadata DB, for tables later issues add. */
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  readonly now: () => Date;
  /**
   * Runs `fn` in one transaction: every repository call through `tx` commits or rolls back
   * together (repositories' own transactions join it). Inside, use only `tx`: on SQLite the
   * store's single connection is busy with the transaction, so a call through the outer
   * store would wait for it forever. Do slow work (password hashing) before, not inside.
   */
  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /** Versions of cached metadata: bumped by this process's writes and (PostgreSQL) other nodes'. */
  readonly changes: StoreChanges;
  /** Closes the DB (pool or file). The store is unusable afterwards. */
  close(): Promise<void>;
}

function repositories(ctx: StoreContext): StoreRepositories {
  return {
    users: usersRepository(ctx),
    credentials: credentialsRepository(ctx),
    tokens: tokensRepository(ctx),
    browserSessions: browserSessionsRepository(ctx),
    roles: rolesRepository(ctx),
    groups: groupsRepository(ctx),
    attributes: attributesRepository(ctx),
    settings: settingsRepository(ctx),
    projects: projectsRepository(ctx),
    connections: connectionsRepository(ctx),
    queries: queriesRepository(ctx),
    queryTasks: queryTasksRepository(ctx),
    folders: foldersRepository(ctx),
    dashboards: dashboardsRepository(ctx),
  };
}

/**
 * Opens `<dataDir>/overlook.db` (SQLite) or, when `databaseUrl` is set, PostgreSQL, and runs
 * pending migrations (safe when several processes open the same DB at once).
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const { db, dialect } = await openDatabase(options);
  const now = options.now ?? (() => new Date());
  const changes = new StoreChanges();
  const ctx: StoreContext = { db, dialect, now, changes };
  const stopListening = dialect === 'postgres' && options.databaseUrl !== undefined
    ? await shareChanges(options.databaseUrl, changes) : null;
  return {
    ...repositories(ctx),
    db,
    dialect,
    now,
    changes,
    transaction: (fn) => withPendingChanges(ctx, (pending) => db.transaction().execute((trx) => {
      const txCtx: StoreContext = { db: trx, dialect, now, changes, pending };
      return fn({ ...repositories(txCtx), db: trx });
    })),
    close: async () => {
      await stopListening?.();
      await db.destroy();
    },
  };
}

export type { OpenStoreOptions } from './open.ts';
export { SQLITE_FILE } from './open.ts';
export type { StoreDialect } from './migrations.ts';
export { StoreError, parseJsonObject } from './context.ts';
export { StoreChanges, VersionedCache, CHANGE_TOPICS } from './changes.ts';
export type { ChangeTopic } from './changes.ts';
export type { StoreErrorCode } from './context.ts';
export type { Database } from './schema.ts';
export type * from './types.ts';
export { WORKSPACE_IDS } from './types.ts';
export { ADMIN_ROLE_ID, ALL_PERMISSIONS, USER_ATTRIBUTE_TYPES } from './builtins.ts';
export { DEFAULT_TOKEN_TTL_SECONDS, isWorkspaceId } from './tokens.ts';
export type { BrowserSessionKind, BrowserSessionRecord, BrowserSessionsRepository, IssuedBrowserSession } from './browser-sessions.ts';
export { BROWSER_SESSION_KINDS } from './browser-sessions.ts';
export type { AttributesRepository } from './attributes.ts';
export type { CreateApi3Options, CredentialsRepository, VerifiedLogin } from './credentials.ts';
export { normalizeEmail } from './credentials.ts';
export type { RolesRepository } from './roles.ts';
export { EMBED_USER_PERMISSIONS } from './roles.ts';
export type { GroupRecord, GroupTables, GroupsRepository } from './groups.ts';
export { groupTables } from './groups.ts';
export type { ConnectionInput, ConnectionPatch, ConnectionRecord, ConnectionsRepository } from './connections.ts';
export type { QueriesRepository, QueryRecord } from './queries.ts';
export type { FolderRecord, FoldersRepository, LookPatch, LookRecord } from './folders.ts';
export type {
  DashboardElementRecord, DashboardFilterRecord, DashboardLayoutComponentRecord, DashboardLayoutRecord, DashboardPatch, DashboardRecord,
  DashboardsRepository, ElementPatch, NewDashboard, NewElement,
} from './dashboards.ts';
export type { NewQueryTask, QueryTaskRecord, QueryTaskStatus, QueryTasksRepository, SqlQueryRecord } from './query-tasks.ts';
export type {
  DevCopy, ModelConfig, NewProject, OverlayFile, ProjectPatch, ProjectRecord, ProjectsRepository,
} from './projects.ts';
export type { SettingsRepository } from './settings.ts';
export type { TokensRepository } from './tokens.ts';
export type { UsersRepository } from './users.ts';
export {
  hashPassword, hashToken, passwordNeedsRehash, randomClientId, randomClientSecret, randomToken, verifyPassword,
} from './secrets.ts';
