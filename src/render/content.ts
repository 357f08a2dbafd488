/**
 * What a render is of, always seen from production (DESIGN rule 7): the content must exist there
 * and the requesting user must be allowed to see it, whatever their token's workspace or UI dev
 * mode. Checked when the task is made (so a dev-only LookML dashboard is a 404 at once) and again
 * when it renders (access may have changed since). Also: which production commits a render uses,
 * and the web UI page that draws it.
 *
 * A dashboard element is named as the API names it: a user-defined dashboard's element by its
 * number, a LookML dashboard's as `model::dashboard::element::<lookml_link_id>` (the id
 * dashboard_element answers) or, as Looker's spec writes it, `model::dashboard::<lookml_link_id>`.
 */
import { ContentAccess, type Viewer } from '../content/access.ts';
import { DashboardParts } from '../content/dashboards-parts.ts';
import type { DashboardDetail, ElementView } from '../content/dashboards-types.ts';
import { Dashboards } from '../content/dashboards.ts';
import { ContentError } from '../content/errors.ts';
import { Folders } from '../content/folders.ts';
import { findLookmlDashboard, isLookmlDashboardId, parseLookmlDashboardId } from '../content/lookml-dashboards.ts';
import { Looks } from '../content/looks.ts';
import { mergeQuery } from '../queries/merge-store.ts';
import type { QueryRecord, Store } from '../store/index.ts';
import type { Caller, Workspaces } from '../workspaces/index.ts';
import type { RenderOptionsJson, RenderTarget } from './task-store.ts';
import { themeSettings } from './themes.ts';

/** The requester as a render sees them: their permissions, and the workspace their request came from. */
export interface Requester extends Viewer {
  /** Only used to explain a refusal (content that exists in their dev workspace but not in production). */
  readonly workspace: 'production' | 'dev';
}

/** The permissions a render of this content needs (beyond seeing its folder). */
export function renderPermissions(target: RenderTarget): string[] {
  switch (target.kind) {
    case 'lookml_dashboard':
      return ['access_data', 'see_lookml_dashboards'];
    case 'dashboard':
      return ['access_data', 'see_user_dashboards'];
    case 'dashboard_element':
      return ['access_data', isLookmlDashboardId(target.id) ? 'see_lookml_dashboards' : 'see_user_dashboards'];
    case 'look':
      return ['access_data', 'see_looks'];
    case 'query':
      return ['access_data'];
  }
}

/** A LookML element id in the form dashboard_element answers (`model::name::element::link`); others unchanged. */
export function canonicalElementId(id: string): string {
  const parsed = parseLookmlDashboardId(id);
  if (parsed?.rest.length === 1 && parsed.rest[0] !== '') return `${parsed.model}::${parsed.name}::element::${parsed.rest[0] ?? ''}`;
  return id;
}

/** The LookML dashboard (`model::name`) a target belongs to, or null. */
function lookmlDashboardOf(target: RenderTarget): string | null {
  if (target.kind === 'lookml_dashboard') return target.id;
  if (target.kind !== 'dashboard_element') return null;
  const parsed = parseLookmlDashboardId(target.id);
  return parsed ? `${parsed.model}::${parsed.name}` : null;
}

/** A dashboard id as the API takes it: `model::name` is a LookML dashboard. */
export function dashboardTarget(id: string): RenderTarget {
  return isLookmlDashboardId(id) ? { kind: 'lookml_dashboard', id } : { kind: 'dashboard', id };
}

function modelOf(query: QueryRecord | null): string | null {
  if (!query) return null;
  try {
    const body = JSON.parse(query.body) as { model?: unknown };
    return typeof body.model === 'string' ? body.model : null;
  } catch {
    return null;
  }
}

/** The render page of the web UI for this target (path and query string). */
export function renderPagePath(target: RenderTarget, options: RenderOptionsJson): string {
  if (target.kind === 'look') return `/render/looks/${encodeURIComponent(target.id)}`;
  if (target.kind === 'query') return `/render/queries/${encodeURIComponent(target.id)}`;
  if (target.kind === 'dashboard_element') return `/render/dashboard_elements/${encodeURIComponent(canonicalElementId(target.id))}`;
  const params = new URLSearchParams(options.dashboard_filters ?? '');
  params.set('dashboard_style', options.dashboard_style ?? 'tiled');
  if (options.long_tables === true) params.set('long_tables', 'true');
  const theme = typeof options.theme === 'string' && options.theme !== '' ? themeSettings(options.theme) : null;
  if (theme !== null && options.theme != null) {
    // The page has no theme API to ask: the settings travel with it.
    params.set('theme', options.theme);
    params.set('theme_settings', JSON.stringify(theme));
  }
  return `/render/dashboards/${encodeURIComponent(target.id)}?${params.toString()}`;
}

/** The merge query a merged-results tile runs (one without a query or look of its own), or null. */
function mergeIdOf(e: ElementView): string | null {
  const id = e.record.attrs.merge_result_id;
  return typeof id === 'string' && id !== '' && e.record.query_id === null && e.record.look_id === null ? id : null;
}

export class RenderContent {
  readonly #store: Store;
  readonly #workspaces: Workspaces;
  readonly #dashboards: Dashboards;
  readonly #parts: DashboardParts;
  readonly #looks: Looks;

  constructor(store: Store, workspaces: Workspaces) {
    this.#store = store;
    this.#workspaces = workspaces;
    const access = new ContentAccess(store);
    this.#dashboards = new Dashboards(store, access, new Folders(store, access), workspaces);
    this.#parts = new DashboardParts(this.#dashboards);
    this.#looks = new Looks(store, access);
  }

  /**
   * Throws a ContentError (404/403) unless `who` may render `target` in production; returns the
   * models the render will query (for the commits it used).
   */
  async check(who: Requester, target: RenderTarget): Promise<string[]> {
    for (const permission of renderPermissions(target)) {
      if (!who.permissions.has(permission)) throw new ContentError('forbidden', `Requires permission: ${permission}.`);
    }
    const production = { ...who, workspace: 'production' } as const;
    switch (target.kind) {
      case 'lookml_dashboard': {
        if (!(await findLookmlDashboard(this.#workspaces, production, target.id))) {
          const inDev = who.workspace === 'dev' && (await findLookmlDashboard(this.#workspaces, who, target.id)) !== null;
          throw new ContentError('not_found', inDev
            ? `LookML dashboard ${target.id} exists only in your development workspace. Renders always use production: deploy the project to production to render it.`
            : `LookML dashboard ${target.id} not found in production (renders always use production models and LookML dashboards).`);
        }
        return this.#dashboardModels(production, target.id);
      }
      case 'dashboard': {
        const view = await this.#dashboards.get(production, target.id);
        if (view.record.deleted) throw new ContentError('not_found', `Dashboard ${target.id} not found.`);
        return this.#dashboardModels(production, target.id);
      }
      case 'dashboard_element': {
        const { detail, element } = await this.#element(who, target.id);
        if (detail.view.record.deleted) throw new ContentError('not_found', `Dashboard element ${target.id} not found.`);
        return this.#modelsOf([element]);
      }
      case 'look': {
        const look = await this.#looks.get(who, target.id);
        if (look.deleted) throw new ContentError('not_found', `Look ${target.id} not found.`);
        return this.#productionModels([modelOf(await this.#store.queries.query(look.query_id))], `Look ${target.id}`);
      }
      case 'query': {
        const query = await this.#store.queries.query(target.id);
        if (!query) throw new ContentError('not_found', `Query ${target.id} not found.`);
        return this.#productionModels([modelOf(query)], `Query ${target.id}`);
      }
    }
  }

  async #dashboardModels(who: Viewer & Caller, id: string): Promise<string[]> {
    return this.#modelsOf((await this.#dashboards.detail(who, id)).elements);
  }

  /** The models the elements query: their own query, their look's, or their merge query's sources'. */
  async #modelsOf(elements: readonly ElementView[]): Promise<string[]> {
    const models = new Set<string>();
    for (const e of elements) {
      for (const m of [modelOf(e.query), modelOf(e.lookQuery)]) if (m !== null) models.add(m);
      const mergeId = mergeIdOf(e);
      const merge = mergeId === null ? null : await mergeQuery(this.#store, mergeId);
      for (const s of merge?.definition.source_queries ?? []) {
        const m = modelOf(await this.#store.queries.query(s.query_id));
        if (m !== null) models.add(m);
      }
    }
    return [...models].sort();
  }

  /** The element as production has it; a LookML one only on the requester's dev branch is explained. */
  async #element(who: Requester, id: string): Promise<{ detail: DashboardDetail; element: ElementView }> {
    const canonical = canonicalElementId(id);
    const dashboard = lookmlDashboardOf({ kind: 'dashboard_element', id });
    try {
      return await this.#parts.element({ ...who, workspace: 'production' }, canonical);
    } catch (error) {
      if (!(error instanceof ContentError) || error.code !== 'not_found') throw error;
      if (dashboard === null) throw new ContentError('not_found', `Dashboard element ${id} not found.`);
      const inDev = who.workspace === 'dev' && await this.#parts.element(who, canonical).then(() => true, () => false);
      throw new ContentError('not_found', inDev
        ? `Dashboard element ${id} exists only in your development workspace. Renders always use production: deploy the project to production to render it.`
        : `Dashboard element ${id} not found in production (renders always use production models and LookML dashboards).`);
    }
  }

  /** A look or query whose model is not in production cannot be rendered (it would only show an error). */
  async #productionModels(models: readonly (string | null)[], what: string): Promise<string[]> {
    const out: string[] = [];
    for (const m of models) {
      if (m === null) continue;
      if (!(await this.#modelProjects([m])).has(m)) {
        throw new ContentError('not_found', `${what} uses model ${m}, which is not in production (renders always use production models).`);
      }
      out.push(m);
    }
    return out;
  }

  async #modelProjects(models: readonly string[]): Promise<Map<string, { id: string; commit: string }>> {
    const out = new Map<string, { id: string; commit: string }>();
    if (models.length === 0) return out;
    const wanted = new Set(models);
    const all = await this.#workspaces.models({ userId: '0', workspace: 'production' });
    for (const m of all) {
      if (wanted.has(m.model.name) && m.project.deployed_commit !== null) out.set(m.model.name, { id: m.project.id, commit: m.project.deployed_commit });
    }
    return out;
  }

  /** `{ project: deployed commit }` of the production projects behind these models (and a LookML dashboard's own). */
  async commits(target: RenderTarget, models: readonly string[]): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const p of (await this.#modelProjects(models)).values()) out[p.id] = p.commit;
    const lookml = lookmlDashboardOf(target);
    if (lookml !== null) {
      const ref = await findLookmlDashboard(this.#workspaces, { userId: '0', workspace: 'production' }, lookml);
      if (ref) {
        const project = (await this.#workspaces.allProjects()).find((p) => p.id === ref.source.projectId);
        if (project?.deployed_commit != null) out[project.id] = project.deployed_commit;
      }
    }
    return out;
  }
}
