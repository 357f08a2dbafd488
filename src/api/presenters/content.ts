/** Folders and looks → Looker's Folder / FolderBase / Look / LookWithQuery JSON. */
import type { FolderView } from '../../content/folders.ts';
import type { LookRecord } from '../../store/index.ts';
import { specShape } from './spec-shape.ts';

export function folderBaseJson(v: FolderView): Record<string, unknown> {
  const f = v.folder;
  const edit = v.access === 'edit';
  return specShape('FolderBase', {
    name: f.name, parent_id: f.parent_id, id: f.id, content_metadata_id: f.content_metadata_id, created_at: f.created_at,
    creator_id: f.creator_id, child_count: v.childCount, external_id: null, is_embed: false, is_embed_shared_root: false,
    is_embed_users_root: false, is_personal: f.personal_user_id !== null, is_personal_descendant: v.isPersonalDescendant,
    is_shared_root: f.is_shared_root, is_users_root: f.is_users_root,
    can: { index: true, show: true, create: edit, see_admin_spaces: false, update: edit, destroy: edit && f.parent_id !== null && f.personal_user_id === null, move_content: edit, edit_content: edit },
  });
}

export function folderJson(v: FolderView, looks: readonly Record<string, unknown>[] = [], dashboards: readonly Record<string, unknown>[] = []): Record<string, unknown> {
  return specShape('Folder', { ...folderBaseJson(v), looks, dashboards });
}

export interface LookContext {
  readonly base: string;
  readonly folder: FolderView | null;
  readonly modelName: string | null;
  readonly userName: string | null;
  readonly canEdit: boolean;
  /** The look's query as the Query JSON (LookWithQuery only). */
  readonly query?: Record<string, unknown>;
}

export function lookJson(l: LookRecord, ctx: LookContext, withQuery: boolean): Record<string, unknown> {
  const values: Record<string, unknown> = {
    can: { show: true, index: true, run: true, show_details: true, update: ctx.canEdit, destroy: ctx.canEdit, copy: true, find_and_replace: false, render: true, download: true, schedule: false, see_lookml: true, see_sql: true, explore: true },
    content_metadata_id: l.content_metadata_id, id: l.id, title: l.title, user_id: l.user_id,
    certification_metadata: l.attrs.certification_metadata ?? null, content_favorite_id: null, created_at: l.created_at,
    deleted: l.deleted, deleted_at: l.deleted_at, deleter_id: null, description: l.description,
    embed_url: `${ctx.base}/embed/looks/${l.id}`, excel_file_url: `${ctx.base}/looks/${l.id}.xlsx`, favorite_count: 0,
    google_spreadsheet_formula: null, image_embed_url: `${ctx.base}/looks/${l.id}.png`, is_run_on_load: l.attrs.is_run_on_load === true,
    last_accessed_at: null, last_updater_id: l.user_id, last_viewed_at: null,
    model: ctx.modelName === null ? null : { id: ctx.modelName, label: ctx.modelName },
    public: l.attrs.public === true, public_slug: null, public_url: null, query_id: l.query_id,
    short_url: `${ctx.base}/looks/${l.id}`, folder: ctx.folder ? folderBaseJson(ctx.folder) : null, folder_id: l.folder_id,
    updated_at: l.updated_at, user_name: ctx.userName, view_count: 0, usage_count: 0, is_owner_disabled: false,
    url: `/looks/${l.id}`,
  };
  if (withQuery) values.query = ctx.query ?? null;
  return specShape(withQuery ? 'LookWithQuery' : 'Look', values);
}
