/**
 * What every repository shares: the Kysely handle (the store's, or a transaction's), the
 * dialect, the clock, and the error type repositories throw.
 */
import type { Kysely } from 'kysely';
import type { ChangeTopic, StoreChanges } from './changes.ts';
import type { StoreDialect } from './migrations.ts';
import type { Database } from './schema.ts';

export interface StoreContext {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  readonly now: () => Date;
  readonly changes: StoreChanges;
  /** Inside a transaction: topics changed so far, bumped once it commits. */
  readonly pending?: Set<ChangeTopic>;
}

/** Records that a committed (or, inside a transaction, soon committed) write changed `topic`. */
export function changed(ctx: StoreContext, topic: ChangeTopic): void {
  if (ctx.pending !== undefined) ctx.pending.add(topic);
  else ctx.changes.bump(topic);
}

/** Runs a transaction whose writes' change bumps wait for its commit. */
export async function withPendingChanges<T>(ctx: StoreContext, run: (pending: Set<ChangeTopic>) => Promise<T>): Promise<T> {
  const pending = new Set<ChangeTopic>();
  const result = await run(pending);
  for (const topic of pending) ctx.changes.bump(topic);
  return result;
}

/**
 * A request the store refused, for the HTTP layer to map: `not_found` → 404, `conflict` → 409
 * (a unique name/email/client_id taken), `invalid` → 422 (`field` names the offending input).
 * Lookups of a missing row return `null` instead of throwing.
 */
export type StoreErrorCode = 'not_found' | 'conflict' | 'invalid';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;
  readonly field: string | undefined;

  constructor(code: StoreErrorCode, message: string, field?: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

/** Runs `fn` in a transaction, or inside the caller's when the context already is one. */
export async function inTransaction<T>(ctx: StoreContext, fn: (tx: StoreContext) => Promise<T>): Promise<T> {
  if (ctx.db.isTransaction) return fn(ctx);
  return withPendingChanges(ctx, (pending) => ctx.db.transaction().execute((trx) => fn({ ...ctx, db: trx, pending })));
}

export function nowIso(ctx: StoreContext): string {
  return ctx.now().toISOString();
}

const ID_PATTERN = /^[1-9][0-9]{0,14}$/;

/**
 * API ids are strings of integers; anything else ("abc", "1.5", "../x", "0", 16+ digits) can
 * name no row, so it yields null and the caller answers "not found" instead of a DB error.
 */
export function parseId(id: string): number | null {
  return ID_PATTERN.test(id) ? Number(id) : null;
}

export function idString(id: number): string {
  return String(id);
}

/** True for a unique/primary-key violation on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const code = error.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Runs `fn`, turning a unique violation into a `conflict` StoreError about `field`. */
export async function mapConflict<T>(field: string, message: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isUniqueViolation(error)) throw new StoreError('conflict', message, field);
    throw error;
  }
}

/** A JSON object stored as text (`attrs`, `extra`, `options` columns); anything else reads as `{}`. */
export function parseJsonObject(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : {};
  } catch {
    return {};
  }
}
