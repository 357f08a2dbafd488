/**
 * Query objects: immutable and de-duplicated by content, as in Looker (creating the same query twice
 * returns the same id and slug). The body is the query's canonical JSON; callers canonicalize.
 */
import { createHash, randomBytes } from 'node:crypto';
import { idString, isUniqueViolation, nowIso, parseId } from './context.ts';
import type { StoreContext } from './context.ts';

export interface QueryRecord {
  readonly id: string;
  readonly slug: string;
  readonly body: string;
  readonly created_at: string;
}

export interface QueriesRepository {
  /** The stored query with this canonical body, created if new. */
  saveQuery(canonicalBody: string): Promise<QueryRecord>;
  query(id: string): Promise<QueryRecord | null>;
  queryBySlug(slug: string): Promise<QueryRecord | null>;
}

const SLUG_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Looker slugs are short opaque strings (e.g. `7VXB3bX`): 7–8 characters of [A-Za-z0-9]. */
function newSlug(): string {
  return [...randomBytes(8)].map((b) => SLUG_ALPHABET[b % SLUG_ALPHABET.length]).join('');
}

export function queriesRepository(ctx: StoreContext): QueriesRepository {
  const db = ctx.db;
  const byHash = async (hash: string): Promise<QueryRecord | null> => {
    const row = await db.selectFrom('queries').select(['id', 'slug', 'body', 'created_at']).where('content_hash', '=', hash).executeTakeFirst();
    return row ? { ...row, id: idString(row.id) } : null;
  };
  return {
    async saveQuery(body) {
      const hash = createHash('sha256').update(body).digest('hex');
      const existing = await byHash(hash);
      if (existing) return existing;
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          await db.insertInto('queries').values({ slug: newSlug(), content_hash: hash, body, created_at: nowIso(ctx) }).execute();
          break;
        } catch (error) {
          // Either another request stored the same query first (the hash), or a slug collided: look, then retry.
          if (!isUniqueViolation(error)) throw error;
          const raced = await byHash(hash);
          if (raced) return raced;
        }
      }
      const stored = await byHash(hash);
      if (!stored) throw new Error('query could not be stored');
      return stored;
    },

    async query(id) {
      const key = parseId(id);
      if (key === null) return null;
      const row = await db.selectFrom('queries').select(['id', 'slug', 'body', 'created_at']).where('id', '=', key).executeTakeFirst();
      return row ? { ...row, id: idString(row.id) } : null;
    },

    async queryBySlug(slug) {
      const row = await db.selectFrom('queries').select(['id', 'slug', 'body', 'created_at']).where('slug', '=', slug).executeTakeFirst();
      return row ? { ...row, id: idString(row.id) } : null;
    },
  };
}
