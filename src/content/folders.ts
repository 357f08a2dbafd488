/**
 * Folders as callers see them: the Shared and Users roots, each user's personal folder (made on first
 * need), and the folders a caller may view; writes need edit access on the parent.
 */
import type { FolderRecord, Store } from '../store/index.ts';
import { ContentAccess, type AccessLevel, type Viewer } from './access.ts';
import { ContentError } from './errors.ts';

export const SHARED_FOLDER_ID = '1';
export const USERS_FOLDER_ID = '2';

export interface FolderView {
  readonly folder: FolderRecord;
  readonly access: AccessLevel;
  readonly childCount: number;
  readonly isPersonalDescendant: boolean;
}

export class Folders {
  readonly #store: Store;
  readonly access: ContentAccess;

  constructor(store: Store, access: ContentAccess) {
    this.#store = store;
    this.access = access;
  }

  /** The user's personal folder under Users, created the first time it is needed. */
  async personalFolder(userId: string): Promise<FolderRecord> {
    const existing = await this.#store.folders.personalFolderOf(userId);
    if (existing) return existing;
    const user = await this.#store.users.user(userId);
    if (!user) throw new ContentError('not_found', `User ${userId} not found.`);
    try {
      const made = await this.#store.folders.createFolder({
        name: user.display_name || user.email || `User ${userId}`, parent_id: USERS_FOLDER_ID, creator_id: userId, personal_user_id: userId,
      });
      await this.#store.users.updateUser(userId, { personal_folder_id: made.id, ...(user.home_folder_id === null ? { home_folder_id: made.id } : {}) });
      return made;
    } catch (error) {
      // Two requests made it at once: the unique personal_user_id kept one; use it.
      const raced = await this.#store.folders.personalFolderOf(userId);
      if (raced) return raced;
      throw error;
    }
  }

  async view(viewer: Viewer, folder: FolderRecord): Promise<FolderView> {
    const [access, children, ancestors] = await Promise.all([
      this.access.folderAccess(viewer, folder.id), this.#store.folders.children(folder.id), this.#store.folders.ancestors(folder.id),
    ]);
    return { folder, access, childCount: children.length, isPersonalDescendant: ancestors.some((a) => a.personal_user_id !== null) };
  }

  async get(viewer: Viewer, id: string): Promise<FolderView> {
    const folder = await this.#store.folders.folder(id);
    if (!folder) throw new ContentError('not_found', `Folder ${id} not found.`);
    const v = await this.view(viewer, folder);
    if (v.access === 'none') throw new ContentError('not_found', `Folder ${id} not found.`);
    return v;
  }

  /** Every folder the viewer may see (their personal folder exists afterwards). */
  async all(viewer: Viewer): Promise<FolderView[]> {
    await this.personalFolder(viewer.userId);
    const views = await Promise.all((await this.#store.folders.allFolders()).map((f) => this.view(viewer, f)));
    return views.filter((v) => v.access !== 'none');
  }

  async children(viewer: Viewer, id: string): Promise<FolderView[]> {
    await this.get(viewer, id);
    if (id === USERS_FOLDER_ID) await this.personalFolder(viewer.userId);
    const views = await Promise.all((await this.#store.folders.children(id)).map((f) => this.view(viewer, f)));
    return views.filter((v) => v.access !== 'none');
  }

  async ancestors(viewer: Viewer, id: string): Promise<FolderView[]> {
    await this.get(viewer, id);
    const views = await Promise.all((await this.#store.folders.ancestors(id)).map((f) => this.view(viewer, f)));
    return views.filter((v) => v.access !== 'none');
  }

  async create(viewer: Viewer, input: { name?: unknown; parent_id?: unknown }): Promise<FolderView> {
    const name = this.#name(input.name);
    if (typeof input.parent_id !== 'string' || input.parent_id === '') throw new ContentError('invalid', 'parent_id is required.', 'parent_id');
    if (input.parent_id === USERS_FOLDER_ID) throw new ContentError('invalid', 'Folders cannot be created directly under Users.', 'parent_id');
    await this.access.assertCanEdit(viewer, input.parent_id, 'Parent folder');
    await this.#assertUniqueName(input.parent_id, name);
    const made = await this.#store.folders.createFolder({ name, parent_id: input.parent_id, creator_id: viewer.userId });
    return this.view(viewer, made);
  }

  async update(viewer: Viewer, id: string, patch: { name?: unknown; parent_id?: unknown }): Promise<FolderView> {
    const current = await this.get(viewer, id);
    if (current.folder.is_shared_root || current.folder.is_users_root || current.folder.personal_user_id !== null) {
      if (patch.parent_id !== undefined || (patch.name !== undefined && current.folder.personal_user_id === null)) {
        throw new ContentError('invalid', 'Root and personal folders cannot be renamed or moved.', 'name');
      }
    }
    await this.access.assertCanEdit(viewer, id);
    const name = patch.name === undefined ? undefined : this.#name(patch.name);
    let parent: string | undefined;
    if (patch.parent_id !== undefined) {
      if (typeof patch.parent_id !== 'string') throw new ContentError('invalid', 'parent_id must be a folder id.', 'parent_id');
      parent = patch.parent_id;
      await this.access.assertCanEdit(viewer, parent, 'Parent folder');
      const ancestry = [parent, ...(await this.#store.folders.ancestors(parent)).map((a) => a.id)];
      if (ancestry.includes(id)) throw new ContentError('invalid', 'A folder cannot move into itself or its own subfolder.', 'parent_id');
    }
    if (name !== undefined) await this.#assertUniqueName(parent ?? current.folder.parent_id ?? SHARED_FOLDER_ID, name, id);
    const updated = await this.#store.folders.updateFolder(id, { ...(name === undefined ? {} : { name }), ...(parent === undefined ? {} : { parent_id: parent }) });
    if (!updated) throw new ContentError('not_found', `Folder ${id} not found.`);
    return this.view(viewer, updated);
  }

  async delete(viewer: Viewer, id: string): Promise<void> {
    const current = await this.get(viewer, id);
    if (current.folder.is_shared_root || current.folder.is_users_root || current.folder.personal_user_id !== null) {
      throw new ContentError('invalid', 'Root and personal folders cannot be deleted.', 'folder_id');
    }
    await this.access.assertCanEdit(viewer, id);
    await this.#store.folders.deleteFolder(id);
  }

  #name(value: unknown): string {
    if (typeof value !== 'string' || value.trim() === '') throw new ContentError('invalid', 'A folder name is required.', 'name');
    if (value.length > 200) throw new ContentError('invalid', 'Folder names have at most 200 characters.', 'name');
    return value.trim();
  }

  async #assertUniqueName(parentId: string, name: string, except?: string): Promise<void> {
    const siblings = await this.#store.folders.children(parentId);
    if (siblings.some((s) => s.id !== except && s.name.toLowerCase() === name.toLowerCase())) {
      throw new ContentError('conflict', `A folder named "${name}" already exists here.`);
    }
  }
}
