/**
 * Dashboards and their parts → Looker's Dashboard / DashboardBase / DashboardElement /
 * DashboardFilter / DashboardLayout / DashboardLayoutComponent JSON: every member of the schema
 * (spec-shape fills the rest), write-only ones never. What needs the DB or the workspace (users'
 * names, look tiles, filter field metadata, Query JSON) comes resolved in the context.
 */
import { listenForQuery, markdownHtml, refreshIntervalMs } from '../../content/dashboards-logic.ts';
import { LOOKML_FOLDER_ID, LOOKML_FOLDER_NAME, type DashboardDetail, type DashboardView, type ElementView, type LayoutView } from '../../content/dashboards-types.ts';
import type { CanonicalQuery } from '../../queries/canonical.ts';
import type { DashboardFilterRecord, DashboardLayoutComponentRecord, QueryRecord } from '../../store/index.ts';
import { folderBaseJson } from './content.ts';
import { lookmlLink } from './lookml-labels.ts';
import { specShape } from './spec-shape.ts';

type Json = Record<string, unknown>;

export interface DashboardJsonContext {
  readonly base: string;
  readonly permissions: ReadonlySet<string>;
  /** User id → display name. */
  readonly userNames: ReadonlyMap<string, string>;
  /** Query JSON (`queryJson` of the queries routes). */
  readonly query: (record: QueryRecord) => Json;
  /** Element id → its look as LookWithQuery JSON (look tiles the caller may see). */
  readonly looks?: ReadonlyMap<string, Json>;
  /** Filter id → the filtered field's LookmlModelExploreField JSON. */
  readonly filterFields?: ReadonlyMap<string, Json>;
  /** Merge query id → what a merged-results tile's result_maker shows of it. */
  readonly merges?: ReadonlyMap<string, MergedTileInfo>;
}

export interface MergedTileInfo {
  readonly vis_config: unknown;
  /** The source queries, primary first. */
  readonly sources: readonly { readonly name: string | null; readonly query: Pick<CanonicalQuery, 'model' | 'view' | 'fields' | 'filters'> }[];
}

const attr = (attrs: Readonly<Record<string, unknown>>, key: string, fallback: unknown): unknown => (attrs[key] === undefined ? fallback : attrs[key]);
const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function canEdit(view: DashboardView, ctx: DashboardJsonContext): boolean {
  return view.kind === 'user' && view.access === 'edit' && ctx.permissions.has('save_content');
}

export function lookmlFolderJson(): Json {
  return specShape('FolderBase', {
    name: LOOKML_FOLDER_NAME, parent_id: null, id: LOOKML_FOLDER_ID, content_metadata_id: null, created_at: null, creator_id: null,
    child_count: 0, external_id: null, is_embed: false, is_embed_shared_root: false, is_embed_users_root: false, is_personal: false,
    is_personal_descendant: false, is_shared_root: false, is_users_root: false,
    can: { index: true, show: true, create: false, see_admin_spaces: false, update: false, destroy: false, move_content: false, edit_content: false },
  });
}

function editUri(view: DashboardView): string | null {
  return view.lookml ? lookmlLink('', view.lookml.projectId, view.lookml.file, view.lookml.line) : null;
}

function dashboardValues(view: DashboardView, ctx: DashboardJsonContext): Json {
  const r = view.record;
  const a = r.attrs;
  const edit = canEdit(view, ctx);
  const lookml = view.kind === 'lookml';
  const refresh = strOrNull(a.refresh_interval);
  return {
    can: {
      index: true, show: true, create: ctx.permissions.has('save_content'), see_lookml: ctx.permissions.has('see_lookml'), update: edit,
      destroy: edit, copy: true, move: edit, recover: edit, download: true, render: true, schedule: false, show_details: true,
      find_and_replace: edit, see_aggregate_table_lookml: ctx.permissions.has('see_lookml'), sync_lookml_dashboard: lookml && ctx.permissions.has('save_content'),
    },
    content_favorite_id: null, content_metadata_id: lookml ? null : r.content_metadata_id, description: r.description,
    hidden: attr(a, 'hidden', false), id: r.id,
    model: view.lookml ? { id: view.lookml.model, label: view.lookml.model } : null,
    query_timezone: attr(a, 'query_timezone', null), readonly: lookml, refresh_interval: refresh, refresh_interval_to_i: refreshIntervalMs(refresh),
    folder: view.folder ? folderBaseJson(view.folder) : lookmlFolderJson(), title: r.title, user_id: r.user_id, slug: lookml ? null : r.slug,
    preferred_viewer: attr(a, 'preferred_viewer', 'dashboards-next'), certification_metadata: attr(a, 'certification_metadata', null),
    alert_sync_with_dashboard_filter_enabled: attr(a, 'alert_sync_with_dashboard_filter_enabled', false), chat_enabled: attr(a, 'chat_enabled', false),
    background_color: attr(a, 'background_color', null), created_at: r.created_at === '' ? null : r.created_at,
    crossfilter_enabled: attr(a, 'crossfilter_enabled', false), deleted: r.deleted, deleted_at: r.deleted_at, deleter_id: null,
    edit_uri: editUri(view), enable_viz_full_screen: attr(a, 'enable_viz_full_screen', true), favorite_count: 0,
    filters_bar_collapsed: attr(a, 'filters_bar_collapsed', false), filters_location_top: attr(a, 'filters_location_top', true),
    last_accessed_at: null, last_viewed_at: null, updated_at: r.updated_at === '' ? null : r.updated_at,
    last_updater_id: r.user_id, last_updater_name: r.user_id === null ? null : ctx.userNames.get(r.user_id) ?? null,
    user_name: r.user_id === null ? null : ctx.userNames.get(r.user_id) ?? null, load_configuration: attr(a, 'load_configuration', 'wait'),
    lookml_link_id: attr(a, 'lookml_link_id', null), show_filters_bar: attr(a, 'show_filters_bar', true), show_title: attr(a, 'show_title', true),
    folder_id: r.folder_id, text_tile_text_color: attr(a, 'text_tile_text_color', null), tile_background_color: attr(a, 'tile_background_color', null),
    tile_text_color: attr(a, 'tile_text_color', null), title_color: attr(a, 'title_color', null), view_count: 0,
    appearance: attr(a, 'appearance', null), usage_count: 0, is_owner_disabled: false, url: `/dashboards/${r.id}`,
    preserve_desktop_layout: attr(a, 'preserve_desktop_layout', false), download_settings: attr(a, 'download_settings', null),
  };
}

export function dashboardBaseJson(view: DashboardView, ctx: DashboardJsonContext): Json {
  return specShape('DashboardBase', dashboardValues(view, ctx));
}

export function dashboardJson(detail: DashboardDetail, ctx: DashboardJsonContext): Json {
  return specShape('Dashboard', {
    ...dashboardValues(detail.view, ctx),
    dashboard_elements: detail.elements.map((e) => elementJson(e, detail.view, ctx)),
    dashboard_filters: detail.filters.map((f) => filterJson(f, detail.view, ctx)),
    dashboard_layouts: detail.layouts.map((l) => layoutJson(l, detail, ctx)),
  });
}

function partCan(view: DashboardView, ctx: DashboardJsonContext): Json {
  const edit = canEdit(view, ctx);
  return { index: true, show: true, create: edit, update: edit, destroy: edit };
}

export function elementJson(e: ElementView, view: DashboardView, ctx: DashboardJsonContext): Json {
  const r = e.record;
  const a = r.attrs;
  const resultQuery = e.query ?? e.lookQuery;
  const q = resultQuery ? (JSON.parse(resultQuery.body) as { model: string; view: string; vis_config: unknown; dynamic_fields: unknown; sorts: unknown; total: unknown }) : null;
  const rm = typeof a.result_maker === 'object' && a.result_maker !== null ? a.result_maker as Record<string, unknown> : {};
  const refresh = strOrNull(a.refresh_interval);
  const titleText = strOrNull(a.title_text);
  const subtitleText = strOrNull(a.subtitle_text);
  const noteText = strOrNull(a.note_text);
  const mergeId = strOrNull(a.merge_result_id);
  const merged = resultQuery === null && mergeId !== null ? ctx.merges?.get(mergeId) ?? null : null;
  return specShape('DashboardElement', {
    can: { ...partCan(view, ctx), explore: resultQuery !== null, see_lookml: ctx.permissions.has('see_lookml') },
    body_text: strOrNull(a.body_text), body_text_as_html: markdownHtml(strOrNull(a.body_text)), dashboard_id: r.dashboard_id,
    dashboard_layout_id: null, edit_uri: editUri(view), id: r.id, look: ctx.looks?.get(r.id) ?? null, look_id: r.look_id,
    lookml_link_id: strOrNull(a.lookml_link_id), merge_result_id: strOrNull(a.merge_result_id), note_display: strOrNull(a.note_display),
    note_state: strOrNull(a.note_state), note_text: noteText, note_text_as_html: markdownHtml(noteText),
    query: e.query ? ctx.query(e.query) : null, query_id: r.query_id, filter_id: strOrNull(a.filter_id), refresh_interval: refresh,
    refresh_interval_to_i: refreshIntervalMs(refresh),
    result_maker: resultQuery && q ? {
      id: r.id, dynamic_fields: rm.dynamic_fields ?? q.dynamic_fields ?? null,
      filterables: [{ model: q.model, view: q.view, name: r.title ?? strOrNull(a.lookml_link_id), listen: e.listen.map((l) => ({ ...l })) }],
      sorts: rm.sorts ?? q.sorts ?? null, merge_result_id: strOrNull(a.merge_result_id), total: rm.total ?? q.total ?? false,
      query_id: resultQuery.id, sql_query_id: rm.sql_query_id ?? null, query: ctx.query(resultQuery), vis_config: rm.vis_config ?? q.vis_config ?? null,
    } : merged ? {
      // A merged-results tile: one filterable per source query, with the listeners that apply to it.
      id: r.id, dynamic_fields: null, sorts: null, total: false, query_id: null, sql_query_id: null, query: null, merge_result_id: mergeId,
      filterables: merged.sources.map((s) => ({ model: s.query.model, view: s.query.view, name: s.name ?? r.title, listen: listenForQuery(s.query, e.listen).map((l) => ({ ...l })) })),
      vis_config: rm.vis_config ?? merged.vis_config ?? null,
    } : null,
    result_maker_id: resultQuery || merged ? r.id : null, subtitle_text: subtitleText, title: r.title, title_hidden: a.title_hidden === true,
    title_text: titleText, type: r.type, alert_count: 0, rich_content_json: strOrNull(a.rich_content_json),
    title_text_as_html: markdownHtml(titleText), subtitle_text_as_html: markdownHtml(subtitleText), extension_id: strOrNull(a.extension_id),
    aria_description: strOrNull(a.aria_description), certification_metadata: a.certification_metadata ?? null,
  });
}

export function filterJson(f: DashboardFilterRecord, view: DashboardView, ctx: DashboardJsonContext): Json {
  const a = f.attrs;
  return specShape('DashboardFilter', {
    can: partCan(view, ctx), id: f.id, dashboard_id: f.dashboard_id, name: f.name, title: attr(a, 'title', f.name), type: attr(a, 'type', null),
    default_value: attr(a, 'default_value', null), model: attr(a, 'model', null), explore: attr(a, 'explore', null),
    dimension: attr(a, 'dimension', null), field: ctx.filterFields?.get(f.id) ?? null, row: attr(a, 'row', null),
    listens_to_filters: attr(a, 'listens_to_filters', []), allow_multiple_values: attr(a, 'allow_multiple_values', true),
    required: attr(a, 'required', false), ui_config: attr(a, 'ui_config', null),
  });
}

export function layoutJson(l: LayoutView, detail: DashboardDetail, ctx: DashboardJsonContext): Json {
  const a = l.layout.attrs;
  return specShape('DashboardLayout', {
    can: partCan(detail.view, ctx), id: l.layout.id, dashboard_id: l.layout.dashboard_id, type: attr(a, 'type', 'newspaper'),
    active: l.layout.active, column_width: attr(a, 'column_width', null), width: attr(a, 'width', null), deleted: false,
    dashboard_title: detail.view.record.title, dashboard_layout_components: l.components.map((c) => componentJson(c, detail, ctx)),
    label: attr(a, 'label', null), description: attr(a, 'description', null), order: attr(a, 'order', null),
    lookml_link_id: attr(a, 'lookml_link_id', null),
  });
}

export function componentJson(c: DashboardLayoutComponentRecord, detail: DashboardDetail, ctx: DashboardJsonContext): Json {
  const a = c.attrs;
  const element = detail.elements.find((e) => e.record.id === c.dashboard_element_id);
  const q = element?.query ?? element?.lookQuery;
  const vis = q ? (JSON.parse(q.body) as { vis_config: Record<string, unknown> | null }).vis_config : null;
  const rm = element && typeof element.record.attrs.result_maker === 'object' && element.record.attrs.result_maker !== null
    ? element.record.attrs.result_maker as { vis_config?: Record<string, unknown> | null } : {};
  const visType = strOrNull(rm.vis_config?.type) ?? strOrNull(vis?.type) ?? (element?.record.type === 'text' ? 'text' : null);
  return specShape('DashboardLayoutComponent', {
    can: partCan(detail.view, ctx), id: c.id, dashboard_layout_id: c.dashboard_layout_id, dashboard_element_id: c.dashboard_element_id,
    row: attr(a, 'row', null), column: attr(a, 'column', null), width: attr(a, 'width', null), height: attr(a, 'height', null),
    deleted: a.deleted === true,
    element_title: element ? element.record.title ?? strOrNull(element.record.attrs.title_text) ?? element.look?.title ?? null : null,
    element_title_hidden: element?.record.attrs.title_hidden === true, vis_type: visType,
    granular_row: attr(a, 'granular_row', null), granular_column: attr(a, 'granular_column', null),
    granular_width: attr(a, 'granular_width', null), granular_height: attr(a, 'granular_height', null),
  });
}
