/**
 * Rendering (issue 8): dashboards, looks and queries to PDF/PNG/JPG through render tasks, always
 * against production. The one object the API and the composition talk to:
 *
 *   const renderer = new Renderer(store, workspaces, options);
 *   renderer.setBaseUrl(server.url);   // after listen: where Chromium reaches this server's pages
 *   await renderer.close();            // before the store closes
 *
 * Settings (options win over the environment): OVERLOOK_CHROMIUM (browser binary),
 * OVERLOOK_RENDER_CONCURRENCY (renders at once per node, default 4), OVERLOOK_RENDER_TIMEOUT_SECONDS
 * (per render, default 120), OVERLOOK_RENDER_RESULT_TTL_SECONDS (how long finished tasks and their
 * bytes are kept, default 3600), OVERLOOK_RENDER_QUEUE_LIMIT (waiting tasks, default 100),
 * OVERLOOK_RENDER_LEASE_SECONDS (how long a dead node's renders wait before another node retries them,
 * default 30), OVERLOOK_RENDER_CAPTURE_CONCURRENCY (PDFs/screenshots taken at once per node, default the number of
 * cores, at least 2, at most the render concurrency: a capture is CPU-bound, a page's queries are not).
 */
import { availableParallelism } from 'node:os';
import type { Store } from '../store/index.ts';
import type { Workspaces } from '../workspaces/index.ts';
import { BrowserPool } from './browser-pool.ts';
import { RenderContent, type Requester } from './content.ts';
import { RenderTaskStore, type NewRenderTask, type RenderTaskRecord } from './task-store.ts';
import { RenderWorker } from './worker.ts';

export interface RendererOptions {
  readonly executablePath?: string;
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  readonly resultTtlMs?: number;
  /** Tasks waiting for a node before new ones are refused (429). */
  readonly maxWaiting?: number;
  /** How often an idle node looks for tasks other nodes queued (ms, default 1000). */
  readonly pollMs?: number;
  /** Runs of a task a crashing browser or a dying node may cost before it fails (default 2). */
  readonly maxAttempts?: number;
  readonly cancelCheckMs?: number;
  /** How long a dead node's renders wait before another node takes them (ms; OVERLOOK_RENDER_LEASE_SECONDS, default 30 s). */
  readonly leaseMs?: number;
  /** Captures at once per node (renders whose page is ready wait for one in `enqueued_for_render`). */
  readonly captureConcurrency?: number;
  readonly browserArgs?: readonly string[];
}

/** Why a task cannot be made: the HTTP layer maps these to Looker-shaped errors. */
export class RenderRefusal extends Error {
  override readonly name = 'RenderRefusal';
  readonly code: 'unavailable' | 'queue_full';

  constructor(code: 'unavailable' | 'queue_full', message: string) {
    super(message);
    this.code = code;
  }
}

/** A positive number from the environment times `scale`, or `fallback`. */
export function envNumber(name: string, fallback: number, scale = 1): number {
  const raw = process.env[name];
  const n = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  return Number.isFinite(n) && n > 0 ? n * scale : fallback;
}

export class Renderer {
  readonly pool: BrowserPool;
  readonly tasks: RenderTaskStore;
  readonly content: RenderContent;
  readonly worker: RenderWorker;
  readonly maxWaiting: number;

  constructor(store: Store, workspaces: Workspaces, options: RendererOptions = {}) {
    this.pool = new BrowserPool({
      ...(options.executablePath === undefined ? {} : { executablePath: options.executablePath }),
      ...(options.browserArgs === undefined ? {} : { args: options.browserArgs }),
    });
    this.tasks = new RenderTaskStore(store);
    this.content = new RenderContent(store, workspaces);
    this.maxWaiting = options.maxWaiting ?? envNumber('OVERLOOK_RENDER_QUEUE_LIMIT', 100);
    const concurrency = Math.max(1, Math.floor(options.concurrency ?? envNumber('OVERLOOK_RENDER_CONCURRENCY', 4)));
    const captures = options.captureConcurrency ?? envNumber('OVERLOOK_RENDER_CAPTURE_CONCURRENCY', Math.max(2, availableParallelism()));
    this.worker = new RenderWorker({ store, tasks: this.tasks, pool: this.pool, content: this.content }, {
      concurrency, captureConcurrency: Math.max(1, Math.min(concurrency, Math.floor(captures))),
      timeoutMs: options.timeoutMs ?? envNumber('OVERLOOK_RENDER_TIMEOUT_SECONDS', 120_000, 1000),
      resultTtlMs: options.resultTtlMs ?? envNumber('OVERLOOK_RENDER_RESULT_TTL_SECONDS', 3_600_000, 1000),
      pollMs: options.pollMs ?? 1000,
      maxAttempts: options.maxAttempts ?? 2,
      cancelCheckMs: options.cancelCheckMs ?? 500,
      leaseMs: options.leaseMs ?? envNumber('OVERLOOK_RENDER_LEASE_SECONDS', 30_000, 1000),
    });
  }

  /** This server's own address, for the browser (call after listen); starts the worker. */
  setBaseUrl(url: string): void {
    this.worker.setBaseUrl(url);
  }

  get baseUrl(): string | null {
    return this.worker.baseUrl;
  }

  /** Null when this node can render; otherwise what is missing and how to install it. */
  unavailable(): string | null {
    return this.pool.unavailable();
  }

  /**
   * Checks the content in production for `who` (ContentError/WorkspaceError when it is missing
   * there or not theirs to see), then queues the task. Throws RenderRefusal when rendering cannot
   * work here or the queue is full.
   */
  async create(who: Requester, input: Omit<NewRenderTask, 'userId'>): Promise<RenderTaskRecord> {
    const why = this.unavailable();
    if (why !== null) throw new RenderRefusal('unavailable', why);
    await this.content.check(who, input.target);
    if ((await this.tasks.waiting()) >= this.maxWaiting) {
      throw new RenderRefusal('queue_full', `The render queue is full (${this.maxWaiting} tasks waiting); try again shortly.`);
    }
    const task = await this.tasks.create({ ...input, userId: who.userId });
    this.worker.kick();
    // The browser starts with the first task (not with the server: most servers never render) and
    // stays up; a spare page is kept ready for the next render.
    this.pool.warm();
    return task;
  }

  get(id: string): Promise<RenderTaskRecord | null> {
    return this.tasks.get(id);
  }

  result(id: string): Promise<{ content_type: string; bytes: Buffer } | null> {
    return this.tasks.result(id);
  }

  /** Deletes a task; a render of it in progress (on any node) stops. */
  async delete(id: string): Promise<boolean> {
    const deleted = await this.tasks.delete(id);
    this.worker.cancel(id);
    return deleted;
  }

  async close(): Promise<void> {
    await this.worker.close();
    await this.pool.close();
  }
}
