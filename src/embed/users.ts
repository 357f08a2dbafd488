/**
 * Embed users: one Overlook user per `external_user_id`, created on first login and updated on each
 * (names, group, permissions, models, user attributes). Grants become an ordinary role, so every
 * permission check in the API applies to embed users unchanged: a permission set holding only
 * permissions embed users may have (never `develop`, `see_lookml`, `administer`, …) and a model set
 * holding exactly the URL's models. Identical grants share one role, named after their hash. The
 * groups of `group_ids` and `external_group_id` add their roles: "The embed user's access is the union
 * of permissions granted by the `group_ids`, `models`, and `permissions` properties" (spec,
 * `create_sso_embed_url`), still only embed permissions.
 */
import { createHash } from 'node:crypto';
import type { Store, StoreTransaction, User, UserAttribute } from '../store/index.ts';
import { EMBED_USER_PERMISSIONS, StoreError } from '../store/index.ts';
import { EmbedError } from './errors.ts';
import { externalGroup, unknownGroups } from './groups.ts';
import type { EmbedRepository } from './repository.ts';
import type { EmbedUserGrant } from './signing.ts';

/**
 * What an embed session may be granted (Looker's embed permission list); anything else is dropped,
 * from the URL's `permissions` here and from its groups' roles by the store.
 */
export const EMBED_PERMISSIONS: readonly string[] = EMBED_USER_PERMISSIONS;
const ALLOWED = new Set(EMBED_PERMISSIONS);

/** Requested permissions filtered to those embed users may have, sorted and deduplicated. */
export function embedPermissions(requested: readonly string[]): string[] {
  return [...new Set(requested.filter((p) => ALLOWED.has(p)))].sort();
}

export interface CheckedGrant {
  readonly permissions: readonly string[];
  readonly models: readonly string[];
  /** name → value, for attributes that exist (checked). */
  readonly attributes: Readonly<Record<string, string>>;
  readonly locale: string | undefined;
  /** `group_ids`, all existing groups. */
  readonly groupIds: readonly string[];
}

/** Checks what the grant names against this server: production models, groups, user attributes. */
export async function checkGrant(store: Store, grant: EmbedUserGrant, productionModels: ReadonlySet<string>): Promise<CheckedGrant> {
  const models = [...new Set(grant.models)].sort();
  const unknownModels = models.filter((m) => !productionModels.has(m));
  if (unknownModels.length > 0) {
    throw new EmbedError('unknown_model', `'models' param names ${unknownModels.length > 1 ? 'models that do' : 'a model that does'} not exist in production: ${unknownModels.map((m) => JSON.stringify(m)).join(', ')}.`);
  }
  const groupIds = [...new Set(grant.group_ids ?? [])];
  const unknownGroupIds = groupIds.length === 0 ? [] : await unknownGroups(store, groupIds);
  if (unknownGroupIds.length > 0) {
    throw new EmbedError('unknown_group', `'group_ids' param names ${unknownGroupIds.length > 1 ? 'groups that do' : 'a group that does'} not exist: ${unknownGroupIds.map((g) => JSON.stringify(g)).join(', ')}.`);
  }
  const attributes: Record<string, string> = {};
  let locale: string | undefined;
  const given = Object.entries(grant.user_attributes ?? {});
  if (given.length > 0) {
    const known = new Map<string, UserAttribute>((await store.attributes.allUserAttributes()).map((a) => [a.name, a]));
    for (const [name, value] of given) {
      const attribute = known.get(name);
      if (!attribute) throw new EmbedError('bad_user_attribute', `'user_attributes' param names an unknown user attribute: ${JSON.stringify(name)}.`);
      if (attribute.is_system) {
        if (name !== 'locale') throw new EmbedError('bad_user_attribute', `'user_attributes' cannot set ${JSON.stringify(name)}: its value comes from the user record.`);
        locale = value;
      } else attributes[name] = value;
    }
  }
  return { permissions: embedPermissions(grant.permissions), models, attributes, locale, groupIds };
}

const digest = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

async function idByName(store: Store, table: 'roles' | 'permission_sets' | 'model_sets', name: string): Promise<string | null> {
  const row = await store.db.selectFrom(table).select('id').where('name', '=', name).executeTakeFirst();
  return row ? String(row.id) : null;
}

/** Find-or-create by unique name; a concurrent creator's row wins. */
async function findOrCreate(store: Store, table: 'roles' | 'permission_sets' | 'model_sets', name: string, create: () => Promise<{ id: string }>): Promise<string> {
  const existing = await idByName(store, table, name);
  if (existing !== null) return existing;
  try {
    return (await create()).id;
  } catch (error) {
    if (!(error instanceof StoreError && error.code === 'conflict')) throw error;
    const raced = await idByName(store, table, name);
    if (raced === null) throw error;
    return raced;
  }
}

/** The shared role for exactly these (already filtered) permissions and models. */
export async function embedRole(store: Store, permissions: readonly string[], models: readonly string[]): Promise<string> {
  const permissionSetId = await findOrCreate(store, 'permission_sets', `Embed permissions ${digest(permissions)}`,
    () => store.roles.createPermissionSet({ name: `Embed permissions ${digest(permissions)}`, permissions }));
  const modelSetId = await findOrCreate(store, 'model_sets', `Embed models ${digest(models)}`,
    () => store.roles.createModelSet({ name: `Embed models ${digest(models)}`, models }));
  const name = `Embed ${digest([permissions, models])}`;
  return findOrCreate(store, 'roles', name, () => store.roles.createRole({ name, permission_set_id: permissionSetId, model_set_id: modelSetId }));
}

async function findOrCreateUser(store: Store, grant: EmbedUserGrant): Promise<User> {
  const existing = await store.users.userByEmbedExternalId(grant.external_user_id);
  if (existing) return existing;
  try {
    return await store.users.createUser({
      first_name: grant.first_name ?? 'Embed', last_name: grant.last_name ?? 'User',
      embed_external_user_id: grant.external_user_id, embed_external_group_id: grant.external_group_id ?? null,
    });
  } catch (error) {
    if (!(error instanceof StoreError && error.code === 'conflict')) throw error;
    const raced = await store.users.userByEmbedExternalId(grant.external_user_id);
    if (!raced) throw error;
    return raced;
  }
}

async function applyAttributes(tx: StoreTransaction, userId: string, attributes: Readonly<Record<string, string>>): Promise<void> {
  const current = (await tx.attributes.userAttributeValues(userId)) ?? [];
  for (const attribute of current) {
    const value = attributes[attribute.name];
    try {
      if (value !== undefined) await tx.attributes.setUserAttributeValue(userId, attribute.user_attribute_id, value);
      // Each login replaces the grants: a value the URL no longer sends goes back to the default.
      else if (attribute.source === 'user') await tx.attributes.deleteUserAttributeValue(userId, attribute.user_attribute_id);
    } catch (error) {
      if (error instanceof StoreError && error.code === 'invalid') {
        throw new EmbedError('bad_user_attribute', `'user_attributes' value of ${JSON.stringify(attribute.name)} is not valid: ${error.message}.`);
      }
      throw error;
    }
  }
}

/**
 * Creates or updates the embed user of `grant` (already checked) and returns its id. Names left out
 * keep their previous value; new users default to "Embed User" as on Looker.
 */
export async function upsertEmbedUser(store: Store, repo: EmbedRepository, grant: EmbedUserGrant, checked: CheckedGrant): Promise<string> {
  const roleId = await embedRole(store, checked.permissions, checked.models);
  const user = await findOrCreateUser(store, grant);
  if (user.is_disabled) throw new EmbedError('user_disabled', 'This embed user has been disabled by an administrator.');
  // A URL without external_group_id keeps the user's group; null or "" leaves it.
  const externalGroupId = grant.external_group_id === undefined ? user.embed_external_group_id : grant.external_group_id === '' ? null : grant.external_group_id;
  // Made before the transaction: a concurrent first login of the same group must not abort it.
  const groupIds = externalGroupId === null ? checked.groupIds : [...checked.groupIds, await externalGroup(store, externalGroupId)];
  await store.transaction(async (tx) => {
    await tx.users.updateUser(user.id, {
      ...(grant.first_name !== undefined && grant.first_name !== null ? { first_name: grant.first_name } : {}),
      ...(grant.last_name !== undefined && grant.last_name !== null ? { last_name: grant.last_name } : {}),
      embed_external_group_id: externalGroupId,
      ...(checked.locale !== undefined ? { locale: checked.locale } : {}),
    });
    await tx.roles.setUserRoles(user.id, [roleId]);
    await tx.groups.setUserGroups(user.id, groupIds);
    await applyAttributes(tx, user.id, checked.attributes);
    await repo.saveCredentials(tx.db, {
      userId: user.id, externalUserId: grant.external_user_id, externalGroupId,
      permissions: checked.permissions, models: checked.models, userTimezone: grant.user_timezone ?? null,
    });
  });
  return user.id;
}

/**
 * `create_embed_user`: the embed user of `externalUserId`, made now (no grants until its first
 * login) or, when it exists, as it is.
 */
export async function createEmbedUser(store: Store, repo: EmbedRepository, externalUserId: string): Promise<User> {
  if (externalUserId.trim() === '' || externalUserId.length > 255) {
    throw new EmbedError('invalid_params', 'external_user_id must be 1 to 255 characters.');
  }
  const user = await findOrCreateUser(store, { external_user_id: externalUserId, session_length: 1, permissions: [], models: [] });
  if ((await repo.credentials(user.id)) === null) {
    await repo.saveCredentials(store.db, { userId: user.id, externalUserId, externalGroupId: null, permissions: [], models: [], userTimezone: null, loggedIn: false });
  }
  return user;
}
