/**
 * The parts of a dashboard: elements (query, look and text tiles), filters, layouts and their
 * components, and the query an element runs with the dashboard's filter values applied. Reading
 * works on user-defined and LookML dashboards alike; changes need edit access on a user-defined one.
 */
import { canonicalQuery, type CanonicalQuery } from '../queries/canonical.ts';
import type {
  DashboardElementRecord, DashboardFilterRecord, DashboardLayoutComponentRecord, DashboardLayoutRecord, QueryRecord,
} from '../store/index.ts';
import {
  elementQueryWithFilters, listenFromResultMaker, nextPlacement, renameListen, resolveFilterValues, type ListenEntry, type Placement,
} from './dashboards-logic.ts';
import type { DashboardDetail, DashboardView, ElementView, LayoutView } from './dashboards-types.ts';
import { pickAttrs, storedListen, text, type DashboardInput, type Dashboards, type Who } from './dashboards.ts';
import { ContentError } from './errors.ts';
import { isLookmlDashboardId, parseLookmlDashboardId } from './lookml-dashboards.ts';

/** Writable DashboardElement members kept in `attrs`. */
const ELEMENT_ATTRS = [
  'body_text', 'subtitle_text', 'title_text', 'title_hidden', 'note_display', 'note_state', 'note_text', 'refresh_interval',
  'rich_content_json', 'extension_id', 'aria_description', 'merge_result_id', 'filter_id', 'certification_metadata',
] as const;
/** Writable ResultMaker members kept in `attrs.result_maker` (filterables become `attrs.listen`). */
const RESULT_MAKER_ATTRS = ['dynamic_fields', 'sorts', 'merge_result_id', 'total', 'sql_query_id', 'vis_config'] as const;
/** DashboardFilter members kept in `attrs` (the name is a column). */
const FILTER_ATTRS = [
  'title', 'type', 'default_value', 'model', 'explore', 'dimension', 'row', 'listens_to_filters', 'allow_multiple_values',
  'required', 'ui_config',
] as const;
const COMPONENT_ATTRS = ['row', 'column', 'width', 'height', 'deleted', 'granular_row', 'granular_column', 'granular_width', 'granular_height'] as const;
/** Writable DashboardLayout members kept in `attrs` (`active` is a column). */
const LAYOUT_ATTRS = ['type', 'column_width', 'width', 'label', 'description', 'order', 'lookml_link_id'] as const;
/** The layout types of Looker's dashboards (`layout:` in LookML dashboards). */
const LAYOUT_TYPES = ['newspaper', 'static', 'tile', 'grid'] as const;
const FILTER_DEFAULTS = { allow_multiple_values: true, required: false, listens_to_filters: [] as string[] };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function placementOf(c: DashboardLayoutComponentRecord): Placement | null {
  const { row, column, width, height } = c.attrs;
  if (typeof row !== 'number' || typeof column !== 'number' || typeof width !== 'number' || typeof height !== 'number') return null;
  return { row, column, width, height };
}

export interface ElementQuery {
  readonly dashboard: DashboardView;
  readonly element: ElementView;
  /** The values applied, by dashboard filter name (defaults, then the given ones). */
  readonly values: Readonly<Record<string, string>>;
  readonly query: CanonicalQuery;
  /** The merged query, stored (so `run_query` with its id runs it). */
  readonly stored: QueryRecord;
}

export class DashboardParts {
  readonly #d: Dashboards;

  constructor(dashboards: Dashboards) {
    this.#d = dashboards;
  }

  get #store(): Dashboards['store'] {
    return this.#d.store;
  }

  // Reading ------------------------------------------------------------------------------------------

  /** The detail of the dashboard a part id belongs to (LookML part ids start with the dashboard's id). */
  async #detailOfPart(who: Who, partId: string, load: (id: string) => Promise<{ dashboard_id: string } | null>, what: string): Promise<DashboardDetail> {
    if (isLookmlDashboardId(partId)) {
      const parsed = parseLookmlDashboardId(partId);
      if (!parsed) throw new ContentError('not_found', `${what} ${partId} not found.`);
      return this.#d.detail(who, `${parsed.model}::${parsed.name}`);
    }
    const part = await load(partId);
    if (!part) throw new ContentError('not_found', `${what} ${partId} not found.`);
    try {
      return await this.#d.detail(who, part.dashboard_id);
    } catch (error) {
      if (error instanceof ContentError && error.code === 'not_found') throw new ContentError('not_found', `${what} ${partId} not found.`);
      throw error;
    }
  }

  async element(who: Who, id: string): Promise<{ detail: DashboardDetail; element: ElementView }> {
    const detail = await this.#detailOfPart(who, id, (i) => this.#store.dashboards.element(i), 'Dashboard element');
    const element = detail.elements.find((e) => e.record.id === id);
    if (!element) throw new ContentError('not_found', `Dashboard element ${id} not found.`);
    return { detail, element };
  }

  async filter(who: Who, id: string): Promise<{ detail: DashboardDetail; filter: DashboardFilterRecord }> {
    const detail = await this.#detailOfPart(who, id, (i) => this.#store.dashboards.filter(i), 'Dashboard filter');
    const filter = detail.filters.find((f) => f.id === id);
    if (!filter) throw new ContentError('not_found', `Dashboard filter ${id} not found.`);
    return { detail, filter };
  }

  async layout(who: Who, id: string): Promise<{ detail: DashboardDetail; layout: LayoutView }> {
    const detail = await this.#detailOfPart(who, id, (i) => this.#store.dashboards.layout(i), 'Dashboard layout');
    const layout = detail.layouts.find((l) => l.layout.id === id);
    if (!layout) throw new ContentError('not_found', `Dashboard layout ${id} not found.`);
    return { detail, layout };
  }

  async component(who: Who, id: string): Promise<{ detail: DashboardDetail; layout: LayoutView; component: DashboardLayoutComponentRecord }> {
    const detail = await this.#detailOfPart(who, id, async (i) => {
      const c = await this.#store.dashboards.layoutComponent(i);
      const l = c ? await this.#store.dashboards.layout(c.dashboard_layout_id) : null;
      return l ? { dashboard_id: l.dashboard_id } : null;
    }, 'Dashboard layout component');
    for (const layout of detail.layouts) {
      const component = layout.components.find((c) => c.id === id);
      if (component) return { detail, layout, component };
    }
    throw new ContentError('not_found', `Dashboard layout component ${id} not found.`);
  }

  // Elements -----------------------------------------------------------------------------------------

  /** The element's query id from `query_id`, an inline `query`, `result_maker.query` or `result_maker_id`. */
  async #queryIdOf(input: DashboardInput): Promise<string | null | undefined> {
    if (input.query_id !== undefined) {
      if (input.query_id === null) return null;
      const id = text(input.query_id, 'query_id') ?? '';
      if (!(await this.#store.queries.query(id))) throw new ContentError('invalid', `Query ${id} not found.`, 'query_id');
      return id;
    }
    const resultMaker = isRecord(input.result_maker) ? input.result_maker : {};
    const inline = isRecord(input.query) ? input.query : isRecord(resultMaker.query) ? resultMaker.query : null;
    if (inline) {
      const parsed = canonicalQuery(inline);
      if ('problems' in parsed) {
        const p = parsed.problems[0];
        throw new ContentError('invalid', `query: ${p?.message ?? 'invalid query'}`, `query.${p?.field ?? ''}`);
      }
      return (await this.#store.queries.saveQuery(JSON.stringify(parsed.query))).id;
    }
    if (input.result_maker_id !== undefined && input.result_maker_id !== null) {
      // Result makers are not separate rows here: a result_maker_id names the element whose query to reuse.
      const id = text(input.result_maker_id, 'result_maker_id') ?? '';
      const source = await this.#store.dashboards.element(id);
      if (!source?.query_id) throw new ContentError('invalid', `Result maker ${id} not found.`, 'result_maker_id');
      return source.query_id;
    }
    return undefined;
  }

  async #lookIdOf(who: Who, input: DashboardInput): Promise<string | null | undefined> {
    if (input.look_id === undefined) return undefined;
    if (input.look_id === null) return null;
    const id = text(input.look_id, 'look_id') ?? '';
    const look = await this.#store.folders.look(id);
    if (!look || (await this.#d.access.folderAccess(who, look.folder_id)) === 'none') throw new ContentError('invalid', `Look ${id} not found.`, 'look_id');
    return id;
  }

  /** Listeners for each field filter of the dashboard on the element's explore (create_dashboard_element `apply_filters`). */
  #autoListen(filters: readonly DashboardFilterRecord[], query: CanonicalQuery | null): ListenEntry[] {
    if (!query) return [];
    return filters.filter((f) => f.attrs.model === query.model && f.attrs.explore === query.view && typeof f.attrs.dimension === 'string')
      .map((f) => ({ dashboard_filter_name: f.name, field: f.attrs.dimension as string }));
  }

  #resultMakerAttrs(input: DashboardInput, previous: Readonly<Record<string, unknown>> = {}): Record<string, unknown> | undefined {
    if (!isRecord(input.result_maker)) return undefined;
    return { ...previous, ...pickAttrs(input.result_maker, RESULT_MAKER_ATTRS) };
  }

  async createElement(who: Who, input: DashboardInput, options: { applyFilters?: boolean } = {}): Promise<ElementView> {
    const dashboardId = text(input.dashboard_id, 'dashboard_id');
    if (dashboardId === undefined || dashboardId === '') throw new ContentError('invalid', 'dashboard_id is required.', 'dashboard_id');
    const dashboard = await this.#d.editable(who, dashboardId);
    const queryId = (await this.#queryIdOf(input)) ?? null;
    const lookId = (await this.#lookIdOf(who, input)) ?? null;
    const attrs: Record<string, unknown> = pickAttrs(input, ELEMENT_ATTRS);
    const hasText = ['body_text', 'title_text', 'subtitle_text'].some((k) => typeof input[k] === 'string');
    const type = text(input.type, 'type') ?? (queryId !== null || lookId !== null || attrs.merge_result_id != null ? 'vis' : hasText ? 'text' : 'vis');
    this.#assertTypeFits(type, queryId, lookId, attrs);
    const resultMaker = this.#resultMakerAttrs(input);
    if (resultMaker) attrs.result_maker = resultMaker;
    let listen = listenFromResultMaker(input.result_maker);
    if (options.applyFilters === true && listen.length === 0) {
      const query = queryId === null ? null : await this.#store.queries.query(queryId);
      listen = this.#autoListen(await this.#store.dashboards.filters(dashboard.record.id), query ? JSON.parse(query.body) as CanonicalQuery : null);
    }
    if (listen.length > 0) attrs.listen = listen;
    // Each layout places the new tile in its own first free slot.
    const byLayout = new Map<string, Record<string, unknown>>();
    for (const layout of await this.#store.dashboards.layouts(dashboard.record.id)) {
      const placed = (await this.#store.dashboards.layoutComponents(layout.id)).map(placementOf).filter((p): p is Placement => p !== null);
      byLayout.set(layout.id, { ...nextPlacement(placed) });
    }
    const record = await this.#store.dashboards.createElement({
      dashboard_id: dashboard.record.id, type, title: input.title === null ? null : text(input.title, 'title') ?? null,
      query_id: queryId, look_id: lookId, attrs,
    }, { ...nextPlacement([]) }, byLayout);
    return this.#d.elementView(who, record);
  }

  #assertTypeFits(type: string, queryId: string | null, lookId: string | null, attrs: Readonly<Record<string, unknown>>): void {
    if (type === 'vis' && queryId === null && lookId === null && (attrs.merge_result_id === undefined || attrs.merge_result_id === null)) {
      throw new ContentError('invalid', 'Must provide either a look_id, query_id, or merge_result_id for non-text dashboard element', 'type');
    }
    if (type === 'text' && (queryId !== null || lookId !== null)) {
      throw new ContentError('invalid', 'A text dashboard element cannot have a query or a look.', 'type');
    }
  }

  async #editableElement(who: Who, id: string): Promise<{ dashboard: DashboardView; record: DashboardElementRecord }> {
    const { detail, element } = await this.element(who, id);
    const dashboard = await this.#d.editable(who, detail.view.record.id);
    return { dashboard, record: element.record };
  }

  async updateElement(who: Who, id: string, input: DashboardInput): Promise<ElementView> {
    const { record } = await this.#editableElement(who, id);
    const queryId = await this.#queryIdOf(input);
    const lookId = await this.#lookIdOf(who, input);
    const attrs: Record<string, unknown> = { ...record.attrs, ...pickAttrs(input, ELEMENT_ATTRS) };
    const resultMaker = this.#resultMakerAttrs(input, isRecord(record.attrs.result_maker) ? record.attrs.result_maker : {});
    if (resultMaker) attrs.result_maker = resultMaker;
    if (isRecord(input.result_maker) && Array.isArray(input.result_maker.filterables)) attrs.listen = listenFromResultMaker(input.result_maker);
    const type = text(input.type, 'type') ?? record.type;
    this.#assertTypeFits(type, queryId === undefined ? record.query_id : queryId, lookId === undefined ? record.look_id : lookId, attrs);
    const updated = await this.#store.dashboards.updateElement(record.id, {
      type, attrs,
      ...(input.title === undefined ? {} : { title: input.title === null ? null : text(input.title, 'title') ?? null }),
      ...(queryId === undefined ? {} : { query_id: queryId }),
      ...(lookId === undefined ? {} : { look_id: lookId }),
    });
    if (!updated) throw new ContentError('not_found', `Dashboard element ${id} not found.`);
    return this.#d.elementView(who, updated);
  }

  /** Removes the element and its layout components. */
  async deleteElement(who: Who, id: string): Promise<void> {
    const { record } = await this.#editableElement(who, id);
    await this.#store.dashboards.deleteElement(record.id);
  }

  // Filters ------------------------------------------------------------------------------------------

  async createFilter(who: Who, input: DashboardInput): Promise<DashboardFilterRecord> {
    const dashboardId = text(input.dashboard_id, 'dashboard_id');
    if (dashboardId === undefined || dashboardId === '') throw new ContentError('invalid', 'dashboard_id is required.', 'dashboard_id');
    const dashboard = await this.#d.editable(who, dashboardId);
    const name = text(input.name, 'name')?.trim();
    if (name === undefined || name === '') throw new ContentError('invalid', 'A dashboard filter name is required.', 'name');
    for (const k of ['title', 'type'] as const) {
      if (typeof input[k] !== 'string' || input[k] === '') throw new ContentError('invalid', `${k} is required.`, k);
    }
    const existing = await this.#store.dashboards.filters(dashboard.record.id);
    if (existing.some((f) => f.name === name)) throw new ContentError('conflict', `Dashboard ${dashboardId} already has a filter named "${name}".`);
    return this.#store.dashboards.createFilter({
      dashboard_id: dashboard.record.id, name, attrs: { ...FILTER_DEFAULTS, row: existing.length, ...pickAttrs(input, FILTER_ATTRS) },
    });
  }

  async #editableFilter(who: Who, id: string): Promise<{ dashboard: DashboardView; filter: DashboardFilterRecord }> {
    const { detail, filter } = await this.filter(who, id);
    return { dashboard: await this.#d.editable(who, detail.view.record.id), filter };
  }

  /** A renamed filter keeps its listening tiles (their listen entries follow the new name). */
  async updateFilter(who: Who, id: string, input: DashboardInput): Promise<DashboardFilterRecord> {
    const { dashboard, filter } = await this.#editableFilter(who, id);
    const name = text(input.name, 'name')?.trim();
    if (name === '') throw new ContentError('invalid', 'A dashboard filter name cannot be empty.', 'name');
    if (name !== undefined && name !== filter.name) {
      const siblings = await this.#store.dashboards.filters(dashboard.record.id);
      if (siblings.some((f) => f.name === name)) throw new ContentError('conflict', `Dashboard ${dashboard.record.id} already has a filter named "${name}".`);
      for (const e of await this.#store.dashboards.elements(dashboard.record.id)) {
        const listen = storedListen(e.attrs);
        if (listen.some((l) => l.dashboard_filter_name === filter.name)) {
          await this.#store.dashboards.updateElement(e.id, { attrs: { ...e.attrs, listen: renameListen(listen, filter.name, name) } });
        }
      }
    }
    const updated = await this.#store.dashboards.updateFilter(filter.id, {
      ...(name === undefined ? {} : { name }), attrs: { ...filter.attrs, ...pickAttrs(input, FILTER_ATTRS) },
    });
    if (!updated) throw new ContentError('not_found', `Dashboard filter ${id} not found.`);
    return updated;
  }

  /** Removes the filter and the listen entries that named it. */
  async deleteFilter(who: Who, id: string): Promise<void> {
    const { dashboard, filter } = await this.#editableFilter(who, id);
    for (const e of await this.#store.dashboards.elements(dashboard.record.id)) {
      const listen = storedListen(e.attrs);
      if (listen.some((l) => l.dashboard_filter_name === filter.name)) {
        await this.#store.dashboards.updateElement(e.id, { attrs: { ...e.attrs, listen: listen.filter((l) => l.dashboard_filter_name !== filter.name) } });
      }
    }
    await this.#store.dashboards.deleteFilter(filter.id);
  }

  // Layouts ------------------------------------------------------------------------------------------

  /**
   * A new layout on a dashboard the caller may edit, with a component for every element: placed as
   * in the active layout, or (unplaced there) in the first free slot. Inactive unless `active: true`,
   * which makes it the dashboard's only active layout.
   */
  async createLayout(who: Who, input: DashboardInput): Promise<DashboardLayoutRecord> {
    const dashboardId = text(input.dashboard_id, 'dashboard_id');
    if (dashboardId === undefined || dashboardId === '') throw new ContentError('invalid', 'dashboard_id is required.', 'dashboard_id');
    const dashboard = await this.#d.editable(who, dashboardId);
    const active = this.#activeFlag(input.active) ?? false;
    const layouts = await this.#store.dashboards.layouts(dashboard.record.id);
    const current = layouts.find((l) => l.active) ?? layouts[0];
    const from = new Map((current ? await this.#store.dashboards.layoutComponents(current.id) : []).map((c) => [c.dashboard_element_id, c]));
    const components = new Map<string, Record<string, unknown>>();
    const placed: Placement[] = [];
    const unplaced: string[] = [];
    for (const e of await this.#store.dashboards.elements(dashboard.record.id)) {
      const c = from.get(e.id);
      const p = c ? placementOf(c) : null;
      if (c && p) {
        components.set(e.id, pickAttrs(c.attrs, COMPONENT_ATTRS));
        placed.push(p);
      } else {
        unplaced.push(e.id);
      }
    }
    for (const id of unplaced) {
      const p = nextPlacement(placed);
      placed.push(p);
      components.set(id, { ...p });
    }
    return this.#store.dashboards.createLayout({ dashboard_id: dashboard.record.id, active, attrs: { type: 'newspaper', ...this.#layoutAttrs(input) } }, components);
  }

  #activeFlag(value: unknown): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw new ContentError('invalid', 'active must be a boolean.', 'active');
    return value;
  }

  #layoutAttrs(input: DashboardInput): Record<string, unknown> {
    const attrs = pickAttrs(input, LAYOUT_ATTRS);
    if (attrs.type !== undefined && !(LAYOUT_TYPES as readonly unknown[]).includes(attrs.type)) {
      throw new ContentError('invalid', `type must be one of ${LAYOUT_TYPES.join(', ')}.`, 'type');
    }
    for (const k of ['column_width', 'width'] as const) {
      const v = attrs[k];
      if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isInteger(v) || v < 1)) throw new ContentError('invalid', `${k} must be a positive integer.`, k);
    }
    if (attrs.order !== undefined && attrs.order !== null && (typeof attrs.order !== 'number' || !Number.isInteger(attrs.order))) {
      throw new ContentError('invalid', 'order must be an integer.', 'order');
    }
    for (const k of ['label', 'description', 'lookml_link_id'] as const) {
      if (attrs[k] !== undefined && attrs[k] !== null && typeof attrs[k] !== 'string') throw new ContentError('invalid', `${k} must be a string.`, k);
    }
    return attrs;
  }

  async #editableLayout(who: Who, id: string): Promise<{ detail: DashboardDetail; layout: LayoutView }> {
    const found = await this.layout(who, id);
    await this.#d.editable(who, found.detail.view.record.id);
    return found;
  }

  /**
   * Layout attributes, and which layout is active: `active: true` makes this the only active one;
   * a dashboard always keeps one, so the active layout is not switched off directly.
   */
  async updateLayout(who: Who, id: string, input: DashboardInput): Promise<DashboardLayoutRecord> {
    const { layout } = await this.#editableLayout(who, id);
    const record = layout.layout;
    const dashboardId = input.dashboard_id === null ? undefined : text(input.dashboard_id, 'dashboard_id');
    if (dashboardId !== undefined && dashboardId !== record.dashboard_id) {
      throw new ContentError('invalid', `Dashboard layout ${id} belongs to dashboard ${record.dashboard_id}; a layout cannot move to another dashboard.`, 'dashboard_id');
    }
    const active = this.#activeFlag(input.active);
    if (active === false && record.active) {
      throw new ContentError('invalid', 'A dashboard always has an active layout: make another layout active instead of deactivating this one.', 'active');
    }
    const attrs = this.#layoutAttrs(input);
    const updated = await this.#store.dashboards.updateLayout(record.id, {
      ...(active === true && !record.active ? { active: true } : {}),
      ...(Object.keys(attrs).length > 0 ? { attrs: { ...record.attrs, ...attrs } } : {}),
    });
    if (!updated) throw new ContentError('not_found', `Dashboard layout ${id} not found.`);
    return updated;
  }

  /** Removes an inactive layout and its components (the active one stays until another is activated). */
  async deleteLayout(who: Who, id: string): Promise<void> {
    const { layout } = await this.#editableLayout(who, id);
    if (layout.layout.active) {
      throw new ContentError('invalid', `Dashboard layout ${id} is the dashboard's active layout: make another layout active before deleting it.`, 'active');
    }
    await this.#store.dashboards.deleteLayout(layout.layout.id);
  }

  async updateComponent(who: Who, id: string, input: DashboardInput): Promise<DashboardLayoutComponentRecord> {
    const { detail, component } = await this.component(who, id);
    await this.#d.editable(who, detail.view.record.id);
    const patch = pickAttrs(input, COMPONENT_ATTRS);
    if (patch.deleted !== undefined && typeof patch.deleted !== 'boolean') throw new ContentError('invalid', 'deleted must be a boolean.', 'deleted');
    for (const [k, v] of Object.entries(patch)) {
      if (k === 'deleted') continue;
      if (v !== null && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) throw new ContentError('invalid', `${k} must be a non-negative integer.`, k);
    }
    if (typeof patch.width === 'number' && patch.width === 0) throw new ContentError('invalid', 'width must be at least 1.', 'width');
    if (typeof patch.height === 'number' && patch.height === 0) throw new ContentError('invalid', 'height must be at least 1.', 'height');
    const updated = await this.#store.dashboards.updateLayoutComponent(component.id, { ...component.attrs, ...patch });
    if (!updated) throw new ContentError('not_found', `Dashboard layout component ${id} not found.`);
    return updated;
  }

  // Running ------------------------------------------------------------------------------------------

  /**
   * The query element `id` runs with the dashboard's filters: each filter's default value, replaced
   * by `given` (by filter name), merged through the element's listen entries. The result is stored
   * as a query object, so `run_query(stored.id, format)` runs it in the caller's workspace. Look
   * tiles listen like query tiles (on the look's query).
   */
  async elementQuery(who: Who, id: string, given: Readonly<Record<string, string>> = {}): Promise<ElementQuery> {
    const { detail, element } = await this.element(who, id);
    const base = element.query ?? element.lookQuery;
    if (!base) throw new ContentError('invalid', `Dashboard element ${id} has no query (a text tile, or a look you may not see).`, 'dashboard_element_id');
    const values = resolveFilterValues(detail.filters.map((f) => ({
      name: f.name, default_value: typeof f.attrs.default_value === 'string' ? f.attrs.default_value : null,
    })), given);
    const own = JSON.parse(base.body) as CanonicalQuery;
    const query = elementQueryWithFilters({ query: own, listen: element.listen }, values);
    const stored = query === own ? base : await this.#store.queries.saveQuery(JSON.stringify(query));
    return { dashboard: detail.view, element, values, query, stored };
  }
}
