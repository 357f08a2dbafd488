/**
 * Async query tasks (`create_query_task` … `multi_results`, `kill_query`). The task row lives in the
 * metadata DB, so any node answers for it; the node that accepted it runs it and writes the formatted
 * result there. A kill is a DB update plus, on the running node, an abort of the statement; nodes
 * poll for kills other nodes recorded.
 */
import { randomBytes } from 'node:crypto';
import type { QueryTaskRecord, Store } from '../store/index.ts';
import type { Caller } from '../workspaces/index.ts';
import type { CanonicalQuery } from './canonical.ts';
import { runFormatted, type DescribeFields, type RunFlags } from './execute.ts';
import { formatQueryError, isResultFormat, type ResultFormat } from './formats/index.ts';
import { QueryRunError, type QueryRunner } from './runner.ts';

export interface NewTask {
  readonly queryId: string;
  readonly format: ResultFormat;
  readonly source: string | null;
  readonly deferred: boolean;
  readonly flags: RunFlags;
}

export class QueryTasks {
  readonly nodeId = randomBytes(8).toString('hex');
  readonly #store: Store;
  readonly #runner: QueryRunner;
  readonly #describe: DescribeFields;
  readonly #running = new Map<string, AbortController>();
  #poller: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(store: Store, runner: QueryRunner, describe: DescribeFields) {
    this.#store = store;
    this.#runner = runner;
    this.#describe = describe;
  }

  async create(caller: Caller, input: NewTask): Promise<QueryTaskRecord> {
    const task = await this.#store.queryTasks.createTask({
      user_id: caller.userId, query_id: input.queryId, result_format: input.format, workspace_id: caller.workspace,
      options: { ...input.flags, deferred: input.deferred }, source: input.source, node_id: this.nodeId,
    });
    if (!input.deferred) this.#start(task);
    return task;
  }

  /** A deferred task of this node starts when its results are first asked for. */
  async touch(tasks: readonly QueryTaskRecord[]): Promise<void> {
    for (const t of tasks) if (t.status === 'added' && t.node_id === this.nodeId && !this.#running.has(t.id)) this.#start(t);
    await Promise.resolve();
  }

  async kill(id: string): Promise<boolean> {
    const killed = await this.#store.queryTasks.killTask(id);
    this.#running.get(id)?.abort();
    return killed;
  }

  #start(task: QueryTaskRecord): void {
    const controller = new AbortController();
    this.#running.set(task.id, controller);
    this.#ensurePoller();
    void this.#execute(task, controller).catch(() => undefined).finally(() => this.#running.delete(task.id));
  }

  async #execute(task: QueryTaskRecord, controller: AbortController): Promise<void> {
    const format: ResultFormat = isResultFormat(task.result_format) ? task.result_format : 'json';
    const started = performance.now();
    const finish = async (status: 'complete' | 'error', body: string | Buffer, contentType: string, message: string | null): Promise<void> => {
      await this.#store.queryTasks.finishTask(task.id, {
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
      if (!(await this.#store.queryTasks.startTask(task.id, {
        sql: prepared.compiled.sql, connection_name: prepared.connection?.name ?? null, dialect: prepared.connection?.dialect_name ?? null,
      }))) return;
      const { result, formatted } = await runFormatted(this.#runner, caller, query, format, task.options, this.#describe, controller.signal);
      if (controller.signal.aborted) return;
      await finish(result.kind === 'error' ? 'error' : 'complete', formatted.body, formatted.contentType, result.kind === 'error' ? result.message : null);
    } catch (error) {
      const message = error instanceof QueryRunError || error instanceof Error ? error.message : String(error);
      const body = formatQueryError(format, { message });
      await finish('error', body.body, body.contentType, message);
    }
  }

  /** Cancels statements here that another node's kill_query marked killed. */
  #ensurePoller(): void {
    if (this.#poller !== null || this.#closed) return;
    this.#poller = setInterval(() => {
      if (this.#running.size === 0) {
        if (this.#poller) clearInterval(this.#poller);
        this.#poller = null;
        return;
      }
      void this.#store.queryTasks.killRequests(this.nodeId).then((ids) => {
        for (const id of ids) this.#running.get(id)?.abort();
      }).catch(() => undefined);
    }, 500);
    this.#poller.unref();
  }

  close(): void {
    this.#closed = true;
    if (this.#poller) clearInterval(this.#poller);
    for (const c of this.#running.values()) c.abort();
  }
}

/** A finished task's body as the API sends it (xlsx was stored as base64). */
export function storedBody(task: QueryTaskRecord): string | Buffer {
  const body = task.result ?? '';
  return task.content_type?.startsWith('application/vnd.openxmlformats') === true ? Buffer.from(body, 'base64') : body;
}
