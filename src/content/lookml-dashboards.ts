/**
 * LookML dashboards (`*.dashboard.lookml`) as Looker's API shows them: id `<model>::<name>`, in the
 * "LookML Dashboards" folder (`lookml`), read-only, resolved in the caller's workspace, so a
 * dashboard that exists only on a dev branch is visible only to that branch's developer in dev
 * mode. The model in the id is the one that includes the file (else the project's first model, by
 * name). Query elements become stored query objects (de-duplicated by content) on every read, so
 * their `query_id` runs with `run_query` like any other.
 */
import type { LookmlDashboard } from '../lookml/dashboard.ts';
import { canonicalQuery, type CanonicalQuery } from '../queries/canonical.ts';
import type { MergeDefinition, MergeSource } from '../queries/merge.ts';
import type { SyncPlan } from '../store/dashboards.ts';
import type { DashboardElementRecord, DashboardFilterRecord, DashboardLayoutComponentRecord, DashboardRecord, QueryRecord } from '../store/index.ts';
import { WorkspaceError, type Caller, type Workspaces } from '../workspaces/index.ts';
import { listenFromLookml, nextPlacement, type ListenEntry, type Placement } from './dashboards-logic.ts';
import { LOOKML_FOLDER_ID, type DashboardDetail, type DashboardView, type ElementView, type LookmlSource } from './dashboards-types.ts';

export interface LookmlDashboardRef {
  readonly id: string;
  readonly source: LookmlSource;
  readonly dashboard: LookmlDashboard;
}

/** `model::name`, or null when `id` is not a LookML dashboard id. */
export function parseLookmlDashboardId(id: string): { model: string; name: string; rest: string[] } | null {
  const parts = id.split('::');
  const [model, name, ...rest] = parts;
  if (model === undefined || name === undefined || model === '' || name === '') return null;
  return { model, name, rest };
}

export function isLookmlDashboardId(id: string): boolean {
  return id.includes('::');
}

/** Every LookML dashboard of the caller's workspace (production: deployed projects only), by id. */
export async function lookmlDashboards(workspaces: Workspaces, caller: Caller): Promise<LookmlDashboardRef[]> {
  const out = new Map<string, LookmlDashboardRef>();
  for (const project of await workspaces.allProjects()) {
    if (caller.workspace === 'production' && project.deployed_commit === null) continue;
    let loaded;
    try {
      ({ loaded } = await workspaces.load(project.id, caller));
    } catch (error) {
      // One project that cannot be read (no dev copy yet, a broken remote) must not hide the others.
      if (error instanceof WorkspaceError) continue;
      throw error;
    }
    const models = Object.values(loaded.project.models).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (models.length === 0) continue;
    for (const dashboard of loaded.dashboards) {
      const model = models.find((m) => m.dashboards?.includes(dashboard.loc.file)) ?? models[0];
      if (!model) continue;
      const id = `${model.name}::${dashboard.name}`;
      if (out.has(id)) continue;
      out.set(id, { id, dashboard, source: { projectId: project.id, model: model.name, name: dashboard.name, file: dashboard.loc.file, line: dashboard.loc.line } });
    }
  }
  return [...out.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export async function findLookmlDashboard(workspaces: Workspaces, caller: Caller, id: string): Promise<LookmlDashboardRef | null> {
  const parsed = parseLookmlDashboardId(id);
  if (!parsed) return null;
  return (await lookmlDashboards(workspaces, caller)).find((d) => d.id === `${parsed.model}::${parsed.name}`) ?? null;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null);

/** Element keys that describe the query; the rest of a vis element (except layout keys) is its vis config. */
const QUERY_KEYS = new Set([
  'model', 'explore', 'fields', 'pivots', 'fill_fields', 'filters', 'sorts', 'limit', 'column_limit', 'total', 'row_total',
  'subtotals', 'dynamic_fields', 'query_timezone', 'filter_expression',
]);
const ELEMENT_KEYS = new Set([
  'name', 'title', 'title_text', 'subtitle_text', 'body_text', 'note', 'listen', 'row', 'col', 'width', 'height', 'top', 'left',
  'refresh', 'merged_queries', 'join_fields', 'type', 'look_id',
]);

function stringList(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  const list = Array.isArray(v) ? v : [v];
  return list.map((x) => str(x)).filter((x): x is string => x !== null);
}

/** A LookML element's query in the canonical form, or null for text/button/merged elements. */
export function lookmlElementQuery(element: Readonly<Record<string, unknown>>): CanonicalQuery | null {
  const model = str(element.model);
  const explore = str(element.explore);
  if (model === null || explore === null) return null;
  const filters: Record<string, string> = {};
  if (isRecord(element.filters)) {
    for (const [k, v] of Object.entries(element.filters)) {
      const value = v === null ? '' : str(v);
      if (value !== null) filters[k] = value;
    }
  }
  const visConfig: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(element)) if (!QUERY_KEYS.has(k) && !ELEMENT_KEYS.has(k)) visConfig[k] = v;
  if (typeof element.type === 'string') visConfig.type = element.type;
  const parsed = canonicalQuery({
    model, view: explore, fields: stringList(element.fields) ?? [], pivots: stringList(element.pivots), fill_fields: stringList(element.fill_fields),
    filters: Object.keys(filters).length > 0 ? filters : undefined, sorts: stringList(element.sorts), limit: str(element.limit),
    column_limit: str(element.column_limit), total: element.total === true, row_total: str(element.row_total),
    subtotals: stringList(element.subtotals), query_timezone: str(element.query_timezone), filter_expression: str(element.filter_expression),
    dynamic_fields: element.dynamic_fields === undefined || element.dynamic_fields === null ? undefined
      : typeof element.dynamic_fields === 'string' ? element.dynamic_fields : JSON.stringify(element.dynamic_fields),
    vis_config: visConfig,
  });
  return 'query' in parsed ? parsed.query : null;
}

function elementType(element: Readonly<Record<string, unknown>>): string {
  const t = str(element.type);
  if (t === 'text' || t === 'button' || t === 'extension') return t;
  return 'vis';
}

/** Unique, stable element names: the `name:` key, else `element_<n>`; repeats get `_<n>` appended. */
function elementNames(elements: readonly Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  return elements.map((e, i) => {
    let name = str(e.name) ?? `element_${i + 1}`;
    if (seen.has(name)) name = `${name}_${i + 1}`;
    seen.add(name);
    return name;
  });
}

function placements(elements: readonly Record<string, unknown>[]): Placement[] {
  const placed: Placement[] = [];
  for (const e of elements) {
    const row = int(e.row);
    const column = int(e.col);
    const width = int(e.width);
    const height = int(e.height);
    const size = { width: width !== null && width <= 24 ? width : 8, height: height !== null && height <= 100 ? height : 6 };
    placed.push(row !== null && column !== null ? { row, column, ...size } : nextPlacement(placed, size));
  }
  return placed;
}

/** Dashboard members as LookML names them → the dashboard attribute they are (both directions). */
export const LOOKML_DASHBOARD_MEMBERS: readonly (readonly [lookml: string, attr: string])[] = [
  ['preferred_viewer', 'preferred_viewer'], ['refresh', 'refresh_interval'], ['query_timezone', 'query_timezone'],
  ['crossfilter_enabled', 'crossfilter_enabled'], ['filters_bar_collapsed', 'filters_bar_collapsed'],
  ['filters_location_top', 'filters_location_top'], ['enable_viz_full_screen', 'enable_viz_full_screen'],
  ['background_color', 'background_color'], ['title_color', 'title_color'], ['tile_text_color', 'tile_text_color'],
  ['text_tile_text_color', 'text_tile_text_color'], ['tile_background_color', 'tile_background_color'],
];

/** The dashboard-level writable attributes Looker lifts from the LookML. */
export function lookmlDashboardAttrs(raw: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [from, to] of LOOKML_DASHBOARD_MEMBERS) if (raw[from] !== undefined && raw[from] !== null) out[to] = raw[from];
  if (raw.auto_run === false) out.load_configuration = 'wait';
  if (typeof out.refresh_interval !== 'string') delete out.refresh_interval;
  return out;
}

export interface LookmlDetailDeps {
  readonly saveQuery: (query: CanonicalQuery) => Promise<QueryRecord>;
  /** Stores a merged-results tile's merge query (de-duplicated by content); its id. */
  readonly saveMerge: (definition: MergeDefinition) => Promise<string>;
}

/**
 * A `merged_queries:` tile's merge query: each entry is a query (the first is the primary) whose
 * `join_fields` match its fields to the primary's; the tile's own vis config goes with it.
 */
async function mergedTile(element: Readonly<Record<string, unknown>>, deps: LookmlDetailDeps): Promise<string | null> {
  const entries = Array.isArray(element.merged_queries) ? element.merged_queries.filter(isRecord) : [];
  if (entries.length === 0) return null;
  const sources: MergeSource[] = [];
  for (const entry of entries) {
    const query = lookmlElementQuery(entry);
    if (query === null) return null;
    const stored = await deps.saveQuery(query);
    const joins = Array.isArray(entry.join_fields) ? entry.join_fields.filter(isRecord) : [];
    const merge_fields = joins.flatMap((j) => {
      const field = str(j.field_name);
      const source = str(j.source_field_name);
      return field !== null && source !== null ? [{ field_name: field, source_field_name: source }] : [];
    });
    sources.push({ query_id: stored.id, name: str(entry.title), merge_fields });
  }
  const visConfig: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(element)) if (!ELEMENT_KEYS.has(k) && !QUERY_KEYS.has(k)) visConfig[k] = v;
  if (typeof element.type === 'string') visConfig.type = element.type;
  return deps.saveMerge({
    source_queries: sources, pivots: null, sorts: null, limit: null, column_limit: null, total: false, dynamic_fields: null,
    vis_config: Object.keys(visConfig).length > 0 ? visConfig : null,
  });
}

/** The dashboard itself (no elements): what lists show. LookML dashboards are viewable, never editable. */
export function lookmlDashboardView(ref: LookmlDashboardRef): DashboardView {
  const d = ref.dashboard;
  const record: DashboardRecord = {
    id: ref.id, title: d.title ?? d.name, description: d.description ?? null, folder_id: LOOKML_FOLDER_ID, user_id: null, slug: '',
    deleted: false, deleted_at: null, attrs: lookmlDashboardAttrs(d.raw), content_metadata_id: '', created_at: '', updated_at: '',
  };
  return { kind: 'lookml', record, access: 'view', folder: null, lookml: ref.source };
}

/** The dashboard with elements (queries stored on the fly), filters and its one layout. */
export async function lookmlDashboardDetail(ref: LookmlDashboardRef, deps: LookmlDetailDeps): Promise<DashboardDetail> {
  const d = ref.dashboard;
  const id = ref.id;
  const names = elementNames(d.elements);
  const places = placements(d.elements);
  const elements: ElementView[] = [];
  const components: DashboardLayoutComponentRecord[] = [];
  const layoutId = `${id}::layout`;
  for (const [i, e] of d.elements.entries()) {
    const name = names[i] ?? `element_${i + 1}`;
    const elementId = `${id}::element::${name}`;
    const query = lookmlElementQuery(e);
    const stored = query ? await deps.saveQuery(query) : null;
    const mergeId = query ? null : await mergedTile(e, deps);
    const listen: ListenEntry[] = query || mergeId !== null ? listenFromLookml(e.listen) : [];
    const note = isRecord(e.note) ? e.note : {};
    const type = elementType(e);
    const attrs: Record<string, unknown> = {
      lookml_link_id: name, title_hidden: false,
      ...(type === 'text' ? { title_text: str(e.title_text) ?? str(e.title), subtitle_text: str(e.subtitle_text), body_text: str(e.body_text) } : {}),
      ...(str(note.text) !== null ? { note_text: str(note.text), note_state: str(note.state), note_display: str(note.display) } : {}),
      ...(str(e.refresh) !== null ? { refresh_interval: str(e.refresh) } : {}),
      ...(query ? { result_maker: { vis_config: query.vis_config, dynamic_fields: query.dynamic_fields, sorts: query.sorts, total: query.total } } : {}),
      ...(mergeId !== null ? { merge_result_id: mergeId } : {}),
    };
    const element: DashboardElementRecord = {
      id: elementId, dashboard_id: id, type, title: type === 'text' ? null : str(e.title), query_id: stored?.id ?? null, look_id: null, attrs,
    };
    elements.push({ record: element, query: stored, look: null, lookQuery: null, listen });
    const p = places[i] ?? nextPlacement([]);
    components.push({
      id: `${id}::component::${name}`, dashboard_layout_id: layoutId, dashboard_element_id: elementId,
      attrs: { row: p.row, column: p.column, width: p.width, height: p.height },
    });
  }
  const filters: DashboardFilterRecord[] = d.filters.map((f, i) => {
    const name = str(f.name) ?? `filter_${i + 1}`;
    return {
      id: `${id}::filter::${name}`, dashboard_id: id, name,
      attrs: {
        title: str(f.title) ?? name, type: str(f.type) ?? 'field_filter', default_value: f.default_value === null ? null : str(f.default_value),
        model: str(f.model), explore: str(f.explore), dimension: str(f.field) ?? str(f.dimension), row: i,
        listens_to_filters: stringList(f.listens_to_filters) ?? [], allow_multiple_values: f.allow_multiple_values !== false,
        required: f.required === true, ui_config: isRecord(f.ui_config) ? f.ui_config : null,
      },
    };
  });
  return {
    view: lookmlDashboardView(ref),
    elements,
    filters,
    layouts: [{
      layout: { id: layoutId, dashboard_id: id, active: true, attrs: { type: str(d.layout) ?? 'newspaper', lookml_link_id: d.name } },
      components,
    }],
  };
}

/**
 * What a user-defined dashboard linked to this LookML dashboard copies from it (import and sync):
 * its attributes with `lookml_link_id` naming it, filters, elements (keyed by their LookML names,
 * with their listeners) and their positions on the LookML layout. The title is the caller's choice.
 */
export function lookmlSyncPlan(detail: DashboardDetail): SyncPlan {
  const layout = detail.layouts[0];
  return {
    description: detail.view.record.description,
    attrs: { ...detail.view.record.attrs, lookml_link_id: detail.view.record.id },
    layout: layout ? { type: layout.layout.attrs.type ?? 'newspaper', lookml_link_id: layout.layout.attrs.lookml_link_id ?? null } : { type: 'newspaper' },
    filters: detail.filters.map((f) => ({ name: f.name, attrs: f.attrs })),
    elements: detail.elements.map((e, i) => {
      const component = layout?.components.find((c) => c.dashboard_element_id === e.record.id);
      return {
        link: str(e.record.attrs.lookml_link_id) ?? `element_${i + 1}`, type: e.record.type, title: e.record.title, query_id: e.record.query_id,
        attrs: { ...e.record.attrs, listen: e.listen.map((l) => ({ ...l })) }, component: component?.attrs ?? {},
      };
    }),
  };
}
