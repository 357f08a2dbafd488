/**
 * Async query tasks (`create_query_task` … `multi_results`, `kill_query`). The task row lives in the
 * metadata DB, so any node answers for it. The node that accepts a task takes it (a lease in the
 * row) and runs it at once; a deferred task is taken by whichever node is first asked for its
 * results. The holder writes the formatted result there for any node to serve.
 *
 * Every node polls about once a second: it extends the leases of the tasks it runs (a heartbeat),
 * stops those it no longer holds (killed through another node, or taken over after its lease ran
 * out while it stalled), fails tasks out of attempts, and takes tasks whose node died to run them
 * again. A kill is a DB update plus, on the running node, an abort of the statement.
 */
import type { QueryTaskRecord, Store } from '../store/index.ts';
import type { Caller } from '../workspaces/index.ts';
import type { CanonicalQuery } from './canonical.ts';
import { runFormatted, type DescribeFields, type RunFlags } from './execute.ts';
import { formatQueryError, isResultFormat, type ResultFormat } from './formats/index.ts';
import { QueryRunError, type QueryRunner } from './runner.ts';
import { workerNodeId } from '../store/node-id.ts';

/**
 * create_query_task flags that do not change how this server runs the query: kept with the task
 * so the QueryTask answers echo what the client asked for, as Looker's do.
 */
export interface TaskOnlyFlags {
  readonly generate_drill_links?: boolean;
  readonly server_table_calcs?: boolean;
  readonly rebuild_pdts?: boolean;
  readonly cache_only?: boolean;
  readonly path_prefix?: string;
}

export interface NewTask {
  readonly queryId: string;
  readonly format: ResultFormat;
  readonly source: string | null;
  readonly deferred: boolean;
  readonly flags: RunFlags & TaskOnlyFlags;
}

export interface QueryTasksOptions {
  /** How long a node holds a task without a heartbeat before another node may take it (ms). */
  readonly leaseMs?: number;
  /** How often a node extends the leases of the tasks it runs (ms; well under `leaseMs`). */
  readonly heartbeatMs?: number;
  /** How often a node checks for kills, takeovers and tasks of dead nodes (ms). */
  readonly pollMs?: number;
  /** Takes of one task (by any node) before it fails as an error. */
  readonly maxAttempts?: number;
}

const DEFAULTS = { leaseMs: 15_000, heartbeatMs: 5_000, pollMs: 1_000, maxAttempts: 3 };
/** Tasks of dead nodes one poll takes at most, so survivors share them out. */
const CLAIMS_PER_POLL = 25;

export class QueryTasks {
  readonly nodeId = workerNodeId();
  readonly #store: Store;
  readonly #runner: QueryRunner;
  readonly #describe: DescribeFields;
  readonly #options: Required<QueryTasksOptions>;
  readonly #running = new Map<string, AbortController>();
  #poller: NodeJS.Timeout | null = null;
  #lastHeartbeat = 0;
  #closed = false;

  constructor(store: Store, runner: QueryRunner, describe: DescribeFields, options: QueryTasksOptions = {}) {
    this.#store = store;
    this.#runner = runner;
    this.#describe = describe;
    this.#options = { ...DEFAULTS, ...options };
    if (this.#options.heartbeatMs >= this.#options.leaseMs) throw new Error('QueryTasks: heartbeatMs must be shorter than leaseMs');
    this.#schedule();
  }

  /** Tasks this node is running. */
  get running(): number {
    return this.#running.size;
  }

  async create(caller: Caller, input: NewTask): Promise<QueryTaskRecord> {
    // Inserted already held by this node, so no other node takes it before it starts here.
    const task = await this.#store.queryTasks.createTask({
      user_id: caller.userId, query_id: input.queryId, result_format: input.format, workspace_id: caller.workspace,
      options: { ...input.flags, deferred: input.deferred }, source: input.source, node_id: this.nodeId,
      lease_ms: input.deferred ? null : this.#options.leaseMs,
    });
    if (!input.deferred) this.#start(task);
    return task;
  }

  /**
   * Results of these tasks were asked for: a deferred task nobody holds yet starts here (and a task
   * whose node died is taken at once rather than at the next poll).
   */
  async touch(tasks: readonly QueryTaskRecord[]): Promise<void> {
    const now = this.#store.now().toISOString();
    for (const t of tasks) {
      if (this.#closed || this.#running.has(t.id) || (t.status !== 'added' && t.status !== 'running')) continue;
      const free = t.lease_until === null ? t.status === 'added' : t.lease_until < now;
      if (!free) continue;
      const claimed = await this.#store.queryTasks.claim({ id: t.id }, this.nodeId, this.#options.leaseMs, this.#options.maxAttempts);
      if (claimed) this.#start(claimed);
    }
  }

  async kill(id: string): Promise<boolean> {
    const killed = await this.#store.queryTasks.killTask(id);
    this.#running.get(id)?.abort();
    return killed;
  }

  #start(task: QueryTaskRecord): void {
    if (this.#closed || this.#running.has(task.id)) return;
    const controller = new AbortController();
    this.#running.set(task.id, controller);
    void this.#execute(task, controller).catch(() => undefined).finally(() => {
      if (this.#running.get(task.id) === controller) this.#running.delete(task.id);
    });
  }

  async #execute(task: QueryTaskRecord, controller: AbortController): Promise<void> {
    const tasks = this.#store.queryTasks;
    const format: ResultFormat = isResultFormat(task.result_format) ? task.result_format : 'json';
    const started = performance.now();
    const finish = async (status: 'complete' | 'error', body: string | Buffer, contentType: string, message: string | null): Promise<void> => {
      // Aborted: killed, taken over by another node, or this node is closing (the task is retried
      // elsewhere); in none of these is the result this node's to write.
      if (controller.signal.aborted) return;
      await tasks.finishTask(task.id, this.nodeId, {
        status, result: typeof body === 'string' ? body : body.toString('base64'), content_type: contentType, message,
        runtime: (performance.now() - started) / 1000,
      });
    };
    try {
      const record = await this.#store.queries.query(task.query_id);
      if (!record) {
        const body = formatQueryError(format, { message: `Query ${task.query_id} not found.` });
        await finish('error', body.body, body.contentType, `Query ${task.query_id} not found.`);
        return;
      }
      const query = JSON.parse(record.body) as CanonicalQuery;
      const caller: Caller = { userId: task.user_id, workspace: task.workspace_id };
      const prepared = await this.#runner.prepare(caller, { query, forceProduction: task.options.force_production === true, sqlOnly: format === 'sql' });
      if (!(await tasks.startTask(task.id, this.nodeId, {
        sql: prepared.compiled.sql, connection_name: prepared.connection?.name ?? null, dialect: prepared.connection?.dialect_name ?? null,
      })) || controller.signal.aborted) return;
      const { result, formatted } = await runFormatted(this.#runner, caller, query, format, task.options, this.#describe, controller.signal);
      await finish(result.kind === 'error' ? 'error' : 'complete', formatted.body, formatted.contentType, result.kind === 'error' ? result.message : null);
    } catch (error) {
      const message = error instanceof QueryRunError || error instanceof Error ? error.message : String(error);
      const body = formatQueryError(format, { message });
      await finish('error', body.body, body.contentType, message);
    }
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#poller = setTimeout(() => {
      void this.poll().catch(() => undefined).finally(() => { this.#schedule(); });
    }, this.#options.pollMs);
    this.#poller.unref();
  }

  /** One round of the poller (exposed so tests need not wait for the timer). */
  async poll(): Promise<void> {
    if (this.#closed) return;
    const tasks = this.#store.queryTasks;
    const { leaseMs, heartbeatMs, maxAttempts } = this.#options;
    const ids = [...this.#running.keys()];
    if (ids.length > 0) {
      const beat = Date.now() - this.#lastHeartbeat >= heartbeatMs;
      const held = beat ? await tasks.heartbeat(ids, this.nodeId, leaseMs) : await tasks.held(ids, this.nodeId);
      if (beat) this.#lastHeartbeat = Date.now();
      for (const id of ids) if (!held.has(id)) this.#running.get(id)?.abort();
    }
    for (const t of await tasks.exhausted(maxAttempts)) {
      const message = `The node running this query stopped; tried ${t.attempts} time${t.attempts === 1 ? '' : 's'}.`;
      const body = formatQueryError(isResultFormat(t.result_format) ? t.result_format : 'json', { message });
      const result = typeof body.body === 'string' ? body.body : body.body.toString('base64');
      await tasks.failExhausted(t.id, maxAttempts, { status: 'error', result, content_type: body.contentType, message, runtime: null });
    }
    // Closing may happen during the awaits above: take nothing more then.
    for (let i = 0; i < CLAIMS_PER_POLL && this.#open(); i++) {
      const task = await tasks.claim('next', this.nodeId, leaseMs, maxAttempts);
      if (!task) break;
      this.#start(task);
    }
  }

  #open(): boolean {
    return !this.#closed;
  }

  /**
   * Stops polling and this node's statements without writing anything: its tasks are taken again
   * by another node (or this one after a restart) once their leases run out.
   */
  close(): void {
    this.#closed = true;
    if (this.#poller) clearTimeout(this.#poller);
    for (const c of this.#running.values()) c.abort();
  }
}

/** A finished task's body as the API sends it (xlsx was stored as base64). */
export function storedBody(task: QueryTaskRecord): string | Buffer {
  const body = task.result ?? '';
  return task.content_type?.startsWith('application/vnd.openxmlformats') === true ? Buffer.from(body, 'base64') : body;
}
