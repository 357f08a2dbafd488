/** Timing loops and order statistics shared by the benchmark tasks. */

export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
}

/** Nearest-rank percentile of sorted samples (p in 0–100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

export function median(samples: readonly number[]): number {
  return summarize(samples).p50;
}

/** Milliseconds per call of `fn`, one sample per call, after `warmup` untimed calls. */
export function timeSync(fn: () => unknown, iterations: number, warmup: number): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return samples;
}

/**
 * Like `timeSync` for async calls. With `budgetMs`, stops early once the timed calls have
 * taken that long (but never before `minIterations`), so a slow peer cannot blow the run's time limit.
 */
export async function timeAsync(
  fn: () => Promise<unknown>,
  iterations: number,
  warmup: number,
  budget?: { readonly budgetMs: number; readonly minIterations: number },
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  const deadline = budget ? performance.now() + budget.budgetMs : Number.POSITIVE_INFINITY;
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await fn();
    const end = performance.now();
    samples.push(end - start);
    if (budget && end > deadline && samples.length >= budget.minIterations) break;
  }
  return samples;
}

/** A duration for the table: µs below 1 ms, ms with 2–3 significant decimals above, s above 10 s. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 10_000) return `${ms.toFixed(0)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return 'n/a';
  return ratio >= 10 ? `${ratio.toFixed(0)}×` : `${ratio.toFixed(1)}×`;
}

export function formatInt(n: number): string {
  return n.toLocaleString('en-US');
}
