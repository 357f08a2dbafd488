/**
 * Groups as embedding uses them: the named groups an embed URL's `group_ids` enrol its user in and
 * the embed-exclusive group Looker keeps for each `external_group_id`. Groups live in the store
 * (`src/store/groups.ts`), where their roles and content grants count for every member; these are
 * the calls embedding (and its tests) make, with embedding's errors.
 */
import type { GroupRecord, Store } from '../store/index.ts';
import { StoreError } from '../store/index.ts';
import { EmbedError } from './errors.ts';

export type { GroupRecord } from '../store/index.ts';
export { groupIdsOfUsers } from '../store/groups.ts';

export const createGroup = (store: Store, name: string): Promise<GroupRecord> => store.groups.createGroup(name);
export const group = (store: Store, id: string): Promise<GroupRecord | null> => store.groups.group(id);
export const allGroups = (store: Store, ids?: readonly string[]): Promise<GroupRecord[]> => store.groups.allGroups(ids);
export const deleteGroup = (store: Store, id: string): Promise<boolean> => store.groups.deleteGroup(id);
export const groupUserIds = (store: Store, groupId: string): Promise<string[]> => store.groups.groupUserIds(groupId);
export const unknownGroups = (store: Store, ids: readonly string[]): Promise<string[]> => store.groups.unknownGroups(ids);


/** The embed-exclusive group of an `external_group_id`, made on first use. */
export async function externalGroup(store: Store, externalGroupId: string): Promise<string> {
  try {
    return await store.groups.externalGroup(externalGroupId);
  } catch (error) {
    if (error instanceof StoreError && error.code === 'conflict') throw new EmbedError('invalid_params', error.message);
    throw error;
  }
}
