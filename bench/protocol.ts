/**
 * What each benchmark task measures and reports. Every task runs in its own child process
 * (fresh heap and JIT, and Malloy's DuckDB binding never shares a process with Overlook's)
 * and prints one `RESULT_PREFIX` line of JSON on stdout.
 */
import type { Summary } from './stats.ts';
import type { LoadOutcome } from '../test/e2e/isolation-load.ts';

export const RESULT_PREFIX = 'BENCH_RESULT ';

/** First stdout line of `bench/api-server.ts`, followed by the base URL it listens on. */
export const LISTENING_PREFIX = 'LISTENING ';

export const TASKS = ['parse-overlook', 'parse-peer', 'compile-overlook', 'compile-malloy', 'run-duckdb', 'api-overlook', 'api-bare', 'workspaces-branches', 'workspaces-users', 'queries-inline', 'queries-sql', 'queries-isolation'] as const;
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
  /** Parse + build, from the file texts in memory: what the peer's parse-only time covers too. */
  readonly resolveMs: readonly number[];
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
  /**
   * `parseFiles` on the project folder, the peer's API for a project: glob, read, parse each
   * file, assemble the models from their includes; its extends/refinements transformations off.
   */
  readonly filesMs: readonly number[];
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

/** Issue 4's limits for the workspace benchmarks. */
export const WORKSPACE_LIMITS = { branchP50Ms: 50, firstExploreMs: 20, memoryRatio: 2 } as const;

/** One git-branch operation of the workspace service, timed call by call. */
export interface WorkspaceOpTiming {
  /** e.g. `create_git_branch`. */
  readonly op: string;
  /**
   * Straight on the `Workspaces` service, through the real HTTP API (in-process server, loopback), or
   * a bare git command on the mirror (the floor every operation pays per git process).
   */
  readonly via: 'service' | 'http' | 'git';
  readonly ms: Summary;
  /** git processes one call starts (counted on one extra, untimed call). */
  readonly gitProcesses: number;
}

export interface WorkspacesBranchesResult {
  readonly task: 'workspaces-branches';
  readonly size: ProjectSize;
  /** Branches on the remote when the timing ended (each create adds one). */
  readonly remoteBranches: number;
  readonly ops: readonly WorkspaceOpTiming[];
  /** Wall time of the one-off setup (remote, project, dev copy), not part of any timing. */
  readonly setupMs: number;
}

/** Heap after `global.gc()`, in bytes. */
export interface HeapPoint {
  readonly heapUsed: number;
  readonly rss: number;
}

/** One project size of the dev-copies scenario. */
export interface DevCopiesRun {
  readonly size: ProjectSize;
  /** Users who made their calls (fewer than planned only when the time budget ran out). */
  readonly users: number;
  readonly plannedUsers: number;
  /** Workspaces the content cache keeps assembled (`maxCachedWorkspaces`). */
  readonly lruWorkspaces: number;
  /** Before production is loaded (store, mirror, users and their dev copies exist). */
  readonly baseline: HeapPoint;
  /** Production deployed, loaded and presented once. */
  readonly production: HeapPoint;
  /** When as many users as the LRU holds have loaded theirs (null: fewer users than that). */
  readonly lruFull: HeapPoint | null;
  /** After every user resolved, loaded and presented their workspace once. */
  readonly afterUsers: HeapPoint;
  /** First `lookml_model_explore` of each user (their content key never loaded before). */
  readonly firstExploreMs: Summary;
  /** Parts of that first call. */
  readonly resolveMs: Summary;
  readonly loadMs: Summary;
  readonly presentMs: Summary;
  /** The same call again, right after (assembled workspace cached). */
  readonly warmExploreMs: Summary;
  /** Production's explore with a warm cache, for comparison. */
  readonly productionExploreMs: Summary;
  /** Fields in the explore's JSON (to show both sides present the same thing). */
  readonly exploreFields: number;
}

export interface WorkspacesUsersResult {
  readonly task: 'workspaces-users';
  /** `model::explore` every call presents. */
  readonly explore: string;
  /** 1,000 users on a project small enough to assemble 1,000 times within the time budget. */
  readonly many: DevCopiesRun;
  /** A sample of users on the 1,000-file project of the branch benchmark. */
  readonly large: DevCopiesRun;
}

/** Issue 5's targets for the query benchmarks. */
export const QUERY_TARGETS = { aggregateRatio: 1.05, trivialAddedP50Ms: 1, sqlShareOfBare: 0.5 } as const;

/** One query run through `run_inline_query` and, alternately, its SQL run directly on DuckDB. */
export interface InlineQueryCase {
  /** The query's fields, e.g. `big.k, big.count, big.total_v`. */
  readonly fields: string;
  /** The SQL `POST /queries/run/sql` answered, which the direct side runs as-is. */
  readonly sql: string;
  /** HTTP round trip: request sent, JSON body received and parsed. */
  readonly overlookMs: Summary;
  /** `runAndReadAll` + `getRowObjectsJson` in the bench process. */
  readonly directMs: Summary;
  /** Per iteration, Overlook's time over the direct time right next to it (robust to drift). */
  readonly pairedRatio: Summary;
  /** Per iteration, Overlook's time minus the direct time right next to it. */
  readonly pairedDiffMs: Summary;
  /**
   * The floor of any HTTP + JSON server: bare Fastify running the same SQL on the same file as a
   * kept prepared statement and answering the rows as JSON, timed like Overlook's side.
   */
  readonly floorMs: Summary;
  /** Per iteration, Overlook's time minus the floor's in the same iteration. */
  readonly pairedFloorDiffMs: Summary;
  /**
   * CPU (user + system, all threads) per timed run: the server process for Overlook's side (null
   * without /proc), this process around each direct run. Unlike wall time, barely moved by other load.
   */
  readonly cpuMsPerRun: { readonly overlookServer: number | null; readonly direct: number };
  readonly bodyBytes: number;
  /** Row count and summed count column of each side's answer (they must agree). */
  readonly check: { readonly overlook: string; readonly direct: string; readonly floor: string };
}

export interface QueriesInlineResult {
  readonly task: 'queries-inline';
  /** Rows of the generated `big` table. */
  readonly bigRows: number;
  /** Generating the DuckDB file, untimed by the comparison. */
  readonly generateMs: number;
  readonly aggregate: InlineQueryCase;
  readonly trivial: InlineQueryCase;
}

/** A throughput round with the server process's CPU (user + system, all threads) per response; null without /proc. */
export interface SqlRound extends HttpLoad {
  readonly serverCpuMsPerRequest: number | null;
}

/** One query's `POST /queries/run/sql` rounds and the bare route's, in the order run (ABBA). */
export interface SqlThroughput {
  /** What is compiled, e.g. `thelook::order_items: 10 fields, 3 joins, 4 filters`. */
  readonly query: string;
  readonly overlook: readonly SqlRound[];
  readonly bare: readonly SqlRound[];
}

export interface QueriesSqlResult {
  readonly task: 'queries-sql';
  readonly connections: number;
  readonly pipelining: number;
  /** Per round, before its timed run. */
  readonly warmupS: number;
  readonly durationS: number;
  readonly queries: readonly SqlThroughput[];
}

/** The workspace-isolation soak (issue 5): test/e2e/isolation-load.ts's load, larger, against a server in its own process. */
export interface QueriesIsolationResult extends Omit<LoadOutcome, 'queryMs'> {
  readonly task: 'queries-isolation';
  /** Where the server keeps its metadata (tokens, sessions, dev copies). */
  readonly store: 'sqlite' | 'postgres';
  readonly users: number;
  /** Each query as the client saw it, with every token's calls in flight. */
  readonly queryMs: Summary;
  /** Making the users and their dev copies, untimed. */
  readonly setupS: number;
}

export interface TaskFailure {
  readonly task: TaskName;
  readonly error: string;
}

export type TaskResult =
  | ParseOverlookResult | ParsePeerResult | CompileResult | RunResult | ApiResult | WorkspacesBranchesResult | WorkspacesUsersResult
  | QueriesInlineResult | QueriesSqlResult | QueriesIsolationResult;
