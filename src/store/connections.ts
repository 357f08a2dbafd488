/** Database connections by name (Looker's DBConnection); the password is stored, never listed. */
import type { Selectable } from 'kysely';
import { StoreError, changed, mapConflict, nowIso, parseId, parseJsonObject } from './context.ts';
import type { StoreContext } from './context.ts';
import type { ConnectionsTable } from './schema.ts';

export interface ConnectionRecord {
  readonly name: string;
  readonly dialect_name: string;
  readonly host: string | null;
  readonly port: string | null;
  readonly database: string | null;
  readonly username: string | null;
  /** For the drivers only; the API reports `has_password`. */
  readonly password: string | null;
  readonly schema: string | null;
  readonly max_connections: number | null;
  readonly query_timezone: string | null;
  readonly db_timezone: string | null;
  readonly jdbc_additional_params: string | null;
  readonly extra: Readonly<Record<string, unknown>>;
  readonly user_id: string | null;
  readonly created_at: string;
}

export type ConnectionInput = Omit<ConnectionRecord, 'created_at' | 'user_id' | 'extra'> & { readonly extra?: Readonly<Record<string, unknown>> };
export type ConnectionPatch = Partial<Omit<ConnectionInput, 'name'>>;

export interface ConnectionsRepository {
  createConnection(input: ConnectionInput, userId: string | null): Promise<ConnectionRecord>;
  connection(name: string): Promise<ConnectionRecord | null>;
  allConnections(): Promise<ConnectionRecord[]>;
  updateConnection(name: string, patch: ConnectionPatch): Promise<ConnectionRecord | null>;
  deleteConnection(name: string): Promise<boolean>;
}

function toRecord(row: Selectable<ConnectionsTable>): ConnectionRecord {
  return {
    name: row.name, dialect_name: row.dialect_name, host: row.host, port: row.port, database: row.database,
    username: row.username, password: row.password, schema: row.schema, max_connections: row.max_connections,
    query_timezone: row.query_timezone, db_timezone: row.db_timezone, jdbc_additional_params: row.jdbc_additional_params,
    extra: parseJsonObject(row.extra),
    user_id: row.user_id === null ? null : String(row.user_id),
    created_at: row.created_at,
  };
}

export function connectionsRepository(ctx: StoreContext): ConnectionsRepository {
  const db = ctx.db;
  const repo: ConnectionsRepository = {
    async createConnection(input, userId) {
      if (input.name.trim() === '') throw new StoreError('invalid', 'A connection name is required.', 'name');
      await mapConflict('name', `A connection named "${input.name}" already exists`, () => db.insertInto('connections').values({
        name: input.name, dialect_name: input.dialect_name, host: input.host, port: input.port, database: input.database,
        username: input.username, password: input.password, schema: input.schema, max_connections: input.max_connections,
        query_timezone: input.query_timezone, db_timezone: input.db_timezone, jdbc_additional_params: input.jdbc_additional_params,
        extra: JSON.stringify(input.extra ?? {}), user_id: userId === null ? null : parseId(userId), created_at: nowIso(ctx),
      }).execute());
      changed(ctx, 'connections');
      const created = await repo.connection(input.name);
      if (!created) throw new Error(`connection ${input.name} vanished after insert`);
      return created;
    },

    async connection(name) {
      const row = await db.selectFrom('connections').selectAll().where('name', '=', name).executeTakeFirst();
      return row ? toRecord(row) : null;
    },

    async allConnections() {
      return (await db.selectFrom('connections').selectAll().orderBy('name').execute()).map(toRecord);
    },

    async updateConnection(name, patch) {
      const { extra, ...columns } = patch;
      const values = { ...columns, ...(extra === undefined ? {} : { extra: JSON.stringify(extra) }) };
      if (Object.keys(values).length > 0) {
        await db.updateTable('connections').set(values).where('name', '=', name).execute();
        changed(ctx, 'connections');
      }
      return repo.connection(name);
    },

    async deleteConnection(name) {
      const result = await db.deleteFrom('connections').where('name', '=', name).executeTakeFirst();
      changed(ctx, 'connections');
      return result.numDeletedRows > 0n;
    },
  };
  return repo;
}
