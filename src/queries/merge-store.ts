/**
 * Merge queries in the metadata DB (migration 0014), typed for `store.db.withTables<MergeQueryTables>()`:
 * the table lives outside `src/store/schema.ts` because only the merged-results code reads it.
 * Like query objects, merge queries are immutable and have structural identity: saving the same
 * definition twice returns the first one's id.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Generated, Kysely } from 'kysely';
import type { Database, Store } from '../store/index.ts';
import { isUniqueViolation } from '../store/context.ts';
import type { MergeDefinition } from './merge.ts';

export interface MergeQueriesTable {
  seq: Generated<number>;
  id: string;
  content_hash: string;
  body: string;
  created_at: string;
}

// A type alias, not an interface: `withTables` needs an index-signature-compatible type.
export type MergeQueryTables = {
  merge_queries: MergeQueriesTable;
};

export interface MergeQueryRecord {
  /** Looker's public id: 22 base62 characters (the `mid` of `/merge?mid=…`). */
  readonly id: string;
  /** The row's integer key, published as `result_maker_id`. */
  readonly result_maker_id: string;
  readonly definition: MergeDefinition;
  readonly created_at: string;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ID_LENGTH = 22;

function newId(): string {
  // 248 is the largest multiple of 62 below 256: rejecting bytes above it keeps the characters uniform.
  let out = '';
  while (out.length < ID_LENGTH) {
    for (const b of randomBytes(32)) {
      if (b < 248 && out.length < ID_LENGTH) out += ALPHABET.charAt(b % 62);
    }
  }
  return out;
}

type Db = Kysely<Database & MergeQueryTables>;
const tables = (store: Store): Db => store.db.withTables<MergeQueryTables>();

function record(row: { seq: number; id: string; body: string; created_at: string }): MergeQueryRecord {
  return { id: row.id, result_maker_id: String(row.seq), definition: JSON.parse(row.body) as MergeDefinition, created_at: row.created_at };
}

async function byHash(db: Db, hash: string): Promise<MergeQueryRecord | null> {
  const row = await db.selectFrom('merge_queries').select(['seq', 'id', 'body', 'created_at']).where('content_hash', '=', hash).executeTakeFirst();
  return row ? record(row) : null;
}

/** The stored merge query with this definition, created if new. */
export async function saveMergeQuery(store: Store, definition: MergeDefinition): Promise<MergeQueryRecord> {
  const db = tables(store);
  const body = JSON.stringify(definition);
  const hash = createHash('sha256').update(body).digest('hex');
  const existing = await byHash(db, hash);
  if (existing) return existing;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await db.insertInto('merge_queries').values({ id: newId(), content_hash: hash, body, created_at: store.now().toISOString() }).execute();
      break;
    } catch (error) {
      // Another request stored the same definition first (the hash), or an id collided: look, then retry.
      if (!isUniqueViolation(error)) throw error;
      const raced = await byHash(db, hash);
      if (raced) return raced;
    }
  }
  const stored = await byHash(db, hash);
  if (!stored) throw new Error('merge query could not be stored');
  return stored;
}

export async function mergeQuery(store: Store, id: string): Promise<MergeQueryRecord | null> {
  if (!/^[A-Za-z0-9]{1,64}$/.test(id)) return null;
  const row = await tables(store).selectFrom('merge_queries').select(['seq', 'id', 'body', 'created_at']).where('id', '=', id).executeTakeFirst();
  return row ? record(row) : null;
}
