/**
 * The content validator (`GET /content_validation`): every look, dashboard element and dashboard
 * filter checked against the models of the caller's workspace. In dev this answers "will my branch
 * break production content?"; in production, whether content is broken now.
 */
import type { Explore, Model } from '../model/types.ts';
import { exploreFields } from '../model/explore-fields.ts';
import type { CanonicalQuery } from '../queries/canonical.ts';
import { parseJsonObject, type Store } from '../store/index.ts';
import type { Caller, Workspaces, WorkspaceModel } from '../workspaces/index.ts';
import type { ContentAccess, Viewer } from './access.ts';

export interface ValidationIssue {
  readonly message: string;
  readonly field_name: string | null;
  readonly model_name: string | null;
  readonly explore_name: string | null;
  readonly removable: boolean;
}

export interface ContentValidationResult {
  readonly content_with_errors: Record<string, unknown>[];
  readonly computation_time: number;
  readonly total_looks_validated: number;
  readonly total_dashboard_elements_validated: number;
  readonly total_dashboard_filters_validated: number;
  readonly total_scheduled_plans_validated: number;
  readonly total_alerts_validated: number;
  readonly total_explores_validated: number;
}

/** A field reference in a query: `view.field`, sorts with ` desc`, table calcs and custom fields aside. */
function fieldOf(ref: string): string {
  return ref.trim().split(/\s+/)[0] ?? ref;
}

class Checker {
  readonly #models: Map<string, WorkspaceModel>;
  readonly #fields = new Map<string, ReadonlySet<string>>();
  readonly explores = new Set<string>();

  constructor(models: readonly WorkspaceModel[]) {
    this.#models = new Map(models.map((m) => [m.model.name, m]));
  }

  projectOf(model: string): string | null {
    return this.#models.get(model)?.project.id ?? null;
  }

  #exploreFields(model: Model, explore: Explore): ReadonlySet<string> {
    const key = `${model.name}::${explore.name}`;
    let set = this.#fields.get(key);
    if (!set) {
      set = new Set(exploreFields(model, explore).keys());
      this.#fields.set(key, set);
    }
    this.explores.add(key);
    return set;
  }

  /** Problems of a query (model, explore, every field it names) in this workspace. */
  query(q: Pick<CanonicalQuery, 'model' | 'view' | 'fields' | 'filters' | 'sorts' | 'pivots'>): ValidationIssue[] {
    const m = this.#models.get(q.model);
    if (!m) return [{ message: `Unknown model "${q.model}".`, field_name: null, model_name: q.model, explore_name: q.view, removable: false }];
    const explore = m.model.explores[q.view];
    if (!explore || explore.extension) {
      return [{ message: `Unknown explore "${q.view}" in model "${q.model}".`, field_name: null, model_name: q.model, explore_name: q.view, removable: false }];
    }
    const known = this.#exploreFields(m.model, explore);
    const issues: ValidationIssue[] = [];
    const seen = new Set<string>();
    const check = (ref: string, where: string): void => {
      const name = fieldOf(ref);
      // Custom fields and table calculations are not LookML fields (no `view.` prefix).
      if (!name.includes('.') || seen.has(name)) return;
      seen.add(name);
      if (!known.has(name)) {
        issues.push({ message: `Unknown field "${name}" (${where}).`, field_name: name, model_name: q.model, explore_name: q.view, removable: true });
      }
    };
    for (const f of q.fields) check(f, 'field');
    for (const f of Object.keys(q.filters ?? {})) check(f, 'filter');
    for (const f of q.sorts ?? []) check(f, 'sort');
    for (const f of q.pivots ?? []) check(f, 'pivot');
    return issues;
  }

  filter(model: string | null, explore: string | null, dimension: string | null): ValidationIssue[] {
    if (model === null || explore === null || dimension === null || dimension === '') return [];
    return this.query({ model, view: explore, fields: [dimension], filters: null, sorts: null, pivots: null });
  }
}

function folderRef(folder: { id: number; name: string } | undefined): Record<string, unknown> | null {
  return folder ? { name: folder.name, id: String(folder.id) } : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

export async function validateContent(
  store: Store, workspaces: Workspaces, access: ContentAccess, caller: Caller, viewer: Viewer,
  options: { projectNames?: readonly string[]; folderIds?: readonly string[] } = {},
): Promise<ContentValidationResult> {
  const started = performance.now();
  const checker = new Checker(await workspaces.models(caller));
  const db = store.db;
  const folders = new Map((await db.selectFrom('folders').select(['id', 'name']).execute()).map((f) => [f.id, f]));
  const queries = new Map<number, CanonicalQuery>();
  const queryOf = async (id: number | null): Promise<CanonicalQuery | null> => {
    if (id === null) return null;
    const hit = queries.get(id);
    if (hit) return hit;
    const record = await store.queries.query(String(id));
    if (!record) return null;
    const q = JSON.parse(record.body) as CanonicalQuery;
    queries.set(id, q);
    return q;
  };
  const visible = new Map<number, boolean>();
  const inScope = async (folderId: number): Promise<boolean> => {
    if (options.folderIds && !options.folderIds.includes(String(folderId))) return false;
    let ok = visible.get(folderId);
    if (ok === undefined) {
      ok = (await access.folderAccess(viewer, folderId)) !== 'none';
      visible.set(folderId, ok);
    }
    return ok;
  };
  const wantedProject = (model: string | null): boolean =>
    options.projectNames === undefined || options.projectNames.length === 0 ||
    (model !== null && options.projectNames.includes(checker.projectOf(model) ?? ''));

  const out: Record<string, unknown>[] = [];
  let looks = 0, elements = 0, filters = 0;

  for (const look of await db.selectFrom('looks').selectAll().where('deleted', '=', false).orderBy('id').execute()) {
    if (!(await inScope(look.folder_id))) continue;
    const q = await queryOf(look.query_id);
    if (q && !wantedProject(q.model)) continue;
    looks++;
    const issues = q ? checker.query(q) : [{ message: `The look's query ${look.query_id} is missing.`, field_name: null, model_name: null, explore_name: null, removable: false }];
    if (issues.length === 0) continue;
    out.push({
      look: { id: String(look.id), title: look.title, short_url: `/looks/${look.id}`, folder: folderRef(folders.get(look.folder_id)) },
      dashboard: null, dashboard_element: null, dashboard_filter: null, scheduled_plan: null, alert: null, lookml_dashboard: null, lookml_dashboard_element: null,
      errors: issues, id: `look:${look.id}`,
    });
  }

  for (const d of await db.selectFrom('dashboards').selectAll().where('deleted', '=', false).orderBy('id').execute()) {
    if (!(await inScope(d.folder_id))) continue;
    const dashboard = { description: d.description, id: String(d.id), folder: folderRef(folders.get(d.folder_id)), title: d.title, url: `/dashboards/${d.id}` };
    for (const e of await db.selectFrom('dashboard_elements').selectAll().where('dashboard_id', '=', d.id).orderBy('id').execute()) {
      const q = await queryOf(e.query_id);
      if (!q || !wantedProject(q.model)) continue;
      elements++;
      const issues = checker.query(q);
      if (issues.length === 0) continue;
      const a = parseJsonObject(e.attrs);
      out.push({
        look: null, dashboard, dashboard_filter: null, scheduled_plan: null, alert: null, lookml_dashboard: null, lookml_dashboard_element: null,
        dashboard_element: {
          body_text: str(a.body_text), dashboard_id: String(d.id), id: String(e.id), look_id: e.look_id === null ? null : String(e.look_id),
          note_display: str(a.note_display), note_state: str(a.note_state), note_text: str(a.note_text), note_text_as_html: null,
          query_id: String(e.query_id), filter_id: null, subtitle_text: str(a.subtitle_text), title: e.title, title_hidden: a.title_hidden === true,
          title_text: str(a.title_text), type: e.type, rich_content_json: null, extension_id: null, aria_description: null,
        },
        errors: issues, id: `dashboard_element:${e.id}`,
      });
    }
    for (const f of await db.selectFrom('dashboard_filters').selectAll().where('dashboard_id', '=', d.id).orderBy('id').execute()) {
      const a = parseJsonObject(f.attrs);
      const model = str(a.model);
      if (model === null || !wantedProject(model)) continue;
      filters++;
      const issues = checker.filter(model, str(a.explore), str(a.dimension));
      if (issues.length === 0) continue;
      out.push({
        look: null, dashboard, dashboard_element: null, scheduled_plan: null, alert: null, lookml_dashboard: null, lookml_dashboard_element: null,
        dashboard_filter: {
          id: String(f.id), dashboard_id: String(d.id), name: f.name, title: str(a.title), type: str(a.type), default_value: str(a.default_value),
          model, explore: str(a.explore), dimension: str(a.dimension),
        },
        errors: issues, id: `dashboard_filter:${f.id}`,
      });
    }
  }

  return {
    content_with_errors: out,
    computation_time: (performance.now() - started) / 1000,
    total_looks_validated: looks,
    total_dashboard_elements_validated: elements,
    total_dashboard_filters_validated: filters,
    total_scheduled_plans_validated: 0,
    total_alerts_validated: 0,
    total_explores_validated: checker.explores.size,
  };
}
