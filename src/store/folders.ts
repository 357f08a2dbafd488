/**
 * Folders and looks. Folder trees are small (hundreds), so ancestry is walked row by row; deleting a
 * folder deletes its subtree and moves the looks and dashboards in it to the trash, as Looker does.
 */
import type { Selectable } from 'kysely';
import { idString, nowIso, parseId, parseJsonObject } from './context.ts';
import type { StoreContext } from './context.ts';
import { bool } from './schema.ts';
import type { FoldersTable, LooksTable } from './schema.ts';

export interface FolderRecord {
  readonly id: string;
  readonly name: string;
  readonly parent_id: string | null;
  readonly creator_id: string | null;
  readonly personal_user_id: string | null;
  readonly is_shared_root: boolean;
  readonly is_users_root: boolean;
  readonly content_metadata_id: string;
  readonly created_at: string;
}

export interface LookRecord {
  readonly id: string;
  readonly title: string;
  readonly description: string | null;
  readonly folder_id: string;
  readonly user_id: string | null;
  readonly query_id: string;
  readonly deleted: boolean;
  readonly deleted_at: string | null;
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly content_metadata_id: string;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface LookPatch {
  readonly title?: string;
  readonly description?: string | null;
  readonly folder_id?: string;
  readonly query_id?: string;
  readonly deleted?: boolean;
  readonly attrs?: Readonly<Record<string, unknown>>;
}

export interface FoldersRepository {
  folder(id: string): Promise<FolderRecord | null>;
  allFolders(): Promise<FolderRecord[]>;
  children(id: string): Promise<FolderRecord[]>;
  /** Root first, the folder itself excluded. */
  ancestors(id: string): Promise<FolderRecord[]>;
  createFolder(input: { name: string; parent_id: string; creator_id: string | null; personal_user_id?: string | null }): Promise<FolderRecord>;
  updateFolder(id: string, patch: { name?: string; parent_id?: string }): Promise<FolderRecord | null>;
  /** Deletes the subtree; its looks and dashboards go to the trash. */
  deleteFolder(id: string): Promise<boolean>;
  personalFolderOf(userId: string): Promise<FolderRecord | null>;

  createLook(input: { title: string; description: string | null; folder_id: string; user_id: string; query_id: string; attrs: Readonly<Record<string, unknown>> }): Promise<LookRecord>;
  look(id: string): Promise<LookRecord | null>;
  allLooks(options?: { includeDeleted?: boolean; folderId?: string }): Promise<LookRecord[]>;
  updateLook(id: string, patch: LookPatch): Promise<LookRecord | null>;
  deleteLook(id: string): Promise<boolean>;
}


function toFolder(r: Selectable<FoldersTable>): FolderRecord {
  return {
    id: idString(r.id), name: r.name, parent_id: r.parent_id === null ? null : idString(r.parent_id),
    creator_id: r.creator_id === null ? null : idString(r.creator_id),
    personal_user_id: r.personal_user_id === null ? null : idString(r.personal_user_id),
    is_shared_root: bool(r.is_shared_root), is_users_root: bool(r.is_users_root),
    content_metadata_id: idString(r.content_metadata_id), created_at: r.created_at,
  };
}

function toLook(r: Selectable<LooksTable>): LookRecord {
  return {
    id: idString(r.id), title: r.title, description: r.description, folder_id: idString(r.folder_id),
    user_id: r.user_id === null ? null : idString(r.user_id), query_id: idString(r.query_id), deleted: bool(r.deleted),
    deleted_at: r.deleted_at, attrs: parseJsonObject(r.attrs), content_metadata_id: idString(r.content_metadata_id),
    created_at: r.created_at, updated_at: r.updated_at,
  };
}

const key = (id: string): number => parseId(id) ?? -1;

export function foldersRepository(ctx: StoreContext): FoldersRepository {
  const db = ctx.db;
  const repo: FoldersRepository = {
    async folder(id) {
      const row = await db.selectFrom('folders').selectAll().where('id', '=', key(id)).executeTakeFirst();
      return row ? toFolder(row) : null;
    },

    async allFolders() {
      return (await db.selectFrom('folders').selectAll().orderBy('id').execute()).map(toFolder);
    },

    async children(id) {
      return (await db.selectFrom('folders').selectAll().where('parent_id', '=', key(id)).orderBy('name').execute()).map(toFolder);
    },

    async ancestors(id) {
      const out: FolderRecord[] = [];
      let current = await repo.folder(id);
      for (let depth = 0; current?.parent_id != null && depth < 64; depth++) {
        const parent: FolderRecord | null = await repo.folder(current.parent_id);
        if (!parent) break;
        out.unshift(parent);
        current = parent;
      }
      return out;
    },

    async createFolder(input) {
      const parent = await db.selectFrom('folders').select('content_metadata_id').where('id', '=', key(input.parent_id)).executeTakeFirstOrThrow();
      const cm = await db.insertInto('content_metadata').values({ parent_id: parent.content_metadata_id, content_type: 'space', inherits: true })
        .returning('id').executeTakeFirstOrThrow();
      const row = await db.insertInto('folders').values({
        name: input.name, parent_id: key(input.parent_id), creator_id: input.creator_id === null ? null : key(input.creator_id),
        personal_user_id: input.personal_user_id == null ? null : key(input.personal_user_id),
        content_metadata_id: cm.id, created_at: nowIso(ctx),
      }).returning('id').executeTakeFirstOrThrow();
      const created = await repo.folder(idString(row.id));
      if (!created) throw new Error('folder vanished after insert');
      return created;
    },

    async updateFolder(id, patch) {
      const values = {
        ...(patch.name === undefined ? {} : { name: patch.name }),
        ...(patch.parent_id === undefined ? {} : { parent_id: key(patch.parent_id) }),
      };
      if (Object.keys(values).length > 0) await db.updateTable('folders').set(values).where('id', '=', key(id)).execute();
      if (patch.parent_id !== undefined) {
        const parent = await db.selectFrom('folders').select('content_metadata_id').where('id', '=', key(patch.parent_id)).executeTakeFirst();
        const me = await db.selectFrom('folders').select('content_metadata_id').where('id', '=', key(id)).executeTakeFirst();
        if (parent && me) await db.updateTable('content_metadata').set({ parent_id: parent.content_metadata_id }).where('id', '=', me.content_metadata_id).execute();
      }
      return repo.folder(id);
    },

    async deleteFolder(id) {
      const ids: number[] = [];
      const queue = [key(id)];
      while (queue.length > 0) {
        const next = queue.shift() ?? -1;
        ids.push(next);
        for (const c of await db.selectFrom('folders').select('id').where('parent_id', '=', next).execute()) queue.push(c.id);
      }
      const now = nowIso(ctx);
      await db.updateTable('looks').set({ deleted: true, deleted_at: now }).where('folder_id', 'in', ids).execute();
      await db.updateTable('dashboards').set({ deleted: true, deleted_at: now }).where('folder_id', 'in', ids).execute();
      const result = await db.deleteFrom('folders').where('id', 'in', ids).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async personalFolderOf(userId) {
      const row = await db.selectFrom('folders').selectAll().where('personal_user_id', '=', key(userId)).executeTakeFirst();
      return row ? toFolder(row) : null;
    },

    async createLook(input) {
      const folder = await db.selectFrom('folders').select('content_metadata_id').where('id', '=', key(input.folder_id)).executeTakeFirstOrThrow();
      const cm = await db.insertInto('content_metadata').values({ parent_id: folder.content_metadata_id, content_type: 'look', inherits: true })
        .returning('id').executeTakeFirstOrThrow();
      const now = nowIso(ctx);
      const row = await db.insertInto('looks').values({
        title: input.title, description: input.description, folder_id: key(input.folder_id), user_id: key(input.user_id),
        query_id: key(input.query_id), attrs: JSON.stringify(input.attrs), content_metadata_id: cm.id, created_at: now, updated_at: now,
      }).returning('id').executeTakeFirstOrThrow();
      const created = await repo.look(idString(row.id));
      if (!created) throw new Error('look vanished after insert');
      return created;
    },

    async look(id) {
      const row = await db.selectFrom('looks').selectAll().where('id', '=', key(id)).executeTakeFirst();
      return row ? toLook(row) : null;
    },

    async allLooks(options = {}) {
      let q = db.selectFrom('looks').selectAll();
      if (options.includeDeleted !== true) q = q.where('deleted', '=', false);
      if (options.folderId !== undefined) q = q.where('folder_id', '=', key(options.folderId));
      return (await q.orderBy('id').execute()).map(toLook);
    },

    async updateLook(id, patch) {
      const values = {
        ...(patch.title === undefined ? {} : { title: patch.title }),
        ...(patch.description === undefined ? {} : { description: patch.description }),
        ...(patch.folder_id === undefined ? {} : { folder_id: key(patch.folder_id) }),
        ...(patch.query_id === undefined ? {} : { query_id: key(patch.query_id) }),
        ...(patch.deleted === undefined ? {} : { deleted: patch.deleted, deleted_at: patch.deleted ? nowIso(ctx) : null }),
        ...(patch.attrs === undefined ? {} : { attrs: JSON.stringify(patch.attrs) }),
        updated_at: nowIso(ctx),
      };
      await db.updateTable('looks').set(values).where('id', '=', key(id)).execute();
      return repo.look(id);
    },

    async deleteLook(id) {
      const row = await db.selectFrom('looks').select('content_metadata_id').where('id', '=', key(id)).executeTakeFirst();
      const result = await db.deleteFrom('looks').where('id', '=', key(id)).executeTakeFirst();
      if (row) await db.deleteFrom('content_metadata').where('id', '=', row.content_metadata_id).execute();
      return result.numDeletedRows > 0n;
    },
  };
  return repo;
}
