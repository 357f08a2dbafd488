/**
 * Dashboards as callers see them: user-defined dashboards (viewing needs view access on their
 * folder, changes need edit access; a dashboard the caller may not see is "not found") and LookML
 * dashboards from the caller's workspace (read-only; `import_lookml_dashboard` makes an editable
 * copy). Elements, filters and layouts are in `dashboards-parts.ts`.
 */
import type { DashboardRecord, FolderRecord, Store } from '../store/index.ts';
import type { Caller, Workspaces } from '../workspaces/index.ts';
import type { ContentAccess, Viewer } from './access.ts';
import { copyTitle, listenFromResultMaker, type ListenEntry } from './dashboards-logic.ts';
import { searchRows, type SearchOptions, type SearchSpec } from './dashboards-search.ts';
import { LOOKML_FOLDER_ID, type DashboardDetail, type DashboardView, type ElementView, type LayoutView } from './dashboards-types.ts';
import { ContentError } from './errors.ts';
import type { FolderView, Folders } from './folders.ts';
import { Document as YamlDocument } from 'yaml';
import { parseDashboardFile } from '../lookml/dashboard.ts';
import type { CanonicalQuery } from '../queries/canonical.ts';
import { mergeQuery, saveMergeQuery } from '../queries/merge-store.ts';
import { dashboardLookml } from './dashboard-lookml.ts';
import {
  findLookmlDashboard, isLookmlDashboardId, lookmlDashboardDetail, lookmlDashboardView, lookmlDashboards, lookmlSyncPlan,
  parseLookmlDashboardId, type LookmlDashboardRef, type LookmlDetailDeps,
} from './lookml-dashboards.ts';

const LOOKML_SEARCH: SearchSpec = {
  params: { folder_id: 'string', title: 'string', content_favorite_id: 'integer' },
  sortable: ['title', 'id', 'folder_id', 'content_favorite_id', 'content_metadata_id', 'certification_status'],
};

/** The caller of a dashboard operation: who they are, their permissions and their token's workspace. */
export type Who = Viewer & Caller;

export type DashboardInput = Readonly<Record<string, unknown>>;

/** Writable Dashboard members kept as given in `attrs` (Looker stores and echoes them). */
export const DASHBOARD_ATTRS = [
  'hidden', 'query_timezone', 'refresh_interval', 'preferred_viewer', 'certification_metadata',
  'alert_sync_with_dashboard_filter_enabled', 'chat_enabled', 'background_color', 'crossfilter_enabled',
  'enable_viz_full_screen', 'filters_bar_collapsed', 'filters_location_top', 'load_configuration', 'lookml_link_id',
  'show_filters_bar', 'show_title', 'text_tile_text_color', 'tile_background_color', 'tile_text_color', 'title_color',
  'appearance', 'preserve_desktop_layout', 'download_settings',
] as const;

const SEARCH: SearchSpec = {
  params: {
    id: 'integer', slug: 'string', title: 'string', description: 'string', content_favorite_id: 'integer', folder_id: 'integer',
    deleted: 'boolean', user_id: 'integer', view_count: 'integer', content_metadata_id: 'integer', last_viewed_at: 'string',
  },
  sortable: [
    'title', 'user_id', 'id', 'created_at', 'space_id', 'folder_id', 'description', 'view_count', 'favorite_count', 'slug',
    'content_favorite_id', 'content_metadata_id', 'deleted', 'deleted_at', 'last_viewed_at', 'last_accessed_at', 'certification_status',
  ],
};

export function text(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') throw new ContentError('invalid', `${field} must be a string.`, field);
  return value;
}

export function pickAttrs(input: DashboardInput, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (input[k] !== undefined) out[k] = input[k];
  return out;
}

/** Stored listen entries (`attrs.listen`), malformed ones dropped. */
export function storedListen(attrs: Readonly<Record<string, unknown>>): ListenEntry[] {
  return listenFromResultMaker({ filterables: [{ listen: attrs.listen }] });
}

export function notFoundInWorkspace(id: string, who: Caller): ContentError {
  const hint = who.workspace === 'production'
    ? ' It is not in production: a LookML dashboard that exists only on a development branch is visible only in dev mode (update_session with workspace_id "dev").'
    : ' It is not in your development workspace (your current branch of its project).';
  return new ContentError('not_found', `LookML dashboard ${id} not found.${hint}`);
}

export class Dashboards {
  readonly store: Store;
  readonly access: ContentAccess;
  readonly folders: Folders;
  readonly workspaces: Workspaces;

  constructor(store: Store, access: ContentAccess, folders: Folders, workspaces: Workspaces) {
    this.store = store;
    this.access = access;
    this.folders = folders;
    this.workspaces = workspaces;
  }

  /** A user-defined dashboard's view, or null when the caller may not see it. */
  async #userView(who: Who, record: DashboardRecord, folders: Map<string, FolderView | null> = new Map()): Promise<DashboardView | null> {
    let folder = folders.get(record.folder_id);
    if (folder === undefined) {
      const row = await this.store.folders.folder(record.folder_id);
      folder = row ? await this.folders.view(who, row) : null;
      folders.set(record.folder_id, folder);
    }
    if (!folder || folder.access === 'none') return null;
    return { kind: 'user', record, access: folder.access, folder, lookml: null };
  }

  /** A user-defined dashboard by id or slug, or a LookML dashboard by `model::name`. */
  async get(who: Who, id: string): Promise<DashboardView> {
    if (isLookmlDashboardId(id)) {
      const ref = await findLookmlDashboard(this.workspaces, who, id);
      if (!ref) throw notFoundInWorkspace(id, who);
      return lookmlDashboardView(ref);
    }
    const record = /^\d+$/.test(id) ? await this.store.dashboards.dashboard(id) : await this.store.dashboards.dashboardBySlug(id);
    const view = record ? await this.#userView(who, record) : null;
    if (!view) throw new ContentError('not_found', `Dashboard ${id} not found.`);
    return view;
  }

  #lookmlDeps(): LookmlDetailDeps {
    return {
      saveQuery: (q) => this.store.queries.saveQuery(JSON.stringify(q)),
      saveMerge: async (definition) => (await saveMergeQuery(this.store, definition)).id,
    };
  }

  /**
   * dashboard_lookml: a user-defined dashboard exported as `.dashboard.lookml` text (with
   * `preferred_slug`), or a LookML dashboard's own entry of its file.
   */
  async lookml(who: Who, id: string): Promise<{ dashboard_id: string; folder_id: string; lookml: string }> {
    if (isLookmlDashboardId(id)) {
      const ref = await findLookmlDashboard(this.workspaces, who, id);
      if (!ref) throw notFoundInWorkspace(id, who);
      return { dashboard_id: ref.id, folder_id: LOOKML_FOLDER_ID, lookml: new YamlDocument([ref.dashboard.raw]).toString({ lineWidth: 0, indentSeq: false, flowCollectionPadding: false }) };
    }
    const detail = await this.detail(who, id);
    const lookml = await dashboardLookml(detail, {
      merged: async (mergeId) => {
        const merge = await mergeQuery(this.store, mergeId);
        if (!merge) return null;
        const sources = [];
        for (const s of merge.definition.source_queries) {
          const q = await this.store.queries.query(s.query_id);
          if (!q) return null;
          sources.push({ query: JSON.parse(q.body) as CanonicalQuery, merge_fields: s.merge_fields });
        }
        return { sources, vis_config: merge.definition.vis_config };
      },
    });
    return { dashboard_id: detail.view.record.id, folder_id: detail.view.record.folder_id, lookml };
  }

  /**
   * import_dashboard_from_lookml: a user-defined dashboard made from `.dashboard.lookml` text (its
   * first dashboard). When a dashboard has the text's `preferred_slug`, that one is overwritten
   * (and moved to `folder_id` when given); otherwise a new one goes to `folder_id`, or the caller's
   * personal folder. Not linked to any LookML dashboard.
   */
  async importFromLookml(who: Who, input: DashboardInput): Promise<DashboardView> {
    const source = text(input.lookml, 'lookml');
    if (source === undefined || source.trim() === '') throw new ContentError('invalid', 'lookml is required: the text dashboard_lookml returns.', 'lookml');
    const parsed = parseDashboardFile(source, 'dashboard.lookml');
    const error = parsed.diagnostics.find((d) => d.severity === 'error');
    if (error) throw new ContentError('invalid', `Invalid dashboard LookML at line ${error.line}, column ${error.column}: ${error.message}`, 'lookml');
    const dashboard = parsed.dashboards[0];
    if (!dashboard) throw new ContentError('invalid', 'The LookML has no dashboard: it starts with "- dashboard: name".', 'lookml');
    const wantedFolder = text(input.folder_id, 'folder_id');
    const folderId = wantedFolder !== undefined && wantedFolder !== '' ? wantedFolder : (await this.folders.personalFolder(who.userId)).id;
    const ref: LookmlDashboardRef = {
      id: `import::${dashboard.name}`, dashboard,
      source: { projectId: '', model: '', name: dashboard.name, file: 'dashboard.lookml', line: dashboard.loc.line },
    };
    const plan = lookmlSyncPlan(await lookmlDashboardDetail(ref, this.#lookmlDeps()));
    // Not linked to any LookML dashboard: sync_lookml_dashboard leaves it alone.
    const attrs = Object.fromEntries(Object.entries(plan.attrs).filter(([k]) => k !== 'lookml_link_id'));
    const title = (dashboard.title ?? dashboard.name).trim();
    const slug = this.#slug(typeof dashboard.raw.preferred_slug === 'string' ? dashboard.raw.preferred_slug : undefined);
    const existing = slug === undefined ? null : await this.store.dashboards.dashboardBySlug(slug);
    if (existing) {
      const view = await this.editable(who, existing.id);
      if (wantedFolder !== undefined && wantedFolder !== '' && wantedFolder !== view.record.folder_id) await this.#editableFolder(who, folderId);
      const target = wantedFolder !== undefined && wantedFolder !== '' ? folderId : view.record.folder_id;
      await this.#assertUniqueTitle(target, title, existing.id);
      if (target !== view.record.folder_id) await this.store.dashboards.updateDashboard(existing.id, { folder_id: target });
      await this.store.dashboards.syncDashboard(existing.id, { ...plan, title, attrs });
      if (existing.deleted) await this.store.dashboards.updateDashboard(existing.id, { deleted: false });
      return this.get(who, existing.id);
    }
    await this.#editableFolder(who, folderId);
    await this.#assertUniqueTitle(folderId, title);
    const record = await this.store.dashboards.createDashboard({
      title, description: plan.description, folder_id: folderId, user_id: who.userId, attrs, layout: plan.layout, ...(slug === undefined ? {} : { slug }),
    });
    await this.store.dashboards.syncDashboard(record.id, { ...plan, description: record.description, attrs });
    return this.get(who, record.id);
  }

  /** The dashboard with its elements, filters and layouts. */
  async detail(who: Who, id: string): Promise<DashboardDetail> {
    if (isLookmlDashboardId(id)) {
      const ref = await findLookmlDashboard(this.workspaces, who, id);
      if (!ref) throw notFoundInWorkspace(id, who);
      return lookmlDashboardDetail(ref, this.#lookmlDeps());
    }
    const view = await this.get(who, id);
    const dashboardId = view.record.id;
    const [elements, filters, layouts] = await Promise.all([
      this.store.dashboards.elements(dashboardId), this.store.dashboards.filters(dashboardId), this.store.dashboards.layouts(dashboardId),
    ]);
    const elementViews: ElementView[] = [];
    for (const e of elements) elementViews.push(await this.elementView(who, e));
    const layoutViews: LayoutView[] = [];
    for (const layout of layouts) layoutViews.push({ layout, components: await this.store.dashboards.layoutComponents(layout.id) });
    return { view, elements: elementViews, filters, layouts: layoutViews };
  }

  /** An element with its query, look (when the caller may see it) and listen entries. */
  async elementView(who: Who, record: ElementView['record']): Promise<ElementView> {
    const query = record.query_id === null ? null : await this.store.queries.query(record.query_id);
    let look = record.look_id === null ? null : await this.store.folders.look(record.look_id);
    if (look && (await this.access.folderAccess(who, look.folder_id)) === 'none') look = null;
    const lookQuery = look ? await this.store.queries.query(look.query_id) : null;
    return { record, query, look, lookQuery, listen: storedListen(record.attrs) };
  }

  /**
   * Active dashboards the caller may see: user-defined ones (with `see_user_dashboards`) and the
   * LookML dashboards of the caller's workspace (with `see_lookml_dashboards`).
   */
  async all(who: Who): Promise<DashboardView[]> {
    const out: DashboardView[] = [];
    if (who.permissions.has('see_user_dashboards')) out.push(...(await this.#visible(who, await this.store.dashboards.allDashboards())));
    if (who.permissions.has('see_lookml_dashboards')) out.push(...(await lookmlDashboards(this.workspaces, who)).map(lookmlDashboardView));
    return out;
  }

  async #visible(who: Who, records: readonly DashboardRecord[]): Promise<DashboardView[]> {
    const folders = new Map<string, FolderView | null>();
    const out: DashboardView[] = [];
    for (const r of records) {
      const v = await this.#userView(who, r, folders);
      if (v) out.push(v);
    }
    return out;
  }

  /** search_dashboards: user-defined dashboards only; without `deleted`, the trash is left out. */
  async search(who: Who, options: SearchOptions): Promise<DashboardView[]> {
    const visible = await this.#visible(who, await this.store.dashboards.allDashboards({ includeDeleted: true }));
    const opts: Record<string, unknown> = { ...options };
    if (opts.deleted === undefined || opts.deleted === null || opts.deleted === '') opts.deleted = 'false';
    let rows = visible;
    if ((options.not_owned_by === true || options.not_owned_by === 'true') && typeof options.user_id === 'string' && options.user_id !== '') {
      const owners = options.user_id.split(',').map((s) => s.trim());
      rows = rows.filter((v) => v.record.user_id === null || !owners.includes(v.record.user_id));
      delete opts.user_id;
    }
    return searchRows(rows, (v) => ({
      ...v.record, space_id: v.record.folder_id, view_count: 0, favorite_count: 0, content_favorite_id: null, last_viewed_at: null,
      last_accessed_at: null, certification_status: null,
    }), SEARCH, opts);
  }

  /**
   * search_lookml_dashboards: production's LookML dashboards, whatever the caller's workspace (as
   * Looker documents), as dashboards; `title` and `folder_id` match like search_dashboards.
   */
  async searchLookml(who: Who, options: SearchOptions): Promise<DashboardView[]> {
    const views = (await lookmlDashboards(this.workspaces, { ...who, workspace: 'production' })).map(lookmlDashboardView);
    return searchRows(views, (v) => ({
      id: v.record.id, title: v.record.title, folder_id: v.record.folder_id, content_favorite_id: null, content_metadata_id: null, certification_status: null,
    }), LOOKML_SEARCH, options);
  }

  /** The dashboards of one folder (`lookml`: the LookML dashboards of the caller's workspace). */
  async inFolder(who: Who, folderId: string): Promise<DashboardView[]> {
    if (folderId === LOOKML_FOLDER_ID) return (await lookmlDashboards(this.workspaces, who)).map(lookmlDashboardView);
    await this.access.assertCanView(who, folderId);
    return this.#visible(who, await this.store.dashboards.allDashboards({ folderId }));
  }

  async #editableFolder(who: Who, folderId: string): Promise<FolderRecord> {
    if (folderId === LOOKML_FOLDER_ID) throw new ContentError('invalid', 'The LookML Dashboards folder holds LookML dashboards only.', 'folder_id');
    await this.access.assertCanEdit(who, folderId, `Folder ${folderId}`);
    const folder = await this.store.folders.folder(folderId);
    if (!folder) throw new ContentError('not_found', `Folder ${folderId} not found.`);
    return folder;
  }

  async #assertUniqueTitle(folderId: string, title: string, except?: string): Promise<void> {
    const siblings = await this.store.dashboards.allDashboards({ folderId });
    if (siblings.some((d) => d.id !== except && d.title.toLowerCase() === title.toLowerCase())) {
      throw new ContentError('conflict', `A dashboard titled "${title}" already exists in folder ${folderId}.`);
    }
  }

  /** A user-defined dashboard the caller may change (LookML dashboards are read-only). */
  async editable(who: Who, id: string): Promise<DashboardView> {
    if (isLookmlDashboardId(id)) {
      throw new ContentError('invalid', `LookML dashboard ${id} is read-only: change its .dashboard.lookml file, or import_lookml_dashboard to get an editable copy.`, 'dashboard_id');
    }
    const view = await this.get(who, id);
    await this.access.assertCanEdit(who, view.record.folder_id, `Dashboard ${id}`);
    return view;
  }

  async create(who: Who, input: DashboardInput): Promise<DashboardView> {
    const title = text(input.title, 'title')?.trim();
    if (title === undefined || title === '') throw new ContentError('invalid', 'A dashboard title is required.', 'title');
    const folderId = text(input.folder_id ?? input.space_id, 'folder_id');
    if (folderId === undefined || folderId === '') throw new ContentError('invalid', 'folder_id is required.', 'folder_id');
    await this.#editableFolder(who, folderId);
    await this.#assertUniqueTitle(folderId, title);
    const slug = this.#slug(input.slug);
    const record = await this.store.dashboards.createDashboard({
      title, description: text(input.description, 'description') ?? null, folder_id: folderId, user_id: who.userId,
      attrs: pickAttrs(input, DASHBOARD_ATTRS), ...(slug === undefined ? {} : { slug }),
    });
    return this.get(who, record.id);
  }

  #slug(value: unknown): string | undefined {
    const slug = text(value, 'slug');
    if (slug === undefined || slug === '') return undefined;
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(slug)) throw new ContentError('invalid', 'A slug has 1 to 255 letters, digits, "_" or "-".', 'slug');
    return slug;
  }

  async update(who: Who, id: string, input: DashboardInput): Promise<DashboardView> {
    const view = await this.editable(who, id);
    const current = view.record;
    const title = text(input.title, 'title')?.trim();
    if (title === '') throw new ContentError('invalid', 'A dashboard title cannot be empty.', 'title');
    const folderId = text(input.folder_id ?? input.space_id, 'folder_id');
    if (folderId !== undefined && folderId !== current.folder_id) await this.#editableFolder(who, folderId);
    if (title !== undefined || folderId !== undefined) await this.#assertUniqueTitle(folderId ?? current.folder_id, title ?? current.title, current.id);
    if (input.deleted !== undefined && typeof input.deleted !== 'boolean') throw new ContentError('invalid', 'deleted must be a boolean.', 'deleted');
    const description = input.description === null ? null : text(input.description, 'description');
    const attrs = pickAttrs(input, DASHBOARD_ATTRS);
    const slug = this.#slug(input.slug);
    // The owner changes only by an admin's hand (Looker's user_id is writable for them).
    const owner = input.user_id !== undefined && who.permissions.has('administer') ? (input.user_id === null ? null : text(input.user_id, 'user_id') ?? null) : undefined;
    const updated = await this.store.dashboards.updateDashboard(current.id, {
      ...(title === undefined ? {} : { title }),
      ...(description === undefined ? {} : { description }),
      ...(folderId === undefined ? {} : { folder_id: folderId }),
      ...(slug === undefined ? {} : { slug }),
      ...(owner === undefined ? {} : { user_id: owner }),
      ...(typeof input.deleted === 'boolean' ? { deleted: input.deleted } : {}),
      ...(Object.keys(attrs).length > 0 ? { attrs: { ...current.attrs, ...attrs } } : {}),
    });
    if (!updated) throw new ContentError('not_found', `Dashboard ${id} not found.`);
    return this.get(who, updated.id);
  }

  /** Permanent (the trash is `deleted: true` through update). */
  async delete(who: Who, id: string): Promise<void> {
    const view = await this.editable(who, id);
    await this.store.dashboards.deleteDashboard(view.record.id);
  }

  async move(who: Who, id: string, folderId: string): Promise<DashboardView> {
    return this.update(who, id, { folder_id: folderId });
  }

  /**
   * A copy in `folderId` (default: the same folder), titled `T (copy)` / `T (copy N)` when the title
   * is taken there. A LookML dashboard is copied by importing it.
   */
  async copy(who: Who, id: string, folderId?: string): Promise<DashboardView> {
    if (isLookmlDashboardId(id)) {
      if (folderId === undefined) throw new ContentError('invalid', 'folder_id is required to copy a LookML dashboard.', 'folder_id');
      return this.importLookml(who, id, folderId, {});
    }
    const source = await this.get(who, id);
    const target = folderId ?? source.record.folder_id;
    await this.#editableFolder(who, target);
    const taken = (await this.store.dashboards.allDashboards({ folderId: target })).map((d) => d.title);
    const copy = await this.store.dashboards.copyDashboard(source.record.id, { folder_id: target, title: copyTitle(source.record.title, taken), user_id: who.userId });
    return this.get(who, copy.id);
  }

  /**
   * A user-defined dashboard made from a LookML dashboard of the caller's workspace: same elements
   * (query tiles keep their queries and listeners), filters and tile positions; `lookml_link_id`
   * names the original. The body may set `title` (and other writable members).
   */
  async importLookml(who: Who, lookmlId: string, folderId: string, input: DashboardInput): Promise<DashboardView> {
    const detail = await this.detail(who, lookmlId);
    if (detail.view.kind !== 'lookml') throw new ContentError('invalid', `${lookmlId} is not a LookML dashboard id (model::dashboard_name).`, 'lookml_dashboard_id');
    await this.#editableFolder(who, folderId);
    const src = detail.view.record;
    const wanted = text(input.title, 'title')?.trim();
    const taken = (await this.store.dashboards.allDashboards({ folderId })).map((d) => d.title);
    const title = wanted !== undefined && wanted !== '' ? wanted : copyTitle(src.title, taken);
    if (wanted !== undefined && wanted !== '') await this.#assertUniqueTitle(folderId, title);
    const plan = lookmlSyncPlan(detail);
    const record = await this.store.dashboards.createDashboard({
      title, description: text(input.description, 'description') ?? src.description, folder_id: folderId, user_id: who.userId,
      attrs: { ...plan.attrs, ...pickAttrs(input, DASHBOARD_ATTRS), lookml_link_id: src.id }, layout: plan.layout,
    });
    await this.store.dashboards.syncDashboard(record.id, { ...plan, description: record.description, attrs: record.attrs });
    return this.get(who, record.id);
  }

  /**
   * sync_lookml_dashboard: the user-defined dashboards linked to a LookML dashboard (`lookml_link_id`)
   * made to match its production version (linked dashboards are shared content, so a branch's
   * draft never reaches them): title (unless another dashboard in the folder has it), attributes,
   * filters, elements and positions; elements and filters keep their ids where the LookML still
   * has them. Only dashboards the caller may edit are synced (with `only`: just those ids).
   * Returns the ids synced.
   */
  async syncLookml(who: Who, lookmlId: string, only: readonly string[] = []): Promise<string[]> {
    if (!parseLookmlDashboardId(lookmlId)) throw new ContentError('invalid', `${lookmlId} is not a LookML dashboard id (model::dashboard_name).`, 'lookml_dashboard_id');
    const detail = await this.detail({ ...who, workspace: 'production' }, lookmlId);
    const id = detail.view.record.id;
    const plan = lookmlSyncPlan(detail);
    const wanted = new Set(only);
    const linked = (await this.store.dashboards.allDashboards()).filter((d) => d.attrs.lookml_link_id === id && (wanted.size === 0 || wanted.has(d.id)));
    const synced: string[] = [];
    for (const record of linked) {
      const view = await this.#userView(who, record);
      if (!view || view.access !== 'edit' || !who.permissions.has('save_content')) continue;
      const title = detail.view.record.title;
      const siblings = await this.store.dashboards.allDashboards({ folderId: record.folder_id });
      const taken = siblings.some((d) => d.id !== record.id && d.title.toLowerCase() === title.toLowerCase());
      await this.store.dashboards.syncDashboard(record.id, { ...plan, ...(taken ? {} : { title }) });
      synced.push(record.id);
    }
    return synced;
  }
}
