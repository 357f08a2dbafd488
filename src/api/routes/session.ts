/**
 * The per-token API session: `GET /session`, `PATCH /session` (switch this token between the
 * production and dev workspaces), and `GET /workspaces[/{id}]`.
 *
 * The workspace lives in the metadata DB with the token (read with it on every request), so a
 * switch is seen at once by this and every other node, and survives restarts.
 */
import type { FastifyInstance } from 'fastify';
import type { Store, WorkspaceId } from '../../store/index.ts';
import { requireAuth, requirePermission, type AuthContext } from '../auth-context.ts';
import { ApiError, validationFailed } from '../errors.ts';
import { registerLookerRoute } from '../route.ts';
import { store as call } from './store-errors.ts';

export interface ApiSession {
  can: Record<string, boolean>;
  workspace_id: string;
  sudo_user_id: string | null;
}

export interface Workspace {
  can: Record<string, boolean>;
  id: string;
  projects: unknown[];
}

const WORKSPACES: readonly WorkspaceId[] = ['production', 'dev'];

function sessionJson(auth: AuthContext, workspaceId: string): ApiSession {
  return {
    can: { view: true, update: true },
    workspace_id: workspaceId,
    sudo_user_id: auth.sudoUserId ?? null,
  };
}

/** Keep this node's caches in step with the session writes it makes (never stale for the caller). */
export interface SessionCacheHooks {
  tokenWorkspaceChanged(tokenHash: string, workspaceId: WorkspaceId): void;
  uiDevModeChanged(userId: string, dev: boolean): void;
}

export function registerSessionRoutes(app: FastifyInstance, store: Store, hooks: SessionCacheHooks): void {
  registerLookerRoute(app, {
    operationId: 'session',
    handler: (request) => {
      const auth = requireAuth(request);
      return sessionJson(auth, auth.workspaceId ?? 'production');
    },
  });

  registerLookerRoute<{ Body: { workspace_id?: unknown } }>(app, {
    operationId: 'update_session',
    handler: async (request) => {
      const auth = requireAuth(request);
      const ws = request.body.workspace_id;
      if (ws !== 'production' && ws !== 'dev') {
        throw validationFailed([{ field: 'workspace_id', code: 'invalid', message: `Workspace must be "production" or "dev", got ${JSON.stringify(ws ?? null)}.` }]);
      }
      // Entering dev needs the develop permission; going back to production never does.
      if (ws === 'dev') requirePermission(request, 'develop');
      const via = auth.via ?? 'token';
      if (via === 'render' || via === 'embed') {
        // Rules 7 and 8: renders and embeds only ever see production.
        if (ws === 'dev') throw new ApiError('forbidden', { message: `A${via === 'embed' ? 'n embed' : ' render'} session always uses production and cannot switch to dev.` });
        return sessionJson(auth, 'production');
      }
      if (via === 'ui') {
        // Rule 6: the web UI's dev mode is the user's sticky setting, never a token's session.
        if (!(await call(() => store.users.updateUser(auth.userId, { ui_dev_mode: ws === 'dev' })))) throw new ApiError('unauthorized');
        hooks.uiDevModeChanged(auth.userId, ws === 'dev');
        return sessionJson(auth, ws);
      }
      if (!(await call(() => store.tokens.switchWorkspace(auth.tokenHash, ws)))) throw new ApiError('unauthorized');
      hooks.tokenWorkspaceChanged(auth.tokenHash, ws);
      return sessionJson(auth, ws);
    },
  });

  registerLookerRoute(app, {
    operationId: 'all_workspaces',
    handler: (request) => {
      requireAuth(request);
      return WORKSPACES.map((id): Workspace => ({ can: {}, id, projects: [] }));
    },
  });

  registerLookerRoute<{ Params: { workspace_id: string } }>(app, {
    operationId: 'workspace',
    handler: (request) => {
      requireAuth(request);
      const id = request.params.workspace_id;
      if (id !== 'production' && id !== 'dev') throw new ApiError('not_found');
      return { can: {}, id, projects: [] } satisfies Workspace;
    },
  });
}
