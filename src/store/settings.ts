/** Server-wide settings as text key/value pairs (e.g. `admin_bootstrapped`). */
import type { StoreContext } from './context.ts';

export interface SettingsRepository {
  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string): Promise<void>;
  /**
   * Stores the value only if the key is absent; true when this call stored it. Atomic across
   * processes and nodes, so exactly one of several starting servers wins (e.g. bootstrap).
   */
  claimSetting(key: string, value: string): Promise<boolean>;
  deleteSetting(key: string): Promise<boolean>;
}

export function settingsRepository(ctx: StoreContext): SettingsRepository {
  return {
    async getSetting(key) {
      const row = await ctx.db.selectFrom('metadata').select('value').where('key', '=', key).executeTakeFirst();
      return row?.value ?? null;
    },

    async setSetting(key, value) {
      await ctx.db.insertInto('metadata').values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
    },

    async claimSetting(key, value) {
      const result = await ctx.db.insertInto('metadata').values({ key, value })
        .onConflict((oc) => oc.column('key').doNothing()).executeTakeFirst();
      return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
    },

    async deleteSetting(key) {
      const result = await ctx.db.deleteFrom('metadata').where('key', '=', key).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
