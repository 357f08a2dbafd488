/**
 * What embedding adds to Looker's user and group JSON: `credentials_embed` and `group_ids` of a
 * `User`, `CredentialsEmbed`, `Group` and `UserPublic`.
 */
import type { Kysely } from 'kysely';
import type { Database, User } from '../../store/index.ts';
import { groupIdsOfUsers, type GroupRecord } from '../../store/groups.ts';
import { embedCredentialsOf } from '../../embed/repository.ts';
import { API_PREFIX } from '../route.ts';

/**
 * Looker's `CredentialsEmbed`. An embed user has exactly one, so its id is the user's id (and
 * the one-credential routes take the user id twice).
 */
export function credentialsEmbedJson(c: { user_id: string; external_user_id: string; external_group_id: string | null; created_at: string; logged_in_at: string | null; is_disabled: boolean }, base: string): Record<string, unknown> {
  return {
    can: {}, created_at: c.created_at, external_group_id: c.external_group_id, external_user_id: c.external_user_id, id: c.user_id,
    is_disabled: c.is_disabled, logged_in_at: c.logged_in_at, type: 'embed', url: `${base}${API_PREFIX}/users/${c.user_id}/credentials_embed/${c.user_id}`,
  };
}

/** The members of a `User` that live in embedding's tables. */
export interface UserEmbedJson {
  readonly credentials_embed: Record<string, unknown>[];
  readonly group_ids: string[];
}

/** `credentials_embed` and `group_ids` of each user (empty lists for users without). */
export async function userEmbedJson(db: Kysely<Database>, userIds: readonly string[], base: string): Promise<Map<string, UserEmbedJson>> {
  const [credentials, groups] = await Promise.all([embedCredentialsOf(db, userIds), groupIdsOfUsers(db, userIds)]);
  return new Map(userIds.map((id) => {
    const c = credentials.get(id);
    return [id, { credentials_embed: c === undefined ? [] : [credentialsEmbedJson(c, base)], group_ids: groups.get(id) ?? [] }];
  }));
}

export function groupJson(g: GroupRecord, currentUserIn: boolean): Record<string, unknown> {
  return {
    // Any group may be named in a content access list (create_content_metadata_access with group_id).
    can: {}, can_add_to_content_metadata: true, contains_current_user: currentUserIn, external_group_id: g.external_group_id,
    externally_managed: g.external_group_id !== null, id: g.id, include_by_default: false, name: g.name, user_count: g.user_count,
  };
}

/** Looker's `UserPublic` (Overlook has no avatars: `avatar_url` is empty). */
export function userPublicJson(u: User, base: string): Record<string, unknown> {
  return {
    can: {}, id: u.id, first_name: u.first_name ?? '', last_name: u.last_name ?? '', display_name: u.display_name === '' ? null : u.display_name,
    avatar_url: '', url: `${base}${API_PREFIX}/users/${u.id}`,
  };
}
