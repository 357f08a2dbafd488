/**
 * User attributes and per-user values. A user's value for an attribute is, in order: the
 * value set for that user; for a system attribute (email, first_name, last_name, locale,
 * name), the value from the user record; else the attribute's default.
 */
import type { Selectable } from 'kysely';
import { USER_ATTRIBUTE_TYPES } from './builtins.ts';
import { StoreError, idString, inTransaction, mapConflict, parseId } from './context.ts';
import type { StoreContext } from './context.ts';
import { bool } from './schema.ts';
import type { UserAttributesTable } from './schema.ts';
import type { NewUserAttribute, UserAttribute, UserAttributePatch, UserAttributeWithValue } from './types.ts';

export interface AttributesRepository {
  /** `sorts`: "name", "label desc" (Looker's sortable fields); default by id. */
  allUserAttributes(options?: { sorts?: string }): Promise<UserAttribute[]>;
  userAttribute(id: string): Promise<UserAttribute | null>;
  /** Throws invalid (name, type, default_value) or conflict (name taken). */
  createUserAttribute(input: NewUserAttribute): Promise<UserAttribute>;
  /** null when missing; throws invalid when renaming/retyping a system attribute. */
  updateUserAttribute(id: string, patch: UserAttributePatch): Promise<UserAttribute | null>;
  /** false when missing; throws invalid for permanent (system) attributes. */
  deleteUserAttribute(id: string): Promise<boolean>;
  /** Throws not_found (user/attribute) or invalid (system attribute, value not of the type). */
  setUserAttributeValue(userId: string, attributeId: string, value: string): Promise<UserAttributeWithValue>;
  deleteUserAttributeValue(userId: string, attributeId: string): Promise<boolean>;
  /** Every attribute with the user's effective value; null when no such user. */
  userAttributeValues(userId: string): Promise<UserAttributeWithValue[] | null>;
  /** name → effective value, for Liquid `_user_attributes` and access filters; attributes without a value are absent. */
  attributeValuesForUser(userId: string): Promise<Record<string, string>>;
}

const NAME_PATTERN = /^[a-z_][a-z0-9_]{0,254}$/;
const MAX_VALUE_LENGTH = 65535;

function toAttribute(row: Selectable<UserAttributesTable>): UserAttribute {
  return {
    id: idString(row.id),
    name: row.name,
    label: row.label,
    type: row.type,
    default_value: row.default_value,
    is_system: bool(row.is_system),
    is_permanent: bool(row.is_permanent),
    value_is_hidden: bool(row.value_is_hidden),
    user_can_view: bool(row.user_can_view),
    user_can_edit: bool(row.user_can_edit),
    hidden_value_domain_whitelist: row.hidden_value_domain_whitelist,
  };
}

/** Checks a value against the attribute type; throws invalid on `field`. */
export function checkAttributeValue(type: string, value: string, field: string): void {
  const fail = (what: string): never => {
    throw new StoreError('invalid', `Value must be ${what} for a ${type} attribute`, field);
  };
  if (value.length > MAX_VALUE_LENGTH) fail(`at most ${MAX_VALUE_LENGTH} characters`);
  if (type === 'number' && (value.trim() === '' || !Number.isFinite(Number(value)))) fail('a number');
  if (type === 'yesno' && value !== 'yes' && value !== 'no') fail('"yes" or "no"');
  if (type === 'datetime' && Number.isNaN(Date.parse(value))) fail('a date/time');
  if (type === 'zipcode' && !/^\d{5}(-\d{4})?$/.test(value)) fail('a ZIP code');
}

function checkType(type: string): void {
  if (!USER_ATTRIBUTE_TYPES.includes(type)) {
    throw new StoreError('invalid', `type must be one of ${USER_ATTRIBUTE_TYPES.join(', ')}`, 'type');
  }
}

function checkLabel(label: string): string {
  const trimmed = label.trim();
  if (trimmed === '' || trimmed.length > 255) throw new StoreError('invalid', 'A label of 1-255 characters is required', 'label');
  return trimmed;
}

const nameConflict = <T>(fn: () => Promise<T>): Promise<T> =>
  mapConflict('name', 'A user attribute with this name already exists', fn);

export function attributesRepository(ctx: StoreContext): AttributesRepository {
  async function attributeRow(id: number) {
    return ctx.db.selectFrom('user_attributes').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The user-record values behind the system attributes; null when no such user. */
  async function systemValues(userId: number): Promise<Record<string, string | null> | null> {
    const user = await ctx.db.selectFrom('users')
      .leftJoin('credentials_email', 'credentials_email.user_id', 'users.id')
      .select(['users.first_name', 'users.last_name', 'users.locale', 'credentials_email.email'])
      .where('users.id', '=', userId).executeTakeFirst();
    if (!user) return null;
    const name = [user.first_name, user.last_name].filter((part) => part !== null && part !== '').join(' ');
    return {
      email: user.email, first_name: user.first_name, last_name: user.last_name, locale: user.locale,
      name: name === '' ? null : name,
    };
  }

  async function valuesFor(userId: number, onlyAttribute?: number): Promise<UserAttributeWithValue[] | null> {
    const system = await systemValues(userId);
    if (!system) return null;
    let attributesQuery = ctx.db.selectFrom('user_attributes').selectAll().orderBy('id');
    if (onlyAttribute !== undefined) attributesQuery = attributesQuery.where('id', '=', onlyAttribute);
    const attributes = await attributesQuery.execute();
    const explicit = await ctx.db.selectFrom('user_attribute_values').select(['user_attribute_id', 'value'])
      .where('user_id', '=', userId).execute();
    return attributes.map((attribute) => {
      const own = explicit.find((row) => row.user_attribute_id === attribute.id);
      const fromUser = bool(attribute.is_system) ? system[attribute.name] ?? null : null;
      const [value, source] = own ? [own.value, 'user' as const]
        : fromUser !== null ? [fromUser, 'system' as const]
          : attribute.default_value !== null ? [attribute.default_value, 'default' as const]
            : [null, null];
      return {
        user_attribute_id: idString(attribute.id),
        user_id: idString(userId),
        name: attribute.name,
        label: attribute.label,
        value,
        source,
        value_is_hidden: bool(attribute.value_is_hidden),
        user_can_edit: bool(attribute.user_can_edit),
        hidden_value_domain_whitelist: attribute.hidden_value_domain_whitelist,
      };
    });
  }

  return {
    async allUserAttributes(options = {}) {
      let query = ctx.db.selectFrom('user_attributes').selectAll();
      for (const part of (options.sorts ?? '').split(',')) {
        const words = part.trim().split(/\s+/).filter((word) => word !== '');
        if (words.length === 0) continue;
        const field = words[0]!.toLowerCase();
        const direction = (words[1] ?? 'asc').toLowerCase();
        if ((field !== 'name' && field !== 'label') || words.length > 2 || (direction !== 'asc' && direction !== 'desc')) {
          throw new StoreError('invalid', `Cannot sort user attributes by "${part.trim()}"`, 'sorts');
        }
        query = query.orderBy(field, direction);
      }
      return (await query.orderBy('id').execute()).map(toAttribute);
    },

    async userAttribute(id) {
      const attributeId = parseId(id);
      const row = attributeId === null ? undefined : await attributeRow(attributeId);
      return row ? toAttribute(row) : null;
    },

    async createUserAttribute(input) {
      if (!NAME_PATTERN.test(input.name)) {
        throw new StoreError('invalid', 'name must be lower-case letters, digits and underscores', 'name');
      }
      const label = checkLabel(input.label);
      checkType(input.type);
      if (input.default_value !== undefined && input.default_value !== null) {
        checkAttributeValue(input.type, input.default_value, 'default_value');
      }
      const row = await nameConflict(() => ctx.db.insertInto('user_attributes').values({
        name: input.name, label, type: input.type, default_value: input.default_value ?? null,
        value_is_hidden: input.value_is_hidden ?? false, user_can_view: input.user_can_view ?? true,
        user_can_edit: input.user_can_edit ?? false,
        hidden_value_domain_whitelist: input.hidden_value_domain_whitelist ?? null,
      }).returningAll().executeTakeFirstOrThrow());
      return toAttribute(row);
    },

    async updateUserAttribute(id, patch) {
      const attributeId = parseId(id);
      const row = attributeId === null ? undefined : await attributeRow(attributeId);
      if (!row) return null;
      if (bool(row.is_system) && ((patch.name !== undefined && patch.name !== row.name)
        || (patch.type !== undefined && patch.type !== row.type))) {
        throw new StoreError('invalid', 'A system attribute keeps its name and type', patch.name === undefined ? 'type' : 'name');
      }
      if (patch.name !== undefined && !NAME_PATTERN.test(patch.name)) {
        throw new StoreError('invalid', 'name must be lower-case letters, digits and underscores', 'name');
      }
      const type = patch.type ?? row.type;
      checkType(type);
      const defaultValue = patch.default_value === undefined ? row.default_value : patch.default_value;
      if (defaultValue !== null) checkAttributeValue(type, defaultValue, 'default_value');
      const updated = await nameConflict(() => ctx.db.updateTable('user_attributes').set({
        ...(patch.name === undefined ? {} : { name: patch.name }),
        ...(patch.label === undefined ? {} : { label: checkLabel(patch.label) }),
        type,
        default_value: defaultValue,
        ...(patch.value_is_hidden === undefined ? {} : { value_is_hidden: patch.value_is_hidden }),
        ...(patch.user_can_view === undefined ? {} : { user_can_view: patch.user_can_view }),
        ...(patch.user_can_edit === undefined ? {} : { user_can_edit: patch.user_can_edit }),
        ...(patch.hidden_value_domain_whitelist === undefined ? {}
          : { hidden_value_domain_whitelist: patch.hidden_value_domain_whitelist }),
      }).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow());
      return toAttribute(updated);
    },

    async deleteUserAttribute(id) {
      const attributeId = parseId(id);
      if (attributeId === null) return false;
      return inTransaction(ctx, async (tx) => {
        const row = await tx.db.selectFrom('user_attributes').select(['id', 'is_permanent'])
          .where('id', '=', attributeId).executeTakeFirst();
        if (!row) return false;
        if (bool(row.is_permanent)) throw new StoreError('invalid', 'This user attribute cannot be deleted', 'user_attribute_id');
        // Values cascade with the attribute.
        await tx.db.deleteFrom('user_attributes').where('id', '=', attributeId).execute();
        return true;
      });
    },

    async setUserAttributeValue(userId, attributeId, value) {
      const user = parseId(userId);
      const attribute = parseId(attributeId);
      const userRow = user === null ? undefined
        : await ctx.db.selectFrom('users').select('id').where('id', '=', user).executeTakeFirst();
      if (!userRow) throw new StoreError('not_found', 'User not found', 'user_id');
      const row = attribute === null ? undefined : await attributeRow(attribute);
      if (!row) throw new StoreError('not_found', 'User attribute not found', 'user_attribute_id');
      if (bool(row.is_system)) {
        throw new StoreError('invalid', 'System attribute values come from the user record', 'user_attribute_id');
      }
      checkAttributeValue(row.type, value, 'value');
      await ctx.db.insertInto('user_attribute_values')
        .values({ user_id: userRow.id, user_attribute_id: row.id, value })
        .onConflict((oc) => oc.columns(['user_id', 'user_attribute_id']).doUpdateSet({ value }))
        .execute();
      const [withValue] = (await valuesFor(userRow.id, row.id)) ?? [];
      if (!withValue) throw new Error('user attribute vanished while setting its value');
      return withValue;
    },

    async deleteUserAttributeValue(userId, attributeId) {
      const user = parseId(userId);
      const attribute = parseId(attributeId);
      if (user === null || attribute === null) return false;
      const result = await ctx.db.deleteFrom('user_attribute_values')
        .where('user_id', '=', user).where('user_attribute_id', '=', attribute).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async userAttributeValues(userId) {
      const user = parseId(userId);
      return user === null ? null : valuesFor(user);
    },

    async attributeValuesForUser(userId) {
      const user = parseId(userId);
      const values = user === null ? null : await valuesFor(user);
      // fromEntries defines own properties, so even an attribute named "__proto__" stays data.
      return Object.fromEntries((values ?? []).flatMap((entry) => (entry.value === null ? [] : [[entry.name, entry.value]])));
    },
  };
}
