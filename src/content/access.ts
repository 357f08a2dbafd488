/**
 * Content access, as Looker decides it: folders carry access lists (view/edit per user or per
 * group) on their content metadata, inherited down the tree unless a folder stops inheriting; looks
 * and dashboards take their folder's. A group's grant counts for each of its members. No list on
 * the deciding folder means everyone may view and those with `save_content` may edit; a personal
 * folder belongs to its user; admins see and edit everything.
 */
import type { Kysely } from 'kysely';
import type { Database, Store } from '../store/index.ts';
import { groupTables } from '../store/index.ts';
import { bool } from '../store/schema.ts';
import { ContentError } from './errors.ts';

export interface Viewer {
  readonly userId: string;
  readonly permissions: ReadonlySet<string>;
}

export type AccessLevel = 'none' | 'view' | 'edit';

interface Grant {
  permission_type: string;
  user_id: number | null;
  group_id: number | null;
}

const levelOf = (kinds: readonly string[], fallback: AccessLevel): AccessLevel =>
  kinds.includes('edit') ? 'edit' : kinds.includes('view') ? 'view' : fallback;

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
    const mine = this.#grantsOf(me);
    for (let depth = 0; folder && depth < 64; depth++) {
      const grants = await this.#db.selectFrom('content_metadata_access').select(['permission_type', 'user_id', 'group_id'])
        .where('content_metadata_id', '=', folder.content_metadata_id).execute();
      // A personal folder shared explicitly with someone else.
      if (folder.personal_user_id !== null) return folder.personal_user_id === me ? 'edit' : levelOf(await mine(grants), 'none');
      const cm = await this.#db.selectFrom('content_metadata').select('inherits').where('id', '=', folder.content_metadata_id).executeTakeFirst();
      if (grants.length > 0 || (cm && !bool(cm.inherits)) || folder.parent_id === null) {
        if (grants.length === 0) return viewer.permissions.has('save_content') ? 'edit' : 'view';
        return levelOf(await mine(grants), 'none');
      }
      folder = await this.#folder(folder.parent_id);
    }
    return 'none';
  }

  /**
   * The grants of a list that reach user `me`: their own and their groups'. The user's groups are
   * read once per check, and only when a list names a group.
   */
  #grantsOf(me: number): (grants: readonly Grant[]) => Promise<string[]> {
    let groups: Promise<Set<number>> | undefined;
    return async (grants) => {
      const out = grants.filter((g) => g.user_id === me).map((g) => g.permission_type);
      if (!grants.some((g) => g.group_id !== null)) return out;
      groups ??= groupTables(this.#db).selectFrom('group_users').select('group_id').where('user_id', '=', me).execute()
        .then((rows) => new Set(rows.map((r) => r.group_id)));
      const mineByGroup = await groups;
      for (const g of grants) if (g.group_id !== null && mineByGroup.has(g.group_id)) out.push(g.permission_type);
      return out;
    };
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
