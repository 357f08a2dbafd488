/**
 * The render worker of one node: takes tasks from the DB queue while it has free slots, renders
 * each in a fresh browser context as the requesting user (a `render` browser session, pinned to
 * production), and writes the bytes back for any node to serve.
 *
 * A task's statuses, as Looker's: `querying` from the claim until its page reports every tile done,
 * `enqueued_for_render` while it waits for one of the node's capture slots, `rendering` while the
 * PDF/screenshot is taken, then `success` or `failure`.
 *
 * A slot is freed whatever happens: success, failure, timeout (the render is stopped and fails with
 * the reason), cancellation (the task row was deleted: checked every `cancelCheckMs`), a browser
 * crash (the task goes back to the queue once; the next render relaunches the browser).
 */
import type { Store } from '../store/index.ts';
import { BrowserPool, RendererUnavailableError } from './browser-pool.ts';
import { renderPagePath, type RenderContent } from './content.ts';
import { RenderFailure, renderPage } from './page-render.ts';
import { Slots } from './slots.ts';
import type { RenderTaskRecord, RenderTaskStore } from './task-store.ts';
import { workerNodeId } from '../store/node-id.ts';

/** Cookie names of browser sessions (src/api/browser-session.ts); repeated here so src/render needs no HTTP layer. */
export const SESSION_COOKIE = 'overlook_session';
export const CSRF_COOKIE = 'overlook_csrf';

export interface WorkerOptions {
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly resultTtlMs: number;
  readonly pollMs: number;
  readonly maxAttempts: number;
  readonly cancelCheckMs: number;
  /**
   * How long a claim holds without a heartbeat: after a node dies, its renders wait this long before
   * another node takes them. Heartbeats renew it every third of it while a render runs.
   */
  readonly leaseMs: number;
  /** Captures (PDF/screenshot) at once; renders whose page is ready wait for one. Default: `concurrency`. */
  readonly captureConcurrency?: number;
}

export interface WorkerDeps {
  readonly store: Store;
  readonly tasks: RenderTaskStore;
  readonly pool: BrowserPool;
  /** Production checks and commits (an interface so the worker can be tested without projects). */
  readonly content: Pick<RenderContent, 'check' | 'commits'>;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

export class RenderWorker {
  readonly nodeId = workerNodeId();
  /** Told the wall time of each render that ends in success or failure (metrics). */
  onFinished: ((seconds: number, outcome: 'success' | 'failure', format: string) => void) | null = null;
  readonly #deps: WorkerDeps;
  readonly #options: WorkerOptions;
  readonly #running = new Map<string, AbortController>();
  readonly #jobs = new Set<Promise<void>>();
  readonly captureSlots: Slots;
  #baseUrl: string | null = null;
  #poller: NodeJS.Timeout | null = null;
  #sweeper: NodeJS.Timeout | null = null;
  #canceller: NodeJS.Timeout | null = null;
  #pumping = false;
  #again = false;
  #closed = false;

  constructor(deps: WorkerDeps, options: WorkerOptions) {
    this.#deps = deps;
    this.#options = options;
    this.captureSlots = new Slots(options.captureConcurrency ?? options.concurrency);
  }

  get baseUrl(): string | null {
    return this.#baseUrl;
  }

  /** Renders in progress on this node. */
  get running(): number {
    return this.#running.size;
  }

  /** Where the renderer reaches this server's pages (its own listening address); starts taking jobs. */
  setBaseUrl(url: string): void {
    this.#baseUrl = url.replace(/\/+$/, '');
    this.start();
  }

  start(): void {
    if (this.#closed || this.#baseUrl === null || this.#poller !== null) return;
    this.#poller = setInterval(() => { this.kick(); }, this.#options.pollMs);
    this.#poller.unref();
    this.#sweeper = setInterval(() => { void this.sweep().catch(() => undefined); }, Math.min(60_000, Math.max(1000, this.#options.resultTtlMs / 4)));
    this.#sweeper.unref();
    this.kick();
  }

  /** Housekeeping: expired results and tasks of dead nodes. */
  sweep(): Promise<{ removed: number; orphaned: number }> {
    return this.#deps.tasks.sweep(this.#options.resultTtlMs, this.#options.maxAttempts);
  }

  /** Take jobs now (a task was just created here, or a slot was freed). */
  kick(): void {
    if (this.#closed || this.#baseUrl === null) return;
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    void this.#pump().catch(() => undefined).finally(() => {
      this.#pumping = false;
      if (this.#again) {
        this.#again = false;
        this.kick();
      }
    });
  }

  async #pump(): Promise<void> {
    const { leaseMs } = this.#options;
    // A node without a browser leaves the queue to nodes that have one.
    if (this.#deps.pool.unavailable() !== null) return;
    while (!this.#closed && this.#running.size < this.#options.concurrency) {
      const task = await this.#deps.tasks.claim(this.nodeId, leaseMs, this.#options.maxAttempts);
      if (!task) return;
      const controller = new AbortController();
      this.#running.set(task.id, controller);
      this.#ensureCanceller();
      const job = this.#run(task, controller).catch(() => undefined).finally(() => {
        this.#running.delete(task.id);
        this.#jobs.delete(job);
        this.kick();
      });
      this.#jobs.add(job);
    }
  }

  /** Stops a render of this node at once (its task was deleted through this node). */
  cancel(id: string): void {
    this.#running.get(id)?.abort(new Error('The render task was deleted.'));
  }

  /**
   * Renders stop when their task row is gone (deleted through any node) or another node took it
   * over; the same round renews this node's leases once a third of a lease has passed.
   */
  #ensureCanceller(): void {
    if (this.#canceller !== null) return;
    let renewed = Date.now();
    this.#canceller = setInterval(() => {
      if (this.#running.size === 0) {
        if (this.#canceller) clearInterval(this.#canceller);
        this.#canceller = null;
        return;
      }
      const ids = [...this.#running.keys()];
      const { tasks } = this.#deps;
      const beat = Date.now() - renewed >= this.#options.leaseMs / 3;
      if (beat) renewed = Date.now();
      void (beat ? tasks.renew(ids, this.nodeId, this.#options.leaseMs) : tasks.held(ids, this.nodeId)).then((held) => {
        for (const id of ids) if (!held.has(id)) this.cancel(id);
      }).catch(() => undefined);
    }, this.#options.cancelCheckMs);
    this.#canceller.unref();
  }

  async #run(task: RenderTaskRecord, controller: AbortController): Promise<void> {
    const { store, tasks, pool, content } = this.#deps;
    const started = performance.now();
    const timeout = setTimeout(() => {
      controller.abort(new Error(`The render took longer than the render timeout (${seconds(this.#options.timeoutMs)}) and was stopped`));
    }, this.#options.timeoutMs);
    let sessionHash: string | null = null;
    let querySeconds: number | null = null;
    // Written from the page's ready callback, read when the render ends.
    const capture: { release: (() => void) | null; finished: boolean } = { release: null, finished: false };
    try {
      const baseUrl = this.#baseUrl;
      if (baseUrl === null) throw new RenderFailure('The renderer does not know this server\'s address yet.', true);
      // Access may have changed since the task was made: check again, as the user, in production.
      const permissions = await store.roles.userPermissions(task.user_id);
      const models = await content.check({ userId: task.user_id, permissions, workspace: 'production' }, task.target);
      const commits = await content.commits(task.target, models);
      if (!(await tasks.advance(task.id, this.nodeId, 'querying', { commits }))) return;
      const session = await store.browserSessions.create({
        userId: task.user_id, kind: 'render', ttlSeconds: Math.max(300, Math.ceil(this.#options.timeoutMs / 1000) + 60),
      });
      sessionHash = session.session_hash;
      const out = await renderPage(pool, {
        url: baseUrl + renderPagePath(task.target, task.options),
        cookies: [{ name: SESSION_COOKIE, value: session.raw, httpOnly: true }, { name: CSRF_COOKIE, value: session.csrf, httpOnly: false }],
        format: task.result_format, width: task.width, height: task.height,
        paperSize: task.options.pdf_paper_size ?? null, landscape: task.options.pdf_landscape === true,
        signal: controller.signal,
        onReady: async () => {
          if (!(await tasks.advance(task.id, this.nodeId, 'enqueued_for_render', { query_runtime: (performance.now() - started) / 1000 }))) {
            throw new RenderFailure('The render task was deleted.');
          }
          const release = await this.captureSlots.acquire(controller.signal);
          // The render may have ended (aborted) while it waited: give the slot back at once.
          if (capture.finished) release();
          else capture.release = release;
          await tasks.advance(task.id, this.nodeId, 'rendering');
        },
      });
      querySeconds = out.querySeconds;
      const rendered = Object.entries(commits).map(([p, c]) => `${p}@${c.slice(0, 12)}`).join(', ');
      await tasks.succeed(task.id, this.nodeId, {
        contentType: out.contentType, bytes: out.bytes,
        detail: rendered === '' ? 'Rendered from production.' : `Rendered from production: ${rendered}.`,
        times: { query_runtime: out.querySeconds, render_runtime: out.renderSeconds, runtime: (performance.now() - started) / 1000 },
      });
      this.onFinished?.((performance.now() - started) / 1000, 'success', task.result_format);
    } catch (error) {
      const times = { ...(querySeconds === null ? {} : { query_runtime: querySeconds }), runtime: (performance.now() - started) / 1000 };
      if (error instanceof RenderFailure && error.retry && !controller.signal.aborted && !this.#closed && task.attempts < this.#options.maxAttempts) {
        await tasks.release(task.id, this.nodeId, true);
        return;
      }
      if (this.#closed) {
        // Shutting down: another node (or this one after its restart) renders it.
        await tasks.release(task.id, this.nodeId, false);
        return;
      }
      const message = error instanceof RenderFailure || error instanceof RendererUnavailableError ? error.message
        : error instanceof Error ? error.message : String(error);
      await tasks.fail(task.id, this.nodeId, message, times);
      this.onFinished?.(times.runtime, 'failure', task.result_format);
    } finally {
      capture.finished = true;
      capture.release?.();
      clearTimeout(timeout);
      if (sessionHash !== null) await store.browserSessions.revoke(sessionHash).catch(() => undefined);
    }
  }

  /** Stops taking jobs; renders in progress go back to the queue for another node. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of [this.#poller, this.#sweeper, this.#canceller]) if (t) clearInterval(t);
    for (const c of this.#running.values()) c.abort(new Error('The server rendering it is shutting down.'));
    await Promise.allSettled([...this.#jobs]);
  }
}
