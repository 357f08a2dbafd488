/**
 * What each benchmark task measures and reports. Every task runs in its own child process
 * (fresh heap and JIT, and Malloy's DuckDB binding never shares a process with Overlook's)
 * and prints one `RESULT_PREFIX` line of JSON on stdout.
 */
import type { Summary } from './stats.ts';

export const RESULT_PREFIX = 'BENCH_RESULT ';

/** First stdout line of `bench/api-server.ts`, followed by the base URL it listens on. */
export const LISTENING_PREFIX = 'LISTENING ';

export const TASKS = ['parse-overlook', 'parse-peer', 'compile-overlook', 'compile-malloy', 'run-duckdb', 'api-overlook', 'api-bare'] as const;
export type TaskName = (typeof TASKS)[number];

export interface ProjectSize {
  readonly files: number;
  readonly viewFiles: number;
  readonly lines: number;
  readonly bytes: number;
}

export interface ParseOverlookResult {
  readonly task: 'parse-overlook';
  readonly size: ProjectSize;
  /** Whole pipeline per iteration: list + read files, parse each, build the project. */
  readonly totalMs: readonly number[];
  readonly readMs: readonly number[];
  /** `parseLookml` over every file text (already in memory). */
  readonly parseMs: readonly number[];
  readonly buildMs: readonly number[];
  readonly views: number;
  readonly explores: number;
  readonly joins: number;
  readonly fields: number;
  readonly diagnostics: number;
  readonly firstDiagnostics: readonly string[];
}

export interface ParsePeerResult {
  readonly task: 'parse-peer';
  readonly size: ProjectSize;
  readonly parseMs: readonly number[];
  /** Files lookml-parser rejected, with the first messages. */
  readonly errors: number;
  readonly firstErrors: readonly string[];
}

export interface CompileResult {
  readonly task: 'compile-overlook' | 'compile-malloy';
  readonly summary: Summary;
  readonly warmup: number;
  readonly sql: string;
}

export interface RunResult {
  readonly task: 'run-duckdb';
  readonly orderItems: number;
  readonly overlookMs: Summary;
  readonly directMs: Summary;
  readonly rows: number;
  readonly directRows: number;
  /** Which data set: the project's demo generator, or the bench's own `range()` tables. */
  readonly data: string;
  /** Result fingerprints of Overlook's SQL and (when it compiled) Malloy's SQL for the same query. */
  readonly check: { readonly overlook: string; readonly malloy?: string };
}

/** One autocannon run against one route (after its warm-up, which is not counted). */
export interface HttpLoad {
  /** e.g. `GET /api/4.0/session`. */
  readonly route: string;
  readonly requests: number;
  readonly durationS: number;
  readonly perSecond: number;
  /** Per response, measured by the load generator (autocannon's own histogram keeps whole ms only). */
  readonly latencyMs: Summary;
  readonly non2xx: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  /** Response body size checked before the run (both sides must answer the same bytes). */
  readonly bodyBytes: number;
}

export interface ApiResult {
  readonly task: 'api-overlook' | 'api-bare';
  readonly connections: number;
  readonly pipelining: number;
  readonly warmupS: number;
  readonly get: HttpLoad;
  readonly patch: HttpLoad;
}

export interface TaskFailure {
  readonly task: TaskName;
  readonly error: string;
}

export type TaskResult = ParseOverlookResult | ParsePeerResult | CompileResult | RunResult | ApiResult;
