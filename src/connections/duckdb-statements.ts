/**
 * Prepared statements kept for SQL that runs again (DuckDB). Planning a statement — parsing,
 * binding, optimizing, building the physical plan — costs DuckDB about a millisecond even for a
 * one-row query, more than running it; a kept statement only executes.
 *
 * A kept plan is only as good as the catalog it was bound against, and DuckDB does not notice every
 * change (a replaced view keeps answering from the old definition). Nothing but this process's
 * connections can change the database (DuckDB locks the file: a writer excludes every other
 * process, a read-only open excludes writers), so the driver tells the cache when SQL that may
 * change it runs (anything not marked reusable) and every kept plan is dropped then — and none is
 * kept or reused while such SQL is still running.
 */
import type { DuckDBConnection, DuckDBPreparedStatement } from '@duckdb/node-api';

/** Statements kept per connection (least recently used dropped first). */
export const STATEMENTS_PER_CONNECTION = 32;
/** SQL texts remembered as run once (a statement is prepared the second time its SQL runs). */
const SEEN_LIMIT = 1024;

/** One connection's kept statements, all prepared in the same generation. */
interface Kept {
  generation: number;
  /** By SQL text, least recently used first. */
  readonly statements: Map<string, DuckDBPreparedStatement>;
}

export class StatementCache {
  /** Bumped when other SQL starts and when it ends: plans from before are stale. */
  #generation = 0;
  /** Runs of other SQL in flight: while any runs, plans are neither kept nor reused. */
  #otherRunning = 0;
  readonly #seen = new Set<string>();
  readonly #byConnection = new WeakMap<DuckDBConnection, Kept>();

  /** Call before SQL that is not a reusable query runs; `otherFinished` after it, whatever the outcome. */
  otherStarted(): void {
    this.#otherRunning++;
    this.#generation++;
  }

  otherFinished(): void {
    this.#otherRunning--;
    this.#generation++;
  }

  /** `conn`'s statements, emptied first when they are from an earlier generation. */
  #current(conn: DuckDBConnection): Kept | undefined {
    const kept = this.#byConnection.get(conn);
    if (kept !== undefined && kept.generation !== this.#generation) {
      for (const statement of kept.statements.values()) statement.destroySync();
      kept.statements.clear();
      kept.generation = this.#generation;
    }
    return kept;
  }

  /** The kept statement for `sql` on `conn`, still valid; undefined when there is none to use. */
  kept(conn: DuckDBConnection, sql: string): DuckDBPreparedStatement | undefined {
    if (this.#otherRunning > 0) return undefined;
    const statements = this.#current(conn)?.statements;
    const statement = statements?.get(sql);
    if (statements === undefined || statement === undefined) return undefined;
    statements.delete(sql);
    statements.set(sql, statement);
    return statement;
  }

  /**
   * Whether `sql` should be prepared now: it ran before (one-off SQL is not worth an extra round
   * trip) and no other SQL is running. Returns the generation to pass to `keep`, or null.
   */
  shouldPrepare(sql: string): number | null {
    if (!this.#seen.has(sql)) {
      if (this.#seen.size >= SEEN_LIMIT) this.#seen.clear();
      this.#seen.add(sql);
      return null;
    }
    return this.#otherRunning > 0 ? null : this.#generation;
  }

  /**
   * Keeps a statement prepared at `generation`. One prepared across a change is not kept (its plan
   * may predate the change): false, and the caller destroys it after its one run.
   */
  keep(conn: DuckDBConnection, sql: string, statement: DuckDBPreparedStatement, generation: number): boolean {
    if (generation !== this.#generation || this.#otherRunning > 0) return false;
    let kept = this.#current(conn);
    if (kept === undefined) {
      kept = { generation, statements: new Map() };
      this.#byConnection.set(conn, kept);
    }
    const statements = kept.statements;
    statements.get(sql)?.destroySync();
    statements.delete(sql);
    statements.set(sql, statement);
    if (statements.size > STATEMENTS_PER_CONNECTION) {
      for (const [oldest, evicted] of statements) {
        evicted.destroySync();
        statements.delete(oldest);
        break;
      }
    }
    return true;
  }

  /** Drops a statement whose execution failed (the next run prepares it afresh). */
  drop(conn: DuckDBConnection, sql: string): void {
    const statements = this.#byConnection.get(conn)?.statements;
    const statement = statements?.get(sql);
    if (statements === undefined || statement === undefined) return;
    statement.destroySync();
    statements.delete(sql);
  }

  /** How many statements `conn` keeps that are still valid (tests). */
  size(conn: DuckDBConnection): number {
    return this.#current(conn)?.statements.size ?? 0;
  }
}
