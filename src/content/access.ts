/**
 * Content access, as Looker decides it: folders carry access lists (view/edit per user) on their
 * content metadata, inherited down the tree unless a folder stops inheriting; looks and dashboards
 * take their folder's. No list on the deciding folder means everyone may view and those with
 * `save_content` may edit; a personal folder belongs to its user; admins see and edit everything.
 */
import type { Kysely } from 'kysely';
import type { Database, Store } from '../store/index.ts';
import { bool } from '../store/schema.ts';
import { ContentError } from './errors.ts';

export interface Viewer {
  readonly userId: string;
  readonly permissions: ReadonlySet<string>;
}

export type AccessLevel = 'none' | 'view' | 'edit';

interface FolderRow {
  id: number;
  parent_id: number | null;
  personal_user_id: number | null;
  content_metadata_id: number;
}

export class ContentAccess {
  readonly #db: Kysely<Database>;

  constructor(store: Store) {
    this.#db = store.db;
  }

  async #folder(id: number): Promise<FolderRow | null> {
    return (await this.#db.selectFrom('folders').select(['id', 'parent_id', 'personal_user_id', 'content_metadata_id'])
      .where('id', '=', id).executeTakeFirst()) ?? null;
  }

  /** The caller's access to a folder (and so to the looks and dashboards in it). */
  async folderAccess(viewer: Viewer, folderId: string | number): Promise<AccessLevel> {
    const id = typeof folderId === 'number' ? folderId : Number(folderId);
    if (!Number.isSafeInteger(id)) return 'none';
    let folder = await this.#folder(id);
    if (!folder) return 'none';
    if (viewer.permissions.has('administer')) return 'edit';
    const me = Number(viewer.userId);
    for (let depth = 0; folder && depth < 64; depth++) {
      if (folder.personal_user_id !== null) return folder.personal_user_id === me ? 'edit' : this.#listed(folder, me, 'none');
      const cm = await this.#db.selectFrom('content_metadata').select('inherits').where('id', '=', folder.content_metadata_id).executeTakeFirst();
      const grants = await this.#db.selectFrom('content_metadata_access').select(['permission_type', 'user_id'])
        .where('content_metadata_id', '=', folder.content_metadata_id).execute();
      if (grants.length > 0 || (cm && !bool(cm.inherits)) || folder.parent_id === null) {
        if (grants.length === 0) return viewer.permissions.has('save_content') ? 'edit' : 'view';
        const mine = grants.filter((g) => g.user_id === me).map((g) => g.permission_type);
        return mine.includes('edit') ? 'edit' : mine.includes('view') ? 'view' : 'none';
      }
      folder = await this.#folder(folder.parent_id);
    }
    return 'none';
  }

  /** A personal folder shared explicitly with someone else. */
  async #listed(folder: FolderRow, me: number, fallback: AccessLevel): Promise<AccessLevel> {
    const grants = await this.#db.selectFrom('content_metadata_access').select('permission_type')
      .where('content_metadata_id', '=', folder.content_metadata_id).where('user_id', '=', me).execute();
    const kinds = grants.map((g) => g.permission_type);
    return kinds.includes('edit') ? 'edit' : kinds.includes('view') ? 'view' : fallback;
  }

  /** Throws not_found when the caller may not see the folder (its existence stays private). */
  async assertCanView(viewer: Viewer, folderId: string | number, what = 'Folder'): Promise<void> {
    if ((await this.folderAccess(viewer, folderId)) === 'none') throw new ContentError('not_found', `${what} not found.`);
  }

  async assertCanEdit(viewer: Viewer, folderId: string | number, what = 'Folder'): Promise<void> {
    const level = await this.folderAccess(viewer, folderId);
    if (level === 'none') throw new ContentError('not_found', `${what} not found.`);
    if (level !== 'edit') throw new ContentError('forbidden', `You may view but not change content in folder ${String(folderId)}.`);
  }
}

/** A content metadata row for new content, under its folder's (so access inherits). */
export async function newContentMetadata(db: Kysely<Database>, contentType: 'space' | 'look' | 'dashboard', parentId: number | null): Promise<number> {
  const row = await db.insertInto('content_metadata').values({ parent_id: parentId, content_type: contentType, inherits: true })
    .returning('id').executeTakeFirstOrThrow();
  return row.id;
}
