/**
 * Per-key concurrency (Looker: 15 running queries per user, the rest queued): at most `max` tasks
 * run per key; later ones wait in order, and give up with `QueueTimeoutError` after `queueTimeoutMs`.
 */
export class QueueTimeoutError extends Error {
  override readonly name = 'QueueTimeoutError';
}

interface Waiter {
  start: () => void;
  timer: NodeJS.Timeout | null;
}

export class KeyedLimiter {
  readonly #max: number;
  readonly #queueTimeoutMs: number;
  readonly #running = new Map<string, number>();
  readonly #queues = new Map<string, Waiter[]>();

  constructor(max: number, queueTimeoutMs: number) {
    this.#max = max;
    this.#queueTimeoutMs = queueTimeoutMs;
  }

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const running = this.#running.get(key) ?? 0;
    // A free slot is taken synchronously: waiting on a resolved promise would cost every run a hop.
    if (running < this.#max) {
      this.#running.set(key, running + 1);
      return this.#holding(key, fn);
    }
    return this.#enqueue(key).then(() => this.#holding(key, fn));
  }

  async #holding<T>(key: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } finally {
      this.#release(key);
    }
  }

  running(key: string): number {
    return this.#running.get(key) ?? 0;
  }

  queued(key: string): number {
    return this.#queues.get(key)?.length ?? 0;
  }

  /** Waits in the key's queue until a finishing run hands over its slot, or gives up after the queue timeout. */
  #enqueue(key: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const queue = this.#queues.get(key) ?? [];
      this.#queues.set(key, queue);
      const waiter: Waiter = {
        start: () => {
          if (waiter.timer) clearTimeout(waiter.timer);
          resolve();
        },
        timer: null,
      };
      waiter.timer = setTimeout(() => {
        const i = queue.indexOf(waiter);
        if (i >= 0) queue.splice(i, 1);
        reject(new QueueTimeoutError(`Query waited more than ${Math.round(this.#queueTimeoutMs / 1000)} s in the queue (at most ${this.#max} run at once per user).`));
      }, this.#queueTimeoutMs);
      queue.push(waiter);
    });
  }

  #release(key: string): void {
    const next = this.#queues.get(key)?.shift();
    // The slot passes straight to the next waiter, so the running count stays the same.
    if (next) {
      next.start();
      return;
    }
    const running = (this.#running.get(key) ?? 1) - 1;
    if (running <= 0) this.#running.delete(key);
    else this.#running.set(key, running);
    this.#queues.delete(key);
  }
}
