/**
 * Probes and Prometheus metrics of one node, outside `/api` and without Looker auth (like Looker's
 * and Kubernetes' own probes):
 *
 * - `GET /healthz`: the process answers (never touches the DB) — for restarts.
 * - `GET /readyz`: the metadata DB answers and every project's git content is usable here — for the
 *   load balancer; 503 with the failed checks named otherwise.
 * - `GET /metrics`: the text exposition of a registry of this app's own (tests run many apps in one
 *   process, so never prom-client's global one).
 *
 * Request metrics cost a few increments per request: each route gets its own `onResponse` hook when
 * it is added, holding its route pattern (never the raw URL: bounded label values), so nothing is
 * built per request but the series of a status not seen before. Everything read from the DB or the
 * caches (queue depths, model cache sizes, cache counters) is collected when Prometheus scrapes.
 */
import { sql } from 'kysely';
import type { FastifyInstance, onResponseHookHandler, RouteOptions } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';
import type { QueryObserver } from '../queries/runner.ts';
import { ACTIVE_STATUSES, type RenderTables } from '../render/tables.ts';
import type { Store } from '../store/index.ts';
import { MirrorHealthChecker, type MirrorHealth } from '../workspaces/health.ts';
import type { Workspaces } from '../workspaces/index.ts';
import type { RoutePlugin } from './app.ts';

export type CacheName = 'model' | 'result' | 'compiled_sql';
const CACHES: readonly CacheName[] = ['model', 'result', 'compiled_sql'];

/** The `route` label of requests no route matched (their paths would be unbounded). */
export const UNMATCHED_ROUTE = '(unmatched)';

const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];
const QUERY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
const RENDER_BUCKETS = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];
const CHECK_TIMEOUT_MS = 2000;

// Process metrics describe the process, not an app: one set per process (each set installs GC and
// event-loop observers for good), shared by every app's registry.
let processMetrics: Metric[] | null = null;
function processMetricSet(): Metric[] {
  if (processMetrics === null) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    processMetrics = registry.getMetricsAsArray()
      .map((m) => registry.getSingleMetric(m.name))
      .filter((m): m is Metric => m !== undefined);
  }
  return processMetrics;
}

type HttpLabel = 'method' | 'route' | 'status_code';

/** One label set's series of an ArrayHistogram. */
export interface Series<L extends string> {
  readonly labels: Readonly<Record<L, string>>;
  count: number;
  sum: number;
  /** Observations per bucket (not cumulative); the last slot is above every bound. */
  readonly buckets: Float64Array;
}

export type HttpSeries = Series<HttpLabel>;

/** prom-client's internal export shape (what its Histogram's `getForPromString` returns; `get` derives from it). */
interface ExportedHistogram {
  readonly name: string;
  readonly help: string;
  readonly type: 'histogram';
  readonly aggregator: 'sum';
  readonly values: { metricName: string; labels: Record<string, string | number>; sharedLabels: Readonly<Record<string, string>>; value: number }[];
}

/**
 * A histogram for the hot paths (every request, every statement). Its series count in plain arrays
 * — nanoseconds per observation, where prom-client's `observe` builds and hashes a label string on
 * every call (about a microsecond, tens when the code is cold after a long query) — and are handed
 * to the registry in prom-client's own export shape when scraped. Callers keep the series they add.
 */
class ArrayHistogram<L extends string> extends Histogram<L> {
  readonly series: Series<L>[] = [];
  readonly #name: string;
  readonly #help: string;
  readonly #bounds: readonly number[];

  constructor(registry: Registry, name: string, help: string, labelNames: readonly L[], bounds: readonly number[]) {
    super({ name, help, labelNames, buckets: [...bounds], registers: [registry] });
    this.#name = name;
    this.#help = help;
    this.#bounds = bounds;
  }

  add(labels: Readonly<Record<L, string>>): Series<L> {
    const made: Series<L> = { labels, count: 0, sum: 0, buckets: new Float64Array(this.#bounds.length + 1) };
    this.series.push(made);
    return made;
  }

  record(series: Series<L>, value: number): void {
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] ?? 0)) i++;
    series.buckets[i] = (series.buckets[i] ?? 0) + 1;
    series.count++;
    series.sum += value;
  }

  /**
   * Replaces prom-client's own: the registry's text exposition calls it, and `get` (JSON) builds on
   * it, both for histograms. Shared labels are the series', `labels` the bucket's own.
   */
  getForPromString(): Promise<ExportedHistogram> {
    const name = this.#name;
    const values: ExportedHistogram['values'] = [];
    for (const s of this.series) {
      let cumulative = 0;
      this.#bounds.forEach((le, i) => {
        cumulative += s.buckets[i] ?? 0;
        values.push({ metricName: `${name}_bucket`, labels: { le }, sharedLabels: s.labels, value: cumulative });
      });
      values.push(
        { metricName: `${name}_bucket`, labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count },
        { metricName: `${name}_sum`, labels: {}, sharedLabels: s.labels, value: s.sum },
        { metricName: `${name}_count`, labels: {}, sharedLabels: s.labels, value: s.count },
      );
    }
    return Promise.resolve({ name, help: this.#help, type: 'histogram', aggregator: 'sum', values });
  }
}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new Error(`no answer within ${ms} ms`)); }, ms);
    timer.unref();
  });
  return Promise.race([promise, expired]).finally(() => { clearTimeout(timer); });
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * This app's metrics. Its callbacks are plain functions, so the runner, the model cache and the render
 * worker call them without knowing about Prometheus.
 */
export class Metrics implements QueryObserver {
  readonly registry = new Registry();
  readonly #requests: ArrayHistogram<HttpLabel>;
  readonly #queries: ArrayHistogram<'dialect' | 'outcome'>;
  /** The statement series by dialect and outcome (both bounded: the dialects, the driver error kinds). */
  readonly #querySeries = new Map<string, Series<'dialect' | 'outcome'>>();
  readonly #renders: Histogram<'format' | 'outcome'>;
  readonly #hits: Record<CacheName, number> = { model: 0, result: 0, compiled_sql: 0 };
  readonly #misses: Record<CacheName, number> = { model: 0, result: 0, compiled_sql: 0 };
  #sourcesAttached = false;

  constructor() {
    const registers = [this.registry];
    this.#requests = new ArrayHistogram(this.registry, 'overlook_http_request_duration_seconds', 'HTTP request duration by method, route pattern and status code', ['method', 'route', 'status_code'], HTTP_BUCKETS);
    const series = this.#requests.series;
    new Counter({
      name: 'overlook_http_requests_total', help: 'HTTP requests by method, route pattern and status code',
      labelNames: ['method', 'route', 'status_code'], registers,
      collect() {
        this.reset();
        for (const s of series) this.inc(s.labels, s.count);
      },
    });
    this.#queries = new ArrayHistogram(
      this.registry, 'overlook_query_duration_seconds', 'Time a SQL statement took on its database (result cache hits excluded), by dialect and outcome',
      ['dialect', 'outcome'], QUERY_BUCKETS,
    );
    this.#renders = new Histogram({
      name: 'overlook_render_duration_seconds', help: 'Wall time of the render tasks this node finished, by format and outcome',
      labelNames: ['format', 'outcome'], buckets: RENDER_BUCKETS, registers,
    });
    const hits = this.#hits;
    const misses = this.#misses;
    const cacheCounter = (name: string, help: string, counts: Record<CacheName, number>): void => {
      new Counter({
        name, help, labelNames: ['cache'], registers,
        collect() {
          this.reset();
          for (const cache of CACHES) this.inc({ cache }, counts[cache]);
        },
      });
    };
    cacheCounter('overlook_cache_hits_total', 'Cache lookups answered from the cache (model: assembled LookML projects; result: query results; compiled_sql: compiled queries)', hits);
    cacheCounter('overlook_cache_misses_total', 'Cache lookups that had to compute or fetch the value', misses);
    for (const metric of processMetricSet()) this.registry.registerMetric(metric);
  }

  readonly statement = (seconds: number, dialect: string, outcome: string): void => {
    const key = `${dialect}\0${outcome}`;
    let series = this.#querySeries.get(key);
    if (series === undefined) {
      series = this.#queries.add({ dialect, outcome });
      this.#querySeries.set(key, series);
    }
    this.#queries.record(series, seconds);
  };

  readonly cacheLookup = (cache: CacheName, hit: boolean): void => {
    if (hit) this.#hits[cache]++;
    else this.#misses[cache]++;
  };

  readonly modelCacheLookup = (hit: boolean): void => {
    this.cacheLookup('model', hit);
  };

  readonly renderFinished = (seconds: number, outcome: 'success' | 'failure', format: string): void => {
    this.#renders.observe({ format, outcome }, seconds);
  };

  /** The series of one (method, route, status); made on first use, then reused for good. */
  httpSeries(method: string, route: string, status: number): HttpSeries {
    return this.#requests.add({ method, route, status_code: String(status) });
  }

  recordRequest(series: HttpSeries, seconds: number): void {
    this.#requests.record(series, seconds);
  }

  /** Registers the gauges read at scrape time from the DB (task queues) and the model cache. */
  attachSources(store: Store, workspaces: Workspaces): void {
    if (this.#sourcesAttached) throw new Error('metric sources are attached already');
    this.#sourcesAttached = true;
    const registers = [this.registry];
    new Gauge({
      name: 'overlook_task_queue_depth',
      help: 'Query and render tasks waiting for a node or running, cluster-wide (every node reports the same: aggregate with max)',
      labelNames: ['queue', 'state'], registers,
      async collect() {
        this.reset();
        try {
          const depths = await within(queueDepths(store), CHECK_TIMEOUT_MS);
          for (const d of depths) this.set({ queue: d.queue, state: d.state }, d.count);
        } catch {
          // No samples rather than stale ones: the DB's own health is /readyz's business.
        }
      },
    });
    const content = workspaces.core.content;
    new Gauge({
      name: 'overlook_model_cache_workspaces', help: 'Assembled LookML projects in the model cache, by project and kind of workspace that used them',
      labelNames: ['project', 'kind'], registers,
      collect() {
        this.reset();
        for (const s of content.statsByProject()) this.set({ project: s.projectId, kind: s.kind }, s.count);
      },
    });
    new Gauge({
      name: 'overlook_model_cache_bytes', help: 'Approximate heap of the assembled LookML projects in the model cache, by project and workspace kind',
      labelNames: ['project', 'kind'], registers,
      collect() {
        this.reset();
        for (const s of content.statsByProject()) this.set({ project: s.projectId, kind: s.kind }, s.approximateBytes);
      },
    });
  }
}

export interface QueueDepth {
  readonly queue: 'query_tasks' | 'render_tasks';
  readonly state: 'waiting' | 'running';
  readonly count: number;
}

/** Two grouped counts on the status indexes of the task tables. */
export async function queueDepths(store: Store): Promise<QueueDepth[]> {
  const renderActive: readonly string[] = ACTIVE_STATUSES;
  const [queries, renders] = await Promise.all([
    store.db.selectFrom('query_tasks').select((eb) => ['status', eb.fn.countAll<number | string>().as('n')])
      .where('status', 'in', ['added', 'running']).groupBy('status').execute(),
    store.db.withTables<RenderTables>().selectFrom('render_tasks').select((eb) => ['status', eb.fn.countAll<number | string>().as('n')])
      .where('status', 'in', ['enqueued_for_query', ...renderActive]).groupBy('status').execute(),
  ]);
  const out: QueueDepth[] = [];
  const sum = (rows: readonly { status: string; n: number | string }[], statuses: readonly string[]): number =>
    rows.filter((r) => statuses.includes(r.status)).reduce((n, r) => n + Number(r.n), 0);
  out.push({ queue: 'query_tasks', state: 'waiting', count: sum(queries, ['added']) });
  out.push({ queue: 'query_tasks', state: 'running', count: sum(queries, ['running']) });
  out.push({ queue: 'render_tasks', state: 'waiting', count: sum(renders, ['enqueued_for_query']) });
  out.push({ queue: 'render_tasks', state: 'running', count: sum(renders, renderActive) });
  return out;
}

export interface ReadinessCheck {
  /** `database`, `projects` (listing them) or `git:<project id>`. */
  readonly name: string;
  readonly ok: boolean;
  readonly via?: MirrorHealth['via'];
  readonly message?: string;
}

async function readiness(store: Store, workspaces: Workspaces, mirrors: MirrorHealthChecker): Promise<ReadinessCheck[]> {
  const database = within(sql`select 1`.execute(store.db), CHECK_TIMEOUT_MS)
    .then((): ReadinessCheck => ({ name: 'database', ok: true }), (error: unknown): ReadinessCheck => ({ name: 'database', ok: false, message: messageOf(error) }));
  const git = within(workspaces.allProjects(), CHECK_TIMEOUT_MS).then(
    (projects) => Promise.all(projects.map(async (p): Promise<ReadinessCheck> => {
      const h = await mirrors.check(p);
      return { name: `git:${h.projectId}`, ok: h.ok, via: h.via, ...(h.message === undefined ? {} : { message: h.message }) };
    })),
    (error: unknown): ReadinessCheck[] => [{ name: 'projects', ok: false, message: messageOf(error) }],
  );
  const [db, repos] = await Promise.all([database, git]);
  return [db, ...repos];
}

/** The series of one route pattern, by method and status. */
class RouteSeries {
  readonly #metrics: Metrics;
  readonly #route: string;
  readonly #byMethod = new Map<string, Map<number, HttpSeries>>();

  constructor(metrics: Metrics, route: string) {
    this.#metrics = metrics;
    this.#route = route;
  }

  record(method: string, status: number, ms: number): void {
    let statuses = this.#byMethod.get(method);
    if (statuses === undefined) {
      statuses = new Map();
      this.#byMethod.set(method, statuses);
    }
    let series = statuses.get(status);
    if (series === undefined) {
      series = this.#metrics.httpSeries(method, this.#route, status);
      statuses.set(status, series);
    }
    this.#metrics.recordRequest(series, ms / 1000);
  }
}

/** Each route's own onResponse hook, so its labels are fixed when the route is added. */
function instrumentRoute(metrics: Metrics, route: RouteOptions): void {
  const fixedMethod = typeof route.method === 'string' ? route.method : null;
  const series = new RouteSeries(metrics, route.url);
  const record: onResponseHookHandler = (request, reply, done) => {
    series.record(fixedMethod ?? request.method, reply.statusCode, reply.elapsedTime);
    done();
  };
  const existing = route.onResponse;
  route.onResponse = existing === undefined ? [record] : Array.isArray(existing) ? [...existing, record] : [existing, record];
}

export interface ObservabilityOptions {
  readonly metrics: Metrics;
  readonly store: Store;
  readonly workspaces: Workspaces;
  /** Checks of projects' git content (default: this node's mirrors, remotes cached 10 s). */
  readonly mirrors?: MirrorHealthChecker;
}

/** The probes and `/metrics`, and the request metrics of every route: a root-scope plugin for `buildApp`. */
export function observability(options: ObservabilityOptions): RoutePlugin {
  const { metrics, store, workspaces } = options;
  metrics.attachSources(store, workspaces);
  const mirrors = options.mirrors ?? new MirrorHealthChecker(workspaces.core.repos, { timeoutMs: CHECK_TIMEOUT_MS });
  const plugin = (app: FastifyInstance): void => {
    app.addHook('onRoute', (route) => {
      instrumentRoute(metrics, route);
    });
    // Requests no route took (404s, SPA deep links, 405s) share one route label.
    const unmatched = new RouteSeries(metrics, UNMATCHED_ROUTE);
    app.addHook('onResponse', (request, reply, done) => {
      if (request.is404) unmatched.record(request.method, reply.statusCode, reply.elapsedTime);
      done();
    });
    const config = { lookerAuth: false };
    app.get('/healthz', { config }, async (_request, reply) => {
      void reply.header('cache-control', 'no-store');
      return { status: 'ok' };
    });
    app.get('/readyz', { config }, async (_request, reply) => {
      const checks = await readiness(store, workspaces, mirrors);
      const failed = checks.filter((c) => !c.ok).map((c) => c.name);
      void reply.header('cache-control', 'no-store').code(failed.length === 0 ? 200 : 503);
      return failed.length === 0 ? { status: 'ok', checks } : { status: 'unavailable', failed, checks };
    });
    app.get('/metrics', { config }, async (_request, reply) => {
      const text = await metrics.registry.metrics();
      return reply.header('cache-control', 'no-store').type(metrics.registry.contentType).send(text);
    });
  };
  return Object.assign(plugin, { rootScope: true });
}
