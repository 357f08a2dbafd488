import { describe, expect, it } from 'vitest';
import { Cancellation, RunGuard } from './run-control.ts';

describe('Cancellation', () => {
  it('calls the listeners registered when it aborts, once, and reports aborted', () => {
    const cancel = new Cancellation();
    const calls: string[] = [];
    const first = (): void => { calls.push('first'); };
    const second = (): void => { calls.push('second'); };
    const removed = (): void => { calls.push('removed'); };
    cancel.addEventListener('abort', first);
    cancel.addEventListener('abort', removed);
    cancel.addEventListener('abort', second);
    cancel.removeEventListener('abort', removed);
    expect(cancel.aborted).toBe(false);
    cancel.abort();
    cancel.abort();
    expect(cancel.aborted).toBe(true);
    expect(calls).toEqual(['first', 'second']);
    // Listening after the fact does nothing: callers check `aborted` first, as with AbortSignal.
    cancel.addEventListener('abort', first);
    cancel.abort();
    expect(calls).toEqual(['first', 'second']);
  });
});

describe('RunGuard', () => {
  it('stops as cancelled when its Cancellation aborts, running the stop handler once', () => {
    const cancel = new Cancellation();
    const guard = new RunGuard({ signal: cancel }, undefined);
    let interrupted = 0;
    guard.onStop(() => { interrupted++; });
    expect(guard.isStopped()).toBe(false);
    cancel.abort();
    expect(guard.reason).toBe('cancelled');
    expect(interrupted).toBe(1);
    expect(guard.error('duckdb', 'DuckDB: Interrupted').message).toBe('Query was cancelled (DuckDB: Interrupted)');
    guard.dispose();
  });

  it('starts stopped when the signal was aborted before the run, and stops listening when disposed', () => {
    const early = new Cancellation();
    early.abort();
    expect(new RunGuard({ signal: early }, 1000).reason).toBe('cancelled');

    const late = new Cancellation();
    const guard = new RunGuard({ signal: late }, undefined);
    guard.dispose();
    late.abort();
    expect(guard.isStopped()).toBe(false);
  });

  it('still takes an AbortSignal', () => {
    const controller = new AbortController();
    const guard = new RunGuard({ signal: controller.signal }, undefined);
    controller.abort();
    expect(guard.reason).toBe('cancelled');
    guard.dispose();
  });

  it('times out after the run timeout, else the default one', async () => {
    const guard = new RunGuard({ timeoutMs: 20 }, 60_000);
    expect(guard.timeoutMs).toBe(20);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(guard.reason).toBe('timeout');
    expect(guard.error('duckdb').message).toBe('Query timed out after 20 ms and was cancelled');
    guard.dispose();
    const byDefault = new RunGuard(undefined, 45);
    expect(byDefault.timeoutMs).toBe(45);
    byDefault.dispose();
  });
});
