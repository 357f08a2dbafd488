/**
 * User-defined dashboards with their elements, filters and layouts. A dashboard is created with one
 * active layout; every element has one component in each layout of its dashboard (made and removed
 * with the element). Deleting a dashboard here is permanent; the trash is `deleted` (soft delete).
 * Members the server only stores and echoes live in each row's `attrs` JSON.
 */
import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import { StoreError, idString, inTransaction, nowIso, parseId, parseJsonObject } from './context.ts';
import type { StoreContext } from './context.ts';
import { bool } from './schema.ts';
import type {
  DashboardElementsTable, DashboardFiltersTable, DashboardLayoutComponentsTable, DashboardLayoutsTable, DashboardsTable,
} from './schema.ts';

export type Attrs = Readonly<Record<string, unknown>>;

export interface DashboardRecord {
  readonly id: string;
  readonly title: string;
  readonly description: string | null;
  readonly folder_id: string;
  readonly user_id: string | null;
  readonly slug: string;
  readonly deleted: boolean;
  readonly deleted_at: string | null;
  readonly attrs: Attrs;
  readonly content_metadata_id: string;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface DashboardElementRecord {
  readonly id: string;
  readonly dashboard_id: string;
  readonly type: string;
  readonly title: string | null;
  readonly query_id: string | null;
  readonly look_id: string | null;
  readonly attrs: Attrs;
}

export interface DashboardFilterRecord {
  readonly id: string;
  readonly dashboard_id: string;
  readonly name: string;
  readonly attrs: Attrs;
}

export interface DashboardLayoutRecord {
  readonly id: string;
  readonly dashboard_id: string;
  readonly active: boolean;
  readonly attrs: Attrs;
}

export interface DashboardLayoutComponentRecord {
  readonly id: string;
  readonly dashboard_layout_id: string;
  readonly dashboard_element_id: string;
  readonly attrs: Attrs;
}

export interface NewDashboard {
  readonly title: string;
  readonly description: string | null;
  readonly folder_id: string;
  readonly user_id: string | null;
  readonly attrs: Attrs;
  /** A random one when absent. */
  readonly slug?: string;
  /** Attributes of the dashboard's first (active) layout. */
  readonly layout?: Attrs;
}

export interface DashboardPatch {
  readonly title?: string;
  readonly description?: string | null;
  readonly folder_id?: string;
  readonly user_id?: string | null;
  readonly slug?: string;
  readonly deleted?: boolean;
  readonly attrs?: Attrs;
}

export interface NewElement {
  readonly dashboard_id: string;
  readonly type: string;
  readonly title: string | null;
  readonly query_id: string | null;
  readonly look_id: string | null;
  readonly attrs: Attrs;
}

export type ElementPatch = Partial<Omit<NewElement, 'dashboard_id'>>;

/** One element of a dashboard made to match a LookML dashboard, keyed by the LookML element's name. */
export interface SyncElement {
  /** The LookML element name, stored as the element's `attrs.lookml_link_id`. */
  readonly link: string;
  readonly type: string;
  readonly title: string | null;
  readonly query_id: string | null;
  readonly attrs: Attrs;
  /** Where it sits (row, column, width, height). */
  readonly component: Attrs;
}

/** What a user-defined dashboard becomes when it is made to match a LookML dashboard. */
export interface SyncPlan {
  /** Left alone when absent. */
  readonly title?: string;
  readonly description: string | null;
  /** Replaces the dashboard's attrs. */
  readonly attrs: Attrs;
  /** Merged into the active layout's attrs. */
  readonly layout: Attrs;
  readonly filters: readonly { readonly name: string; readonly attrs: Attrs }[];
  readonly elements: readonly SyncElement[];
}

export interface DashboardsRepository {
  createDashboard(input: NewDashboard): Promise<DashboardRecord>;
  dashboard(id: string): Promise<DashboardRecord | null>;
  dashboardBySlug(slug: string): Promise<DashboardRecord | null>;
  allDashboards(options?: { includeDeleted?: boolean; folderId?: string }): Promise<DashboardRecord[]>;
  updateDashboard(id: string, patch: DashboardPatch): Promise<DashboardRecord | null>;
  /** Permanent: the dashboard, its elements, filters, layouts and content metadata. */
  deleteDashboard(id: string): Promise<boolean>;
  /** A full copy (elements, filters, layouts with their components) as a new dashboard. */
  copyDashboard(id: string, target: { folder_id: string; title: string; user_id: string | null }): Promise<DashboardRecord>;

  elements(dashboardId: string): Promise<DashboardElementRecord[]>;
  element(id: string): Promise<DashboardElementRecord | null>;
  /** The element, with a component in every layout of its dashboard: `byLayout`'s for that layout, else `component`. */
  createElement(input: NewElement, component: Attrs, byLayout?: ReadonlyMap<string, Attrs>): Promise<DashboardElementRecord>;
  updateElement(id: string, patch: ElementPatch): Promise<DashboardElementRecord | null>;
  deleteElement(id: string): Promise<boolean>;

  filters(dashboardId: string): Promise<DashboardFilterRecord[]>;
  filter(id: string): Promise<DashboardFilterRecord | null>;
  createFilter(input: { dashboard_id: string; name: string; attrs: Attrs }): Promise<DashboardFilterRecord>;
  updateFilter(id: string, patch: { name?: string; attrs?: Attrs }): Promise<DashboardFilterRecord | null>;
  deleteFilter(id: string): Promise<boolean>;

  layouts(dashboardId: string): Promise<DashboardLayoutRecord[]>;
  layout(id: string): Promise<DashboardLayoutRecord | null>;
  layoutComponents(layoutId: string): Promise<DashboardLayoutComponentRecord[]>;
  layoutComponent(id: string): Promise<DashboardLayoutComponentRecord | null>;
  updateLayoutComponent(id: string, attrs: Attrs): Promise<DashboardLayoutComponentRecord | null>;
  /**
   * A layout with a component for every element of the dashboard (`components` by element id, else
   * unplaced). An active one becomes the dashboard's only active layout.
   */
  createLayout(input: { dashboard_id: string; active: boolean; attrs: Attrs }, components: ReadonlyMap<string, Attrs>): Promise<DashboardLayoutRecord>;
  /** `active: true` deactivates the dashboard's other layouts. */
  updateLayout(id: string, patch: { active?: boolean; attrs?: Attrs }): Promise<DashboardLayoutRecord | null>;
  /** The layout and its components. */
  deleteLayout(id: string): Promise<boolean>;
  /**
   * Makes the dashboard match `plan` in one transaction: filters by name and elements by
   * `lookml_link_id` are updated in place (their ids stay), missing ones created, the rest removed;
   * matched elements take the plan's position in the active layout.
   */
  syncDashboard(id: string, plan: SyncPlan): Promise<void>;
}

const SLUG_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Looker's dashboard slugs are 22 random characters of [A-Za-z0-9] (e.g. `KoDXRuaeLDQCuQ0rt4iHQN`). */
export function newDashboardSlug(): string {
  return [...randomBytes(22)].map((b) => SLUG_ALPHABET[b % SLUG_ALPHABET.length]).join('');
}


const optId = (v: number | null): string | null => (v === null ? null : idString(v));
/** Ids that cannot name a row become -1, which matches nothing. */
const key = (id: string): number => parseId(id) ?? -1;
const optKey = (id: string | null): number | null => (id === null ? null : key(id));

function toDashboard(r: Selectable<DashboardsTable>): DashboardRecord {
  return {
    id: idString(r.id), title: r.title, description: r.description, folder_id: idString(r.folder_id), user_id: optId(r.user_id),
    slug: r.slug, deleted: bool(r.deleted), deleted_at: r.deleted_at, attrs: parseJsonObject(r.attrs),
    content_metadata_id: idString(r.content_metadata_id), created_at: r.created_at, updated_at: r.updated_at,
  };
}

function toElement(r: Selectable<DashboardElementsTable>): DashboardElementRecord {
  return {
    id: idString(r.id), dashboard_id: idString(r.dashboard_id), type: r.type, title: r.title,
    query_id: optId(r.query_id), look_id: optId(r.look_id), attrs: parseJsonObject(r.attrs),
  };
}

function toFilter(r: Selectable<DashboardFiltersTable>): DashboardFilterRecord {
  return { id: idString(r.id), dashboard_id: idString(r.dashboard_id), name: r.name, attrs: parseJsonObject(r.attrs) };
}

function toLayout(r: Selectable<DashboardLayoutsTable>): DashboardLayoutRecord {
  return { id: idString(r.id), dashboard_id: idString(r.dashboard_id), active: bool(r.active), attrs: parseJsonObject(r.attrs) };
}

function toComponent(r: Selectable<DashboardLayoutComponentsTable>): DashboardLayoutComponentRecord {
  return {
    id: idString(r.id), dashboard_layout_id: idString(r.dashboard_layout_id), dashboard_element_id: idString(r.dashboard_element_id),
    attrs: parseJsonObject(r.attrs),
  };
}

async function folderCm(ctx: StoreContext, folderId: string): Promise<number> {
  const folder = await ctx.db.selectFrom('folders').select('content_metadata_id').where('id', '=', key(folderId)).executeTakeFirst();
  if (!folder) throw new StoreError('invalid', `Folder ${folderId} not found.`, 'folder_id');
  return folder.content_metadata_id;
}

/** Inserts the dashboard row (with a fresh slug unless one is given) and its content metadata. */
async function insertDashboard(ctx: StoreContext, input: Omit<NewDashboard, 'layout'>): Promise<number> {
  if (input.slug !== undefined) await assertSlugFree(ctx, input.slug);
  const cm = await ctx.db.insertInto('content_metadata').values({ parent_id: await folderCm(ctx, input.folder_id), content_type: 'dashboard', inherits: true })
    .returning('id').executeTakeFirstOrThrow();
  const now = nowIso(ctx);
  // 22 random characters do not collide in practice; the unique index stays the guard.
  const row = await ctx.db.insertInto('dashboards').values({
    title: input.title, description: input.description, folder_id: key(input.folder_id), user_id: optKey(input.user_id),
    slug: input.slug ?? newDashboardSlug(), attrs: JSON.stringify(input.attrs), content_metadata_id: cm.id, created_at: now, updated_at: now,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Checked before writing (not by catching the unique violation): a failed statement would abort the
 * surrounding PostgreSQL transaction.
 */
async function assertSlugFree(ctx: StoreContext, slug: string, except?: number): Promise<void> {
  const taken = await ctx.db.selectFrom('dashboards').select('id').where('slug', '=', slug).executeTakeFirst();
  if (taken && taken.id !== except) throw new StoreError('conflict', `The slug "${slug}" is already used by another dashboard.`, 'slug');
}

/** Inserts an element with a component in every layout of its dashboard; returns its id. */
async function insertElement(ctx: StoreContext, input: NewElement, component: (layoutId: number) => Attrs): Promise<number> {
  const row = await ctx.db.insertInto('dashboard_elements').values({
    dashboard_id: key(input.dashboard_id), type: input.type, title: input.title, query_id: optKey(input.query_id),
    look_id: optKey(input.look_id), attrs: JSON.stringify(input.attrs),
  }).returning('id').executeTakeFirstOrThrow();
  const layouts = await ctx.db.selectFrom('dashboard_layouts').select('id').where('dashboard_id', '=', key(input.dashboard_id)).execute();
  for (const l of layouts) {
    await ctx.db.insertInto('dashboard_layout_components').values({ dashboard_layout_id: l.id, dashboard_element_id: row.id, attrs: JSON.stringify(component(l.id)) }).execute();
  }
  return row.id;
}

export function dashboardsRepository(ctx: StoreContext): DashboardsRepository {
  const db = ctx.db;
  const repo: DashboardsRepository = {
    async createDashboard(input) {
      const id = await inTransaction(ctx, async (tx) => {
        const made = await insertDashboard(tx, input);
        await tx.db.insertInto('dashboard_layouts').values({ dashboard_id: made, active: true, attrs: JSON.stringify(input.layout ?? { type: 'newspaper' }) }).execute();
        return made;
      });
      const created = await repo.dashboard(idString(id));
      if (!created) throw new Error('dashboard vanished after insert');
      return created;
    },

    async dashboard(id) {
      const row = await db.selectFrom('dashboards').selectAll().where('id', '=', key(id)).executeTakeFirst();
      return row ? toDashboard(row) : null;
    },

    async dashboardBySlug(slug) {
      const row = await db.selectFrom('dashboards').selectAll().where('slug', '=', slug).executeTakeFirst();
      return row ? toDashboard(row) : null;
    },

    async allDashboards(options = {}) {
      let q = db.selectFrom('dashboards').selectAll();
      if (options.includeDeleted !== true) q = q.where('deleted', '=', false);
      if (options.folderId !== undefined) q = q.where('folder_id', '=', key(options.folderId));
      return (await q.orderBy('id').execute()).map(toDashboard);
    },

    async updateDashboard(id, patch) {
      await inTransaction(ctx, async (tx) => {
        const values = {
          ...(patch.title === undefined ? {} : { title: patch.title }),
          ...(patch.description === undefined ? {} : { description: patch.description }),
          ...(patch.folder_id === undefined ? {} : { folder_id: key(patch.folder_id) }),
          ...(patch.user_id === undefined ? {} : { user_id: optKey(patch.user_id) }),
          ...(patch.slug === undefined ? {} : { slug: patch.slug }),
          ...(patch.deleted === undefined ? {} : { deleted: patch.deleted, deleted_at: patch.deleted ? nowIso(tx) : null }),
          ...(patch.attrs === undefined ? {} : { attrs: JSON.stringify(patch.attrs) }),
          updated_at: nowIso(tx),
        };
        if (patch.slug !== undefined) await assertSlugFree(tx, patch.slug, key(id));
        await tx.db.updateTable('dashboards').set(values).where('id', '=', key(id)).execute();
        if (patch.folder_id !== undefined) {
          // Access follows the folder: the content metadata moves under the new folder's.
          const parent = await folderCm(tx, patch.folder_id);
          const me = await tx.db.selectFrom('dashboards').select('content_metadata_id').where('id', '=', key(id)).executeTakeFirst();
          if (me) await tx.db.updateTable('content_metadata').set({ parent_id: parent }).where('id', '=', me.content_metadata_id).execute();
        }
      });
      return repo.dashboard(id);
    },

    async deleteDashboard(id) {
      return inTransaction(ctx, async (tx) => {
        const row = await tx.db.selectFrom('dashboards').select('content_metadata_id').where('id', '=', key(id)).executeTakeFirst();
        if (!row) return false;
        const layouts = (await tx.db.selectFrom('dashboard_layouts').select('id').where('dashboard_id', '=', key(id)).execute()).map((l) => l.id);
        if (layouts.length > 0) await tx.db.deleteFrom('dashboard_layout_components').where('dashboard_layout_id', 'in', layouts).execute();
        await tx.db.deleteFrom('dashboard_layouts').where('dashboard_id', '=', key(id)).execute();
        await tx.db.deleteFrom('dashboard_elements').where('dashboard_id', '=', key(id)).execute();
        await tx.db.deleteFrom('dashboard_filters').where('dashboard_id', '=', key(id)).execute();
        await tx.db.deleteFrom('dashboards').where('id', '=', key(id)).execute();
        await tx.db.deleteFrom('content_metadata').where('id', '=', row.content_metadata_id).execute();
        return true;
      });
    },

    async copyDashboard(id, target) {
      const source = await repo.dashboard(id);
      if (!source) throw new StoreError('not_found', `Dashboard ${id} not found.`);
      const newId = await inTransaction(ctx, async (tx) => {
        const made = await insertDashboard(tx, {
          title: target.title, description: source.description, folder_id: target.folder_id, user_id: target.user_id, attrs: source.attrs,
        });
        const elementIds = new Map<number, number>();
        for (const e of await tx.db.selectFrom('dashboard_elements').selectAll().where('dashboard_id', '=', key(id)).orderBy('id').execute()) {
          const copy = await tx.db.insertInto('dashboard_elements').values({
            dashboard_id: made, type: e.type, title: e.title, query_id: e.query_id, look_id: e.look_id, attrs: e.attrs,
          }).returning('id').executeTakeFirstOrThrow();
          elementIds.set(e.id, copy.id);
        }
        for (const f of await tx.db.selectFrom('dashboard_filters').selectAll().where('dashboard_id', '=', key(id)).orderBy('id').execute()) {
          await tx.db.insertInto('dashboard_filters').values({ dashboard_id: made, name: f.name, attrs: f.attrs }).execute();
        }
        for (const l of await tx.db.selectFrom('dashboard_layouts').selectAll().where('dashboard_id', '=', key(id)).orderBy('id').execute()) {
          const layout = await tx.db.insertInto('dashboard_layouts').values({ dashboard_id: made, active: bool(l.active), attrs: l.attrs })
            .returning('id').executeTakeFirstOrThrow();
          for (const c of await tx.db.selectFrom('dashboard_layout_components').selectAll().where('dashboard_layout_id', '=', l.id).orderBy('id').execute()) {
            const element = elementIds.get(c.dashboard_element_id);
            if (element === undefined) continue;
            await tx.db.insertInto('dashboard_layout_components').values({ dashboard_layout_id: layout.id, dashboard_element_id: element, attrs: c.attrs }).execute();
          }
        }
        return made;
      });
      const copy = await repo.dashboard(idString(newId));
      if (!copy) throw new Error('dashboard copy vanished after insert');
      return copy;
    },

    async elements(dashboardId) {
      return (await db.selectFrom('dashboard_elements').selectAll().where('dashboard_id', '=', key(dashboardId)).orderBy('id').execute()).map(toElement);
    },

    async element(id) {
      const row = await db.selectFrom('dashboard_elements').selectAll().where('id', '=', key(id)).executeTakeFirst();
      return row ? toElement(row) : null;
    },

    async createElement(input, component, byLayout) {
      const id = await inTransaction(ctx, async (tx) => {
        const row = await insertElement(tx, input, (layoutId) => byLayout?.get(idString(layoutId)) ?? component);
        await tx.db.updateTable('dashboards').set({ updated_at: nowIso(tx) }).where('id', '=', key(input.dashboard_id)).execute();
        return row;
      });
      const created = await repo.element(idString(id));
      if (!created) throw new Error('dashboard element vanished after insert');
      return created;
    },

    async updateElement(id, patch) {
      const values = {
        ...(patch.type === undefined ? {} : { type: patch.type }),
        ...(patch.title === undefined ? {} : { title: patch.title }),
        ...(patch.query_id === undefined ? {} : { query_id: optKey(patch.query_id) }),
        ...(patch.look_id === undefined ? {} : { look_id: optKey(patch.look_id) }),
        ...(patch.attrs === undefined ? {} : { attrs: JSON.stringify(patch.attrs) }),
      };
      if (Object.keys(values).length > 0) await db.updateTable('dashboard_elements').set(values).where('id', '=', key(id)).execute();
      return repo.element(id);
    },

    async deleteElement(id) {
      return inTransaction(ctx, async (tx) => {
        await tx.db.deleteFrom('dashboard_layout_components').where('dashboard_element_id', '=', key(id)).execute();
        const result = await tx.db.deleteFrom('dashboard_elements').where('id', '=', key(id)).executeTakeFirst();
        return result.numDeletedRows > 0n;
      });
    },

    async filters(dashboardId) {
      return (await db.selectFrom('dashboard_filters').selectAll().where('dashboard_id', '=', key(dashboardId)).orderBy('id').execute()).map(toFilter);
    },

    async filter(id) {
      const row = await db.selectFrom('dashboard_filters').selectAll().where('id', '=', key(id)).executeTakeFirst();
      return row ? toFilter(row) : null;
    },

    async createFilter(input) {
      const row = await db.insertInto('dashboard_filters').values({ dashboard_id: key(input.dashboard_id), name: input.name, attrs: JSON.stringify(input.attrs) })
        .returning('id').executeTakeFirstOrThrow();
      const created = await repo.filter(idString(row.id));
      if (!created) throw new Error('dashboard filter vanished after insert');
      return created;
    },

    async updateFilter(id, patch) {
      const values = {
        ...(patch.name === undefined ? {} : { name: patch.name }),
        ...(patch.attrs === undefined ? {} : { attrs: JSON.stringify(patch.attrs) }),
      };
      if (Object.keys(values).length > 0) await db.updateTable('dashboard_filters').set(values).where('id', '=', key(id)).execute();
      return repo.filter(id);
    },

    async deleteFilter(id) {
      const result = await db.deleteFrom('dashboard_filters').where('id', '=', key(id)).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async layouts(dashboardId) {
      return (await db.selectFrom('dashboard_layouts').selectAll().where('dashboard_id', '=', key(dashboardId)).orderBy('id').execute()).map(toLayout);
    },

    async layout(id) {
      const row = await db.selectFrom('dashboard_layouts').selectAll().where('id', '=', key(id)).executeTakeFirst();
      return row ? toLayout(row) : null;
    },

    async layoutComponents(layoutId) {
      return (await db.selectFrom('dashboard_layout_components').selectAll().where('dashboard_layout_id', '=', key(layoutId)).orderBy('id').execute()).map(toComponent);
    },

    async layoutComponent(id) {
      const row = await db.selectFrom('dashboard_layout_components').selectAll().where('id', '=', key(id)).executeTakeFirst();
      return row ? toComponent(row) : null;
    },

    async updateLayoutComponent(id, attrs) {
      await db.updateTable('dashboard_layout_components').set({ attrs: JSON.stringify(attrs) }).where('id', '=', key(id)).execute();
      return repo.layoutComponent(id);
    },

    async createLayout(input, components) {
      const id = await inTransaction(ctx, async (tx) => {
        const dashboard = key(input.dashboard_id);
        if (input.active) await tx.db.updateTable('dashboard_layouts').set({ active: false }).where('dashboard_id', '=', dashboard).execute();
        const layout = await tx.db.insertInto('dashboard_layouts').values({ dashboard_id: dashboard, active: input.active, attrs: JSON.stringify(input.attrs) })
          .returning('id').executeTakeFirstOrThrow();
        for (const e of await tx.db.selectFrom('dashboard_elements').select('id').where('dashboard_id', '=', dashboard).orderBy('id').execute()) {
          await tx.db.insertInto('dashboard_layout_components').values({
            dashboard_layout_id: layout.id, dashboard_element_id: e.id, attrs: JSON.stringify(components.get(idString(e.id)) ?? {}),
          }).execute();
        }
        await tx.db.updateTable('dashboards').set({ updated_at: nowIso(tx) }).where('id', '=', dashboard).execute();
        return layout.id;
      });
      const created = await repo.layout(idString(id));
      if (!created) throw new Error('dashboard layout vanished after insert');
      return created;
    },

    async updateLayout(id, patch) {
      await inTransaction(ctx, async (tx) => {
        const row = await tx.db.selectFrom('dashboard_layouts').select('dashboard_id').where('id', '=', key(id)).executeTakeFirst();
        if (!row) return;
        if (patch.active === true) {
          await tx.db.updateTable('dashboard_layouts').set({ active: false }).where('dashboard_id', '=', row.dashboard_id).where('id', '!=', key(id)).execute();
        }
        const values = {
          ...(patch.active === undefined ? {} : { active: patch.active }),
          ...(patch.attrs === undefined ? {} : { attrs: JSON.stringify(patch.attrs) }),
        };
        if (Object.keys(values).length > 0) await tx.db.updateTable('dashboard_layouts').set(values).where('id', '=', key(id)).execute();
      });
      return repo.layout(id);
    },

    async deleteLayout(id) {
      return inTransaction(ctx, async (tx) => {
        await tx.db.deleteFrom('dashboard_layout_components').where('dashboard_layout_id', '=', key(id)).execute();
        const result = await tx.db.deleteFrom('dashboard_layouts').where('id', '=', key(id)).executeTakeFirst();
        return result.numDeletedRows > 0n;
      });
    },

    async syncDashboard(id, plan) {
      await inTransaction(ctx, async (tx) => {
        const dashboard = key(id);
        await tx.db.updateTable('dashboards').set({
          ...(plan.title === undefined ? {} : { title: plan.title }), description: plan.description, attrs: JSON.stringify(plan.attrs), updated_at: nowIso(tx),
        }).where('id', '=', dashboard).execute();

        const wantedFilters = new Map(plan.filters.map((f) => [f.name, f]));
        for (const f of await tx.db.selectFrom('dashboard_filters').select(['id', 'name']).where('dashboard_id', '=', dashboard).orderBy('id').execute()) {
          const wanted = wantedFilters.get(f.name);
          if (wanted) await tx.db.updateTable('dashboard_filters').set({ attrs: JSON.stringify(wanted.attrs) }).where('id', '=', f.id).execute();
          else await tx.db.deleteFrom('dashboard_filters').where('id', '=', f.id).execute();
          wantedFilters.delete(f.name);
        }
        for (const f of wantedFilters.values()) {
          await tx.db.insertInto('dashboard_filters').values({ dashboard_id: dashboard, name: f.name, attrs: JSON.stringify(f.attrs) }).execute();
        }

        const layouts = await tx.db.selectFrom('dashboard_layouts').selectAll().where('dashboard_id', '=', dashboard).orderBy('id').execute();
        const active = layouts.find((l) => bool(l.active)) ?? layouts[0];
        if (active) {
          await tx.db.updateTable('dashboard_layouts').set({ attrs: JSON.stringify({ ...parseJsonObject(active.attrs), ...plan.layout }) })
            .where('id', '=', active.id).execute();
        }

        const wantedElements = new Map(plan.elements.map((e) => [e.link, e]));
        for (const e of await tx.db.selectFrom('dashboard_elements').select(['id', 'attrs']).where('dashboard_id', '=', dashboard).orderBy('id').execute()) {
          const link = parseJsonObject(e.attrs).lookml_link_id;
          const wanted = typeof link === 'string' ? wantedElements.get(link) : undefined;
          if (!wanted) {
            await tx.db.deleteFrom('dashboard_layout_components').where('dashboard_element_id', '=', e.id).execute();
            await tx.db.deleteFrom('dashboard_elements').where('id', '=', e.id).execute();
            continue;
          }
          wantedElements.delete(wanted.link);
          await tx.db.updateTable('dashboard_elements').set({
            type: wanted.type, title: wanted.title, query_id: optKey(wanted.query_id), look_id: null, attrs: JSON.stringify(wanted.attrs),
          }).where('id', '=', e.id).execute();
          if (active) {
            await tx.db.updateTable('dashboard_layout_components').set({ attrs: JSON.stringify(wanted.component) })
              .where('dashboard_layout_id', '=', active.id).where('dashboard_element_id', '=', e.id).execute();
          }
        }
        for (const e of wantedElements.values()) {
          await insertElement(tx, { dashboard_id: id, type: e.type, title: e.title, query_id: e.query_id, look_id: null, attrs: e.attrs }, () => e.component);
        }
      });
    },
  };
  return repo;
}
