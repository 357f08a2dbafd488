/**
 * What the dashboard routes share: content refusals as API errors, the caller (`Who`), read
 * permissions and the presenters' context (owners' names, look tiles, filter field metadata).
 */
import type { FastifyRequest } from 'fastify';
import type { DashboardDetail, DashboardView } from '../../content/dashboards-types.ts';
import type { DashboardParts } from '../../content/dashboards-parts.ts';
import type { Dashboards, Who } from '../../content/dashboards.ts';
import { isLookmlDashboardId } from '../../content/lookml-dashboards.ts';
import type { CanonicalQuery } from '../../queries/canonical.ts';
import { mergeQuery } from '../../queries/merge-store.ts';
import type { QueryRunner } from '../../queries/runner.ts';
import type { Store } from '../../store/index.ts';
import type { Workspaces } from '../../workspaces/index.ts';
import { requirePermission } from '../auth-context.ts';
import { baseUrl } from '../core-routes.ts';
import { lookJson } from '../presenters/content.ts';
import type { DashboardJsonContext, MergedTileInfo } from '../presenters/dashboards.ts';
import { resultFieldsJson } from '../presenters/lookml-explore.ts';
import { queryJson } from './queries.ts';

export { content } from './content-call.ts';

/** The caller with `permission`: their user, permissions and token workspace. */
export function whoOf(request: FastifyRequest, permission: string): Who {
  const auth = requirePermission(request, permission);
  return { userId: auth.userId, permissions: auth.permissions, workspace: auth.workspaceId === 'dev' ? 'dev' : 'production', ...(auth.models === undefined ? {} : { models: auth.models }) };
}

/** Reading a dashboard needs `see_lookml_dashboards` for LookML ones, `see_user_dashboards` otherwise. */
export function readPermission(id: string): string {
  return isLookmlDashboardId(id) ? 'see_lookml_dashboards' : 'see_user_dashboards';
}

export interface DashboardRouteDeps {
  readonly store: Store;
  readonly workspaces: Workspaces;
  readonly runner: QueryRunner;
  readonly publicUrl: string | undefined;
  readonly dashboards: Dashboards;
  readonly parts: DashboardParts;
}

/**
 * The presenters' context for these dashboards: owners' names, look tiles (as LookWithQuery) and
 * the field metadata of field filters, resolved in the caller's workspace.
 */
export async function jsonContext(deps: DashboardRouteDeps, request: FastifyRequest, who: Who, views: readonly DashboardView[], details: readonly DashboardDetail[] = []): Promise<DashboardJsonContext> {
  const base = baseUrl(request, deps.publicUrl);
  const userNames = new Map<string, string>();
  const ids = new Set<string>();
  for (const v of [...views, ...details.map((d) => d.view)]) if (v.record.user_id !== null) ids.add(v.record.user_id);
  for (const d of details) for (const e of d.elements) if (e.look?.user_id != null) ids.add(e.look.user_id);
  for (const id of ids) {
    const user = await deps.store.users.user(id);
    if (user) userNames.set(id, user.display_name);
  }
  const query = (record: Parameters<typeof queryJson>[0]): Record<string, unknown> => queryJson(record, base);
  const looks = new Map<string, Record<string, unknown>>();
  const filterFields = new Map<string, Record<string, unknown>>();
  for (const d of details) {
    for (const e of d.elements) {
      if (!e.look) continue;
      const folderRow = await deps.store.folders.folder(e.look.folder_id);
      const folder = folderRow ? await deps.dashboards.folders.view(who, folderRow) : null;
      const model = e.lookQuery ? (JSON.parse(e.lookQuery.body) as { model: string }).model : null;
      looks.set(e.record.id, lookJson(e.look, {
        base, folder, modelName: model, userName: e.look.user_id === null ? null : userNames.get(e.look.user_id) ?? null,
        canEdit: folder?.access === 'edit', ...(e.lookQuery ? { query: query(e.lookQuery) } : {}),
      }, true));
    }
    for (const f of d.filters) {
      const { model, explore, dimension } = f.attrs;
      if (typeof model !== 'string' || typeof explore !== 'string' || typeof dimension !== 'string') continue;
      try {
        const found = await deps.workspaces.model(who, model);
        const ex = found?.model.explores[explore];
        if (!found || !ex) continue;
        const [field] = resultFieldsJson(found.model, ex, [dimension], { projectName: found.project.id, linkBase: base });
        if (field) filterFields.set(f.id, field);
      } catch {
        // Field metadata is a convenience for the filter UI; a model that does not load leaves it null.
      }
    }
  }
  const merges = new Map<string, MergedTileInfo>();
  for (const d of details) {
    for (const e of d.elements) {
      const mergeId = e.record.attrs.merge_result_id;
      if (typeof mergeId !== 'string' || e.query !== null || merges.has(mergeId)) continue;
      const merge = await mergeQuery(deps.store, mergeId);
      if (!merge) continue;
      const sources: MergedTileInfo['sources'][number][] = [];
      for (const source of merge.definition.source_queries) {
        const record = await deps.store.queries.query(source.query_id);
        if (record) sources.push({ name: source.name, query: JSON.parse(record.body) as CanonicalQuery });
      }
      merges.set(mergeId, { vis_config: merge.definition.vis_config, sources });
    }
  }
  return { base, permissions: who.permissions, userNames, query, looks, filterFields, merges };
}

