/**
 * Looks: a saved query with a title in a folder. Viewing needs view access on the folder, changes
 * need edit access; a look's query runs in the viewer's workspace (production for production tokens).
 */
import type { LookRecord, Store } from '../store/index.ts';
import type { Viewer } from './access.ts';
import type { ContentAccess } from './access.ts';
import { copyTitle } from './dashboards-logic.ts';
import { ContentError } from './errors.ts';

export interface LookInput {
  readonly title?: unknown;
  readonly description?: unknown;
  readonly folder_id?: unknown;
  readonly space_id?: unknown;
  readonly query_id?: unknown;
  readonly deleted?: unknown;
  readonly [other: string]: unknown;
}

/** Writable Look members kept as given (Looker stores and echoes them). */
const ATTRS = ['is_run_on_load', 'public', 'certification_metadata'] as const;

function text(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') throw new ContentError('invalid', `${field} must be a string.`, field);
  return value;
}

export class Looks {
  readonly #store: Store;
  readonly #access: ContentAccess;

  constructor(store: Store, access: ContentAccess) {
    this.#store = store;
    this.#access = access;
  }

  async get(viewer: Viewer, id: string): Promise<LookRecord> {
    const look = await this.#store.folders.look(id);
    if (!look) throw new ContentError('not_found', `Look ${id} not found.`);
    await this.#access.assertCanView(viewer, look.folder_id, `Look ${id}`);
    return look;
  }

  async all(viewer: Viewer, options: { folderId?: string; includeDeleted?: boolean } = {}): Promise<LookRecord[]> {
    const looks = await this.#store.folders.allLooks(options);
    const levels = new Map<string, boolean>();
    const out: LookRecord[] = [];
    for (const look of looks) {
      let ok = levels.get(look.folder_id);
      if (ok === undefined) {
        ok = (await this.#access.folderAccess(viewer, look.folder_id)) !== 'none';
        levels.set(look.folder_id, ok);
      }
      if (ok) out.push(look);
    }
    return out;
  }

  async create(viewer: Viewer, input: LookInput): Promise<LookRecord> {
    const title = text(input.title, 'title')?.trim();
    if (title === undefined || title === '') throw new ContentError('invalid', 'A look title is required.', 'title');
    const folderId = text(input.folder_id ?? input.space_id, 'folder_id');
    if (folderId === undefined) throw new ContentError('invalid', 'folder_id is required.', 'folder_id');
    const queryId = text(input.query_id, 'query_id');
    if (queryId === undefined || !(await this.#store.queries.query(queryId))) throw new ContentError('invalid', `Query ${String(queryId)} not found.`, 'query_id');
    await this.#access.assertCanEdit(viewer, folderId, `Folder ${folderId}`);
    await this.#assertUniqueTitle(folderId, title);
    return this.#store.folders.createLook({
      title, description: text(input.description, 'description') ?? null, folder_id: folderId, user_id: viewer.userId,
      query_id: queryId, attrs: attrsOf(input),
    });
  }

  async update(viewer: Viewer, id: string, input: LookInput): Promise<LookRecord> {
    const look = await this.get(viewer, id);
    await this.#access.assertCanEdit(viewer, look.folder_id, `Look ${id}`);
    const title = text(input.title, 'title')?.trim();
    if (title === '') throw new ContentError('invalid', 'A look title cannot be empty.', 'title');
    const folderId = text(input.folder_id ?? input.space_id, 'folder_id');
    if (folderId !== undefined && folderId !== look.folder_id) await this.#access.assertCanEdit(viewer, folderId, `Folder ${folderId}`);
    if (title !== undefined || folderId !== undefined) await this.#assertUniqueTitle(folderId ?? look.folder_id, title ?? look.title, id);
    const queryId = text(input.query_id, 'query_id');
    if (queryId !== undefined && !(await this.#store.queries.query(queryId))) throw new ContentError('invalid', `Query ${queryId} not found.`, 'query_id');
    if (input.deleted !== undefined && typeof input.deleted !== 'boolean') throw new ContentError('invalid', 'deleted must be a boolean.', 'deleted');
    const description = input.description === null ? null : text(input.description, 'description');
    const attrs = attrsOf(input);
    const updated = await this.#store.folders.updateLook(id, {
      ...(title === undefined ? {} : { title }),
      ...(description === undefined ? {} : { description }),
      ...(folderId === undefined ? {} : { folder_id: folderId }),
      ...(queryId === undefined ? {} : { query_id: queryId }),
      ...(typeof input.deleted === 'boolean' ? { deleted: input.deleted } : {}),
      ...(Object.keys(attrs).length > 0 ? { attrs: { ...look.attrs, ...attrs } } : {}),
    });
    if (!updated) throw new ContentError('not_found', `Look ${id} not found.`);
    return updated;
  }

  async delete(viewer: Viewer, id: string): Promise<void> {
    const look = await this.get(viewer, id);
    await this.#access.assertCanEdit(viewer, look.folder_id, `Look ${id}`);
    await this.#store.folders.deleteLook(id);
  }

  /** copy_look: a copy in `folderId` (default: the look's folder), titled `T (copy)` when the title is taken there. */
  async copy(viewer: Viewer, id: string, folderId?: string): Promise<LookRecord> {
    const look = await this.get(viewer, id);
    const target = folderId === undefined || folderId === '' ? look.folder_id : folderId;
    await this.#access.assertCanEdit(viewer, target, `Folder ${target}`);
    const taken = (await this.#store.folders.allLooks({ folderId: target })).map((l) => l.title);
    return this.#store.folders.createLook({
      title: copyTitle(look.title, taken), description: look.description, folder_id: target, user_id: viewer.userId, query_id: look.query_id, attrs: look.attrs,
    });
  }

  /** move_look: into another folder the caller may edit (as Looker says, not the one it is in). */
  async move(viewer: Viewer, id: string, folderId: string): Promise<LookRecord> {
    const look = await this.get(viewer, id);
    if (folderId === '') throw new ContentError('invalid', 'folder_id is required.', 'folder_id');
    if (folderId === look.folder_id) throw new ContentError('invalid', `Look ${id} is already in folder ${folderId}.`, 'folder_id');
    return this.update(viewer, id, { folder_id: folderId });
  }

  async #assertUniqueTitle(folderId: string, title: string, except?: string): Promise<void> {
    const siblings = await this.#store.folders.allLooks({ folderId });
    if (siblings.some((l) => l.id !== except && l.title.toLowerCase() === title.toLowerCase())) {
      throw new ContentError('conflict', `A look titled "${title}" already exists in folder ${folderId}.`);
    }
  }
}

function attrsOf(input: LookInput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ATTRS) if (input[k] !== undefined) out[k] = input[k];
  return out;
}
