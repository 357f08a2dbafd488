/** Pieces every driver shares: settings parsing, timeout resolution and the standard errors. */
import { DriverError } from './driver.ts';
import type { CancelSignal, RunOptions } from './driver.ts';

/** `a=1&b=2` or `a=1;b=2` → `{ a: '1', b: '2' }` (keys lower-cased, values trimmed). */
export function parseAdditionalParams(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!text) return out;
  for (const part of text.split(/[&;]/)) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    out[part.slice(0, eq).trim().toLowerCase()] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return out;
}

/** The timeout for one run: the run's own, else the connection default; none when absent or ≤ 0. */
export function effectiveTimeoutMs(options: RunOptions | undefined, defaultMs: number | undefined): number | undefined {
  const ms = options?.timeoutMs ?? defaultMs;
  return ms !== undefined && ms > 0 && Number.isFinite(ms) ? ms : undefined;
}

/** Looker's `query_timeout` is in seconds. */
export function secondsToMs(seconds: number | undefined): number | undefined {
  return seconds !== undefined && seconds > 0 ? Math.round(seconds * 1000) : undefined;
}

export function timeoutError(dialect: string, timeoutMs: number, detail?: string, cause?: unknown): DriverError {
  const suffix = detail ? ` (${detail})` : '';
  return new DriverError('timeout', dialect, `Query timed out after ${timeoutMs} ms and was cancelled${suffix}`, { cause });
}

export function cancelledError(dialect: string, detail?: string, cause?: unknown): DriverError {
  const suffix = detail ? ` (${detail})` : '';
  return new DriverError('cancelled', dialect, `Query was cancelled${suffix}`, { cause });
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Tracks why a run was stopped: the first of timeout or abort wins, and `onStop` runs once
 * (drivers interrupt or cancel the statement there). `dispose` must be called when the run ends.
 */
export class RunGuard {
  reason: 'timeout' | 'cancelled' | null = null;
  readonly timeoutMs: number | undefined;
  private readonly startedAt = performance.now();
  private timer: NodeJS.Timeout | undefined;
  private stopHandler: (() => void) | undefined;
  private readonly signal: CancelSignal | undefined;
  /** Made only when the run has a signal to listen to. */
  private readonly onAbort: (() => void) | undefined;

  /**
   * `timeoutGraceMs` delays the guard's own timeout when the database enforces the same
   * deadline itself (PostgreSQL's statement_timeout), so the client only steps in as a backstop.
   */
  constructor(options: RunOptions | undefined, defaultTimeoutMs: number | undefined, timeoutGraceMs = 0) {
    this.timeoutMs = effectiveTimeoutMs(options, defaultTimeoutMs);
    const signal = options?.signal;
    this.signal = signal;
    if (signal?.aborted) this.reason = 'cancelled';
    else if (signal) {
      this.onAbort = () => {
        this.stop('cancelled');
      };
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
    if (this.timeoutMs !== undefined && this.reason === null) {
      this.timer = setTimeout(() => {
        this.stop('timeout');
      }, this.timeoutMs + timeoutGraceMs);
    }
  }

  /** A method, not a field read, so type narrowing does not assume the value cannot change across awaits. */
  isStopped(): boolean {
    return this.reason !== null;
  }

  /** Milliseconds left before the timeout (undefined: no timeout). Never below 1. */
  remainingMs(): number | undefined {
    if (this.timeoutMs === undefined) return undefined;
    return Math.max(1, Math.ceil(this.timeoutMs - (performance.now() - this.startedAt)));
  }

  /** Register what stopping means now (e.g. interrupt this connection); fires at once if already stopped. */
  onStop(handler: (() => void) | undefined): void {
    this.stopHandler = handler;
    if (handler && this.reason !== null) handler();
  }

  stop(reason: 'timeout' | 'cancelled'): void {
    if (this.reason !== null) return;
    this.reason = reason;
    this.stopHandler?.();
  }

  /** The error for a stopped run, with the database's words as detail. */
  error(dialect: string, detail?: string, cause?: unknown): DriverError {
    return this.reason === 'timeout'
      ? timeoutError(dialect, this.timeoutMs ?? 0, detail, cause)
      : cancelledError(dialect, detail, cause);
  }

  dispose(): void {
    clearTimeout(this.timer);
    if (this.onAbort) this.signal?.removeEventListener('abort', this.onAbort);
    this.stopHandler = undefined;
  }
}

/**
 * A one-shot cancellation signal for the request path. Node's AbortController costs a run about
 * 20 µs (the controller, its signal, and adding and removing one listener); this costs next to nothing.
 * `abort()` calls the listeners registered at that moment, once.
 */
export class Cancellation implements CancelSignal {
  #aborted = false;
  #listeners: (() => void)[] = [];

  get aborted(): boolean {
    return this.#aborted;
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.#aborted) this.#listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const at = this.#listeners.indexOf(listener);
    if (at >= 0) this.#listeners.splice(at, 1);
  }

  abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) listener();
  }
}
