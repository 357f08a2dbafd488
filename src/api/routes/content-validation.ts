/** `GET /content_validation`: content checked against the models of the caller's workspace. */
import type { FastifyInstance } from 'fastify';
import type { ContentAccess } from '../../content/access.ts';
import { validateContent } from '../../content/validation.ts';
import type { Store } from '../../store/index.ts';
import type { Workspaces } from '../../workspaces/index.ts';
import { registerLookerRoute } from '../route.ts';
import { content, viewerOf } from './content-call.ts';
import { callerOf } from './workspace-call.ts';

function list(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => (typeof v === 'string' ? v.split(',') : typeof v === 'number' ? [String(v)] : []));
  const out = parts.map((p) => p.trim()).filter((p) => p !== '');
  return out.length === 0 ? undefined : out;
}

export function registerContentValidationRoutes(app: FastifyInstance, store: Store, workspaces: Workspaces, access: ContentAccess): void {
  registerLookerRoute<{ Querystring: { project_names?: unknown; space_ids?: unknown } }>(app, {
    operationId: 'content_validation',
    handler: (request) => content(async () => {
      const projectNames = list(request.query.project_names);
      const folderIds = list(request.query.space_ids);
      return validateContent(store, workspaces, access, callerOf(request), viewerOf(request), {
        ...(projectNames ? { projectNames } : {}), ...(folderIds ? { folderIds } : {}),
      });
    }),
  });
}
