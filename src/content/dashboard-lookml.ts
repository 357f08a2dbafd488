/**
 * Dashboards as LookML text, as Looker's `dashboard_lookml` ("Get LookML") writes it: one
 * `- dashboard:` entry in the `.dashboard.lookml` YAML format, with `preferred_slug` so that
 * `import_dashboard_from_lookml` on another instance (or this one) overwrites the same dashboard
 * instead of making a second one. Query tiles carry their whole query and vis config inline (look
 * tiles their look's query), merged-results tiles their source queries as `merged_queries`, text
 * tiles their texts; positions come from the active layout.
 */
import { Document, isMap, isSeq, visit } from 'yaml';
import type { CanonicalQuery } from '../queries/canonical.ts';
import type { MergeField } from '../queries/merge.ts';
import type { DashboardLayoutComponentRecord } from '../store/index.ts';
import type { DashboardDetail, ElementView } from './dashboards-types.ts';
import { LOOKML_DASHBOARD_MEMBERS } from './lookml-dashboards.ts';

/** A merged-results tile's source queries, primary first, as the export needs them. */
export interface MergedSources {
  readonly sources: readonly { readonly query: CanonicalQuery; readonly merge_fields: readonly MergeField[] }[];
  readonly vis_config: Readonly<Record<string, unknown>> | null;
}

export interface LookmlExportDeps {
  /** The merge query behind a tile's `merge_result_id`, or null when it is gone. */
  readonly merged: (mergeResultId: string) => Promise<MergedSources | null>;
}

type Yaml = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Looker names an exported dashboard after its title: lower case, runs of other characters as `_`. */
export function lookmlName(title: string, fallback: string): string {
  const name = title.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return name === '' ? fallback : name;
}

/** Dashboard-level members, the reverse of what `lookmlDashboardAttrs` lifts from LookML. */
function dashboardMembers(attrs: Readonly<Record<string, unknown>>): Yaml {
  const out: Yaml = {};
  for (const [lookml, attr] of LOOKML_DASHBOARD_MEMBERS) {
    const v = attrs[attr];
    // preferred_viewer is written with the header members.
    if (lookml !== 'preferred_viewer' && v !== undefined && v !== null && v !== '') out[lookml] = v;
  }
  if (attrs.load_configuration === 'wait') out.auto_run = false;
  return out;
}

/** A number where the text is one (`limit: 500`, as Looker writes it), else the text. */
function numeric(v: string | null): number | string | null {
  return v !== null && /^-?\d+$/.test(v) ? Number(v) : v;
}

/** The query members of a tile, in Looker's order, then the vis config (without `type`, which leads). */
function queryMembers(q: CanonicalQuery, vis: Readonly<Record<string, unknown>> | null): Yaml {
  const out: Yaml = { model: q.model, explore: q.view, type: str(vis?.type) ?? 'table', fields: [...q.fields] };
  if (q.pivots && q.pivots.length > 0) out.pivots = [...q.pivots];
  if (q.fill_fields && q.fill_fields.length > 0) out.fill_fields = [...q.fill_fields];
  if (q.filters && Object.keys(q.filters).length > 0) out.filters = { ...q.filters };
  if (q.filter_expression !== null && q.filter_expression !== '') out.filter_expression = q.filter_expression;
  if (q.sorts && q.sorts.length > 0) out.sorts = [...q.sorts];
  if (q.subtotals && q.subtotals.length > 0) out.subtotals = [...q.subtotals];
  if (q.limit !== null) out.limit = numeric(q.limit);
  if (q.column_limit !== null) out.column_limit = numeric(q.column_limit);
  if (q.total) out.total = true;
  if (q.row_total !== null) out.row_total = q.row_total;
  if (q.dynamic_fields !== null && q.dynamic_fields !== '') {
    try {
      out.dynamic_fields = JSON.parse(q.dynamic_fields) as unknown;
    } catch {
      out.dynamic_fields = q.dynamic_fields;
    }
  }
  if (q.query_timezone !== null) out.query_timezone = q.query_timezone;
  for (const [k, v] of Object.entries(vis ?? {})) if (k !== 'type' && !(k in out)) out[k] = v;
  return out;
}

function placement(component: DashboardLayoutComponentRecord | undefined): Yaml {
  const a = component?.attrs ?? {};
  const int = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return { row: int(a.row), col: int(a.column), width: int(a.width), height: int(a.height) };
}

function queryOf(e: ElementView): CanonicalQuery | null {
  const record = e.query ?? e.lookQuery;
  return record ? (JSON.parse(record.body) as CanonicalQuery) : null;
}

async function elementYaml(e: ElementView, name: string, component: DashboardLayoutComponentRecord | undefined, deps: LookmlExportDeps): Promise<Yaml> {
  const a = e.record.attrs;
  const title = e.record.title ?? e.look?.title ?? null;
  const out: Yaml = {};
  if (e.record.type === 'text') {
    out.name = name;
    out.type = 'text';
    for (const k of ['title_text', 'subtitle_text', 'body_text'] as const) if (str(a[k]) !== null) out[k] = str(a[k]);
  } else {
    if (title !== null) out.title = title;
    out.name = name;
    const mergeId = str(a.merge_result_id);
    const query = queryOf(e);
    const resultMaker = isRecord(a.result_maker) ? a.result_maker : {};
    const vis = isRecord(resultMaker.vis_config) ? resultMaker.vis_config : null;
    if (mergeId !== null && query === null) {
      const merged = await deps.merged(mergeId);
      if (merged !== null) {
        out.merged_queries = merged.sources.map((s) => ({
          ...queryMembers(s.query, s.query.vis_config),
          join_fields: s.merge_fields.map((f) => ({ field_name: f.field_name, source_field_name: f.source_field_name })),
        }));
        const mergedVis = vis ?? merged.vis_config;
        out.type = str(mergedVis?.type) ?? 'table';
        for (const [k, v] of Object.entries(mergedVis ?? {})) if (k !== 'type') out[k] = v;
      }
    } else if (query !== null) {
      Object.assign(out, queryMembers(query, vis ?? query.vis_config));
    }
    if (e.listen.length > 0) out.listen = Object.fromEntries(e.listen.map((l) => [l.dashboard_filter_name, l.field]));
  }
  if (str(a.note_text) !== null) {
    out.note = { state: str(a.note_state) ?? 'collapsed', display: str(a.note_display) ?? 'hover', text: str(a.note_text) };
  }
  if (str(a.refresh_interval) !== null) out.refresh = str(a.refresh_interval);
  return { ...out, ...placement(component) };
}

function filterYaml(attrs: Readonly<Record<string, unknown>>, name: string): Yaml {
  const out: Yaml = {
    name, title: str(attrs.title) ?? name, type: str(attrs.type) ?? 'field_filter',
    default_value: attrs.default_value === null || attrs.default_value === undefined ? '' : str(attrs.default_value),
    allow_multiple_values: attrs.allow_multiple_values !== false, required: attrs.required === true,
  };
  if (isRecord(attrs.ui_config)) out.ui_config = attrs.ui_config;
  if (str(attrs.model) !== null) out.model = str(attrs.model);
  if (str(attrs.explore) !== null) out.explore = str(attrs.explore);
  out.listens_to_filters = Array.isArray(attrs.listens_to_filters) ? attrs.listens_to_filters : [];
  if (str(attrs.dimension) !== null) out.field = str(attrs.dimension);
  return out;
}

/** Unique element names: the title (Looker's export), else `element_<n>`; repeats get `_<n>`. */
function elementNames(elements: readonly ElementView[]): string[] {
  const seen = new Set<string>();
  return elements.map((e, i) => {
    const base = str(e.record.attrs.lookml_link_id) ?? e.record.title ?? e.look?.title ?? str(e.record.attrs.title_text) ?? `element_${i + 1}`;
    let name = base === '' ? `element_${i + 1}` : base;
    if (seen.has(name)) name = `${name}_${i + 1}`;
    seen.add(name);
    return name;
  });
}

/** The dashboard as `.dashboard.lookml` text. */
export async function dashboardLookml(detail: DashboardDetail, deps: LookmlExportDeps): Promise<string> {
  const record = detail.view.record;
  const layout = detail.layouts.find((l) => l.layout.active) ?? detail.layouts[0];
  const dashboard: Yaml = {
    dashboard: detail.view.lookml?.name ?? lookmlName(record.title, `dashboard_${record.id}`),
    title: record.title,
    layout: str(layout?.layout.attrs.type) ?? 'newspaper',
    preferred_viewer: str(record.attrs.preferred_viewer) ?? 'dashboards-next',
  };
  if (record.description !== null && record.description !== '') dashboard.description = record.description;
  Object.assign(dashboard, dashboardMembers(record.attrs));
  if (detail.view.kind === 'user' && record.slug !== '') dashboard.preferred_slug = record.slug;
  const names = elementNames(detail.elements);
  const elements: Yaml[] = [];
  for (const [i, e] of detail.elements.entries()) {
    const component = layout?.components.find((c) => c.dashboard_element_id === e.record.id);
    elements.push(await elementYaml(e, names[i] ?? `element_${i + 1}`, component, deps));
  }
  dashboard.elements = elements;
  if (detail.filters.length > 0) dashboard.filters = detail.filters.map((f) => filterYaml(f.attrs, f.name));
  const doc = new Document([dashboard]);
  // Lists of plain values in flow style (`fields: [a.b, a.c]`), as Looker writes them.
  visit(doc, {
    Seq(_, node) {
      if (node.items.every((item) => !isMap(item) && !isSeq(item))) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0, indentSeq: false, flowCollectionPadding: false });
}
