/**
 * Compiled SQL by assembled workspace and query: a query compiles the same for as long as the
 * workspace content, the connection's dialect and time zones and the query itself stay the same
 * (compilations that read user attributes are not kept; see runner.ts). Entries live a bounded
 * time, since Liquid could read the clock.
 *
 * Lookups compare queries member by member within a small bucket instead of building a text key
 * of the whole query: a run then costs no serialization of its query.
 */
import type { CompiledQuery } from '../sql/query.ts';
import { compileBucket, sameCompileInput, type CanonicalQuery } from './canonical.ts';

/** What else a compilation depends on: the connection's dialect and time zones. */
export interface CompileContext {
  readonly dialect: string;
  readonly databaseTimezone: string | undefined;
  readonly queryTimezone: string | undefined;
}

interface Entry {
  readonly query: CanonicalQuery;
  readonly limit: string | number | null | undefined;
  readonly context: CompileContext;
  readonly compiled: CompiledQuery;
  readonly at: number;
}

interface Workspace {
  size: number;
  readonly buckets: Map<string, Entry[]>;
}

function sameContext(a: CompileContext, b: CompileContext): boolean {
  return a.dialect === b.dialect && a.databaseTimezone === b.databaseTimezone && a.queryTimezone === b.queryTimezone;
}

export interface CompiledCacheOptions {
  readonly maxAgeMs: number;
  /** Entries per workspace; at the bound the workspace's entries are all dropped. */
  readonly perWorkspace: number;
  readonly now?: () => number;
}

export class CompiledCache {
  readonly #workspaces = new WeakMap<object, Workspace>();
  readonly #maxAgeMs: number;
  readonly #perWorkspace: number;
  readonly #now: () => number;

  constructor(options: CompiledCacheOptions) {
    this.#maxAgeMs = options.maxAgeMs;
    this.#perWorkspace = options.perWorkspace;
    this.#now = options.now ?? Date.now;
  }

  #find(bucket: readonly Entry[] | undefined, query: CanonicalQuery, limit: string | number | null | undefined, context: CompileContext): number {
    if (bucket === undefined) return -1;
    for (let i = 0; i < bucket.length; i++) {
      const e = bucket[i] as Entry;
      if (sameContext(e.context, context) && sameCompileInput(e.query, e.limit, query, limit)) return i;
    }
    return -1;
  }

  /** The compiled query kept for this input, if it is still fresh. */
  get(workspace: object, query: CanonicalQuery, limit: string | number | null | undefined, context: CompileContext): CompiledQuery | undefined {
    const bucket = this.#workspaces.get(workspace)?.buckets.get(compileBucket(query));
    const at = this.#find(bucket, query, limit, context);
    if (at < 0) return undefined;
    const entry = (bucket as Entry[])[at] as Entry;
    return this.#now() - entry.at < this.#maxAgeMs ? entry.compiled : undefined;
  }

  set(workspace: object, query: CanonicalQuery, limit: string | number | null | undefined, context: CompileContext, compiled: CompiledQuery): void {
    let ws = this.#workspaces.get(workspace);
    if (ws === undefined) {
      ws = { size: 0, buckets: new Map() };
      this.#workspaces.set(workspace, ws);
    }
    const name = compileBucket(query);
    const entry: Entry = { query, limit, context, compiled, at: this.#now() };
    const at = this.#find(ws.buckets.get(name), query, limit, context);
    if (at >= 0) {
      (ws.buckets.get(name) as Entry[])[at] = entry;
      return;
    }
    if (ws.size >= this.#perWorkspace) {
      ws.buckets.clear();
      ws.size = 0;
    }
    const bucket = ws.buckets.get(name);
    if (bucket === undefined) ws.buckets.set(name, [entry]);
    else bucket.push(entry);
    ws.size++;
  }

  /** Entries kept for a workspace (tests). */
  size(workspace: object): number {
    return this.#workspaces.get(workspace)?.size ?? 0;
  }
}
